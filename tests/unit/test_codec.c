/* tests/unit/test_codec.c — model/codec: JSON input to rows with the registry's validation
 * (each refusal names its field and says what was wrong), defaults, rows to JSON (secret and
 * internal fields never leave), and query-string text to values. Table-driven over
 * unit_things (tests/unit/unit_resources.c), which has a field of every type and flag.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "model/codec.h"
#include "tests/unit/unit_db.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static Arena arena;
static Ctx ctx;
static const Table *things;

static void setup(void)
{
    Error e;
    cr_assert_eq(registry_init(&e), 0, "%s", e.message);
    arena_init(&arena, 0);
    memset(&ctx, 0, sizeof ctx);
    ctx.arena = &arena;
    ctx.currency = "INR";
    things = registry_find("unit_things");
    cr_assert_not_null(things);
}

static void teardown(void)
{
    arena_free(&arena);
}

TestSuite(codec, .init = setup, .fini = teardown);

/* A stored value as text: ints as digits, booleans as true/false, NULL as "null". */
static const char *show(Value v)
{
    static char buf[256];
    switch (v.kind) {
    case V_NULL: return "null";
    case V_BOOL: return v.i ? "true" : "false";
    case V_INT: snprintf(buf, sizeof buf, "%lld", (long long)v.i); return buf;
    default: snprintf(buf, sizeof buf, "%.*s", (int)v.len, v.s); return buf;
    }
}

typedef struct Case {
    const char *body;
    ErrCode code;          /* ERR_OK: accepted */
    const char *field;     /* the column checked (accepted) or named (refused) */
    const char *stored;    /* accepted: the stored value as show() writes it */
} Case;

static void run_cases(const Case *rows, size_t n, bool update)
{
    for (size_t i = 0; i < n; i++) {
        Row row;
        cr_assert_eq(row_init(&row, &ctx, things), 0);
        json_t *body = udb_json(rows[i].body);
        Error e;
        err_clear(&e);
        int rc = codec_from_json(&ctx, things, body, &row, update, &e);
        json_decref(body);
        if (rows[i].code == ERR_OK) {
            cr_expect_eq(rc, 0, "%s: refused: %s (%s)", rows[i].body, e.message, e.field);
            if (rc == 0 && rows[i].field) {
                int c = table_col(things, rows[i].field);
                cr_expect_str_eq(show(row.v[c]), rows[i].stored, "%s: %s", rows[i].body, rows[i].field);
                cr_expect(row.set[c], "%s: %s not marked set", rows[i].body, rows[i].field);
            }
        } else {
            cr_expect_eq(rc, -(int)rows[i].code, "%s: expected %s, got %d (%s)", rows[i].body, err_name(rows[i].code),
                         rc, e.message);
            cr_expect_eq(e.code, rows[i].code, "%s", rows[i].body);
            cr_expect_str_eq(e.field, rows[i].field ? rows[i].field : "", "%s: the error names the field", rows[i].body);
            cr_expect_neq(e.message[0], '\0', "%s: a message", rows[i].body);
            size_t ml = strlen(e.message);
            cr_expect(ml == 0 || e.message[ml - 1] != '.', "%s: messages end without a period", rows[i].body);
        }
    }
}

Test(codec, text_is_limited_in_characters_not_bytes_and_must_be_a_string)
{
    static const Case rows[] = {
        {"{\"label\": \"abcde\"}", ERR_OK, "label", "abcde"},
        {"{\"label\": \"\"}", ERR_OK, "label", ""},
        {"{\"label\": \"\\u00c5\\u00c5\\u00c5\\u00c5\\u00c5\"}", ERR_OK, "label", "ÅÅÅÅÅ"},
        {"{\"label\": \"₹₹₹₹₹\"}", ERR_OK, "label", "₹₹₹₹₹"},
        {"{\"label\": \"abcdef\"}", ERR_RANGE, "label", NULL},
        {"{\"label\": \"ÅÅÅÅÅÅ\"}", ERR_RANGE, "label", NULL},
        {"{\"label\": 5}", ERR_TYPE, "label", NULL},
        {"{\"label\": true}", ERR_TYPE, "label", NULL},
        {"{\"label\": [\"a\"]}", ERR_TYPE, "label", NULL},
        {"{\"label\": null}", ERR_REQUIRED, "label", NULL},
        {"{\"quote\": null}", ERR_OK, "quote", "null"},
    };
    run_cases(rows, N(rows), false);
}

Test(codec, emails_are_checked_and_lower_cased)
{
    static const Case rows[] = {
        {"{\"mail\": \"A.B@Example.COM\"}", ERR_OK, "mail", "a.b@example.com"},
        {"{\"mail\": \"x+tag@sub.example.in\"}", ERR_OK, "mail", "x+tag@sub.example.in"},
        {"{\"mail\": \"a@b\"}", ERR_INVALID, "mail", NULL},
        {"{\"mail\": \"a@@b.co\"}", ERR_INVALID, "mail", NULL},
        {"{\"mail\": \"@b.co\"}", ERR_INVALID, "mail", NULL},
        {"{\"mail\": \"a@b.co.\"}", ERR_INVALID, "mail", NULL},
        {"{\"mail\": \"a b@c.co\"}", ERR_INVALID, "mail", NULL},
        {"{\"mail\": \"<a@b.co>\"}", ERR_INVALID, "mail", NULL},
        {"{\"mail\": \"\"}", ERR_INVALID, "mail", NULL},
        {"{\"mail\": 7}", ERR_TYPE, "mail", NULL},
    };
    run_cases(rows, N(rows), false);
}

Test(codec, enums_booleans_and_integers_are_strict)
{
    static const Case rows[] = {
        {"{\"size\": \"s\"}", ERR_OK, "size", "s"},
        {"{\"size\": \"xl\"}", ERR_INVALID, "size", NULL},
        {"{\"size\": \"S\"}", ERR_INVALID, "size", NULL},
        {"{\"flag\": true}", ERR_OK, "flag", "true"},
        {"{\"flag\": false}", ERR_OK, "flag", "false"},
        {"{\"flag\": \"true\"}", ERR_TYPE, "flag", NULL},
        {"{\"flag\": 1}", ERR_TYPE, "flag", NULL},
        {"{\"count\": -5}", ERR_OK, "count", "-5"},
        {"{\"count\": 5}", ERR_OK, "count", "5"},
        {"{\"count\": 6}", ERR_RANGE, "count", NULL},
        {"{\"count\": -6}", ERR_RANGE, "count", NULL},
        {"{\"count\": 1.0}", ERR_TYPE, "count", NULL},
        {"{\"count\": \"1\"}", ERR_TYPE, "count", NULL},
        {"{\"stock\": 0}", ERR_OK, "stock", "0"},
        {"{\"stock\": 9223372036854775807}", ERR_OK, "stock", "9223372036854775807"},
        {"{\"stock\": -1}", ERR_RANGE, "stock", NULL},
    };
    run_cases(rows, N(rows), false);
}

Test(codec, decimals_are_strings_at_most_their_scale_and_never_rounded)
{
    static const Case rows[] = {
        {"{\"rate\": \"1.234\"}", ERR_OK, "rate", "1234"},
        {"{\"rate\": \"1.230\"}", ERR_OK, "rate", "1230"},
        {"{\"rate\": \"7\"}", ERR_OK, "rate", "7000"},
        {"{\"rate\": \"0.001\"}", ERR_OK, "rate", "1"},
        {"{\"rate\": \"-0\"}", ERR_OK, "rate", "0"},
        {"{\"rate\": \"1.2345\"}", ERR_PRECISION, "rate", NULL},
        {"{\"rate\": \"1.2340\"}", ERR_PRECISION, "rate", NULL},
        {"{\"rate\": \"-0.001\"}", ERR_RANGE, "rate", NULL},
        {"{\"rate\": \"9223372036854775.807\"}", ERR_OK, "rate", "9223372036854775807"},
        {"{\"rate\": \"9223372036854775.808\"}", ERR_RANGE, "rate", NULL},
        {"{\"rate\": 1.5}", ERR_TYPE, "rate", NULL},
        {"{\"rate\": 2}", ERR_TYPE, "rate", NULL},
        {"{\"rate\": \"abc\"}", ERR_INVALID, "rate", NULL},
        {"{\"rate\": \"1e3\"}", ERR_INVALID, "rate", NULL},
        {"{\"rate\": \" 1\"}", ERR_INVALID, "rate", NULL},
    };
    run_cases(rows, N(rows), false);
}

Test(codec, money_is_parsed_in_the_currency_of_the_row_given_in_any_key_order)
{
    static const Case rows[] = {
        {"{\"price\": \"12.5\"}", ERR_OK, "price", "1250"},            /* no currency: the tenant's INR */
        {"{\"price\": \"1.005\"}", ERR_PRECISION, "price", NULL},
        {"{\"cur\": \"JPY\", \"price\": \"100\"}", ERR_OK, "price", "100"},
        {"{\"price\": \"100\", \"cur\": \"JPY\"}", ERR_OK, "price", "100"},
        {"{\"price\": \"1.5\", \"cur\": \"JPY\"}", ERR_PRECISION, "price", NULL},
        {"{\"cur\": \"KWD\", \"price\": \"1.005\"}", ERR_OK, "price", "1005"},
        {"{\"cur\": \"KWD\", \"price\": \"1.0005\"}", ERR_PRECISION, "price", NULL},
        {"{\"cur\": \"XQQ\", \"price\": \"1\"}", ERR_INVALID, "price", NULL},
        {"{\"price\": \"-3.10\"}", ERR_OK, "price", "-310"},
        {"{\"price\": 3.1}", ERR_TYPE, "price", NULL},
        {"{\"fee\": \"2.50\"}", ERR_OK, "fee", "250"},
        {"{\"fee\": \"92233720368547758.07\"}", ERR_OK, "fee", "9223372036854775807"},
        {"{\"fee\": \"92233720368547758.08\"}", ERR_RANGE, "fee", NULL},
    };
    run_cases(rows, N(rows), false);
}

Test(codec, dates_timestamps_json_and_ids_are_normalised)
{
    static const Case rows[] = {
        {"{\"day\": \"2024-02-29\"}", ERR_OK, "day", "2024-02-29"},
        {"{\"day\": \"2023-02-29\"}", ERR_INVALID, "day", NULL},
        {"{\"day\": \"2024-2-1\"}", ERR_INVALID, "day", NULL},
        {"{\"day\": \"2024-02-01T00:00:00Z\"}", ERR_INVALID, "day", NULL},
        {"{\"at\": \"2026-11-21T15:30:00+05:30\"}", ERR_OK, "at", "2026-11-21T10:00:00.000000Z"},
        {"{\"at\": \"2026-11-21T10:00:00.5Z\"}", ERR_OK, "at", "2026-11-21T10:00:00.500000Z"},
        {"{\"at\": \"2026-11-21T10:00:00.1234567Z\"}", ERR_PRECISION, "at", NULL},
        {"{\"at\": \"2026-11-21\"}", ERR_INVALID, "at", NULL},
        {"{\"meta\": {\"b\": 1, \"a\": [1, 2]}}", ERR_OK, "meta", "{\"b\":1,\"a\":[1,2]}"},
        {"{\"meta\": \"text\"}", ERR_OK, "meta", "\"text\""},
        {"{\"meta\": 3}", ERR_OK, "meta", "3"},
        {"{\"customer_id\": \"01890000-0000-7000-8000-0000000000AA\"}", ERR_OK, "customer_id",
         "01890000-0000-7000-8000-0000000000aa"},
        {"{\"customer_id\": \"nope\"}", ERR_INVALID, "customer_id", NULL},
        {"{\"customer_id\": \"018900000000700080000000000000aa\"}", ERR_INVALID, "customer_id", NULL},
        {"{\"ext_id\": \"01890000-0000-7000-8000-0000000000aa\"}", ERR_OK, "ext_id",
         "01890000-0000-7000-8000-0000000000aa"},
    };
    run_cases(rows, N(rows), false);
}

Test(codec, unknown_read_only_and_internal_fields_are_refused_by_name)
{
    static const Case rows[] = {
        {"{\"bogus\": 1}", ERR_UNKNOWN_FIELD, "bogus", NULL},
        {"{\"label\": \"a\", \"Label\": \"b\"}", ERR_UNKNOWN_FIELD, "Label", NULL},
        {"{\"id\": \"01890000-0000-7000-8000-0000000000aa\"}", ERR_READONLY, "id", NULL},
        {"{\"version\": 2}", ERR_READONLY, "version", NULL},
        {"{\"created_at\": \"2026-01-01T00:00:00Z\"}", ERR_READONLY, "created_at", NULL},
        {"{\"created_by\": null}", ERR_READONLY, "created_by", NULL},
        {"{\"computed\": 1}", ERR_READONLY, "computed", NULL},
        {"{\"secret\": \"s3cr3t\"}", ERR_OK, "secret", "s3cr3t"},
        {"{\"frozen\": \"once\"}", ERR_OK, "frozen", "once"},
    };
    run_cases(rows, N(rows), false);
}

Test(codec, an_immutable_field_cannot_change_on_update)
{
    static const Case rows[] = {
        {"{\"frozen\": \"twice\"}", ERR_READONLY, "frozen", NULL},
        {"{\"label\": \"ok\"}", ERR_OK, "label", "ok"},
    };
    run_cases(rows, N(rows), true);
}

Test(codec, a_deleted_at_column_is_not_part_of_the_api)
{
    const Table *cu = registry_find("customers");
    Row row;
    row_init(&row, &ctx, cu);
    json_t *body = udb_json("{\"deleted_at\": \"2026-01-01T00:00:00Z\"}");
    Error e;
    cr_expect_eq(codec_from_json(&ctx, cu, body, &row, false, &e), -ERR_UNKNOWN_FIELD);
    cr_expect_str_eq(e.field, "deleted_at");
    json_decref(body);
}

Test(codec, a_body_must_be_an_object)
{
    static const char *const bodies[] = {"[]", "\"x\"", "3", "null"};
    for (size_t i = 0; i < N(bodies); i++) {
        Row row;
        row_init(&row, &ctx, things);
        json_t *b = udb_json(bodies[i]);
        Error e;
        cr_expect_eq(codec_from_json(&ctx, things, b, &row, false, &e), -ERR_TYPE, "%s", bodies[i]);
        json_decref(b);
    }
}

static int take_extra(Ctx *c, const Table *t, Row *row, const char *key, json_t *value, Error *err)
{
    if (strcmp(key, "lines") == 0)
        return 1;
    if (strcmp(key, "bad_lines") == 0)
        return err_set(err, ERR_INVALID, "bad_lines[0].qty", "bad_lines[0].qty must be positive");
    return 0;
}

Test(codec, the_extra_input_hook_takes_keys_that_are_not_fields)
{
    static const Hooks h = {.extra_input = take_extra};
    table_set_hooks("unit_things", &h);
    static const Case rows[] = {
        {"{\"label\": \"a\", \"lines\": [{\"qty\": 1}]}", ERR_OK, "label", "a"},
        {"{\"bad_lines\": [{\"qty\": 0}]}", ERR_INVALID, "bad_lines[0].qty", NULL},
        {"{\"other\": 1}", ERR_UNKNOWN_FIELD, "other", NULL},
    };
    run_cases(rows, N(rows), false);
    table_set_hooks("unit_things", NULL);
}

Test(codec, defaults_fill_what_was_not_given_and_required_fields_must_be_given)
{
    Row row;
    row_init(&row, &ctx, things);
    Error e;
    err_clear(&e);
    cr_expect_eq(codec_apply_defaults(&ctx, things, &row, &e), -ERR_REQUIRED);
    cr_expect_str_eq(e.field, "label");
    row_init(&row, &ctx, things);
    json_t *body = udb_json("{\"label\": \"x\", \"enabled\": false}");
    cr_assert_eq(codec_from_json(&ctx, things, body, &row, false, &e), 0);
    json_decref(body);
    cr_assert_eq(codec_apply_defaults(&ctx, things, &row, &e), 0, "%s", e.message);
    static const struct { const char *field, *want; } rows[] = {
        {"size", "m"}, {"quote", "it's"}, {"tries", "3"}, {"enabled", "false"}, {"mail", "null"}, {"label", "x"},
    };
    for (size_t i = 0; i < N(rows); i++)
        cr_expect_str_eq(show(row.v[table_col(things, rows[i].field)]), rows[i].want, "%s", rows[i].field);
    cr_expect_eq(row.set[table_col(things, "size")], 0, "a default is not input");
}

Test(codec, output_leaves_out_secret_and_internal_fields_and_formats_amounts)
{
    Row row;
    row_init(&row, &ctx, things);
    Error e;
    json_t *body = udb_json("{\"label\": \"x\", \"secret\": \"hidden\", \"cur\": \"KWD\", \"price\": \"1.5\","
                            " \"fee\": \"3\", \"rate\": \"2.500\", \"flag\": true, \"meta\": {\"k\": [1]},"
                            " \"count\": -2}");
    cr_assert_eq(codec_from_json(&ctx, things, body, &row, false, &e), 0, "%s", e.message);
    json_decref(body);
    json_t *o = codec_to_json(&ctx, &row);
    cr_assert_not_null(o);
    cr_expect_null(json_object_get(o, "secret"), "a secret field is never returned");
    cr_expect_str_eq(json_string_value(json_object_get(o, "price")), "1.500", "KWD has three decimals");
    cr_expect_str_eq(json_string_value(json_object_get(o, "fee")), "3.00", "the tenant's INR");
    cr_expect_str_eq(json_string_value(json_object_get(o, "rate")), "2.5", "decimals drop trailing zeros");
    cr_expect(json_is_true(json_object_get(o, "flag")));
    cr_expect_eq(json_integer_value(json_object_get(o, "count")), -2);
    cr_expect_eq(json_integer_value(json_array_get(json_object_get(json_object_get(o, "meta"), "k"), 0)), 1);
    cr_expect(json_is_null(json_object_get(o, "mail")), "a null field is returned as null");
    cr_expect_not_null(json_object_get(o, "id"));
    cr_expect_not_null(json_object_get(o, "version"));
    json_decref(o);

    const Table *cu = registry_find("customers");
    Row c;
    row_init(&c, &ctx, cu);
    o = codec_to_json(&ctx, &c);
    cr_expect_null(json_object_get(o, "deleted_at"), "deleted_at is internal");
    cr_expect_not_null(json_object_get(o, "created_by"));
    json_decref(o);
    const Table *users = registry_find("users");
    Row u;
    row_init(&u, &ctx, users);
    row_set_text(&ctx, &u, "password_hash", "$argon2id$...");
    o = codec_to_json(&ctx, &u);
    cr_expect_null(json_object_get(o, "password_hash"), "the password hash is never returned");
    json_decref(o);
}

Test(codec, query_string_values_follow_the_same_rules)
{
    static const struct { const char *field, *text; ErrCode code; const char *stored; } rows[] = {
        {"flag", "true", ERR_OK, "true"},
        {"flag", "yes", ERR_TYPE, NULL},
        {"count", "3", ERR_OK, "3"},
        {"count", "3.0", ERR_TYPE, NULL},
        {"count", "9", ERR_RANGE, NULL},
        {"rate", "1.5", ERR_OK, "1500"},
        {"rate", "1.5555", ERR_PRECISION, NULL},
        {"price", "10.25", ERR_OK, "1025"},
        {"day", "2024-02-30", ERR_INVALID, NULL},
        {"at", "2026-01-01T00:00:00-01:00", ERR_OK, "2026-01-01T01:00:00.000000Z"},
        {"size", "l", ERR_OK, "l"},
        {"customer_id", "x", ERR_INVALID, NULL},
    };
    for (size_t i = 0; i < N(rows); i++) {
        Value v;
        Error e;
        err_clear(&e);
        int rc = codec_field_from_text(&ctx, things, table_col(things, rows[i].field), rows[i].text, NULL, &v, &e);
        if (rows[i].code == ERR_OK) {
            cr_expect_eq(rc, 0, "%s=%s: %s", rows[i].field, rows[i].text, e.message);
            if (rc == 0)
                cr_expect_str_eq(show(v), rows[i].stored, "%s=%s", rows[i].field, rows[i].text);
        } else {
            cr_expect_eq(rc, -(int)rows[i].code, "%s=%s", rows[i].field, rows[i].text);
            cr_expect_str_eq(e.field, rows[i].field);
        }
    }
}
