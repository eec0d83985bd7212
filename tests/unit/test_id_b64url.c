/* tests/unit/test_id_b64url.c — core/id: base64url decoding accepts and refuses exactly what
 * libsodium's decoder (URL-safe, no padding) does on ASCII text, and gives the same bytes; it
 * refuses every non-ASCII byte (libsodium 1.0.18 decodes some of them, e.g. "\xc3\xa9\xc3\xa9",
 * to bytes). UUIDv7 ids stay unique and increasing with their random bits drawn from the
 * per-thread pool. */
#include <criterion/criterion.h>
#include <sodium.h>
#include <string.h>

#include "core/id.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void agree(const char *s, size_t len, size_t cap)
{
    unsigned char want[256], got[256];
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] >= 0x80) {
            cr_assert_eq(id_b64url_decode(got, cap, s, len), -1, "non-ASCII \"%.*s\" accepted", (int)len, s);
            return;
        }
    size_t wn = 0;
    int wrc = sodium_base642bin(want, cap, s, len, NULL, &wn, NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    long grc = id_b64url_decode(got, cap, s, len);
    if (wrc != 0) {
        cr_assert_eq(grc, -1, "libsodium refuses \"%.*s\" (cap %zu), id_b64url_decode gives %ld", (int)len, s, cap,
                     grc);
        return;
    }
    cr_assert_eq(grc, (long)wn, "\"%.*s\": %ld bytes, libsodium %zu", (int)len, s, grc, wn);
    cr_assert_eq(memcmp(got, want, wn), 0, "\"%.*s\": different bytes", (int)len, s);
}

Test(id_b64url, decoding_agrees_with_libsodium_on_fixed_cases)
{
    static const char *const cases[] = {
        "", "A", "AA", "AB", "AAA", "AAB", "AAAA", "Zm9v", "Zm9vYg", "Zm9vYh", "Zm9vYmE", "Zm9vYmF",
        "Zm9vYmFy", "-_-_", "+/+/", "Zm9v=", "Zm9vYg==", "Zm 9v", "Zm9v\n", "\xc3\xa9\xc3\xa9", "rat_AQ",
    };
    for (size_t i = 0; i < N(cases); i++)
        for (size_t cap = 0; cap <= 8; cap++)
            agree(cases[i], strlen(cases[i]), cap);
}

Test(id_b64url, decoding_agrees_with_libsodium_on_random_text)
{
    /* mostly alphabet characters, sometimes one that is not, every length up to 40 */
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    static const char others[] = "+/=. \n\x01\x7f\xff";
    char s[64];
    for (int round = 0; round < 20000; round++) {
        size_t len = randombytes_uniform(41);
        for (size_t i = 0; i < len; i++)
            s[i] = randombytes_uniform(50) ? alphabet[randombytes_uniform(64)]
                                           : others[randombytes_uniform(sizeof others - 1)];
        agree(s, len, randombytes_uniform(4) ? 64 : randombytes_uniform(32));
    }
}

Test(id_b64url, encoding_then_decoding_gives_the_bytes_back)
{
    unsigned char data[100], back[100];
    char text[160];
    for (size_t len = 0; len <= sizeof data; len++) {
        randombytes_buf(data, len);
        cr_assert_gt(id_b64url_encode(text, sizeof text, data, len) + 1, 0);
        cr_assert_eq(id_b64url_decode(back, sizeof back, text, strlen(text)), (long)len);
        cr_assert_eq(memcmp(back, data, len), 0);
    }
}

Test(id_b64url, uuid_v7_ids_are_unique_and_increasing_across_pool_refills)
{
    char prev[UUID_STR_LEN + 1] = "", id[UUID_STR_LEN + 1];
    for (int i = 0; i < 5000; i++) {   /* many refills of the 240-byte pool */
        uuid_v7_str(id);
        cr_assert(uuid_valid(id, strlen(id)));
        cr_assert_gt(strcmp(id, prev), 0, "%s after %s", id, prev);
        memcpy(prev, id, sizeof id);
    }
}
