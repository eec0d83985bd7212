/* bench/invoicing_load.c — the HTTP load of the invoicing benchmark (bench/invoicing.sh).
 *
 *   invoicing_load setup BASE            sign up a tenant with a company profile; prints
 *                                        "TOKEN SLUG IP TENANT_ID" (the script then lifts the
 *                                        trial's limits with `remit tenant activate`)
 *   invoicing_load flow BASE TOKEN IP N CONC   N drafts and N receipts (not timed), then N
 *                                        finalize + allocate pairs from CONC clients (timed)
 *   invoicing_load pdf BASE TOKEN IP N CONC    N PDFs of a 10-line invoice from CONC clients
 *   invoicing_load customers BASE TOKEN IP N   creates N customers (the aging data set)
 *   invoicing_load aging BASE TOKEN IP AS_OF RUNS   times GET /api/v1/reports/aging RUNS times
 *
 * Prints one "name value unit" line per figure. Each client thread keeps its connection alive
 * (HttpClient). Not a test: it measures; bench/invoicing.sh records the figures.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tests/api/client.h"

static const char *base;
static char token[1024];
static char ip[32];

static int num(const char *s)
{
    return (int)strtol(s, NULL, 10);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static json_t *call(HttpClient *c, const char *method, const char *path, const char *body, long want)
{
    char auth[1100], ipl[64];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
    snprintf(ipl, sizeof ipl, "X-Remit-Test-Ip: %s", ip);
    const char *hdrs[] = {ipl, token[0] ? auth : NULL, NULL};
    HttpRequest req = {.base = base, .method = method, .path = path, .headers = hdrs, .body = body,
                       .timeout_ms = 600000};
    HttpResult r;
    int rc = c ? http_client_call(c, &r, &req) : http_call_ex(&r, &req);
    if (rc < 0 || r.status != want) {
        fprintf(stderr, "%s %s: %ld %s %s\n", method, path, r.status, r.error, r.body ? r.body : "");
        exit(1);
    }
    json_t *j = r.json ? json_incref(r.json) : NULL;
    http_result_free(&r);
    return j;
}

static json_t *pack_call(HttpClient *c, const char *method, const char *path, json_t *body, long want)
{
    char *s = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    json_t *j = call(c, method, path, s, want);
    free(s);
    return j;
}

static const char *str(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static void signup(const char *tag)
{
    snprintf(ip, sizeof ip, "10.250.%d.%d", getpid() % 250, (int)(time(NULL) % 250));
    char name[128], email[128];
    snprintf(name, sizeof name, "Bench %s %d %ld", tag, getpid(), (long)time(NULL));
    snprintf(email, sizeof email, "bench-%s-%d-%ld@bench.example", tag, getpid(), (long)time(NULL));
    token[0] = '\0';
    json_t *j = pack_call(NULL, "POST", "/api/v1/auth/signup",
                          json_pack("{s:s, s:s, s:s}", "tenant_name", name, "email", email, "password", "bench password 1"),
                          201);
    snprintf(token, sizeof token, "%s", str(j, "access_token"));
    json_decref(j);
    json_decref(pack_call(NULL, "POST", "/api/v1/company_profiles",
                          json_pack("{s:s, s:s, s:s}", "name", "Bench Pvt Ltd", "address", "Pune", "gst_number",
                                    "27AAPFU0939F1ZV"),
                          201));
}

static char *customer(HttpClient *c, int i)
{
    char code[32];
    snprintf(code, sizeof code, "B%06d", i);
    json_t *j = pack_call(c, "POST", "/api/v1/customers",
                          json_pack("{s:s, s:s, s:s}", "name", code, "code", code, "gst_number", "29AAGCB7383J1Z4"), 201);
    char *id = strdup(str(j, "id"));
    json_decref(j);
    return id;
}

typedef struct Work {
    char **inv, **rec;
    int n;
    atomic_int next;
} Work;

static void *flow_worker(void *arg)
{
    Work *w = arg;
    HttpClient *c = http_client_new();
    for (int i; (i = atomic_fetch_add(&w->next, 1)) < w->n;) {
        char path[256];
        snprintf(path, sizeof path, "/api/v1/invoices/%s/finalize", w->inv[i]);
        json_t *f = call(c, "POST", path, NULL, 200);
        json_t *a = pack_call(c, "POST", "/api/v1/receipt_allocations",
                              json_pack("{s:s, s:s, s:s}", "receipt_id", w->rec[i], "invoice_id", w->inv[i],
                                        "allocated_amount", str(f, "total")),
                              201);
        json_decref(a);
        json_decref(f);
    }
    http_client_free(c);
    return NULL;
}

static int flow(int n, int conc)
{
    char *cust = customer(NULL, 0);
    Work w = {.inv = calloc((size_t)n, sizeof(char *)), .rec = calloc((size_t)n, sizeof(char *)), .n = n};
    HttpClient *c = http_client_new();
    for (int i = 0; i < n; i++) {
        json_t *d = pack_call(c, "POST", "/api/v1/invoices",
                              json_pack("{s:s, s:s, s:[{s:s, s:s, s:s}, {s:s, s:s, s:s, s:s}]}", "customer_id", cust,
                                        "invoice_date", "2030-06-01", "lines", "description", "Retainer", "rate",
                                        "25000", "tax_rate", "18", "description", "Licences", "quantity", "3", "rate",
                                        "33.33", "tax_rate", "18"),
                              201);
        w.inv[i] = strdup(str(d, "id"));
        json_decref(d);
        json_t *r = pack_call(c, "POST", "/api/v1/receipts",
                              json_pack("{s:s, s:s, s:s}", "customer_id", cust, "amount", "29617.99", "receipt_date",
                                        "2030-06-10"),
                              201);
        w.rec[i] = strdup(str(r, "id"));
        json_decref(r);
    }
    http_client_free(c);
    pthread_t th[64];
    double t0 = now_s();
    for (int k = 0; k < conc; k++)
        pthread_create(&th[k], NULL, flow_worker, &w);
    for (int k = 0; k < conc; k++)
        pthread_join(th[k], NULL);
    double dt = now_s() - t0;
    printf("finalize_allocate_invoices_per_s %.1f invoices/s (%d invoices, %d clients, %.2f s)\n", n / dt, n, conc, dt);
    for (int i = 0; i < n; i++)
        free(w.inv[i]), free(w.rec[i]);
    free(w.inv);
    free(w.rec);
    free(cust);
    return 0;
}

typedef struct PdfWork {
    char path[256];
    int n;
    atomic_int next;
    atomic_long bytes;
} PdfWork;

static void *pdf_worker(void *arg)
{
    PdfWork *w = arg;
    HttpClient *c = http_client_new();
    char auth[1100], ipl[64];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
    snprintf(ipl, sizeof ipl, "X-Remit-Test-Ip: %s", ip);
    const char *hdrs[] = {ipl, auth, NULL};
    while (atomic_fetch_add(&w->next, 1) < w->n) {
        HttpRequest req = {.base = base, .method = "GET", .path = w->path, .headers = hdrs, .timeout_ms = 600000};
        HttpResult r;
        if (http_client_call(c, &r, &req) < 0 || r.status != 200) {
            fprintf(stderr, "pdf: %ld %s\n", r.status, r.error);
            exit(1);
        }
        atomic_fetch_add(&w->bytes, (long)r.body_len);
        http_result_free(&r);
    }
    http_client_free(c);
    return NULL;
}

static int pdf(int n, int conc)
{
    char *cust = customer(NULL, 999999);
    json_t *lines = json_array();
    for (int i = 1; i <= 10; i++) {
        char desc[64];
        snprintf(desc, sizeof desc, "Managed service %d, June", i);
        json_array_append_new(lines, json_pack("{s:s, s:s, s:s, s:s, s:s}", "description", desc, "quantity", "3",
                                               "rate", "1234.50", "tax_rate", "18", "sac_code", "998316"));
    }
    json_t *d = pack_call(NULL, "POST", "/api/v1/invoices",
                          json_pack("{s:s, s:s, s:o}", "customer_id", cust, "invoice_date", "2030-06-01", "lines", lines),
                          201);
    PdfWork w = {.n = n};
    snprintf(w.path, sizeof w.path, "/api/v1/invoices/%s/finalize", str(d, "id"));
    json_decref(call(NULL, "POST", w.path, NULL, 200));
    snprintf(w.path, sizeof w.path, "/api/v1/invoices/%s/pdf", str(d, "id"));
    json_decref(d);
    pthread_t th[64];
    double t0 = now_s();
    for (int k = 0; k < conc; k++)
        pthread_create(&th[k], NULL, pdf_worker, &w);
    for (int k = 0; k < conc; k++)
        pthread_join(th[k], NULL);
    double dt = now_s() - t0;
    printf("pdf_invoices_per_s %.1f invoices/s (%d PDFs of 10 lines, %d clients, %.2f s, %ld bytes each)\n", n / dt,
           n, conc, dt, (long)atomic_load(&w.bytes) / n);
    free(cust);
    return 0;
}

static int customers(int n)
{
    HttpClient *c = http_client_new();
    for (int i = 0; i < n; i++)
        free(customer(c, i));
    http_client_free(c);
    return 0;
}

static int setup(void)
{
    signup("bench");
    json_t *t = call(NULL, "GET", "/api/v1/tenant", NULL, 200);
    printf("%s %s %s %s\n", token, str(t, "slug"), ip, str(t, "id"));
    json_decref(t);
    return 0;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int aging(const char *as_of, int runs)
{
    double t[64];
    char path[128];
    snprintf(path, sizeof path, "/api/v1/reports/aging?as_of=%s", as_of);
    size_t rows = 0;
    for (int i = 0; i < runs && i < 64; i++) {
        double t0 = now_s();
        json_t *j = call(NULL, "GET", path, NULL, 200);
        t[i] = now_s() - t0;
        rows = json_array_size(json_object_get(j, "customers"));
        if (i == 0) {
            json_t *tot = json_array_get(json_object_get(j, "totals"), 0);
            printf("aging_total %s (current %s, 1-30 %s, 31-60 %s, 61-90 %s, over 90 %s)\n", str(tot, "total"),
                   str(tot, "current"), str(tot, "days_1_30"), str(tot, "days_31_60"), str(tot, "days_61_90"),
                   str(tot, "days_over_90"));
        }
        json_decref(j);
    }
    qsort(t, (size_t)runs, sizeof t[0], cmp_d);
    printf("aging_api_ms %.1f ms (median of %d, %zu customers)\n", t[runs / 2] * 1000, runs, rows);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: invoicing_load setup|flow|pdf|customers|aging BASE ...\n");
        return 2;
    }
    base = argv[2];
    int rc = 2;
    if (strcmp(argv[1], "setup") == 0 && argc == 3) {
        rc = setup();
    } else if (argc >= 5) {
        snprintf(token, sizeof token, "%s", argv[3]);
        snprintf(ip, sizeof ip, "%s", argv[4]);
        if (strcmp(argv[1], "flow") == 0 && argc == 7)
            rc = flow(num(argv[5]), num(argv[6]));
        else if (strcmp(argv[1], "pdf") == 0 && argc == 7)
            rc = pdf(num(argv[5]), num(argv[6]));
        else if (strcmp(argv[1], "customers") == 0 && argc == 6)
            rc = customers(num(argv[5]));
        else if (strcmp(argv[1], "aging") == 0 && argc == 7)
            rc = aging(argv[5], num(argv[6]));
    }
    if (rc == 2)
        fprintf(stderr, "invoicing_load: bad arguments\n");
    http_global_cleanup();
    return rc;
}
