/* tests/scenario/support.c — shared helpers of the scenario tests; see support.h.
 * Exports scen_base, scen_unique, scen_signup, scen_call, scen_call_json.
 */
#include "tests/scenario/support.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

const char *scen_base(void)
{
    const char *b = getenv("REMIT_TEST_BASE");
    if (!b || !*b)
        cr_skip_test("REMIT_TEST_BASE is not set: start `remit serve` and point it at the server");
    return b;
}

void scen_unique(char *out, size_t cap)
{
    static unsigned counter;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    unsigned n = __atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED);
    snprintf(out, cap, "r%lx%05lx-%u-%u", (unsigned long)ts.tv_sec, (unsigned long)(ts.tv_nsec / 10000) & 0xfffff,
             (unsigned)getpid(), n);
}

static void copy_str(char *dst, size_t cap, json_t *v)
{
    const char *s = json_string_value(v);
    cr_assert_not_null(s, "sign-up answer lacks a string field");
    cr_assert_lt(strlen(s), cap, "sign-up field too long");
    memcpy(dst, s, strlen(s) + 1);
}

void scen_signup(Tenant *out, const char *label)
{
    char u[64];
    scen_unique(u, sizeof u);
    json_t *body = json_pack("{s:s++, s:s++, s:s}", "tenant_name", label, " ", u, "email", "owner-", u,
                             "@example.com", "password", "correct horse");
    cr_assert_not_null(body);
    memset(out, 0, sizeof *out);
    json_t *ans = NULL;
    long st = scen_call_json(NULL, NULL, "POST", "/api/v1/auth/signup", body, &ans);
    json_decref(body);
    cr_assert_eq(st, 201, "sign-up of %s answered %ld", label, st);
    copy_str(out->token, sizeof out->token, json_object_get(ans, "access_token"));
    json_t *t = json_object_get(ans, "tenant"), *usr = json_object_get(ans, "user");
    copy_str(out->tenant_id, sizeof out->tenant_id, json_object_get(t, "id"));
    copy_str(out->slug, sizeof out->slug, json_object_get(t, "slug"));
    copy_str(out->user_id, sizeof out->user_id, json_object_get(usr, "id"));
    json_decref(ans);
}

long scen_call(HttpClient *client, const Tenant *tenant, const char *method, const char *path, const char *body,
               json_t **json)
{
    char auth[300];
    const char *hdrs[2] = {NULL, NULL};
    if (tenant) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", tenant->token);
        hdrs[0] = auth;
    }
    HttpRequest req = {.base = scen_base(), .method = method, .path = path, .headers = hdrs, .body = body};
    HttpResult r;
    int rc = client ? http_client_call(client, &r, &req) : http_call_ex(&r, &req);
    if (rc < 0) {
        char why[256];
        snprintf(why, sizeof why, "%s", r.error);
        http_result_free(&r);
        cr_assert_fail("%s %s: no response: %s", method, path, why);
    }
    long status = r.status;
    if (json) {
        *json = r.json;
        r.json = NULL;
    }
    http_result_free(&r);
    return status;
}

long scen_call_json(HttpClient *client, const Tenant *tenant, const char *method, const char *path, json_t *body,
                    json_t **json)
{
    char *txt = body ? json_dumps(body, JSON_COMPACT) : NULL;
    long st = scen_call(client, tenant, method, path, txt, json);
    free(txt);
    return st;
}
