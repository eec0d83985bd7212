/* core/id.h — identifiers: UUIDv7 primary keys, random tokens, hashing, base64url.
 *
 * UUIDv7 (RFC 9562): 48-bit Unix milliseconds, then a 12-bit counter that keeps
 * ids from one process strictly increasing within a millisecond, then 62
 * random bits. Ids are stored and compared as canonical lowercase text, whose
 * order equals their byte order, so "ORDER BY id" is creation order.
 */
#ifndef REMIT_CORE_ID_H
#define REMIT_CORE_ID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UUID_STR_LEN 36
typedef struct Uuid { unsigned char b[16]; } Uuid;

int  id_init(void);                                  /* libsodium; call once before threads */
void uuid_v7(Uuid *out);
void uuid_v7_str(char out[UUID_STR_LEN + 1]);
void uuid_format(char out[UUID_STR_LEN + 1], const Uuid *u);
bool uuid_parse(Uuid *out, const char *s, size_t len);   /* canonical 8-4-4-4-12, any case */
bool uuid_valid(const char *s, size_t len);
/* Random url-safe token text of `bytes` random bytes. out must hold base64url length + 1. */
void id_random_token(char *out, size_t cap, size_t bytes);
/* SHA-256 of data, raw. */
void id_sha256(unsigned char out[32], const void *data, size_t len);
/* SHA-256 of data as 64 lowercase hex chars. */
void id_sha256_hex(char out[65], const void *data, size_t len);
/* base64url without padding; returns chars written (excl. NUL) or 0 if cap too small. */
size_t id_b64url_encode(char *out, size_t cap, const void *data, size_t len);
/* returns bytes decoded or -1 on malformed input / overflow. */
long id_b64url_decode(void *out, size_t cap, const char *s, size_t len);
/* HMAC-SHA256 */
void id_hmac_sha256(unsigned char out[32], const unsigned char key[32], const void *data, size_t len);
bool id_equal_ct(const void *a, const void *b, size_t n);  /* constant time */

#endif
