/* core/sniff.c — content-type sniffing from the bytes; see sniff.h.
 * Exports sniff_bytes, sniff_mime, sniff_extension, sniff_claim_ok.
 *
 * Binary formats are recognised by their magic numbers. A ZIP is an XLSX when
 * its central directory (read from the end-of-central-directory record, every
 * offset bounds-checked) names both "[Content_Types].xml" and
 * "xl/workbook.xml"; names in the directory are stored uncompressed, so this
 * needs no inflating. Text is strict UTF-8 (no overlong forms, no surrogates,
 * no truncated sequence; a leading BOM is allowed) without NUL or control
 * characters other than tab, CR and LF. Text is CSV when its first line has a
 * delimiter (comma, semicolon or tab) outside quotes and the next lines
 * sampled (up to 8) have as many of that delimiter.
 */
#include "core/sniff.h"

#include <stdint.h>
#include <string.h>

#include "core/utf8.h"

static const struct {
    const char *mime, *ext;
} names[SNIFF__COUNT] = {
    [SNIFF_UNKNOWN] = {"application/octet-stream", "bin"},
    [SNIFF_PDF] = {"application/pdf", "pdf"},
    [SNIFF_PNG] = {"image/png", "png"},
    [SNIFF_JPEG] = {"image/jpeg", "jpg"},
    [SNIFF_GIF] = {"image/gif", "gif"},
    [SNIFF_XLSX] = {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"},
    [SNIFF_ZIP] = {"application/zip", "zip"},
    [SNIFF_CSV] = {"text/csv", "csv"},
    [SNIFF_TEXT] = {"text/plain", "txt"},
};

const char *sniff_mime(SniffType t)
{
    return (t >= 0 && t < SNIFF__COUNT) ? names[t].mime : names[SNIFF_UNKNOWN].mime;
}

const char *sniff_extension(SniffType t)
{
    return (t >= 0 && t < SNIFF__COUNT) ? names[t].ext : names[SNIFF_UNKNOWN].ext;
}

static uint32_t le16(const unsigned char *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Walks the ZIP central directory; true when it names both XLSX parts. */
static bool zip_is_xlsx(const unsigned char *p, size_t len)
{
    if (len < 22)
        return false;
    /* The end record is 22 bytes plus a comment of up to 65535 bytes. */
    size_t lo = len > 22 + 65535 ? len - 22 - 65535 : 0;
    size_t eocd = SIZE_MAX;
    for (size_t i = len - 22 + 1; i-- > lo;) {
        if (memcmp(p + i, "PK\x05\x06", 4) == 0) {
            eocd = i;
            break;
        }
    }
    if (eocd == SIZE_MAX)
        return false;
    uint32_t count = le16(p + eocd + 10);
    size_t off = le32(p + eocd + 16);
    bool types = false, workbook = false;
    for (uint32_t k = 0; k < count; k++) {
        if (off > len || len - off < 46 || memcmp(p + off, "PK\x01\x02", 4) != 0)
            return false;
        size_t nlen = le16(p + off + 28), xlen = le16(p + off + 30), clen = le16(p + off + 32);
        if (len - off - 46 < nlen)
            return false;
        const unsigned char *name = p + off + 46;
        if (nlen == 19 && memcmp(name, "[Content_Types].xml", 19) == 0)
            types = true;
        if (nlen == 15 && memcmp(name, "xl/workbook.xml", 15) == 0)
            workbook = true;
        off += 46 + nlen + xlen + clen;
    }
    return types && workbook;
}

/* Strict UTF-8 without NUL or control characters other than \t \r \n. */
static bool is_text(const unsigned char *p, size_t len)
{
    size_t i = 0;
    if (len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
        i = 3;
    if (!utf8_valid((const char *)p + i, len - i))
        return false;
    /* well-formed: now no control characters, ASCII (but tab, CR, LF, and DEL) or C1 (U+0080..U+009F,
     * encoded C2 80..C2 9F; 0xC2 is never a continuation byte) */
    for (; i < len; i++) {
        unsigned c = p[i];
        if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7F)
            return false;
        if (c == 0xC2 && i + 1 < len && p[i + 1] < 0xA0)
            return false;
    }
    return true;
}

/* Counts delimiter d outside double quotes on the line starting at *pos; moves *pos past it.
 * Quoted fields may span lines (RFC 4180), so a line ends only at a newline outside quotes.
 * *complete is false when the text ends before the line does. */
static int count_delims(const unsigned char *p, size_t len, size_t *pos, unsigned char d, bool *complete)
{
    int n = 0;
    bool quoted = false;
    size_t i = *pos;
    *complete = false;
    for (; i < len; i++) {
        unsigned char c = p[i];
        if (c == '"')
            quoted = !quoted;
        else if (!quoted && c == d)
            n++;
        else if (!quoted && c == '\n') {
            i++;
            *complete = true;
            break;
        }
    }
    *pos = i;
    return n;
}

static bool looks_csv(const unsigned char *p, size_t len)
{
    static const unsigned char delims[] = {',', ';', '\t'};
    size_t start = (len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) ? 3 : 0;
    for (size_t k = 0; k < sizeof delims; k++) {
        size_t pos = start;
        bool complete;
        int first = count_delims(p, len, &pos, delims[k], &complete);
        if (first == 0)
            continue;
        bool same = true;
        for (int line = 0; line < 8 && pos < len && same; line++) {
            size_t at = pos;
            int n = count_delims(p, len, &pos, delims[k], &complete);
            bool blank = pos - at <= 2 && (p[at] == '\n' || p[at] == '\r');
            if (!blank && (complete || pos == len) && n != first)
                same = false;
        }
        if (same)
            return true;
    }
    return false;
}

SniffType sniff_bytes(const unsigned char *p, size_t len)
{
    if (!p || len == 0)
        return SNIFF_UNKNOWN;
    if (len >= 5 && memcmp(p, "%PDF-", 5) == 0)
        return SNIFF_PDF;
    if (len >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0)
        return SNIFF_PNG;
    if (len >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF)
        return SNIFF_JPEG;
    if (len >= 6 && (memcmp(p, "GIF87a", 6) == 0 || memcmp(p, "GIF89a", 6) == 0))
        return SNIFF_GIF;
    if (len >= 4 && (memcmp(p, "PK\x03\x04", 4) == 0 || memcmp(p, "PK\x05\x06", 4) == 0))
        return zip_is_xlsx(p, len) ? SNIFF_XLSX : SNIFF_ZIP;
    if (is_text(p, len))
        return looks_csv(p, len) ? SNIFF_CSV : SNIFF_TEXT;
    return SNIFF_UNKNOWN;
}

/* The claimed type without parameters or surrounding blanks, lower-cased into out. */
static void bare(char *out, size_t cap, const char *claimed)
{
    while (*claimed == ' ' || *claimed == '\t')
        claimed++;
    size_t n = 0;
    while (claimed[n] && claimed[n] != ';' && n + 1 < cap)
        n++;
    while (n && (claimed[n - 1] == ' ' || claimed[n - 1] == '\t'))
        n--;
    for (size_t i = 0; i < n; i++) {
        char c = claimed[i];
        out[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    out[n] = '\0';
}

bool sniff_claim_ok(const char *claimed, SniffType actual)
{
    if (!claimed)
        return true;
    char t[128];
    bare(t, sizeof t, claimed);
    if (!t[0] || strcmp(t, "application/octet-stream") == 0 || strcmp(t, "binary/octet-stream") == 0)
        return true;
    if (strcmp(t, sniff_mime(actual)) == 0 && actual != SNIFF_UNKNOWN)
        return true;
    switch (actual) {
    case SNIFF_JPEG:
        return strcmp(t, "image/jpg") == 0 || strcmp(t, "image/pjpeg") == 0;
    case SNIFF_CSV:
        return strncmp(t, "text/", 5) == 0 || strcmp(t, "application/vnd.ms-excel") == 0 ||
               strcmp(t, "application/csv") == 0;
    case SNIFF_TEXT:
        return strncmp(t, "text/", 5) == 0;
    case SNIFF_XLSX:
    case SNIFF_ZIP:
        return strcmp(t, "application/zip") == 0 || strcmp(t, "application/x-zip-compressed") == 0;
    default:
        return false;
    }
}
