/* core/tz.c — IANA time zones from TZif files; see tz.h.
 * Exports tz_valid, tz_offset, tz_local_date.
 *
 * A TZif file (RFC 8536) holds a header, a version-1 block with 32-bit
 * transition times, and (version 2 and later) the same data again with 64-bit
 * times; we read the 64-bit block when there is one. For each transition we
 * keep its time and the UT offset of the local time type it switches to.
 * Before the first transition the first standard-time type applies (RFC 8536
 * section 3.2); after the last one its type stays in force.
 *
 * Concurrency notes: loaded zones are kept in a small table that only grows;
 * lookups and loads take one mutex, and a loaded zone is never changed or
 * freed afterwards, so the pointers handed out stay valid.
 */
#include "core/tz.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ZONES 64
#define MAX_FILE (256 * 1024)

typedef struct Zone {
    char name[65];
    bool ok;               /* false: no such zone (cached, too) */
    int n;                 /* transitions */
    int64_t *at;           /* seconds since the epoch */
    int32_t *off;          /* offset in force from at[i] */
    int32_t initial;       /* offset before at[0] */
} Zone;

static Zone zones[MAX_ZONES];
static int nzones;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static bool name_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > 64 || s[0] == '/' || strstr(s, ".."))
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '/' || c == '_' ||
              c == '-' || c == '+'))
            return false;
    }
    return true;
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
    return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

/* Parses one data block starting at p (header included); tsize 4 or 8. Returns bytes used or -1. */
static long parse_block(Zone *z, const unsigned char *p, size_t len, int tsize, bool keep)
{
    if (len < 44 || memcmp(p, "TZif", 4) != 0)
        return -1;
    uint32_t isut = be32(p + 20), isstd = be32(p + 24), leap = be32(p + 28), timecnt = be32(p + 32),
             typecnt = be32(p + 36), charcnt = be32(p + 40);
    if (typecnt == 0 || typecnt > 256 || timecnt > 100000 || leap > 10000 || charcnt > 100000)
        return -1;
    size_t need = 44 + (size_t)timecnt * (size_t)tsize + timecnt + (size_t)typecnt * 6 + charcnt +
                  (size_t)leap * (size_t)(tsize + 4) + isstd + isut;
    if (need > len)
        return -1;
    if (!keep)
        return (long)need;
    const unsigned char *times = p + 44;
    const unsigned char *idx = times + (size_t)timecnt * (size_t)tsize;
    const unsigned char *types = idx + timecnt;
    z->at = malloc(sizeof(int64_t) * (timecnt ? timecnt : 1));
    z->off = malloc(sizeof(int32_t) * (timecnt ? timecnt : 1));
    if (!z->at || !z->off)
        return -1;
    for (uint32_t i = 0; i < timecnt; i++) {
        z->at[i] = tsize == 8 ? be64(times + (size_t)i * 8) : (int64_t)(int32_t)be32(times + (size_t)i * 4);
        unsigned t = idx[i];
        if (t >= typecnt)
            return -1;
        z->off[i] = (int32_t)be32(types + (size_t)t * 6);
    }
    z->n = (int)timecnt;
    z->initial = (int32_t)be32(types);
    for (uint32_t t = 0; t < typecnt; t++)
        if (types[(size_t)t * 6 + 4] == 0) {   /* the first standard-time type */
            z->initial = (int32_t)be32(types + (size_t)t * 6);
            break;
        }
    return (long)need;
}

static void load(Zone *z)
{
    const char *dir = getenv("TZDIR");
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", z->name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return;
    unsigned char *buf = malloc(MAX_FILE);
    size_t len = buf ? fread(buf, 1, MAX_FILE, f) : 0;
    fclose(f);
    if (len >= 44 && memcmp(buf, "TZif", 4) == 0) {
        bool v2 = buf[4] >= '2';
        long used = parse_block(z, buf, len, 4, !v2);
        if (used > 0 && v2)
            used = parse_block(z, buf + used, len - (size_t)used, 8, true);
        z->ok = used > 0;
    }
    free(buf);
    if (!z->ok) {
        free(z->at);
        free(z->off);
        z->at = NULL;
        z->off = NULL;
        z->n = 0;
    }
}

static const Zone *find(const char *name)
{
    if (!name_ok(name))
        return NULL;
    const Zone *found = NULL;
    pthread_mutex_lock(&lock);
    for (int i = 0; i < nzones && !found; i++)
        if (strcmp(zones[i].name, name) == 0)
            found = &zones[i];
    if (!found && nzones < MAX_ZONES) {
        Zone *z = &zones[nzones];
        memset(z, 0, sizeof *z);
        snprintf(z->name, sizeof z->name, "%s", name);
        load(z);
        nzones++;
        found = z;
    }
    pthread_mutex_unlock(&lock);
    return found && found->ok ? found : NULL;
}

bool tz_valid(const char *zone)
{
    return find(zone) != NULL;
}

bool tz_offset(const char *zone, Timestamp t, int32_t *out)
{
    *out = 0;
    const Zone *z = find(zone);
    if (!z)
        return false;
    int64_t s = t / TS_PER_SECOND - (t % TS_PER_SECOND < 0 ? 1 : 0);
    if (z->n == 0 || s < z->at[0]) {
        *out = z->initial;
        return true;
    }
    int lo = 0, hi = z->n - 1;   /* the last transition at or before s */
    while (lo < hi) {
        int mid = lo + (hi - lo + 1) / 2;
        if (z->at[mid] <= s)
            lo = mid;
        else
            hi = mid - 1;
    }
    *out = z->off[lo];
    return true;
}

Date tz_local_date(const char *zone, Timestamp t)
{
    int32_t off = 0;
    if (zone)
        tz_offset(zone, t, &off);
    return ts_date(t + (int64_t)off * TS_PER_SECOND);
}
