/* tests/scenario/test_faults.c — a store failure at any point of a request (STYLE.md, fault
 * injection): with X-Remit-Fault-Store: N (test mode) the N-th store call of the request fails
 * as a lost connection would. For every N, from the first statement to past the commit, the
 * request answers a clean 503 in the error shape and leaves nothing half-written — no row, no
 * audit row, no version bump, no used Idempotency-Key — until N is past the request's last
 * statement and it succeeds exactly once. The server's sanitizer log (scripts/api-suite.sh)
 * shows that no position leaks.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/scenario/helpers.h"

#define MAX_POSITIONS 40

/* A request with a fault at position nth (0: none) and an optional Idempotency-Key. */
static long faulty(HttpResult *r, const TestTenant *t, const char *method, const char *path, const char *body, int nth,
                   const char *idem)
{
    char auth[600], ip[100], fault[64], key[128];
    const char *hdrs[5] = {NULL};
    int n = 0;
    snprintf(ip, sizeof ip, "X-Remit-Test-Ip: %s", t_ip());
    hdrs[n++] = ip;
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", t->token);
    hdrs[n++] = auth;
    if (nth > 0) {
        snprintf(fault, sizeof fault, "X-Remit-Fault-Store: %d", nth);
        hdrs[n++] = fault;
    }
    if (idem) {
        snprintf(key, sizeof key, "Idempotency-Key: %s", idem);
        hdrs[n++] = key;
    }
    memset(r, 0, sizeof *r);
    cr_assert_eq(http_call(r, t_base(), method, path, hdrs, body), 0, "%s %s: %s", method, path, r->error);
    return r->status;
}

static void expect_unavailable(HttpResult *r, const char *what, int nth)
{
    cr_assert_eq(r->status, 503, "%s, fault at %d: status %ld %s", what, nth, r->status, r->body);
    json_t *e = json_object_get(r->json, "error");
    cr_assert_str_eq(json_string_value(json_object_get(e, "code")) ?: "(none)", "unavailable", "%s, fault at %d: %s",
                     what, nth, r->body);
    cr_assert_not_null(json_string_value(json_object_get(e, "message")));
}

static int64_t count_of(const TestTenant *t, const char *path)
{
    HttpResult r;
    cr_assert_eq(t_req(&r, t->token, "GET", path, NULL), 200, "GET %s: %s", path, r.body);
    int64_t n = (int64_t)json_array_size(json_object_get(r.json, "data"));
    http_result_free(&r);
    return n;
}

static int64_t version_of(const TestTenant *t, const char *id)
{
    HttpResult r;
    char path[128];
    snprintf(path, sizeof path, "/api/v1/customers/%s", id);
    long st = t_req(&r, t->token, "GET", path, NULL);
    int64_t v = st == 200 ? json_integer_value(json_object_get(r.json, "version")) : -1;
    http_result_free(&r);
    return v;
}

/* Creating a customer (with and without Idempotency-Key) fails cleanly at every position. */
static void create_at_every_position(bool with_key)
{
    TestTenant t;
    t_signup(&t, NULL);
    char code[64], body[160], idem[96], list[160], audit[200];
    t_unique(code, sizeof code);
    snprintf(body, sizeof body, "{\"name\": \"Fault\", \"code\": \"%s\"}", code);
    snprintf(idem, sizeof idem, "fault-%s", code);
    snprintf(list, sizeof list, "/api/v1/customers?code=%s", code);
    snprintf(audit, sizeof audit, "/api/v1/audit_logs?entity_type=customers&limit=500");
    int failures = 0;
    char id[64] = "";
    for (int nth = 1; nth <= MAX_POSITIONS && !id[0]; nth++) {
        HttpResult r;
        long st = faulty(&r, &t, "POST", "/api/v1/customers", body, nth, with_key ? idem : NULL);
        if (st == 201) {
            snprintf(id, sizeof id, "%s", json_string_value(json_object_get(r.json, "id")));
        } else {
            expect_unavailable(&r, "create", nth);
            failures++;
            cr_assert_eq(count_of(&t, list), 0, "create, fault at %d: a row was written", nth);
            cr_assert_eq(count_of(&t, audit), 0, "create, fault at %d: an audit row was written", nth);
        }
        http_result_free(&r);
    }
    cr_assert(id[0], "the create never succeeded in %d positions", MAX_POSITIONS);
    cr_assert_geq(failures, 3, "a create runs several statements and a commit; only %d failed", failures);
    cr_expect_eq(count_of(&t, list), 1);
    cr_expect_eq(count_of(&t, audit), 1, "one audit row for the one create");
    if (with_key) {   /* the key was used once, by the request that succeeded */
        HttpResult r;
        cr_assert_eq(faulty(&r, &t, "POST", "/api/v1/customers", body, 0, idem), 201);
        cr_expect_str_eq(json_string_value(json_object_get(r.json, "id")), id, "the replay is the first response");
        cr_expect_str_eq(http_header(&r, "Idempotent-Replayed") ?: "(none)", "true");
        http_result_free(&r);
        cr_expect_eq(count_of(&t, list), 1);
    }
}

Test(faults, a_create_fails_cleanly_at_every_store_position_and_then_succeeds_once)
{
    create_at_every_position(false);
}

Test(faults, a_create_with_an_idempotency_key_fails_cleanly_at_every_position_and_keeps_the_key_free)
{
    create_at_every_position(true);
}

Test(faults, a_patch_and_a_delete_fail_cleanly_at_every_store_position)
{
    TestTenant t;
    t_signup(&t, NULL);
    HttpResult r;
    cr_assert_eq(t_req(&r, t.token, "POST", "/api/v1/customers", "{\"name\": \"Patchy\"}"), 201);
    char id[64], path[128];
    snprintf(id, sizeof id, "%s", json_string_value(json_object_get(r.json, "id")));
    http_result_free(&r);
    snprintf(path, sizeof path, "/api/v1/customers/%s", id);
    char audit[200];
    snprintf(audit, sizeof audit, "/api/v1/audit_logs?entity_id=%s", id);

    int failures = 0;
    bool done = false;
    for (int nth = 1; nth <= MAX_POSITIONS && !done; nth++) {
        long st = faulty(&r, &t, "PATCH", path, "{\"name\": \"Patched\", \"city\": \"Pune\"}", nth, NULL);
        if (st == 200) {
            done = true;
        } else {
            expect_unavailable(&r, "patch", nth);
            failures++;
            cr_assert_eq(version_of(&t, id), 1, "patch, fault at %d: the row changed", nth);
            cr_assert_eq(count_of(&t, audit), 1, "patch, fault at %d: an audit row was written", nth);
        }
        http_result_free(&r);
    }
    cr_assert(done && failures >= 3, "patch: %d failing positions", failures);
    cr_expect_eq(version_of(&t, id), 2);
    cr_expect_eq(count_of(&t, audit), 2);

    failures = 0;
    done = false;
    for (int nth = 1; nth <= MAX_POSITIONS && !done; nth++) {
        long st = faulty(&r, &t, "DELETE", path, NULL, nth, NULL);
        if (st == 204) {
            done = true;
        } else {
            expect_unavailable(&r, "delete", nth);
            failures++;
            cr_assert_eq(version_of(&t, id), 2, "delete, fault at %d: the row was deleted or changed", nth);
        }
        http_result_free(&r);
    }
    cr_assert(done && failures >= 3, "delete: %d failing positions", failures);
    cr_expect_eq(version_of(&t, id), -1, "deleted");
    cr_expect_eq(count_of(&t, audit), 3);
}

Test(faults, a_read_fails_cleanly_and_the_connection_serves_the_next_request)
{
    TestTenant t;
    t_signup(&t, NULL);
    HttpResult r;
    for (int nth = 1; nth <= 3; nth++) {
        long st = faulty(&r, &t, "GET", "/api/v1/customers", NULL, nth, NULL);
        if (st != 200)
            expect_unavailable(&r, "list", nth);
        http_result_free(&r);
        /* the pooled connection that failed serves the next request */
        cr_assert_eq(faulty(&r, &t, "GET", "/api/v1/customers", NULL, 0, NULL), 200);
        http_result_free(&r);
    }
}
