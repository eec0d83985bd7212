#!/bin/sh
# bench/billrun-writers.sh DIR [BIN] — how long another tenant's writes wait while a bill run goes
# through the API. DIR is a data set bench/billrun.sh kept (BENCH_KEEP=1 BILLRUN_SIZES=2000 sh
# bench/billrun.sh, then DIR = the kept .../billrun-2000): its remit.db.fresh is copied, the daily
# bill-run job's claim for today inserted (else the server's scheduler would bill the 2024 data up
# to today at start), `POST /billing/runs` {"date": "2024-07-01"} sent, and meanwhile a second
# tenant posts customers one after another. Prints the run's answer and the writes' count and
# latency. BIN defaults to ./build/remit (another build can be compared on the same data).
set -eu
SRC=${1:?usage: bench/billrun-writers.sh KEPT-DIR [BIN]}
BIN=${2:-./build/remit}
d=$(mktemp -d); cp $SRC/remit.db.fresh $d/remit.db; cp -r $SRC/data $d/data
# the server's daily bill run would catch the 2024 data up to today at start: claim it as done
sqlite3 $d/remit.db "INSERT INTO job_runs (tenant_id, id, job, run_date, finished_at, version, created_at, updated_at) SELECT id, lower(hex(randomblob(16))), 'bill_run', date('now'), '2026-01-01T00:00:00Z', 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z' FROM tenants"
REMIT_LOG_LEVEL=error $BIN serve --db sqlite:$d/remit.db --data-dir $d/data --listen 127.0.0.1:18099 >$d/out 2>$d/log &
pid=$!; sleep 1.5
U=http://127.0.0.1:18099/api/v1
tok=$(curl -s -X POST $U/auth/login -H 'Content-Type: application/json' -H 'X-Remit-Test-Ip: 1' -d '{"tenant":"bench-co","email":"bench@remit.test","password":"bench-password-2026"}' | sed -n 's/.*"access_token": *"\([^"]*\)".*/\1/p')
tok2=$(curl -s -X POST $U/auth/signup -H 'Content-Type: application/json' -H 'X-Remit-Test-Ip: 2' -d '{"tenant_name":"Other Co $$","email":"o-$$@remit.test","password":"other-password-2026"}' | sed -n 's/.*"access_token": *"\([^"]*\)".*/\1/p')
( curl -s -o $d/run.json -w '%{http_code} %{time_total}\n' -X POST $U/billing/runs -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' -d '{"date":"2024-07-01"}' > $d/run.status; touch $d/done ) &
sleep 0.3
i=0
while [ ! -f $d/done ]; do
  i=$((i+1))
  curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -X POST $U/customers -H "Authorization: Bearer $tok2" -H 'Content-Type: application/json' -d "{\"name\":\"C$i\",\"code\":\"C$i\"}" >> $d/w.txt
done
echo "run: $(cat $d/run.status) $(cat $d/run.json | head -c 200)"
awk '{n++; if($2>m)m=$2; s+=$2; c[$1]++} END {printf "writes during the run: %d, max %.3f s, mean %.3f s; statuses:", n, m, s/n; for(k in c) printf " %s x%d", k, c[k]; print ""}' $d/w.txt
kill $pid; wait $pid 2>/dev/null || true; rm -rf "$d"
