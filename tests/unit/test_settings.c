/* tests/unit/test_settings.c — domain/settings.c rules and values, and domain/seal.c sealing.
 * Table-driven: one row per case, each test named after the rule it checks. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <string.h>

#include "core/arena.h"
#include "domain/seal.h"
#include "domain/settings.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static json_t *J(const char *text)
{
    if (!text)
        return NULL;
    json_error_t je;
    json_t *j = json_loads(text, JSON_DECODE_ANY, &je);
    cr_assert_not_null(j, "bad test JSON %s: %s", text, je.text);
    return j;
}

typedef struct Case {
    const char *type;
    const char *rules;          /* JSON or NULL */
    const char *value;          /* JSON or NULL */
    ErrCode code;               /* ERR_OK: accepted */
    const char *field;
} Case;

static void run(const Case *rows, size_t n, bool rules_only)
{
    for (size_t i = 0; i < n; i++) {
        const Case *c = &rows[i];
        json_t *rules = J(c->rules), *value = J(c->value);
        Error e;
        err_clear(&e);
        int rc = settings_check_rules(c->type, rules, &e);
        if (rc == 0 && !rules_only)
            rc = settings_check_value(c->type, value, rules, &e);
        if (c->code == ERR_OK)
            cr_assert_eq(rc, 0, "row %zu (%s %s %s): refused: %s", i, c->type, c->rules ? c->rules : "-",
                         c->value ? c->value : "-", e.message);
        else {
            cr_assert_lt(rc, 0, "row %zu (%s %s %s): accepted", i, c->type, c->rules ? c->rules : "-",
                         c->value ? c->value : "-");
            cr_assert_eq(e.code, c->code, "row %zu: code %d, want %d (%s)", i, e.code, c->code, e.message);
            cr_assert_str_eq(e.field, c->field, "row %zu: field %s (%s)", i, e.field, e.message);
        }
        json_decref(rules);
        json_decref(value);
    }
}

Test(settings, rules_are_checked_for_the_type)
{
    static const Case rows[] = {
        {"string", NULL, NULL, ERR_OK, NULL},
        {"string", "{}", NULL, ERR_OK, NULL},
        {"string", "{\"min_length\": 1, \"max_length\": 10, \"pattern\": \"[a-z]+\", \"enum\": [\"a\"]}", NULL, ERR_OK, NULL},
        {"string", "[]", NULL, ERR_TYPE, "validation_rules"},
        {"string", "{\"min\": 1}", NULL, ERR_INVALID, "validation_rules"},
        {"string", "{\"min_length\": -1}", NULL, ERR_INVALID, "validation_rules"},
        {"string", "{\"min_length\": \"3\"}", NULL, ERR_INVALID, "validation_rules"},
        {"string", "{\"min_length\": 5, \"max_length\": 4}", NULL, ERR_INVALID, "validation_rules"},
        {"string", "{\"pattern\": \"(\"}", NULL, ERR_INVALID, "validation_rules"},
        {"string", "{\"pattern\": 5}", NULL, ERR_INVALID, "validation_rules"},
        {"string", "{\"enum\": []}", NULL, ERR_INVALID, "validation_rules"},
        {"string", "{\"enum\": [1]}", NULL, ERR_INVALID, "validation_rules"},
        {"secret", "{\"min_length\": 12, \"pattern\": \"[ -~]+\"}", NULL, ERR_OK, NULL},
        {"secret", "{\"enum\": [\"x\"]}", NULL, ERR_INVALID, "validation_rules"},
        {"int", "{\"min\": 0, \"max\": 10, \"enum\": [1, 2]}", NULL, ERR_OK, NULL},
        {"int", "{\"min\": \"0\"}", NULL, ERR_INVALID, "validation_rules"},
        {"int", "{\"min\": 10, \"max\": 0}", NULL, ERR_INVALID, "validation_rules"},
        {"int", "{\"enum\": [\"1\"]}", NULL, ERR_INVALID, "validation_rules"},
        {"int", "{\"scale\": 2}", NULL, ERR_INVALID, "validation_rules"},
        {"decimal", "{\"min\": \"0.01\", \"max\": \"99.99\", \"scale\": 2, \"enum\": [\"1.50\"]}", NULL, ERR_OK, NULL},
        {"decimal", "{\"min\": 0}", NULL, ERR_OK, NULL},
        {"decimal", "{\"min\": \"1e3\"}", NULL, ERR_INVALID, "validation_rules"},
        {"decimal", "{\"min\": \"2\", \"max\": \"1.99\"}", NULL, ERR_INVALID, "validation_rules"},
        {"decimal", "{\"scale\": 19}", NULL, ERR_INVALID, "validation_rules"},
        {"decimal", "{\"enum\": [1.5]}", NULL, ERR_INVALID, "validation_rules"},
        {"bool", "{\"enum\": [true]}", NULL, ERR_INVALID, "validation_rules"},
        {"json", "{\"pattern\": \"x\"}", NULL, ERR_INVALID, "validation_rules"},
        {"json", "null", NULL, ERR_OK, NULL},
        {"text", NULL, NULL, ERR_INVALID, "setting_type"},
    };
    run(rows, N(rows), true);
}

Test(settings, values_are_checked_against_type_and_rules)
{
    static const Case rows[] = {
        /* null means "not set" and is always allowed */
        {"int", "{\"min\": 5}", "null", ERR_OK, NULL},
        {"string", NULL, "\"x\"", ERR_OK, NULL},
        {"string", NULL, "1", ERR_TYPE, "setting_value"},
        {"string", "{\"min_length\": 2}", "\"é\"", ERR_RANGE, "setting_value"},     /* characters, not bytes */
        {"string", "{\"max_length\": 2}", "\"éé\"", ERR_OK, NULL},
        {"string", "{\"max_length\": 2}", "\"abc\"", ERR_RANGE, "setting_value"},
        {"string", "{\"pattern\": \"[A-Z]{3}\"}", "\"INV\"", ERR_OK, NULL},
        {"string", "{\"pattern\": \"[A-Z]{3}\"}", "\"INVX\"", ERR_INVALID, "setting_value"},  /* whole value */
        {"string", "{\"pattern\": \"[A-Z]{3}\"}", "\"xINV\"", ERR_INVALID, "setting_value"},
        {"string", "{\"pattern\": \"a|b\"}", "\"ab\"", ERR_INVALID, "setting_value"},       /* ^(a|b)$ */
        {"string", "{\"enum\": [\"A4\", \"A5\"]}", "\"A5\"", ERR_OK, NULL},
        {"string", "{\"enum\": [\"A4\", \"A5\"]}", "\"a4\"", ERR_INVALID, "setting_value"},
        {"secret", "{\"min_length\": 8}", "\"hunter22\"", ERR_OK, NULL},
        {"secret", "{\"min_length\": 8}", "\"hunter2\"", ERR_RANGE, "setting_value"},
        {"secret", NULL, "true", ERR_TYPE, "setting_value"},
        {"int", "{\"min\": 0, \"max\": 365}", "0", ERR_OK, NULL},
        {"int", "{\"min\": 0, \"max\": 365}", "365", ERR_OK, NULL},
        {"int", "{\"min\": 0, \"max\": 365}", "366", ERR_RANGE, "setting_value"},
        {"int", "{\"min\": 0, \"max\": 365}", "-1", ERR_RANGE, "setting_value"},
        {"int", NULL, "1.5", ERR_TYPE, "setting_value"},
        {"int", NULL, "\"1\"", ERR_TYPE, "setting_value"},
        {"int", "{\"enum\": [7, 14]}", "14", ERR_OK, NULL},
        {"int", "{\"enum\": [7, 14]}", "15", ERR_INVALID, "setting_value"},
        {"decimal", NULL, "\"12.50\"", ERR_OK, NULL},
        {"decimal", NULL, "12.5", ERR_TYPE, "setting_value"},
        {"decimal", NULL, "\"12,50\"", ERR_INVALID, "setting_value"},
        {"decimal", "{\"scale\": 2}", "\"1.505\"", ERR_PRECISION, "setting_value"},
        {"decimal", "{\"min\": \"0.01\"}", "\"0.00\"", ERR_RANGE, "setting_value"},
        {"decimal", "{\"max\": \"99.99\"}", "\"99.990\"", ERR_OK, NULL},
        {"decimal", "{\"max\": \"99.99\"}", "\"100\"", ERR_RANGE, "setting_value"},
        {"decimal", "{\"enum\": [\"1.5\"]}", "\"1.50\"", ERR_OK, NULL},                      /* equal by value */
        {"decimal", "{\"enum\": [\"1.5\"]}", "\"1.51\"", ERR_INVALID, "setting_value"},
        {"bool", NULL, "false", ERR_OK, NULL},
        {"bool", NULL, "0", ERR_TYPE, "setting_value"},
        {"json", NULL, "{\"a\": [1, {\"b\": null}]}", ERR_OK, NULL},
        {"json", NULL, "\"text is JSON too\"", ERR_OK, NULL},
    };
    run(rows, N(rows), false);
}

static const unsigned char key1[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                                       17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};
static const unsigned char key2[32] = {9};

Test(seal, a_sealed_value_opens_with_its_key_and_context_only)
{
    Arena a;
    arena_init(&a, 0);
    Error e;
    char *sealed = NULL, *plain = NULL;
    size_t len = 0;
    seal_set_key(key1);
    cr_assert(seal_available());
    cr_assert_eq(seal_encrypt(&a, "system_settings/t1/smtp.password", "hunter2", 7, &sealed, &e), 0);
    cr_assert(strncmp(sealed, "v1.", 3) == 0 && sealed[11] == '.', "format: %s", sealed);
    cr_assert_null(strstr(sealed, "hunter2"));
    cr_assert_eq(seal_decrypt(&a, "system_settings/t1/smtp.password", sealed, &plain, &len, &e), 0, "%s", e.message);
    cr_assert_eq(len, 7);
    cr_assert_str_eq(plain, "hunter2");
    /* another row or another tenant: the subkey differs, the MAC fails */
    static const char *const others[] = {"system_settings/t1/other.key", "system_settings/t2/smtp.password", ""};
    for (size_t i = 0; i < N(others); i++) {
        cr_assert_lt(seal_decrypt(&a, others[i], sealed, &plain, &len, &e), 0, "opened under context %s", others[i]);
        cr_assert_eq(e.code, ERR_STATE);
    }
    /* a flipped character anywhere in the sealed part */
    char *bad = arena_strdup(&a, sealed);
    size_t n = strlen(bad);
    bad[n - 5] = bad[n - 5] == 'A' ? 'B' : 'A';
    cr_assert_lt(seal_decrypt(&a, "system_settings/t1/smtp.password", bad, &plain, &len, &e), 0);
    cr_assert_eq(e.code, ERR_STATE);
    /* truncated, or not a sealed text at all */
    static const char *const junk[] = {"v1.", "v1.12345678.", "plain text", "v2.00000000.AAAA"};
    for (size_t i = 0; i < N(junk); i++)
        cr_assert_lt(seal_decrypt(&a, "c", junk[i], &plain, &len, &e), 0, "opened %s", junk[i]);
    /* another key: named as a server-setup problem */
    seal_set_key(key2);
    cr_assert_lt(seal_decrypt(&a, "system_settings/t1/smtp.password", sealed, &plain, &len, &e), 0);
    cr_assert_eq(e.code, ERR_UNAVAILABLE);
    seal_set_key(NULL);
    arena_free(&a);
}

Test(seal, the_same_value_seals_differently_each_time)
{
    Arena a;
    arena_init(&a, 0);
    Error e;
    char *s1 = NULL, *s2 = NULL;
    seal_set_key(key1);
    cr_assert_eq(seal_encrypt(&a, "c", "same", 4, &s1, &e), 0);
    cr_assert_eq(seal_encrypt(&a, "c", "same", 4, &s2, &e), 0);
    cr_assert_str_neq(s1, s2, "a fresh nonce per seal");
    seal_set_key(NULL);
    arena_free(&a);
}

Test(seal, without_a_key_nothing_is_sealed)
{
    Arena a;
    arena_init(&a, 0);
    Error e;
    char *s = NULL;
    seal_set_key(NULL);
    cr_assert_not(seal_available());
    cr_assert_lt(seal_encrypt(&a, "c", "x", 1, &s, &e), 0);
    cr_assert_eq(e.code, ERR_UNAVAILABLE);
    cr_assert_str_eq(e.hint, "start the server with REMIT_SETTINGS_KEY set to 64 hex characters (32 random bytes)");
    cr_assert_null(s);
    arena_free(&a);
}

Test(seal, the_key_comes_from_the_environment_and_a_malformed_one_is_ignored)
{
    static const struct { const char *env; bool ok; } rows[] = {
        {"0000000000000000000000000000000000000000000000000000000000000005", true},
        {"ABCDEFabcdef0123456789abcdef0123456789abcdef0123456789abcdef0123", true},
        {"00000000000000000000000000000000000000000000000000000000000005", false},   /* 62 */
        {"zz00000000000000000000000000000000000000000000000000000000000005", false},
        {"", false},
    };
    for (size_t i = 0; i < N(rows); i++) {
        setenv("REMIT_SETTINGS_KEY", rows[i].env, 1);
        seal_init();
        cr_assert_eq(seal_available(), rows[i].ok, "row %zu: %s", i, rows[i].env);
    }
    unsetenv("REMIT_SETTINGS_KEY");
    seal_init();
    cr_assert_not(seal_available());
}
