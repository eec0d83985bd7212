/* tests/scenario/billing_notifications.c — notifications to customers (issue 5; the seed's
 * "Notification System Tests"), end to end through the API, the daily jobs, the outbox and the
 * server's mail sink (REMIT_TEST_WORK/data/mail), on whichever store the suite runs:
 *  - invoices are sent to clients via their preferred communication method (a finalize and a bill
 *    run; the customer's email, a preference address, channel none, no address, kind off);
 *  - payment reminders are sent according to the schedule (the test clock and the daily jobs;
 *    paid and cancelled invoices get none; a late job sends only the latest reminder);
 *  - overage alerts are triggered when usage exceeds predefined thresholds (at time-entry write);
 *  - notification preferences can be updated by clients (the mailed link, no sign-in) and are
 *    respected; bad tokens change nothing;
 *  - renewal notices before a plan ends; each notification once when jobs run again or at once.
 * Tests that move the clock put it back in the suite's .fini. The daily jobs of a tenant's first
 * day usually run (from the server's scheduler) before the test has made its data, so every
 * test expects a job's work on a later day. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tests/scenario/identity_helpers.h"
#include "tests/scenario/invoicing_helpers.h"

#define DAY (24LL * 3600)

static void reset_clock(void)
{
    idt_clock(0);
}

TestSuite(billing_notifications, .fini = reset_clock);

/* ---- dates ---- */

static long days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* out = in + n days ("YYYY-MM-DD") */
static void add_days(char out[11], const char *in, int n)
{
    int y, m, d;
    cr_assert_eq(sscanf(in, "%d-%d-%d", &y, &m, &d), 3, "bad date %s", in);
    long z = days_from_civil(y, m, d) + n + 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    int dd = (int)(doy - (153 * mp + 2) / 5 + 1), mm = (int)(mp < 10 ? mp + 3 : mp - 9);
    int yy = (int)(yoe + era * 400 + (mm <= 2));
    snprintf(out, 11, "%04d-%02d-%02d", yy, mm, dd);
}

/* ---- calls ---- */

static json_t *get(ItTenant *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static json_t *get(ItTenant *t, const char *fmt, ...)
{
    char path[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(path, sizeof path, fmt, ap);
    va_end(ap);
    return it_json(t, 200, "GET", path, NULL);
}

static json_t *data(json_t *list)
{
    json_t *d = json_object_get(list, "data");
    cr_assert(json_is_array(d), "not a list: %s", json_dumps(list, 0));
    return d;
}

static char *customer(ItTenant *t, const char *name, const char *email)
{
    json_t *b = json_pack("{s:s}", "name", name);
    if (email)
        json_object_set_new(b, "email", json_string(email));
    json_t *j = it_pack(t, 201, "POST", "/api/v1/customers", b);
    char *id = strdup(it_str(j, "id"));
    json_decref(j);
    return id;
}

/* A unique address for this run. */
static char *addr(const char *who)
{
    char u[64], *out = malloc(160);
    snprintf(u, sizeof u, "%s", idt_run());
    snprintf(out, 160, "%s-%s-%d@client.example", who, u, (int)(random() % 100000));
    return out;
}

static void setting(ItTenant *t, const char *key, const char *type, const char *value_json)
{
    char body[512];
    snprintf(body, sizeof body, "{\"setting_key\": \"%s\", \"setting_type\": \"%s\", \"setting_value\": %s}", key, type,
             value_json);
    json_decref(it_json(t, 201, "POST", "/api/v1/system_settings", body));
}

/* Moves the clock to `days` after the real today, signs in again (the access token's life is
 * measured on that clock) and runs the daily jobs due. */
static void day(ItTenant *t, int days)
{
    idt_clock(days * DAY);
    it_login(t);
    json_decref(it_json(t, 200, "POST", "/api/v1/_test/jobs", NULL));
}

/* The tenant's today: the date a new draft invoice gets. */
static void today_of(ItTenant *t, const char *customer_id, char out[11])
{
    char *inv = it_invoice(t, customer_id, "1", "1", "0", NULL, NULL);
    json_t *j = get(t, "/api/v1/invoices/%s", inv);
    snprintf(out, 11, "%s", it_str(j, "invoice_date"));
    json_decref(j);
    char path[256];
    snprintf(path, sizeof path, "/api/v1/invoices/%s", inv);
    HttpResult r;
    it_call(t, &r, "DELETE", path, NULL, NULL);
    cr_assert(r.status == 204 || r.status == 200, "deleting the probe draft: %ld", r.status);
    http_result_free(&r);
    free(inv);
}

/* The notifications of a subject, oldest first. */
static json_t *notices(ItTenant *t, const char *type, const char *subject_id)
{
    return get(t, "/api/v1/notifications?notification_type=%s&subject_id=%s&order=created_at&limit=100", type,
               subject_id);
}

static json_t *notice_with_key(json_t *list, const char *key)
{
    size_t i;
    json_t *n;
    json_array_foreach(data(list), i, n)
        if (strcmp(it_str(n, "schedule_key"), key) == 0)
            return n;
    return NULL;
}

/* ---- mails ---- */

/* Waits (up to 90 s) until the tenant's outbox holds nothing to deliver. */
static void drain(ItTenant *t)
{
    for (int i = 0; i < 1800; i++) {
        json_t *j = get(t, "/api/v1/outbox?status[in]=pending,sending&limit=1");
        size_t n = json_array_size(data(j));
        json_decref(j);
        if (n == 0)
            return;
        usleep(50000);
    }
    cr_assert_fail("the outbox was not delivered within 90 s");
}

typedef struct Mail { char id[64]; char subject[512]; char *text; } Mail;

static int by_id(const void *a, const void *b)
{
    return strcmp(((const Mail *)a)->id, ((const Mail *)b)->id);
}

/* The mails to `to` with topic `topic`, in the order they were queued (Message-ID is the outbox
 * row's UUIDv7). Returns how many; texts malloc'ed. */
static int mails(const char *to, const char *topic, Mail *out, int max)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/data/mail", getenv("REMIT_TEST_WORK"));
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) && n < max) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".eml") != 0)
            continue;
        char path[1400];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        FILE *f = fopen(path, "r");
        if (!f)
            continue;
        char *text = calloc(1, 65536);
        size_t got = fread(text, 1, 65535, f);
        fclose(f);
        text[got] = '\0';
        char want_to[300], want_topic[200];
        snprintf(want_to, sizeof want_to, "\r\nTo: %s\r\n", to);
        snprintf(want_topic, sizeof want_topic, "\r\nX-Remit-Topic: %s\r\n", topic);
        const char *id = strstr(text, "Message-ID: <"), *subj = strstr(text, "\r\nSubject: ");
        if (!strstr(text, want_to) || !strstr(text, want_topic) || !id || !subj) {
            free(text);
            continue;
        }
        snprintf(out[n].id, sizeof out[n].id, "%.*s", (int)strcspn(id + 13, ">"), id + 13);
        snprintf(out[n].subject, sizeof out[n].subject, "%.*s", (int)strcspn(subj + 11, "\r"), subj + 11);
        out[n].text = text;
        n++;
    }
    if (d)
        closedir(d);
    qsort(out, (size_t)n, sizeof *out, by_id);
    return n;
}

static void free_mails(Mail *m, int n)
{
    for (int i = 0; i < n; i++)
        free(m[i].text);
}

static int count_mails(const char *to, const char *topic)
{
    Mail m[32];
    int n = mails(to, topic, m, 32);
    free_mails(m, n);
    return n;
}

/* The preference-link token of a mail ("token: rnp_..."), malloc'ed. */
static char *mail_token(const Mail *m)
{
    const char *p = strstr(m->text, "\ntoken: rnp_");
    cr_assert_not_null(p, "the mail carries no preference token:\n%s", m->text);
    p += 8;
    return strndup(p, strcspn(p, "\r\n"));
}

static void contains(const char *text, const char *what)
{
    cr_assert(strstr(text, what), "expected \"%s\" in:\n%s", what, text);
}

/* ---- public calls (no sign-in) ---- */

static long pub(ItTenant *t, const char *method, const char *path, const char *body, json_t **out)
{
    ItTenant anon = *t;
    anon.token[0] = '\0';
    HttpResult r;
    it_call(&anon, &r, method, path, body, NULL);
    long st = r.status;
    *out = r.json ? json_incref(r.json) : json_null();
    http_result_free(&r);
    return st;
}

/* ======================================================================================== */

Test(billing_notifications, invoices_are_sent_to_clients_via_their_preferred_communication_method)
{
    ItTenant t;
    it_tenant_new(&t, "notify-issue");
    char *a_mail = addr("a"), *b_mail = addr("b"), *b_pref = addr("b-billing"), *c_mail = addr("c"),
         *e_mail = addr("e"), *f_mail = addr("f");
    char *a = customer(&t, "Alpha Ltd", a_mail);     /* no preferences row: defaults, the customer's email */
    char *b = customer(&t, "Beta Ltd", b_mail);      /* prefers another address */
    char *c = customer(&t, "Gamma Ltd", c_mail);     /* channel none */
    char *d = customer(&t, "Delta Ltd", NULL);       /* no address at all */
    char *e = customer(&t, "Epsilon Ltd", e_mail);   /* invoice mails turned off */
    json_decref(it_pack(&t, 201, "POST", "/api/v1/notification_preferences",
                        json_pack("{s:s, s:s}", "customer_id", b, "email", b_pref)));
    json_decref(it_pack(&t, 201, "POST", "/api/v1/notification_preferences",
                        json_pack("{s:s, s:s}", "customer_id", c, "channel", "none")));
    json_decref(it_pack(&t, 201, "POST", "/api/v1/notification_preferences",
                        json_pack("{s:s, s:b}", "customer_id", e, "invoice_issued", 0)));
    const char *who[] = {a, b, c, d, e};
    json_t *inv[5];
    for (int i = 0; i < 5; i++) {
        char *id = it_invoice(&t, who[i], "2", "500", "18", NULL, NULL);
        inv[i] = it_finalize(&t, id);
        free(id);
    }
    struct { const char *status, *recipient, *reason; } want[] = {
        {"queued", a_mail, NULL},
        {"queued", b_pref, NULL},
        {"skipped", NULL, "the customer's preferred channel is none"},
        {"skipped", NULL, "the customer has no email address"},
        {"skipped", NULL, "the customer turned invoice_issued off"},
    };
    for (int i = 0; i < 5; i++) {
        json_t *l = notices(&t, "invoice_issued", it_str(inv[i], "id"));
        cr_assert_eq(json_array_size(data(l)), 1, "invoice %d: one notification", i);
        json_t *n = json_array_get(data(l), 0);
        cr_assert_str_eq(it_str(n, "status"), want[i].status, "invoice %d", i);
        cr_assert_str_eq(it_str(n, "customer_id"), who[i]);
        cr_assert_str_eq(it_str(n, "schedule_key"), "once");
        if (want[i].recipient)
            cr_assert_str_eq(it_str(n, "recipient"), want[i].recipient, "invoice %d", i);
        else
            cr_assert(json_is_null(json_object_get(n, "recipient")), "invoice %d: no recipient", i);
        if (want[i].reason)
            cr_assert_str_eq(it_str(n, "skip_reason"), want[i].reason, "invoice %d", i);
        cr_assert_null(json_object_get(n, "link_hash"), "the token's hash is never shown");
        /* a skipped notification has no mail in the outbox; a queued one has exactly one */
        json_t *o = get(&t, "/api/v1/outbox?related_id=%s", it_str(n, "id"));
        cr_assert_eq(json_array_size(data(o)), want[i].recipient ? 1u : 0u, "invoice %d: outbox rows", i);
        json_decref(o);
        json_decref(l);
    }
    drain(&t);
    Mail m[8];
    int n = mails(a_mail, "notification.invoice_issued", m, 8);
    cr_assert_eq(n, 1, "one mail to the customer's own address");
    char line[256];
    snprintf(line, sizeof line, "Invoice %s from Acme Consulting Pvt Ltd: 1180.00 INR due %s",
             it_str(inv[0], "invoice_number"), it_str(inv[0], "due_date"));
    cr_assert_str_eq(m[0].subject, line);
    contains(m[0].text, "Hello Alpha Ltd,");
    contains(m[0].text, "  Total:       1180.00 INR\n");
    snprintf(line, sizeof line, "  Due date:    %s\n", it_str(inv[0], "due_date"));
    contains(m[0].text, line);
    contains(m[0].text, "No document is attached to this mail");
    free(mail_token(&m[0]));
    free_mails(m, n);
    cr_assert_eq(count_mails(b_pref, "notification.invoice_issued"), 1, "the preferred address gets it");
    cr_assert_eq(count_mails(b_mail, "notification.invoice_issued"), 0, "not the customer's own address");
    cr_assert_eq(count_mails(c_mail, "notification.invoice_issued"), 0, "channel none: no mail");
    cr_assert_eq(count_mails(e_mail, "notification.invoice_issued"), 0, "invoice mails off: no mail");

    /* an invoice made by a bill run is issued the same way */
    char today[11], start[11];
    today_of(&t, a, today);
    add_days(start, today, -45);
    char *f = customer(&t, "Zeta Ltd", f_mail);
    json_t *s = it_json(&t, 201, "POST", "/api/v1/services",
                        "{\"name\": \"Care\", \"service_type\": \"fixed\", \"default_rate\": \"300\"}");
    json_t *p = it_json(&t, 201, "POST", "/api/v1/billing_plans",
                        "{\"plan_name\": \"Monthly\", \"billing_frequency\": \"monthly\", \"plan_type\": \"fixed\"}");
    char path[256];
    snprintf(path, sizeof path, "/api/v1/billing_plans/%s/services", it_str(p, "id"));
    json_decref(it_pack(&t, 201, "POST", path, json_pack("{s:s}", "service_id", it_str(s, "id"))));
    json_decref(it_pack(&t, 201, "POST", "/api/v1/customer_billing_plans",
                        json_pack("{s:s, s:s, s:s}", "customer_id", f, "plan_id", it_str(p, "id"), "start_date", start)));
    /* the run of today (or the daily job's, if the scheduler got there first) */
    json_decref(it_pack(&t, 201, "POST", "/api/v1/billing/runs", json_pack("{s:s}", "date", today)));
    json_t *fi = get(&t, "/api/v1/invoices?customer_id=%s", f);
    cr_assert_eq(json_array_size(data(fi)), 1, "the run made one invoice");
    json_t *finv = json_array_get(data(fi), 0);
    cr_assert(it_str(finv, "billing_run_id"), "made by a bill run");
    json_t *l = notices(&t, "invoice_issued", it_str(finv, "id"));
    cr_assert_eq(json_array_size(data(l)), 1);
    cr_assert_str_eq(it_str(json_array_get(data(l), 0), "recipient"), f_mail);
    drain(&t);
    n = mails(f_mail, "notification.invoice_issued", m, 8);
    cr_assert_eq(n, 1);
    contains(m[0].subject, it_str(finv, "invoice_number"));
    free_mails(m, n);
    json_decref(l);
    json_decref(fi);
    json_decref(s);
    json_decref(p);
    for (int i = 0; i < 5; i++)
        json_decref(inv[i]);
    free(a), free(b), free(c), free(d), free(e), free(f);
    free(a_mail), free(b_mail), free(b_pref), free(c_mail), free(e_mail), free(f_mail);
}

/* ======================================================================================== */

static json_t *pay_in_full(ItTenant *t, const char *customer_id, json_t *inv)
{
    json_t *r = it_pack(t, 201, "POST", "/api/v1/receipts",
                        json_pack("{s:s, s:s, s:s}", "customer_id", customer_id, "amount", it_str(inv, "total"),
                                  "payment_method", "bank_transfer"));
    json_decref(it_pack(t, 201, "POST", "/api/v1/receipt_allocations",
                        json_pack("{s:s, s:s, s:s}", "receipt_id", it_str(r, "id"), "invoice_id", it_str(inv, "id"),
                                  "allocated_amount", it_str(inv, "total"))));
    json_decref(r);
    return get(t, "/api/v1/invoices/%s", it_str(inv, "id"));
}

/* A tenant with the reminder schedule, and one customer; today's date to out. */
static char *reminder_tenant(ItTenant *t, const char *tag, const char *type, const char *schedule, const char *name,
                             char **mail, char today[11])
{
    it_tenant_new(t, tag);
    setting(t, "billing.reminder_days", type, schedule);
    *mail = addr(tag);
    char *c = customer(t, name, *mail);
    today_of(t, c, today);
    return c;
}

/* A finalized invoice of one line, due on `due`. */
static json_t *finalized(ItTenant *t, const char *customer_id, const char *rate, const char *tax, const char *due)
{
    char *id = it_invoice(t, customer_id, "1", rate, tax, NULL, due);
    json_t *inv = it_finalize(t, id);
    free(id);
    return inv;
}

Test(billing_notifications, payment_reminders_are_sent_according_to_the_schedule)
{
    ItTenant t;
    char *a_mail, *b_mail = addr("rb"), today[11], due[11];
    char *a = reminder_tenant(&t, "notify-remind", "string", "\"-3,0,7\"", "Reminded Ltd", &a_mail, today);
    /* a schedule the job could not use is refused when written, naming the value, and nothing changes */
    json_t *st = get(&t, "/api/v1/system_settings?setting_key=billing.reminder_days");
    char spath[256];
    snprintf(spath, sizeof spath, "/api/v1/system_settings/%s", it_str(json_array_get(data(st), 0), "id"));
    json_decref(st);
    static const struct { const char *body, *code; } bad[] = {
        {"{\"setting_value\": \"-3, soon, 7\"}", "invalid"},
        {"{\"setting_value\": \"-3,0,400\"}", "out_of_range"},
        {"{\"setting_value\": 7}", "wrong_type"},
    };
    json_t *typed = it_json(&t, 422, "POST", "/api/v1/system_settings",
                        "{\"setting_key\": \"billing.overage_alert_thresholds\", \"setting_type\": \"json\","
                        " \"setting_value\": [80, 100]}");
    cr_assert_str_eq(idt_str(typed, "error.field"), "setting_type", "%s", json_dumps(typed, 0));
    json_decref(typed);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *e = it_json(&t, 422, "PATCH", spath, bad[i].body);
        cr_assert_str_eq(idt_str(e, "error.code"), bad[i].code, "%s", json_dumps(e, 0));
        cr_assert_str_eq(idt_str(e, "error.field"), "setting_value");
        json_decref(e);
        e = it_json(&t, 200, "GET", spath, NULL);
        cr_assert_str_eq(it_str(e, "setting_value"), "-3,0,7", "a refused value was stored");
        json_decref(e);
    }
    char *b = customer(&t, "Quiet Ltd", b_mail);
    json_decref(it_pack(&t, 201, "POST", "/api/v1/notification_preferences",
                        json_pack("{s:s, s:b}", "customer_id", b, "payment_reminders", 0)));
    add_days(due, today, 5);
    /* X stays unpaid, Y is paid on its due date, Z is cancelled, W's customer turned reminders off */
    json_t *x = finalized(&t, a, "1000", "18", due), *y = finalized(&t, a, "200", "18", due);
    json_t *z = finalized(&t, a, "300", "18", due), *w = finalized(&t, b, "400", "18", due);
    char path[256];
    snprintf(path, sizeof path, "/api/v1/invoices/%s/cancel", it_str(z, "id"));
    json_decref(it_json(&t, 200, "POST", path, "{\"reason\": \"issued by mistake\"}"));

    day(&t, 1);   /* due - 4: no offset's day yet */
    json_t *l = notices(&t, "payment_reminder", it_str(x, "id"));
    cr_assert_eq(json_array_size(data(l)), 0, "nothing four days before the due date");
    json_decref(l);

    day(&t, 2);   /* due - 3 */
    l = notices(&t, "payment_reminder", it_str(x, "id"));
    cr_assert_eq(json_array_size(data(l)), 1);
    json_t *n = json_array_get(data(l), 0);
    cr_assert_str_eq(it_str(n, "schedule_key"), "due-3d");
    cr_assert_str_eq(it_str(n, "status"), "queued");
    cr_assert_str_eq(it_str(n, "recipient"), a_mail);
    json_decref(l);
    l = notices(&t, "payment_reminder", it_str(w, "id"));
    cr_assert_eq(json_array_size(data(l)), 1);
    cr_assert_str_eq(it_str(json_array_get(data(l), 0), "status"), "skipped");
    cr_assert_str_eq(it_str(json_array_get(data(l), 0), "skip_reason"), "the customer turned payment_reminders off");
    json_decref(l);
    l = notices(&t, "payment_reminder", it_str(z, "id"));
    cr_assert_eq(json_array_size(data(l)), 0, "a cancelled invoice gets no reminder");
    json_decref(l);

    day(&t, 3);   /* due - 2: the -3 reminder was sent; nothing new */
    l = notices(&t, "payment_reminder", it_str(x, "id"));
    cr_assert_eq(json_array_size(data(l)), 1, "the -3 reminder is sent once");
    json_decref(l);

    json_t *paid = pay_in_full(&t, a, y);
    cr_assert_str_eq(it_str(paid, "status"), "paid");
    json_decref(paid);

    day(&t, 5);   /* the due date */
    l = notices(&t, "payment_reminder", it_str(x, "id"));
    cr_assert_eq(json_array_size(data(l)), 2);
    cr_assert_not_null(notice_with_key(l, "due+0d"));
    json_decref(l);
    l = notices(&t, "payment_reminder", it_str(y, "id"));
    cr_assert_eq(json_array_size(data(l)), 1, "a paid invoice gets no further reminder");
    json_decref(l);

    day(&t, 14);  /* due + 9: the +7 reminder, two days late, and only it */
    l = notices(&t, "payment_reminder", it_str(x, "id"));
    cr_assert_eq(json_array_size(data(l)), 3);
    cr_assert_not_null(notice_with_key(l, "due+7d"));
    json_decref(l);

    drain(&t);
    Mail m[16];
    int k = mails(a_mail, "notification.payment_reminder", m, 16);
    cr_assert_eq(k, 4, "X three reminders, Y one (before it was paid)");
    char want[256];
    snprintf(want, sizeof want, "Reminder: invoice %s is due in 3 days, on %s", it_str(x, "invoice_number"), due);
    cr_assert(strcmp(m[0].subject, want) == 0 || strcmp(m[1].subject, want) == 0, "got %s / %s", m[0].subject,
              m[1].subject);
    snprintf(want, sizeof want, "Reminder: invoice %s is due today, %s", it_str(x, "invoice_number"), due);
    cr_assert_str_eq(m[2].subject, want);
    snprintf(want, sizeof want, "Reminder: invoice %s is 9 days overdue (it was due on %s)", it_str(x, "invoice_number"),
             due);
    cr_assert_str_eq(m[3].subject, want);
    contains(m[3].text, "  Balance due: 1180.00 INR\n");
    free_mails(m, k);
    cr_assert_eq(count_mails(b_mail, "notification.payment_reminder"), 0, "reminders off: no mail");
    json_decref(x), json_decref(y), json_decref(z), json_decref(w);
    free(a), free(b), free(a_mail), free(b_mail);
}

Test(billing_notifications, payment_reminders_a_late_daily_job_sends_only_the_latest_reminder_and_no_stale_ones)
{
    ItTenant t;
    char *a_mail, today[11], due[11];
    char *a = reminder_tenant(&t, "notify-late", "string", "\" -3, 0, 7\"", "Late Ltd", &a_mail, today);
    add_days(due, today, 1);
    json_t *x = finalized(&t, a, "1000", "0", due);
    day(&t, 9);   /* the jobs did not run for nine days: due + 8; offsets 0 and 7 have both come */
    json_t *l = notices(&t, "payment_reminder", it_str(x, "id"));
    cr_assert_eq(json_array_size(data(l)), 1, "one reminder, not a burst");
    cr_assert_str_eq(it_str(json_array_get(data(l), 0), "schedule_key"), "due+7d");
    json_decref(l);
    /* an invoice issued on day 9, due on day 10: its last reminder's day (17) is long past when the
     * jobs next run on day 30 — stale, not sent */
    add_days(due, today, 10);
    json_t *y = finalized(&t, a, "500", "0", due);
    day(&t, 30);
    l = notices(&t, "payment_reminder", it_str(y, "id"));
    cr_assert_eq(json_array_size(data(l)), 0, "a reminder more than a week old is not sent");
    json_decref(l);
    l = notices(&t, "payment_reminder", it_str(x, "id"));
    cr_assert_eq(json_array_size(data(l)), 1);
    json_decref(l);
    drain(&t);
    cr_assert_eq(count_mails(a_mail, "notification.payment_reminder"), 1);
    json_decref(x), json_decref(y);
    free(a), free(a_mail);
}

/* ======================================================================================== */

/* A bucket plan of `hours` a month over a Time service; returns the service id. */
static char *bucket_plan(ItTenant *t, const char *hours, char **plan_id)
{
    json_t *s = it_json(t, 201, "POST", "/api/v1/services",
                        "{\"name\": \"Support\", \"service_type\": \"time\", \"default_rate\": \"100\"}");
    json_t *p = it_json(t, 201, "POST", "/api/v1/billing_plans",
                        "{\"plan_name\": \"Retainer\", \"billing_frequency\": \"monthly\", \"plan_type\": \"bucket\"}");
    json_decref(it_pack(t, 201, "POST", "/api/v1/bucket_plans",
                        json_pack("{s:s, s:s, s:s, s:s}", "plan_id", it_str(p, "id"), "total_hours", hours,
                                  "billing_period", "monthly", "overage_rate", "150")));
    char path[256];
    snprintf(path, sizeof path, "/api/v1/billing_plans/%s/services", it_str(p, "id"));
    json_decref(it_pack(t, 201, "POST", path, json_pack("{s:s}", "service_id", it_str(s, "id"))));
    char *sid = strdup(it_str(s, "id"));
    *plan_id = strdup(it_str(p, "id"));
    json_decref(s);
    json_decref(p);
    return sid;
}

static char *assign(ItTenant *t, const char *customer_id, const char *plan_id, const char *start, const char *end)
{
    json_t *b = json_pack("{s:s, s:s, s:s}", "customer_id", customer_id, "plan_id", plan_id, "start_date", start);
    if (end)
        json_object_set_new(b, "end_date", json_string(end));
    json_t *j = it_pack(t, 201, "POST", "/api/v1/customer_billing_plans", b);
    char *id = strdup(it_str(j, "id"));
    json_decref(j);
    return id;
}

/* A time entry of `minutes` now; returns its work_date's month start "YYYY-MM-01". */
static void work(ItTenant *t, const char *customer_id, const char *service_id, int minutes, bool billable,
                 char month[11])
{
    char start[32];
    time_t now = time(NULL) - 3600;
    strftime(start, sizeof start, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    json_t *j = it_pack(t, 201, "POST", "/api/v1/time_entries",
                        json_pack("{s:s, s:s, s:s, s:i, s:b}", "customer_id", customer_id, "service_id", service_id,
                                  "start_time", start, "duration", minutes, "billable", billable));
    snprintf(month, 11, "%.8s01", it_str(j, "work_date"));
    json_decref(j);
}

static size_t count_overage(ItTenant *t, const char *assignment)
{
    json_t *l = notices(t, "overage_alert", assignment);
    size_t n = json_array_size(data(l));
    json_decref(l);
    return n;
}

Test(billing_notifications, overage_alerts_are_triggered_when_usage_exceeds_predefined_thresholds)
{
    ItTenant t;
    it_tenant_new(&t, "notify-overage");
    setting(&t, "billing.overage_alert_thresholds", "string", "\"100,50,80\"");
    char *plan = NULL, *svc = bucket_plan(&t, "10", &plan);
    json_t *other = it_json(&t, 201, "POST", "/api/v1/services",
                            "{\"name\": \"Projects\", \"service_type\": \"time\", \"default_rate\": \"90\"}");
    char *k_mail = addr("k"), *m_mail = addr("m");
    char *k = customer(&t, "Kappa Ltd", k_mail), *m = customer(&t, "Mu Ltd", m_mail);
    char *ka = assign(&t, k, plan, "2020-01-01", NULL), *ma = assign(&t, m, plan, "2020-01-01", NULL);
    char month[11], key[40];

    work(&t, k, svc, 240, true, month);   /* 4 h of 10: 40% */
    cr_assert_eq(count_overage(&t, ka), 0, "40%% reaches no threshold");
    work(&t, k, svc, 60, true, month);    /* 5 h: 50% */
    cr_assert_eq(count_overage(&t, ka), 1);
    work(&t, k, svc, 600, false, month);  /* not billable: does not count */
    work(&t, k, it_str(other, "id"), 600, true, month);   /* a service outside the plan */
    cr_assert_eq(count_overage(&t, ka), 1, "non-billable time and other services do not count");
    work(&t, k, svc, 240, true, month);   /* 9 h: 90% */
    cr_assert_eq(count_overage(&t, ka), 2);
    work(&t, k, svc, 30, true, month);    /* 9.5 h: 95% */
    cr_assert_eq(count_overage(&t, ka), 2, "no threshold between 80%% and 100%%");
    work(&t, k, svc, 120, true, month);   /* 11.5 h: 115% */
    cr_assert_eq(count_overage(&t, ka), 3);
    work(&t, k, svc, 120, true, month);   /* 13.5 h: still once per threshold */
    json_t *l = notices(&t, "overage_alert", ka);
    cr_assert_eq(json_array_size(data(l)), 3, "each threshold once per period");
    static const int pct[] = {50, 80, 100};
    for (int i = 0; i < 3; i++) {
        snprintf(key, sizeof key, "%s@%d%%", month, pct[i]);
        json_t *n = notice_with_key(l, key);
        cr_assert_not_null(n, "no %s alert", key);
        cr_assert_str_eq(it_str(n, "status"), "queued");
        cr_assert_str_eq(it_str(n, "recipient"), k_mail);
    }
    json_decref(l);

    /* one entry that jumps from 0 to 110%: one mail (100%), the lower thresholds recorded as covered */
    work(&t, m, svc, 660, true, month);
    l = notices(&t, "overage_alert", ma);
    cr_assert_eq(json_array_size(data(l)), 3);
    snprintf(key, sizeof key, "%s@100%%", month);
    cr_assert_str_eq(it_str(notice_with_key(l, key), "status"), "queued");
    snprintf(key, sizeof key, "%s@50%%", month);
    cr_assert_str_eq(it_str(notice_with_key(l, key), "status"), "skipped");
    cr_assert_str_eq(it_str(notice_with_key(l, key), "skip_reason"), "covered by the 100% alert");
    json_decref(l);

    drain(&t);
    Mail ms[8];
    int n = mails(k_mail, "notification.overage_alert", ms, 8);
    cr_assert_eq(n, 3);
    char last[11], want[200];
    add_days(last, month, 40);
    snprintf(last + 8, 3, "01");
    add_days(last, last, -1);   /* the month's last day */
    snprintf(want, sizeof want, "Retainer: 80%% of your hours for %s to %s used", month, last);
    cr_assert_str_eq(ms[1].subject, want);
    contains(ms[1].text, "  Used:      9 hours (90%)\n");
    contains(ms[1].text, "  Included:  10 hours\n");
    contains(ms[2].text, "  Used:      11.5 hours (115%)\n");
    free_mails(ms, n);
    cr_assert_eq(count_mails(m_mail, "notification.overage_alert"), 1, "one mail for one big entry");
    json_decref(other);
    free(plan), free(svc), free(k_mail), free(m_mail), free(k), free(m), free(ka), free(ma);
}

/* ======================================================================================== */

static json_t *prefs_row(ItTenant *t, const char *customer_id)
{
    return get(t, "/api/v1/notification_preferences?customer_id=%s", customer_id);
}

static void refused(ItTenant *t, const char *method, const char *path, const char *body, long status, const char *code,
                    const char *field, const char *customer_id)
{
    json_t *j = NULL;
    long st = pub(t, method, path, body, &j);
    cr_assert_eq(st, status, "%s %s %s: %ld %s", method, path, body ? body : "", st, json_dumps(j, 0));
    cr_assert_str_eq(idt_str(j, "error.code"), code, "%s", json_dumps(j, 0));
    if (field)
        cr_assert_str_eq(idt_str(j, "error.field"), field, "%s", json_dumps(j, 0));
    json_decref(j);
    json_t *r = prefs_row(t, customer_id);   /* nothing changed */
    cr_assert_eq(json_array_size(data(r)), 0, "a refused request wrote preferences");
    json_decref(r);
}

static json_t *issue(ItTenant *t, const char *customer_id)
{
    char *id = it_invoice(t, customer_id, "1", "100", "0", NULL, NULL);
    json_t *inv = it_finalize(t, id);
    free(id);
    json_t *l = notices(t, "invoice_issued", it_str(inv, "id"));
    json_t *n = json_incref(json_array_get(data(l), 0));
    json_decref(l);
    json_decref(inv);
    return n;
}

Test(billing_notifications, notification_preferences_can_be_updated_by_clients_and_are_respected)
{
    ItTenant t;
    it_tenant_new(&t, "notify-prefs");
    char *p_mail = addr("p");
    char *p = customer(&t, "Pi Ltd", p_mail);
    json_t *n1 = issue(&t, p);
    cr_assert_str_eq(it_str(n1, "status"), "queued");
    drain(&t);
    Mail m[8];
    int k = mails(p_mail, "notification.invoice_issued", m, 8);
    cr_assert_eq(k, 1);
    char *token = mail_token(&m[0]);
    free_mails(m, k);

    /* the client reads its preferences with the mailed token, without signing in */
    char path[512];
    snprintf(path, sizeof path, "/api/v1/public/notification-preferences?token=%s", token);
    json_t *j = NULL;
    cr_assert_eq(pub(&t, "GET", path, NULL, &j), 200, "%s", json_dumps(j, 0));
    cr_assert_str_eq(idt_str(j, "customer.name"), "Pi Ltd");
    cr_assert_str_eq(idt_str(j, "seller"), "Acme Consulting Pvt Ltd");
    cr_assert_str_eq(idt_str(j, "preferences.channel"), "email");
    cr_assert_str_eq(idt_str(j, "preferences.email"), p_mail);
    cr_assert(json_is_true(json_object_get(json_object_get(j, "preferences"), "invoice_issued")));
    json_decref(j);

    /* bad tokens and bad input: a clear refusal, and nothing changes */
    refused(&t, "GET", "/api/v1/public/notification-preferences", NULL, 422, "required", "token", p);
    refused(&t, "GET", "/api/v1/public/notification-preferences?token=rnp_garbage", NULL, 422, "invalid", "token", p);
    char *tampered = strdup(token);
    size_t tl = strlen(tampered);
    tampered[tl - 2] = tampered[tl - 2] == 'A' ? 'B' : 'A';   /* the random part: the hash no longer matches */
    snprintf(path, sizeof path, "/api/v1/public/notification-preferences?token=%s", tampered);
    refused(&t, "GET", path, NULL, 422, "invalid", "token", p);
    refused(&t, "POST", path, "{\"channel\": \"none\"}", 422, "invalid", "token", p);
    snprintf(path, sizeof path, "/api/v1/public/notification-preferences?token=%s", token);
    refused(&t, "POST", path, "{\"email\": \"thief@example.com\"}", 422, "read_only_field", "email", p);
    refused(&t, "POST", path, "{\"channel\": \"fax\"}", 422, "invalid", "channel", p);
    refused(&t, "POST", path, "{\"invoice_issued\": \"no\"}", 422, "wrong_type", "invoice_issued", p);
    refused(&t, "POST", path, "{\"colour\": \"blue\"}", 422, "unknown_field", "colour", p);
    free(tampered);

    /* the client turns every mail off (the token in the body this time) */
    char body[512];
    snprintf(body, sizeof body, "{\"token\": \"%s\", \"channel\": \"none\"}", token);
    cr_assert_eq(pub(&t, "POST", "/api/v1/public/notification-preferences", body, &j), 200, "%s", json_dumps(j, 0));
    cr_assert_str_eq(idt_str(j, "preferences.channel"), "none");
    json_decref(j);
    json_t *r = prefs_row(&t, p);
    cr_assert_eq(json_array_size(data(r)), 1);
    json_t *row = json_array_get(data(r), 0);
    cr_assert_str_eq(it_str(row, "channel"), "none");
    json_t *audit = get(&t, "/api/v1/audit_logs?entity_type=notification_preferences&entity_id=%s", it_str(row, "id"));
    cr_assert_eq(json_array_size(data(audit)), 1, "the change is audited");
    json_t *a0 = json_array_get(data(audit), 0);
    cr_assert_str_eq(it_str(a0, "action"), "create");
    cr_assert_str_eq(it_str(a0, "user_email"), p_mail, "the audit names the address the link was mailed to");
    cr_assert_str_eq(it_str(a0, "user_role"), "customer");
    json_decref(audit);
    json_decref(r);

    /* ... and it is respected */
    json_t *n2 = issue(&t, p);
    cr_assert_str_eq(it_str(n2, "status"), "skipped");
    cr_assert_str_eq(it_str(n2, "skip_reason"), "the customer's preferred channel is none");

    /* email again, but no invoice mails (the same link works again: it is not single-use) */
    cr_assert_eq(pub(&t, "POST", path, "{\"channel\": \"email\", \"invoice_issued\": false}", &j), 200, "%s",
                 json_dumps(j, 0));
    json_decref(j);
    json_t *n3 = issue(&t, p);
    cr_assert_str_eq(it_str(n3, "skip_reason"), "the customer turned invoice_issued off");
    cr_assert_eq(pub(&t, "POST", path, "{\"invoice_issued\": true}", &j), 200, "%s", json_dumps(j, 0));
    json_decref(j);
    json_t *n4 = issue(&t, p);
    cr_assert_str_eq(it_str(n4, "status"), "queued");
    drain(&t);
    cr_assert_eq(count_mails(p_mail, "notification.invoice_issued"), 2, "the first and the last invoice only");
    r = prefs_row(&t, p);
    audit = get(&t, "/api/v1/audit_logs?entity_type=notification_preferences&entity_id=%s",
                it_str(json_array_get(data(r), 0), "id"));
    cr_assert_eq(json_array_size(data(audit)), 3, "create and two updates");
    json_decref(audit);
    json_decref(r);

    /* a link works for 180 days */
    idt_clock(181 * DAY);
    it_login(&t);
    refused(&t, "GET", path, NULL, 422, "invalid", "token", "00000000-0000-0000-0000-000000000000");
    idt_clock(0);
    json_decref(n1), json_decref(n2), json_decref(n3), json_decref(n4);
    free(token), free(p), free(p_mail);
}

/* ======================================================================================== */

Test(billing_notifications, renewal_notices_are_sent_once_before_a_plan_ends)
{
    ItTenant t;
    it_tenant_new(&t, "notify-renew");
    setting(&t, "billing.renewal_notice_days", "int", "20");
    char *g_mail = addr("g"), *h_mail = addr("h");
    char *g = customer(&t, "Eta Ltd", g_mail), *h = customer(&t, "Theta Ltd", h_mail);
    /* a name typed with a line break cannot add a header to the mail */
    json_t *p1 = it_json(&t, 201, "POST", "/api/v1/billing_plans",
                         "{\"plan_name\": \"Care\\r\\nBcc: thief@example.com\", \"billing_frequency\": \"monthly\","
                         " \"plan_type\": \"fixed\"}");
    json_t *p2 = it_json(&t, 201, "POST", "/api/v1/billing_plans",
                         "{\"plan_name\": \"Backup\", \"billing_frequency\": \"monthly\", \"plan_type\": \"fixed\"}");
    char today[11], start[11], e1[11], e2[11], e3[11], s4[11], e1b[11];
    today_of(&t, g, today);
    add_days(start, today, -60);
    add_days(e1, today, 15);
    add_days(e2, today, 25);
    add_days(e3, today, 10);
    add_days(s4, today, 11);
    char *a1 = assign(&t, g, it_str(p1, "id"), start, e1);   /* ends within 20 days */
    char *a2 = assign(&t, h, it_str(p1, "id"), start, e2);   /* 25 days: later */
    char *a3 = assign(&t, g, it_str(p2, "id"), start, e3);   /* ends, but ... */
    char *a4 = assign(&t, g, it_str(p2, "id"), s4, NULL);    /* ... renewed the day after */

    day(&t, 1);
    json_t *l = notices(&t, "renewal_notice", a1);
    cr_assert_eq(json_array_size(data(l)), 1);
    char key[40];
    snprintf(key, sizeof key, "ends-%s", e1);
    cr_assert_str_eq(it_str(json_array_get(data(l), 0), "schedule_key"), key);
    cr_assert_str_eq(it_str(json_array_get(data(l), 0), "recipient"), g_mail);
    json_decref(l);
    l = notices(&t, "renewal_notice", a2);
    cr_assert_eq(json_array_size(data(l)), 0, "24 days before its end: not yet");
    json_decref(l);
    l = notices(&t, "renewal_notice", a3);
    cr_assert_eq(json_array_size(data(l)), 0, "an assignment already renewed gets no notice");
    json_decref(l);

    day(&t, 6);   /* a2 is now 19 days from its end; a1 was told already */
    l = notices(&t, "renewal_notice", a2);
    cr_assert_eq(json_array_size(data(l)), 1);
    json_decref(l);
    l = notices(&t, "renewal_notice", a1);
    cr_assert_eq(json_array_size(data(l)), 1, "once per end date");
    json_decref(l);

    /* a1's end moves three days later: a notice for the new date */
    add_days(e1b, today, 18);
    char path[256];
    snprintf(path, sizeof path, "/api/v1/customer_billing_plans/%s", a1);
    json_decref(it_pack(&t, 200, "PATCH", path, json_pack("{s:s}", "end_date", e1b)));
    day(&t, 7);
    l = notices(&t, "renewal_notice", a1);
    cr_assert_eq(json_array_size(data(l)), 2);
    snprintf(key, sizeof key, "ends-%s", e1b);
    cr_assert_not_null(notice_with_key(l, key));
    json_decref(l);

    drain(&t);
    Mail m[8];
    int n = mails(g_mail, "notification.renewal_notice", m, 8);
    cr_assert_eq(n, 2);
    char want[128];
    snprintf(want, sizeof want, "Your Care  Bcc: thief@example.com plan ends on %s", e1);
    cr_assert_str_eq(m[0].subject, want);
    const char *body = strstr(m[0].text, "\r\n\r\n");
    cr_assert_not_null(body);
    cr_assert_null(memmem(m[0].text, (size_t)(body - m[0].text), "\nBcc:", 5), "a header was injected:\n%s", m[0].text);
    contains(m[0].text, "(in 14 days)");
    free_mails(m, n);
    cr_assert_eq(count_mails(h_mail, "notification.renewal_notice"), 1);
    json_decref(p1), json_decref(p2);
    free(g), free(h), free(g_mail), free(h_mail), free(a1), free(a2), free(a3), free(a4);
}

/* ======================================================================================== */

static void *run_jobs(void *arg)
{
    ItTenant *t = arg;
    HttpResult r;
    it_call(t, &r, "POST", "/api/v1/_test/jobs", NULL, NULL);
    long st = r.status;
    http_result_free(&r);
    return (void *)(intptr_t)st;
}

/* SQL as the database owner; returns the exit status (0 = it ran). */
static int sql_status(const char *sql)
{
    char file[1100], cmd[4096];
    snprintf(file, sizeof file, "%s/notify-sql-XXXXXX", getenv("REMIT_TEST_WORK"));
    int fd = mkstemp(file);
    cr_assert(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fprintf(f, "%s;\n", sql);
    fclose(f);
    if (idt_is_postgres()) {
        snprintf(cmd, sizeof cmd, "psql -X -q -At -v ON_ERROR_STOP=1 '%s' -f '%s' >/dev/null 2>&1",
                 getenv("REMIT_TEST_ADMIN_DB"), file);
    } else {
        const char *db = getenv("REMIT_TEST_DB");
        snprintf(cmd, sizeof cmd, "sqlite3 -batch -bail -cmd '.timeout 5000' '%s' < '%s' >/dev/null 2>&1",
                 strncmp(db, "sqlite:", 7) == 0 ? db + 7 : db, file);
    }
    int rc = system(cmd);
    unlink(file);
    return rc;
}

Test(billing_notifications, notifications_are_written_once_when_the_daily_jobs_run_again_or_at_once)
{
    ItTenant t;
    char *a_mail, today[11], due[11];
    char *a = reminder_tenant(&t, "notify-once", "string", "\"-3,0,7\"", "Once Ltd", &a_mail, today);
    add_days(due, today, 5);
    json_t *x = finalized(&t, a, "1000", "0", due);
    idt_clock(2 * DAY);
    it_login(&t);
    pthread_t th[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&th[i], NULL, run_jobs, &t);
    int ok = 0;
    for (int i = 0; i < 4; i++) {
        void *st;
        pthread_join(th[i], &st);
        ok += (intptr_t)st == 200;
    }
    cr_assert_eq(ok, 4, "four job runs at once all answered");
    json_decref(it_json(&t, 200, "POST", "/api/v1/_test/jobs", NULL));
    json_t *l = notices(&t, "payment_reminder", it_str(x, "id"));
    cr_assert_eq(json_array_size(data(l)), 1, "one reminder");
    const char *nid = it_str(json_array_get(data(l), 0), "id");
    json_t *o = get(&t, "/api/v1/outbox?related_id=%s", nid);
    cr_assert_eq(json_array_size(data(o)), 1, "one mail queued");
    json_decref(o);
    drain(&t);
    cr_assert_eq(count_mails(a_mail, "notification.payment_reminder"), 1);

    /* the wall behind the jobs' claim: the database refuses a second row for the same occurrence */
    char sql[1024];
    snprintf(sql, sizeof sql,
             "INSERT INTO notifications (tenant_id, id, notification_type, subject_id, schedule_key, status, version,"
             " created_at, updated_at) SELECT tenant_id, '01a2ffff-0000-7000-8000-%012x', notification_type, subject_id,"
             " schedule_key, status, 1, created_at, updated_at FROM notifications WHERE id = '%s'",
             (unsigned)getpid(), nid);
    cr_assert_neq(sql_status(sql), 0, "a second row for (payment_reminder, invoice, due-3d) was accepted");
    char *count = idt_sql("SELECT COUNT(*) FROM notifications WHERE subject_id = '%s'"
                          " AND notification_type = 'payment_reminder'", it_str(x, "id"));
    cr_assert_str_eq(count, "1");
    free(count);
    json_decref(l);
    json_decref(x);
    free(a), free(a_mail);
}
