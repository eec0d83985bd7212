/* domain/einvoice_export.h — Remit's invoices and credit notes as e-invoices: the mapping from
 * rows (documents, lines, tax rates, services, customer, company profile) to the pure structs of
 * domain/einvoice.h and domain/gst_einvoice.h, shared by the API actions and `remit export ubl`.
 */
#ifndef REMIT_DOMAIN_EINVOICE_EXPORT_H
#define REMIT_DOMAIN_EINVOICE_EXPORT_H

#include <jansson.h>

#include "core/buf.h"
#include "store/store.h"

/* What an export produced: the document (out appended), or the 422 body listing every problem. */
typedef struct EinvExport {
    const char *number;        /* the document number (arena) */
    const char *filename;      /* "<number>.xml" / ".json", made safe for a file name (arena) */
    json_t *problems;          /* owned by the caller; set when the result is ERR_INVALID */
} EinvExport;

/* UBL 2.1 Invoice (table "invoices") or CreditNote ("credit_notes") of a finalized document.
 * ERR_NOT_FOUND, ERR_STATE (a draft or cancelled document), ERR_INVALID with out->problems set
 * (every missing business term, each naming the Remit field that holds it), or 0 with the XML
 * appended to xml. */
int einvoice_export_ubl(Ctx *ctx, const char *table, const char *id, Buf *xml, EinvExport *out, Error *err);

/* India's GST e-invoice JSON (IRP schema 1.1) of a finalized invoice or credit note; same results. */
int einvoice_export_gst(Ctx *ctx, const char *table, const char *id, Buf *json, EinvExport *out, Error *err);

/* Rec 20 code for a free-text unit ("hour" -> HUR, "GB" -> E34; a valid code is kept; else C62). */
const char *einvoice_unit_code(const char *unit);
/* GST UQC for a free-text unit ("pcs" -> NOS, "kg" -> KGS; else OTH). */
const char *einvoice_uqc(const char *unit);

#endif
