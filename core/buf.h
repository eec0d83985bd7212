/* core/buf.h — growable byte buffers with a hard cap (bodies, JSON, CSV, SQL).
 *
 * A Buf owns heap memory (not an arena) and refuses to grow past `max`; a
 * refused append sets `failed`, so a writer can append freely and check once.
 */
#ifndef REMIT_CORE_BUF_H
#define REMIT_CORE_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

typedef struct Buf {
    char *data;      /* always NUL-terminated when len > 0 or after buf_cstr */
    size_t len, cap, max;
    bool failed;     /* an append hit the cap or ran out of memory */
} Buf;

void buf_init(Buf *b, size_t max);                 /* max 0 = 64 MiB */
bool buf_append_slow(Buf *b, const void *p, size_t n);   /* buf_append when the Buf must grow */

/* Appends n bytes. Inline, because the JSON writers append every comma and quote: the common
 * case (room left) is a copy, the rest goes through buf_append_slow. */
static inline bool buf_append(Buf *b, const void *p, size_t n)
{
    if (!b->failed && n < b->cap - b->len) {   /* cap - len: room, the NUL included */
        memcpy(b->data + b->len, p, n);
        b->len += n;
        b->data[b->len] = '\0';
        return true;
    }
    return buf_append_slow(b, p, n);
}

static inline bool buf_puts(Buf *b, const char *s)
{
    return buf_append(b, s, strlen(s));
}

static inline bool buf_putc(Buf *b, char c)
{
    return buf_append(b, &c, 1);
}

bool buf_printf(Buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool buf_vprintf(Buf *b, const char *fmt, va_list ap);
/* Appends s as a JSON string literal, quotes included, escaped exactly as jansson's json_dumps
 * escapes it (so directly written JSON and jansson's output are byte-identical). */
bool buf_json_str(Buf *b, const char *s, size_t n);
const char *buf_cstr(Buf *b);                      /* "" when empty */
void buf_reset(Buf *b);                            /* len = 0, keeps memory */
void buf_free(Buf *b);
/* Hands the memory to the caller (free() it); the Buf is empty afterwards. */
char *buf_steal(Buf *b, size_t *len);

#endif
