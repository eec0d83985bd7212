-- bench/wrk-report.lua — wrk script for Remit's benchmarks.
-- Sends "Authorization: Bearer $BENCH_TOKEN" when the variable is set, and prints one
-- machine-readable line at the end:
--   RESULT requests=N rps=R p50_ms=X p99_ms=Y errors=E
-- errors counts socket errors, timeouts and non-2xx/3xx answers: a benchmark with errors
-- measured something else than it says.
local token = os.getenv("BENCH_TOKEN")
if token and token ~= "" then
   wrk.headers["Authorization"] = "Bearer " .. token
end

function done(summary, latency, requests)
   local secs = summary.duration / 1e6
   local e = summary.errors
   local errors = e.connect + e.read + e.write + e.status + e.timeout
   io.write(string.format("RESULT requests=%d rps=%.0f p50_ms=%.2f p99_ms=%.2f errors=%d\n",
      summary.requests, summary.requests / secs, latency:percentile(50) / 1000,
      latency:percentile(99) / 1000, errors))
end
