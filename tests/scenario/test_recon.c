/* tests/scenario/test_recon.c — issue 7's acceptance points (reconciliation),
 * on a real server, on both stores: the 12-month 1,200.00 contract and its
 * discrepancies (amount beyond tolerance, duplicate, missing after the due
 * date with the clock moved, over budget), linking (by a contract number in
 * the description; two candidates stay unlinked), idempotent re-matching,
 * alerts (levels, assignee, read -> resolved with a note, critical -> mail in
 * the outbox), resolution (accept with a reason; correcting re-matches),
 * uploads (10 MiB cap, sniffing, SHA-256, bytes round trip, the file kept
 * while a row refers to it), the CSV import, expiry, and the reports.
 *
 * The server's clock is moved to fixed dates (negative offsets from the real
 * time) so that what is "missing" never depends on the day the suite runs, and
 * reset after each test.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "tests/scenario/helpers.h"

static void reset_clock(void)
{
    t_clock(0);
}

TestSuite(recon, .fini = reset_clock);

/* Seconds since the epoch of noon UTC on y-m-d (days_from_civil, Hinnant). */
static long long epoch_noon(int y, int m, int d)
{
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    long long yoe = y - era * 400;
    long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (era * 146097 + doe - 719468) * 86400 + 12 * 3600;
}

/* Moves the server's clock to noon UTC of a date (the tenant's zone is Asia/Kolkata: the same date). */
static void today_is(const char *ymd)
{
    int y, m, d;
    cr_assert_eq(sscanf(ymd, "%d-%d-%d", &y, &m, &d), 3);
    t_clock(epoch_noon(y, m, d) - (long long)time(NULL));
}

/* A request whose status must be `want`; returns the body's JSON (the caller decrefs). */
static const char *token_of(const TestTenant *t)
{
    return t ? t->token : NULL;
}
#define call(t, ...) t_json(token_of(t), __VA_ARGS__)

static const char *sget(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static char *sdup(json_t *o, const char *k)
{
    const char *s = sget(o, k);
    cr_assert(s, "missing %s", k);
    return strdup(s);
}

/* A JSON body: base fields, overridden and extended by extra ("\"key\": value, ..."). */
static char *body_with(json_t *base, const char *extra)
{
    if (extra) {
        char buf[2048];
        snprintf(buf, sizeof buf, "{%s}", extra);
        json_error_t je;
        json_t *more = json_loads(buf, 0, &je);
        cr_assert(more, "bad extra %s: %s", extra, je.text);
        json_object_update(base, more);
        json_decref(more);
    }
    char *s = json_dumps(base, 0);
    json_decref(base);
    return s;
}

static char *contract(const TestTenant *t, const char *number, const char *extra)
{
    json_t *b = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "contract_number", number,
                          "contract_name", "Maintenance", "party_type", "contractor", "contractor_name",
                          "Acme Services", "contract_start_date", "2026-01-15", "contract_end_date", "2027-01-14",
                          "period_amount", "1200.00", "billing_cycle", "monthly", "contract_status", "active");
    char *body = body_with(b, extra);
    json_t *c = call(t, 201, "POST", body, "/api/v1/contracts");
    free(body);
    char *id = sdup(c, "id");
    json_decref(c);
    return id;
}

static char *record(const TestTenant *t, const char *contract_id, const char *number, const char *date,
                    const char *amount, const char *extra)
{
    json_t *b = json_pack("{s:s, s:s, s:s, s:s}", "billing_number", number, "contractor_name", "Acme Services",
                          "billing_date", date, "billing_amount", amount);
    if (contract_id)
        json_object_set_new(b, "contract_id", json_string(contract_id));
    char *body = body_with(b, extra);
    json_t *r = call(t, 201, "POST", body, "/api/v1/billing_records");
    free(body);
    char *id = sdup(r, "id");
    json_decref(r);
    return id;
}

/* The record's matching result. */
static json_t *result_of(const TestTenant *t, const char *record_id)
{
    json_t *l = call(t, 200, "GET", NULL,
                     "/api/v1/matching_results?billing_record_id=%s&resolution[ne]=no_longer_applies", record_id);
    json_t *data = json_object_get(l, "data");
    cr_assert_eq(json_array_size(data), 1, "one current result per record");
    json_t *r = json_incref(json_array_get(data, 0));
    json_decref(l);
    return r;
}

static bool has_kind(json_t *result, const char *kind)
{
    json_t *d = json_object_get(result, "discrepancy_details");
    for (size_t i = 0; i < json_array_size(d); i++)
        if (strcmp(sget(json_array_get(d, i), "kind"), kind) == 0)
            return true;
    return false;
}

static size_t count(const TestTenant *t, const char *path)
{
    json_t *l = call(t, 200, "GET", NULL, "%s", path);
    size_t n = json_array_size(json_object_get(l, "data"));
    json_decref(l);
    return n;
}

static void settings(const TestTenant *t, const char *body)
{
    json_decref(call(t, 200, "POST", body, "/api/v1/reconciliation/settings"));
}

/* contract_end_date is the last day (2027-01-14, docs/billing-rules.md §2); computed periods are
 * half-open, so the last period is [2026-12-15, 2027-01-15): it ends 2027-01-15. */
Test(recon, the_12_month_contract_has_12_periods_ending_2027_01_15)
{
    TestTenant t;
    t_signup(&t, NULL);
    today_is("2026-01-20");
    char *c = contract(&t, "CT-A1", NULL);
    json_t *s = call(&t, 200, "GET", NULL, "/api/v1/contracts/%s/schedule", c);
    json_t *periods = json_object_get(s, "periods");
    cr_assert_eq(json_array_size(periods), 12);
    json_t *last = json_array_get(periods, 11);
    cr_expect_str_eq(sget(last, "period_start"), "2026-12-15");
    cr_expect_str_eq(sget(last, "period_end"), "2027-01-15");
    cr_expect_str_eq(sget(last, "expected"), "1200.00");
    cr_expect_str_eq(sget(s, "expected_total"), "14400.00");
    cr_expect_str_eq(sget(s, "contract_amount"), "14400.00");
    cr_expect_str_eq(sget(json_array_get(periods, 0), "status"), "due");
    cr_expect_str_eq(sget(json_array_get(periods, 1), "status"), "upcoming");
    json_decref(s);
    free(c);
}

Test(recon, march_billed_1250_with_a_2pct_tolerance_is_mismatched_by_50_with_a_warning)
{
    TestTenant t;
    t_signup(&t, NULL);
    today_is("2026-03-20");
    settings(&t, "{\"amount_tolerance_percent\": \"2\"}");
    char *c = contract(&t, "CT-A2", NULL);
    char *jan = record(&t, c, "B-1", "2026-01-15", "1200.00", NULL);
    char *feb = record(&t, c, "B-2", "2026-02-15", "1224.00", NULL);   /* within 2% */
    char *mar = record(&t, c, "B-3", "2026-03-15", "1250.00", NULL);
    json_t *r = result_of(&t, jan);
    cr_expect_str_eq(sget(r, "matching_status"), "matched");
    json_decref(r);
    r = result_of(&t, feb);
    cr_expect_str_eq(sget(r, "matching_status"), "matched");
    cr_expect_str_eq(sget(r, "amount_difference"), "24.00");
    json_decref(r);
    r = result_of(&t, mar);
    cr_expect_str_eq(sget(r, "matching_status"), "mismatched");
    cr_expect_str_eq(sget(r, "amount_difference"), "50.00");
    cr_expect_str_eq(sget(r, "expected_amount"), "1200.00");
    cr_expect_str_eq(sget(r, "period_start"), "2026-03-15");
    json_t *d = json_array_get(json_object_get(r, "discrepancy_details"), 0);
    cr_expect_str_eq(sget(d, "kind"), "amount_mismatch");
    cr_expect_str_eq(sget(d, "direction"), "over");
    cr_expect_str_eq(sget(d, "tolerance"), "24.00");
    cr_expect_str_eq(sget(d, "difference"), "50.00");
    json_decref(r);
    json_t *a = call(&t, 200, "GET", NULL, "/api/v1/alerts?billing_record_id=%s", mar);
    json_t *al = json_array_get(json_object_get(a, "data"), 0);
    cr_assert_eq(json_array_size(json_object_get(a, "data")), 1);
    cr_expect_str_eq(sget(al, "alert_type"), "amount_mismatch");
    cr_expect_str_eq(sget(al, "alert_level"), "warning");
    cr_expect_str_eq(sget(al, "assigned_to"), t.user_id, "the contract's creator, without owner or default user");
    json_decref(a);
    free(c);
    free(jan);
    free(feb);
    free(mar);
}

Test(recon, the_same_march_billed_twice_is_a_duplicate_and_critical_alerts_mail_the_assignee)
{
    TestTenant t;
    t_signup(&t, NULL);
    today_is("2026-03-25");
    char *c = contract(&t, "CT-A3", NULL);
    char *first = record(&t, c, "B-1", "2026-03-15", "1250.00", NULL);
    char *second = record(&t, c, "B-1b", "2026-03-18", "1250.00", NULL);
    json_t *r = result_of(&t, second);
    cr_expect_str_eq(sget(r, "matching_status"), "mismatched");
    cr_expect(has_kind(r, "duplicate_period"));
    cr_expect_str_eq(sget(r, "amount_difference"), "1250.00", "nothing more was expected for March");
    json_t *d = json_array_get(json_object_get(r, "discrepancy_details"), 0);
    cr_expect_str_eq(sget(d, "first_billing_record_id"), first);
    json_decref(r);
    json_t *a = call(&t, 200, "GET", NULL, "/api/v1/alerts?billing_record_id=%s&alert_type=duplicate_period", second);
    json_t *al = json_array_get(json_object_get(a, "data"), 0);
    cr_assert(al);
    cr_expect_str_eq(sget(al, "alert_level"), "critical");
    json_t *o = call(&t, 200, "GET", NULL, "/api/v1/outbox?related_id=%s", sget(al, "id"));
    json_t *m = json_array_get(json_object_get(o, "data"), 0);
    cr_assert(m, "a critical alert queues a mail");
    cr_expect_str_eq(sget(m, "kind"), "mail");
    cr_expect_str_eq(sget(m, "recipient"), t.email);
    cr_expect_str_eq(sget(m, "subject"), sget(al, "alert_title"));
    json_decref(o);
    json_decref(a);
    free(c);
    free(first);
    free(second);
}

Test(recon, april_unbilled_after_its_due_date_is_missing)
{
    TestTenant t;
    t_signup(&t, NULL);
    today_is("2026-04-20");
    char *c = contract(&t, "CT-A4", NULL);
    free(record(&t, c, "B-1", "2026-01-15", "1200.00", NULL));
    free(record(&t, c, "B-2", "2026-02-15", "1200.00", NULL));
    free(record(&t, c, "B-3", "2026-03-15", "1200.00", NULL));
    /* April's period [04-15, 05-15) is due 30 days after 04-15: 2026-05-15 */
    json_decref(call(&t, 200, "POST", NULL, "/api/v1/contracts/%s/match", c));
    cr_expect_eq(count(&t, "/api/v1/matching_results?is_resolved=false&billing_record_id[null]=true"), 0,
                 "January to March were missing until billed; April is not due");
    today_is("2026-05-15");
    json_decref(call(&t, 200, "POST", NULL, "/api/v1/contracts/%s/match", c));
    cr_expect_eq(count(&t, "/api/v1/matching_results?is_resolved=false&billing_record_id[null]=true"), 0,
                 "due today is not late");
    today_is("2026-05-16");
    json_t *m = call(&t, 200, "POST", NULL, "/api/v1/contracts/%s/match", c);
    cr_expect_eq(json_integer_value(json_object_get(json_object_get(m, "stats"), "missing_periods")), 1);
    json_decref(m);
    json_t *l = call(&t, 200, "GET", NULL,
                     "/api/v1/matching_results?contract_id=%s&billing_record_id[null]=true&is_resolved=false", c);
    json_t *r = json_array_get(json_object_get(l, "data"), 0);
    cr_assert(r);
    cr_expect_str_eq(sget(r, "matching_status"), "unmatched");
    cr_expect_str_eq(sget(r, "period_start"), "2026-04-15");
    cr_expect_str_eq(sget(r, "amount_difference"), "-1200.00");
    cr_expect(has_kind(r, "missing_period"));
    json_decref(l);
    cr_expect_eq(count(&t, "/api/v1/alerts?alert_type=missing_period&is_resolved=false"), 1);
    /* billing April closes the result and its alert */
    free(record(&t, c, "B-4", "2026-04-15", "1200.00", NULL));
    cr_expect_eq(count(&t, "/api/v1/alerts?alert_type=missing_period&is_resolved=false"), 0);
    l = call(&t, 200, "GET", NULL, "/api/v1/matching_results?contract_id=%s&billing_record_id[null]=true", c);
    r = json_array_get(json_object_get(l, "data"), 0);   /* newest first: April's */
    cr_expect_str_eq(sget(r, "resolution"), "no_longer_applies");
    cr_expect(json_is_true(json_object_get(r, "is_resolved")));
    json_decref(l);
    free(c);
}

Test(recon, a_running_total_above_14400_is_over_budget)
{
    TestTenant t;
    t_signup(&t, NULL);
    today_is("2026-06-01");
    char *c = contract(&t, "CT-A5", NULL);
    char *big = record(&t, c, "B-1", "2026-01-15", "14000.00", NULL);
    json_t *r = result_of(&t, big);
    cr_expect_not(has_kind(r, "over_budget"), "14,000.00 is within 14,400.00");
    json_decref(r);
    char *more = record(&t, c, "B-2", "2026-02-15", "1200.00", NULL);
    r = result_of(&t, more);
    cr_expect_str_eq(sget(r, "matching_status"), "mismatched");
    cr_assert(has_kind(r, "over_budget"));
    json_t *d = json_object_get(r, "discrepancy_details");
    json_t *ob = json_array_get(d, json_array_size(d) - 1);
    cr_expect_str_eq(sget(ob, "contract_amount"), "14400.00");
    cr_expect_str_eq(sget(ob, "billed_to_date"), "15200.00");
    cr_expect_str_eq(sget(ob, "excess"), "800.00");
    json_decref(r);
    cr_expect_eq(count(&t, "/api/v1/alerts?alert_type=over_budget&alert_level=critical"), 1);
    free(c);
    free(big);
    free(more);
}

Test(recon, a_contract_number_in_the_description_links_an_unlinked_record)
{
    TestTenant t;
    t_signup(&t, NULL);
    today_is("2026-04-01");
    char *c = contract(&t, "CT-2026-001", NULL);
    char *other = contract(&t, "CT-2026-777", "\"contractor_name\": \"Zenith Ltd\"");
    json_t *r = call(&t, 201, "POST",
                     "{\"billing_number\": \"INV-88\", \"contractor_name\": \"Someone Else\", \"billing_date\":"
                     " \"2026-03-15\", \"billing_amount\": \"1200.00\", \"billing_description\":"
                     " \"March maintenance as per contract ct-2026-001.\"}",
                     "/api/v1/billing_records");
    cr_expect_str_eq(sget(r, "contract_id"), c);
    cr_expect_str_eq(sget(r, "link_status"), "linked");
    cr_expect_str_eq(sget(r, "link_method"), "description");
    json_t *res = result_of(&t, sget(r, "id"));
    cr_expect_str_eq(sget(res, "matching_status"), "matched");
    cr_expect_str_eq(sget(res, "contract_id"), c);
    json_decref(res);
    json_decref(r);
    free(c);
    free(other);
}

Test(recon, a_record_fitting_two_contracts_stays_unlinked_with_both_candidates)
{
    TestTenant t;
    t_signup(&t, NULL);
    today_is("2026-04-01");
    char *a = contract(&t, "CT-B1", NULL);
    char *b = contract(&t, "CT-B2", "\"contract_start_date\": \"2026-03-01\", \"contract_end_date\": \"2026-08-31\"");
    json_t *r = call(&t, 201, "POST",
                     "{\"billing_number\": \"INV-9\", \"contractor_name\": \"ACME   services\", \"billing_date\":"
                     " \"2026-03-20\", \"billing_amount\": \"1200.00\", \"billing_description\": \"Monthly fee\"}",
                     "/api/v1/billing_records");
    cr_expect(json_is_null(json_object_get(r, "contract_id")));
    cr_expect_str_eq(sget(r, "link_status"), "unlinked");
    json_t *cands = json_object_get(r, "link_candidates");
    cr_assert_eq(json_array_size(cands), 2);
    const char *c0 = sget(json_array_get(cands, 0), "contract_id"), *c1 = sget(json_array_get(cands, 1), "contract_id");
    cr_expect((strcmp(c0, a) == 0 && strcmp(c1, b) == 0) || (strcmp(c0, b) == 0 && strcmp(c1, a) == 0));
    cr_expect_eq(count(&t, "/api/v1/billing_records?link_status=unlinked"), 1, "the unlinked queue");
    json_t *res = result_of(&t, sget(r, "id"));
    cr_expect_str_eq(sget(res, "matching_status"), "unmatched");
    cr_expect(has_kind(res, "unlinked_record"));
    json_decref(res);
    cr_expect_eq(count(&t, "/api/v1/alerts?alert_type=unlinked_record&is_resolved=false"), 1);
    /* linking it by hand moves its result to the contract and closes the unlinked alert */
    char body[200];
    snprintf(body, sizeof body, "{\"contract_id\": \"%s\"}", a);
    json_t *p = call(&t, 200, "PATCH", body, "/api/v1/billing_records/%s", sget(r, "id"));
    cr_expect_str_eq(sget(p, "link_method"), "manual");
    json_decref(p);
    res = result_of(&t, sget(r, "id"));
    cr_expect_str_eq(sget(res, "contract_id"), a);
    cr_expect_str_eq(sget(res, "matching_status"), "matched");
    json_decref(res);
    cr_expect_eq(count(&t, "/api/v1/alerts?alert_type=unlinked_record&is_resolved=false"), 0);
    json_decref(r);
    free(a);
    free(b);
}

Test(recon, rerunning_matching_twice_creates_no_new_results_or_alerts)
{
    TestTenant t;
    t_signup(&t, NULL);
    today_is("2026-06-20");
    char *c = contract(&t, "CT-R1", NULL);
    free(record(&t, c, "B-1", "2026-01-15", "1200.00", NULL));
    free(record(&t, c, "B-2", "2026-03-15", "1250.00", NULL));
    free(record(&t, c, "B-3", "2026-03-16", "1250.00", NULL));
    free(record(&t, NULL, "B-4", "2026-03-16", "10.00", "\"contractor_name\": \"Nobody\""));
    size_t results = count(&t, "/api/v1/matching_results?limit=500");
    size_t alerts = count(&t, "/api/v1/alerts?limit=500");
    json_t *l = call(&t, 200, "GET", NULL, "/api/v1/matching_results?limit=500");
    char *before = json_dumps(l, JSON_SORT_KEYS);
    json_decref(l);
    for (int i = 0; i < 2; i++) {
        json_t *m = call(&t, 200, "POST", NULL, "/api/v1/reconciliation/match");
        json_t *st = json_object_get(m, "stats");
        cr_expect_eq(json_integer_value(json_object_get(st, "results_created")), 0, "run %d", i);
        cr_expect_eq(json_integer_value(json_object_get(st, "results_updated")), 0, "run %d", i);
        cr_expect_eq(json_integer_value(json_object_get(st, "results_closed")), 0, "run %d", i);
        cr_expect_eq(json_integer_value(json_object_get(st, "alerts_raised")), 0, "run %d", i);
        cr_expect_eq(json_integer_value(json_object_get(st, "alerts_reopened")), 0, "run %d", i);
        cr_expect_eq(json_integer_value(json_object_get(st, "alerts_resolved")), 0, "run %d", i);
        cr_expect_gt(json_integer_value(json_object_get(st, "results_unchanged")), 0);
        json_decref(m);
        json_decref(call(&t, 200, "POST", NULL, "/api/v1/contracts/%s/match", c));
    }
    cr_expect_eq(count(&t, "/api/v1/matching_results?limit=500"), results);
    cr_expect_eq(count(&t, "/api/v1/alerts?limit=500"), alerts);
    l = call(&t, 200, "GET", NULL, "/api/v1/matching_results?limit=500");
    char *after = json_dumps(l, JSON_SORT_KEYS);
    json_decref(l);
    cr_expect_str_eq(after, before, "not even a version or a timestamp changes");
    free(before);
    free(after);
    free(c);
}

Test(recon, alerts_go_read_then_resolved_with_a_required_note)
{
    TestTenant t;
    t_signup(&t, NULL);
    today_is("2026-03-20");
    char *c = contract(&t, "CT-C1", NULL);
    char *mar = record(&t, c, "B-3", "2026-03-15", "1250.00", NULL);
    json_t *a = call(&t, 200, "GET", NULL, "/api/v1/alerts?billing_record_id=%s", mar);
    char *id = sdup(json_array_get(json_object_get(a, "data"), 0), "id");
    json_decref(a);
    json_t *e = call(&t, 422, "POST", "{}", "/api/v1/alerts/%s/resolve", id);
    cr_expect_str_eq(sget(json_object_get(e, "error"), "field"), "note");
    json_decref(e);
    json_decref(call(&t, 422, "POST", "{\"note\": \"   \"}", "/api/v1/alerts/%s/resolve", id));
    json_t *r = call(&t, 200, "POST", NULL, "/api/v1/alerts/%s/read", id);
    cr_expect(json_is_true(json_object_get(r, "is_read")));
    cr_expect_str_eq(sget(r, "read_by"), t.user_id);
    cr_expect(json_is_false(json_object_get(r, "is_resolved")));
    json_decref(r);
    r = call(&t, 200, "POST", "{\"note\": \"Agreed with Acme: extra visit in March\"}", "/api/v1/alerts/%s/resolve",
             id);
    cr_expect(json_is_true(json_object_get(r, "is_resolved")));
    cr_expect_str_eq(sget(r, "resolution_note"), "Agreed with Acme: extra visit in March");
    cr_expect_str_eq(sget(r, "resolved_by"), t.user_id);
    cr_expect(sget(r, "resolved_at"));
    json_decref(r);
    json_decref(call(&t, 409, "POST", "{\"note\": \"again\"}", "/api/v1/alerts/%s/resolve", id));
    /* a resolved alert stays resolved when matching finds the same thing again */
    json_decref(call(&t, 200, "POST", NULL, "/api/v1/contracts/%s/match", c));
    cr_expect_eq(count(&t, "/api/v1/alerts?alert_type=amount_mismatch&is_resolved=false"), 0);
    cr_expect_eq(count(&t, "/api/v1/audit_logs?entity_type=alerts"), 2, "read and resolve are audited");
    free(id);
    free(c);
    free(mar);
}

Test(recon, a_mismatch_is_accepted_with_a_reason_or_corrected_which_rematches)
{
    TestTenant t;
    t_signup(&t, NULL);
    today_is("2026-03-20");
    char *c = contract(&t, "CT-D1", NULL);
    char *jan = record(&t, c, "B-1", "2026-01-15", "1300.00", NULL);
    char *mar = record(&t, c, "B-3", "2026-03-15", "1250.00", NULL);
    /* accept January's */
    json_t *r = result_of(&t, jan);
    char *rid = sdup(r, "id");
    json_decref(r);
    json_decref(call(&t, 422, "POST", "{}", "/api/v1/matching_results/%s/accept", rid));
    r = call(&t, 200, "POST", "{\"reason\": \"price rise agreed by mail\"}", "/api/v1/matching_results/%s/accept", rid);
    cr_expect_str_eq(sget(r, "resolution"), "accepted");
    cr_expect_str_eq(sget(r, "resolution_note"), "price rise agreed by mail");
    cr_expect_str_eq(sget(r, "resolved_by"), t.user_id);
    cr_expect(json_is_true(json_object_get(r, "is_resolved")));
    json_decref(r);
    json_t *al = call(&t, 200, "GET", NULL, "/api/v1/alerts?matching_result_id=%s", rid);
    json_t *a0 = json_array_get(json_object_get(al, "data"), 0);
    cr_expect(json_is_true(json_object_get(a0, "is_resolved")));
    cr_expect_str_eq(sget(a0, "resolution_note"), "accepted: price rise agreed by mail");
    json_decref(al);
    json_decref(call(&t, 409, "POST", "{\"reason\": \"twice\"}", "/api/v1/matching_results/%s/accept", rid));
    json_decref(call(&t, 200, "POST", NULL, "/api/v1/reconciliation/match"));
    r = result_of(&t, jan);
    cr_expect_str_eq(sget(r, "resolution"), "accepted", "re-matching keeps an acceptance");
    json_decref(r);
    /* correct March's record: it re-matches, and the result is resolved as corrected by the user */
    json_decref(call(&t, 200, "PATCH", "{\"billing_amount\": \"1200.00\"}", "/api/v1/billing_records/%s", mar));
    r = result_of(&t, mar);
    cr_expect_str_eq(sget(r, "matching_status"), "matched");
    cr_expect_str_eq(sget(r, "resolution"), "corrected");
    cr_expect_str_eq(sget(r, "resolved_by"), t.user_id);
    json_decref(r);
    cr_expect_eq(count(&t, "/api/v1/alerts?alert_type=amount_mismatch&is_resolved=false"), 0);
    free(rid);
    free(c);
    free(jan);
    free(mar);
}

/* ---- uploads ---- */

static long upload(const TestTenant *t, const char *path, const char *ctype, const void *data, size_t len,
                   json_t **out)
{
    char auth[600], ip[100], ct[200];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", t->token);
    snprintf(ip, sizeof ip, "X-Remit-Test-Ip: %s", t_ip());
    snprintf(ct, sizeof ct, "Content-Type: %s", ctype);
    const char *hdrs[] = {auth, ip, ct, NULL};
    HttpResult r;
    memset(&r, 0, sizeof r);
    HttpRequest req = {.base = t_base(), .method = "POST", .path = path, .headers = hdrs, .body = data,
                       .body_len = len, .timeout_ms = 120000};
    cr_assert_eq(http_call_ex(&r, &req), 0, "%s: %s", path, r.error);
    long st = r.status;
    if (out)
        *out = r.json ? json_incref(r.json) : NULL;
    http_result_free(&r);
    return st;
}

static const char pdf[] = "%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";

Test(recon, a_file_over_10_mib_is_refused_with_413_and_10_mib_is_taken)
{
    TestTenant t;
    t_signup(&t, NULL);
    char *c = contract(&t, "CT-F1", NULL);
    size_t cap = 10u * 1024 * 1024;
    char *big = calloc(cap + 1, 1);
    memcpy(big, pdf, sizeof pdf - 1);
    char path[300];
    snprintf(path, sizeof path, "/api/v1/contracts/%s/files?file_name=big.pdf", c);
    json_t *j = NULL;
    cr_expect_eq(upload(&t, path, "application/pdf", big, cap + 1, &j), 413);
    cr_expect_str_eq(sget(json_object_get(j, "error"), "code"), "too_large");
    json_decref(j);
    cr_expect_eq(upload(&t, path, "application/pdf", big, cap, &j), 201);
    cr_expect_eq(json_integer_value(json_object_get(j, "file_size")), (json_int_t)cap);
    json_decref(j);
    free(big);
    free(c);
}

Test(recon, a_file_claiming_pdf_that_is_not_a_pdf_is_refused)
{
    TestTenant t;
    t_signup(&t, NULL);
    char *c = contract(&t, "CT-F2", NULL);
    char path[300];
    snprintf(path, sizeof path, "/api/v1/contracts/%s/files?file_name=invoice.pdf", c);
    static const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
    static const unsigned char exe[] = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0};
    json_t *j = NULL;
    cr_expect_eq(upload(&t, path, "application/pdf", png, sizeof png, &j), 415);
    cr_expect_str_eq(sget(json_object_get(j, "error"), "code"), "unsupported_media_type");
    json_decref(j);
    cr_expect_eq(upload(&t, path, "application/pdf", "just some words\n", 16, NULL), 415);
    cr_expect_eq(upload(&t, path, "application/octet-stream", exe, sizeof exe, NULL), 415);
    cr_expect_eq(upload(&t, path, "application/pdf", "", 0, NULL), 422);
    /* the same PNG, claimed as what it is (or as nothing), is taken with its sniffed type */
    cr_expect_eq(upload(&t, path, "application/octet-stream", png, sizeof png, &j), 201);
    cr_expect_str_eq(sget(j, "file_type"), "image/png");
    json_decref(j);
    cr_expect_eq(count(&t, "/api/v1/contract_files"), 1);
    free(c);
}

Test(recon, downloaded_bytes_equal_uploaded_and_the_file_stays_while_a_row_refers_to_it)
{
    TestTenant t;
    t_signup(&t, NULL);
    char *c = contract(&t, "CT-F3", NULL);   /* the clock stays real: the sweep compares file ages with it */
    char *rec = record(&t, c, "B-1", "2026-01-15", "1200.00", NULL);
    unsigned char bytes[4096];
    memcpy(bytes, pdf, sizeof pdf - 1);
    for (size_t i = sizeof pdf - 1; i < sizeof bytes; i++)
        bytes[i] = (unsigned char)(i * 131 + 7);   /* every byte value, including NUL */
    char path[300];
    json_t *a = NULL, *b = NULL;
    snprintf(path, sizeof path, "/api/v1/contracts/%s/files?file_name=..%%2F..%%2Fsigned%%20copy.pdf", c);
    cr_assert_eq(upload(&t, path, "application/pdf", bytes, sizeof bytes, &a), 201);
    snprintf(path, sizeof path, "/api/v1/billing_records/%s/files?file_name=bill.pdf", rec);
    cr_assert_eq(upload(&t, path, "application/pdf", bytes, sizeof bytes, &b), 201);
    cr_expect_str_eq(sget(a, "file_name"), "signed copy.pdf", "only the last path component is kept");
    cr_expect_str_eq(sget(a, "sha256"), sget(b, "sha256"));
    cr_expect_str_eq(sget(a, "file_path"), sget(b, "file_path"), "the same bytes are stored once");
    cr_expect_eq(strlen(sget(a, "sha256")), 64);
    /* the download is the upload, byte for byte */
    char auth[600];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", t.token);
    const char *hdrs[] = {auth, NULL};
    HttpResult r;
    char dl[300];
    snprintf(dl, sizeof dl, "/api/v1/contract_files/%s/download", sget(a, "id"));
    cr_assert_eq(http_call(&r, t_base(), "GET", dl, hdrs, NULL), 0);
    cr_expect_eq(r.status, 200);
    cr_expect_eq(r.body_len, sizeof bytes);
    cr_expect_eq(memcmp(r.body, bytes, sizeof bytes), 0);
    cr_expect_str_eq(http_header(&r, "Content-Type"), "application/pdf");
    cr_expect_str_eq(http_header(&r, "Content-Disposition"), "attachment; filename=\"signed copy.pdf\"");
    http_result_free(&r);
    /* on disk, by hash, under the data directory */
    char file[1200];
    snprintf(file, sizeof file, "%s/data/%s", t_env("REMIT_TEST_WORK"), sget(a, "file_path"));
    struct stat st;
    cr_assert_eq(stat(file, &st), 0, "%s", file);
    cr_expect_eq((size_t)st.st_size, sizeof bytes);
    /* deleting one row keeps the file: the other refers to it */
    json_decref(call(&t, 204, "DELETE", NULL, "/api/v1/contract_files/%s", sget(a, "id")));
    t_sh(NULL, 0, "touch -d '3 days ago' '%s'", file);
    json_decref(call(&t, 200, "POST", NULL, "/api/v1/reconciliation/daily"));
    cr_expect_eq(stat(file, &st), 0, "still referred to by the billing file");
    snprintf(dl, sizeof dl, "/api/v1/billing_files/%s/download", sget(b, "id"));
    cr_assert_eq(http_call(&r, t_base(), "GET", dl, hdrs, NULL), 0);
    cr_expect_eq(r.status, 200);
    cr_expect_eq(memcmp(r.body, bytes, sizeof bytes), 0);
    http_result_free(&r);
    /* once no row refers to it, the daily job removes it (after the grace period) */
    json_decref(call(&t, 204, "DELETE", NULL, "/api/v1/billing_files/%s", sget(b, "id")));
    json_t *d = call(&t, 200, "POST", NULL, "/api/v1/reconciliation/daily");
    cr_expect_eq(json_integer_value(json_object_get(json_object_get(d, "stats"), "files_removed")), 1);
    json_decref(d);
    cr_expect_neq(stat(file, &st), 0, "the file is gone");
    json_decref(a);
    json_decref(b);
    free(c);
    free(rec);
}

/* ---- import, expiry, reports ---- */

static long post_csv(const TestTenant *t, const char *query, const char *csv, json_t **out)
{
    char path[600];
    snprintf(path, sizeof path, "/api/v1/billing_records/import%s", query);
    return upload(t, path, "text/csv", csv, strlen(csv), out);
}

Test(recon, a_csv_import_maps_columns_reports_row_errors_and_is_all_or_nothing)
{
    TestTenant t;
    t_signup(&t, NULL);
    today_is("2026-05-01");
    char *c = contract(&t, "CT-I1", NULL);
    const char *q = "?billing_number=Invoice%20No&billing_date=Date&billing_amount=Amount&contractor_name=Vendor"
                    "&billing_description=Notes";
    const char *bad = "Invoice No,Date,Amount,Vendor,Notes\n"
                      "I-1,2026-01-15,1200.00,Acme Services,CT-I1 january\n"
                      "I-2,2026-02-15,1200.005,Acme Services,CT-I1 february\n"
                      "I-1,2026-03-15,1200.00,Acme Services,\"CT-I1, march\"\n"
                      "I-4,15/04/2026,1200.00,Acme Services,CT-I1\n";
    json_t *j = NULL;
    cr_assert_eq(post_csv(&t, q, bad, &j), 422);
    json_t *errs = json_object_get(j, "errors");
    cr_assert_eq(json_array_size(errs), 3, "%s", json_dumps(j, 0));
    cr_expect_eq(json_integer_value(json_object_get(json_array_get(errs, 0), "row")), 3);
    cr_expect_str_eq(sget(json_array_get(errs, 0), "column"), "Amount");
    cr_expect_str_eq(sget(json_array_get(errs, 0), "code"), "too_precise");
    cr_expect_str_eq(sget(json_array_get(errs, 1), "code"), "duplicate");
    cr_expect_str_eq(sget(json_array_get(errs, 2), "field"), "billing_date");
    json_decref(j);
    cr_expect_eq(count(&t, "/api/v1/billing_records"), 0, "nothing half-imported");
    const char *good = "Invoice No,Date,Amount,Vendor,Notes\n"
                       "I-1,2026-01-15,1200.00,Acme Services,CT-I1 january\n"
                       "I-2,2026-02-15,1200.00,Acme Services,CT-I1 february\n"
                       "I-3,2026-03-15,1250.00,Acme Services,\"CT-I1, march\"\n";
    cr_assert_eq(post_csv(&t, "?dry_run=true&billing_number=Invoice%20No&billing_date=Date&billing_amount=Amount"
                              "&contractor_name=Vendor&billing_description=Notes", good, &j), 200);
    cr_expect_eq(json_integer_value(json_object_get(j, "rows")), 3);
    json_decref(j);
    cr_expect_eq(count(&t, "/api/v1/billing_records"), 0, "a dry run keeps nothing");
    cr_assert_eq(post_csv(&t, q, good, &j), 201);
    cr_expect_eq(json_integer_value(json_object_get(j, "imported")), 3);
    json_decref(j);
    cr_expect_eq(count(&t, "/api/v1/billing_records?link_status=linked"), 3, "linked by the number in the notes");
    cr_expect_eq(count(&t, "/api/v1/matching_results?matching_status=mismatched"), 1);
    cr_assert_eq(post_csv(&t, "?billing_amount=Total", good, &j), 422);
    cr_expect_str_eq(sget(json_object_get(j, "error"), "field"), "billing_amount");
    json_decref(j);
    free(c);
}

Test(recon, the_daily_job_expires_contracts_and_warns_before_the_end)
{
    TestTenant t;
    t_signup(&t, NULL);
    today_is("2026-05-10");
    settings(&t, "{\"expiry_notice_days\": 10, \"level_contract_expiry\": \"warning\"}");
    char *soon = contract(&t, "CT-E1", "\"contract_start_date\": \"2026-05-01\", \"contract_end_date\": \"2026-05-18\","
                                       " \"billing_cycle\": \"one_off\"");
    char *later = contract(&t, "CT-E2", "\"contract_start_date\": \"2026-05-01\", \"contract_end_date\": \"2026-06-18\","
                                        " \"billing_cycle\": \"one_off\"");
    json_t *d = call(&t, 200, "POST", NULL, "/api/v1/reconciliation/daily");
    cr_expect_eq(json_integer_value(json_object_get(json_object_get(d, "stats"), "expiry_alerts")), 1);
    json_decref(d);
    json_t *a = call(&t, 200, "GET", NULL, "/api/v1/alerts?alert_type=contract_expiry");
    json_t *al = json_array_get(json_object_get(a, "data"), 0);
    cr_assert_eq(json_array_size(json_object_get(a, "data")), 1);
    cr_expect_str_eq(sget(al, "contract_id"), soon);
    cr_expect_str_eq(sget(al, "alert_level"), "warning");
    json_decref(a);
    d = call(&t, 200, "POST", NULL, "/api/v1/reconciliation/daily");
    cr_expect_eq(json_integer_value(json_object_get(json_object_get(d, "stats"), "expiry_alerts")), 0, "once");
    json_decref(d);
    today_is("2026-05-18");   /* its last day: still active */
    json_decref(call(&t, 200, "POST", NULL, "/api/v1/reconciliation/daily"));
    json_t *c = call(&t, 200, "GET", NULL, "/api/v1/contracts/%s", soon);
    cr_expect_str_eq(sget(c, "contract_status"), "active");
    json_decref(c);
    today_is("2026-05-19");
    json_decref(call(&t, 200, "POST", NULL, "/api/v1/reconciliation/daily"));
    c = call(&t, 200, "GET", NULL, "/api/v1/contracts/%s", soon);
    cr_expect_str_eq(sget(c, "contract_status"), "expired");
    json_decref(c);
    c = call(&t, 200, "GET", NULL, "/api/v1/contracts/%s", later);
    cr_expect_str_eq(sget(c, "contract_status"), "active");
    json_decref(c);
    json_decref(call(&t, 422, "PATCH", "{\"contract_status\": \"expired\"}", "/api/v1/contracts/%s", later));
    free(soon);
    free(later);
}

Test(recon, reports_show_expected_billed_paid_open_discrepancies_and_leakage)
{
    TestTenant t;
    t_signup(&t, NULL);
    today_is("2026-05-10");
    json_t *cu = call(&t, 201, "POST", "{\"name\": \"Globex\", \"currency\": \"INR\"}", "/api/v1/customers");
    char *cust = sdup(cu, "id");
    json_decref(cu);
    char extra[300];
    snprintf(extra, sizeof extra,
             "\"party_type\": \"customer\", \"customer_id\": \"%s\", \"contract_start_date\": \"2026-01-01\","
             " \"contract_end_date\": \"2026-12-31\", \"payment_terms\": 15", cust);
    char *c = contract(&t, "CT-L1", extra);
    /* invoiced January in full, February in part, nothing since: March and April are past due */
    free(record(&t, c, "INV-1", "2026-01-01", "1200.00", "\"paid_amount\": \"1200.00\""));
    free(record(&t, c, "INV-2", "2026-02-01", "700.00", NULL));
    json_t *s = call(&t, 200, "GET", NULL, "/api/v1/contracts/%s/schedule", c);
    json_t *p = json_object_get(s, "periods");
    cr_expect_str_eq(sget(json_array_get(p, 0), "status"), "billed");
    cr_expect_str_eq(sget(json_array_get(p, 0), "paid"), "1200.00");
    cr_expect_str_eq(sget(json_array_get(p, 1), "status"), "partial");
    cr_expect_str_eq(sget(json_array_get(p, 2), "status"), "missing");
    cr_expect_str_eq(sget(json_array_get(p, 3), "status"), "missing");
    cr_expect_str_eq(sget(json_array_get(p, 4), "status"), "due");
    cr_expect_str_eq(sget(json_array_get(p, 5), "status"), "upcoming");
    cr_expect_str_eq(sget(s, "expected_to_date"), "6000.00");
    cr_expect_str_eq(sget(s, "billed_to_date"), "1900.00");
    cr_expect_str_eq(sget(s, "paid_to_date"), "1200.00");
    json_decref(s);
    json_t *l = call(&t, 200, "GET", NULL, "/api/v1/reports/leakage");
    json_t *row = json_array_get(json_object_get(l, "data"), 0);
    cr_assert(row);
    cr_expect_str_eq(sget(row, "customer_id"), cust);
    cr_expect_str_eq(sget(row, "customer_name"), "Globex");
    cr_expect_str_eq(sget(row, "expected_to_date"), "6000.00");
    cr_expect_str_eq(sget(row, "invoiced_to_date"), "1900.00");
    cr_expect_str_eq(sget(row, "leakage"), "2900.00", "February's 500.00 and March's and April's 1,200.00");
    cr_expect_eq(json_integer_value(json_object_get(row, "missing_periods")), 2);
    json_decref(l);
    json_t *d = call(&t, 200, "GET", NULL, "/api/v1/reports/discrepancies");
    json_t *by = json_object_get(d, "by_type_and_level");
    bool missing = false, under = false;
    for (size_t i = 0; i < json_array_size(by); i++) {
        json_t *e = json_array_get(by, i);
        if (strcmp(sget(e, "alert_type"), "missing_period") == 0) {
            missing = true;
            cr_expect_eq(json_integer_value(json_object_get(e, "count")), 2);
            cr_expect_str_eq(sget(e, "alert_level"), "warning");
        }
        if (strcmp(sget(e, "alert_type"), "amount_mismatch") == 0)
            under = true;
    }
    cr_expect(missing && under);
    cr_expect_eq(json_integer_value(json_object_get(d, "open_alerts")), 3);
    json_decref(d);
    free(c);
    free(cust);
}

Test(recon, another_tenant_reaches_no_contract_file_result_or_alert_through_the_actions)
{
    TestTenant a, b;
    t_signup(&a, NULL);
    t_signup(&b, NULL);
    char *c = contract(&a, "CT-T1", NULL);
    char *rec = record(&a, c, "B-1", "2026-03-15", "1250.00", NULL);
    json_t *r = result_of(&a, rec);
    char *rid = sdup(r, "id");
    json_decref(r);
    json_t *al = call(&a, 200, "GET", NULL, "/api/v1/alerts?billing_record_id=%s", rec);
    char *aid = sdup(json_array_get(json_object_get(al, "data"), 0), "id");
    json_decref(al);
    char path[300];
    json_t *f = NULL;
    snprintf(path, sizeof path, "/api/v1/contracts/%s/files?file_name=a.pdf", c);
    cr_assert_eq(upload(&a, path, "application/pdf", pdf, sizeof pdf - 1, &f), 201);
    char *fid = sdup(f, "id");
    json_decref(f);
    json_decref(call(&b, 404, "GET", NULL, "/api/v1/contracts/%s/schedule", c));
    json_decref(call(&b, 404, "POST", NULL, "/api/v1/contracts/%s/match", c));
    cr_expect_eq(upload(&b, path, "application/pdf", pdf, sizeof pdf - 1, NULL), 404);
    json_decref(call(&b, 404, "GET", NULL, "/api/v1/contract_files/%s/download", fid));
    json_decref(call(&b, 404, "POST", NULL, "/api/v1/alerts/%s/read", aid));
    json_decref(call(&b, 404, "POST", "{\"note\": \"x\"}", "/api/v1/alerts/%s/resolve", aid));
    json_decref(call(&b, 404, "POST", "{\"reason\": \"x\"}", "/api/v1/matching_results/%s/accept", rid));
    char body[200];
    snprintf(body, sizeof body, "{\"contract_id\": \"%s\", \"billing_number\": \"X\", \"billing_date\": \"2026-03-15\","
                                " \"billing_amount\": \"1.00\"}", c);
    json_t *e = call(&b, 422, "POST", body, "/api/v1/billing_records");
    cr_expect_str_eq(sget(json_object_get(e, "error"), "code"), "invalid_reference");
    json_decref(e);
    /* B's whole-tenant run and reports see nothing of A's */
    json_t *m = call(&b, 200, "POST", NULL, "/api/v1/reconciliation/match");
    cr_expect_eq(json_integer_value(json_object_get(json_object_get(m, "stats"), "records")), 0);
    json_decref(m);
    json_t *d = call(&b, 200, "GET", NULL, "/api/v1/reports/discrepancies");
    cr_expect_eq(json_integer_value(json_object_get(d, "open_alerts")), 0);
    json_decref(d);
    r = result_of(&a, rec);
    cr_expect_eq(json_integer_value(json_object_get(r, "version")), 1, "A's result untouched");
    json_decref(r);
    free(c);
    free(rec);
    free(rid);
    free(aid);
    free(fid);
}

/* Leakage reads Remit's own finalized invoices of a customer contract's customer, dated within
 * the contract, at their subtotal (drafts do not count), beside billing records. */
Test(recon, leakage_counts_remit_s_finalized_invoices_of_the_customer)
{
    TestTenant t;
    t_signup(&t, NULL);
    today_is("2026-04-20");
    json_decref(call(&t, 201, "POST",
                     "{\"name\": \"Acme Consulting Pvt Ltd\", \"address\": \"12 MG Road, Pune 411001\","
                     " \"gst_number\": \"27AAPFU0939F1ZV\"}",
                     "/api/v1/company_profiles"));
    json_t *cu = call(&t, 201, "POST", "{\"name\": \"Walk-in Customer\", \"state_code\": \"27\", \"currency\": \"INR\"}",
                      "/api/v1/customers");
    char *cust = sdup(cu, "id");
    json_decref(cu);
    char extra[300];
    snprintf(extra, sizeof extra,
             "\"party_type\": \"customer\", \"customer_id\": \"%s\", \"contract_start_date\": \"2026-01-01\","
             " \"contract_end_date\": \"2026-12-31\", \"payment_terms\": 15", cust);
    free(contract(&t, "CT-INV1", extra));
    /* January and February invoiced by Remit, March only as a draft: March is leakage */
    const char *dates[] = {"2026-01-05", "2026-02-05", "2026-03-05"};
    for (int i = 0; i < 3; i++) {
        char body[300];
        snprintf(body, sizeof body,
                 "{\"customer_id\": \"%s\", \"invoice_date\": \"%s\", \"lines\": [{\"description\": \"Retainer\","
                 " \"rate\": \"1200\", \"tax_rate\": \"18\"}]}", cust, dates[i]);
        json_t *inv = call(&t, 201, "POST", body, "/api/v1/invoices");
        char *id = sdup(inv, "id");
        json_decref(inv);
        if (i < 2)
            json_decref(call(&t, 200, "POST", NULL, "/api/v1/invoices/%s/finalize", id));
        free(id);
    }
    json_t *l = call(&t, 200, "GET", NULL, "/api/v1/reports/leakage");
    cr_expect_str_eq(sget(l, "source"), "invoices+billing_records");
    json_t *row = json_array_get(json_object_get(l, "data"), 0);
    cr_assert(row, "%s", json_dumps(l, 0));
    cr_expect_str_eq(sget(row, "customer_id"), cust);
    cr_expect_str_eq(sget(row, "expected_to_date"), "4800.00", "January to April are billable by 04-20");
    cr_expect_str_eq(sget(row, "invoiced_to_date"), "2400.00", "two finalized invoices at their subtotal");
    cr_expect_str_eq(sget(row, "leakage"), "2400.00", "March and April, past their due dates (03-16, 04-16)");
    json_decref(l);
    free(cust);
}
