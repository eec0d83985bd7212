/* domain/filestore.c — content-addressed files under the data directory; see
 * filestore.h. Exports filestore_register, filestore_put, filestore_get,
 * filestore_sweep.
 *
 * A path is built only from the tenant id (a UUID, checked) and the SHA-256
 * (64 hex digits, computed here or checked), so no input can point outside
 * DATA_DIR/files. Writes go to a temporary name in the same directory, are
 * fsynced, then renamed into place: a reader sees the whole file or none.
 *
 * Concurrency notes: two uploads of the same bytes race harmlessly (each
 * writes its own temporary file; the second rename replaces identical bytes).
 * An upload refreshes the mtime of a file that already exists, and the sweep
 * only removes files older than the grace period, so a file an uncommitted
 * upload refers to is never swept.
 */
#include "domain/filestore.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/id.h"
#include "core/log.h"
#include "store/store.h"

static const char *tables[8];
static int ntables;

void filestore_register(const char *table)
{
    for (int i = 0; i < ntables; i++)
        if (strcmp(tables[i], table) == 0)
            return;
    if (ntables < (int)(sizeof tables / sizeof tables[0]))
        tables[ntables++] = table;
}

static bool hex64(const char *s)
{
    if (!s || strlen(s) != 64)
        return false;
    for (int i = 0; i < 64; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return true;
}

static int base_dir(Ctx *ctx, char *out, size_t cap, Error *err)
{
    if (!ctx->data_dir || !ctx->data_dir[0])
        return err_set(err, ERR_UNAVAILABLE, NULL, "file storage is not configured (no data directory)");
    if (!uuid_valid(ctx->tenant_id, strlen(ctx->tenant_id)))
        return err_set(err, ERR_INTERNAL, NULL, "file storage needs a tenant");
    int n = snprintf(out, cap, "%s/files/%s", ctx->data_dir, ctx->tenant_id);
    if (n < 0 || (size_t)n >= cap)
        return err_set(err, ERR_INTERNAL, NULL, "the data directory path is too long");
    return 0;
}

static int ensure_dir(const char *path, Error *err)
{
    if (mkdir(path, 0750) < 0 && errno != EEXIST)
        return err_set(err, ERR_UNAVAILABLE, NULL, "cannot create directory %s: %s", path, strerror(errno));
    return 0;
}

int filestore_put(Ctx *ctx, const void *data, size_t len, char sha_out[65], char path_out[FILESTORE_PATH_MAX],
                  Error *err)
{
    char base[900], dir[1000], final[1100], tmp[1200];
    int rc = base_dir(ctx, base, sizeof base, err);
    if (rc < 0)
        return rc;
    id_sha256_hex(sha_out, data, len);
    snprintf(dir, sizeof dir, "%s/files", ctx->data_dir);
    if ((rc = ensure_dir(dir, err)) < 0 || (rc = ensure_dir(base, err)) < 0)
        return rc;
    snprintf(dir, sizeof dir, "%s/%.2s", base, sha_out);
    if ((rc = ensure_dir(dir, err)) < 0)
        return rc;
    snprintf(final, sizeof final, "%s/%s", dir, sha_out);
    snprintf(path_out, FILESTORE_PATH_MAX, "files/%s/%.2s/%s", ctx->tenant_id, sha_out, sha_out);
    struct stat st;
    if (stat(final, &st) == 0 && (size_t)st.st_size == len) {
        utimensat(AT_FDCWD, final, NULL, 0);   /* fresh again for the sweep's grace period */
        return 0;
    }
    char token[32];
    id_random_token(token, sizeof token, 9);
    snprintf(tmp, sizeof tmp, "%s.tmp-%s", final, token);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
    if (fd < 0)
        return err_set(err, ERR_UNAVAILABLE, NULL, "cannot store the file: %s", strerror(errno));
    const unsigned char *p = data;
    size_t left = len;
    while (left > 0) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            rc = err_set(err, ERR_UNAVAILABLE, NULL, "cannot store the file: %s", strerror(errno));
            break;
        }
        p += w;
        left -= (size_t)w;
    }
    if (rc == 0 && fsync(fd) < 0)
        rc = err_set(err, ERR_UNAVAILABLE, NULL, "cannot store the file: %s", strerror(errno));
    close(fd);
    if (rc == 0 && rename(tmp, final) < 0)
        rc = err_set(err, ERR_UNAVAILABLE, NULL, "cannot store the file: %s", strerror(errno));
    if (rc < 0) {
        unlink(tmp);
        return rc;
    }
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    return 0;
}

int filestore_get(Ctx *ctx, const char *sha, size_t max, const unsigned char **data, size_t *len, Error *err)
{
    char base[900], path[1100];
    int rc = base_dir(ctx, base, sizeof base, err);
    if (rc < 0)
        return rc;
    if (!hex64(sha))
        return err_set(err, ERR_INTERNAL, NULL, "stored file has no valid hash");
    snprintf(path, sizeof path, "%s/%.2s/%s", base, sha, sha);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return err_set(err, ERR_INTERNAL, NULL, "the stored file %s is missing", sha);
    struct stat st;
    if (fstat(fd, &st) < 0 || (size_t)st.st_size > max) {
        close(fd);
        return err_set(err, ERR_INTERNAL, NULL, "the stored file %s is larger than allowed", sha);
    }
    size_t n = (size_t)st.st_size;
    unsigned char *buf = arena_alloc(ctx->arena, n + 1);
    size_t got = 0;
    while (buf && got < n) {
        ssize_t r = read(fd, buf + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    if (!buf)
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    char check[65];
    id_sha256_hex(check, buf, got);
    if (got != n || strcmp(check, sha) != 0)
        return err_set(err, ERR_INTERNAL, NULL, "the stored file %s is damaged", sha);
    *data = buf;
    *len = n;
    return 0;
}

static int referenced(Ctx *ctx, const char *sha, bool *out, Error *err)
{
    *out = false;
    for (int i = 0; i < ntables && !*out; i++) {
        char sql[200];
        snprintf(sql, sizeof sql, "SELECT 1 FROM %s WHERE tenant_id = $1 AND sha256 = $2 LIMIT 1", tables[i]);
        Value p[1] = {val_text(sha)};
        Rows r;
        int rc = store_query(ctx->conn, &r, sql, p, 1, err);
        if (rc < 0)
            return rc;
        *out = rows_next(&r);
        rc = rows_error(&r, err);
        rows_close(&r);
        if (rc < 0)
            return rc;
    }
    return 0;
}

int filestore_sweep(Ctx *ctx, int64_t grace_us, int64_t *removed, Error *err)
{
    *removed = 0;
    char base[900];
    int rc = base_dir(ctx, base, sizeof base, err);
    if (rc < 0)
        return rc == -ERR_UNAVAILABLE ? 0 : rc;   /* no data directory: nothing stored */
    DIR *top = opendir(base);
    if (!top)
        return 0;
    struct dirent *d;
    while (rc == 0 && (d = readdir(top))) {
        if (strlen(d->d_name) != 2 || d->d_name[0] == '.')
            continue;
        char dir[1000];
        snprintf(dir, sizeof dir, "%s/%.2s", base, d->d_name);
        DIR *sub = opendir(dir);
        if (!sub)
            continue;
        struct dirent *f;
        while (rc == 0 && (f = readdir(sub))) {
            if (f->d_name[0] == '.')
                continue;
            char path[1300];
            snprintf(path, sizeof path, "%s/%s", dir, f->d_name);
            struct stat st;
            if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
                continue;
            int64_t mtime = (int64_t)st.st_mtim.tv_sec * 1000000 + st.st_mtim.tv_nsec / 1000;
            if (ctx->now - mtime < grace_us)
                continue;
            bool keep = true;
            if (strstr(f->d_name, ".tmp-"))
                keep = false;
            else if (hex64(f->d_name))
                rc = referenced(ctx, f->d_name, &keep, err);
            if (rc == 0 && !keep) {
                if (unlink(path) == 0)
                    (*removed)++;
                else
                    log_printf(LOG_WARN, ctx->request_id, "file sweep: cannot remove %s: %s", path, strerror(errno));
            }
        }
        closedir(sub);
    }
    closedir(top);
    return rc;
}
