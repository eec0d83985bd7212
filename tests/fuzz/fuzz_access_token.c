/* tests/fuzz/fuzz_access_token.c — libFuzzer target for auth_decode_access (domain/auth.c), the
 * bearer-token decoder every authenticated request runs first. Checks, besides the sanitizers,
 * that only a token carrying a valid HMAC under the server secret is accepted: the fuzzer cannot
 * forge one, so any acceptance of its input is a failure.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/id.h"
#include "domain/auth.h"
#include "store/ctx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool ready;
    if (!ready) {
        unsigned char secret[32];
        memset(secret, 7, sizeof secret);
        id_init();
        auth_init(secret, true);
        ready = true;
    }
    char *token = malloc(size + 1);
    if (!token)
        return 0;
    memcpy(token, data, size);
    token[size] = '\0';
    Ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    char session[40];
    Error e;
    int rc = auth_decode_access(token, &ctx, session, &e);
    free(token);
    if (rc == 0 || e.code != ERR_UNAUTHENTICATED)
        abort();
    return 0;
}
