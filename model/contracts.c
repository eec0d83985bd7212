/* model/contracts.c — contracts and the files attached to them.
 * Declares the tables only; the rules (party, currency, status transitions,
 * schedule, matching, uploads) live in domain/contracts.c and domain/recon_files.c.
 *
 * `contracts` is one table for contract-billing-matching.md's CONTRACTS (a
 * contractor's contract whose bills are checked) and erp-modules.md's CRM
 * Contract (a client's contract, hence Remit's own invoices are checked
 * against it): a contract's party is a customer or a contractor. ERP
 * client_id is customer_id, start_date/end_date are contract_start_date/
 * contract_end_date, contract_value is contract_amount, status is
 * contract_status, contract_file is the contract_files table. The mapping is
 * in docs/data-model.md.
 */
#include "model/registry.h"

static const char *const party_types[] = {"customer", "contractor", NULL};
static const char *const cycles[] = {"one_off", "monthly", "quarterly", "half_yearly", "yearly", NULL};
static const char *const timings[] = {"in_advance", "in_arrears", NULL};
static const char *const statuses[] = {"draft", "active", "suspended", "expired", "terminated", NULL};

static const Field contract_fields[] = {
    F_TEXT("contract_number", 50, REQUIRED | UNIQUE_TENANT | FILTER | SORT | SEARCH,
           .doc = "Contract number, unique in the tenant ignoring case, blanks around it trimmed; bills that quote it"
                  " are linked to the contract"),
    F_TEXT("contract_name", 255, REQUIRED | FILTER | SORT | SEARCH),
    F_ENUM("party_type", party_types, REQUIRED | FILTER,
           .doc = "customer: Remit invoices the customer (revenue); contractor: the contractor bills the tenant"),
    F_REF("customer_id", "customers", FILTER, .doc = "The customer (ERP client_id); required for a customer contract"),
    F_TEXT("contractor_name", 255, FILTER | SORT | SEARCH, .doc = "Required for a contractor contract"),
    F_EMAIL("contractor_email", FILTER),
    F_TEXT("contractor_phone", 30, 0),
    F_TEXT("party_key", 300, INTERNAL | INDEX, .doc = "customer:<id> or contractor:<folded name>, for linking"),
    F_TEXT("number_key", 50, INTERNAL | INDEX, .doc = "contract_number in lower case, for linking"),
    F_UUID("opportunity_id", FILTER, .doc = "The CRM opportunity the contract came from (ERP)"),
    F_TEXT("contract_type", 50, FILTER, .doc = "Free classification (ERP contract_type): retainer, AMC, licence, ..."),
    F_DATE("contract_start_date", REQUIRED | FILTER | SORT, .doc = "First day the contract covers"),
    F_DATE("contract_end_date", REQUIRED | FILTER | SORT,
           .doc = "The contract's last day (inclusive, like every date a person types)"),
    F_TEXT("currency", 3, FILTER, .doc = "ISO 4217 code of the amounts; default the tenant's base currency"),
    F_MONEY("period_amount", "currency", NONNEG,
            .doc = "Amount for one full billing period (one-off: the whole amount); required unless one-off"),
    F_MONEY("contract_amount", "currency", NONNEG,
            .doc = "Total value (ERP contract_value), the budget bills are held to; default the schedule's total"),
    F_ENUM("billing_cycle", cycles, REQUIRED | FILTER),
    F_ENUM("billing_timing", timings, 0, .def = "in_advance",
           .doc = "A period is billed at its start (in advance) or at its end (in arrears)"),
    F_INT("payment_terms", 0, .def = "30", .min = 0, .max = 3650,
          .doc = "Days from a bill's date to its due date; a period is missing once billing date + terms has passed"),
    F_DEC("tax_rate", 4, NONNEG, .doc = "Tax percentage in force on the contract's bills (18 for 18%); none = not checked"),
    F_TEXT("contract_description", 4000, SEARCH),
    F_TEXT("terms_and_conditions", 20000, 0),
    F_ENUM("contract_status", statuses, FILTER, .def = "draft",
           .doc = "draft, active, suspended, terminated; expired is set by the daily job when the end date passes"),
    F_DATE("termination_date", FILTER, .doc = "Set on termination (default today): the last day covered"),
    F_TEXT("termination_reason", 1000, 0),
    F_REF("signed_by", "users", FILTER),
    F_TS("signed_at", 0),
    F_REF("owner_id", "users", FILTER, .doc = "Who answers for the contract: its alerts are assigned to them"),
};

RESOURCE(contracts) {
    .name = "contracts",
    .doc = "Contracts with customers and contractors: the expected billing that bills are matched against",
    .fields = contract_fields,
    .nfields = COUNT(contract_fields),
    .soft_delete = true,
    .audited = true,
    .read = ROLE_USER, .write = ROLE_MANAGER,
    .indexes = (const char *const[]){"customer_id,contract_status", NULL},
    .default_order = "-contract_start_date",
};

static const Field contract_file_fields[] = {
    F_REF("contract_id", "contracts", REQUIRED | READONLY | FILTER),
    F_TEXT("file_name", 255, REQUIRED | SEARCH, .doc = "The name to download it under"),
    F_TEXT("file_path", 300, READONLY, .doc = "Where the bytes are, relative to the data directory (by hash)"),
    F_TEXT("file_type", 100, READONLY | FILTER, .doc = "Content type sniffed from the bytes"),
    F_INT("file_size", READONLY, .doc = "Bytes"),
    F_TEXT("sha256", 64, READONLY | FILTER, .doc = "SHA-256 of the bytes, lower-case hex"),
    F_TEXT("description", 1000, 0),
    F_REF("uploaded_by", "users", READONLY | FILTER),
    F_TS("uploaded_at", READONLY | SORT),
};

RESOURCE(contract_files) {
    .name = "contract_files",
    .doc = "Files of a contract (the signed PDF, annexes); upload with POST /contracts/{id}/files",
    .fields = contract_file_fields,
    .nfields = COUNT(contract_file_fields),
    .audited = true,
    .no_create = true,
    .read = ROLE_USER, .write = ROLE_MANAGER,
};
