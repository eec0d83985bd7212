/* core/sniff.h — what a file really is, from its bytes.
 *
 * Uploads are never trusted for their type: the content type comes from the
 * bytes (magic numbers, the ZIP directory of an XLSX, the text check for CSV),
 * and a client's claimed type is only compared with it. Pure functions, no
 * allocation, no I/O.
 *
 * Recognised: PDF, PNG, JPEG, GIF, XLSX (an Office Open XML spreadsheet), any
 * other ZIP, CSV and plain text (UTF-8 without control characters other than
 * tab, CR and LF). Everything else is SNIFF_UNKNOWN.
 */
#ifndef REMIT_CORE_SNIFF_H
#define REMIT_CORE_SNIFF_H

#include <stdbool.h>
#include <stddef.h>

typedef enum SniffType {
    SNIFF_UNKNOWN,
    SNIFF_PDF,
    SNIFF_PNG,
    SNIFF_JPEG,
    SNIFF_GIF,
    SNIFF_XLSX,
    SNIFF_ZIP,
    SNIFF_CSV,
    SNIFF_TEXT,
    SNIFF__COUNT
} SniffType;

/* The type of len bytes (len 0 is SNIFF_UNKNOWN). */
SniffType sniff_bytes(const unsigned char *p, size_t len);

/* "application/pdf", "image/png", ... ("application/octet-stream" for unknown). */
const char *sniff_mime(SniffType t);
/* A file name extension without the dot ("pdf", "xlsx"; "bin" for unknown). */
const char *sniff_extension(SniffType t);

/* Whether a client's claimed Content-Type (parameters such as "; charset=" are
 * ignored, case-insensitive) is compatible with what the bytes are. NULL, "",
 * application/octet-stream and binary/octet-stream claim nothing and are always
 * compatible. Aliases browsers send are accepted: image/jpg and image/pjpeg for
 * JPEG, application/vnd.ms-excel and application/csv for CSV, any text/ type for any
 * text, application/zip and application/x-zip-compressed for an XLSX or a ZIP. */
bool sniff_claim_ok(const char *claimed, SniffType actual);

#endif
