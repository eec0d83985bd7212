/* core/arena.c — bump allocator in chained blocks; see arena.h.
 * Exports arena_init, arena_alloc, arena_realloc, arena_strdup, arena_strndup,
 * arena_printf, arena_vprintf, arena_free.
 */
#include "arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK_MIN (64 * 1024)
#define DEFAULT_CAP ((size_t)256 * 1024 * 1024)

struct ArenaBlock {
    ArenaBlock *next;
    size_t size, off;
    _Alignas(16) unsigned char data[];
};

void arena_init(Arena *a, size_t cap)
{
    a->head = NULL;
    a->used = 0;
    a->cap = cap ? cap : DEFAULT_CAP;
}

/* n bytes, 16-byte aligned, not zeroed (arena_alloc zeroes; strndup overwrites them anyway). */
static void *bump(Arena *a, size_t n)
{
    if (a->cap == 0)
        a->cap = DEFAULT_CAP;
    size_t need = (n + 15) & ~(size_t)15;
    if (need < n || a->used + need > a->cap)
        return NULL;
#if REMIT_ARENA_DEBUG
    ArenaBlock *b = calloc(1, sizeof *b + need);
    if (!b)
        return NULL;
    b->size = need;
    b->off = need;
    b->next = a->head;
    a->head = b;
    a->used += need;
    return b->data;
#else
    ArenaBlock *b = a->head;
    if (!b || b->size - b->off < need) {
        size_t sz = need > BLOCK_MIN ? need : BLOCK_MIN;
        b = malloc(sizeof *b + sz);
        if (!b)
            return NULL;
        b->size = sz;
        b->off = 0;
        b->next = a->head;
        a->head = b;
    }
    void *p = b->data + b->off;
    b->off += need;
    a->used += need;
    return p;
#endif
}

void *arena_alloc(Arena *a, size_t n)
{
    void *p = bump(a, n);
    if (p)
        memset(p, 0, n);
    return p;
}

void *arena_realloc(Arena *a, void *p, size_t old, size_t n)
{
    if (n <= old && p)
        return p;
    void *q = arena_alloc(a, n);
    if (q && p && old)
        memcpy(q, p, old);
    return q;
}

char *arena_strndup(Arena *a, const char *s, size_t n)
{
    char *p = bump(a, n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

char *arena_strdup(Arena *a, const char *s)
{
    return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *arena_vprintf(Arena *a, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return NULL;
    char *p = arena_alloc(a, (size_t)n + 1);
    if (p)
        vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *arena_printf(Arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = arena_vprintf(a, fmt, ap);
    va_end(ap);
    return p;
}

void arena_free(Arena *a)
{
    ArenaBlock *b = a->head;
    while (b) {
        ArenaBlock *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
    a->used = 0;
}
