/* tests/unit/test_gst.c — domain/gst: GSTIN (length, state code, PAN inside,
 * entity code, check character), PAN, state codes, and the supply rule
 * (CGST + SGST inside a state, IGST across, no GST without registration).
 * Table-driven: one row per case. */
#include <criterion/criterion.h>
#include <string.h>

#include "domain/gst.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

Test(gst, gstin_check_character_is_the_published_mod_36_checksum)
{
    static const struct { const char *first14; char want; } rows[] = {
        {"27AAPFU0939F1Z", 'V'},   /* the GSTN's own example */
        {"29AAGCB7383J1Z", '4'},
        {"33AAACH7409R1Z", '8'},
        {"07AAACR5055K1Z", '9'},
    };
    for (size_t i = 0; i < N(rows); i++)
        cr_expect_eq(gst_gstin_check_char(rows[i].first14), rows[i].want, "%s: got %c, want %c", rows[i].first14,
                     gst_gstin_check_char(rows[i].first14), rows[i].want);
    cr_expect_eq(gst_gstin_check_char("27aapfu0939f1z"), 0, "lower case is not a GSTIN character");
}

Test(gst, gstin_validation_names_what_is_wrong)
{
    static const struct { const char *gstin; bool ok; const char *says; } rows[] = {
        {"27AAPFU0939F1ZV", true, NULL},
        {"29AAGCB7383J1Z4", true, NULL},
        {"27AAPFU0939F1Z", false, "15 characters"},           /* too short */
        {"27AAPFU0939F1ZVX", false, "15 characters"},         /* too long */
        {"27aapfu0939f1zv", false, "capital letters"},
        {"99AAPFU0939F1ZV", false, "not a GST state code"},   /* no such state */
        {"96AAPFU0939F1ZV", false, "not a GST state code"},   /* abroad is a place of supply, not a registration */
        {"2712PFU0939F1ZV", false, "five capital letters"},   /* PAN part starts with digits */
        {"27AAPXU0939F1ZV", false, "holder type"},            /* 4th PAN letter X is no holder type */
        {"27AAPFUA939F1ZV", false, "four digits"},
        {"27AAPFU09391", false, "15 characters"},
        {"27AAPFU093991ZV", false, "capital letter"},         /* PAN must end with a letter */
        {"27AAPFU0939F0ZV", false, "entity code"},
        {"27AAPFU0939F1ZW", false, "check character"},
    };
    for (size_t i = 0; i < N(rows); i++) {
        Error e;
        err_clear(&e);
        int rc = gst_gstin_validate(rows[i].gstin, "gst_number", &e);
        if (rows[i].ok) {
            cr_expect_eq(rc, 0, "%s should be valid: %s", rows[i].gstin, e.message);
        } else {
            cr_expect_eq(rc, -ERR_INVALID, "%s should be refused", rows[i].gstin);
            cr_expect_str_eq(e.field, "gst_number");
            cr_expect(strstr(e.message, rows[i].says) != NULL, "%s: message \"%s\" should say \"%s\"", rows[i].gstin,
                      e.message, rows[i].says);
        }
    }
}

Test(gst, pan_is_five_letters_four_digits_a_letter_with_a_holder_type)
{
    static const struct { const char *pan; bool ok; } rows[] = {
        {"AAPFU0939F", true}, {"ABCPE1234F", true}, {"AAACH7409R", true},
        {"AAPFU0939", false}, {"AAPFU09391", false}, {"AAPXU0939F", false}, {"aapfu0939f", false},
        {"AAPF10939F", false}, {"AAPFU0939FF", false},
    };
    for (size_t i = 0; i < N(rows); i++) {
        Error e;
        int rc = gst_pan_validate(rows[i].pan, "pan_number", &e);
        cr_expect_eq(rc == 0, rows[i].ok, "%s: expected %s", rows[i].pan, rows[i].ok ? "valid" : "refused");
    }
}

Test(gst, state_codes_name_states_and_union_territories)
{
    cr_expect_str_eq(gst_state_name("27"), "Maharashtra");
    cr_expect_str_eq(gst_state_name("29"), "Karnataka");
    cr_expect_str_eq(gst_state_name("07"), "Delhi");
    cr_expect_str_eq(gst_state_name("96"), "Other Country");
    cr_expect_null(gst_state_name("00"));
    cr_expect_null(gst_state_name("39"));
    cr_expect_null(gst_state_name("7"));
    cr_expect(gst_state_is_ut("04"), "Chandigarh levies UTGST");
    cr_expect(gst_state_is_ut("38"), "Ladakh levies UTGST");
    cr_expect(!gst_state_is_ut("07"), "Delhi has a legislature: SGST");
    cr_expect(!gst_state_is_ut("34"), "Puducherry has a legislature: SGST");
}

Test(gst, place_of_supply_decides_cgst_sgst_or_igst)
{
    cr_expect_eq(gst_supply_mode("27", "27", true), SUPPLY_INTRA);
    cr_expect_eq(gst_supply_mode("27", "29", true), SUPPLY_INTER);
    cr_expect_eq(gst_supply_mode("27", "96", true), SUPPLY_INTER, "exports are inter-state supplies");
    cr_expect_eq(gst_supply_mode("27", NULL, true), SUPPLY_INTRA, "an unknown place is the supplier's");
    cr_expect_eq(gst_supply_mode("27", "29", false), SUPPLY_NON_GST, "no GSTIN, no GST");
    cr_expect_str_eq(gst_supply_type_name(SUPPLY_INTRA), "intra_state");
    cr_expect_str_eq(gst_supply_type_name(SUPPLY_INTER), "inter_state");
    cr_expect_str_eq(gst_supply_type_name(SUPPLY_NON_GST), "non_gst");
}
