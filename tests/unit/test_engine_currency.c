/* tests/unit/test_engine_currency.c — currencies (domain/engine_currency.c):
 * invoices in the customer's currency at the rate in force (stored on the
 * result), conversion rounded once across exponents (JPY 0, KWD 3), and
 * report totals in the base currency. The seed's "Currency Management Tests"
 * are named as such. */
#include <stdlib.h>

#include "engine_fixture.h"

/* Seed: "Confirm that invoices are generated in the client's preferred currency." */
Test(currency, invoices_are_generated_in_the_clients_preferred_currency)
{
    Fx f;
    fx_init(&f, "2024-06-01", "2024-07-01");
    f.settings.base = CUR("INR");
    f.customer.currency = CUR("USD");
    f.customer.exchange_rate_to_base = D("83.25");
    fx_service(&f, "s-support", "Managed Support", ENGINE_SERVICE_FIXED, "24975.00");
    fx_plan(&f, "p-gold", "Gold", FREQ_MONTHLY, ENGINE_PLAN_FIXED);
    fx_plan_service(&f, "p-gold", "s-support", 1);
    fx_assign(&f, "cp-1", "p-gold", "2024-06-11", NULL);
    fx_tax(&f, "t-us", "NY", "8", "2020-01-01", NULL);
    f.customer.tax_region = "NY";
    fx_rate_ok(&f);
    cr_assert_eq(f.res.nlines, 1);
    cr_expect_str_eq(f.res.currency->code, "USD");
    cr_expect(dec_cmp(f.res.exchange_rate_to_base, D("83.25")) == 0);
    cr_expect_eq(f.res.lines[0].amount_base, MC("INR", "16650.00")); /* 20/30 of the month */
    cr_expect_eq(f.res.lines[0].amount, MC("USD", "200.00"));
    cr_expect_eq(f.res.lines[0].tax, MC("USD", "16.00")); /* taxed in the invoice currency */
    cr_expect_eq(f.res.total, MC("USD", "216.00"));
    cr_expect(strstr(f.res.lines[0].explain, "amount 16650.00 INR = 200.00 USD at 83.25 INR per USD") !=
                  NULL,
              "%s", f.res.lines[0].explain);
    fx_fini(&f);
}

/* Seed: "Test currency conversion calculations using current exchange rates." */
Test(currency, conversion_uses_the_exchange_rate_and_rounds_once)
{
    static const struct {
        const char *base, *to, *rate, *amount, *expect;
        Rounding r;
    } rows[] = {
        {"INR", "USD", "83.25", "10000.00", "120.12", ROUND_HALF_UP},   /* 120.1201 */
        {"INR", "USD", "83.25", "8325.00", "100.00", ROUND_HALF_UP},
        {"USD", "JPY", "0.0067", "100.00", "14925", ROUND_HALF_UP},     /* 14925.37 */
        {"USD", "KWD", "3.25", "100.00", "30.769", ROUND_HALF_UP},      /* 30.7692 */
        {"USD", "EUR", "1.25", "0.05", "0.04", ROUND_HALF_UP},          /* 0.04 exactly */
        {"USD", "EUR", "2", "0.05", "0.03", ROUND_HALF_UP},             /* 0.025 up */
        {"USD", "EUR", "2", "0.05", "0.02", ROUND_HALF_EVEN},           /* 0.025 even */
        {"JPY", "USD", "149.25", "14925", "100.00", ROUND_HALF_UP},
        {"JPY", "USD", "149.26", "14925", "99.99", ROUND_HALF_UP},      /* 99.9933 */
        {"USD", "USD", "1", "123.45", "123.45", ROUND_HALF_UP},
        {"INR", "USD", "83.25", "-8325.00", "-100.00", ROUND_HALF_UP},
    };
    for (size_t i = 0; i < N(rows); i++) {
        int64_t v;
        cr_assert_eq(engine_from_base(&v, MC(rows[i].base, rows[i].amount), CUR(rows[i].base),
                                      CUR(rows[i].to), D(rows[i].rate), rows[i].r, NULL),
                     0, "row %zu", i);
        cr_expect_eq(v, MC(rows[i].to, rows[i].expect), "row %zu: %lld", i, (long long)v);
    }
    int64_t v;
    cr_expect_eq(engine_from_base(&v, 100, CUR("INR"), CUR("USD"), D("0"), ROUND_HALF_UP, NULL),
                 -ERR_INVALID);
    cr_expect_eq(engine_from_base(&v, 100, CUR("INR"), CUR("USD"), D("-1"), ROUND_HALF_UP, NULL),
                 -ERR_INVALID);
}

/* Seed: "Validate that monetary amounts are stored with the correct currency codes." */
Test(currency, amounts_are_in_the_minor_units_of_the_invoice_currency)
{
    Fx f;
    fx_init(&f, "2024-06-01", "2024-07-01");
    f.customer.currency = CUR("JPY");
    f.customer.exchange_rate_to_base = D("0.0067");
    fx_service(&f, "s-support", "Managed Support", ENGINE_SERVICE_FIXED, "300.00");
    fx_plan(&f, "p-gold", "Gold", FREQ_MONTHLY, ENGINE_PLAN_FIXED);
    fx_plan_service(&f, "p-gold", "s-support", 1);
    fx_assign(&f, "cp-1", "p-gold", "2024-06-01", NULL);
    fx_rate_ok(&f);
    cr_expect_eq(f.res.currency->exponent, 0);
    cr_expect_eq(f.res.lines[0].amount_base, MC("USD", "300.00"));
    cr_expect_eq(f.res.lines[0].amount, MC("JPY", "44776")); /* 44776.119 yen */
    cr_expect(strstr(f.res.lines[0].explain, "total 44776 JPY") != NULL, "%s",
              f.res.lines[0].explain);
    fx_fini(&f);
}

/* Seed: "Ensure that reports aggregate financial data accurately across multiple currencies." */
Test(currency, reports_aggregate_accurately_across_currencies_in_the_base)
{
    const EngineAmount amounts[] = {
        {MC("USD", "100.00"), CUR("USD"), D("83.25")},   /* 8325.00 */
        {MC("EUR", "10.01"), CUR("EUR"), D("90.1234")},  /* 902.135234 -> 902.14 */
        {MC("INR", "500.00"), CUR("INR"), D("1")},
        {MC("JPY", "1000"), CUR("JPY"), D("0.5612")},    /* 561.20 */
        {MC("KWD", "1.001"), CUR("KWD"), D("271.5")},    /* 271.7715 -> 271.77 */
        {MC("USD", "-20.00"), CUR("USD"), D("83.30")},   /* a credit at its own rate */
    };
    int64_t total;
    cr_assert_eq(engine_report_to_base(&total, amounts, N(amounts), CUR("INR"), ROUND_HALF_UP, NULL), 0);
    cr_expect_eq(total, MC("INR", "8325.00") + MC("INR", "902.14") + MC("INR", "500.00") +
                            MC("INR", "561.20") + MC("INR", "271.77") - MC("INR", "1666.00"));
    int64_t v;
    cr_expect_eq(engine_to_base(&v, 100, CUR("USD"), CUR("INR"), D("0"), ROUND_HALF_UP, NULL),
                 -ERR_INVALID);
}

Test(currency, converting_to_and_back_from_the_base_stays_within_one_minor_unit)
{
    static const char *const rates[] = {"83.25", "1.0857", "0.0067", "3.2611", "90.1234"};
    static const char *const codes[] = {"USD", "EUR", "JPY", "KWD", "GBP"};
    for (size_t k = 0; k < N(rates); k++)
        for (int64_t base = 0; base < 200000; base += 997) {
            int64_t there, back;
            cr_assert_eq(engine_from_base(&there, base, CUR("INR"), CUR(codes[k]), D(rates[k]),
                                          ROUND_HALF_UP, NULL),
                         0);
            cr_assert_eq(engine_to_base(&back, there, CUR(codes[k]), CUR("INR"), D(rates[k]),
                                        ROUND_HALF_UP, NULL),
                         0);
            /* there is off by at most half a target unit (worth t1 base
             * units, rounded) and back by half a base unit more. */
            int64_t t1;
            cr_assert_eq(engine_to_base(&t1, 1, CUR(codes[k]), CUR("INR"), D(rates[k]),
                                        ROUND_HALF_UP, NULL),
                         0);
            int64_t bound = (t1 + 2) / 2;
            cr_expect_leq(llabs(back - base), bound, "%s base %lld there %lld back %lld", codes[k],
                          (long long)base, (long long)there, (long long)back);
        }
}
