#!/bin/sh
# bench/http.sh — the HTTP API against nginx on this machine.
#
# Starts build/remit serve (or $BENCH_REMIT) on a fresh SQLite database (REMIT_LOG_LEVEL=warn,
# so the per-request log line is off and logging does not dominate), signs a tenant up, puts it
# on a plan without limits and creates BENCH_CUSTOMERS (default 1000) customers through the API,
# then measures with wrk:
#   get-by-id   GET /api/v1/customers/{id}     (a customer in the middle of the table)
#   list-50     GET /api/v1/customers?limit=50
# Then nginx serves each of those two response bodies, saved as static files (same bytes, same
# size), and the same wrk runs against it, remit and nginx alternately for BENCH_ROUNDS rounds.
# Prints the median req/s, p50 and p99 latency of each, and the ratio remit/nginx (the median of
# the per-round ratios). The issue's target: get-by-id at least 0.50 of nginx's rate.
# REMIT_THREADS sets remit's HTTP threads (default: the server's own default); BENCH_STORE=postgres
# runs the same on a throwaway PostgreSQL server (scripts/pg-test.sh, fsync off) instead of SQLite.
set -eu
. bench/lib.sh
bench_init

customers=${BENCH_CUSTOMERS:-1000}
threads=${REMIT_THREADS:-}
store=${BENCH_STORE:-sqlite}
case $store in
    sqlite) ;;
    postgres) pg_start ;;
    *) die "BENCH_STORE must be sqlite or postgres" ;;
esac

remit_start http ${threads:+--threads "$threads"}
remit_signup
# A trial allows 100 customers: the operator puts the tenant on the plan without limits.
remit_cli tenant activate "$BENCH_SLUG" --plan enterprise

# Seed through the API in one curl process (keep-alive), every answer must be a 201.
cfg="$BENCH_TMP/seed.curl"
awk -v n="$customers" -v url="$REMIT_URL/api/v1/customers" -v tok="$BENCH_TOKEN" 'BEGIN {
    split("Bengaluru Pune Chennai Mumbai Delhi Hyderabad Kolkata Ahmedabad", cities, " ")
    split("Karnataka Maharashtra Tamil_Nadu Maharashtra Delhi Telangana West_Bengal Gujarat", states, " ")
    for (i = 1; i <= n; i++) {
        c = (i % 8) + 1; st = states[c]; gsub("_", " ", st)
        printf "url = \"%s\"\n", url
        printf "header = \"Authorization: Bearer %s\"\n", tok
        printf "header = \"Content-Type: application/json\"\n"
        printf "data = \"{\\\"code\\\":\\\"C%05d\\\",\\\"name\\\":\\\"Customer %05d Private Limited\\\",", i, i
        printf "\\\"email\\\":\\\"accounts%05d@customer.example\\\",\\\"phone\\\":\\\"+91 80 4000 %04d\\\",", i, i % 10000
        printf "\\\"address_line_1\\\":\\\"%d, %d Main Road\\\",\\\"city\\\":\\\"%s\\\",\\\"state\\\":\\\"%s\\\",", i, i % 40 + 1, cities[c], st
        printf "\\\"postal_code\\\":\\\"5600%02d\\\",\\\"country\\\":\\\"IN\\\",\\\"currency\\\":\\\"INR\\\",", i % 100
        printf "\\\"payment_terms\\\":30,\\\"credit_limit\\\":\\\"250000.00\\\",\\\"industry\\\":\\\"Services\\\",\\\"billing_type\\\":\\\"mixed\\\"}\"\n"
        printf "output = \"/dev/null\"\n"
        printf "write-out = \"%%{http_code}\\\\n\"\n"
        if (i < n) print "next"
    }
}' >"$cfg"
t0=$(date +%s.%N)
codes=$(curl -sS -K "$cfg") || die "seeding failed"
t1=$(date +%s.%N)
created=$(printf '%s\n' "$codes" | grep -c '^201$' || true)
[ "$created" -eq "$customers" ] || die "seeding: $created of $customers customers created ($(printf '%s\n' "$codes" | sort | uniq -c | tr '\n' ' '))"

# A customer in the middle of the table, and the two response bodies as nginx's files.
docroot="$BENCH_TMP/www"
mkdir -p "$docroot"
list=$(curl -sS -H "Authorization: Bearer $BENCH_TOKEN" \
    "$REMIT_URL/api/v1/customers?order=code&code%5Bgte%5D=C$(printf '%05d' $((customers / 2)))&limit=1")
id=$(printf '%s' "$list" | sed -n 's/.*"id": *"\([0-9a-f-]*\)".*/\1/p' | head -n 1)
[ -n "$id" ] || die "no customer id in: $list"
get_path="/api/v1/customers/$id"
list_path="/api/v1/customers?limit=50"
curl -sS -f -H "Authorization: Bearer $BENCH_TOKEN" -o "$docroot/get.json" "$REMIT_URL$get_path" || die "GET by id failed"
curl -sS -f -H "Authorization: Bearer $BENCH_TOKEN" -o "$docroot/list.json" "$REMIT_URL$list_path" || die "list failed"
get_size=$(wc -c <"$docroot/get.json")
list_size=$(wc -c <"$docroot/list.json")
chmod -R a+rX "$docroot"
nginx_start "$docroot"

echo "http: remit serve (release build, $store, REMIT_LOG_LEVEL=${REMIT_LOG_LEVEL:-warn}: no per-request log line)," \
    "threads: ${threads:-default (2 x CPUs, min 4)}"
echo "http: ${customers} customers created through the API in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s"
echo "http: nginx $(nginx -v 2>&1 | sed 's|.*/||'), worker_processes auto, access_log off, serving the same response bytes"
echo "http: response bodies: get-by-id $get_size bytes, list-50 $list_size bytes"
echo "http: wrk -t$BENCH_THREADS -c$BENCH_CONNS -d${BENCH_SECONDS}s after a ${BENCH_WARMUP}s warm-up, remit and nginx" \
    "alternately, $BENCH_ROUNDS rounds; figures are medians over the rounds"
echo "http: $(nproc) CPUs; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

# compare LABEL REMIT_URL NGINX_URL — BENCH_ROUNDS rounds of remit then nginx, so both see the
# same background load; prints a row for each (medians, errors summed) and sets RATIO (median
# of the per-round ratios) and ROUNDS (every round's req/s).
compare() {
    r_rps="" r_p50="" r_p99="" r_err="" n_rps="" n_p50="" n_p99="" n_err="" ratios=""
    i=0
    while [ $i -lt "$BENCH_ROUNDS" ]; do
        wrk_run "$2"
        r_rps="$r_rps $WRK_RPS" r_p50="$r_p50 $WRK_P50_MS" r_p99="$r_p99 $WRK_P99_MS" r_err="$r_err $WRK_ERRORS"
        remit_rps=$WRK_RPS
        wrk_run "$3"
        n_rps="$n_rps $WRK_RPS" n_p50="$n_p50 $WRK_P50_MS" n_p99="$n_p99 $WRK_P99_MS" n_err="$n_err $WRK_ERRORS"
        ratios="$ratios $(ratio "$remit_rps" "$WRK_RPS")"
        i=$((i + 1))
    done
    # shellcheck disable=SC2086 # lists of numbers
    wrk_row "remit $1" "$(median $r_rps | fmt 0)" "$(median $r_p50 | fmt 2)" "$(median $r_p99 | fmt 2)" "$(sum $r_err)"
    # shellcheck disable=SC2086
    wrk_row "nginx $1" "$(median $n_rps | fmt 0)" "$(median $n_p50 | fmt 2)" "$(median $n_p99 | fmt 2)" "$(sum $n_err)"
    # shellcheck disable=SC2086
    RATIO=$(median $ratios | fmt 2)
    ROUNDS="remit$r_rps, nginx$n_rps"
}

echo
wrk_header
compare get-by-id "$REMIT_URL$get_path" "$NGINX_URL/get.json"
get_ratio=$RATIO get_rounds=$ROUNDS
compare list-50 "$REMIT_URL$list_path" "$NGINX_URL/list.json"
list_ratio=$RATIO list_rounds=$ROUNDS
echo
echo "ratio remit/nginx get-by-id: $get_ratio (target >= 0.50)"
echo "ratio remit/nginx list-50:   $list_ratio"
echo "req/s per round, get-by-id: $get_rounds"
echo "req/s per round, list-50:   $list_rounds"
