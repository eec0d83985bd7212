/* domain/catalog.c — rules for the service catalog, service categories, tax
 * rates and exchange rates. Exports catalog_init.
 *
 * Rules:
 *  - services: the currency (when given) is an ISO 4217 code; tax_rate is a
 *    percentage from 0 to 100; the SAC/HSN code is 4 to 8 digits.
 *  - service categories: a category is not its own ancestor.
 *  - tax rates: 0 to 100 percent; effective_to (inclusive) is not before
 *    effective_from; a region of two digits is a GST state code. Two rates of
 *    one category and region may not be in force on the same day — except
 *    that a new rate starting after an open-ended one closes it (its
 *    effective_to becomes the day before), which is how a rate change is
 *    recorded while history is kept. A rate that a finalized invoice or
 *    issued credit note used keeps its category, region, rate and start
 *    (409); it can only be closed, not before the last day it was used, and
 *    not deleted.
 *  - exchange rates: a known currency other than the tenant's base, rate > 0.
 *  - deletes: a service in a (not deleted) plan or bundle, a plan of an active
 *    customer assignment, a bundle a plan sells are refused (409 naming the
 *    user); they are retired with is_active false instead.
 */
#include <stdio.h>
#include <string.h>

#include "core/date.h"
#include "core/money.h"
#include "domain/domain.h"
#include "domain/gst.h"
#include "model/codec.h"
#include "model/crud.h"

static int pct(const Row *row, const char *field, Error *err)
{
    if (!row_is_null(row, field) && row_int(row, field) > 100 * 10000)
        return err_set(err, ERR_RANGE, field, "%s must be between 0 and 100", field);
    return 0;
}

static int service_before_write(Ctx *ctx, const Table *t, Row *row, const Row *old, Error *err)
{
    const char *cur = row_text(row, "currency");
    if (cur && !currency_find(cur))
        return err_set(err, ERR_INVALID, "currency", "currency must be an ISO 4217 code such as \"INR\" or \"USD\"");
    int rc = pct(row, "tax_rate", err);
    if (rc < 0)
        return rc;
    const char *sac = row_text(row, "sac_code");
    if (sac) {
        size_t n = strlen(sac);
        bool digits = n >= 4 && n <= 8;
        for (size_t i = 0; i < n && digits; i++)
            digits = sac[i] >= '0' && sac[i] <= '9';
        if (!digits)
            return err_set(err, ERR_INVALID, "sac_code", "sac_code must be 4 to 8 digits (HSN or SAC code)");
    }
    return 0;
}

static int category_before_write(Ctx *ctx, const Table *t, Row *row, const Row *old, Error *err)
{
    const char *self = row_text(row, "id");
    const char *parent = row_text(row, "parent_id");
    for (int depth = 0; parent && depth < 64; depth++) {
        if (self && strcmp(parent, self) == 0)
            return err_set(err, ERR_INVALID, "parent_id", "a category cannot be its own ancestor");
        Value p[1] = {val_text(parent)};
        Rows r;
        int rc = store_query(ctx->conn, &r, "SELECT parent_id FROM service_categories WHERE tenant_id = $1 AND id = $2",
                             p, 1, err);
        if (rc < 0)
            return rc;
        const char *next = NULL;
        if (rows_next(&r)) {
            Value v = rows_get(&r, 0);
            next = v.kind == V_TEXT ? arena_strndup(ctx->arena, v.s, v.len) : NULL;
        }
        rc = rows_error(&r, err);
        rows_close(&r);
        if (rc < 0)
            return rc;
        parent = next;
    }
    return 0;
}

/* The last date a finalized invoice or issued credit note used this rate, or "" when none did. */
static int last_use(Ctx *ctx, const char *id, char out[11], Error *err)
{
    out[0] = '\0';
    static const char *const sql[2] = {
        "SELECT MAX(i.invoice_date) FROM invoice_line_items l JOIN invoices i ON i.tenant_id = l.tenant_id"
        " AND i.id = l.invoice_id WHERE l.tenant_id = $1 AND l.tax_rate_id = $2 AND i.status <> 'draft'",
        "SELECT MAX(c.credit_note_date) FROM credit_note_lines l JOIN credit_notes c ON c.tenant_id = l.tenant_id"
        " AND c.id = l.credit_note_id WHERE l.tenant_id = $1 AND l.tax_rate_id = $2 AND c.status <> 'draft'",
    };
    for (int q = 0; q < 2; q++) {
        Value p[1] = {val_text(id)};
        Rows r;
        int rc = store_query(ctx->conn, &r, sql[q], p, 1, err);
        if (rc < 0)
            return rc;
        if (rows_next(&r)) {
            Value v = rows_get(&r, 0);
            if (v.kind == V_TEXT && v.len == 10 && memcmp(v.s, out, 10) > 0) {
                memcpy(out, v.s, 10);
                out[10] = '\0';
            }
        }
        rc = rows_error(&r, err);
        rows_close(&r);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static bool same_text(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static int tax_rate_before_write(Ctx *ctx, const Table *t, Row *row, const Row *old, Error *err)
{
    int rc = pct(row, "rate", err);
    if (rc < 0)
        return rc;
    const char *from = row_text(row, "effective_from"), *to = row_text(row, "effective_to");
    if (to && strcmp(to, from) < 0)
        return err_set(err, ERR_INVALID, "effective_to", "effective_to must not be before effective_from");
    const char *region = row_text(row, "region");
    if (region && strlen(region) == 2 && region[0] >= '0' && region[0] <= '9' && !gst_state_valid(region))
        return err_set(err, ERR_INVALID, "region", "region %s is not a GST state code", region);
    if (old) {
        char used[11];
        rc = last_use(ctx, row_text(old, "id"), used, err);
        if (rc < 0)
            return rc;
        if (used[0]) {
            static const char *const fixed[] = {"category", "region", "rate", "effective_from", "tax_type"};
            for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
                Value a = row_get(row, fixed[i]), b = row_get(old, fixed[i]);
                bool same = a.kind == b.kind &&
                            (a.kind == V_TEXT ? same_text(row_text(row, fixed[i]), row_text(old, fixed[i])) : a.i == b.i);
                if (!same) {
                    rc = err_set(err, ERR_STATE, fixed[i],
                                 "this tax rate was used on issued documents (last on %s): its %s cannot change", used,
                                 fixed[i]);
                    err_hint(err, "close it with effective_to and add a new rate from the day the change applies");
                    return rc;
                }
            }
            if (to && strcmp(to, used) < 0)
                return err_set(err, ERR_STATE, "effective_to",
                               "this tax rate was used on %s: it cannot end before that day", used);
        }
    }
    /* Overlaps with the other rates of the category and region. */
    Value p[3] = {val_text(row_text(row, "category")), val_text(region ? region : ""),
                  val_text(row_text(row, "id") ? row_text(row, "id") : "00000000-0000-0000-0000-000000000000")};
    char sql[1024];
    snprintf(sql, sizeof sql,
             "SELECT %s FROM tax_rates WHERE tenant_id = $1 AND deleted_at IS NULL AND category = $2"
             " AND COALESCE(region, '') = $3 AND id <> $4 ORDER BY effective_from",
             t->select_list);
    Rows r;
    rc = store_query(ctx->conn, &r, sql, p, 3, err);
    if (rc < 0)
        return rc;
    Row others[64];
    int n = 0;
    while (rc == 0 && n < 64 && rows_next(&r))
        rc = codec_from_rows(ctx, t, &r, &others[n++]);
    if (rc == 0)
        rc = rows_error(&r, err);
    rows_close(&r);
    for (int i = 0; i < n && rc == 0; i++) {
        const char *of = row_text(&others[i], "effective_from"), *ot = row_text(&others[i], "effective_to");
        bool overlap = (!ot || strcmp(from, ot) <= 0) && (!to || strcmp(of, to) <= 0);
        if (!overlap)
            continue;
        if (!ot && strcmp(of, from) < 0) {   /* a new rate after an open-ended one closes it */
            Date d;
            date_parse(&d, from, strlen(from), "effective_from", NULL);
            char prev[11];
            date_format(prev, date_add_days(d, -1));
            char used[11];
            rc = last_use(ctx, row_text(&others[i], "id"), used, err);
            if (rc < 0)
                return rc;
            if (used[0] && strcmp(used, prev) > 0)
                return err_set(err, ERR_STATE, "effective_from",
                               "the current rate of %s was used on %s: the new rate cannot start before %s",
                               row_text(row, "category"), used, used);
            Row closed;
            row_copy(ctx, &closed, &others[i]);
            row_set_text(ctx, &closed, "effective_to", prev);
            rc = crud_update_row_as(ctx, t, &closed, &others[i], "close", err);
            continue;
        }
        rc = err_set(err, ERR_INVALID, "effective_from", "the rate overlaps the %s rate of %s in force from %s to %s",
                     row_text(&others[i], "category"), row_text(&others[i], "category"), of, ot ? ot : "(open)");
    }
    return rc;
}

static int tax_rate_before_delete(Ctx *ctx, const Table *t, const Row *old, Error *err)
{
    char used[11];
    int rc = last_use(ctx, row_text(old, "id"), used, err);
    if (rc < 0)
        return rc;
    if (used[0]) {
        rc = err_set(err, ERR_STATE, NULL, "this tax rate was used on issued documents (last on %s): it is kept as history",
                     used);
        err_hint(err, "close it with effective_to instead");
        return rc;
    }
    return 0;
}

static int fx_before_write(Ctx *ctx, const Table *t, Row *row, const Row *old, Error *err)
{
    const char *cur = row_text(row, "currency");
    const char *base = ctx->currency ? ctx->currency : "INR";
    if (!currency_find(cur))
        return err_set(err, ERR_INVALID, "currency", "currency must be an ISO 4217 code such as \"USD\"");
    if (strcmp(cur, base) == 0)
        return err_set(err, ERR_INVALID, "currency", "%s is the base currency: its rate is always 1", base);
    if (row_int(row, "rate") <= 0)
        return err_set(err, ERR_RANGE, "rate", "rate must be greater than 0");
    row_set_text(ctx, row, "base_currency", base);
    return 0;
}

/* ---- deletes of what billing uses ----
 * A service, plan or bundle is soft-deleted, so no foreign key stops the delete, yet the engine
 * still reads the rows that name it and every run of the customer then fails. Each use is a query
 * returning the name of one user (or nothing); the first found refuses the delete with a 409 that
 * names it. Deactivating (is_active false) is the way to retire one. */
typedef struct Use {
    const char *what;   /* "plan", "bundle", "customer assignment" */
    const char *sql;    /* $1 tenant, $2 the id; selects one name */
} Use;

static int refuse_if_used(Ctx *ctx, const Row *old, const char *kind, const char *name_field, const Use *uses,
                          size_t nuses, Error *err)
{
    for (size_t i = 0; i < nuses; i++) {
        Value p[1] = {val_text(row_text(old, "id"))};
        Rows r;
        int rc = store_query(ctx->conn, &r, uses[i].sql, p, 1, err);
        if (rc < 0)
            return rc;
        char used_by[256] = "";
        bool found = rows_next(&r);
        if (found) {
            Value v = rows_get(&r, 0);
            if (v.kind == V_TEXT)
                snprintf(used_by, sizeof used_by, "%.*s", (int)(v.len < 200 ? v.len : 200), v.s);
        }
        rc = rows_error(&r, err);
        rows_close(&r);
        if (rc < 0)
            return rc;
        if (found) {
            const char *name = row_text(old, name_field);
            rc = err_set(err, ERR_CONFLICT, NULL, "the %s %s is used by the %s %s: it cannot be deleted", kind,
                         name ? name : "", uses[i].what, used_by);
            err_hint(err, "set is_active to false to retire it, or remove it from what uses it first");
            return rc;
        }
    }
    return 0;
}

static int service_before_delete(Ctx *ctx, const Table *t, const Row *old, Error *err)
{
    static const Use uses[] = {
        {"plan", "SELECT p.plan_name FROM plan_services ps JOIN billing_plans p ON p.tenant_id = ps.tenant_id"
                 " AND p.id = ps.plan_id WHERE ps.tenant_id = $1 AND ps.service_id = $2 AND p.deleted_at IS NULL"
                 " ORDER BY p.plan_name LIMIT 1"},
        {"bundle", "SELECT b.bundle_name FROM bundle_services bs JOIN service_bundles b ON b.tenant_id = bs.tenant_id"
                   " AND b.id = bs.bundle_id WHERE bs.tenant_id = $1 AND bs.service_id = $2 AND b.deleted_at IS NULL"
                   " ORDER BY b.bundle_name LIMIT 1"},
    };
    return refuse_if_used(ctx, old, "service", "name", uses, sizeof uses / sizeof uses[0], err);
}

/* Any assignment not deleted keeps its plan, an inactive one too: the bill run reads it. */
static int plan_before_delete(Ctx *ctx, const Table *t, const Row *old, Error *err)
{
    static const Use uses[] = {
        {"customer assignment of", "SELECT c.name FROM customer_billing_plans a JOIN customers c ON c.tenant_id = a.tenant_id"
                                   " AND c.id = a.customer_id WHERE a.tenant_id = $1 AND a.plan_id = $2"
                                   " AND a.deleted_at IS NULL ORDER BY c.name LIMIT 1"},
    };
    return refuse_if_used(ctx, old, "plan", "plan_name", uses, sizeof uses / sizeof uses[0], err);
}

static int bundle_before_delete(Ctx *ctx, const Table *t, const Row *old, Error *err)
{
    static const Use uses[] = {
        {"plan", "SELECT p.plan_name FROM plan_services ps JOIN billing_plans p ON p.tenant_id = ps.tenant_id"
                 " AND p.id = ps.plan_id WHERE ps.tenant_id = $1 AND ps.bundle_id = $2 AND p.deleted_at IS NULL"
                 " ORDER BY p.plan_name LIMIT 1"},
    };
    return refuse_if_used(ctx, old, "bundle", "bundle_name", uses, sizeof uses / sizeof uses[0], err);
}

static const Hooks service_hooks = {.before_write = service_before_write, .before_delete = service_before_delete};
static const Hooks plan_hooks = {.before_delete = plan_before_delete};
static const Hooks bundle_hooks = {.before_delete = bundle_before_delete};
static const Hooks category_hooks = {.before_write = category_before_write};
static const Hooks tax_rate_hooks = {.before_write = tax_rate_before_write, .before_delete = tax_rate_before_delete};
static const Hooks fx_hooks = {.before_write = fx_before_write};

void catalog_init(void)
{
    table_set_hooks("services", &service_hooks);
    table_set_hooks("billing_plans", &plan_hooks);
    table_set_hooks("service_bundles", &bundle_hooks);
    table_set_hooks("service_categories", &category_hooks);
    table_set_hooks("tax_rates", &tax_rate_hooks);
    table_set_hooks("exchange_rates", &fx_hooks);
}
