/* domain/password.c — forgotten passwords. Exports password_init, which
 * registers two public endpoints (no token, rate-limited per client IP):
 *   POST /api/v1/auth/password/forgot {email, tenant?}  -> 202, always the same body
 *   POST /api/v1/auth/password/reset  {token, password} -> 200
 *
 * forgot never tells whether the email exists: the answer is the same 202
 * and the same body, and the work is the same shape either way (a lookup in
 * login_emails, a token generated and hashed, one write transaction per
 * account found — and one that writes nothing when none is). Without a
 * tenant slug, every organisation the email belongs to gets its own mail
 * (at most 5). A deactivated or deleted user gets nothing. Each account gets
 * at most one mail per minute (mail bombing); the next request after that
 * replaces the earlier token.
 *
 * reset takes a reset token or an invitation token (domain/usertoken.c: the
 * token names its tenant), sets the password (argon2id, hashed before the
 * transaction so no lock is held while hashing), marks the token used,
 * clears the lockout, revokes every session of the user (whoever had the
 * old password is signed out) and marks the email verified (the mail
 * reached its owner).
 */
#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/date.h"
#include "core/id.h"
#include "domain/auth.h"
#include "domain/domain.h"
#include "domain/password.h"
#include "domain/tx.h"
#include "domain/usermail.h"
#include "model/codec.h"
#include "model/crud.h"

#define FORGOT_MAX_TENANTS 5
#define FORGOT_MIN_INTERVAL_S 60

static int only_strings(json_t *body, const char *const *allowed, Error *err)
{
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v) {
        bool ok = false;
        for (const char *const *a = allowed; *a; a++)
            ok = ok || strcmp(*a, key) == 0;
        if (!ok)
            return err_set(err, ERR_UNKNOWN_FIELD, key, "%s is not an accepted field", key);
        if (!json_is_string(v))
            return err_set(err, ERR_TYPE, key, "%s must be a string", key);
    }
    return 0;
}

int password_check(const char *password, Error *err)
{
    if (!password)
        return err_set(err, ERR_REQUIRED, "password", "password is required");
    size_t n = strlen(password);
    if (n < 8)
        return err_set(err, ERR_INVALID, "password", "password must have at least 8 characters");
    if (n > 256)
        return err_set(err, ERR_RANGE, "password", "password is longer than 256 characters");
    return 0;
}

/* ---- forgot ---- */

typedef struct Account { char tenant[40], user[40]; } Account;

static int find_accounts(Ctx *ctx, void *arg, Error *err)
{
    void **a = arg;
    const char *email = a[0], *slug = a[1];
    Account *acc = a[2];
    int *n = a[3];
    Rows r;
    int rc;
    if (slug) {
        Value p[3] = {val_text(email), val_text(slug), val_bool(true)};
        rc = store_query_global(ctx->conn, &r,
                                "SELECT l.tenant_id, l.user_id FROM login_emails l JOIN tenants t ON t.id = l.tenant_id"
                                " WHERE l.email = $1 AND t.slug = $2 AND t.is_active = $3",
                                p, 3, err);
    } else {
        Value p[2] = {val_text(email), val_int(FORGOT_MAX_TENANTS)};
        rc = store_query_global(ctx->conn, &r,
                                "SELECT tenant_id, user_id FROM login_emails WHERE email = $1 ORDER BY tenant_id LIMIT $2",
                                p, 2, err);
    }
    if (rc < 0)
        return rc;
    while (*n < FORGOT_MAX_TENANTS && rows_next(&r)) {
        Value t = rows_get(&r, 0), u = rows_get(&r, 1);
        snprintf(acc[*n].tenant, 40, "%.*s", (int)t.len, t.s);
        snprintf(acc[*n].user, 40, "%.*s", (int)u.len, u.s);
        (*n)++;
    }
    rc = rows_error(&r, err);
    rows_close(&r);
    return rc;
}

static int send_reset(Ctx *ctx, void *arg, Error *err)
{
    const char *user_id = arg;
    const Table *ut = registry_find("users");
    Row u;
    Error nf;
    if (crud_get(ctx, ut, user_id, false, &u, &nf) < 0)
        return nf.code == ERR_NOT_FOUND ? 0 : err_set(err, nf.code, NULL, "%s", nf.message);
    if (!row_int(&u, "is_active"))
        return 0;
    /* At most one mail a minute per account. */
    char since[40];
    ts_format(since, sizeof since, ctx->now - (int64_t)FORGOT_MIN_INTERVAL_S * 1000000);
    int64_t recent = 0;
    Value p[3] = {val_text(user_id), val_text(since), val_text("reset")};
    int rc = store_query_int(ctx->conn, &recent,
                             "SELECT count(*) FROM password_reset_tokens WHERE tenant_id = $1 AND user_id = $2"
                             " AND created_at > $3 AND purpose = $4",
                             p, 3, err);
    if (rc < 0 || recent > 0)
        return rc;
    return usermail_send(ctx, TOKEN_RESET, user_id, err);
}

/* The same shape of work when no account matched: generate and hash a token, and run a write
 * transaction, so the answer's timing does not single out known emails. */
static int nothing(Ctx *ctx, void *arg, Error *err)
{
    return 0;
}

static void decoy_work(Ctx *ctx)
{
    unsigned char raw[64];
    char text[USERTOKEN_MAX], hash[65];
    randombytes_buf(raw, sizeof raw);
    id_b64url_encode(text, sizeof text, raw, sizeof raw);
    id_sha256_hex(hash, text, strlen(text));
    Error e;
    tx_run(ctx, "", true, nothing, NULL, &e);
}

static int forgot(Ctx *ctx, const ActionIn *in, ActionResult *out, Error *err)
{
    static const char *const keys[] = {"email", "tenant", NULL};
    int rc = only_strings(in->body, keys, err);
    if (rc < 0)
        return rc;
    const char *email_in = json_string_value(json_object_get(in->body, "email"));
    const char *slug = json_string_value(json_object_get(in->body, "tenant"));
    if (!email_in || !*email_in)
        return err_set(err, ERR_REQUIRED, "email", "email is required");
    if (strlen(email_in) > 254)
        return err_set(err, ERR_RANGE, "email", "email is longer than 254 characters");
    char *email = arena_strdup(ctx->arena, email_in);
    for (char *p = email; *p; p++)
        *p = (char)tolower((unsigned char)*p);

    Account acc[FORGOT_MAX_TENANTS];
    int n = 0;
    void *args[4] = {email, (void *)slug, acc, &n};
    rc = tx_run(ctx, "", false, find_accounts, args, err);
    if (rc < 0)
        return rc;
    for (int i = 0; i < n && rc == 0; i++)
        rc = tx_run(ctx, acc[i].tenant, true, send_reset, acc[i].user, err);
    if (n == 0)
        decoy_work(ctx);
    if (rc < 0)
        return rc;
    out->status = 202;
    out->json = json_pack("{s:s, s:s}", "status", "accepted", "message",
                          "if this email belongs to an account, a link to reset its password has been sent to it");
    return 0;
}

/* ---- reset ---- */

typedef struct Reset {
    const char *token;
    const char *hash;        /* the new password's argon2id hash */
    int64_t revoked;
} Reset;

static int do_reset(Ctx *ctx, void *arg, Error *err)
{
    Reset *r = arg;
    Row tok;
    int rc = usertoken_take(ctx, TOKEN_RESET, r->token, &tok, err);
    if (rc < 0)
        return rc;
    const Table *ut = registry_find("users");
    const char *user_id = row_text(&tok, "user_id");
    Row old;
    Error nf;
    if (crud_get(ctx, ut, user_id, true, &old, &nf) < 0)
        return nf.code == ERR_NOT_FOUND ? err_set(err, ERR_INVALID, "token", "token is not valid")
                                        : err_set(err, nf.code, NULL, "%s", nf.message);
    if (!row_int(&old, "is_active"))
        return err_set(err, ERR_STATE, NULL, "this account is deactivated; ask an administrator");
    /* The audit trail names the token holder as the actor. */
    snprintf(ctx->user_id, sizeof ctx->user_id, "%s", user_id);
    ctx->user_email = row_text(&old, "email");
    ctx->role_name = row_text(&old, "role");
    char now[40];
    ts_format(now, sizeof now, ctx->now);
    Row nw;
    row_copy(ctx, &nw, &old);
    row_set_text(ctx, &nw, "password_hash", r->hash);
    row_set_int(&nw, "failed_login_attempts", 0);
    row_set(&nw, "locked_until", val_null());
    if (!row_int(&old, "email_verified")) {
        row_set(&nw, "email_verified", val_bool(true));
        row_set_text(ctx, &nw, "email_verified_at", now);
    }
    const char *purpose = row_text(&tok, "purpose");
    bool invite = purpose && strcmp(purpose, "invite") == 0;
    rc = crud_update_row_as(ctx, ut, &nw, &old, invite ? "accept_invitation" : "password_reset", err);
    if (rc < 0)
        return rc;
    Value p[5] = {val_bool(false), val_text(now), val_text(invite ? "invitation accepted" : "password reset"),
                  val_text(user_id), val_bool(true)};
    return store_exec(ctx->conn,
                      "UPDATE sessions SET is_active = $2, revoked_at = $3, revoked_reason = $4, updated_at = $3,"
                      " version = version + 1 WHERE tenant_id = $1 AND user_id = $5 AND is_active = $6",
                      p, 5, &r->revoked, err);
}

static int reset(Ctx *ctx, const ActionIn *in, ActionResult *out, Error *err)
{
    static const char *const keys[] = {"token", "password", NULL};
    int rc = only_strings(in->body, keys, err);
    if (rc < 0)
        return rc;
    const char *token = json_string_value(json_object_get(in->body, "token"));
    const char *password = json_string_value(json_object_get(in->body, "password"));
    if (!token || !*token)
        return err_set(err, ERR_REQUIRED, "token", "token is required");
    rc = password_check(password, err);
    if (rc < 0)
        return rc;
    char tenant[40];
    if (usertoken_tenant(token, TOKEN_RESET, tenant) < 0)
        return err_set(err, ERR_INVALID, "token", "token is not valid");
    char hash[128];
    rc = auth_hash_password(hash, password, err);
    if (rc < 0)
        return rc;
    Reset r = {token, hash, 0};
    rc = tx_run(ctx, tenant, true, do_reset, &r, err);
    if (rc < 0)
        return rc;
    out->json = json_pack("{s:b, s:I}", "password_changed", 1, "sessions_revoked", (json_int_t)r.revoked);
    return 0;
}

static const Endpoint endpoints[] = {
    {.method = "POST", .path = "auth/password/forgot", .write = true, .public = true, .run = forgot,
     .doc = "Mails a password reset link (always 202: the answer does not tell whether the email exists)"},
    {.method = "POST", .path = "auth/password/reset", .write = true, .public = true, .run = reset,
     .doc = "Sets a new password with a mailed reset or invitation token; signs out every session"},
};

void password_init(void)
{
    for (size_t i = 0; i < sizeof endpoints / sizeof endpoints[0]; i++)
        registry_add_endpoint(&endpoints[i]);
}
