/* tests/unit/test_money.c — core/money: the ISO 4217 table, strict amounts,
 * overflow-checked sums, products rounded once (the invoice line rule, tax,
 * proration, conversion) and exact allocation. Table-driven: one row per
 * case, each test named after the rule it checks. */
#include <criterion/criterion.h>
#include <string.h>

#include "core/money.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define HU ROUND_HALF_UP
#define HE ROUND_HALF_EVEN

static const Currency *C(const char *code)
{
    const Currency *c = currency_find(code);
    cr_assert_not_null(c, "currency %s missing", code);
    return c;
}

static Dec D(const char *s)
{
    Dec d;
    cr_assert_eq(dec_parse(&d, s, strlen(s), DEC_MAX_SCALE, NULL, NULL), 0, "bad test value %s", s);
    return d;
}

static int64_t M(const char *code, const char *s)
{
    int64_t v;
    Error e;
    cr_assert_eq(money_parse(&v, s, strlen(s), C(code), "amount", &e), 0, "%s %s: %s", code, s,
                 e.message);
    return v;
}

static const char *F(char *buf, int64_t minor, const char *code)
{
    cr_assert_geq(money_format(buf, MONEY_FORMAT_MAX, minor, C(code)), 0);
    return buf;
}

Test(money, currency_table_is_sorted_unique_and_complete)
{
    cr_expect_geq(currency_count(), 40);
    for (int i = 0; i < currency_count(); i++) {
        const Currency *c = currency_at(i);
        cr_assert_not_null(c);
        cr_expect_eq(strlen(c->code), 3, "%s", c->code);
        for (int k = 0; k < 3; k++)
            cr_expect(c->code[k] >= 'A' && c->code[k] <= 'Z', "%s", c->code);
        cr_expect(c->exponent >= 0 && c->exponent <= 3, "%s", c->code);
        cr_expect(c->name && c->name[0] && c->symbol && c->symbol[0], "%s", c->code);
        if (i > 0)
            cr_expect_lt(strcmp(currency_at(i - 1)->code, c->code), 0, "%s after %s", c->code,
                         currency_at(i - 1)->code);
        cr_expect_eq(currency_find(c->code), c, "bisection misses %s", c->code);
    }
    cr_expect_null(currency_at(-1));
    cr_expect_null(currency_at(currency_count()));
}

Test(money, currency_exponents_follow_iso_4217)
{
    static const struct {
        const char *code;
        int exponent;
    } rows[] = {
        {"INR", 2}, {"USD", 2}, {"EUR", 2}, {"GBP", 2}, {"JPY", 0}, {"KWD", 3}, {"BHD", 3},
        {"OMR", 3}, {"JOD", 3}, {"TND", 3}, {"CLP", 0}, {"ISK", 0}, {"KRW", 0}, {"VND", 0},
        {"UGX", 0}, {"XOF", 0}, {"XAF", 0}, {"AUD", 2}, {"CAD", 2}, {"CHF", 2}, {"CNY", 2},
        {"HKD", 2}, {"SGD", 2}, {"NZD", 2}, {"SEK", 2}, {"NOK", 2}, {"DKK", 2}, {"ZAR", 2},
        {"AED", 2}, {"SAR", 2}, {"QAR", 2}, {"MYR", 2}, {"THB", 2}, {"IDR", 2}, {"PHP", 2},
        {"BRL", 2}, {"MXN", 2}, {"RUB", 2}, {"TRY", 2}, {"PLN", 2}, {"CZK", 2}, {"HUF", 2},
        {"ILS", 2}, {"EGP", 2}, {"NGN", 2}, {"KES", 2}, {"LKR", 2}, {"BDT", 2}, {"NPR", 2},
        {"PKR", 2}, {"IQD", 3}, {"LYD", 3}, {"PYG", 0}, {"RWF", 0},
    };
    for (size_t i = 0; i < N(rows); i++)
        cr_expect_eq(C(rows[i].code)->exponent, rows[i].exponent, "%s", rows[i].code);
}

Test(money, currency_find_is_exact_and_case_sensitive)
{
    static const char *rows[] = {"usd", "Usd", "US", "USDX", "", " USD", "USD ", "XXX", "ZZZ", "AAA"};
    for (size_t i = 0; i < N(rows); i++)
        cr_expect_null(currency_find(rows[i]), "\"%s\"", rows[i]);
    cr_expect_null(currency_find(NULL));
    cr_expect_str_eq(currency_find("INR")->symbol, "₹");
}

Test(money, parse_accepts_amounts_within_the_currency_exponent)
{
    static const struct {
        const char *code, *in;
        int64_t minor;
    } rows[] = {
        {"INR", "1234.50", 123450},
        {"INR", "12", 1200},
        {"INR", "12.5", 1250},
        {"INR", "-0.05", -5},
        {"INR", "-0", 0},
        {"INR", "0.00", 0},
        {"INR", "007.10", 710},
        {"JPY", "100", 100},
        {"JPY", "-5", -5},
        {"KWD", "1.234", 1234},
        {"KWD", "1.2", 1200},
        {"BHD", "0.001", 1},
        {"INR", "92233720368547758.07", INT64_MAX},
        {"INR", "-92233720368547758.08", INT64_MIN},
        {"JPY", "9223372036854775807", INT64_MAX},
        {"KWD", "-9223372036854775.808", INT64_MIN},
    };
    for (size_t i = 0; i < N(rows); i++) {
        int64_t v = 42;
        Error e;
        int rc = money_parse(&v, rows[i].in, strlen(rows[i].in), C(rows[i].code), "amount", &e);
        cr_expect_eq(rc, 0, "%s %s: %s", rows[i].code, rows[i].in, e.message);
        cr_expect_eq(v, rows[i].minor, "%s %s: got %lld", rows[i].code, rows[i].in, (long long)v);
    }
}

Test(money, parse_refuses_more_decimals_than_the_currency_has_never_rounds)
{
    static const struct {
        const char *code, *in, *message;
    } rows[] = {
        {"INR", "1.005", "amount has more than 2 decimal places for INR"},
        {"INR", "1.000", "amount has more than 2 decimal places for INR"},
        {"USD", "-0.001", "amount has more than 2 decimal places for USD"},
        {"JPY", "100.5", "amount has decimal places but JPY has no minor unit"},
        {"JPY", "100.0", "amount has decimal places but JPY has no minor unit"},
        {"KRW", "1.00", "amount has decimal places but KRW has no minor unit"},
        {"KWD", "1.2345", "amount has more than 3 decimal places for KWD"},
        {"TND", "0.0001", "amount has more than 3 decimal places for TND"},
    };
    for (size_t i = 0; i < N(rows); i++) {
        int64_t v = 42;
        Error e;
        int rc = money_parse(&v, rows[i].in, strlen(rows[i].in), C(rows[i].code), "amount", &e);
        cr_expect_eq(rc, -ERR_PRECISION, "%s %s: rc %d", rows[i].code, rows[i].in, rc);
        cr_expect_eq(e.code, ERR_PRECISION);
        cr_expect_str_eq(e.message, rows[i].message);
        cr_expect_str_eq(e.field, "amount");
        cr_expect_eq(v, 42, "%s %s: written on failure", rows[i].code, rows[i].in);
    }
    /* the field named in the message is the caller's */
    Error e;
    money_parse(&(int64_t){0}, "1.005", 5, C("INR"), "lines[2].rate", &e);
    cr_expect_str_eq(e.message, "lines[2].rate has more than 2 decimal places for INR");
    cr_expect_str_eq(e.field, "lines[2].rate");
}

Test(money, parse_refuses_malformed_and_out_of_range_amounts)
{
    static const struct {
        const char *code, *in;
        int rc;
    } rows[] = {
        {"INR", "1,000.00", -ERR_INVALID},
        {"INR", "", -ERR_INVALID},
        {"INR", "$5", -ERR_INVALID},
        {"INR", "5.", -ERR_INVALID},
        {"INR", ".5", -ERR_INVALID},
        {"INR", "1e3", -ERR_INVALID},
        {"INR", "+5", -ERR_INVALID},
        {"INR", " 5", -ERR_INVALID},
        {"INR", "5 INR", -ERR_INVALID},
        {"JPY", "100.", -ERR_INVALID},
        {"KWD", "1.2.3", -ERR_INVALID},
        {"INR", "92233720368547758.08", -ERR_RANGE},
        {"INR", "-92233720368547758.09", -ERR_RANGE},
        {"INR", "92233720368547759", -ERR_RANGE},
        {"JPY", "9223372036854775808", -ERR_RANGE},
        {"KWD", "9223372036854776", -ERR_RANGE},
    };
    for (size_t i = 0; i < N(rows); i++) {
        int64_t v = 42;
        Error e;
        int rc = money_parse(&v, rows[i].in, strlen(rows[i].in), C(rows[i].code), "total", &e);
        cr_expect_eq(rc, rows[i].rc, "%s \"%s\": rc %d", rows[i].code, rows[i].in, rc);
        cr_expect_str_eq(e.field, "total");
        cr_expect_eq(v, 42);
    }
    cr_expect_eq(money_parse(&(int64_t){0}, "1", 1, NULL, "total", NULL), -ERR_INVALID);
}

Test(money, format_writes_exactly_the_currency_exponent)
{
    static const struct {
        const char *code;
        int64_t minor;
        const char *out;
    } rows[] = {
        {"INR", 123450, "1234.50"},
        {"INR", -5, "-0.05"},
        {"INR", 0, "0.00"},
        {"INR", 100, "1.00"},
        {"JPY", 100, "100"},
        {"JPY", -1, "-1"},
        {"KWD", 1234, "1.234"},
        {"KWD", -1, "-0.001"},
        {"INR", INT64_MAX, "92233720368547758.07"},
        {"INR", INT64_MIN, "-92233720368547758.08"},
        {"JPY", INT64_MIN, "-9223372036854775808"},
    };
    for (size_t i = 0; i < N(rows); i++) {
        char buf[MONEY_FORMAT_MAX];
        int n = money_format(buf, sizeof buf, rows[i].minor, C(rows[i].code));
        cr_expect_str_eq(buf, rows[i].out);
        cr_expect_eq(n, (int)strlen(rows[i].out));
        /* and it parses back to the same amount */
        cr_expect_eq(M(rows[i].code, buf), rows[i].minor, "%s round trip", buf);
    }
    char small[4];
    cr_expect_eq(money_format(small, sizeof small, 100, C("INR")), -1);
    cr_expect_str_eq(small, "");
    cr_expect_eq(money_format(small, sizeof small, 100, NULL), -1);
}

Test(money, add_sub_and_sum_are_exact_or_report_overflow)
{
    static const struct {
        char op;
        int64_t a, b;
        int rc;
        int64_t out;
    } rows[] = {
        {'+', 10, 20, 0, 30},
        {'+', -5, 5, 0, 0},
        {'+', INT64_MAX, 0, 0, INT64_MAX},
        {'+', INT64_MAX, 1, -ERR_OVERFLOW, 0},
        {'+', INT64_MIN, -1, -ERR_OVERFLOW, 0},
        {'-', INT64_MIN, 1, -ERR_OVERFLOW, 0},
        {'-', 0, INT64_MIN, -ERR_OVERFLOW, 0},
        {'-', -1, INT64_MAX, 0, INT64_MIN},
        {'-', 100, 250, 0, -150},
    };
    for (size_t i = 0; i < N(rows); i++) {
        int64_t v = 42;
        Error e;
        int rc = rows[i].op == '+' ? money_add(&v, rows[i].a, rows[i].b, &e)
                                   : money_sub(&v, rows[i].a, rows[i].b, &e);
        cr_expect_eq(rc, rows[i].rc, "row %zu", i);
        cr_expect_eq(v, rc == 0 ? rows[i].out : 42, "row %zu", i);
        if (rc)
            cr_expect_str_eq(e.message, "amount is too large to compute exactly");
    }

    static const int64_t ok1[] = {1999, 2999, -1};
    static const int64_t ok2[] = {INT64_MAX, 1, -1}; /* a prefix overflows, the total does not */
    static const int64_t bad[] = {INT64_MAX, INT64_MAX, -INT64_MAX, 1};
    static const int64_t neg[] = {INT64_MIN, -1};
    int64_t v = 42;
    cr_expect_eq(money_sum(&v, ok1, 3, NULL), 0);
    cr_expect_eq(v, 4997);
    cr_expect_eq(money_sum(&v, ok2, 3, NULL), 0);
    cr_expect_eq(v, INT64_MAX);
    cr_expect_eq(money_sum(&v, bad, 4, NULL), -ERR_OVERFLOW);
    cr_expect_eq(money_sum(&v, neg, 2, NULL), -ERR_OVERFLOW);
    cr_expect_eq(money_sum(&v, NULL, 0, NULL), 0);
    cr_expect_eq(v, 0);
}

Test(money, invoice_line_rule_rounds_each_line_once_half_up)
{
    /* 3 x 33.33 at 18% tax: amount 99.99, tax 17.9982 -> 18.00, total 117.99 */
    const Currency *inr = C("INR");
    int64_t amount, tax, total;
    char buf[MONEY_FORMAT_MAX];
    cr_assert_eq(money_from_product(&amount, D("3"), D("33.33"), inr, HU, NULL), 0);
    cr_assert_eq(money_percent(&tax, amount, D("18"), HU, NULL), 0);
    cr_assert_eq(money_add(&total, amount, tax, NULL), 0);
    cr_expect_str_eq(F(buf, amount, "INR"), "99.99");
    cr_expect_str_eq(F(buf, tax, "INR"), "18.00");
    cr_expect_str_eq(F(buf, total, "INR"), "117.99");
}

Test(money, percent_of_18_on_1000_is_180_and_splits_into_90_each)
{
    int64_t tax, cgst, sgst;
    char buf[MONEY_FORMAT_MAX];
    cr_assert_eq(money_percent(&tax, M("INR", "1000.00"), D("18"), HU, NULL), 0);
    cr_expect_str_eq(F(buf, tax, "INR"), "180.00");
    /* CGST + SGST: half of it each, and the halves add back up */
    cr_assert_eq(money_percent(&cgst, M("INR", "1000.00"), D("9"), HU, NULL), 0);
    cr_assert_eq(money_mul_ratio(&sgst, tax, 1, 2, HU, NULL), 0);
    cr_expect_str_eq(F(buf, cgst, "INR"), "90.00");
    cr_expect_str_eq(F(buf, sgst, "INR"), "90.00");
    cr_expect_eq(cgst + sgst, tax);
}

Test(money, percent_rounds_once_with_the_tenant_rounding)
{
    static const struct {
        const char *amount, *pct;
        Rounding r;
        const char *out;
    } rows[] = {
        {"0.01", "50", HU, "0.01"},
        {"0.01", "50", HE, "0.00"},
        {"-0.01", "50", HU, "-0.01"},
        {"-0.01", "50", HE, "0.00"},
        {"0.03", "50", HE, "0.02"},
        {"1.00", "12.5", HU, "0.13"},
        {"1.00", "12.5", HE, "0.12"},
        {"-1.00", "12.5", HU, "-0.13"},
        {"1234.56", "18", HU, "222.22"},  /* 222.2208 */
        {"99.99", "5", HU, "5.00"},       /* 4.9995 */
        {"100.00", "0.000001", HU, "0.00"},
        {"100.00", "-10", HU, "-10.00"},
        {"0.00", "18", HU, "0.00"},
        {"92233720368547758.07", "100", HU, "92233720368547758.07"},
    };
    for (size_t i = 0; i < N(rows); i++) {
        int64_t v;
        char buf[MONEY_FORMAT_MAX];
        int rc = money_percent(&v, M("INR", rows[i].amount), D(rows[i].pct), rows[i].r, NULL);
        cr_expect_eq(rc, 0, "%s%% of %s", rows[i].pct, rows[i].amount);
        if (rc == 0)
            cr_expect_str_eq(F(buf, v, "INR"), rows[i].out, "%s%% of %s", rows[i].pct,
                             rows[i].amount);
    }
    int64_t v = 42;
    cr_expect_eq(money_percent(&v, INT64_MAX, D("100.01"), HU, NULL), -ERR_OVERFLOW);
    cr_expect_eq(v, 42);
}

Test(money, product_of_quantity_and_rate_rounds_once)
{
    static const struct {
        const char *qty, *rate, *code;
        Rounding r;
        int rc;
        const char *out;
    } rows[] = {
        {"1000000", "0.000015", "USD", HU, 0, "15.00"},
        {"1", "0.000015", "USD", HU, 0, "0.00"},
        {"333333", "0.000015", "USD", HU, 0, "5.00"}, /* 4.999995 */
        {"3", "0.3335", "KWD", HU, 0, "1.001"},        /* 1.0005 */
        {"3", "0.3335", "KWD", HE, 0, "1.000"},
        {"3", "33.5", "JPY", HU, 0, "101"},
        {"3", "33.5", "JPY", HE, 0, "100"},
        {"-3", "33.5", "JPY", HU, 0, "-101"},
        {"1.5", "0.01", "INR", HU, 0, "0.02"},
        {"1.5", "0.01", "INR", HE, 0, "0.02"},
        {"2.5", "0.01", "INR", HE, 0, "0.02"},
        {"7.25", "120", "INR", HU, 0, "870.00"},
        {"0.1", "0.1", "INR", HU, 0, "0.01"},
        {"1000000000", "100000000000", "INR", HU, -ERR_OVERFLOW, NULL},
    };
    for (size_t i = 0; i < N(rows); i++) {
        int64_t v = 42;
        char buf[MONEY_FORMAT_MAX];
        int rc = money_from_product(&v, D(rows[i].qty), D(rows[i].rate), C(rows[i].code),
                                    rows[i].r, NULL);
        cr_expect_eq(rc, rows[i].rc, "%s x %s %s", rows[i].qty, rows[i].rate, rows[i].code);
        if (rc == 0)
            cr_expect_str_eq(F(buf, v, rows[i].code), rows[i].out, "%s x %s %s", rows[i].qty,
                             rows[i].rate, rows[i].code);
    }
}

Test(money, from_dec_rounds_to_minor_units_once)
{
    static const struct {
        const char *d, *code;
        Rounding r;
        int64_t out;
    } rows[] = {
        {"1.005", "INR", HU, 101},   {"1.005", "INR", HE, 100},   {"-1.005", "INR", HU, -101},
        {"-1.005", "INR", HE, -100}, {"1.015", "INR", HE, 102},   {"1.0049999", "INR", HU, 100},
        {"2.5", "JPY", HE, 2},       {"2.5", "JPY", HU, 3},       {"1.2345", "KWD", HU, 1235},
        {"7", "KWD", HU, 7000},      {"0.000000000000000001", "USD", HU, 0},
    };
    for (size_t i = 0; i < N(rows); i++) {
        int64_t v = 42;
        int rc = money_from_dec(&v, D(rows[i].d), C(rows[i].code), rows[i].r, NULL);
        cr_expect_eq(rc, 0);
        cr_expect_eq(v, rows[i].out, "%s %s: got %lld", rows[i].d, rows[i].code, (long long)v);
    }
    int64_t v = 42;
    cr_expect_eq(money_from_dec(&v, D("922337203685477581"), C("INR"), HU, NULL), -ERR_OVERFLOW);
    cr_expect_eq(v, 42);
    Dec d = money_to_dec(12345, C("INR"));
    cr_expect(d.coef == 12345 && d.scale == 2);
    cr_expect_eq(money_to_dec(7, C("JPY")).scale, 0);
}

Test(money, mul_dec_applies_a_fractional_factor_once)
{
    static const struct {
        const char *amount, *factor;
        Rounding r;
        const char *out;
    } rows[] = {
        {"1000.00", "0.5", HU, "500.00"},
        {"99.99", "0.15", HU, "15.00"},    /* 14.9985 */
        {"99.99", "0.85", HU, "84.99"},    /* 84.9915 */
        {"0.01", "0.5", HE, "0.00"},
        {"0.03", "0.5", HE, "0.02"},
        {"-0.01", "0.5", HU, "-0.01"},
        {"100.00", "0.333333333333333333", HU, "33.33"},
        {"100.00", "1", HU, "100.00"},
        {"100.00", "0", HU, "0.00"},
    };
    for (size_t i = 0; i < N(rows); i++) {
        int64_t v;
        char buf[MONEY_FORMAT_MAX];
        cr_assert_eq(money_mul_dec(&v, M("USD", rows[i].amount), D(rows[i].factor), rows[i].r, NULL),
                     0);
        cr_expect_str_eq(F(buf, v, "USD"), rows[i].out, "%s x %s", rows[i].amount,
                         rows[i].factor);
    }
    int64_t v = 42;
    cr_expect_eq(money_mul_dec(&v, INT64_MAX, D("1.000000000000000001"), HU, NULL), -ERR_OVERFLOW);
    cr_expect_eq(money_mul_dec(&v, INT64_MIN, D("0.5"), HU, NULL), 0);
    cr_expect_eq(v, INT64_MIN / 2);
    cr_expect_eq(money_mul_dec(&v, 1, dec_make(1, 19), HU, NULL), -ERR_RANGE);
}

Test(money, mul_ratio_prorates_by_days_rounded_once)
{
    static const struct {
        const char *amount;
        int64_t num, den;
        Rounding r;
        int rc;
        const char *out;
    } rows[] = {
        {"3000.00", 10, 30, HU, 0, "1000.00"},
        {"100.00", 1, 3, HU, 0, "33.33"},
        {"100.00", 2, 3, HU, 0, "66.67"},
        {"999.00", 15, 31, HU, 0, "483.39"},  /* 483.3870... */
        {"999.00", 14, 28, HU, 0, "499.50"},
        {"0.05", 1, 2, HU, 0, "0.03"},
        {"0.05", 1, 2, HE, 0, "0.02"},
        {"-0.05", 1, 2, HU, 0, "-0.03"},
        {"-0.05", 1, 2, HE, 0, "-0.02"},
        {"0.07", 1, 2, HE, 0, "0.04"},
        {"100.00", -1, 4, HU, 0, "-25.00"},
        {"100.00", 0, 30, HU, 0, "0.00"},
        {"100.00", 1, 0, HU, -ERR_INVALID, NULL},
        {"100.00", 1, -30, HU, -ERR_INVALID, NULL},
        {"92233720368547758.07", 2, 1, HU, -ERR_OVERFLOW, NULL},
        {"92233720368547758.07", INT64_MAX, INT64_MAX, HU, 0, "92233720368547758.07"},
    };
    for (size_t i = 0; i < N(rows); i++) {
        int64_t v = 42;
        char buf[MONEY_FORMAT_MAX];
        int rc = money_mul_ratio(&v, M("USD", rows[i].amount), rows[i].num, rows[i].den,
                                 rows[i].r, NULL);
        cr_expect_eq(rc, rows[i].rc, "%s x %lld/%lld", rows[i].amount, (long long)rows[i].num,
                     (long long)rows[i].den);
        if (rc == 0)
            cr_expect_str_eq(F(buf, v, "USD"), rows[i].out, "%s x %lld/%lld", rows[i].amount,
                             (long long)rows[i].num, (long long)rows[i].den);
        else
            cr_expect_eq(v, 42);
    }
}

Test(money, allocate_adds_up_exactly_largest_remainder_ties_to_lowest_index)
{
    static const struct {
        int64_t total;
        int64_t w[6];
        size_t n;
        int64_t out[6];
    } rows[] = {
        {10000, {1, 1, 1}, 3, {3334, 3333, 3333}},
        {-10000, {1, 1, 1}, 3, {-3334, -3333, -3333}},
        {100, {1, 1, 1, 1, 1, 1}, 6, {17, 17, 17, 17, 16, 16}},
        {100, {0, 1}, 2, {0, 100}},
        {100, {2, 1}, 2, {67, 33}},
        {1, {1, 2, 1}, 3, {0, 1, 0}},
        {2, {1, 1, 1}, 3, {1, 1, 0}},
        {0, {5, 7}, 2, {0, 0}},
        {5, {1}, 1, {5}},
        {101, {50, 50}, 2, {51, 50}},
        {1000, {333, 333, 334}, 3, {333, 333, 334}},
        {7, {3, 3, 1}, 3, {3, 3, 1}},
        {10, {3, 3, 1}, 3, {4, 4, 2}},           /* 4.29 4.29 1.43: the .43 wins */
        {INT64_MAX, {1, 1}, 2, {INT64_MAX / 2 + 1, INT64_MAX / 2}},
        {INT64_MIN, {1, 1}, 2, {INT64_MIN / 2, INT64_MIN / 2}},
        {INT64_MIN, {1, 0}, 2, {INT64_MIN, 0}},
        {100, {INT64_MAX, INT64_MAX, 1}, 3, {50, 50, 0}},
    };
    for (size_t i = 0; i < N(rows); i++) {
        int64_t out[6] = {0};
        cr_assert_eq(money_allocate(out, rows[i].total, rows[i].w, rows[i].n, NULL), 0, "row %zu", i);
        __int128 sum = 0;
        for (size_t k = 0; k < rows[i].n; k++) {
            cr_expect_eq(out[k], rows[i].out[k], "row %zu part %zu: got %lld", i, k,
                         (long long)out[k]);
            sum += out[k];
        }
        cr_expect(sum == rows[i].total, "row %zu does not add up", i);
    }
}

Test(money, allocate_refuses_bad_weights_and_may_write_over_them)
{
    static const int64_t negw[] = {1, -1, 2};
    static const int64_t zero[] = {0, 0};
    int64_t out[3] = {42, 42, 42};
    Error e;
    cr_expect_eq(money_allocate(out, 100, negw, 3, &e), -ERR_INVALID);
    cr_expect_str_eq(e.message, "allocation weight 1 is negative");
    cr_expect_eq(money_allocate(out, 100, zero, 2, &e), -ERR_INVALID);
    cr_expect_str_eq(e.message, "allocation weights add up to zero");
    cr_expect_eq(money_allocate(out, 100, NULL, 0, NULL), -ERR_INVALID);
    cr_expect_eq(out[0], 42);

    int64_t w[3] = {1, 1, 1};
    cr_assert_eq(money_allocate(w, 10000, w, 3, NULL), 0);
    cr_expect(w[0] == 3334 && w[1] == 3333 && w[2] == 3333);
}

/* A small deterministic generator; no floating point. */
static uint64_t next(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

Test(money, allocate_parts_are_within_one_unit_of_the_exact_share)
{
    uint64_t seed = 12345;
    for (int iter = 0; iter < 2000; iter++) {
        int64_t w[17], out[17];
        size_t n = 1 + next(&seed) % 17;
        __int128 wsum = 0, sum = 0;
        for (size_t k = 0; k < n; k++) {
            w[k] = (int64_t)(next(&seed) % (iter % 2 ? 1000 : (uint64_t)INT64_MAX / 32));
            wsum += w[k];
        }
        if (wsum == 0)
            w[0] = 1, wsum = 1;
        int64_t total = (int64_t)next(&seed);
        cr_assert_eq(money_allocate(out, total, w, n, NULL), 0);
        for (size_t k = 0; k < n; k++) {
            /* |part * wsum - total * w| < wsum, in 128 bits: sum < 2^68, part < 2^63 */
            __int128 exact = (__int128)total * w[k];
            __int128 diff = (__int128)out[k] * wsum - exact;
            if (diff < 0)
                diff = -diff;
            cr_assert(diff < wsum, "iteration %d part %zu is more than one unit off", iter, k);
            sum += out[k];
        }
        cr_assert(sum == total, "iteration %d does not add up", iter);
    }
}

Test(money, convert_rescales_between_exponents_rounded_once)
{
    static const struct {
        const char *amount, *from, *to, *rate;
        Rounding r;
        int rc;
        const char *out;
    } rows[] = {
        {"100.00", "USD", "INR", "83.123456", HU, 0, "8312.35"}, /* 8312.3456 */
        {"1000", "JPY", "USD", "0.0067", HU, 0, "6.70"},
        {"1.00", "USD", "JPY", "150.5", HU, 0, "151"},
        {"1.00", "USD", "JPY", "150.5", HE, 0, "150"},
        {"-1.00", "USD", "JPY", "150.5", HU, 0, "-151"},
        {"1.000", "KWD", "USD", "3.25", HU, 0, "3.25"},
        {"0.001", "KWD", "USD", "3.25", HU, 0, "0.00"},  /* 0.00325 */
        {"5", "JPY", "KWD", "2", HU, 0, "10.000"},       /* scales up by 10^3 */
        {"1", "JPY", "KWD", "0.002", HU, 0, "0.002"},
        {"1", "JPY", "KWD", "0.0025", HU, 0, "0.003"},
        {"1", "JPY", "KWD", "0.0025", HE, 0, "0.002"},
        {"12.34", "EUR", "EUR", "1", HU, 0, "12.34"},
        {"1.00", "USD", "INR", "0", HU, -ERR_INVALID, NULL},
        {"1.00", "USD", "INR", "-83", HU, -ERR_INVALID, NULL},
        {"9223372036854775807", "JPY", "KWD", "2", HU, -ERR_OVERFLOW, NULL},
        {"92233720368547758.07", "USD", "INR", "83", HU, -ERR_OVERFLOW, NULL},
    };
    for (size_t i = 0; i < N(rows); i++) {
        int64_t v = 42;
        char buf[MONEY_FORMAT_MAX];
        int rc = money_convert(&v, M(rows[i].from, rows[i].amount), C(rows[i].from), C(rows[i].to),
                               D(rows[i].rate), rows[i].r, NULL);
        cr_expect_eq(rc, rows[i].rc, "%s %s -> %s at %s: rc %d", rows[i].amount, rows[i].from,
                     rows[i].to, rows[i].rate, rc);
        if (rc == 0)
            cr_expect_str_eq(F(buf, v, rows[i].to), rows[i].out, "%s %s -> %s at %s",
                             rows[i].amount, rows[i].from, rows[i].to, rows[i].rate);
        else
            cr_expect_eq(v, 42);
    }
    cr_expect_eq(money_convert(&(int64_t){0}, 1, NULL, C("INR"), D("1"), HU, NULL), -ERR_INVALID);
}
