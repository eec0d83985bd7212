/* core/arena.h — request arenas: many allocations, one free.
 *
 * Every request gets an Arena; everything it allocates for the request's
 * lifetime comes from it and is released by arena_free() after the response.
 * With REMIT_ARENA_DEBUG (the sanitizer build) each allocation is its own
 * malloc, so ASan sees overflows and use-after-free at allocation granularity.
 * An arena has a hard cap; hitting it makes allocations return NULL.
 */
#ifndef REMIT_CORE_ARENA_H
#define REMIT_CORE_ARENA_H

#include <stdarg.h>
#include <stddef.h>

typedef struct ArenaBlock ArenaBlock;
typedef struct Arena {
    ArenaBlock *head;
    size_t used;   /* bytes handed out, for the cap */
    size_t cap;    /* 0 = default (256 MiB) */
} Arena;

void  arena_init(Arena *a, size_t cap);
void *arena_alloc(Arena *a, size_t n);          /* zeroed, 16-byte aligned; NULL past the cap */
void *arena_realloc(Arena *a, void *p, size_t old, size_t n);
char *arena_strdup(Arena *a, const char *s);
char *arena_strndup(Arena *a, const char *s, size_t n);
char *arena_printf(Arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vprintf(Arena *a, const char *fmt, va_list ap);
void  arena_free(Arena *a);                      /* frees everything; the arena can be reused */

#define ARENA_NEW(a, T) ((T *)arena_alloc((a), sizeof(T)))
#define ARENA_ARRAY(a, T, n) ((T *)arena_alloc((a), sizeof(T) * (size_t)(n)))

#endif
