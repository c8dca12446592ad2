#!/usr/bin/env bash
# The whole check, as CI runs it (`npm test`): installs what is missing, then typecheck, lint,
# migration drift, unit tests, integration tests on the embedded PostgreSQL and once more on
# Debian's PostgreSQL 15. Ends with "N passed, N failed" over all test runs.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PG15_BIN=/usr/lib/postgresql/15/bin
IS_ROOT=0
[ "$(id -u)" -eq 0 ] && IS_ROOT=1

WORK="$(mktemp -d "${TMPDIR:-/tmp}/tresen-test-XXXXXX")"
chmod 755 "$WORK"
PG_DIR=""
failures=()

cleanup() {
  if [ -n "$PG_DIR" ] && [ -f "$PG_DIR/data/postmaster.pid" ]; then
    if [ "$IS_ROOT" -eq 1 ]; then
      su postgres -s /bin/sh -c "$PG15_BIN/pg_ctl -D '$PG_DIR/data' -m fast -w stop" >/dev/null 2>&1 || true
    else
      "$PG15_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
  fi
  [ -n "$PG_DIR" ] && rm -rf "$PG_DIR"
  rm -rf "$WORK"
}
trap cleanup EXIT

stage() { printf '\n==> %s\n' "$*"; }

# Runs a stage; a failure is recorded and the remaining stages still run.
run_stage() {
  local name="$1"
  shift
  stage "$name"
  if ! "$@"; then
    echo "FAILED: $name"
    failures+=("$name")
  fi
}

# --- Dependencies -------------------------------------------------------------------------
stage "dependencies"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "node_modules is missing or older than package-lock.json: npm ci"
  npm ci
else
  echo "node_modules is up to date"
  # A clean clone installs with npm ci, which refuses a lock file out of step with package.json
  # (for example an optional platform package the registry does not have). Check that here too.
  if ! npm ci --dry-run --ignore-scripts >"$WORK/npm-ci-dry-run.log" 2>&1; then
    cat "$WORK/npm-ci-dry-run.log"
    echo "package-lock.json would not install on a clean clone (npm ci)"
    exit 1
  fi
fi

# System packages the tests need. Later stages add theirs here (chromium for the browser tests,
# dovecot-imapd for the mail tests), each with the file that shows whether it is installed.
SYSTEM_PACKAGES=()
[ -x "$PG15_BIN/initdb" ] || SYSTEM_PACKAGES+=(postgresql)
[ -x /usr/bin/chromium ] || SYSTEM_PACKAGES+=(chromium)
[ -x /usr/sbin/dovecot ] || SYSTEM_PACKAGES+=(dovecot-imapd)
if [ "${#SYSTEM_PACKAGES[@]}" -gt 0 ]; then
  if [ "$IS_ROOT" -eq 1 ] && command -v apt-get >/dev/null; then
    echo "installing ${SYSTEM_PACKAGES[*]}"
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${SYSTEM_PACKAGES[@]}"
  else
    echo "note: missing system packages (${SYSTEM_PACKAGES[*]}) and not root; the stages that need them are skipped"
  fi
fi

# --- Static checks --------------------------------------------------------------------------
run_stage "typecheck" npm run --silent typecheck
run_stage "lint" npm run --silent lint
run_stage "migration drift" node scripts/check-migrations.mjs
web_build() {
  node scripts/build-web.mjs --force && node scripts/check-bundle-size.mjs
}
run_stage "web app build and bundle size" web_build
# The process tests (tresen start, the CLI, the browser tests) then run the built server, as npm start does.
run_stage "server build" node scripts/build-server.mjs --force

# --- Tests ----------------------------------------------------------------------------------
REPORTS=()
vitest_run() {
  local report="$WORK/vitest-$1.json"
  shift
  REPORTS+=("$report")
  local status=0
  node_modules/.bin/vitest run "$@" --reporter=default --reporter=json --outputFile.json="$report" || status=$?
  # The report decides, not only the exit code: a library's exit hook (embedded-postgres loads
  # async-exit-hook) can turn vitest's exit code 1 into 0.
  node -e '
    const r = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"))
    process.exit(r.success && r.numFailedTests === 0 && r.numFailedTestSuites === 0 ? 0 : 1)
  ' "$report" 2>/dev/null || status=1
  return "$status"
}

run_stage "unit tests" vitest_run unit --project unit
run_stage "integration tests (embedded PostgreSQL)" vitest_run int-embedded --project integration

free_port() {
  node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

start_pg15() {
  PG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/tresen-pg15-XXXXXX")"
  chmod 755 "$PG_DIR"
  local port
  port="$(free_port)"
  local initdb="$PG15_BIN/initdb -D '$PG_DIR/data' -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8"
  local start="$PG15_BIN/pg_ctl -D '$PG_DIR/data' -l '$PG_DIR/server.log' -w -o '-p $port -k $PG_DIR -c listen_addresses=127.0.0.1' start"
  if [ "$IS_ROOT" -eq 1 ]; then
    chown postgres:postgres "$PG_DIR"
    su postgres -s /bin/sh -c "$initdb" >"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log"; return 1; }
    su postgres -s /bin/sh -c "$start" >/dev/null || { cat "$PG_DIR/server.log"; return 1; }
  else
    sh -c "$initdb" >"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log"; return 1; }
    sh -c "$start" >/dev/null || { cat "$PG_DIR/server.log"; return 1; }
  fi
  echo "PostgreSQL 15 running on 127.0.0.1:$port (data in $PG_DIR)"
  export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
}

integration_on_pg15() {
  start_pg15 || return 1
  vitest_run int-pg15 --project integration
}

if [ -x "$PG15_BIN/initdb" ]; then
  run_stage "integration tests (Debian PostgreSQL 15)" integration_on_pg15
else
  stage "integration tests (Debian PostgreSQL 15)"
  echo "note: skipped; $PG15_BIN/initdb is missing (install the postgresql package, or run as root)"
fi

# Browser tests: a real server on its own database (on the PostgreSQL 15 above when it runs,
# otherwise on an embedded one), driven through Debian's Chromium.
browser_tests() {
  local report="$WORK/e2e.json"
  REPORTS+=("$report")
  E2E_JSON_REPORT="$report" E2E_DATABASE_URL="${TEST_DATABASE_URL:-}" E2E_RUN_ID="$$" \
    node_modules/.bin/playwright test -c apps/web/playwright.config.ts
}
if [ -x /usr/bin/chromium ]; then
  run_stage "browser tests (Chromium)" browser_tests
  echo "screenshots: apps/web/test-results/screenshots/"
else
  stage "browser tests (Chromium)"
  echo "note: skipped; /usr/bin/chromium is missing (install the chromium package, or run as root)"
fi

# --- Summary --------------------------------------------------------------------------------
summary="$(node -e '
  const fs = require("node:fs")
  let passed = 0, failed = 0
  for (const file of process.argv.slice(1)) {
    if (!fs.existsSync(file)) { failed += 1; console.error(`no report from ${file}: counted as 1 failed`); continue }
    const r = JSON.parse(fs.readFileSync(file, "utf8"))
    if (r.stats && r.numPassedTests === undefined) {
      // a Playwright report
      passed += r.stats.expected + r.stats.flaky
      failed += r.stats.unexpected + (r.errors?.length ?? 0)
      continue
    }
    passed += r.numPassedTests
    failed += r.numFailedTests
    // A suite that fails to load has no failed tests but must still count.
    if (r.numFailedTests === 0 && r.numFailedTestSuites > 0) failed += r.numFailedTestSuites
  }
  console.log(`${passed} passed, ${failed} failed`)
' "${REPORTS[@]}")"

echo
if [ "${#failures[@]}" -gt 0 ]; then
  echo "failed stages: ${failures[*]}"
fi
echo "$summary"
[ "${#failures[@]}" -eq 0 ]
