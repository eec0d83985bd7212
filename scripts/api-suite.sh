#!/bin/sh
# scripts/api-suite.sh STORE TMPDIR — runs the API tests against a real server.
#
# Starts build/asan/remit serve (sanitizers on, REMIT_TEST_MODE=1) on a fresh
# database of STORE (sqlite: a new file; postgres: a new database on the server
# scripts/pg-test.sh started in TMPDIR/pg), on a free loopback port; runs the
# golden files (tests/api/cases/*.t, build/api-tests) and the scenario tests
# (build/api-scenarios); stops the server with SIGTERM and fails if it did not
# exit cleanly or if its log holds any sanitizer report.
set -eu
store=$1
tmp=$2
root=$(pwd)
work="$tmp/$store"
mkdir -p "$work"
chmod 755 "$work"

case $store in
    sqlite)
        db="sqlite:$work/remit.db"
        admin=""
        ;;
    postgres)
        name="remit_$(date +%s)_$$"
        admin=$(cat "$tmp/pg/admin_url")
        url=$(cat "$tmp/pg/url")
        psql -q -v ON_ERROR_STOP=1 "$admin" -c "CREATE DATABASE $name OWNER remit" >/dev/null
        db=$(echo "$url" | sed "s|/remit_test\$|/$name|")
        admin=$(echo "$admin" | sed "s|/postgres\$|/$name|")
        ;;
    *)
        echo "usage: api-suite.sh sqlite|postgres TMPDIR" >&2
        exit 2
        ;;
esac

log="$work/server.log"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:log_path=$work/asan"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=0:log_path=$work/ubsan"
REMIT_TEST_MODE=1 REMIT_LOG_LEVEL=${REMIT_LOG_LEVEL:-warn} REMIT_SECRET=$(printf '%064d' 7) REMIT_SETTINGS_KEY=$(printf '%064d' 5) \
    ./build/asan/remit serve --db "$db" --data-dir "$work/data" --listen 127.0.0.1:0 --threads 8 >"$work/out" 2>"$log" &
pid=$!
port=""
for _ in $(seq 1 300); do
    port=$(sed -n 's|.*serving on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$work/out" 2>/dev/null || true)
    [ -n "$port" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
done
if [ -z "$port" ]; then
    echo "api-suite: the server did not start" >&2
    cat "$log" >&2
    exit 1
fi
base="http://127.0.0.1:$port"
echo "api-suite: $store server on $base (pid $pid)"

status=0
export REMIT_TEST_BASE="$base" REMIT_TEST_STORE="$store" REMIT_TEST_DB="$db" REMIT_TEST_ADMIN_DB="$admin"
export REMIT_TEST_BIN="$root/build/asan/remit" REMIT_TEST_WORK="$work"
filter=${REMIT_TEST_FILTER:-}
cases=$(ls tests/api/cases/*.t 2>/dev/null || true)
if [ -n "$cases" ]; then
    # shellcheck disable=SC2086
    ./build/api-tests --base "$base" ${filter:+--filter "$filter"} $cases >"$work/golden.log" 2>&1 || status=1
    cat "$work/golden.log"
fi
./build/api-scenarios --jobs=1 ${filter:+--filter "*$filter*"} >"$work/scenarios.log" 2>&1 || status=1
cat "$work/scenarios.log"

kill -TERM "$pid" 2>/dev/null || true
wait "$pid" || { echo "api-suite: the server exited with status $?" >&2; status=1; }
if ls "$work"/asan* "$work"/ubsan* >/dev/null 2>&1; then
    echo "api-suite: sanitizer reports:" >&2
    cat "$work"/asan* "$work"/ubsan* >&2
    status=1
fi
if grep -q -E 'AddressSanitizer|runtime error|LeakSanitizer' "$log"; then
    echo "api-suite: sanitizer output in the server log:" >&2
    grep -E -A20 'AddressSanitizer|runtime error|LeakSanitizer' "$log" >&2
    status=1
fi
# one closing line for scripts/test: golden + scenarios
p=0
f=0
if [ -f "$work/golden.log" ]; then
    l=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$work/golden.log" | tail -n 1 || true)
    gp=$(echo "$l" | sed -n 's/^\([0-9]*\) passed.*/\1/p')
    gf=$(echo "$l" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
    p=$((p + ${gp:-0}))
    f=$((f + ${gf:-0}))
fi
l=$(grep 'Synthesis' "$work/scenarios.log" | tail -n 1 || true)
sp=$(echo "$l" | sed -n 's/.*Passing: \([0-9]*\).*/\1/p')
sf=$(echo "$l" | sed -n 's/.*Failing: \([0-9]*\).*/\1/p')
sc=$(echo "$l" | sed -n 's/.*Crashing: \([0-9]*\).*/\1/p')
p=$((p + ${sp:-0}))
f=$((f + ${sf:-0} + ${sc:-0}))
[ "$status" -eq 0 ] || [ "$f" -gt 0 ] || f=1
echo "api-$store: $p passed, $f failed"
exit "$status"
