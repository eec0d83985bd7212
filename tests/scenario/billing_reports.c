/* tests/scenario/billing_reports.c — the revenue report against an independent computation
 * (issue 5, the seed's "reports aggregate financial data accurately across multiple currencies"),
 * on whichever store the suite runs.
 *
 * Base INR. Customers invoiced in INR, USD (83.2517), EUR (90.1234) and JPY (0.5567: no minor
 * unit) get 40 invoices of 1 to 3 random lines (three services, quantity 1..20, random rates,
 * tax 0, 5 or 18%), dated in March 2043; a few stay drafts and one is cancelled. The test reads
 * back each issued invoice's lines and rate and computes, in 128-bit integers of its own, each
 * amount in INR rounded once half up, summed per service and per currency; the report, grouped
 * by service and by category, must agree to the paisa, and its rows must add up to its totals. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/scenario/invoicing_helpers.h"

/* "1234.5" (at most `exp` decimals) as minor units of a currency with that exponent. */
static long long minor(const char *s, int exp)
{
    long long whole = 0, frac = 0;
    int digits = 0;
    bool neg = *s == '-';
    if (neg)
        s++;
    for (; *s && *s != '.'; s++)
        whole = whole * 10 + (*s - '0');
    if (*s == '.')
        for (s++; *s; s++, digits++)
            frac = frac * 10 + (*s - '0');
    cr_assert_leq(digits, exp, "%d decimals in an amount of a currency with %d", digits, exp);
    for (; digits < exp; digits++)
        frac *= 10;
    long long p = 1;
    for (int i = 0; i < exp; i++)
        p *= 10;
    return (neg ? -1 : 1) * (whole * p + frac);
}

/* amount (minor units at exponent exp) x rate (scaled 10^6) in paise, rounded half up. */
static long long to_inr(long long amount, int exp, long long rate6)
{
    __int128 num = (__int128)amount * rate6, den = 1000000;
    for (int i = exp; i < 2; i++)
        num *= 10;
    for (int i = 2; i < exp; i++)
        den *= 10;
    __int128 q = (num + den / 2) / den;
    return (long long)q;
}

typedef struct Sums {
    long long net, tax;
} Sums;

static const char *const codes[] = {"INR", "USD", "EUR", "JPY"};
static const int exps[] = {2, 2, 2, 0};

Test(billing, reports_aggregate_financial_data_accurately_across_multiple_currencies_against_an_independent_sum,
     .timeout = 300)
{
    ItTenant t;
    it_tenant_new(&t, "revenue-oracle");
    json_decref(it_json(&t, 201, "POST", "/api/v1/exchange_rates",
                        "{\"currency\": \"USD\", \"rate\": \"83.2517\", \"effective_date\": \"2043-01-01\"}"));
    json_decref(it_json(&t, 201, "POST", "/api/v1/exchange_rates",
                        "{\"currency\": \"EUR\", \"rate\": \"90.1234\", \"effective_date\": \"2043-01-01\"}"));
    json_decref(it_json(&t, 201, "POST", "/api/v1/exchange_rates",
                        "{\"currency\": \"JPY\", \"rate\": \"0.5567\", \"effective_date\": \"2043-01-01\"}"));
    json_t *cat = it_json(&t, 201, "POST", "/api/v1/service_categories", "{\"name\": \"Everything\"}");
    char svc[3][40];
    for (int i = 0; i < 3; i++) {
        char name[16];
        snprintf(name, sizeof name, "Service %d", i);
        json_t *s = it_pack(&t, 201, "POST", "/api/v1/services",
                            json_pack("{s:s, s:s, s:s}", "name", name, "category_id", it_str(cat, "id"),
                                      "default_rate", "1"));
        snprintf(svc[i], sizeof svc[i], "%s", it_str(s, "id"));
        json_decref(s);
    }
    char cust[4][40];
    for (int i = 0; i < 4; i++) {
        json_t *c = it_pack(&t, 201, "POST", "/api/v1/customers",
                            json_pack("{s:s, s:s}", "name", codes[i], "currency", codes[i]));
        snprintf(cust[i], sizeof cust[i], "%s", it_str(c, "id"));
        json_decref(c);
    }
    unsigned seed = 20430301;
    char issued[40][40];
    int nissued = 0;
    for (int k = 0; k < 40; k++) {
        int c = rand_r(&seed) % 4;
        json_t *lines = json_array();
        int nl = 1 + rand_r(&seed) % 3;
        for (int l = 0; l < nl; l++) {
            char qty[8], rate[24];
            snprintf(qty, sizeof qty, "%d", 1 + rand_r(&seed) % 20);
            if (exps[c] == 0)
                snprintf(rate, sizeof rate, "%d", 1 + rand_r(&seed) % 90000);
            else
                snprintf(rate, sizeof rate, "%d.%02d", rand_r(&seed) % 900, rand_r(&seed) % 100);
            static const char *const taxes[] = {"0", "5", "18"};
            json_array_append_new(lines, json_pack("{s:s, s:s, s:s, s:s}", "service_id", svc[rand_r(&seed) % 3],
                                                   "quantity", qty, "rate", rate, "tax_rate",
                                                   taxes[rand_r(&seed) % 3]));
        }
        char date[11];
        snprintf(date, sizeof date, "2043-03-%02d", 1 + k % 28);
        json_t *inv = it_pack(&t, 201, "POST", "/api/v1/invoices",
                              json_pack("{s:s, s:s, s:o}", "customer_id", cust[c], "invoice_date", date, "lines",
                                        lines));
        char id[40];
        snprintf(id, sizeof id, "%s", it_str(inv, "id"));
        json_decref(inv);
        if (k % 9 == 4)
            continue;                                     /* a draft: not issued */
        json_decref(it_finalize(&t, id));
        if (k == 7) {                                     /* cancelled: not revenue */
            char path[128];
            snprintf(path, sizeof path, "/api/v1/invoices/%s/cancel", id);
            json_decref(it_json(&t, 200, "POST", path, "{\"reason\": \"sent by mistake\"}"));
            continue;
        }
        snprintf(issued[nissued++], sizeof issued[0], "%s", id);
    }
    /* the oracle: every issued line, converted at its invoice's rate, rounded once */
    Sums by_svc[3] = {0}, own[4] = {0}, base[4] = {0}, all = {0};
    int per_cur[4] = {0};
    for (int k = 0; k < nissued; k++) {
        char path[128];
        snprintf(path, sizeof path, "/api/v1/invoices/%.39s", issued[k]);
        json_t *inv = it_json(&t, 200, "GET", path, NULL);
        int c = 0;
        while (strcmp(codes[c], it_str(inv, "currency")) != 0)
            c++;
        long long rate6 = minor(it_str(inv, "exchange_rate"), 6);
        per_cur[c]++;
        json_t *line;
        size_t i;
        json_array_foreach(json_object_get(inv, "lines"), i, line) {
            long long net = minor(it_str(line, "amount"), exps[c]), tax = minor(it_str(line, "tax_amount"), exps[c]);
            int s = 0;
            while (strcmp(svc[s], it_str(line, "service_id")) != 0)
                s++;
            long long nb = to_inr(net, exps[c], rate6), tb = to_inr(tax, exps[c], rate6);
            by_svc[s].net += nb;
            by_svc[s].tax += tb;
            own[c].net += net;
            own[c].tax += tax;
            base[c].net += nb;
            base[c].tax += tb;
            all.net += nb;
            all.tax += tb;
        }
        json_decref(inv);
    }
    json_t *r = it_json(&t, 200, "GET", "/api/v1/reports/billing/revenue?from=2043-03-01&to=2043-03-31&group_by=service",
                        NULL);
    json_t *rows = json_object_get(r, "rows");
    cr_assert_eq(json_array_size(rows), 3u);
    long long sum_net = 0, sum_tax = 0, sum_total = 0;
    for (size_t i = 0; i < 3; i++) {
        json_t *row = json_array_get(rows, i);
        int s = 0;
        while (strcmp(svc[s], it_str(row, "key")) != 0)
            s++;
        long long net = minor(it_str(row, "net"), 2), tax = minor(it_str(row, "tax"), 2);
        cr_expect_eq(net, by_svc[s].net, "service %d net: report %lld, oracle %lld", s, net, by_svc[s].net);
        cr_expect_eq(tax, by_svc[s].tax, "service %d tax: report %lld, oracle %lld", s, tax, by_svc[s].tax);
        cr_expect_eq(minor(it_str(row, "total"), 2), net + tax, "service %d: total = net + tax", s);
        cr_expect_eq(minor(it_str(row, "discount"), 2), 0);
        sum_net += net;
        sum_tax += tax;
        sum_total += minor(it_str(row, "total"), 2);
    }
    json_t *tot = json_object_get(r, "totals");
    cr_expect_eq(minor(it_str(tot, "net"), 2), all.net, "total net");
    cr_expect_eq(minor(it_str(tot, "tax"), 2), all.tax, "total tax");
    cr_expect_eq(minor(it_str(tot, "net"), 2), sum_net, "the rows add up to the total net");
    cr_expect_eq(minor(it_str(tot, "tax"), 2), sum_tax, "the rows add up to the total tax");
    cr_expect_eq(minor(it_str(tot, "total"), 2), sum_total, "the rows add up to the total");
    cr_expect_eq(json_integer_value(json_object_get(tot, "invoices")), nissued, "issued invoices");
    json_t *cur;
    size_t ci;
    json_array_foreach(json_object_get(r, "currencies"), ci, cur) {
        int c = 0;
        while (strcmp(codes[c], it_str(cur, "currency")) != 0)
            c++;
        cr_expect_eq(json_integer_value(json_object_get(cur, "invoices")), per_cur[c], "%s invoices", codes[c]);
        cr_expect_eq(minor(it_str(cur, "net"), exps[c]), own[c].net, "%s net in %s", codes[c], codes[c]);
        cr_expect_eq(minor(it_str(cur, "tax"), exps[c]), own[c].tax, "%s tax in %s", codes[c], codes[c]);
        cr_expect_eq(minor(it_str(cur, "net_base"), 2), base[c].net, "%s net in INR", codes[c]);
        cr_expect_eq(minor(it_str(cur, "tax_base"), 2), base[c].tax, "%s tax in INR", codes[c]);
    }
    cr_expect_eq(json_array_size(json_object_get(r, "currencies")), 4u, "four currencies were invoiced");
    json_decref(r);
    /* another grouping, the same totals */
    r = it_json(&t, 200, "GET",
                "/api/v1/reports/billing/revenue?from=2043-03-01&to=2043-03-31&group_by=service_category", NULL);
    tot = json_object_get(r, "totals");
    cr_expect_eq(minor(it_str(tot, "net"), 2), all.net, "total net by category");
    cr_expect_eq(minor(it_str(tot, "tax"), 2), all.tax, "total tax by category");
    cr_expect_eq(json_array_size(json_object_get(r, "rows")), 1u);
    json_decref(r);
    json_decref(cat);
}
