#!/usr/bin/env bash
# Backs up a Tresen installation: the database (pg_dump, custom format) and the attachments folder,
# into one timestamped directory, or one tar file with --tar.
#
#   scripts/backup.sh [--out DIR] [--tar]
#
# The database is DATABASE_URL when it is set. Otherwise it is the embedded PostgreSQL of
# TRESEN_DATA_DIR (default ./data), which runs while `tresen start` runs: 127.0.0.1 on
# TRESEN_EMBEDDED_PG_PORT (default 54329), user postgres, database tresen, with the password from
# TRESEN_DATA_DIR/secrets.json. Needs pg_dump and psql of at least the server's major version.
# Prints the path of the backup as the last line on stdout.
set -euo pipefail

die() {
  echo "backup: $*" >&2
  exit 1
}

OUT="."
AS_TAR=0
while [ $# -gt 0 ]; do
  case "$1" in
    --out) OUT="${2:?--out needs a directory}"; shift 2 ;;
    --tar) AS_TAR=1; shift ;;
    -h | --help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done

DATA_DIR="${TRESEN_DATA_DIR:-./data}"
for tool in pg_dump psql tar sha256sum; do
  command -v "$tool" >/dev/null || die "$tool is missing (Debian: apt-get install postgresql-client)"
done

# Connection (DB_ARGS, DB_NAME, SERVER_NUM, SERVER_MAJOR) and client version, shared with the other script.
# shellcheck source=lib/tresen-db.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/tresen-db.sh"
tresen_db_connect
tresen_db_check_client pg_dump

STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
NAME="tresen-backup-$STAMP"
mkdir -p "$OUT"
DEST="$(cd "$OUT" && pwd)/$NAME"
if [ -e "$DEST" ] || [ -e "$DEST.tar" ]; then die "$DEST already exists"; fi
# The backup holds every customer's data: readable by its owner only.
umask 077
mkdir "$DEST"
trap '[ -n "${DEST:-}" ] && rm -rf "$DEST"' ERR

echo "backup: dumping the database ($DB_NAME, PostgreSQL $SERVER_MAJOR)" >&2
pg_dump "${DB_ARGS[@]}" --format=custom --compress=6 --file="$DEST/database.dump"

# After the dump: every attachment the dumped rows name was written before its row committed,
# so it is in the folder now (later uploads are extra files, which do no harm).
if [ -d "$DATA_DIR/attachments" ]; then
  echo "backup: copying $DATA_DIR/attachments" >&2
  tar -cf "$DEST/attachments.tar" -C "$DATA_DIR" attachments
  ATTACHMENTS="$(find "$DATA_DIR/attachments" -type f ! -name '.probe-*' | wc -l) files"
else
  ATTACHMENTS="none ($DATA_DIR/attachments does not exist)"
fi

MIGRATIONS="$(psql "${DB_ARGS[@]}" -XAtqc 'SELECT count(*) FROM drizzle.__drizzle_migrations' 2>/dev/null || echo unknown)"
{
  echo "created: $STAMP"
  echo "server: PostgreSQL $SERVER_NUM"
  echo "pg_dump: $(pg_dump --version)"
  echo "migrations applied: $MIGRATIONS"
  echo "attachments: $ATTACHMENTS"
} >"$DEST/manifest.txt"
(cd "$DEST" && sha256sum database.dump $( [ -f attachments.tar ] && echo attachments.tar ) >SHA256SUMS)

if [ "$AS_TAR" -eq 1 ]; then
  tar -cf "$DEST.tar" -C "$(dirname "$DEST")" "$NAME"
  rm -rf "$DEST"
  DEST="$DEST.tar"
fi
trap - ERR
echo "backup: done" >&2
echo "$DEST"
