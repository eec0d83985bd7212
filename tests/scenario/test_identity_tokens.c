/* tests/scenario/test_identity_tokens.c — password reset, invitation and email verification
 * tokens end to end: the mail is read from the server's mail sink, the clock is moved with the
 * test endpoint, the database is checked with SQL (issue 3; domain/usertoken.c, password.c,
 * verify.c, usermail.c).
 */
#include <criterion/criterion.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/scenario/identity_helpers.h"

#define PW "correct horse 1"

static void restore_clock(void) { idt_clock(0); }

TestSuite(identity_tokens, .fini = restore_clock);

static char *email(const char *who)
{
    static char buf[8][160];
    static int k;
    char *b = buf[k++ % 8];
    snprintf(b, 160, "%s-%s@tokens.test", who, idt_run());
    return b;
}

static long verify(const char *token, json_t **out)
{
    return idt_callf(out, "POST", "/api/v1/auth/email/verify", NULL, "{\"token\": \"%s\"}", token);
}

static long reset(const char *token, const char *password, json_t **out)
{
    return idt_callf(out, "POST", "/api/v1/auth/password/reset", NULL, "{\"token\": \"%s\", \"password\": \"%s\"}",
                     token, password);
}

static long forgot(const char *addr, const char *slug)
{
    if (slug)
        return idt_callf(NULL, "POST", "/api/v1/auth/password/forgot", NULL, "{\"email\": \"%s\", \"tenant\": \"%s\"}",
                         addr, slug);
    return idt_callf(NULL, "POST", "/api/v1/auth/password/forgot", NULL, "{\"email\": \"%s\"}", addr);
}

static long login(const char *addr, const char *password, const char *slug)
{
    char tenant[160] = "";
    if (slug)
        snprintf(tenant, sizeof tenant, ", \"tenant\": \"%s\"", slug);
    return idt_callf(NULL, "POST", "/api/v1/auth/login", NULL, "{\"email\": \"%s\", \"password\": \"%s\"%s}", addr,
                     password, tenant);
}

/* j is read after the call that fills it (argument order is unspecified in C). */
static void expect_token_error(long status, json_t **j, const char *message)
{
    cr_assert_eq(status, 422);
    cr_assert_str_eq(idt_str(*j, "error.field"), "token");
    cr_assert_str_eq(idt_str(*j, "error.message"), message);
}

Test(identity_tokens, signup_mails_a_verification_link_that_verifies_the_email)
{
    idt_use_ip("10.36.1.1");
    IdtAccount a;
    const char *addr = email("verify");
    idt_signup(&a, "Verify Co", addr, PW);
    char *token = idt_mail_token(addr, "auth.email_verification", 0);
    cr_assert(strncmp(token, "rev_", 4) == 0, "token %s", token);
    json_t *j = NULL;
    cr_assert_eq(verify(token, &j), 200);
    cr_assert_str_eq(idt_str(j, "email"), addr);
    cr_assert(json_is_true(json_object_get(j, "email_verified")));
    json_decref(j);
    cr_assert_eq(idt_call(&j, "GET", "/api/v1/me", a.token, NULL), 200);
    cr_assert(json_is_true(json_object_get(j, "email_verified")));
    cr_assert_not_null(idt_str(j, "email_verified_at"));
    json_decref(j);
    /* asking again once verified is refused */
    cr_assert_eq(idt_call(&j, "POST", "/api/v1/auth/email/verify-request", a.token, NULL), 409);
    cr_assert_str_eq(idt_str(j, "error.message"), "your email address is already verified");
    json_decref(j);
    free(token);
}

Test(identity_tokens, a_verification_token_works_once)
{
    idt_use_ip("10.36.1.2");
    IdtAccount a;
    const char *addr = email("once");
    idt_signup(&a, "Once Co", addr, PW);
    char *token = idt_mail_token(addr, "auth.email_verification", 0);
    cr_assert_eq(verify(token, NULL), 200);
    json_t *j = NULL;
    expect_token_error(verify(token, &j), &j, "token was already used");
    json_decref(j);
    free(token);
}

Test(identity_tokens, a_newer_verification_mail_invalidates_the_older_ones)
{
    idt_use_ip("10.36.1.3");
    IdtAccount a;
    const char *addr = email("newer");
    idt_signup(&a, "Newer Co", addr, PW);
    cr_assert_eq(idt_call(NULL, "POST", "/api/v1/auth/email/verify-request", a.token, NULL), 202);
    cr_assert_eq(idt_call(NULL, "POST", "/api/v1/auth/email/verify-request", a.token, NULL), 202);
    char *t1 = idt_mail_token(addr, "auth.email_verification", 0);
    char *t2 = idt_mail_token(addr, "auth.email_verification", 1);
    char *t3 = idt_mail_token(addr, "auth.email_verification", 2);
    json_t *j = NULL;
    expect_token_error(verify(t1, &j), &j, "token was replaced by a newer one; use the latest mail");
    json_decref(j);
    expect_token_error(verify(t2, &j), &j, "token was replaced by a newer one; use the latest mail");
    json_decref(j);
    cr_assert_eq(verify(t3, NULL), 200);
    free(t1);
    free(t2);
    free(t3);
}

Test(identity_tokens, a_verification_token_expires_after_24_hours)
{
    idt_use_ip("10.36.1.4");
    IdtAccount a;
    const char *addr = email("expiry");
    idt_signup(&a, "Expiry Co", addr, PW);
    char *token = idt_mail_token(addr, "auth.email_verification", 0);
    json_t *j = NULL;
    idt_clock(24 * 3600 + 5);
    expect_token_error(verify(token, &j), &j, "token has expired; ask for a new one");
    json_decref(j);
    idt_clock(24 * 3600 - 60);   /* a minute before expiry it still works: the refusal changed nothing */
    cr_assert_eq(verify(token, NULL), 200);
    free(token);
}

Test(identity_tokens, a_verification_token_is_void_once_the_email_changes)
{
    idt_use_ip("10.36.1.5");
    IdtAccount admin;
    idt_signup(&admin, "Change Co", email("change-admin"), PW);
    char id[40];
    const char *old_addr = email("change-old");
    const char *new_addr = email("change-new");
    idt_create_user(&admin, old_addr, "user", "user password 1", id);
    char *old_token = idt_mail_token(old_addr, "auth.email_verification", 0);
    char path[200];
    snprintf(path, sizeof path, "/api/v1/users/%s", id);
    cr_assert_eq(idt_callf(NULL, "PATCH", path, admin.token, "{\"email\": \"%s\"}", new_addr), 200);
    char *new_token = idt_mail_token(new_addr, "auth.email_verification", 0);
    json_t *j = NULL;
    cr_assert_eq(verify(old_token, &j), 422, "the old address's token must not verify the new address");
    json_decref(j);
    cr_assert_eq(verify(new_token, &j), 200);
    cr_assert_str_eq(idt_str(j, "email"), new_addr);
    json_decref(j);
    free(old_token);
    free(new_token);
}

Test(identity_tokens, reset_sets_the_password_revokes_every_session_and_clears_the_lockout)
{
    idt_use_ip("10.36.2.1");
    IdtAccount a, second;
    const char *addr = email("reset");
    idt_signup(&a, "Reset Co", addr, PW);
    idt_login(&second, addr, PW, NULL);
    /* 5 wrong passwords lock the account; the right one is refused too */
    for (int i = 0; i < 5; i++)
        cr_assert_eq(login(addr, "wrong password", NULL), 401);
    cr_assert_eq(login(addr, PW, NULL), 401, "the account should be locked");
    cr_assert_eq(forgot(addr, NULL), 202);
    char *token = idt_mail_token(addr, "auth.password_reset", 0);
    cr_assert(strncmp(token, "rpt_", 4) == 0);
    json_t *j = NULL;
    cr_assert_eq(reset(token, "brand new password", &j), 200);
    cr_assert(json_is_true(json_object_get(j, "password_changed")));
    cr_assert_eq(json_integer_value(json_object_get(j, "sessions_revoked")), 2);
    json_decref(j);
    cr_assert_eq(idt_call(NULL, "GET", "/api/v1/me", a.token, NULL), 401, "old sessions are signed out");
    cr_assert_eq(idt_call(NULL, "GET", "/api/v1/me", second.token, NULL), 401);
    cr_assert_eq(login(addr, PW, NULL), 401, "the old password no longer works");
    cr_assert_eq(login(addr, "brand new password", NULL), 200, "the lockout is cleared");
    /* the audit names the action */
    IdtAccount now;
    idt_login(&now, addr, "brand new password", NULL);
    char path[200];
    snprintf(path, sizeof path, "/api/v1/audit_logs?entity_id=%s&action=password_reset", now.user_id);
    cr_assert_eq(idt_call(&j, "GET", path, now.token, NULL), 200);
    cr_assert_eq(json_array_size(json_object_get(j, "data")), 1);
    json_decref(j);
    free(token);
}

Test(identity_tokens, a_reset_token_works_once)
{
    idt_use_ip("10.36.2.2");
    IdtAccount a;
    const char *addr = email("reset-once");
    idt_signup(&a, "Reset Once Co", addr, PW);
    cr_assert_eq(forgot(addr, NULL), 202);
    char *token = idt_mail_token(addr, "auth.password_reset", 0);
    cr_assert_eq(reset(token, "first new password", NULL), 200);
    json_t *j = NULL;
    expect_token_error(reset(token, "second new password", &j), &j, "token was already used");
    json_decref(j);
    cr_assert_eq(login(addr, "first new password", NULL), 200);
    free(token);
}

Test(identity_tokens, a_reset_token_expires_after_one_hour)
{
    idt_use_ip("10.36.2.3");
    IdtAccount a;
    const char *addr = email("reset-expiry");
    idt_signup(&a, "Reset Expiry Co", addr, PW);
    cr_assert_eq(forgot(addr, NULL), 202);
    char *token = idt_mail_token(addr, "auth.password_reset", 0);
    json_t *j = NULL;
    idt_clock(3600 + 5);
    expect_token_error(reset(token, "too late password", &j), &j, "token has expired; ask for a new one");
    json_decref(j);
    idt_clock(3600 - 60);
    cr_assert_eq(reset(token, "just in time password", NULL), 200);
    free(token);
}

Test(identity_tokens, a_newer_reset_token_invalidates_the_older_one)
{
    idt_use_ip("10.36.2.4");
    IdtAccount a;
    const char *addr = email("reset-newer");
    idt_signup(&a, "Reset Newer Co", addr, PW);
    cr_assert_eq(forgot(addr, NULL), 202);
    char *t1 = idt_mail_token(addr, "auth.password_reset", 0);
    idt_clock(61);   /* one mail a minute per account */
    cr_assert_eq(forgot(addr, NULL), 202);
    char *t2 = idt_mail_token(addr, "auth.password_reset", 1);
    json_t *j = NULL;
    expect_token_error(reset(t1, "older token password", &j), &j,
                       "token was replaced by a newer one; use the latest mail");
    json_decref(j);
    cr_assert_eq(reset(t2, "newer token password", NULL), 200);
    free(t1);
    free(t2);
}

Test(identity_tokens, forgot_sends_at_most_one_mail_a_minute_per_account)
{
    idt_use_ip("10.36.2.5");
    IdtAccount a;
    const char *addr = email("throttle");
    idt_signup(&a, "Throttle Co", addr, PW);
    cr_assert_eq(forgot(addr, NULL), 202);
    /* forgot queues its work; the first mail must exist before the clock moves, or a slow queue
     * runs the first request after the move and throttles the third */
    idt_wait_mails(addr, "auth.password_reset", 1);
    cr_assert_eq(forgot(addr, NULL), 202, "the answer does not change");
    idt_clock(61);
    cr_assert_eq(forgot(addr, NULL), 202);
    idt_wait_mails(addr, "auth.password_reset", 2);
    /* mails are delivered in queue order: the third request's mail is there, so a second one would be */
    cr_assert_eq(idt_mail_count(addr, "auth.password_reset"), 2);
}

Test(identity_tokens, forgot_for_an_unknown_email_answers_the_same_and_mails_nothing)
{
    idt_use_ip("10.36.2.6");
    IdtAccount a;
    const char *known = email("known");
    const char *unknown = email("unknown");
    idt_signup(&a, "Known Co", known, PW);
    json_t *jk = NULL, *ju = NULL;
    char body[300];
    snprintf(body, sizeof body, "{\"email\": \"%s\"}", unknown);
    long su = idt_call(&ju, "POST", "/api/v1/auth/password/forgot", NULL, body);
    snprintf(body, sizeof body, "{\"email\": \"%s\"}", known);
    long sk = idt_call(&jk, "POST", "/api/v1/auth/password/forgot", NULL, body);
    cr_assert_eq(su, 202);
    cr_assert_eq(sk, 202);
    cr_assert(json_equal(jk, ju), "the bodies must be identical");
    json_decref(jk);
    json_decref(ju);
    idt_wait_mails(known, "auth.password_reset", 1);
    cr_assert_eq(idt_mail_count(unknown, "auth.password_reset"), 0);
}

Test(identity_tokens, forgot_without_a_tenant_mails_each_organisation_and_each_link_resets_its_own)
{
    idt_use_ip("10.36.2.7");
    IdtAccount a, b;
    const char *addr = email("two-orgs");
    idt_signup(&a, "First Org", addr, PW);
    idt_signup(&b, "Second Org", addr, PW);
    cr_assert_eq(forgot(addr, NULL), 202);
    idt_wait_mails(addr, "auth.password_reset", 2);
    char *t0 = idt_mail_token(addr, "auth.password_reset", 0);
    char *t1 = idt_mail_token(addr, "auth.password_reset", 1);
    cr_assert_str_neq(t0, t1);
    /* find which token is the first org's: the tenant is inside the token */
    cr_assert_eq(reset(t0, "changed in one org", NULL), 200);
    bool first = login(addr, "changed in one org", a.slug) == 200;
    bool second = login(addr, "changed in one org", b.slug) == 200;
    cr_assert(first != second, "exactly one organisation's password changed");
    cr_assert_eq(login(addr, PW, first ? b.slug : a.slug), 200, "the other keeps its password");
    cr_assert_eq(reset(t1, "changed in the other", NULL), 200);
    cr_assert_eq(login(addr, "changed in the other", first ? b.slug : a.slug), 200);
    free(t0);
    free(t1);
}

Test(identity_tokens, forgot_with_a_tenant_slug_mails_that_organisation_only)
{
    idt_use_ip("10.36.2.8");
    IdtAccount a, b;
    const char *addr = email("slug");
    idt_signup(&a, "Slug One", addr, PW);
    idt_signup(&b, "Slug Two", addr, PW);
    cr_assert_eq(forgot(addr, b.slug), 202);
    char *t = idt_mail_token(addr, "auth.password_reset", 0);
    cr_assert_eq(reset(t, "slug two password", NULL), 200);
    cr_assert_eq(login(addr, "slug two password", b.slug), 200);
    cr_assert_eq(login(addr, PW, a.slug), 200);
    cr_assert_eq(idt_mail_count(addr, "auth.password_reset"), 1);
    free(t);
}

Test(identity_tokens, an_invitation_sets_the_first_password_and_verifies_the_email)
{
    idt_use_ip("10.36.3.1");
    IdtAccount admin;
    idt_signup(&admin, "Invite Co", email("invite-admin"), PW);
    const char *addr = email("invitee");
    char id[40];
    idt_create_user(&admin, addr, "manager", NULL, id);
    cr_assert_eq(login(addr, "", admin.slug), 401);
    char *token = idt_mail_token(addr, "auth.invitation", 0);
    cr_assert_eq(idt_mail_count(addr, "auth.email_verification"), 0, "an invitee gets the invitation only");
    json_t *j = NULL;
    cr_assert_eq(reset(token, "my own password", &j), 200);
    json_decref(j);
    IdtAccount me;
    idt_login(&me, addr, "my own password", admin.slug);
    cr_assert_eq(idt_call(&j, "GET", "/api/v1/me", me.token, NULL), 200);
    cr_assert(json_is_true(json_object_get(j, "email_verified")));
    cr_assert_str_eq(idt_str(j, "role"), "manager");
    json_decref(j);
    char path[200];
    snprintf(path, sizeof path, "/api/v1/audit_logs?entity_id=%s&action=accept_invitation", id);
    cr_assert_eq(idt_call(&j, "GET", path, admin.token, NULL), 200);
    cr_assert_eq(json_array_size(json_object_get(j, "data")), 1);
    json_decref(j);
    free(token);
}

Test(identity_tokens, an_invitation_expires_after_72_hours)
{
    idt_use_ip("10.36.3.2");
    IdtAccount admin;
    idt_signup(&admin, "Late Invite Co", email("late-admin"), PW);
    const char *addr = email("late-invitee");
    char id[40];
    idt_create_user(&admin, addr, "user", NULL, id);
    char *token = idt_mail_token(addr, "auth.invitation", 0);
    json_t *j = NULL;
    idt_clock(72 * 3600 + 5);
    expect_token_error(reset(token, "too late again", &j), &j, "token has expired; ask for a new one");
    json_decref(j);
    idt_clock(71 * 3600);
    cr_assert_eq(reset(token, "in time after all", NULL), 200);
    free(token);
}

Test(identity_tokens, a_deactivated_user_cannot_reset_their_password)
{
    idt_use_ip("10.36.3.3");
    IdtAccount admin;
    idt_signup(&admin, "Deactivated Co", email("deact-admin"), PW);
    const char *addr = email("deact-user");
    char id[40], path[200];
    idt_create_user(&admin, addr, "user", "user password 1", id);
    cr_assert_eq(forgot(addr, NULL), 202);
    char *token = idt_mail_token(addr, "auth.password_reset", 0);
    snprintf(path, sizeof path, "/api/v1/users/%s", id);
    cr_assert_eq(idt_call(NULL, "PATCH", path, admin.token, "{\"is_active\": false}"), 200);
    json_t *j = NULL;
    cr_assert_eq(reset(token, "sneaky new password", &j), 409);
    cr_assert_str_eq(idt_str(j, "error.message"), "this account is deactivated; ask an administrator");
    json_decref(j);
    free(token);
}

Test(identity_tokens, tokens_are_stored_hashed_and_mailed_tokens_are_redacted_from_the_outbox)
{
    idt_use_ip("10.36.3.4");
    IdtAccount a;
    const char *addr = email("hashed");
    idt_signup(&a, "Hashed Co", addr, PW);
    cr_assert_eq(forgot(addr, NULL), 202);
    char *token = idt_mail_token(addr, "auth.password_reset", 0);
    unsigned char h[32];
    char hex[65];
    crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    char *row = idt_sql("SELECT token_hash, purpose, CASE WHEN used THEN 1 ELSE 0 END FROM password_reset_tokens"
                        " WHERE tenant_id = '%s' AND user_id = '%s'",
                        a.tenant_id, a.user_id);
    char want[200];
    snprintf(want, sizeof want, "%s|reset|0", hex);
    cr_assert_str_eq(row, want, "only the SHA-256 of the token is stored");
    free(row);
    cr_assert_eq(reset(token, "hashed new password", NULL), 200);
    row = idt_sql("SELECT CASE WHEN used THEN 1 ELSE 0 END, CASE WHEN used_at IS NULL THEN 0 ELSE 1 END"
                  " FROM password_reset_tokens WHERE tenant_id = '%s' AND user_id = '%s'",
                  a.tenant_id, a.user_id);
    cr_assert_str_eq(row, "1|1");
    free(row);
    /* the delivered mails no longer hold their tokens in the outbox (wait for the worker to record them) */
    for (int i = 0; i < 200; i++) {
        char *pending = idt_sql("SELECT count(*) FROM outbox WHERE tenant_id = '%s' AND status <> 'sent'", a.tenant_id);
        bool done = strcmp(pending, "0") == 0;
        free(pending);
        if (done)
            break;
        usleep(50000);
    }
    char *left = idt_sql("SELECT count(*) FROM outbox WHERE tenant_id = '%s' AND status = 'sent'"
                         " AND CAST(payload AS TEXT) NOT LIKE '%%redacted%%' AND topic LIKE 'auth.%%'",
                         a.tenant_id);
    cr_assert_str_eq(left, "0");
    free(left);
    char *any = idt_sql("SELECT count(*) FROM outbox WHERE tenant_id = '%s' AND CAST(payload AS TEXT) LIKE '%%%s%%'",
                        a.tenant_id, token + 4);
    cr_assert_str_eq(any, "0", "the token text is nowhere in the outbox");
    free(any);
    free(token);
}
