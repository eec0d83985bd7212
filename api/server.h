/* api/server.h — the HTTP server (libmicrohttpd, thread pool + epoll). */
#ifndef REMIT_API_SERVER_H
#define REMIT_API_SERVER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

typedef struct ServerConfig {
    const char *listen;        /* "127.0.0.1:8080" */
    int threads;               /* thread pool size */
    size_t body_max;           /* request body cap, bytes */
    const char *data_dir;
    bool test_mode;            /* enables the test-only endpoints (clock, faults) */
} ServerConfig;

typedef struct Metrics {
    _Atomic uint64_t requests, by_class[6];     /* 1xx..5xx */
    _Atomic uint64_t hist[12];                  /* latency buckets, see metrics.c */
    _Atomic uint64_t latency_sum_us;
    _Atomic int64_t inflight;
    int64_t started_at;
} Metrics;

typedef struct Server {
    struct MHD_Daemon *daemon;
    Store *store;
    ServerConfig cfg;
    Metrics metrics;
    int port;                  /* the bound port (useful with :0) */
} Server;

int  server_start(Server *s, Store *store, const ServerConfig *cfg, Error *err);
/* Stops accepting, lets in-flight requests finish (up to timeout_s), then stops. */
void server_stop(Server *s, int timeout_s);

#endif
