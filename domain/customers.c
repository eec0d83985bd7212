/* domain/customers.c — rules for customers and contacts.
 * Exports customers_init.
 *
 * Rules: a customer's currency is an ISO 4217 code Remit knows; country codes
 * are two upper-case letters; a customer's currency cannot change once amounts
 * in it exist on the customer (annual revenue, credit limit would change
 * meaning) unless they are given again in the same request. GST: the GSTIN
 * and PAN are validated and must agree (domain/company.c), the state code is
 * the GSTIN's first two digits unless given, the place of supply is a GST
 * state code; a customer without a GSTIN is B2C. A new customer of a client
 * type takes the type's payment terms unless it gives its own.
 *
 * A customer with a finalized invoice, a receipt, an issued credit note or a
 * ledger transaction cannot be deleted (409 naming what it has): its documents
 * must stay printable and its balance collectable. Deactivate it instead.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/money.h"
#include "domain/company.h"
#include "domain/domain.h"
#include "domain/gst.h"
#include "model/registry.h"

static int check_country(const Row *row, const char *field, Error *err)
{
    const char *c = row_text(row, field);
    if (!c)
        return 0;
    if (strlen(c) != 2 || !isupper((unsigned char)c[0]) || !isupper((unsigned char)c[1]))
        return err_set(err, ERR_INVALID, field, "%s must be an ISO 3166-1 alpha-2 code such as \"IN\"", field);
    return 0;
}

/* A new customer of a client type takes the type's payment terms unless it states its own. */
static int terms_from_client_type(Ctx *ctx, const Table *t, Row *row, Error *err)
{
    const char *ct = row_text(row, "client_type_id");
    if (!ct || row->set[table_col(t, "payment_terms")])
        return 0;
    Value p[1] = {val_text(ct)};
    int64_t days = 0;
    int rc = store_query_int(ctx->conn, &days, "SELECT payment_terms FROM client_types WHERE tenant_id = $1 AND id = $2",
                             p, 1, err);
    if (rc == -ERR_NOT_FOUND)
        return err_set(err, ERR_REFERENCE, "client_type_id", "client_type_id does not refer to an existing row of client_types");
    if (rc == 0)
        row_set_int(row, "payment_terms", days);
    return rc;
}

static int customer_before_write(Ctx *ctx, const Table *t, Row *row, const Row *old, Error *err)
{
    const char *cur = row_text(row, "currency");
    if (cur && !currency_find(cur))
        return err_set(err, ERR_INVALID, "currency", "currency must be an ISO 4217 code such as \"INR\" or \"USD\"");
    if (old && cur && row_text(old, "currency") && strcmp(cur, row_text(old, "currency")) != 0) {
        static const char *const amounts[] = {"annual_revenue", "credit_limit"};
        for (int i = 0; i < 2; i++) {
            int c = table_col(t, amounts[i]);
            if (row->v[c].kind != V_NULL && !row->set[c])
                return err_set(err, ERR_INVALID, amounts[i],
                               "changing currency would change the meaning of %s; give it again in the new currency",
                               amounts[i]);
        }
    }
    int rc = check_country(row, "country", err);
    if (rc == 0)
        rc = check_country(row, "shipping_country", err);
    if (rc == 0)
        rc = company_gst_identity(ctx, row, "gst_number", "pan_number", "state_code", err);
    const char *pos = row_text(row, "place_of_supply");
    if (rc == 0 && pos && !gst_state_valid(pos))
        rc = err_set(err, ERR_INVALID, "place_of_supply",
                     "place_of_supply must be a two-digit GST state code such as \"27\" (\"96\" for abroad)");
    if (rc == 0 && !old)
        rc = terms_from_client_type(ctx, t, row, err);
    return rc;
}

static int contact_before_write(Ctx *ctx, const Table *t, Row *row, const Row *old, Error *err)
{
    return check_country(row, "country", err);
}

/* What a customer has that a delete would strand; counted in a fixed order for the message. */
static const struct {
    const char *one, *many, *sql;
} customer_documents[] = {
    {"invoice", "invoices",
     "SELECT COUNT(*) FROM invoices WHERE tenant_id = $1 AND customer_id = $2 AND status <> 'draft'"},
    {"receipt", "receipts", "SELECT COUNT(*) FROM receipts WHERE tenant_id = $1 AND customer_id = $2"},
    {"credit note", "credit notes",
     "SELECT COUNT(*) FROM credit_notes WHERE tenant_id = $1 AND customer_id = $2 AND status <> 'draft'"},
    {"ledger transaction", "ledger transactions",
     "SELECT COUNT(*) FROM transactions WHERE tenant_id = $1 AND customer_id = $2"},
};

static int customer_before_delete(Ctx *ctx, const Table *t, const Row *old, Error *err)
{
    (void)t;
    Value p[1] = {row_get(old, "id")};
    char what[160] = "";
    size_t len = 0;
    for (size_t i = 0; i < sizeof customer_documents / sizeof customer_documents[0]; i++) {
        int64_t n = 0;
        int rc = store_query_int(ctx->conn, &n, customer_documents[i].sql, p, 1, err);
        if (rc < 0)
            return rc;
        if (n > 0 && len < sizeof what) {
            int w = snprintf(what + len, sizeof what - len, "%s%lld %s", len ? ", " : "", (long long)n,
                             n == 1 ? customer_documents[i].one : customer_documents[i].many);
            if (w > 0)
                len += (size_t)w;
        }
    }
    if (len == 0)
        return 0;
    return err_set(err, ERR_CONFLICT, NULL,
                   "the customer has %s; issued documents and balances are kept: deactivate it (is_active=false) "
                   "instead",
                   what);
}

static const Hooks customer_hooks = {.before_write = customer_before_write, .before_delete = customer_before_delete};
static const Hooks contact_hooks = {.before_write = contact_before_write};

void customers_init(void)
{
    table_set_hooks("customers", &customer_hooks);
    table_set_hooks("contacts", &contact_hooks);
}
