/* domain/notify_invoice.c — the invoice mails: "invoice issued" when an invoice is finalized (by
 * hand or by a bill run), and payment reminders on the tenant's schedule (the daily job
 * "payment_reminders"). Exports notify_invoice_init.
 *
 * Invoice issued: invoice_finalize calls on_finalized (invoice_on_finalize) in its transaction, so
 * the invoice, its number, its notification and its mail commit together; a bill run bills each
 * customer in a savepoint, and a customer rolled back takes its mail with it. The mail names the
 * invoice (number, date, total, due date) and the seller. Attachment and link policy: no PDF is
 * attached and no link to the invoice is mailed — a link that opens an invoice without signing in
 * would be a credential to the customer's financial data travelling in a mail; the customer asks
 * the seller for the PDF (or reads it in a customer portal, when Remit has one). The only link is
 * the preference link (notify_link.c).
 *
 * Payment reminders: billing.reminder_days lists days relative to the due date ("-3,0,7,14": three
 * days before, on the day, a week and two weeks after; "" = no reminders; default
 * NOTIFY_REMINDER_DAYS_DEFAULT). Each day, every open invoice (pending, partially paid or overdue,
 * with a balance due — so paid and cancelled invoices get none) gets at most one reminder: the one of
 * the latest offset whose day has come, once (schedule_key "due+7d"), if that day is after the day
 * the invoice was issued and less than NOTIFY_CATCH_UP_DAYS old (notify_reminder_due). A job that
 * did not run for days therefore sends one reminder per invoice, the current one, never a burst.
 *
 * Concurrency notes: the job runs in its claim's transaction (domain/jobs.c: once per tenant per
 * local day); the notifications unique key makes a reminder once even if two processes or a rerun
 * got past the claim. Invoices are read 500 at a time by id (keyset), each batch in its own arena.
 */
#include <stdio.h>
#include <string.h>

#include "core/id.h"
#include "core/money.h"
#include "core/tz.h"
#include "domain/company.h"
#include "domain/invoice.h"
#include "domain/jobs.h"
#include "domain/notify.h"
#include "model/crud.h"

static const char *money_text(Ctx *ctx, int64_t v, const char *currency)
{
    char buf[MONEY_FORMAT_MAX];
    const Currency *c = currency_find(currency);
    if (!c || money_format(buf, sizeof buf, v, c) < 0)
        return "?";
    return arena_printf(ctx->arena, "%s %s", buf, c->code);
}

static int on_finalized(Ctx *ctx, const Row *inv, Error *err)
{
    const char *seller = notify_seller(ctx, err);
    if (!seller)
        return -(int)err->code;
    const char *number = row_text(inv, "invoice_number"), *date = row_text(inv, "invoice_date");
    const char *due = row_text(inv, "due_date"), *cur = row_text(inv, "currency");
    const char *total = money_text(ctx, row_int(inv, "total"), cur);
    const char *balance = money_text(ctx, row_int(inv, "balance_due"), cur);
    Notice n = {
        .kind = NOTIFY_INVOICE_ISSUED,
        .customer_id = row_text(inv, "customer_id"),
        .subject_id = row_text(inv, "id"),
        .schedule_key = "once",
        .today = company_today(ctx),
        .seller = seller,
        .subject = arena_printf(ctx->arena, "Invoice %s from %s: %s due %s", number, seller, balance, due ? due : "now"),
        .text = arena_printf(ctx->arena,
                             "%s has issued invoice %s, dated %s.\n\n"
                             "  Total:       %s\n"
                             "  Balance due: %s\n"
                             "  Due date:    %s\n\n"
                             "Please pay by the due date and quote the invoice number with your payment.\n"
                             "No document is attached to this mail: ask %s for the invoice as a PDF.",
                             seller, number, date, total, balance, due ? due : date, seller),
    };
    int rc = notify_send(ctx, &n, err);
    return rc < 0 ? rc : 0;
}

/* ---- payment reminders ---- */

typedef struct Due {
    const char *id, *customer_id, *number, *date, *due, *currency, *finalized_at;
    int64_t balance;
} Due;

static Date parse_date(const char *s)
{
    Date d = 0;
    if (s)
        date_parse(&d, s, strlen(s), "date", NULL);
    return d;
}

static int remind(Ctx *ctx, const Due *d, int offset, const char *seller, Date today, Error *err)
{
    Date due = parse_date(d->due);
    int days = date_diff_days(due, today);   /* > 0: overdue by that many days */
    const char *when = days < 0   ? arena_printf(ctx->arena, "is due in %d day%s, on %s", -days, days == -1 ? "" : "s", d->due)
                       : days == 0 ? arena_printf(ctx->arena, "is due today, %s", d->due)
                                   : arena_printf(ctx->arena, "is %d day%s overdue (it was due on %s)", days,
                                                  days == 1 ? "" : "s", d->due);
    const char *balance = money_text(ctx, d->balance, d->currency);
    char key[16];
    notify_reminder_key(key, offset);
    Notice n = {
        .kind = NOTIFY_PAYMENT_REMINDER,
        .customer_id = d->customer_id,
        .subject_id = d->id,
        .schedule_key = key,
        .today = today,
        .seller = seller,
        .subject = arena_printf(ctx->arena, "Reminder: invoice %s %s", d->number, when),
        .text = arena_printf(ctx->arena,
                             "This is a reminder from %s: invoice %s, dated %s, %s.\n\n"
                             "  Balance due: %s\n\n"
                             "Please pay it and quote the invoice number with your payment. If you have paid it in "
                             "the last few days, thank you: please ignore this mail.",
                             seller, d->number, d->date, when, balance),
    };
    int rc = notify_send(ctx, &n, err);
    return rc < 0 ? rc : 0;
}

static int reminders_run(Ctx *ctx, Date today, Error *err)
{
    enum { BATCH = 500 };
    int offs[NOTIFY_MAX_LIST], n = 0;
    int rc = notify_setting_list(ctx, NOTIFY_REMINDER_DAYS_KEY, NOTIFY_REMINDER_DAYS_DEFAULT, -365, 365, offs, &n, err);
    if (rc < 0 || n == 0)
        return rc;
    const char *seller = notify_seller(ctx, err);
    if (!seller)
        return -(int)err->code;
    /* due dates some offset of which can still be sent today (notify_reminder_due) */
    char lo[11], hi[11], after[UUID_STR_LEN + 1] = "00000000-0000-0000-0000-000000000000";
    date_format(lo, date_add_days(today, -offs[n - 1] - (NOTIFY_CATCH_UP_DAYS - 1)));
    date_format(hi, date_add_days(today, -offs[0]));
    const char *zone = ctx->timezone ? ctx->timezone : "UTC";
    Arena *outer = ctx->arena;
    for (bool more = true; more && rc == 0;) {
        Arena batch;
        arena_init(&batch, 0);
        ctx->arena = &batch;
        Due *v = ARENA_ARRAY(&batch, Due, BATCH);
        int k = 0;
        Rows r;
        Value p[4] = {val_text(lo), val_text(hi), val_text(after), val_int(BATCH)};
        rc = v ? store_query(ctx->conn, &r,
                             "SELECT id, customer_id, invoice_number, invoice_date, due_date, currency, balance_due,"
                             " finalized_at FROM invoices WHERE tenant_id = $1"
                             " AND status IN ('pending', 'partially_paid', 'overdue') AND balance_due > 0"
                             " AND due_date >= $2 AND due_date <= $3 AND id > $4 ORDER BY id LIMIT $5",
                             p, 4, err)
               : err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
        if (rc == 0) {
            while (rows_next(&r)) {
                Due *d = &v[k++];
                d->id = notify_text(ctx, &r, 0);
                d->customer_id = notify_text(ctx, &r, 1);
                d->number = notify_text(ctx, &r, 2);
                d->date = notify_text(ctx, &r, 3);
                d->due = notify_text(ctx, &r, 4);
                d->currency = notify_text(ctx, &r, 5);
                d->balance = rows_get(&r, 6).i;
                d->finalized_at = notify_text(ctx, &r, 7);
            }
            rc = rows_error(&r, err);
            rows_close(&r);
        }
        for (int i = 0; rc == 0 && i < k; i++) {
            Date issued = parse_date(v[i].date);
            Timestamp at;
            if (v[i].finalized_at && ts_parse(&at, v[i].finalized_at, strlen(v[i].finalized_at), "finalized_at", NULL) == 0)
                tz_date(&issued, zone, at);
            int offset;
            if (notify_reminder_due(offs, n, parse_date(v[i].due), issued, today, &offset))
                rc = remind(ctx, &v[i], offset, seller, today, err);
        }
        more = k == BATCH;
        if (k > 0)
            snprintf(after, sizeof after, "%s", v[k - 1].id);
        ctx->arena = outer;
        arena_free(&batch);
    }
    return rc;
}

static const DailyJob reminder_job = {.name = "payment_reminders", .run = reminders_run};

void notify_invoice_init(void)
{
    invoice_on_finalize(on_finalized);
    jobs_add_daily(&reminder_job);
}
