#!/bin/sh
# tests/browser/run.sh [TMPDIR] — the console's browser journeys, end to end.
#
# Starts a real `build/remit serve` (REMIT_TEST_MODE=1) on a fresh SQLite file in TMPDIR on a
# free loopback port, runs journeys.mjs in Debian's Chromium (headless, through playwright-core;
# no browser download), writes screenshots to tests/artifacts/screenshots/, and always stops the
# server. The last line is "N passed, N failed[, N skipped]"; the exit status is non-zero when a
# journey failed. Journeys whose API the server does not have yet are reported as skipped, by name.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
tmp=${1:-$(mktemp -d /tmp/remit-browser.XXXXXX)}
work="$tmp/browser"
rm -rf "$work"
mkdir -p "$work/data"

command -v chromium >/dev/null 2>&1 || sh scripts/deps.sh test
[ -x build/remit ] || make -s -j2 build/remit

# playwright-core only (no browser download); reinstalled when the lock changes
lock_sum=$(sha256sum tests/browser/package.json tests/browser/package-lock.json | sha256sum | cut -d' ' -f1)
if [ ! -f tests/browser/node_modules/.remit-stamp ] || [ "$(cat tests/browser/node_modules/.remit-stamp)" != "$lock_sum" ]; then
    (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
    echo "$lock_sum" > tests/browser/node_modules/.remit-stamp
fi

REMIT_TEST_MODE=1 REMIT_AUTH_RATE=100000 REMIT_LOG_LEVEL=warn REMIT_SECRET=$(printf '%064d' 9) \
    ./build/remit serve --db "sqlite:$work/remit.db" --data-dir "$work/data" --listen 127.0.0.1:0 \
    >"$work/out" 2>"$work/server.log" &
pid=$!
stop() {
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}
trap stop EXIT INT TERM

port=""
for _ in $(seq 1 300); do
    port=$(sed -n 's|.*serving on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$work/out" 2>/dev/null || true)
    [ -n "$port" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
done
if [ -z "$port" ]; then
    echo "browser: the server did not start" >&2
    cat "$work/server.log" >&2
    echo "0 passed, 1 failed"
    exit 1
fi
echo "browser: server on http://127.0.0.1:$port (pid $pid)"

shots="$root/tests/artifacts/screenshots"
mkdir -p "$shots"
status=0
REMIT_BASE="http://127.0.0.1:$port" REMIT_SHOTS="$shots" REMIT_WORK="$work" \
    node tests/browser/journeys.mjs ${REMIT_BROWSER_FILTER:+--filter "$REMIT_BROWSER_FILTER"} || status=$?
if [ "$status" -ne 0 ]; then
    echo "browser: last lines of the server log:"
    tail -n 20 "$work/server.log"
fi
# the summary again, as the very last line (journeys.mjs wrote it)
cat "$work/summary" 2>/dev/null || echo "0 passed, 1 failed"
exit "$status"
