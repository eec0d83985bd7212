/* tests/scenario/billing_concurrency.c — the bill run under concurrent writes and failures (issue 5,
 * the seed's concurrency bullets), on whichever store the suite runs:
 *  - simulate_concurrent_billing_operations_to_test_for_race_conditions: two bill runs for one
 *    date (each repeated 12 times), time entries and usage records being written and a plan
 *    change, all at once; then a last run. Each record and each fee cycle is billed exactly once and the invoices add up to
 *    what the records and plans say, whatever the interleaving;
 *  - transactions_are_atomic_and_data_remains_consistent_under_high_load: a run failed at every
 *    statement in turn (X-Remit-Fault-Store) leaves nothing behind; then many writers and runs
 *    at once, some of them failed at a random statement; every billed record points to an
 *    invoice whose lines sum to its total, every record written is billed once, numbers have no
 *    gap, and the audit chain verifies.
 * Each test has its own tenant and its own year, with assignments that end that year, so the
 * CLI runs of other tests (which bill every tenant) never reach them. Worker threads never
 * assert (Criterion asserts only on the test's thread): they count what they saw. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/scenario/identity_helpers.h"
#include "tests/scenario/invoicing_helpers.h"

/* A call from any thread: the status (0: no answer) and, when wanted, the JSON body. */
static long call2(ItTenant *t, const char *method, const char *path, const char *body, const char *extra,
                  const char *extra2, json_t **out)
{
    char auth[1100], ip[64];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", t->token);
    snprintf(ip, sizeof ip, "X-Remit-Test-Ip: %s", t->ip);
    const char *hdrs[5] = {ip, auth, extra, extra ? extra2 : NULL, NULL};
    HttpResult r;
    long status = http_call(&r, t->base, method, path, hdrs, body) == 0 ? r.status : 0;
    if (out)
        *out = r.json ? json_incref(r.json) : NULL;
    http_result_free(&r);
    return status;
}

static long call(ItTenant *t, const char *method, const char *path, const char *body, const char *extra,
                 json_t **out)
{
    return call2(t, method, path, body, extra, NULL, out);
}

/* A write that may lose a race (412: the row changed under it, 409, 503: busy): tried again. */
static long call_retry(ItTenant *t, const char *method, const char *path, const char *body, json_t **out)
{
    long st = 0;
    for (int i = 0; i < 50; i++) {
        st = call(t, method, path, body, NULL, out);
        if (st != 409 && st != 412 && st != 503 && st != 0)
            break;
        if (out && *out) {
            json_decref(*out);
            *out = NULL;
        }
    }
    return st;
}

typedef struct Shop {
    ItTenant t;
    char tenant[64];
    char *care, *hours, *gb;     /* services: fixed 300.00, time 120.00/h, usage 2.00/unit */
    char *plan, *plan2;          /* monthly plans holding the three services */
    int n;
    char **customers;
    char **assignments;
} Shop;

static char *id_of(json_t *j)
{
    char *s = strdup(it_str(j, "id"));
    json_decref(j);
    return s;
}

/* n customers on a monthly plan of a fixed, a time and a usage service, from May 1 of `year` to
 * the end of that year. */
static void shop_new(Shop *s, const char *tag, int n, int year)
{
    memset(s, 0, sizeof *s);
    it_tenant_new(&s->t, tag);
    char *tid = idt_sql("SELECT tenant_id FROM users WHERE email = '%s'", s->t.email);
    snprintf(s->tenant, sizeof s->tenant, "%s", tid);
    free(tid);
    s->care = id_of(it_json(&s->t, 201, "POST", "/api/v1/services",
                            "{\"name\": \"Care\", \"service_type\": \"fixed\", \"default_rate\": \"300\"}"));
    s->hours = id_of(it_json(&s->t, 201, "POST", "/api/v1/services",
                             "{\"name\": \"Hours\", \"service_type\": \"time\", \"default_rate\": \"120\"}"));
    s->gb = id_of(it_json(&s->t, 201, "POST", "/api/v1/services",
                          "{\"name\": \"Storage\", \"service_type\": \"usage\", \"default_rate\": \"2\"}"));
    char *plans[2];
    for (int p = 0; p < 2; p++) {
        char body[200], path[200];
        snprintf(body, sizeof body, "{\"plan_name\": \"Managed %d\", \"billing_frequency\": \"monthly\", \"plan_type\": \"fixed\"}",
                 p + 1);
        plans[p] = id_of(it_json(&s->t, 201, "POST", "/api/v1/billing_plans", body));
        snprintf(path, sizeof path, "/api/v1/billing_plans/%s/services", plans[p]);
        const char *svc[3] = {s->care, s->hours, s->gb};
        for (int k = 0; k < 3; k++)
            json_decref(it_pack(&s->t, 201, "POST", path, json_pack("{s:s}", "service_id", svc[k])));
    }
    s->plan = plans[0];
    s->plan2 = plans[1];
    s->n = n;
    s->customers = calloc((size_t)n, sizeof *s->customers);
    s->assignments = calloc((size_t)n, sizeof *s->assignments);
    for (int i = 0; i < n; i++) {
        char code[32], start[11], end[11];
        snprintf(code, sizeof code, "K%03d", i);
        s->customers[i] = it_customer(&s->t, code, NULL, NULL);
        snprintf(start, sizeof start, "%04d-05-01", year);
        snprintf(end, sizeof end, "%04d-12-31", year);
        s->assignments[i] = id_of(it_pack(&s->t, 201, "POST", "/api/v1/customer_billing_plans",
                                          json_pack("{s:s, s:s, s:s, s:s}", "customer_id", s->customers[i], "plan_id",
                                                    s->plan, "start_date", start, "end_date", end)));
    }
}

static void shop_free(Shop *s)
{
    for (int i = 0; i < s->n; i++) {
        free(s->customers[i]);
        free(s->assignments[i]);
    }
    free(s->customers);
    free(s->assignments);
    free(s->care);
    free(s->hours);
    free(s->gb);
    free(s->plan);
    free(s->plan2);
}

/* A time entry of `hours` whole hours, or a usage record of `units` units, on a day; the status. */
static long add_time(Shop *s, int customer, int year, int month, int day, int hours, const char *extra)
{
    char body[400];
    snprintf(body, sizeof body,
             "{\"customer_id\": \"%s\", \"service_id\": \"%s\", \"start_time\": \"%04d-%02d-%02dT04:00:00Z\", \"duration\": %d}",
             s->customers[customer], s->hours, year, month, day, hours * 60);
    return call(&s->t, "POST", "/api/v1/time_entries", body, extra, NULL);
}

static long add_usage(Shop *s, int customer, int year, int month, int day, int units, const char *extra)
{
    char body[400];
    snprintf(body, sizeof body,
             "{\"customer_id\": \"%s\", \"service_id\": \"%s\", \"usage_date\": \"%04d-%02d-%02d\", \"quantity\": \"%d\"}",
             s->customers[customer], s->gb, year, month, day, units);
    return call(&s->t, "POST", "/api/v1/usage_records", body, extra, NULL);
}

/* One number from SQL (the first column of the first row). */
static long long sql_num(const char *fmt, const char *tenant)
{
    char *out = idt_sql(fmt, tenant, tenant, tenant, tenant);
    long long v = strtoll(out, NULL, 10);
    free(out);
    return v;
}

/* Customers billed in part: a record whose billed state differs from whether its customer has
 * an invoice, or an assignment whose cycles are billed when its customer has no invoice (or not
 * both May's and June's when it has). */
#define HAS_INVOICE(alias)                                                                         \
    "CASE WHEN EXISTS (SELECT 1 FROM invoices i WHERE i.tenant_id = " alias ".tenant_id AND i.customer_id = " alias \
    ".customer_id) THEN 1 ELSE 0 END"
#define CUSTOMER_ATOMIC                                                                            \
    "SELECT (SELECT COUNT(*) FROM usage_records u WHERE u.tenant_id = '%1$s' AND"                  \
    " CASE WHEN u.billed_at IS NULL THEN 0 ELSE 1 END <> " HAS_INVOICE("u") ")"                    \
    " + (SELECT COUNT(*) FROM time_entries e WHERE e.tenant_id = '%1$s' AND"                       \
    " CASE WHEN e.billed_at IS NULL THEN 0 ELSE 1 END <> " HAS_INVOICE("e") ")"                    \
    " + (SELECT COUNT(*) FROM customer_billing_plans a WHERE a.tenant_id = '%1$s' AND"              \
    " (SELECT COUNT(*) FROM billed_cycles c WHERE c.tenant_id = a.tenant_id AND c.customer_billing_plan_id = a.id)" \
    " <> 2 * " HAS_INVOICE("a") ")"

/* Invoices whose time and usage lines are not what the records pointing to them are worth (every
 * hour at 120.00, every unit at 2.00): an invoice and its records are written together or not. */
#define INVOICE_MATCHES_RECORDS                                                                    \
    "SELECT COUNT(*) FROM invoices i WHERE i.tenant_id = '%1$s' AND ("                             \
    "(SELECT COALESCE(SUM(l.amount), 0) FROM invoice_line_items l WHERE l.tenant_id = i.tenant_id" \
    " AND l.invoice_id = i.id AND l.charge_kind = 'usage') <> (SELECT COALESCE(SUM(u.quantity), 0)" \
    " FROM usage_records u WHERE u.tenant_id = i.tenant_id AND u.invoice_id = i.id) * 200 / 1000000" \
    " OR (SELECT COALESCE(SUM(l.amount), 0) FROM invoice_line_items l WHERE l.tenant_id = i.tenant_id" \
    " AND l.invoice_id = i.id AND l.charge_kind = 'time') <> (SELECT COALESCE(SUM(e.duration), 0)"  \
    " FROM time_entries e WHERE e.tenant_id = i.tenant_id AND e.invoice_id = i.id) * 200)"

/* The invariants every bill run must leave, whatever ran at the same time:
 *  - every record on an invoice is marked billed and its invoice exists, and every invoice's
 *    usage and time lines add up to exactly the records that name it (INVOICE_MATCHES_RECORDS:
 *    a record billed twice would be counted on a line of an invoice it does not name);
 *  - every invoice's subtotal, tax and total are the sums of its lines';
 *  - invoice numbers run from 1 without a gap;
 *  - the audit chain verifies. */
static void check_invariants(Shop *s)
{
    const char *T = s->tenant;
    cr_assert_eq(sql_num("SELECT COUNT(*) FROM usage_records u WHERE u.tenant_id = '%s' AND u.invoice_id IS NOT NULL"
                         " AND (u.billed_at IS NULL OR NOT EXISTS (SELECT 1 FROM invoices i WHERE i.tenant_id = u.tenant_id"
                         " AND i.id = u.invoice_id))",
                         T),
                 0, "every usage record on an invoice is marked billed and its invoice exists");
    cr_assert_eq(sql_num("SELECT COUNT(*) FROM time_entries e WHERE e.tenant_id = '%s' AND e.invoice_id IS NOT NULL"
                         " AND (e.billed_at IS NULL OR NOT EXISTS (SELECT 1 FROM invoices i WHERE i.tenant_id = e.tenant_id"
                         " AND i.id = e.invoice_id))",
                         T),
                 0, "every time entry on an invoice is marked billed and its invoice exists");
    cr_assert_eq(sql_num("SELECT COUNT(*) FROM invoices i WHERE i.tenant_id = '%s' AND (i.total <>"
                         " (SELECT COALESCE(SUM(l.total), 0) FROM invoice_line_items l WHERE l.tenant_id = i.tenant_id"
                         " AND l.invoice_id = i.id) OR i.subtotal <> (SELECT COALESCE(SUM(l.amount), 0)"
                         " FROM invoice_line_items l WHERE l.tenant_id = i.tenant_id AND l.invoice_id = i.id)"
                         " OR i.tax_total <> (SELECT COALESCE(SUM(l.tax_amount), 0) FROM invoice_line_items l"
                         " WHERE l.tenant_id = i.tenant_id AND l.invoice_id = i.id))",
                         T),
                 0, "every invoice's totals are the sums of its lines");
    cr_assert_eq(sql_num("SELECT COUNT(*) FROM invoices i WHERE i.tenant_id = '%s' AND NOT EXISTS"
                         " (SELECT 1 FROM invoice_line_items l WHERE l.tenant_id = i.tenant_id AND l.invoice_id = i.id)",
                         T),
                 0, "no invoice without lines");
    cr_assert_eq(sql_num(INVOICE_MATCHES_RECORDS, T), 0, "an invoice's time and usage lines are what its records are worth");
    long long n = sql_num("SELECT COUNT(*) FROM invoices WHERE tenant_id = '%s'", T);
    long long top = sql_num("SELECT COALESCE(MAX(sequence_number), 0) FROM invoices WHERE tenant_id = '%s'", T);
    long long distinct = sql_num("SELECT COUNT(DISTINCT sequence_number) FROM invoices WHERE tenant_id = '%s'", T);
    cr_assert(n == top && n == distinct, "invoice numbers 1..%lld without a gap (max %lld, %lld distinct)", n, top,
              distinct);
    json_t *v = it_json(&s->t, 200, "GET", "/api/v1/audit_logs/verify", NULL);
    cr_assert(json_is_true(json_object_get(v, "ok")), "the audit chain verifies: %s", json_dumps(v, JSON_COMPACT));
    json_decref(v);
}

/* ---- two runs, writers and a plan change at once ---- */

typedef struct Job {
    Shop *s;
    pthread_barrier_t *start;
    int year, kind, seed;
    atomic_long *invoices;       /* runs: invoices_created added up */
    atomic_int *bad;             /* answers that should not happen */
    atomic_long *hours, *units;  /* writers: what was written (201) */
    atomic_int *faults_seen;     /* runs and writes failed by an injected fault (503) */
    atomic_int *busy;            /* answers "retry the request" under contention (409, 503): a lock
                                  * wait past the store's timeout, a deadlock's victim; rolled back */
    atomic_long *first_bad;      /* the first unexpected status, for the message */
    int rounds;
    bool faults;
} Job;

static void unexpected(Job *j, long status)
{
    long none = 0;
    atomic_compare_exchange_strong(j->first_bad, &none, status);
    atomic_fetch_add(j->bad, 1);
}

static void *run_job(void *arg)
{
    Job *j = arg;
    pthread_barrier_wait(j->start);
    unsigned seed = (unsigned)j->seed;
    for (int r = 0; r < (j->rounds ? j->rounds : 1); r++) {
        char body[64], fault[64];
        snprintf(body, sizeof body, "{\"date\": \"%04d-%02d-01\"}", j->year, j->faults ? 8 : 7);
        const char *extra = NULL;
        if (j->faults && rand_r(&seed) % 2) {
            snprintf(fault, sizeof fault, "X-Remit-Fault-Store: %d", 1 + rand_r(&seed) % 300);
            extra = fault;
        }
        json_t *out = NULL;
        long st = call(&j->s->t, "POST", "/api/v1/billing/runs", body, extra, &out);
        if (st == 201)
            atomic_fetch_add(j->invoices, (long)json_integer_value(json_object_get(out, "invoices_created")));
        else if (st == 503 && extra)
            atomic_fetch_add(j->faults_seen, 1);
        else if (st == 409 || st == 503)
            atomic_fetch_add(j->busy, 1);
        else
            unexpected(j, st);
        json_decref(out);
    }
    return NULL;
}

static void *write_job(void *arg)
{
    Job *j = arg;
    pthread_barrier_wait(j->start);
    unsigned seed = (unsigned)j->seed;
    int month = j->faults ? 7 : 6;
    for (int r = 0; r < j->rounds; r++) {
        int c = (int)(rand_r(&seed) % (unsigned)j->s->n), day = 1 + (int)(rand_r(&seed) % 28);
        char fault[64];
        const char *extra = NULL;
        if (j->faults && rand_r(&seed) % 4 == 0) {
            snprintf(fault, sizeof fault, "X-Remit-Fault-Store: %d", 1 + rand_r(&seed) % 12);
            extra = fault;
        }
        long st = 0;
        int h = 1 + (int)(rand_r(&seed) % 3), u = 1 + (int)(rand_r(&seed) % 50);
        for (int attempt = 0; attempt < 20; attempt++) {   /* a client retries "retry the request" */
            st = r % 3 == 0 ? add_time(j->s, c, j->year, month, day, h, extra)
                            : add_usage(j->s, c, j->year, month, day, u, extra);
            if (st != 409 && (st != 503 || extra))   /* with a fault header, a 503 is the fault */
                break;
            atomic_fetch_add(j->busy, 1);
        }
        if (st == 201)
            atomic_fetch_add(r % 3 == 0 ? j->hours : j->units, r % 3 == 0 ? h : u);
        else if (st == 503 && extra)
            atomic_fetch_add(j->faults_seen, 1);
        else
            unexpected(j, st);
    }
    return NULL;
}

/* The plan change: customer 0's assignment now ends with September, and customer 1 takes the
 * second plan from October — changes of later periods, made while the runs bill June. */
static void *change_job(void *arg)
{
    Job *j = arg;
    Shop *s = j->s;
    pthread_barrier_wait(j->start);
    char path[200], body[400];
    long st;
    snprintf(path, sizeof path, "/api/v1/customer_billing_plans/%s", s->assignments[0]);
    snprintf(body, sizeof body, "{\"end_date\": \"%04d-09-30\"}", j->year);
    if ((st = call_retry(&s->t, "PATCH", path, body, NULL)) != 200)
        unexpected(j, st);
    snprintf(path, sizeof path, "/api/v1/customer_billing_plans/%s", s->assignments[1]);
    snprintf(body, sizeof body, "{\"end_date\": \"%04d-09-30\"}", j->year);
    if ((st = call_retry(&s->t, "PATCH", path, body, NULL)) != 200)
        unexpected(j, st);
    snprintf(body, sizeof body,
             "{\"customer_id\": \"%s\", \"plan_id\": \"%s\", \"start_date\": \"%04d-10-01\", \"end_date\": \"%04d-12-31\"}",
             s->customers[1], s->plan2, j->year, j->year);
    if ((st = call_retry(&s->t, "POST", "/api/v1/customer_billing_plans", body, NULL)) != 201)
        unexpected(j, st);
    return NULL;
}

/* Sums over the tenant's invoice lines of one kind, in minor units. */
static long long line_sum(Shop *s, const char *kind)
{
    char sql[400];
    snprintf(sql, sizeof sql,
             "SELECT COALESCE(SUM(amount), 0) FROM invoice_line_items WHERE tenant_id = '%%s' AND charge_kind = '%s'",
             kind);
    return sql_num(sql, s->tenant);
}

Test(billing, simulate_concurrent_billing_operations_to_test_for_race_conditions, .timeout = 600)
{
    enum { N = 6, YEAR = 2043 };
    Shop s;
    shop_new(&s, "billrace", N, YEAR);
    /* before: 2 h and 10 units per customer in June */
    long long hours = 0, units = 0;
    for (int i = 0; i < N; i++) {
        cr_assert_eq(add_time(&s, i, YEAR, 6, 3, 2, NULL), 201);
        cr_assert_eq(add_usage(&s, i, YEAR, 6, 4, 10, NULL), 201);
        hours += 2;
        units += 10;
    }
    atomic_long invoices = 0, whours = 0, wunits = 0, first_bad = 0;
    atomic_int bad = 0, faults = 0, busy = 0;
    enum { JOBS = 5 };
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, JOBS);
    Job jobs[JOBS];
    pthread_t th[JOBS];
    for (int i = 0; i < JOBS; i++) {
        jobs[i] = (Job){.s = &s, .start = &start, .year = YEAR, .seed = 7 + i, .invoices = &invoices, .bad = &bad,
                        .hours = &whours, .units = &wunits, .faults_seen = &faults, .busy = &busy,
                        .first_bad = &first_bad, .rounds = 12};
        void *(*fn)(void *) = i < 2 ? run_job : i < 4 ? write_job : change_job;
        cr_assert_eq(pthread_create(&th[i], NULL, fn, &jobs[i]), 0);
    }
    for (int i = 0; i < JOBS; i++)
        pthread_join(th[i], NULL);
    pthread_barrier_destroy(&start);
    cr_assert_eq(bad, 0, "%d unexpected answers from the runs, writers or the plan change (the first: %ld)", (int)bad,
                 (long)first_bad);
    cr_log_info("race: %d answers were \"retry the request\" (lock wait or deadlock, rolled back)", (int)busy);
    cr_assert_eq(sql_num(INVOICE_MATCHES_RECORDS, s.tenant), 0, "an invoice and its records disagree");
    /* a last run bills what was written while the others ran */
    json_t *third = it_json(&s.t, 201, "POST", "/api/v1/billing/runs", "{\"date\": \"2043-07-01\"}");
    invoices += (long)json_integer_value(json_object_get(third, "invoices_created"));
    json_decref(third);
    hours += whours;
    units += wunits;

    /* every record written was billed exactly once, and only once */
    cr_assert_eq(sql_num("SELECT COUNT(*) FROM time_entries WHERE tenant_id = '%s' AND billed_at IS NULL", s.tenant), 0);
    cr_assert_eq(sql_num("SELECT COUNT(*) FROM usage_records WHERE tenant_id = '%s' AND billed_at IS NULL", s.tenant), 0);
    /* the invoices add up: June's fee once per customer, every hour at 120.00, every unit at 2.00 */
    cr_assert_eq(sql_num("SELECT COUNT(*) FROM billed_cycles WHERE tenant_id = '%s'", s.tenant), 2 * N,
                 "May and June, once each per customer");
    cr_assert_eq(line_sum(&s, "fixed"), 2LL * N * 30000, "each customer's May and June fees, once");
    cr_assert_eq(line_sum(&s, "time"), hours * 12000, "every hour written, once");
    cr_assert_eq(line_sum(&s, "usage"), units * 200, "every unit written, once");
    cr_assert_eq(line_sum(&s, "adjustment"), 0);
    long long made = sql_num("SELECT COUNT(*) FROM invoices WHERE tenant_id = '%s'", s.tenant);
    cr_assert_eq(made, (long long)invoices, "the runs made %lld invoices and said %ld", made, (long)invoices);
    cr_assert(made >= N, "every customer invoiced (%lld invoices): a run repeated while records arrive invoices them"
                         " on a further invoice", made);
    /* the plan change took */
    cr_assert_eq(sql_num("SELECT COUNT(*) FROM customer_billing_plans WHERE tenant_id = '%s' AND end_date = '2043-09-30'",
                         s.tenant),
                 2);
    cr_assert_eq(sql_num("SELECT COUNT(*) FROM customer_billing_plans WHERE tenant_id = '%s' AND start_date = '2043-10-01'",
                         s.tenant),
                 1);
    check_invariants(&s);
    shop_free(&s);
}

/* ---- atomic under failures and load ---- */

/* What a failed run must not change: counts of everything a run writes (the daily jobs may write
 * a run row of their own date and audit rows of other tables for the tenant at any time). */
static char *state(Shop *s)
{
    const char *T = s->tenant;
    return idt_sql("SELECT (SELECT COUNT(*) FROM invoices WHERE tenant_id = '%s') || '|' ||"
                   " (SELECT COUNT(*) FROM invoice_line_items WHERE tenant_id = '%s') || '|' ||"
                   " (SELECT COUNT(*) FROM time_entries WHERE tenant_id = '%s' AND billed_at IS NOT NULL) || '|' ||"
                   " (SELECT COUNT(*) FROM billed_cycles WHERE tenant_id = '%s') || '|' ||"
                   " (SELECT COUNT(*) FROM audit_logs WHERE tenant_id = '%s'"
                   " AND entity_type IN ('invoices', 'invoice_line_items')) || '|' ||"
                   " (SELECT COUNT(*) FROM billing_runs WHERE tenant_id = '%s' AND run_date = '2044-07-01') || '|' ||"
                   " (SELECT COUNT(*) FROM usage_records WHERE tenant_id = '%s' AND billed_at IS NOT NULL) || '|' ||"
                   " (SELECT COALESCE(MAX(last_value), 0) FROM number_counters WHERE tenant_id = '%s')",
                   T, T, T, T, T, T, T, T);
}

Test(billing, transactions_are_atomic_and_data_remains_consistent_under_high_load, .timeout = 900)
{
    enum { N = 5, YEAR = 2044 };
    Shop s;
    shop_new(&s, "billload", N, YEAR);
    for (int i = 0; i < N; i++) {
        cr_assert_eq(add_time(&s, i, YEAR, 6, 5, 1, NULL), 201);
        cr_assert_eq(add_usage(&s, i, YEAR, 6, 6, 7, NULL), 201);
        cr_assert_eq(add_usage(&s, i, YEAR, 6, 7, 3, NULL), 201);
    }
    /* 1. runs failed at their 1st, 2nd, 3rd ... statement, until one gets through whole. A run
     *    that answers 503 left nothing: no invoice, number, billed record or cycle, audit row or
     *    run row. A failure inside one customer's work rolls that customer back alone (the run
     *    answers 201 and counts it failed): each customer is then billed entirely or not at all. */
    char *before = state(&s);
    int failed = 0, partial = 0;
    long st = 0;
    for (int nth = 1; nth <= 3000; nth++) {
        char fault[64];
        snprintf(fault, sizeof fault, "X-Remit-Fault-Store: %d", nth);
        json_t *out = NULL;
        st = call(&s.t, "POST", "/api/v1/billing/runs", "{\"date\": \"2044-07-01\"}", fault, &out);
        long long cfailed = out ? (long long)json_integer_value(json_object_get(out, "customers_failed")) : -1;
        char run_id[64] = "";
        if (out && json_is_string(json_object_get(out, "id")))
            snprintf(run_id, sizeof run_id, "%s", json_string_value(json_object_get(out, "id")));
        json_decref(out);
        char *after = state(&s);
        if (st == 503) {
            cr_assert_str_eq(after, before, "a run failed at statement %d (503) left rows behind: %s, was %s", nth, after,
                             before);
            free(after);
            failed++;
            continue;
        }
        cr_assert_eq(st, 201, "a run failed at statement %d answered %ld", nth, st);
        cr_assert_eq(sql_num(CUSTOMER_ATOMIC, s.tenant), 0,
                     "after a run failed at statement %d, a customer is billed in part", nth);
        free(before);
        before = after;
        if (cfailed > 0) {
            /* the run's row says which customer failed and why (GET /billing_runs/{id}) */
            json_t *run = NULL;
            char path[128];
            snprintf(path, sizeof path, "/api/v1/billing_runs/%s", run_id);
            cr_assert_eq(call(&s.t, "GET", path, NULL, NULL, &run), 200);
            json_t *errs = json_object_get(run, "errors");
            cr_assert_eq((long long)json_array_size(errs), cfailed, "one entry per failed customer");
            json_t *e0 = json_array_get(errs, 0);
            cr_assert(json_is_string(json_object_get(e0, "customer_id")), "the entry names the customer");
            cr_assert_str_eq(json_string_value(json_object_get(e0, "message")), "injected database fault");
            json_decref(run);
            partial++;
            continue;
        }
        if (sql_num("SELECT COUNT(*) FROM invoices WHERE tenant_id = '%s'", s.tenant) == N)
            break;
    }
    free(before);
    cr_log_info("runs failed whole: %d, runs with customers rolled back alone: %d", failed, partial);
    cr_assert(failed > 5, "runs failed at their early statements answer 503 (%d did)", failed);
    cr_assert(partial > 5, "runs failed inside a customer roll that customer back alone (%d did)", partial);
    cr_assert_eq(sql_num("SELECT COUNT(*) FROM invoices WHERE tenant_id = '%s'", s.tenant), N);
    cr_assert_eq(sql_num("SELECT MAX(sequence_number) FROM invoices WHERE tenant_id = '%s'", s.tenant), N,
                 "no number was used by the failed runs");
    cr_assert_eq(line_sum(&s, "usage"), (long long)N * 10 * 200);
    cr_assert_eq(line_sum(&s, "fixed"), 2LL * N * 30000, "May and June, once each");
    check_invariants(&s);

    /* 2. eight writers of July's time and usage (a quarter of their requests failed at one of
     *    their first statements) and two runs for August 1st, half of them failed at a random
     *    statement, all at once; then a clean run */
    enum { WRITERS = 8, RUNNERS = 2, JOBS = WRITERS + RUNNERS };
    atomic_long invoices = 0, whours = 0, wunits = 0, first_bad = 0;
    atomic_int bad = 0, faults = 0, busy = 0;
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, JOBS);
    Job jobs[JOBS];
    pthread_t th[JOBS];
    for (int i = 0; i < JOBS; i++) {
        jobs[i] = (Job){.s = &s, .start = &start, .year = YEAR, .seed = 101 + i, .invoices = &invoices, .bad = &bad,
                        .hours = &whours, .units = &wunits, .faults_seen = &faults, .busy = &busy,
                        .first_bad = &first_bad, .faults = true,
                        .rounds = i < WRITERS ? 30 : 6};
        cr_assert_eq(pthread_create(&th[i], NULL, i < WRITERS ? write_job : run_job, &jobs[i]), 0);
    }
    for (int i = 0; i < JOBS; i++)
        pthread_join(th[i], NULL);
    pthread_barrier_destroy(&start);
    cr_assert_eq(bad, 0, "%d answers were neither a success, the injected fault nor \"retry\" (the first: %ld)", (int)bad,
                 (long)first_bad);
    cr_log_info("under load: %d requests failed by injected faults, %d answered \"retry the request\"", (int)faults,
                (int)busy);
    cr_assert_eq(sql_num(INVOICE_MATCHES_RECORDS, s.tenant), 0, "an invoice and its records disagree");
    json_decref(it_json(&s.t, 201, "POST", "/api/v1/billing/runs", "{\"date\": \"2044-08-01\"}"));

    /* every record a writer was told was written exists and was billed once; failed writes left nothing */
    cr_assert_eq(sql_num("SELECT COALESCE(SUM(quantity), 0) / 1000000 FROM usage_records WHERE tenant_id = '%s'"
                         " AND usage_date >= '2044-07-01'",
                         s.tenant),
                 (long long)wunits);
    cr_assert_eq(sql_num("SELECT COALESCE(SUM(duration), 0) / 60 FROM time_entries WHERE tenant_id = '%s'"
                         " AND work_date >= '2044-07-01'",
                         s.tenant),
                 (long long)whours);
    cr_assert_eq(sql_num("SELECT COUNT(*) FROM usage_records WHERE tenant_id = '%s' AND billed_at IS NULL", s.tenant), 0);
    cr_assert_eq(sql_num("SELECT COUNT(*) FROM time_entries WHERE tenant_id = '%s' AND billed_at IS NULL", s.tenant), 0);
    cr_assert_eq(line_sum(&s, "usage"), ((long long)N * 10 + (long long)wunits) * 200);
    cr_assert_eq(line_sum(&s, "time"), ((long long)N + (long long)whours) * 12000);
    cr_assert_eq(line_sum(&s, "fixed"), 3LL * N * 30000, "May, June and July, once each");
    check_invariants(&s);
    shop_free(&s);
}

/* A bill run commits chunk by chunk (Endpoint.own_tx), so the request's Idempotency-Key is claimed
 * before the run and would say "still running" for ever after a run that failed. A failed run frees
 * its key: the same request with the same key runs (and bills) then, and is replayed after that. */
Test(billing, a_run_that_failed_frees_its_idempotency_key, .timeout = 300)
{
    enum { N = 2, YEAR = 2045 };
    Shop s;
    shop_new(&s, "billidem", N, YEAR);
    int failed = 0;
    for (int nth = 1; nth <= 400; nth++) {
        char fault[64], key[80];
        snprintf(fault, sizeof fault, "X-Remit-Fault-Store: %d", nth);
        snprintf(key, sizeof key, "Idempotency-Key: run-%d", nth);
        json_t *out = NULL;
        long st = call2(&s.t, "POST", "/api/v1/billing/runs", "{\"date\": \"2045-06-01\"}", fault, key, &out);
        json_decref(out);
        if (st != 503)
            break;
        failed++;
        /* the same key, no fault: the run runs, it is not "still running" */
        json_t *again = NULL;
        st = call(&s.t, "POST", "/api/v1/billing/runs", "{\"date\": \"2045-06-01\"}", key, &again);
        cr_assert_eq(st, 201, "after a run failed at statement %d, its key answered %ld", nth, st);
        json_t *replay = NULL;
        cr_assert_eq(call(&s.t, "POST", "/api/v1/billing/runs", "{\"date\": \"2045-06-01\"}", key, &replay), 201);
        cr_assert(json_equal(again, replay), "the key's second use replays the first answer");
        json_decref(again);
        json_decref(replay);
    }
    cr_assert(failed > 3, "runs failed at their early statements answer 503 (%d did)", failed);
    cr_assert_eq(sql_num("SELECT COUNT(*) FROM invoices WHERE tenant_id = '%s'", s.tenant), N, "May, billed once each");
    check_invariants(&s);
    shop_free(&s);
}
