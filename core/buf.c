/* core/buf.c — capped growable buffers; see buf.h.
 * Exports buf_init, buf_append, buf_puts, buf_putc, buf_printf, buf_vprintf,
 * buf_json_str, buf_cstr, buf_reset, buf_free, buf_steal.
 */
#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_MAX ((size_t)64 * 1024 * 1024)

void buf_init(Buf *b, size_t max)
{
    memset(b, 0, sizeof *b);
    b->max = max ? max : DEFAULT_MAX;
}

static bool reserve(Buf *b, size_t extra)
{
    if (b->failed)
        return false;
    if (b->max == 0)
        b->max = DEFAULT_MAX;
    size_t need = b->len + extra + 1;
    if (need < b->len || need > b->max + 1) {
        b->failed = true;
        return false;
    }
    if (need <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap *= 2;
    if (cap > b->max + 1)
        cap = b->max + 1;
    char *p = realloc(b->data, cap);
    if (!p) {
        b->failed = true;
        return false;
    }
    b->data = p;
    b->cap = cap;
    return true;
}

bool buf_append(Buf *b, const void *p, size_t n)
{
    if (!reserve(b, n))
        return false;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return true;
}

bool buf_puts(Buf *b, const char *s)
{
    return buf_append(b, s, strlen(s));
}

bool buf_putc(Buf *b, char c)
{
    return buf_append(b, &c, 1);
}

bool buf_vprintf(Buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0 || !reserve(b, (size_t)n))
        return false;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return true;
}

bool buf_printf(Buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bool ok = buf_vprintf(b, fmt, ap);
    va_end(ap);
    return ok;
}

/* The escapes are jansson's (json_dumps), so text written here and text jansson writes are
 * byte-identical: the API's direct JSON writers (model/codec.c) rely on it. */
bool buf_json_str(Buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    if (!buf_putc(b, '"'))
        return false;
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        buf_append(b, s + start, i - start);
        start = i + 1;
        switch (c) {
        case '"': buf_append(b, "\\\"", 2); break;
        case '\\': buf_append(b, "\\\\", 2); break;
        case '\b': buf_append(b, "\\b", 2); break;
        case '\f': buf_append(b, "\\f", 2); break;
        case '\n': buf_append(b, "\\n", 2); break;
        case '\r': buf_append(b, "\\r", 2); break;
        case '\t': buf_append(b, "\\t", 2); break;
        default: {
            char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            buf_append(b, esc, 6);
        }
        }
    }
    buf_append(b, s + start, n - start);
    return buf_putc(b, '"');
}

const char *buf_cstr(Buf *b)
{
    return b->data ? b->data : "";
}

void buf_reset(Buf *b)
{
    b->len = 0;
    b->failed = false;
    if (b->data)
        b->data[0] = '\0';
}

void buf_free(Buf *b)
{
    free(b->data);
    size_t max = b->max;
    memset(b, 0, sizeof *b);
    b->max = max;
}

char *buf_steal(Buf *b, size_t *len)
{
    char *p = b->data;
    if (len)
        *len = b->len;
    if (!p)
        p = calloc(1, 1);
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}
