/* tests/scenario/billing_audit.c — the audit trail of the billing engine's data
 * (msp-flexible-billing.md "Detailed Audit Trail Tests", one test per bullet), on whichever store
 * the suite runs:
 *  - every audited table of model/billing.c is written through the API (create, update, delete
 *    where the table allows them; decisions through their actions) and each write is found in
 *    audit_logs under its table, row and action; tests/unit/test_billing_tables.c ties the list
 *    here to the declarations;
 *  - a row records who (user, email, role, request id), what (old and new values, the fields
 *    changed) and when (the time of the change the row itself carries);
 *  - nobody can change the trail: no write route, not even for admins; only admins read it; the
 *    database refuses UPDATE and DELETE to Remit's role; a change made behind Remit's back is
 *    named by the chain check (API and CLI);
 *  - audit reports: the trail filtered by table, record, user, action and date range, paged with
 *    cursors, gives exactly the rows asked for.
 */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/scenario/helpers.h"

/* model/billing.c's audited tables (the others — bucket_usage, notifications, billing_runs,
 * billed_cycles — are rows a bill run derives; the run's invoice is audited). */
static const char *const audited[] = {
    "billing_plans",  "service_bundles", "bundle_services", "plan_services",        "customer_billing_plans",
    "time_entries",   "usage_records",   "bucket_plans",    "discounts",            "plan_discounts",
    "service_dependencies", "service_status", "approvals",  "transactions",         "notification_preferences",
};
#define NAUDITED (sizeof audited / sizeof audited[0])

static const char *str(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

/* Creates a row and returns its id (static buffer ring: valid for a few calls). */
static const char *make(const char *token, const char *body, const char *path)
{
    static char ids[16][40];
    static int k;
    json_t *j = t_json(token, 201, "POST", body, "%s", path);
    char *id = ids[k++ % 16];
    snprintf(id, 40, "%s", str(j, "id"));
    json_decref(j);
    return id;
}

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *fmt(const char *f, ...)
{
    static char buf[8][1024];
    static int k;
    char *b = buf[k++ % 8];
    va_list ap;
    va_start(ap, f);
    vsnprintf(b, 1024, f, ap);
    va_end(ap);
    return b;
}

static bool nonempty_object(json_t *v)
{
    return json_is_object(v) && json_object_size(v) > 0;
}

/* The audit trail of one row: exactly `actions`, in order, each by `who` (NULL: anyone), each with
 * a time and the values its action changed. Marks the table as checked. */
static void trail(const char *token, const char *who, const char *table, const char *id, const char *const *actions,
                  bool *checked)
{
    json_t *a = t_json(token, 200, "GET", NULL, "/api/v1/audit_logs?entity_type=%s&entity_id=%s&order=seq", table, id);
    json_t *d = json_object_get(a, "data");
    size_t n = 0;
    while (actions[n])
        n++;
    char *dump = json_dumps(d, JSON_COMPACT);
    cr_assert_eq(json_array_size(d), n, "%s %s: %zu audit rows, expected %zu: %s", table, id, json_array_size(d), n,
                 dump);
    for (size_t i = 0; i < n; i++) {
        json_t *r = json_array_get(d, i);
        cr_assert_str_eq(str(r, "action"), actions[i], "%s row %zu: %s", table, i, dump);
        cr_assert_str_eq(str(r, "entity_type"), table);
        cr_assert_str_eq(str(r, "entity_id"), id);
        if (who)
            cr_assert_str_eq(str(r, "user_id"), who, "%s %s: by %s", table, actions[i], str(r, "user_id"));
        cr_assert(str(r, "user_email") && str(r, "user_role") && str(r, "created_at"), "%s: who and when: %s", table,
                  dump);
        if (strcmp(actions[i], "create") == 0)
            cr_assert(nonempty_object(json_object_get(r, "new_values")), "%s create: the new values", table);
        else if (strcmp(actions[i], "delete") == 0)
            cr_assert(nonempty_object(json_object_get(r, "old_values")), "%s delete: the old values", table);
        else
            cr_assert(nonempty_object(json_object_get(r, "old_values")) &&
                          nonempty_object(json_object_get(r, "new_values")) &&
                          json_array_size(json_object_get(r, "changed_fields")) > 0,
                      "%s %s: old and new values of the fields changed: %s", table, actions[i], dump);
    }
    free(dump);
    json_decref(a);
    for (size_t i = 0; i < NAUDITED; i++)
        if (strcmp(audited[i], table) == 0)
            checked[i] = true;
}

#define ACTIONS(...) ((const char *const[]){__VA_ARGS__, NULL})

Test(audit_trail, all_changes_to_billing_related_data_are_logged_in_the_audit_logs_table, .timeout = 120)
{
    TestTenant t;
    t_signup(&t, NULL);
    TestUser mgr;
    t_user(&t, "manager", NULL, &mgr);
    const char *tok = t.token, *me = t.user_id;
    bool checked[NAUDITED] = {false};
    char fixed[40], hours[40], gb[40], cust[40], plan[40], bucket_plan[40];
    snprintf(fixed, 40, "%s", make(tok, "{\"name\": \"Care\", \"service_type\": \"fixed\", \"default_rate\": \"300\"}", "/api/v1/services"));
    snprintf(hours, 40, "%s", make(tok, "{\"name\": \"Hours\", \"service_type\": \"time\", \"default_rate\": \"100\"}", "/api/v1/services"));
    snprintf(gb, 40, "%s", make(tok, "{\"name\": \"GB\", \"service_type\": \"usage\", \"default_rate\": \"0.1\"}", "/api/v1/services"));
    snprintf(cust, 40, "%s", make(tok, "{\"name\": \"Audited Co\"}", "/api/v1/customers"));
    snprintf(plan, 40, "%s", make(tok, "{\"plan_name\": \"Kept\", \"billing_frequency\": \"monthly\", \"plan_type\": \"fixed\"}",
                                  "/api/v1/billing_plans"));
    snprintf(bucket_plan, 40, "%s", make(tok, "{\"plan_name\": \"Bucket\", \"billing_frequency\": \"monthly\", \"plan_type\": \"bucket\"}",
                                         "/api/v1/billing_plans"));

    /* billing_plans */
    const char *id = make(tok, "{\"plan_name\": \"Short-lived\", \"billing_frequency\": \"monthly\", \"plan_type\": \"fixed\"}",
                          "/api/v1/billing_plans");
    char keep[40];
    snprintf(keep, 40, "%s", id);
    json_decref(t_json(tok, 200, "PATCH", "{\"description\": \"changed\"}", "/api/v1/billing_plans/%s", keep));
    json_decref(t_json(tok, 204, "DELETE", NULL, "/api/v1/billing_plans/%s", keep));
    trail(tok, me, "billing_plans", keep, ACTIONS("create", "update", "delete"), checked);

    /* service_bundles and bundle_services */
    char bundle[40];
    snprintf(bundle, 40, "%s", make(tok, "{\"bundle_name\": \"Security\", \"bundle_price\": \"99\"}", "/api/v1/service_bundles"));
    id = make(tok, fmt("{\"service_id\": \"%s\"}", fixed), fmt("/api/v1/service_bundles/%s/services", bundle));
    snprintf(keep, 40, "%s", id);
    json_decref(t_json(tok, 204, "DELETE", NULL, "/api/v1/service_bundles/%s/services/%s", bundle, keep));
    trail(tok, me, "bundle_services", keep, ACTIONS("create", "delete"), checked);
    json_decref(t_json(tok, 200, "PATCH", "{\"bundle_price\": \"89\"}", "/api/v1/service_bundles/%s", bundle));
    json_decref(t_json(tok, 204, "DELETE", NULL, "/api/v1/service_bundles/%s", bundle));
    trail(tok, me, "service_bundles", bundle, ACTIONS("create", "update", "delete"), checked);

    /* plan_services */
    id = make(tok, fmt("{\"service_id\": \"%s\"}", fixed), fmt("/api/v1/billing_plans/%s/services", plan));
    snprintf(keep, 40, "%s", id);
    json_decref(t_json(tok, 200, "PATCH", "{\"quantity\": 2}", "/api/v1/billing_plans/%s/services/%s", plan, keep));
    json_decref(t_json(tok, 204, "DELETE", NULL, "/api/v1/billing_plans/%s/services/%s", plan, keep));
    trail(tok, me, "plan_services", keep, ACTIONS("create", "update", "delete"), checked);

    /* customer_billing_plans */
    id = make(tok, fmt("{\"customer_id\": \"%s\", \"plan_id\": \"%s\", \"start_date\": \"2038-01-01\"}", cust, plan),
              "/api/v1/customer_billing_plans");
    snprintf(keep, 40, "%s", id);
    json_decref(t_json(tok, 200, "PATCH", "{\"end_date\": \"2038-06-30\"}", "/api/v1/customer_billing_plans/%s", keep));
    json_decref(t_json(tok, 204, "DELETE", NULL, "/api/v1/customer_billing_plans/%s", keep));
    trail(tok, me, "customer_billing_plans", keep, ACTIONS("create", "update", "delete"), checked);

    /* time_entries */
    id = make(tok, fmt("{\"customer_id\": \"%s\", \"service_id\": \"%s\", \"start_time\": \"2038-01-05T04:00:00Z\","
                       " \"duration\": 60}", cust, hours), "/api/v1/time_entries");
    snprintf(keep, 40, "%s", id);
    json_decref(t_json(tok, 200, "PATCH", "{\"duration\": 90}", "/api/v1/time_entries/%s", keep));
    json_decref(t_json(tok, 204, "DELETE", NULL, "/api/v1/time_entries/%s", keep));
    trail(tok, me, "time_entries", keep, ACTIONS("create", "update", "delete"), checked);

    /* usage_records */
    id = make(tok, fmt("{\"customer_id\": \"%s\", \"service_id\": \"%s\", \"usage_date\": \"2038-01-05\", \"quantity\": \"5\"}",
                       cust, gb), "/api/v1/usage_records");
    snprintf(keep, 40, "%s", id);
    json_decref(t_json(tok, 200, "PATCH", "{\"quantity\": \"6\"}", "/api/v1/usage_records/%s", keep));
    json_decref(t_json(tok, 204, "DELETE", NULL, "/api/v1/usage_records/%s", keep));
    trail(tok, me, "usage_records", keep, ACTIONS("create", "update", "delete"), checked);

    /* bucket_plans */
    id = make(tok, fmt("{\"plan_id\": \"%s\", \"total_hours\": \"10\", \"billing_period\": \"monthly\", \"overage_rate\": \"150\"}",
                       bucket_plan), "/api/v1/bucket_plans");
    snprintf(keep, 40, "%s", id);
    json_decref(t_json(tok, 200, "PATCH", "{\"total_hours\": \"12\"}", "/api/v1/bucket_plans/%s", keep));
    json_decref(t_json(tok, 204, "DELETE", NULL, "/api/v1/bucket_plans/%s", keep));
    trail(tok, me, "bucket_plans", keep, ACTIONS("create", "update", "delete"), checked);

    /* discounts and plan_discounts */
    char discount[40];
    snprintf(discount, 40, "%s", make(tok, "{\"discount_name\": \"Ten\", \"discount_type\": \"percentage\", \"value\": \"10\"}",
                                      "/api/v1/discounts"));
    id = make(tok, fmt("{\"discount_id\": \"%s\", \"plan_id\": \"%s\"}", discount, plan), "/api/v1/plan_discounts");
    snprintf(keep, 40, "%s", id);
    json_decref(t_json(tok, 204, "DELETE", NULL, "/api/v1/plan_discounts/%s", keep));
    trail(tok, me, "plan_discounts", keep, ACTIONS("create", "delete"), checked);
    json_decref(t_json(tok, 200, "PATCH", "{\"value\": \"12\"}", "/api/v1/discounts/%s", discount));
    json_decref(t_json(tok, 204, "DELETE", NULL, "/api/v1/discounts/%s", discount));
    trail(tok, me, "discounts", discount, ACTIONS("create", "update", "delete"), checked);

    /* service_dependencies */
    id = make(tok, fmt("{\"service_id\": \"%s\", \"dependent_service_id\": \"%s\"}", fixed, hours),
              "/api/v1/service_dependencies");
    snprintf(keep, 40, "%s", id);
    json_decref(t_json(tok, 204, "DELETE", NULL, "/api/v1/service_dependencies/%s", keep));
    trail(tok, me, "service_dependencies", keep, ACTIONS("create", "delete"), checked);

    /* service_status: rows are never changed (history) */
    id = make(tok, fmt("{\"customer_id\": \"%s\", \"status\": \"suspended\", \"status_date\": \"2038-02-01\","
                       " \"reason\": \"unpaid\"}", cust), "/api/v1/service_status");
    trail(tok, me, "service_status", id, ACTIONS("create"), checked);

    /* transactions: the ledger is append-only */
    id = make(tok, fmt("{\"customer_id\": \"%s\", \"transaction_type\": \"credit\", \"currency\": \"INR\", \"amount\": \"-50.00\"}",
                       cust), "/api/v1/transactions");
    trail(tok, me, "transactions", id, ACTIONS("create"), checked);

    /* notification_preferences */
    id = make(tok, fmt("{\"customer_id\": \"%s\", \"channel\": \"email\"}", cust), "/api/v1/notification_preferences");
    snprintf(keep, 40, "%s", id);
    json_decref(t_json(tok, 200, "PATCH", "{\"payment_reminders\": false}", "/api/v1/notification_preferences/%s", keep));
    json_decref(t_json(tok, 204, "DELETE", NULL, "/api/v1/notification_preferences/%s", keep));
    trail(tok, me, "notification_preferences", keep, ACTIONS("create", "update", "delete"), checked);

    /* approvals: opened by the write of a long entry, decided by the manager */
    json_decref(t_json(tok, 201, "POST",
                       "{\"setting_key\": \"billing.approval.time_minutes\", \"setting_type\": \"int\", \"setting_value\": 60}",
                       "/api/v1/system_settings"));
    id = make(tok, fmt("{\"customer_id\": \"%s\", \"service_id\": \"%s\", \"start_time\": \"2038-01-06T04:00:00Z\","
                       " \"duration\": 600}", cust, hours), "/api/v1/time_entries");
    json_t *ap = t_json(tok, 200, "GET", NULL, "/api/v1/approvals?item_id=%s", id);
    snprintf(keep, 40, "%s", str(json_array_get(json_object_get(ap, "data"), 0), "id"));
    json_decref(ap);
    json_decref(t_json(mgr.token, 200, "POST", "{\"decision_note\": \"fine\"}", "/api/v1/approvals/%s/approve", keep));
    trail(tok, NULL, "approvals", keep, ACTIONS("create", "approve"), checked);

    for (size_t i = 0; i < NAUDITED; i++)
        cr_expect(checked[i], "%s was not checked", audited[i]);
}

Test(audit_trail, the_audit_logs_capture_who_made_the_change_what_was_changed_and_when)
{
    TestTenant t;
    t_signup(&t, NULL);
    TestUser mgr;
    t_user(&t, "manager", NULL, &mgr);
    json_t *d = t_json(t.token, 201, "POST", "{\"discount_name\": \"Spring\", \"discount_type\": \"percentage\", \"value\": \"10\"}",
                       "/api/v1/discounts");
    char id[40], before[64], created_at[64];
    snprintf(id, sizeof id, "%s", str(d, "id"));
    snprintf(before, sizeof before, "%s", str(d, "value"));
    snprintf(created_at, sizeof created_at, "%s", str(d, "created_at"));
    json_decref(d);

    HttpResult r;
    cr_assert_eq(t_reqf(&r, mgr.token, "PATCH", "{\"value\": \"15\", \"discount_name\": \"Spring 15\"}", "/api/v1/discounts/%s", id),
                 200, "%s", r.body);
    char request_id[80], after[64], updated_at[64];
    snprintf(request_id, sizeof request_id, "%s", http_header(&r, "X-Request-Id"));
    snprintf(after, sizeof after, "%s", str(r.json, "value"));
    snprintf(updated_at, sizeof updated_at, "%s", str(r.json, "updated_at"));
    http_result_free(&r);

    json_t *a = t_json(t.token, 200, "GET", NULL, "/api/v1/audit_logs?entity_id=%s&order=seq", id);
    json_t *rows = json_object_get(a, "data");
    cr_assert_eq(json_array_size(rows), 2, "%s", json_dumps(a, 0));
    json_t *c = json_array_get(rows, 0), *u = json_array_get(rows, 1);
    /* who */
    cr_assert_str_eq(str(c, "user_id"), t.user_id);
    cr_assert_str_eq(str(c, "user_role"), "admin");
    cr_assert_str_eq(str(u, "user_id"), mgr.id);
    cr_assert_str_eq(str(u, "user_email"), mgr.email);
    cr_assert_str_eq(str(u, "user_role"), "manager");
    cr_assert_str_eq(str(u, "request_id"), request_id, "the request that made the change");
    /* what */
    cr_assert_str_eq(str(u, "entity_type"), "discounts");
    cr_assert_str_eq(str(u, "action"), "update");
    json_t *ov = json_object_get(u, "old_values"), *nv = json_object_get(u, "new_values");
    cr_assert_str_eq(str(ov, "value"), before);
    cr_assert_str_eq(str(nv, "value"), after);
    cr_assert_str_eq(str(ov, "discount_name"), "Spring");
    cr_assert_str_eq(str(nv, "discount_name"), "Spring 15");
    bool named = false;
    size_t k;
    json_t *f;
    json_array_foreach(json_object_get(u, "changed_fields"), k, f) named = named || strcmp(json_string_value(f), "value") == 0;
    cr_assert(named, "changed_fields names value: %s", json_dumps(u, 0));
    cr_assert_str_eq(str(json_object_get(c, "new_values"), "value"), before);
    /* when: the time each write stamped on the row itself */
    cr_assert_str_eq(str(c, "created_at"), created_at);
    cr_assert_str_eq(str(u, "created_at"), updated_at);
    json_decref(a);
}

/* A tenant with a manager and a plain user, an hourly service and a customer. */
static void people(TestTenant *t, TestUser *mgr, TestUser *clerk, char svc[40], char cust[40])
{
    t_signup(t, NULL);
    t_user(t, "manager", NULL, mgr);
    t_user(t, "user", NULL, clerk);
    json_t *s = t_json(t->token, 201, "POST", "{\"name\": \"Hours\", \"service_type\": \"time\", \"default_rate\": \"100\"}",
                       "/api/v1/services");
    json_t *c = t_json(t->token, 201, "POST", "{\"name\": \"Audited Co\"}", "/api/v1/customers");
    snprintf(svc, 40, "%s", str(s, "id"));
    snprintf(cust, 40, "%s", str(c, "id"));
    json_decref(s);
    json_decref(c);
}

Test(audit_trail, audit_logs_cannot_be_tampered_with_by_unauthorized_users, .timeout = 120)
{
    TestTenant t;
    TestUser mgr, clerk;
    char svc[40], cust[40], body[300];
    people(&t, &mgr, &clerk, svc, cust);
    snprintf(body, sizeof body,
             "{\"customer_id\": \"%s\", \"service_id\": \"%s\", \"start_time\": \"2038-03-01T04:00:00Z\", \"duration\": 45}",
             cust, svc);
    json_t *te = t_json(clerk.token, 201, "POST", body, "/api/v1/time_entries");
    json_t *a = t_json(t.token, 200, "GET", NULL, "/api/v1/audit_logs?entity_id=%s", str(te, "id"));
    char victim[40];
    snprintf(victim, sizeof victim, "%s", str(json_array_get(json_object_get(a, "data"), 0), "id"));
    json_decref(a);
    json_decref(te);

    /* no write route, not even for an admin */
    json_decref(t_json(t.token, 405, "POST", "{\"action\": \"create\"}", "/api/v1/audit_logs"));
    json_decref(t_json(t.token, 405, "PATCH", "{\"action\": \"nothing\"}", "/api/v1/audit_logs/%s", victim));
    json_decref(t_json(t.token, 405, "DELETE", NULL, "/api/v1/audit_logs/%s", victim));
    /* only admins read it */
    json_decref(t_json(mgr.token, 403, "GET", NULL, "/api/v1/audit_logs"));
    json_decref(t_json(clerk.token, 403, "GET", NULL, "/api/v1/audit_logs/%s", victim));
    json_decref(t_json(mgr.token, 403, "GET", NULL, "/api/v1/audit_logs/verify"));
    json_t *row = t_json(t.token, 200, "GET", NULL, "/api/v1/audit_logs/%s", victim);
    cr_assert_str_eq(str(row, "user_email"), clerk.email, "the refused writes changed nothing");
    json_decref(row);
    json_t *v = t_json(t.token, 200, "GET", NULL, "/api/v1/audit_logs/verify");
    cr_assert(json_is_true(json_object_get(v, "ok")), "%s", json_dumps(v, 0));
    json_decref(v);

    /* the database refuses Remit's role; a change behind its back is named */
    t_audit_tamper(victim);
    t_audit_broken(&t, victim);
}

/* Every page of a filtered audit list, in order: the ids (malloc'd array, *n of them); each row is
 * passed to check. */
static char **pages(const char *token, const char *query, size_t *n, void (*check)(json_t *row, const void *arg),
                    const void *arg)
{
    char **ids = NULL;
    *n = 0;
    char cursor[512] = "";
    do {
        json_t *p = t_json(token, 200, "GET", NULL, "/api/v1/audit_logs?%s&limit=2%s%s", query, cursor[0] ? "&cursor=" : "",
                           cursor);
        size_t i;
        json_t *row;
        json_array_foreach(json_object_get(p, "data"), i, row) {
            if (check)
                check(row, arg);
            ids = realloc(ids, (*n + 1) * sizeof *ids);
            ids[(*n)++] = strdup(str(row, "id"));
        }
        json_t *next = json_object_get(p, "next_cursor");
        snprintf(cursor, sizeof cursor, "%s", json_is_string(next) ? json_string_value(next) : "");
        json_decref(p);
    } while (cursor[0]);
    return ids;
}

static void free_ids(char **ids, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(ids[i]);
    free(ids);
}

static void is_time_entry(json_t *row, const void *arg)
{
    cr_assert_str_eq(str(row, "entity_type"), "time_entries");
}

static void by_user(json_t *row, const void *user)
{
    cr_assert_str_eq(str(row, "user_id"), (const char *)user);
}

static void from(json_t *row, const void *ts)
{
    cr_assert_geq(strcmp(str(row, "created_at"), (const char *)ts), 0, "%s before %s", str(row, "created_at"),
                  (const char *)ts);
}

Test(audit_trail, audit_reports_can_be_generated_for_compliance_and_troubleshooting, .timeout = 120)
{
    TestTenant t;
    TestUser mgr, clerk;
    char svc[40], cust[40], entries[5][40], body[300];
    people(&t, &mgr, &clerk, svc, cust);
    for (int i = 0; i < 5; i++) {
        snprintf(body, sizeof body,
                 "{\"customer_id\": \"%s\", \"service_id\": \"%s\", \"start_time\": \"2038-04-0%dT04:00:00Z\", \"duration\": %d}",
                 cust, svc, i + 1, 30 + i);
        json_t *e = t_json(clerk.token, 201, "POST", body, "/api/v1/time_entries");
        snprintf(entries[i], 40, "%s", str(e, "id"));
        json_decref(e);
    }
    json_t *d = t_json(mgr.token, 201, "POST", "{\"discount_name\": \"Audit\", \"discount_type\": \"fixed\", \"value\": \"5\"}",
                       "/api/v1/discounts");
    json_decref(t_json(mgr.token, 200, "PATCH", "{\"value\": \"7\"}", "/api/v1/discounts/%s", str(d, "id")));
    json_decref(d);
    json_decref(t_json(t.token, 200, "PATCH", "{\"description\": \"corrected\"}", "/api/v1/time_entries/%s", entries[2]));

    /* by table: the five creates and the correction, paged two at a time */
    size_t n = 0;
    char **all = pages(t.token, "entity_type=time_entries&order=seq", &n, is_time_entry, NULL);
    cr_assert_eq(n, 6, "time entries: %zu audit rows", n);
    /* by user: what the clerk did */
    size_t nu = 0;
    char **mine = pages(t.token, fmt("user_id=%s&order=seq", clerk.id), &nu, by_user, clerk.id);
    cr_assert_eq(nu, 5, "the clerk's rows: %zu", nu);
    for (size_t i = 0; i < nu; i++)
        cr_assert_str_eq(mine[i], all[i], "the clerk's creates come first in the chain");
    free_ids(mine, nu);
    /* by record: one entry's history */
    json_t *h = t_json(t.token, 200, "GET", NULL, "/api/v1/audit_logs?entity_id=%s&order=seq", entries[2]);
    json_t *hd = json_object_get(h, "data");
    cr_assert_eq(json_array_size(hd), 2);
    cr_assert_str_eq(str(json_array_get(hd, 0), "action"), "create");
    cr_assert_str_eq(str(json_array_get(hd, 1), "action"), "update");
    cr_assert_str_eq(str(json_array_get(hd, 1), "user_id"), t.user_id);
    json_decref(h);
    /* by action and table: the manager's change of the discount */
    json_t *m = t_json(t.token, 200, "GET", NULL, "/api/v1/audit_logs?entity_type=discounts&action=update");
    cr_assert_eq(json_array_size(json_object_get(m, "data")), 1);
    cr_assert_str_eq(str(json_array_get(json_object_get(m, "data"), 0), "user_id"), mgr.id);
    json_decref(m);
    /* by date range: from the third entry's creation on, and before it: the two halves of the whole */
    json_t *third = t_json(t.token, 200, "GET", NULL, "/api/v1/audit_logs?entity_id=%s&action=create", entries[2]);
    char since[64];
    snprintf(since, sizeof since, "%s", str(json_array_get(json_object_get(third, "data"), 0), "created_at"));
    json_decref(third);
    size_t nl = 0, ne = 0;
    char **late = pages(t.token, fmt("entity_type=time_entries&order=seq&created_at[gte]=%s", since), &nl, from, since);
    char **early = pages(t.token, fmt("entity_type=time_entries&order=seq&created_at[lt]=%s", since), &ne, NULL, NULL);
    cr_assert_eq(nl + ne, n, "the two ranges make the whole: %zu + %zu != %zu", nl, ne, n);
    cr_assert_geq(nl, 4, "the third entry, the two after it and the correction: %zu", nl);
    for (size_t i = 0; i < ne; i++)
        cr_assert_str_eq(early[i], all[i]);
    for (size_t i = 0; i < nl; i++)
        cr_assert_str_eq(late[i], all[ne + i]);
    free_ids(late, nl);
    free_ids(early, ne);
    free_ids(all, n);
}
