/* domain/statement.c — what a customer owes: the customer statement and the
 * accounts-receivable aging, as JSON or CSV. Exports statement_init.
 *
 *   GET /api/v1/customers/{id}/statement?from=&to=&currency=&format=json|csv
 *   GET /api/v1/reports/aging?as_of=&customer_id=&format=json|csv
 *
 * Statement: every event that changes what the customer owes, in one
 * currency (the customer's unless asked): an issued invoice (+ total), its
 * cancellation (- total), a receipt (- amount), its bounce or cancellation (+
 * amount), an issued credit note (- total credit), its cancellation (+),
 * and the ledger's entries made by hand that no document carries: an account
 * credit (-) and a refund (+) (domain/ledger.c; ledger adjustments reach the
 * statement through the invoice that bills them). Allocations and credit
 * applications move money between documents, not the customer's balance, so
 * they are not events. The closing balance equals the ledger's balance. Opening balance = the events
 * before `from`; closing = opening + the events from `from` to `to`
 * (inclusive), so closing = invoices - receipts - credits over all time when
 * the range covers it. Events are dated in the tenant's time zone.
 * Defaults: from = the start of the current financial year, to = today.
 *
 * Aging: the balance due of every open invoice (pending, partially paid,
 * overdue) issued on or before as_of, by days past its due date on as_of:
 * current (not yet due), 1-30, 31-60, 61-90, over 90; per customer and
 * currency, with the customer's unapplied credits (unallocated receipts,
 * unapplied credit notes, account credit of the ledger) beside it, and totals per currency. Amounts are
 * never summed across currencies. The bucket sums are one SQL aggregate.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/id.h"
#include "core/money.h"
#include "core/tz.h"
#include "domain/company.h"
#include "domain/domain.h"
#include "domain/report_csv.h"
#include "model/crud.h"

typedef struct Event {
    Date date;
    int order;              /* same-day order: documents before their reversals */
    const char *type, *number, *id, *description;
    int64_t amount;         /* + the customer owes more, - less */
} Event;

typedef struct Events {
    Event *v;
    int n, cap;
} Events;

static int push(Ctx *ctx, Events *e, Event ev, Error *err)
{
    if (e->n == e->cap) {
        int cap = e->cap ? e->cap * 2 : 64;
        Event *v = arena_realloc(ctx->arena, e->v, sizeof(Event) * (size_t)e->cap, sizeof(Event) * (size_t)cap);
        if (!v)
            return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
        e->v = v;
        e->cap = cap;
    }
    e->v[e->n++] = ev;
    return 0;
}

static const char *text_at(Ctx *ctx, Rows *r, int i)
{
    Value v = rows_get(r, i);
    return v.kind == V_TEXT ? arena_strndup(ctx->arena, v.s, v.len) : NULL;
}

static bool parse_date(const char *s, Date *out)
{
    return s && date_parse(out, s, strlen(s), "date", NULL) == 0;
}

/* Reads one kind of document: columns id, number, date, amount, status, reversal timestamp,
 * description. rev: pairs of (status, event type) that reverse the document, NULL-terminated. */
static int collect(Ctx *ctx, Events *ev, const char *sql, const Value *p, int np, const char *type, int sign,
                   const char *const *rev, Error *err)
{
    Rows r;
    int rc = store_query(ctx->conn, &r, sql, p, np, err);
    if (rc < 0)
        return rc;
    while (rc == 0 && rows_next(&r)) {
        Event e = {0};
        e.id = text_at(ctx, &r, 0);
        e.number = text_at(ctx, &r, 1);
        if (!parse_date(text_at(ctx, &r, 2), &e.date))
            continue;
        e.amount = sign * rows_get(&r, 3).i;
        e.type = type;
        const char *status = text_at(ctx, &r, 4);
        e.description = text_at(ctx, &r, 6);
        rc = push(ctx, ev, e, err);
        for (const char *const *x = rev; rc == 0 && status && *x; x += 2) {
            if (strcmp(status, x[0]) != 0)
                continue;
            Event back = e;
            back.type = x[1];
            back.amount = -e.amount;
            back.order = 1;
            if (!company_local_date(ctx, text_at(ctx, &r, 5), &back.date) || back.date < e.date)
                back.date = e.date;
            rc = push(ctx, ev, back, err);
        }
    }
    if (rc == 0)
        rc = rows_error(&r, err);
    rows_close(&r);
    return rc;
}

static int cmp_event(const void *a, const void *b)
{
    const Event *x = a, *y = b;
    if (x->date != y->date)
        return x->date < y->date ? -1 : 1;
    if (x->order != y->order)
        return x->order - y->order;
    int c = strcmp(x->type, y->type);
    if (c)
        return c;
    return strcmp(x->number ? x->number : "", y->number ? y->number : "");
}

static int bad_format(const char *f, Error *err)
{
    return err_set(err, ERR_BAD_QUERY, "format", "format must be json or csv (got %s)", f);
}

static const char *fmt_money(Ctx *ctx, int64_t v, const Currency *c)
{
    char buf[MONEY_FORMAT_MAX];
    money_format(buf, sizeof buf, v, c);
    return arena_strdup(ctx->arena, buf);
}

static int statement(Ctx *ctx, const ActionIn *in, ActionResult *out, Error *err)
{
    const char *cust_id = in->params[0];
    Row cust;
    int rc = crud_get(ctx, registry_find("customers"), cust_id, false, &cust, err);
    if (rc < 0)
        return rc;
    CompanySettings cs;
    rc = company_settings_load(ctx, &cs, err);
    if (rc < 0)
        return rc;
    const char *format = action_arg(in, "format");
    if (format && strcmp(format, "json") != 0 && strcmp(format, "csv") != 0)
        return bad_format(format, err);
    Date to = cs.today, from;
    int fy = fy_start_year(cs.today, cs.fy_start_month);
    from = date_from_ymd(fy, cs.fy_start_month, 1);
    const char *fs = action_arg(in, "from"), *ts = action_arg(in, "to");
    if (fs && date_parse(&from, fs, strlen(fs), "from", err) < 0)
        return err_set(err, ERR_BAD_QUERY, "from", "from must be a date YYYY-MM-DD");
    if (ts && date_parse(&to, ts, strlen(ts), "to", err) < 0)
        return err_set(err, ERR_BAD_QUERY, "to", "to must be a date YYYY-MM-DD");
    if (to < from)
        return err_set(err, ERR_BAD_QUERY, "to", "to must not be before from");
    const char *code = action_arg(in, "currency");
    if (!code)
        code = row_text(&cust, "currency") ? row_text(&cust, "currency") : cs.base_currency;
    const Currency *cur = currency_find(code);
    if (!cur)
        return err_set(err, ERR_BAD_QUERY, "currency", "currency must be an ISO 4217 code");

    Events ev = {0};
    Value p[2] = {val_text(cust_id), val_text(cur->code)};
    rc = collect(ctx, &ev,
                 "SELECT id, invoice_number, invoice_date, total, status, cancelled_at, reference_number FROM invoices"
                 " WHERE tenant_id = $1 AND customer_id = $2 AND currency = $3 AND invoice_number IS NOT NULL",
                 p, 2, "invoice", 1, (const char *const[]){"cancelled", "invoice_cancelled", NULL}, err);
    if (rc == 0)
        rc = collect(ctx, &ev,
                     "SELECT id, receipt_number, receipt_date, amount, status,"
                     " (CASE WHEN status = 'bounced' THEN bounced_at ELSE cancelled_at END), reference_number"
                     " FROM receipts WHERE tenant_id = $1 AND customer_id = $2 AND currency = $3",
                     p, 2, "receipt", -1,
                     (const char *const[]){"bounced", "receipt_bounced", "cancelled", "receipt_cancelled", NULL}, err);
    if (rc == 0)
        rc = collect(ctx, &ev,
                     "SELECT id, credit_note_number, credit_note_date, total_credit, status, cancelled_at, reason"
                     " FROM credit_notes WHERE tenant_id = $1 AND customer_id = $2 AND currency = $3"
                     " AND credit_note_number IS NOT NULL",
                     p, 2, "credit_note", -1, (const char *const[]){"cancelled", "credit_note_cancelled", NULL}, err);
    static const char *const manual[][2] = {{"credit", "account_credit"}, {"refund", "refund"}};
    for (int k = 0; rc == 0 && k < 2; k++) {
        Value q[3] = {val_text(cust_id), val_text(cur->code), val_text(manual[k][0])};
        rc = collect(ctx, &ev,
                     "SELECT id, NULL, transaction_date, amount, NULL, NULL, description FROM transactions"
                     " WHERE tenant_id = $1 AND customer_id = $2 AND currency = $3 AND source_type = 'manual'"
                     " AND transaction_type = $4",
                     q, 3, manual[k][1], 1, (const char *const[]){NULL}, err);
    }
    if (rc < 0)
        return rc;
    if (ev.n > 1)   /* qsort of no rows may not be given the NULL array */
        qsort(ev.v, (size_t)ev.n, sizeof(Event), cmp_event);
    int64_t opening = 0, debits = 0, credits = 0;
    for (int i = 0; i < ev.n; i++)
        if (ev.v[i].date < from)
            opening += ev.v[i].amount;
    int64_t bal = opening;
    char fd[11], td[11];
    date_format(fd, from);
    date_format(td, to);

    bool csv = format && strcmp(format, "csv") == 0;
    Buf b;
    json_t *entries = csv ? NULL : json_array();
    if (csv) {
        buf_init(&b, 32 * 1024 * 1024);
        buf_puts(&b, "date,type,number,description,debit,credit,balance\r\n");
        buf_printf(&b, "%s,opening_balance,,,,,%s\r\n", fd, fmt_money(ctx, opening, cur));
    }
    for (int i = 0; i < ev.n; i++) {
        Event *e = &ev.v[i];
        if (e->date < from || e->date > to)
            continue;
        bal += e->amount;
        if (e->amount > 0)
            debits += e->amount;
        else
            credits -= e->amount;
        char ds[11];
        date_format(ds, e->date);
        const char *debit = e->amount > 0 ? fmt_money(ctx, e->amount, cur) : NULL;
        const char *credit = e->amount < 0 ? fmt_money(ctx, -e->amount, cur) : NULL;
        if (csv) {
            buf_printf(&b, "%s,%s,", ds, e->type);
            report_csv_field(&b, e->number);
            buf_putc(&b, ',');
            report_csv_field(&b, e->description);
            buf_printf(&b, ",%s,%s,%s\r\n", debit ? debit : "", credit ? credit : "", fmt_money(ctx, bal, cur));
        } else {
            json_t *o = json_pack("{s:s, s:s, s:s?, s:s?, s:s?, s:s?, s:s?, s:s}", "date", ds, "type", e->type, "number",
                                  e->number, "document_id", e->id, "description", e->description, "debit", debit,
                                  "credit", credit, "balance", fmt_money(ctx, bal, cur));
            json_array_append_new(entries, o);
        }
    }
    if (csv) {
        buf_printf(&b, "%s,closing_balance,,,%s,%s,%s\r\n", td, fmt_money(ctx, debits, cur),
                   fmt_money(ctx, credits, cur), fmt_money(ctx, bal, cur));
        char *name = arena_printf(ctx->arena, "statement-%s-%s-%s.csv", row_text(&cust, "code") ?: cust_id, fd, td);
        return report_csv_result(ctx, &b, name, out, err);
    }
    out->json = json_pack("{s:s, s:s?, s:s?, s:s, s:s, s:s, s:s, s:o, s:s, s:s, s:s}", "customer_id", cust_id,
                          "customer_code", row_text(&cust, "code"), "customer_name", row_text(&cust, "name"), "currency",
                          cur->code, "from", fd, "to", td, "opening_balance", fmt_money(ctx, opening, cur), "entries",
                          entries, "total_debits", fmt_money(ctx, debits, cur), "total_credits",
                          fmt_money(ctx, credits, cur), "closing_balance", fmt_money(ctx, bal, cur));
    return out->json ? 0 : err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
}

/* ---- aging ---- */

enum { B_CURRENT, B_1_30, B_31_60, B_61_90, B_OVER_90, NB };
static const char *const bucket_names[NB] = {"current", "days_1_30", "days_31_60", "days_61_90", "days_over_90"};

typedef struct AgingRow {
    const char *customer_id, *code, *name, *currency;
    int64_t b[NB], total, unapplied;
} AgingRow;

typedef struct Aging {
    AgingRow *v;
    int n, cap;
    int sorted;            /* v[0..sorted) is sorted by (customer_id, currency) */
} Aging;

static int cmp_key(const char *cust, const char *cur, const AgingRow *r)
{
    int c = strcmp(cust, r->customer_id);
    return c ? c : strcmp(cur, r->currency);
}

static int cmp_rows(const void *x, const void *y)
{
    const AgingRow *b = y;
    return cmp_key(((const AgingRow *)x)->customer_id, ((const AgingRow *)x)->currency, b);
}

/* Binary search in the sorted part, then the few rows appended since. */
static AgingRow *find_row(Ctx *ctx, Aging *a, const char *cust, const char *cur, bool create)
{
    int lo = 0, hi = a->sorted;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        int c = cmp_key(cust, cur, &a->v[mid]);
        if (c == 0)
            return &a->v[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    for (int i = a->sorted; i < a->n; i++)
        if (cmp_key(cust, cur, &a->v[i]) == 0)
            return &a->v[i];
    if (!create)
        return NULL;
    if (a->n == a->cap) {
        int cap = a->cap ? a->cap * 2 : 64;
        AgingRow *v = arena_realloc(ctx->arena, a->v, sizeof(AgingRow) * (size_t)a->cap, sizeof(AgingRow) * (size_t)cap);
        if (!v)
            return NULL;
        a->v = v;
        a->cap = cap;
    }
    AgingRow *r = &a->v[a->n++];
    memset(r, 0, sizeof *r);
    r->customer_id = cust;
    r->currency = cur;
    return r;
}

static int cmp_aging(const void *x, const void *y)
{
    const AgingRow *a = x, *b = y;
    int c = strcmp(a->currency, b->currency);
    if (c)
        return c;
    c = strcmp(a->name ? a->name : "", b->name ? b->name : "");
    return c ? c : strcmp(a->customer_id, b->customer_id);
}

/* The one aggregate the bench compares with the sqlite3 shell (bench/invoicing.sh). */
#define AGING_SQL                                                                                                   \
    "SELECT i.customer_id, i.currency, c.code, c.name,"                                                             \
    " SUM(CASE WHEN i.due_date >= $2 THEN i.balance_due ELSE 0 END),"                                               \
    " SUM(CASE WHEN i.due_date < $2 AND i.due_date >= $3 THEN i.balance_due ELSE 0 END),"                           \
    " SUM(CASE WHEN i.due_date < $3 AND i.due_date >= $4 THEN i.balance_due ELSE 0 END),"                           \
    " SUM(CASE WHEN i.due_date < $4 AND i.due_date >= $5 THEN i.balance_due ELSE 0 END),"                           \
    " SUM(CASE WHEN i.due_date < $5 THEN i.balance_due ELSE 0 END)"                                                 \
    " FROM invoices i JOIN customers c ON c.tenant_id = i.tenant_id AND c.id = i.customer_id"                      \
    " WHERE i.tenant_id = $1 AND i.status IN ('pending', 'partially_paid', 'overdue') AND i.invoice_date <= $2"
#define AGING_GROUP " GROUP BY i.customer_id, i.currency, c.code, c.name"

static int aging(Ctx *ctx, const ActionIn *in, ActionResult *out, Error *err)
{
    CompanySettings cs;
    int rc = company_settings_load(ctx, &cs, err);
    if (rc < 0)
        return rc;
    const char *format = action_arg(in, "format");
    if (format && strcmp(format, "json") != 0 && strcmp(format, "csv") != 0)
        return bad_format(format, err);
    Date as_of = cs.today;
    const char *as = action_arg(in, "as_of");
    if (as && date_parse(&as_of, as, strlen(as), "as_of", err) < 0)
        return err_set(err, ERR_BAD_QUERY, "as_of", "as_of must be a date YYYY-MM-DD");
    const char *only = action_arg(in, "customer_id");
    if (only && !uuid_valid(only, strlen(only)))
        return err_set(err, ERR_BAD_QUERY, "customer_id", "customer_id must be a UUID");
    char d0[11], d30[11], d60[11], d90[11];
    date_format(d0, as_of);
    date_format(d30, date_add_days(as_of, -30));
    date_format(d60, date_add_days(as_of, -60));
    date_format(d90, date_add_days(as_of, -90));
    Value p[5] = {val_text(d0), val_text(d30), val_text(d60), val_text(d90), val_text(only)};
    Aging a = {0};
    Rows r;
    rc = store_query(ctx->conn, &r,
                     only ? AGING_SQL " AND i.customer_id = $6" AGING_GROUP : AGING_SQL AGING_GROUP,
                     p, only ? 5 : 4, err);
    if (rc < 0)
        return rc;
    while (rc == 0 && rows_next(&r)) {
        AgingRow *row = find_row(ctx, &a, text_at(ctx, &r, 0), text_at(ctx, &r, 1), true);
        if (!row) {
            rc = err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
            break;
        }
        row->code = text_at(ctx, &r, 2);
        row->name = text_at(ctx, &r, 3);
        for (int k = 0; k < NB; k++) {
            Value v = rows_get(&r, 4 + k);
            row->b[k] = v.kind == V_TEXT ? strtoll(v.s, NULL, 10) : v.i;
            row->total += row->b[k];
        }
    }
    if (rc == 0)
        rc = rows_error(&r, err);
    rows_close(&r);
    if (rc < 0)
        return rc;
    if (a.n > 1)   /* qsort of no rows may not be given the NULL array */
        qsort(a.v, (size_t)a.n, sizeof(AgingRow), cmp_rows);
    a.sorted = a.n;
    /* unapplied credits: unallocated receipts and unapplied credit notes */
    static const char *const credit_sql[3][2] = {
        {"SELECT customer_id, currency, SUM(unallocated_amount) FROM receipts WHERE tenant_id = $1"
         " AND status IN ('pending', 'cleared') AND unallocated_amount > 0 AND receipt_date <= $2"
         " GROUP BY customer_id, currency",
         "SELECT customer_id, currency, SUM(unallocated_amount) FROM receipts WHERE tenant_id = $1"
         " AND status IN ('pending', 'cleared') AND unallocated_amount > 0 AND receipt_date <= $2 AND customer_id = $3"
         " GROUP BY customer_id, currency"},
        {"SELECT customer_id, currency, SUM(balance_remaining) FROM credit_notes WHERE tenant_id = $1"
         " AND status = 'issued' AND balance_remaining > 0 AND credit_note_date <= $2 GROUP BY customer_id, currency",
         "SELECT customer_id, currency, SUM(balance_remaining) FROM credit_notes WHERE tenant_id = $1"
         " AND status = 'issued' AND balance_remaining > 0 AND credit_note_date <= $2 AND customer_id = $3"
         " GROUP BY customer_id, currency"},
        {"SELECT customer_id, currency, SUM(unapplied_amount) FROM transactions WHERE tenant_id = $1"
         " AND transaction_type <> 'adjustment' AND unapplied_amount > 0 AND transaction_date <= $2"
         " GROUP BY customer_id, currency",
         "SELECT customer_id, currency, SUM(unapplied_amount) FROM transactions WHERE tenant_id = $1"
         " AND transaction_type <> 'adjustment' AND unapplied_amount > 0 AND transaction_date <= $2 AND customer_id = $3"
         " GROUP BY customer_id, currency"},
    };
    for (int q = 0; q < 3 && rc == 0; q++) {
        Value cp[2] = {val_text(d0), val_text(only)};
        rc = store_query(ctx->conn, &r, credit_sql[q][only ? 1 : 0], cp, only ? 2 : 1, err);
        if (rc < 0)
            return rc;
        while (rc == 0 && rows_next(&r)) {
            AgingRow *row = find_row(ctx, &a, text_at(ctx, &r, 0), text_at(ctx, &r, 1), true);
            if (!row) {
                rc = err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
                break;
            }
            Value v = rows_get(&r, 2);
            row->unapplied += v.kind == V_TEXT ? strtoll(v.s, NULL, 10) : v.i;
        }
        if (rc == 0)
            rc = rows_error(&r, err);
        rows_close(&r);
    }
    if (rc < 0)
        return rc;
    /* names of the customers that only have credits */
    for (int i = 0; i < a.n && rc == 0; i++) {
        if (a.v[i].name)
            continue;
        Value cp[1] = {val_text(a.v[i].customer_id)};
        rc = store_query(ctx->conn, &r, "SELECT code, name FROM customers WHERE tenant_id = $1 AND id = $2", cp, 1, err);
        if (rc < 0)
            return rc;
        if (rows_next(&r)) {
            a.v[i].code = text_at(ctx, &r, 0);
            a.v[i].name = text_at(ctx, &r, 1);
        }
        rc = rows_error(&r, err);
        rows_close(&r);
    }
    if (rc < 0)
        return rc;
    if (a.n > 1)
        qsort(a.v, (size_t)a.n, sizeof(AgingRow), cmp_aging);

    /* totals per currency */
    Aging tot = {0};
    for (int i = 0; i < a.n; i++) {
        AgingRow *t = find_row(ctx, &tot, "", a.v[i].currency, true);
        if (!t)
            return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
        for (int k = 0; k < NB; k++)
            t->b[k] += a.v[i].b[k];
        t->total += a.v[i].total;
        t->unapplied += a.v[i].unapplied;
    }
    bool csv = format && strcmp(format, "csv") == 0;
    if (csv) {
        Buf b;
        buf_init(&b, 64 * 1024 * 1024);
        buf_puts(&b, "customer_id,customer_code,customer_name,currency,current,days_1_30,days_31_60,days_61_90,"
                     "days_over_90,total,unapplied_credits,net\r\n");
        for (int pass = 0; pass < 2; pass++) {
            Aging *src = pass ? &tot : &a;
            for (int i = 0; i < src->n; i++) {
                AgingRow *row = &src->v[i];
                const Currency *c = currency_find(row->currency);
                buf_printf(&b, "%s,", pass ? "TOTAL" : row->customer_id);
                report_csv_field(&b, row->code);
                buf_putc(&b, ',');
                report_csv_field(&b, pass ? "All customers" : row->name);
                buf_printf(&b, ",%s", row->currency);
                for (int k = 0; k < NB; k++)
                    buf_printf(&b, ",%s", fmt_money(ctx, row->b[k], c));
                buf_printf(&b, ",%s,%s,%s\r\n", fmt_money(ctx, row->total, c), fmt_money(ctx, row->unapplied, c),
                           fmt_money(ctx, row->total - row->unapplied, c));
            }
        }
        return report_csv_result(ctx, &b, arena_printf(ctx->arena, "aging-%s.csv", d0), out, err);
    }
    json_t *customers = json_array(), *totals = json_array();
    for (int pass = 0; pass < 2; pass++) {
        Aging *src = pass ? &tot : &a;
        for (int i = 0; i < src->n; i++) {
            AgingRow *row = &src->v[i];
            const Currency *c = currency_find(row->currency);
            json_t *o = pass ? json_object()
                             : json_pack("{s:s, s:s?, s:s?}", "customer_id", row->customer_id, "customer_code", row->code,
                                         "customer_name", row->name);
            json_object_set_new(o, "currency", json_string(row->currency));
            for (int k = 0; k < NB; k++)
                json_object_set_new(o, bucket_names[k], json_string(fmt_money(ctx, row->b[k], c)));
            json_object_set_new(o, "total", json_string(fmt_money(ctx, row->total, c)));
            json_object_set_new(o, "unapplied_credits", json_string(fmt_money(ctx, row->unapplied, c)));
            json_object_set_new(o, "net", json_string(fmt_money(ctx, row->total - row->unapplied, c)));
            json_array_append_new(pass ? totals : customers, o);
        }
    }
    out->json = json_pack("{s:s, s:[s,s,s,s,s], s:o, s:o}", "as_of", d0, "buckets", bucket_names[0], bucket_names[1],
                          bucket_names[2], bucket_names[3], bucket_names[4], "customers", customers, "totals", totals);
    return out->json ? 0 : err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
}

static const Endpoint statement_ep = {
    .method = "GET", .path = "customers/{id}/statement", .role = ROLE_USER, .permission = "customers.read",
    .run = statement,
    .doc = "Customer statement: opening balance, invoices, receipts, credit notes, closing balance (?from, ?to, "
           "?currency, ?format=json|csv)",
};
static const Endpoint aging_ep = {
    .method = "GET", .path = "reports/aging", .role = ROLE_USER, .permission = "invoices.read", .run = aging,
    .doc = "Accounts-receivable aging per customer and in total: current, 1-30, 31-60, 61-90, over 90 days (?as_of, "
           "?customer_id, ?format=json|csv)",
};

void statement_init(void)
{
    registry_add_endpoint(&statement_ep);
    registry_add_endpoint(&aging_ep);
}
