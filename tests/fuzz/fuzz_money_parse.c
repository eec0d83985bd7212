/* tests/fuzz/fuzz_money_parse.c — libFuzzer target for money_parse (core/money.c).
 * Input: byte 0 picks a currency from the ISO 4217 table, the rest is the amount. Checks that an
 * accepted amount formats (money_format) to text that parses back to the same minor units.
 */
#include <stdint.h>
#include <stdlib.h>

#include "core/money.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const Currency *c = currency_at(data[0] % currency_count());
    int64_t minor;
    Error e;
    if (money_parse(&minor, (const char *)data + 1, size - 1, c, "amount", &e) < 0) {
        if (e.code == ERR_OK)
            abort();
        return 0;
    }
    char buf[MONEY_FORMAT_MAX];
    int n = money_format(buf, sizeof buf, minor, c);
    if (n < 0)
        abort();
    int64_t back;
    if (money_parse(&back, buf, (size_t)n, c, "amount", &e) < 0 || back != minor)
        abort();
    return 0;
}
