/* tests/fuzz/fuzz_dec_parse.c — libFuzzer target for dec_parse (core/decimal.c).
 * Input: byte 0 picks max_scale (0..18), the rest is the text. Checks, besides the sanitizers:
 * an accepted decimal formats back to text that parses to an equal value (round trip), and
 * scaled storage at its own scale is exact.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/decimal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int max_scale = data[0] % (DEC_MAX_SCALE + 1);
    Dec d;
    Error e;
    if (dec_parse(&d, (const char *)data + 1, size - 1, max_scale, "x", &e) < 0) {
        if (e.code == ERR_OK || e.field[0] != 'x')
            abort();   /* a refusal always says why and names the field */
        return 0;
    }
    if (d.scale < 0 || d.scale > max_scale)
        abort();
    char buf[DEC_FORMAT_MAX];
    int n = dec_format_trim(buf, sizeof buf, d);
    if (n < 0)
        abort();
    Dec back;
    if (dec_parse(&back, buf, (size_t)n, DEC_MAX_SCALE, "x", &e) < 0 || dec_cmp(back, d) != 0)
        abort();
    int64_t scaled;
    if (dec_to_scaled(&scaled, d, d.scale, &e) < 0 || scaled != d.coef)
        abort();
    return 0;
}
