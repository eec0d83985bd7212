/* domain/recon_rows.h — reconciliation's rows as matching reads them (internal
 * to the module): a contract with its terms and a billing record, read from the
 * store's rows without the registry's codec (a bulk run reads millions), and
 * the SELECT that gives a contract's columns in the order the reader expects.
 */
#ifndef REMIT_DOMAIN_RECON_ROWS_H
#define REMIT_DOMAIN_RECON_ROWS_H

#include "core/id.h"
#include "core/money.h"
#include "domain/reconcile.h"
#include "store/store.h"

typedef struct ReconContractRow {
    char id[UUID_STR_LEN + 1];
    const char *number, *currency, *assignee, *customer_id;
    const Currency *cur;
    ReconContract c;
    bool ok;                       /* its terms could be read */
    bool dirty;                    /* what matching wants differs from the stored digest */
    uint64_t digest;
    int first, nrec;               /* its records in the chunk's array */
} ReconContractRow;

typedef struct ReconRecordRow {
    char contract_id[UUID_STR_LEN + 1];
    char id[UUID_STR_LEN + 1];
    const char *number;
    ReconRecord r;
} ReconRecordRow;

/* "SELECT <the contract columns> FROM contracts WHERE tenant_id = $1 AND deleted_at IS NULL":
 * callers append their conditions ($2 on). */
extern const char recon_contract_select[];
/* Reads one row of recon_contract_select; strings are copied into a. The assignee is the owner,
 * else s's default assignee, else the creator. */
int recon_row_contract(Arena *a, const ReconSettings *s, Rows *r, ReconContractRow *c);
/* Reads (contract_id, id, billing_number, billing_date, due_date, period_start, billing_amount,
 * tax_amount); -1 when the billing date is unreadable. */
int recon_row_record(Arena *a, Rows *r, ReconRecordRow *rr);

const char *recon_value_dup(Arena *a, Value v);        /* text copied into a, NULL otherwise */
bool recon_value_date(Value v, Date *out);             /* a "YYYY-MM-DD" text value */
void recon_value_id(char out[UUID_STR_LEN + 1], Value v);

#endif
