/* core/csv.c — the CSV reader; see csv.h.
 * Exports csv_init, csv_next.
 *
 * One pass over the caller's buffer; each field is copied once into the
 * arena. Line numbers count physical lines (a quoted field spanning lines
 * advances them), so an error or a per-row message names the line a person
 * sees in an editor.
 */
#include "core/csv.h"

#include <stdbool.h>
#include <string.h>

void csv_init(CsvReader *r, const char *data, size_t len, char delim)
{
    memset(r, 0, sizeof *r);
    r->p = data;
    r->len = len;
    r->delim = delim ? delim : ',';
    r->next_line = 1;
    if (len >= 3 && (unsigned char)data[0] == 0xEF && (unsigned char)data[1] == 0xBB &&
        (unsigned char)data[2] == 0xBF)
        r->pos = 3;
}

/* Consumes a line end at pos (LF, CRLF or CR); true if there was one. */
static int eol(CsvReader *r)
{
    if (r->pos >= r->len)
        return 0;
    char c = r->p[r->pos];
    if (c == '\n') {
        r->pos++;
        r->next_line++;
        return 1;
    }
    if (c == '\r') {
        r->pos++;
        if (r->pos < r->len && r->p[r->pos] == '\n')
            r->pos++;
        r->next_line++;
        return 1;
    }
    return 0;
}

int csv_next(CsvReader *r, Arena *a, char ***fields, int *nfields, Error *err)
{
    *fields = NULL;
    *nfields = 0;
    while (r->pos < r->len && eol(r))   /* blank lines */
        ;
    if (r->pos >= r->len)
        return 0;
    r->line = r->next_line;
    char **out = ARENA_ARRAY(a, char *, CSV_MAX_FIELDS);
    if (!out)
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    int n = 0;
    for (;;) {
        if (n == CSV_MAX_FIELDS)
            return err_set(err, ERR_INVALID, NULL, "line %d has more than %d fields", r->line, CSV_MAX_FIELDS);
        size_t start = r->pos;
        char *val;
        if (r->pos < r->len && r->p[r->pos] == '"') {
            /* quoted: copy with "" -> " */
            r->pos++;
            size_t cap = 0;
            size_t scan = r->pos;
            bool closed = false;
            while (scan < r->len) {   /* measure first: the copy is exact */
                if (r->p[scan] == '"') {
                    if (scan + 1 < r->len && r->p[scan + 1] == '"') {
                        scan += 2;
                        cap++;
                        continue;
                    }
                    closed = true;
                    break;
                }
                scan++;
                cap++;
            }
            if (!closed)
                return err_set(err, ERR_INVALID, NULL, "line %d: a quoted field is not closed", r->line);
            if (cap > CSV_MAX_FIELD)
                return err_set(err, ERR_INVALID, NULL, "line %d: a field is longer than %d bytes", r->line,
                               CSV_MAX_FIELD);
            val = arena_alloc(a, cap + 1);
            if (!val)
                return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
            size_t k = 0;
            while (r->pos < scan) {
                char c = r->p[r->pos];
                if (c == '\n' || (c == '\r' && !(r->pos + 1 < scan && r->p[r->pos + 1] == '\n')))
                    r->next_line++;
                val[k++] = c;
                r->pos += (c == '"') ? 2 : 1;
            }
            val[k] = '\0';
            r->pos = scan + 1;
            if (r->pos < r->len && r->p[r->pos] != r->delim && r->p[r->pos] != '\n' && r->p[r->pos] != '\r')
                return err_set(err, ERR_INVALID, NULL, "line %d: unexpected character after a closing quote",
                               r->line);
        } else {
            while (r->pos < r->len && r->p[r->pos] != r->delim && r->p[r->pos] != '\n' && r->p[r->pos] != '\r')
                r->pos++;
            if (r->pos - start > CSV_MAX_FIELD)
                return err_set(err, ERR_INVALID, NULL, "line %d: a field is longer than %d bytes", r->line,
                               CSV_MAX_FIELD);
            val = arena_strndup(a, r->p + start, r->pos - start);
            if (!val)
                return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
        }
        out[n++] = val;
        if (r->pos < r->len && r->p[r->pos] == r->delim) {
            r->pos++;
            continue;
        }
        eol(r);
        break;
    }
    *fields = out;
    *nfields = n;
    return 1;
}
