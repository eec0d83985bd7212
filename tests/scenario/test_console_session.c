/* tests/scenario/test_console_session.c — the web console's cookie session:
 * tokens only in HttpOnly cookies, a CSRF token required on every write. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "tests/scenario/helpers.h"

static void cookie_value(const HttpResult *r, const char *name, char *out, size_t cap)
{
    out[0] = '\0';
    for (size_t i = 0; i < r->nheaders; i++) {
        if (strcasecmp(r->headers[i].name, "Set-Cookie") != 0)
            continue;
        size_t n = strlen(name);
        const char *v = r->headers[i].value;
        if (strncmp(v, name, n) == 0 && v[n] == '=') {
            const char *end = strchr(v, ';');
            snprintf(out, cap, "%.*s", (int)(end ? end - v - (long)n - 1 : (long)strlen(v + n + 1)), v + n + 1);
            cr_assert(strstr(v, "HttpOnly"), "%s must be HttpOnly: %s", name, v);
            cr_assert(strstr(v, "SameSite=Strict"), "%s must be SameSite=Strict: %s", name, v);
        }
    }
}

Test(console, cookie_sign_in_hides_the_tokens_and_writes_need_the_csrf_token)
{
    TestTenant t;
    t_signup(&t, NULL);
    char body[512];
    snprintf(body, sizeof body, "{\"tenant\": \"%s\", \"email\": \"%s\", \"password\": \"%s\"}", t.slug, t.email,
             t.password);
    char ip[80];
    snprintf(ip, sizeof ip, "X-Remit-Test-Ip: %s", t_ip());
    const char *h1[] = {"X-Remit-Cookie: 1", ip, NULL};
    HttpResult r;
    cr_assert_eq(http_call(&r, t_base(), "POST", "/api/v1/auth/login", h1, body), 0);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_null(json_object_get(r.json, "access_token"), "no token in the body in cookie mode");
    cr_assert_null(json_object_get(r.json, "refresh_token"));
    char csrf[128], at[600], rt[600];
    snprintf(csrf, sizeof csrf, "%s", json_string_value(json_object_get(r.json, "csrf_token")));
    cookie_value(&r, "remit_at", at, sizeof at);
    cookie_value(&r, "remit_rt", rt, sizeof rt);
    cr_assert(at[0] && rt[0], "both cookies are set");
    http_result_free(&r);

    char cookie[1400], csrfh[200];
    snprintf(cookie, sizeof cookie, "Cookie: remit_at=%s; remit_rt=%s", at, rt);
    snprintf(csrfh, sizeof csrfh, "X-CSRF-Token: %s", csrf);
    const char *read_h[] = {cookie, NULL};
    cr_assert_eq(http_call(&r, t_base(), "GET", "/api/v1/customers", read_h, NULL), 0);
    cr_assert_eq(r.status, 200, "reads work with the cookie alone: %s", r.body);
    http_result_free(&r);
    cr_assert_eq(http_call(&r, t_base(), "POST", "/api/v1/customers", read_h, "{\"name\": \"no csrf\"}"), 0);
    cr_assert_eq(r.status, 403, "a write without the CSRF token is refused: %s", r.body);
    http_result_free(&r);
    const char *bad_h[] = {cookie, "X-CSRF-Token: forged", NULL};
    cr_assert_eq(http_call(&r, t_base(), "POST", "/api/v1/customers", bad_h, "{\"name\": \"forged\"}"), 0);
    cr_assert_eq(r.status, 403);
    http_result_free(&r);
    const char *write_h[] = {cookie, csrfh, NULL};
    cr_assert_eq(http_call(&r, t_base(), "POST", "/api/v1/customers", write_h, "{\"name\": \"with csrf\"}"), 0);
    cr_assert_eq(r.status, 201, "%s", r.body);
    http_result_free(&r);
    cr_assert_eq(http_call(&r, t_base(), "GET", "/api/v1/auth/csrf", read_h, NULL), 0);
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "csrf_token")), csrf, "the token is recoverable after a reload");
    http_result_free(&r);
    /* refresh through the cookie */
    char rcookie[700];
    snprintf(rcookie, sizeof rcookie, "Cookie: remit_rt=%s", rt);
    const char *ref_h[] = {"X-Remit-Cookie: 1", rcookie, ip, NULL};
    cr_assert_eq(http_call(&r, t_base(), "POST", "/api/v1/auth/refresh", ref_h, NULL), 0);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_null(json_object_get(r.json, "access_token"));
    char at2[600];
    cookie_value(&r, "remit_at", at2, sizeof at2);
    cr_assert(at2[0]);
    http_result_free(&r);
    /* logout clears the cookies and ends the session */
    cr_assert_eq(http_call(&r, t_base(), "POST", "/api/v1/auth/logout", write_h, NULL), 0);
    cr_assert_eq(r.status, 204, "%s", r.body);
    bool cleared = false;
    for (size_t i = 0; i < r.nheaders; i++)
        if (strcasecmp(r.headers[i].name, "Set-Cookie") == 0 && strstr(r.headers[i].value, "Max-Age=0"))
            cleared = true;
    cr_assert(cleared);
    http_result_free(&r);
    cr_assert_eq(http_call(&r, t_base(), "GET", "/api/v1/customers", read_h, NULL), 0);
    cr_assert_eq(r.status, 401);
    http_result_free(&r);
}
