/* tests/scenario/invoicing_concurrency.c — the acceptance tests of invoicing that need many
 * clients at once or fault injection, on whichever store the suite runs (both, in
 * scripts/test): 32 concurrent finalizations numbered 1..32 without a gap, a finalization that
 * fails at any store call leaves no gap, 8 concurrent allocations never exceed an invoice's
 * balance nor a receipt's amount. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/scenario/invoicing_helpers.h"

#define N_FINALIZE 32

typedef struct Job {
    ItTenant *t;
    const char *method;
    char path[256];
    char *body;
    long status;
    char out[256];          /* a field of the answer */
    const char *field;
    pthread_barrier_t *start;
} Job;

static void *run_job(void *arg)
{
    Job *j = arg;
    pthread_barrier_wait(j->start);
    HttpResult r;
    char ip[64], auth[1100];
    snprintf(ip, sizeof ip, "X-Remit-Test-Ip: %s", j->t->ip);
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", j->t->token);
    const char *hdrs[] = {ip, auth, NULL};
    if (http_call(&r, j->t->base, j->method, j->path, hdrs, j->body) == 0) {
        j->status = r.status;
        const char *v = r.json ? json_string_value(json_object_get(r.json, j->field)) : NULL;
        if (!v && r.json)
            v = json_string_value(json_object_get(json_object_get(r.json, "error"), "code"));
        snprintf(j->out, sizeof j->out, "%s", v ? v : "");
    }
    http_result_free(&r);
    return NULL;
}

static void run_all(Job *jobs, int n)
{
    pthread_t th[64];
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, (unsigned)n);
    for (int i = 0; i < n; i++) {
        jobs[i].start = &start;
        cr_assert_eq(pthread_create(&th[i], NULL, run_job, &jobs[i]), 0);
    }
    for (int i = 0; i < n; i++)
        pthread_join(th[i], NULL);
    pthread_barrier_destroy(&start);
}

/* "INV/2030-31/0017" -> 17 */
static int seq_of(const char *number)
{
    const char *slash = strrchr(number, '/');
    return slash ? (int)strtol(slash + 1, NULL, 10) : -1;
}

Test(invoicing, finalize_32_concurrent_finalizations_are_numbered_1_to_32_without_gap_or_duplicate, .timeout = 300)
{
    ItTenant t;
    it_tenant_new(&t, "concurrent-finalize");
    char *cust = it_customer(&t, "C32", "29AAGCB7383J1Z4", NULL);
    char *ids[N_FINALIZE];
    Job jobs[N_FINALIZE];
    for (int i = 0; i < N_FINALIZE; i++) {
        ids[i] = it_invoice(&t, cust, "1", "100", "18", "2030-06-01", NULL);
        jobs[i] = (Job){.t = &t, .method = "POST", .field = "invoice_number"};
        snprintf(jobs[i].path, sizeof jobs[i].path, "/api/v1/invoices/%s/finalize", ids[i]);
    }
    run_all(jobs, N_FINALIZE);
    bool seen[N_FINALIZE + 1] = {false};
    for (int i = 0; i < N_FINALIZE; i++) {
        cr_expect_eq(jobs[i].status, 200, "finalization %d answered %ld (%s)", i, jobs[i].status, jobs[i].out);
        int s = seq_of(jobs[i].out);
        cr_assert(s >= 1 && s <= N_FINALIZE, "number %s is outside 1..%d", jobs[i].out, N_FINALIZE);
        cr_expect(!seen[s], "number %s was given twice", jobs[i].out);
        seen[s] = true;
        char want[32];
        snprintf(want, sizeof want, "INV/2030-31/%04d", s);
        cr_expect_str_eq(jobs[i].out, want);
    }
    for (int s = 1; s <= N_FINALIZE; s++)
        cr_expect(seen[s], "number %d is missing: a gap", s);
    for (int i = 0; i < N_FINALIZE; i++)
        free(ids[i]);
    free(cust);
}

Test(invoicing, finalize_a_finalization_failing_at_any_store_call_leaves_no_gap, .timeout = 300)
{
    ItTenant t;
    it_tenant_new(&t, "fault-finalize");
    char *cust = it_customer(&t, "CF", NULL, "27");
    char *first = it_invoice(&t, cust, "1", "100", "18", "2030-06-01", NULL);
    json_t *j = it_finalize(&t, first);
    cr_expect_str_eq(it_str(j, "invoice_number"), "INV/2030-31/0001");
    json_decref(j);
    char *second = it_invoice(&t, cust, "2", "50", "18", "2030-06-02", NULL);
    char path[256], get[256];
    snprintf(path, sizeof path, "/api/v1/invoices/%s/finalize", second);
    snprintf(get, sizeof get, "/api/v1/invoices/%s", second);
    int failures = 0;
    bool done = false;
    for (int nth = 1; nth <= 200 && !done; nth++) {
        char fault[64];
        snprintf(fault, sizeof fault, "X-Remit-Fault-Store: %d", nth);
        HttpResult r;
        it_call(&t, &r, "POST", path, NULL, fault);
        if (r.status == 200) {
            done = true;
            cr_expect_str_eq(it_str(r.json, "invoice_number"), "INV/2030-31/0002",
                             "after %d failed attempts the number must still be 2", failures);
        } else {
            failures++;
            cr_expect_eq(r.status, 503, "fault at store call %d: expected 503, got %ld: %s", nth, r.status, r.body);
            json_t *inv = it_json(&t, 200, "GET", get, NULL);
            cr_expect_str_eq(it_str(inv, "status"), "draft", "a failed finalization changed nothing (call %d)", nth);
            cr_expect(json_is_null(json_object_get(inv, "invoice_number")));
            json_decref(inv);
        }
        http_result_free(&r);
    }
    cr_assert(done, "the finalization never succeeded");
    cr_expect_gt(failures, 5, "the fault was injected at every store call of the finalization (%d)", failures);
    char *third = it_invoice(&t, cust, "1", "10", "18", "2030-06-03", NULL);
    j = it_finalize(&t, third);
    cr_expect_str_eq(it_str(j, "invoice_number"), "INV/2030-31/0003");
    json_decref(j);
    free(first);
    free(second);
    free(third);
    free(cust);
}

Test(invoicing, allocation_8_concurrent_allocations_never_exceed_the_invoice_balance, .timeout = 300)
{
    ItTenant t;
    it_tenant_new(&t, "concurrent-allocate");
    char *cust = it_customer(&t, "CA", NULL, "27");
    char *inv = it_invoice(&t, cust, "1", "1000", "0", "2030-06-01", "2030-07-01");
    json_decref(it_finalize(&t, inv));
    Job jobs[8];
    for (int i = 0; i < 8; i++) {
        json_t *r = it_pack(&t, 201, "POST", "/api/v1/receipts",
                            json_pack("{s:s, s:s, s:s}", "customer_id", cust, "amount", "300", "receipt_date", "2030-06-10"));
        jobs[i] = (Job){.t = &t, .method = "POST", .field = "allocated_amount"};
        snprintf(jobs[i].path, sizeof jobs[i].path, "/api/v1/receipt_allocations");
        json_t *b = json_pack("{s:s, s:s, s:s}", "receipt_id", it_str(r, "id"), "invoice_id", inv, "allocated_amount", "300");
        jobs[i].body = json_dumps(b, JSON_COMPACT);
        json_decref(b);
        json_decref(r);
    }
    run_all(jobs, 8);
    long long allocated = 0;
    int ok = 0;
    for (int i = 0; i < 8; i++) {
        if (jobs[i].status == 201) {
            ok++;
            allocated += it_cents(jobs[i].out);
        } else {
            cr_expect(jobs[i].status == 409 || jobs[i].status == 422, "a rejected allocation answered %ld (%s)",
                      jobs[i].status, jobs[i].out);
        }
        free(jobs[i].body);
    }
    cr_expect_eq(ok, 3, "1000.00 takes three allocations of 300.00, not %d", ok);
    cr_expect_leq(allocated, 100000, "the balance was exceeded: %lld allocated", allocated);
    char path[256];
    snprintf(path, sizeof path, "/api/v1/invoices/%s", inv);
    json_t *j = it_json(&t, 200, "GET", path, NULL);
    cr_expect_eq(it_money(j, "paid_amount"), allocated);
    cr_expect_eq(it_money(j, "balance_due"), 100000 - allocated);
    cr_expect_str_eq(it_str(j, "status"), "partially_paid");
    json_decref(j);
    snprintf(path, sizeof path, "/api/v1/receipt_allocations?invoice_id=%s&limit=100", inv);
    j = it_json(&t, 200, "GET", path, NULL);
    long long sum = 0;
    size_t k;
    json_t *a;
    json_array_foreach(json_object_get(j, "data"), k, a) sum += it_money(a, "allocated_amount");
    cr_expect_eq(sum, allocated, "the stored allocations add up to what was accepted");
    json_decref(j);
    free(inv);
    free(cust);
}

Test(invoicing, allocation_8_concurrent_allocations_never_exceed_the_receipt_amount, .timeout = 300)
{
    ItTenant t;
    it_tenant_new(&t, "concurrent-receipt");
    char *cust = it_customer(&t, "CR", NULL, "27");
    json_t *r = it_pack(&t, 201, "POST", "/api/v1/receipts",
                        json_pack("{s:s, s:s, s:s}", "customer_id", cust, "amount", "500", "receipt_date", "2030-06-10"));
    char *receipt = strdup(it_str(r, "id"));
    json_decref(r);
    Job jobs[8];
    char *invs[8];
    for (int i = 0; i < 8; i++) {
        invs[i] = it_invoice(&t, cust, "1", "100", "0", "2030-06-01", "2030-07-01");
        json_decref(it_finalize(&t, invs[i]));
        jobs[i] = (Job){.t = &t, .method = "POST", .field = "allocated_amount"};
        snprintf(jobs[i].path, sizeof jobs[i].path, "/api/v1/receipt_allocations");
        json_t *b = json_pack("{s:s, s:s, s:s}", "receipt_id", receipt, "invoice_id", invs[i], "allocated_amount", "100");
        jobs[i].body = json_dumps(b, JSON_COMPACT);
        json_decref(b);
    }
    run_all(jobs, 8);
    int ok = 0;
    for (int i = 0; i < 8; i++) {
        ok += jobs[i].status == 201;
        cr_expect(jobs[i].status == 201 || jobs[i].status == 409 || jobs[i].status == 422, "answered %ld (%s)",
                  jobs[i].status, jobs[i].out);
        free(jobs[i].body);
        free(invs[i]);
    }
    cr_expect_eq(ok, 5, "500.00 pays five invoices of 100.00, not %d", ok);
    char path[256];
    snprintf(path, sizeof path, "/api/v1/receipts/%s", receipt);
    json_t *j = it_json(&t, 200, "GET", path, NULL);
    cr_expect_str_eq(it_str(j, "allocated_amount"), "500.00");
    cr_expect_str_eq(it_str(j, "unallocated_amount"), "0.00");
    json_decref(j);
    free(receipt);
    free(cust);
}
