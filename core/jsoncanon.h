/* core/jsoncanon.h — is a JSON text already in canonical form?
 *
 * Canonical here is what jansson's json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY)
 * writes: no whitespace, object keys in strictly increasing byte order, strings escaped exactly as
 * jansson escapes them, integers without a sign of plus, leading zeros or "-0". A text for which
 * json_canonical answers true is byte for byte what parsing it with json_loadb(JSON_DECODE_ANY)
 * and dumping it again gives, so a writer can copy it instead (the audit trail copies every
 * JSON column of every audited row). Answers false, conservatively, for anything it is not sure
 * of: real numbers, escaped keys, escapes jansson would not write, deep nesting, invalid UTF-8.
 */
#ifndef REMIT_CORE_JSONCANON_H
#define REMIT_CORE_JSONCANON_H

#include <stdbool.h>
#include <stddef.h>

bool json_canonical(const char *s, size_t n);

#endif
