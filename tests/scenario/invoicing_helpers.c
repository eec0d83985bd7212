/* tests/scenario/invoicing_helpers.c — see invoicing_helpers.h.
 * Exports it_tenant_new, it_login, it_call, it_json, it_pack, it_customer,
 * it_invoice, it_finalize, it_runs_at_once, it_str, it_money, it_cents. */
#include "tests/scenario/invoicing_helpers.h"

#include <criterion/criterion.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static atomic_int seq;

static const char *base_url(void)
{
    const char *b = getenv("REMIT_TEST_BASE");
    cr_assert_not_null(b, "REMIT_TEST_BASE is not set (run through scripts/api-suite.sh)");
    return b;
}

void it_call(ItTenant *t, HttpResult *r, const char *method, const char *path, const char *body,
                 const char *extra)
{
    char auth[1100], ip[64];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", t->token);
    snprintf(ip, sizeof ip, "X-Remit-Test-Ip: %s", t->ip);
    const char *hdrs[4] = {ip, t->token[0] ? auth : NULL, NULL, NULL};
    if (!t->token[0])
        hdrs[1] = extra;
    else
        hdrs[2] = extra;
    int rc = http_call(r, t->base, method, path, hdrs, body);
    cr_assert_eq(rc, 0, "%s %s: no response: %s", method, path, r->error);
}

json_t *it_json(ItTenant *t, long want, const char *method, const char *path, const char *body)
{
    HttpResult r;
    it_call(t, &r, method, path, body, NULL);
    cr_assert_eq(r.status, want, "%s %s: expected %ld, got %ld: %s", method, path, want, r.status, r.body);
    json_t *j = r.json ? json_incref(r.json) : NULL;
    http_result_free(&r);
    return j;
}

json_t *it_pack(ItTenant *t, long want, const char *method, const char *path, json_t *body)
{
    char *s = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    json_t *j = it_json(t, want, method, path, s);
    free(s);
    return j;
}

static void sign_in(ItTenant *t, const char *path, json_t *body)
{
    char tok[1024];
    t->token[0] = '\0';
    json_t *j = it_pack(t, strcmp(path, "/api/v1/auth/signup") == 0 ? 201 : 200, "POST", path, body);
    snprintf(tok, sizeof tok, "%s", it_str(j, "access_token"));
    json_decref(j);
    snprintf(t->token, sizeof t->token, "%s", tok);
}

void it_tenant_new(ItTenant *t, const char *tag)
{
    memset(t, 0, sizeof *t);
    t->base = base_url();
    int n = atomic_fetch_add(&seq, 1);
    unsigned r = (unsigned)getpid() * 2654435761u + (unsigned)n * 40503u;
    snprintf(t->ip, sizeof t->ip, "10.%u.%u.%u", 100 + (r >> 24) % 100, (r >> 16) & 255, (r >> 8) & 255);
    snprintf(t->email, sizeof t->email, "owner-%s-%u-%d@scenario.example", tag, (unsigned)getpid(), n);
    char name[128];
    snprintf(name, sizeof name, "Scenario %s %u %d", tag, (unsigned)getpid(), n);
    sign_in(t, "/api/v1/auth/signup",
            json_pack("{s:s, s:s, s:s}", "tenant_name", name, "email", t->email, "password", "correct horse battery"));
    json_decref(it_pack(t, 201, "POST", "/api/v1/company_profiles",
                            json_pack("{s:s, s:s, s:s}", "name", "Acme Consulting Pvt Ltd", "address",
                                      "12 MG Road, Pune 411001", "gst_number", "27AAPFU0939F1ZV")));
}

void it_login(ItTenant *t)
{
    sign_in(t, "/api/v1/auth/login",
            json_pack("{s:s, s:s}", "email", t->email, "password", "correct horse battery"));
}

char *it_customer(ItTenant *t, const char *code, const char *gstin, const char *state_code)
{
    json_t *b = json_pack("{s:s, s:s}", "name", code, "code", code);
    if (gstin)
        json_object_set_new(b, "gst_number", json_string(gstin));
    if (state_code)
        json_object_set_new(b, "state_code", json_string(state_code));
    json_t *j = it_pack(t, 201, "POST", "/api/v1/customers", b);
    char *id = strdup(it_str(j, "id"));
    json_decref(j);
    return id;
}

char *it_invoice(ItTenant *t, const char *customer, const char *qty, const char *rate, const char *tax_rate,
                   const char *invoice_date, const char *due_date)
{
    json_t *b = json_pack("{s:s, s:[{s:s, s:s, s:s, s:s}]}", "customer_id", customer, "lines", "description",
                          "Consulting services", "quantity", qty, "rate", rate, "tax_rate", tax_rate);
    if (invoice_date)
        json_object_set_new(b, "invoice_date", json_string(invoice_date));
    if (due_date)
        json_object_set_new(b, "due_date", json_string(due_date));
    json_t *j = it_pack(t, 201, "POST", "/api/v1/invoices", b);
    char *id = strdup(it_str(j, "id"));
    json_decref(j);
    return id;
}

json_t *it_finalize(ItTenant *t, const char *invoice)
{
    char path[256];
    snprintf(path, sizeof path, "/api/v1/invoices/%s/finalize", invoice);
    return it_json(t, 200, "POST", path, NULL);
}

typedef struct RunJob {
    ItTenant *t;
    const char *body;
    pthread_barrier_t *start;
    long status;
    long long invoices;
} RunJob;

static void *run_job(void *arg)
{
    RunJob *j = arg;
    pthread_barrier_wait(j->start);
    HttpResult r;
    it_call(j->t, &r, "POST", "/api/v1/billing/runs", j->body, NULL);
    j->status = r.status;
    j->invoices = r.json ? json_integer_value(json_object_get(r.json, "invoices_created")) : -1;
    http_result_free(&r);
    return NULL;
}

long long it_runs_at_once(ItTenant *t, const char *date, int n)
{
    enum { MAX_RUNS = 16 };
    cr_assert(n >= 1 && n <= MAX_RUNS);
    char body[64];
    snprintf(body, sizeof body, "{\"date\": \"%s\"}", date);
    pthread_t th[MAX_RUNS];
    RunJob jobs[MAX_RUNS];
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, (unsigned)n);
    for (int i = 0; i < n; i++) {
        jobs[i] = (RunJob){.t = t, .body = body, .start = &start};
        cr_assert_eq(pthread_create(&th[i], NULL, run_job, &jobs[i]), 0);
    }
    long long made = 0;
    for (int i = 0; i < n; i++)
        pthread_join(th[i], NULL);
    pthread_barrier_destroy(&start);
    for (int i = 0; i < n; i++) {   /* asserted here, on the test's own thread */
        cr_assert_eq(jobs[i].status, 201, "a run answered %ld", jobs[i].status);
        made += jobs[i].invoices;
    }
    return made;
}

const char *it_str(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

long long it_cents(const char *s)
{
    cr_assert_not_null(s);
    long long sign = 1, v = 0;
    if (*s == '-') {
        sign = -1;
        s++;
    }
    int frac = -1;
    for (; *s; s++) {
        if (*s == '.') {
            frac = 0;
            continue;
        }
        v = v * 10 + (*s - '0');
        if (frac >= 0)
            frac++;
    }
    if (frac < 0)
        frac = 0;
    for (; frac < 2; frac++)
        v *= 10;
    return sign * v;
}

long long it_money(json_t *o, const char *key)
{
    const char *s = it_str(o, key);
    cr_assert_not_null(s, "field %s missing", key);
    return it_cents(s);
}
