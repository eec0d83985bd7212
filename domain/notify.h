/* domain/notify.h — notifications to customers (msp-flexible-billing.md, "Notification System";
 * issue 5): invoice issued, payment reminders on a schedule, bucket overage alerts at thresholds,
 * renewal notices; each once, each by the customer's preferences, each through the outbox.
 *
 * Files: notify.c (the one way a notification is written: preferences, the notifications row, the
 * mail with its preference link; the settings; notify_init), notify_invoice.c (invoice issued, the
 * payment-reminder job), notify_plan.c (overage alerts at time-entry write, the renewal-notice job),
 * notify_link.c (the preference-link tokens and the public endpoint that reads and changes the
 * preferences with one). docs/billing-rules.md "Notifications" has the rules with an example.
 *
 * Once, by construction: notifications has a unique key (notification_type, subject_id,
 * schedule_key); notify_send inserts with ON CONFLICT DO NOTHING and queues the mail only when its
 * row was written, in the caller's transaction. A rerun, a second job process, two time entries
 * written at once: the second insert finds the first (PostgreSQL waits for the first transaction)
 * and adds nothing.
 */
#ifndef REMIT_DOMAIN_NOTIFY_H
#define REMIT_DOMAIN_NOTIFY_H

#include <jansson.h>

#include "core/date.h"
#include "model/registry.h"

typedef enum NotifyKind {
    NOTIFY_INVOICE_ISSUED,
    NOTIFY_PAYMENT_REMINDER,
    NOTIFY_OVERAGE_ALERT,
    NOTIFY_RENEWAL_NOTICE,
    NOTIFY__COUNT
} NotifyKind;

/* notifications.notification_type, and the notification_preferences flag of the kind. */
const char *notify_type_name(NotifyKind k);
const char *notify_pref_field(NotifyKind k);

typedef struct Notice {
    NotifyKind kind;
    const char *customer_id;
    const char *subject_id;      /* the invoice, or the plan assignment */
    const char *schedule_key;    /* which occurrence ("once", "due+7d", "2030-06-01@80%", "ends-2030-07-31") */
    Date today;                  /* tenant-local: notifications.sent_date */
    const char *subject;         /* the mail's subject; also notifications.message */
    const char *text;            /* the mail's text between the greeting and the preference footer */
    const char *skip_reason;     /* non-NULL: recorded as skipped for this reason, whatever the preferences */
    const char *seller;          /* notify_seller()'s answer when the caller has it; NULL: looked up */
} Notice;

/* In ctx's tenant write transaction: writes the notification once — queued with a mail to the
 * customer's address (a fresh preference link in it), or skipped with the reason (the customer's
 * channel is none, the kind is turned off, no address). Returns 1 when this call wrote it, 0 when it
 * was already there (nothing queued), or a negative error. */
int notify_send(Ctx *ctx, const Notice *n, Error *err);

/* A customer's preferences as they apply: its notification_preferences row, or the defaults (email to
 * the customer's address, every kind on) when it has none. */
typedef struct NotifyPrefs {
    bool found;                  /* the customer exists and is not deleted */
    const char *name;            /* the customer's */
    const char *row_id;          /* the notification_preferences row; NULL: the defaults */
    const char *channel;         /* "email" or "none" */
    const char *email;           /* where mails go: the row's address, else the customer's; NULL: nowhere */
    bool on[NOTIFY__COUNT];      /* per kind */
} NotifyPrefs;
int notify_prefs_load(Ctx *ctx, const char *customer_id, NotifyPrefs *out, Error *err);

/* Column i of the current row as an arena string (NULL when null). */
static inline const char *notify_text(Ctx *ctx, Rows *r, int i)
{
    Value v = rows_get(r, i);
    return v.kind == V_TEXT ? arena_strndup(ctx->arena, v.s, v.len) : NULL;
}

/* The seller's name for mail texts: the company profile's, else the tenant's (arena string). */
const char *notify_seller(Ctx *ctx, Error *err);

/* ---- tenant settings (system_settings, declared with settings_declare), each with a default ---- */

#define NOTIFY_REMINDER_DAYS_KEY "billing.reminder_days"
#define NOTIFY_REMINDER_DAYS_DEFAULT "-3,0,7,14"
#define NOTIFY_THRESHOLDS_KEY "billing.overage_alert_thresholds"
#define NOTIFY_THRESHOLDS_DEFAULT "80,100"
#define NOTIFY_RENEWAL_DAYS_KEY "billing.renewal_notice_days"
#define NOTIFY_RENEWAL_DAYS_DEFAULT 30
#define NOTIFY_MAX_LIST 16

/* A list setting's value: a string of comma-separated integers ("-3,0,7,14", "" = none), or one
 * integer (an int setting); each in [lo, hi], at most NOTIFY_MAX_LIST. *out gets them sorted, without
 * repeats. ERR_INVALID / ERR_TYPE / ERR_RANGE on field "setting_value". */
int notify_parse_list(int *out, int *n, json_t *value, int lo, int hi, Error *err);
/* The tenant's list (the default text when the setting is not there or null). */
int notify_setting_list(Ctx *ctx, const char *key, const char *dflt, int lo, int hi, int *out, int *n, Error *err);

/* ---- the rules, pure (tests/unit/test_notify.c) ---- */

/* Reminders: the job on `today` sends, for an invoice due on `due` and issued on `issued`, the
 * reminder of the LATEST offset whose day (due + offset) has come, is after the day the invoice was
 * issued (the issue mail already told the customer), and is at most NOTIFY_CATCH_UP_DAYS - 1 days
 * old (a job that did not run for a while catches up one reminder, not a burst of stale ones, and
 * switching reminders on does not remind every old invoice). offsets sorted ascending. Returns true
 * and *offset when there is one. */
#define NOTIFY_CATCH_UP_DAYS 7
bool notify_reminder_due(const int *offsets, int n, Date due, Date issued, Date today, int *offset);
/* "due-3d", "due+0d", "due+7d". */
void notify_reminder_key(char out[16], int offset);

/* Overage: how many of the thresholds (percent, sorted ascending) `used` minutes reach against
 * `capacity` minutes (allowance + rollover in): p is reached when used > 0 and
 * used x 100 >= p x capacity, exactly (128-bit). */
int notify_thresholds_reached(const int *pcts, int n, int64_t used, int64_t capacity);

/* ---- the parts (notify_*.c), attached by notify_init ---- */

void notify_invoice_init(void);
void notify_plan_init(void);
void notify_link_init(void);

/* Preference links (notify_link.c): a new token for the notification (text to out, cap >=
 * NOTIFY_TOKEN_MAX) and its SHA-256 (hex) for notifications.link_hash. */
#define NOTIFY_TOKEN_MAX 128
#define NOTIFY_LINK_TTL_DAYS 180
int notify_link_new(Ctx *ctx, const char *notification_id, char *out, size_t cap, char hash[65], Error *err);

#endif
