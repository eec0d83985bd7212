/* domain/report_csv.h — writing a report as CSV (RFC 4180, CRLF lines), the
 * one convention of every `?format=csv` report (statement, aging, billing
 * reports).
 */
#ifndef REMIT_DOMAIN_REPORT_CSV_H
#define REMIT_DOMAIN_REPORT_CSV_H

#include "core/buf.h"
#include "model/registry.h"

/* Appends one field, quoted when it holds a comma, a quote or a line break; a field that a
 * spreadsheet would read as a formula (=, +, -, @) is quoted, and = + @ get a leading '. NULL
 * writes an empty field. */
void report_csv_field(Buf *b, const char *s);
/* Hands b's bytes to out as a text/csv download named filename (b is freed); a buffer that hit
 * its cap is ERR_UNAVAILABLE. */
int report_csv_result(Ctx *ctx, Buf *b, const char *filename, ActionResult *out, Error *err);

#endif
