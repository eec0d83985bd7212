/* core/log.c — JSON-lines logger; see log.h.
 * Exports log_set_level, log_get_level, log_level_parse, log_event, log_printf.
 * Concurrency: the level is read without a lock (a plain int written at start-up);
 * each line goes out in one write(2) call.
 */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"

static volatile LogLevel level = LOG_INFO;
static const char *const names[] = {"debug", "info", "warn", "error"};

void log_set_level(LogLevel lvl) { level = lvl; }
LogLevel log_get_level(void) { return level; }

int log_level_parse(LogLevel *out, const char *s)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = (LogLevel)i;
            return 0;
        }
    return -1;
}

static void begin(Buf *b, LogLevel lvl, const char *rid)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    buf_printf(b, "{\"ts\":\"%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ\",\"level\":\"%s\"",
               tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
               ts.tv_nsec / 1000, names[lvl]);
    if (rid && *rid) {
        buf_puts(b, ",\"request_id\":");
        buf_json_str(b, rid, strlen(rid));
    }
}

static void finish(Buf *b)
{
    buf_puts(b, "}\n");
    if (!b->failed) {
        ssize_t n = write(STDERR_FILENO, b->data, b->len);
        (void)n;
    }
    buf_free(b);
}

void log_event(LogLevel lvl, const char *rid, const char *msg, ...)
{
    if (lvl < level)
        return;
    Buf b;
    buf_init(&b, 16384);
    begin(&b, lvl, rid);
    buf_puts(&b, ",\"msg\":");
    buf_json_str(&b, msg, strlen(msg));
    va_list ap;
    va_start(ap, msg);
    for (;;) {
        const char *k = va_arg(ap, const char *);
        if (!k)
            break;
        const char *v = va_arg(ap, const char *);
        buf_putc(&b, ',');
        buf_json_str(&b, k, strlen(k));
        buf_putc(&b, ':');
        if (v)
            buf_json_str(&b, v, strlen(v));
        else
            buf_puts(&b, "null");
    }
    va_end(ap);
    finish(&b);
}

void log_printf(LogLevel lvl, const char *rid, const char *fmt, ...)
{
    if (lvl < level)
        return;
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    Buf b;
    buf_init(&b, 16384);
    begin(&b, lvl, rid);
    buf_puts(&b, ",\"msg\":");
    buf_json_str(&b, msg, strlen(msg));
    finish(&b);
}
