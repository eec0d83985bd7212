/* tests/scenario/invoicing_pdf.c — the printed documents: the text of the invoice PDF
 * (pdftotext) holds the number, both GSTINs, every line, the tax split and the total; page 1 is
 * rendered to PNG (pdftoppm) and kept under tests/artifacts/<store>/; long invoices continue
 * over pages; credit notes and receipts print too; Unicode (the rupee sign, Devanagari) survives. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/scenario/invoicing_helpers.h"

static void artifact_dir(char *out, size_t cap)
{
    const char *store = getenv("REMIT_TEST_STORE");
    mkdir("tests/artifacts", 0755);
    snprintf(out, cap, "tests/artifacts/%s", store && *store ? store : "unknown");
    if (mkdir(out, 0755) < 0)
        cr_assert_eq(errno, EEXIST, "cannot create %s", out);
}

/* Fetches a PDF, keeps it as an artefact, returns its text (malloc'd) and renders page 1 to PNG. */
static char *fetch_pdf(ItTenant *t, const char *path, const char *name)
{
    HttpResult r;
    it_call(t, &r, "GET", path, NULL, NULL);
    cr_assert_eq(r.status, 200, "GET %s: %ld %s", path, r.status, r.body);
    cr_assert_str_eq(http_header(&r, "Content-Type"), "application/pdf");
    cr_assert_geq(r.body_len, 5);
    cr_assert(memcmp(r.body, "%PDF-", 5) == 0, "not a PDF");
    char dir[256], pdf[512], png[512], cmd[2048];
    artifact_dir(dir, sizeof dir);
    snprintf(pdf, sizeof pdf, "%s/%s.pdf", dir, name);
    FILE *f = fopen(pdf, "wb");
    cr_assert_not_null(f, "cannot write %s", pdf);
    cr_assert_eq(fwrite(r.body, 1, r.body_len, f), r.body_len);
    fclose(f);
    http_result_free(&r);

    snprintf(png, sizeof png, "%s/%s-page1", dir, name);
    snprintf(cmd, sizeof cmd, "pdftoppm -png -r 110 -f 1 -l 1 -singlefile '%s' '%s'", pdf, png);
    cr_assert_eq(system(cmd), 0, "%s", cmd);
    char pngfile[600];
    snprintf(pngfile, sizeof pngfile, "%s.png", png);
    FILE *p = fopen(pngfile, "rb");
    cr_assert_not_null(p, "page 1 was not rendered to %s", pngfile);
    unsigned char sig[8] = {0};
    cr_expect_eq(fread(sig, 1, 8, p), 8);
    fclose(p);
    cr_expect(memcmp(sig, "\x89PNG\r\n\x1a\n", 8) == 0, "%s is not a PNG", pngfile);

    snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 '%s' -", pdf);
    FILE *pipe = popen(cmd, "r");
    cr_assert_not_null(pipe);
    size_t cap = 1 << 16, n = 0;
    char *text = malloc(cap);
    for (size_t k; (k = fread(text + n, 1, cap - n - 1, pipe)) > 0;) {
        n += k;
        if (cap - n < 4096)
            text = realloc(text, cap *= 2);
    }
    text[n] = '\0';
    cr_expect_eq(pclose(pipe), 0, "pdftotext failed on %s", pdf);
    /* one space for every run of white space: text wraps where the layout chose */
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        bool ws = text[i] == ' ' || text[i] == '\n' || text[i] == '\t' || text[i] == '\f' || text[i] == '\r';
        if (ws && (k == 0 || text[k - 1] == ' '))
            continue;
        text[k++] = ws ? ' ' : text[i];
    }
    text[k] = '\0';
    return text;
}

static void has(const char *text, const char *what, const char *doc)
{
    cr_expect(strstr(text, what) != NULL, "the %s PDF should contain \"%s\"; its text:\n%s", doc, what, text);
}

static void hasnt(const char *text, const char *what, const char *doc)
{
    cr_expect(strstr(text, what) == NULL, "the %s PDF should not contain \"%s\"", doc, what);
}

Test(invoicing, pdf_of_an_intra_state_invoice_has_number_gstins_lines_cgst_sgst_split_and_total, .timeout = 120)
{
    ItTenant t;
    it_tenant_new(&t, "pdf-intra");
    char *cust = it_customer(&t, "BOM", "27AAACH7409R1Z1", NULL);
    json_t *d = it_pack(&t, 201, "POST", "/api/v1/invoices",
                        json_pack("{s:s, s:s, s:s, s:[{s:s, s:s, s:s, s:s, s:s}, {s:s, s:s, s:s}, {s:s, s:s, s:s, s:s}]}",
                                  "customer_id", cust, "invoice_date", "2030-06-01", "notes", "Thank you for your business.",
                                  "lines", "description", "Retainer for June", "quantity", "1", "rate", "100000",
                                  "tax_rate", "18", "sac_code", "998311", "description", "Printed reports", "rate", "2500",
                                  "tax_rate", "5", "description", "Travel", "quantity", "2", "rate", "1234.5", "tax_rate",
                                  "12"));
    char *inv = strdup(it_str(d, "id"));
    json_decref(d);
    json_t *f = it_finalize(&t, inv);
    cr_assert_str_eq(it_str(f, "total"), "123390.28");
    json_decref(f);
    char path[256];
    snprintf(path, sizeof path, "/api/v1/invoices/%s/pdf", inv);
    char *text = fetch_pdf(&t, path, "invoice-intra-state");
    static const char *const must[] = {
        "TAX INVOICE", "INV/2030-31/0001", "27AAPFU0939F1ZV", "27AAACH7409R1Z1", "Acme Consulting Pvt Ltd", "BOM",
        "Retainer for June", "Printed reports", "Travel", "998311", "CGST", "SGST", "Maharashtra (27)",
        "1,00,000.00", "18,000.00", "₹1,23,390.28",
        "Rupees One Lakh Twenty Three Thousand Three Hundred Ninety and Twenty Eight Paise Only",
        "Thank you for your business.", "01-Jun-2030", "Page 1 of 1", "Authorised Signatory",
    };
    for (size_t i = 0; i < sizeof must / sizeof must[0]; i++)
        has(text, must[i], "intra-state invoice");
    hasnt(text, "IGST", "intra-state invoice");
    hasnt(text, "DRAFT", "finalized invoice");
    free(text);
    free(inv);
    free(cust);
}

Test(invoicing, pdf_of_an_inter_state_invoice_shows_igst_and_a_draft_says_so, .timeout = 120)
{
    ItTenant t;
    it_tenant_new(&t, "pdf-inter");
    json_t *c = it_pack(&t, 201, "POST", "/api/v1/customers",
                        json_pack("{s:s, s:s, s:s, s:s}", "name", "Bengaluru Café — ₹ Services", "code", "BLR", "gst_number",
                                  "29AAGCB7383J1Z4", "address", "1 Residency Road, Bengaluru 560025"));
    char *cust = strdup(it_str(c, "id"));
    json_decref(c);
    char *inv = it_invoice(&t, cust, "3", "33.33", "18", "2030-06-01", NULL);
    char path[256];
    snprintf(path, sizeof path, "/api/v1/invoices/%s/pdf", inv);
    char *draft = fetch_pdf(&t, path, "invoice-draft");
    has(draft, "DRAFT", "draft invoice");
    has(draft, "(draft)", "draft invoice");
    free(draft);
    json_decref(it_finalize(&t, inv));
    char *text = fetch_pdf(&t, path, "invoice-inter-state");
    static const char *const must[] = {
        "INV/2030-31/0001", "27AAPFU0939F1ZV", "29AAGCB7383J1Z4", "Bengaluru Café — ₹ Services", "Consulting services",
        "IGST", "Karnataka (29)", "99.99", "18.00", "₹117.99",
        "Rupees One Hundred Seventeen and Ninety Nine Paise Only",
    };
    for (size_t i = 0; i < sizeof must / sizeof must[0]; i++)
        has(text, must[i], "inter-state invoice");
    hasnt(text, "CGST", "inter-state invoice");
    free(text);
    free(inv);
    free(cust);
}

Test(invoicing, pdf_of_a_long_invoice_continues_over_pages_with_every_line_and_its_header, .timeout = 120)
{
    ItTenant t;
    it_tenant_new(&t, "pdf-long");
    char *cust = it_customer(&t, "LONG", "29AAGCB7383J1Z4", NULL);
    json_t *lines = json_array();
    for (int i = 1; i <= 70; i++) {
        char desc[64];
        snprintf(desc, sizeof desc, "Line item %02d", i);
        json_array_append_new(lines, json_pack("{s:s, s:s, s:s}", "description", desc, "rate", "10", "tax_rate", "18"));
    }
    json_t *d = it_pack(&t, 201, "POST", "/api/v1/invoices",
                        json_pack("{s:s, s:s, s:o}", "customer_id", cust, "invoice_date", "2030-06-01", "lines", lines));
    char *inv = strdup(it_str(d, "id"));
    json_decref(d);
    json_decref(it_finalize(&t, inv));
    char path[256];
    snprintf(path, sizeof path, "/api/v1/invoices/%s/pdf", inv);
    char *text = fetch_pdf(&t, path, "invoice-long");
    for (int i = 1; i <= 70; i++) {
        char desc[64];
        snprintf(desc, sizeof desc, "Line item %02d", i);
        has(text, desc, "long invoice");
    }
    const char *pg = strstr(text, "Page 1 of ");
    cr_assert_not_null(pg, "the long invoice has page numbers");
    int pages = (int)strtol(pg + 10, NULL, 10);
    cr_expect_geq(pages, 2, "70 lines take more than one page");
    char last[32];
    snprintf(last, sizeof last, "Page %d of %d", pages, pages);
    has(text, last, "long invoice");
    has(text, "TAX INVOICE (continued)", "long invoice");
    has(text, "₹826.00", "long invoice");
    free(text);
    free(inv);
    free(cust);
}

Test(invoicing, pdf_of_a_credit_note_and_of_a_receipt, .timeout = 120)
{
    ItTenant t;
    it_tenant_new(&t, "pdf-docs");
    char *cust = it_customer(&t, "BOM", "27AAACH7409R1Z1", NULL);
    char *inv = it_invoice(&t, cust, "10", "100", "18", "2030-06-01", "2030-07-01");
    json_decref(it_finalize(&t, inv));
    json_t *cn = it_pack(&t, 201, "POST", "/api/v1/credit_notes",
                         json_pack("{s:s, s:s, s:s, s:s, s:[{s:s, s:s, s:s}]}", "customer_id", cust, "invoice_id", inv,
                                   "credit_note_date", "2030-06-10", "reason", "two hours billed twice", "lines",
                                   "description", "Consulting services", "quantity", "2", "rate", "100"));
    char path[256];
    snprintf(path, sizeof path, "/api/v1/credit_notes/%s/issue", it_str(cn, "id"));
    json_decref(it_json(&t, 200, "POST", path, NULL));
    snprintf(path, sizeof path, "/api/v1/credit_notes/%s/pdf", it_str(cn, "id"));
    json_decref(cn);
    char *text = fetch_pdf(&t, path, "credit-note");
    static const char *const cn_must[] = {"CREDIT NOTE", "CN/2030-31/0001", "INV/2030-31/0001", "27AAPFU0939F1ZV",
                                          "27AAACH7409R1Z1", "two hours billed twice", "CGST", "SGST", "₹236.00"};
    for (size_t i = 0; i < sizeof cn_must / sizeof cn_must[0]; i++)
        has(text, cn_must[i], "credit note");
    free(text);

    json_t *r = it_pack(&t, 201, "POST", "/api/v1/receipts",
                        json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "customer_id", cust, "amount", "1000", "receipt_date",
                                  "2030-06-15", "payment_method", "upi", "reference_number", "UPI-8841", "invoice_id", inv));
    snprintf(path, sizeof path, "/api/v1/receipts/%s/pdf", it_str(r, "id"));
    json_decref(r);
    text = fetch_pdf(&t, path, "receipt");
    static const char *const r_must[] = {"PAYMENT RECEIPT", "RCT/2030-31/0001", "INV/2030-31/0001", "UPI-8841", "UPI",
                                         "₹1,000.00", "Rupees One Thousand Only"};
    for (size_t i = 0; i < sizeof r_must / sizeof r_must[0]; i++)
        has(text, r_must[i], "receipt");
    free(text);
    free(inv);
    free(cust);
}
