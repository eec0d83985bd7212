/* domain/notify.c — the one way a notification to a customer is written; see notify.h.
 * Exports notify_type_name, notify_pref_field, notify_send, notify_seller, notify_parse_list,
 * notify_setting_list, notify_reminder_due, notify_reminder_key, notify_thresholds_reached,
 * notify_init.
 *
 * Preferences (notification_preferences, one row per customer; defaults when there is none): the
 * channel (email or none), the address (the customer's email when the row names none) and one flag
 * per kind. A notification the preferences refuse is still recorded, as skipped with the reason,
 * so "why did the customer not hear about it" has an answer, and it is not reconsidered later (a
 * customer who switches reminders back on gets the next ones, not the ones skipped).
 *
 * The mail is plain text through the outbox (domain/outbox.c; in development and tests it lands in
 * DATA_DIR/mail). Every mail carries a fresh preference link (notify_link.c): its token is stored
 * only as a hash on the notification's row, and the outbox payload asks the worker to redact the
 * text once delivered ("redact_after_send"), so the table does not keep a working link either.
 *
 * Concurrency notes: notify_send runs in the caller's transaction (the finalize, the daily job, the
 * time entry's write), so the notification, its mail and the change that caused them commit
 * together. The INSERT ... ON CONFLICT DO NOTHING on the unique key is the wall against doubles.
 */
#include "domain/notify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/id.h"
#include "domain/domain.h"
#include "domain/outbox.h"
#include "domain/settings.h"
#include "model/crud.h"

typedef struct Kind {
    const char *type;       /* notifications.notification_type */
    const char *pref;       /* notification_preferences flag */
    const char *topic;      /* outbox topic */
    const char *what;       /* "you receive this mail because <seller> sends you ..." */
} Kind;

static const Kind kinds[NOTIFY__COUNT] = {
    [NOTIFY_INVOICE_ISSUED] = {"invoice_issued", "invoice_issued", "notification.invoice_issued",
                               "its invoices"},
    [NOTIFY_PAYMENT_REMINDER] = {"payment_reminder", "payment_reminders", "notification.payment_reminder",
                                 "reminders of invoices to pay"},
    [NOTIFY_OVERAGE_ALERT] = {"overage_alert", "overage_alerts", "notification.overage_alert",
                              "alerts about the hours you use"},
    [NOTIFY_RENEWAL_NOTICE] = {"renewal_notice", "renewal_notices", "notification.renewal_notice",
                               "notices before a plan ends"},
};

const char *notify_type_name(NotifyKind k) { return kinds[k].type; }
const char *notify_pref_field(NotifyKind k) { return kinds[k].pref; }

/* ---- settings ---- */

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static int add_int(int *out, int *n, long long v, int lo, int hi, Error *err)
{
    if (v < lo || v > hi)
        return err_set(err, ERR_RANGE, "setting_value", "setting_value holds %lld; each value must be from %d to %d",
                       v, lo, hi);
    for (int i = 0; i < *n; i++)
        if (out[i] == (int)v)
            return 0;
    if (*n == NOTIFY_MAX_LIST)
        return err_set(err, ERR_RANGE, "setting_value", "setting_value holds more than %d values", NOTIFY_MAX_LIST);
    out[(*n)++] = (int)v;
    return 0;
}

int notify_parse_list(int *out, int *n, json_t *value, int lo, int hi, Error *err)
{
    *n = 0;
    int rc = 0;
    if (json_is_integer(value)) {
        rc = add_int(out, n, json_integer_value(value), lo, hi, err);
    } else if (json_is_string(value)) {
        const char *p = json_string_value(value), *end = p + json_string_length(value);
        while (rc == 0 && p < end) {
            while (p < end && *p == ' ')
                p++;
            const char *start = p;
            if (p < end && (*p == '-' || *p == '+'))
                p++;
            const char *digits = p;
            long long v = 0;
            while (p < end && *p >= '0' && *p <= '9' && p - digits < 6)
                v = v * 10 + (*p++ - '0');
            while (p < end && *p == ' ')
                p++;
            if (p == digits || (p < end && *p != ','))
                return err_set(err, ERR_INVALID, "setting_value",
                               "setting_value must be whole numbers separated by commas, such as \"%s\"",
                               lo < 0 ? "-3,0,7,14" : "80,100");
            rc = add_int(out, n, *start == '-' ? -v : v, lo, hi, err);
            if (p < end && ++p == end)   /* a trailing comma */
                return err_set(err, ERR_INVALID, "setting_value", "setting_value ends with a comma");
        }
    } else {
        return err_set(err, ERR_TYPE, "setting_value", "setting_value must be a string of comma-separated integers");
    }
    if (rc == 0)
        qsort(out, (size_t)*n, sizeof *out, cmp_int);
    return rc;
}

int notify_setting_list(Ctx *ctx, const char *key, const char *dflt, int lo, int hi, int *out, int *n, Error *err)
{
    json_t *v = NULL;
    Error nf;
    int rc = settings_get(ctx, key, &v, &nf);
    if (rc < 0 && nf.code != ERR_NOT_FOUND)
        return err_set(err, nf.code, NULL, "%s", nf.message);
    if (rc < 0 || json_is_null(v)) {
        json_decref(v);
        v = json_string(dflt);
    }
    rc = notify_parse_list(out, n, v, lo, hi, err);
    json_decref(v);
    if (rc < 0)   /* checked when written; only a hand-edited database gets here */
        err_detail(err, "tenant setting %s", key);
    return rc;
}

/* The declared settings (settings_declare): each key takes one type; the lists are checked by parsing
 * them in the writing transaction, so a schedule the job could not use is a 422 when written. */
static int check_list(Ctx *ctx, const char *key, bool removed, Error *err)
{
    int v[NOTIFY_MAX_LIST], n;
    bool days = strcmp(key, NOTIFY_REMINDER_DAYS_KEY) == 0;
    return removed ? 0 : notify_setting_list(ctx, key, "", days ? -365 : 1, days ? 365 : 1000, v, &n, err);
}

static const SettingDecl settings[] = {
    {NOTIFY_REMINDER_DAYS_KEY, "string", NULL,
     "Payment reminders: days relative to the due date, comma-separated (\"-3,0,7,14\"; \"\": none)", check_list},
    {NOTIFY_THRESHOLDS_KEY, "string", NULL,
     "Overage alerts: percentages of a bucket period's hours, comma-separated (\"80,100\")", check_list},
    {NOTIFY_RENEWAL_DAYS_KEY, "int", "{\"min\": 0, \"max\": 365}",
     "Renewal notices: days before a plan assignment's end date (0: none)", NULL},
};

/* ---- the rules ---- */

bool notify_reminder_due(const int *offsets, int n, Date due, Date issued, Date today, int *offset)
{
    for (int i = n - 1; i >= 0; i--) {
        Date day = date_add_days(due, offsets[i]);
        if (day > today)
            continue;
        /* the latest offset whose day has come: it or nothing */
        if (day <= issued || date_diff_days(day, today) >= NOTIFY_CATCH_UP_DAYS)
            return false;
        *offset = offsets[i];
        return true;
    }
    return false;
}

void notify_reminder_key(char out[16], int offset)
{
    snprintf(out, 16, "due%c%dd", offset < 0 ? '-' : '+', offset < 0 ? -offset : offset);
}

int notify_thresholds_reached(const int *pcts, int n, int64_t used, int64_t capacity)
{
    int k = 0;
    while (used > 0 && k < n && (__int128)used * 100 >= (__int128)pcts[k] * capacity)
        k++;
    return k;
}

/* ---- sending ---- */

const char *notify_seller(Ctx *ctx, Error *err)
{
    Rows r;
    const char *name = NULL;
    int rc = store_query(ctx->conn, &r, "SELECT name FROM company_profiles WHERE tenant_id = $1", NULL, 0, err);
    if (rc < 0)
        return NULL;
    if (rows_next(&r))
        name = notify_text(ctx, &r, 0);
    rc = rows_error(&r, err);
    rows_close(&r);
    if (rc < 0)
        return NULL;
    if (name && *name)
        return name;
    Value p[1] = {val_text(ctx->tenant_id)};
    if (store_query_global(ctx->conn, &r, "SELECT name FROM tenants WHERE id = $1", p, 1, err) < 0)
        return NULL;
    if (rows_next(&r))
        name = notify_text(ctx, &r, 0);
    rc = rows_error(&r, err);
    rows_close(&r);
    return rc < 0 ? NULL : name ? name : "your supplier";
}

int notify_prefs_load(Ctx *ctx, const char *customer_id, NotifyPrefs *out, Error *err)
{
    memset(out, 0, sizeof *out);
    out->channel = "email";
    for (int k = 0; k < NOTIFY__COUNT; k++)
        out->on[k] = true;
    Rows r;
    Value p[1] = {val_text(customer_id)};
    int rc = store_query(ctx->conn, &r, "SELECT name, email, deleted_at FROM customers WHERE tenant_id = $1 AND id = $2",
                         p, 1, err);
    if (rc < 0)
        return rc;
    if (rows_next(&r) && rows_get(&r, 2).kind == V_NULL) {
        out->found = true;
        out->name = notify_text(ctx, &r, 0);
        out->email = notify_text(ctx, &r, 1);
    }
    rc = rows_error(&r, err);
    rows_close(&r);
    if (rc < 0 || !out->found)
        return rc;
    rc = store_query(ctx->conn, &r,
                     "SELECT id, channel, email, invoice_issued, payment_reminders, overage_alerts, renewal_notices"
                     " FROM notification_preferences WHERE tenant_id = $1 AND customer_id = $2",
                     p, 1, err);
    if (rc < 0)
        return rc;
    if (rows_next(&r)) {
        out->row_id = notify_text(ctx, &r, 0);
        const char *channel = notify_text(ctx, &r, 1), *email = notify_text(ctx, &r, 2);
        if (channel)
            out->channel = channel;
        if (email)
            out->email = email;
        /* the columns in NotifyKind order */
        for (int k = 0; k < NOTIFY__COUNT; k++)
            out->on[k] = rows_get(&r, 3 + k).i != 0;
    }
    rc = rows_error(&r, err);
    rows_close(&r);
    return rc;
}

typedef struct Audience {
    const char *name;          /* the customer's */
    const char *to;            /* NULL: skipped, for `reason` */
    const char *reason;
} Audience;

/* Who gets a notice of kind k for the customer, by its preferences. */
static int audience(Ctx *ctx, const char *customer_id, NotifyKind k, Audience *out, Error *err)
{
    NotifyPrefs p;
    int rc = notify_prefs_load(ctx, customer_id, &p, err);
    if (rc < 0)
        return rc;
    *out = (Audience){.name = p.name};
    if (!p.found)
        out->reason = "the customer was deleted";
    else if (strcmp(p.channel, "none") == 0)
        out->reason = "the customer's preferred channel is none";
    else if (!p.on[k])
        out->reason = arena_printf(ctx->arena, "the customer turned %s off", kinds[k].pref);
    else if (!p.email || !*p.email)
        out->reason = "the customer has no email address";
    else
        out->to = p.email;
    return 0;
}

static int mail(Ctx *ctx, const Notice *n, const char *id, const Audience *a, const char *token, Error *err)
{
    const char *seller = n->seller ? n->seller : notify_seller(ctx, err);
    if (!seller)
        return -(int)err->code;
    const char *base = getenv("REMIT_PUBLIC_URL");
    Buf b;
    buf_init(&b, 64 * 1024);
    buf_printf(&b, "Hello %s,\n\n%s\n\n-- \n", a->name ? a->name : "", n->text);
    buf_printf(&b, "You receive this mail because %s sends you %s by email.\n", seller, kinds[n->kind].what);
    buf_printf(&b, "To choose which notifications you receive, or to stop them, ");
    if (base && *base)
        buf_printf(&b, "open this link within %d days:\n%s%sapi/v1/public/notification-preferences?token=%s\n"
                       "or give this token to GET or POST /api/v1/public/notification-preferences:\n",
                   NOTIFY_LINK_TTL_DAYS, base, base[strlen(base) - 1] == '/' ? "" : "/", token);
    else
        buf_printf(&b, "within %d days give this token to GET or POST /api/v1/public/notification-preferences:\n",
                   NOTIFY_LINK_TTL_DAYS);
    buf_printf(&b, "token: %s\n", token);
    json_t *payload = json_pack("{s:s, s:b}", "text", buf_cstr(&b), "redact_after_send", 1);
    int rc = b.failed || !payload ? err_set(err, ERR_UNAVAILABLE, NULL, "out of memory")
                                  : outbox_enqueue(ctx, "mail", kinds[n->kind].topic, a->to, n->subject, payload,
                                                   "notifications", id, err);
    json_decref(payload);
    buf_free(&b);
    return rc;
}

/* A mail header line from text people typed (a plan's or the seller's name): control characters,
 * CR and LF above all, become spaces, so no name can add a header to the mail. */
static const char *header_text(Ctx *ctx, const char *s)
{
    char *out = arena_strdup(ctx->arena, s ? s : "");
    for (char *p = out; p && *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = ' ';
    return out;
}

int notify_send(Ctx *ctx, const Notice *in, Error *err)
{
    Notice copy = *in, *n = &copy;
    n->subject = header_text(ctx, in->subject);
    Audience a;
    int rc = audience(ctx, n->customer_id, n->kind, &a, err);
    if (rc < 0)
        return rc;
    if (n->skip_reason) {
        a.to = NULL;
        a.reason = n->skip_reason;
    }
    char id[UUID_STR_LEN + 1], token[NOTIFY_TOKEN_MAX] = "", hash[65] = "", day[11], now[40];
    uuid_v7_str(id);
    if (a.to && (rc = notify_link_new(ctx, id, token, sizeof token, hash, err)) < 0)
        return rc;
    date_format(day, n->today);
    ts_format(now, sizeof now, ctx->now);
    Value p[13] = {val_text(id),
                   val_text(n->customer_id),
                   val_text(kinds[n->kind].type),
                   val_text(n->subject),
                   val_text(day),
                   val_text(a.to ? "queued" : "skipped"),
                   val_text(n->subject_id),
                   val_text(n->schedule_key),
                   val_text(a.to),
                   val_text(a.to ? NULL : a.reason),
                   val_text(a.to ? hash : NULL),
                   val_text(ctx->user_id[0] ? ctx->user_id : NULL),
                   val_text(now)};
    int64_t wrote = 0;
    rc = store_exec(ctx->conn,
                    "INSERT INTO notifications (tenant_id, id, customer_id, notification_type, message, sent_date,"
                    " status, subject_id, schedule_key, recipient, skip_reason, link_hash, created_by, version,"
                    " created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 1, $14,"
                    " $14) ON CONFLICT (tenant_id, notification_type, subject_id, schedule_key) DO NOTHING",
                    p, 13, &wrote, err);
    if (rc < 0 || wrote == 0)
        return rc < 0 ? rc : 0;
    if (a.to && (rc = mail(ctx, n, id, &a, token, err)) < 0)
        return rc;
    return 1;
}

void notify_init(void)
{
    for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++)
        settings_declare(&settings[i]);
    notify_invoice_init();
    notify_plan_init();
    notify_link_init();
}
