/* tests/scenario/billing_approvals.c — approvals racing bill runs (issue 5; msp-flexible-billing.md
 * "Concurrency and Data Integrity Tests": "ensure that approval processes prevent unapproved data
 * from affecting billing"), on whichever store the suite runs. The golden cases of the approval
 * rules are tests/api/cases/billing_approvals.t.
 *
 * Each customer has a short time entry (billed at once) and a long one that waits for approval.
 * One thread runs bill runs for the same date again and again while another decides the long
 * entries (one rejected, the others approved). Afterwards: every approved entry was billed exactly
 * once, by an invoice made after its approval (the audit chain orders them), the rejected one
 * never, and each customer paid for each entry once. Dates are in 2037 with assignments that end,
 * so the CLI bill runs of other scenarios (which bill every tenant) never reach these. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/scenario/helpers.h"

enum { CUSTOMERS = 10, RUNS = 4 };

typedef struct Race {
    pthread_barrier_t start;
    const char *admin;            /* token of the admin (runs) */
    const char *manager;          /* token of the manager (decisions) */
    char approval[CUSTOMERS][40];
    long run_status[RUNS];
    long decide_status[CUSTOMERS];
} Race;

/* A call from a worker thread: no Criterion assertion here (they must fire on the test's thread). */
static long call(const char *token, const char *method, const char *path, const char *body)
{
    char auth[600], ip[100];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
    snprintf(ip, sizeof ip, "X-Remit-Test-Ip: %s", t_ip());
    const char *hdrs[] = {ip, auth, NULL};
    HttpResult r;
    long st = http_call(&r, t_base(), method, path, hdrs, body) == 0 ? r.status : -1;
    http_result_free(&r);
    return st;
}

static void *runner(void *arg)
{
    Race *x = arg;
    pthread_barrier_wait(&x->start);
    for (int i = 0; i < RUNS; i++)
        x->run_status[i] = call(x->admin, "POST", "/api/v1/billing/runs", "{\"date\": \"2037-07-01\"}");
    return NULL;
}

static void *approver(void *arg)
{
    Race *x = arg;
    pthread_barrier_wait(&x->start);
    char path[128];
    for (int i = 0; i < CUSTOMERS; i++) {
        bool reject = i == 0;
        snprintf(path, sizeof path, "/api/v1/approvals/%s/%s", x->approval[i], reject ? "reject" : "approve");
        x->decide_status[i] = call(x->manager, "POST", path, reject ? "{\"decision_note\": \"not agreed\"}" : NULL);
    }
    return NULL;
}

static const char *str(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

/* The seq of the audit row of (entity, action); asserts there is exactly one. */
static long long audit_seq(const char *token, const char *entity_id, const char *action)
{
    json_t *a = t_json(token, 200, "GET", NULL, "/api/v1/audit_logs?entity_id=%s&action=%s", entity_id, action);
    json_t *d = json_object_get(a, "data");
    cr_assert_eq(json_array_size(d), 1, "one %s audit row of %s expected: %s", action, entity_id,
                 json_dumps(a, JSON_COMPACT));
    long long seq = json_integer_value(json_object_get(json_array_get(d, 0), "seq"));
    json_decref(a);
    return seq;
}

static long long cents(const char *s)
{
    long long whole = 0, frac = 0;
    cr_assert(s && sscanf(s, "%lld.%2lld", &whole, &frac) >= 1, "not an amount: %s", s ? s : "(null)");
    return whole * 100 + frac;
}

Test(approvals, concurrency_approval_processes_prevent_unapproved_data_from_affecting_billing, .timeout = 300)
{
    TestTenant t;
    t_signup(&t, NULL);
    TestUser mgr;
    t_user(&t, "manager", NULL, &mgr);
    json_decref(t_json(t.token, 201, "POST", "{\"name\": \"Race MSP\"}", "/api/v1/company_profiles"));
    json_decref(t_json(t.token, 201, "POST",
                       "{\"setting_key\": \"billing.approval.time_minutes\", \"setting_type\": \"int\", \"setting_value\": 480}",
                       "/api/v1/system_settings"));
    json_t *svc = t_json(t.token, 201, "POST", "{\"name\": \"Engineering\", \"service_type\": \"time\", \"default_rate\": \"100\"}",
                         "/api/v1/services");
    json_t *plan = t_json(t.token, 201, "POST",
                          "{\"plan_name\": \"Hourly\", \"billing_frequency\": \"monthly\", \"plan_type\": \"time-based\"}",
                          "/api/v1/billing_plans");
    char body[512];
    snprintf(body, sizeof body, "{\"service_id\": \"%s\"}", str(svc, "id"));
    json_decref(t_json(t.token, 201, "POST", body, "/api/v1/billing_plans/%s/services", str(plan, "id")));

    char customer[CUSTOMERS][40], shortie[CUSTOMERS][40], longie[CUSTOMERS][40];
    Race x = {.admin = t.token, .manager = mgr.token};
    for (int i = 0; i < CUSTOMERS; i++) {
        snprintf(body, sizeof body, "{\"name\": \"Race %d\"}", i);
        json_t *c = t_json(t.token, 201, "POST", body, "/api/v1/customers");
        snprintf(customer[i], sizeof customer[i], "%s", str(c, "id"));
        json_decref(c);
        snprintf(body, sizeof body,
                 "{\"customer_id\": \"%s\", \"plan_id\": \"%s\", \"start_date\": \"2037-06-01\", \"end_date\": \"2037-12-31\"}",
                 customer[i], str(plan, "id"));
        json_decref(t_json(t.token, 201, "POST", body, "/api/v1/customer_billing_plans"));
        snprintf(body, sizeof body,
                 "{\"customer_id\": \"%s\", \"service_id\": \"%s\", \"start_time\": \"2037-06-05T04:00:00Z\", \"duration\": 120}",
                 customer[i], str(svc, "id"));
        json_t *e = t_json(t.token, 201, "POST", body, "/api/v1/time_entries");
        cr_assert_str_eq(str(e, "approval_status"), "none");
        snprintf(shortie[i], sizeof shortie[i], "%s", str(e, "id"));
        json_decref(e);
        snprintf(body, sizeof body,
                 "{\"customer_id\": \"%s\", \"service_id\": \"%s\", \"start_time\": \"2037-06-06T04:00:00Z\", \"duration\": 600}",
                 customer[i], str(svc, "id"));
        e = t_json(t.token, 201, "POST", body, "/api/v1/time_entries");
        cr_assert_str_eq(str(e, "approval_status"), "pending");
        snprintf(longie[i], sizeof longie[i], "%s", str(e, "id"));
        json_decref(e);
        json_t *a = t_json(t.token, 200, "GET", NULL, "/api/v1/approvals?item_id=%s", longie[i]);
        snprintf(x.approval[i], sizeof x.approval[i], "%s", str(json_array_get(json_object_get(a, "data"), 0), "id"));
        json_decref(a);
    }
    json_decref(svc);
    json_decref(plan);

    pthread_barrier_init(&x.start, NULL, 2);
    pthread_t a, b;
    pthread_create(&a, NULL, runner, &x);
    pthread_create(&b, NULL, approver, &x);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    pthread_barrier_destroy(&x.start);
    for (int i = 0; i < RUNS; i++)
        cr_assert_eq(x.run_status[i], 201, "run %d answered %ld", i, x.run_status[i]);
    for (int i = 0; i < CUSTOMERS; i++)
        cr_assert_eq(x.decide_status[i], 200, "decision %d answered %ld", i, x.decide_status[i]);
    /* the run after every decision bills whatever the race left approved and unbilled */
    json_t *last = t_json(t.token, 201, "POST", "{\"date\": \"2037-07-01\"}", "/api/v1/billing/runs");
    cr_assert_eq(json_integer_value(json_object_get(last, "customers_failed")), 0, "%s", json_dumps(last, 0));
    json_decref(last);

    int billed_late = 0;
    for (int i = 0; i < CUSTOMERS; i++) {
        json_t *s = t_json(t.token, 200, "GET", NULL, "/api/v1/time_entries/%s", shortie[i]);
        cr_assert(str(s, "invoice_id"), "customer %d: the short entry was not billed", i);
        char short_inv[40];
        snprintf(short_inv, sizeof short_inv, "%s", str(s, "invoice_id"));
        json_decref(s);
        json_t *l = t_json(t.token, 200, "GET", NULL, "/api/v1/time_entries/%s", longie[i]);
        long long want = 20000;
        if (i == 0) {
            cr_assert_str_eq(str(l, "approval_status"), "rejected");
            cr_assert(json_is_null(json_object_get(l, "invoice_id")), "the rejected entry was billed");
        } else {
            cr_assert_str_eq(str(l, "approval_status"), "approved");
            const char *inv = str(l, "invoice_id");
            cr_assert(inv, "customer %d: the approved entry was never billed", i);
            long long approved = audit_seq(t.token, longie[i], "approve");
            long long invoiced = audit_seq(t.token, inv, "create");
            cr_assert_lt(approved, invoiced, "customer %d: billed by an invoice made before the approval (%lld >= %lld)",
                         i, approved, invoiced);
            billed_late += strcmp(inv, short_inv) != 0;
            want += 100000;
        }
        json_decref(l);
        /* each entry paid for once: the customer's invoices add up to its entries */
        json_t *inv = t_json(t.token, 200, "GET", NULL, "/api/v1/invoices?customer_id=%s&limit=100", customer[i]);
        long long sum = 0;
        size_t k;
        json_t *v;
        json_array_foreach(json_object_get(inv, "data"), k, v) sum += cents(str(v, "subtotal"));
        cr_assert_eq(sum, want, "customer %d: invoiced %lld, entries are worth %lld", i, sum, want);
        json_decref(inv);
    }
    cr_log_info("approvals race: %d of %d approved entries were billed by a later invoice than their customer's "
                "short entry", billed_late, CUSTOMERS - 1);
}
