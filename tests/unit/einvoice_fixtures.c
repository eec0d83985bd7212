/* tests/unit/einvoice_fixtures.c — the conformance documents of issue 8 and a random document
 * generator. Exports einv_fixture_count, einv_fixture_name, einv_fixture_build,
 * einv_fixture_base, einv_fixture_random (see einvoice_fixtures.h).
 */
#include <stdlib.h>
#include <string.h>

#include "tests/unit/einvoice_fixtures.h"

static Dec D(const char *s)
{
    Dec d = {0, 0};
    dec_parse(&d, s, strlen(s), DEC_MAX_SCALE, NULL, NULL);
    return d;
}

static int64_t M(const char *code, const char *s)
{
    int64_t v = 0;
    money_parse(&v, s, strlen(s), currency_find(code), NULL, NULL);
    return v;
}

static Date ymd(int y, int m, int d)
{
    return date_from_ymd(y, m, d);
}

static void seller(EinvParty *p)
{
    *p = (EinvParty){
        .legal_name = "Lumen Consulting BV",
        .trading_name = "Lumen IT Services",
        .legal_id = "0123456749",
        .legal_id_scheme = "0208",
        .vat_id = "BE0123456749",
        .endpoint = "0123456749",
        .endpoint_scheme = "0208",
        .address = {.street = "Rue de la Loi 42", .city = "Bruxelles", .postal_code = "1040", .country = "BE"},
        .contact_name = "Accounts receivable",
        .contact_phone = "+32 2 555 01 00",
        .contact_email = "billing@lumen.example",
    };
}

static void buyer_be(EinvParty *p)
{
    *p = (EinvParty){
        .legal_name = "Brasserie Atelier SA",
        .legal_id = "0876543270",
        .legal_id_scheme = "0208",
        .vat_id = "BE0876543270",
        .endpoint = "0876543270",
        .endpoint_scheme = "0208",
        .address = {.street = "Meir 10", .additional = "Bus 3", .city = "Antwerpen", .postal_code = "2000",
                    .country = "BE"},
        .contact_email = "ap@atelier.example",
    };
}

static void buyer_nl(EinvParty *p)
{
    *p = (EinvParty){
        .legal_name = "Noordwind Logistiek BV",
        .vat_id = "NL123456789B01",
        .endpoint = "NL123456789B01",
        .endpoint_scheme = "9944",
        .address = {.street = "Keizersgracht 100", .city = "Amsterdam", .postal_code = "1015 AA", .country = "NL"},
    };
}

static void buyer_de(EinvParty *p)
{
    *p = (EinvParty){
        .legal_name = "Rheinwerk Maschinenbau GmbH",
        .vat_id = "DE123456789",
        .endpoint = "DE123456789",
        .endpoint_scheme = "9930",
        .address = {.street = "Industriestraße 7", .city = "Köln", .postal_code = "50667", .country = "DE"},
    };
}

static void buyer_kw(EinvParty *p)
{
    *p = (EinvParty){
        .legal_name = "Al-Safat Trading Company W.L.L.",
        .endpoint = "6281234500007",
        .endpoint_scheme = "0088",
        .address = {.street = "Al-Soor Street", .city = "Kuwait City", .postal_code = "13001", .country = "KW"},
    };
}

static void buyer_jp(EinvParty *p)
{
    *p = (EinvParty){
        .legal_name = "株式会社さくらシステムズ",
        .trading_name = "Sakura Systems K.K.",
        .endpoint = "4901234500006",
        .endpoint_scheme = "0088",
        .address = {.street = "1-2-3 Marunouchi", .city = "Chiyoda-ku, Tokyo", .postal_code = "100-0005",
                    .country = "JP"},
    };
}

static EinvLine *lines(EinvDoc *d, Arena *a, int n)
{
    d->lines = ARENA_ARRAY(a, EinvLine, n);
    d->nlines = n;
    for (int i = 0; i < n; i++)
        einv_line_init(&d->lines[i]);
    return d->lines;
}

static void line(EinvLine *l, const char *name, const char *qty, const char *unit, const char *price, const char *cat,
                 const char *rate)
{
    l->item_name = name;
    l->quantity = D(qty);
    l->unit_code = unit;
    l->price = D(price);
    l->tax.category = cat;
    l->tax.rate = D(rate);
}

void einv_fixture_base(EinvDoc *d, Arena *a)
{
    einv_doc_init(d);
    d->number = "INV-2026-0001";
    d->issue_date = ymd(2026, 5, 4);
    d->due_date = ymd(2026, 6, 3);
    d->currency = "EUR";
    d->buyer_reference = "PO-7781";
    seller(&d->seller);
    buyer_be(&d->buyer);
    d->payment_means_code = "58";
    d->payment_id = "+++010/0000/00101+++";
    d->payee_account = "BE71096123456769";
    d->payee_account_name = "Lumen Consulting BV";
    d->payee_bank = "GKCCBEBB";
    d->payment_terms = "Net 30 days";
    EinvLine *l = lines(d, a, 1);
    line(&l[0], "Managed IT support, May 2026", "1", "MON", "1200.00", "S", "21");
}

typedef void (*Builder)(EinvDoc *, Arena *);

static void standard_rate(EinvDoc *d, Arena *a)
{
    einv_fixture_base(d, a);
    d->note = "Thank you for your business";
    d->period_start = ymd(2026, 4, 1);
    d->period_end = ymd(2026, 4, 30);
    EinvLine *l = lines(d, a, 3);
    line(&l[0], "Consulting hours", "12.5", "HUR", "95.00", "S", "21");
    l[0].item_description = "Network redesign workshop";
    l[0].seller_item_id = "SVC-CONS";
    l[0].period_start = ymd(2026, 4, 1);
    l[0].period_end = ymd(2026, 4, 30);
    line(&l[1], "Managed backup", "3", "C62", "33.33", "S", "21");
    line(&l[2], "Cloud storage", "1250", "E34", "0.0125", "S", "21");
    l[2].class_code = "72222300";
    l[2].class_scheme = "STI";
}

static void two_rates(EinvDoc *d, Arena *a)
{
    einv_fixture_base(d, a);
    d->number = "INV-2026-0002";
    EinvLine *l = lines(d, a, 3);
    line(&l[0], "Catering for onboarding day", "40", "C62", "18.75", "S", "6");
    line(&l[1], "Training room rental", "1", "DAY", "450.00", "S", "21");
    line(&l[2], "Printed course material", "40", "C62", "7.20", "S", "6");
}

static void zero_rated(EinvDoc *d, Arena *a)
{
    einv_fixture_base(d, a);
    d->number = "INV-2026-0003";
    d->note = "Zero rated: supply of newspapers";
    EinvLine *l = lines(d, a, 1);
    line(&l[0], "Daily newspaper subscription, Q2", "3", "MON", "39.90", "Z", "0");
}

static void exempt(EinvDoc *d, Arena *a)
{
    einv_fixture_base(d, a);
    d->number = "INV-2026-0004";
    EinvLine *l = lines(d, a, 2);
    line(&l[0], "Professional training: ITIL Foundation", "2", "C62", "850.00", "E", "0");
    l[0].tax.exemption_code = "VATEX-EU-132-1I";
    l[0].tax.exemption_reason = "Exempt: education (Article 132(1)(i) of Directive 2006/112/EC)";
    line(&l[1], "Exam voucher", "2", "C62", "200.00", "E", "0");
    l[1].tax.exemption_code = "VATEX-EU-132-1I";
}

static void reverse_charge(EinvDoc *d, Arena *a)
{
    einv_fixture_base(d, a);
    d->number = "INV-2026-0005";
    buyer_nl(&d->buyer);
    d->note = "Reverse charge: VAT to be accounted for by the recipient (Article 196 of Directive 2006/112/EC)";
    EinvLine *l = lines(d, a, 2);
    line(&l[0], "Security audit", "24", "HUR", "140.00", "AE", "0");
    line(&l[1], "Penetration test report", "1", "C62", "1500.00", "AE", "0");
}

static void discounts(EinvDoc *d, Arena *a)
{
    einv_fixture_base(d, a);
    d->number = "INV-2026-0006";
    EinvLine *l = lines(d, a, 2);
    line(&l[0], "Laptop provisioning", "10", "C62", "120.00", "S", "21");
    l[0].nacs = 1;
    l[0].acs = ARENA_ARRAY(a, EinvAllowanceCharge, 1);
    l[0].acs[0] = (EinvAllowanceCharge){.has_percent = true, .percent = D("10"), .base = M("EUR", "1200.00"),
                                        .reason = "Volume discount", .reason_code = "95"};
    line(&l[1], "Helpdesk hours", "8", "HUR", "75.00", "S", "21");
    l[1].nacs = 1;
    l[1].acs = ARENA_ARRAY(a, EinvAllowanceCharge, 1);
    l[1].acs[0] = (EinvAllowanceCharge){.amount = M("EUR", "25.00"), .reason = "Goodwill"};
    d->nacs = 1;
    d->acs = ARENA_ARRAY(a, EinvAllowanceCharge, 1);
    d->acs[0] = (EinvAllowanceCharge){.amount = M("EUR", "50.00"), .reason = "Loyalty discount", .reason_code = "95",
                                      .tax = {.category = "S", .rate = D("21")}};
}

static void charge(EinvDoc *d, Arena *a)
{
    einv_fixture_base(d, a);
    d->number = "INV-2026-0007";
    EinvLine *l = lines(d, a, 1);
    line(&l[0], "Server rack installation", "1", "C62", "2400.00", "S", "21");
    d->nacs = 2;
    d->acs = ARENA_ARRAY(a, EinvAllowanceCharge, 2);
    d->acs[0] = (EinvAllowanceCharge){.charge = true, .amount = M("EUR", "85.00"), .reason = "Freight",
                                      .reason_code = "FC", .tax = {.category = "S", .rate = D("21")}};
    d->acs[1] = (EinvAllowanceCharge){.charge = true, .has_percent = true, .percent = D("5"),
                                      .base = M("EUR", "2400.00"), .reason = "Weekend installation surcharge",
                                      .tax = {.category = "S", .rate = D("21")}};
}

static void foreign_currency(EinvDoc *d, Arena *a)
{
    einv_fixture_base(d, a);
    d->number = "INV-2026-0008";
    buyer_de(&d->buyer);
    d->currency = "USD";
    d->tax_currency = "EUR";
    d->tax_exchange_rate = D("0.9174");
    d->payment_means_code = "30";
    d->payee_account = "BE71096123456769";
    EinvLine *l = lines(d, a, 2);
    line(&l[0], "Software licence (USD list price)", "5", "C62", "399.00", "S", "21");
    line(&l[1], "Implementation", "16", "HUR", "150.00", "S", "21");
}

static void partially_paid(EinvDoc *d, Arena *a)
{
    einv_fixture_base(d, a);
    d->number = "INV-2026-0009";
    d->order_reference = "SO-2026-118";
    d->buyer_reference = NULL;
    EinvLine *l = lines(d, a, 2);
    line(&l[0], "Website redesign, milestone 2", "1", "C62", "4000.00", "S", "21");
    line(&l[1], "Content migration", "30", "HUR", "65.00", "S", "21");
    d->prepaid = M("EUR", "2000.00");
}

static void credit_note(EinvDoc *d, Arena *a)
{
    einv_fixture_base(d, a);
    d->kind = EINV_CREDIT_NOTE;
    d->number = "CN-2026-0001";
    d->issue_date = ymd(2026, 5, 20);
    d->due_date = EINV_NO_DATE;
    d->payment_terms = "Credited against invoice INV-2026-0002";
    d->preceding_number = "INV-2026-0002";
    d->preceding_date = ymd(2026, 5, 4);
    d->note = "Two catering covers were not served";
    EinvLine *l = lines(d, a, 2);
    line(&l[0], "Catering for onboarding day", "2", "C62", "18.75", "S", "6");
    line(&l[1], "Printed course material", "2", "C62", "7.20", "S", "6");
}

static void kwd(EinvDoc *d, Arena *a)
{
    einv_fixture_base(d, a);
    d->number = "INV-2026-0011";
    buyer_kw(&d->buyer);
    d->currency = "KWD";
    d->tax_currency = "EUR";
    d->tax_exchange_rate = D("2.9815");
    d->payment_means_code = "30";
    d->payee_account = "BE71096123456769";
    EinvLine *l = lines(d, a, 3);
    /* 3 x 12.345 = 37.035 KWD: EN 16931 carries 2 decimals, so the line is 37.04 (R120's slack). */
    line(&l[0], "Remote support hours", "3", "HUR", "12.345", "S", "21");
    line(&l[1], "Monitoring agent", "8", "C62", "0.125", "S", "21");
    line(&l[2], "Annual maintenance", "1", "ANN", "250.500", "S", "21");
}

static void jpy(EinvDoc *d, Arena *a)
{
    einv_fixture_base(d, a);
    d->number = "INV-2026-0012";
    buyer_jp(&d->buyer);
    d->currency = "JPY";
    d->tax_currency = "EUR";
    d->tax_exchange_rate = D("0.0061");
    d->payment_means_code = "30";
    d->payee_account = "BE71096123456769";
    d->delivery_date = ymd(2026, 5, 2);
    d->deliver_to = (EinvAddress){.city = "Tokyo", .country = "JP"};
    EinvLine *l = lines(d, a, 2);
    line(&l[0], "Network appliance (exported)", "2", "C62", "148500", "G", "0");
    line(&l[1], "Rack mounting kit", "2", "C62", "9980", "G", "0");
}

static void intra_community(EinvDoc *d, Arena *a)
{
    einv_fixture_base(d, a);
    d->number = "INV-2026-0013";
    buyer_de(&d->buyer);
    d->delivery_date = ymd(2026, 5, 3);
    d->deliver_to_name = "Rheinwerk Lager Nord";
    d->deliver_to = (EinvAddress){.street = "Hafenstraße 2", .city = "Hamburg", .postal_code = "20457", .country = "DE"};
    EinvLine *l = lines(d, a, 1);
    line(&l[0], "Managed switches (shipped)", "6", "C62", "389.00", "K", "0");
}

static void not_subject(EinvDoc *d, Arena *a)
{
    einv_fixture_base(d, a);
    d->number = "INV-2026-0014";
    d->seller.vat_id = NULL;
    d->buyer.vat_id = NULL;
    EinvLine *l = lines(d, a, 1);
    line(&l[0], "Conference fee collected on behalf of the organiser", "1", "C62", "300.00", "O", "0");
}

static void per_line_tax(EinvDoc *d, Arena *a)
{
    einv_fixture_base(d, a);
    d->number = "INV-2026-0015";
    d->tax_rounding = EINV_TAX_PER_LINE;
    d->rounding_amount = M("EUR", "0.01");
    EinvLine *l = lines(d, a, 4);
    line(&l[0], "Ticket triage", "1", "C62", "0.05", "S", "21");
    line(&l[1], "Ticket triage", "1", "C62", "0.05", "S", "21");
    line(&l[2], "Ticket triage", "1", "C62", "0.05", "S", "21");
    line(&l[3], "Incident report", "1", "C62", "99.99", "S", "21");
}

static const struct {
    const char *name;
    Builder build;
} fixtures[] = {
    {"01-standard-rate", standard_rate},
    {"02-two-rates", two_rates},
    {"03-zero-rated", zero_rated},
    {"04-exempt-with-reason", exempt},
    {"05-reverse-charge", reverse_charge},
    {"06-line-and-document-discounts", discounts},
    {"07-charge", charge},
    {"08-foreign-currency-tax-total", foreign_currency},
    {"09-partially-paid", partially_paid},
    {"10-credit-note", credit_note},
    {"11-kwd-3-decimals", kwd},
    {"12-jpy-0-decimals", jpy},
    {"13-intra-community", intra_community},
    {"14-not-subject-to-vat", not_subject},
    {"15-per-line-vat-and-rounding", per_line_tax},
};

int einv_fixture_count(void)
{
    return (int)(sizeof fixtures / sizeof fixtures[0]);
}

const char *einv_fixture_name(int i)
{
    return fixtures[i].name;
}

void einv_fixture_build(int i, EinvDoc *doc, Arena *a)
{
    fixtures[i].build(doc, a);
}

/* ---- random documents ------------------------------------------------------------------- */

static unsigned next(unsigned *s)
{
    *s = *s * 1103515245u + 12345u;
    return (*s >> 8) & 0xFFFFFF;
}

static Dec rnd_dec(unsigned *s, int64_t max_coef, int scale)
{
    return dec_make((int64_t)(next(s) % (unsigned)max_coef) + 1, scale);
}

void einv_fixture_random(EinvDoc *d, Arena *a, unsigned seed)
{
    static const char *const currencies[] = {"EUR", "EUR", "EUR", "USD", "GBP", "JPY", "KWD", "SEK", "INR"};
    static const char *const units[] = {"HUR", "C62", "DAY", "MON", "E34", "KGM"};
    static const char *const rates[] = {"21", "6", "12", "25", "19", "7", "5.5", "20"};
    unsigned s = seed * 2654435761u + 1;
    einv_fixture_base(d, a);
    d->number = arena_printf(a, "RND-%u", seed);
    d->currency = currencies[next(&s) % 9];
    if (next(&s) % 4 == 0)
        d->kind = EINV_CREDIT_NOTE, d->preceding_number = "INV-2026-0001", d->due_date = EINV_NO_DATE;
    if (strcmp(d->currency, "EUR") != 0 && next(&s) % 2) {
        d->tax_currency = "EUR";
        d->tax_exchange_rate = rnd_dec(&s, 3000000, 6);
    }
    const Currency *c = currency_find(d->currency);
    /* Per-line VAT stays within BR-CO-17's one-unit tolerance only where a unit has decimals. */
    d->tax_rounding = next(&s) % 3 == 0 && c->exponent > 0 ? EINV_TAX_PER_LINE : EINV_TAX_PER_CATEGORY;
    d->rounding = next(&s) % 2 ? ROUND_HALF_EVEN : ROUND_HALF_UP;
    int64_t step = einv_amount_step(c);
    /* Categories: mostly S at several rates, sometimes Z or E alongside. */
    int n = 1 + (int)(next(&s) % 12);
    EinvLine *l = lines(d, a, n);
    for (int i = 0; i < n; i++) {
        int price_scale = c->exponent + (int)(next(&s) % 3);
        line(&l[i], "Service", "1", units[next(&s) % 6], "0", "S", rates[next(&s) % 8]);
        l[i].quantity = rnd_dec(&s, 100000, (int)(next(&s) % 4));
        l[i].price = rnd_dec(&s, 5000000, price_scale);
        unsigned k = next(&s) % 10;
        if (k == 0) {
            l[i].tax.category = "Z";
            l[i].tax.rate = dec_from_int(0);
        } else if (k == 1) {
            l[i].tax.category = "E";
            l[i].tax.rate = dec_from_int(0);
            l[i].tax.exemption_code = "VATEX-EU-132";
        }
        if (next(&s) % 5 == 0) {
            l[i].nacs = 1;
            l[i].acs = ARENA_ARRAY(a, EinvAllowanceCharge, 1);
            l[i].acs[0] = (EinvAllowanceCharge){.charge = next(&s) % 3 == 0, .amount = (int64_t)(next(&s) % 5000) * step,
                                                .reason = "Adjustment"};
        }
    }
    int nacs = (int)(next(&s) % 3);
    if (nacs) {
        d->nacs = nacs;
        d->acs = ARENA_ARRAY(a, EinvAllowanceCharge, nacs);
        for (int i = 0; i < nacs; i++) {
            EinvAllowanceCharge *ac = &d->acs[i];
            *ac = (EinvAllowanceCharge){.charge = next(&s) % 2, .reason = i % 2 ? "Handling" : "Discount",
                                        .tax = l[0].tax};
            ac->tax.exemption_reason = NULL;
            if (next(&s) % 2) {
                ac->has_percent = true;
                ac->percent = rnd_dec(&s, 200, 1);
                ac->base = (int64_t)(next(&s) % 100000) * step;
            } else {
                ac->amount = (int64_t)(next(&s) % 10000) * step;
            }
        }
    }
    if (next(&s) % 3 == 0)
        d->prepaid = (int64_t)(next(&s) % 10000) * step;
    if (next(&s) % 5 == 0)
        d->rounding_amount = ((int64_t)(next(&s) % 99) - 49) * step;
}
