/* domain/words.h — amounts in words, as printed on invoices ("amount
 * chargeable in words").
 *
 * INR uses the Indian system (thousand, lakh = 1,00,000, crore =
 * 1,00,00,000): 123456.78 INR is "Rupees One Lakh Twenty Three Thousand Four
 * Hundred Fifty Six and Seventy Eight Paise Only". Other currencies use the
 * international system (thousand, million, billion, ...).
 */
#ifndef REMIT_DOMAIN_WORDS_H
#define REMIT_DOMAIN_WORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/money.h"

/* n in words, capitalised ("One Lakh Five"; 0 is "Zero"). Returns the length, or -1 if cap is too
 * small (out is then ""). 512 bytes hold any uint64 in either system. */
int words_number(char *out, size_t cap, uint64_t n, bool indian);
/* An amount of c in words, with its unit names and "Only". Negative amounts start with "Minus".
 * Same return convention; WORDS_MAX bytes are always enough. */
#define WORDS_MAX 1024
int words_amount(char *out, size_t cap, int64_t minor, const Currency *c);

#endif
