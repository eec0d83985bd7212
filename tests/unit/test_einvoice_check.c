/* tests/unit/test_einvoice_check.c — domain/einvoice_check.c: what EN 16931 computes (line nets,
 * percentage allowances, VAT per category and rate rounded once, totals, BT-111) and every rule
 * the check enforces. One test per rule, named after it: each starts from a complete document,
 * breaks one thing and expects that rule (and term) in the report.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "domain/einvoice.h"
#include "tests/unit/einvoice_fixtures.h"

static Dec D(const char *s)
{
    Dec d;
    cr_assert_eq(dec_parse(&d, s, strlen(s), DEC_MAX_SCALE, NULL, NULL), 0, "bad test value %s", s);
    return d;
}

static int64_t M(const char *cur, const char *s)
{
    int64_t v;
    cr_assert_eq(money_parse(&v, s, strlen(s), currency_find(cur), NULL, NULL), 0, "bad amount %s %s", cur, s);
    return v;
}

static void dump(const EinvReport *r)
{
    for (int i = 0; i < r->n; i++)
        cr_log_info("  %s %s%s%s: %s", r->items[i].rule, r->items[i].term, r->items[i].where ? " at " : "",
                    r->items[i].where ? r->items[i].where : "", r->items[i].message);
}

static const EinvProblem *find(const EinvReport *r, const char *rule, const char *term)
{
    for (int i = 0; i < r->n; i++)
        if (strcmp(r->items[i].rule, rule) == 0 && (!term || strcmp(r->items[i].term, term) == 0))
            return &r->items[i];
    return NULL;
}

typedef void (*Mutator)(EinvDoc *d, Arena *a);

/* Base document, mutated; the report must name rule (and term). */
static void expect_problem(Mutator m, const char *rule, const char *term)
{
    Arena a;
    arena_init(&a, 0);
    EinvDoc d;
    EinvReport r;
    einv_fixture_base(&d, &a);
    m(&d, &a);
    int rc = einv_check(&d, &a, &r);
    if (!find(&r, rule, term))
        dump(&r);
    cr_expect_eq(rc, -ERR_INVALID, "the check passed a document breaking %s", rule);
    const EinvProblem *p = find(&r, rule, term);
    cr_expect_not_null(p, "no %s problem on %s", rule, term ? term : "-");
    if (p)
        cr_expect(p->message && p->message[0] && p->message[strlen(p->message) - 1] != '.', "message: %s",
                  p->message);
    cr_expect_not(d.checked);
    arena_free(&a);
}

#define RULE(name, rule, term, ...)                                                                                \
    static void mut_##name(EinvDoc *d, Arena *a)                                                                   \
    {                                                                                                              \
        (void)a;                                                                                                   \
        __VA_ARGS__                                                                                                \
    }                                                                                                              \
    Test(einvoice_rules, name)                                                                                     \
    {                                                                                                              \
        expect_problem(mut_##name, rule, term);                                                                    \
    }

/* ---- presence of the business terms ---- */
RULE(BR_02_invoice_number_required, "BR-02", "BT-1", d->number = "  ";)
RULE(BR_03_issue_date_required, "BR-03", "BT-2", d->issue_date = EINV_NO_DATE;)
RULE(BR_05_currency_required, "BR-05", "BT-5", d->currency = NULL;)
RULE(BR_CL_04_currency_must_be_iso4217, "BR-CL-04", "BT-5", d->currency = "XYZ";)
RULE(BR_06_seller_legal_name_required, "BR-06", "BT-27", d->seller.legal_name = NULL;)
RULE(BR_07_buyer_legal_name_required, "BR-07", "BT-44", d->buyer.legal_name = "";)
RULE(BR_09_seller_country_required, "BR-09", "BT-40", d->seller.address.country = NULL;)
RULE(BR_11_buyer_country_required, "BR-11", "BT-55", d->buyer.address.country = NULL;)
RULE(BR_CL_14_country_must_be_iso3166, "BR-CL-14", "BT-55", d->buyer.address.country = "UK";)
RULE(PEPPOL_R020_seller_electronic_address_required, "PEPPOL-EN16931-R020", "BT-34", d->seller.endpoint = NULL;)
RULE(PEPPOL_R010_buyer_electronic_address_required, "PEPPOL-EN16931-R010", "BT-49", d->buyer.endpoint = NULL;)
RULE(BR_62_seller_endpoint_scheme_required, "BR-62", "BT-34", d->seller.endpoint_scheme = NULL;)
RULE(BR_63_buyer_endpoint_scheme_required, "BR-63", "BT-49", d->buyer.endpoint_scheme = NULL;)
RULE(PEPPOL_CL008_endpoint_scheme_from_eas, "PEPPOL-EN16931-CL008", "BT-49", d->buyer.endpoint_scheme = "1234";)
RULE(PEPPOL_R003_buyer_or_order_reference_required, "PEPPOL-EN16931-R003", "BT-10", d->buyer_reference = NULL;)
RULE(BR_CO_26_seller_identifier_required, "BR-CO-26", "BT-31",
     d->seller.vat_id = NULL; d->seller.legal_id = NULL; d->lines[0].tax.category = "O";)
RULE(BR_CO_09_seller_vat_id_has_country_prefix, "BR-CO-09", "BT-31", d->seller.vat_id = "0123456749";)
RULE(BR_CO_09_buyer_vat_id_has_country_prefix, "BR-CO-09", "BT-48", d->buyer.vat_id = "876543270";)
RULE(BR_CL_11_legal_id_scheme_from_icd, "BR-CL-11", "BT-30", d->seller.legal_id_scheme = "ABCD";)
RULE(BR_16_at_least_one_line, "BR-16", "BG-25", d->nlines = 0;)
RULE(BR_25_item_name_required, "BR-25", "BT-153", d->lines[0].item_name = NULL;)
RULE(BR_23_unit_code_required, "BR-23", "BT-130", d->lines[0].unit_code = NULL;)
RULE(BR_CL_23_unit_code_from_rec20, "BR-CL-23", "BT-130", d->lines[0].unit_code = "HOURS";)
RULE(BR_27_price_not_negative, "BR-27", "BT-146", d->lines[0].price = D("-5");)
RULE(PEPPOL_R121_base_quantity_positive, "PEPPOL-EN16931-R121", "BT-149", d->lines[0].base_quantity = D("-1");)
RULE(BR_65_classification_scheme_required, "BR-65", "BT-158", d->lines[0].class_code = "998313";)
RULE(BR_CL_13_classification_scheme_from_7143, "BR-CL-13", "BT-158",
     d->lines[0].class_code = "998313"; d->lines[0].class_scheme = "SAC";)
RULE(BR_CO_04_line_vat_category_required, "BR-CO-04", "BT-151", d->lines[0].tax.category = NULL;)
RULE(BR_CL_17_vat_category_from_5305, "BR-CL-17", "BT-151", d->lines[0].tax.category = "X";)
RULE(PEPPOL_R120_given_net_amount_matches, "PEPPOL-EN16931-R120", "BT-131",
     d->lines[0].net_given = true; d->lines[0].net_amount = M("EUR", "1199.97");)
RULE(BR_29_period_end_not_before_start, "BR-29", "BT-74",
     d->period_start = date_from_ymd(2026, 5, 1); d->period_end = date_from_ymd(2026, 4, 1);)
RULE(BR_30_line_period_end_not_before_start, "BR-30", "BT-135",
     d->lines[0].period_start = date_from_ymd(2026, 5, 2); d->lines[0].period_end = date_from_ymd(2026, 5, 1);)
RULE(PEPPOL_R110_line_period_start_inside_invoice_period, "PEPPOL-EN16931-R110", "BT-134",
     d->period_start = date_from_ymd(2026, 4, 1); d->period_end = date_from_ymd(2026, 4, 30);
     d->lines[0].period_start = date_from_ymd(2026, 3, 1);)
RULE(PEPPOL_R111_line_period_end_inside_invoice_period, "PEPPOL-EN16931-R111", "BT-135",
     d->period_start = date_from_ymd(2026, 4, 1); d->period_end = date_from_ymd(2026, 4, 30);
     d->lines[0].period_end = date_from_ymd(2026, 5, 31);)
RULE(PEPPOL_P0100_invoice_type_code, "PEPPOL-EN16931-P0100", "BT-3", d->type_code = "381";)
RULE(PEPPOL_P0101_credit_note_type_code, "PEPPOL-EN16931-P0101", "BT-3",
     d->kind = EINV_CREDIT_NOTE; d->type_code = "380";)
RULE(PEPPOL_P0112_type_326_only_between_german_parties, "PEPPOL-EN16931-P0112", "BT-3", d->type_code = "326";)
RULE(XML_text_without_control_characters, "XML", "BT-44", d->buyer.legal_name = "Brasserie\x01 Atelier";)
RULE(XML_text_is_valid_utf8, "XML", "BT-153", d->lines[0].item_name = "Caf\xe9";)
RULE(NL_R_001_dutch_credit_note_references_invoice, "NL-R-001", "BT-25",
     d->kind = EINV_CREDIT_NOTE; d->seller.address.country = "NL"; d->seller.vat_id = "NL123456789B01";)
RULE(BR_55_preceding_reference_with_its_date, "BR-55", "BT-25", d->preceding_date = date_from_ymd(2026, 1, 1);)
RULE(BR_57_deliver_to_address_has_country, "BR-57", "BT-80", d->deliver_to.city = "Gent";)

/* ---- categories ---- */
RULE(BR_S_05_standard_rate_above_zero, "BR-S-05", "BT-152", d->lines[0].tax.rate = D("0");)
RULE(BR_Z_05_zero_rated_rate_is_zero, "BR-Z-05", "BT-152", d->lines[0].tax.category = "Z";)
RULE(BR_E_05_exempt_rate_is_zero, "BR-E-05", "BT-152",
     d->lines[0].tax.category = "E"; d->lines[0].tax.exemption_code = "VATEX-EU-132";)
RULE(BR_AE_05_reverse_charge_rate_is_zero, "BR-AE-05", "BT-152", d->lines[0].tax.category = "AE";)
RULE(BR_E_10_exempt_needs_reason, "BR-E-10", "BT-120", d->lines[0].tax.category = "E"; d->lines[0].tax.rate = D("0");)
RULE(BR_S_10_standard_rate_has_no_exemption_reason, "BR-S-10", "BT-120",
     d->lines[0].tax.exemption_reason = "Exempt";)
RULE(BR_Z_10_zero_rated_has_no_exemption_reason, "BR-Z-10", "BT-120",
     d->lines[0].tax.category = "Z"; d->lines[0].tax.rate = D("0"); d->lines[0].tax.exemption_code = "VATEX-EU-132";)
RULE(BR_CL_22_exemption_code_from_vatex, "BR-CL-22", "BT-121",
     d->lines[0].tax.category = "E"; d->lines[0].tax.rate = D("0"); d->lines[0].tax.exemption_code = "VATEX-XX";)
RULE(PEPPOL_P0104_vatex_g_only_for_export, "PEPPOL-EN16931-P0104", "BT-121",
     d->lines[0].tax.category = "E"; d->lines[0].tax.rate = D("0"); d->lines[0].tax.exemption_code = "VATEX-EU-G";)
RULE(PEPPOL_P0107_vatex_ae_only_for_reverse_charge, "PEPPOL-EN16931-P0107", "BT-121",
     d->lines[0].tax.category = "E"; d->lines[0].tax.rate = D("0"); d->lines[0].tax.exemption_code = "VATEX-EU-AE";)
RULE(BR_E_01_one_exemption_reason_per_breakdown, "BR-E-01", "BT-121", {
    EinvLine *l = ARENA_ARRAY(a, EinvLine, 2);
    l[0] = l[1] = d->lines[0];
    l[0].tax = (EinvTax){.category = "E", .exemption_code = "VATEX-EU-132-1I"};
    l[1].tax = (EinvTax){.category = "E", .exemption_code = "VATEX-EU-143"};
    d->lines = l;
    d->nlines = 2;
})
RULE(BR_S_02_standard_rate_needs_seller_vat_id, "BR-S-02", "BT-31", d->seller.vat_id = NULL;)
RULE(BR_AE_02_reverse_charge_needs_buyer_vat_or_legal_id, "BR-AE-02", "BT-48",
     d->lines[0].tax = (EinvTax){.category = "AE"}; d->buyer.vat_id = NULL; d->buyer.legal_id = NULL;)
RULE(BR_IC_02_intra_community_needs_buyer_vat_id, "BR-IC-02", "BT-48",
     d->lines[0].tax = (EinvTax){.category = "K"}; d->buyer.vat_id = NULL;)
RULE(BR_IC_11_intra_community_needs_delivery_date_or_period, "BR-IC-11", "BT-72",
     d->lines[0].tax = (EinvTax){.category = "K"};)
RULE(BR_IC_12_intra_community_needs_deliver_to_country, "BR-IC-12", "BT-80",
     d->lines[0].tax = (EinvTax){.category = "K"};)
RULE(BR_G_02_export_needs_seller_vat_id, "BR-G-02", "BT-31",
     d->lines[0].tax = (EinvTax){.category = "G"}; d->seller.vat_id = NULL; d->seller.tax_reg_id = "0123456749";)
RULE(BR_O_02_not_subject_has_no_vat_ids, "BR-O-02", "BT-31", d->lines[0].tax = (EinvTax){.category = "O"};)
RULE(BR_O_11_not_subject_has_no_other_categories, "BR-O-11", "BG-23", {
    EinvLine *l = ARENA_ARRAY(a, EinvLine, 2);
    l[0] = l[1] = d->lines[0];
    l[1].tax = (EinvTax){.category = "O"};
    d->lines = l;
    d->nlines = 2;
    d->seller.vat_id = NULL;
    d->buyer.vat_id = NULL;
    d->seller.tax_reg_id = "0123456749";
})

/* ---- allowances and charges ---- */
static EinvAllowanceCharge *one_ac(EinvDoc *d, Arena *a, bool charge)
{
    d->acs = ARENA_ARRAY(a, EinvAllowanceCharge, 1);
    d->nacs = 1;
    d->acs[0] = (EinvAllowanceCharge){.charge = charge, .amount = 1000, .reason = "Discount",
                                      .tax = {.category = "S", .rate = D("21")}};
    return d->acs;
}
RULE(BR_33_document_allowance_needs_reason, "BR-33", "BT-97", one_ac(d, a, false)->reason = NULL;)
RULE(BR_38_document_charge_needs_reason, "BR-38", "BT-104", one_ac(d, a, true)->reason = NULL;)
RULE(BR_42_line_allowance_needs_reason, "BR-42", "BT-139", {
    d->lines[0].acs = one_ac(d, a, false);
    d->lines[0].nacs = 1;
    d->nacs = 0;
    d->lines[0].acs[0].reason = NULL;
})
RULE(PEPPOL_CL002_allowance_reason_code_from_5189, "PEPPOL-EN16931-CL002", "BT-98",
     one_ac(d, a, false)->reason_code = "FC";)
RULE(PEPPOL_CL003_charge_reason_code_from_7161, "PEPPOL-EN16931-CL003", "BT-105", one_ac(d, a, true)->reason_code = "95";)
RULE(BR_CO_04_document_allowance_needs_category, "BR-CO-04", "BT-95", one_ac(d, a, false)->tax.category = NULL;)
RULE(BR_S_06_allowance_standard_rate_above_zero, "BR-S-06", "BT-96", one_ac(d, a, false)->tax.rate = D("0");)
RULE(BR_S_07_charge_standard_rate_above_zero, "BR-S-07", "BT-103", one_ac(d, a, true)->tax.rate = D("0");)
RULE(BR_DEC_01_allowance_amount_two_decimals, "BR-DEC-01", "BT-92", {
    d->currency = "KWD";
    one_ac(d, a, false)->amount = 1005;
})

/* ---- payment, currencies, decimals ---- */
RULE(BR_61_credit_transfer_needs_account, "BR-61", "BT-84", d->payee_account = NULL;)
RULE(BR_CL_16_payment_means_from_4461, "BR-CL-16", "BT-81", d->payment_means_code = "SEPA";)
RULE(BR_49_payment_instructions_need_means_code, "BR-49", "BT-81", d->payment_means_code = NULL;)
RULE(BR_CO_25_amount_due_needs_due_date_or_terms, "BR-CO-25", "BT-9",
     d->due_date = EINV_NO_DATE; d->payment_terms = NULL;)
RULE(PEPPOL_R005_tax_currency_differs, "PEPPOL-EN16931-R005", "BT-6", d->tax_currency = "EUR";)
RULE(BR_53_tax_currency_needs_bt111, "BR-53", "BT-111", d->currency = "USD"; d->tax_currency = "EUR";)
RULE(BR_CL_05_tax_currency_from_iso4217, "BR-CL-05", "BT-6", d->tax_currency = "EURO";)
RULE(BR_DEC_16_paid_amount_two_decimals, "BR-DEC-16", "BT-113", d->currency = "KWD"; d->prepaid = 1234;)
RULE(BR_DEC_17_rounding_amount_two_decimals, "BR-DEC-17", "BT-114", d->currency = "KWD"; d->rounding_amount = 5;)
RULE(BR_DEC_23_line_net_amount_two_decimals, "BR-DEC-23", "BT-131", {
    d->currency = "KWD";
    d->lines[0].net_given = true;
    d->lines[0].net_amount = 1200005;
    d->lines[0].price = D("1200.005");
})
RULE(BR_CO_17_per_line_vat_within_one_unit, "BR-CO-17", "BT-117", {
    d->tax_rounding = EINV_TAX_PER_LINE;
    d->lines[0].tax_given = true;
    d->lines[0].tax_amount = M("EUR", "253.00");   /* 21% of 1200.00 is 252.00 */
})
RULE(PEPPOL_R055_vat_totals_same_sign, "PEPPOL-EN16931-R055", "BT-111", {
    d->currency = "USD";
    d->tax_currency = "EUR";
    d->tax_total_tax_currency_given = true;
    d->tax_total_tax_currency = -100;
})

/* ---- reporting every problem at once ---- */

Test(einvoice_check, lists_every_missing_business_term_at_once)
{
    Arena a;
    arena_init(&a, 0);
    EinvDoc d;
    EinvReport r;
    einv_doc_init(&d);
    d.currency = "EUR";
    EinvLine l;
    einv_line_init(&l);
    d.lines = &l;
    d.nlines = 1;
    cr_assert_eq(einv_check(&d, &a, &r), -ERR_INVALID);
    static const char *const want[][2] = {
        {"BR-02", "BT-1"},   {"BR-03", "BT-2"},   {"BR-06", "BT-27"},  {"BR-07", "BT-44"},
        {"PEPPOL-EN16931-R020", "BT-34"},         {"PEPPOL-EN16931-R010", "BT-49"},
        {"PEPPOL-EN16931-R003", "BT-10"},         {"BR-CO-26", "BT-31"},
        {"BR-09", "BT-40"},  {"BR-11", "BT-55"},  {"BR-25", "BT-153"}, {"BR-23", "BT-130"},
        {"BR-CO-04", "BT-151"},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        cr_expect_not_null(find(&r, want[i][0], want[i][1]), "missing %s / %s", want[i][0], want[i][1]);
    const EinvProblem *p = find(&r, "PEPPOL-EN16931-R010", "BT-49");
    cr_assert_not_null(p);
    cr_expect_str_eq(p->message, "buyer electronic address (BT-49) is required");
    cr_expect_geq(r.n, 13);
    json_t *j = einv_report_json(&r, "invoice INV-1");
    json_t *e = json_object_get(j, "error");
    cr_expect_str_eq(json_string_value(json_object_get(e, "code")), "invalid");
    cr_expect_eq((int)json_array_size(json_object_get(e, "problems")), r.n);
    cr_expect_not_null(strstr(json_string_value(json_object_get(e, "message")), "invoice INV-1 cannot be exported"));
    json_decref(j);
    arena_free(&a);
}

Test(einvoice_check, every_fixture_passes)
{
    for (int i = 0; i < einv_fixture_count(); i++) {
        Arena a;
        arena_init(&a, 0);
        EinvDoc d;
        EinvReport r;
        einv_fixture_build(i, &d, &a);
        int rc = einv_check(&d, &a, &r);
        if (rc)
            dump(&r);
        cr_expect_eq(rc, 0, "%s refused", einv_fixture_name(i));
        cr_expect(d.checked);
        arena_free(&a);
    }
}

/* ---- what EN 16931 computes ---- */

typedef struct Expect {
    const char *fixture, *cur;
    const char *line_ext, *allowances, *charges, *tax_excl, *tax, *tax_incl, *prepaid, *payable;
    const char *tax_cur, *tax_in_tax_cur;
} Expect;

/* Worked by hand from the fixtures (tests/unit/einvoice_fixtures.c). */
static const Expect expected[] = {
    /* 12.5 x 95 + 3 x 33.33 + 1250 x 0.0125 (15.625 -> 15.63) = 1303.12; 21% = 273.6552 -> 273.66 */
    {"01-standard-rate", "EUR", "1303.12", "0", "0", "1303.12", "273.66", "1576.78", "0", "1576.78", NULL, NULL},
    /* 21%: 450.00 -> 94.50; 6%: 750 + 288 = 1038.00 -> 62.28 */
    {"02-two-rates", "EUR", "1488.00", "0", "0", "1488.00", "156.78", "1644.78", "0", "1644.78", NULL, NULL},
    {"03-zero-rated", "EUR", "119.70", "0", "0", "119.70", "0", "119.70", "0", "119.70", NULL, NULL},
    {"04-exempt-with-reason", "EUR", "2100.00", "0", "0", "2100.00", "0", "2100.00", "0", "2100.00", NULL, NULL},
    {"05-reverse-charge", "EUR", "4860.00", "0", "0", "4860.00", "0", "4860.00", "0", "4860.00", NULL, NULL},
    /* 1200 - 10% + 600 - 25 = 1655; - 50 = 1605; 21% = 337.05 */
    {"06-line-and-document-discounts", "EUR", "1655.00", "50.00", "0", "1605.00", "337.05", "1942.05", "0", "1942.05",
     NULL, NULL},
    /* 2400 + 85 + 5% of 2400 = 2605; 21% = 547.05 */
    {"07-charge", "EUR", "2400.00", "0", "205.00", "2605.00", "547.05", "3152.05", "0", "3152.05", NULL, NULL},
    /* 4395 USD; 21% = 922.95 USD = 846.714... -> 846.71 EUR at 0.9174 */
    {"08-foreign-currency-tax-total", "USD", "4395.00", "0", "0", "4395.00", "922.95", "5317.95", "0", "5317.95", "EUR",
     "846.71"},
    {"09-partially-paid", "EUR", "5950.00", "0", "0", "5950.00", "1249.50", "7199.50", "2000.00", "5199.50", NULL, NULL},
    /* 37.50 + 14.40 = 51.90; 6% = 3.114 -> 3.11 */
    {"10-credit-note", "EUR", "51.90", "0", "0", "51.90", "3.11", "55.01", "0", "55.01", NULL, NULL},
    /* 37.035 -> 37.04, 1.00, 250.50 = 288.54; 21% = 60.5934 -> 60.59; x 2.9815 = 180.649 -> 180.65 EUR */
    {"11-kwd-3-decimals", "KWD", "288.540", "0", "0", "288.540", "60.590", "349.130", "0", "349.130", "EUR", "180.65"},
    {"12-jpy-0-decimals", "JPY", "316960", "0", "0", "316960", "0", "316960", "0", "316960", "EUR", "0.00"},
    {"13-intra-community", "EUR", "2334.00", "0", "0", "2334.00", "0", "2334.00", "0", "2334.00", NULL, NULL},
    {"14-not-subject-to-vat", "EUR", "300.00", "0", "0", "300.00", "0", "300.00", "0", "300.00", NULL, NULL},
    /* per line: 0.01 x 3 + 21.00 = 21.03; + rounding 0.01 */
    {"15-per-line-vat-and-rounding", "EUR", "100.14", "0", "0", "100.14", "21.03", "121.17", "0", "121.18", NULL, NULL},
};

Test(einvoice_compute, totals_of_every_fixture_by_hand)
{
    cr_assert_eq(sizeof expected / sizeof expected[0], (size_t)einv_fixture_count());
    for (int i = 0; i < einv_fixture_count(); i++) {
        const Expect *x = &expected[i];
        cr_assert_str_eq(einv_fixture_name(i), x->fixture);
        Arena a;
        arena_init(&a, 0);
        EinvDoc d;
        EinvReport r;
        einv_fixture_build(i, &d, &a);
        cr_assert_eq(einv_check(&d, &a, &r), 0, "%s", x->fixture);
        const EinvTotals *t = &d.totals;
        cr_expect_eq(t->line_extension, M(x->cur, x->line_ext), "%s line extension", x->fixture);
        cr_expect_eq(t->allowances, M(x->cur, x->allowances), "%s allowances", x->fixture);
        cr_expect_eq(t->charges, M(x->cur, x->charges), "%s charges", x->fixture);
        cr_expect_eq(t->tax_exclusive, M(x->cur, x->tax_excl), "%s tax exclusive", x->fixture);
        cr_expect_eq(t->tax, M(x->cur, x->tax), "%s tax", x->fixture);
        cr_expect_eq(t->tax_inclusive, M(x->cur, x->tax_incl), "%s tax inclusive", x->fixture);
        cr_expect_eq(t->prepaid, M(x->cur, x->prepaid), "%s prepaid", x->fixture);
        cr_expect_eq(t->payable, M(x->cur, x->payable), "%s payable", x->fixture);
        if (x->tax_cur)
            cr_expect_eq(t->tax_in_tax_currency, M(x->tax_cur, x->tax_in_tax_cur), "%s BT-111", x->fixture);
        arena_free(&a);
    }
}

Test(einvoice_compute, two_rates_make_two_breakdowns_highest_rate_first)
{
    Arena a;
    arena_init(&a, 0);
    EinvDoc d;
    EinvReport r;
    einv_fixture_build(1, &d, &a);
    cr_assert_eq(einv_check(&d, &a, &r), 0);
    cr_assert_eq(d.nvat, 2);
    cr_expect_str_eq(d.vat[0].category, "S");
    cr_expect_eq(dec_cmp(d.vat[0].rate, D("21")), 0);
    cr_expect_eq(d.vat[0].taxable, M("EUR", "450.00"));
    cr_expect_eq(d.vat[0].tax, M("EUR", "94.50"));
    cr_expect_eq(dec_cmp(d.vat[1].rate, D("6")), 0);
    cr_expect_eq(d.vat[1].taxable, M("EUR", "1038.00"));
    cr_expect_eq(d.vat[1].tax, M("EUR", "62.28"));
    arena_free(&a);
}

Test(einvoice_compute, reverse_charge_breakdown_gets_its_vatex_code_and_text)
{
    Arena a;
    arena_init(&a, 0);
    EinvDoc d;
    EinvReport r;
    einv_fixture_build(4, &d, &a);
    cr_assert_eq(einv_check(&d, &a, &r), 0);
    cr_assert_eq(d.nvat, 1);
    cr_expect_str_eq(d.vat[0].category, "AE");
    cr_expect_str_eq(d.vat[0].exemption_code, "VATEX-EU-AE");
    cr_expect_str_eq(d.vat[0].exemption_reason, "Reverse charge");
    cr_expect_eq(d.vat[0].tax, 0);
    arena_free(&a);
}

/* BR-CO-17: category VAT is taxable x rate rounded once, not the sum of rounded lines. */
static int64_t vat_of_three_small_lines(EinvTaxRounding mode, Rounding rnd, const char *price)
{
    Arena a;
    arena_init(&a, 0);
    EinvDoc d;
    EinvReport r;
    einv_fixture_base(&d, &a);
    d.tax_rounding = mode;
    d.rounding = rnd;
    EinvLine *l = ARENA_ARRAY(&a, EinvLine, 3);
    for (int i = 0; i < 3; i++) {
        l[i] = d.lines[0];
        l[i].price = D(price);
        l[i].tax.rate = D("10");
    }
    d.lines = l;
    d.nlines = 3;
    cr_assert_eq(einv_check(&d, &a, &r), 0);
    int64_t tax = d.totals.tax;
    arena_free(&a);
    return tax;
}

Test(einvoice_compute, BR_CO_17_vat_per_category_rounded_once)
{
    /* 3 x 0.05 at 10%: per category 0.015 -> 0.02; per line 0.005 -> 0.01 each = 0.03. */
    cr_expect_eq(vat_of_three_small_lines(EINV_TAX_PER_CATEGORY, ROUND_HALF_UP, "0.05"), 2);
    cr_expect_eq(vat_of_three_small_lines(EINV_TAX_PER_LINE, ROUND_HALF_UP, "0.05"), 3);
    /* 3 x 0.15 = 0.45 at 10% = 0.045: half-up 0.05, half-even 0.04. */
    cr_expect_eq(vat_of_three_small_lines(EINV_TAX_PER_CATEGORY, ROUND_HALF_UP, "0.15"), 5);   /* 0.045 -> 0.05 */
    cr_expect_eq(vat_of_three_small_lines(EINV_TAX_PER_CATEGORY, ROUND_HALF_EVEN, "0.15"), 4); /* 0.045 -> 0.04 */
}

Test(einvoice_compute, line_net_is_quantity_times_price_over_base_quantity_rounded_once)
{
    Arena a;
    arena_init(&a, 0);
    EinvDoc d;
    EinvReport r;
    einv_fixture_base(&d, &a);
    d.lines[0].quantity = D("1250");
    d.lines[0].price = D("12.50");
    d.lines[0].base_quantity = D("1000");   /* 12.50 per 1000 units */
    cr_assert_eq(einv_check(&d, &a, &r), 0);
    cr_expect_eq(d.lines[0].net_amount, M("EUR", "15.63"));   /* 15.625 */
    /* JPY: 3 x 33.5 = 100.5 -> 101 yen. */
    einv_fixture_base(&d, &a);
    d.currency = "JPY";
    d.lines[0].quantity = D("3");
    d.lines[0].price = D("33.5");
    cr_assert_eq(einv_check(&d, &a, &r), 0);
    cr_expect_eq(d.lines[0].net_amount, 101);
    cr_expect_eq(d.totals.tax, 21);   /* 21% of 101 = 21.21 */
    arena_free(&a);
}

/* PEPPOL-EN16931-R120 allows 0.02 between the net and quantity x price: a JPY line rounded to the
 * yen can be 0.5 away, so the price is written as net / quantity, precise enough. */
Test(einvoice_compute, PEPPOL_R120_zero_decimal_line_writes_an_effective_price)
{
    Arena a;
    arena_init(&a, 0);
    EinvDoc d;
    EinvReport r;
    einv_fixture_base(&d, &a);
    d.currency = "JPY";
    d.lines[0].quantity = D("1.5");
    d.lines[0].price = D("3333");
    cr_assert_eq(einv_check(&d, &a, &r), 0);
    cr_expect_eq(d.lines[0].net_amount, 5000);   /* 4999.5 rounded once */
    char b[DEC_FORMAT_MAX];
    dec_format_trim(b, sizeof b, d.lines[0].price_written);
    cr_expect_str_eq(b, "3333.33", "1.5 x 3333.33 = 4999.995, within 0.02 of 5000");
    /* A price that already fits is written as it is. */
    d.lines[0].quantity = D("2");
    cr_assert_eq(einv_check(&d, &a, &r), 0);
    cr_expect_eq(dec_cmp(d.lines[0].price_written, D("3333")), 0);
    /* A given net far from quantity x price is still refused. */
    d.lines[0].net_given = true;
    d.lines[0].net_amount = 6667;
    cr_expect_eq(einv_check(&d, &a, &r), -ERR_INVALID);
    cr_expect_not_null(find(&r, "PEPPOL-EN16931-R120", "BT-131"));
    arena_free(&a);
}

/* PEPPOL-EN16931-R040: an allowance's amount within 0.02 of base x percent; otherwise (yen
 * rounding) only the amount is written. */
Test(einvoice_compute, PEPPOL_R040_percent_written_only_when_it_explains_the_amount)
{
    Arena a;
    arena_init(&a, 0);
    EinvDoc d;
    EinvReport r;
    einv_fixture_base(&d, &a);
    d.currency = "JPY";
    d.lines[0].price = D("100000");
    d.nacs = 1;
    d.acs = ARENA_ARRAY(&a, EinvAllowanceCharge, 1);
    d.acs[0] = (EinvAllowanceCharge){.has_percent = true, .percent = D("16.7"), .base = 88357, .reason = "Discount",
                                     .tax = {.category = "S", .rate = D("21")}};
    cr_assert_eq(einv_check(&d, &a, &r), 0);
    cr_expect_eq(d.acs[0].amount, 14756);    /* 14755.619 */
    cr_expect_not(d.acs[0].percent_written);
    d.acs[0].base = 100000;                  /* 16700 exactly */
    cr_assert_eq(einv_check(&d, &a, &r), 0);
    cr_expect_eq(d.acs[0].amount, 16700);
    cr_expect(d.acs[0].percent_written);
    arena_free(&a);
}

Test(einvoice_compute, percentage_allowance_is_base_times_percent)
{
    Arena a;
    arena_init(&a, 0);
    EinvDoc d;
    EinvReport r;
    einv_fixture_build(5, &d, &a);
    cr_assert_eq(einv_check(&d, &a, &r), 0);
    cr_expect_eq(d.lines[0].acs[0].amount, M("EUR", "120.00"));
    cr_expect_eq(d.lines[0].net_amount, M("EUR", "1080.00"));
    cr_expect_eq(d.lines[1].net_amount, M("EUR", "575.00"));
    arena_free(&a);
}

Test(einvoice_compute, overflowing_amounts_are_a_problem_not_a_wrap)
{
    Arena a;
    arena_init(&a, 0);
    EinvDoc d;
    EinvReport r;
    einv_fixture_base(&d, &a);
    d.lines[0].quantity = D("9000000000000");
    d.lines[0].price = D("9000000000000");
    cr_expect_eq(einv_check(&d, &a, &r), -ERR_INVALID);
    cr_expect_not_null(find(&r, "BR-DEC-23", "BT-131"));
    arena_free(&a);
}

Test(einvoice_format, amounts_carry_at_most_two_decimals)
{
    char b[MONEY_FORMAT_MAX];
    cr_expect_eq(einv_amount_format(b, sizeof b, 1500, currency_find("JPY")), 4);
    cr_expect_str_eq(b, "1500");
    einv_amount_format(b, sizeof b, 1250, currency_find("EUR"));
    cr_expect_str_eq(b, "12.50");
    einv_amount_format(b, sizeof b, -5, currency_find("EUR"));
    cr_expect_str_eq(b, "-0.05");
    einv_amount_format(b, sizeof b, 12350, currency_find("KWD"));
    cr_expect_str_eq(b, "12.35");
    cr_expect_eq(einv_amount_format(b, sizeof b, 12345, currency_find("KWD")), -1, "12.345 KWD is not silently rounded");
    cr_expect_eq(einv_amount_step(currency_find("KWD")), 10);
    cr_expect_eq(einv_amount_step(currency_find("JPY")), 1);
    cr_expect_eq(einv_amount_step(currency_find("INR")), 1);
}

Test(einvoice_codes, lists_come_from_the_validation_artefacts)
{
    static const struct {
        EinvCodeList list;
        const char *code;
        bool valid;
    } rows[] = {
        {EINV_CODES_UNIT, "HUR", true},         {EINV_CODES_UNIT, "C62", true},
        {EINV_CODES_UNIT, "MON", true},         {EINV_CODES_UNIT, "HOUR", false},
        {EINV_CODES_EAS, "0088", true},         {EINV_CODES_EAS, "9930", true},
        {EINV_CODES_EAS, "0208", true},         {EINV_CODES_EAS, "EM", false},
        {EINV_CODES_VATEX, "VATEX-EU-AE", true},{EINV_CODES_VATEX, "VATEX-EU-132-1I", true},
        {EINV_CODES_VATEX, "VATEX-EU-999", false},
        {EINV_CODES_ALLOWANCE, "95", true},     {EINV_CODES_ALLOWANCE, "FC", false},
        {EINV_CODES_CHARGE, "FC", true},        {EINV_CODES_PAYMENT_MEANS, "58", true},
        {EINV_CODES_PAYMENT_MEANS, "ZZZ", true},{EINV_CODES_COUNTRY, "IN", true},
        {EINV_CODES_COUNTRY, "EL", false},      {EINV_CODES_CURRENCY, "KWD", true},
        {EINV_CODES_INVOICE_TYPE, "380", true}, {EINV_CODES_INVOICE_TYPE, "381", false},
        {EINV_CODES_CREDIT_NOTE_TYPE, "381", true},
        {EINV_CODES_TAX_CATEGORY, "AE", true},  {EINV_CODES_ITEM_CLASS, "HS", true},
        {EINV_CODES_ITEM_CLASS, "STI", true},   {EINV_CODES_ICD, "0208", true},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        cr_expect_eq(einv_code_valid(rows[i].list, rows[i].code), rows[i].valid, "%d %s", rows[i].list, rows[i].code);
    cr_expect_not(einv_code_valid(EINV_CODES_UNIT, NULL));
    cr_expect_not(einv_code_valid(EINV_CODES__COUNT, "HUR"));
}
