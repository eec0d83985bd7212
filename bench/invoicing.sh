#!/bin/sh
# bench/invoicing.sh — invoicing benchmarks (issue 4). Prints one line per figure.
#
#   1. finalize + allocate throughput: N drafts and N receipts are made first (not timed), then
#      N "finalize the invoice, allocate its receipt" pairs from CONC clients, on SQLite and on
#      PostgreSQL (a throwaway server from scripts/pg-test.sh; BENCH_STORES=sqlite to skip it);
#   2. AR aging over 1,000,000 invoices (1,000 customers; open ones past due already marked overdue,
#      as the daily job leaves them) on SQLite: GET /api/v1/reports/aging,
#      median of RUNS, against the same aggregate run by the sqlite3 shell on the same file
#      (median of RUNS, ".timer on"); the ratio is API time / shell time;
#   3. PDF rendering: N invoice PDFs (10 lines each) from CONC clients.
#
# Knobs: BENCH_INVOICES (default 2000), BENCH_CLIENTS (8), BENCH_SERVER_THREADS (8),
# BENCH_PDFS (300), BENCH_AGING_INVOICES (1000000), BENCH_CUSTOMERS (1000), BENCH_RUNS (5),
# BENCH_STORES ("sqlite postgres"). Uses the release build (build/remit).
# The aging data set is written with SQL (1,000,000 invoices through the API would take hours at
# the rates measured in 1.): the same columns the product writes, with past-due open invoices
# already overdue as the daily job leaves them; its customers and tenant come through the API.
set -eu
cd "$(dirname "$0")/.."

N=${BENCH_INVOICES:-2000}
CONC=${BENCH_CLIENTS:-8}
THREADS=${BENCH_SERVER_THREADS:-8}
PDFS=${BENCH_PDFS:-300}
AGING_N=${BENCH_AGING_INVOICES:-1000000}
CUSTS=${BENCH_CUSTOMERS:-1000}
RUNS=${BENCH_RUNS:-5}
STORES=${BENCH_STORES:-sqlite postgres}
AS_OF=2026-12-31

make -s -j2 build/remit
mkdir -p build
# shellcheck disable=SC2046 # pkg-config prints several words on purpose
cc -O2 -std=gnu11 -Wall -I. -D_GNU_SOURCE -o build/bench-invoicing-load bench/invoicing_load.c tests/api/client.c \
    $(pkg-config --cflags --libs jansson libcurl) -pthread

. bench/lib.sh
bench_init   # $BENCH_TMP, and a trap that stops every tracked process and removes it
work=$BENCH_TMP
pid=""

# start DB: a release server on a free port; sets $pid and $base
start() {
    : >"$work/out"
    REMIT_LOG_LEVEL=error REMIT_SECRET=$(printf '%064d' 9) REMIT_AUTH_RATE=100000 \
        ./build/remit serve --db "$1" --data-dir "$work/data" --listen 127.0.0.1:0 --threads "$THREADS" \
        >"$work/out" 2>>"$work/server.log" &
    pid=$!
    bench_track "$pid"
    port=""
    for _ in $(seq 1 600); do
        port=$(sed -n 's|.*serving on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$work/out")
        [ -n "$port" ] && break
        sleep 0.1
    done
    [ -n "$port" ] || { echo "bench: the server did not start" >&2; cat "$work/server.log" >&2; exit 1; }
    base="http://127.0.0.1:$port"
}

# tenant_setup DB: a tenant on the running server, its trial limits lifted by the operator's command
tenant_setup() {
    set -- "$1" $(./build/bench-invoicing-load setup "$base")
    token=$2
    slug=$3
    ip=$4
    tenant=$5
    ./build/remit tenant activate "$slug" --plan enterprise --db "$1" --data-dir "$work/data" >/dev/null
}

stop() {
    kill -TERM "$pid"
    wait "$pid" || true
    pid=""
}

mkdir -p "$work/data"
echo "# invoicing benchmarks: $(nproc) CPU(s), load average $(cut -d' ' -f1-3 /proc/loadavg)," \
     "$N invoices, $CONC clients, $THREADS server threads; the machine may be shared"

for store in $STORES; do
    case $store in
        sqlite) db="sqlite:$work/flow.db" ;;
        postgres)
            pg_start
            db=$BENCH_DB_URL
            ;;
        *) continue ;;
    esac
    start "$db"
    tenant_setup "$db"
    printf '%s: ' "$store"
    ./build/bench-invoicing-load flow "$base" "$token" "$ip" "$N" "$CONC"
    if [ "$store" = sqlite ]; then
        printf '%s: ' "$store"
        ./build/bench-invoicing-load pdf "$base" "$token" "$ip" "$PDFS" "$CONC"
    fi
    stop
done

# ---- AR aging over AGING_N invoices, against the sqlite3 shell
adb="$work/aging.db"
start "sqlite:$adb"
tenant_setup "sqlite:$adb"
./build/bench-invoicing-load customers "$base" "$token" "$ip" "$CUSTS"
stop
t0=$(date +%s)
sqlite3 "$adb" >/dev/null <<SQL
PRAGMA journal_mode = WAL;
CREATE TEMP TABLE c AS
  SELECT row_number() OVER (ORDER BY id) - 1 AS rn, id FROM customers WHERE tenant_id = '$tenant';
CREATE INDEX temp.c_rn ON c (rn);
INSERT INTO invoices (tenant_id, id, customer_id, invoice_number, invoice_date, due_date, status, supply_type,
                      place_of_supply, currency, base_currency, exchange_rate, is_tax_inclusive, subtotal,
                      igst_total, tax_total, total, paid_amount, balance_due, financial_year, sequence_number,
                      version, created_at, updated_at)
WITH RECURSIVE s(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s WHERE n < $AGING_N - 1),
     a(n, k, sub, due) AS (SELECT n, (n / $CUSTS) % 10, 10000 + (n * 7919) % 5000000,
                                  date('2025-01-01', '+' || (n % 720 + 30) || ' days') FROM s)
SELECT '$tenant', printf('%08x-0000-7000-8000-%012x', a.n, a.n), c.id, 'B/' || a.n,
       date('2025-01-01', '+' || (a.n % 720) || ' days'), a.due,
       CASE a.k WHEN 0 THEN 'paid' WHEN 2 THEN 'cancelled'
                ELSE CASE WHEN a.due < date('now') THEN 'overdue' WHEN a.k = 1 THEN 'partially_paid' ELSE 'pending' END END,
       'inter_state', '29', 'INR', 'INR', 1000000, 0, a.sub, a.sub * 18 / 100, a.sub * 18 / 100,
       a.sub + a.sub * 18 / 100,
       CASE a.k WHEN 0 THEN a.sub + a.sub * 18 / 100 WHEN 1 THEN (a.sub + a.sub * 18 / 100) / 2 ELSE 0 END,
       CASE a.k WHEN 0 THEN 0 WHEN 2 THEN 0 WHEN 1 THEN a.sub + a.sub * 18 / 100 - (a.sub + a.sub * 18 / 100) / 2
                ELSE a.sub + a.sub * 18 / 100 END,
       '2025-26', a.n + 1, 1, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'
FROM a JOIN c ON c.rn = a.n % $CUSTS;
ANALYZE;
SQL
echo "aging: $AGING_N invoices loaded into SQLite in $(($(date +%s) - t0)) s"
rows=$(sqlite3 "$adb" "SELECT COUNT(*) FROM invoices WHERE tenant_id = '$tenant'")
[ "$rows" -eq "$AGING_N" ] || { echo "bench: expected $AGING_N invoices, found $rows" >&2; exit 1; }

start "sqlite:$adb"
./build/bench-invoicing-load aging "$base" "$token" "$ip" "$AS_OF" "$RUNS" | tee "$work/api.txt"
stop

# The same aggregate the server runs (domain/statement.c AGING_SQL), with literal values.
d0=$AS_OF
d30=$(date -d "$AS_OF -30 days" +%F)
d60=$(date -d "$AS_OF -60 days" +%F)
d90=$(date -d "$AS_OF -90 days" +%F)
query="SELECT i.customer_id, i.currency, c.code, c.name,
 SUM(CASE WHEN i.due_date >= '$d0' THEN i.balance_due ELSE 0 END),
 SUM(CASE WHEN i.due_date < '$d0' AND i.due_date >= '$d30' THEN i.balance_due ELSE 0 END),
 SUM(CASE WHEN i.due_date < '$d30' AND i.due_date >= '$d60' THEN i.balance_due ELSE 0 END),
 SUM(CASE WHEN i.due_date < '$d60' AND i.due_date >= '$d90' THEN i.balance_due ELSE 0 END),
 SUM(CASE WHEN i.due_date < '$d90' THEN i.balance_due ELSE 0 END)
 FROM invoices i JOIN customers c ON c.tenant_id = i.tenant_id AND c.id = i.customer_id
 WHERE i.tenant_id = '$tenant' AND i.status IN ('pending', 'partially_paid', 'overdue') AND i.invoice_date <= '$d0'
 GROUP BY i.customer_id, i.currency, c.code, c.name;"
{
    echo ".timer on"
    for _ in $(seq 1 "$RUNS"); do
        echo ".once /dev/null"
        echo "$query"
    done
} | sqlite3 "$adb" | sed -n 's/^Run Time: real \([0-9.]*\).*/\1/p' | sort -n >"$work/cli.txt"
cli_ms=$(awk -v r="$RUNS" 'NR == int(r / 2) + 1 { printf "%.1f", $1 * 1000 }' "$work/cli.txt")
api_ms=$(sed -n 's/^aging_api_ms \([0-9.]*\).*/\1/p' "$work/api.txt")
echo "aging_sqlite3_shell_ms $cli_ms ms (median of $RUNS, the same aggregate on the same file)"
awk -v a="$api_ms" -v c="$cli_ms" 'BEGIN { printf "aging_ratio %.2f (API / sqlite3 shell)\n", a / c }'
