/* domain/gst.c — GSTIN, PAN, state codes and the supply rule; see gst.h.
 * Exports gst_state_name, gst_state_valid, gst_state_is_ut,
 * gst_gstin_check_char, gst_gstin_validate, gst_pan_validate,
 * gst_supply_mode, gst_supply_type_name.
 *
 * The GSTIN check character: each of the first 14 characters is valued in
 * base 36 (0-9 then A-Z), multiplied by 1 at odd positions and 2 at even ones
 * (counting from 1), each product p contributes p / 36 + p % 36, and the check
 * character is the one valued (36 - sum % 36) % 36. Example: 27AAPFU0939F1Z
 * gives V.
 */
#include "domain/gst.h"

#include <stdio.h>
#include <string.h>

static const struct { const char *code, *name; bool ut; } states[] = {
    {"01", "Jammu and Kashmir", false},
    {"02", "Himachal Pradesh", false},
    {"03", "Punjab", false},
    {"04", "Chandigarh", true},
    {"05", "Uttarakhand", false},
    {"06", "Haryana", false},
    {"07", "Delhi", false},
    {"08", "Rajasthan", false},
    {"09", "Uttar Pradesh", false},
    {"10", "Bihar", false},
    {"11", "Sikkim", false},
    {"12", "Arunachal Pradesh", false},
    {"13", "Nagaland", false},
    {"14", "Manipur", false},
    {"15", "Mizoram", false},
    {"16", "Tripura", false},
    {"17", "Meghalaya", false},
    {"18", "Assam", false},
    {"19", "West Bengal", false},
    {"20", "Jharkhand", false},
    {"21", "Odisha", false},
    {"22", "Chhattisgarh", false},
    {"23", "Madhya Pradesh", false},
    {"24", "Gujarat", false},
    {"25", "Daman and Diu", true},
    {"26", "Dadra and Nagar Haveli and Daman and Diu", true},
    {"27", "Maharashtra", false},
    {"28", "Andhra Pradesh (before 2014)", false},
    {"29", "Karnataka", false},
    {"30", "Goa", false},
    {"31", "Lakshadweep", true},
    {"32", "Kerala", false},
    {"33", "Tamil Nadu", false},
    {"34", "Puducherry", false},
    {"35", "Andaman and Nicobar Islands", true},
    {"36", "Telangana", false},
    {"37", "Andhra Pradesh", false},
    {"38", "Ladakh", true},
    {"96", "Other Country", false},
    {"97", "Other Territory", false},
};

static int state_index(const char *code)
{
    if (!code || strlen(code) != 2)
        return -1;
    for (size_t i = 0; i < sizeof states / sizeof states[0]; i++)
        if (memcmp(states[i].code, code, 2) == 0)
            return (int)i;
    return -1;
}

const char *gst_state_name(const char *code)
{
    int i = state_index(code);
    return i < 0 ? NULL : states[i].name;
}

bool gst_state_valid(const char *code)
{
    return state_index(code) >= 0;
}

bool gst_state_is_ut(const char *code)
{
    int i = state_index(code);
    return i >= 0 && states[i].ut;
}

static int b36(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'Z')
        return c - 'A' + 10;
    return -1;
}

char gst_gstin_check_char(const char *first14)
{
    static const char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    int sum = 0;
    for (int i = 0; i < 14; i++) {
        int v = b36(first14[i]);
        if (v < 0)
            return 0;
        int p = v * ((i % 2) ? 2 : 1);
        sum += p / 36 + p % 36;
    }
    return alphabet[(36 - sum % 36) % 36];
}

static bool upper(char c) { return c >= 'A' && c <= 'Z'; }
static bool digit(char c) { return c >= '0' && c <= '9'; }

static int pan_shape(const char *p, const char *field, const char *what, Error *err)
{
    for (int i = 0; i < 5; i++)
        if (!upper(p[i]))
            return err_set(err, ERR_INVALID, field, "%s must start with five capital letters", what);
    if (!strchr("PCHFATBLJG", p[3]))
        return err_set(err, ERR_INVALID, field, "%s has an unknown holder type '%c' (4th letter: P C H F A T B L J G)",
                       what, p[3]);
    for (int i = 5; i < 9; i++)
        if (!digit(p[i]))
            return err_set(err, ERR_INVALID, field, "%s must have four digits after the five letters", what);
    if (!upper(p[9]))
        return err_set(err, ERR_INVALID, field, "%s must end with a capital letter", what);
    return 0;
}

int gst_pan_validate(const char *pan, const char *field, Error *err)
{
    if (!pan || strlen(pan) != PAN_LEN)
        return err_set(err, ERR_INVALID, field, "%s must be 10 characters such as AAPFU0939F", field);
    return pan_shape(pan, field, field, err);
}

int gst_gstin_validate(const char *g, const char *field, Error *err)
{
    if (!g || strlen(g) != GSTIN_LEN)
        return err_set(err, ERR_INVALID, field, "%s must be 15 characters such as 27AAPFU0939F1ZV", field);
    for (int i = 0; i < GSTIN_LEN; i++)
        if (!upper(g[i]) && !digit(g[i]))
            return err_set(err, ERR_INVALID, field, "%s must contain only capital letters and digits", field);
    char sc[3] = {g[0], g[1], '\0'};
    if (!gst_state_valid(sc) || strcmp(sc, "96") == 0)
        return err_set(err, ERR_INVALID, field, "%s starts with %s, which is not a GST state code", field, sc);
    char what[128];
    snprintf(what, sizeof what, "the PAN inside %s (characters 3 to 12)", field);
    int rc = pan_shape(g + 2, field, what, err);
    if (rc < 0)
        return rc;
    if (g[12] == '0')
        return err_set(err, ERR_INVALID, field, "%s has an entity code of 0 (13th character: 1-9 or A-Z)", field);
    char want = gst_gstin_check_char(g);
    if (want != g[14])
        return err_set(err, ERR_INVALID, field, "%s has a wrong check character: %c instead of %c", field, g[14], want);
    return 0;
}

SupplyMode gst_supply_mode(const char *seller_state, const char *place_of_supply, bool seller_registered)
{
    if (!seller_registered)
        return SUPPLY_NON_GST;
    if (!seller_state || !place_of_supply)
        return SUPPLY_INTRA;   /* unknown place: the supplier's own location (IGST Act s.12(2)(b)) */
    return strcmp(seller_state, place_of_supply) == 0 ? SUPPLY_INTRA : SUPPLY_INTER;
}

const char *gst_supply_type_name(SupplyMode m)
{
    switch (m) {
    case SUPPLY_INTRA: return "intra_state";
    case SUPPLY_INTER: return "inter_state";
    default: return "non_gst";
    }
}
