/* domain/recon_files.c — contract and billing files: upload and download.
 * Exports recon_files_init.
 *
 *   POST /api/v1/contracts/{id}/files?file_name=x.pdf&description=...   body = the bytes
 *   POST /api/v1/billing_records/{id}/files?file_name=...                body = the bytes
 *   GET  /api/v1/contract_files/{id}/download
 *   GET  /api/v1/billing_files/{id}/download
 * Listing, renaming (file_name, description) and deleting are the generic
 * endpoints of contract_files and billing_files.
 *
 * Rules: at most 10 MiB (413 above, answered by the server before the body is
 * kept); the type comes from the bytes (core/sniff.c): PDF, PNG, JPEG, GIF,
 * XLSX, ZIP, CSV or plain text, anything else is 415; a Content-Type the bytes
 * contradict (application/pdf for something that is not a PDF) is 415 too;
 * an empty body is 422. The file name keeps only its last path component and
 * loses control characters. Bytes are stored by SHA-256 (domain/filestore.c)
 * and the download returns them unchanged, with the sniffed type.
 */
#include <string.h>

#include "core/sniff.h"
#include "domain/domain.h"
#include "domain/filestore.h"
#include "domain/reconcile.h"
#include "model/codec.h"
#include "model/crud.h"

#define FILE_MAX ((size_t)10 * 1024 * 1024)

/* The last path component of a client's file name, without control characters or quotes. */
static const char *clean_name(Ctx *ctx, const char *name, SniffType type)
{
    if (!name || !*name)
        return arena_printf(ctx->arena, "file.%s", sniff_extension(type));
    const char *base = name;
    for (const char *p = name; *p; p++)
        if (*p == '/' || *p == '\\')
            base = p + 1;
    char *out = arena_strdup(ctx->arena, base);
    if (!out)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; out[i]; i++) {
        unsigned char c = (unsigned char)out[i];
        if (c < 0x20 || c == 0x7f || c == '"')
            continue;
        out[k++] = (char)c;
    }
    out[k] = '\0';
    if (k == 0 || strcmp(out, ".") == 0 || strcmp(out, "..") == 0)
        return arena_printf(ctx->arena, "file.%s", sniff_extension(type));
    return out;
}

static int upload(Ctx *ctx, const ActionIn *in, ActionResult *out, const char *parent_table, const char *file_table,
                  const char *parent_field, Error *err)
{
    Row parent;
    int rc = crud_get(ctx, registry_find(parent_table), in->id, false, &parent, err);
    if (rc < 0)
        return rc;
    if (!in->raw || in->raw_len == 0)
        return err_set(err, ERR_INVALID, NULL, "the file is empty: send its bytes as the request body");
    if (in->raw_len > FILE_MAX)
        return err_set(err, ERR_TOO_LARGE, NULL, "a file may be at most 10 MiB");
    SniffType type = sniff_bytes(in->raw, in->raw_len);
    if (type == SNIFF_UNKNOWN)
        return err_set(err, ERR_MEDIA_TYPE, "Content-Type",
                       "the file is not a PDF, PNG, JPEG, GIF, XLSX, ZIP, CSV or text file");
    if (!sniff_claim_ok(in->content_type, type))
        return err_set(err, ERR_MEDIA_TYPE, "Content-Type", "the file is not %s: its bytes are %s", in->content_type,
                       sniff_mime(type));
    const char *name = clean_name(ctx, action_arg(in, "file_name"), type);
    const char *desc = action_arg(in, "description");
    if (!name)
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    const Table *t = registry_find(file_table);
    Row row;
    if (row_init(&row, ctx, t) < 0)
        return err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
    /* validated like any input */
    json_t *body = json_pack("{s:s}", "file_name", name);
    if (desc)
        json_object_set_new(body, "description", json_string(desc));
    rc = codec_from_json(ctx, t, body, &row, false, err);
    json_decref(body);
    if (rc < 0)
        return rc;
    char sha[65], path[FILESTORE_PATH_MAX], now[TS_FORMAT_MAX];
    rc = filestore_put(ctx, in->raw, in->raw_len, sha, path, err);
    if (rc < 0)
        return rc;
    ts_format(now, sizeof now, ctx->now);
    row_set_text(ctx, &row, parent_field, in->id);
    row_set_text(ctx, &row, "file_path", path);
    row_set_text(ctx, &row, "file_type", sniff_mime(type));
    row_set_int(&row, "file_size", (int64_t)in->raw_len);
    row_set_text(ctx, &row, "sha256", sha);
    row_set(&row, "uploaded_by", ctx->user_id[0] ? val_text(ctx->user_id) : val_null());
    row_set_text(ctx, &row, "uploaded_at", now);
    rc = crud_insert_row(ctx, t, &row, err);
    if (rc < 0)
        return rc;
    out->status = 201;
    out->json = codec_to_json(ctx, &row);
    return out->json ? 0 : err_set(err, ERR_UNAVAILABLE, NULL, "out of memory");
}

static int download(Ctx *ctx, const Table *t, const ActionIn *in, ActionResult *out, Error *err)
{
    Row row;
    int rc = crud_get(ctx, t, in->id, false, &row, err);
    if (rc < 0)
        return rc;
    const unsigned char *data = NULL;
    size_t len = 0;
    rc = filestore_get(ctx, row_text(&row, "sha256"), FILE_MAX, &data, &len, err);
    if (rc < 0)
        return rc;
    out->bytes = (const char *)data;
    out->nbytes = len;
    out->content_type = row_text(&row, "file_type");
    /* the header value: printable ASCII only */
    char *fn = arena_strdup(ctx->arena, row_text(&row, "file_name") ? row_text(&row, "file_name") : "file");
    for (char *p = fn; p && *p; p++)
        if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e || *p == '"' || *p == '\\' || *p == ';')
            *p = '_';
    out->filename = fn;
    return 0;
}

static int act_contract_upload(Ctx *ctx, const Table *t, const ActionIn *in, ActionResult *out, Error *err)
{
    return upload(ctx, in, out, "contracts", "contract_files", "contract_id", err);
}

static int act_billing_upload(Ctx *ctx, const Table *t, const ActionIn *in, ActionResult *out, Error *err)
{
    return upload(ctx, in, out, "billing_records", "billing_files", "billing_record_id", err);
}

static const Action contract_upload = {
    .verb = "files", .method = "POST", .write = true, .run = act_contract_upload,
    .doc = "Upload a file of the contract: the body is the file (PDF, image, spreadsheet, CSV; at most 10 MiB)",
    .body_max = FILE_MAX, .raw_body = true,
};

static const Action billing_upload = {
    .verb = "files", .method = "POST", .write = true, .run = act_billing_upload,
    .doc = "Upload a file of the billing record: the body is the file (at most 10 MiB)",
    .body_max = FILE_MAX, .raw_body = true,
};

static const Action contract_download = {
    .verb = "download", .method = "GET", .run = download,
    .doc = "The file's bytes, exactly as uploaded",
};

static const Action billing_download = {
    .verb = "download", .method = "GET", .run = download,
    .doc = "The file's bytes, exactly as uploaded",
};

void recon_files_init(void)
{
    table_add_action("contracts", &contract_upload);
    table_add_action("billing_records", &billing_upload);
    table_add_action("contract_files", &contract_download);
    table_add_action("billing_files", &billing_download);
    filestore_register("contract_files");
    filestore_register("billing_files");
}
