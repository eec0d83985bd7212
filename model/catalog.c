/* model/catalog.c — what is sold and how it is taxed: service categories, the
 * service catalog, the tenant's GST settings, tax rates with their validity
 * dates, and exchange rates to the tenant's base currency.
 * Declares the tables only; the rules live in domain/catalog.c (rates in
 * force on a date, overlapping periods, history) and domain/gst.c.
 *
 * `services` is one table for multi-tenant-gst-billing.md's service_types,
 * msp-flexible-billing.md's service_catalog and crm-jobs-invoicing.md's
 * PRODUCTS; `tax_rates` merges the GST seed's tax_rates, the MSP seed's
 * tax_rates (region, start/end dates) and erp-modules.md's Tax. The field
 * mapping is in docs/data-model.md.
 */
#include "model/registry.h"

static const Field category_fields[] = {
    F_TEXT("name", 255, REQUIRED | UNIQUE_TENANT | FILTER | SORT | SEARCH, .doc = "Category name (MSP category_name)"),
    F_TEXT("description", 4000, 0),
    F_REF("parent_id", "service_categories", FILTER, .doc = "Parent category, for a tree"),
    F_TEXT("icon", 100, 0),
    F_TEXT("color", 20, 0),
    F_BOOL("is_active", FILTER, .def = "true"),
    F_INT("display_order", SORT, .def = "0"),
};

RESOURCE(service_categories) {
    .name = "service_categories",
    .doc = "Categories of the service catalog",
    .fields = category_fields,
    .nfields = COUNT(category_fields),
    .audited = true,
    .read = ROLE_USER, .write = ROLE_MANAGER,
    .default_order = "display_order,name",
};

static const char *const service_types[] = {"fixed", "time", "usage", NULL};
static const char *const billing_cycles[] = {"one-time", "weekly",        "bi-weekly", "monthly",
                                             "quarterly", "semi-annually", "annually",  NULL};

static const Field service_fields[] = {
    F_TEXT("code", 50, UNIQUE_TENANT | FILTER | SORT | SEARCH, .doc = "Service code, unique in the tenant"),
    F_TEXT("name", 255, REQUIRED | FILTER | SORT | SEARCH),
    F_TEXT("description", 4000, SEARCH),
    F_REF("category_id", "service_categories", FILTER),
    F_ENUM("service_type", service_types, FILTER, .def = "fixed",
           .doc = "How it is charged: fixed per cycle, time (per hour) or usage (per unit)"),
    F_DEC("default_rate", 6, NONNEG, .def = "0", .doc = "Default unit price (CRM unit_price)"),
    F_TEXT("unit_of_measure", 50, 0, .doc = "hour, GB, seat, ..."),
    F_TEXT("currency", 3, FILTER, .doc = "Currency of default_rate; the tenant's base currency when null"),
    F_DEC("cost_price", 6, NONNEG),
    F_ENUM("billing_cycle", billing_cycles, FILTER),
    F_DEC("estimated_hours", 2, NONNEG),
    F_INT("service_duration_days", NONNEG),
    F_MONEY("setup_fee", "currency", NONNEG),
    F_BOOL("track_inventory", 0, .def = "false"),
    F_INT("stock_quantity", 0),
    F_INT("low_stock_threshold", NONNEG),
    F_BOOL("has_tiered_pricing", 0, .def = "false"),
    F_JSON("pricing_tiers", 0),
    F_JSON("required_skills", 0, .doc = "A list of skill names"),
    F_INT("complexity_level", 0, .min = 1, .max = 5),
    F_TEXT("prerequisites", 4000, 0),
    F_BOOL("is_taxable", FILTER, .def = "true", .doc = "false: lines of this service carry no tax"),
    F_TEXT("tax_category", 100, FILTER,
           .doc = "Tax category: the tax rate of this category in force on the invoice date applies"),
    F_DEC("tax_rate", 4, NONNEG, .doc = "Default tax rate (%) when no tax category is set (GST seed service_types)"),
    F_TEXT("sac_code", 8, FILTER, .doc = "HSN/SAC code printed on GST invoices"),
    F_BOOL("is_active", FILTER, .def = "true", .doc = "Inactive services are hidden from pickers"),
};

RESOURCE(services) {
    .name = "services",
    .doc = "The service catalog: what is sold, its default rate, unit and tax",
    .fields = service_fields,
    .nfields = COUNT(service_fields),
    .soft_delete = true,
    .audited = true,
    .read = ROLE_USER, .write = ROLE_MANAGER,
    .default_order = "name",
};

static const char *const display_formats[] = {"exclusive", "inclusive", NULL};
static const char *const filing_frequencies[] = {"monthly", "quarterly", "annually", NULL};

static const Field gst_fields[] = {
    F_BOOL("is_gst_applicable", 0, .def = "false", .doc = "GST invoices: CGST+SGST or IGST by place of supply"),
    F_TEXT("gst_number", 15, 0, .doc = "The company's GSTIN (kept equal to the company profile's)"),
    F_DATE("effective_date", 0, .doc = "GST registration effective from"),
    F_DEC("default_rate", 4, NONNEG, .def = "0", .doc = "Tax rate (%) for lines with no other rate"),
    F_ENUM("display_format", display_formats, 0, .def = "exclusive",
           .doc = "exclusive: rates are before tax; inclusive: rates include tax (new invoices default to it)"),
    F_ENUM("filing_frequency", filing_frequencies, 0),
    F_TEXT("settings_key", 16, INTERNAL | UNIQUE_TENANT, .def = "gst", .doc = "Keeps one row per tenant"),
};

RESOURCE(gst_settings) {
    .name = "gst_settings",
    .doc = "The tenant's GST (tax) settings: one row per tenant",
    .fields = gst_fields,
    .nfields = COUNT(gst_fields),
    .audited = true,
    .no_delete = true,
    .read = ROLE_USER, .write = ROLE_ADMIN,
};

static const char *const tax_types[] = {"gst", "vat", "sales_tax", "cess", "other", NULL};

static const Field tax_rate_fields[] = {
    F_REF("gst_setting_id", "gst_settings", 0),
    F_TEXT("name", 100, FILTER | SEARCH, .doc = "Display name, e.g. GST 18%"),
    F_TEXT("tax_code", 50, FILTER, .doc = "Short code (ERP tax_code)"),
    F_TEXT("category", 100, REQUIRED | FILTER | SORT | SEARCH,
           .doc = "Tax category; services name it in tax_category"),
    F_TEXT("region", 50, FILTER, .doc = "Region or GST state code the rate is for; null = everywhere (MSP region)"),
    F_DEC("rate", 4, REQUIRED | NONNEG, .doc = "Rate in percent (MSP tax_percentage)"),
    F_ENUM("tax_type", tax_types, FILTER, .def = "gst"),
    F_DATE("effective_from", REQUIRED | FILTER | SORT, .doc = "First day the rate applies (MSP start_date)"),
    F_DATE("effective_to", FILTER | SORT, .doc = "Last day the rate applies, inclusive; null = open (MSP end_date)"),
    F_TEXT("description", 4000, 0),
    F_BOOL("is_active", FILTER, .def = "true"),
};

RESOURCE(tax_rates) {
    .name = "tax_rates",
    .doc = "Tax rates per category (and region) with the dates they are in force; history is kept",
    .fields = tax_rate_fields,
    .nfields = COUNT(tax_rate_fields),
    .soft_delete = true,
    .audited = true,
    .read = ROLE_USER, .write = ROLE_ADMIN,
    .default_order = "category,-effective_from",
    .indexes = (const char *const[]){"category,effective_from", NULL},
};

static const Field fx_fields[] = {
    F_TEXT("currency", 3, REQUIRED | FILTER | SORT | IMMUTABLE, .doc = "ISO 4217 code of the foreign currency"),
    F_TEXT("base_currency", 3, READONLY, .doc = "The tenant's base currency"),
    F_DEC("rate", 6, REQUIRED | NONNEG, .doc = "Units of the base currency per 1 unit of currency"),
    F_DATE("effective_date", REQUIRED | FILTER | SORT | IMMUTABLE, .doc = "The rate applies from this date on"),
    F_TEXT("source", 100, 0, .doc = "Where the rate came from (RBI reference rate, bank, ...)"),
};

RESOURCE(exchange_rates) {
    .name = "exchange_rates",
    .doc = "Exchange rates to the tenant's base currency, by date; an invoice stores the rate it used",
    .fields = fx_fields,
    .nfields = COUNT(fx_fields),
    .audited = true,
    .read = ROLE_USER, .write = ROLE_MANAGER,
    .default_order = "currency,-effective_date",
    .uniques = (const char *const[]){"currency,effective_date", NULL},
};
