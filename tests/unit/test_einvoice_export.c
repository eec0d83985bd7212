/* tests/unit/test_einvoice_export.c — domain/einvoice_export.c's pure helpers: free-text units of
 * the catalog turned into UN/ECE Rec 20 codes (EN 16931 BT-130) and GST UQC codes. The mapping of
 * rows itself is tested through the API (tests/scenario/test_einvoice_api.c).
 */
#include <criterion/criterion.h>

#include "domain/einvoice.h"
#include "domain/einvoice_export.h"

Test(einvoice_export, BR_CL_23_units_become_rec20_codes)
{
    static const char *const rows[][2] = {
        {"hour", "HUR"}, {"Hours", "HUR"}, {"hrs", "HUR"},  {"day", "DAY"},  {"month", "MON"}, {"year", "ANN"},
        {"GB", "E34"},   {"kg", "KGM"},    {"pcs", "H87"},  {"seat", "C62"}, {"HUR", "HUR"},   {"MTQ", "MTQ"},
        {"widget", "C62"}, {"", "C62"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const char *code = einvoice_unit_code(rows[i][0]);
        cr_expect_str_eq(code, rows[i][1], "%s", rows[i][0]);
        cr_expect(einv_code_valid(EINV_CODES_UNIT, code), "%s is not a Rec 20 code", code);
    }
    cr_expect_str_eq(einvoice_unit_code(NULL), "C62");
}

Test(einvoice_export, units_become_gst_uqc_codes)
{
    static const char *const rows[][2] = {
        {"pcs", "PCS"}, {"Nos", "NOS"}, {"kg", "KGS"}, {"litre", "LTR"}, {"box", "BOX"}, {"hour", "OTH"},
        {"BOX", "BOX"}, {"widget", "OTH"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        cr_expect_str_eq(einvoice_uqc(rows[i][0]), rows[i][1], "%s", rows[i][0]);
    cr_expect_str_eq(einvoice_uqc(NULL), "OTH");
}
