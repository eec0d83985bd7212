/* domain/gst.h — Indian GST identifiers and the place-of-supply rule.
 *
 * Pure functions (no I/O): GSTIN and PAN validation, the state code table,
 * and which taxes a supply carries (CGST + SGST/UTGST inside a state, IGST
 * across states).
 */
#ifndef REMIT_DOMAIN_GST_H
#define REMIT_DOMAIN_GST_H

#include <stdbool.h>

#include "core/error.h"

#define GSTIN_LEN 15
#define PAN_LEN 10
#define GST_STATE_ABROAD "96"   /* place of supply of exports: "Other Country" */

typedef enum SupplyMode { SUPPLY_NON_GST, SUPPLY_INTRA, SUPPLY_INTER } SupplyMode;

/* The state or territory named by a two-digit GST state code ("27" -> "Maharashtra"); NULL if the
 * code is not one (01..38 as assigned, 96 Other Country, 97 Other Territory). */
const char *gst_state_name(const char *code);
bool gst_state_valid(const char *code);
/* Union territories without a legislature levy UTGST instead of SGST (04, 25, 26, 31, 35, 38). */
bool gst_state_is_ut(const char *code);

/* The check character of a GSTIN from its first 14 characters (upper case letters and digits):
 * the mod-36 weighted sum the GSTN publishes; 0 if a character is not [0-9A-Z]. */
char gst_gstin_check_char(const char *first14);
/* 15 characters: a valid state code, a valid PAN (characters 3-12), an entity code [1-9A-Z], a
 * 14th character [0-9A-Z] ("Z" for ordinary registrations), and the check character.
 * ERR_INVALID naming field, saying which part is wrong. */
int gst_gstin_validate(const char *gstin, const char *field, Error *err);
/* AAAAA9999A: five letters (the fourth the holder type: P C H F A T B L J G), four digits, a letter. */
int gst_pan_validate(const char *pan, const char *field, Error *err);

/* Which taxes a supply carries: NON_GST when the seller has no GSTIN (no GST: a plain tax);
 * INTRA when the seller's state is the place of supply; INTER otherwise (and for exports). */
SupplyMode gst_supply_mode(const char *seller_state, const char *place_of_supply, bool seller_registered);
const char *gst_supply_type_name(SupplyMode m);   /* "intra_state", "inter_state", "non_gst" */

#endif
