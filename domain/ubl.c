/* domain/ubl.c — writes a checked EinvDoc as a UBL 2.1 Invoice or CreditNote with the Peppol BIS
 * Billing 3.0 customization and profile ids. Exports ubl_write.
 *
 * Written with libxml2's xmlTextWriter (escaping, encoding and well-formedness are its job), into
 * the caller's capped Buf through an output callback, so a document can never outgrow the cap.
 * Element order follows the UBL 2.1 schemas (an Invoice and a CreditNote differ: DueDate exists only
 * in an Invoice, a credit note carries BT-9 in its PaymentMeans; TaxPointDate comes before the type
 * code in a CreditNote; a CreditNoteLine has CreditedQuantity). Only business terms that are
 * present are written: Peppol refuses empty elements (PEPPOL-EN16931-R008).
 *
 * The writer computes nothing: every amount comes from einv_check, so the XML says exactly what
 * the check verified. Amounts carry min(exponent, 2) decimals (einv_amount_format).
 *
 * Concurrency notes: libxml2 is initialised once (xmlInitParser, under pthread_once) before the
 * first document; after that, writers on different threads share nothing.
 */
#include <ctype.h>
#include <libxml/xmlwriter.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "domain/einvoice.h"

#define NS_INVOICE "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
#define NS_CREDIT "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
#define NS_CAC "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
#define NS_CBC "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"

typedef struct W {
    xmlTextWriterPtr x;
    const EinvDoc *d;
    int rc;                    /* first failure of the writer, or 0 */
} W;

static bool has(const char *s)
{
    if (!s)
        return false;
    for (; *s; s++)
        if (!isspace((unsigned char)*s))
            return true;
    return false;
}

static void ok(W *w, int rc)
{
    if (rc < 0 && w->rc == 0)
        w->rc = -1;
}

static void start(W *w, const char *name)
{
    ok(w, xmlTextWriterStartElement(w->x, BAD_CAST name));
}

static void end(W *w)
{
    ok(w, xmlTextWriterEndElement(w->x));
}

static void attr(W *w, const char *name, const char *value)
{
    ok(w, xmlTextWriterWriteAttribute(w->x, BAD_CAST name, BAD_CAST value));
}

static void content(W *w, const char *s)
{
    ok(w, xmlTextWriterWriteString(w->x, BAD_CAST s));
}

/* <name>s</name> when s is present. */
static void el(W *w, const char *name, const char *s)
{
    if (has(s))
        ok(w, xmlTextWriterWriteElement(w->x, BAD_CAST name, BAD_CAST s));
}

/* <name attr="v">s</name>, the attribute only when v is present. */
static void el_attr(W *w, const char *name, const char *s, const char *a, const char *v)
{
    if (!has(s))
        return;
    start(w, name);
    if (has(v))
        attr(w, a, v);
    content(w, s);
    end(w);
}

static void date(W *w, const char *name, Date d)
{
    if (d == EINV_NO_DATE)
        return;
    char buf[11];
    date_format(buf, d);
    el(w, name, buf);
}

static void decimal(W *w, const char *name, Dec v)
{
    char buf[DEC_FORMAT_MAX];
    if (dec_format_trim(buf, sizeof buf, v) < 0)
        w->rc = -1;
    else
        el(w, name, buf);
}

static void amount_in(W *w, const char *name, int64_t minor, const Currency *c)
{
    char buf[MONEY_FORMAT_MAX];
    if (einv_amount_format(buf, sizeof buf, minor, c) < 0) {
        w->rc = -1;
        return;
    }
    start(w, name);
    attr(w, "currencyID", c->code);
    content(w, buf);
    end(w);
}

static void amount(W *w, const char *name, int64_t minor)
{
    amount_in(w, name, minor, w->d->cur);
}

static void scheme_id(W *w, const char *id)
{
    start(w, "cac:TaxScheme");
    el(w, "cbc:ID", id);
    end(w);
}

/* A TaxCategory or ClassifiedTaxCategory: ID, Percent (none for O), reasons, TaxScheme VAT. */
static void tax_category(W *w, const char *elem, const char *cat, Dec rate, const char *code, const char *reason)
{
    start(w, elem);
    el(w, "cbc:ID", cat);
    if (strcmp(cat, "O") != 0)
        decimal(w, "cbc:Percent", rate);
    el(w, "cbc:TaxExemptionReasonCode", code);
    el(w, "cbc:TaxExemptionReason", reason);
    scheme_id(w, "VAT");
    end(w);
}

static bool address_present(const EinvAddress *a)
{
    return has(a->street) || has(a->additional) || has(a->line3) || has(a->city) || has(a->postal_code) ||
           has(a->subdivision) || has(a->country);
}

static void address(W *w, const char *elem, const EinvAddress *a)
{
    start(w, elem);
    el(w, "cbc:StreetName", a->street);
    el(w, "cbc:AdditionalStreetName", a->additional);
    el(w, "cbc:CityName", a->city);
    el(w, "cbc:PostalZone", a->postal_code);
    el(w, "cbc:CountrySubentity", a->subdivision);
    if (has(a->line3)) {
        start(w, "cac:AddressLine");
        el(w, "cbc:Line", a->line3);
        end(w);
    }
    start(w, "cac:Country");
    el(w, "cbc:IdentificationCode", a->country);
    end(w);
    end(w);
}

static void party(W *w, const char *elem, const EinvParty *p, bool seller)
{
    start(w, elem);
    start(w, "cac:Party");
    el_attr(w, "cbc:EndpointID", p->endpoint, "schemeID", p->endpoint_scheme);
    if (has(p->id)) {
        start(w, "cac:PartyIdentification");
        el_attr(w, "cbc:ID", p->id, "schemeID", p->id_scheme);
        end(w);
    }
    if (has(p->trading_name)) {
        start(w, "cac:PartyName");
        el(w, "cbc:Name", p->trading_name);
        end(w);
    }
    address(w, "cac:PostalAddress", &p->address);
    if (has(p->vat_id)) {
        start(w, "cac:PartyTaxScheme");
        el(w, "cbc:CompanyID", p->vat_id);
        scheme_id(w, "VAT");
        end(w);
    }
    if (seller && has(p->tax_reg_id)) {
        start(w, "cac:PartyTaxScheme");
        el(w, "cbc:CompanyID", p->tax_reg_id);
        scheme_id(w, "TAX");
        end(w);
    }
    start(w, "cac:PartyLegalEntity");
    el(w, "cbc:RegistrationName", p->legal_name);
    el_attr(w, "cbc:CompanyID", p->legal_id, "schemeID", p->legal_id_scheme);
    if (seller)
        el(w, "cbc:CompanyLegalForm", p->legal_info);
    end(w);
    if (has(p->contact_name) || has(p->contact_phone) || has(p->contact_email)) {
        start(w, "cac:Contact");
        el(w, "cbc:Name", p->contact_name);
        el(w, "cbc:Telephone", p->contact_phone);
        el(w, "cbc:ElectronicMail", p->contact_email);
        end(w);
    }
    end(w);
    end(w);
}

static void allowance_charge(W *w, const EinvAllowanceCharge *ac, bool doc_level)
{
    start(w, "cac:AllowanceCharge");
    el(w, "cbc:ChargeIndicator", ac->charge ? "true" : "false");
    el(w, "cbc:AllowanceChargeReasonCode", ac->reason_code);
    el(w, "cbc:AllowanceChargeReason", ac->reason);
    if (ac->percent_written)
        decimal(w, "cbc:MultiplierFactorNumeric", ac->percent);
    amount(w, "cbc:Amount", ac->amount);
    if (ac->percent_written)
        amount(w, "cbc:BaseAmount", ac->base);
    if (doc_level)
        tax_category(w, "cac:TaxCategory", ac->tax.category, ac->tax.rate, NULL, NULL);
    end(w);
}

static void line(W *w, const EinvLine *l, int i)
{
    bool cn = w->d->kind == EINV_CREDIT_NOTE;
    char id[16];
    snprintf(id, sizeof id, "%d", i + 1);
    start(w, cn ? "cac:CreditNoteLine" : "cac:InvoiceLine");
    el(w, "cbc:ID", has(l->id) ? l->id : id);
    el(w, "cbc:Note", l->note);
    char q[DEC_FORMAT_MAX];
    if (dec_format_trim(q, sizeof q, l->quantity) < 0)
        w->rc = -1;
    el_attr(w, cn ? "cbc:CreditedQuantity" : "cbc:InvoicedQuantity", q, "unitCode", l->unit_code);
    amount(w, "cbc:LineExtensionAmount", l->net_amount);
    if (l->period_start != EINV_NO_DATE || l->period_end != EINV_NO_DATE) {
        start(w, "cac:InvoicePeriod");
        date(w, "cbc:StartDate", l->period_start);
        date(w, "cbc:EndDate", l->period_end);
        end(w);
    }
    if (has(l->order_line_ref)) {
        start(w, "cac:OrderLineReference");
        el(w, "cbc:LineID", l->order_line_ref);
        end(w);
    }
    for (int k = 0; k < l->nacs; k++)
        allowance_charge(w, &l->acs[k], false);
    start(w, "cac:Item");
    el(w, "cbc:Description", l->item_description);
    el(w, "cbc:Name", l->item_name);
    if (has(l->buyer_item_id)) {
        start(w, "cac:BuyersItemIdentification");
        el(w, "cbc:ID", l->buyer_item_id);
        end(w);
    }
    if (has(l->seller_item_id)) {
        start(w, "cac:SellersItemIdentification");
        el(w, "cbc:ID", l->seller_item_id);
        end(w);
    }
    if (has(l->class_code)) {
        start(w, "cac:CommodityClassification");
        el_attr(w, "cbc:ItemClassificationCode", l->class_code, "listID", l->class_scheme);
        end(w);
    }
    tax_category(w, "cac:ClassifiedTaxCategory", l->tax.category, l->tax.rate, NULL, NULL);
    end(w);
    start(w, "cac:Price");
    char p[DEC_FORMAT_MAX];
    if (dec_format_trim(p, sizeof p, l->price_written) < 0)
        w->rc = -1;
    start(w, "cbc:PriceAmount");
    attr(w, "currencyID", w->d->cur->code);
    content(w, p);
    end(w);
    if (l->base_quantity.coef > 0) {
        char b[DEC_FORMAT_MAX];
        if (dec_format_trim(b, sizeof b, l->base_quantity) < 0)
            w->rc = -1;
        el_attr(w, "cbc:BaseQuantity", b, "unitCode", l->unit_code);
    }
    end(w);
    end(w);
}

static void document(W *w)
{
    const EinvDoc *d = w->d;
    bool cn = d->kind == EINV_CREDIT_NOTE;
    ok(w, xmlTextWriterStartDocument(w->x, "1.0", "UTF-8", NULL));
    start(w, cn ? "CreditNote" : "Invoice");
    attr(w, "xmlns", cn ? NS_CREDIT : NS_INVOICE);
    attr(w, "xmlns:cac", NS_CAC);
    attr(w, "xmlns:cbc", NS_CBC);
    el(w, "cbc:CustomizationID", EINV_CUSTOMIZATION_ID);
    el(w, "cbc:ProfileID", EINV_PROFILE_ID);
    el(w, "cbc:ID", d->number);
    date(w, "cbc:IssueDate", d->issue_date);
    if (cn) {
        date(w, "cbc:TaxPointDate", d->tax_point_date);
        el(w, "cbc:CreditNoteTypeCode", has(d->type_code) ? d->type_code : "381");
        el(w, "cbc:Note", d->note);
    } else {
        date(w, "cbc:DueDate", d->due_date);
        el(w, "cbc:InvoiceTypeCode", has(d->type_code) ? d->type_code : "380");
        el(w, "cbc:Note", d->note);
        date(w, "cbc:TaxPointDate", d->tax_point_date);
    }
    el(w, "cbc:DocumentCurrencyCode", d->cur->code);
    if (d->tax_cur)
        el(w, "cbc:TaxCurrencyCode", d->tax_cur->code);
    el(w, "cbc:AccountingCost", d->accounting_cost);
    el(w, "cbc:BuyerReference", d->buyer_reference);
    if (d->period_start != EINV_NO_DATE || d->period_end != EINV_NO_DATE) {
        start(w, "cac:InvoicePeriod");
        date(w, "cbc:StartDate", d->period_start);
        date(w, "cbc:EndDate", d->period_end);
        end(w);
    }
    if (has(d->order_reference)) {
        start(w, "cac:OrderReference");
        el(w, "cbc:ID", d->order_reference);
        end(w);
    }
    if (has(d->preceding_number)) {
        start(w, "cac:BillingReference");
        start(w, "cac:InvoiceDocumentReference");
        el(w, "cbc:ID", d->preceding_number);
        date(w, "cbc:IssueDate", d->preceding_date);
        end(w);
        end(w);
    }
    if (has(d->contract_reference)) {
        start(w, "cac:ContractDocumentReference");
        el(w, "cbc:ID", d->contract_reference);
        end(w);
    }
    party(w, "cac:AccountingSupplierParty", &d->seller, true);
    party(w, "cac:AccountingCustomerParty", &d->buyer, false);
    if (d->delivery_date != EINV_NO_DATE || address_present(&d->deliver_to) || has(d->deliver_to_name)) {
        start(w, "cac:Delivery");
        date(w, "cbc:ActualDeliveryDate", d->delivery_date);
        if (address_present(&d->deliver_to)) {
            start(w, "cac:DeliveryLocation");
            address(w, "cac:Address", &d->deliver_to);
            end(w);
        }
        if (has(d->deliver_to_name)) {
            start(w, "cac:DeliveryParty");
            start(w, "cac:PartyName");
            el(w, "cbc:Name", d->deliver_to_name);
            end(w);
            end(w);
        }
        end(w);
    }
    if (has(d->payment_means_code)) {
        start(w, "cac:PaymentMeans");
        el_attr(w, "cbc:PaymentMeansCode", d->payment_means_code, "name", d->payment_means_text);
        if (cn)
            date(w, "cbc:PaymentDueDate", d->due_date);
        el(w, "cbc:PaymentID", d->payment_id);
        if (has(d->payee_account)) {
            start(w, "cac:PayeeFinancialAccount");
            el(w, "cbc:ID", d->payee_account);
            el(w, "cbc:Name", d->payee_account_name);
            if (has(d->payee_bank)) {
                start(w, "cac:FinancialInstitutionBranch");
                el(w, "cbc:ID", d->payee_bank);
                end(w);
            }
            end(w);
        }
        end(w);
    }
    if (has(d->payment_terms)) {
        start(w, "cac:PaymentTerms");
        el(w, "cbc:Note", d->payment_terms);
        end(w);
    }
    for (int i = 0; i < d->nacs; i++)
        allowance_charge(w, &d->acs[i], true);
    start(w, "cac:TaxTotal");
    amount(w, "cbc:TaxAmount", d->totals.tax);
    for (int i = 0; i < d->nvat; i++) {
        const EinvVat *v = &d->vat[i];
        start(w, "cac:TaxSubtotal");
        amount(w, "cbc:TaxableAmount", v->taxable);
        amount(w, "cbc:TaxAmount", v->tax);
        tax_category(w, "cac:TaxCategory", v->category, v->rate, v->exemption_code, v->exemption_reason);
        end(w);
    }
    end(w);
    if (d->tax_cur) {
        start(w, "cac:TaxTotal");
        amount_in(w, "cbc:TaxAmount", d->totals.tax_in_tax_currency, d->tax_cur);
        end(w);
    }
    bool any_allowance = false, any_charge = false;
    for (int i = 0; i < d->nacs; i++) {
        any_allowance |= !d->acs[i].charge;
        any_charge |= d->acs[i].charge;
    }
    start(w, "cac:LegalMonetaryTotal");
    amount(w, "cbc:LineExtensionAmount", d->totals.line_extension);
    amount(w, "cbc:TaxExclusiveAmount", d->totals.tax_exclusive);
    amount(w, "cbc:TaxInclusiveAmount", d->totals.tax_inclusive);
    if (any_allowance)
        amount(w, "cbc:AllowanceTotalAmount", d->totals.allowances);
    if (any_charge)
        amount(w, "cbc:ChargeTotalAmount", d->totals.charges);
    if (d->totals.prepaid != 0)
        amount(w, "cbc:PrepaidAmount", d->totals.prepaid);
    if (d->totals.rounding != 0)
        amount(w, "cbc:PayableRoundingAmount", d->totals.rounding);
    amount(w, "cbc:PayableAmount", d->totals.payable);
    end(w);
    for (int i = 0; i < d->nlines; i++)
        line(w, &d->lines[i], i);
    end(w);
    ok(w, xmlTextWriterEndDocument(w->x));
}

static int sink(void *ctx, const char *p, int len)
{
    Buf *b = ctx;
    return buf_append(b, p, (size_t)len) ? len : -1;
}

static int sink_close(void *ctx)
{
    return 0;
}

/* libxml2 reports a refused write (our cap) on stderr; the caller gets ERR_TOO_LARGE instead. */
static void quiet(void *ctx, const char *msg, ...)
{
}

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void xml_init(void)
{
    xmlInitParser();
    xmlThrDefSetGenericErrorFunc(NULL, quiet);
}

int ubl_write(Buf *out, const EinvDoc *doc, Error *err)
{
    if (!doc->checked || !doc->cur)
        return err_set(err, ERR_STATE, NULL, "the document must pass einv_check before it is written");
    pthread_once(&xml_once, xml_init);
    xmlSetGenericErrorFunc(NULL, quiet);   /* per thread */
    size_t start_len = out->len;
    xmlOutputBufferPtr ob = xmlOutputBufferCreateIO(sink, sink_close, out, NULL);
    if (!ob)
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory writing the UBL document");
    xmlTextWriterPtr x = xmlNewTextWriter(ob);   /* owns ob from here */
    if (!x) {
        xmlOutputBufferClose(ob);
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory writing the UBL document");
    }
    xmlTextWriterSetIndent(x, 1);
    xmlTextWriterSetIndentString(x, BAD_CAST "  ");
    W w = {.x = x, .d = doc};
    document(&w);
    if (xmlTextWriterFlush(x) < 0 && w.rc == 0)
        w.rc = -1;
    xmlFreeTextWriter(x);
    if (out->failed) {
        out->len = start_len;
        return err_set(err, ERR_TOO_LARGE, NULL, "the UBL document is larger than allowed");
    }
    if (w.rc < 0) {
        out->len = start_len;
        return err_set(err, ERR_INTERNAL, NULL, "the UBL document could not be written");
    }
    return 0;
}
