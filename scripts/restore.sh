#!/usr/bin/env bash
# Restores a backup made by scripts/backup.sh (its directory or its .tar file) into an empty
# database and the attachments folder of TRESEN_DATA_DIR.
#
#   scripts/restore.sh [--replace] BACKUP
#
# The target database is chosen as in backup.sh: DATABASE_URL, or the embedded PostgreSQL of
# TRESEN_DATA_DIR (default ./data) while `tresen start` runs. The database must exist and be
# empty, and the attachments folder must be empty or missing. With --replace, everything in the
# target database is dropped first, in the same transaction as the restore, and an existing
# attachments folder is moved aside to attachments.before-restore-<time> (nothing is deleted from
# disk); restart Tresen afterwards. The database is restored in one transaction: on any error it
# is left as it was.
set -euo pipefail

die() {
  echo "restore: $*" >&2
  exit 1
}

REPLACE=0
BACKUP=""
while [ $# -gt 0 ]; do
  case "$1" in
    --replace) REPLACE=1; shift ;;
    -h | --help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option: $1 (see --help)" ;;
    *) [ -z "$BACKUP" ] || die "only one backup at a time"; BACKUP="$1"; shift ;;
  esac
done
[ -n "$BACKUP" ] || die "usage: scripts/restore.sh [--replace] BACKUP (see --help)"

DATA_DIR="${TRESEN_DATA_DIR:-./data}"
for tool in pg_restore psql tar sha256sum; do
  command -v "$tool" >/dev/null || die "$tool is missing (Debian: apt-get install postgresql-client)"
done

WORK="$(mktemp -d "${TMPDIR:-/tmp}/tresen-restore-XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

if [ -f "$BACKUP" ]; then
  tar -xf "$BACKUP" -C "$WORK"
  SRC="$(find "$WORK" -mindepth 1 -maxdepth 1 -type d | head -n 1)"
  [ -n "$SRC" ] || die "$BACKUP holds no backup directory"
elif [ -d "$BACKUP" ]; then
  SRC="$BACKUP"
else
  die "$BACKUP does not exist"
fi
[ -f "$SRC/database.dump" ] || die "$SRC has no database.dump"
(cd "$SRC" && sha256sum --check --quiet SHA256SUMS) || die "the files of $BACKUP do not match their checksums"

# Connection (DB_ARGS, DB_NAME, SERVER_NUM, SERVER_MAJOR) and client version, shared with the other script.
# shellcheck source=lib/tresen-db.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/tresen-db.sh"
tresen_db_connect
tresen_db_check_client pg_restore

# Check everything before changing anything.
SCHEMAS="n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
  AND n.nspname NOT LIKE 'pg_temp%'"
OBJECTS="$(psql "${DB_ARGS[@]}" -XAtqc "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE $SCHEMAS")"
if [ "$OBJECTS" != 0 ] && [ "$REPLACE" -eq 0 ]; then
  die "$DB_NAME is not empty ($OBJECTS relations); restore into an empty database, or pass --replace"
fi
ATTACHMENTS="$DATA_DIR/attachments"
if [ -d "$ATTACHMENTS" ] && [ -n "$(find "$ATTACHMENTS" -mindepth 1 ! -name '.probe-*' -print -quit)" ]; then
  [ "$REPLACE" -eq 1 ] || die "$ATTACHMENTS is not empty; pass --replace to move it aside"
  ASIDE="$ATTACHMENTS.before-restore-$(date -u +%Y%m%dT%H%M%SZ)"
fi

# Comments on extensions need their owner (a superuser); the extensions themselves do not.
pg_restore --list "$SRC/database.dump" | grep -v ' COMMENT - EXTENSION ' >"$WORK/restore.list"
echo "restore: restoring the database into $DB_NAME" >&2
# One psql session, one transaction: with --replace the old contents are dropped in the same
# transaction, so a failed restore leaves them in place. No connection is ended.
{
  echo "SET client_min_messages = warning;"
  if [ "$REPLACE" -eq 1 ]; then
    echo "SELECT format('DROP SCHEMA %I CASCADE', n.nspname) FROM pg_namespace n WHERE $SCHEMAS \\gexec"
    echo "CREATE SCHEMA public;"
  fi
  if ! pg_restore --no-owner --no-privileges --use-list="$WORK/restore.list" --file=- "$SRC/database.dump"; then
    # End a COPY that may have been cut off, then fail, so psql rolls the transaction back.
    printf '\\.\nSELECT pg_restore_failed();\n'
  fi
} | psql "${DB_ARGS[@]}" -X -q -v ON_ERROR_STOP=1 --single-transaction >/dev/null

if [ -f "$SRC/attachments.tar" ]; then
  if [ -n "${ASIDE:-}" ]; then
    mv "$ATTACHMENTS" "$ASIDE"
    echo "restore: moved the previous attachments to $ASIDE" >&2
  fi
  mkdir -p "$DATA_DIR"
  tar -xf "$SRC/attachments.tar" -C "$DATA_DIR"
  echo "restore: attachments restored into $ATTACHMENTS" >&2
fi
echo "restore: done; start (or restart) Tresen: it applies migrations newer than the backup" >&2
