/* tests/unit/test_recon_link.c — domain/link.c: linking a billing record that
 * arrives without a contract. Linked only when one contract is certain (by
 * number, by a number in the text, by party and period); otherwise candidates
 * ranked by their evidence. */
#include <criterion/criterion.h>
#include <string.h>

#include "domain/recon.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static Date D(const char *s)
{
    Date d;
    cr_assert_eq(date_parse(&d, s, strlen(s), "test", NULL), 0, "bad test date %s", s);
    return d;
}

/* Three contracts: two with Acme Services over overlapping periods, one with Zenith. */
static const char *const numbers[] = {"CT-2026-001", "CT-2026-002", "ZX/77"};
static LinkContract cs[3];

static void setup(void)
{
    cs[0] = (LinkContract){.number = numbers[0], .party_key = "contractor:acme services",
                           .period = {D("2026-01-15"), D("2027-01-15")}, .period_amount = 120000, .tolerance = 2400,
                           .active = true};
    cs[1] = (LinkContract){.number = numbers[1], .party_key = "contractor:acme services",
                           .period = {D("2026-03-01"), D("2026-09-01")}, .period_amount = 50000, .tolerance = 1000,
                           .active = true};
    cs[2] = (LinkContract){.number = numbers[2], .party_key = "contractor:zenith",
                           .period = {D("2026-01-01"), D("2026-12-31")}, .period_amount = 120000, .tolerance = 0,
                           .active = false};
}

TestSuite(recon_link, .init = setup);

Test(recon_link, a_contract_number_in_the_description_links_automatically)
{
    LinkRecord r = {.text = "March services as per contract ct-2026-002, thanks", .party_key = "contractor:acme services",
                    .date = D("2026-03-15"), .amount = 120000};
    LinkCandidate out[LINK_MAX_CANDIDATES];
    int n;
    cr_expect_eq(link_rank(out, LINK_MAX_CANDIDATES, &n, &r, cs, 3), 1);
    cr_assert_geq(n, 1);
    cr_expect_eq(out[0].contract, 1);
    cr_expect(out[0].reasons & LINK_NUMBER_IN_TEXT);
}

Test(recon_link, the_contract_number_field_wins_over_everything)
{
    LinkRecord r = {.contract_number = "zx/77", .text = "see CT-2026-001", .party_key = "contractor:acme services",
                    .date = D("2026-03-15"), .amount = 120000};
    LinkCandidate out[LINK_MAX_CANDIDATES];
    int n;
    cr_expect_eq(link_rank(out, LINK_MAX_CANDIDATES, &n, &r, cs, 3), 2);
    cr_expect_eq(out[0].contract, 2);
    cr_expect(out[0].reasons & LINK_NUMBER);
}

Test(recon_link, a_record_fitting_two_contracts_stays_unlinked_with_both_ranked)
{
    /* Acme, dated inside both Acme contracts, no number anywhere. */
    LinkRecord r = {.text = "Monthly maintenance", .party_key = "contractor:acme services", .date = D("2026-04-01"),
                    .amount = 120000};
    LinkCandidate out[LINK_MAX_CANDIDATES];
    int n;
    cr_expect_eq(link_rank(out, LINK_MAX_CANDIDATES, &n, &r, cs, 3), -1);
    cr_assert_eq(n, 2);
    cr_expect_eq(out[0].contract, 0, "the amount also fits CT-2026-001: ranked first");
    cr_expect_eq(out[0].score, 100 + 40 + 20 + 5);
    cr_expect_eq(out[1].contract, 1);
    cr_expect_eq(out[1].score, 100 + 40 + 5);
}

Test(recon_link, party_and_period_link_when_only_one_contract_fits)
{
    static const struct { const char *date; int linked; } rows[] = {
        {"2026-02-01", 0},   /* only CT-2026-001 runs then */
        {"2026-10-01", 0},
        {"2027-02-01", -1},  /* after both */
    };
    for (size_t i = 0; i < N(rows); i++) {
        LinkRecord r = {.party_key = "contractor:acme services", .date = D(rows[i].date), .amount = 1};
        LinkCandidate out[LINK_MAX_CANDIDATES];
        int n;
        cr_expect_eq(link_rank(out, LINK_MAX_CANDIDATES, &n, &r, cs, 3), rows[i].linked, "row %zu", i);
        cr_expect_eq(n, 2, "row %zu: both Acme contracts are candidates", i);
    }
}

Test(recon_link, a_description_naming_two_contracts_is_not_certain)
{
    LinkRecord r = {.text = "CT-2026-001 and CT-2026-002", .date = D("2026-04-01"), .amount = 1};
    LinkCandidate out[LINK_MAX_CANDIDATES];
    int n;
    cr_expect_eq(link_rank(out, LINK_MAX_CANDIDATES, &n, &r, cs, 3), -1);
    cr_expect_eq(n, 2);
}

Test(recon_link, another_party_without_a_number_has_no_candidates)
{
    LinkRecord r = {.party_key = "contractor:nobody", .date = D("2026-04-01"), .amount = 120000};
    LinkCandidate out[LINK_MAX_CANDIDATES];
    int n;
    cr_expect_eq(link_rank(out, LINK_MAX_CANDIDATES, &n, &r, cs, 3), -1);
    cr_expect_eq(n, 0);
}

Test(recon_link, candidates_are_capped_keeping_the_best)
{
    LinkRecord r = {.text = "ZX/77", .party_key = "contractor:acme services", .date = D("2026-04-01"), .amount = 1};
    LinkCandidate out[1];
    int n;
    cr_expect_eq(link_rank(out, 1, &n, &r, cs, 3), 2);
    cr_assert_eq(n, 1);
    cr_expect_eq(out[0].contract, 2);
}

Test(recon_link, mentions_need_whole_tokens)
{
    static const struct { const char *text, *number; bool yes; } rows[] = {
        {"contract CT-1.", "CT-1", true},   {"contract CT-10", "CT-1", false}, {"xCT-1", "CT-1", false},
        {"(ct-1)", "CT-1", true},           {"CT-1", "CT-1", true},            {"", "CT-1", false},
        {"CT-1 A", "CT-1 A", true},         {"CT-", "CT-1", false},
    };
    for (size_t i = 0; i < N(rows); i++)
        cr_expect_eq(link_mentions(rows[i].text, rows[i].number), rows[i].yes, "row %zu", i);
}

Test(recon_link, tokens_are_the_words_with_digits)
{
    char buf[256];
    const char *tok[8];
    int n = link_tokens(buf, sizeof buf, tok, 8, "Invoice #INV-9 for contract CT-2026-001, (ref: 42). Thanks");
    cr_assert_eq(n, 3);
    cr_expect_str_eq(tok[0], "INV-9");
    cr_expect_str_eq(tok[1], "CT-2026-001");
    cr_expect_str_eq(tok[2], "42");
}

Test(recon_link, party_keys_fold_case_and_blanks)
{
    static const struct { const char *customer, *name, *key; } rows[] = {
        {NULL, "  Acme   Services ", "contractor:acme services"},
        {"0190a0b0-0000-7000-8000-000000000001", "Ignored", "customer:0190a0b0-0000-7000-8000-000000000001"},
        {NULL, "   ", ""},
        {NULL, NULL, ""},
    };
    for (size_t i = 0; i < N(rows); i++) {
        char key[128];
        link_party_key(key, sizeof key, rows[i].customer, rows[i].name);
        cr_expect_str_eq(key, rows[i].key, "row %zu", i);
    }
}

Test(recon_link, numbers_are_trimmed_and_blank_is_empty)
{
    const struct {
        const char *in, *out;
    } rows[] = {
        {"CT-1", "CT-1"}, {"  CT-1 ", "CT-1"}, {"\tCT 1\n", "CT 1"}, {"   ", ""}, {"", ""}, {NULL, ""},
    };
    for (size_t i = 0; i < N(rows); i++) {
        char out[16];
        link_trim(out, sizeof out, rows[i].in);
        cr_expect_str_eq(out, rows[i].out, "row %zu", i);
    }
    char small[4];
    link_trim(small, sizeof small, " ABCDEF ");
    cr_expect_str_eq(small, "ABC");
}
