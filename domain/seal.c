/* domain/seal.c — sealing secrets at rest; see seal.h.
 * Exports seal_init, seal_set_key, seal_available, seal_encrypt, seal_decrypt.
 *
 * The key is loaded once at start-up (before threads) and read-only after,
 * so no locking is needed; seal_set_key is for single-threaded unit tests.
 */
#include "domain/seal.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/id.h"
#include "core/log.h"

static unsigned char master[32];
static bool have_key;
static char key_id[9];

void seal_set_key(const unsigned char *key32)
{
    have_key = key32 != NULL;
    if (!key32) {
        sodium_memzero(master, sizeof master);
        key_id[0] = '\0';
        return;
    }
    memcpy(master, key32, 32);
    char hex[65];
    id_sha256_hex(hex, master, 32);
    memcpy(key_id, hex, 8);
    key_id[8] = '\0';
}

void seal_init(void)
{
    const char *e = getenv("REMIT_SETTINGS_KEY");
    if (!e || !*e) {
        seal_set_key(NULL);
        return;
    }
    unsigned char key[32];
    size_t n = 0;
    if (strlen(e) != 64 || sodium_hex2bin(key, sizeof key, e, 64, NULL, &n, NULL) != 0 || n != 32) {
        log_event(LOG_WARN, NULL, "REMIT_SETTINGS_KEY must be 64 hex characters; secret settings are disabled", NULL);
        seal_set_key(NULL);
        return;
    }
    seal_set_key(key);
    sodium_memzero(key, sizeof key);
}

bool seal_available(void) { return have_key; }

static int no_key(Error *err)
{
    int rc = err_set(err, ERR_UNAVAILABLE, NULL, "secrets cannot be stored: the server has no encryption key");
    err_hint(err, "start the server with REMIT_SETTINGS_KEY set to 64 hex characters (32 random bytes)");
    return rc;
}

static void subkey(unsigned char out[32], const char *context)
{
    size_t n = strlen(context);
    char *msg = malloc(n + 12);
    if (!msg) {   /* a NULL-context key still differs from every real one */
        id_hmac_sha256(out, master, "remit-seal|", 11);
        return;
    }
    memcpy(msg, "remit-seal|", 11);
    memcpy(msg + 11, context, n);
    id_hmac_sha256(out, master, msg, n + 11);
    free(msg);
}

int seal_encrypt(Arena *a, const char *context, const char *plain, size_t len, char **out, Error *err)
{
    if (!have_key)
        return no_key(err);
    if (len > 64 * 1024)
        return err_set(err, ERR_RANGE, NULL, "a secret is at most 64 KiB");
    size_t blen = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + len;
    unsigned char *box = malloc(blen);
    size_t cap = 3 + 8 + 1 + blen * 4 / 3 + 8;
    char *text = arena_alloc(a, cap);
    if (!box || !text) {
        free(box);
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    }
    unsigned char k[32];
    subkey(k, context);
    randombytes_buf(box, crypto_secretbox_NONCEBYTES);
    crypto_secretbox_easy(box + crypto_secretbox_NONCEBYTES, (const unsigned char *)plain, len, box, k);
    sodium_memzero(k, sizeof k);
    int n = snprintf(text, cap, "v1.%s.", key_id);
    id_b64url_encode(text + n, cap - (size_t)n, box, blen);
    free(box);
    *out = text;
    return 0;
}

int seal_decrypt(Arena *a, const char *context, const char *sealed, char **out, size_t *len, Error *err)
{
    if (!have_key)
        return no_key(err);
    if (!sealed || strncmp(sealed, "v1.", 3) != 0 || strlen(sealed) < 12 || sealed[11] != '.')
        return err_set(err, ERR_STATE, NULL, "the stored secret is not in a known format; write it again");
    if (memcmp(sealed + 3, key_id, 8) != 0) {
        int rc = err_set(err, ERR_UNAVAILABLE, NULL, "a secret was sealed under another key (key id %.8s)", sealed + 3);
        err_hint(err, "start the server with the REMIT_SETTINGS_KEY the secret was stored with");
        return rc;
    }
    const char *b64 = sealed + 12;
    size_t cap = strlen(b64) * 3 / 4 + 4;
    unsigned char *box = malloc(cap);
    if (!box)
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    long n = id_b64url_decode(box, cap, b64, strlen(b64));
    if (n < (long)(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)) {
        free(box);
        return err_set(err, ERR_STATE, NULL, "the stored secret is truncated; write it again");
    }
    size_t plen = (size_t)n - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES;
    char *plain = arena_alloc(a, plen + 1);
    unsigned char k[32];
    subkey(k, context);
    int bad = !plain || crypto_secretbox_open_easy((unsigned char *)plain, box + crypto_secretbox_NONCEBYTES,
                                                   (size_t)n - crypto_secretbox_NONCEBYTES, box, k) != 0;
    sodium_memzero(k, sizeof k);
    free(box);
    if (bad && !plain)
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    if (bad)   /* the MAC failed: altered, or copied from another row or tenant (the subkey differs) */
        return err_set(err, ERR_STATE, NULL, "the stored secret does not open (altered or moved); write it again");
    plain[plen] = '\0';
    *out = plain;
    *len = plen;
    return 0;
}
