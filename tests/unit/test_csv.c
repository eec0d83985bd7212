/* tests/unit/test_csv.c — domain/csv_import's reader: RFC 4180 quoting,
 * CRLF and LF, quoted line breaks, doubled quotes, a byte-order mark, empty
 * fields, and the malformed files it refuses with the line number. */
#include <criterion/criterion.h>
#include <string.h>

#include "domain/csv_import.h"

static Arena a;

static void fresh(void) { arena_init(&a, 0); }
static void done(void) { arena_free(&a); }

static int read_all(const char *data, char ***recs, int *counts, int max, Error *e)
{
    CsvReader r;
    cr_assert_eq(csv_reader_init(&r, &a, data, strlen(data), e), 0);
    int n = 0;
    for (;;) {
        char **f;
        int nf;
        int rc = csv_read_record(&r, &f, &nf, e);
        if (rc <= 0)
            return rc < 0 ? rc : n;
        cr_assert_lt(n, max);
        recs[n] = f;
        counts[n] = nf;
        n++;
    }
}

Test(csv, records_fields_quotes_and_line_breaks, .init = fresh, .fini = done)
{
    const char *data = "\xEF\xBB\xBF" "code,name,notes\r\n"
                       "C1,\"Acme, Ltd\",\"said \"\"hi\"\"\"\r\n"
                       "C2,Beta,\"two\nlines\"\n"
                       "C3,,\n";
    char **recs[8];
    int counts[8];
    Error e;
    int n = read_all(data, recs, counts, 8, &e);
    cr_assert_eq(n, 4, "%s", e.message);
    cr_expect_eq(counts[0], 3);
    cr_expect_str_eq(recs[0][0], "code", "the byte-order mark is skipped");
    cr_expect_str_eq(recs[1][1], "Acme, Ltd");
    cr_expect_str_eq(recs[1][2], "said \"hi\"");
    cr_expect_str_eq(recs[2][2], "two\nlines");
    cr_expect_eq(counts[3], 3);
    cr_expect_str_eq(recs[3][1], "");
    cr_expect_str_eq(recs[3][2], "");
}

Test(csv, a_last_record_without_a_newline_is_read, .init = fresh, .fini = done)
{
    char **recs[4];
    int counts[4];
    Error e;
    cr_assert_eq(read_all("a,b\n1,2", recs, counts, 4, &e), 2);
    cr_expect_str_eq(recs[1][1], "2");
}

Test(csv, malformed_files_are_refused_naming_the_line, .init = fresh, .fini = done)
{
    static const struct { const char *data, *says; } rows[] = {
        {"a,b\n1,\"open\n", "line 2: a quoted field is not closed"},
        {"a,b\n1,x\"y\n", "line 2: a quote in the middle"},
        {"a,b\n\"q\"x,1\n", "line 2: a quote in the middle"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char **recs[4];
        int counts[4];
        Error e;
        err_clear(&e);
        cr_expect_eq(read_all(rows[i].data, recs, counts, 4, &e), -ERR_INVALID, "row %zu", i);
        cr_expect(strstr(e.message, rows[i].says) != NULL, "\"%s\" should say \"%s\"", e.message, rows[i].says);
    }
}
