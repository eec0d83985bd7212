/* tests/unit/test_codec_json.c — model/codec: the direct JSON writer
 * (codec_write_json, used by GET and list) writes exactly the bytes that
 * json_dumps(codec_to_json(row), JSON_COMPACT) writes, for every field type,
 * for awkward strings, and for tables with a decorate hook; core/buf's
 * buf_json_str escapes exactly as jansson does. Table-driven. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "model/codec.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static Arena arena;
static Ctx ctx;

static void setup(void)
{
    Error e;
    cr_assert_eq(registry_init(&e), 0, "registry: %s", e.message);
    arena_init(&arena, 0);
    memset(&ctx, 0, sizeof ctx);
    ctx.arena = &arena;
    ctx.currency = "INR";
}

static void teardown(void)
{
    arena_free(&arena);
}

/* Both writers on one row; they must agree byte for byte. */
static void assert_same(const Row *row)
{
    json_t *o = codec_to_json(&ctx, row);
    cr_assert_not_null(o);
    char *want = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    Buf got;
    buf_init(&got, 0);
    cr_assert_eq(codec_write_json(&ctx, row, &got), 0);
    cr_assert_str_eq(buf_cstr(&got), want);
    buf_free(&got);
    free(want);
    /* and each value in the audit's canonical form, as jansson dumps it with sorted keys */
    for (int c = 0; c < row->t->nfields; c++) {
        json_t *v = codec_value_json(&ctx, row, c);
        cr_assert_not_null(v, "%s", row->t->fields[c].name);
        char *w = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
        json_decref(v);
        Buf one;
        buf_init(&one, 0);
        cr_assert_eq(codec_value_put(&ctx, &one, row, c), 0, "%s", row->t->fields[c].name);
        cr_assert_str_eq(buf_cstr(&one), w, "%s", row->t->fields[c].name);
        buf_free(&one);
        free(w);
    }
}

/* A row of table from field=value pairs; values are stored text (ints given as text are parsed). */
static Row make_row(const char *table, const char *const *kv, size_t n)
{
    const Table *t = registry_find(table);
    cr_assert_not_null(t, "no table %s", table);
    Row row;
    cr_assert_eq(row_init(&row, &ctx, t), 0);
    for (size_t i = 0; i + 1 < n; i += 2) {
        int c = table_col(t, kv[i]);
        cr_assert_geq(c, 0, "no field %s.%s", table, kv[i]);
        FieldType ft = t->fields[c].type;
        if (ft == FT_INT || ft == FT_MONEY || ft == FT_DECIMAL || ft == FT_BOOL)
            row.v[c] = ft == FT_BOOL ? val_bool(strcmp(kv[i + 1], "true") == 0)
                                     : val_int(strtoll(kv[i + 1], NULL, 10));
        else
            row.v[c] = val_text(kv[i + 1]);
    }
    return row;
}

TestSuite(codec_json, .init = setup, .fini = teardown);

Test(codec_json, direct_writer_matches_jansson_for_every_field_type)
{
    static const char *const customer_usd[] = {
        "id", "01900000-0000-7000-8000-000000000001", "code", "Q1",
        "name", "Quote \" back\\ slash \b \f \n \r \t \x01 \x1f \x7f / ₹ € 日本 😀",
        "currency", "USD", "credit_limit", "123456", "annual_revenue", "-5",
        "employees_count", "12", "payment_terms", "0", "is_tax_exempt", "true",
        "send_payment_reminders", "false", "version", "3", "created_at", "2026-01-01T00:00:00.000000Z",
    };
    static const char *const customer_jpy[] = {"code", "J", "currency", "JPY", "credit_limit", "1000"};
    static const char *const customer_int_limits[] = {"employees_count", "-9223372036854775808",
                                                      "payment_terms", "9223372036854775807", "version", "-1"};
    static const char *const customer_kwd[] = {"code", "K", "currency", "KWD", "credit_limit", "1234"};
    static const char *const customer_unknown_currency[] = {"code", "X", "currency", "ZZZ", "credit_limit", "5"};
    static const char *const customer_empty[] = {"name", ""};
    static const char *const contact_json_object[] = {
        "first_name", "Ann", "social_profiles", "{\"x\": \"@ann\", \"n\": [1, 2.5, true, null], \"u\": \"\\u00e9\"}",
        "date_of_birth", "1990-02-28", "last_contacted_at", "2024-05-01T10:00:00.000000Z",
    };
    static const char *const contact_json_array[] = {"first_name", "Bob", "social_profiles", "[]"};
    static const char *const contact_json_scalar[] = {"first_name", "Cy", "social_profiles", "\"text\""};
    static const char *const contact_json_damaged[] = {"first_name", "Di", "social_profiles", "{not json"};
    static const struct {
        const char *table;
        const char *const *kv;
        size_t n;
    } rows[] = {
        {"customers", customer_usd, N(customer_usd)},
        {"customers", customer_jpy, N(customer_jpy)},
        {"customers", customer_int_limits, N(customer_int_limits)},
        {"customers", customer_kwd, N(customer_kwd)},
        {"customers", customer_unknown_currency, N(customer_unknown_currency)},
        {"customers", customer_empty, N(customer_empty)},
        {"contacts", contact_json_object, N(contact_json_object)},
        {"contacts", contact_json_array, N(contact_json_array)},
        {"contacts", contact_json_scalar, N(contact_json_scalar)},
        {"contacts", contact_json_damaged, N(contact_json_damaged)},
    };
    for (size_t i = 0; i < N(rows); i++) {
        Row row = make_row(rows[i].table, rows[i].kv, rows[i].n);
        assert_same(&row);
    }
}

Test(codec_json, secret_fields_are_left_out_by_both_writers)
{
    static const char *const user[] = {"email", "a@b.test", "password_hash", "$argon2id$secret"};
    Row row = make_row("users", user, N(user));
    assert_same(&row);
    Buf got;
    buf_init(&got, 0);
    cr_assert_eq(codec_write_json(&ctx, &row, &got), 0);
    cr_assert_null(strstr(buf_cstr(&got), "argon2id"));
    buf_free(&got);
}

static int decorate(Ctx *c, const Table *t, const Row *row, json_t *obj, Error *err)
{
    json_object_set_new(obj, "decorated", json_pack("{s:i}", "lines", 2));
    return 0;
}

Test(codec_json, decorated_tables_keep_what_the_hook_adds)
{
    static const Hooks hooks = {.decorate = decorate};
    table_set_hooks("contacts", &hooks);
    static const char *const contact[] = {"first_name", "Eve"};
    Row row = make_row("contacts", contact, N(contact));
    assert_same(&row);
    Buf got;
    buf_init(&got, 0);
    cr_assert_eq(codec_write_json(&ctx, &row, &got), 0);
    cr_assert_not_null(strstr(buf_cstr(&got), "\"decorated\":{\"lines\":2}"));
    buf_free(&got);
    table_set_hooks("contacts", NULL);
}

Test(codec_json, a_full_buffer_is_an_error_not_a_truncated_body)
{
    static const char *const customer[] = {"code", "C", "name", "A name longer than the buffer"};
    Row row = make_row("customers", customer, N(customer));
    Buf small;
    buf_init(&small, 64);
    cr_assert_eq(codec_write_json(&ctx, &row, &small), -ERR_UNAVAILABLE);
    buf_free(&small);
}

Test(codec_json, buf_json_str_escapes_as_jansson_does)
{
    static const char *const strings[] = {
        "", "plain", "quote \" and backslash \\", "slash / stays", "\b\f\n\r\t", "\x01\x02\x1e\x1f",
        "del \x7f stays", "UTF-8 ₹ € 日本 😀", "ends with escape\n",
        /* escapes at every offset of the 8-byte scan, and long clean runs around them */
        "0123456\"89abcdef", "01234567\\9abcdef", "012345678\x1f", "0123456789ABCDE\x01", "\x1f" "12345678",
        "abcdefghijklmnop\"", "abcdefgh ijklmnop qrstuvwx yz012345 ^_`{|}~ !#$%&'()*+,-./:;<=>?@[]",
        " !#$%&'()*+,-./", "[]^_`{|}~\x7f\u00e9\u20b9",
    };
    for (size_t i = 0; i < N(strings); i++) {
        json_t *j = json_string(strings[i]);
        char *want = json_dumps(j, JSON_ENCODE_ANY);
        json_decref(j);
        Buf got;
        buf_init(&got, 0);
        buf_json_str(&got, strings[i], strlen(strings[i]));
        cr_assert_str_eq(buf_cstr(&got), want, "string %zu", i);
        buf_free(&got);
        free(want);
    }
    /* an embedded NUL, which jansson's json_stringn keeps too */
    json_t *j = json_stringn("a\0b", 3);
    char *want = json_dumps(j, JSON_ENCODE_ANY);
    json_decref(j);
    Buf got;
    buf_init(&got, 0);
    buf_json_str(&got, "a\0b", 3);
    cr_assert_str_eq(buf_cstr(&got), want);
    buf_free(&got);
    free(want);
}

/* Every ASCII byte at every position of a 24-byte string: covers each lane of the 8-byte scan. */
Test(codec_json, buf_json_str_agrees_with_jansson_for_every_byte_at_every_offset)
{
    char s[25];
    for (int c = 1; c < 0x80; c++) {
        for (int at = 0; at < 24; at++) {
            memset(s, 'a', 24);
            s[24] = '\0';
            s[at] = (char)c;
            json_t *j = json_string(s);
            char *want = json_dumps(j, JSON_ENCODE_ANY);
            json_decref(j);
            Buf got;
            buf_init(&got, 0);
            buf_json_str(&got, s, 24);
            cr_assert_str_eq(buf_cstr(&got), want, "byte 0x%02x at %d", c, at);
            buf_free(&got);
            free(want);
        }
    }
}

/* The audit's values are written as text directly (codec_value_put): where jansson makes no value
 * (text that is not UTF-8), neither does the writer, so an audit row never holds JSON that its
 * verifier (jansson) could not parse back. */
Test(codec_json, the_audit_writer_refuses_what_jansson_refuses)
{
    static const char *const bad[] = {"\xff", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "ab\xe2\x82"};
    const Table *t = registry_find("customers");
    int c = table_col(t, "name");
    for (size_t i = 0; i < N(bad); i++) {
        Row row;
        cr_assert_eq(row_init(&row, &ctx, t), 0);
        row.v[c] = val_text(bad[i]);
        json_t *v = codec_value_json(&ctx, &row, c);
        cr_expect_null(v, "jansson refuses case %zu", i);
        json_decref(v);
        Buf b;
        buf_init(&b, 0);
        cr_expect_eq(codec_value_put(&ctx, &b, &row, c), 1, "case %zu", i);
        cr_expect_eq(b.len, 0);
        buf_free(&b);
    }
}
