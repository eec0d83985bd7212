/* tests/unit/test_decimal.c — core/decimal: strict parsing, formatting, exact
 * addition, products and quotients rounded once, the rounding primitive and
 * scaled storage. Table-driven: one row per case, each test named after the
 * rule it checks. */
#include <criterion/criterion.h>
#include <string.h>

#include "core/decimal.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define HU ROUND_HALF_UP
#define HE ROUND_HALF_EVEN

/* A decimal from a string the table writes; the string must be valid. */
static Dec D(const char *s)
{
    Dec d;
    Error e;
    int rc = dec_parse(&d, s, strlen(s), DEC_MAX_SCALE, "test", &e);
    cr_assert_eq(rc, 0, "test table value %s does not parse: %s", s, e.message);
    return d;
}

/* d written at its own scale, so a row checks both value and scale. */
static const char *S(char *buf, Dec d)
{
    cr_assert_geq(dec_format(buf, DEC_FORMAT_MAX, d, d.scale), 0);
    return buf;
}

static const char *mode(Rounding r)
{
    return r == HU ? "half-up" : "half-even";
}

Test(decimal, parse_accepts_strict_decimal_strings)
{
    static const struct {
        const char *in;
        int max_scale;
        int64_t coef;
        int scale;
    } rows[] = {
        {"0", 0, 0, 0},
        {"-0", 2, 0, 0},
        {"-0.0", 2, 0, 1},
        {"7", 0, 7, 0},
        {"007.5", 2, 75, 1},
        {"-1.25", 2, -125, 2},
        {"18.500000", 6, 18500000, 6},
        {"1.50", 2, 150, 2},
        {"0.1", 18, 1, 1},
        {"0.000000000000000001", 18, 1, 18},
        {"-0.000000000000000001", 18, -1, 18},
        {"9.223372036854775807", 18, INT64_MAX, 18},
        {"-9.223372036854775808", 18, INT64_MIN, 18},
        {"9223372036854775807", 0, INT64_MAX, 0},
        {"-9223372036854775808", 0, INT64_MIN, 0},
        {"00000000000000000000000000012", 0, 12, 0},
        /* trailing zeros are dropped only when that is the only way to fit */
        {"10.000000000000000000", 18, 10, 0},
        {"92233720368547758.0700", 4, INT64_MAX, 2},
        {"123456789012.345678", 6, 123456789012345678, 6},
    };
    for (size_t i = 0; i < N(rows); i++) {
        Dec d = {-1, -1};
        Error e;
        int rc = dec_parse(&d, rows[i].in, strlen(rows[i].in), rows[i].max_scale, "x", &e);
        cr_expect_eq(rc, 0, "%s: rc %d (%s)", rows[i].in, rc, e.message);
        cr_expect(d.coef == rows[i].coef && d.scale == rows[i].scale,
                  "%s: got coef %lld scale %d, want %lld scale %d", rows[i].in, (long long)d.coef,
                  d.scale, (long long)rows[i].coef, rows[i].scale);
    }
}

Test(decimal, parse_rejects_malformed_strings)
{
    static const char *rows[] = {
        "",      "-",       "+1",    " 1",     "1 ",    "\t1",    ".5",      "-.5",    "5.",
        "-5.",   "1e5",     "1E5",   "1,000",  "1_000", "1.2.3",  "--1",     "1-",     "0x10",
        "1.-5",  "NaN",     "inf",   "1.5e-3", "١",     "1 000",  "12..5",   ".",      "-0.",
        "1.5 ",  "(1.5)",   "1.5%",  "$1",     "1.0.0", "0.1a",   "a0.1",    "1/2",    "- 1",
    };
    for (size_t i = 0; i < N(rows); i++) {
        Dec d = {42, 0};
        Error e;
        int rc = dec_parse(&d, rows[i], strlen(rows[i]), 6, "qty", &e);
        cr_expect_eq(rc, -ERR_INVALID, "\"%s\": rc %d, want ERR_INVALID", rows[i], rc);
        cr_expect_str_eq(e.field, "qty", "\"%s\"", rows[i]);
        cr_expect_str_eq(e.message, "qty is not a valid decimal number", "\"%s\"", rows[i]);
        cr_expect(d.coef == 42, "\"%s\": out written on failure", rows[i]);
    }
    /* An embedded NUL is not a terminator: len says how much there is. */
    cr_expect_eq(dec_parse(&(Dec){0}, "1\0" "5", 3, 6, NULL, NULL), -ERR_INVALID);
    cr_expect_eq(dec_parse(&(Dec){0}, NULL, 0, 6, NULL, NULL), -ERR_INVALID);
}

Test(decimal, parse_reads_exactly_len_bytes)
{
    Dec d;
    cr_assert_eq(dec_parse(&d, "12.345", 4, 6, NULL, NULL), 0);
    cr_expect(d.coef == 123 && d.scale == 1);
    cr_expect_eq(dec_parse(&d, "12.345", 3, 6, NULL, NULL), -ERR_INVALID); /* "12." */
    cr_expect_eq(dec_parse(&d, "12.345", 0, 6, NULL, NULL), -ERR_INVALID); /* "" */
}

Test(decimal, parse_refuses_excess_precision_never_rounds)
{
    static const struct {
        const char *in;
        int max_scale;
        const char *message;
    } rows[] = {
        {"1.005", 2, "rate has more than 2 decimal places"},
        {"1.50", 1, "rate has more than 1 decimal places"},
        {"1.0", 0, "rate has more than 0 decimal places"},
        {"-0.0000001", 6, "rate has more than 6 decimal places"},
        {"0.0000000000000000001", 18, "rate has more than 18 decimal places"},
        {"99999999999999999999.123", 2, "rate has more than 2 decimal places"},
    };
    for (size_t i = 0; i < N(rows); i++) {
        Dec d = {42, 0};
        Error e;
        int rc = dec_parse(&d, rows[i].in, strlen(rows[i].in), rows[i].max_scale, "rate", &e);
        cr_expect_eq(rc, -ERR_PRECISION, "%s: rc %d", rows[i].in, rc);
        cr_expect_eq(e.code, ERR_PRECISION);
        cr_expect_str_eq(e.message, rows[i].message, "%s", rows[i].in);
        cr_expect_str_eq(e.field, "rate");
        cr_expect(d.coef == 42, "%s: out written on failure", rows[i].in);
    }
}

Test(decimal, parse_refuses_values_beyond_int64)
{
    static const struct {
        const char *in;
        int max_scale;
    } rows[] = {
        {"9223372036854775808", 0},
        {"-9223372036854775809", 0},
        {"99999999999999999999", 0},
        {"9.223372036854775808", 18},
        {"10.000000000000000001", 18},
        {"100000000000000000000.0", 1},
    };
    for (size_t i = 0; i < N(rows); i++) {
        Error e;
        int rc = dec_parse(&(Dec){0}, rows[i].in, strlen(rows[i].in), rows[i].max_scale, NULL, &e);
        cr_expect_eq(rc, -ERR_RANGE, "%s: rc %d", rows[i].in, rc);
        cr_expect_str_eq(e.message, "value is out of range", "%s", rows[i].in);
    }
    cr_expect_eq(dec_parse(&(Dec){0}, "1", 1, 19, NULL, NULL), -ERR_RANGE);
    cr_expect_eq(dec_parse(&(Dec){0}, "1", 1, -1, NULL, NULL), -ERR_RANGE);
}

Test(decimal, format_pads_or_rounds_half_up_to_the_requested_scale)
{
    static const struct {
        int64_t coef;
        int scale, to;
        const char *out;
    } rows[] = {
        {0, 0, 0, "0"},
        {0, 3, 2, "0.00"},
        {1, 0, 2, "1.00"},
        {-5, 2, 2, "-0.05"},
        {5, 2, 0, "0"},
        {50, 2, 0, "1"},
        {-50, 2, 0, "-1"},
        {125, 2, 1, "1.3"},
        {-125, 2, 1, "-1.3"},
        {-4, 3, 2, "0.00"}, /* no negative zero */
        {999, 3, 0, "1"},
        {-9995, 3, 2, "-10.00"},
        {1, 18, 18, "0.000000000000000001"},
        {1, 18, 17, "0.00000000000000000"},
        {5, 18, 17, "0.00000000000000001"},
        {INT64_MAX, 0, 18, "9223372036854775807.000000000000000000"},
        {INT64_MIN, 0, 18, "-9223372036854775808.000000000000000000"},
        {INT64_MIN, 18, 18, "-9.223372036854775808"},
        {INT64_MAX, 18, 0, "9"},
        {INT64_MAX, 1, 0, "922337203685477581"},
    };
    for (size_t i = 0; i < N(rows); i++) {
        char buf[DEC_FORMAT_MAX];
        int n = dec_format(buf, sizeof buf, dec_make(rows[i].coef, rows[i].scale), rows[i].to);
        cr_expect_str_eq(buf, rows[i].out, "row %zu", i);
        cr_expect_eq(n, (int)strlen(rows[i].out), "row %zu", i);
    }
}

Test(decimal, format_reports_a_small_buffer_and_bad_scales)
{
    char buf[8];
    cr_expect_eq(dec_format(buf, 7, dec_make(-12345, 2), 2), -1); /* "-123.45" + NUL is 8 */
    cr_expect_str_eq(buf, "");
    cr_expect_eq(dec_format(buf, 8, dec_make(-12345, 2), 2), 7);
    cr_expect_str_eq(buf, "-123.45");
    cr_expect_eq(dec_format(buf, 0, dec_make(1, 0), 0), -1);
    cr_expect_eq(dec_format(NULL, 0, dec_make(1, 0), 0), -1);
    cr_expect_eq(dec_format(buf, sizeof buf, dec_make(1, 0), 19), -1);
    cr_expect_eq(dec_format(buf, sizeof buf, dec_make(1, 0), -1), -1);
    cr_expect_eq(dec_format(buf, sizeof buf, dec_make(1, 19), 0), -1);
    cr_expect_eq(dec_format_trim(buf, 2, dec_make(-15, 1)), -1);
}

Test(decimal, format_trim_drops_trailing_zeros)
{
    static const struct {
        int64_t coef;
        int scale;
        const char *out;
    } rows[] = {
        {18500000, 6, "18.5"}, {2000, 3, "2"},          {0, 5, "0"},   {-150, 2, "-1.5"},
        {100, 0, "100"},       {1, 18, "0.000000000000000001"},       {-10, 1, "-1"},
        {INT64_MIN, 0, "-9223372036854775808"},          {1050, 3, "1.05"},
    };
    for (size_t i = 0; i < N(rows); i++) {
        char buf[DEC_FORMAT_MAX];
        int n = dec_format_trim(buf, sizeof buf, dec_make(rows[i].coef, rows[i].scale));
        cr_expect_str_eq(buf, rows[i].out, "row %zu", i);
        cr_expect_eq(n, (int)strlen(rows[i].out));
    }
}

Test(decimal, add_of_point_one_and_point_two_is_exactly_point_three)
{
    Dec r;
    char buf[DEC_FORMAT_MAX];
    cr_assert_eq(dec_add(&r, D("0.1"), D("0.2"), NULL), 0);
    cr_expect_eq(dec_cmp(r, D("0.3")), 0);
    cr_expect_str_eq(S(buf, r), "0.3");
}

Test(decimal, add_and_sub_are_exact_at_the_larger_scale)
{
    static const struct {
        char op;
        const char *a, *b, *out;
    } rows[] = {
        {'+', "1", "0.25", "1.25"},
        {'+', "1.10", "2.2", "3.30"},
        {'+', "-1.5", "1.5", "0.0"},
        {'+', "0.000000000000000001", "1", "1.000000000000000001"},
        {'-', "0", "0.01", "-0.01"},
        {'-', "100.00", "33.333", "66.667"},
        {'-', "-9223372036854775807", "1", "-9223372036854775808"},
        {'+', "9223372036854775806", "1", "9223372036854775807"},
        {'+', "4.611686018427387903", "4.611686018427387904", "9.223372036854775807"},
    };
    for (size_t i = 0; i < N(rows); i++) {
        Dec r;
        char buf[DEC_FORMAT_MAX];
        int rc = rows[i].op == '+' ? dec_add(&r, D(rows[i].a), D(rows[i].b), NULL)
                                   : dec_sub(&r, D(rows[i].a), D(rows[i].b), NULL);
        cr_expect_eq(rc, 0, "%s %c %s", rows[i].a, rows[i].op, rows[i].b);
        if (rc == 0)
            cr_expect_str_eq(S(buf, r), rows[i].out, "%s %c %s", rows[i].a, rows[i].op, rows[i].b);
    }
}

Test(decimal, add_and_sub_detect_int64_overflow)
{
    static const struct {
        char op;
        const char *a, *b;
    } rows[] = {
        {'+', "9223372036854775807", "1"},
        {'-', "-9223372036854775808", "1"},
        {'-', "0", "-9223372036854775808"},
        {'+', "-9223372036854775808", "-9223372036854775808"},
        {'+', "9.223372036854775807", "0.000000000000000001"},
        /* aligning 1 to scale 18 is 10^18; 9.3e18 more does not fit */
        {'+', "9223372036854775807", "0.5"},
        {'+', "10", "0.000000000000000001"},
    };
    for (size_t i = 0; i < N(rows); i++) {
        Dec r = {42, 0};
        Error e;
        int rc = rows[i].op == '+' ? dec_add(&r, D(rows[i].a), D(rows[i].b), &e)
                                   : dec_sub(&r, D(rows[i].a), D(rows[i].b), &e);
        cr_expect_eq(rc, -ERR_OVERFLOW, "%s %c %s: rc %d", rows[i].a, rows[i].op, rows[i].b, rc);
        cr_expect_eq(r.coef, 42, "out written on failure");
        cr_expect_str_eq(e.message, "result is too large to compute exactly");
    }
}

Test(decimal, mul_rounds_the_full_product_once)
{
    static const struct {
        const char *a, *b;
        int scale;
        Rounding r;
        const char *out;
    } rows[] = {
        /* ties: half-up goes away from zero, half-even to the even neighbour */
        {"2.5", "1", 0, HU, "3"},
        {"2.5", "1", 0, HE, "2"},
        {"3.5", "1", 0, HE, "4"},
        {"-2.5", "1", 0, HU, "-3"},
        {"-2.5", "1", 0, HE, "-2"},
        {"-3.5", "1", 0, HE, "-4"},
        {"0.125", "1", 2, HU, "0.13"},
        {"0.125", "1", 2, HE, "0.12"},
        {"-0.125", "1", 2, HU, "-0.13"},
        {"-0.125", "1", 2, HE, "-0.12"},
        {"1.5", "1.5", 1, HU, "2.3"},
        {"1.5", "1.5", 1, HE, "2.2"},
        {"0.5", "-0.5", 1, HE, "-0.2"},
        {"0.5", "-0.5", 1, HU, "-0.3"},
        /* not ties */
        {"1.15", "1.15", 2, HE, "1.32"},
        {"0.0449", "1", 1, HU, "0.0"}, /* once: never 0.045 -> 0.05 -> 0.1 */
        {"0.4999999", "1", 0, HU, "0"},
        {"-0.5000001", "1", 0, HE, "-1"},
        {"33.33", "3", 2, HU, "99.99"},
        {"1000000", "0.000015", 2, HU, "15.00"},
        /* scale 0 and 18 */
        {"0.000000001", "0.000000001", 18, HU, "0.000000000000000001"},
        {"0.000000001", "0.0000000005", 18, HU, "0.000000000000000001"},
        {"0.000000001", "0.0000000005", 18, HE, "0.000000000000000000"},
        {"9.223372036854775807", "9.223372036854775807", 16, HU, "85.0705917302346158"},
        {"1.23", "2", 18, HU, "2.460000000000000000"},
        /* int64 limits */
        {"9223372036854775807", "1", 0, HU, "9223372036854775807"},
        {"-9223372036854775808", "1", 0, HU, "-9223372036854775808"},
        {"9223372036854775807", "0.5", 0, HU, "4611686018427387904"},
        {"9223372036854775807", "0.5", 0, HE, "4611686018427387904"},
        {"9223372036854775805", "0.5", 0, HE, "4611686018427387902"},
        {"-9223372036854775808", "-0.5", 0, HU, "4611686018427387904"},
        {"0", "-9223372036854775808", 18, HU, "0.000000000000000000"},
    };
    for (size_t i = 0; i < N(rows); i++) {
        Dec r;
        Error e;
        char buf[DEC_FORMAT_MAX];
        int rc = dec_mul(&r, D(rows[i].a), D(rows[i].b), rows[i].scale, rows[i].r, &e);
        cr_expect_eq(rc, 0, "%s * %s: rc %d %s", rows[i].a, rows[i].b, rc, e.message);
        if (rc == 0)
            cr_expect_str_eq(S(buf, r), rows[i].out, "%s * %s at %d %s", rows[i].a, rows[i].b,
                             rows[i].scale, mode(rows[i].r));
    }
}

Test(decimal, mul_detects_overflow_of_the_rounded_result)
{
    static const struct {
        const char *a, *b;
        int scale;
    } rows[] = {
        {"9223372036854775807", "2", 0},
        {"-9223372036854775808", "-1", 0},
        {"9223372036854775807", "9223372036854775807", 0},
        {"9223372036854775807", "9223372036854775807", 1}, /* scaling up must not wrap 128 bits */
        {"-9223372036854775808", "9223372036854775807", 18},
        {"9.223372036854775807", "9.223372036854775807", 18},
        {"1000000000000000000", "1", 18}, /* 10^36 at scale 18 */
        {"9223372036854775807", "0.99999999999999999", 1},
        {"-9223372036854775808", "1", 1},
    };
    for (size_t i = 0; i < N(rows); i++) {
        Dec r = {42, 0};
        Error e;
        int rc = dec_mul(&r, D(rows[i].a), D(rows[i].b), rows[i].scale, HU, &e);
        cr_expect_eq(rc, -ERR_OVERFLOW, "%s * %s at %d: rc %d", rows[i].a, rows[i].b,
                     rows[i].scale, rc);
        cr_expect_eq(r.coef, 42);
    }
    /* the last digit that fits at scale 18 */
    Dec r;
    cr_expect_eq(dec_mul(&r, D("9"), D("1"), 18, HU, NULL), 0);
    cr_expect_eq(dec_mul(&r, D("10"), D("1"), 18, HU, NULL), -ERR_OVERFLOW);
    cr_expect_eq(dec_mul(&r, D("1"), D("1"), 19, HU, NULL), -ERR_RANGE);
    cr_expect_eq(dec_mul(&r, D("1"), D("1"), -1, HU, NULL), -ERR_RANGE);
}

Test(decimal, div_rounds_the_exact_quotient_once)
{
    static const struct {
        const char *a, *b;
        int scale;
        Rounding r;
        const char *out;
    } rows[] = {
        {"1", "3", 6, HU, "0.333333"},
        {"2", "3", 6, HU, "0.666667"},
        {"-2", "3", 6, HU, "-0.666667"},
        {"2", "-3", 6, HE, "-0.666667"},
        {"-2", "-3", 0, HE, "1"},
        {"1", "8", 2, HU, "0.13"},
        {"1", "8", 2, HE, "0.12"},
        {"-1", "8", 2, HU, "-0.13"},
        {"-1", "8", 2, HE, "-0.12"},
        {"3", "8", 2, HE, "0.38"},
        {"10", "4", 0, HU, "3"},
        {"10", "4", 0, HE, "2"},
        {"-10", "4", 0, HU, "-3"},
        {"-10", "4", 0, HE, "-2"},
        {"14", "4", 0, HE, "4"},
        {"1.000", "0.001", 0, HU, "1000"},
        {"1", "0.000000000000000001", 0, HU, "1000000000000000000"},
        {"1", "1.000000000000000000", 18, HU, "1.000000000000000000"},
        {"0.000000000000000001", "1000000000000000000", 18, HU, "0.000000000000000000"},
        {"0.000000000000000005", "10", 18, HU, "0.000000000000000001"},
        {"0.000000000000000005", "10", 18, HE, "0.000000000000000000"},
        {"9223372036854775807", "1", 0, HU, "9223372036854775807"},
        {"-9223372036854775808", "1", 0, HU, "-9223372036854775808"},
        {"-9223372036854775808", "2", 0, HU, "-4611686018427387904"},
        {"9223372036854775807", "9223372036854775807", 18, HU, "1.000000000000000000"},
        {"1", "9223372036854775807", 18, HU, "0.000000000000000000"},
        {"0", "-7", 3, HU, "0.000"},
        {"100", "30", 2, HU, "3.33"},
    };
    for (size_t i = 0; i < N(rows); i++) {
        Dec r;
        Error e;
        char buf[DEC_FORMAT_MAX];
        int rc = dec_div(&r, D(rows[i].a), D(rows[i].b), rows[i].scale, rows[i].r, &e);
        cr_expect_eq(rc, 0, "%s / %s: rc %d %s", rows[i].a, rows[i].b, rc, e.message);
        if (rc == 0)
            cr_expect_str_eq(S(buf, r), rows[i].out, "%s / %s at %d %s", rows[i].a, rows[i].b,
                             rows[i].scale, mode(rows[i].r));
    }
}

Test(decimal, div_refuses_zero_divisors_and_overflow)
{
    static const struct {
        const char *a, *b;
        int scale;
        int rc;
    } rows[] = {
        {"1", "0", 2, -ERR_INVALID},
        {"0", "0.000", 2, -ERR_INVALID},
        {"-9223372036854775808", "-1", 0, -ERR_OVERFLOW},
        {"9223372036854775807", "0.1", 0, -ERR_OVERFLOW},
        {"1", "0.000000000000000001", 1, -ERR_OVERFLOW},
        {"9223372036854775807", "0.000000000000000001", 18, -ERR_OVERFLOW},
        {"1", "3", 19, -ERR_RANGE},
    };
    for (size_t i = 0; i < N(rows); i++) {
        Dec r = {42, 0};
        Error e;
        int rc = dec_div(&r, D(rows[i].a), D(rows[i].b), rows[i].scale, HU, &e);
        cr_expect_eq(rc, rows[i].rc, "%s / %s: rc %d, want %d", rows[i].a, rows[i].b, rc,
                     rows[i].rc);
        cr_expect_eq(r.coef, 42);
    }
    Error e;
    dec_div(&(Dec){0}, D("1"), D("0"), 2, HU, &e);
    cr_expect_str_eq(e.message, "division by zero");
}

Test(decimal, rescale_is_exact_up_and_rounds_once_down)
{
    static const struct {
        const char *a;
        int scale;
        Rounding r;
        int rc;
        const char *out;
    } rows[] = {
        {"1.5", 3, HU, 0, "1.500"},
        {"1.25", 1, HU, 0, "1.3"},
        {"1.25", 1, HE, 0, "1.2"},
        {"1.35", 1, HE, 0, "1.4"},
        {"-1.25", 1, HU, 0, "-1.3"},
        {"-1.25", 1, HE, 0, "-1.2"},
        {"-1.35", 1, HE, 0, "-1.4"},
        {"0.5", 0, HE, 0, "0"},
        {"1.5", 0, HE, 0, "2"},
        {"-0.5", 0, HU, 0, "-1"},
        {"-0.5", 0, HE, 0, "0"},
        {"0.000000000000000001", 0, HU, 0, "0"},
        {"9.223372036854775807", 0, HU, 0, "9"},
        {"9", 18, HU, 0, "9.000000000000000000"},
        {"10", 18, HU, -ERR_OVERFLOW, NULL},
        {"9223372036854775807", 1, HU, -ERR_OVERFLOW, NULL},
        {"1", 19, HU, -ERR_RANGE, NULL},
        {"1", -1, HU, -ERR_RANGE, NULL},
    };
    for (size_t i = 0; i < N(rows); i++) {
        Dec r;
        char buf[DEC_FORMAT_MAX];
        int rc = dec_rescale(&r, D(rows[i].a), rows[i].scale, rows[i].r, NULL);
        cr_expect_eq(rc, rows[i].rc, "%s to %d: rc %d", rows[i].a, rows[i].scale, rc);
        if (rc == 0 && rows[i].out)
            cr_expect_str_eq(S(buf, r), rows[i].out, "%s to %d %s", rows[i].a, rows[i].scale,
                             mode(rows[i].r));
    }
}

Test(decimal, cmp_is_exact_across_scales)
{
    static const struct {
        const char *a, *b;
        int want;
    } rows[] = {
        {"1.5", "1.50", 0},
        {"-0.1", "-0.10", 0},
        {"0", "-0.000", 0},
        {"1", "0.999999999999999999", 1},
        {"-1", "-0.999999999999999999", -1},
        {"9223372036854775807", "9.223372036854775807", 1},
        {"-9223372036854775808", "-9.223372036854775808", -1},
        {"-9223372036854775808", "9223372036854775807", -1},
        {"0.000000000000000001", "0", 1},
        {"2", "10", -1},
    };
    for (size_t i = 0; i < N(rows); i++) {
        cr_expect_eq(dec_cmp(D(rows[i].a), D(rows[i].b)), rows[i].want, "%s <=> %s", rows[i].a,
                     rows[i].b);
        cr_expect_eq(dec_cmp(D(rows[i].b), D(rows[i].a)), -rows[i].want, "%s <=> %s", rows[i].b,
                     rows[i].a);
    }
}

Test(decimal, predicates_and_constructors)
{
    cr_expect(dec_is_zero(D("0.000")));
    cr_expect(dec_is_zero(D("-0")));
    cr_expect(!dec_is_zero(D("0.000000000000000001")));
    cr_expect(dec_is_negative(D("-0.01")));
    cr_expect(!dec_is_negative(D("-0.00")));
    cr_expect_eq(dec_neg(D("1.25")).coef, -125);
    cr_expect_eq(dec_neg(D("1.25")).scale, 2);
    cr_expect_eq(dec_from_int(-7).coef, -7);
    cr_expect_eq(dec_from_int(-7).scale, 0);
    cr_expect_eq(dec_make(5, 3).scale, 3);
}

Test(decimal, round_div_pow10_is_the_one_rounding_rule)
{
    static const struct {
        __int128 num;
        int pow10;
        Rounding r;
        bool ok;
        int64_t out;
    } rows[] = {
        {25, 1, HU, true, 3},
        {25, 1, HE, true, 2},
        {35, 1, HE, true, 4},
        {15, 1, HE, true, 2},
        {-25, 1, HU, true, -3},
        {-25, 1, HE, true, -2},
        {-35, 1, HE, true, -4},
        {24, 1, HU, true, 2},
        {26, 1, HE, true, 3},
        {-26, 1, HE, true, -3},
        {4, 1, HU, true, 0},
        {5, 1, HE, true, 0},
        {-5, 1, HE, true, 0},
        {7, 0, HU, true, 7},
        {(__int128)INT64_MAX, 0, HU, true, INT64_MAX},
        {(__int128)INT64_MAX + 1, 0, HU, false, 0},
        {(__int128)INT64_MIN, 0, HU, true, INT64_MIN},
        {(__int128)INT64_MIN - 1, 0, HU, false, 0},
        {(__int128)INT64_MAX * 10 + 4, 1, HU, true, INT64_MAX},
        {(__int128)INT64_MAX * 10 + 5, 1, HU, false, 0},
        {(__int128)INT64_MIN * 10 - 5, 1, HE, true, INT64_MIN}, /* ...808 is even */
        {(__int128)INT64_MIN * 10 - 5, 1, HU, false, 0},
        /* the largest numerators and divisors */
        {(__int128)1 << 126, 38, HU, true, 1},   /* 0.85 */
        {(__int128)1 << 125, 38, HU, true, 0},   /* 0.43 */
        {-((__int128)1 << 126), 38, HU, true, -1},
        {(__int128)1 << 126, 39, HU, true, 0},
        {(__int128)1 << 126, 1000, HU, true, 0},
        {1, -1, HU, false, 0},
    };
    for (size_t i = 0; i < N(rows); i++) {
        int64_t out = 42;
        bool ok = dec_round_div_pow10(&out, rows[i].num, rows[i].pow10, rows[i].r);
        cr_expect_eq(ok, rows[i].ok, "row %zu", i);
        cr_expect_eq(out, rows[i].ok ? rows[i].out : 42, "row %zu: got %lld", i, (long long)out);
    }
}

Test(decimal, round_div_rounds_any_divisor_the_same_way)
{
    static const struct {
        __int128 num, den;
        Rounding r;
        bool ok;
        int64_t out;
    } rows[] = {
        {7, 2, HU, true, 4},   {7, 2, HE, true, 4},   {5, 2, HU, true, 3},   {5, 2, HE, true, 2},
        {-5, 2, HU, true, -3}, {-5, 2, HE, true, -2}, {5, -2, HU, true, -3}, {-5, -2, HE, true, 2},
        {1, 3, HU, true, 0},   {2, 3, HU, true, 1},   {-2, 3, HE, true, -1}, {0, 5, HU, true, 0},
        {1, 0, HU, false, 0},
        {(__int128)INT64_MAX * INT64_MAX, INT64_MAX, HU, true, INT64_MAX},
        {(__int128)INT64_MIN * -1, 1, HU, false, 0},
        {(__int128)INT64_MIN * 3, 3, HE, true, INT64_MIN},
    };
    for (size_t i = 0; i < N(rows); i++) {
        int64_t out = 42;
        bool ok = dec_round_div(&out, rows[i].num, rows[i].den, rows[i].r);
        cr_expect_eq(ok, rows[i].ok, "row %zu", i);
        cr_expect_eq(out, rows[i].ok ? rows[i].out : 42, "row %zu: got %lld", i, (long long)out);
    }
}

Test(decimal, scaled_storage_is_exact_both_ways)
{
    static const struct {
        const char *a;
        int scale;
        int rc;
        int64_t out;
    } rows[] = {
        {"1.5", 2, 0, 150},
        {"1.500", 2, 0, 150},
        {"-0.000001", 6, 0, -1},
        {"123", 0, 0, 123},
        {"9.223372036854775807", 18, 0, INT64_MAX},
        {"-9223372036854775808", 0, 0, INT64_MIN},
        {"1.505", 2, -ERR_PRECISION, 0},
        {"-0.0000001", 6, -ERR_PRECISION, 0},
        {"9223372036854775807", 1, -ERR_OVERFLOW, 0},
        {"10", 18, -ERR_OVERFLOW, 0},
        {"1", 19, -ERR_RANGE, 0},
    };
    for (size_t i = 0; i < N(rows); i++) {
        int64_t v = 42;
        int rc = dec_to_scaled(&v, D(rows[i].a), rows[i].scale, NULL);
        cr_expect_eq(rc, rows[i].rc, "%s at %d: rc %d", rows[i].a, rows[i].scale, rc);
        cr_expect_eq(v, rc == 0 ? rows[i].out : 42, "%s at %d", rows[i].a, rows[i].scale);
        if (rc == 0) {
            Dec back = dec_from_scaled(v, rows[i].scale);
            cr_expect_eq(back.scale, rows[i].scale);
            cr_expect_eq(dec_cmp(back, D(rows[i].a)), 0, "%s round trip", rows[i].a);
        }
    }
}

Test(decimal, errors_are_one_line_without_a_trailing_period)
{
    Error e;
    int rcs[6];
    char msgs[6][256];
    rcs[0] = dec_parse(&(Dec){0}, "x", 1, 2, "qty", &e);
    memcpy(msgs[0], e.message, sizeof e.message);
    rcs[1] = dec_parse(&(Dec){0}, "1.234", 5, 2, "qty", &e);
    memcpy(msgs[1], e.message, sizeof e.message);
    rcs[2] = dec_parse(&(Dec){0}, "99999999999999999999", 20, 2, "qty", &e);
    memcpy(msgs[2], e.message, sizeof e.message);
    rcs[3] = dec_add(&(Dec){0}, dec_from_int(INT64_MAX), dec_from_int(1), &e);
    memcpy(msgs[3], e.message, sizeof e.message);
    cr_expect_str_eq(e.detail, "9223372036854775807 + 1");
    rcs[4] = dec_div(&(Dec){0}, dec_from_int(1), dec_from_int(0), 0, HU, &e);
    memcpy(msgs[4], e.message, sizeof e.message);
    rcs[5] = dec_rescale(&(Dec){0}, dec_from_int(1), 40, HU, &e);
    memcpy(msgs[5], e.message, sizeof e.message);
    for (int i = 0; i < 6; i++) {
        size_t n = strlen(msgs[i]);
        cr_expect_lt(rcs[i], 0, "case %d", i);
        cr_expect_gt(n, 0, "case %d", i);
        cr_expect_neq(msgs[i][n - 1], '.', "\"%s\"", msgs[i]);
        cr_expect_null(strchr(msgs[i], '\n'), "\"%s\"", msgs[i]);
        cr_expect_null(strstr(msgs[i], "dec_"), "\"%s\"", msgs[i]);
    }
}
