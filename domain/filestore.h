/* domain/filestore.h — files stored by content under the data directory.
 *
 * Bytes live at DATA_DIR/files/<tenant id>/<first two hex digits>/<sha256>,
 * never at a path taken from user input; rows of tables that hold files keep
 * the SHA-256 (column "sha256"). The same bytes uploaded twice are stored
 * once. A file is removed by filestore_sweep once no row of any registered
 * table refers to it and it is older than a grace period, so deleting one of
 * two rows keeps the file, and a delete that rolls back never loses bytes.
 */
#ifndef REMIT_DOMAIN_FILESTORE_H
#define REMIT_DOMAIN_FILESTORE_H

#include <stddef.h>

#include "store/ctx.h"
#include "core/error.h"

#define FILESTORE_PATH_MAX 160
#define FILESTORE_GRACE_US ((int64_t)24 * 3600 * 1000000)

/* Tables whose rows refer to stored files by their "sha256" column (at start-up). */
void filestore_register(const char *table);

/* Stores len bytes for ctx's tenant: sha_out gets the SHA-256, path_out the path relative to
 * the data directory ("files/<tenant>/ab/ab12..."). Writes to a temporary file, fsyncs, renames. */
int filestore_put(Ctx *ctx, const void *data, size_t len, char sha_out[65], char path_out[FILESTORE_PATH_MAX],
                  Error *err);
/* Reads a stored file (at most max bytes) into ctx's arena and checks its SHA-256. */
int filestore_get(Ctx *ctx, const char *sha, size_t max, const unsigned char **data, size_t *len, Error *err);
/* Removes ctx's tenant's files that no registered table refers to and that are older than grace_us
 * (measured against ctx->now), and temporary files as old. *removed counts them. */
int filestore_sweep(Ctx *ctx, int64_t grace_us, int64_t *removed, Error *err);

#endif
