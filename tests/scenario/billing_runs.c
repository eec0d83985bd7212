/* tests/scenario/billing_runs.c — the bill run's acceptance tests that need many clients at
 * once or a process killed mid-run (issue 5), on whichever store the suite runs:
 *  - two (four) bill runs for the same date started at once produce each invoice once;
 *  - `kill -9` of a `remit bill-run` process in the middle of a run, then a rerun, gives the
 *    same invoices as an uninterrupted run, compared field by field;
 *  - the preview of a customer equals the invoice the run then makes, field by field.
 * Every assignment here has an end date, so runs of other dates (the CLI bills every tenant)
 * never bill these tenants again. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/scenario/invoicing_helpers.h"

/* A monthly plan of two fixed services (300.00 and 45.50 x 2) and n customers assigned from a
 * day of June of `year` to August 20; returns the customer ids. Each test uses its own year, so
 * the CLI runs of one test (which bill every tenant) never reach another test's cycles. */
static char **setup(ItTenant *t, const char *tag, int n, int year)
{
    it_tenant_new(t, tag);
    json_t *s1 = it_json(t, 201, "POST", "/api/v1/services", "{\"name\": \"Care\", \"service_type\": \"fixed\", \"default_rate\": \"300\"}");
    json_t *s2 = it_json(t, 201, "POST", "/api/v1/services", "{\"name\": \"Backup\", \"service_type\": \"fixed\", \"default_rate\": \"45.5\"}");
    json_t *p = it_json(t, 201, "POST", "/api/v1/billing_plans",
                        "{\"plan_name\": \"Monthly\", \"billing_frequency\": \"monthly\", \"plan_type\": \"fixed\"}");
    char path[256];
    snprintf(path, sizeof path, "/api/v1/billing_plans/%s/services", it_str(p, "id"));
    json_decref(it_pack(t, 201, "POST", path, json_pack("{s:s}", "service_id", it_str(s1, "id"))));
    json_decref(it_pack(t, 201, "POST", path, json_pack("{s:s, s:i}", "service_id", it_str(s2, "id"), "quantity", 2)));
    char **ids = calloc((size_t)n, sizeof *ids);
    for (int i = 0; i < n; i++) {
        char code[32];
        snprintf(code, sizeof code, "B%03d", i);
        ids[i] = it_customer(t, code, NULL, NULL);
        char start[11], end[11];
        snprintf(start, sizeof start, "%04d-06-%02d", year, 1 + i % 28);
        snprintf(end, sizeof end, "%04d-08-20", year);
        json_decref(it_pack(t, 201, "POST", "/api/v1/customer_billing_plans",
                            json_pack("{s:s, s:s, s:s, s:s}", "customer_id", ids[i], "plan_id", it_str(p, "id"),
                                      "start_date", start, "end_date", end)));
    }
    json_decref(s1);
    json_decref(s2);
    json_decref(p);
    return ids;
}

/* The tenant's invoices, oldest number first, with their lines. */
static json_t *invoices(ItTenant *t)
{
    json_t *r = it_json(t, 200, "GET", "/api/v1/invoices?limit=500&order=sequence_number", NULL);
    json_t *d = json_incref(json_object_get(r, "data"));
    json_decref(r);
    return d;
}

static const char *const invoice_fields[] = {"invoice_number", "invoice_date", "status", "currency", "subtotal",
                                             "tax_total", "total", "balance_due", "billing_period_start",
                                             "billing_period_end", "billing_name", NULL};
static const char *const line_fields[] = {"description", "quantity", "rate", "amount", "tax_rate", "tax_amount",
                                          "total", "charge_kind", "period_start", "period_end", "gross_amount",
                                          "discount_amount", NULL};

static void same_fields(json_t *a, json_t *b, const char *const *fields, const char *what)
{
    for (int i = 0; fields[i]; i++) {
        json_t *x = json_object_get(a, fields[i]), *y = json_object_get(b, fields[i]);
        cr_assert(json_equal(x, y), "%s: %s differs: %s vs %s", what, fields[i], json_dumps(x, JSON_ENCODE_ANY),
                  json_dumps(y, JSON_ENCODE_ANY));
    }
}

static void same_invoices(json_t *a, json_t *b)
{
    cr_assert_eq(json_array_size(a), json_array_size(b), "invoice counts differ: %zu vs %zu", json_array_size(a),
                 json_array_size(b));
    for (size_t i = 0; i < json_array_size(a); i++) {
        json_t *x = json_array_get(a, i), *y = json_array_get(b, i);
        same_fields(x, y, invoice_fields, "invoice");
        json_t *lx = json_object_get(x, "lines"), *ly = json_object_get(y, "lines");
        cr_assert_eq(json_array_size(lx), json_array_size(ly));
        for (size_t k = 0; k < json_array_size(lx); k++)
            same_fields(json_array_get(lx, k), json_array_get(ly, k), line_fields, "line");
    }
}

Test(billing, concurrency_two_bill_runs_for_the_same_date_at_once_produce_each_invoice_once, .timeout = 300)
{
    enum { N = 6, RUNS = 4 };
    ItTenant t;
    char **ids = setup(&t, "billrun-concurrent", N, 2041);
    long long made = it_runs_at_once(&t, "2041-07-01", RUNS);
    cr_assert_eq(made, N, "the runs together made %lld invoices for %d customers", made, N);
    json_t *inv = invoices(&t);
    cr_assert_eq(json_array_size(inv), (size_t)N, "each customer is invoiced once");
    for (size_t i = 0; i < json_array_size(inv); i++)
        cr_assert_eq(json_array_size(json_object_get(json_array_get(inv, i), "lines")), 2);
    json_decref(inv);
    for (int i = 0; i < N; i++)
        free(ids[i]);
    free(ids);
}

Test(billing, the_preview_of_a_customer_equals_the_invoice_the_run_then_makes, .timeout = 120)
{
    ItTenant t;
    char **ids = setup(&t, "billrun-preview", 3, 2042);
    json_t *pv[3];
    for (int i = 0; i < 3; i++)
        pv[i] = it_pack(&t, 200, "POST", "/api/v1/billing/preview",
                        json_pack("{s:s, s:s, s:s}", "customer_id", ids[i], "period_start", "2042-06-01",
                                  "period_end", "2042-07-01"));
    json_decref(it_json(&t, 201, "POST", "/api/v1/billing/runs", "{\"date\": \"2042-07-01\"}"));
    static const char *const totals[] = {"invoice_date", "currency", "subtotal", "tax_total", "total",
                                         "discount_total", NULL};
    static const char *const lines[] = {"description", "service_id", "quantity", "rate", "amount", "gross_amount",
                                        "discount_amount", "tax_amount", "total", "calculation", NULL};
    for (int i = 0; i < 3; i++) {
        char path[200];
        snprintf(path, sizeof path, "/api/v1/invoices?customer_id=%s", ids[i]);
        json_t *r = it_json(&t, 200, "GET", path, NULL);
        json_t *inv = json_array_get(json_object_get(r, "data"), 0);
        cr_assert(inv, "customer %d was invoiced", i);
        same_fields(pv[i], inv, totals, "preview vs invoice");
        json_t *pl = json_object_get(pv[i], "lines"), *il = json_object_get(inv, "lines");
        cr_assert_eq(json_array_size(pl), json_array_size(il));
        for (size_t k = 0; k < json_array_size(pl); k++) {
            json_t *ilk = json_array_get(il, k);
            json_t *calc = json_object_get(ilk, "calculation");
            if (json_is_string(calc)) {   /* stored JSON text on some paths */
                json_t *parsed = json_loads(json_string_value(calc), 0, NULL);
                json_object_set_new(ilk, "calculation", parsed);
            }
            same_fields(json_array_get(pl, k), ilk, lines, "preview line vs invoice line");
        }
        json_decref(r);
        json_decref(pv[i]);
        free(ids[i]);
    }
    free(ids);
}

static long long count_invoices(ItTenant *t)
{
    json_t *r = it_json(t, 200, "GET", "/api/v1/invoices?limit=500", NULL);
    long long n = (long long)json_array_size(json_object_get(r, "data"));
    json_decref(r);
    return n;
}

static int cli_run(const char *date, pid_t *pid_out)
{
    const char *bin = getenv("REMIT_TEST_BIN"), *db = getenv("REMIT_TEST_DB"), *work = getenv("REMIT_TEST_WORK");
    cr_assert(bin && db && work, "REMIT_TEST_BIN, REMIT_TEST_DB and REMIT_TEST_WORK are needed");
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        char dd[1024];
        snprintf(dd, sizeof dd, "%s/billrun-cli", work);
        setenv("REMIT_TEST_MODE", "1", 1);
        setenv("REMIT_LOG_LEVEL", "error", 1);
        execl(bin, bin, "bill-run", "--date", date, "--db", db, "--data-dir", dd, (char *)NULL);
        _exit(127);
    }
    if (pid_out) {
        *pid_out = pid;
        return 0;
    }
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

Test(billing, concurrency_kill_9_of_remit_bill_run_mid_run_then_a_rerun_gives_the_same_invoices_as_an_uninterrupted_run,
     .timeout = 600)
{
    enum { N = 40 };
    ItTenant killed, whole;
    char **a = setup(&killed, "billrun-killed", N, 2040);
    char **b = setup(&whole, "billrun-whole", N, 2040);
    /* the interrupted run: killed as soon as the first invoices of the first tenant exist */
    pid_t pid;
    cli_run("2040-08-01", &pid);
    long long seen = 0;
    for (int i = 0; i < 20000 && seen == 0; i++) {
        seen = count_invoices(&killed) + count_invoices(&whole);
        if (seen == 0)
            usleep(2000);
    }
    kill(pid, SIGKILL);
    int st = 0;
    waitpid(pid, &st, 0);
    long long after_kill = count_invoices(&killed) + count_invoices(&whole);
    cr_log_info("killed after %lld of %d invoices", after_kill, 2 * N);
    /* the rerun finishes what the killed run left */
    cr_assert_eq(cli_run("2040-08-01", NULL), 0, "the rerun succeeds");
    json_t *x = invoices(&killed), *y = invoices(&whole);
    cr_assert_eq(json_array_size(x), (size_t)N, "every customer of the interrupted tenant invoiced once");
    same_invoices(x, y);
    /* and a third run changes nothing */
    cr_assert_eq(cli_run("2040-08-01", NULL), 0);
    cr_assert_eq(count_invoices(&killed), N);
    cr_assert_eq(count_invoices(&whole), N);
    json_decref(x);
    json_decref(y);
    for (int i = 0; i < N; i++) {
        free(a[i]);
        free(b[i]);
    }
    free(a);
    free(b);
}
