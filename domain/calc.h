/* domain/calc.h — the arithmetic of invoice and credit-note lines and their
 * totals: pure functions over plain structs (no I/O), so every rule is tested
 * directly and bulk billing can call them in a loop.
 *
 * The rules (docs/billing-rules.md has worked examples):
 *  - amount = quantity x rate, the full product rounded once to the currency's
 *    minor unit (core/money.h), in the tenant's rounding mode;
 *  - inclusive rates (the rate includes tax): amount = gross x 100 / (100 + t)
 *    rounded once, tax = gross - amount;
 *  - exclusive: inside a state CGST = amount x t/2 / 100 and SGST (UTGST) the
 *    same, each rounded once (they are two taxes, each shown at half the rate);
 *    across states IGST = amount x t / 100 rounded once; without GST a plain
 *    tax = amount x t / 100;
 *  - line total = amount + tax; document totals are exact sums of the lines;
 *  - tax is shown per kind and rate: the sums, per (kind, rate), of the lines'
 *    taxable amounts and taxes. Zero-rated lines add to the subtotal only.
 */
#ifndef REMIT_DOMAIN_CALC_H
#define REMIT_DOMAIN_CALC_H

#include <stdbool.h>
#include <stdint.h>

#include "core/money.h"
#include "domain/gst.h"

typedef struct CalcLine {
    /* in */
    Dec quantity, rate, tax_rate;   /* tax_rate in percent; 0 = no tax */
    bool rated;                     /* a bill run's line: `amount` is given (the engine's, e.g. a prorated
                                     * fee), not quantity x rate; tax is still computed here */
    /* out */
    int64_t amount, cgst, sgst, igst, tax, total;
} CalcLine;

/* Computes l's out fields. ERR_OVERFLOW when an amount does not fit; ERR_RANGE for a rate over 100%. */
int calc_line(CalcLine *l, const Currency *c, SupplyMode mode, bool inclusive, Rounding r, Error *err);

#define CALC_MAX_TAXES 64

typedef struct CalcTax {
    const char *kind;   /* "CGST", "SGST", "UTGST", "IGST" or "TAX" */
    Dec rate;           /* the kind's own rate: 9 for CGST of an 18% line */
    int64_t taxable, amount;
} CalcTax;

typedef struct CalcTotals {
    int64_t subtotal, cgst, sgst, igst, tax, total;
    CalcTax taxes[CALC_MAX_TAXES];   /* ordered by rate, then CGST, SGST/UTGST, IGST, TAX */
    int ntaxes;
} CalcTotals;

/* Sums lines (already computed by calc_line) into out. ut: the place of supply is a union
 * territory without a legislature, so the state half is labelled UTGST. ERR_OVERFLOW when a sum
 * does not fit; ERR_RANGE past CALC_MAX_TAXES distinct (kind, rate) pairs. */
int calc_totals(CalcTotals *out, const CalcLine *lines, int n, SupplyMode mode, bool ut, Error *err);

/* Half of a percentage, exactly (18 -> 9, 5 -> 2.5, 0.25 -> 0.125). */
Dec calc_half_rate(Dec rate);

#endif
