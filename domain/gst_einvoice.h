/* domain/gst_einvoice.h — India's GST e-invoice (the IRP's JSON, schema version 1.1) as a plain
 * struct, the portal's rules checked before export, and the JSON writer.
 *
 * Use: gst_einv_init(&doc), fill it, gst_einv_check(&doc, arena, &report) computes the item and
 * document values (TotAmt, AssAmt, taxes, TotItemVal, ValDtls) and lists every rule the portal
 * would refuse the document for (document number, GSTINs, state codes, place of supply, IGST vs
 * CGST+SGST, rates, round-off...), each with the JSON field it concerns. gst_einv_write writes a
 * checked document. Amounts are int64 paise (INR minor units), never floating point; the JSON
 * carries them as numbers with 2 decimals, quantities and prices with at most 3.
 */
#ifndef REMIT_DOMAIN_GST_EINVOICE_H
#define REMIT_DOMAIN_GST_EINVOICE_H

#include "domain/einvoice.h"

#define GST_EINV_VERSION "1.1"
#define GST_EINV_DOCNO_MAX 16
#define GST_EINV_ROUNDOFF_MAX 9999   /* paise: the portal accepts RndOffAmt within +-99.99 */
#define GST_EINV_ITEMS_MAX 1000

typedef struct GstEinvParty {   /* SellerDtls / BuyerDtls */
    const char *gstin;          /* Gstin; "URP" for an unregistered (export) buyer */
    const char *legal_name;     /* LglNm */
    const char *trade_name;     /* TrdNm */
    const char *addr1, *addr2;  /* Addr1, Addr2 */
    const char *location;       /* Loc: city or town */
    const char *pin;            /* Pin: 6 digits; 999999 for a buyer abroad */
    const char *state_code;     /* Stcd: two digits; the seller's is its GSTIN's first two */
    const char *phone, *email;  /* Ph, Em */
} GstEinvParty;

typedef struct GstEinvItem {    /* ItemList[] */
    const char *description;    /* PrdDesc */
    const char *hsn;            /* HsnCd: HSN (goods) or SAC (services, starting 99) */
    bool is_service;            /* IsServc */
    Dec quantity;               /* Qty */
    const char *unit;           /* Unit: a GST UQC code (NOS, KGS, OTH ...); optional for services */
    Dec unit_price;             /* UnitPrice */
    int64_t total;              /* TotAmt: quantity x unit price, unless total_given */
    bool total_given;
    int64_t discount;           /* Discount */
    int64_t other_charges;      /* OthChrg */
    Dec gst_rate;               /* GstRt, percent */
    Dec cess_rate;              /* CesRt */
    int64_t igst, cgst, sgst, cess;   /* computed unless taxes_given (then checked) */
    bool taxes_given;
    int64_t assessable;         /* AssAmt = TotAmt - Discount (computed) */
    int64_t item_value;         /* TotItemVal (computed) */
} GstEinvItem;

typedef struct GstEinvTotals {  /* ValDtls (computed) */
    int64_t assessable, cgst, sgst, igst, cess, discount, other_charges, round_off, total;
} GstEinvTotals;

typedef struct GstEinv {
    const char *supply_type;    /* SupTyp: B2B (default), SEZWP, SEZWOP, EXPWP, EXPWOP, DEXP */
    bool reverse_charge;        /* RegRev */
    bool igst_on_intra;         /* IgstOnIntra: IGST although seller and place of supply share a state */
    const char *doc_type;       /* Typ: INV (default), CRN, DBN */
    const char *number;         /* No */
    Date date;                  /* Dt */
    Date today;                 /* to refuse a future document date; EINV_NO_DATE = not checked */
    GstEinvParty seller, buyer;
    const char *place_of_supply;/* BuyerDtls.Pos */
    GstEinvItem *items;
    int nitems;
    int64_t discount;           /* ValDtls.Discount: invoice-level */
    int64_t other_charges;      /* ValDtls.OthChrg: invoice-level */
    int64_t round_off;          /* ValDtls.RndOffAmt */
    const char *preceding_number;   /* RefDtls.PrecDocDtls for credit and debit notes */
    Date preceding_date;
    Rounding rounding;

    GstEinvTotals totals;       /* computed */
    bool intra;                 /* computed: CGST + SGST rather than IGST */
    bool checked;
} GstEinv;

void gst_einv_init(GstEinv *doc);
void gst_einv_item_init(GstEinvItem *item);   /* quantity 1 */

/* Computes and checks; 0, or ERR_INVALID with every problem in out (term = the JSON field, rule =
 * the portal rule). out is initialised here. */
int gst_einv_check(GstEinv *doc, Arena *a, EinvReport *out);

/* The JSON of a checked document, appended to out. ERR_STATE if it was not checked. */
int gst_einv_write(Buf *out, const GstEinv *doc, Error *err);

/* GSTIN: domain/gst.c's rules (15 characters, state code, PAN, entity code, mod-36 check
 * character). NULL if valid, else what is wrong, written into buf. */
const char *gst_einv_gstin_problem(const char *gstin, char *buf, size_t cap);
bool gst_einv_state_valid(const char *code);    /* gst_state_valid: 01..38, 96, 97 */

#endif
