/* domain/billing_reports.c — the billing engine's reports (issue 5; the seed's
 * "break down billing by plan type, service category, individual services,
 * with discounts and taxes" and "bucket plan usage, used vs allocated").
 * Exports billing_reports_init.
 *
 *   GET /api/v1/reports/billing/revenue?from=&to=&group_by=plan_type|service_category|service&format=json|csv
 *   GET /api/v1/reports/billing/bucket-usage?from=&to=&customer_id=&format=json|csv
 *
 * Revenue: the lines of issued invoices (neither draft nor cancelled) dated
 * from `from` to `to` (inclusive; default: the current financial year to
 * today), one row per plan type, service category or service (bundle lines
 * under their bundle, key "bundle:<id>"), with the invoice count and gross
 * (before discounts), discount, net (the taxable value), tax and total, all
 * in the tenant's base currency. Each line's net, discount and tax are
 * converted at ITS invoice's stored exchange rate and rounded once
 * (engine_to_base); gross = net + discount and total = net + tax, so every
 * row adds up, the rows add up exactly to the totals, and every grouping
 * gives the same totals. `currencies` shows, per invoice currency, the same
 * sums in that currency beside their base value. The plan type and the
 * category are the plan's and the service's current ones (a line stores its
 * plan and service; re-categorising a service regroups its past revenue, so
 * periods compare under one categorisation). Lines not made by a bill run
 * have no plan ("no plan"); credit notes are not netted here (the customer
 * statement does that).
 *
 * Bucket usage: the bucket_usage rows (one per assignment and bucket period,
 * written by bill runs) whose period overlaps [from, to], per customer and
 * plan: allocated hours, rolled over in, available (the two added), used,
 * overage, remaining (available - used, not below 0), rolled over out, and
 * used as a percentage of available (one decimal, half up).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/id.h"
#include "domain/company.h"
#include "domain/domain.h"
#include "domain/engine.h"
#include "domain/report_csv.h"

typedef struct Sums {
    int64_t gross, discount, net, tax, total;
} Sums;

typedef struct RevRow {
    const char *key, *name;
    int invoices;
    Sums s;
} RevRow;

typedef struct CurRow {
    const char *currency;
    int invoices;                 /* counted by one query at the end */
    Sums s, base;
} CurRow;

typedef struct Range {
    Date from, to;
    char f[11], t[11];
} Range;

static const char *text_at(Ctx *ctx, Rows *r, int i)
{
    Value v = rows_get(r, i);
    return v.kind == V_TEXT && v.len > 0 ? arena_strndup(ctx->arena, v.s, v.len) : NULL;
}

static const char *fmt(Ctx *ctx, int64_t v, const Currency *c)
{
    char buf[MONEY_FORMAT_MAX];
    money_format(buf, sizeof buf, v, c);
    return arena_strdup(ctx->arena, buf);
}

static bool same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static int add_sums(Sums *to, const Sums *v, Error *err)
{
    int rc;
    if ((rc = money_add(&to->gross, to->gross, v->gross, err)) < 0 ||
        (rc = money_add(&to->discount, to->discount, v->discount, err)) < 0 ||
        (rc = money_add(&to->net, to->net, v->net, err)) < 0 || (rc = money_add(&to->tax, to->tax, v->tax, err)) < 0)
        return rc;
    return money_add(&to->total, to->total, v->total, err);
}

/* The tenant's settings, from/to (inclusive) and format, with the statement's defaults: the
 * financial year to today. */
static int range_args(Ctx *ctx, const ActionIn *in, CompanySettings *cs, Range *p, bool *csv, Error *err)
{
    int rc = company_settings_load(ctx, cs, err);
    if (rc < 0)
        return rc;
    const char *format = action_arg(in, "format");
    if (format && strcmp(format, "json") != 0 && strcmp(format, "csv") != 0)
        return err_set(err, ERR_BAD_QUERY, "format", "format must be json or csv (got %s)", format);
    *csv = format && strcmp(format, "csv") == 0;
    p->to = cs->today;
    p->from = date_from_ymd(fy_start_year(cs->today, cs->fy_start_month), cs->fy_start_month, 1);
    const char *fs = action_arg(in, "from"), *ts = action_arg(in, "to");
    if (fs && date_parse(&p->from, fs, strlen(fs), "from", NULL) < 0)
        return err_set(err, ERR_BAD_QUERY, "from", "from must be a date YYYY-MM-DD");
    if (ts && date_parse(&p->to, ts, strlen(ts), "to", NULL) < 0)
        return err_set(err, ERR_BAD_QUERY, "to", "to must be a date YYYY-MM-DD");
    if (p->to < p->from)
        return err_set(err, ERR_BAD_QUERY, "to", "to must not be before from");
    date_format(p->f, p->from);
    date_format(p->t, p->to);
    return 0;
}

static json_t *sums_json(Ctx *ctx, json_t *o, const Sums *s, const Currency *c, const char *suffix)
{
    static const char *const names[] = {"gross", "discount", "net", "tax", "total"};
    const int64_t v[] = {s->gross, s->discount, s->net, s->tax, s->total};
    for (int i = 0; i < 5; i++)
        json_object_set_new(o, suffix ? arena_printf(ctx->arena, "%s%s", names[i], suffix) : names[i],
                            json_string(fmt(ctx, v[i], c)));
    return o;
}

/* ---- revenue ---- */

#define REV_FROM                                                                                                  \
    " FROM invoice_line_items l JOIN invoices i ON i.tenant_id = l.tenant_id AND i.id = l.invoice_id"              \
    " LEFT JOIN billing_plans p ON p.tenant_id = l.tenant_id AND p.id = l.billing_plan_id"                         \
    " LEFT JOIN services s ON s.tenant_id = l.tenant_id AND s.id = l.service_id"                                   \
    " LEFT JOIN service_categories c ON c.tenant_id = l.tenant_id AND c.id = s.category_id"                        \
    " LEFT JOIN service_bundles b ON b.tenant_id = l.tenant_id AND b.id = l.bundle_id"                             \
    " WHERE l.tenant_id = $1 AND i.status NOT IN ('draft', 'cancelled') AND i.invoice_date >= $2"                 \
    " AND i.invoice_date <= $3"
#define REV_AMOUNTS ", i.id, i.currency, i.exchange_rate, l.amount, l.discount_amount, l.tax_amount"

static const struct {
    const char *name, *sql, *none;
} groupings[] = {
    {"plan_type", "SELECT p.plan_type, NULL, p.plan_type, NULL" REV_AMOUNTS REV_FROM " ORDER BY p.plan_type, i.id",
     "no plan"},
    {"service_category",
     "SELECT s.category_id, NULL, c.name, NULL" REV_AMOUNTS REV_FROM " ORDER BY s.category_id, i.id",
     "uncategorized"},
    {"service",
     "SELECT l.service_id, l.bundle_id, s.name, b.bundle_name" REV_AMOUNTS REV_FROM
     " ORDER BY l.service_id, l.bundle_id, i.id",
     "no service"},
};

static int cmp_rev(const void *a, const void *b)
{
    const RevRow *x = a, *y = b;
    if (!x->key != !y->key)
        return x->key ? -1 : 1; /* the row of lines without a key last */
    int c = strcmp(x->name ? x->name : "", y->name ? y->name : "");
    return c ? c : strcmp(x->key ? x->key : "", y->key ? y->key : "");
}

static int cmp_cur(const void *a, const void *b)
{
    return strcmp(((const CurRow *)a)->currency, ((const CurRow *)b)->currency);
}

/* One line in the base currency: net, discount and tax each converted once at the invoice's rate. */
static int line_to_base(Sums *b, Sums *own, Rows *r, const Currency *cur, const Currency *base, Rounding rnd,
                        Error *err)
{
    Value rate = rows_get(r, 6);
    own->net = rows_get(r, 7).i;
    own->discount = rows_get(r, 8).i;
    own->tax = rows_get(r, 9).i;
    int rc;
    if ((rc = money_add(&own->gross, own->net, own->discount, err)) < 0 ||
        (rc = money_add(&own->total, own->net, own->tax, err)) < 0)
        return rc;
    if (rate.kind == V_NULL && cur != base)
        return err_set(err, ERR_INTERNAL, NULL, "an issued %s invoice has no exchange rate", cur->code);
    Dec x = rate.kind == V_NULL ? dec_from_int(1) : dec_from_scaled(rate.i, 6);
    if ((rc = engine_to_base(&b->net, own->net, cur, base, x, rnd, err)) < 0 ||
        (rc = engine_to_base(&b->discount, own->discount, cur, base, x, rnd, err)) < 0 ||
        (rc = engine_to_base(&b->tax, own->tax, cur, base, x, rnd, err)) < 0 ||
        (rc = money_add(&b->gross, b->net, b->discount, err)) < 0)
        return rc;
    return money_add(&b->total, b->net, b->tax, err);
}

static int revenue(Ctx *ctx, const ActionIn *in, ActionResult *out, Error *err)
{
    CompanySettings cs;
    Range p;
    bool csv;
    int rc = range_args(ctx, in, &cs, &p, &csv, err);
    if (rc < 0)
        return rc;
    const char *by = action_arg(in, "group_by");
    int g = -1;
    for (int i = 0; i < 3; i++)
        if (by && strcmp(by, groupings[i].name) == 0)
            g = i;
    if (g < 0)
        return err_set(err, ERR_BAD_QUERY, "group_by", "group_by must be plan_type, service_category or service");
    const Currency *base = currency_find(cs.base_currency);
    if (!base)
        return err_set(err, ERR_INTERNAL, NULL, "the tenant's base currency is not known");
    Value args[2] = {val_text(p.f), val_text(p.t)};
    Rows r;
    rc = store_query(ctx->conn, &r, groupings[g].sql, args, 2, err);
    if (rc < 0)
        return rc;
    RevRow *rows = NULL, *cur_row = NULL;
    CurRow *curs = NULL;
    size_t n = 0, cap = 0, nc = 0, capc = 0;
    const char *last_inv = NULL;
    Sums total = {0};
    while (rc == 0 && rows_next(&r)) {
        /* the row's key: the group's id (a bundle's prefixed), NULL for lines without one */
        const char *k1 = text_at(ctx, &r, 0), *k2 = text_at(ctx, &r, 1);
        const char *key = k1 ? k1 : k2 ? arena_printf(ctx->arena, "bundle:%s", k2) : NULL;
        const char *inv = text_at(ctx, &r, 4), *code = text_at(ctx, &r, 5);
        const Currency *cur = currency_find(code ? code : cs.base_currency);
        if (!cur) {
            rc = err_set(err, ERR_INTERNAL, NULL, "an invoice's currency is not known");
            break;
        }
        if (!cur_row || !same(cur_row->key, key)) {
            cur_row = engine_push(ctx->arena, (void **)&rows, &n, &cap, sizeof *rows);
            if (!cur_row) {
                rc = engine_oom(err);
                break;
            }
            cur_row->key = key;
            cur_row->name = k1 ? text_at(ctx, &r, 2) : k2 ? text_at(ctx, &r, 3) : groupings[g].none;
            last_inv = NULL;
        }
        if (!same(last_inv, inv))
            cur_row->invoices++;
        last_inv = inv;
        Sums b = {0}, own = {0};
        rc = line_to_base(&b, &own, &r, cur, base, cs.rounding, err);
        if (rc == 0)
            rc = add_sums(&cur_row->s, &b, err);
        if (rc == 0)
            rc = add_sums(&total, &b, err);
        CurRow *c = NULL;
        for (size_t i = 0; i < nc && !c; i++)
            if (strcmp(curs[i].currency, cur->code) == 0)
                c = &curs[i];
        if (rc == 0 && !c) {
            c = engine_push(ctx->arena, (void **)&curs, &nc, &capc, sizeof *curs);
            if (c)
                c->currency = cur->code;
            else
                rc = engine_oom(err);
        }
        if (rc == 0)
            rc = add_sums(&c->s, &own, err);
        if (rc == 0)
            rc = add_sums(&c->base, &b, err);
    }
    if (rc == 0)
        rc = rows_error(&r, err);
    rows_close(&r);
    if (rc < 0)
        return rc;
    /* invoices per currency and in all, each counted once */
    int64_t ninv = 0;
    rc = store_query(ctx->conn, &r,
                     "SELECT i.currency, COUNT(*) FROM invoices i WHERE i.tenant_id = $1 AND i.status NOT IN"
                     " ('draft', 'cancelled') AND i.invoice_date >= $2 AND i.invoice_date <= $3 AND EXISTS (SELECT 1"
                     " FROM invoice_line_items l WHERE l.tenant_id = i.tenant_id AND l.invoice_id = i.id)"
                     " GROUP BY i.currency",
                     args, 2, err);
    if (rc < 0)
        return rc;
    while (rows_next(&r)) {
        const char *code = text_at(ctx, &r, 0);
        int64_t k = rows_get(&r, 1).i;
        ninv += k;
        for (size_t i = 0; i < nc; i++)
            if (code && strcmp(curs[i].currency, code) == 0)
                curs[i].invoices = (int)k;
    }
    rc = rows_error(&r, err);
    rows_close(&r);
    if (rc < 0)
        return rc;
    if (n > 1)
        qsort(rows, n, sizeof *rows, cmp_rev);
    if (nc > 1)
        qsort(curs, nc, sizeof *curs, cmp_cur);
    if (csv) {
        Buf b;
        buf_init(&b, 64 * 1024 * 1024);
        buf_printf(&b, "key,name,invoices,gross,discount,net,tax,total,currency\r\n");
        for (size_t i = 0; i <= n; i++) {
            const RevRow *x = i < n ? &rows[i] : NULL;
            const Sums *s = x ? &x->s : &total;
            report_csv_field(&b, x ? x->key : "TOTAL");
            buf_putc(&b, ',');
            report_csv_field(&b, x ? x->name : "All");
            buf_printf(&b, ",%lld,%s,%s,%s,%s,%s,%s\r\n", (long long)(x ? x->invoices : ninv),
                       fmt(ctx, s->gross, base), fmt(ctx, s->discount, base), fmt(ctx, s->net, base),
                       fmt(ctx, s->tax, base), fmt(ctx, s->total, base), base->code);
        }
        return report_csv_result(ctx, &b, arena_printf(ctx->arena, "revenue-by-%s-%s-%s.csv", groupings[g].name, p.f, p.t),
                                 out, err);
    }
    json_t *jrows = json_array(), *jcur = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(jrows, sums_json(ctx,
                                               json_pack("{s:o, s:s, s:i}", "key",
                                                         rows[i].key ? json_string(rows[i].key) : json_null(), "name",
                                                         rows[i].name ? rows[i].name : "", "invoices",
                                                         rows[i].invoices),
                                               &rows[i].s, base, NULL));
    for (size_t i = 0; i < nc; i++) {
        const Currency *c = currency_find(curs[i].currency);
        json_t *o = json_pack("{s:s, s:i}", "currency", curs[i].currency, "invoices", curs[i].invoices);
        sums_json(ctx, o, &curs[i].s, c, NULL);
        json_array_append_new(jcur, sums_json(ctx, o, &curs[i].base, base, "_base"));
    }
    json_t *jt = sums_json(ctx, json_pack("{s:I}", "invoices", (json_int_t)ninv), &total, base, NULL);
    out->json = json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o}", "from", p.f, "to", p.t, "group_by",
                          groupings[g].name, "base_currency", base->code, "rows", jrows, "totals", jt, "currencies",
                          jcur);
    return out->json ? 0 : engine_oom(err);
}

/* ---- bucket usage ---- */

static const char *hours(Ctx *ctx, int64_t minutes)
{
    char buf[DEC_FORMAT_MAX];
    dec_format_trim(buf, sizeof buf, engine_hours(minutes));
    return arena_strdup(ctx->arena, buf);
}

typedef struct BucketRow {
    const char *customer_id, *customer_name, *plan_id, *plan_name, *cbp_id, *start, *end, *invoice_id;
    int64_t allowance, rollover_in, used, overage, rollover_out;
} BucketRow;

static const char *percent(Ctx *ctx, int64_t used, int64_t available)
{
    if (available <= 0)
        return NULL;
    int64_t tenths = (used * 1000 + available / 2) / available; /* minutes: far from overflowing */
    return arena_printf(ctx->arena, "%lld.%lld", (long long)(tenths / 10), (long long)(tenths % 10));
}

#define BUCKET_SQL                                                                                                \
    "SELECT bu.customer_id, cu.name, cbp.plan_id, p.plan_name, bu.customer_billing_plan_id, bu.period_start,"       \
    " bu.period_end, bu.allowance_minutes, bu.rollover_in_minutes, bu.used_minutes, bu.overage_minutes,"           \
    " bu.rollover_out_minutes, bu.invoice_id FROM bucket_usage bu"                                                \
    " JOIN customers cu ON cu.tenant_id = bu.tenant_id AND cu.id = bu.customer_id"                                \
    " JOIN customer_billing_plans cbp ON cbp.tenant_id = bu.tenant_id AND cbp.id = bu.customer_billing_plan_id"    \
    " JOIN billing_plans p ON p.tenant_id = cbp.tenant_id AND p.id = cbp.plan_id"                                 \
    " WHERE bu.tenant_id = $1 AND bu.period_start <= $3 AND bu.period_end > $2"
#define BUCKET_ORDER " ORDER BY cu.name, bu.customer_id, p.plan_name, bu.customer_billing_plan_id, bu.period_start"

static int bucket_usage(Ctx *ctx, const ActionIn *in, ActionResult *out, Error *err)
{
    CompanySettings cs;
    Range p;
    bool csv;
    int rc = range_args(ctx, in, &cs, &p, &csv, err);
    if (rc < 0)
        return rc;
    const char *only = action_arg(in, "customer_id");
    if (only && !uuid_valid(only, strlen(only)))
        return err_set(err, ERR_BAD_QUERY, "customer_id", "customer_id must be a UUID");
    Value args[3] = {val_text(p.f), val_text(p.t), val_text(only)};
    Rows r;
    rc = store_query(ctx->conn, &r, only ? BUCKET_SQL " AND bu.customer_id = $4" BUCKET_ORDER : BUCKET_SQL BUCKET_ORDER,
                     args, only ? 3 : 2, err);
    if (rc < 0)
        return rc;
    BucketRow *v = NULL;
    size_t n = 0, cap = 0;
    int64_t t_alloc = 0, t_in = 0, t_used = 0, t_over = 0;
    while (rc == 0 && rows_next(&r)) {
        BucketRow *x = engine_push(ctx->arena, (void **)&v, &n, &cap, sizeof *v);
        if (!x) {
            rc = engine_oom(err);
            break;
        }
        const char **t[] = {&x->customer_id, &x->customer_name, &x->plan_id, &x->plan_name,
                            &x->cbp_id,      &x->start,         &x->end};
        for (int i = 0; i < 7; i++)
            *t[i] = text_at(ctx, &r, i);
        x->allowance = rows_get(&r, 7).i;
        x->rollover_in = rows_get(&r, 8).i;
        x->used = rows_get(&r, 9).i;
        x->overage = rows_get(&r, 10).i;
        x->rollover_out = rows_get(&r, 11).i;
        x->invoice_id = text_at(ctx, &r, 12);
        t_alloc += x->allowance;
        t_in += x->rollover_in;
        t_used += x->used;
        t_over += x->overage;
    }
    if (rc == 0)
        rc = rows_error(&r, err);
    rows_close(&r);
    if (rc < 0)
        return rc;
    if (csv) {
        Buf b;
        buf_init(&b, 64 * 1024 * 1024);
        buf_puts(&b, "customer_id,customer_name,plan_id,plan_name,customer_billing_plan_id,period_start,period_end,"
                     "allocated_hours,rollover_in_hours,available_hours,used_hours,overage_hours,remaining_hours,"
                     "rollover_out_hours,used_percent\r\n");
        for (size_t i = 0; i < n; i++) {
            const BucketRow *x = &v[i];
            int64_t avail = x->allowance + x->rollover_in, rem = avail > x->used ? avail - x->used : 0;
            buf_printf(&b, "%s,", x->customer_id);
            report_csv_field(&b, x->customer_name);
            buf_printf(&b, ",%s,", x->plan_id);
            report_csv_field(&b, x->plan_name);
            const char *pc = percent(ctx, x->used, avail);
            buf_printf(&b, ",%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\r\n", x->cbp_id, x->start, x->end,
                       hours(ctx, x->allowance), hours(ctx, x->rollover_in), hours(ctx, avail), hours(ctx, x->used),
                       hours(ctx, x->overage), hours(ctx, rem), hours(ctx, x->rollover_out), pc ? pc : "");
        }
        return report_csv_result(ctx, &b, arena_printf(ctx->arena, "bucket-usage-%s-%s.csv", p.f, p.t), out, err);
    }
    json_t *rows = json_array();
    for (size_t i = 0; i < n; i++) {
        const BucketRow *x = &v[i];
        int64_t avail = x->allowance + x->rollover_in, rem = avail > x->used ? avail - x->used : 0;
        const char *pc = percent(ctx, x->used, avail);
        json_array_append_new(
            rows, json_pack("{s:s, s:s?, s:s, s:s?, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o}",
                            "customer_id", x->customer_id, "customer_name", x->customer_name, "plan_id", x->plan_id,
                            "plan_name", x->plan_name, "customer_billing_plan_id", x->cbp_id, "period_start",
                            x->start, "period_end", x->end, "allocated_hours", hours(ctx, x->allowance),
                            "rollover_in_hours", hours(ctx, x->rollover_in), "available_hours", hours(ctx, avail),
                            "used_hours", hours(ctx, x->used), "overage_hours", hours(ctx, x->overage),
                            "remaining_hours", hours(ctx, rem), "rollover_out_hours", hours(ctx, x->rollover_out),
                            "used_percent", pc ? json_string(pc) : json_null(), "invoice_id",
                            x->invoice_id ? json_string(x->invoice_id) : json_null()));
    }
    json_t *tot = json_pack("{s:s, s:s, s:s, s:s}", "allocated_hours", hours(ctx, t_alloc), "rollover_in_hours",
                            hours(ctx, t_in), "used_hours", hours(ctx, t_used), "overage_hours", hours(ctx, t_over));
    out->json = json_pack("{s:s, s:s, s:o, s:o}", "from", p.f, "to", p.t, "rows", rows, "totals", tot);
    return out->json ? 0 : engine_oom(err);
}

static const Endpoint revenue_ep = {
    .method = "GET", .path = "reports/billing/revenue", .role = ROLE_USER, .permission = "invoices.read",
    .run = revenue,
    .doc = "Invoiced revenue by plan type, service category or service, with discounts and tax, in the base "
           "currency (?from, ?to, ?group_by=plan_type|service_category|service, ?format=json|csv)",
};

static const Endpoint bucket_ep = {
    .method = "GET", .path = "reports/billing/bucket-usage", .role = ROLE_USER, .permission = "bucket_usage.read",
    .run = bucket_usage,
    .doc = "Bucket hours per customer, plan and period: allocated, rolled over, used, overage, remaining (?from, ?to, "
           "?customer_id, ?format=json|csv)",
};

void billing_reports_init(void)
{
    registry_add_endpoint(&revenue_ep);
    registry_add_endpoint(&bucket_ep);
}
