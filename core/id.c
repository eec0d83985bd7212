/* core/id.c — UUIDv7, tokens, SHA-256, HMAC, base64url (libsodium); see id.h.
 * Exports id_init, uuid_v7, uuid_v7_str, uuid_format, uuid_parse, uuid_valid,
 * id_random_token, id_sha256_hex, id_b64url_encode, id_b64url_decode,
 * id_hmac_sha256, id_equal_ct.
 * Concurrency: the (ms, counter) pair is guarded by a mutex so that ids from
 * all threads of a process are strictly increasing; the pool of random bytes
 * for ids is per thread.
 */
#include "id.h"

#include <pthread.h>
#include <sodium.h>
#include <string.h>
#include <time.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t last_ms;
static uint16_t counter;

int id_init(void)
{
    return sodium_init() < 0 ? -1 : 0;
}

/* The random bits of ids come from a per-thread pool refilled from libsodium 240 bytes at a
 * time: randombytes_buf makes a getrandom system call per call, and every request takes an id.
 * A fork()ed child empties the pool it inherited, so two processes never share bytes. */
enum { POOL = 240 };
static _Thread_local unsigned char pool[POOL];
static _Thread_local size_t pool_used = POOL;
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;

static void pool_drop(void) { pool_used = POOL; }
static void pool_register(void) { pthread_atfork(NULL, NULL, pool_drop); }

static void random_bits(unsigned char *out, size_t n)
{
    if (pool_used + n > POOL) {
        pthread_once(&atfork_once, pool_register);
        randombytes_buf(pool, POOL);
        pool_used = 0;
    }
    memcpy(out, pool + pool_used, n);
    pool_used += n;
}

void uuid_v7(Uuid *out)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
    unsigned char rnd[10];
    random_bits(rnd, sizeof rnd);

    pthread_mutex_lock(&lock);
    if (ms <= last_ms) {
        ms = last_ms;
        if (++counter > 0x0fff) {   /* counter exhausted: borrow the next millisecond */
            ms = ++last_ms;
            counter = 0;
        }
    } else {
        last_ms = ms;
        counter = (uint16_t)((rnd[0] << 4 | rnd[1] >> 4) & 0x01ff); /* random start, room to count */
    }
    uint16_t seq = counter;
    pthread_mutex_unlock(&lock);

    unsigned char *b = out->b;
    for (int i = 0; i < 6; i++)
        b[i] = (unsigned char)(ms >> (40 - 8 * i));
    b[6] = (unsigned char)(0x70 | (seq >> 8));
    b[7] = (unsigned char)(seq & 0xff);
    memcpy(b + 8, rnd + 2, 8);
    b[8] = (unsigned char)(0x80 | (b[8] & 0x3f));
}

void uuid_format(char out[UUID_STR_LEN + 1], const Uuid *u)
{
    static const char hex[] = "0123456789abcdef";
    int j = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[j++] = '-';
        out[j++] = hex[u->b[i] >> 4];
        out[j++] = hex[u->b[i] & 15];
    }
    out[j] = '\0';
}

void uuid_v7_str(char out[UUID_STR_LEN + 1])
{
    Uuid u;
    uuid_v7(&u);
    uuid_format(out, &u);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool uuid_parse(Uuid *out, const char *s, size_t len)
{
    if (len != UUID_STR_LEN)
        return false;
    int k = 0;
    for (size_t i = 0; i < len;) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-')
                return false;
            i++;
            continue;
        }
        int hi = hexval(s[i]), lo = hexval(s[i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        if (out)
            out->b[k] = (unsigned char)(hi << 4 | lo);
        k++;
        i += 2;
    }
    return k == 16;
}

bool uuid_valid(const char *s, size_t len)
{
    return uuid_parse(NULL, s, len);
}

size_t id_b64url_encode(char *out, size_t cap, const void *data, size_t len)
{
    size_t need = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    if (cap < need)
        return 0;
    sodium_bin2base64(out, cap, data, len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return strlen(out);
}

static int b64url_digit(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    return c == '-' ? 62 : c == '_' ? 63 : -1;
}

/* Accepts exactly what sodium_base642bin (URL-safe, no padding, nothing ignored) accepts: only
 * alphabet characters, no dangling character, zero bits after the last byte. Not constant-time
 * as libsodium's is, and several times faster: it decodes the bearer token of every request,
 * and the text it decodes is what the client sent (the secret part, the MAC, is compared in
 * constant time by the caller). */
long id_b64url_decode(void *out, size_t cap, const char *s, size_t len)
{
    unsigned char *o = out;
    uint32_t acc = 0;
    unsigned bits = 0;
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        int d = b64url_digit((unsigned char)s[i]);
        if (d < 0)
            return -1;
        acc = acc << 6 | (uint32_t)d;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (n >= cap)
                return -1;
            o[n++] = (unsigned char)(acc >> bits);
        }
    }
    if (bits > 4 || (acc & ((1u << bits) - 1)) != 0)
        return -1;
    return (long)n;
}

void id_random_token(char *out, size_t cap, size_t bytes)
{
    unsigned char rnd[64];
    if (bytes > sizeof rnd)
        bytes = sizeof rnd;
    randombytes_buf(rnd, bytes);
    if (!id_b64url_encode(out, cap, rnd, bytes) && cap)
        out[0] = '\0';
}

void id_sha256(unsigned char out[32], const void *data, size_t len)
{
    crypto_hash_sha256(out, data, len);
}

void id_sha256_hex(char out[65], const void *data, size_t len)
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, data, len);
    sodium_bin2hex(out, 65, h, sizeof h);
}

void id_hmac_sha256(unsigned char out[32], const unsigned char key[32], const void *data, size_t len)
{
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, key, 32);
    crypto_auth_hmacsha256_update(&st, data, len);
    crypto_auth_hmacsha256_final(&st, out);
}

bool id_equal_ct(const void *a, const void *b, size_t n)
{
    return sodium_memcmp(a, b, n) == 0;
}
