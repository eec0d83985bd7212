/* domain/invoice.h — invoices: drafts, finalization with a gapless number,
 * the status machine, balances moved by receipts and credit notes, overdue.
 *
 * Status machine:
 *   draft --finalize--> pending --(due date passes)--> overdue
 *   pending/overdue --allocations, credits--> partially_paid / paid
 *   draft, pending, overdue (nothing paid or credited) --cancel(reason)--> cancelled
 * Once finalized, the status follows from the amounts and the date
 * (invoice_derive_status): paid when nothing is due, overdue when the due date
 * has passed, partially_paid when something was paid or credited, else
 * pending. Only drafts are edited or deleted; a finalized invoice is corrected
 * by a credit note.
 */
#ifndef REMIT_DOMAIN_INVOICE_H
#define REMIT_DOMAIN_INVOICE_H

#include "core/date.h"
#include "model/registry.h"

/* The status a finalized invoice row should have on `today` (draft and cancelled stay). */
const char *invoice_derive_status(const Row *inv, Date today);
/* Whether money can still be applied to it (pending, partially_paid, overdue). */
bool invoice_open(const Row *inv);

/* Locks the invoice, adds d_paid to paid_amount and d_credit to credits_applied, recomputes
 * balance_due and the status, and writes it audited as `action` ("allocate", "release", ...).
 * ERR_INVALID naming `field` when the balance would go below zero or a sum below zero;
 * ERR_STATE when the invoice is not open and money is added. payment_date (may be NULL) becomes
 * last_payment_date when d_paid > 0. */
int invoice_adjust(Ctx *ctx, const char *invoice_id, int64_t d_paid, int64_t d_credit, const char *action,
                   const char *field, const char *payment_date, Error *err);

/* Finalizes draft `id` (POST /api/v1/invoices/{id}/finalize and bill runs): snapshot, exchange
 * rate, totals, a gapless number, status. *out receives the finalized row. */
int invoice_finalize(Ctx *ctx, const char *id, Row *out, Error *err);
/* A module that reacts to an invoice being issued (domain/notify_invoice.c mails the customer)
 * registers a function called by invoice_finalize with the finalized row, in the same transaction,
 * after the write: its failure fails the finalization. At most 4. */
typedef int (*InvoiceFinalized)(Ctx *ctx, const Row *invoice, Error *err);
void invoice_on_finalize(InvoiceFinalized fn);

/* Marks the tenant's pending and partially paid invoices whose due date is before `today` as
 * overdue (audited as "overdue"); *count gets how many. The daily job "mark_overdue_invoices"
 * (domain/jobs.c: once per tenant per local day) and POST /api/v1/invoices/mark_overdue call it. */
int invoice_mark_overdue(Ctx *ctx, Date today, int *count, Error *err);

#endif
