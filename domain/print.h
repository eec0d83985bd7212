/* domain/print.h — invoices, credit notes and receipts as printed documents:
 * reads the rows, formats every amount (Indian digit grouping for INR:
 * 1,23,456.78) and hands a PdfDoc to domain/pdf.c.
 */
#ifndef REMIT_DOMAIN_PRINT_H
#define REMIT_DOMAIN_PRINT_H

#include <stddef.h>
#include <stdint.h>

#include "core/money.h"
#include "model/registry.h"

/* Fills out with the PDF of the row `id` of table ("invoices", "credit_notes", "receipts"):
 * application/pdf, a file name from the document number. */
int print_document(Ctx *ctx, const char *table, const char *id, ActionResult *out, Error *err);

/* An amount with digit grouping (Indian for INR, thousands otherwise) and optionally the currency
 * symbol: "₹1,23,456.78", "$123,456.78". Returns the length or -1. */
int print_money(char *out, size_t cap, int64_t minor, const Currency *c, bool symbol);

#endif
