/* tests/unit/test_core_csv.c — core/csv.c: RFC 4180 records (quotes, doubled
 * quotes, newlines in quotes, CRLF), a BOM and blank lines skipped, physical
 * line numbers, and hard limits that fail cleanly. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/csv.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Reads every record of s; returns them joined as "a|b/c|d" (records by '/'), or the error message. */
static const char *read_all(Arena *a, const char *s, char delim, int *lines)
{
    static char out[2048];
    CsvReader r;
    csv_init(&r, s, strlen(s), delim);
    size_t k = 0;
    out[0] = '\0';
    char **f;
    int n, rc, rec = 0;
    Error e;
    while ((rc = csv_next(&r, a, &f, &n, &e)) == 1) {
        if (lines)
            lines[rec] = r.line;
        rec++;
        if (k)
            out[k++] = '/';
        for (int i = 0; i < n; i++)
            k += (size_t)snprintf(out + k, sizeof out - k, "%s%s", i ? "|" : "", f[i]);
    }
    if (rc < 0)
        snprintf(out, sizeof out, "error: %s", e.message);
    return out;
}

Test(csv, records_follow_rfc_4180)
{
    static const struct { const char *in, *out; } rows[] = {
        {"a,b,c\n1,2,3\n", "a|b|c/1|2|3"},
        {"a,b\r\n1,2\r\n", "a|b/1|2"},
        {"a,b\r1,2", "a|b/1|2"},
        {"\"x,y\",\"say \"\"hi\"\"\"\n", "x,y|say \"hi\""},
        {"\"two\nlines\",z\n", "two\nlines|z"},
        {"a,,c\n,\n", "a||c/|"},
        {"\xef\xbb\xbf" "h1,h2\n", "h1|h2"},
        {"\n\na\n\n\nb\n", "a/b"},
        {"x\"y,z\n", "x\"y|z"},
        {"\"\",\"\"\n", "|"},
        {"", ""},
    };
    Arena a;
    arena_init(&a, 0);
    for (size_t i = 0; i < N(rows); i++)
        cr_expect_str_eq(read_all(&a, rows[i].in, ',', NULL), rows[i].out, "row %zu", i);
    cr_expect_str_eq(read_all(&a, "a;b\n\"1;5\";2\n", ';', NULL), "a|b/1;5|2");
    arena_free(&a);
}

Test(csv, line_numbers_are_the_physical_lines_a_record_starts_on)
{
    Arena a;
    arena_init(&a, 0);
    int lines[8] = {0};
    read_all(&a, "h\n\n\"multi\nline\"\nlast\n", ',', lines);
    cr_expect_eq(lines[0], 1);
    cr_expect_eq(lines[1], 3);
    cr_expect_eq(lines[2], 5);
    arena_free(&a);
}

Test(csv, malformed_input_fails_naming_the_line)
{
    static const struct { const char *in, *msg; } rows[] = {
        {"a\n\"open,b\n", "error: line 2: a quoted field is not closed"},
        {"a\n\"q\"x,b\n", "error: line 2: unexpected character after a closing quote"},
    };
    Arena a;
    arena_init(&a, 0);
    for (size_t i = 0; i < N(rows); i++)
        cr_expect_str_eq(read_all(&a, rows[i].in, ',', NULL), rows[i].msg, "row %zu", i);
    arena_free(&a);
}

Test(csv, limits_are_hard_and_clean)
{
    Arena a;
    arena_init(&a, 0);
    size_t n = CSV_MAX_FIELDS + 1;
    char *many = calloc(n * 2 + 1, 1);
    for (size_t i = 0; i < n; i++) {
        many[2 * i] = 'x';
        many[2 * i + 1] = i + 1 < n ? ',' : '\n';
    }
    cr_expect_str_eq(read_all(&a, many, ',', NULL), "error: line 1 has more than 256 fields");
    free(many);
    char *big = calloc(CSV_MAX_FIELD + 4, 1);
    memset(big, 'y', CSV_MAX_FIELD + 2);
    cr_expect_str_eq(read_all(&a, big, ',', NULL), "error: line 1: a field is longer than 65536 bytes");
    big[0] = '"';
    big[CSV_MAX_FIELD + 2] = '"';
    cr_expect_str_eq(read_all(&a, big, ',', NULL), "error: line 1: a field is longer than 65536 bytes");
    free(big);
    arena_free(&a);
}
