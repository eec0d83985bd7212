/* domain/usertoken.c — issuing and taking single-use mailed tokens; see
 * usertoken.h. Exports usertoken_ttl_s, usertoken_format, usertoken_split,
 * usertoken_issue, usertoken_tenant, usertoken_take.
 *
 * Both token tables share one shape (user_id, token_hash, expires_at, a used
 * flag, used_at, invalidated_at), so one code path serves them; `Kind` says
 * which table, which prefix and which name the used flag has there (ERP
 * "used", GST "is_used").
 *
 * Concurrency notes: take reads the token row FOR UPDATE on PostgreSQL (the
 * SQLite writer lock serialises), so two concurrent uses of one token succeed
 * once; issue's "replace older tokens" UPDATE and INSERT run in the caller's
 * transaction, so a token and the mail carrying it commit together.
 */
#include "domain/usertoken.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/date.h"
#include "core/id.h"
#include "model/codec.h"
#include "model/crud.h"

typedef struct Kind {
    const char *table;
    const char *prefix;
    const char *used;        /* name of the boolean "used" column */
    const char *purpose;     /* password_reset_tokens.purpose, or NULL */
    int64_t ttl_s;
} Kind;

static const Kind kinds[] = {
    [TOKEN_RESET] = {"password_reset_tokens", "rpt_", "used", "reset", RESET_TTL_S},
    [TOKEN_INVITE] = {"password_reset_tokens", "rpt_", "used", "invite", INVITE_TTL_S},
    [TOKEN_VERIFY] = {"email_verifications", "rev_", "is_used", NULL, VERIFY_TTL_S},
};

enum { RAW = 16 + 16 + 32 };

int64_t usertoken_ttl_s(TokenKind kind) { return kinds[kind].ttl_s; }

void usertoken_format(char *out, size_t cap, const char *prefix, const char *tenant, const char *row_id)
{
    unsigned char raw[RAW];
    Uuid u;
    uuid_parse(&u, tenant, strlen(tenant));
    memcpy(raw, u.b, 16);
    uuid_parse(&u, row_id, strlen(row_id));
    memcpy(raw + 16, u.b, 16);
    randombytes_buf(raw + 32, 32);
    size_t n = strlen(prefix);
    memcpy(out, prefix, n);
    id_b64url_encode(out + n, cap - n, raw, sizeof raw);
    sodium_memzero(raw, sizeof raw);
}

int usertoken_split(const char *token, const char *prefix, char tenant[40], char row_id[40])
{
    size_t n = strlen(prefix);
    unsigned char raw[RAW + 4];
    if (!token || strncmp(token, prefix, n) != 0 || strlen(token) >= USERTOKEN_MAX)
        return -1;
    if (id_b64url_decode(raw, sizeof raw, token + n, strlen(token + n)) != RAW)
        return -1;
    Uuid u;
    memcpy(u.b, raw, 16);
    uuid_format(tenant, &u);
    memcpy(u.b, raw + 16, 16);
    uuid_format(row_id, &u);
    return 0;
}

int usertoken_tenant(const char *token, TokenKind kind, char tenant[40])
{
    char id[40];
    return usertoken_split(token, kinds[kind].prefix, tenant, id);
}

int usertoken_issue(Ctx *ctx, TokenKind kind, const char *user_id, const char *email, char *out, size_t cap,
                    Error *err)
{
    const Kind *k = &kinds[kind];
    const Table *t = registry_find(k->table);
    if (cap < USERTOKEN_MAX)
        return err_set(err, ERR_INTERNAL, NULL, "token buffer too small");
    char now[40], exp[40], sql[256];
    ts_format(now, sizeof now, ctx->now);
    ts_format(exp, sizeof exp, ctx->now + k->ttl_s * 1000000);
    /* "A new one invalidates the old ones" (GST email_verifications): every earlier unused token. */
    snprintf(sql, sizeof sql,
             "UPDATE %s SET invalidated_at = $2, updated_at = $2, version = version + 1"
             " WHERE tenant_id = $1 AND user_id = $3 AND %s = $4 AND invalidated_at IS NULL",
             k->table, k->used);
    Value p[3] = {val_text(now), val_text(user_id), val_bool(false)};
    int rc = store_exec(ctx->conn, sql, p, 3, NULL, err);
    if (rc < 0)
        return rc;
    Row row;
    if (row_init(&row, ctx, t) < 0)
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    char id[40], hash[65];
    uuid_v7_str(id);
    usertoken_format(out, cap, k->prefix, ctx->tenant_id, id);
    id_sha256_hex(hash, out, strlen(out));
    row_set_text(ctx, &row, "id", id);
    row_set_text(ctx, &row, "user_id", user_id);
    row_set_text(ctx, &row, "token_hash", hash);
    if (k->purpose)
        row_set_text(ctx, &row, "purpose", k->purpose);
    else
        row_set_text(ctx, &row, "email", email);
    row_set_text(ctx, &row, "expires_at", exp);
    row_set(&row, k->used, val_bool(false));
    row_set_text(ctx, &row, "ip_address", ctx->ip);
    row_set_text(ctx, &row, "user_agent", ctx->user_agent);
    return crud_insert_row(ctx, t, &row, err);
}

static int bad(Error *err, const char *why)
{
    return err_set(err, ERR_INVALID, "token", "%s", why);
}

int usertoken_take(Ctx *ctx, TokenKind kind, const char *token, Row *out, Error *err)
{
    const Kind *k = &kinds[kind];
    const Table *t = registry_find(k->table);
    char tenant[40], id[40];
    if (usertoken_split(token, k->prefix, tenant, id) < 0 || strcmp(tenant, ctx->tenant_id) != 0)
        return bad(err, "token is not valid");
    Error ignored;
    if (crud_get(ctx, t, id, true, out, &ignored) < 0) {
        if (ignored.code != ERR_NOT_FOUND)
            return err_set(err, ignored.code, NULL, "%s", ignored.message);
        return bad(err, "token is not valid");
    }
    char hash[65];
    id_sha256_hex(hash, token, strlen(token));
    const char *stored = row_text(out, "token_hash");
    if (!stored || strlen(stored) != 64 || !id_equal_ct(stored, hash, 64))
        return bad(err, "token is not valid");
    /* A reset link cannot be used as an invitation and the other way round only in name: both set a
     * password, so the purpose is not checked here; the caller reads it from the row. */
    if (row_int(out, k->used))
        return bad(err, "token was already used");
    if (!row_is_null(out, "invalidated_at"))
        return bad(err, "token was replaced by a newer one; use the latest mail");
    char now[40];
    ts_format(now, sizeof now, ctx->now);
    const char *exp = row_text(out, "expires_at");
    if (!exp || strcmp(exp, now) <= 0)
        return bad(err, "token has expired; ask for a new one");
    Row used;
    row_copy(ctx, &used, out);
    row_set(&used, k->used, val_bool(true));
    row_set_text(ctx, &used, "used_at", now);
    int rc = crud_update_row(ctx, t, &used, out, err);
    if (rc == 0)
        *out = used;
    return rc;
}
