/* core/jsoncanon.c — canonical JSON text; see jsoncanon.h. A recursive-descent scanner that
 * accepts a subset of what jansson would produce, never more. */
#include "core/jsoncanon.h"

#include <string.h>

#include "core/utf8.h"

enum { MAX_DEPTH = 64, MAX_DIGITS = 18 };   /* 18 digits always fit a long long */

typedef struct Scan {
    const char *p, *end;
} Scan;

static bool value(Scan *s, int depth);

/* A string as jansson writes it; *raw says whether it had no escape (its bytes are its value). */
static bool string(Scan *s, const char **start, size_t *len, bool *raw)
{
    if (s->p >= s->end || *s->p != '"')
        return false;
    const char *b = ++s->p;
    *raw = true;
    for (;;) {
        if (s->p >= s->end)
            return false;
        unsigned char c = (unsigned char)*s->p;
        if (c == '"')
            break;
        if (c < 0x20)
            return false;   /* jansson refuses raw control characters */
        if (c != '\\') {
            s->p++;
            continue;
        }
        *raw = false;
        if (s->end - s->p < 2)
            return false;
        char e = s->p[1];
        if (e == '"' || e == '\\' || e == 'b' || e == 'f' || e == 'n' || e == 'r' || e == 't') {
            s->p += 2;
            continue;
        }
        /* jansson writes \u00XX (upper-case hex) only for the other control characters */
        if (e != 'u' || s->end - s->p < 6 || s->p[2] != '0' || s->p[3] != '0')
            return false;
        char h = s->p[4], l = s->p[5];
        int v;
        if (h != '0' && h != '1')
            return false;
        if (l >= '0' && l <= '9')
            v = l - '0';
        else if (l >= 'A' && l <= 'F')
            v = l - 'A' + 10;
        else
            return false;
        v += (h - '0') * 16;
        if (v == 0 || v == '\b' || v == '\t' || v == '\n' || v == '\f' || v == '\r')
            return false;   /* U+0000 is refused; the others have a short form */
        s->p += 6;
    }
    *start = b;
    *len = (size_t)(s->p - b);
    s->p++;
    return utf8_valid(b, *len);
}

static bool number(Scan *s)
{
    const char *b = s->p;
    if (s->p < s->end && *s->p == '-')
        s->p++;
    const char *d = s->p;
    while (s->p < s->end && *s->p >= '0' && *s->p <= '9')
        s->p++;
    size_t nd = (size_t)(s->p - d);
    if (nd == 0 || nd > MAX_DIGITS || (nd > 1 && *d == '0'))
        return false;
    if (nd == 1 && *d == '0' && d != b)
        return false;   /* "-0" is dumped as 0 */
    if (s->p < s->end && (*s->p == '.' || *s->p == 'e' || *s->p == 'E'))
        return false;   /* a real: its printed form is jansson's business */
    return true;
}

static bool literal(Scan *s, const char *w)
{
    size_t n = strlen(w);
    if ((size_t)(s->end - s->p) < n || memcmp(s->p, w, n) != 0)
        return false;
    s->p += n;
    return true;
}

static bool object(Scan *s, int depth)
{
    s->p++;   /* '{' */
    if (s->p < s->end && *s->p == '}') {
        s->p++;
        return true;
    }
    const char *prev = NULL;
    size_t prevlen = 0;
    for (;;) {
        const char *k;
        size_t klen;
        bool raw;
        if (!string(s, &k, &klen, &raw) || !raw)
            return false;   /* an escaped key: its sort order is not its text's */
        if (prev) {
            size_t m = prevlen < klen ? prevlen : klen;
            int c = memcmp(prev, k, m);
            if (c > 0 || (c == 0 && prevlen >= klen))
                return false;   /* out of order, or a duplicate */
        }
        prev = k;
        prevlen = klen;
        if (s->p >= s->end || *s->p != ':')
            return false;
        s->p++;
        if (!value(s, depth + 1))
            return false;
        if (s->p < s->end && *s->p == ',') {
            s->p++;
            continue;
        }
        if (s->p < s->end && *s->p == '}') {
            s->p++;
            return true;
        }
        return false;
    }
}

static bool array(Scan *s, int depth)
{
    s->p++;   /* '[' */
    if (s->p < s->end && *s->p == ']') {
        s->p++;
        return true;
    }
    for (;;) {
        if (!value(s, depth + 1))
            return false;
        if (s->p < s->end && *s->p == ',') {
            s->p++;
            continue;
        }
        if (s->p < s->end && *s->p == ']') {
            s->p++;
            return true;
        }
        return false;
    }
}

static bool value(Scan *s, int depth)
{
    if (depth > MAX_DEPTH || s->p >= s->end)
        return false;
    switch (*s->p) {
    case '{': return object(s, depth);
    case '[': return array(s, depth);
    case '"': {
        const char *b;
        size_t n;
        bool raw;
        return string(s, &b, &n, &raw);
    }
    case 't': return literal(s, "true");
    case 'f': return literal(s, "false");
    case 'n': return literal(s, "null");
    default: return number(s);
    }
}

bool json_canonical(const char *s, size_t n)
{
    if (!s)
        return false;
    Scan sc = {s, s + n};
    return value(&sc, 0) && sc.p == sc.end;
}
