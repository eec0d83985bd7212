/* tests/fuzz/fuzz_codec.c — libFuzzer target for the JSON body -> row codec (model/codec.c):
 * what every POST and PATCH of the generic API runs on a client's body. Input: byte 0 picks a
 * table of the registry and create/update, the rest is the body, parsed as the server parses it
 * (jansson, duplicates refused). Checks that a refusal names a field or says the body is not an
 * object, and that an accepted row encodes to JSON.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/codec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool ready;
    if (!ready) {
        Error e;
        if (registry_init(&e) < 0)
            abort();
        ready = true;
    }
    if (size < 1)
        return 0;
    const Table *t = registry_at((data[0] & 0x7f) % registry_count());
    bool update = data[0] & 0x80;
    json_t *body = json_loadb((const char *)data + 1, size - 1, JSON_REJECT_DUPLICATES, NULL);
    if (!body)
        return 0;
    Arena a;
    arena_init(&a, 64 << 20);
    Ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.arena = &a;
    ctx.currency = "INR";
    Row row;
    Error e;
    err_clear(&e);
    int rc = row_init(&row, &ctx, t);
    if (rc == 0)
        rc = codec_from_json(&ctx, t, body, &row, update, &e);
    if (rc == 0 && !update)
        rc = codec_apply_defaults(&ctx, t, &row, &e);
    if (rc < 0) {
        if (e.code == ERR_OK)
            abort();
        bool named = e.field[0] || json_object_get(body, "") != NULL;   /* a key "" names nothing */
        if (!named && !(e.code == ERR_TYPE && !json_is_object(body)) && e.code != ERR_UNAVAILABLE)
            abort();   /* every refusal of an object names the field */
    } else {
        json_t *out = codec_to_json(&ctx, &row);
        if (!out)
            abort();
        json_decref(out);
    }
    json_decref(body);
    arena_free(&a);
    return 0;
}
