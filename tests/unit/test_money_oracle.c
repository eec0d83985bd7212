/* tests/unit/test_money_oracle.c — property test of core/decimal and
 * core/money against bc(1), an independent arbitrary-precision calculator.
 *
 * 10,000 random operations (add, sub, multiply and divide rounded to a scale,
 * rescale, percent, qty x rate, amount x factor, amount x num / den, currency
 * conversion; half-up and half-even) on random decimals of every scale from 0
 * to 18, many near the int64 limits and many built to land exactly on a .5
 * tie. Each operation is run through the code under test, and written as a
 * bc expression over the same operand strings; ONE bc process evaluates the
 * whole batch from a temporary file. In bc every result is an exact integer
 * ratio N / D (operands scaled by 10^40 so that nothing is lost at scale=40),
 * and the rounding to an integer is done in bc's own rd() below, so the
 * oracle shares no code with decimal.c or money.c. A bc result outside int64
 * must be reported as ERR_OVERFLOW.
 *
 * The seed is printed; REMIT_ORACLE_SEED=<n> replays a run. The first
 * disagreement fails the test with its operands.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/money.h"

#define OPS 10000
#define BC_PATH "/usr/bin/bc"
#define DEFAULT_SEED 20260421ULL

enum {
    OP_ADD,
    OP_SUB,
    OP_MUL,
    OP_DIV,
    OP_RESCALE,
    OP_PERCENT,
    OP_PRODUCT,
    OP_MULDEC,
    OP_RATIO,
    OP_CONVERT,
    OP__COUNT
};

static const char *const op_names[OP__COUNT] = {
    "dec_add",       "dec_sub",            "dec_mul",       "dec_div",         "dec_rescale",
    "money_percent", "money_from_product", "money_mul_dec", "money_mul_ratio", "money_convert",
};

typedef struct Case {
    int op;
    char a[48], b[48];   /* operands exactly as written to both sides */
    long long num, den;  /* money_mul_ratio */
    int scale;           /* target scale of the dec_ operations */
    Rounding r;
    const Currency *c;   /* the amount's currency */
    const Currency *to;  /* money_convert's target */
    int rc;              /* what the code under test answered */
    int64_t got;
} Case;

/* bc's rounding of the integer ratio n / d to an integer: mode 0 half-up
 * (away from zero), 1 half-even. Sets t = 1 when the ratio was a tie. */
static const char bc_prelude[] =
    "scale = 40\n"
    "f = 10^40\n"
    "define rd(n, d, m) {\n"
    "  auto q, r, s, o\n"
    "  o = scale\n"
    "  scale = 0\n"
    "  s = 1\n"
    "  if (n < 0) { s = -s; n = -n }\n"
    "  if (d < 0) { s = -s; d = -d }\n"
    "  q = n / d\n"
    "  r = n - q * d\n"
    "  t = 0\n"
    "  if (2 * r > d) q = q + 1\n"
    "  if (2 * r == d) {\n"
    "    t = 1\n"
    "    if (m == 0) q = q + 1\n"
    "    if (m == 1) { if (q % 2 == 1) q = q + 1 }\n"
    "  }\n"
    "  scale = o\n"
    "  return (s * q)\n"
    "}\n";

static uint64_t state;
static Case cases[OPS];

static uint64_t rnd(void)
{
    uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static int pick(int n)
{
    return (int)(rnd() % (uint64_t)n);
}

static const char *any(const char *const *list, size_t n)
{
    return list[pick((int)n)];
}

#define ANY(list) any(list, sizeof(list) / sizeof((list)[0]))

/* A random decimal string with at most max_scale fractional digits and at
 * most max_digits digits: mostly short, often at the limits. */
static void gen_text(char *buf, size_t cap, int max_scale, int max_digits)
{
    char digits[24];
    int k = pick(10);
    int scale = k < 5 ? pick(max_scale < 4 ? max_scale + 1 : 5) : k < 8 ? pick(max_scale + 1)
                                                                       : max_scale;
    k = pick(10);
    int nd = k < 6 ? 1 + pick(8 < max_digits ? 8 : max_digits) : k < 9 ? 1 + pick(max_digits)
                                                                       : max_digits;
    if (pick(40) == 0) {
        /* the int64 limits themselves, at some scale */
        memcpy(digits, pick(2) ? "9223372036854775807" : "9223372036854775808", 20);
        nd = 19;
    } else {
        for (int i = 0; i < nd; i++)
            digits[i] = (char)('0' + pick(10));
        digits[nd] = '\0';
    }
    char *p = buf;
    if (pick(2))
        *p++ = '-';
    if (nd <= scale) {
        *p++ = '0';
        *p++ = '.';
        for (int i = 0; i < scale - nd; i++)
            *p++ = '0';
        memcpy(p, digits, (size_t)nd + 1);
    } else {
        memcpy(p, digits, (size_t)(nd - scale));
        p += nd - scale;
        if (scale > 0) {
            *p++ = '.';
            memcpy(p, digits + nd - scale, (size_t)scale + 1);
        } else {
            *p = '\0';
        }
    }
    cr_assert_lt(strlen(buf), cap);
}

/* A random decimal that fits a Dec (scale <= max_scale); nonzero on request. */
static Dec gen_dec(char *buf, size_t cap, int max_scale, int max_digits, bool nonzero)
{
    for (;;) {
        Dec d;
        gen_text(buf, cap, max_scale, max_digits);
        if (dec_parse(&d, buf, strlen(buf), max_scale, NULL, NULL) == 0 && (!nonzero || d.coef))
            return d;
    }
}

/* A random amount of money in c. */
static int64_t gen_amount(char *buf, size_t cap, const Currency *c)
{
    for (;;) {
        int64_t v;
        gen_text(buf, cap, c->exponent, 19);
        if (money_parse(&v, buf, strlen(buf), c, NULL, NULL) == 0)
            return v;
    }
}

static Dec parse_list(char *buf, size_t cap, const char *s)
{
    Dec d;
    snprintf(buf, cap, "%s", s);
    cr_assert_eq(dec_parse(&d, s, strlen(s), DEC_MAX_SCALE, NULL, NULL), 0, "%s", s);
    return d;
}

static int clamp_scale(int s)
{
    return s < 0 ? 0 : s > DEC_MAX_SCALE ? DEC_MAX_SCALE : s;
}

/* Operands chosen to make exact .5 ties likely. */
static const char *const tie_factors[] = {"0.5", "1.5", "-2.5", "0.25", "0.125", "0.05",
                                          "12.5", "0.005", "-0.5", "7.5"};
static const char *const tie_divisors[] = {"2", "-2", "4", "8", "0.2", "0.4", "16", "20", "-8", "200"};
static const char *const tie_percents[] = {"50", "12.5", "2.5", "0.5", "25", "5", "7.5", "-50"};
static const char *const tie_rates[] = {"0.5", "1.5", "0.25", "0.125", "0.005", "0.0005", "2.5",
                                        "0.015"};
static const char *const tie_fx[] = {"0.5", "1.5", "0.0025", "2.5", "0.05", "0.125"};

static void run_case(Case *k)
{
    Dec a, b, out = {0, 0};
    int64_t m;
    k->r = pick(2) ? ROUND_HALF_UP : ROUND_HALF_EVEN;
    k->op = pick(OP__COUNT);
    k->c = currency_at(pick(currency_count()));
    switch (k->op) {
    case OP_ADD:
    case OP_SUB:
        a = gen_dec(k->a, sizeof k->a, 18, 19, false);
        b = gen_dec(k->b, sizeof k->b, 18, 19, false);
        k->scale = a.scale > b.scale ? a.scale : b.scale;
        k->rc = k->op == OP_ADD ? dec_add(&out, a, b, NULL) : dec_sub(&out, a, b, NULL);
        break;
    case OP_MUL:
        a = gen_dec(k->a, sizeof k->a, 18, 19, false);
        if (pick(10) < 3) {
            b = parse_list(k->b, sizeof k->b, ANY(tie_factors));
            k->scale = clamp_scale(a.scale + b.scale - 1);
        } else {
            b = gen_dec(k->b, sizeof k->b, 18, 19, false);
            k->scale = pick(2) ? pick(DEC_MAX_SCALE + 1) : clamp_scale(a.scale + b.scale - pick(3));
        }
        k->rc = dec_mul(&out, a, b, k->scale, k->r, NULL);
        break;
    case OP_DIV:
        a = gen_dec(k->a, sizeof k->a, 18, 19, false);
        if (pick(10) < 3) {
            b = parse_list(k->b, sizeof k->b, ANY(tie_divisors));
            k->scale = a.scale;
        } else {
            b = gen_dec(k->b, sizeof k->b, 18, 19, true);
            k->scale = pick(DEC_MAX_SCALE + 1);
        }
        k->rc = dec_div(&out, a, b, k->scale, k->r, NULL);
        break;
    case OP_RESCALE:
        a = gen_dec(k->a, sizeof k->a, 18, 19, false);
        if (a.scale > 0 && pick(2)) {
            /* ends in 5: a tie one digit up (unless that no longer fits) */
            size_t n = strlen(k->a);
            char last = k->a[n - 1];
            k->a[n - 1] = '5';
            if (dec_parse(&a, k->a, n, DEC_MAX_SCALE, NULL, NULL) != 0) {
                k->a[n - 1] = last;
                cr_assert_eq(dec_parse(&a, k->a, n, DEC_MAX_SCALE, NULL, NULL), 0);
            }
        }
        k->scale = pick(10) < 6 ? clamp_scale(a.scale - 1 - pick(2)) : pick(DEC_MAX_SCALE + 1);
        k->rc = dec_rescale(&out, a, k->scale, k->r, NULL);
        break;
    case OP_PERCENT:
        m = gen_amount(k->a, sizeof k->a, k->c);
        b = pick(10) < 3 ? parse_list(k->b, sizeof k->b, ANY(tie_percents))
                         : gen_dec(k->b, sizeof k->b, 18, pick(4) ? 6 : 19, false);
        k->rc = money_percent(&k->got, m, b, k->r, NULL);
        break;
    case OP_PRODUCT:
        a = gen_dec(k->a, sizeof k->a, 18, pick(4) ? 8 : 19, false);
        b = pick(10) < 3 ? parse_list(k->b, sizeof k->b, ANY(tie_rates))
                         : gen_dec(k->b, sizeof k->b, 18, 19, false);
        k->rc = money_from_product(&k->got, a, b, k->c, k->r, NULL);
        break;
    case OP_MULDEC:
        m = gen_amount(k->a, sizeof k->a, k->c);
        b = pick(10) < 3 ? parse_list(k->b, sizeof k->b, ANY(tie_factors))
                         : gen_dec(k->b, sizeof k->b, 18, 19, false);
        k->rc = money_mul_dec(&k->got, m, b, k->r, NULL);
        break;
    case OP_RATIO:
        m = gen_amount(k->a, sizeof k->a, k->c);
        k->num = pick(4) ? pick(400) - 20 : (long long)(rnd() >> 1) * (pick(2) ? 1 : -1);
        k->den = pick(10) < 3 ? (long long)(2 << pick(3))
                 : pick(4)      ? 1 + pick(400)
                                : 1 + (long long)(rnd() >> 2);
        k->b[0] = '\0';
        k->rc = money_mul_ratio(&k->got, m, k->num, k->den, k->r, NULL);
        break;
    case OP_CONVERT:
        k->to = currency_at(pick(currency_count()));
        m = gen_amount(k->a, sizeof k->a, k->c);
        if (pick(10) < 3) {
            b = parse_list(k->b, sizeof k->b, ANY(tie_fx));
        } else {
            do
                b = gen_dec(k->b, sizeof k->b, 18, pick(4) ? 10 : 19, true);
            while (b.coef == INT64_MIN);
            if (b.coef < 0) {
                /* rates are positive: drop the sign on both sides */
                memmove(k->b, k->b + 1, strlen(k->b));
                b = dec_neg(b);
            }
        }
        k->rc = money_convert(&k->got, m, k->c, k->to, b, k->r, NULL);
        break;
    }
    if (k->op <= OP_RESCALE && k->rc == 0) {
        k->got = out.coef;
        cr_assert_eq(out.scale, k->scale, "%s %s %s: result scale %d, want %d", op_names[k->op],
                     k->a, k->b, out.scale, k->scale);
    }
}

/* The same operation as a bc expression over the same operand strings. */
static void write_bc(FILE *f, const Case *k)
{
    int m = k->r == ROUND_HALF_UP ? 0 : 1;
    fputs("print ", f);
    switch (k->op) {
    case OP_ADD:
        fprintf(f, "rd(((%s)+(%s))*10^%d*f, f, 0)", k->a, k->b, k->scale);
        break;
    case OP_SUB:
        fprintf(f, "rd(((%s)-(%s))*10^%d*f, f, 0)", k->a, k->b, k->scale);
        break;
    case OP_MUL:
        fprintf(f, "rd((%s)*(%s)*10^%d*f, f, %d)", k->a, k->b, k->scale, m);
        break;
    case OP_DIV:
        fprintf(f, "rd((%s)*10^%d*f, (%s)*f, %d)", k->a, k->scale, k->b, m);
        break;
    case OP_RESCALE:
        fprintf(f, "rd((%s)*10^%d*f, f, %d)", k->a, k->scale, m);
        break;
    case OP_PERCENT:
        fprintf(f, "rd((%s)*(%s)*10^%d*f, 100*f, %d)", k->a, k->b, k->c->exponent, m);
        break;
    case OP_PRODUCT:
    case OP_MULDEC:
        fprintf(f, "rd((%s)*(%s)*10^%d*f, f, %d)", k->a, k->b, k->c->exponent, m);
        break;
    case OP_RATIO:
        fprintf(f, "rd((%s)*10^%d*(%lld)*f, (%lld)*f, %d)", k->a, k->c->exponent, k->num, k->den,
                m);
        break;
    case OP_CONVERT:
        fprintf(f, "rd((%s)*(%s)*10^%d*f, f, %d)", k->a, k->b, k->to->exponent, m);
        break;
    }
    fputs(", \" \", t, \"\\n\"\n", f);
}

static void describe(char *buf, size_t cap, const Case *k)
{
    int n = snprintf(buf, cap, "%s a=%s", op_names[k->op], k->a);
    if (k->b[0])
        n += snprintf(buf + n, cap - (size_t)n, " b=%s", k->b);
    if (k->op <= OP_RESCALE)
        n += snprintf(buf + n, cap - (size_t)n, " scale=%d", k->scale);
    else
        n += snprintf(buf + n, cap - (size_t)n, " currency=%s", k->c->code);
    if (k->op == OP_RATIO)
        n += snprintf(buf + n, cap - (size_t)n, " num=%lld den=%lld", k->num, k->den);
    if (k->op == OP_CONVERT)
        n += snprintf(buf + n, cap - (size_t)n, " to=%s", k->to->code);
    snprintf(buf + n, cap - (size_t)n, " %s",
             k->r == ROUND_HALF_UP ? "half-up" : "half-even");
}

static unsigned long long oracle_seed(void)
{
    const char *s = getenv("REMIT_ORACLE_SEED");
    if (!s || !*s)
        return DEFAULT_SEED;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    cr_assert(errno == 0 && *end == '\0' && s[0] != '-', "REMIT_ORACLE_SEED=%s is not a number", s);
    return v;
}

Test(money_oracle, ten_thousand_operations_agree_with_bc)
{
    unsigned long long seed = oracle_seed();
    char path[] = "/tmp/remit-oracle-XXXXXX";
    char cmd[128], desc[512];
    int fd, ties = 0, overflows = 0, per_op[OP__COUNT] = {0};

    cr_assert_eq(access(BC_PATH, X_OK), 0, BC_PATH " is not installed");
    fprintf(stderr, "money_oracle: seed %llu (set REMIT_ORACLE_SEED to replay), %d operations\n",
            seed, OPS);
    state = seed;

    for (int i = 0; i < OPS; i++) {
        run_case(&cases[i]);
        per_op[cases[i].op]++;
    }
    fd = mkstemp(path);
    cr_assert_geq(fd, 0, "mkstemp failed");
    FILE *script = fdopen(fd, "w");
    cr_assert_not_null(script);
    fputs(bc_prelude, script);
    for (int i = 0; i < OPS; i++)
        write_bc(script, &cases[i]);
    cr_assert_eq(fclose(script), 0);

    /* One bc for the whole batch; BC_LINE_LENGTH=0 stops it wrapping long numbers. */
    snprintf(cmd, sizeof cmd, "BC_LINE_LENGTH=0 " BC_PATH " -q < %s", path);
    FILE *bc = popen(cmd, "r");
    cr_assert_not_null(bc, "cannot run %s", cmd);
    char *line = NULL;
    size_t cap = 0;
    int i = 0;
    ssize_t len;
    char failure[1024] = "";
    for (; i < OPS && (len = getline(&line, &cap, bc)) > 0; i++) {
        const Case *k = &cases[i];
        char *end;
        errno = 0;
        long long want = strtoll(line, &end, 10);
        bool out_of_range = errno == ERANGE;
        if (end == line || *end != ' ' || (end[1] != '0' && end[1] != '1')) {
            snprintf(failure, sizeof failure, "unexpected bc output for operation %d: %s", i, line);
            break;
        }
        ties += end[1] == '1';
        if (out_of_range)
            overflows++;
        if (out_of_range ? k->rc != -ERR_OVERFLOW : k->rc != 0 || k->got != want) {
            describe(desc, sizeof desc, k);
            snprintf(failure, sizeof failure,
                     "operation %d (seed %llu): %s: bc says %.*s%s, remit answered rc %d value %lld",
                     i, seed, desc, (int)(end - line), line, out_of_range ? " (beyond int64)" : "",
                     k->rc, (long long)k->got);
            break;
        }
    }
    free(line);
    int status = pclose(bc);
    unlink(path);
    cr_assert_eq(failure[0], '\0', "%s", failure);
    cr_assert_eq(i, OPS, "bc answered %d of %d operations", i, OPS);
    cr_assert_eq(status, 0, "bc exited with status %d", status);

    fprintf(stderr, "money_oracle: all %d agree with bc (%d exact .5 ties, %d overflows);", OPS, ties,
            overflows);
    for (int op = 0; op < OP__COUNT; op++)
        fprintf(stderr, " %s %d", op_names[op], per_op[op]);
    fputc('\n', stderr);
    /* Keep the generator honest: ties and overflows must actually be exercised. */
    cr_expect_gt(ties, OPS / 20, "only %d ties", ties);
    cr_expect_gt(overflows, OPS / 100, "only %d overflows", overflows);
}
