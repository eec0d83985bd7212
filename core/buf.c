/* core/buf.c — capped growable buffers; see buf.h.
 * Exports buf_init, buf_append_slow (buf_append, buf_puts and buf_putc are inline
 * in buf.h), buf_printf, buf_vprintf, buf_json_str, buf_cstr, buf_reset,
 * buf_free, buf_steal.
 */
#include "buf.h"

#include <stdint.h>
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

bool buf_append_slow(Buf *b, const void *p, size_t n)
{
    if (!reserve(b, n))
        return false;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return true;
}

/* One formatting pass when the text fits in the room left (the usual case), two otherwise. */
bool buf_vprintf(Buf *b, const char *fmt, va_list ap)
{
    if (b->failed)
        return false;
    size_t room = b->data ? b->cap - b->len : 0;
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(room ? b->data + b->len : NULL, room, fmt, ap2);
    va_end(ap2);
    if (n < 0) {
        if (room)
            b->data[b->len] = '\0';
        return false;
    }
    if ((size_t)n >= room) {
        if (!reserve(b, (size_t)n)) {
            if (room)
                b->data[b->len] = '\0';
            return false;
        }
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    }
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

/* Bytes that a JSON string must escape: control characters, '"' and '\\'. */
static const unsigned char must_escape[256] = {
    [0x00 ... 0x1f] = 1, ['"'] = 1, ['\\'] = 1,
};

/* Whether any of the 8 bytes of w must be escaped: a byte below 0x20, or one equal to '"' or
 * '\\' ("hasless" and "haszero" of Bit Twiddling Hacks; exact for "any", bytes >= 0x80 never
 * match). */
static bool word_must_escape(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    uint64_t quote = w ^ (ones * '"'), backslash = w ^ (ones * '\\');
    uint64_t below_space = (w - ones * 0x20) & ~w;
    uint64_t is_quote = (quote - ones) & ~quote;
    uint64_t is_backslash = (backslash - ones) & ~backslash;
    return ((below_space | is_quote | is_backslash) & highs) != 0;
}

/* The length of the prefix of s that needs no escape: 8 bytes at a time, then byte by byte. */
static size_t clean_prefix(const char *s, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        if (word_must_escape(w))
            break;
    }
    while (i < n && !must_escape[(unsigned char)s[i]])
        i++;
    return i;
}

/* The escapes are jansson's (json_dumps), so text written here and text jansson writes are
 * byte-identical: the API's direct JSON writers (model/codec.c) rely on it. Most strings need
 * no escape at all: they are found by one scan and copied whole. */
bool buf_json_str(Buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t clean = clean_prefix(s, n);
    if (clean == n) {
        if (n + 2 < n || !reserve(b, n + 2))
            return false;
        char *p = b->data + b->len;
        p[0] = '"';
        memcpy(p + 1, s, n);
        p[n + 1] = '"';
        p[n + 2] = '\0';
        b->len += n + 2;
        return true;
    }
    if (!buf_putc(b, '"'))
        return false;
    size_t start = 0;
    for (size_t i = clean; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!must_escape[c])
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
