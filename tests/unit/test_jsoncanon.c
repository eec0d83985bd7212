/* tests/unit/test_jsoncanon.c — core/jsoncanon: json_canonical says true only for text that
 * jansson's parse-and-dump (JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY) gives back byte for
 * byte — the property the audit trail relies on when it copies a JSON column instead of
 * re-encoding it. Table-driven, then random documents and random mutations of them. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsoncanon.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* What jansson makes of s: its canonical dump, or NULL when it refuses s. */
static char *redump(const char *s)
{
    json_t *j = json_loadb(s, strlen(s), JSON_DECODE_ANY, NULL);
    char *out = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY) : NULL;
    json_decref(j);
    return out;
}

/* The property: canonical implies jansson gives the same bytes back. */
static void check(const char *s)
{
    if (!json_canonical(s, strlen(s)))
        return;
    char *d = redump(s);
    cr_assert_not_null(d, "json_canonical accepted what jansson refuses: %s", s);
    cr_assert_str_eq(d, s, "json_canonical accepted a text jansson writes otherwise");
    free(d);
}

Test(jsoncanon, canonical_text_is_what_jansson_dumps_and_nothing_else)
{
    static const struct {
        const char *text;
        bool canonical;
    } rows[] = {
        {"{}", true}, {"[]", true}, {"null", true}, {"true", true}, {"0", true}, {"-12", true},
        {"\"\"", true}, {"{\"a\":1,\"b\":[1,\"x\",null,{}]}", true},
        {"{\"kind\":\"fixed\",\"rate\":\"100.00\",\"sources\":3}", true},
        {"\"caf\xc3\xa9 \xe2\x82\xb9 \xf0\x9f\x98\x80\"", true},          /* UTF-8 is written as it is */
        {"\"q\\\" b\\\\ \\b\\f\\n\\r\\t \\u0001\\u001F \x7f\"", true},  /* jansson's escapes */
        {"{\"b\":1,\"a\":2}", false},                                      /* keys out of order */
        {"{\"a\":1,\"a\":2}", false},                                      /* a duplicate */
        {"{\"a\":1,\"ab\":2}", true}, {"{\"ab\":1,\"a\":2}", false},       /* a prefix sorts first */
        {"{ \"a\":1}", false}, {"[1, 2]", false}, {" 1", false},          /* whitespace */
        {"1.5", false}, {"1e3", false}, {"-0", false}, {"01", false}, {"+1", false},
        {"12345678901234567890", false},                                   /* beyond long long */
        {"\"\\/\"", false}, {"\"\\u0041\"", false}, {"\"\\u00e9\"", false}, {"\"\\u001f\"", false},
        {"\"\\u000A\"", false}, {"\"\\u0000\"", false},                   /* short forms, and NUL */
        {"\"\x01\"", false}, {"\"\xff\"", false}, {"\"\xed\xa0\x80\"", false},
        {"{\"\\n\":1}", false},                                            /* an escaped key */
        {"[1,]", false}, {"{\"a\"}", false}, {"tru", false}, {"nul", false}, {"[", false}, {"", false},
        {"{\"a\":1}x", false},
    };
    for (size_t i = 0; i < N(rows); i++) {
        cr_expect_eq(json_canonical(rows[i].text, strlen(rows[i].text)), rows[i].canonical, "%s", rows[i].text);
        check(rows[i].text);
        if (rows[i].canonical) {
            char *d = redump(rows[i].text);
            cr_expect_str_eq(d ? d : "(refused)", rows[i].text);
            free(d);
        }
    }
}

/* A random document: objects, arrays, strings with awkward bytes, integers. */
static json_t *random_doc(unsigned *seed, int depth)
{
    static const char *const words[] = {"a", "b", "ab", "kind", "rate", "\xc3\xa9t\xc3\xa9", "q\"x", "t\tab",
                                        "nl\n", "\x01", "\x7f", "/", ""};
    int k = depth > 3 ? rand_r(seed) % 4 : rand_r(seed) % 6;
    switch (k) {
    case 0: return json_integer((json_int_t)(rand_r(seed) % 2000001) - 1000000);
    case 1: return json_string(words[rand_r(seed) % N(words)]);
    case 2: return rand_r(seed) % 3 == 0 ? json_null() : json_boolean(rand_r(seed) % 2);
    case 3: return json_real(rand_r(seed) % 100 / 8.0);
    case 4: {
        json_t *a = json_array();
        for (int i = rand_r(seed) % 4; i > 0; i--)
            json_array_append_new(a, random_doc(seed, depth + 1));
        return a;
    }
    default: {
        json_t *o = json_object();
        for (int i = rand_r(seed) % 5; i > 0; i--)
            json_object_set_new(o, words[rand_r(seed) % N(words)], random_doc(seed, depth + 1));
        return o;
    }
    }
}

Test(jsoncanon, random_documents_and_their_mutations_never_fool_it)
{
    unsigned seed = 20261122;
    int canonical = 0;
    for (int i = 0; i < 3000; i++) {
        json_t *j = random_doc(&seed, 0);
        char *sorted = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
        char *unsorted = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
        char *spaced = json_dumps(j, JSON_INDENT(1) | JSON_ENCODE_ANY);
        json_decref(j);
        cr_assert_not_null(sorted);
        canonical += json_canonical(sorted, strlen(sorted));
        check(sorted);
        check(unsorted);
        check(spaced);
        /* mutations: a byte changed, dropped or repeated */
        size_t n = strlen(sorted);
        for (int m = 0; m < 8 && n > 0; m++) {
            char *x = malloc(n + 2);
            memcpy(x, sorted, n + 1);
            size_t at = (size_t)rand_r(&seed) % n;
            int how = rand_r(&seed) % 3;
            static const char bytes[] = "{}[]\":,\\0123456789-aeflnrstux \x01\x80\xff";
            if (how == 0)
                x[at] = bytes[rand_r(&seed) % (sizeof bytes - 1)];
            else if (how == 1)
                memmove(x + at, x + at + 1, n - at);
            else {
                memmove(x + at + 1, x + at, n - at + 1);
            }
            check(x);
            free(x);
        }
        free(sorted);
        free(unsorted);
        free(spaced);
    }
    cr_expect_gt(canonical, 1000, "most documents without reals are canonical (%d)", canonical);
}
