/* model/codec.h — values in and out: JSON input to rows (validated), rows to
 * JSON, query-string text to values, database rows to Rows.
 */
#ifndef REMIT_MODEL_CODEC_H
#define REMIT_MODEL_CODEC_H

#include "core/buf.h"
#include "model/registry.h"

/* Decodes a JSON object into row (already row_init'ed, or holding the old values for an update).
 * Unknown keys -> ERR_UNKNOWN_FIELD (unless the table's extra_input hook takes them); read-only or
 * internal -> ERR_READONLY; immutable on update -> ERR_READONLY; wrong JSON type -> ERR_TYPE; bad
 * values -> ERR_INVALID / ERR_PRECISION / ERR_RANGE, each naming the field. */
int codec_from_json(Ctx *ctx, const Table *t, json_t *obj, Row *row, bool update, Error *err);
/* Fills defaults for fields not set and checks required fields (create). */
int codec_apply_defaults(Ctx *ctx, const Table *t, Row *row, Error *err);
/* Decodes one field's value from JSON (used by codec_from_json and by domain code). */
int codec_field_from_json(Ctx *ctx, const Table *t, int col, json_t *v, const Row *row, Value *out, Error *err);
/* Decodes one field's value from query-string text (filters): same rules, text form. */
int codec_field_from_text(Ctx *ctx, const Table *t, int col, const char *s, const Row *row, Value *out,
                          Error *err);
/* A row as a JSON object (secret and internal fields left out), decorated by the table's hook. */
json_t *codec_to_json(Ctx *ctx, const Row *row);
/* Appends the row's JSON object to out: byte for byte what json_dumps(codec_to_json(row),
 * JSON_COMPACT) gives, but written directly, without a json_t per value (the GET and list
 * paths). A table with a decorate hook goes through codec_to_json. ERR_UNAVAILABLE when out
 * hits its cap or memory runs out. */
int codec_write_json(Ctx *ctx, const Row *row, Buf *out);
/* One field's value as JSON. */
json_t *codec_value_json(Ctx *ctx, const Row *row, int col);
/* Appends codec_value_json(row, col) as JSON text, byte for byte what json_dumps(v, JSON_COMPACT |
 * JSON_SORT_KEYS | JSON_ENCODE_ANY) writes, without building the value (the audit writes one per
 * changed column). 0; 1 when jansson would make no value of it (text that is not UTF-8: nothing
 * is appended); -1 when the Buf failed. */
int codec_value_put(Ctx *ctx, Buf *b, const Row *row, int col);
/* The currency code in force for a money column of a row. */
const char *codec_currency(Ctx *ctx, const Row *row, int col);
/* Copies the current database row (columns in t->select_list order) into row (arena copies). */
int codec_from_rows(Ctx *ctx, const Table *t, Rows *rs, Row *row);

#endif
