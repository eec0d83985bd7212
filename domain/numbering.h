/* domain/numbering.h — document numbers: gapless per tenant, document type
 * and financial year, in a configurable series.
 *
 * A series pattern is literal text (letters, digits, '/', '-') and tokens:
 *   {fy} 2026-27   {fy_short} 26-27   {fy_start} 2026   {fy_end} 2027
 *   {seq:N} the number zero-padded to N digits (1..9); {seq} unpadded
 * with exactly one {seq}. GST allows at most 16 characters (CGST Rules, rule
 * 46(b)): a pattern must fit with its padded number, and a number that grows
 * past 16 characters is refused (the series is exhausted for the year).
 *
 * A number is taken in the transaction that finalizes the document, from a
 * counter row that the same transaction locks (UPDATE ... RETURNING): a second
 * finalization waits for the first to commit or roll back, so numbers are
 * unique, and a rolled-back transaction gives its number back — no gaps.
 */
#ifndef REMIT_DOMAIN_NUMBERING_H
#define REMIT_DOMAIN_NUMBERING_H

#include <stddef.h>
#include <stdint.h>

#include "core/date.h"
#include "store/store.h"

#define NUMBER_MAX_LEN 16

typedef struct DocNumber {
    char number[NUMBER_MAX_LEN + 1];
    char fy[8];          /* "2026-27" */
    int64_t seq;
} DocNumber;

/* ERR_INVALID naming field when the pattern is malformed or its numbers would not fit 16 characters. */
int numbering_check_pattern(const char *pattern, const char *field, Error *err);
/* Formats the seq-th number of the financial year starting in fy_start_year. ERR_STATE when the
 * result is longer than NUMBER_MAX_LEN (out holds "" then); ERR_INVALID for a bad pattern. */
int numbering_format(char *out, size_t cap, const char *pattern, int fy_start_year, int64_t seq, Error *err);
/* "INV/{fy}/{seq:4}", "CN/{fy}/{seq:4}", "RCT/{fy}/{seq:4}"; NULL for an unknown type. */
const char *numbering_default_pattern(const char *doc_type);

/* Takes the next number for doc_type ("invoice", "credit_note", "receipt") in the financial year
 * of doc_date (years start on the 1st of fy_start_month), inside ctx's write transaction. */
int numbering_next(Ctx *ctx, const char *doc_type, Date doc_date, int fy_start_month, DocNumber *out, Error *err);

#endif
