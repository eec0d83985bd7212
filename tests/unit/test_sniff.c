/* tests/unit/test_sniff.c — core/sniff.c: the type of a file comes from its
 * bytes, and a client's claimed type is only checked against it. */
#include <criterion/criterion.h>
#include <string.h>

#include "core/sniff.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* A minimal ZIP: one stored entry per name, a central directory, the end record. */
static size_t make_zip(unsigned char *out, size_t cap, const char *const *names, int n)
{
    size_t off = 0, cd_start, local[8];
    for (int i = 0; i < n; i++) {
        size_t len = strlen(names[i]);
        local[i] = off;
        unsigned char h[30] = {'P', 'K', 3, 4, 20, 0};
        h[26] = (unsigned char)len;
        memcpy(out + off, h, 30);
        memcpy(out + off + 30, names[i], len);
        off += 30 + len;
    }
    cd_start = off;
    for (int i = 0; i < n; i++) {
        size_t len = strlen(names[i]);
        unsigned char h[46] = {'P', 'K', 1, 2, 20, 0, 20, 0};
        h[28] = (unsigned char)len;
        h[42] = (unsigned char)local[i];
        memcpy(out + off, h, 46);
        memcpy(out + off + 46, names[i], len);
        off += 46 + len;
    }
    unsigned char e[22] = {'P', 'K', 5, 6};
    e[8] = e[10] = (unsigned char)n;
    size_t cd_size = off - cd_start;
    e[12] = (unsigned char)cd_size;
    e[13] = (unsigned char)(cd_size >> 8);
    e[16] = (unsigned char)cd_start;
    e[17] = (unsigned char)(cd_start >> 8);
    memcpy(out + off, e, 22);
    off += 22;
    cr_assert_leq(off, cap);
    return off;
}

Test(sniff, magic_numbers_name_the_binary_formats)
{
    static const struct { const char *bytes; size_t len; SniffType t; const char *mime; } rows[] = {
        {"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", 15, SNIFF_PDF, "application/pdf"},
        {"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16, SNIFF_PNG, "image/png"},
        {"\xff\xd8\xff\xe0\0\x10JFIF", 10, SNIFF_JPEG, "image/jpeg"},
        {"GIF89a\x01\0\x01\0", 10, SNIFF_GIF, "image/gif"},
        {"GIF87a\x01\0\x01\0", 10, SNIFF_GIF, "image/gif"},
        {"PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 22, SNIFF_ZIP, "application/zip"},
        {"%PDX-1.7", 8, SNIFF_TEXT, "text/plain"},
        {"\x7f" "ELF\x02\x01\x01", 7, SNIFF_UNKNOWN, "application/octet-stream"},
        {"", 0, SNIFF_UNKNOWN, "application/octet-stream"},
    };
    for (size_t i = 0; i < N(rows); i++) {
        SniffType t = sniff_bytes((const unsigned char *)rows[i].bytes, rows[i].len);
        cr_expect_eq(t, rows[i].t, "row %zu: %d", i, t);
        cr_expect_str_eq(sniff_mime(t), rows[i].mime, "row %zu", i);
    }
}

Test(sniff, a_zip_is_an_xlsx_only_when_its_directory_names_the_workbook)
{
    unsigned char buf[1024];
    const char *xlsx[] = {"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/worksheets/sheet1.xml"};
    size_t n = make_zip(buf, sizeof buf, xlsx, 4);
    cr_expect_eq(sniff_bytes(buf, n), SNIFF_XLSX);
    const char *docx[] = {"[Content_Types].xml", "word/document.xml"};
    n = make_zip(buf, sizeof buf, docx, 2);
    cr_expect_eq(sniff_bytes(buf, n), SNIFF_ZIP);
    const char *half[] = {"xl/workbook.xml"};
    n = make_zip(buf, sizeof buf, half, 1);
    cr_expect_eq(sniff_bytes(buf, n), SNIFF_ZIP);
    /* a truncated directory is still a ZIP by its magic, never an XLSX */
    n = make_zip(buf, sizeof buf, xlsx, 4);
    buf[n - 22 + 16] = 0xff;   /* central directory offset past the end */
    cr_expect_eq(sniff_bytes(buf, n), SNIFF_ZIP);
}

Test(sniff, text_is_strict_utf8_and_csv_has_a_steady_delimiter)
{
    static const struct { const char *s; SniffType t; } rows[] = {
        {"billing_number,billing_amount\nB-1,1200.00\nB-2,\"1,250.00\"\n", SNIFF_CSV},
        {"\xef\xbb\xbf" "a;b;c\r\n1;2;3\r\n", SNIFF_CSV},
        {"a\tb\n1\t2\n", SNIFF_CSV},
        {"name,amount\n\"Acme, Inc\",5\n", SNIFF_CSV},
        {"just one line, with a comma", SNIFF_CSV},
        {"a,b\n1,2,3\n", SNIFF_TEXT},
        {"Dear supplier,\nplease find attached.\nRegards", SNIFF_TEXT},
        {"plain text\n", SNIFF_TEXT},
        {"caf\xc3\xa9 \xe2\x82\xb9 100\n", SNIFF_TEXT},
        {"overlong \xc0\xaf", SNIFF_UNKNOWN},
        {"surrogate \xed\xa0\x80", SNIFF_UNKNOWN},
        {"truncated \xe2\x82", SNIFF_UNKNOWN},
        {"bell \x07", SNIFF_UNKNOWN},
        {"C1 control \xc2\x85 next line", SNIFF_UNKNOWN},
        {"no-break\xc2\xa0space\n", SNIFF_TEXT},
    };
    for (size_t i = 0; i < N(rows); i++)
        cr_expect_eq(sniff_bytes((const unsigned char *)rows[i].s, strlen(rows[i].s)), rows[i].t, "row %zu", i);
    static const unsigned char nul[] = {'a', 0, 'b'};
    cr_expect_eq(sniff_bytes(nul, 3), SNIFF_UNKNOWN);
}

Test(sniff, a_claimed_type_must_agree_with_the_bytes)
{
    static const struct { const char *claim; SniffType actual; bool ok; } rows[] = {
        {"application/pdf", SNIFF_PDF, true},
        {"Application/PDF; name=x.pdf", SNIFF_PDF, true},
        {"application/pdf", SNIFF_TEXT, false},
        {"application/pdf", SNIFF_PNG, false},
        {"application/pdf", SNIFF_UNKNOWN, false},
        {"image/png", SNIFF_JPEG, false},
        {"image/jpg", SNIFF_JPEG, true},
        {"image/pjpeg", SNIFF_JPEG, true},
        {"text/csv", SNIFF_CSV, true},
        {"text/plain", SNIFF_CSV, true},
        {"application/vnd.ms-excel", SNIFF_CSV, true},
        {"text/csv; charset=utf-8", SNIFF_TEXT, true},
        {"application/zip", SNIFF_XLSX, true},
        {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", SNIFF_XLSX, true},
        {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", SNIFF_ZIP, false},
        {"application/octet-stream", SNIFF_PDF, true},
        {"", SNIFF_GIF, true},
        {NULL, SNIFF_GIF, true},
        {"application/octet-stream", SNIFF_UNKNOWN, true},
    };
    for (size_t i = 0; i < N(rows); i++)
        cr_expect_eq(sniff_claim_ok(rows[i].claim, rows[i].actual), rows[i].ok, "row %zu: %s", i,
                     rows[i].claim ? rows[i].claim : "(null)");
}

Test(sniff, every_type_has_a_mime_and_an_extension)
{
    for (int t = 0; t < SNIFF__COUNT; t++) {
        cr_expect(sniff_mime((SniffType)t)[0]);
        cr_expect(sniff_extension((SniffType)t)[0]);
    }
    cr_expect_str_eq(sniff_extension(SNIFF_XLSX), "xlsx");
}
