/* domain/pdf.h — an A4 business document (tax invoice, credit note, receipt)
 * laid out with Pango and drawn to PDF with cairo.
 *
 * The caller describes the document with text only — every amount arrives
 * already formatted — and pdf_render lays it out: title, seller, the
 * document's facts, the buyer, an item table that continues over pages with
 * its header repeated, a tax summary, totals, the amount in words, notes and
 * the signature block, with "Page N of M" on every page. Unicode throughout
 * (DejaVu Sans carries the rupee sign).
 */
#ifndef REMIT_DOMAIN_PDF_H
#define REMIT_DOMAIN_PDF_H

#include <stdbool.h>

#include "core/buf.h"
#include "core/error.h"

typedef struct PdfKV {
    const char *label, *value;
    bool strong;
} PdfKV;

typedef struct PdfTable {
    int ncols;
    const char *const *head;
    const int *width;            /* per column, percent of the text width (adding up to 100) */
    const char *align;           /* per column: 'l' or 'r' */
    const char **cells;          /* nrows x ncols, row-major; NULL = empty */
    int nrows;
} PdfTable;

#define PDF_MAX_KV 16

typedef struct PdfDoc {
    const char *title;           /* "TAX INVOICE" */
    const char *subtitle;        /* "Original for recipient" */
    const char *stamp;           /* "CANCELLED", "DRAFT", ... or NULL */
    const char *seller_name, *seller_text;     /* text: address and identifiers, lines separated by \n */
    const char *buyer_title, *buyer_name, *buyer_text;
    PdfKV meta[PDF_MAX_KV];      /* number, dates, place of supply ... */
    int nmeta;
    PdfTable items;
    const char *taxes_title;
    PdfTable taxes;              /* nrows 0: no tax summary */
    PdfKV totals[PDF_MAX_KV];
    int ntotals;
    const char *words_label, *words;
    PdfKV notes[PDF_MAX_KV];     /* titled paragraphs: notes, terms, bank details */
    int nnotes;
    const char *sign_for;        /* "For <seller>" */
    const char *sign_label;      /* "Authorised Signatory" */
    const char *footer;
} PdfDoc;

/* Appends the PDF to out (a capped Buf). ERR_UNAVAILABLE when cairo fails or the cap is hit. */
int pdf_render(Buf *out, const PdfDoc *d, Error *err);
/* Releases the font machinery (Pango's font map, fontconfig's caches) at process exit, after the
 * threads that rendered have stopped, so leak checkers see a clean exit. */
void pdf_shutdown(void);

#endif
