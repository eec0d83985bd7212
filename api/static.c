/* api/static.c — serves the web console (files embedded from web/dist).
 * Exports handle_static. Paths without a file extension fall back to
 * index.html, so the console's client-side routes load on refresh. When the
 * console was not built into the binary, / explains where the API is.
 */
#include <string.h>

#include "api/router.h"
#include "web/assets.h"

static const WebAsset *find(const char *path)
{
    for (int i = 0; i < web_asset_count; i++)
        if (strcmp(web_assets[i].path, path) == 0)
            return &web_assets[i];
    return NULL;
}

void handle_static(Request *r)
{
    const char *path = r->path;
    if (strcmp(path, "/") == 0)
        path = "/index.html";
    if (strstr(path, ".."))
        path = "/index.html";
    const WebAsset *a = find(path);
    const char *slash = strrchr(path, '/');
    if (!a && slash && !strchr(slash, '.'))
        a = find("/index.html");
    if (a) {
        if (strncmp(path, "/assets/", 8) == 0)
            reply_header(r, "Cache-Control", "public, max-age=31536000, immutable");
        reply_header(r, "Content-Security-Policy",
                     "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; frame-src 'self' blob:;"
                     " object-src 'self' blob:; frame-ancestors 'none'");
        reply_bytes(r, 200, a->content_type, a->data, a->size);
        return;
    }
    if (strcmp(path, "/index.html") == 0) {
        reply_text(r, 200, "text/html; charset=utf-8",
                   "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Remit</title></head>"
                   "<body><h1>Remit</h1><p>The API is at <a href=\"/api/v1/openapi.json\">/api/v1/openapi.json</a>."
                   " This binary was built without the web console (web/dist).</p></body></html>");
        return;
    }
    reply_errorf(r, ERR_NOT_FOUND, NULL, "no such file");
}
