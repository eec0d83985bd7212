/* tests/unit/test_words.c — domain/words (amounts in words: the Indian system
 * of lakh and crore for INR, the international one otherwise) and
 * print_money's digit grouping (1,23,456.78 for INR). One row per case. */
#include <criterion/criterion.h>
#include <string.h>

#include "domain/print.h"
#include "domain/words.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

Test(words, numbers_in_the_indian_system_use_lakh_and_crore)
{
    static const struct { uint64_t n; const char *want; } rows[] = {
        {0, "Zero"},
        {7, "Seven"},
        {19, "Nineteen"},
        {21, "Twenty One"},
        {100, "One Hundred"},
        {999, "Nine Hundred Ninety Nine"},
        {1000, "One Thousand"},
        {12345, "Twelve Thousand Three Hundred Forty Five"},
        {100000, "One Lakh"},
        {123456, "One Lakh Twenty Three Thousand Four Hundred Fifty Six"},
        {9999999, "Ninety Nine Lakh Ninety Nine Thousand Nine Hundred Ninety Nine"},
        {10000000, "One Crore"},
        {12345678, "One Crore Twenty Three Lakh Forty Five Thousand Six Hundred Seventy Eight"},
        {1000000000, "One Hundred Crore"},
        {1000000000000ULL, "One Lakh Crore"},
    };
    for (size_t i = 0; i < N(rows); i++) {
        char buf[512];
        cr_assert_gt(words_number(buf, sizeof buf, rows[i].n, true), 0);
        cr_expect_str_eq(buf, rows[i].want, "%llu", (unsigned long long)rows[i].n);
    }
}

Test(words, numbers_in_the_international_system_use_million_and_billion)
{
    static const struct { uint64_t n; const char *want; } rows[] = {
        {123456, "One Hundred Twenty Three Thousand Four Hundred Fifty Six"},
        {1000000, "One Million"},
        {2500000001ULL, "Two Billion Five Hundred Million One"},
        {UINT64_MAX, "Eighteen Quintillion Four Hundred Forty Six Quadrillion Seven Hundred Forty Four Trillion "
                     "Seventy Three Billion Seven Hundred Nine Million Five Hundred Fifty One Thousand Six Hundred "
                     "Fifteen"},
    };
    for (size_t i = 0; i < N(rows); i++) {
        char buf[512];
        cr_assert_gt(words_number(buf, sizeof buf, rows[i].n, false), 0);
        cr_expect_str_eq(buf, rows[i].want, "%llu", (unsigned long long)rows[i].n);
    }
}

Test(words, amounts_carry_unit_names_and_only)
{
    static const struct { const char *code; int64_t minor; const char *want; } rows[] = {
        {"INR", 12345678, "Rupees One Lakh Twenty Three Thousand Four Hundred Fifty Six and Seventy Eight Paise Only"},
        {"INR", 129799, "Rupees One Thousand Two Hundred Ninety Seven and Ninety Nine Paise Only"},
        {"INR", 100, "Rupee One Only"},
        {"INR", 101, "Rupee One and One Paisa Only"},
        {"INR", 0, "Rupees Zero Only"},
        {"INR", -5000, "Minus Rupees Fifty Only"},
        {"INR", 1000000000, "Rupees One Crore Only"},
        {"USD", 123456789, "Dollars One Million Two Hundred Thirty Four Thousand Five Hundred Sixty Seven and "
                           "Eighty Nine Cents Only"},
        {"EUR", 1, "Euros Zero and One Cent Only"},
        {"JPY", 1500, "Yen One Thousand Five Hundred Only"},
        {"KWD", 1250, "Kuwaiti Dinar One and 250/1000 Only"},
    };
    for (size_t i = 0; i < N(rows); i++) {
        char buf[WORDS_MAX];
        const Currency *c = currency_find(rows[i].code);
        cr_assert_not_null(c);
        cr_assert_gt(words_amount(buf, sizeof buf, rows[i].minor, c), 0);
        cr_expect_str_eq(buf, rows[i].want, "%s %lld", rows[i].code, (long long)rows[i].minor);
    }
    char small[8];
    cr_expect_eq(words_amount(small, sizeof small, 12345678, currency_find("INR")), -1, "too small a buffer is -1");
    cr_expect_str_eq(small, "");
}

Test(words, money_is_grouped_the_indian_way_for_inr)
{
    static const struct { const char *code; int64_t minor; bool sym; const char *want; } rows[] = {
        {"INR", 12345678, false, "1,23,456.78"},
        {"INR", 129799, true, "₹1,297.99"},
        {"INR", 10000000000, false, "10,00,00,000.00"},
        {"INR", 99, false, "0.99"},
        {"INR", -12345678, false, "-1,23,456.78"},
        {"USD", 123456789, true, "$1,234,567.89"},
        {"JPY", 1234567, false, "1,234,567"},
    };
    for (size_t i = 0; i < N(rows); i++) {
        char buf[96];
        cr_assert_gt(print_money(buf, sizeof buf, rows[i].minor, currency_find(rows[i].code), rows[i].sym), 0);
        cr_expect_str_eq(buf, rows[i].want);
    }
}
