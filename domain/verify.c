/* domain/verify.c — email verification. Exports verify_init, which registers:
 *   POST /api/v1/auth/email/verify-request   (signed in) mails a verification link to the caller
 *   POST /api/v1/auth/email/verify {token}   (public) marks the email verified
 * Sign-up (domain/auth.c) and admin-created users (domain/users.c) send the
 * same mail through usermail_send(TOKEN_VERIFY).
 *
 * Rules (GST email_verifications): the token expires after 24 hours, works
 * once, and a newer mail invalidates the older ones. The token also names
 * the address it was sent to: once the user's email has changed, an old
 * token cannot verify the new address.
 */
#include <stdio.h>
#include <string.h>

#include "core/date.h"
#include "domain/domain.h"
#include "domain/tx.h"
#include "domain/usermail.h"
#include "model/codec.h"
#include "model/crud.h"

static int verify_request(Ctx *ctx, const ActionIn *in, ActionResult *out, Error *err)
{
    if (json_object_size(in->body) > 0) {
        const char *key = json_object_iter_key(json_object_iter(in->body));
        return err_set(err, ERR_UNKNOWN_FIELD, key, "%s is not an accepted field", key);
    }
    if (!ctx->user_id[0])
        return err_set(err, ERR_STATE, NULL, "an API key has no email address to verify");
    Row u;
    int rc = crud_get(ctx, registry_find("users"), ctx->user_id, false, &u, err);
    if (rc < 0)
        return rc;
    if (row_int(&u, "email_verified"))
        return err_set(err, ERR_STATE, NULL, "your email address is already verified");
    rc = usermail_send(ctx, TOKEN_VERIFY, ctx->user_id, err);
    if (rc < 0)
        return rc;
    out->status = 202;
    out->json = json_pack("{s:s, s:s}", "status", "sent", "email", row_text(&u, "email"));
    return 0;
}

typedef struct Verify { const char *token; json_t *result; } Verify;

static int do_verify(Ctx *ctx, void *arg, Error *err)
{
    Verify *v = arg;
    Row tok;
    int rc = usertoken_take(ctx, TOKEN_VERIFY, v->token, &tok, err);
    if (rc < 0)
        return rc;
    const Table *ut = registry_find("users");
    const char *user_id = row_text(&tok, "user_id");
    Row old;
    Error nf;
    if (crud_get(ctx, ut, user_id, true, &old, &nf) < 0)
        return nf.code == ERR_NOT_FOUND ? err_set(err, ERR_INVALID, "token", "token is not valid")
                                        : err_set(err, nf.code, NULL, "%s", nf.message);
    const char *sent_to = row_text(&tok, "email");
    const char *email = row_text(&old, "email");
    if (!sent_to || !email || strcmp(sent_to, email) != 0)
        return err_set(err, ERR_INVALID, "token", "token was sent to another email address than the account's");
    snprintf(ctx->user_id, sizeof ctx->user_id, "%s", user_id);   /* the audit names the token holder */
    ctx->user_email = email;
    ctx->role_name = row_text(&old, "role");
    if (!row_int(&old, "email_verified")) {
        char now[40];
        ts_format(now, sizeof now, ctx->now);
        Row nw;
        row_copy(ctx, &nw, &old);
        row_set(&nw, "email_verified", val_bool(true));
        row_set_text(ctx, &nw, "email_verified_at", now);
        rc = crud_update_row_as(ctx, ut, &nw, &old, "verify_email", err);
        if (rc < 0)
            return rc;
        old = nw;
    }
    v->result = json_pack("{s:s, s:b, s:s}", "email", email, "email_verified", 1, "email_verified_at",
                          row_text(&old, "email_verified_at"));
    return v->result ? 0 : err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
}

static int verify(Ctx *ctx, const ActionIn *in, ActionResult *out, Error *err)
{
    const char *key;
    json_t *val;
    json_object_foreach(in->body, key, val) {
        if (strcmp(key, "token") != 0)
            return err_set(err, ERR_UNKNOWN_FIELD, key, "%s is not an accepted field", key);
        if (!json_is_string(val))
            return err_set(err, ERR_TYPE, key, "token must be a string");
    }
    const char *token = json_string_value(json_object_get(in->body, "token"));
    if (!token || !*token)
        return err_set(err, ERR_REQUIRED, "token", "token is required");
    char tenant[40];
    if (usertoken_tenant(token, TOKEN_VERIFY, tenant) < 0)
        return err_set(err, ERR_INVALID, "token", "token is not valid");
    Verify v = {token, NULL};
    int rc = tx_run(ctx, tenant, true, do_verify, &v, err);
    if (rc < 0) {
        json_decref(v.result);
        return rc;
    }
    out->json = v.result;
    return 0;
}

static const Endpoint endpoints[] = {
    {.method = "POST", .path = "auth/email/verify-request", .write = true, .role = ROLE_USER, .run = verify_request,
     .doc = "Mails the caller a link to verify their email address (valid 24 hours)"},
    {.method = "POST", .path = "auth/email/verify", .write = true, .public = true, .run = verify,
     .doc = "Verifies an email address with a mailed token"},
};

void verify_init(void)
{
    for (size_t i = 0; i < sizeof endpoints / sizeof endpoints[0]; i++)
        registry_add_endpoint(&endpoints[i]);
}
