/* tests/fuzz/fuzz_date_parse.c — libFuzzer target for date_parse (core/date.c).
 * Checks that an accepted date is canonical (formats back to the same ten bytes) and that the
 * calendar arithmetic on it stays within what date_valid_ymd accepts or is detectably outside.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Date d;
    Error e;
    if (date_parse(&d, (const char *)data, size, "day", &e) < 0) {
        if (e.code == ERR_OK)
            abort();
        return 0;
    }
    char out[11];
    date_format(out, d);
    if (size != 10 || memcmp(out, data, 10) != 0)
        abort();   /* strict: only the canonical form is accepted */
    int y, m, dd;
    date_to_ymd(d, &y, &m, &dd);
    if (!date_valid_ymd(y, m, dd) || date_from_ymd(y, m, dd) != d)
        abort();
    Date next = date_add_months(d, 1);
    date_to_ymd(next, &y, &m, &dd);
    if (dd > date_days_in_month(y, m))
        abort();
    Period p = {date_start_of_month(d), date_add_months(date_start_of_month(d), 1)};
    if (!period_contains(p, d) || period_days(p) < 28 || period_days(p) > 31)
        abort();
    return 0;
}
