/* domain/words.c — numbers and amounts in English words; see words.h.
 * Exports words_number, words_amount.
 *
 * Indian grouping reads the last three digits as hundreds, then two digits
 * at a time: thousand, lakh, crore; above 99 crore the crore count is itself
 * read in words ("One Hundred Crore", "One Lakh Crore"). International
 * grouping reads three digits at a time up to quintillion.
 */
#include "domain/words.h"

#include <stdio.h>
#include <string.h>

static const char *const ones[] = {"",        "One",     "Two",       "Three",    "Four",
                                   "Five",    "Six",     "Seven",     "Eight",    "Nine",
                                   "Ten",     "Eleven",  "Twelve",    "Thirteen", "Fourteen",
                                   "Fifteen", "Sixteen", "Seventeen", "Eighteen", "Nineteen"};
static const char *const tens[] = {"", "", "Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty", "Ninety"};

typedef struct Out {
    char *p;
    size_t cap, len;
    bool overflow;
} Out;

static void put(Out *o, const char *s)
{
    if (!*s)
        return;
    size_t n = strlen(s) + (o->len ? 1 : 0);
    if (o->len + n + 1 > o->cap) {
        o->overflow = true;
        return;
    }
    if (o->len)
        o->p[o->len++] = ' ';
    memcpy(o->p + o->len, s, strlen(s));
    o->len += strlen(s);
    o->p[o->len] = '\0';
}

static void below_100(Out *o, unsigned n)
{
    if (n < 20) {
        put(o, ones[n]);
    } else {
        put(o, tens[n / 10]);
        put(o, ones[n % 10]);
    }
}

static void below_1000(Out *o, unsigned n)
{
    if (n >= 100) {
        put(o, ones[n / 100]);
        put(o, "Hundred");
    }
    below_100(o, n % 100);
}

static void indian(Out *o, uint64_t n)
{
    if (n >= 10000000) {
        indian(o, n / 10000000);
        put(o, "Crore");
        n %= 10000000;
    }
    if (n >= 100000) {
        below_100(o, (unsigned)(n / 100000));
        put(o, "Lakh");
        n %= 100000;
    }
    if (n >= 1000) {
        below_100(o, (unsigned)(n / 1000));
        put(o, "Thousand");
        n %= 1000;
    }
    below_1000(o, (unsigned)n);
}

static void international(Out *o, uint64_t n)
{
    static const char *const scale[] = {"", "Thousand", "Million", "Billion", "Trillion", "Quadrillion",
                                        "Quintillion"};
    unsigned groups[7];
    int k = 0;
    do {
        groups[k++] = (unsigned)(n % 1000);
        n /= 1000;
    } while (n && k < 7);
    for (int i = k - 1; i >= 0; i--) {
        if (!groups[i])
            continue;
        below_1000(o, groups[i]);
        put(o, scale[i]);
    }
}

int words_number(char *out, size_t cap, uint64_t n, bool ind)
{
    if (cap == 0)
        return -1;
    Out o = {out, cap, 0, false};
    out[0] = '\0';
    if (n == 0)
        put(&o, "Zero");
    else if (ind)
        indian(&o, n);
    else
        international(&o, n);
    if (o.overflow) {
        out[0] = '\0';
        return -1;
    }
    return (int)o.len;
}

/* Unit names: singular and plural major, singular and plural minor. */
static const struct { const char *code, *one, *many, *minor_one, *minor_many; } units[] = {
    {"AED", "Dirham", "Dirhams", "Fils", "Fils"},
    {"AUD", "Australian Dollar", "Australian Dollars", "Cent", "Cents"},
    {"CAD", "Canadian Dollar", "Canadian Dollars", "Cent", "Cents"},
    {"CHF", "Swiss Franc", "Swiss Francs", "Centime", "Centimes"},
    {"EUR", "Euro", "Euros", "Cent", "Cents"},
    {"GBP", "Pound", "Pounds", "Penny", "Pence"},
    {"INR", "Rupee", "Rupees", "Paisa", "Paise"},
    {"JPY", "Yen", "Yen", "", ""},
    {"NZD", "New Zealand Dollar", "New Zealand Dollars", "Cent", "Cents"},
    {"SGD", "Singapore Dollar", "Singapore Dollars", "Cent", "Cents"},
    {"USD", "Dollar", "Dollars", "Cent", "Cents"},
};

int words_amount(char *out, size_t cap, int64_t minor, const Currency *c)
{
    if (cap == 0 || !c)
        return -1;
    out[0] = '\0';
    bool ind = strcmp(c->code, "INR") == 0;
    uint64_t mag = minor < 0 ? (uint64_t)0 - (uint64_t)minor : (uint64_t)minor;
    uint64_t div = 1;
    for (int i = 0; i < c->exponent; i++)
        div *= 10;
    uint64_t major = mag / div, frac = mag % div;
    int u = -1;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strcmp(units[i].code, c->code) == 0)
            u = (int)i;
    char a[512], b[512];
    if (words_number(a, sizeof a, major, ind) < 0 || words_number(b, sizeof b, frac, ind) < 0)
        return -1;
    const char *sign = minor < 0 ? "Minus " : "";
    int n;
    if (u >= 0) {
        const char *unit = major == 1 ? units[u].one : units[u].many;
        if (frac && units[u].minor_many[0])
            n = snprintf(out, cap, "%s%s %s and %s %s Only", sign, unit, a, b,
                         frac == 1 ? units[u].minor_one : units[u].minor_many);
        else
            n = snprintf(out, cap, "%s%s %s Only", sign, unit, a);
    } else {
        /* No unit names: the currency's name and the fraction as a ratio ("and 250/1000"). */
        if (frac)
            n = snprintf(out, cap, "%s%s %s and %llu/%llu Only", sign, c->name ? c->name : c->code, a,
                         (unsigned long long)frac, (unsigned long long)div);
        else
            n = snprintf(out, cap, "%s%s %s Only", sign, c->name ? c->name : c->code, a);
    }
    if (n < 0 || (size_t)n >= cap) {
        out[0] = '\0';
        return -1;
    }
    return n;
}
