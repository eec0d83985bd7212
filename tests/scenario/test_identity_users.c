/* tests/scenario/test_identity_users.c — deleting a user anonymises them while the audit trail
 * stays as it was; two admins removing each other at once leave one (issue 3, domain/users.c).
 * The database is read directly (sqlite3 / psql) to see what the API does not show.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/scenario/identity_helpers.h"

#define PW "correct horse 1"

static void restore_clock(void) { idt_clock(0); }

TestSuite(identity_users, .fini = restore_clock);

static char *email(const char *who)
{
    static char buf[8][160];
    static int k;
    char *b = buf[k++ % 8];
    snprintf(b, 160, "%s-%s@users-scenario.test", who, idt_run());
    return b;
}

static long login(const char *addr, const char *password)
{
    return idt_callf(NULL, "POST", "/api/v1/auth/login", NULL, "{\"email\": \"%s\", \"password\": \"%s\"}", addr,
                     password);
}

static long delete_user(const char *token, const char *id)
{
    char path[200];
    snprintf(path, sizeof path, "/api/v1/users/%s", id);
    return idt_call(NULL, "DELETE", path, token, NULL);
}

/* The audit rows of one entity, in id order, every column, one per line. */
static char *audit_rows(const char *tenant, const char *id)
{
    return idt_sql("SELECT id, user_id, action, CAST(old_values AS TEXT), CAST(new_values AS TEXT), created_at"
                   " FROM audit_logs WHERE tenant_id = '%s' AND entity_id = '%s' ORDER BY id",
                   tenant, id);
}

Test(identity_users, deleting_a_user_anonymises_every_personal_field)
{
    idt_use_ip("10.37.1.1");
    IdtAccount admin, victim;
    idt_signup(&admin, "Anon Co", email("anon-admin"), PW);
    const char *addr = email("anon-user");
    char id[40];
    idt_create_user(&admin, addr, "manager", "manager password 1", id);
    idt_login(&victim, addr, "manager password 1", NULL);
    char path[200];
    snprintf(path, sizeof path, "/api/v1/users/%s", id);
    cr_assert_eq(idt_call(NULL, "PATCH", path, admin.token,
                          "{\"position\": \"Head of Billing\", \"avatar_url\": \"https://img.test/a.png\","
                          " \"timezone\": \"Asia/Kolkata\", \"language\": \"en\"}"),
                 200);
    char *before = idt_sql("SELECT password_hash FROM users WHERE tenant_id = '%s' AND id = '%s'", admin.tenant_id, id);
    cr_assert_eq(delete_user(admin.token, id), 204);

    char *row = idt_sql("SELECT email, COALESCE(first_name, '-'), COALESCE(last_name, '-'), COALESCE(phone, '-'),"
                        " COALESCE(position, '-'), COALESCE(avatar_url, '-'), COALESCE(last_login_ip, '-'),"
                        " COALESCE(timezone, '-'), COALESCE(language, '-'), CASE WHEN is_active THEN 1 ELSE 0 END,"
                        " CASE WHEN deleted_at IS NULL THEN 0 ELSE 1 END, role"
                        " FROM users WHERE tenant_id = '%s' AND id = '%s'",
                        admin.tenant_id, id);
    char want[400];
    snprintf(want, sizeof want, "deleted-%s@anonymized.invalid|-|-|-|-|-|-|-|-|0|1|manager", id);
    cr_assert_str_eq(row, want);
    free(row);
    char *after = idt_sql("SELECT password_hash FROM users WHERE tenant_id = '%s' AND id = '%s'", admin.tenant_id, id);
    cr_assert_str_neq(after, before, "the password hash is replaced");
    cr_assert(strncmp(after, "$argon2id$", 10) == 0, "an unusable but real hash: %s", after);
    free(before);
    free(after);
    cr_assert_eq(login(addr, "manager password 1"), 401);
    cr_assert_eq(idt_call(NULL, "GET", "/api/v1/me", victim.token, NULL), 401, "their session stops at once");
}

Test(identity_users, deleting_a_user_revokes_sessions_erases_client_data_and_removes_the_login_email)
{
    idt_use_ip("10.37.1.2");
    IdtAccount admin, victim;
    idt_signup(&admin, "Sessions Gone Co", email("gone-admin"), PW);
    const char *addr = email("gone-user");
    char id[40];
    idt_create_user(&admin, addr, "user", "user password 12", id);
    idt_login(&victim, addr, "user password 12", NULL);
    idt_login(&victim, addr, "user password 12", NULL);
    char *n = idt_sql("SELECT count(*) FROM login_emails WHERE tenant_id = '%s' AND user_id = '%s'", admin.tenant_id, id);
    cr_assert_str_eq(n, "1");
    free(n);
    cr_assert_eq(delete_user(admin.token, id), 204);
    char *s = idt_sql("SELECT CASE WHEN is_active THEN 1 ELSE 0 END, revoked_reason, COALESCE(ip_address, '-'),"
                      " COALESCE(user_agent, '-') FROM sessions WHERE tenant_id = '%s' AND user_id = '%s' ORDER BY id",
                      admin.tenant_id, id);
    cr_assert_str_eq(s, "0|user deleted|-|-\n0|user deleted|-|-");
    free(s);
    n = idt_sql("SELECT count(*) FROM login_emails WHERE tenant_id = '%s' AND user_id = '%s'", admin.tenant_id, id);
    cr_assert_str_eq(n, "0");
    free(n);
    /* the sign-in log keeps the attempts but not who made them */
    n = idt_sql("SELECT count(*) FROM login_attempts WHERE tenant_id = '%s' AND (email = '%s' OR ip_address IS NOT NULL"
                " AND user_id = '%s')",
                admin.tenant_id, addr, id);
    cr_assert_str_eq(n, "0");
    free(n);
    n = idt_sql("SELECT count(*) FROM login_attempts WHERE tenant_id = '%s' AND user_id = '%s'", admin.tenant_id, id);
    cr_assert_str_eq(n, "2", "the two sign-ins are still counted");
    free(n);
    n = idt_sql("SELECT (SELECT count(*) FROM password_reset_tokens WHERE tenant_id = '%s' AND user_id = '%s')"
                " + (SELECT count(*) FROM email_verifications WHERE tenant_id = '%s' AND user_id = '%s')",
                admin.tenant_id, id, admin.tenant_id, id);
    cr_assert_str_eq(n, "0", "the user's one-time tokens are removed");
    free(n);
}

Test(identity_users, deleting_a_user_keeps_the_earlier_audit_rows_unchanged_and_copies_no_personal_data)
{
    idt_use_ip("10.37.1.3");
    IdtAccount admin;
    idt_signup(&admin, "Audit Keep Co", email("keep-admin"), PW);
    const char *addr = email("keep-user");
    char id[40], path[200];
    idt_create_user(&admin, addr, "user", "user password 12", id);
    snprintf(path, sizeof path, "/api/v1/users/%s", id);
    cr_assert_eq(idt_call(NULL, "PATCH", path, admin.token, "{\"first_name\": \"Zenobia\", \"phone\": \"+44 20 7946 0000\"}"),
                 200);
    char *before = audit_rows(admin.tenant_id, id);
    cr_assert(strstr(before, addr), "the creation's audit row holds the email");
    cr_assert_eq(delete_user(admin.token, id), 204);
    char *after = audit_rows(admin.tenant_id, id);
    cr_assert(strncmp(after, before, strlen(before)) == 0, "earlier audit rows are byte for byte the same:\n%s\n--\n%s",
              before, after);
    const char *added = after + strlen(before);
    cr_assert(strstr(added, "|anonymize|"), "the anonymisation is audited: %s", added);
    cr_assert(strstr(added, "|delete|"), "the delete is audited: %s", added);
    cr_assert_null(strstr(added, addr), "no new audit row holds the old email");
    cr_assert_null(strstr(added, "Zenobia"), "nor the first name");
    cr_assert_null(strstr(added, "7946"), "nor the phone");
    free(before);
    free(after);
}

Test(identity_users, deleting_a_user_redacts_the_mails_addressed_to_them)
{
    idt_use_ip("10.37.1.4");
    IdtAccount admin;
    idt_signup(&admin, "Redact Co", email("redact-admin"), PW);
    const char *addr = email("redact-user");
    char id[40];
    idt_create_user(&admin, addr, "user", NULL, id);   /* an invitation mail */
    idt_wait_mails(addr, "auth.invitation", 1);
    cr_assert_eq(delete_user(admin.token, id), 204);
    char *n = idt_sql("SELECT count(*) FROM outbox WHERE tenant_id = '%s' AND (recipient = '%s'"
                      " OR CAST(payload AS TEXT) LIKE '%%Una%%')",
                      admin.tenant_id, addr);
    cr_assert_str_eq(n, "0");
    free(n);
    n = idt_sql("SELECT count(*) FROM outbox WHERE tenant_id = '%s' AND related_id = '%s'"
                " AND recipient = 'deleted-%s@anonymized.invalid'",
                admin.tenant_id, id, id);
    cr_assert_str_eq(n, "1");
    free(n);
}

Test(identity_users, an_invited_user_has_a_real_but_unknown_password_hash)
{
    idt_use_ip("10.37.1.5");
    IdtAccount admin;
    idt_signup(&admin, "Hash Co", email("hash-admin"), PW);
    char id[40];
    idt_create_user(&admin, email("hash-invitee"), "user", NULL, id);
    char *h = idt_sql("SELECT password_hash FROM users WHERE tenant_id = '%s' AND id = '%s'", admin.tenant_id, id);
    cr_assert(strncmp(h, "$argon2id$", 10) == 0, "signing in as an invitee costs a real verification: %s", h);
    free(h);
}

Test(identity_users, another_tenant_cannot_delete_or_see_a_user)
{
    idt_use_ip("10.37.1.6");
    IdtAccount a, b;
    idt_signup(&a, "Tenant A Users", email("ta-admin"), PW);
    idt_signup(&b, "Tenant B Users", email("tb-admin"), PW);
    char id[40], path[200];
    idt_create_user(&a, email("ta-user"), "user", "user password 12", id);
    snprintf(path, sizeof path, "/api/v1/users/%s", id);
    cr_assert_eq(idt_call(NULL, "GET", path, b.token, NULL), 404);
    cr_assert_eq(delete_user(b.token, id), 404);
    cr_assert_eq(idt_call(NULL, "PATCH", path, b.token, "{\"first_name\": \"Mallory\"}"), 404);
    cr_assert_eq(idt_call(NULL, "GET", path, a.token, NULL), 200, "the user is untouched");
}

typedef struct Race { const char *token, *target; long status; } Race;

static void *race(void *arg)
{
    Race *r = arg;
    r->status = delete_user(r->token, r->target);
    return NULL;
}

Test(identity_users, two_admins_deleting_each_other_at_once_leave_one_admin)
{
    idt_use_ip("10.37.1.7");
    for (int round = 0; round < 3; round++) {
        IdtAccount a, b;
        char name[80], b_id[40];
        snprintf(name, sizeof name, "Race Co %d", round);
        char ea[160], eb[160];
        snprintf(ea, sizeof ea, "race%d-a-%s@users-scenario.test", round, idt_run());
        snprintf(eb, sizeof eb, "race%d-b-%s@users-scenario.test", round, idt_run());
        idt_signup(&a, name, ea, PW);
        idt_create_user(&a, eb, "admin", "second admin pass", b_id);
        idt_login(&b, eb, "second admin pass", a.slug);
        Race ra = {a.token, b.user_id, 0}, rb = {b.token, a.user_id, 0};
        pthread_t ta, tb;
        pthread_create(&ta, NULL, race, &ra);
        pthread_create(&tb, NULL, race, &rb);
        pthread_join(ta, NULL);
        pthread_join(tb, NULL);
        int wins = (ra.status == 204) + (rb.status == 204);
        cr_assert_eq(wins, 1, "exactly one delete wins (got %ld and %ld)", ra.status, rb.status);
        long loser = ra.status == 204 ? rb.status : ra.status;
        cr_assert(loser == 409 || loser == 401, "the other is refused: %ld", loser);
        char *n = idt_sql("SELECT count(*) FROM users WHERE tenant_id = '%s' AND role = 'admin'"
                          " AND deleted_at IS NULL AND is_active = %s",
                          a.tenant_id, idt_is_postgres() ? "true" : "1");
        cr_assert_str_eq(n, "1", "one active admin remains");
        free(n);
    }
}

/* Everything the delete touches, as one text. */
static char *user_state(const char *tenant, const char *id, const char *email)
{
    return idt_sql("SELECT u.email, COALESCE(u.first_name, '-'), COALESCE(u.phone, '-'), u.version,"
                   " CASE WHEN u.deleted_at IS NULL THEN 0 ELSE 1 END,"
                   " (SELECT count(*) FROM sessions s WHERE s.tenant_id = u.tenant_id AND s.user_id = u.id"
                   "  AND s.is_active = %s AND s.ip_address IS NOT NULL),"
                   " (SELECT count(*) FROM login_emails l WHERE l.tenant_id = u.tenant_id AND l.user_id = u.id),"
                   " (SELECT count(*) FROM audit_logs a WHERE a.tenant_id = u.tenant_id AND a.entity_id = u.id),"
                   " (SELECT count(*) FROM email_verifications v WHERE v.tenant_id = u.tenant_id AND v.user_id = u.id),"
                   " (SELECT count(*) FROM login_attempts t WHERE t.tenant_id = u.tenant_id AND t.email = '%s')"
                   " FROM users u WHERE u.tenant_id = '%s' AND u.id = '%s'",
                   idt_is_postgres() ? "true" : "1", email, tenant, id);
}

Test(identity_users, a_delete_that_fails_at_any_statement_leaves_the_user_exactly_as_it_was)
{
    idt_use_ip("10.37.1.8");
    IdtAccount admin, victim;
    idt_signup(&admin, "Fault Co", email("fault-admin"), PW);
    const char *addr = email("fault-user");
    char id[40], path[200];
    idt_create_user(&admin, addr, "user", "user password 12", id);
    idt_login(&victim, addr, "user password 12", NULL);
    snprintf(path, sizeof path, "/api/v1/users/%s", id);
    char *before = user_state(admin.tenant_id, id, addr);
    int nth;
    long st = 0;
    for (nth = 1; nth <= 80; nth++) {
        char hdr[64];
        snprintf(hdr, sizeof hdr, "X-Remit-Fault-Store: %d", nth);
        st = idt_call_hdr(NULL, "DELETE", path, admin.token, hdr, NULL);
        if (st == 204)
            break;
        cr_assert_eq(st, 503, "a failure at statement %d answers 503, got %ld", nth, st);
        char *now = user_state(admin.tenant_id, id, addr);
        cr_assert_str_eq(now, before, "a failure at statement %d changed something", nth);
        free(now);
    }
    cr_assert_eq(st, 204, "the delete succeeds once no statement fails");
    cr_assert_gt(nth, 10, "the delete runs many statements (%d), every one was failed once", nth);
    free(before);
    char *after = user_state(admin.tenant_id, id, addr);
    cr_assert(strncmp(after, "deleted-", 8) == 0, "%s", after);
    free(after);
}
