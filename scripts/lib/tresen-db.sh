# Sourced by backup.sh and restore.sh: how to reach Tresen's database, and a check that the
# PostgreSQL client tool is at least the server's major version.
#   tresen_db_connect            sets DB_ARGS (libpq arguments), DB_NAME (for messages),
#                                SERVER_NUM and SERVER_MAJOR; the embedded password goes only to the environment
#   tresen_db_check_client TOOL  dies when TOOL (pg_dump, pg_restore) is older than the server
# Needs DATA_DIR and a die function from the caller.

tresen_db_connect() {
  if [ -n "${DATABASE_URL:-}" ]; then
    DB_ARGS=(--dbname="$DATABASE_URL")
    DB_NAME="the database of DATABASE_URL"
  else
    local secrets="$DATA_DIR/secrets.json"
    [ -r "$secrets" ] || die "DATABASE_URL is not set and $secrets is not readable (set TRESEN_DATA_DIR?)"
    command -v node >/dev/null || die "node is needed to read $secrets"
    PGPASSWORD="$(node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).embeddedDbPassword)' "$secrets")"
    export PGPASSWORD
    DB_ARGS=(--host=127.0.0.1 --port="${TRESEN_EMBEDDED_PG_PORT:-54329}" --username=postgres --dbname=tresen)
    DB_NAME="the embedded PostgreSQL on port ${TRESEN_EMBEDDED_PG_PORT:-54329} (is tresen running?)"
  fi
  SERVER_NUM="$(psql "${DB_ARGS[@]}" -XAtqc 'SHOW server_version_num')" || die "cannot connect to $DB_NAME"
  SERVER_MAJOR=$((SERVER_NUM / 10000))
}

tresen_db_check_client() {
  local major
  major="$("$1" --version | sed -E 's/^[^0-9]*([0-9]+).*/\1/')"
  if [ "$major" -lt "$SERVER_MAJOR" ]; then
    die "$1 $major is older than the server ($SERVER_MAJOR); install the PostgreSQL $SERVER_MAJOR client tools"
  fi
}
