/* domain/document.h — what invoices and credit notes share: lines with a
 * service, quantity, rate and tax rate; the tax rate in force on the
 * document's date; GST by place of supply; totals computed by the server from
 * the lines (domain/calc.c) and the tax shown per kind and rate.
 *
 * A DocKind names one document table, its line table and its total columns,
 * so the same code serves invoices (subtotal, tax_total, total) and credit
 * notes (amount, gst_amount, total_credit).
 */
#ifndef REMIT_DOMAIN_DOCUMENT_H
#define REMIT_DOMAIN_DOCUMENT_H

#include <jansson.h>

#include "domain/calc.h"
#include "domain/company.h"
#include "model/registry.h"

typedef struct DocKind {
    const char *table, *line_table, *parent_field;
    const char *date_field, *number_field;
    const char *f_subtotal, *f_tax, *f_total;
    const char *what;               /* "invoice", "credit note" */
    /* Optional: fills a new or changed line's defaults from elsewhere before the service's (a credit
     * note line from the invoice line it reverses). */
    int (*line_defaults)(Ctx *ctx, const Row *doc, Row *line, Error *err);
} DocKind;

extern const DocKind DOC_INVOICE;
extern DocKind DOC_CREDIT_NOTE;   /* credit_note.c sets its line_defaults */

/* What a line's arithmetic depends on, from the document row. */
typedef struct DocContext {
    const CompanySettings *cs;
    const Currency *cur;
    SupplyMode mode;
    bool ut;                        /* place of supply is a union territory: UTGST */
    bool inclusive;
    Date date;
    const char *place;              /* place of supply (state code) or NULL */
    const char *region;             /* tax_rates.region matched: with GST the place of supply; for
                                     * a seller without GST the customer's place_of_supply, else its
                                     * country (the bill run's rule, billing_load.c) */
    bool customer_exempt;           /* customers.is_tax_exempt */
} DocContext;

/* Lines given in a document's create/update body ("lines": [...]), decoded and computed in
 * before_write, inserted in after_write. Hung on the document Row's `extra`. */
typedef struct DocLines {
    json_t *json;                   /* borrowed from the request body */
    Row *rows;
    int n;
} DocLines;

/* extra_input helper: takes "lines" (an array of objects) into row->extra; 1 if taken. */
int doc_take_lines(Ctx *ctx, const Table *t, Row *row, const char *key, json_t *value, Error *err);

/* Fills dc from the document row (currency, place of supply, supply mode, inclusive, date). */
int doc_context(Ctx *ctx, const DocKind *k, const CompanySettings *cs, const Row *doc, DocContext *dc, Error *err);
/* The same from a customer read already (ci, or NULL: not exempt), without a query. */
struct CustomerInfo;
int doc_context_of(const DocKind *k, const CompanySettings *cs, const struct CustomerInfo *ci, const Row *doc,
                   DocContext *dc, Error *err);

/* Prepares one line row for writing: defaults from its service (description, SAC, unit, rate, tax
 * category), the tax rate (given on the line; else the service's category rate in force on the
 * date, the service's rate, exempt, or the default rate), and the arithmetic. old: the line before a
 * PATCH, NULL for a new line. */
int doc_line_prepare(Ctx *ctx, const DocKind *k, const DocContext *dc, Row *line, const Row *old, Error *err);

/* Decodes and prepares the lines of d->json for the document row doc (its id already set);
 * errors name "lines[i].field". */
int doc_lines_decode(Ctx *ctx, const DocKind *k, const DocContext *dc, const Row *doc, DocLines *d, Error *err);
/* Inserts prepared lines (audited). */
int doc_lines_insert(Ctx *ctx, const DocKind *k, DocLines *d, Error *err);
/* Deletes every line of a document (audited): a PATCH that gives "lines" replaces them. */
int doc_lines_delete_all(Ctx *ctx, const DocKind *k, const char *doc_id, Error *err);

/* Recomputes the document's totals into doc: from d's lines when given, else from its lines in the
 * database (re-resolving their tax rates for dc and updating the ones that change), leaving out
 * exclude_line_id. Sets the subtotal/tax/total columns, cgst/sgst/igst totals, tax_details and
 * supply_type on doc (not written). */
int doc_compute(Ctx *ctx, const DocKind *k, const DocContext *dc, Row *doc, const DocLines *d,
                const char *exclude_line_id, Error *err);

/* The document's lines as a JSON array (decorate). */
json_t *doc_lines_json(Ctx *ctx, const DocKind *k, const char *doc_id);
/* Reads the lines of a document into rows (arena), in print order. */
int doc_lines_load(Ctx *ctx, const DocKind *k, const char *doc_id, Row **out, int *n, Error *err);

/* Exchange rate for a document in currency on date: 1 for the base currency, else the latest
 * exchange_rates row on or before date; ERR_INVALID naming field when there is none. Scaled by
 * 10^6 (the column's scale). */
int doc_exchange_rate(Ctx *ctx, const char *currency, const char *base, Date date, const char *field, int64_t *out,
                      Error *err);

/* Customer fields a document copies: name, address, GSTIN, state code, place of supply, currency,
 * payment terms (days), client type's terms, tax exemption. */
typedef struct CustomerInfo {
    const char *name, *address, *gstin, *state_code, *place_of_supply, *currency, *country;
    int64_t payment_terms;
    bool exempt, active;
} CustomerInfo;
int doc_customer(Ctx *ctx, const char *customer_id, CustomerInfo *out, Error *err);
/* The columns doc_customer reads, in the order doc_customer_read takes them from column col of a
 * row (for readers of many customers at once: the bill run). */
#define DOC_CUSTOMER_COLUMNS                                                                       \
    "name, address, address_line_1, address_line_2, city, state, postal_code, country, gst_number," \
    " state_code, place_of_supply, currency, payment_terms, is_tax_exempt, is_active"
void doc_customer_read(Ctx *ctx, Rows *r, int col, CustomerInfo *out);
/* The place of supply for a customer: its place_of_supply, else its state code (from its GSTIN),
 * else "96" when it is abroad, else NULL (unknown: the seller's state applies). */
const char *doc_customer_place(const CustomerInfo *ci);

/* Defaults and checks of a draft's header, shared by invoices and credit notes: the document date
 * (today), currency, customer GSTIN and place of supply from the customer (when the customer is new
 * or changes), is_tax_inclusive from the GST settings, base_currency, and the exchange rate (1 for
 * the base currency, else given or looked up). Fills *ci. */
int doc_header_defaults(Ctx *ctx, const DocKind *k, const CompanySettings *cs, Row *row, const Row *old,
                        CustomerInfo *ci, Error *err);
/* The same for a customer read already (no query unless an exchange rate must be looked up). */
int doc_header_apply(Ctx *ctx, const DocKind *k, const CompanySettings *cs, const CustomerInfo *ci, Row *row,
                     const Row *old, Error *err);
/* Line sub-resource hooks: the document must be a draft (locked); the line is prepared for it. */
int doc_line_before_write(Ctx *ctx, const DocKind *k, Row *row, const Row *old, Error *err);
/* Rewrites a draft's totals after one of its lines changed (exclude: the id of a line being deleted). */
int doc_refresh_totals(Ctx *ctx, const DocKind *k, const char *doc_id, const char *exclude, Error *err);
/* Copies the seller (company profile) and the buyer onto a document being issued; ERR_CONFLICT when
 * the tenant has no company profile. */
int doc_snapshot(Ctx *ctx, const CompanySettings *cs, const CustomerInfo *ci, Row *row, Error *err);

/* An amount decoded in one currency's minor units, restated in another's (a money field decoded
 * before the row's currency was known): exact, or ERR_PRECISION naming field. */
int doc_money_restate(int64_t *v, const char *from, const char *to, const char *field, Error *err);

/* Money from a source document (a receipt, a credit note) applied to an invoice: the one rule
 * both follow. The source and the invoice must belong to one customer and be in one currency, the
 * invoice must be open, and the amount (given in `amount_field`, restated in the source's currency)
 * must be positive and within both the source's remaining balance and the invoice's balance due.
 * The wording names the source; on success *amount and *currency are set. */
typedef struct DocApplication {
    const char *source;             /* "receipt", "credit note" */
    const char *open_rule;          /* "money can only be allocated", "a credit can only be applied" */
    const char *amount_field;       /* "allocated_amount", "amount_applied" */
    const char *balance_field;      /* the source's remaining balance column */
    const char *balance_label;      /* "the receipt's unallocated amount" */
} DocApplication;

int doc_application_check(Ctx *ctx, const DocApplication *a, const Row *row, const Row *source, const Row *inv,
                          int64_t *amount, const char **currency, Error *err);

#endif
