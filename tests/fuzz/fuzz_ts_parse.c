/* tests/fuzz/fuzz_ts_parse.c — libFuzzer target for ts_parse (core/date.c).
 * Checks that an accepted timestamp formats to the canonical UTC text, which parses back to the
 * same microsecond.
 */
#include <stdint.h>
#include <stdlib.h>

#include "core/date.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Timestamp t;
    Error e;
    if (ts_parse(&t, (const char *)data, size, "at", &e) < 0) {
        if (e.code == ERR_OK)
            abort();
        return 0;
    }
    char out[TS_FORMAT_MAX];
    int n = ts_format(out, sizeof out, t);
    if (n != TS_FORMAT_MAX - 1)
        abort();
    Timestamp back;
    if (ts_parse(&back, out, (size_t)n, "at", &e) < 0 || back != t)
        abort();
    return 0;
}
