#!/bin/sh
# bench/recon.sh — reconciliation at scale: matching RECON_RECORDS billing records (1,000,000)
# against RECON_CONTRACTS contracts (100,000) of one tenant on SQLite, with `remit reconcile`.
#
# Prints, for the first run (every result written), a second run (nothing changed, nothing
# written: the per-contract digests match) and a third with --full (every stored result and alert
# read and compared): wall time, CPU time (user + sys) and peak memory (max RSS, /usr/bin/time -v);
# then the time the sqlite3 CLI takes for a single join that finds only the amount mismatches on
# the same file, and the ratios; and, as the floor under the first run, the time the sqlite3 CLI
# takes to write the same result rows into a twin of the results table (same indexes and foreign
# keys). The machine may be shared: CPU time is the steadier figure.
#
# The data: monthly contracts of 1,200.00 starting 2026-01-01 .. 2026-01-28, ten bills each,
# written month by month across all contracts (the order bills arrive in, so reading them by
# contract is not a sequential scan); 5% of the bills are 1,300.00 (amount mismatch), the tenth
# bill of one contract in a hundred bills the ninth period again (a duplicate, and then the tenth
# period is missing). Matching runs "as of" 2026-11-10.
#
# Environment: RECON_CONTRACTS, RECON_RECORDS (a multiple of RECON_CONTRACTS), BENCH_KEEP=1 keeps
# the temporary directory, BENCH_REMIT (the binary, as every bench).
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
contracts=${RECON_CONTRACTS:-100000}
records=${RECON_RECORDS:-1000000}
per=$((records / contracts))
[ $((per * contracts)) -eq "$records" ] || die "RECON_RECORDS must be a multiple of RECON_CONTRACTS"
command -v sqlite3 >/dev/null || die "sqlite3 is required"
[ -x /usr/bin/time ] || die "/usr/bin/time is required (Debian package time)"
bench_init
[ "${BENCH_KEEP:-0}" = 1 ] && trap 'BENCH_TMP=""; bench_cleanup' EXIT

# A tenant, signed up through the API like any other; then the server stops (one writer).
remit_start recon
remit_signup
kill "$REMIT_PID"
wait "$REMIT_PID" 2>/dev/null || true
db=${REMIT_DB_URL#sqlite:}
tenant=$(sqlite3 "$db" "SELECT id FROM tenants WHERE slug = '$BENCH_SLUG'")
[ -n "$tenant" ] || die "no tenant"
echo "recon: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), sqlite3 $(sqlite3 --version | cut -d' ' -f1)"
# The rows are loaded with SQL, not through the API: a million bills through POST (each validated,
# linked, matched and audited) would take far longer than a benchmark may. They carry the columns
# the API writes (party keys, folded contract numbers, link status), and the schema is the one
# `remit migrate` made: its indexes are dropped for the load and built again from their own SQL.
echo "recon: generating $contracts contracts and $records billing records ..."
t0=$(date +%s)
sqlite3 "$db" "SELECT sql || ';' FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
               AND tbl_name IN ('contracts', 'billing_records')" >"$BENCH_TMP/indexes.sql"
sqlite3 "$db" "SELECT 'DROP INDEX ' || name || ';' FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
               AND tbl_name IN ('contracts', 'billing_records')" >"$BENCH_TMP/drop.sql"
sqlite3 "$db" <"$BENCH_TMP/drop.sql"
sqlite3 "$db" >/dev/null <<SQL
PRAGMA journal_mode = WAL;
PRAGMA synchronous = OFF;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $contracts)
INSERT INTO contracts (tenant_id, id, contract_number, number_key, contract_name, party_type, contractor_name,
    party_key, contract_start_date, contract_end_date, currency, period_amount, contract_amount, billing_cycle,
    billing_timing, payment_terms, contract_status, version, created_at, updated_at)
SELECT '$tenant', printf('01900000-0000-7000-8000-%012x', i), printf('CT-%07d', i), printf('ct-%07d', i),
    printf('Contract %d', i), 'contractor', printf('Contractor %d', i % 5000), printf('contractor:contractor %d', i % 5000),
    date('2026-01-01', printf('+%d days', i % 28)), date('2026-01-01', printf('+%d days', i % 28), '+12 months', '-1 day'),
    'INR', 120000, 1440000, 'monthly', 'in_advance', 30, 'active', 1,
    '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'
FROM n;
WITH RECURSIVE k(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM k WHERE j < $per - 1),
               n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $contracts)
INSERT INTO billing_records (tenant_id, id, contract_id, billing_number, contractor_name, party_key, billing_date,
    currency, billing_amount, tax_amount, total_amount, paid_amount, billing_status, link_status, link_method,
    version, created_at, updated_at)
SELECT '$tenant', printf('01910000-0000-7000-8000-%04x%08x', j, i), printf('01900000-0000-7000-8000-%012x', i),
    printf('B-%07d-%02d', i, j), printf('Contractor %d', i % 5000), printf('contractor:contractor %d', i % 5000),
    date('2026-01-01', printf('+%d days', i % 28), printf('+%d months', CASE WHEN i % 100 = 0 AND j = $per - 1 THEN j - 1 ELSE j END)),
    'INR', CASE WHEN (i * 7 + j * 13) % 20 = 0 THEN 130000 ELSE 120000 END, 0,
    CASE WHEN (i * 7 + j * 13) % 20 = 0 THEN 130000 ELSE 120000 END, 0, 'received', 'linked', 'manual', 1,
    '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'
FROM k, n;
COMMIT;
SQL
sqlite3 "$db" <"$BENCH_TMP/indexes.sql"
sqlite3 "$db" "ANALYZE; PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
echo "recon: generated in $(( $(date +%s) - t0 )) s; database $(du -m "$db" | cut -f1) MB"

run() {   # LABEL [ARGS]: one `remit reconcile` under /usr/bin/time
    label=$1
    shift
    /usr/bin/time -v "$BENCH_REMIT" reconcile --db "sqlite:$db" --data-dir "$REMIT_DATA" --tenant "$BENCH_SLUG" \
        --date 2026-11-10 "$@" >"$BENCH_TMP/$label.out" 2>"$BENCH_TMP/$label.time"
    set -- "$label"
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$BENCH_TMP/$1.time")
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$BENCH_TMP/$1.time")
    user=$(sed -n 's/.*User time (seconds): //p' "$BENCH_TMP/$1.time")
    sys=$(sed -n 's/.*System time (seconds): //p' "$BENCH_TMP/$1.time")
    cpu=$(echo "$user $sys" | awk '{printf "%.2f", $1 + $2}')
    ms=$(sed -n 's/.*"elapsed_ms":\([0-9]*\).*/\1/p' "$BENCH_TMP/$1.out")
    printf '%-28s %8s ms matching   %8s wall   %6s s CPU   %6s MB peak RSS\n' "$1" "$ms" "$wall" "$cpu" \
        $((rss / 1024))
    sed 's/^/    /' "$BENCH_TMP/$1.out"
}
echo
run "first run (writes results)"
first_ms=$ms
first_cpu=$cpu
run "second run (no change)"
second_ms=$ms
run "third run (--full: no digests)" --full
full_ms=$ms

sql="SELECT COUNT(*) FROM billing_records b JOIN contracts c ON c.tenant_id = b.tenant_id AND c.id = b.contract_id
     WHERE b.tenant_id = '$tenant' AND b.deleted_at IS NULL AND b.billing_amount <> c.period_amount;"
sqlite3 "$db" "SELECT 1" >/dev/null   # warm the page cache like the runs above
out=$(printf '.timer on\n%s\n' "$sql" | sqlite3 "$db")
mismatches=$(echo "$out" | head -n 1)
join_ms=$(echo "$out" | sed -n 's/^Run Time: real \([0-9.]*\).*/\1/p' | awk '{printf "%d", $1 * 1000}')
join_cpu=$(echo "$out" | sed -n 's/^Run Time: real [0-9.]* user \([0-9.]*\) sys \([0-9.]*\).*/\1 \2/p' |
    awk '{printf "%.2f", $1 + $2}')
echo
printf '%-28s %8s ms wall   %s s CPU   (%s amount mismatches)\n' "sqlite3 join, amounts only" "$join_ms" \
    "$join_cpu" "$mismatches"
if [ "$join_ms" -gt 0 ]; then
    echo "ratio (wall): first run $(echo "$first_ms $join_ms" | awk '{printf "%.1f", $1 / $2}') x the join," \
         "second run $(echo "$second_ms $join_ms" | awk '{printf "%.1f", $1 / $2}') x," \
         "--full run $(echo "$full_ms $join_ms" | awk '{printf "%.1f", $1 / $2}') x"
fi

# The floor under the first run: SQLite alone writing the same rows. The sqlite3 CLI copies the
# result rows the first run wrote into a twin of matching_results (its own CREATE TABLE and CREATE
# INDEX statements with the name changed: same columns, indexes and foreign keys, checked), in one
# transaction; the twin is dropped afterwards. No matching, no JSON, no alerts or digests: what is
# left of the first run above this is Remit's.
twin=$(sqlite3 "$db" "SELECT sql || ';' FROM sqlite_master WHERE tbl_name = 'matching_results' AND sql IS NOT NULL
                      ORDER BY type DESC" | sed 's/matching_results/floor_results/g')
out=$(printf 'PRAGMA foreign_keys = ON;\nPRAGMA cache_size = -262144;\n%s\n.timer on\nBEGIN;\n%s\nCOMMIT;\n.timer off\n%s\n' \
    "$twin" "INSERT INTO floor_results SELECT * FROM matching_results ORDER BY rowid;" "DROP TABLE floor_results;" |
    sqlite3 "$db")
floor_rows=$(sqlite3 "$db" "SELECT COUNT(*) FROM matching_results")
floor_ms=$(echo "$out" | sed -n 's/^Run Time: real \([0-9.]*\).*/\1/p' | awk '{s += $1} END {printf "%d", s * 1000}')
floor_cpu=$(echo "$out" | sed -n 's/^Run Time: real [0-9.]* user \([0-9.]*\) sys \([0-9.]*\).*/\1 \2/p' |
    awk '{s += $1 + $2} END {printf "%.2f", s}')
printf '%-28s %8s ms wall   %s s CPU   (%s rows, the same indexes and foreign keys)\n' "sqlite3 writing the results" \
    "$floor_ms" "$floor_cpu" "$floor_rows"
if [ "$floor_ms" -gt 0 ]; then
    echo "first run: $(echo "$first_ms $floor_ms" | awk '{printf "%.1f", $1 / $2}') x the wall time," \
         "$(echo "$first_cpu $floor_cpu" | awk '{printf "%.1f", $1 / $2}') x the CPU time sqlite3 alone takes to write its rows"
fi
echo "the machine's load average while measuring: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) CPUs)"
