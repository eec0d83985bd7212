/* core/utf8.h — is a byte string well-formed UTF-8?
 *
 * The rule jansson applies to every string it builds or parses (RFC 3629): no overlong forms, no
 * surrogates (U+D800..U+DFFF), nothing above U+10FFFF. Writers that produce JSON text directly
 * (model/codec.c codec_value_put) check it so that they refuse exactly what jansson refuses.
 */
#ifndef REMIT_CORE_UTF8_H
#define REMIT_CORE_UTF8_H

#include <stdbool.h>
#include <stddef.h>

bool utf8_valid(const char *s, size_t n);

#endif
