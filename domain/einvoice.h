/* domain/einvoice.h — an invoice or credit note as EN 16931 sees it (a plain struct, no database),
 * the check that lists every missing or inconsistent business term and computes the VAT breakdown
 * and totals, and the UBL 2.1 writer with the Peppol BIS Billing 3.0 identifiers.
 *
 * Use: einv_doc_init(&doc) (dates absent, half-up rounding), fill the business terms, call
 * einv_check(&doc, arena, &report): it computes what EN 16931 computes (line net amounts,
 * percentage allowances, the VAT breakdown per category and rate, the document totals) and
 * returns 0, or ERR_INVALID with report listing EVERY problem ("buyer electronic address (BT-49)
 * is required"). Only a checked document can be written (ubl_write): Remit never produces an
 * invalid document.
 *
 * Amounts are int64 minor units of the document currency (core/money.h), never floating point.
 * EN 16931 caps amounts at 2 decimals (BR-DEC-*, UBL-DT-01), so a document carries them with
 * min(exponent, 2) decimals: JPY "1500", EUR "12.50", KWD "12.35" (a KWD amount must be a whole
 * number of 10 fils; 12.345 KWD is reported, never rounded silently). Computed amounts (line net,
 * percentage allowances, VAT) are rounded once to that precision with doc->rounding.
 *
 * Strings are borrowed (the caller keeps them alive); NULL or blank means absent. Everything
 * einv_check allocates comes from the arena it is given.
 */
#ifndef REMIT_DOMAIN_EINVOICE_H
#define REMIT_DOMAIN_EINVOICE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/date.h"
#include "core/decimal.h"
#include "core/error.h"
#include "core/money.h"

#define EINV_CUSTOMIZATION_ID "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
#define EINV_PROFILE_ID "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"

/* An absent date. */
#define EINV_NO_DATE INT32_MIN

typedef enum EinvKind { EINV_INVOICE, EINV_CREDIT_NOTE } EinvKind;

/* How the VAT of a category is computed. PER_CATEGORY is EN 16931's rule (BR-CO-17): the
 * category's taxable amount x rate, rounded once. PER_LINE sums each line's own rounded VAT (what
 * an invoice computed line by line, such as Remit's GST invoices, shows); the validators accept it
 * within BR-CO-17's tolerance of one currency unit, and einv_check refuses it beyond that. */
typedef enum EinvTaxRounding { EINV_TAX_PER_CATEGORY, EINV_TAX_PER_LINE } EinvTaxRounding;

typedef struct EinvAddress {   /* BG-5 seller, BG-8 buyer, BG-15 deliver to */
    const char *street;        /* BT-35 / BT-50 / BT-75 */
    const char *additional;    /* BT-36 / BT-51 / BT-76 */
    const char *line3;         /* BT-162 / BT-163 / BT-165 */
    const char *city;          /* BT-37 / BT-52 / BT-77 */
    const char *postal_code;   /* BT-38 / BT-53 / BT-78 */
    const char *subdivision;   /* BT-39 / BT-54 / BT-79 */
    const char *country;       /* BT-40 / BT-55 / BT-80: ISO 3166-1 alpha-2 */
} EinvAddress;

typedef struct EinvParty {     /* BG-4 seller, BG-7 buyer */
    const char *legal_name;    /* BT-27 / BT-44 (required) */
    const char *trading_name;  /* BT-28 / BT-45 */
    const char *id;            /* BT-29 / BT-46 */
    const char *id_scheme;     /*   ISO 6523 ICD, optional */
    const char *legal_id;      /* BT-30 / BT-47: company registration number */
    const char *legal_id_scheme;
    const char *vat_id;        /* BT-31 / BT-48: with its ISO 3166 country prefix (BR-CO-09) */
    const char *tax_reg_id;    /* BT-32 (seller only): a tax registration that is not a VAT id */
    const char *legal_info;    /* BT-33 (seller only): additional legal information */
    const char *endpoint;      /* BT-34 / BT-49: electronic address (Peppol participant id) */
    const char *endpoint_scheme; /* its EAS scheme, e.g. "0088" (GLN), "9930" (DE VAT) */
    EinvAddress address;
    const char *contact_name;  /* BT-41 / BT-56 */
    const char *contact_phone; /* BT-42 / BT-57 */
    const char *contact_email; /* BT-43 / BT-58 */
} EinvParty;

typedef struct EinvTax {
    const char *category;      /* UNCL 5305: S Z E AE K G O L M (BT-151, BT-95, BT-102) */
    Dec rate;                  /* percent (BT-152, BT-96, BT-103); not written for O */
    const char *exemption_reason;  /* BT-120, carried to the category's VAT breakdown */
    const char *exemption_code;    /* BT-121: VATEX code */
} EinvTax;

/* An allowance (discount) or charge: on the document (BG-20/BG-21) or on a line (BG-27/BG-28). */
typedef struct EinvAllowanceCharge {
    bool charge;               /* false: allowance */
    int64_t amount;            /* BT-92/99/136/141; computed when has_percent */
    bool has_percent;          /* amount = base x percent / 100, rounded once */
    Dec percent;               /* BT-94/101/138/143 */
    int64_t base;              /* BT-93/100/137/142 */
    const char *reason;        /* BT-97/104/139/144 */
    const char *reason_code;   /* BT-98/105/140/145: UNCL 5189 (allowance) or 7161 (charge) */
    EinvTax tax;               /* document level only (BT-95/96, BT-102/103) */
    bool percent_written;      /* computed: percent and base are written (PEPPOL-EN16931-R040 holds) */
} EinvAllowanceCharge;

typedef struct EinvLine {      /* BG-25 */
    const char *id;            /* BT-126; NULL: the line's position, 1-based */
    const char *note;          /* BT-127 */
    const char *order_line_ref;/* BT-132 */
    Dec quantity;              /* BT-129 */
    const char *unit_code;     /* BT-130: UN/ECE Rec 20, e.g. "HUR", "C62", "MON" */
    Dec price;                 /* BT-146: item net price (>= 0) */
    Dec base_quantity;         /* BT-149; coef 0 = absent (price per 1 unit) */
    int64_t net_amount;        /* BT-131; computed as quantity x price / base + charges -
                                * allowances unless net_given (then checked: PEPPOL-EN16931-R120) */
    bool net_given;
    EinvAllowanceCharge *acs;  /* BG-27 / BG-28 */
    int nacs;
    const char *item_name;     /* BT-153 */
    const char *item_description; /* BT-154 */
    const char *seller_item_id;/* BT-155 */
    const char *buyer_item_id; /* BT-156 */
    const char *class_code;    /* BT-158: item classification (HSN/SAC, CPV, UNSPSC) */
    const char *class_scheme;  /*   its UNCL 7143 list id: "HS", "STI", "ZZZ" */
    EinvTax tax;               /* BG-30 */
    Date period_start, period_end;  /* BT-134 / BT-135; EINV_NO_DATE = absent */
    int64_t tax_amount;        /* EINV_TAX_PER_LINE: this line's VAT; computed unless tax_given */
    bool tax_given;
    Dec price_written;         /* computed: BT-146 as written. The price itself, unless rounding the
                                * net to the currency (JPY, ISK) puts it beyond PEPPOL-EN16931-R120's
                                * 0.02: then net / quantity, precise enough to be within it */
} EinvLine;

typedef struct EinvVat {       /* BG-23, computed by einv_check */
    const char *category;      /* BT-118 */
    Dec rate;                  /* BT-119 */
    int64_t taxable;           /* BT-116 */
    int64_t tax;               /* BT-117 */
    const char *exemption_reason;  /* BT-120 */
    const char *exemption_code;    /* BT-121 */
} EinvVat;

typedef struct EinvTotals {    /* BG-22, computed by einv_check */
    int64_t line_extension;    /* BT-106 */
    int64_t allowances;        /* BT-107 */
    int64_t charges;           /* BT-108 */
    int64_t tax_exclusive;     /* BT-109 */
    int64_t tax;               /* BT-110 */
    int64_t tax_in_tax_currency; /* BT-111, minor units of tax_currency */
    int64_t tax_inclusive;     /* BT-112 */
    int64_t prepaid;           /* BT-113 */
    int64_t rounding;          /* BT-114 */
    int64_t payable;           /* BT-115 */
} EinvTotals;

typedef struct EinvDoc {
    EinvKind kind;
    const char *number;        /* BT-1 */
    const char *type_code;     /* BT-3; NULL: 380 (invoice) / 381 (credit note) */
    Date issue_date;           /* BT-2 */
    Date due_date;             /* BT-9 (a credit note carries it in its payment means) */
    Date tax_point_date;       /* BT-7 */
    const char *note;          /* BT-22 (Peppol allows one) */
    const char *currency;      /* BT-5 */
    const char *tax_currency;  /* BT-6: VAT accounting currency, when it differs */
    Dec tax_exchange_rate;     /* units of tax_currency per 1 unit of currency, for BT-111 */
    int64_t tax_total_tax_currency;  /* BT-111 as the caller computed it ... */
    bool tax_total_tax_currency_given; /* ... instead of tax x tax_exchange_rate */
    const char *buyer_reference;   /* BT-10 */
    const char *order_reference;   /* BT-13 */
    const char *contract_reference;/* BT-12 */
    const char *accounting_cost;   /* BT-19 */
    Date period_start, period_end; /* BG-14: BT-73 / BT-74 */
    const char *preceding_number;  /* BT-25: the invoice a credit note corrects */
    Date preceding_date;           /* BT-26 */
    EinvParty seller, buyer;
    Date delivery_date;            /* BT-72 */
    const char *deliver_to_name;   /* BT-70 */
    EinvAddress deliver_to;        /* BG-15 */
    const char *payment_means_code;/* BT-81: UNCL 4461 (30 credit transfer, 58 SEPA, 49 direct debit...) */
    const char *payment_means_text;/* BT-82 */
    const char *payment_id;        /* BT-83: remittance information */
    const char *payee_account;     /* BT-84: IBAN or account number */
    const char *payee_account_name;/* BT-85 */
    const char *payee_bank;        /* BT-86: BIC */
    const char *payment_terms;     /* BT-20 */
    EinvAllowanceCharge *acs;      /* BG-20 / BG-21 */
    int nacs;
    EinvLine *lines;
    int nlines;
    int64_t prepaid;               /* BT-113 */
    int64_t rounding_amount;       /* BT-114 */
    Rounding rounding;             /* of computed amounts; half-up by default */
    EinvTaxRounding tax_rounding;

    /* Computed by einv_check. */
    const Currency *cur, *tax_cur;
    EinvVat *vat;
    int nvat;
    EinvTotals totals;
    bool checked;
} EinvDoc;

/* One problem found by einv_check. */
typedef struct EinvProblem {
    const char *term;          /* the business term or group: "BT-49", "BG-23" */
    const char *rule;          /* the rule that requires it: "PEPPOL-EN16931-R010", "BR-CO-09" */
    const char *where;         /* "line 2", "document allowance 1", "VAT breakdown S 25%"; NULL = the document */
    char *message;             /* "buyer electronic address (BT-49) is required" */
    const char *field;         /* where Remit keeps it ("customers.einvoice_endpoint"); set by the caller */
} EinvProblem;

typedef struct EinvReport {
    EinvProblem *items;
    int n, cap;
    Arena *arena;
} EinvReport;

void einv_doc_init(EinvDoc *doc);
void einv_line_init(EinvLine *line);   /* quantity 1, no period */

/* Computes and checks (see the banner). Returns 0 (doc->checked), ERR_INVALID with every problem
 * in out, or ERR_UNAVAILABLE when the arena is exhausted. out is initialised here. */
int einv_check(EinvDoc *doc, Arena *a, EinvReport *out);

/* {"error": {"code": "invalid", "message": "...", "problems": [{"term", "rule", "where",
 * "message", "field"}, ...]}} — the body of the 422 that lists every problem. */
json_t *einv_report_json(const EinvReport *r, const char *what);

/* An amount as the document writes it: min(exponent, 2) decimals ("1500", "12.50", "12.35" KWD).
 * -1 if cap is too small or the amount is not a whole number of that precision's units. */
int einv_amount_format(char *buf, size_t cap, int64_t minor, const Currency *c);
/* The smallest amount the document can carry, in minor units: 1 (JPY, EUR), 10 (KWD). */
int64_t einv_amount_step(const Currency *c);

/* UBL 2.1 Invoice or CreditNote of a checked document, appended to out (capped by out->max).
 * ERR_STATE if the document was not checked, ERR_TOO_LARGE past the cap. */
int ubl_write(Buf *out, const EinvDoc *doc, Error *err);

/* Code lists (domain/einvoice_codes.c, generated from the validation artefacts). */
typedef enum EinvCodeList {
    EINV_CODES_UNIT,           /* UN/ECE Rec 20 */
    EINV_CODES_EAS,            /* electronic address schemes */
    EINV_CODES_VATEX,
    EINV_CODES_ALLOWANCE,      /* UNCL 5189 */
    EINV_CODES_CHARGE,         /* UNCL 7161 */
    EINV_CODES_PAYMENT_MEANS,  /* UNCL 4461 */
    EINV_CODES_COUNTRY,        /* ISO 3166-1 alpha-2 */
    EINV_CODES_CURRENCY,       /* ISO 4217 */
    EINV_CODES_INVOICE_TYPE,   /* UNCL 1001, Peppol invoice subset */
    EINV_CODES_CREDIT_NOTE_TYPE,
    EINV_CODES_TAX_CATEGORY,   /* UNCL 5305 */
    EINV_CODES_ICD,            /* ISO 6523 */
    EINV_CODES_ITEM_CLASS,     /* UNCL 7143 */
    EINV_CODES__COUNT
} EinvCodeList;

bool einv_code_valid(EinvCodeList list, const char *code);

#endif
