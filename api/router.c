/* api/router.c — the route table and the authenticated request cycle.
 * Exports router_dispatch.
 *
 * Routes (everything else under /api/v1/ is a registry resource, resources.c):
 *   GET  /healthz                      liveness + database ping
 *   GET  /metrics                      Prometheus text
 *   GET  /api/v1/openapi.json          generated from the registry
 *   POST /api/v1/auth/{signup,login,refresh}     no token
 *   POST /api/v1/auth/logout           revokes the caller's session
 *   GET  /api/v1/me, /api/v1/tenant    the caller and their tenant
 *   POST /api/v1/_test/clock           test mode only: moves the clock
 *   POST /api/v1/_test/jobs            test mode only: runs the due daily jobs now
 *   GET  /, /assets/...                the web console (static.c)
 *
 * The authenticated cycle: check the token's signature (no I/O), take a
 * connection, open the tenant transaction (write for anything but GET/HEAD),
 * check the session, run the handler, then commit if the handler answered
 * below 400 and roll back otherwise — so a request that fails changes nothing,
 * and a change commits together with its audit rows and outbox messages.
 */
#include "api/router.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/server.h"
#include "core/clock.h"
#include "core/date.h"
#include "core/id.h"
#include "core/log.h"
#include "domain/auth.h"
#include "domain/domain.h"
#include "domain/jobs.h"
#include "model/codec.h"
#include "model/crud.h"
#include "model/perm.h"

#define MAX_SEG 8

static int split(Arena *a, const char *path, const char **seg)
{
    int n = 0;
    const char *p = path;
    while (*p) {
        while (*p == '/')
            p++;
        if (!*p)
            break;
        const char *end = strchr(p, '/');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (n == MAX_SEG)
            return -1;
        seg[n++] = arena_strndup(a, p, len);
        p += len;
    }
    return n;
}

static void healthz(Request *r)
{
    Error e;
    Conn *c = NULL;
    int rc = store_acquire(r->srv->store, &c, &e);
    if (rc == 0) {
        Rows rows;
        rc = store_query_global(c, &rows, "SELECT 1", NULL, 0, &e);
        if (rc == 0) {
            rows_next(&rows);
            rc = rows_error(&rows, &e);
            rows_close(&rows);
        }
        store_release(c);
    }
    json_t *o = json_pack("{s:s, s:s}", "status", rc == 0 ? "ok" : "unavailable", "store",
                          store_dialect_name(r->srv->store));
    reply_json(r, rc == 0 ? 200 : 503, o);
}

static void test_clock(Request *r)
{
    json_t *body = req_json_or_reply(r);
    if (!body)
        return;
    /* {"offset_seconds": N} moves the clock by N seconds from the real time; {"at": "<RFC 3339>"}
     * puts it at that instant (tests of date rules that must not depend on the day they run) */
    json_t *off = json_object_get(body, "offset_seconds"), *at = json_object_get(body, "at");
    Timestamp when = 0;
    if (at && (!json_is_string(at) || ts_parse(&when, json_string_value(at), strlen(json_string_value(at)), "at",
                                                NULL) < 0)) {
        json_decref(body);
        reply_errorf(r, ERR_INVALID, "at", "at must be an RFC 3339 timestamp");
        return;
    }
    if (!at && !json_is_integer(off)) {
        json_decref(body);
        reply_errorf(r, ERR_TYPE, "offset_seconds", "offset_seconds must be an integer (or give at)");
        return;
    }
    if (at) {
        clock_set_offset(0);
        clock_set_offset(when - clock_now());
    } else {
        clock_set_offset((int64_t)json_integer_value(off) * 1000000);
    }
    json_decref(body);
    char now[40];
    ts_format(now, sizeof now, clock_now());
    reply_json(r, 200, json_pack("{s:s, s:I}", "now", now, "offset_seconds", (json_int_t)(clock_get_offset() / 1000000)));
}

static void me(Request *r, bool tenant)
{
    Error e;
    json_t *o = NULL;
    int rc;
    if (tenant) {
        rc = auth_tenant_json(&r->ctx, r->ctx.tenant_id, &o, &e);
    } else {
        Row u;
        rc = crud_get(&r->ctx, registry_find("users"), r->ctx.user_id, false, &u, &e);
        if (rc == 0)
            o = codec_to_json(&r->ctx, &u);
    }
    if (rc < 0)
        reply_error(r, &e);
    else
        reply_json(r, 200, o);
}

static int64_t parse_int(const char *s, bool *ok)
{
    char *end = NULL;
    long long v = strtoll(s, &end, 10);
    *ok = end != s && *end == '\0';
    return v;
}

/* An endpoint that commits its own work in parts (Endpoint.own_tx: a bill run). The request's
 * transaction — the session read, the Idempotency-Key claimed as running — commits first, so the
 * handler's writes are never one long transaction other writers queue behind; a new transaction
 * afterwards holds the replay (the caller stores it and commits). When the handler failed, what it
 * committed stands (it is idempotent: running it again finishes it) and the key is freed, so the
 * same request with the same key runs again rather than answering "still running" for ever. */
static void run_in_parts(Request *r, const Endpoint *ep, const char *const *params, int np, const char *idem)
{
    Conn *c = r->ctx.conn;
    Error e;
    if (store_commit(c, &e) < 0) {
        reply_error(r, &e);
        return;
    }
    run_action(r, ep->method, ep->raw_body, NULL, params, np, NULL, NULL, ep);
    if (store_in_tx(c))
        store_rollback(c);
    if (store_begin(c, &r->ctx, true, &e) < 0) {
        if (r->status < 400)
            reply_error(r, &e);
        return;
    }
    if (r->status >= 400 && idem) {
        Value p[1] = {val_text(idem)};
        if (store_exec(c, "DELETE FROM idempotency_keys WHERE tenant_id = $1 AND idempotency_key = $2", p, 1, NULL,
                       &e) == 0)
            store_commit(c, &e);
        store_rollback(c);
    }
}

static void authenticated(Request *r, const char **seg, int nseg)
{
    Error e;
    const char *authz = req_header(r, "Authorization");
    char session_id[40];
    /* The console's session cookie stands for a Bearer token; its writes must carry the CSRF token. */
    bool via_cookie = false;
    if (!authz) {
        const char *at = auth_cookie_token(r, "remit_at");
        if (at) {
            authz = arena_printf(&r->arena, "Bearer %s", at);
            via_cookie = true;
        }
    }
    if (!authz || strncmp(authz, "Bearer ", 7) != 0) {
        reply_header(r, "WWW-Authenticate", "Bearer");
        reply_errorf(r, ERR_UNAUTHENTICATED, NULL, "an Authorization: Bearer token is required");
        return;
    }
    bool api_key = strncmp(authz + 7, "rak_", 4) == 0;
    int drc = api_key ? apikey_decode(authz + 7, &r->ctx, session_id, &e)
                      : auth_decode_access(authz + 7, &r->ctx, session_id, &e);
    if (drc < 0) {
        reply_header(r, "WWW-Authenticate", "Bearer error=\"invalid_token\"");
        reply_error(r, &e);
        return;
    }
    bool write = strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0;
    if (via_cookie && write) {
        char want[64];
        auth_csrf_token(want, session_id);
        const char *got = req_header(r, "X-CSRF-Token");
        if (!got || strlen(got) != strlen(want) || !id_equal_ct(got, want, strlen(want))) {
            reply_errorf(r, ERR_FORBIDDEN, "X-CSRF-Token", "a cookie session's writes need the X-CSRF-Token header");
            return;
        }
    }
    Conn *c = NULL;
    if (store_acquire(r->srv->store, &c, &e) < 0) {
        reply_error(r, &e);
        return;
    }
    r->ctx.conn = c;
    if (store_begin(c, &r->ctx, write, &e) < 0) {
        store_release(c);
        reply_error(r, &e);
        return;
    }
    bool stale = false;
    int lrc = api_key ? apikey_load(&r->ctx, session_id, authz + 7, &stale, &e)
                      : auth_load_session(&r->ctx, session_id, &e);
    if (lrc < 0) {
        store_rollback(c);
        store_release(c);
        reply_header(r, "WWW-Authenticate", "Bearer error=\"invalid_token\"");
        reply_error(r, &e);
        return;
    }
    if (r->ctx.test_mode) {
        const char *fault = req_header(r, "X-Remit-Fault-Store");
        bool ok = false;
        int64_t nth = fault ? parse_int(fault, &ok) : 0;
        if (ok && nth > 0)
            store_inject_fault(c, (int)nth);
    }
    /* A lapsed subscription keeps reads and signing out, refuses every other write (402). */
    bool logout = nseg == 2 && strcmp(seg[0], "auth") == 0 && strcmp(seg[1], "logout") == 0;
    if (write && !logout && subscription_check_write(&r->ctx, r->ctx.subscription_status, r->ctx.trial_end, &e) < 0) {
        store_rollback(c);
        store_release(c);
        reply_error(r, &e);
        return;
    }
    if (api_key && stale && write)
        apikey_touch(&r->ctx, session_id, &e);
    const char *idem = strcmp(r->method, "POST") == 0 ? req_header(r, "Idempotency-Key") : NULL;
    bool owned = false;
    const char *caller = arena_printf(&r->arena, "%s:%s", api_key ? "key" : "user",
                                      api_key ? session_id : r->ctx.user_id);
    if (idem && idem_begin(r, idem, caller, &owned)) {
        /* replayed or refused: nothing of this request is kept */
        if (r->status >= 400)
            store_rollback(c);
        else
            store_commit(c, &e);
        store_release(c);
        return;
    }
    if (nseg == 2 && strcmp(seg[0], "auth") == 0 && strcmp(seg[1], "csrf") == 0 && !write) {
        char tok[64];
        auth_csrf_token(tok, session_id);
        reply_json(r, 200, json_pack("{s:s}", "csrf_token", tok));
    } else if (nseg == 1 && strcmp(seg[0], "me") == 0 && !write)
        me(r, false);
    else if (nseg == 1 && strcmp(seg[0], "tenant") == 0 && !write)
        me(r, true);
    else if (nseg == 2 && strcmp(seg[0], "auth") == 0 && strcmp(seg[1], "logout") == 0 && write) {
        if (auth_logout(&r->ctx, session_id, &e) < 0)
            reply_error(r, &e);
        else {
            if (via_cookie)
                auth_clear_cookies(r);
            reply_bytes(r, 204, NULL, "", 0);
        }
    } else {
        const char *params[4];
        int np = 0;
        const Endpoint *ep = registry_match_endpoint(r->method, seg, nseg, params, &np);
        if (ep) {
            /* an endpoint without a permission name goes by rank, and a custom role never ranks as
             * admin (perm_rank): its holder gets only the permissions the role lists */
            bool allowed = ep->permission ? perm_has(&r->ctx, ep->permission, ep->role ? ep->role : ROLE_USER)
                                          : perm_rank(&r->ctx) >= (ep->role ? ep->role : ROLE_USER);
            if (!allowed)
                reply_errorf(r, ERR_FORBIDDEN, NULL, "your role does not allow this");
            else if (ep->own_tx)
                run_in_parts(r, ep, params, np, owned ? idem : NULL);
            else
                run_action(r, ep->method, ep->raw_body, NULL, params, np, NULL, NULL, ep);
        } else {
            handle_resource(r, seg, nseg);
        }
    }

    if (r->status < 400 && store_in_tx(c)) {
        int rc = owned ? idem_store(r, idem, &e) : 0;
        if (rc == 0)
            rc = store_commit(c, &e);
        else
            store_rollback(c);
        if (rc < 0)
            reply_error(r, &e);
    } else {
        store_rollback(c);
    }
    /* A key used only for reads: note its use at most once a minute, in its own small write. */
    if (api_key && stale && !write && r->status < 400 && store_begin(c, &r->ctx, true, &e) == 0) {
        if (apikey_touch(&r->ctx, session_id, &e) == 0)
            store_commit(c, &e);
        else
            store_rollback(c);
    }
    store_release(c);
    r->ctx.conn = NULL;
}

void router_dispatch(Request *r)
{
    const char *seg[MAX_SEG];
    const char *p = r->path;
    bool get = strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0;
    if (strcmp(p, "/healthz") == 0 && get) {
        r->route = "healthz";
        healthz(r);
        return;
    }
    if (strcmp(p, "/metrics") == 0 && get) {
        r->route = "metrics";
        handle_metrics(r);
        return;
    }
    if (strncmp(p, "/api/", 5) != 0) {
        r->route = "static";
        if (!get) {
            reply_header(r, "Allow", "GET, HEAD");
            reply_errorf(r, ERR_METHOD, NULL, "%s is not allowed here", r->method);
            return;
        }
        handle_static(r);
        return;
    }
    if (strncmp(p, "/api/v1/", 8) != 0) {
        reply_errorf(r, ERR_NOT_FOUND, NULL, "no such endpoint; the API is under /api/v1/");
        return;
    }
    int n = split(&r->arena, p + 8, seg);
    if (n <= 0) {
        reply_errorf(r, ERR_NOT_FOUND, NULL, "no such endpoint");
        return;
    }
    if (n == 1 && strcmp(seg[0], "openapi.json") == 0 && get) {
        r->route = "openapi";
        handle_openapi(r);
        return;
    }
    const char *params[4];
    int np = 0;
    const Endpoint *pub = registry_match_endpoint(r->method, seg, n, params, &np);
    bool is_auth = n == 2 && strcmp(seg[0], "auth") == 0 && strcmp(seg[1], "logout") != 0 &&
                   strcmp(seg[1], "sessions") != 0 && strcmp(seg[1], "csrf") != 0;
    if ((pub && pub->public) || is_auth) {
        int wait = ratelimit_check(r->ctx.ip);
        if (wait > 0) {
            char ra[16];
            snprintf(ra, sizeof ra, "%d", wait);
            reply_header(r, "Retry-After", ra);
            reply_errorf(r, ERR_RATE_LIMIT, NULL, "too many sign-in requests from this address; retry in %d s", wait);
            return;
        }
    }
    if (pub && pub->public) {
        r->route = "public";
        run_action(r, pub->method, pub->raw_body, NULL, params, np, NULL, NULL, pub);
        return;
    }
    if (is_auth) {
        r->route = "auth";
        if (strcmp(r->method, "POST") != 0) {
            reply_header(r, "Allow", "POST");
            reply_errorf(r, ERR_METHOD, NULL, "%s is not allowed here", r->method);
            return;
        }
        handle_auth(r, seg[1]);
        return;
    }
    if (n == 2 && strcmp(seg[0], "_test") == 0 && strcmp(seg[1], "clock") == 0 && r->ctx.test_mode &&
        strcmp(r->method, "POST") == 0) {
        r->route = "test";
        test_clock(r);
        return;
    }
    if (n == 2 && strcmp(seg[0], "_test") == 0 && strcmp(seg[1], "jobs") == 0 && r->ctx.test_mode &&
        strcmp(r->method, "POST") == 0) {   /* runs the daily jobs due now, synchronously */
        r->route = "test";
        Error e;
        int ran = 0;
        if (jobs_run_due(r->srv->store, NULL, &ran, &e) < 0)
            reply_error(r, &e);
        else
            reply_json(r, 200, json_pack("{s:i}", "ran", ran));
        return;
    }
    r->route = "resource";
    authenticated(r, seg, n);
}

size_t router_body_cap(const char *method, const char *path, size_t dflt)
{
    if (strcmp(method, "POST") != 0 || strncmp(path, "/api/v1/", 8) != 0)
        return dflt;
    Arena a;
    arena_init(&a, 1 << 20);
    const char *seg[MAX_SEG];
    int n = split(&a, path + 8, seg);
    size_t cap = dflt;
    const char *params[4];
    int np = 0;
    const Endpoint *ep = n > 0 ? registry_match_endpoint(method, seg, n, params, &np) : NULL;
    if (ep && ep->body_max)
        cap = ep->body_max;
    else if (n == 3 || n == 2) {
        const Table *t = registry_find(seg[0]);
        const Action *act = t ? table_find_action(t, seg[n - 1], strlen(seg[n - 1]), n == 2) : NULL;
        if (act && act->body_max)
            cap = act->body_max;
    }
    arena_free(&a);
    return cap;
}
