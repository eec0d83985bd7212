/* domain/ledger.h — the transactions ledger (issue 5): one row for every event
 * that changes what a customer owes, written by the event itself in its own
 * transaction, plus the credits, refunds and adjustments entered by hand, and
 * how the bill run and invoices use them. docs/billing-rules.md "The ledger"
 * has the mapping and a worked example.
 */
#ifndef REMIT_DOMAIN_LEDGER_H
#define REMIT_DOMAIN_LEDGER_H

#include "domain/billing_load.h"
#include "domain/engine.h"
#include "model/registry.h"

/* The document events that post to the ledger (one row each, unique per event and document). */
typedef enum LedgerEvent {
    LEDGER_INVOICE_ISSUED,          /* charge, + total */
    LEDGER_INVOICE_CANCELLED,       /* charge, - total */
    LEDGER_RECEIPT_RECORDED,        /* payment, - amount */
    LEDGER_RECEIPT_BOUNCED,         /* payment, + amount */
    LEDGER_RECEIPT_CANCELLED,       /* payment, + amount */
    LEDGER_CREDIT_NOTE_ISSUED,      /* credit, - total_credit */
    LEDGER_CREDIT_NOTE_CANCELLED    /* credit, + total_credit */
} LedgerEvent;

/* Posts the entry of `ev` for the document row `doc` (as written, status and timestamps set) in
 * the caller's transaction. An issued invoice also bills the ledger adjustments on its lines and,
 * when a bill run made it (its lines are rated), takes the customer's account credit, oldest
 * first, up to its balance. A cancelled invoice whose negative total became account credit
 * withdraws that credit, or is refused (ERR_STATE) when part of it was applied elsewhere. */
int ledger_document_event(Ctx *ctx, LedgerEvent ev, const Row *doc, Error *err);

/* A document that may still be edited after it posted (a pending or cleared receipt: its amount,
 * its date) restates its row of `ev` to match, audited as "correct"; nothing when unchanged. */
int ledger_document_corrected(Ctx *ctx, LedgerEvent ev, const Row *doc, Error *err);

/* For the preview and the bill run, after engine_rate: appends the customer's adjustments not
 * billed yet (in the invoice's currency, oldest first) as invoice lines taxed like the engine's
 * lines, recomputes the totals, and sets res->credits_applied to the account credit the invoice
 * will take. A negative adjustment that would take the invoice below zero waits for a later one. */
int ledger_bill(Ctx *ctx, const BillingData *bd, EngineResult *res, Error *err);

void ledger_init(void);

#endif
