/* tests/api/runner.c — the golden-file API test runner (build/api-tests).
 *
 * Owns the .t format (parser), the placeholders and variables, the JSON and header matcher,
 * and the report. Exports main() only; HTTP goes through tests/api/client.h. The format is
 * documented with examples in tests/api/README.md; keep the two in step.
 *
 *     build/api-tests --base http://127.0.0.1:PORT [--filter SUBSTR] [--verbose]
 *                     [--var NAME=VALUE]... FILE.t...
 *
 * Every file is parsed before anything is sent: a parse error names file:line and nothing
 * runs (exit 2). Then the files run one after another, their cases in order; a file's cases
 * share its variables, and no file sees another's. Exit status: 0 when no case failed, 1 when
 * some did, 2 on a usage or parse error.
 *
 * Memory: a parsed file lives in its own arena, freed in one call. Variables, expanded
 * requests and responses are malloc'd and freed per case, so valgrind sees a clean run.
 *
 * Concurrency notes: only an @concurrent case uses threads. Each worker thread gets its own
 * HttpClient and its own HttpResult slot; the threads wait on one condition variable so that
 * their requests leave together, and the main thread reads the results only after joining
 * them all. Variables are never touched by a worker.
 */
#include "tests/api/client.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define MAX_FILE_BYTES   ((size_t)16 << 20)
#define MAX_BODY_BYTES   ((size_t)64 << 20)
#define MAX_REPEAT       100000L
#define MAX_CONCURRENT   1000L
#define MAX_NAME         64
#define MAX_MISMATCHES   20
#define SHOW_BODY_BYTES  4096
#define SHOW_VALUE_CHARS 160

/* ---------------------------------------------------------------- small helpers */

static void die_oom(void)
{
    fputs("api-tests: out of memory\n", stderr);
    exit(3);
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        die_oom();
    return p;
}

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        die_oom();
    return p;
}

static char *xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

static char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

/* A growable string. Every writer below checks its own cap before growing it. */
typedef struct {
    char *s;
    size_t len, cap;
} Buf;

static void buf_add(Buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        b->s = xrealloc(b->s, cap);
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void buf_puts(Buf *b, const char *s)
{
    buf_add(b, s, strlen(s));
}

static void buf_putc(Buf *b, char c)
{
    buf_add(b, &c, 1);
}

__attribute__((format(printf, 2, 0)))
static void buf_vprintf(Buf *b, const char *fmt, va_list ap)
{
    char *s = NULL;
    int n = vasprintf(&s, fmt, ap);
    if (n < 0)
        die_oom();
    buf_add(b, s, (size_t)n);
    free(s);
}

__attribute__((format(printf, 2, 3)))
static void buf_printf(Buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(b, fmt, ap);
    va_end(ap);
}

static const char *buf_str(const Buf *b)
{
    return b->s ? b->s : "";
}

static void buf_free(Buf *b)
{
    free(b->s);
    memset(b, 0, sizeof *b);
}

/* The parse of one file: everything it allocates lives until the file is done with. */
typedef struct Block {
    struct Block *next;
    size_t used, size;
    max_align_t data[];
} Block;

typedef struct {
    Block *head;
} Arena;

static void *arena_alloc(Arena *a, size_t n)
{
    n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
    if (!a->head || a->head->size - a->head->used < n) {
        size_t size = n > 65536 ? n : 65536;
        Block *b = xmalloc(sizeof *b + size);
        b->next = a->head;
        b->used = 0;
        b->size = size;
        a->head = b;
    }
    void *p = (char *)a->head->data + a->head->used;
    a->head->used += n;
    memset(p, 0, n);
    return p;
}

static char *arena_strndup(Arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    memcpy(p, s, n);
    return p;
}

/* Appends one element to an arena array, doubling it when full (the old copy is dropped). */
static void *arena_push(Arena *a, void *arr, size_t *n, size_t *cap, size_t elem)
{
    if (*n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 8;
        void *p = arena_alloc(a, ncap * elem);
        if (*n)
            memcpy(p, arr, *n * elem);
        arr = p;
        *cap = ncap;
    }
    (*n)++;
    return arr;
}

static void arena_free(Arena *a)
{
    while (a->head) {
        Block *next = a->head->next;
        free(a->head);
        a->head = next;
    }
}

static bool is_blank(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return *s == '\0';
}

static const char *skip_ws(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

static size_t rtrim_len(const char *s, size_t n)
{
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    return n;
}

/* Parses a decimal count; the whole string must be digits and the value within [lo, hi]. */
static bool parse_count(const char *s, size_t n, long lo, long hi, long *out)
{
    long v = 0;
    if (n == 0 || n > 9)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return false;
        v = v * 10 + (s[i] - '0');
    }
    if (v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

static bool is_name_start(char c)
{
    return isalpha((unsigned char)c) || c == '_';
}

static bool is_name_char(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

static bool valid_var_name(const char *s, size_t n)
{
    if (n == 0 || n >= MAX_NAME || !is_name_start(s[0]))
        return false;
    for (size_t i = 1; i < n; i++)
        if (!is_name_char(s[i]))
            return false;
    return true;
}

/* An HTTP header field name (RFC 9110 token). */
static bool is_token_char(char c)
{
    return isalnum((unsigned char)c) || (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* "Name: value" -> length of Name, or 0 when the line is not a header. */
static size_t header_name_len(const char *s)
{
    size_t n = 0;
    while (is_token_char(s[n]))
        n++;
    return n > 0 && s[n] == ':' ? n : 0;
}

/* ---------------------------------------------------------------- matchers and placeholders */

typedef enum {
    M_ANY, M_UUID, M_TIMESTAMP, M_DATE, M_NULL_OR_STRING, M_STRING, M_NUMBER, M_INTEGER,
    M_DECIMAL, M_BOOL, M_ABSENT, M__COUNT
} Matcher;

static const char *const matcher_names[M__COUNT] = {
    [M_ANY] = "*", [M_UUID] = "uuid", [M_TIMESTAMP] = "timestamp", [M_DATE] = "date",
    [M_NULL_OR_STRING] = "null-or-string", [M_STRING] = "string", [M_NUMBER] = "number",
    [M_INTEGER] = "integer", [M_DECIMAL] = "decimal", [M_BOOL] = "bool", [M_ABSENT] = "absent",
};

static int matcher_lookup(const char *s, size_t n)
{
    for (int m = 0; m < M__COUNT; m++)
        if (strlen(matcher_names[m]) == n && memcmp(matcher_names[m], s, n) == 0)
            return m;
    return -1;
}

static bool reserved_name(const char *s, size_t n)
{
    return matcher_lookup(s, n) >= 0 || (n == 4 && memcmp(s, "fill", 4) == 0);
}

typedef enum { PH_VAR, PH_MATCH, PH_CAPTURE, PH_FILL } PhKind;

typedef struct {
    PhKind kind;
    Matcher matcher;            /* PH_MATCH, PH_CAPTURE */
    char name[MAX_NAME];        /* PH_VAR, PH_CAPTURE */
    size_t fill;                /* PH_FILL */
    size_t len;                 /* bytes from "{{" to "}}" inclusive */
} Ph;

/* s points at "{{". Returns 1 for a placeholder, 0 when the text is literal (no "}}" close by,
 * or characters no placeholder uses), -1 for a malformed placeholder (err says why). */
static int ph_parse(const char *s, Ph *out, char *err, size_t errsz)
{
    memset(out, 0, sizeof *out);
    const char *in = s + 2, *end = strstr(in, "}}");
    if (!end || end == in || end - in > 80)
        return 0;
    size_t n = (size_t)(end - in);
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)in[i]) && !strchr("_*:=-", in[i]))
            return 0;
    out->len = n + 4;
    const char *eq = memchr(in, '=', n);
    int m;
    if (eq) {
        size_t nn = (size_t)(eq - in), rn = n - nn - 1;
        if (!valid_var_name(in, nn) || reserved_name(in, nn)) {
            snprintf(err, errsz, "{{%.*s}}: '%.*s' cannot be a variable name", (int)n, in,
                     (int)nn, in);
            return -1;
        }
        m = matcher_lookup(eq + 1, rn);
        if (m < 0 || m == M_ABSENT) {
            snprintf(err, errsz, "{{%.*s}}: unknown matcher '%.*s'", (int)n, in, (int)rn, eq + 1);
            return -1;
        }
        out->kind = PH_CAPTURE;
        out->matcher = (Matcher)m;
        memcpy(out->name, in, nn);
        return 1;
    }
    if (n > 5 && memcmp(in, "fill:", 5) == 0) {
        long v;
        if (!parse_count(in + 5, n - 5, 0, (long)MAX_BODY_BYTES, &v)) {
            snprintf(err, errsz, "{{%.*s}}: fill takes a byte count up to %zu", (int)n, in,
                     MAX_BODY_BYTES);
            return -1;
        }
        out->kind = PH_FILL;
        out->fill = (size_t)v;
        return 1;
    }
    m = matcher_lookup(in, n);
    if (m >= 0) {
        out->kind = PH_MATCH;
        out->matcher = (Matcher)m;
        return 1;
    }
    if (valid_var_name(in, n)) {
        out->kind = PH_VAR;
        memcpy(out->name, in, n);
        return 1;
    }
    snprintf(err, errsz, "{{%.*s}}: not a variable name, a capture or a matcher", (int)n, in);
    return -1;
}

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return n > 0;
}

static int num2(const char *s)
{
    return (s[0] - '0') * 10 + (s[1] - '0');
}

static bool date_ok(const char *s)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (!all_digits(s, 4) || s[4] != '-' || !all_digits(s + 5, 2) || s[7] != '-' ||
        !all_digits(s + 8, 2))
        return false;
    int y = num2(s) * 100 + num2(s + 2), mo = num2(s + 5), d = num2(s + 8);
    if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1])
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return !(mo == 2 && d == 29 && !leap);
}

/* RFC 3339 in UTC with a Z: 2024-04-01T09:30:00Z, 2024-04-01T09:30:00.123456Z */
static bool timestamp_ok(const char *s, size_t n)
{
    if (n < 20 || s[10] != 'T' || s[n - 1] != 'Z')
        return false;
    char date[11];
    memcpy(date, s, 10);
    date[10] = '\0';
    if (!date_ok(date))
        return false;
    const char *t = s + 11;
    if (!all_digits(t, 2) || t[2] != ':' || !all_digits(t + 3, 2) || t[5] != ':' ||
        !all_digits(t + 6, 2))
        return false;
    if (num2(t) > 23 || num2(t + 3) > 59 || num2(t + 6) > 60)
        return false;
    size_t rest = n - 19 - 1;           /* between the seconds and the Z */
    if (rest == 0)
        return true;
    return t[8] == '.' && rest >= 2 && rest <= 10 && all_digits(t + 9, rest - 1);
}

static bool uuid_ok(const char *s, size_t n)
{
    if (n != 36)
        return false;
    for (size_t i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-')
                return false;
        } else if (!isdigit((unsigned char)s[i]) && !(s[i] >= 'a' && s[i] <= 'f')) {
            return false;
        }
    }
    return true;
}

/* -?digits(.digits)? : how Remit writes money and decimals in JSON (as strings) */
static bool decimal_ok(const char *s, size_t n)
{
    size_t i = 0, d;
    if (i < n && s[i] == '-')
        i++;
    for (d = i; i < n && isdigit((unsigned char)s[i]); i++)
        ;
    if (i == d)
        return false;
    if (i == n)
        return true;
    if (s[i++] != '.')
        return false;
    return all_digits(s + i, n - i);
}

/* JSON number text */
static bool number_ok(const char *s, size_t n, bool integer)
{
    size_t i = 0, d;
    if (i < n && s[i] == '-')
        i++;
    for (d = i; i < n && isdigit((unsigned char)s[i]); i++)
        ;
    if (i == d || (s[d] == '0' && i - d > 1))
        return false;
    if (integer)
        return i == n;
    if (i < n && s[i] == '.') {
        for (d = ++i; i < n && isdigit((unsigned char)s[i]); i++)
            ;
        if (i == d)
            return false;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        for (d = i; i < n && isdigit((unsigned char)s[i]); i++)
            ;
        if (i == d)
            return false;
    }
    return i == n;
}

/* Does this piece of a string (or header) satisfy the matcher? */
static bool span_ok(Matcher m, const char *s, size_t n)
{
    switch (m) {
    case M_UUID:      return uuid_ok(s, n);
    case M_TIMESTAMP: return timestamp_ok(s, n);
    case M_DATE:      return n == 10 && date_ok(s);
    case M_DECIMAL:   return decimal_ok(s, n);
    case M_NUMBER:    return number_ok(s, n, false);
    case M_INTEGER:   return number_ok(s, n, true);
    case M_BOOL:      return (n == 4 && !memcmp(s, "true", 4)) || (n == 5 && !memcmp(s, "false", 5));
    case M_ABSENT:    return false;
    default:          return true;
    }
}

/* Does this whole JSON value satisfy the matcher? */
static bool value_ok(Matcher m, const json_t *v)
{
    switch (m) {
    case M_ANY:            return true;
    case M_STRING:         return json_is_string(v);
    case M_NULL_OR_STRING: return json_is_null(v) || json_is_string(v);
    case M_NUMBER:         return json_is_number(v);
    case M_INTEGER:        return json_is_integer(v);
    case M_BOOL:           return json_is_boolean(v);
    case M_ABSENT:         return false;
    default:
        return json_is_string(v) && span_ok(m, json_string_value(v), json_string_length(v));
    }
}

/* ---------------------------------------------------------------- variables */

/* A variable is either text (from --var, @set, a header, or part of a string) or a JSON value
 * captured whole from a body; a JSON variable must come back as the same JSON value. */
typedef struct {
    char *name;
    char *text;                 /* the string itself, or the value's compact JSON */
    json_t *json;               /* NULL for a text variable */
} Var;

typedef struct {
    Var *v;
    size_t n, cap;
} Vars;

static Var *vars_find(const Vars *vs, const char *name)
{
    for (size_t i = 0; vs && i < vs->n; i++)
        if (strcmp(vs->v[i].name, name) == 0)
            return &vs->v[i];
    return NULL;
}

static char *json_text(const json_t *v)
{
    if (json_is_string(v))
        return xstrdup(json_string_value(v));
    char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    if (!s)
        die_oom();
    char *copy = xstrdup(s);
    free(s);
    return copy;
}

/* Sets name to text, or (text NULL) to the JSON value json; replaces an existing value. */
static void vars_put(Vars *vs, const char *name, const char *text, json_t *json)
{
    Var *v = vars_find(vs, name);
    if (!v) {
        if (vs->n == vs->cap) {
            vs->cap = vs->cap ? vs->cap * 2 : 16;
            vs->v = xrealloc(vs->v, vs->cap * sizeof *vs->v);
        }
        v = &vs->v[vs->n++];
        v->name = xstrdup(name);
    } else {
        free(v->text);
        json_decref(v->json);
    }
    v->json = text ? NULL : json_incref(json);
    v->text = text ? xstrdup(text) : json_text(json);
}

static void vars_merge(Vars *into, const Vars *from)
{
    for (size_t i = 0; i < from->n; i++)
        vars_put(into, from->v[i].name, from->v[i].json ? NULL : from->v[i].text, from->v[i].json);
}

static void vars_free(Vars *vs)
{
    for (size_t i = 0; i < vs->n; i++) {
        free(vs->v[i].name);
        free(vs->v[i].text);
        json_decref(vs->v[i].json);
    }
    free(vs->v);
    memset(vs, 0, sizeof *vs);
}

/* Pending captures are looked up before committed variables. */
static const Var *lookup(const Vars *pending, const Vars *vars, const char *name)
{
    const Var *v = vars_find(pending, name);
    return v ? v : vars_find(vars, name);
}

/* ---------------------------------------------------------------- expansion of templates */

static void json_escape(Buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            buf_putc(b, '\\');
            buf_putc(b, (char)c);
        } else if (c < 0x20) {
            buf_printf(b, "\\u%04x", c);
        } else {
            buf_putc(b, (char)c);
        }
    }
}

static void url_escape(Buf *b, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (isalnum(c) || strchr("-._~/:@,!$'()*;", c))
            buf_putc(b, (char)c);
        else
            buf_printf(b, "%%%02X", c);
    }
}

static int fill(Buf *b, size_t n, char *err, size_t errsz)
{
    if (b->len + n > MAX_BODY_BYTES) {
        snprintf(err, errsz, "expansion exceeds %zu bytes", MAX_BODY_BYTES);
        return -1;
    }
    char chunk[4096];
    memset(chunk, 'x', sizeof chunk);
    while (n > 0) {
        size_t k = n < sizeof chunk ? n : sizeof chunk;
        buf_add(b, chunk, k);
        n -= k;
    }
    return 0;
}

typedef enum { X_TEXT, X_PATH, X_HEADER } TextMode;

/* Substitutes {{var}} and {{fill:N}} in a path, header value, text body or @set value. */
static int expand_text(Buf *out, const char *t, const Vars *vars, TextMode mode,
                       char *err, size_t errsz)
{
    while (*t) {
        const char *open = strstr(t, "{{");
        if (!open) {
            buf_puts(out, t);
            break;
        }
        buf_add(out, t, (size_t)(open - t));
        Ph ph;
        int r = ph_parse(open, &ph, err, errsz);
        if (r < 0)
            return -1;
        if (r == 0) {
            buf_add(out, open, 2);
            t = open + 2;
            continue;
        }
        t = open + ph.len;
        if (ph.kind == PH_FILL) {
            if (fill(out, ph.fill, err, errsz) < 0)
                return -1;
            continue;
        }
        if (ph.kind != PH_VAR) {
            snprintf(err, errsz, "%.*s matches values in responses; it cannot be sent",
                     (int)ph.len, open);
            return -1;
        }
        const Var *v = vars_find(vars, ph.name);
        if (!v) {
            snprintf(err, errsz, "undefined variable '%s'", ph.name);
            return -1;
        }
        if (mode == X_HEADER && strpbrk(v->text, "\r\n")) {
            snprintf(err, errsz, "variable '%s' holds a line break; it cannot go in a header",
                     ph.name);
            return -1;
        }
        if (mode == X_PATH)
            url_escape(out, v->text);
        else
            buf_puts(out, v->text);
    }
    return 0;
}

typedef enum {
    J_REQUEST,                  /* a JSON request body, ready to send */
    J_EXPECT,                   /* an expected body, ready to parse and match */
    J_VALIDATE,                 /* parse-time check: variables are not known yet */
} JsonMode;

/* Substitutes placeholders in a JSON template, knowing whether each sits inside a string.
 * Inside a string: a request gets the variable's text, escaped; an expectation keeps the
 * placeholder for the matcher. Outside a string: {{var}} becomes the variable's JSON value
 * (a text variable verbatim), and a matcher or capture becomes the string "{{...}}". */
static int expand_json(Buf *out, const char *t, const Vars *vars, JsonMode mode,
                       char *err, size_t errsz)
{
    bool in_str = false;
    while (*t) {
        if (in_str && *t == '\\' && t[1]) {
            buf_add(out, t, 2);
            t += 2;
            continue;
        }
        if (*t == '"') {
            in_str = !in_str;
            buf_putc(out, *t++);
            continue;
        }
        if (t[0] != '{' || t[1] != '{' || (in_str && mode != J_REQUEST)) {
            buf_putc(out, *t++);
            continue;
        }
        Ph ph;
        int r = ph_parse(t, &ph, err, errsz);
        if (r < 0)
            return -1;
        if (r == 0) {
            buf_putc(out, *t++);
            continue;
        }
        const char *ph_text = t;
        t += ph.len;
        if (ph.kind == PH_FILL) {
            if (mode == J_EXPECT) {
                snprintf(err, errsz, "%.*s only makes request bodies", (int)ph.len, ph_text);
                return -1;
            }
            if (mode == J_VALIDATE && !in_str)
                buf_puts(out, "null");
            else if (mode == J_REQUEST && fill(out, ph.fill, err, errsz) < 0)
                return -1;
            continue;
        }
        if (ph.kind != PH_VAR) {
            if (mode == J_REQUEST) {
                snprintf(err, errsz, "%.*s matches values in responses; it cannot be sent",
                         (int)ph.len, ph_text);
                return -1;
            }
            buf_putc(out, '"');
            buf_add(out, ph_text, ph.len);
            buf_putc(out, '"');
            continue;
        }
        if (mode == J_VALIDATE) {
            if (!in_str)
                buf_puts(out, "null");
            continue;
        }
        const Var *v = vars_find(vars, ph.name);
        if (!v) {
            snprintf(err, errsz, "undefined variable '%s'", ph.name);
            return -1;
        }
        if (in_str) {
            json_escape(out, v->text, strlen(v->text));
        } else if (v->json && json_is_string(v->json)) {
            buf_putc(out, '"');
            json_escape(out, v->text, strlen(v->text));
            buf_putc(out, '"');
        } else {
            buf_puts(out, v->text);
        }
    }
    return 0;
}

/* Checks every placeholder of a template at parse time; requests may not hold matchers. */
static int check_placeholders(const char *t, bool request, char *err, size_t errsz)
{
    for (const char *open = strstr(t, "{{"); open; open = strstr(open + 2, "{{")) {
        Ph ph;
        int r = ph_parse(open, &ph, err, errsz);
        if (r < 0)
            return -1;
        if (r == 1 && request && ph.kind != PH_VAR && ph.kind != PH_FILL) {
            snprintf(err, errsz, "%.*s matches values in responses; it cannot be sent",
                     (int)ph.len, open);
            return -1;
        }
        if (r == 1 && !request && ph.kind == PH_FILL) {
            snprintf(err, errsz, "%.*s only makes request bodies", (int)ph.len, open);
            return -1;
        }
    }
    return 0;
}

/* ---------------------------------------------------------------- the parsed file */

typedef enum { MODE_JSON, MODE_BYTES, MODE_TEXT, MODE_EMPTY } BodyMode;

typedef struct {
    int status;
    long count;                 /* 0: every response has this status */
    bool partial, same;
    BodyMode mode;
    const char **headers;       /* "Name: value" templates */
    size_t nheaders, cap_headers;
    const char *body;           /* JSON template, or text lines; NULL: not checked */
    int body_line;
    int line;
    const char *spec;           /* the "--- ..." line as written */
} Expect;

typedef struct {
    const char *title, *name;
    int line;
    const char *method, *path;
    const char **headers;       /* "Name: value" templates */
    size_t nheaders, cap_headers;
    const char *body;           /* NULL: no body */
    Expect *ex;
    size_t nex, cap_ex;
    long times;                 /* 1, or the count of @repeat / @concurrent */
    bool concurrent;
    const char *skip;           /* NULL, or the @skip reason ("" for none) */
    bool selected;              /* matches --filter */
} Case;

typedef enum { STEP_SET, STEP_HEADER, STEP_CASE } StepKind;

typedef struct {
    StepKind kind;
    int line;
    const char *name, *value;   /* STEP_SET: var and template; STEP_HEADER: "Name: value" */
    Case *c;
} Step;

typedef struct {
    const char *path;           /* as given on the command line */
    const char *stem;           /* basename without .t: the first half of case names */
    Arena arena;
    Step *steps;
    size_t nsteps, cap_steps;
    char error[512];
} TFile;

typedef struct {
    char **s;
    size_t n;
} Lines;

__attribute__((format(printf, 3, 4)))
static int parse_error(TFile *f, int line, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(f->error, sizeof f->error, "%s:%d: %s", f->path, line, msg);
    return -1;
}

static bool is_case_start(const char *s)
{
    return strncmp(s, "===", 3) == 0;
}

static bool is_directive(const char *s)
{
    return s[0] == '@';
}

static bool is_expect(const char *s)
{
    return strncmp(s, "---", 3) == 0 && (s[3] == ' ' || s[3] == '\t' || s[3] == '\0');
}

static char *slugify(Arena *a, const char *title)
{
    size_t n = strlen(title), j = 0;
    char *s = arena_alloc(a, n + 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)title[i];
        if (isalnum(c))
            s[j++] = (char)tolower(c);
        else if (j > 0 && s[j - 1] != '_')
            s[j++] = '_';
    }
    while (j > 0 && s[j - 1] == '_')
        j--;
    s[j] = '\0';
    return s;
}

/* Joins lines [from, to) with "\n", leaving out comment lines when asked, trimming blank
 * lines at both ends. NULL when nothing is left. */
static const char *join_lines(Arena *a, const Lines *L, size_t from, size_t to, bool comments,
                              int *first_line)
{
    while (from < to && (is_blank(L->s[from]) || (comments && L->s[from][0] == '#')))
        from++;
    while (to > from && (is_blank(L->s[to - 1]) || (comments && L->s[to - 1][0] == '#')))
        to--;
    if (from == to)
        return NULL;
    if (first_line)
        *first_line = (int)from + 1;
    Buf b = {0};
    for (size_t i = from; i < to; i++) {
        if (comments && L->s[i][0] == '#')
            continue;
        buf_puts(&b, L->s[i]);
        if (i + 1 < to)
            buf_putc(&b, '\n');
    }
    const char *s = arena_strndup(a, b.s, b.len);
    buf_free(&b);
    return s;
}

/* "--- 200", "--- 201 partial", "--- 200 x1, 412 x9", "--- 200 text" ... into one Expect per
 * status. */
static int parse_spec(TFile *f, Case *c, const char *s, int line, size_t *first)
{
    bool partial = false, same = false;
    int modes = 0;
    BodyMode mode = MODE_JSON;
    *first = c->nex;
    const char *p = s + 3;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (!*p)
            break;
        const char *w = p;
        while (*p && *p != ' ' && *p != '\t' && *p != ',')
            p++;
        size_t n = (size_t)(p - w);
        long v;
        if (n == 3 && parse_count(w, n, 100, 599, &v)) {
            c->ex = arena_push(&f->arena, c->ex, &c->nex, &c->cap_ex, sizeof *c->ex);
            Expect *e = &c->ex[c->nex - 1];
            e->status = (int)v;
            e->line = line;
            e->spec = arena_strndup(&f->arena, s, rtrim_len(s, strlen(s)));
        } else if (n > 1 && w[0] == 'x' && parse_count(w + 1, n - 1, 1, MAX_REPEAT, &v)) {
            if (c->nex == *first || c->ex[c->nex - 1].count)
                return parse_error(f, line, "'%.*s' must follow a status", (int)n, w);
            c->ex[c->nex - 1].count = v;
        } else if (n == 7 && !memcmp(w, "partial", 7)) {
            partial = true;
        } else if (n == 4 && !memcmp(w, "same", 4)) {
            same = true;
        } else if (n == 5 && !memcmp(w, "bytes", 5)) {
            mode = MODE_BYTES, modes++;
        } else if (n == 4 && !memcmp(w, "text", 4)) {
            mode = MODE_TEXT, modes++;
        } else if (n == 5 && !memcmp(w, "empty", 5)) {
            mode = MODE_EMPTY, modes++;
        } else {
            return parse_error(f, line, "unexpected '%.*s' after '---' (expected a status "
                               "such as 200, a count such as x3, or one of partial, bytes, "
                               "text, empty, same)", (int)n, w);
        }
    }
    if (c->nex == *first)
        return parse_error(f, line, "'---' needs a status, e.g. '--- 200'");
    if (modes > 1)
        return parse_error(f, line, "bytes, text and empty exclude each other");
    if (partial && mode != MODE_JSON)
        return parse_error(f, line, "partial applies to JSON bodies only");
    for (size_t i = *first; i < c->nex; i++) {
        c->ex[i].partial = partial;
        c->ex[i].same = same;
        c->ex[i].mode = mode;
    }
    return 0;
}

static int check_case(TFile *f, Case *c)
{
    char err[256];
    if (check_placeholders(c->path, true, err, sizeof err) < 0)
        return parse_error(f, c->line + 1, "%s", err);
    for (size_t i = 0; i < c->nheaders; i++)
        if (check_placeholders(c->headers[i], true, err, sizeof err) < 0)
            return parse_error(f, c->line, "request header '%s': %s", c->headers[i], err);
    if (c->body && check_placeholders(c->body, true, err, sizeof err) < 0)
        return parse_error(f, c->line, "request body: %s", err);

    long sum = 0;
    bool counted = false, uncounted = false;
    for (size_t i = 0; i < c->nex; i++) {
        Expect *e = &c->ex[i];
        for (size_t j = 0; j < i; j++)
            if (c->ex[j].status == e->status)
                return parse_error(f, e->line, "status %d is expected twice", e->status);
        sum += e->count;
        if (e->count)
            counted = true;
        else
            uncounted = true;
        if (e->body && (e->mode == MODE_BYTES || e->mode == MODE_EMPTY))
            return parse_error(f, e->body_line, "a '--- %d %s' response has no expected body",
                               e->status, e->mode == MODE_BYTES ? "bytes" : "empty");
        for (size_t h = 0; h < e->nheaders; h++) {
            const char *v = skip_ws(strchr(e->headers[h], ':') + 1);
            if (check_placeholders(v, false, err, sizeof err) < 0)
                return parse_error(f, e->line, "expected header '%s': %s", e->headers[h], err);
        }
        if (e->body && e->mode == MODE_TEXT &&
            check_placeholders(e->body, true, err, sizeof err) < 0)
            return parse_error(f, e->body_line, "text expectations take variables only: %s",
                               err);
        if (e->body && e->mode == MODE_JSON) {
            if (check_placeholders(e->body, false, err, sizeof err) < 0)
                return parse_error(f, e->body_line, "%s", err);
            Buf b = {0};
            if (expand_json(&b, e->body, NULL, J_VALIDATE, err, sizeof err) < 0) {
                buf_free(&b);
                return parse_error(f, e->body_line, "%s", err);
            }
            json_error_t je;
            json_t *j = json_loads(buf_str(&b), JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &je);
            buf_free(&b);
            if (!j)
                return parse_error(f, e->body_line + je.line - 1,
                                   "expected body is not JSON: %s (column %d)", je.text,
                                   je.column);
            json_decref(j);
        }
    }
    if (c->nex > 1 && uncounted)
        return parse_error(f, c->ex[0].line, "with several statuses, give each a count "
                           "(e.g. '--- 200 x1, 412 x9')");
    if (counted && sum != c->times)
        return parse_error(f, c->ex[0].line, "the counts add up to %ld but the case sends "
                           "%ld request%s", sum, c->times, c->times == 1 ? "" : "s");
    return 0;
}

/* One case, from its "===" line; *i ends on the first line after it. */
static int parse_case(TFile *f, const Lines *L, size_t *i, Case *c)
{
    size_t n = L->n, k = *i;
    const char *title = skip_ws(L->s[k] + 3);
    c->line = (int)k + 1;
    c->title = arena_strndup(&f->arena, title, rtrim_len(title, strlen(title)));
    c->name = slugify(&f->arena, c->title);
    if (!*c->name)
        return parse_error(f, c->line, "a case needs a title: '=== what it checks'");

    for (k++; k < n && (is_blank(L->s[k]) || L->s[k][0] == '#'); k++)
        ;
    if (k == n || is_case_start(L->s[k]) || is_directive(L->s[k]) || is_expect(L->s[k]))
        return parse_error(f, (int)(k < n ? k + 1 : k), "expected a request line "
                           "'METHOD /path' after '=== %s'", c->title);
    const char *s = L->s[k], *p = s;
    while (*p >= 'A' && *p <= 'Z')
        p++;
    if (p == s || (*p != ' ' && *p != '\t'))
        return parse_error(f, (int)k + 1, "expected a request line 'METHOD /path' "
                           "(method in capitals)");
    c->method = arena_strndup(&f->arena, s, (size_t)(p - s));
    p = skip_ws(p);
    size_t pl = rtrim_len(p, strlen(p));
    if (pl == 0 || memchr(p, ' ', pl) || memchr(p, '\t', pl))
        return parse_error(f, (int)k + 1, "the path must be one word (write a space as %%20)");
    if (p[0] != '/' && strncmp(p, "{{", 2) != 0 && strncmp(p, "http://", 7) != 0 &&
        strncmp(p, "https://", 8) != 0)
        return parse_error(f, (int)k + 1, "the path must start with '/' (or be a full URL)");
    c->path = arena_strndup(&f->arena, p, pl);

    /* request headers, up to a blank line (then a body) or the --- line */
    bool has_body_part = false;
    for (k++; k < n; k++) {
        s = L->s[k];
        if (is_blank(s)) {
            has_body_part = true;
            k++;
            break;
        }
        if (is_expect(s))
            break;
        if (s[0] == '#')
            continue;
        if (is_case_start(s) || is_directive(s))
            return parse_error(f, c->line, "case '%s' has no '--- STATUS' line", c->title);
        if (!header_name_len(s))
            return parse_error(f, (int)k + 1, "expected a header 'Name: value', a blank line "
                               "before the body, or '--- STATUS'");
        c->headers = arena_push(&f->arena, c->headers, &c->nheaders, &c->cap_headers,
                                sizeof *c->headers);
        c->headers[c->nheaders - 1] = arena_strndup(&f->arena, s, rtrim_len(s, strlen(s)));
    }
    if (has_body_part) {
        size_t from = k;
        while (k < n && !is_expect(L->s[k]) && !is_case_start(L->s[k]))
            k++;
        c->body = join_lines(&f->arena, L, from, k, false, NULL);
    }
    if (k == n || !is_expect(L->s[k]))
        return parse_error(f, c->line, "case '%s' has no '--- STATUS' line", c->title);

    /* one or more "--- STATUS" blocks: expected headers, then the expected body */
    while (k < n && is_expect(L->s[k])) {
        size_t first;
        if (parse_spec(f, c, L->s[k], (int)k + 1, &first) < 0)
            return -1;
        bool several = c->nex - first > 1;
        Expect *e = &c->ex[c->nex - 1];
        for (k++; k < n; k++) {
            s = L->s[k];
            if (s[0] == '#')
                continue;
            if (!header_name_len(s))
                break;
            e->headers = arena_push(&f->arena, e->headers, &e->nheaders, &e->cap_headers,
                                    sizeof *e->headers);
            e->headers[e->nheaders - 1] = arena_strndup(&f->arena, s, rtrim_len(s, strlen(s)));
        }
        size_t from = k;
        while (k < n && !is_expect(L->s[k]) && !is_case_start(L->s[k]) &&
               !is_directive(L->s[k]))
            k++;
        e->body = join_lines(&f->arena, L, from, k, true, &e->body_line);
        if (several && (e->nheaders || e->body))
            return parse_error(f, e->line, "a '---' line with several statuses takes no "
                               "headers or body; give each status its own '---' line");
    }
    *i = k;
    return check_case(f, c);
}

static int read_lines(TFile *f, char **text, Lines *L)
{
    FILE *fp = fopen(f->path, "rb");
    if (!fp) {
        snprintf(f->error, sizeof f->error, "%s: %s", f->path, strerror(errno));
        return -1;
    }
    Buf b = {0};
    char chunk[65536];
    size_t got;
    int rc = 0;
    while ((got = fread(chunk, 1, sizeof chunk, fp)) > 0) {
        if (b.len + got > MAX_FILE_BYTES) {
            snprintf(f->error, sizeof f->error, "%s: larger than %zu bytes", f->path,
                     MAX_FILE_BYTES);
            rc = -1;
            break;
        }
        buf_add(&b, chunk, got);
    }
    if (rc == 0 && ferror(fp)) {
        snprintf(f->error, sizeof f->error, "%s: read error", f->path);
        rc = -1;
    }
    fclose(fp);
    if (rc < 0) {
        buf_free(&b);
        return -1;
    }
    if (b.len && memchr(b.s, '\0', b.len)) {
        buf_free(&b);
        snprintf(f->error, sizeof f->error, "%s: holds a NUL byte", f->path);
        return -1;
    }
    buf_putc(&b, '\0');                 /* an empty file still gets a buffer */
    size_t cap = 1;
    for (size_t i = 0; i < b.len; i++)
        cap += b.s[i] == '\n';
    L->s = xmalloc(cap * sizeof *L->s);
    L->n = 0;
    for (char *p = b.s; *p || p == b.s;) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        size_t len = strlen(p);
        if (len && p[len - 1] == '\r')
            p[len - 1] = '\0';
        if (nl || *p)
            L->s[L->n++] = p;
        if (!nl)
            break;
        p = nl + 1;
    }
    *text = b.s;
    return 0;
}

static int parse_file(TFile *f)
{
    char *text = NULL;
    Lines L = {0};
    int rc = -1;
    long times = 1;
    bool concurrent = false, pending = false;
    const char *skip = NULL;
    int pending_line = 0;

    const char *base = strrchr(f->path, '/');
    base = base ? base + 1 : f->path;
    size_t bl = strlen(base);
    if (bl > 2 && strcmp(base + bl - 2, ".t") == 0)
        bl -= 2;
    f->stem = arena_strndup(&f->arena, base, bl);

    if (read_lines(f, &text, &L) < 0)
        return -1;
    for (size_t i = 0; i < L.n;) {
        const char *s = L.s[i];
        int line = (int)i + 1;
        if (is_blank(s) || s[0] == '#') {
            i++;
            continue;
        }
        if (is_case_start(s)) {
            f->steps = arena_push(&f->arena, f->steps, &f->nsteps, &f->cap_steps,
                                  sizeof *f->steps);
            Step *st = &f->steps[f->nsteps - 1];
            Case *c = arena_alloc(&f->arena, sizeof *c);
            st->kind = STEP_CASE;
            st->line = line;
            st->c = c;
            c->times = times;
            c->concurrent = concurrent;
            c->skip = skip;
            times = 1, concurrent = false, skip = NULL, pending = false;
            if (parse_case(f, &L, &i, c) < 0)
                goto cleanup;
            for (size_t j = 0; j + 1 < f->nsteps; j++)
                if (f->steps[j].kind == STEP_CASE && !strcmp(f->steps[j].c->name, c->name)) {
                    parse_error(f, c->line, "case name '%s' is already used at line %d",
                                c->name, f->steps[j].c->line);
                    goto cleanup;
                }
            continue;
        }
        if (!is_directive(s)) {
            if (is_expect(s))
                parse_error(f, line, "'---' outside a case (a request body may not contain "
                            "a line starting with '=== ')");
            else
                parse_error(f, line, "expected '=== title', an @directive or a # comment");
            goto cleanup;
        }
        const char *w = s + 1, *arg;
        size_t wn = 0;
        while (isalpha((unsigned char)w[wn]))
            wn++;
        arg = skip_ws(w + wn);
        size_t an = rtrim_len(arg, strlen(arg));
        if (wn == 3 && !memcmp(w, "set", 3)) {
            const char *eq = strchr(arg, '=');
            if (!eq || !valid_var_name(arg, (size_t)(eq - arg)) ||
                reserved_name(arg, (size_t)(eq - arg))) {
                parse_error(f, line, "expected '@set name=value' (a name is letters, digits "
                            "and _, and not a matcher's name)");
                goto cleanup;
            }
            f->steps = arena_push(&f->arena, f->steps, &f->nsteps, &f->cap_steps,
                                  sizeof *f->steps);
            Step *st = &f->steps[f->nsteps - 1];
            st->kind = STEP_SET;
            st->line = line;
            st->name = arena_strndup(&f->arena, arg, (size_t)(eq - arg));
            st->value = arena_strndup(&f->arena, eq + 1, an - (size_t)(eq + 1 - arg));
            char err[256];
            if (check_placeholders(st->value, true, err, sizeof err) < 0) {
                parse_error(f, line, "%s", err);
                goto cleanup;
            }
        } else if (wn == 6 && !memcmp(w, "header", 6)) {
            char err[256];
            if (!header_name_len(arg)) {
                parse_error(f, line, "expected '@header Name: value' (or 'Name:' to drop it)");
                goto cleanup;
            }
            if (check_placeholders(arg, true, err, sizeof err) < 0) {
                parse_error(f, line, "%s", err);
                goto cleanup;
            }
            f->steps = arena_push(&f->arena, f->steps, &f->nsteps, &f->cap_steps,
                                  sizeof *f->steps);
            Step *st = &f->steps[f->nsteps - 1];
            st->kind = STEP_HEADER;
            st->line = line;
            st->value = arena_strndup(&f->arena, arg, an);
        } else if ((wn == 6 && !memcmp(w, "repeat", 6)) ||
                   (wn == 10 && !memcmp(w, "concurrent", 10))) {
            bool conc = wn == 10;
            long v;
            if (times != 1 || concurrent) {
                parse_error(f, line, "only one @repeat or @concurrent per case");
                goto cleanup;
            }
            if (!parse_count(arg, an, conc ? 2 : 1, conc ? MAX_CONCURRENT : MAX_REPEAT, &v)) {
                parse_error(f, line, "expected '@%.*s N' with N from %d to %ld", (int)wn, w,
                            conc ? 2 : 1, conc ? MAX_CONCURRENT : MAX_REPEAT);
                goto cleanup;
            }
            times = v;
            concurrent = conc;
            pending = true;
            pending_line = line;
        } else if (wn == 4 && !memcmp(w, "skip", 4)) {
            skip = arena_strndup(&f->arena, arg, an);
            pending = true;
            pending_line = line;
        } else {
            parse_error(f, line, "unknown directive '@%.*s' (known: @set, @header, @repeat, "
                        "@concurrent, @skip)", (int)wn, w);
            goto cleanup;
        }
        i++;
    }
    if (pending) {
        parse_error(f, pending_line, "this directive is not followed by a case");
        goto cleanup;
    }
    rc = 0;

cleanup:
    free(L.s);
    free(text);
    return rc;
}

/* ---------------------------------------------------------------- matching */

typedef struct {
    Buf out;
    int count;
} Msgs;

__attribute__((format(printf, 2, 3)))
static void mismatch(Msgs *m, const char *fmt, ...)
{
    if (m->count++ >= MAX_MISMATCHES)
        return;
    va_list ap;
    va_start(ap, fmt);
    buf_puts(&m->out, "    mismatch  ");
    buf_vprintf(&m->out, fmt, ap);
    buf_putc(&m->out, '\n');
    va_end(ap);
}

/* A JSON value shortened for a message. */
static void show(char *out, size_t outsz, const json_t *v)
{
    if (!v) {
        snprintf(out, outsz, "(nothing)");
        return;
    }
    char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    if (!s)
        die_oom();
    if (strlen(s) >= outsz)
        snprintf(out, outsz, "%.*s...", (int)outsz - 4, s);
    else
        snprintf(out, outsz, "%s", s);
    free(s);
}

typedef struct {
    const Vars *vars;           /* committed variables */
    Vars *caps;                 /* captures made while matching this response */
    Msgs *msgs;
    bool partial;
    const char *who;            /* "" or "response #3: " */
    char path[512];
    size_t plen;
} Match;

static size_t path_push_key(Match *m, const char *key)
{
    size_t old = m->plen;
    bool plain = is_name_start(key[0]);
    for (const char *k = key; plain && *k; k++)
        plain = is_name_char(*k);
    int n = plain ? snprintf(m->path + old, sizeof m->path - old, ".%s", key)
                  : snprintf(m->path + old, sizeof m->path - old, "[\"%s\"]", key);
    m->plen = n < 0 || (size_t)n >= sizeof m->path - old ? sizeof m->path - 1 : old + (size_t)n;
    return old;
}

static size_t path_push_index(Match *m, size_t i)
{
    size_t old = m->plen;
    int n = snprintf(m->path + old, sizeof m->path - old, "[%zu]", i);
    m->plen = n < 0 || (size_t)n >= sizeof m->path - old ? sizeof m->path - 1 : old + (size_t)n;
    return old;
}

static void path_pop(Match *m, size_t old)
{
    m->plen = old;
    m->path[old] = '\0';
}

typedef struct {
    bool lit;
    char *text;                 /* literal text (owned) */
    size_t len;
    Matcher matcher;
    char name[MAX_NAME];        /* capture name, or "" */
} Tok;

typedef struct {
    Tok *t;
    size_t n, cap;
} Pattern;

static Tok *pattern_push(Pattern *p)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 8;
        p->t = xrealloc(p->t, p->cap * sizeof *p->t);
    }
    Tok *t = &p->t[p->n++];
    memset(t, 0, sizeof *t);
    return t;
}

static void pattern_lit(Pattern *p, const char *s, size_t n)
{
    if (n == 0)
        return;
    if (p->n && p->t[p->n - 1].lit) {           /* merge adjacent literals */
        Tok *t = &p->t[p->n - 1];
        t->text = xrealloc(t->text, t->len + n + 1);
        memcpy(t->text + t->len, s, n);
        t->len += n;
        t->text[t->len] = '\0';
        return;
    }
    Tok *t = pattern_push(p);
    t->lit = true;
    t->text = xstrndup(s, n);
    t->len = n;
}

static void pattern_free(Pattern *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->t[i].text);
    free(p->t);
    memset(p, 0, sizeof *p);
}

/* A template string into literals and matchers; variables become literal text. */
static int pattern_compile(Pattern *p, const char *s, const Vars *caps, const Vars *vars,
                           char *err, size_t errsz)
{
    while (*s) {
        const char *open = strstr(s, "{{");
        if (!open) {
            pattern_lit(p, s, strlen(s));
            break;
        }
        pattern_lit(p, s, (size_t)(open - s));
        Ph ph;
        int r = ph_parse(open, &ph, err, errsz);
        if (r < 0)
            return -1;
        if (r == 0) {
            pattern_lit(p, open, 2);
            s = open + 2;
            continue;
        }
        s = open + ph.len;
        if (ph.kind == PH_VAR) {
            const Var *v = lookup(caps, vars, ph.name);
            if (!v) {
                snprintf(err, errsz, "undefined variable '%s'", ph.name);
                return -1;
            }
            pattern_lit(p, v->text, strlen(v->text));
        } else if (ph.kind == PH_FILL) {
            snprintf(err, errsz, "%.*s only makes request bodies", (int)ph.len, open);
            return -1;
        } else if (ph.matcher == M_ABSENT) {
            snprintf(err, errsz, "{{absent}} must be a header's whole expected value");
            return -1;
        } else {
            Tok *t = pattern_push(p);
            t->matcher = ph.matcher;
            if (ph.kind == PH_CAPTURE)
                memcpy(t->name, ph.name, sizeof t->name);
        }
    }
    return 0;
}

typedef struct {
    size_t from, to;
} Span;

/* Backtracking match of tokens against s[pos..n); the shortest span wins for each matcher. */
static bool pattern_run(const Tok *t, size_t nt, const char *s, size_t n, size_t pos, Span *sp)
{
    if (nt == 0)
        return pos == n;
    if (t->lit)
        return n - pos >= t->len && memcmp(s + pos, t->text, t->len) == 0 &&
               pattern_run(t + 1, nt - 1, s, n, pos + t->len, sp + 1);
    for (size_t end = pos; end <= n; end++) {
        if (span_ok(t->matcher, s + pos, end - pos) &&
            pattern_run(t + 1, nt - 1, s, n, end, sp + 1)) {
            sp->from = pos;
            sp->to = end;
            return true;
        }
    }
    return false;
}

/* Matches a string (a header value or a JSON string) against a compiled pattern and records
 * its captures as text variables. */
static bool pattern_match(const Pattern *p, const char *s, size_t n, Vars *caps)
{
    Span *sp = xmalloc((p->n + 1) * sizeof *sp);
    bool ok = pattern_run(p->t, p->n, s, n, 0, sp);
    for (size_t i = 0; ok && i < p->n; i++) {
        if (!p->t[i].lit && p->t[i].name[0]) {
            char *v = xstrndup(s + sp[i].from, sp[i].to - sp[i].from);
            vars_put(caps, p->t[i].name, v, NULL);
            free(v);
        }
    }
    free(sp);
    return ok;
}

/* A variable compared with a whole JSON value: a captured JSON value must come back equal;
 * a text variable equals a string with that text or a value whose JSON is that text. */
static bool var_equals(const Var *v, const json_t *got)
{
    if (v->json)
        return json_equal((json_t *)v->json, (json_t *)got);
    if (json_is_string(got))
        return strcmp(json_string_value(got), v->text) == 0;
    char *t = json_text(got);
    bool eq = strcmp(t, v->text) == 0;
    free(t);
    return eq;
}

static void match_string(Match *m, const char *exp, const json_t *got)
{
    char err[256], g[SHOW_VALUE_CHARS];
    const char *where = m->path;
    Ph ph;
    int r = ph_parse(exp, &ph, err, sizeof err);
    if (r < 0) {
        mismatch(m->msgs, "%s%s: %s", m->who, where, err);
        return;
    }
    if (r == 1 && ph.len == strlen(exp)) {          /* the whole value is one placeholder */
        show(g, sizeof g, got);
        if (ph.kind == PH_VAR) {
            const Var *v = lookup(m->caps, m->vars, ph.name);
            if (!v)
                mismatch(m->msgs, "%s%s: undefined variable '%s'", m->who, where, ph.name);
            else if (!var_equals(v, got)) {
                char e[SHOW_VALUE_CHARS];
                if (v->json)
                    show(e, sizeof e, v->json);
                else
                    snprintf(e, sizeof e, "\"%s\"", v->text);
                mismatch(m->msgs, "%s%s: expected %s = %s, got %s", m->who, where, exp, e, g);
            }
            return;
        }
        if (ph.kind == PH_FILL) {
            mismatch(m->msgs, "%s%s: %s only makes request bodies", m->who, where, exp);
            return;
        }
        if (ph.matcher == M_ABSENT) {
            mismatch(m->msgs, "%s%s: {{absent}} is for headers", m->who, where);
            return;
        }
        if (!value_ok(ph.matcher, got)) {
            mismatch(m->msgs, "%s%s: expected %s, got %s", m->who, where,
                     matcher_names[ph.matcher], g);
            return;
        }
        if (ph.kind == PH_CAPTURE)
            vars_put(m->caps, ph.name, NULL, (json_t *)got);
        return;
    }
    Pattern p = {0};
    if (pattern_compile(&p, exp, m->caps, m->vars, err, sizeof err) < 0) {
        mismatch(m->msgs, "%s%s: %s", m->who, where, err);
    } else if (!json_is_string(got) ||
               !pattern_match(&p, json_string_value(got), json_string_length(got), m->caps)) {
        show(g, sizeof g, got);
        mismatch(m->msgs, "%s%s: expected \"%s\", got %s", m->who, where, exp, g);
    }
    pattern_free(&p);
}

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:  return "an object";
    case JSON_ARRAY:   return "an array";
    case JSON_STRING:  return "a string";
    case JSON_INTEGER:
    case JSON_REAL:    return "a number";
    case JSON_TRUE:
    case JSON_FALSE:   return "a boolean";
    default:           return "null";
    }
}

static void match_json(Match *m, const json_t *exp, const json_t *got)
{
    char e[SHOW_VALUE_CHARS], g[SHOW_VALUE_CHARS];
    const char *where = m->path;

    if (json_is_string(exp) && strstr(json_string_value(exp), "{{")) {
        match_string(m, json_string_value(exp), got);
        return;
    }
    if (json_typeof(exp) != json_typeof(got) && !(json_is_number(exp) && json_is_number(got)) &&
        !(json_is_boolean(exp) && json_is_boolean(got))) {
        show(e, sizeof e, exp);
        show(g, sizeof g, got);
        mismatch(m->msgs, "%s%s: expected %s %s, got %s %s", m->who, where, type_name(exp), e,
                 type_name(got), g);
        return;
    }
    if (json_is_object(exp)) {
        const char *key;
        json_t *ev;
        json_object_foreach((json_t *)exp, key, ev) {
            json_t *gv = json_object_get(got, key);
            size_t old = path_push_key(m, key);
            if (!gv) {
                show(e, sizeof e, ev);
                mismatch(m->msgs, "%s%s: missing (expected %s)", m->who, m->path, e);
            } else {
                match_json(m, ev, gv);
            }
            path_pop(m, old);
        }
        if (m->partial)
            return;
        json_t *gv;
        json_object_foreach((json_t *)got, key, gv) {
            if (json_object_get(exp, key))
                continue;
            size_t old = path_push_key(m, key);
            show(g, sizeof g, gv);
            mismatch(m->msgs, "%s%s: unexpected key (value %s)", m->who, m->path, g);
            path_pop(m, old);
        }
        return;
    }
    if (json_is_array(exp)) {
        size_t en = json_array_size(exp), gn = json_array_size(got);
        if (gn < en || (gn > en && !m->partial))
            mismatch(m->msgs, "%s%s: expected %zu element%s%s, got %zu", m->who, where, en,
                     en == 1 ? "" : "s", m->partial ? " or more" : "", gn);
        for (size_t i = 0; i < en && i < gn; i++) {
            size_t old = path_push_index(m, i);
            match_json(m, json_array_get(exp, i), json_array_get(got, i));
            path_pop(m, old);
        }
        return;
    }
    bool eq;
    if (json_is_integer(exp) && json_is_integer(got))
        eq = json_integer_value(exp) == json_integer_value(got);
    else if (json_is_number(exp))
        eq = json_number_value(exp) == json_number_value(got);
    else
        eq = json_equal((json_t *)exp, (json_t *)got);
    if (!eq) {
        show(e, sizeof e, exp);
        show(g, sizeof g, got);
        mismatch(m->msgs, "%s%s: expected %s, got %s", m->who, where, e, g);
    }
}

/* Expected headers: "Name: pattern"; the header matches when any of its values does. */
static void match_headers(const Expect *e, const HttpResult *res, const Vars *vars, Vars *caps,
                          Msgs *msgs, const char *who)
{
    char err[256];
    for (size_t i = 0; i < e->nheaders; i++) {
        const char *h = e->headers[i], *colon = strchr(h, ':');
        char name[256];
        snprintf(name, sizeof name, "%.*s", (int)(colon - h), h);
        const char *want = skip_ws(colon + 1);
        size_t found = 0;
        bool ok = false;
        if (strcmp(want, "{{absent}}") == 0) {
            const char *v = http_header(res, name);
            if (v)
                mismatch(msgs, "%sheader %s: expected absent, got \"%s\"", who, name, v);
            continue;
        }
        Pattern p = {0};
        if (pattern_compile(&p, want, caps, vars, err, sizeof err) < 0) {
            mismatch(msgs, "%sheader %s: %s", who, name, err);
            pattern_free(&p);
            continue;
        }
        const char *last = NULL;
        for (size_t j = 0; j < res->nheaders && !ok; j++) {
            if (strcasecmp(res->headers[j].name, name) != 0)
                continue;
            found++;
            last = res->headers[j].value;
            ok = pattern_match(&p, last, strlen(last), caps);
        }
        pattern_free(&p);
        if (!found)
            mismatch(msgs, "%sheader %s: missing (expected \"%s\")", who, name, want);
        else if (!ok)
            mismatch(msgs, "%sheader %s: expected \"%s\", got \"%s\"%s", who, name, want, last,
                     found > 1 ? " (and others)" : "");
    }
}

/* Checks one response against one expectation; captures go to caps. */
static void check_response(const Expect *e, const HttpResult *res, const Vars *vars, Vars *caps,
                           Msgs *msgs, const char *who)
{
    char err[256];
    match_headers(e, res, vars, caps, msgs, who);
    switch (e->mode) {
    case MODE_BYTES:
        return;
    case MODE_EMPTY:
        if (res->body_len)
            mismatch(msgs, "%sexpected an empty body, got %zu bytes", who, res->body_len);
        return;
    case MODE_TEXT: {
        if (!e->body)
            return;
        Buf b = {0};
        if (expand_text(&b, e->body, vars, X_TEXT, err, sizeof err) < 0) {
            mismatch(msgs, "%sexpected text: %s", who, err);
            buf_free(&b);
            return;
        }
        for (char *line = b.s, *next; line; line = next) {
            next = strchr(line, '\n');
            if (next)
                *next++ = '\0';
            if (!memmem(res->body, res->body_len, line, strlen(line)))
                mismatch(msgs, "%sbody does not contain \"%s\"", who, line);
        }
        buf_free(&b);
        return;
    }
    case MODE_JSON:
        break;
    }
    if (!e->body)
        return;
    Buf b = {0};
    json_t *exp = NULL;
    if (expand_json(&b, e->body, vars, J_EXPECT, err, sizeof err) < 0) {
        mismatch(msgs, "%sexpected body: %s", who, err);
        goto cleanup;
    }
    json_error_t je;
    exp = json_loads(buf_str(&b), JSON_DECODE_ANY, &je);
    if (!exp) {
        mismatch(msgs, "%sexpected body is not JSON once variables are in: %s", who, je.text);
        goto cleanup;
    }
    if (!res->json) {
        mismatch(msgs, "%s%s", who, res->body_len ? res->error : "body is empty, expected JSON");
        goto cleanup;
    }
    Match m = {.vars = vars, .caps = caps, .msgs = msgs, .partial = e->partial, .who = who,
               .path = "$", .plen = 1};
    match_json(&m, exp, res->json);

cleanup:
    json_decref(exp);
    buf_free(&b);
}

/* ---------------------------------------------------------------- running */

typedef struct {
    const char *base;
    const char *filter;
    bool verbose;
    const Vars *cli_vars;
    const char *run_id;
    int passed, failed, skipped;
    int selected;               /* cases matching --filter */
} Runner;

typedef struct {
    TFile *f;
    Vars vars;
    const char **dflt;          /* @header lines in force, "Name: value" templates */
    size_t ndflt;
    HttpClient *client;         /* keep-alive connection for sequential requests */
} FileRun;

typedef struct {
    const HttpRequest *req;
    HttpResult *res;
    pthread_mutex_t *mu;
    pthread_cond_t *cv;
    const bool *go;
} Worker;

static void *worker_main(void *arg)
{
    Worker *w = arg;
    HttpClient *client = http_client_new();
    pthread_mutex_lock(w->mu);
    while (!*w->go)
        pthread_cond_wait(w->cv, w->mu);
    pthread_mutex_unlock(w->mu);
    if (client)
        http_client_call(client, w->res, w->req);
    else
        snprintf(w->res->error, sizeof w->res->error, "cannot initialise libcurl");
    http_client_free(client);
    return NULL;
}

/* Sends the request c->times times, at once from as many threads when concurrent. */
static void send_all(FileRun *fr, const Case *c, const HttpRequest *req, HttpResult *res)
{
    if (!c->concurrent) {
        for (long i = 0; i < c->times; i++) {
            if (!fr->client)
                fr->client = http_client_new();
            if (!fr->client)
                snprintf(res[i].error, sizeof res[i].error, "cannot initialise libcurl");
            else
                http_client_call(fr->client, &res[i], req);
        }
        return;
    }
    pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
    pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
    bool go = false;
    pthread_t *tid = xmalloc((size_t)c->times * sizeof *tid);
    bool *started = xmalloc((size_t)c->times * sizeof *started);
    Worker *w = xmalloc((size_t)c->times * sizeof *w);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 256 * 1024);
    for (long i = 0; i < c->times; i++) {
        w[i] = (Worker){.req = req, .res = &res[i], .mu = &mu, .cv = &cv, .go = &go};
        started[i] = pthread_create(&tid[i], &attr, worker_main, &w[i]) == 0;
        if (!started[i])
            snprintf(res[i].error, sizeof res[i].error, "cannot start a thread");
    }
    pthread_attr_destroy(&attr);
    pthread_mutex_lock(&mu);
    go = true;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&mu);
    for (long i = 0; i < c->times; i++)
        if (started[i])
            pthread_join(tid[i], NULL);
    free(tid);
    free(started);
    free(w);
}

static void indent_block(Buf *out, const char *label, const char *text, size_t n, size_t max)
{
    bool binary = false;
    for (size_t i = 0; i < n && i < max; i++) {
        unsigned char ch = (unsigned char)text[i];
        if (ch < 0x20 && ch != '\n' && ch != '\r' && ch != '\t')
            binary = true;
    }
    buf_printf(out, "    %-9s ", label);
    if (binary) {
        buf_printf(out, "(%zu bytes of binary data)\n", n);
        return;
    }
    while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r'))
        n--;
    size_t shown = n < max ? n : max;
    for (size_t i = 0; i < shown; i++) {
        if (text[i] == '\r')
            continue;
        buf_putc(out, text[i]);
        if (text[i] == '\n')
            buf_puts(out, "              ");
    }
    if (shown < n)
        buf_printf(out, "... (%zu more bytes)", n - shown);
    buf_putc(out, '\n');
}

static void describe_request(Buf *out, const char *method, const char *path,
                             const char *const *hdrs, const char *body, size_t max)
{
    buf_printf(out, "    request   %s %s\n", method, path);
    for (size_t i = 0; hdrs && hdrs[i]; i++)
        buf_printf(out, "              %s\n", hdrs[i]);
    if (body)
        indent_block(out, "", body, strlen(body), max);
}

static void describe_expected(Buf *out, const Case *c)
{
    for (size_t i = 0; i < c->nex; i++) {
        const Expect *e = &c->ex[i];
        if (i > 0 && e->line == c->ex[i - 1].line)
            continue;                   /* "--- 200 x1, 412 x9" is one line */
        buf_printf(out, "    %-9s %s\n", i ? "" : "expected", e->spec);
        for (size_t h = 0; h < e->nheaders; h++)
            buf_printf(out, "              %s\n", e->headers[h]);
        if (e->body)
            indent_block(out, "", e->body, strlen(e->body), SIZE_MAX);
    }
}

static void describe_response(Buf *out, const char *label, const HttpResult *r, size_t max)
{
    if (!r->status) {
        buf_printf(out, "    %-9s no response: %s\n", label, r->error);
        return;
    }
    buf_printf(out, "    %-9s %ld (%ld ms)\n", label, r->status, r->elapsed_us / 1000);
    for (size_t i = 0; i < r->nheaders; i++)
        buf_printf(out, "              %s: %s\n", r->headers[i].name, r->headers[i].value);
    if (r->body_len)
        indent_block(out, "", r->body, r->body_len, max);
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

/* "200 x1, 412 x9" for what came back. */
static void status_multiset(Buf *out, const HttpResult *res, long n)
{
    long *st = xmalloc((size_t)n * sizeof *st);
    for (long i = 0; i < n; i++)
        st[i] = res[i].status;
    qsort(st, (size_t)n, sizeof *st, cmp_long);
    for (long i = 0; i < n;) {
        long j = i;
        while (j < n && st[j] == st[i])
            j++;
        if (st[i])
            buf_printf(out, "%s%ld x%ld", i ? ", " : "", st[i], j - i);
        else
            buf_printf(out, "%sno response x%ld", i ? ", " : "", j - i);
        i = j;
    }
    free(st);
}

static bool header_named(const char *line, const char *name_line)
{
    size_t a = header_name_len(line), b = header_name_len(name_line);
    return a == b && strncasecmp(line, name_line, a) == 0;
}

/* Runs one case; returns true when it passed. out receives the FAIL details. */
static bool run_case(Runner *r, FileRun *fr, const Case *c, Buf *out)
{
    char err[256];
    Buf path = {0}, body = {0};
    char **hdrs = NULL;
    size_t nh = 0;
    HttpResult *res = NULL;
    Msgs msgs = {0};
    bool json_body = true;
    long n = c->times;

    /* the request: @header defaults the case does not override, then the case's headers */
    hdrs = xmalloc((fr->ndflt + c->nheaders + 1) * sizeof *hdrs);
    for (size_t pass = 0; pass < 2; pass++) {
        const char **list = pass ? c->headers : fr->dflt;
        size_t count = pass ? c->nheaders : fr->ndflt;
        for (size_t i = 0; i < count; i++) {
            bool overridden = false;
            for (size_t j = 0; !pass && j < c->nheaders; j++)
                overridden |= header_named(list[i], c->headers[j]);
            if (overridden)
                continue;
            Buf h = {0};
            if (expand_text(&h, list[i], &fr->vars, X_HEADER, err, sizeof err) < 0) {
                buf_free(&h);
                mismatch(&msgs, "request header '%s': %s", list[i], err);
                goto report;
            }
            hdrs[nh++] = h.s;
            size_t nl = header_name_len(h.s);
            if (nl == 12 && strncasecmp(h.s, "Content-Type", 12) == 0 && !strstr(h.s, "json"))
                json_body = false;
        }
    }
    hdrs[nh] = NULL;
    if (expand_text(&path, c->path, &fr->vars, X_PATH, err, sizeof err) < 0) {
        mismatch(&msgs, "request path: %s", err);
        buf_free(&path);
        goto report;
    }
    if (c->body) {
        int rc = json_body ? expand_json(&body, c->body, &fr->vars, J_REQUEST, err, sizeof err)
                           : expand_text(&body, c->body, &fr->vars, X_TEXT, err, sizeof err);
        if (rc < 0) {
            mismatch(&msgs, "request body: %s", err);
            goto report;
        }
        if (!body.s)
            buf_add(&body, "", 0);
    }

    HttpRequest req = {
        .base = r->base, .method = c->method, .path = buf_str(&path),
        .headers = (const char *const *)hdrs, .body = c->body ? body.s : NULL,
        .body_len = body.len, .timeout_ms = HTTP_TIMEOUT_MS_DEFAULT, .max_body = MAX_BODY_BYTES,
    };
    res = calloc((size_t)c->times, sizeof *res);
    if (!res)
        die_oom();
    send_all(fr, c, &req, res);

    /* statuses */
    for (long i = 0; i < n && n == 1; i++)
        if (!res[i].status)
            mismatch(&msgs, "no response: %s", res[i].error);
    if (c->nex == 1 && c->ex[0].count == 0) {
        long bad = 0;
        for (long i = 0; i < n; i++)
            bad += res[i].status != c->ex[0].status;
        if (n == 1 && res[0].status && bad)
            mismatch(&msgs, "status: expected %d, got %ld", c->ex[0].status, res[0].status);
        else if (n > 1 && bad) {
            Buf ms = {0};
            status_multiset(&ms, res, n);
            mismatch(&msgs, "statuses: expected %d x%ld, got %s", c->ex[0].status, n,
                     buf_str(&ms));
            buf_free(&ms);
        }
    } else {
        bool ok = true;
        for (size_t k = 0; k < c->nex; k++) {
            long got = 0;
            for (long i = 0; i < n; i++)
                got += res[i].status == c->ex[k].status;
            ok &= got == c->ex[k].count;
        }
        if (!ok) {
            Buf want = {0}, ms = {0};
            for (size_t k = 0; k < c->nex; k++)
                buf_printf(&want, "%s%d x%ld", k ? ", " : "", c->ex[k].status, c->ex[k].count);
            status_multiset(&ms, res, n);
            mismatch(&msgs, "statuses: expected %s, got %s", buf_str(&want), buf_str(&ms));
            buf_free(&want);
            buf_free(&ms);
        }
    }

    /* headers and bodies: every response with an expected status is checked; the first
     * one's captures become variables */
    for (size_t k = 0; k < c->nex; k++) {
        const Expect *e = &c->ex[k];
        long first = -1;
        for (long i = 0; i < n; i++) {
            if (res[i].status != e->status)
                continue;
            char who[64] = "";
            if (n > 1)
                snprintf(who, sizeof who, "response #%ld: ", i + 1);
            Vars caps = {0};
            int before = msgs.count;
            check_response(e, &res[i], &fr->vars, &caps, &msgs, who);
            if (first < 0) {
                first = i;
                vars_merge(&fr->vars, &caps);
            } else if (e->same && (res[i].body_len != res[first].body_len ||
                                   memcmp(res[i].body, res[first].body, res[i].body_len))) {
                mismatch(&msgs, "%sbody differs from response #%ld's", who, first + 1);
            }
            vars_free(&caps);
            if (msgs.count > before && n > 1)
                break;                  /* one failing response of a kind says enough */
        }
    }

report:
    if (msgs.count > MAX_MISMATCHES)
        buf_printf(&msgs.out, "    mismatch  ... and %d more\n", msgs.count - MAX_MISMATCHES);
    bool passed = msgs.count == 0;
    if (!passed || r->verbose) {
        buf_puts(out, buf_str(&msgs.out));
        describe_request(out, c->method, path.s ? path.s : c->path, (const char *const *)hdrs,
                         c->body ? buf_str(&body) : NULL, r->verbose ? SIZE_MAX : 2048);
        if (c->times > 1)
            buf_printf(out, "    %-9s %s %ld times\n", "", c->concurrent ? "concurrently" :
                       "sequentially", c->times);
        describe_expected(out, c);
        if (res) {
            if (n > 1) {
                Buf ms = {0};
                status_multiset(&ms, res, n);
                buf_printf(out, "    got       %s\n", buf_str(&ms));
                buf_free(&ms);
            }
            long show_i = 0;
            for (long i = 0; i < n; i++) {          /* show an unexpected one if any */
                bool expected = false;
                for (size_t k = 0; k < c->nex; k++)
                    expected |= res[i].status == c->ex[k].status;
                if (!expected) {
                    show_i = i;
                    break;
                }
            }
            char label[32];
            snprintf(label, sizeof label, n > 1 ? "#%ld" : "got", show_i + 1);
            describe_response(out, label, &res[show_i], r->verbose ? SIZE_MAX : SHOW_BODY_BYTES);
        }
    }
    for (size_t i = 0; i < nh; i++)
        free(hdrs[i]);
    free(hdrs);
    for (long i = 0; res && i < c->times; i++)
        http_result_free(&res[i]);
    free(res);
    buf_free(&path);
    buf_free(&body);
    buf_free(&msgs.out);
    return passed;
}

static void run_file(Runner *r, TFile *f)
{
    FileRun fr = {.f = f};
    size_t last = 0;
    bool any = false;
    for (size_t i = 0; i < f->nsteps; i++) {
        if (f->steps[i].kind != STEP_CASE)
            continue;
        Case *c = f->steps[i].c;
        char full[512];
        snprintf(full, sizeof full, "%s/%s", f->stem, c->name);
        c->selected = !r->filter || strstr(full, r->filter);
        if (c->selected) {
            last = i;
            any = true;
            r->selected++;
        }
    }
    if (!any)
        return;

    vars_merge(&fr.vars, r->cli_vars);
    if (!vars_find(&fr.vars, "base"))
        vars_put(&fr.vars, "base", r->base, NULL);
    if (!vars_find(&fr.vars, "run_id"))
        vars_put(&fr.vars, "run_id", r->run_id, NULL);
    fr.dflt = xmalloc((f->nsteps + 1) * sizeof *fr.dflt);

    for (size_t i = 0; i <= last; i++) {
        const Step *st = &f->steps[i];
        char err[256];
        if (st->kind == STEP_SET) {
            Buf v = {0};
            if (expand_text(&v, st->value, &fr.vars, X_TEXT, err, sizeof err) < 0) {
                printf("FAIL %s:%d: @set %s: %s\n", f->path, st->line, st->name, err);
                r->failed++;
            } else {
                vars_put(&fr.vars, st->name, buf_str(&v), NULL);
            }
            buf_free(&v);
            continue;
        }
        if (st->kind == STEP_HEADER) {
            size_t k = 0;
            for (size_t j = 0; j < fr.ndflt; j++)       /* a new value replaces the old */
                if (!header_named(fr.dflt[j], st->value))
                    fr.dflt[k++] = fr.dflt[j];
            fr.ndflt = k;
            if (!is_blank(st->value + header_name_len(st->value) + 1))
                fr.dflt[fr.ndflt++] = st->value;
            continue;
        }
        const Case *c = st->c;
        if (c->skip) {
            if (c->selected) {
                printf("skip %s/%s%s%s\n", f->stem, c->name, *c->skip ? "  # " : "", c->skip);
                r->skipped++;
            }
            continue;
        }
        Buf out = {0};
        bool ok = run_case(r, &fr, c, &out);
        if (c->selected || !ok) {
            printf("%s %s/%s%s\n", ok ? "ok  " : "FAIL", f->stem, c->name,
                   c->selected ? "" : "  (run as setup for --filter)");
            if (!ok)
                printf("    at        %s:%d\n", f->path, c->line);
            fputs(buf_str(&out), stdout);
            if (ok)
                r->passed++;
            else
                r->failed++;
        }
        buf_free(&out);
        fflush(stdout);
    }
    http_client_free(fr.client);
    free(fr.dflt);
    vars_free(&fr.vars);
}

/* ---------------------------------------------------------------- main */

static void usage(FILE *fp)
{
    fputs("usage: api-tests --base URL [--filter SUBSTR] [--verbose] [--var NAME=VALUE]... "
          "FILE.t...\n"
          "  --base URL         the server under test, e.g. http://127.0.0.1:8080\n"
          "  --filter SUBSTR    run only cases whose name (file/case) contains SUBSTR;\n"
          "                     earlier cases of the same file still run, as setup\n"
          "  --verbose, -v      show every request and response\n"
          "  --var NAME=VALUE   seed a variable in every file (repeatable)\n"
          "The .t format is described in tests/api/README.md.\n", fp);
}

static void make_run_id(char *out, size_t outsz)
{
    unsigned char b[4] = {0};
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0 || read(fd, b, sizeof b) != (ssize_t)sizeof b) {
        unsigned long v = (unsigned long)time(NULL) ^ ((unsigned long)getpid() << 16);
        memcpy(b, &v, sizeof b);
    }
    if (fd >= 0)
        close(fd);
    snprintf(out, outsz, "%02x%02x%02x%02x", b[0], b[1], b[2], b[3]);
}

int main(int argc, char **argv)
{
    Runner r = {0};
    Vars cli = {0};
    TFile *files = NULL;
    size_t nfiles = 0;
    int rc = 2, parse_failed = 0;
    char run_id[16];

    files = calloc((size_t)argc, sizeof *files);
    if (!files)
        die_oom();
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--base") && i + 1 < argc) {
            r.base = argv[++i];
        } else if (!strcmp(a, "--filter") && i + 1 < argc) {
            r.filter = argv[++i];
        } else if (!strcmp(a, "--verbose") || !strcmp(a, "-v")) {
            r.verbose = true;
        } else if (!strcmp(a, "--var") && i + 1 < argc) {
            const char *v = argv[++i], *eq = strchr(v, '=');
            if (!eq || !valid_var_name(v, (size_t)(eq - v)) || reserved_name(v, (size_t)(eq - v))) {
                fprintf(stderr, "api-tests: --var wants NAME=VALUE with a plain name, got '%s'\n", v);
                goto cleanup;
            }
            char name[MAX_NAME];
            snprintf(name, sizeof name, "%.*s", (int)(eq - v), v);
            vars_put(&cli, name, eq + 1, NULL);
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            rc = 0;
            goto cleanup;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "api-tests: unknown or incomplete option '%s'\n", a);
            usage(stderr);
            goto cleanup;
        } else {
            files[nfiles++].path = a;
        }
    }
    if (!r.base || !nfiles) {
        usage(stderr);
        goto cleanup;
    }
    if (strncmp(r.base, "http://", 7) != 0 && strncmp(r.base, "https://", 8) != 0) {
        fprintf(stderr, "api-tests: --base must be an http:// or https:// URL\n");
        goto cleanup;
    }
    make_run_id(run_id, sizeof run_id);
    r.run_id = run_id;
    r.cli_vars = &cli;

    for (size_t i = 0; i < nfiles; i++) {
        if (parse_file(&files[i]) < 0) {
            fprintf(stderr, "%s\n", files[i].error);
            parse_failed++;
        }
    }
    if (parse_failed) {
        fprintf(stderr, "api-tests: %d file%s with errors; nothing was run\n", parse_failed,
                parse_failed == 1 ? "" : "s");
        goto cleanup;
    }
    for (size_t i = 0; i < nfiles; i++)
        run_file(&r, &files[i]);
    printf("%d passed, %d failed", r.passed, r.failed);
    if (r.skipped)
        printf(", %d skipped", r.skipped);
    printf("\n");
    rc = r.failed ? 1 : 0;
    if (r.filter && !r.selected)        /* not a failure: scripts/test filters every suite */
        fprintf(stderr, "api-tests: note: no case matches --filter '%s'\n", r.filter);

cleanup:
    for (size_t i = 0; i < nfiles; i++)
        arena_free(&files[i].arena);
    free(files);
    vars_free(&cli);
    http_global_cleanup();
    return rc;
}
