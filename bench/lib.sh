# bench/lib.sh — helpers shared by the benchmark scripts (sourced, not run).
#
#   . bench/lib.sh
#   bench_init                      temp dir in $BENCH_TMP, cleanup trap (processes, temp dir)
#   bench_track PID                 kill PID (TERM, then KILL) at cleanup
#   pg_start                        a throwaway PostgreSQL (scripts/pg-test.sh) for remit_start
#   remit_start NAME [ARGS...]      $BENCH_REMIT serve on sqlite:$BENCH_TMP/NAME/remit.db (or the
#                                   pg_start database), a free loopback port; sets REMIT_URL,
#                                   REMIT_PID, REMIT_DB_URL, REMIT_DATA
#   remit_signup                    signs a tenant up; sets BENCH_TOKEN (an access token) and
#                                   BENCH_SLUG (the tenant's slug)
#   remit_cli ARGS...               $BENCH_REMIT ARGS on that server's database and data dir
#   nginx_start DOCROOT             nginx serving DOCROOT as application/json; sets NGINX_URL
#   wrk_run URL                     warm-up, then the measured run; sets WRK_RPS, WRK_P50_MS,
#                                   WRK_P99_MS, WRK_ERRORS
#   wrk_measure LABEL URL           wrk_run and one table row (wrk_header prints the heading)
#   median N... / sum N...          of numbers; fmt DECIMALS formats the number on stdin
#   ratio A B                       A / B with two decimals
#
# Settings (environment): BENCH_THREADS (wrk -t, default 2), BENCH_CONNS (-c, default 32),
# BENCH_SECONDS (-d, default 10), BENCH_WARMUP (seconds, default 3), BENCH_ROUNDS (how many
# times a script repeats its comparisons, default 3), BENCH_REMIT (the binary, default
# ./build/remit: another build can be measured the same way).
# Everything listens on 127.0.0.1 only; a script that exits for any reason (error, Ctrl-C)
# stops what it started and removes its temp dir.

BENCH_THREADS=${BENCH_THREADS:-2}
BENCH_CONNS=${BENCH_CONNS:-32}
BENCH_SECONDS=${BENCH_SECONDS:-10}
BENCH_WARMUP=${BENCH_WARMUP:-3}
BENCH_ROUNDS=${BENCH_ROUNDS:-3}
BENCH_ROOT=$(pwd)
BENCH_REMIT=${BENCH_REMIT:-./build/remit}
BENCH_PIDS=""
BENCH_TMP=""
BENCH_PG_DIR=""

bench_cleanup() {
    for p in $BENCH_PIDS; do
        kill -TERM "$p" 2>/dev/null || true
    done
    for p in $BENCH_PIDS; do
        i=0
        while kill -0 "$p" 2>/dev/null && [ $i -lt 50 ]; do
            sleep 0.1
            i=$((i + 1))
        done
        kill -KILL "$p" 2>/dev/null || true
    done
    BENCH_PIDS=""
    if [ -n "$BENCH_PG_DIR" ]; then
        sh "$BENCH_ROOT/scripts/pg-test.sh" stop "$BENCH_PG_DIR" >/dev/null 2>&1 || true
        BENCH_PG_DIR=""
    fi
    if [ -n "$BENCH_TMP" ]; then
        rm -rf "$BENCH_TMP"
    fi
}

bench_init() {
    BENCH_TMP=$(mktemp -d /tmp/remit-bench.XXXXXX)
    chmod 755 "$BENCH_TMP"   # nginx workers run as another user
    trap bench_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

bench_track() {
    BENCH_PIDS="$BENCH_PIDS $1"
}

die() {
    echo "bench: $*" >&2
    exit 1
}

# wait_port FILE PID: waits for "serving on http://127.0.0.1:PORT/" in FILE; prints PORT.
wait_remit_port() {
    i=0
    while [ $i -lt 300 ]; do
        port=$(sed -n 's|.*serving on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$1" 2>/dev/null || true)
        if [ -n "$port" ]; then
            echo "$port"
            return 0
        fi
        kill -0 "$2" 2>/dev/null || return 1
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}

remit_start() {
    name=$1
    shift
    dir="$BENCH_TMP/$name"
    mkdir -p "$dir"
    REMIT_DB_URL=${BENCH_DB_URL:-"sqlite:$dir/remit.db"}
    REMIT_DATA="$dir/data"
    REMIT_LOG_LEVEL=${REMIT_LOG_LEVEL:-warn} "$BENCH_REMIT" serve --db "$REMIT_DB_URL" \
        --data-dir "$REMIT_DATA" --listen 127.0.0.1:0 "$@" >"$dir/out" 2>"$dir/log" &
    REMIT_PID=$!
    bench_track "$REMIT_PID"
    port=$(wait_remit_port "$dir/out" "$REMIT_PID") || {
        cat "$dir/log" >&2
        die "remit serve did not start"
    }
    REMIT_URL="http://127.0.0.1:$port"
}

# pg_start — a throwaway PostgreSQL server (scripts/pg-test.sh: loopback, fsync off) for the
# next remit_start: sets BENCH_DB_URL; stopped and removed at cleanup.
pg_start() {
    sh scripts/deps.sh test >/dev/null
    BENCH_PG_DIR="$BENCH_TMP/pg"
    sh scripts/pg-test.sh start "$BENCH_PG_DIR" >/dev/null || die "PostgreSQL did not start"
    BENCH_DB_URL=$(cat "$BENCH_PG_DIR/url")
}

remit_signup() {
    body=$(curl -sS -X POST "$REMIT_URL/api/v1/auth/signup" -H 'Content-Type: application/json' \
        -d '{"tenant_name":"Bench Co","email":"bench@remit.test","password":"bench-password-2026"}') ||
        die "signup failed"
    BENCH_TOKEN=$(printf '%s' "$body" | sed -n 's/.*"access_token": *"\([^"]*\)".*/\1/p')
    BENCH_SLUG=$(printf '%s' "$body" | sed -n 's/.*"slug": *"\([^"]*\)".*/\1/p')
    [ -n "$BENCH_TOKEN" ] && [ -n "$BENCH_SLUG" ] || die "signup gave no access token or slug: $body"
}

# remit_cli ARGS... — $BENCH_REMIT ARGS on the database and data dir of the last remit_start.
remit_cli() {
    "$BENCH_REMIT" "$@" --db "$REMIT_DB_URL" --data-dir "$REMIT_DATA" >/dev/null || die "remit $* failed"
}

nginx_start() {
    root=$1
    dir="$BENCH_TMP/nginx"
    mkdir -p "$dir"
    port=$(free_port)
    cat >"$dir/nginx.conf" <<CONF
worker_processes auto;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    types { }
    default_type application/json;
    client_body_temp_path $dir/body;
    proxy_temp_path $dir/proxy;
    fastcgi_temp_path $dir/fastcgi;
    uwsgi_temp_path $dir/uwsgi;
    scgi_temp_path $dir/scgi;
    server {
        listen 127.0.0.1:$port;
        root $root;
    }
}
CONF
    nginx -p "$dir" -c "$dir/nginx.conf" -g 'daemon off;' 2>"$dir/stderr" &
    NGINX_PID=$!
    bench_track "$NGINX_PID"
    NGINX_URL="http://127.0.0.1:$port"
    i=0
    until curl -s -o /dev/null "$NGINX_URL/"; do
        kill -0 "$NGINX_PID" 2>/dev/null || { cat "$dir/stderr" "$dir/error.log" >&2 2>/dev/null; die "nginx did not start"; }
        [ $i -lt 100 ] || die "nginx did not answer"
        sleep 0.1
        i=$((i + 1))
    done
}

# A free loopback TCP port below the kernel's ephemeral range (so no client socket can hold it
# by the time nginx binds), not used by any socket in any state.
free_port() {
    read -r low high </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || { low=32768; high=60999; }
    if [ "$low" -gt 21000 ]; then
        first=20000 span=$((low - 20000))
    else
        first=$((high + 1)) span=$((65535 - high))
    fi
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        p=$(( $(od -An -N2 -tu2 /dev/urandom) % span + first ))
        if ! ss -Htan "sport = :$p" 2>/dev/null | grep -q .; then
            echo "$p"
            return 0
        fi
    done
    die "no free port"
}

# wrk_run URL — a warm-up run, then the measured one; sets WRK_RPS, WRK_P50_MS, WRK_P99_MS,
# WRK_ERRORS. BENCH_TOKEN (if set) goes in an Authorization header.
wrk_run() {
    url=$1
    lua="$BENCH_ROOT/bench/wrk-report.lua"
    BENCH_TOKEN=${BENCH_TOKEN:-} wrk -t"$BENCH_THREADS" -c"$BENCH_CONNS" -d"${BENCH_WARMUP}s" -s "$lua" "$url" \
        >/dev/null 2>&1 || die "wrk warm-up failed on $url"
    out=$(BENCH_TOKEN=${BENCH_TOKEN:-} wrk -t"$BENCH_THREADS" -c"$BENCH_CONNS" -d"${BENCH_SECONDS}s" \
        -s "$lua" "$url" 2>&1) || die "wrk failed on $url: $out"
    line=$(printf '%s\n' "$out" | grep '^RESULT ') || die "no wrk result for $url: $out"
    WRK_RPS=$(printf '%s' "$line" | sed -n 's/.* rps=\([0-9.]*\).*/\1/p')
    WRK_P50_MS=$(printf '%s' "$line" | sed -n 's/.* p50_ms=\([0-9.]*\).*/\1/p')
    WRK_P99_MS=$(printf '%s' "$line" | sed -n 's/.* p99_ms=\([0-9.]*\).*/\1/p')
    WRK_ERRORS=$(printf '%s' "$line" | sed -n 's/.* errors=\([0-9]*\).*/\1/p')
}

# wrk_measure LABEL URL — wrk_run, then one table row.
wrk_measure() {
    wrk_run "$2"
    wrk_row "$1" "$WRK_RPS" "$WRK_P50_MS" "$WRK_P99_MS" "$WRK_ERRORS"
}

wrk_header() {
    printf '%-22s %10s %10s %10s %8s\n' "case" "req/s" "p50 ms" "p99 ms" "errors"
}

wrk_row() {
    printf '%-22s %10s %10s %10s %8s\n' "$1" "$2" "$3" "$4" "$5"
}

# median N... — the median of the numbers (the mean of the middle two for an even count).
median() {
    printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
        if (NR == 0) print "n/a"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# fmt DECIMALS — formats the number on stdin ("n/a" passes through).
fmt() {
    awk -v d="$1" '{ if ($1 ~ /^-?[0-9.]+$/) printf "%.*f\n", d, $1; else print }'
}

# sum N... — the sum of the numbers.
sum() {
    printf '%s\n' "$@" | awk '{ s += $1 } END { print s + 0 }'
}

ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'
}
