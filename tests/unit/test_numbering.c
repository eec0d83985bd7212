/* tests/unit/test_numbering.c — domain/numbering: series patterns (tokens,
 * literal characters, one {seq}, GST's 16-character limit), numbers in the
 * financial year of the document date, and a series that runs out. */
#include <criterion/criterion.h>
#include <string.h>

#include "core/date.h"
#include "domain/numbering.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

Test(numbering, number_format_fills_the_financial_year_and_the_padded_sequence)
{
    static const struct { const char *pattern; int fy; long long seq; const char *want; } rows[] = {
        {"INV/{fy}/{seq:4}", 2026, 1, "INV/2026-27/0001"},
        {"INV/{fy}/{seq:4}", 2026, 32, "INV/2026-27/0032"},
        {"INV/{fy}/{seq:4}", 2099, 9999, "INV/2099-00/9999"},
        {"INV/{fy_short}/{seq:5}", 2026, 1, "INV/26-27/00001"},
        {"{fy_start}-{fy_end}/{seq}", 2026, 123, "2026-2027/123"},
        {"CN{seq:6}", 2026, 42, "CN000042"},
        {"RCT/{fy}/{seq:4}", 2026, 12345, NULL},   /* 17 characters: the series is exhausted */
    };
    for (size_t i = 0; i < N(rows); i++) {
        char out[NUMBER_MAX_LEN + 1];
        Error e;
        int rc = numbering_format(out, sizeof out, rows[i].pattern, rows[i].fy, rows[i].seq, &e);
        if (rows[i].want) {
            cr_expect_geq(rc, 0, "%s #%lld: %s", rows[i].pattern, rows[i].seq, e.message);
            cr_expect_str_eq(out, rows[i].want);
        } else {
            cr_expect_eq(rc, -ERR_STATE, "%s #%lld should be refused", rows[i].pattern, rows[i].seq);
            cr_expect(strstr(e.message, "exhausted") != NULL, "%s", e.message);
            cr_expect_str_eq(out, "");
        }
    }
}

Test(numbering, series_patterns_are_checked_against_the_gst_limit_of_16_characters)
{
    static const struct { const char *pattern; bool ok; const char *says; } rows[] = {
        {"INV/{fy}/{seq:4}", true, NULL},
        {"INV/{fy_short}/{seq:5}", true, NULL},
        {"{seq}", true, NULL},
        {"INV/{fy}/{seq:5}", false, "17 characters"},   /* INV/2026-27/00001 does not fit */
        {"INV/{fy}", false, "exactly one"},
        {"{seq}/{seq}", false, "exactly one"},
        {"INV {fy} {seq:4}", false, "letters, digits"},
        {"INV#{seq:4}", false, "letters, digits"},
        {"INV/{year}/{seq:4}", false, "unknown token"},
        {"INV/{seq:0}", false, "unknown token"},
        {"INV/{fy/{seq:4}", false, "unknown token"},
        {"INV/{seq:4", false, "without"},
        {"", false, "empty"},
    };
    for (size_t i = 0; i < N(rows); i++) {
        Error e;
        err_clear(&e);
        int rc = numbering_check_pattern(rows[i].pattern, "pattern", &e);
        if (rows[i].ok) {
            cr_expect_eq(rc, 0, "%s: %s", rows[i].pattern, e.message);
        } else {
            cr_expect_eq(rc, -ERR_INVALID, "%s should be refused", rows[i].pattern);
            cr_expect_str_eq(e.field, "pattern");
            cr_expect(strstr(e.message, rows[i].says) != NULL, "%s: \"%s\" should say \"%s\"", rows[i].pattern,
                      e.message, rows[i].says);
        }
    }
}

Test(numbering, the_financial_year_label_follows_the_document_date)
{
    static const struct { int y, m, d, start_month; const char *label; } rows[] = {
        {2026, 4, 1, 4, "2026-27"},    /* India: April to March */
        {2027, 3, 31, 4, "2026-27"},
        {2027, 4, 1, 4, "2027-28"},
        {2026, 12, 31, 1, "2026-27"},  /* calendar years */
        {2026, 6, 30, 7, "2025-26"},   /* July to June */
        {2099, 5, 1, 4, "2099-00"},
    };
    for (size_t i = 0; i < N(rows); i++) {
        char label[8];
        fy_label(label, fy_start_year(date_from_ymd(rows[i].y, rows[i].m, rows[i].d), rows[i].start_month));
        cr_expect_str_eq(label, rows[i].label, "%04d-%02d-%02d", rows[i].y, rows[i].m, rows[i].d);
    }
}

Test(numbering, every_document_type_has_a_default_series)
{
    cr_expect_str_eq(numbering_default_pattern("invoice"), "INV/{fy}/{seq:4}");
    cr_expect_str_eq(numbering_default_pattern("credit_note"), "CN/{fy}/{seq:4}");
    cr_expect_str_eq(numbering_default_pattern("receipt"), "RCT/{fy}/{seq:4}");
    cr_expect_null(numbering_default_pattern("quote"));
    for (const char *t = "invoice"; t; t = strcmp(t, "invoice") == 0 ? "credit_note" : strcmp(t, "credit_note") == 0 ? "receipt" : NULL)
        cr_expect_eq(numbering_check_pattern(numbering_default_pattern(t), "pattern", NULL), 0, "%s", t);
}
