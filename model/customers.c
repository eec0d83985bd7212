/* model/customers.c — customers and their contacts.
 * Declares the tables only; rules (currency codes, GSTIN) live in domain/.
 *
 * `customers` is the one table for what the seeds call customers
 * (multi-tenant-gst-billing.md), companies (crm-jobs-invoicing.md,
 * msp-flexible-billing.md), clients (erp-modules.md) and the customer billing
 * info of crm-jobs-invoicing.md (billing and shipping address, terms, tax
 * exemption, preferred currency). `contacts` is crm-jobs-invoicing.md's
 * CONTACTS, linked to a customer. The field-by-field mapping is in
 * docs/data-model.md.
 */
#include "model/registry.h"

static const char *const payment_methods[] = {"bank_transfer", "cheque", "cash", "upi", "card", "other", NULL};
static const char *const billing_types[] = {"fixed", "time", "usage", "bucket", "mixed", NULL};
static const char *const delivery_methods[] = {"email", "post", "portal", "none", NULL};
static const char *const contact_methods[] = {"email", "phone", "mobile", "whatsapp", "post", NULL};

static const Field customer_fields[] = {
    F_TEXT("code", 50, UNIQUE_TENANT | FILTER | SORT | SEARCH, .doc = "Customer code, unique in the tenant"),
    F_TEXT("name", 255, REQUIRED | FILTER | SORT | SEARCH, .doc = "Display name"),
    F_TEXT("legal_name", 255, SEARCH, .doc = "Registered legal name, if it differs (ERP company_name)"),
    F_EMAIL("email", FILTER | SEARCH),
    F_TEXT("phone", 30, 0),
    F_TEXT("whatsapp", 30, 0),
    F_TEXT("website", 255, 0),
    F_TEXT("contact_person", 255, 0),
    F_TEXT("address", 2000, 0, .doc = "Free-form billing address (multi-tenant-gst-billing.md)"),
    F_TEXT("address_line_1", 255, 0),
    F_TEXT("address_line_2", 255, 0),
    F_TEXT("city", 100, FILTER | SORT),
    F_TEXT("state", 100, FILTER),
    F_TEXT("postal_code", 20, 0),
    F_TEXT("country", 2, FILTER, .doc = "ISO 3166-1 alpha-2"),
    F_TEXT("shipping_address_line_1", 255, 0),
    F_TEXT("shipping_address_line_2", 255, 0),
    F_TEXT("shipping_city", 100, 0),
    F_TEXT("shipping_state", 100, 0),
    F_TEXT("shipping_postal_code", 20, 0),
    F_TEXT("shipping_country", 2, 0),
    F_TEXT("industry", 100, FILTER),
    F_TEXT("company_size", 50, 0),
    F_INT("employees_count", NONNEG),
    F_MONEY("annual_revenue", "currency", NONNEG),
    F_ENUM("billing_type", billing_types, FILTER, .doc = "How the customer is mainly billed (MSP seed)"),
    F_TEXT("currency", 3, FILTER, .def = "INR", .doc = "ISO 4217 code: invoices to this customer are in it"),
    F_INT("payment_terms", 0, .def = "30", .min = 0, .max = 3650, .doc = "Days from invoice date to due date"),
    F_TEXT("payment_terms_label", 100, 0),
    F_ENUM("preferred_payment_method", payment_methods, 0),
    F_MONEY("credit_limit", "currency", NONNEG),
    F_TEXT("gst_number", 15, FILTER, .doc = "GSTIN (India); none = B2C"),
    F_TEXT("pan_number", 10, 0, .doc = "PAN (India)"),
    F_TEXT("state_code", 2, FILTER, .doc = "GST state code of the customer; the GSTIN's first two digits when not given"),
    F_TEXT("place_of_supply", 2, 0,
           .doc = "GST state code where supplies to this customer are made, when not its own state (\"96\" = abroad)"),
    F_REF("client_type_id", "client_types", FILTER, .doc = "Its payment terms are the default of new customers"),
    F_REF("account_manager_id", "account_managers", FILTER),
    F_TEXT("tax_id", 50, 0, .doc = "VAT or other tax identifier"),
    F_BOOL("is_tax_exempt", FILTER, .def = "false"),
    F_TEXT("tax_exemption_id", 50, 0),
    F_ENUM("invoice_delivery_method", delivery_methods, 0, .def = "email"),
    F_BOOL("send_payment_reminders", 0, .def = "true"),
    F_REF("owner_id", "users", FILTER, .doc = "User who owns the relationship"),
    F_TEXT("timezone", 64, 0),
    F_TEXT("logo_url", 500, 0),
    F_TEXT("description", 4000, 0),
    F_TEXT("notes", 4000, 0),
    F_BOOL("is_active", FILTER, .def = "true", .doc = "Inactive customers are hidden from pickers, data kept"),
};

RESOURCE(customers) {
    .name = "customers",
    .doc = "Customers (clients, companies) that are invoiced and pay",
    .fields = customer_fields,
    .nfields = COUNT(customer_fields),
    .soft_delete = true,
    .audited = true,
    .read = ROLE_USER, .write = ROLE_MANAGER,
};

static const Field contact_fields[] = {
    F_REF("customer_id", "customers", FILTER, .doc = "The customer (company) the contact belongs to"),
    F_TEXT("first_name", 100, REQUIRED | FILTER | SORT | SEARCH),
    F_TEXT("last_name", 100, FILTER | SORT | SEARCH),
    F_EMAIL("email", FILTER | SEARCH),
    F_TEXT("phone", 30, 0),
    F_TEXT("mobile", 30, 0),
    F_TEXT("job_title", 100, 0),
    F_TEXT("department", 100, 0),
    F_TEXT("address_line_1", 255, 0),
    F_TEXT("address_line_2", 255, 0),
    F_TEXT("city", 100, 0),
    F_TEXT("state", 100, 0),
    F_TEXT("postal_code", 20, 0),
    F_TEXT("country", 2, 0),
    F_REF("owner_id", "users", FILTER),
    F_TEXT("description", 4000, 0),
    F_DATE("date_of_birth", 0),
    F_JSON("social_profiles", 0),
    F_ENUM("preferred_contact_method", contact_methods, 0),
    F_BOOL("is_primary", FILTER, .def = "false"),
    F_BOOL("is_billing_contact", FILTER, .def = "false", .doc = "Receives invoices and statements"),
    F_BOOL("is_active", FILTER, .def = "true"),
    F_TEXT("lead_source", 100, 0),
    F_TS("last_contacted_at", FILTER | SORT),
};

RESOURCE(contacts) {
    .name = "contacts",
    .doc = "People at customers",
    .fields = contact_fields,
    .nfields = COUNT(contact_fields),
    .soft_delete = true,
    .audited = true,
    .read = ROLE_USER, .write = ROLE_MANAGER,
};
