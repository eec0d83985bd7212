#!/bin/sh
# bench/billrun.sh — the bill run (issue 5): `remit bill-run --date 2024-07-01` over a tenant of
# BILLRUN_CUSTOMERS (10,000) customers on SQLite, each on 3 plans, with 100 usage records and 10
# time entries per customer (1,000,000 and 100,000 at the default size), June 2024.
#
# Prints, for each size in BILLRUN_SIZES (default "1000 5000 10000", the last one the figure of
# the issue): invoices made, wall time, CPU time (user + sys), invoices/s (wall and CPU) and peak
# memory (max RSS, /usr/bin/time -v) — the smaller sizes show whether memory grows with the
# number of customers. Then, for the largest size, the reference: the invoices and lines the run
# made, exported to CSV and loaded with the sqlite3 command-line tool's `.import` into a fresh
# copy of the schema (`remit migrate`, every index in place), timed the same way; and the ratio.
#
# The data (the shape of bench/engine_bench.c, through the real schema): 6 services (2 fixed,
# 2 time, 2 usage), plans "Care" (the 2 fixed services), "Hourly" (the 2 time services; one
# customer in seven on "Hourly at user rates", one in five on the bucket plan "Retainer" — 10 h,
# 150.00 an hour over, rollover — instead), and "Cloud" (storage per unit, graduated or volume
# by customer, and API calls in packages of 1,000). Assignments start between January and June
# 20 (so many are prorated; those started before June were billed to June 1, charged_through),
# one in twenty ends in June. One customer in five pays in USD (83.25 INR), the seller's GSTIN
# is in Maharashtra (27) and half the customers are in Karnataka (29): CGST+SGST or IGST at 18%.
# A third have 10% off Care, a tenth a 25.00 welcome discount on the invoice. 1 time entry in 10
# is not billable.
#
# The tenant, its company profile, services, plans, tax rate, exchange rate and discounts are
# made through the API; customers, assignments, users, time entries and usage records are written
# with SQL (a million usage records through POST would take longer than a benchmark may), with
# the columns the API writes, into the schema `remit migrate` made (indexes dropped for the load
# and built again from their own SQL).
#
# Environment: BILLRUN_SIZES, BENCH_KEEP=1 keeps the temporary directory, BENCH_REMIT.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
sizes=${BILLRUN_SIZES:-1000 5000 10000}
date=2024-07-01
command -v sqlite3 >/dev/null || die "sqlite3 is required"
command -v curl >/dev/null || die "curl is required"
[ -x /usr/bin/time ] || die "/usr/bin/time is required (Debian package time)"
bench_init
[ "${BENCH_KEEP:-0}" = 1 ] && trap 'echo "kept $BENCH_TMP"; BENCH_TMP=""; bench_cleanup' EXIT

# api METHOD PATH BODY — one call with the bench tenant's token; prints the body, dies on >= 300.
api() {
    out=$(curl -sS -w '\n%{http_code}' -X "$1" "$REMIT_URL$2" -H "Authorization: Bearer $BENCH_TOKEN" \
        -H 'Content-Type: application/json' -d "$3") || die "$1 $2 failed"
    code=$(printf '%s' "$out" | tail -n 1)
    body=$(printf '%s' "$out" | sed '$d')
    [ "$code" -lt 300 ] || die "$1 $2 answered $code: $body"
    printf '%s' "$body"
}
id_of() {
    sed -n 's/^{"id": *"\([^"]*\)".*/\1/p; s/.*"id": *"\([^"]*\)".*/\1/p' | head -n 1
}

# setup NAME N — a fresh SQLite database with the tenant and N customers' data; sets $db, $tenant.
setup() {
    name=$1
    n=$2
    remit_start "$name"
    remit_signup
    remit_cli tenant activate "$BENCH_SLUG" --plan enterprise --months 12
    api POST /api/v1/company_profiles '{"name": "Bench MSP", "gst_number": "27AAPFU0939F1ZV"}' >/dev/null
    # invoice numbers of 6 digits: the default INV/2024-25/0001 has room for 9,999 (GST: 16 characters)
    api POST /api/v1/number_series '{"document_type": "invoice", "pattern": "INV/{fy_short}/{seq:6}"}' >/dev/null
    api POST /api/v1/tax_rates '{"name": "GST 18%", "category": "standard", "rate": "18", "effective_from": "2020-01-01"}' >/dev/null
    api POST /api/v1/exchange_rates '{"currency": "USD", "rate": "83.25", "effective_date": "2024-01-01"}' >/dev/null
    s_support=$(api POST /api/v1/services '{"name": "Managed support", "service_type": "fixed", "default_rate": "300", "tax_category": "standard"}' | id_of)
    s_backup=$(api POST /api/v1/services '{"name": "Backup", "service_type": "fixed", "default_rate": "45.5", "tax_category": "standard"}' | id_of)
    s_consult=$(api POST /api/v1/services '{"name": "Consulting", "service_type": "time", "default_rate": "120", "unit_of_measure": "hour", "tax_category": "standard"}' | id_of)
    s_eng=$(api POST /api/v1/services '{"name": "Engineering", "service_type": "time", "default_rate": "95", "unit_of_measure": "hour", "tax_category": "standard"}' | id_of)
    s_storage=$(api POST /api/v1/services '{"name": "Storage", "service_type": "usage", "default_rate": "0.12", "unit_of_measure": "GB", "tax_category": "standard"}' | id_of)
    s_calls=$(api POST /api/v1/services '{"name": "API calls", "service_type": "usage", "default_rate": "5", "unit_of_measure": "call", "tax_category": "standard"}' | id_of)
    p_care=$(api POST /api/v1/billing_plans '{"plan_name": "Care", "billing_frequency": "monthly", "plan_type": "fixed"}' | id_of)
    api POST "/api/v1/billing_plans/$p_care/services" "{\"service_id\": \"$s_support\"}" >/dev/null
    api POST "/api/v1/billing_plans/$p_care/services" "{\"service_id\": \"$s_backup\", \"quantity\": 2}" >/dev/null
    p_hourly=$(api POST /api/v1/billing_plans '{"plan_name": "Hourly", "billing_frequency": "monthly", "plan_type": "time-based", "hourly_rate": "110"}' | id_of)
    p_user=$(api POST /api/v1/billing_plans '{"plan_name": "Hourly at user rates", "billing_frequency": "monthly", "plan_type": "time-based", "use_user_rate": true}' | id_of)
    p_bucket=$(api POST /api/v1/billing_plans '{"plan_name": "Retainer", "billing_frequency": "monthly", "plan_type": "bucket"}' | id_of)
    for p in "$p_hourly" "$p_user" "$p_bucket"; do
        api POST "/api/v1/billing_plans/$p/services" "{\"service_id\": \"$s_consult\"}" >/dev/null
        api POST "/api/v1/billing_plans/$p/services" "{\"service_id\": \"$s_eng\"}" >/dev/null
    done
    api POST /api/v1/bucket_plans "{\"plan_id\": \"$p_bucket\", \"total_hours\": \"10\", \"billing_period\": \"monthly\", \"overage_rate\": \"150\", \"allow_rollover\": true}" >/dev/null
    cloud=""
    for model in per_unit graduated volume; do
        p=$(api POST /api/v1/billing_plans "{\"plan_name\": \"Cloud $model\", \"billing_frequency\": \"monthly\", \"plan_type\": \"usage-based\"}" | id_of)
        if [ "$model" = per_unit ]; then
            api POST "/api/v1/billing_plans/$p/services" "{\"service_id\": \"$s_storage\"}" >/dev/null
        else
            api POST "/api/v1/billing_plans/$p/services" "{\"service_id\": \"$s_storage\", \"pricing_model\": \"$model\", \"tiers\": [{\"up_to\": \"1000\", \"unit_rate\": \"0.10\", \"flat_fee\": \"0\"}, {\"up_to\": \"5000\", \"unit_rate\": \"0.08\", \"flat_fee\": \"5\"}, {\"up_to\": null, \"unit_rate\": \"0.05\", \"flat_fee\": \"0\"}]}" >/dev/null
        fi
        api POST "/api/v1/billing_plans/$p/services" "{\"service_id\": \"$s_calls\", \"pricing_model\": \"package\", \"package_size\": \"1000\", \"custom_rate\": \"5\"}" >/dev/null
        cloud="$cloud $p"
    done
    set -- $cloud
    p_cloud0=$1 p_cloud1=$2 p_cloud2=$3
    d_care=$(api POST /api/v1/discounts '{"discount_name": "Care 10%", "discount_type": "percentage", "value": "10"}' | id_of)
    d_welcome=$(api POST /api/v1/discounts '{"discount_name": "Welcome", "discount_type": "fixed", "value": "25"}' | id_of)
    kill "$REMIT_PID"
    wait "$REMIT_PID" 2>/dev/null || true
    db=${REMIT_DB_URL#sqlite:}
    tenant=$(sqlite3 "$db" "SELECT id FROM tenants WHERE slug = '$BENCH_SLUG'")
    [ -n "$tenant" ] && [ -n "$d_welcome" ] && [ -n "$p_cloud2" ] || die "setup failed"

    tables="'customers', 'customer_billing_plans', 'users', 'time_entries', 'usage_records', 'plan_discounts'"
    sqlite3 "$db" "SELECT sql || ';' FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
                   AND tbl_name IN ($tables)" >"$BENCH_TMP/$name-indexes.sql"
    sqlite3 "$db" "SELECT 'DROP INDEX ' || name || ';' FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
                   AND tbl_name IN ($tables)" | sqlite3 "$db"
    ts="'2024-05-31T00:00:00.000000Z'"
    # h(i, k): a fixed pseudo-random number per row (the same data every run)
    sqlite3 "$db" >/dev/null <<SQL
PRAGMA journal_mode = WAL;
PRAGMA synchronous = OFF;
BEGIN;
INSERT INTO users (tenant_id, id, email, first_name, role, email_verified, is_active, hourly_rate, version, created_at, updated_at)
VALUES ('$tenant', '01900000-0000-7000-8000-0000000000a1', 'ana@bench.test', 'Ana', 'user', 1, 1, 95000000, 1, $ts, $ts),
       ('$tenant', '01900000-0000-7000-8000-0000000000a2', 'ben@bench.test', 'Ben', 'user', 1, 1, 120000000, 1, $ts, $ts),
       ('$tenant', '01900000-0000-7000-8000-0000000000a3', 'cai@bench.test', 'Cai', 'user', 1, 1, NULL, 1, $ts, $ts);
CREATE TEMP TABLE n AS WITH RECURSIVE r(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM r WHERE i < $n - 1)
    SELECT i, printf('01910000-0000-7000-8000-%012x', i) AS cid FROM r;
INSERT INTO customers (tenant_id, id, code, name, country, currency, payment_terms, state_code, is_tax_exempt,
                       invoice_delivery_method, send_payment_reminders, is_active, version, created_at, updated_at)
SELECT '$tenant', cid, printf('C%06d', i), printf('Customer %d', i), 'IN', CASE WHEN i % 5 = 0 THEN 'USD' ELSE 'INR' END,
       30, CASE WHEN i % 2 THEN '29' ELSE '27' END, 0, 'email', 1, 1, 1, $ts, $ts FROM n;
CREATE TEMP TABLE k(k INTEGER);
INSERT INTO k VALUES (0), (1), (2);
INSERT INTO customer_billing_plans (tenant_id, id, customer_id, plan_id, start_date, end_date, is_active, charged_through,
                                    version, created_at, updated_at)
SELECT '$tenant', printf('01920000-0000-7000-8000-%010x%02x', i, k), cid,
       CASE k WHEN 0 THEN '$p_care'
              WHEN 1 THEN CASE WHEN i % 5 = 1 THEN '$p_bucket' WHEN i % 7 = 0 THEN '$p_user' ELSE '$p_hourly' END
              ELSE CASE i % 3 WHEN 0 THEN '$p_cloud0' WHEN 1 THEN '$p_cloud1' ELSE '$p_cloud2' END END,
       s, CASE WHEN (i * 31 + k * 7) % 20 = 0 THEN max(s, date('2024-06-06', printf('+%d days', (i * 13 + k) % 25))) END,
       1, CASE WHEN s < '2024-06-01' THEN '2024-06-01' END, 1, $ts, $ts
FROM (SELECT i, cid, k, date('2024-01-03', printf('+%d days', (i * 7919 + k * 104729) % 170)) AS s FROM n, k);
INSERT INTO plan_discounts (tenant_id, id, discount_id, plan_id, customer_id, version, created_at, updated_at)
SELECT '$tenant', printf('01930000-0000-7000-8000-%012x', i), '$d_care', '$p_care', cid, 1, $ts, $ts FROM n WHERE i % 3 = 0;
INSERT INTO plan_discounts (tenant_id, id, discount_id, customer_id, version, created_at, updated_at)
SELECT '$tenant', printf('01940000-0000-7000-8000-%012x', i), '$d_welcome', cid, 1, $ts, $ts FROM n WHERE i % 10 = 0;
CREATE TEMP TABLE t10 AS WITH RECURSIVE r(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM r WHERE j < 9) SELECT j FROM r;
INSERT INTO time_entries (tenant_id, id, user_id, customer_id, service_id, start_time, duration, work_date, billable,
                          approval_status, version, created_at, updated_at)
SELECT '$tenant', printf('01950000-0000-7000-8000-%010x%02x', i, j), printf('01900000-0000-7000-8000-0000000000a%d', 1 + (i + j) % 3),
       cid, CASE j % 2 WHEN 0 THEN '$s_consult' ELSE '$s_eng' END, d || 'T04:00:00.000000Z', 15 + (i * 37 + j * 101) % 226, d,
       CASE WHEN (i + j * 3) % 10 = 0 THEN 0 ELSE 1 END, 'none', 1, $ts, $ts
FROM (SELECT i, cid, j, date('2024-06-01', printf('+%d days', (i * 17 + j * 23) % 30)) AS d FROM n, t10);
CREATE TEMP TABLE t100 AS WITH RECURSIVE r(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM r WHERE j < 99) SELECT j FROM r;
INSERT INTO usage_records (tenant_id, id, customer_id, service_id, usage_date, quantity, approval_status, version,
                           created_at, updated_at)
SELECT '$tenant', printf('01960000-0000-7000-8000-%010x%02x', i, j), cid, CASE j % 2 WHEN 0 THEN '$s_storage' ELSE '$s_calls' END,
       date('2024-06-01', printf('+%d days', (i * 11 + j * 29) % 30)), (1 + (i * 7919 + j * 104729) % 500000) * 10000,
       'none', 1, $ts, $ts
FROM n, t100;
COMMIT;
SQL
    sqlite3 "$db" <"$BENCH_TMP/$name-indexes.sql"
    sqlite3 "$db" "ANALYZE; PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
}

# timed LABEL FILE CMD... — CMD under /usr/bin/time -v; sets wall_s, cpu_s, rss_mb.
timed() {
    label=$1
    shift
    /usr/bin/time -v "$@" >"$BENCH_TMP/$label.out" 2>"$BENCH_TMP/$label.time" || {
        cat "$BENCH_TMP/$label.out" "$BENCH_TMP/$label.time" >&2
        die "$label failed"
    }
    wall_s=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$BENCH_TMP/$label.time" |
        awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }')
    user=$(sed -n 's/.*User time (seconds): //p' "$BENCH_TMP/$label.time")
    sys=$(sed -n 's/.*System time (seconds): //p' "$BENCH_TMP/$label.time")
    cpu_s=$(echo "$user $sys" | awk '{ printf "%.2f", $1 + $2 }')
    rss_mb=$(($(sed -n 's/.*Maximum resident set size (kbytes): //p' "$BENCH_TMP/$label.time") / 1024))
}

per_s() {   # COUNT SECONDS
    awk -v n="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.0f", n / s; else print "n/a" }'
}

echo "billrun: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), sqlite3 $(sqlite3 --version | cut -d' ' -f1)," \
     "commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
printf '%-26s %9s %8s %8s %8s %10s %10s %8s\n' "run" "invoices" "lines" "wall s" "CPU s" "inv/s wall" "inv/s CPU" "RSS MB"
last=""
for n in $sizes; do
    t0=$(date +%s)
    setup "billrun-$n" "$n"
    gen_s=$(($(date +%s) - t0))
    [ "${BENCH_KEEP:-0}" = 1 ] && cp "$db" "$db.fresh"   # to run another build on the same data
    timed "run-$n" env REMIT_LOG_LEVEL=error "$BENCH_REMIT" bill-run --date "$date" --db "sqlite:$db" --data-dir "$REMIT_DATA"
    invoices=$(sqlite3 "$db" "SELECT COUNT(*) FROM invoices WHERE tenant_id = '$tenant'")
    lines=$(sqlite3 "$db" "SELECT COUNT(*) FROM invoice_line_items WHERE tenant_id = '$tenant'")
    printf '%-26s %9s %8s %8s %8s %10s %10s %8s\n' "bill-run, $n customers" "$invoices" "$lines" "$wall_s" "$cpu_s" \
        "$(per_s "$invoices" "$wall_s")" "$(per_s "$invoices" "$cpu_s")" "$rss_mb"
    echo "    data generated in ${gen_s} s; $(sed 's/^/remit: /' "$BENCH_TMP/run-$n.out")"
    run_wall=$wall_s run_cpu=$cpu_s last=$n
done

# The reference: the same invoice and line rows, loaded by the sqlite3 shell into the same schema.
sqlite3 -csv "$db" "SELECT * FROM invoices WHERE tenant_id = '$tenant'" >"$BENCH_TMP/invoices.csv"
sqlite3 -csv "$db" "SELECT * FROM invoice_line_items WHERE tenant_id = '$tenant'" >"$BENCH_TMP/lines.csv"
ref="$BENCH_TMP/reference"
mkdir -p "$ref"
"$BENCH_REMIT" migrate --db "sqlite:$ref/remit.db" --data-dir "$ref" >/dev/null 2>&1 || die "migrate failed"
printf '.mode csv\n.import %s invoices\n.import %s invoice_line_items\n' "$BENCH_TMP/invoices.csv" \
    "$BENCH_TMP/lines.csv" >"$BENCH_TMP/import.txt"
timed import sqlite3 -bail "$ref/remit.db" ".read $BENCH_TMP/import.txt"
got=$(sqlite3 "$ref/remit.db" "SELECT (SELECT COUNT(*) FROM invoices) || ' ' || (SELECT COUNT(*) FROM invoice_line_items)")
[ "$got" = "$invoices $lines" ] || die "the import loaded $got rows, not $invoices $lines"
printf '%-26s %9s %8s %8s %8s %10s %10s %8s\n' "sqlite3 .import (same rows)" "$invoices" "$lines" "$wall_s" "$cpu_s" \
    "$(per_s "$invoices" "$wall_s")" "$(per_s "$invoices" "$cpu_s")" "$rss_mb"
echo "ratio bill-run / .import at $last customers: wall $(ratio "$run_wall" "$wall_s") x, CPU $(ratio "$run_cpu" "$cpu_s") x"
echo "the machine's load average after: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) CPUs)"
