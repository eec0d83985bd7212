/* api/metrics.c — GET /metrics in the Prometheus text format.
 * Exports handle_metrics. Counters are the server's atomics (server.h).
 */
#include <stdio.h>

#include "api/router.h"
#include "api/server.h"
#include "core/buf.h"
#include "core/clock.h"

void handle_metrics(Request *r)
{
    static const char *const le[] = {"0.00025", "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05",
                                     "0.1", "0.25", "1", "+Inf"};
    Metrics *m = &r->srv->metrics;
    Buf b;
    buf_init(&b, 0);
    buf_puts(&b, "# HELP remit_http_requests_total HTTP requests answered, by status class.\n"
                 "# TYPE remit_http_requests_total counter\n");
    for (int c = 1; c <= 5; c++)
        buf_printf(&b, "remit_http_requests_total{class=\"%dxx\"} %llu\n", c,
                   (unsigned long long)atomic_load(&m->by_class[c]));
    buf_puts(&b, "# HELP remit_http_request_duration_seconds Time from request start to response queued.\n"
                 "# TYPE remit_http_request_duration_seconds histogram\n");
    unsigned long long cum = 0;
    for (int i = 0; i < 12; i++) {
        cum += atomic_load(&m->hist[i]);
        buf_printf(&b, "remit_http_request_duration_seconds_bucket{le=\"%s\"} %llu\n", le[i], cum);
    }
    unsigned long long sum = atomic_load(&m->latency_sum_us);
    buf_printf(&b, "remit_http_request_duration_seconds_sum %llu.%06llu\n", sum / 1000000, sum % 1000000);
    buf_printf(&b, "remit_http_request_duration_seconds_count %llu\n", cum);
    buf_printf(&b, "# HELP remit_http_requests_in_flight Requests being handled.\n"
                   "# TYPE remit_http_requests_in_flight gauge\nremit_http_requests_in_flight %lld\n",
               (long long)atomic_load(&m->inflight));
    StoreStats st;
    store_stats(r->srv->store, &st);
    buf_printf(&b,
               "# HELP remit_db_pool_size Database connections allowed.\n# TYPE remit_db_pool_size gauge\n"
               "remit_db_pool_size{store=\"%s\"} %d\n"
               "# HELP remit_db_pool_in_use Database connections in use.\n# TYPE remit_db_pool_in_use gauge\n"
               "remit_db_pool_in_use %d\n"
               "# HELP remit_db_queries_total Statements run.\n# TYPE remit_db_queries_total counter\n"
               "remit_db_queries_total %llu\n"
               "# HELP remit_db_errors_total Statements that failed.\n# TYPE remit_db_errors_total counter\n"
               "remit_db_errors_total %llu\n"
               "# HELP remit_db_pool_waits_total Times a request waited for a connection.\n"
               "# TYPE remit_db_pool_waits_total counter\nremit_db_pool_waits_total %llu\n",
               store_dialect_name(r->srv->store), st.pool_size, st.in_use, (unsigned long long)st.queries,
               (unsigned long long)st.errors, (unsigned long long)st.waits);
    buf_printf(&b, "# HELP remit_uptime_seconds Seconds since start.\n# TYPE remit_uptime_seconds gauge\n"
                   "remit_uptime_seconds %lld\n",
               (long long)((clock_now() - m->started_at) / 1000000));
    reply_bytes(r, 200, "text/plain; version=0.0.4", buf_cstr(&b), b.len);
    buf_free(&b);
}
