/* domain/apikeys.c — API keys for machine clients.
 * Exports apikeys_init, apikey_decode, apikey_load, apikey_touch.
 *
 * A key is "rak_" + base64url(tenant[16] | key id[16] | random[32]): it names
 * its tenant and row, so authenticating never searches across tenants; only its
 * SHA-256 is stored, and the key itself is shown once, in the response that
 * creates it. A key acts with its built-in role, or with exactly the
 * permissions of its custom role; revoked, deleted or expired keys stop working
 * at once. last_used_at is kept to the minute (not written on every request).
 * A key never outranks whoever creates or changes it: its built-in role at most
 * the caller's (perm_rank), its custom role only with each of its permissions
 * held (403), so api_keys.write is not a way to become an admin.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/date.h"
#include "core/id.h"
#include "domain/domain.h"
#include "model/crud.h"
#include "model/codec.h"
#include "model/perm.h"

int apikey_decode(const char *token, Ctx *ctx, char key_id[40], Error *err)
{
    unsigned char buf[70];
    if (!token || strncmp(token, "rak_", 4) != 0 ||
        id_b64url_decode(buf, sizeof buf, token + 4, strlen(token + 4)) != 64)
        return err_set(err, ERR_UNAUTHENTICATED, NULL, "invalid API key");
    Uuid u;
    memcpy(u.b, buf, 16);
    uuid_format(ctx->tenant_id, &u);
    memcpy(u.b, buf + 16, 16);
    uuid_format(key_id, &u);
    return 0;
}

int apikey_load(Ctx *ctx, const char *key_id, const char *token, bool *stale, Error *err)
{
    Rows r;
    Value p[1] = {val_text(key_id)};
    int rc = store_query(ctx->conn, &r,
                         "SELECT k.key_hash, k.role, k.is_active, k.expires_at, k.name, k.last_used_at, r.permissions,"
                         " r.is_active, t.base_currency, t.timezone, k.role_id, r.deleted_at, t.subscription_status,"
                         " t.trial_end_date"
                         " FROM api_keys k JOIN tenants t ON t.id = k.tenant_id"
                         " LEFT JOIN roles r ON r.tenant_id = k.tenant_id AND r.id = k.role_id"
                         " WHERE k.tenant_id = $1 AND k.id = $2 AND k.deleted_at IS NULL",
                         p, 1, err);
    if (rc < 0)
        return rc;
    if (!rows_next(&r)) {
        rows_close(&r);
        return err_set(err, ERR_UNAUTHENTICATED, NULL, "invalid API key");
    }
    char hash[65], now[40];
    id_sha256_hex(hash, token, strlen(token));
    ts_format(now, sizeof now, ctx->now);
    Value h = rows_get(&r, 0), role = rows_get(&r, 1), active = rows_get(&r, 2), exp = rows_get(&r, 3),
          name = rows_get(&r, 4), used = rows_get(&r, 5), perms = rows_get(&r, 6), ractive = rows_get(&r, 7),
          cur = rows_get(&r, 8), tz = rows_get(&r, 9), role_id = rows_get(&r, 10), rdel = rows_get(&r, 11);
    bool ok = h.kind == V_TEXT && h.len == 64 && sodium_memcmp(h.s, hash, 64) == 0 && active.i &&
              (exp.kind == V_NULL || strncmp(exp.s, now, exp.len) > 0);
    if (ok) {
        ctx->role_name = arena_strndup(ctx->arena, role.s, role.len);
        ctx->role = role_parse(ctx->role_name);
        ctx->user_email = arena_printf(ctx->arena, "api-key:%.*s", (int)name.len, name.s);
        ctx->currency = arena_strndup(ctx->arena, cur.s, cur.len);
        ctx->timezone = arena_strndup(ctx->arena, tz.s, tz.len);
        Value sub = rows_get(&r, 12), tend = rows_get(&r, 13);
        ctx->subscription_status = sub.kind == V_TEXT ? arena_strndup(ctx->arena, sub.s, sub.len) : NULL;
        ctx->trial_end = tend.kind == V_TEXT ? arena_strndup(ctx->arena, tend.s, tend.len) : NULL;
        if (role_id.kind != V_NULL) {   /* a custom role: exactly its permissions (none if disabled) */
            bool usable = perms.kind == V_TEXT && ractive.i && rdel.kind == V_NULL;
            if (permissions_load(ctx, usable ? perms.s : "[]", usable ? perms.len : 2) < 0)
                ok = false;
        }
        /* stale: last use more than a minute ago (compare the minute prefix) */
        *stale = used.kind == V_NULL || used.len < 16 || strncmp(used.s, now, 16) != 0;
    }
    rows_close(&r);
    return ok ? 0 : err_set(err, ERR_UNAUTHENTICATED, NULL, "API key revoked, expired or invalid");
}

int apikey_touch(Ctx *ctx, const char *key_id, Error *err)
{
    char now[40];
    ts_format(now, sizeof now, ctx->now);
    Value p[2] = {val_text(arena_strdup(ctx->arena, now)), val_text(key_id)};
    return store_exec(ctx->conn, "UPDATE api_keys SET last_used_at = $2 WHERE tenant_id = $1 AND id = $3", p, 2, NULL,
                      err);
}

static bool text_changed(const Row *row, const Row *old, const char *field)
{
    const char *x = row_text(row, field), *y = old ? row_text(old, field) : NULL;
    return x && (!y || strcmp(x, y) != 0);
}

/* See the banner: a key acts with its role, so giving it one is granting that role. */
static int check_grant(Ctx *ctx, const Row *row, const Row *old, Error *err)
{
    if (text_changed(row, old, "role") && role_parse(row_text(row, "role")) > perm_rank(ctx))
        return err_set(err, ERR_FORBIDDEN, "role", "a key's role cannot be higher than yours (%s)",
                       role_name(perm_rank(ctx)));
    if (text_changed(row, old, "role_id"))
        return permissions_check_role(ctx, row_text(row, "role_id"), "role_id", err);
    return 0;
}

static int key_before_write(Ctx *ctx, const Table *t, Row *row, const Row *old, Error *err)
{
    int grc = check_grant(ctx, row, old, err);
    if (grc < 0 || old)
        return grc;
    unsigned char buf[64];
    char id[40], token[100], hash[65];
    Uuid u;
    uuid_parse(&u, ctx->tenant_id, strlen(ctx->tenant_id));
    memcpy(buf, u.b, 16);
    uuid_v7(&u);
    uuid_format(id, &u);
    memcpy(buf + 16, u.b, 16);
    randombytes_buf(buf + 32, 32);
    memcpy(token, "rak_", 4);
    id_b64url_encode(token + 4, sizeof token - 4, buf, sizeof buf);
    id_sha256_hex(hash, token, strlen(token));
    char prefix[13];
    snprintf(prefix, sizeof prefix, "%.12s", token);
    row_set_text(ctx, row, "id", id);
    row_set_text(ctx, row, "key_hash", hash);
    row_set_text(ctx, row, "prefix", prefix);
    if (ctx->reply_extra)
        json_decref((json_t *)ctx->reply_extra);
    ctx->reply_extra = json_pack("{s:s, s:s}", "key", token, "key_notice",
                                 "store this key now: it is shown only once");
    sodium_memzero(buf, sizeof buf);
    return ctx->reply_extra ? 0 : err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
}

static int revoke(Ctx *ctx, const Table *t, const ActionIn *in, ActionResult *out, Error *err)
{
    Row old;
    int rc = crud_get(ctx, t, in->id, true, &old, err);
    if (rc < 0)
        return rc;
    Row nw;
    row_copy(ctx, &nw, &old);
    char now[40];
    ts_format(now, sizeof now, ctx->now);
    row_set(&nw, "is_active", val_bool(false));
    row_set_text(ctx, &nw, "revoked_at", now);
    rc = crud_update_row(ctx, t, &nw, &old, err);
    if (rc == 0)
        out->json = codec_to_json(ctx, &nw);
    return rc;
}

static const Hooks key_hooks = {.before_write = key_before_write};
static const Action revoke_action = {
    .verb = "revoke", .method = "POST", .write = true, .role = ROLE_ADMIN, .run = revoke,
    .doc = "Revoke the key: it stops working at once",
};

void apikeys_init(void)
{
    table_set_hooks("api_keys", &key_hooks);
    table_add_action("api_keys", &revoke_action);
}
