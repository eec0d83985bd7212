/* domain/sessions.c — a user's view of their sign-in sessions, and revoking
 * them. Exports sessions_init, which registers:
 *   GET  /api/v1/auth/sessions                    the caller's live sessions
 *        ?include_revoked=true  also revoked and expired ones
 *        ?user_id=UUID          (admins) that user's;  ?all=true (admins) everyone's in the tenant
 *        ?limit=, ?cursor=      as every list
 *   POST /api/v1/auth/sessions/{id}/revoke        own session; admins: anyone's in the tenant
 *   POST /api/v1/auth/sessions/revoke-others      every own session but the current one
 *
 * Revoking sets is_active = false: the session's refresh token stops
 * working, and so does its access token at once, because every request
 * checks its session (domain/auth.c auth_load_session). A session someone
 * may not see answers 404, like another tenant's id. "Admin" here means the
 * permission to manage users (users.write: the admin role, or a custom role
 * holding it).
 *
 * last_activity_at is the last refresh of the session (a client refreshes
 * every 15 minutes while active); before the first refresh it is the sign-in.
 */
#include <stdio.h>
#include <string.h>

#include "core/date.h"
#include "domain/domain.h"
#include "model/codec.h"
#include "model/crud.h"
#include "model/perm.h"

static bool is_admin(const Ctx *ctx)
{
    return perm_has(ctx, "users.write", ROLE_ADMIN);
}

static json_t *session_json(Ctx *ctx, const Row *s)
{
    json_t *o = codec_to_json(ctx, s);
    if (!o)
        return NULL;
    if (json_is_null(json_object_get(o, "last_activity_at")))
        json_object_set(o, "last_activity_at", json_object_get(o, "created_at"));
    const char *id = row_text(s, "id");
    json_object_set_new(o, "current", json_boolean(id && ctx->session_id[0] && strcmp(id, ctx->session_id) == 0));
    return o;
}

static int add_json(Ctx *ctx, const Row *row, void *arg)
{
    json_t *o = session_json(ctx, row);
    if (!o || json_array_append_new((json_t *)arg, o) < 0)
        return -ERR_UNAVAILABLE;
    return 0;
}

static bool flag(const ActionIn *in, const char *name, bool *bad)
{
    const char *v = action_arg(in, name);
    if (!v)
        return false;
    if (strcmp(v, "true") == 0)
        return true;
    if (strcmp(v, "false") != 0)
        *bad = true;
    return false;
}

static int list_sessions(Ctx *ctx, const ActionIn *in, ActionResult *out, Error *err)
{
    const Table *t = registry_find("sessions");
    bool bad = false;
    bool all = flag(in, "all", &bad);
    bool include_revoked = flag(in, "include_revoked", &bad);
    if (bad)
        return err_set(err, ERR_BAD_QUERY, NULL, "all and include_revoked take true or false");
    const char *user_id = action_arg(in, "user_id");
    if (all && user_id)
        return err_set(err, ERR_BAD_QUERY, "user_id", "give either user_id or all=true, not both");
    bool own = !all && (!user_id || strcmp(user_id, ctx->user_id) == 0);
    if (own && !ctx->user_id[0])
        return err_set(err, ERR_STATE, NULL, "an API key has no sessions of its own; give user_id= or all=true");
    if (!own && !is_admin(ctx))
        return err_set(err, ERR_FORBIDDEN, NULL, "only admins may list other users' sessions");
    ListQuery q;
    int rc = list_query_init(&q, t, err);
    if (rc == 0 && !all)
        rc = list_query_arg(ctx, &q, t, "user_id", user_id ? user_id : ctx->user_id, err);
    if (rc == 0 && !include_revoked) {
        rc = list_query_arg(ctx, &q, t, "is_active", "true", err);
        if (rc == 0) {   /* live only: not expired either (expires_at is not a public filter) */
            char *now = arena_alloc(ctx->arena, 40);
            ts_format(now, 40, ctx->now);
            Filter *f = &q.filters[q.nfilters++];
            memset(f, 0, sizeof *f);
            f->col = table_col(t, "expires_at");
            f->op = OP_GT;
            f->v = val_text(now);
        }
    }
    static const char *const paging[] = {"limit", "cursor"};
    for (int i = 0; i < 2 && rc == 0; i++) {
        const char *v = action_arg(in, paging[i]);
        if (v)
            rc = list_query_arg(ctx, &q, t, paging[i], v, err);
    }
    if (rc == 0)
        rc = list_query_finish(ctx, &q, t, err);
    if (rc < 0)
        return rc;
    json_t *data = json_array();
    const char *next = NULL;
    rc = crud_list_rows(ctx, t, &q, add_json, data, &next, err);
    if (rc < 0) {
        json_decref(data);
        if (err->code == ERR_OK)
            err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
        return rc;
    }
    out->json = json_pack("{s:o, s:o}", "data", data, "next_cursor", next ? json_string(next) : json_null());
    return 0;
}

/* Revokes one session row (FOR UPDATE already held); an inactive one is left as it is. */
static int revoke_row(Ctx *ctx, const Table *t, const Row *old, const char *reason, Row *out, Error *err)
{
    if (!row_int(old, "is_active")) {
        *out = *old;
        return 0;
    }
    char now[40];
    ts_format(now, sizeof now, ctx->now);
    row_copy(ctx, out, old);
    row_set(out, "is_active", val_bool(false));
    row_set_text(ctx, out, "revoked_at", now);
    row_set_text(ctx, out, "revoked_reason", reason);
    return crud_update_row(ctx, t, out, old, err);
}

static int revoke_session(Ctx *ctx, const ActionIn *in, ActionResult *out, Error *err)
{
    const Table *t = registry_find("sessions");
    Row old, nw;
    int rc = crud_get(ctx, t, in->params[0], true, &old, err);
    if (rc < 0)
        return err->code == ERR_NOT_FOUND ? err_set(err, ERR_NOT_FOUND, NULL, "no such session") : rc;
    const char *owner = row_text(&old, "user_id");
    bool own = owner && strcmp(owner, ctx->user_id) == 0;
    if (!own && !is_admin(ctx))
        return err_set(err, ERR_NOT_FOUND, NULL, "no such session");
    rc = revoke_row(ctx, t, &old, own ? "revoked by user" : "revoked by admin", &nw, err);
    if (rc < 0)
        return rc;
    out->json = session_json(ctx, &nw);
    return out->json ? 0 : err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
}

static int revoke_others(Ctx *ctx, const ActionIn *in, ActionResult *out, Error *err)
{
    if (!ctx->session_id[0])
        return err_set(err, ERR_STATE, NULL, "this request does not run under a sign-in session");
    char now[40];
    ts_format(now, sizeof now, ctx->now);
    Value p[6] = {val_bool(false), val_text(now), val_text("revoked by user (sign out everywhere else)"),
                  val_text(ctx->user_id), val_text(ctx->session_id), val_bool(true)};
    int64_t n = 0;
    int rc = store_exec(ctx->conn,
                        "UPDATE sessions SET is_active = $2, revoked_at = $3, revoked_reason = $4, updated_at = $3,"
                        " version = version + 1 WHERE tenant_id = $1 AND user_id = $5 AND id <> $6 AND is_active = $7",
                        p, 6, &n, err);
    if (rc < 0)
        return rc;
    out->json = json_pack("{s:I}", "revoked", (json_int_t)n);
    return 0;
}

static const Endpoint endpoints[] = {
    {.method = "GET", .path = "auth/sessions", .role = ROLE_USER, .run = list_sessions,
     .doc = "The caller's sign-in sessions (admins: ?user_id= or ?all=true)"},
    {.method = "POST", .path = "auth/sessions/revoke-others", .write = true, .role = ROLE_USER, .run = revoke_others,
     .doc = "Revokes every session of the caller but the current one"},
    {.method = "POST", .path = "auth/sessions/{id}/revoke", .write = true, .role = ROLE_USER, .run = revoke_session,
     .doc = "Revokes a session: its tokens stop working at once"},
};

void sessions_init(void)
{
    for (size_t i = 0; i < sizeof endpoints / sizeof endpoints[0]; i++)
        registry_add_endpoint(&endpoints[i]);
}
