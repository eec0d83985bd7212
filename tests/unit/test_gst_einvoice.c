/* tests/unit/test_gst_einvoice.c — domain/gst_einvoice.c: India's GST e-invoice JSON (schema 1.1).
 *
 * The JSON of an intra-state and of an inter-state invoice is compared in full with the expected
 * text (values worked by hand in the comments); then one test per portal rule, named after it,
 * each breaking one thing in a valid document and expecting that rule in the report.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "domain/gst_einvoice.h"

static Dec D(const char *s)
{
    Dec d;
    cr_assert_eq(dec_parse(&d, s, strlen(s), DEC_MAX_SCALE, NULL, NULL), 0, "bad test value %s", s);
    return d;
}

static int64_t INR(const char *s)
{
    int64_t v;
    cr_assert_eq(money_parse(&v, s, strlen(s), currency_find("INR"), NULL, NULL), 0, "bad amount %s", s);
    return v;
}

/* Maharashtra seller, Maharashtra buyer (intra-state); inter = the buyer in Karnataka. */
static void build(GstEinv *d, GstEinvItem items[2], bool inter)
{
    gst_einv_init(d);
    d->number = "INV/2026-27/0042";
    d->date = date_from_ymd(2026, 5, 4);
    d->today = date_from_ymd(2026, 5, 5);
    d->seller = (GstEinvParty){.gstin = "27AABCL1234D1Z2", .legal_name = "Lumen Infotech Private Limited",
                               .trade_name = "Lumen IT", .addr1 = "14 Nariman Point", .location = "Mumbai",
                               .pin = "400021", .state_code = "27", .email = "gst@lumen.example"};
    d->buyer = (GstEinvParty){.gstin = inter ? "29AAACN5678E1Z7" : "27AAACN5678E1ZB",
                              .legal_name = "Nirmal Textiles LLP", .addr1 = "Plot 7, MIDC",
                              .addr2 = inter ? "Peenya Industrial Area" : "Bhosari",
                              .location = inter ? "Bengaluru" : "Pune", .pin = inter ? "560058" : "411026",
                              .state_code = inter ? "29" : "27"};
    d->place_of_supply = inter ? "29" : "27";
    gst_einv_item_init(&items[0]);
    items[0].description = "Annual maintenance contract";
    items[0].hsn = "998713";
    items[0].is_service = true;
    items[0].unit_price = D("1000.00");
    items[0].gst_rate = D("18");
    gst_einv_item_init(&items[1]);
    items[1].description = "Network switch, 24 port";
    items[1].hsn = "85176990";
    items[1].quantity = D("2");
    items[1].unit = "NOS";
    items[1].unit_price = D("8500.45");
    items[1].gst_rate = D("18");
    d->items = items;
    d->nitems = 2;
    d->round_off = INR("-0.06");
}

static char *write_json(GstEinv *d, Arena *a)
{
    EinvReport r;
    int rc = gst_einv_check(d, a, &r);
    for (int i = 0; i < r.n; i++)
        cr_log_error("%s: %s", r.items[i].rule, r.items[i].message);
    cr_assert_eq(rc, 0);
    Buf b;
    buf_init(&b, 0);
    Error e;
    cr_assert_eq(gst_einv_write(&b, d, &e), 0, "%s", e.message);
    char *s = arena_strdup(a, buf_cstr(&b));
    buf_free(&b);
    json_error_t je;
    json_t *j = json_loads(s, 0, &je);
    cr_assert_not_null(j, "not JSON: %s at %d", je.text, je.line);
    json_decref(j);
    return s;
}

/* Intra-state (27 -> 27): CGST + SGST at 9% each.
 *   item 1: 1 x 1000.00 = 1000.00; 9% = 90.00 each; value 1180.00
 *   item 2: 2 x 8500.45 = 17000.90; 9% = 1530.081 -> 1530.08 each; value 20061.06
 *   AssVal 18000.90, CGST = SGST 1620.08, 21241.06 rounded off by -0.06 to 21241.00 */
static const char intra_json[] =
    "{\n"
    "  \"Version\": \"1.1\",\n"
    "  \"TranDtls\": {\n"
    "    \"TaxSch\": \"GST\",\n"
    "    \"SupTyp\": \"B2B\",\n"
    "    \"RegRev\": \"N\",\n"
    "    \"IgstOnIntra\": \"N\"\n"
    "  },\n"
    "  \"DocDtls\": {\n"
    "    \"Typ\": \"INV\",\n"
    "    \"No\": \"INV/2026-27/0042\",\n"
    "    \"Dt\": \"04/05/2026\"\n"
    "  },\n"
    "  \"SellerDtls\": {\n"
    "    \"Gstin\": \"27AABCL1234D1Z2\",\n"
    "    \"LglNm\": \"Lumen Infotech Private Limited\",\n"
    "    \"TrdNm\": \"Lumen IT\",\n"
    "    \"Addr1\": \"14 Nariman Point\",\n"
    "    \"Loc\": \"Mumbai\",\n"
    "    \"Pin\": 400021,\n"
    "    \"Stcd\": \"27\",\n"
    "    \"Em\": \"gst@lumen.example\"\n"
    "  },\n"
    "  \"BuyerDtls\": {\n"
    "    \"Gstin\": \"27AAACN5678E1ZB\",\n"
    "    \"LglNm\": \"Nirmal Textiles LLP\",\n"
    "    \"Pos\": \"27\",\n"
    "    \"Addr1\": \"Plot 7, MIDC\",\n"
    "    \"Addr2\": \"Bhosari\",\n"
    "    \"Loc\": \"Pune\",\n"
    "    \"Pin\": 411026,\n"
    "    \"Stcd\": \"27\"\n"
    "  },\n"
    "  \"ItemList\": [\n"
    "    {\n"
    "      \"SlNo\": \"1\",\n"
    "      \"PrdDesc\": \"Annual maintenance contract\",\n"
    "      \"IsServc\": \"Y\",\n"
    "      \"HsnCd\": \"998713\",\n"
    "      \"Qty\": 1,\n"
    "      \"UnitPrice\": 1000,\n"
    "      \"TotAmt\": 1000.00,\n"
    "      \"Discount\": 0.00,\n"
    "      \"AssAmt\": 1000.00,\n"
    "      \"GstRt\": 18,\n"
    "      \"IgstAmt\": 0.00,\n"
    "      \"CgstAmt\": 90.00,\n"
    "      \"SgstAmt\": 90.00,\n"
    "      \"CesRt\": 0,\n"
    "      \"CesAmt\": 0.00,\n"
    "      \"OthChrg\": 0.00,\n"
    "      \"TotItemVal\": 1180.00\n"
    "    },\n"
    "    {\n"
    "      \"SlNo\": \"2\",\n"
    "      \"PrdDesc\": \"Network switch, 24 port\",\n"
    "      \"IsServc\": \"N\",\n"
    "      \"HsnCd\": \"85176990\",\n"
    "      \"Qty\": 2,\n"
    "      \"Unit\": \"NOS\",\n"
    "      \"UnitPrice\": 8500.45,\n"
    "      \"TotAmt\": 17000.90,\n"
    "      \"Discount\": 0.00,\n"
    "      \"AssAmt\": 17000.90,\n"
    "      \"GstRt\": 18,\n"
    "      \"IgstAmt\": 0.00,\n"
    "      \"CgstAmt\": 1530.08,\n"
    "      \"SgstAmt\": 1530.08,\n"
    "      \"CesRt\": 0,\n"
    "      \"CesAmt\": 0.00,\n"
    "      \"OthChrg\": 0.00,\n"
    "      \"TotItemVal\": 20061.06\n"
    "    }\n"
    "  ],\n"
    "  \"ValDtls\": {\n"
    "    \"AssVal\": 18000.90,\n"
    "    \"CgstVal\": 1620.08,\n"
    "    \"SgstVal\": 1620.08,\n"
    "    \"IgstVal\": 0.00,\n"
    "    \"CesVal\": 0.00,\n"
    "    \"Discount\": 0.00,\n"
    "    \"OthChrg\": 0.00,\n"
    "    \"RndOffAmt\": -0.06,\n"
    "    \"TotInvVal\": 21241.00\n"
    "  }\n"
    "}\n";

Test(gst_einvoice, intra_state_invoice_has_cgst_and_sgst)
{
    Arena a;
    arena_init(&a, 0);
    GstEinv d;
    GstEinvItem items[2];
    build(&d, items, false);
    char *s = write_json(&d, &a);
    cr_expect(d.intra);
    cr_expect_str_eq(s, intra_json);
    arena_free(&a);
}

/* Inter-state (27 -> 29): IGST 18%.
 *   item 1: 180.00 -> 1180.00; item 2: 17000.90 x 18% = 3060.162 -> 3060.16 -> 20061.06
 *   AssVal 18000.90 + IGST 3240.16 = 21241.06, rounded off to 21241.00 */
Test(gst_einvoice, inter_state_invoice_has_igst)
{
    Arena a;
    arena_init(&a, 0);
    GstEinv d;
    GstEinvItem items[2];
    build(&d, items, true);
    char *s = write_json(&d, &a);
    cr_expect_not(d.intra);
    static const char *const want[] = {
        "\"Gstin\": \"29AAACN5678E1Z7\"", "\"Pos\": \"29\"",          "\"Stcd\": \"29\"",
        "\"IgstAmt\": 180.00",            "\"IgstAmt\": 3060.16",      "\"TotItemVal\": 1180.00",
        "\"TotItemVal\": 20061.06",       "\"AssVal\": 18000.90",      "\"CgstVal\": 0.00",
        "\"SgstVal\": 0.00",              "\"IgstVal\": 3240.16",      "\"RndOffAmt\": -0.06",
        "\"TotInvVal\": 21241.00",
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        cr_expect_not_null(strstr(s, want[i]), "missing %s in\n%s", want[i], s);
    cr_expect_null(strstr(s, "\"CgstAmt\": 90.00"), "an inter-state item carries no CGST");
    /* The whole document differs from the intra-state one only where the supply does. */
    cr_expect_eq(d.totals.igst, INR("3240.16"));
    cr_expect_eq(d.totals.cgst + d.totals.sgst, 0);
    cr_expect_eq(d.totals.total, INR("21241.00"));
    arena_free(&a);
}

/* Issue 4's example: 3 x 33.33 at 18% intra-state = 99.99 + 8.9991 -> 9.00 twice = 117.99. */
Test(gst_einvoice, three_times_33_33_at_18_percent_is_117_99)
{
    Arena a;
    arena_init(&a, 0);
    GstEinv d;
    GstEinvItem items[2];
    build(&d, items, false);
    items[0].quantity = D("3");
    items[0].unit_price = D("33.33");
    d.nitems = 1;
    d.round_off = 0;
    write_json(&d, &a);
    cr_expect_eq(items[0].assessable, INR("99.99"));
    cr_expect_eq(items[0].cgst, INR("9.00"));
    cr_expect_eq(items[0].sgst, INR("9.00"));
    cr_expect_eq(d.totals.total, INR("117.99"));
    arena_free(&a);
}

Test(gst_einvoice, credit_note_references_the_invoice)
{
    Arena a;
    arena_init(&a, 0);
    GstEinv d;
    GstEinvItem items[2];
    build(&d, items, false);
    d.doc_type = "CRN";
    d.number = "CN/2026-27/0003";
    d.preceding_number = "INV/2026-27/0042";
    d.preceding_date = date_from_ymd(2026, 5, 4);
    char *s = write_json(&d, &a);
    cr_expect_not_null(strstr(s, "\"Typ\": \"CRN\""));
    cr_expect_not_null(strstr(s, "\"RefDtls\": {\n    \"PrecDocDtls\": [\n      {\n        \"InvNo\": "
                                 "\"INV/2026-27/0042\",\n        \"InvDt\": \"04/05/2026\""),
                       "%s", s);
    arena_free(&a);
}

/* ---- one test per portal rule ---- */

typedef void (*Mutator)(GstEinv *d, GstEinvItem *items);

static void expect_rule(Mutator m, const char *rule, const char *needle)
{
    Arena a;
    arena_init(&a, 0);
    GstEinv d;
    GstEinvItem items[2];
    build(&d, items, false);
    m(&d, items);
    EinvReport r;
    int rc = gst_einv_check(&d, &a, &r);
    cr_expect_eq(rc, -ERR_INVALID, "the check passed a document breaking %s", rule);
    const EinvProblem *p = NULL;
    for (int i = 0; i < r.n; i++)
        if (strcmp(r.items[i].rule, rule) == 0)
            p = &r.items[i];
    for (int i = 0; !p && i < r.n; i++)
        cr_log_info("  got %s: %s", r.items[i].rule, r.items[i].message);
    cr_assert_not_null(p, "no problem %s", rule);
    if (needle)
        cr_expect_not_null(strstr(p->message, needle), "message \"%s\" lacks \"%s\"", p->message, needle);
    arena_free(&a);
}

#define RULE(name, rule, needle, ...)                                                                              \
    static void mut_##name(GstEinv *d, GstEinvItem *items)                                                        \
    {                                                                                                              \
        (void)items;                                                                                               \
        __VA_ARGS__                                                                                                \
    }                                                                                                              \
    Test(gst_einvoice_rules, name)                                                                                 \
    {                                                                                                              \
        expect_rule(mut_##name, rule, needle);                                                                     \
    }

RULE(document_number_of_17_characters_is_refused, "IRP: DocDtls.No at most 16 characters", "has 17 characters",
     d->number = "INV/2026-27/00042";)
RULE(document_number_starting_with_0_is_refused, "IRP: DocDtls.No does not start with 0, / or -", "starts with '0'",
     d->number = "0042";)
RULE(document_number_starting_with_slash_is_refused, "IRP: DocDtls.No does not start with 0, / or -", NULL,
     d->number = "/INV/42";)
RULE(document_number_starting_with_dash_is_refused, "IRP: DocDtls.No does not start with 0, / or -", NULL,
     d->number = "-42";)
RULE(document_number_with_other_characters_is_refused, "IRP: DocDtls.No has only letters, digits, / and -", "'_'",
     d->number = "INV_42";)
RULE(document_number_is_mandatory, "IRP: DocDtls.No is mandatory", NULL, d->number = NULL;)
RULE(document_date_not_in_the_future, "IRP: DocDtls.Dt not in the future", NULL,
     d->date = date_from_ymd(2026, 5, 6);)
RULE(document_type_is_inv_crn_or_dbn, "IRP: Typ is INV, CRN or DBN", NULL, d->doc_type = "BIL";)
RULE(credit_note_names_the_invoice, "IRP: credit and debit notes reference the invoice", NULL, d->doc_type = "CRN";)
RULE(round_off_beyond_99_99_is_refused, "IRP: RndOffAmt within -99.99..99.99", "100.00", d->round_off = 10000;)
RULE(negative_round_off_beyond_99_99_is_refused, "IRP: RndOffAmt within -99.99..99.99", "-100.00",
     d->round_off = -10000;)
RULE(seller_gstin_check_character, "IRP: GSTIN format and check character", "wrong check character: 3 instead of 2",
     d->seller.gstin = "27AABCL1234D1Z3";)
RULE(buyer_gstin_holds_a_pan, "IRP: GSTIN format and check character", "PAN", d->buyer.gstin = "27AAAC15678E1ZB";)
RULE(gstin_state_code_must_exist, "IRP: GSTIN format and check character", "not a GST state code",
     d->buyer.gstin = "40AAACN5678E1ZB";)
RULE(seller_state_code_matches_its_gstin, "IRP: seller Stcd matches its GSTIN", NULL, d->seller.state_code = "29";)
RULE(state_code_must_exist, "IRP: state code from the GST state list", NULL, d->buyer.state_code = "45";)
RULE(place_of_supply_must_be_a_state_code, "IRP: Pos from the GST state list", NULL, d->place_of_supply = "99";)
RULE(place_of_supply_is_mandatory, "IRP: Pos is mandatory", NULL, d->place_of_supply = NULL;)
RULE(seller_and_buyer_gstin_differ, "IRP: seller and buyer GSTIN differ", NULL, d->buyer.gstin = d->seller.gstin;)
RULE(b2b_needs_a_registered_buyer, "IRP: URP only for exports", NULL, d->buyer.gstin = "URP";)
RULE(export_place_of_supply_is_96, "IRP: Pos 96 for exports", NULL,
     d->supply_type = "EXPWP"; d->buyer.gstin = "URP"; d->buyer.pin = "999999"; d->buyer.state_code = "96";)
RULE(pin_has_six_digits, "IRP: SellerDtls.Pin is a 6-digit PIN", NULL, d->seller.pin = "04002";)
RULE(intra_state_supply_carries_no_igst, "IRP: intra-state supply has CGST + SGST, no IGST", "place of supply 27", {
    items[0].taxes_given = true;
    items[0].igst = INR("180.00");
})
RULE(inter_state_supply_carries_no_cgst, "IRP: inter-state supply has IGST, no CGST + SGST", "not the seller's state", {
    d->buyer.gstin = "29AAACN5678E1Z7";
    d->buyer.state_code = "29";
    d->place_of_supply = "29";
    items[0].taxes_given = true;
    items[0].cgst = items[0].sgst = INR("90.00");
})
RULE(igst_on_intra_makes_it_inter_state, "IRP: inter-state supply has IGST, no CGST + SGST", NULL, {
    d->igst_on_intra = true;
    items[0].taxes_given = true;
    items[0].cgst = items[0].sgst = INR("90.00");
})
RULE(cgst_equals_sgst, "IRP: CGST = SGST", NULL, {
    items[0].taxes_given = true;
    items[0].cgst = INR("90.00");
    items[0].sgst = INR("89.00");
})
RULE(cgst_follows_the_rate, "IRP: CGST, SGST = AssAmt x GstRt / 2", NULL, {
    items[0].taxes_given = true;
    items[0].cgst = items[0].sgst = INR("95.00");
})
RULE(gst_rate_is_notified, "IRP: GstRt is a notified GST rate", "17%", items[0].gst_rate = D("17");)
RULE(hsn_has_4_6_or_8_digits, "IRP: HsnCd has 4, 6 or 8 digits", NULL, items[1].hsn = "85176";)
RULE(hsn_is_mandatory, "IRP: HsnCd is mandatory", NULL, items[1].hsn = NULL;)
RULE(is_service_matches_sac, "IRP: IsServc matches HsnCd", NULL, items[0].is_service = false;)
RULE(unit_from_the_uqc_list, "IRP: Unit from the GST UQC list", NULL, items[1].unit = "HOURS";)
RULE(goods_need_a_unit, "IRP: Unit is mandatory for goods", NULL, items[1].unit = NULL;)
RULE(quantity_has_at_most_3_decimals, "IRP: Qty >= 0 with at most 3 decimals", NULL, items[1].quantity = D("1.2345");)
RULE(total_is_quantity_times_price, "IRP: TotAmt = Qty x UnitPrice", NULL, {
    items[1].total_given = true;
    items[1].total = INR("17002.00");
})
RULE(discount_not_above_total, "IRP: AssAmt = TotAmt - Discount >= 0", NULL, items[0].discount = INR("1000.01");)
RULE(legal_name_length, "IRP: BuyerDtls.LglNm length 3..100", NULL, d->buyer.legal_name = "AB";)
RULE(at_least_one_item, "IRP: at least one item", NULL, d->nitems = 0;)
RULE(supply_type_known, "IRP: SupTyp from B2B, SEZWP, SEZWOP, EXPWP, EXPWOP, DEXP", NULL, d->supply_type = "B2C";)

Test(gst_einvoice_rules, sixteen_characters_and_round_off_of_99_99_are_accepted)
{
    Arena a;
    arena_init(&a, 0);
    GstEinv d;
    GstEinvItem items[2];
    build(&d, items, false);
    d.number = "INV/2026-27/0042";
    cr_assert_eq(strlen(d.number), 16);
    d.round_off = 9999;
    EinvReport r;
    cr_expect_eq(gst_einv_check(&d, &a, &r), 0);
    d.round_off = -9999;
    cr_expect_eq(gst_einv_check(&d, &a, &r), 0);
    arena_free(&a);
}

Test(gst_einvoice_rules, export_without_payment_is_inter_state_to_urp)
{
    Arena a;
    arena_init(&a, 0);
    GstEinv d;
    GstEinvItem items[2];
    build(&d, items, false);
    d.supply_type = "EXPWOP";
    d.buyer.gstin = "URP";
    d.buyer.state_code = "96";
    d.buyer.pin = "999999";
    d.place_of_supply = "96";
    EinvReport r;
    int rc = gst_einv_check(&d, &a, &r);
    for (int i = 0; i < r.n; i++)
        cr_log_error("%s: %s", r.items[i].rule, r.items[i].message);
    cr_expect_eq(rc, 0);
    cr_expect_not(d.intra);
    cr_expect_eq(items[0].igst, INR("180.00"));
    arena_free(&a);
}

Test(gst_einvoice, gstin_validation)
{
    static const struct {
        const char *gstin;
        bool valid;
    } rows[] = {
        {"27AAPFU0939F1ZV", true}, {"29AAGCB7383J1Z4", true}, {"33AAACH7409R1Z8", true},
        {"27AAPFU0939F1ZW", false}, {"27AAPFU0939F1Z", false}, {"27aapfu0939f1zv", false},
        {"00AAPFU0939F1ZV", false}, {"96AAPFU0939F1ZV", false}, {"27AAPF10939F1ZV", false},
        {"27AAPFU0939F0ZV", false}, {NULL, false},
    };
    char buf[160];
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        cr_expect_eq(gst_einv_gstin_problem(rows[i].gstin, buf, sizeof buf) == NULL, rows[i].valid, "%s",
                     rows[i].gstin ? rows[i].gstin : "NULL");
}

Test(gst_einvoice, unchecked_document_is_not_written)
{
    GstEinv d;
    GstEinvItem items[2];
    build(&d, items, false);
    Buf b;
    buf_init(&b, 0);
    Error e;
    cr_expect_eq(gst_einv_write(&b, &d, &e), -ERR_STATE);
    buf_free(&b);
}
