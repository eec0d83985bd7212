/* cli/main.c — the `remit` command: serve, migrate, demo.
 *
 *   remit serve   [--db URL] [--listen ADDR:PORT] [--data-dir DIR] [--threads N]
 *   remit migrate [--db URL] [--data-dir DIR]
 *   remit demo    [--db URL] [--data-dir DIR]      a demo tenant with sample data
 *   remit --help
 * Environment: REMIT_DB, REMIT_LISTEN, REMIT_DATA_DIR, REMIT_THREADS,
 * REMIT_SECRET (64 hex chars; otherwise DATA_DIR/secret.key is created),
 * REMIT_LOG_LEVEL (debug|info|warn|error), REMIT_BODY_MAX (bytes),
 * REMIT_TEST_MODE=1 (test-only endpoints and cheap password hashing),
 * REMIT_SETTINGS_KEY (64 hex chars: seals secret settings; without it they are refused),
 * REMIT_PUBLIC_URL (the address users open Remit at, for links in mails),
 * REMIT_EXPORT_MAX (bytes, cap of the tenant export; default 32 MiB).
 */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/server.h"
#include "cli/cli.h"
#include "core/id.h"
#include "core/log.h"
#include "domain/auth.h"
#include "domain/domain.h"
#include "domain/jobs.h"
#include "domain/outbox.h"
#include "domain/password.h"
#include "domain/pdf.h"
#include "model/migrate.h"
#include "model/registry.h"

static void usage(FILE *f)
{
    fputs("usage: remit <command> [options]\n"
          "\n"
          "commands:\n"
          "  serve      run the HTTP API and web console\n"
          "  migrate    create or upgrade the database schema, then exit\n"
          "  demo       create the demo tenant with sample data (idempotent), then exit\n"
          "  audit verify [--tenant SLUG]   check the audit hash chains; exit 1 naming the first broken row\n"
          "  jobs run   run the daily jobs that are due now (the server does this every minute)\n"
          "  bill-run --date YYYY-MM-DD   invoice every customer whose cycles end on or before the date\n"
          "  export ubl --from D --to D --out DIR [--tenant SLUG] [--gst]   finalized invoices and credit notes\n"
          "             as UBL 2.1 e-invoices (EN 16931, Peppol BIS 3.0), or GST e-invoice JSON; exit 1 if one lacks data\n"
          "  tenant list | activate SLUG --plan P [--months N] | suspend SLUG | resume SLUG   (operator)\n"
          "  reconcile --tenant SLUG [--date YYYY-MM-DD] [--daily] [--full]   match a tenant's bills against its contracts now\n"
          "\n"
          "options (and environment variables):\n"
          "  --db URL            sqlite:FILE or postgres://user:pass@host:port/db   (REMIT_DB)\n"
          "                      default: sqlite:DATA_DIR/remit.db\n"
          "  --listen ADDR:PORT  default 127.0.0.1:8080                             (REMIT_LISTEN)\n"
          "  --data-dir DIR      files, secret key, default SQLite file; default ./data (REMIT_DATA_DIR)\n"
          "  --threads N         HTTP worker threads, default 2 x CPUs (min 4)     (REMIT_THREADS)\n"
          "  -h, --help          this text\n",
          f);
}

static int parse_opts(CliOpts *o, int argc, char **argv)
{
    const char *e;
    o->db = (e = getenv("REMIT_DB")) && *e ? e : NULL;
    o->listen = (e = getenv("REMIT_LISTEN")) && *e ? e : "127.0.0.1:8080";
    o->data_dir = (e = getenv("REMIT_DATA_DIR")) && *e ? e : "data";
    o->threads = (e = getenv("REMIT_THREADS")) ? (int)strtol(e, NULL, 10) : 0;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            exit(0);
        }
        const char **slot = strcmp(a, "--db") == 0 ? &o->db
                            : strcmp(a, "--listen") == 0 ? &o->listen
                            : strcmp(a, "--data-dir") == 0 ? &o->data_dir
                            : NULL;
        if (slot) {
            if (!v) {
                fprintf(stderr, "remit: %s needs a value\n", a);
                return -1;
            }
            *slot = v;
            i++;
        } else if (strcmp(a, "--threads") == 0 && v) {
            o->threads = (int)strtol(v, NULL, 10);
            i++;
        } else {
            o->rest[o->nrest++] = a;
            if (o->nrest >= (int)(sizeof o->rest / sizeof o->rest[0]))
                return -1;
        }
    }
    if (o->threads <= 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        o->threads = n > 0 ? (int)n * 2 : 4;
        if (o->threads < 4)
            o->threads = 4;
    }
    if (mkdir(o->data_dir, 0750) < 0 && errno != EEXIST) {
        fprintf(stderr, "remit: cannot create data directory %s: %s\n", o->data_dir, strerror(errno));
        return -1;
    }
    if (!o->db) {
        snprintf(o->default_db, sizeof o->default_db, "sqlite:%s/remit.db", o->data_dir);
        o->db = o->default_db;
    }
    return 0;
}

/* The server secret signs access tokens: from REMIT_SECRET, or DATA_DIR/secret.key (made once). */
static int load_secret(const CliOpts *o, unsigned char key[32])
{
    const char *env = getenv("REMIT_SECRET");
    if (env && *env) {
        size_t n = 0;
        if (sodium_hex2bin(key, 32, env, strlen(env), NULL, &n, NULL) != 0 || n != 32) {
            fprintf(stderr, "remit: REMIT_SECRET must be 64 hex characters\n");
            return -1;
        }
        return 0;
    }
    char path[1024];
    snprintf(path, sizeof path, "%s/secret.key", o->data_dir);
    int fd = open(path, O_RDONLY);
    if (fd >= 0) {
        ssize_t n = read(fd, key, 32);
        close(fd);
        if (n == 32)
            return 0;
        fprintf(stderr, "remit: %s is damaged; delete it to make a new one (signs everyone out)\n", path);
        return -1;
    }
    randombytes_buf(key, 32);
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0 || write(fd, key, 32) != 32) {
        if (fd >= 0)
            close(fd);
        fprintf(stderr, "remit: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    close(fd);
    return 0;
}

int cli_open(const CliOpts *o, Store **out, int pool)
{
    Error e;
    err_clear(&e);
    if (store_open(out, o->db, pool, &e) < 0) {
        fprintf(stderr, "remit: %s\n", e.message);
        return -1;
    }
    int n = 0;
    if (migrate_run(*out, &n, &e) < 0) {
        fprintf(stderr, "remit: migration failed: %s%s%s\n", e.message, e.detail[0] ? ": " : "", e.detail);
        store_close(*out);
        *out = NULL;
        return -1;
    }
    if (n)
        log_printf(LOG_INFO, NULL, "migrated: %d change(s)", n);
    return 0;
}

static int cmd_serve(const CliOpts *o)
{
    Store *s = NULL;
    if (cli_open(o, &s, o->threads + 2) < 0)
        return 1;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);   /* worker threads inherit the mask */
    signal(SIGPIPE, SIG_IGN);
    const char *bm = getenv("REMIT_BODY_MAX");
    ServerConfig cfg = {
        .listen = o->listen,
        .threads = o->threads,
        .body_max = bm ? (size_t)strtoull(bm, NULL, 10) : 1024 * 1024,
        .data_dir = o->data_dir,
        .test_mode = o->test_mode,
    };
    Server srv;
    Error e;
    if (server_start(&srv, s, &cfg, &e) < 0) {
        fprintf(stderr, "remit: %s\n", e.message);
        store_close(s);
        return 1;
    }
    char url[160];
    const char *colon = strrchr(o->listen, ':');
    snprintf(url, sizeof url, "http://%.*s:%d/", colon ? (int)(colon - o->listen) : 9, colon ? o->listen : "127.0.0.1",
             srv.port);
    OutboxConfig ocfg = {
        .data_dir = o->data_dir,
        .smtp_url = getenv("REMIT_SMTP_URL"),
        .mail_from = getenv("REMIT_MAIL_FROM"),
        .interval_ms = o->test_mode ? 200 : 1000,
    };
    if (outbox_start(s, &ocfg) < 0)
        log_printf(LOG_ERROR, NULL, "cannot start the outbox worker");
    if (jobs_start(s, o->test_mode ? 5000 : 60000) < 0)
        log_printf(LOG_ERROR, NULL, "cannot start the daily job scheduler");
    log_event(LOG_INFO, NULL, "listening", "url", url, "store", store_dialect_name(s), NULL);
    printf("remit: serving on %s (%s)\n", url, store_dialect_name(s));
    fflush(stdout);
    int sig = 0;
    sigwait(&set, &sig);
    log_printf(LOG_INFO, NULL, "signal %d: finishing in-flight requests", sig);
    server_stop(&srv, 30);
    jobs_stop();
    password_stop();
    outbox_stop();
    pdf_shutdown();
    store_close(s);
    log_printf(LOG_INFO, NULL, "stopped");
    return 0;
}

static int cmd_migrate(const CliOpts *o)
{
    Store *s = NULL;
    if (cli_open(o, &s, 1) < 0)
        return 1;
    printf("remit: database is up to date (%s)\n", store_dialect_name(s));
    store_close(s);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    const char *lvl = getenv("REMIT_LOG_LEVEL");
    LogLevel ll;
    if (lvl && log_level_parse(&ll, lvl) == 0)
        log_set_level(ll);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (id_init() < 0) {
        fprintf(stderr, "remit: libsodium failed to start\n");
        return 1;
    }
    Error e;
    if (registry_init(&e) < 0) {
        fprintf(stderr, "remit: registry: %s\n", e.message);
        return 1;
    }
    domain_init();
    CliOpts o;
    memset(&o, 0, sizeof o);
    const char *tm = getenv("REMIT_TEST_MODE");
    o.test_mode = tm && strcmp(tm, "1") == 0;
    if (parse_opts(&o, argc, argv) < 0)
        return 2;
    unsigned char key[32];
    if (load_secret(&o, key) < 0)
        return 1;
    auth_init(key, o.test_mode);
    sodium_memzero(key, sizeof key);
    int rc;
    if (strcmp(argv[1], "serve") == 0) {
        auth_warm();
        rc = cmd_serve(&o);
    }
    else if (strcmp(argv[1], "migrate") == 0)
        rc = cmd_migrate(&o);
    else if (strcmp(argv[1], "demo") == 0)
        rc = cmd_demo(&o);
    else if (strcmp(argv[1], "audit") == 0)
        rc = cmd_audit(&o);
    else if (strcmp(argv[1], "tenant") == 0)
        rc = cmd_tenant(&o);
    else if (strcmp(argv[1], "jobs") == 0)
        rc = cmd_jobs(&o);
    else if (strcmp(argv[1], "reconcile") == 0)
        rc = cmd_reconcile(&o);
    else if (strcmp(argv[1], "bill-run") == 0)
        rc = cmd_bill_run(&o);
    else if (strcmp(argv[1], "export") == 0)
        rc = cmd_export(&o);
    else {
        fprintf(stderr, "remit: unknown command %s\n\n", argv[1]);
        usage(stderr);
        rc = 2;
    }
    registry_free();
    curl_global_cleanup();
    return rc;
}
