/* domain/usermail.c — composing and queueing the account mails; see
 * usermail.h. Exports usermail_send.
 *
 * The token travels in the mail text, so the outbox row would hold a live
 * credential: the payload asks the worker to redact it once delivered
 * ("redact_after_send", domain/outbox.c). Links use REMIT_PUBLIC_URL (the
 * address users open Remit at) when it is set; the token is always also
 * written on a line of its own ("token: ...") for API clients.
 */
#include "domain/usermail.h"

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "domain/outbox.h"
#include "model/crud.h"

typedef struct Mail {
    const char *topic;
    const char *subject;
    const char *intro;       /* what happened, one paragraph; %s = tenant name */
    const char *within;      /* how long the token works */
    const char *page;        /* web console page of the link */
    const char *api;         /* the endpoint that takes the token */
    const char *outro;
} Mail;

static const Mail mails[] = {
    [TOKEN_RESET] = {"auth.password_reset", "Reset your Remit password",
                     "Someone (hopefully you) asked to reset the password of your Remit account at %s.",
                     "1 hour", "reset-password", "POST /api/v1/auth/password/reset {\"token\", \"password\"}",
                     "If you did not ask for this, ignore this mail: your password stays as it is.\n"
                     "The link works once, and only the latest one you received works."},
    [TOKEN_INVITE] = {"auth.invitation", "You are invited to Remit",
                      "You have been given an account at %s on Remit. Choose your password to sign in.",
                      "3 days", "set-password", "POST /api/v1/auth/password/reset {\"token\", \"password\"}",
                      "If you did not expect this, ignore this mail."},
    [TOKEN_VERIFY] = {"auth.email_verification", "Confirm your email address",
                      "Please confirm that this is the email address of your Remit account at %s.",
                      "24 hours", "verify-email", "POST /api/v1/auth/email/verify {\"token\"}",
                      "If you did not create a Remit account, ignore this mail."},
};

static int tenant_name(Ctx *ctx, const char **out, Error *err)
{
    Rows r;
    Value p[1] = {val_text(ctx->tenant_id)};
    int rc = store_query_global(ctx->conn, &r, "SELECT name FROM tenants WHERE id = $1", p, 1, err);
    if (rc < 0)
        return rc;
    *out = "your organisation";
    if (rows_next(&r)) {
        Value v = rows_get(&r, 0);
        if (v.kind == V_TEXT)
            *out = arena_strndup(ctx->arena, v.s, v.len);
    }
    rc = rows_error(&r, err);
    rows_close(&r);
    return rc;
}

int usermail_send(Ctx *ctx, TokenKind kind, const char *user_id, Error *err)
{
    const Mail *m = &mails[kind];
    Row u;
    int rc = crud_get(ctx, registry_find("users"), user_id, false, &u, err);
    if (rc < 0)
        return rc;
    const char *email = row_text(&u, "email");
    const char *tname = NULL;
    rc = tenant_name(ctx, &tname, err);
    if (rc < 0)
        return rc;
    char token[USERTOKEN_MAX];
    rc = usertoken_issue(ctx, kind, user_id, email, token, sizeof token, err);
    if (rc < 0)
        return rc;
    const char *first = row_text(&u, "first_name");
    const char *base = getenv("REMIT_PUBLIC_URL");
    Buf b;
    buf_init(&b, 16 * 1024);
    buf_printf(&b, "Hello%s%s,\n\n", first ? " " : "", first ? first : "");
    buf_printf(&b, m->intro, tname);
    buf_puts(&b, "\n\n");
    if (base && *base) {
        buf_printf(&b, "Open this link within %s:\n%s%s%s?token=%s\n\n", m->within, base,
                   base[strlen(base) - 1] == '/' ? "" : "/", m->page, token);
        buf_printf(&b, "Or give this token to %s:\n", m->api);
    } else {
        buf_printf(&b, "Within %s, give this token to %s:\n", m->within, m->api);
    }
    buf_printf(&b, "token: %s\n\n%s\n", token, m->outro);
    json_t *payload = json_pack("{s:s, s:b}", "text", buf_cstr(&b), "redact_after_send", 1);
    if (b.failed || !payload)
        rc = err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    else
        rc = outbox_enqueue(ctx, "mail", m->topic, email, m->subject, payload, "users", user_id, err);
    json_decref(payload);
    buf_free(&b);
    return rc;
}
