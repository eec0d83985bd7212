/* model/receivables.c — what customers owe and pay: invoices and their lines,
 * receipts and their allocations to invoices, credit notes with their lines
 * and applications, and the document number series with their counters.
 * Declares the tables only; the rules live in domain/ (invoice.c, receipt.c,
 * credit_note.c, numbering.c, gst.c).
 *
 * Seeds merged: multi-tenant-gst-billing.md (invoices, invoice_line_items,
 * receipts, receipt_allocations, credit_notes — column names kept),
 * crm-jobs-invoicing.md (INVOICES, INVOICE_LINE_ITEMS, PAYMENTS,
 * CREDIT_NOTES, CREDIT_APPLICATIONS), erp-modules.md (Invoice, Payment,
 * AccountsReceivable), msp-flexible-billing.md (invoices, invoice_items). The
 * field mapping is in docs/data-model.md.
 *
 * Money columns name the row's own `currency` column, so a USD invoice's
 * amounts are cents whatever the tenant's base currency is. Amounts that the
 * server computes are READONLY: a client that sends a total gets a 422.
 */
#include "model/registry.h"

static const char *const invoice_statuses[] = {"draft", "pending", "partially_paid", "paid", "overdue", "cancelled",
                                               NULL};
static const char *const supply_types[] = {"intra_state", "inter_state", "non_gst", NULL};
/* UNCL 5305: standard, zero, exempt, reverse charge, intra-community, export, outside scope, IGIC, IPSI */
static const char *const vat_categories[] = {"S", "Z", "E", "AE", "K", "G", "O", "L", "M", NULL};
static const char *const tax_sources[] = {"line", "tax_rate", "service", "default", "exempt", NULL};

#define SELLER_AND_BUYER_SNAPSHOT                                                                              \
    F_TEXT("billing_name", 255, READONLY, .doc = "The customer's name as issued"),                          \
    F_TEXT("billing_address", 2000, READONLY, .doc = "The customer's address as issued"),                    \
    F_TEXT("billing_state_code", 2, READONLY, .doc = "The customer's GST state code as issued"),            \
    F_TEXT("seller_name", 255, READONLY, .doc = "The company profile's name as issued"),                    \
    F_TEXT("seller_address", 2000, READONLY),                                                              \
    F_TEXT("seller_gstin", 15, READONLY),                                                                  \
    F_TEXT("seller_state_code", 2, READONLY)

static const Field invoice_fields[] = {
    F_REF("customer_id", "customers", REQUIRED | FILTER),
    F_TEXT("invoice_number", 16, READONLY | UNIQUE_TENANT | FILTER | SORT | SEARCH,
           .doc = "Assigned when the invoice is finalized: gapless per series and financial year"),
    F_DATE("invoice_date", FILTER | SORT, .doc = "Defaults to today in the tenant's time zone"),
    F_DATE("due_date", FILTER | SORT,
           .doc = "Defaults to invoice_date + payment_terms_days (invoice, else customer, else client type)"),
    F_INT("payment_terms_days", 0, .min = 0, .max = 3650, .doc = "Payment terms of this invoice (CRM)"),
    F_TEXT("payment_terms_label", 100, 0, .doc = "e.g. Net 30 (CRM payment_terms_label, ERP payment_terms)"),
    F_TEXT("reference_number", 100, FILTER | SEARCH, .doc = "External reference (purchase order)"),
    F_TEXT("buyer_reference", 100, 0,
           .doc = "The buyer's reference for e-invoices (EN 16931 BT-10); the customer's when not given"),
    F_TEXT("customer_gst", 15, 0, .doc = "Customer GSTIN on this invoice; the customer's when not given"),
    F_TEXT("place_of_supply", 2, FILTER,
           .doc = "GST state code of the place of supply; from the customer when not given"),
    F_ENUM("supply_type", supply_types, READONLY | FILTER,
           .doc = "intra_state: CGST + SGST (UTGST); inter_state: IGST; non_gst: the seller is not GST-registered"),
    F_TEXT("currency", 3, FILTER, .doc = "ISO 4217; the customer's currency when not given"),
    F_DEC("exchange_rate", 6, NONNEG,
          .doc = "Base-currency units per 1 unit of currency; looked up in exchange_rates when not given"),
    F_TEXT("base_currency", 3, READONLY),
    F_BOOL("is_tax_inclusive", 0, .doc = "Line rates include tax; from gst_settings.display_format when not given"),
    F_ENUM("status", invoice_statuses, READONLY | FILTER, .def = "draft"),
    F_MONEY("subtotal", "currency", READONLY, .def = "0", .doc = "Sum of line amounts (taxable value)"),
    F_MONEY("cgst_total", "currency", READONLY, .def = "0"),
    F_MONEY("sgst_total", "currency", READONLY, .def = "0", .doc = "SGST, or UTGST in union territories"),
    F_MONEY("igst_total", "currency", READONLY, .def = "0"),
    F_MONEY("tax_total", "currency", READONLY, .def = "0", .doc = "Sum of line taxes (CRM total_tax_amount)"),
    F_MONEY("total", "currency", READONLY | FILTER | SORT, .def = "0", .doc = "subtotal + tax_total (CRM total_amount)"),
    F_MONEY("paid_amount", "currency", READONLY, .def = "0", .doc = "Sum of active receipt allocations"),
    F_MONEY("credits_applied", "currency", READONLY, .def = "0", .doc = "Sum of credit note applications"),
    F_MONEY("balance_due", "currency", READONLY | FILTER | SORT, .def = "0",
            .doc = "total - paid_amount - credits_applied; 0 once cancelled"),
    F_JSON("tax_details", READONLY, .doc = "Tax per kind and rate: [{kind, rate, taxable, amount}]"),
    F_TEXT("financial_year", 7, READONLY | FILTER, .doc = "e.g. 2026-27, set with the number"),
    F_INT("sequence_number", READONLY | SORT, .doc = "The number's position in its series and year"),
    SELLER_AND_BUYER_SNAPSHOT,
    F_TEXT("notes", 4000, 0, .doc = "Printed on the invoice"),
    F_TEXT("terms_and_conditions", 4000, 0, .doc = "Printed terms; the company profile's when not given"),
    F_TEXT("private_notes", 4000, 0, .doc = "Internal, never printed"),
    F_DATE("last_payment_date", READONLY),
    F_TS("finalized_at", READONLY),
    F_UUID("finalized_by", READONLY),
    F_TS("cancelled_at", READONLY | FILTER),
    F_UUID("cancelled_by", READONLY),
    F_TEXT("cancellation_reason", 1000, READONLY, .doc = "CRM voided_reason"),
    /* billing engine (model/billing.c, domain/billrun.c) */
    F_DATE("billing_period_start", READONLY | FILTER, .doc = "Bill runs: the invoice period's first day"),
    F_DATE("billing_period_end", READONLY | FILTER, .doc = "Bill runs: the day after the period (exclusive)"),
    F_REF("billing_run_id", "billing_runs", READONLY | FILTER, .doc = "The bill run that made it"),
    F_MONEY("discount_total", "currency", READONLY, .def = "0", .doc = "Bill runs: discounts already netted from the lines"),
};

RESOURCE(invoices) {
    .name = "invoices",
    .doc = "Invoices: drafts are edited freely; a finalized invoice has a number and is corrected by credit notes",
    .fields = invoice_fields,
    .nfields = COUNT(invoice_fields),
    .audited = true,
    .read = ROLE_USER, .write = ROLE_MANAGER,
    .default_order = "-invoice_date",
    .indexes = (const char *const[]){"customer_id,invoice_date", "status,due_date", NULL},
};

#define DOCUMENT_LINE_FIELDS                                                                                    \
    F_REF("service_id", "services", FILTER, .doc = "Catalog service (GST service_type_id, CRM product_id)"),   \
    F_TEXT("description", 1000, 0, .doc = "The service's name when not given"),                             \
    F_TEXT("sac_code", 8, 0, .doc = "HSN/SAC code; the service's when not given"),                          \
    F_DEC("quantity", 6, NONNEG, .def = "1"),                                                              \
    F_TEXT("unit", 50, 0, .doc = "Unit of measure; the service's when not given"),                          \
    F_TEXT("unit_code", 3, 0, .doc = "UN/ECE Rec 20 unit code for e-invoices (HUR, C62); the service's when not given"), \
    F_ENUM("vat_category", vat_categories, 0,                                                              \
           .doc = "UNCL 5305 VAT category for e-invoices; the tax rate's when not given"),                      \
    F_DEC("rate", 6, NONNEG, .doc = "Unit price (CRM unit_price); the service's default rate when not given"), \
    F_TEXT("currency", 3, READONLY, .doc = "The document's currency"),                                      \
    F_MONEY("amount", "currency", READONLY, .def = "0", .doc = "quantity x rate, rounded once (taxable value)"), \
    F_DEC("tax_rate", 4, NONNEG, .doc = "Percent; resolved from the service, tax rates or settings when not given"), \
    F_TEXT("tax_category", 100, 0, .doc = "Category whose rate in force on the document date applies"),      \
    F_REF("tax_rate_id", "tax_rates", READONLY, .doc = "The tax_rates row the rate came from"),              \
    F_ENUM("tax_rate_source", tax_sources, READONLY),                                                      \
    F_MONEY("tax_amount", "currency", READONLY, .def = "0", .doc = "amount x tax_rate / 100 per kind, rounded"), \
    F_MONEY("cgst_amount", "currency", READONLY, .def = "0"),                                             \
    F_MONEY("sgst_amount", "currency", READONLY, .def = "0"),                                             \
    F_MONEY("igst_amount", "currency", READONLY, .def = "0"),                                             \
    F_MONEY("total", "currency", READONLY, .def = "0", .doc = "amount + tax_amount (CRM line_total)"),     \
    F_INT("sort_order", SORT, .def = "0"),                                                                 \
    F_TEXT("notes", 1000, 0)

static const Field line_fields[] = {
    F_REF("invoice_id", "invoices", REQUIRED | FILTER | CASCADE),
    DOCUMENT_LINE_FIELDS,
    /* billing engine: a rated line keeps the engine's amount (a prorated fee is not quantity x rate) */
    F_BOOL("is_rated", READONLY, .def = "false", .doc = "Made by a bill run: amount is the engine's, not quantity x rate"),
    F_REF("customer_billing_plan_id", "customer_billing_plans", READONLY | FILTER),
    F_REF("billing_plan_id", "billing_plans", READONLY | FILTER),
    F_REF("bundle_id", "service_bundles", READONLY),
    F_TEXT("charge_kind", 20, READONLY | FILTER, .doc = "fixed, bundle, time, usage, bucket_overage, adjustment"),
    F_DATE("period_start", READONLY), F_DATE("period_end", READONLY),
    F_MONEY("gross_amount", "currency", READONLY, .doc = "Bill runs: the amount before discounts"),
    F_MONEY("discount_amount", "currency", READONLY, .def = "0"),
    F_MONEY("amount_base", NULL, READONLY, .doc = "Bill runs: the gross amount in the tenant's base currency"),
    F_JSON("calculation", READONLY, .doc = "Bill runs: the calculation trace of the line"),
    F_REF("transaction_id", "transactions", READONLY | FILTER,
          .doc = "Bill runs: the ledger adjustment this line bills (charge_kind account_adjustment)"),
};

RESOURCE(invoice_line_items) {
    .name = "invoice_line_items",
    .doc = "Lines of an invoice; editing the lines of a draft recomputes its totals",
    .fields = line_fields,
    .nfields = COUNT(line_fields),
    .audited = true,
    .read = ROLE_USER, .write = ROLE_MANAGER,
    .parent = "invoices", .parent_field = "invoice_id", .segment = "line_items",
    .default_order = "sort_order",
};

static const char *const payment_methods[] = {"bank_transfer", "cheque", "cash", "upi", "card", "other", NULL};
static const char *const receipt_statuses[] = {"pending", "cleared", "bounced", "cancelled", NULL};

static const Field receipt_fields[] = {
    F_TEXT("receipt_number", 16, READONLY | UNIQUE_TENANT | FILTER | SORT | SEARCH,
           .doc = "Assigned on creation: gapless per financial year (CRM/ERP payment_number)"),
    F_DATE("receipt_date", FILTER | SORT, .doc = "Date the money was received (CRM payment_date); default today"),
    F_REF("customer_id", "customers", REQUIRED | FILTER | IMMUTABLE),
    F_ENUM("payment_method", payment_methods, FILTER, .def = "bank_transfer"),
    F_TEXT("currency", 3, FILTER | IMMUTABLE, .doc = "The customer's currency when not given"),
    F_MONEY("amount", "currency", REQUIRED | NONNEG | FILTER | SORT),
    F_DEC("exchange_rate", 6, NONNEG, .doc = "Base-currency units per 1 unit of currency"),
    F_ENUM("status", receipt_statuses, FILTER | IMMUTABLE, .def = "pending",
           .doc = "pending or cleared on creation; then changed by the clear, bounce and cancel actions"),
    F_MONEY("allocated_amount", "currency", READONLY, .def = "0", .doc = "Sum of active allocations"),
    F_MONEY("unallocated_amount", "currency", READONLY, .def = "0",
            .doc = "Customer credit: amount - allocated_amount - refunded_amount (0 once bounced or cancelled)"),
    F_MONEY("refunded_amount", "currency", READONLY, .def = "0",
            .doc = "Paid back to the customer by refunds (domain/ledger.c); a receipt with refunds cannot bounce"),
    F_REF("invoice_id", "invoices", FILTER | IMMUTABLE,
          .doc = "The invoice this payment is for (CRM/ERP payments): allocated on creation, up to its balance"),
    F_TEXT("reference_number", 100, FILTER | SEARCH, .doc = "Bank or UPI reference (ERP transaction_reference)"),
    F_TEXT("bank_name", 100, 0),
    F_TEXT("cheque_number", 20, FILTER),
    F_DATE("cheque_date", 0),
    F_TEXT("card_last_four", 4, 0),
    F_TEXT("card_brand", 20, 0),
    F_MONEY("processing_fee", "currency", NONNEG),
    F_TEXT("notes", 4000, 0),
    F_TS("cleared_at", READONLY),
    F_TS("bounced_at", READONLY),
    F_TEXT("bounce_reason", 1000, READONLY, .doc = "CRM failure_reason"),
    F_TS("cancelled_at", READONLY),
    F_TEXT("cancellation_reason", 1000, READONLY),
    F_TEXT("financial_year", 7, READONLY | FILTER),
    F_INT("sequence_number", READONLY | SORT),
};

RESOURCE(receipts) {
    .name = "receipts",
    .doc = "Money received from customers (the payments of the other seeds); allocated to invoices",
    .fields = receipt_fields,
    .nfields = COUNT(receipt_fields),
    .audited = true,
    .no_delete = true,
    .read = ROLE_USER, .write = ROLE_MANAGER,
    .default_order = "-receipt_date",
};

static const char *const allocation_statuses[] = {"active", "released", NULL};

static const Field allocation_fields[] = {
    F_REF("receipt_id", "receipts", REQUIRED | FILTER | IMMUTABLE),
    F_REF("invoice_id", "invoices", REQUIRED | FILTER | IMMUTABLE),
    F_TEXT("currency", 3, READONLY),
    F_MONEY("allocated_amount", "currency", REQUIRED | NONNEG | IMMUTABLE | SORT),
    F_DATE("allocation_date", READONLY | FILTER | SORT),
    F_ENUM("status", allocation_statuses, READONLY | FILTER, .def = "active",
           .doc = "released when the receipt bounced or was cancelled"),
    F_TS("released_at", READONLY),
    F_TEXT("release_reason", 255, READONLY),
    F_TEXT("notes", 1000, 0),
};

RESOURCE(receipt_allocations) {
    .name = "receipt_allocations",
    .doc = "A part of a receipt applied to an invoice; deleting an active one gives the money back to the receipt",
    .fields = allocation_fields,
    .nfields = COUNT(allocation_fields),
    .audited = true,
    .no_update = true,
    .read = ROLE_USER, .write = ROLE_MANAGER,
};

static const char *const credit_statuses[] = {"draft", "issued", "applied", "cancelled", NULL};

static const Field credit_fields[] = {
    F_TEXT("credit_note_number", 16, READONLY | UNIQUE_TENANT | FILTER | SORT | SEARCH,
           .doc = "Assigned when issued (CRM credit_number)"),
    F_DATE("credit_note_date", FILTER | SORT, .doc = "CRM credit_date; default today"),
    F_REF("customer_id", "customers", REQUIRED | FILTER),
    F_REF("invoice_id", "invoices", FILTER, .doc = "The invoice it corrects; null = standalone"),
    F_TEXT("reason", 255, 0),
    F_TEXT("description", 4000, 0),
    F_TEXT("notes", 4000, 0),
    F_TEXT("currency", 3, FILTER, .doc = "The invoice's (or customer's) currency when not given"),
    F_DEC("exchange_rate", 6, NONNEG),
    F_TEXT("base_currency", 3, READONLY),
    F_BOOL("is_tax_inclusive", 0),
    F_TEXT("customer_gst", 15, 0),
    F_TEXT("place_of_supply", 2, 0, .doc = "The invoice's when linked"),
    F_ENUM("supply_type", supply_types, READONLY),
    F_ENUM("status", credit_statuses, READONLY | FILTER, .def = "draft"),
    F_MONEY("amount", "currency", READONLY, .def = "0", .doc = "Taxable value credited"),
    F_MONEY("cgst_total", "currency", READONLY, .def = "0"),
    F_MONEY("sgst_total", "currency", READONLY, .def = "0"),
    F_MONEY("igst_total", "currency", READONLY, .def = "0"),
    F_MONEY("gst_amount", "currency", READONLY, .def = "0", .doc = "Tax reversed"),
    F_MONEY("total_credit", "currency", READONLY, .def = "0", .doc = "amount + gst_amount"),
    F_MONEY("balance_remaining", "currency", READONLY, .def = "0", .doc = "Not yet applied to invoices"),
    F_JSON("tax_details", READONLY),
    F_DATE("expires_at", 0),
    F_TEXT("financial_year", 7, READONLY | FILTER),
    F_INT("sequence_number", READONLY | SORT),
    SELLER_AND_BUYER_SNAPSHOT,
    F_TS("issued_at", READONLY),
    F_TS("cancelled_at", READONLY),
    F_TEXT("cancellation_reason", 1000, READONLY),
};

RESOURCE(credit_notes) {
    .name = "credit_notes",
    .doc = "Credit notes: reverse part of an invoice (with its GST, per rate) or credit a customer",
    .fields = credit_fields,
    .nfields = COUNT(credit_fields),
    .audited = true,
    .read = ROLE_USER, .write = ROLE_MANAGER,
    .default_order = "-credit_note_date",
};

static const Field credit_line_fields[] = {
    F_REF("credit_note_id", "credit_notes", REQUIRED | FILTER | CASCADE),
    F_REF("invoice_line_item_id", "invoice_line_items", FILTER,
          .doc = "The invoice line it reverses: its description, rate and tax rate are the defaults"),
    DOCUMENT_LINE_FIELDS,
};

RESOURCE(credit_note_lines) {
    .name = "credit_note_lines",
    .doc = "Lines of a credit note",
    .fields = credit_line_fields,
    .nfields = COUNT(credit_line_fields),
    .audited = true,
    .read = ROLE_USER, .write = ROLE_MANAGER,
    .parent = "credit_notes", .parent_field = "credit_note_id", .segment = "lines",
    .default_order = "sort_order",
};

static const Field application_fields[] = {
    F_REF("credit_note_id", "credit_notes", REQUIRED | FILTER | IMMUTABLE),
    F_REF("invoice_id", "invoices", REQUIRED | FILTER | IMMUTABLE),
    F_TEXT("currency", 3, READONLY),
    F_MONEY("amount_applied", "currency", REQUIRED | NONNEG | IMMUTABLE),
    F_DATE("applied_date", READONLY | FILTER | SORT),
    F_TEXT("notes", 1000, 0),
};

RESOURCE(credit_note_applications) {
    .name = "credit_note_applications",
    .doc = "A credit note applied to an invoice (CRM credit_applications); deleting one un-applies it",
    .fields = application_fields,
    .nfields = COUNT(application_fields),
    .audited = true,
    .no_update = true,
    .read = ROLE_USER, .write = ROLE_MANAGER,
};

static const char *const document_types[] = {"invoice", "credit_note", "receipt", NULL};

static const Field series_fields[] = {
    F_ENUM("document_type", document_types, REQUIRED | UNIQUE_TENANT | FILTER | IMMUTABLE),
    F_TEXT("pattern", 64, REQUIRED,
           .doc = "Literal text (letters, digits, / and -) and {fy} 2026-27, {fy_short} 26-27, {fy_start} 2026, "
                  "{fy_end} 2027, {seq:N} the number padded to N digits; at most 16 characters"),
    F_INT("starting_number", 0, .def = "1", .min = 1, .max = 999999999,
          .doc = "First number of each financial year"),
    F_TEXT("description", 255, 0),
};

RESOURCE(number_series) {
    .name = "number_series",
    .doc = "How document numbers look; without a row the defaults INV/{fy}/{seq:4}, CN/{fy}/{seq:4}, RCT/{fy}/{seq:4}",
    .fields = series_fields,
    .nfields = COUNT(series_fields),
    .audited = true,
    .read = ROLE_USER, .write = ROLE_ADMIN,
};

static const Field counter_fields[] = {
    F_TEXT("document_type", 20, REQUIRED),
    F_TEXT("financial_year", 7, REQUIRED),
    F_INT("last_value", 0, .def = "0"),
};

RESOURCE(number_counters) {
    .name = "number_counters",
    .doc = "The last number used per document type and financial year (locked while a number is taken)",
    .fields = counter_fields,
    .nfields = COUNT(counter_fields),
    .internal = true,
    .read = ROLE_ADMIN, .write = ROLE_ADMIN,
    .uniques = (const char *const[]){"document_type,financial_year", NULL},
};
