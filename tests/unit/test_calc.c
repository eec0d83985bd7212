/* tests/unit/test_calc.c — domain/calc: the invoice line rule (amount =
 * quantity x rate rounded once, tax = amount x rate / 100), CGST + SGST halves
 * inside a state, IGST across, inclusive rates, the tenant's rounding mode,
 * and tax shown per kind and rate. Table-driven, one row per rule. */
#include <criterion/criterion.h>
#include <string.h>

#include "domain/calc.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static Dec D(const char *s)
{
    Dec d;
    cr_assert_eq(dec_parse(&d, s, strlen(s), DEC_MAX_SCALE, NULL, NULL), 0, "bad test value %s", s);
    return d;
}

static int64_t M(const char *s)
{
    int64_t v;
    cr_assert_eq(money_parse(&v, s, strlen(s), currency_find("INR"), "amount", NULL), 0, "bad amount %s", s);
    return v;
}

typedef struct LineCase {
    const char *name, *qty, *rate, *tax_rate;
    SupplyMode mode;
    bool inclusive;
    Rounding r;
    const char *amount, *cgst, *sgst, *igst, *tax, *total;
} LineCase;

Test(calc, line_amount_tax_and_total_follow_the_invoice_line_rule)
{
    static const LineCase rows[] = {
        {"18% on 1000.00 intra-state is CGST 90.00 + SGST 90.00", "1", "1000", "18", SUPPLY_INTRA, false,
         ROUND_HALF_UP, "1000.00", "90.00", "90.00", "0.00", "180.00", "1180.00"},
        {"18% on 1000.00 inter-state is IGST 180.00", "1", "1000", "18", SUPPLY_INTER, false, ROUND_HALF_UP,
         "1000.00", "0.00", "0.00", "180.00", "180.00", "1180.00"},
        {"3 x 33.33 at 18% is 99.99 + 18.00 = 117.99", "3", "33.33", "18", SUPPLY_INTER, false, ROUND_HALF_UP,
         "99.99", "0.00", "0.00", "18.00", "18.00", "117.99"},
        {"3 x 33.33 at 18% intra-state: 9.00 + 9.00", "3", "33.33", "18", SUPPLY_INTRA, false, ROUND_HALF_UP,
         "99.99", "9.00", "9.00", "0.00", "18.00", "117.99"},
        {"each half is rounded on its own: 0.25 at 18% intra", "1", "0.25", "18", SUPPLY_INTRA, false,
         ROUND_HALF_UP, "0.25", "0.02", "0.02", "0.00", "0.04", "0.29"},
        {"the product is rounded once: 0.333333 x 3 = 1.00", "3", "0.333333", "0", SUPPLY_INTER, false,
         ROUND_HALF_UP, "1.00", "0.00", "0.00", "0.00", "0.00", "1.00"},
        {"usage prices of six decimals: 1000000 x 0.000015 = 15.00", "1000000", "0.000015", "18", SUPPLY_INTER,
         false, ROUND_HALF_UP, "15.00", "0.00", "0.00", "2.70", "2.70", "17.70"},
        {"half-up rounds a tie away from zero: 0.125 -> 0.13", "1", "0.125", "0", SUPPLY_INTER, false,
         ROUND_HALF_UP, "0.13", "0.00", "0.00", "0.00", "0.00", "0.13"},
        {"half-even rounds a tie to even: 0.125 -> 0.12", "1", "0.125", "0", SUPPLY_INTER, false, ROUND_HALF_EVEN,
         "0.12", "0.00", "0.00", "0.00", "0.00", "0.12"},
        {"half-even on tax: 2.50 at 5% = 0.125 -> 0.12", "1", "2.50", "5", SUPPLY_INTER, false, ROUND_HALF_EVEN,
         "2.50", "0.00", "0.00", "0.12", "0.12", "2.62"},
        {"without GST a plain tax: 10% on 200", "2", "100", "10", SUPPLY_NON_GST, false, ROUND_HALF_UP, "200.00",
         "0.00", "0.00", "0.00", "20.00", "220.00"},
        {"inclusive: 1180.00 at 18% is 1000.00 + 180.00", "1", "1180", "18", SUPPLY_INTER, true, ROUND_HALF_UP,
         "1000.00", "0.00", "0.00", "180.00", "180.00", "1180.00"},
        {"inclusive intra: the tax splits into halves that add up", "1", "100", "18", SUPPLY_INTRA, true,
         ROUND_HALF_UP, "84.75", "7.63", "7.62", "0.00", "15.25", "100.00"},
        {"zero-rated: no tax", "4", "250", "0", SUPPLY_INTRA, false, ROUND_HALF_UP, "1000.00", "0.00", "0.00",
         "0.00", "0.00", "1000.00"},
        {"fractional rates: 0.25% on 1000 intra is 1.25 + 1.25", "1", "1000", "0.25", SUPPLY_INTRA, false,
         ROUND_HALF_UP, "1000.00", "1.25", "1.25", "0.00", "2.50", "1002.50"},
    };
    const Currency *inr = currency_find("INR");
    for (size_t i = 0; i < N(rows); i++) {
        const LineCase *c = &rows[i];
        CalcLine l = {.quantity = D(c->qty), .rate = D(c->rate), .tax_rate = D(c->tax_rate)};
        Error e;
        cr_assert_eq(calc_line(&l, inr, c->mode, c->inclusive, c->r, &e), 0, "%s: %s", c->name, e.message);
        cr_expect_eq(l.amount, M(c->amount), "%s: amount %lld", c->name, (long long)l.amount);
        cr_expect_eq(l.cgst, M(c->cgst), "%s: cgst %lld", c->name, (long long)l.cgst);
        cr_expect_eq(l.sgst, M(c->sgst), "%s: sgst %lld", c->name, (long long)l.sgst);
        cr_expect_eq(l.igst, M(c->igst), "%s: igst %lld", c->name, (long long)l.igst);
        cr_expect_eq(l.tax, M(c->tax), "%s: tax %lld", c->name, (long long)l.tax);
        cr_expect_eq(l.total, M(c->total), "%s: total %lld", c->name, (long long)l.total);
        cr_expect_eq(l.amount + l.tax, l.total, "%s: total = amount + tax", c->name);
    }
}

Test(calc, amounts_in_other_currencies_round_to_their_minor_unit)
{
    CalcLine l = {.quantity = D("3"), .rate = D("33.5"), .tax_rate = D("10")};
    cr_assert_eq(calc_line(&l, currency_find("JPY"), SUPPLY_NON_GST, false, ROUND_HALF_UP, NULL), 0);
    cr_expect_eq(l.amount, 101, "100.5 yen rounds to 101");
    cr_expect_eq(l.tax, 10, "10.1 yen of tax rounds to 10");
    CalcLine k = {.quantity = D("1"), .rate = D("1.2345"), .tax_rate = D("0")};
    cr_assert_eq(calc_line(&k, currency_find("KWD"), SUPPLY_NON_GST, false, ROUND_HALF_UP, NULL), 0);
    cr_expect_eq(k.amount, 1235, "KWD has three decimals");
}

Test(calc, tax_rate_over_100_percent_is_refused)
{
    CalcLine l = {.quantity = D("1"), .rate = D("10"), .tax_rate = D("100.01")};
    Error e;
    cr_expect_eq(calc_line(&l, currency_find("INR"), SUPPLY_INTER, false, ROUND_HALF_UP, &e), -ERR_RANGE);
    cr_expect_str_eq(e.field, "tax_rate");
}

Test(calc, an_amount_that_does_not_fit_is_an_overflow_not_a_wrap)
{
    CalcLine l = {.quantity = D("999999999999"), .rate = D("999999999999"), .tax_rate = D("18")};
    cr_expect_eq(calc_line(&l, currency_find("INR"), SUPPLY_INTER, false, ROUND_HALF_UP, NULL), -ERR_OVERFLOW);
}

static CalcLine computed(const char *q, const char *r, const char *t, SupplyMode m)
{
    CalcLine l = {.quantity = D(q), .rate = D(r), .tax_rate = D(t)};
    cr_assert_eq(calc_line(&l, currency_find("INR"), m, false, ROUND_HALF_UP, NULL), 0);
    return l;
}

Test(calc, tax_is_shown_per_kind_and_rate_and_totals_are_sums_of_lines)
{
    CalcLine lines[4] = {
        computed("1", "1000", "18", SUPPLY_INTRA),
        computed("2", "250", "5", SUPPLY_INTRA),
        computed("1", "500", "18", SUPPLY_INTRA),
        computed("1", "100", "0", SUPPLY_INTRA),
    };
    CalcTotals t;
    cr_assert_eq(calc_totals(&t, lines, 4, SUPPLY_INTRA, false, NULL), 0);
    cr_expect_eq(t.subtotal, M("2100.00"));
    cr_expect_eq(t.cgst, M("147.50"));
    cr_expect_eq(t.sgst, M("147.50"));
    cr_expect_eq(t.igst, 0);
    cr_expect_eq(t.tax, M("295.00"));
    cr_expect_eq(t.total, M("2395.00"));
    cr_assert_eq(t.ntaxes, 4, "CGST and SGST at 2.5% and at 9%; the zero-rated line shows no tax row");
    static const struct { const char *kind, *rate, *taxable, *amount; } want[] = {
        {"CGST", "2.5", "500.00", "12.50"}, {"SGST", "2.5", "500.00", "12.50"},
        {"CGST", "9", "1500.00", "135.00"}, {"SGST", "9", "1500.00", "135.00"},
    };
    for (int i = 0; i < 4; i++) {
        cr_expect_str_eq(t.taxes[i].kind, want[i].kind);
        cr_expect_eq(dec_cmp(t.taxes[i].rate, D(want[i].rate)), 0, "row %d rate", i);
        cr_expect_eq(t.taxes[i].taxable, M(want[i].taxable), "row %d taxable", i);
        cr_expect_eq(t.taxes[i].amount, M(want[i].amount), "row %d amount", i);
    }
}

Test(calc, union_territories_show_utgst_and_inter_state_shows_igst)
{
    CalcLine a = computed("1", "1000", "18", SUPPLY_INTRA);
    CalcTotals t;
    cr_assert_eq(calc_totals(&t, &a, 1, SUPPLY_INTRA, true, NULL), 0);
    cr_expect_str_eq(t.taxes[1].kind, "UTGST");
    CalcLine b = computed("1", "1000", "18", SUPPLY_INTER);
    cr_assert_eq(calc_totals(&t, &b, 1, SUPPLY_INTER, false, NULL), 0);
    cr_assert_eq(t.ntaxes, 1);
    cr_expect_str_eq(t.taxes[0].kind, "IGST");
    cr_expect_eq(t.taxes[0].amount, M("180.00"));
}

Test(calc, half_rate_is_exact)
{
    cr_expect_eq(dec_cmp(calc_half_rate(D("18")), D("9")), 0);
    cr_expect_eq(dec_cmp(calc_half_rate(D("5")), D("2.5")), 0);
    cr_expect_eq(dec_cmp(calc_half_rate(D("0.25")), D("0.125")), 0);
}
