/* model/billing_records.c — billing records (bills received from contractors,
 * or invoices recorded against customer contracts) and their files.
 * Declares the tables only; the rules (totals, party, linking, matching,
 * import) live in domain/billing_records.c.
 *
 * From contract-billing-matching.md's BILLING_RECORDS and BILLING_FILES with
 * the seed's column names; added: the party the record comes from (to keep
 * billing numbers unique per contractor, and to link a record that arrives
 * without a contract), the contract number as written on the bill, the
 * service period, the currency, what was paid, and how it was linked.
 */
#include "model/registry.h"

static const char *const statuses[] = {"received", "approved", "disputed", "paid", "cancelled", NULL};
static const char *const link_statuses[] = {"linked", "unlinked", NULL};
static const char *const link_methods[] = {"manual", "contract_number", "description", "party_period", NULL};

static const Field billing_fields[] = {
    F_REF("contract_id", "contracts", FILTER,
          .doc = "The contract; when absent the record is linked automatically if exactly one contract fits"),
    F_TEXT("contract_number", 50, FILTER | SEARCH, .doc = "The contract number as written on the bill"),
    F_TEXT("billing_number", 50, REQUIRED | FILTER | SORT | SEARCH,
           .doc = "The bill's number, unique per contractor (or customer) in the tenant"),
    F_REF("customer_id", "customers", FILTER, .doc = "For an invoice to a customer; default the contract's"),
    F_TEXT("contractor_name", 255, FILTER | SORT | SEARCH, .doc = "Who sent the bill; default the contract's"),
    F_EMAIL("contractor_email", FILTER),
    F_TEXT("party_key", 300, INTERNAL, .doc = "customer:<id> or contractor:<folded name>"),
    F_DATE("billing_date", REQUIRED | FILTER | SORT),
    F_DATE("due_date", FILTER | SORT),
    F_DATE("period_start", FILTER, .doc = "First day of the service period billed, when the bill states one"),
    F_DATE("period_end", 0, .doc = "Last day of the service period billed (inclusive)"),
    F_TEXT("currency", 3, FILTER, .doc = "ISO 4217; default the contract's, else the tenant's base currency"),
    F_MONEY("billing_amount", "currency", REQUIRED | NONNEG, .doc = "Amount before tax"),
    F_MONEY("tax_amount", "currency", NONNEG, .def = "0"),
    F_MONEY("total_amount", "currency", NONNEG, .doc = "billing_amount + tax_amount (computed when not given)"),
    F_MONEY("paid_amount", "currency", NONNEG, .def = "0", .doc = "What has been paid of the total"),
    F_DATE("paid_date", 0),
    F_ENUM("billing_status", statuses, FILTER, .def = "received",
           .doc = "received, approved, disputed, paid, cancelled (cancelled records are not matched)"),
    F_TEXT("billing_description", 4000, SEARCH, .doc = "Free text; a contract number in it links the record"),
    F_ENUM("link_status", link_statuses, READONLY | FILTER, .doc = "unlinked records wait in the queue"),
    F_ENUM("link_method", link_methods, READONLY | FILTER),
    F_JSON("link_candidates", READONLY, .doc = "Unlinked: the contracts it may belong to, best first"),
};

RESOURCE(billing_records) {
    .name = "billing_records",
    .doc = "Bills from contractors and invoices to customers, matched against their contracts",
    .fields = billing_fields,
    .nfields = COUNT(billing_fields),
    .soft_delete = true,
    .audited = true,
    .read = ROLE_USER, .write = ROLE_USER,
    .uniques = (const char *const[]){"party_key,billing_number", NULL},
    /* matching reads a contract range in this order: the index covers every column it reads */
    .indexes = (const char *const[]){"contract_id,billing_date,id,billing_amount,tax_amount,due_date,period_start,"
                                     "billing_number,billing_status,deleted_at",
                                     NULL},
    .default_order = "-billing_date",
};

static const Field billing_file_fields[] = {
    F_REF("billing_record_id", "billing_records", REQUIRED | READONLY | FILTER),
    F_TEXT("file_name", 255, REQUIRED | SEARCH, .doc = "The name to download it under"),
    F_TEXT("file_path", 300, READONLY, .doc = "Where the bytes are, relative to the data directory (by hash)"),
    F_TEXT("file_type", 100, READONLY | FILTER, .doc = "Content type sniffed from the bytes"),
    F_INT("file_size", READONLY, .doc = "Bytes"),
    F_TEXT("sha256", 64, READONLY | FILTER, .doc = "SHA-256 of the bytes, lower-case hex"),
    F_TEXT("description", 1000, 0),
    F_REF("uploaded_by", "users", READONLY | FILTER),
    F_TS("uploaded_at", READONLY | SORT),
};

RESOURCE(billing_files) {
    .name = "billing_files",
    .doc = "Files of a billing record (the bill's PDF, a timesheet); upload with POST /billing_records/{id}/files",
    .fields = billing_file_fields,
    .nfields = COUNT(billing_file_fields),
    .audited = true,
    .no_create = true,
    .read = ROLE_USER, .write = ROLE_USER,
};
