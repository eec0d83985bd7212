/* api/server.c — libmicrohttpd glue: accepts requests, gathers bodies under a
 * cap, gives each request an arena and an id, runs the router, sends the
 * response, logs one JSON line and counts it in the metrics.
 * Exports server_start, server_stop and the request/reply helpers of http.h.
 *
 * Concurrency notes: MHD runs a pool of threads, each with its own epoll
 * loop; a request lives entirely on one of them. The only shared state is
 * the Store (thread-safe pool) and the atomic metrics. server_stop() quiesces
 * the listening socket first, so in-flight requests finish while no new ones
 * arrive (clean SIGTERM).
 */
#include "api/server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/http.h"
#include "api/router.h"
#include "core/clock.h"
#include "core/id.h"
#include "core/log.h"

const char *req_header(Request *r, const char *name)
{
    return MHD_lookup_connection_value(r->mhd, MHD_HEADER_KIND, name);
}

const char *req_arg(Request *r, const char *name)
{
    return MHD_lookup_connection_value(r->mhd, MHD_GET_ARGUMENT_KIND, name);
}

typedef struct ArgIter {
    Request *r;
    int (*fn)(Request *, const char *, const char *, void *);
    void *arg;
    int rc;
} ArgIter;

static enum MHD_Result arg_cb(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    ArgIter *it = cls;
    if (it->rc < 0)
        return MHD_NO;
    it->rc = it->fn(it->r, key, value, it->arg);
    return it->rc < 0 ? MHD_NO : MHD_YES;
}

int req_each_arg(Request *r, int (*fn)(Request *, const char *, const char *, void *), void *arg)
{
    ArgIter it = {r, fn, arg, 0};
    MHD_get_connection_values(r->mhd, MHD_GET_ARGUMENT_KIND, arg_cb, &it);
    return it.rc;
}

void reply_header(Request *r, const char *name, const char *value)
{
    if (r->nheaders < (int)(sizeof r->headers / sizeof r->headers[0])) {
        r->headers[r->nheaders].name = name;
        r->headers[r->nheaders].value = arena_strdup(&r->arena, value);
        r->nheaders++;
    }
}

void reply_bytes(Request *r, int status, const char *ctype, const void *data, size_t len)
{
    buf_reset(&r->out);
    buf_append(&r->out, data, len);
    r->status = status;
    r->content_type = ctype;
    r->replied = true;
}

void reply_text(Request *r, int status, const char *ctype, const char *text)
{
    reply_bytes(r, status, ctype, text, strlen(text));
}

void reply_json(Request *r, int status, json_t *j)
{
    char *s = j ? json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    json_decref(j);
    if (!s) {
        reply_text(r, 503, "application/json",
                   "{\"error\":{\"code\":\"unavailable\",\"message\":\"out of memory\"}}");
        return;
    }
    reply_bytes(r, status, "application/json", s, strlen(s));
    free(s);
}

Buf *reply_json_begin(Request *r)
{
    buf_reset(&r->out);
    return &r->out;
}

void reply_json_end(Request *r, int status)
{
    if (r->out.failed) {
        reply_text(r, 503, "application/json",
                   "{\"error\":{\"code\":\"unavailable\",\"message\":\"out of memory\"}}");
        return;
    }
    r->status = status;
    r->content_type = "application/json";
    r->replied = true;
}

void reply_error(Request *r, const Error *e)
{
    ErrCode code = e->code == ERR_OK ? ERR_INTERNAL : e->code;
    json_t *o = json_object();
    json_object_set_new(o, "code", json_string(err_name(code)));
    json_object_set_new(o, "message", json_string(e->message[0] ? e->message : err_description(code)));
    if (e->field[0])
        json_object_set_new(o, "field", json_string(e->field));
    /* Internal details stay in the log, not in the response. */
    if (code == ERR_INTERNAL) {
        log_event(LOG_ERROR, r->request_id, "internal error", "message", e->message, "detail", e->detail, NULL);
        json_object_set_new(o, "message", json_string("an unexpected error occurred; the request changed nothing"));
    } else {
        if (e->detail[0])
            json_object_set_new(o, "detail", json_string(e->detail));
        if (e->hint[0])
            json_object_set_new(o, "hint", json_string(e->hint));
    }
    json_t *root = json_object();
    json_object_set_new(root, "error", o);
    reply_json(r, err_http_status(code), root);
}

void reply_errorf(Request *r, ErrCode code, const char *field, const char *fmt, ...)
{
    Error e;
    va_list ap;
    va_start(ap, fmt);
    err_vset(&e, code, field, fmt, ap);
    va_end(ap);
    reply_error(r, &e);
}

json_t *req_json_or_reply(Request *r)
{
    const char *ct = req_header(r, "Content-Type");
    if (ct && strncmp(ct, "application/json", 16) != 0) {
        reply_errorf(r, ERR_MEDIA_TYPE, NULL, "the body must be application/json");
        return NULL;
    }
    if (r->body.len == 0) {
        reply_errorf(r, ERR_MALFORMED, NULL, "a JSON body is required");
        return NULL;
    }
    json_error_t je;
    json_t *j = json_loadb(r->body.data, r->body.len, JSON_REJECT_DUPLICATES, &je);
    if (!j) {
        Error e;
        err_set(&e, ERR_MALFORMED, NULL, "malformed JSON at line %d, column %d: %s", je.line, je.column, je.text);
        reply_error(r, &e);
        return NULL;
    }
    if (!json_is_object(j)) {
        json_decref(j);
        reply_errorf(r, ERR_MALFORMED, NULL, "the body must be a JSON object");
        return NULL;
    }
    return j;
}

static bool rid_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 64)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
            return false;
    }
    return true;
}

static Request *request_new(Server *s, struct MHD_Connection *c, const char *method, const char *url)
{
    Request *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->srv = s;
    r->mhd = c;
    arena_init(&r->arena, 0);
    r->method = arena_strdup(&r->arena, method);
    r->path = arena_strdup(&r->arena, url);
    r->t0 = clock_mono_us();
    buf_init(&r->body, router_body_cap(method, url, s->cfg.body_max));
    buf_init(&r->out, 0);
    const char *rid = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Request-Id");
    if (rid && rid_ok(rid))
        snprintf(r->request_id, sizeof r->request_id, "%s", rid);
    else
        uuid_v7_str(r->request_id);
    r->ctx.arena = &r->arena;
    r->ctx.request_id = r->request_id;
    r->ctx.now = clock_now();
    r->ctx.test_mode = s->cfg.test_mode;
    r->ctx.store = s->store;
    r->ctx.data_dir = s->cfg.data_dir;
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (ci && ci->client_addr) {
        char ip[INET6_ADDRSTRLEN] = "";
        const struct sockaddr *sa = ci->client_addr;
        if (sa->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, ip, sizeof ip);
        else if (sa->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, ip, sizeof ip);
        r->ctx.ip = arena_strdup(&r->arena, ip);
    }
    /* Tests simulate many clients from one address. */
    const char *tip = s->cfg.test_mode ? MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Remit-Test-Ip") : NULL;
    if (tip && strlen(tip) < 64)
        r->ctx.ip = arena_strdup(&r->arena, tip);
    const char *ua = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "User-Agent");
    r->ctx.user_agent = ua ? arena_strndup(&r->arena, ua, strnlen(ua, 512)) : NULL;
    return r;
}

static void request_free(Request *r)
{
    if (r->ctx.reply_extra)
        json_decref((json_t *)r->ctx.reply_extra);
    buf_free(&r->body);
    buf_free(&r->out);
    arena_free(&r->arena);
    free(r);
}

static int latency_bucket(int64_t us)
{
    static const int64_t bounds[] = {250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 1000000};
    for (int i = 0; i < 11; i++)
        if (us <= bounds[i])
            return i;
    return 11;
}

static enum MHD_Result respond(Request *r)
{
    if (!r->replied)
        reply_errorf(r, ERR_INTERNAL, NULL, "no response");
    size_t len = 0;
    char *body = buf_steal(&r->out, &len);
    struct MHD_Response *resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    if (!resp) {
        free(body);
        return MHD_NO;
    }
    if (r->content_type)
        MHD_add_response_header(resp, "Content-Type", r->content_type);
    MHD_add_response_header(resp, "X-Request-Id", r->request_id);
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    for (int i = 0; i < r->nheaders; i++)
        MHD_add_response_header(resp, r->headers[i].name, r->headers[i].value);
    enum MHD_Result ok = MHD_queue_response(r->mhd, (unsigned)r->status, resp);
    MHD_destroy_response(resp);

    Metrics *m = &r->srv->metrics;
    int64_t us = clock_mono_us() - r->t0;
    atomic_fetch_add(&m->requests, 1);
    int cls = r->status / 100;
    if (cls >= 1 && cls <= 5)
        atomic_fetch_add(&m->by_class[cls], 1);
    atomic_fetch_add(&m->hist[latency_bucket(us)], 1);
    atomic_fetch_add(&m->latency_sum_us, (uint64_t)us);
    if (log_get_level() <= LOG_INFO) {
        char st[8], dur[24];
        snprintf(st, sizeof st, "%d", r->status);
        snprintf(dur, sizeof dur, "%lld", (long long)us);
        log_event(LOG_INFO, r->request_id, "request", "method", r->method, "path", r->path, "status", st,
                  "duration_us", dur, "tenant_id", r->ctx.tenant_id[0] ? r->ctx.tenant_id : NULL, NULL);
    }
    return ok;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **state)
{
    Server *s = cls;
    Request *r = *state;
    if (!r) {
        r = request_new(s, c, method, url);
        if (!r)
            return MHD_NO;
        *state = r;
        atomic_fetch_add(&s->metrics.inflight, 1);
        return MHD_YES;
    }
    if (*upload_size) {
        if (!r->body_too_large && !buf_append(&r->body, upload, *upload_size))
            r->body_too_large = true;
        *upload_size = 0;
        return MHD_YES;
    }
    if (r->body_too_large)
        reply_errorf(r, ERR_TOO_LARGE, NULL, "the request body is larger than %zu bytes", r->body.max);
    else
        router_dispatch(r);
    return respond(r);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **state, enum MHD_RequestTerminationCode toe)
{
    Server *s = cls;
    Request *r = *state;
    if (r) {
        request_free(r);
        atomic_fetch_sub(&s->metrics.inflight, 1);
    }
    *state = NULL;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n && msg[n - 1] == '\n')
        msg[--n] = '\0';
    log_event(LOG_WARN, NULL, "http server", "detail", msg, NULL);
}

int server_start(Server *s, Store *store, const ServerConfig *cfg, Error *err)
{
    memset(s, 0, sizeof *s);
    s->store = store;
    s->cfg = *cfg;
    s->metrics.started_at = clock_now();
    if (s->cfg.threads < 1)
        s->cfg.threads = 4;
    if (s->cfg.body_max == 0)
        s->cfg.body_max = 1024 * 1024;
    char host[128] = "127.0.0.1";
    int port = 8080;
    const char *colon = strrchr(cfg->listen, ':');
    if (colon) {
        size_t hl = (size_t)(colon - cfg->listen);
        if (hl >= sizeof host)
            return err_set(err, ERR_INVALID, "listen", "listen address is too long");
        if (hl) {
            memcpy(host, cfg->listen, hl);
            host[hl] = '\0';
        }
        char *end = NULL;
        long p = strtol(colon + 1, &end, 10);
        if (*end || p < 0 || p > 65535)
            return err_set(err, ERR_INVALID, "listen", "listen port must be 0..65535");
        port = (int)p;
    }
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)port);
    if (strcmp(host, "localhost") == 0)
        snprintf(host, sizeof host, "127.0.0.1");
    if (inet_pton(AF_INET, host, &addr.sin_addr) != 1)
        return err_set(err, ERR_INVALID, "listen", "listen host must be an IPv4 address (got %s)", host);
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG;
    s->daemon = MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, on_request, s,
                                 MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
                                 MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
                                 MHD_OPTION_THREAD_POOL_SIZE, (unsigned)s->cfg.threads,
                                 MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
                                 MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
                                 MHD_OPTION_CONNECTION_LIMIT, (unsigned)4096,
                                 MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024,
                                 MHD_OPTION_END);
    if (!s->daemon)
        return err_set(err, ERR_UNAVAILABLE, "listen", "cannot listen on %s:%d", host, port);
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = di ? di->port : port;
    return 0;
}

void server_stop(Server *s, int timeout_s)
{
    if (!s->daemon)
        return;
    MHD_socket fd = MHD_quiesce_daemon(s->daemon);
    int64_t deadline = clock_mono_us() + (int64_t)timeout_s * 1000000;
    while (atomic_load(&s->metrics.inflight) > 0 && clock_mono_us() < deadline)
        usleep(10000);
    MHD_stop_daemon(s->daemon);
    if (fd != MHD_INVALID_SOCKET)
        close(fd);
    s->daemon = NULL;
}
