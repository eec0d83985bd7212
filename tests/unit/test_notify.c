/* tests/unit/test_notify.c — the pure rules of notifications (domain/notify.c): which payment
 * reminder a daily job sends, which overage thresholds a bucket has reached, and the settings'
 * values. Table-driven: one row per case, each test named after the rule it checks. The flows
 * through the API are tests/scenario/billing_notifications.c. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <string.h>

#include "domain/notify.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static Date D(const char *s)
{
    Date d = 0;
    cr_assert_eq(date_parse(&d, s, strlen(s), "date", NULL), 0, "bad test date %s", s);
    return d;
}

Test(notify, payment_reminders_are_sent_according_to_the_schedule_latest_offset_once_no_stale_burst)
{
    static const int sched[] = {-3, 0, 7, 14};
    typedef struct {
        const char *issued, *today;
        bool due;
        int offset;
        const char *why;
    } Case;
    /* every row: invoice due on 2030-07-16 */
    static const Case rows[] = {
        {"2030-07-01", "2030-07-12", false, 0, "before the first offset's day"},
        {"2030-07-01", "2030-07-13", true, -3, "three days before the due date"},
        {"2030-07-01", "2030-07-15", true, -3, "the -3 reminder is still the latest (sent once: the key)"},
        {"2030-07-01", "2030-07-16", true, 0, "on the due date"},
        {"2030-07-01", "2030-07-22", true, 0, "six days after: still the due-date reminder"},
        {"2030-07-01", "2030-07-23", true, 7, "a week after"},
        {"2030-07-01", "2030-07-30", true, 14, "two weeks after"},
        {"2030-07-01", "2030-08-05", true, 14, "the last offset, six days late: caught up"},
        {"2030-07-01", "2030-08-06", false, 0, "the last offset, seven days late: stale, not sent"},
        {"2030-07-01", "2030-12-31", false, 0, "months later: nothing"},
        {"2030-06-20", "2030-07-25", true, 7, "a job that skipped days sends only the latest offset (0 and -3 never)"},
        {"2030-07-13", "2030-07-13", false, 0, "issued on the -3 day: the issue mail already told them"},
        {"2030-07-14", "2030-07-15", false, 0, "issued after the -3 day: no -3 reminder"},
        {"2030-07-14", "2030-07-16", true, 0, "issued after the -3 day: the due-date reminder comes"},
        {"2030-07-20", "2030-07-22", false, 0, "issued late (backdated, overdue): the due-date day had passed"},
        {"2030-07-20", "2030-07-23", true, 7, "issued late: the next offset after the issue day is sent"},
    };
    for (size_t i = 0; i < N(rows); i++) {
        int off = 999;
        bool due = notify_reminder_due(sched, (int)N(sched), D("2030-07-16"), D(rows[i].issued), D(rows[i].today), &off);
        cr_assert_eq(due, rows[i].due, "row %zu (%s): due %d", i, rows[i].why, due);
        if (due)
            cr_assert_eq(off, rows[i].offset, "row %zu (%s): offset %d, want %d", i, rows[i].why, off, rows[i].offset);
    }
    int off = 0;
    cr_assert(!notify_reminder_due(sched, 0, D("2030-07-16"), D("2030-07-01"), D("2030-07-20"), &off),
              "an empty schedule sends nothing");
    char key[16];
    static const struct { int offset; const char *key; } keys[] = {{-3, "due-3d"}, {0, "due+0d"}, {7, "due+7d"}, {365, "due+365d"}};
    for (size_t i = 0; i < N(keys); i++) {
        notify_reminder_key(key, keys[i].offset);
        cr_assert_str_eq(key, keys[i].key);
    }
}

Test(notify, overage_alerts_are_triggered_when_usage_exceeds_predefined_thresholds)
{
    static const int pcts[] = {50, 80, 100};
    static const struct {
        int64_t used, capacity;
        int reached;
        const char *why;
    } rows[] = {
        {0, 600, 0, "nothing used"},
        {299, 600, 0, "just under 50%"},
        {300, 600, 1, "exactly 50% reaches it"},
        {479, 600, 1, "just under 80%"},
        {480, 600, 2, "exactly 80%"},
        {600, 600, 3, "exactly 100% (no overage yet, all hours used)"},
        {601, 600, 3, "beyond"},
        {1, 0, 3, "no allowance: any use reaches every threshold"},
        {0, 0, 0, "no allowance, no use: nothing"},
        {799, 1000, 1, "79.9% is not 80%: exact, no rounding"},
        {INT64_MAX / 2, INT64_MAX / 2, 3, "no overflow: 128-bit products"},
    };
    for (size_t i = 0; i < N(rows); i++)
        cr_assert_eq(notify_thresholds_reached(pcts, (int)N(pcts), rows[i].used, rows[i].capacity), rows[i].reached,
                     "row %zu (%s)", i, rows[i].why);
    static const int over[] = {100, 120};
    cr_assert_eq(notify_thresholds_reached(over, 2, 719, 600), 1, "119.8%% reaches 100 only");
    cr_assert_eq(notify_thresholds_reached(over, 2, 720, 600), 2, "thresholds above 100%% are overage shares");
}

Test(notify, schedule_settings_take_comma_lists_or_one_number_and_refuse_the_rest)
{
    typedef struct {
        const char *json;
        int lo, hi;
        ErrCode code;
        const char *want;   /* the parsed list, "a,b,c" */
    } Case;
    static const Case rows[] = {
        {"\"-3,0,7,14\"", -365, 365, ERR_OK, "-3,0,7,14"},
        {"\"14, 7 ,0,-3\"", -365, 365, ERR_OK, "-3,0,7,14"},
        {"\"7,7,0\"", -365, 365, ERR_OK, "0,7"},
        {"\"\"", -365, 365, ERR_OK, ""},
        {"30", 0, 365, ERR_OK, "30"},
        {"\"+5\"", -365, 365, ERR_OK, "5"},
        {"\"-3,x\"", -365, 365, ERR_INVALID, NULL},
        {"\"1,,2\"", -365, 365, ERR_INVALID, NULL},
        {"\"1,2,\"", -365, 365, ERR_INVALID, NULL},
        {"\"1.5\"", -365, 365, ERR_INVALID, NULL},
        {"\"-\"", -365, 365, ERR_INVALID, NULL},
        {"\"400\"", -365, 365, ERR_RANGE, NULL},
        {"\"0\"", 1, 1000, ERR_RANGE, NULL},
        {"\"9999999\"", -365, 365, ERR_INVALID, NULL},
        {"[80, 100]", 1, 1000, ERR_TYPE, NULL},
        {"\"80,100\"", 1, 1000, ERR_OK, "80,100"},
        {"true", 1, 1000, ERR_TYPE, NULL},
        {"{\"a\": 1}", 1, 1000, ERR_TYPE, NULL},
        {"\"1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17\"", -365, 365, ERR_RANGE, NULL},
    };
    for (size_t i = 0; i < N(rows); i++) {
        json_t *v = json_loads(rows[i].json, JSON_DECODE_ANY, NULL);
        cr_assert_not_null(v, "bad test JSON %s", rows[i].json);
        int out[NOTIFY_MAX_LIST], n = -1;
        Error e;
        err_clear(&e);
        int rc = notify_parse_list(out, &n, v, rows[i].lo, rows[i].hi, &e);
        json_decref(v);
        if (rows[i].code != ERR_OK) {
            cr_assert_lt(rc, 0, "row %zu (%s): accepted", i, rows[i].json);
            cr_assert_eq(e.code, rows[i].code, "row %zu (%s): code %d (%s)", i, rows[i].json, e.code, e.message);
            cr_assert_str_eq(e.field, "setting_value", "row %zu", i);
            continue;
        }
        cr_assert_eq(rc, 0, "row %zu (%s): refused: %s", i, rows[i].json, e.message);
        char got[128] = "";
        size_t off = 0;
        for (int k = 0; k < n; k++)
            off += (size_t)snprintf(got + off, sizeof got - off, "%s%d", k ? "," : "", out[k]);
        cr_assert_str_eq(got, rows[i].want, "row %zu (%s)", i, rows[i].json);
    }
}
