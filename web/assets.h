/* web/assets.h — the web console's files, embedded in the binary by
 * scripts/embed-web.sh (web/assets.c is generated; do not edit it). */
#ifndef REMIT_WEB_ASSETS_H
#define REMIT_WEB_ASSETS_H

#include <stddef.h>

typedef struct WebAsset {
    const char *path;          /* "/index.html" */
    const char *content_type;
    const unsigned char *data;
    size_t size;
} WebAsset;

extern const WebAsset web_assets[];
extern const int web_asset_count;

#endif
