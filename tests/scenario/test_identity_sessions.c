/* tests/scenario/test_identity_sessions.c — sessions across tenants and over time (issue 3,
 * domain/sessions.c). The single-tenant cases are the golden file 3x_sessions.t.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/scenario/identity_helpers.h"

#define PW "correct horse 1"

static void restore_clock(void) { idt_clock(0); }

TestSuite(identity_sessions, .fini = restore_clock);

static char *email(const char *who)
{
    static char buf[8][160];
    static int k;
    char *b = buf[k++ % 8];
    snprintf(b, 160, "%s-%s@sessions-scenario.test", who, idt_run());
    return b;
}

Test(identity_sessions, another_tenants_admin_cannot_list_or_revoke_a_session)
{
    idt_use_ip("10.38.1.1");
    IdtAccount a, b;
    idt_signup(&a, "Session Tenant A", email("sa"), PW);
    idt_signup(&b, "Session Tenant B", email("sb"), PW);
    char path[200];
    snprintf(path, sizeof path, "/api/v1/auth/sessions?user_id=%s", a.user_id);
    json_t *j = NULL;
    cr_assert_eq(idt_call(&j, "GET", path, b.token, NULL), 200);
    cr_assert_eq(json_array_size(json_object_get(j, "data")), 0, "B sees none of A's sessions");
    json_decref(j);
    cr_assert_eq(idt_call(&j, "GET", "/api/v1/auth/sessions?all=true", b.token, NULL), 200);
    json_t *data = json_object_get(j, "data");
    cr_assert_eq(json_array_size(data), 1);
    cr_assert_str_eq(idt_str(json_array_get(data, 0), "user_id"), b.user_id, "all=true is all of B's tenant only");
    json_decref(j);
    snprintf(path, sizeof path, "/api/v1/auth/sessions/%s/revoke", a.session_id);
    cr_assert_eq(idt_call(NULL, "POST", path, b.token, NULL), 404);
    cr_assert_eq(idt_call(NULL, "GET", "/api/v1/me", a.token, NULL), 200, "A's session is untouched");
}

Test(identity_sessions, last_activity_is_the_last_refresh)
{
    idt_use_ip("10.38.1.2");
    IdtAccount a;
    idt_signup(&a, "Activity Co", email("activity"), PW);
    json_t *j = NULL;
    cr_assert_eq(idt_call(&j, "GET", "/api/v1/auth/sessions", a.token, NULL), 200);
    json_t *s = json_array_get(json_object_get(j, "data"), 0);
    char created[40];
    snprintf(created, sizeof created, "%s", idt_str(s, "created_at"));
    cr_assert_str_eq(idt_str(s, "last_activity_at"), created, "before any refresh: the sign-in");
    json_decref(j);
    idt_clock(600);
    cr_assert_eq(idt_callf(&j, "POST", "/api/v1/auth/refresh", NULL, "{\"refresh_token\": \"%s\"}", a.refresh), 200);
    char token[256];
    snprintf(token, sizeof token, "%s", idt_str(j, "access_token"));
    json_decref(j);
    cr_assert_eq(idt_call(&j, "GET", "/api/v1/auth/sessions", token, NULL), 200);
    s = json_array_get(json_object_get(j, "data"), 0);
    cr_assert(strcmp(idt_str(s, "last_activity_at"), created) > 0, "the refresh moved last activity: %s",
              idt_str(s, "last_activity_at"));
    cr_assert(json_is_true(json_object_get(s, "current")), "the refreshed token runs under the same session");
    json_decref(j);
}

Test(identity_sessions, expired_sessions_are_left_out_unless_asked_for)
{
    idt_use_ip("10.38.1.3");
    IdtAccount a, old;
    const char *addr = email("expired");
    idt_signup(&old, "Expired Co", addr, PW);
    idt_clock(7 * 24 * 3600 + 60);   /* the sign-up session's refresh token has expired */
    idt_login(&a, addr, PW, NULL);
    json_t *j = NULL;
    cr_assert_eq(idt_call(&j, "GET", "/api/v1/auth/sessions", a.token, NULL), 200);
    cr_assert_eq(json_array_size(json_object_get(j, "data")), 1);
    cr_assert_str_eq(idt_str(json_array_get(json_object_get(j, "data"), 0), "id"), a.session_id);
    json_decref(j);
    cr_assert_eq(idt_call(&j, "GET", "/api/v1/auth/sessions?include_revoked=true", a.token, NULL), 200);
    cr_assert_eq(json_array_size(json_object_get(j, "data")), 2);
    json_decref(j);
}
