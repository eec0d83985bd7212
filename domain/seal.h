/* domain/seal.h — secrets at rest: values sealed with libsodium secretbox
 * (XSalsa20-Poly1305) under a key from the environment.
 *
 * The master key is REMIT_SETTINGS_KEY (64 hex characters). Each value is
 * sealed under a subkey HMAC-SHA256(master, "remit-seal|" + context), where
 * the context names its place (tenant id and setting key), so a sealed value
 * copied to another row or tenant does not open. Text form:
 *   "v1." + key id (first 8 hex of SHA-256(master)) + "." + base64url(nonce[24] | box)
 * Without a key, sealing is refused (ERR_UNAVAILABLE with a hint) and nothing
 * secret is ever stored in clear. A sealed text that does not open (altered,
 * copied from another row, truncated) is ERR_STATE: the fix is to write the
 * secret again; one sealed under another key is ERR_UNAVAILABLE (server setup).
 */
#ifndef REMIT_DOMAIN_SEAL_H
#define REMIT_DOMAIN_SEAL_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/error.h"

/* Reads REMIT_SETTINGS_KEY; a malformed key is logged and treated as absent. */
void seal_init(void);
/* Tests: set (key != NULL) or clear the master key. */
void seal_set_key(const unsigned char *key32);
bool seal_available(void);

/* Seals plain[0..len) for `context`; *out is an arena string. */
int seal_encrypt(Arena *a, const char *context, const char *plain, size_t len, char **out, Error *err);
/* Opens a sealed text; *out is an arena string (NUL-terminated), *len its length. */
int seal_decrypt(Arena *a, const char *context, const char *sealed, char **out, size_t *len, Error *err);

#endif
