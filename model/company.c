/* model/company.c — the seller and the ways customers are grouped: the
 * tenant's company profile, client types and account managers.
 * Declares the tables only; the rules (one profile per tenant, GSTIN checks,
 * the state code for GST) live in domain/company.c.
 *
 * Seeds: multi-tenant-gst-billing.md `companies` (here `company_profiles`,
 * because crm-jobs-invoicing.md's COMPANIES are customers), `client_types`,
 * `account_managers`; the company block of crm-jobs-invoicing.md's
 * INVOICE_TEMPLATES (company_name, address, phone, email, website, logo). The
 * field mapping is in docs/data-model.md.
 */
#include "model/registry.h"

static const Field profile_fields[] = {
    F_TEXT("name", 255, REQUIRED, .doc = "Company legal name, printed as the seller"),
    F_TEXT("trade_name", 255, 0, .doc = "Name the company trades under, if it differs"),
    F_TEXT("address", 2000, 0, .doc = "Free-form address, printed under the name"),
    F_TEXT("city", 100, 0),
    F_TEXT("state", 100, 0),
    F_TEXT("postal_code", 20, 0),
    F_TEXT("country", 2, 0, .def = "IN", .doc = "ISO 3166-1 alpha-2"),
    F_TEXT("registration_number", 100, 0, .doc = "Company registration number (CIN in India)"),
    F_TEXT("tax_id", 100, 0, .doc = "Tax identifier outside GST (VAT number)"),
    F_TEXT("gst_number", 15, 0, .doc = "GSTIN; its first two digits are the seller's state code"),
    F_TEXT("pan_number", 10, 0, .doc = "PAN; characters 3-12 of the GSTIN when both are given"),
    F_TEXT("state_code", 2, 0,
           .doc = "GST state code of the seller (\"27\" Maharashtra); taken from the GSTIN when not given"),
    F_TEXT("contact_name", 100, 0),
    F_EMAIL("contact_email", 0),
    F_TEXT("contact_phone", 20, 0),
    F_TEXT("website", 255, 0),
    F_TEXT("logo_url", 500, 0),
    F_DATE("financial_year_start", 0,
           .doc = "A date on which a financial year starts; its month starts every financial year (April when null)"),
    F_TEXT("currency", 3, READONLY, .doc = "The tenant's base currency (the books' currency)"),
    F_TEXT("industry", 100, 0),
    F_TEXT("company_size", 50, 0),
    F_TEXT("bank_name", 100, 0, .doc = "Printed on invoices for payment by bank transfer"),
    F_TEXT("bank_account_name", 255, 0),
    F_TEXT("bank_account_number", 34, 0),
    F_TEXT("bank_ifsc", 11, 0, .doc = "IFSC (India) or another branch code"),
    F_TEXT("bank_swift", 11, 0),
    F_TEXT("upi_id", 100, 0),
    F_TEXT("invoice_terms", 4000, 0, .doc = "Default terms printed at the foot of invoices"),
    F_TEXT("signatory_name", 255, 0, .doc = "Printed under 'Authorised Signatory'"),
    F_TEXT("profile_key", 16, INTERNAL | UNIQUE_TENANT, .def = "company", .doc = "Keeps one profile per tenant"),
};

RESOURCE(company_profiles) {
    .name = "company_profiles",
    .doc = "The tenant's own company: the seller on every invoice (one per tenant)",
    .fields = profile_fields,
    .nfields = COUNT(profile_fields),
    .audited = true,
    .no_delete = true,
    .read = ROLE_USER, .write = ROLE_ADMIN,
};

static const Field client_type_fields[] = {
    F_TEXT("code", 50, REQUIRED | UNIQUE_TENANT | FILTER | SORT | SEARCH, .doc = "Short code, e.g. VIP"),
    F_TEXT("name", 255, REQUIRED | FILTER | SORT | SEARCH),
    F_TEXT("description", 4000, 0),
    F_INT("payment_terms", 0, .def = "30", .min = 0, .max = 3650,
          .doc = "Default payment terms (days) for customers of this type"),
    F_BOOL("is_active", FILTER, .def = "true", .doc = "Inactive types are hidden from pickers"),
};

RESOURCE(client_types) {
    .name = "client_types",
    .doc = "Categories of customers (VIP, Regular, Wholesale) with their default payment terms",
    .fields = client_type_fields,
    .nfields = COUNT(client_type_fields),
    .audited = true,
    .read = ROLE_USER, .write = ROLE_MANAGER,
    .default_order = "code",
};

static const Field account_manager_fields[] = {
    F_REF("user_id", "users", FILTER, .doc = "The manager's user account, when they have one"),
    F_TEXT("name", 255, REQUIRED | FILTER | SORT | SEARCH),
    F_EMAIL("email", REQUIRED | FILTER | SEARCH),
    F_TEXT("phone", 30, 0),
    F_BOOL("is_active", FILTER, .def = "true"),
};

RESOURCE(account_managers) {
    .name = "account_managers",
    .doc = "People who manage customer accounts",
    .fields = account_manager_fields,
    .nfields = COUNT(account_manager_fields),
    .audited = true,
    .read = ROLE_USER, .write = ROLE_MANAGER,
    .default_order = "name",
};
