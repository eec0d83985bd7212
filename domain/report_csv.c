/* domain/report_csv.c — CSV output of reports. Exports report_csv_field,
 * report_csv_result (see report_csv.h).
 */
#include "domain/report_csv.h"

#include <string.h>

void report_csv_field(Buf *b, const char *s)
{
    if (!s)
        return;
    bool quote = strpbrk(s, ",\"\r\n") != NULL || s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@';
    if (!quote) {
        buf_puts(b, s);
        return;
    }
    buf_putc(b, '"');
    if (s[0] == '=' || s[0] == '+' || s[0] == '@')
        buf_putc(b, '\'');   /* a spreadsheet must not read a cell as a formula */
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            buf_putc(b, '"');
        buf_putc(b, *p);
    }
    buf_putc(b, '"');
}

int report_csv_result(Ctx *ctx, Buf *b, const char *filename, ActionResult *out, Error *err)
{
    if (b->failed) {
        buf_free(b);
        return err_set(err, ERR_UNAVAILABLE, NULL, "the report is larger than allowed");
    }
    out->nbytes = b->len;
    char *bytes = arena_alloc(ctx->arena, b->len + 1);
    if (!bytes) {
        buf_free(b);
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    }
    memcpy(bytes, b->data ? b->data : "", b->len);
    out->bytes = bytes;
    out->content_type = "text/csv; charset=utf-8";
    out->filename = filename;
    buf_free(b);
    return 0;
}
