/* domain/pdf.c — lays out and draws a PdfDoc; see pdf.h.
 * Exports pdf_render, pdf_shutdown.
 *
 * Layout is done in integer Pango units (1/1024 point) and converted for
 * cairo at the call; nothing here computes money (amounts arrive as text).
 * The document is laid out twice: a first pass into a PDF surface that
 * discards its bytes counts the pages, so the second can print "Page N of M".
 * Both passes use the same kind of surface, so text measures the same.
 *
 * Concurrency notes: each call has its own surface, cairo context and Pango
 * layouts; Pango's default font map is per thread. Safe to call from many
 * request threads at once.
 */
#include "domain/pdf.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#define PT(x) ((int)(x) * PANGO_SCALE)
#define PAGE_W_U 609567      /* 595.28 pt x 1024 */
#define PAGE_H_U 862095      /* 841.89 pt x 1024 */
#define MARGIN PT(36)
#define BOTTOM (PAGE_H_U - PT(48))
#define TEXT_W (PAGE_W_U - 2 * MARGIN)
#define FONT "DejaVu Sans"

typedef struct Pg {
    cairo_t *cr;
    bool draw;
    int y;
    int page, pages;
    const PdfDoc *d;
    const PdfTable *table;       /* a table in progress: its header repeats on a new page */
} Pg;

static void mv(cairo_t *cr, int x, int y)
{
    cairo_move_to(cr, pango_units_to_double(x), pango_units_to_double(y));
}

/* size < 0: the condensed face at -size points (table cells). */
static PangoLayout *layout(Pg *pg, const char *text, int width, int size, bool bold, char align)
{
    PangoLayout *l = pango_cairo_create_layout(pg->cr);
    char font[64];
    snprintf(font, sizeof font, "%s%s %s%d", FONT, size < 0 ? " Condensed" : "", bold ? "Bold " : "", size < 0 ? -size : size);
    PangoFontDescription *fd = pango_font_description_from_string(font);
    pango_layout_set_font_description(l, fd);
    pango_font_description_free(fd);
    pango_layout_set_width(l, width);
    pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(l, align == 'r' ? PANGO_ALIGN_RIGHT : align == 'c' ? PANGO_ALIGN_CENTER : PANGO_ALIGN_LEFT);
    pango_layout_set_text(l, text ? text : "", -1);
    return l;
}

/* Height of text laid out at width, in Pango units. */
static int measure(Pg *pg, const char *text, int width, int size, bool bold)
{
    PangoLayout *l = layout(pg, text, width, size, bold, 'l');
    int w, h;
    pango_layout_get_size(l, &w, &h);
    g_object_unref(l);
    return h;
}

/* Draws text at (x, y) within width; returns its height. */
static int text(Pg *pg, int x, int y, int width, const char *s, int size, bool bold, char align)
{
    PangoLayout *l = layout(pg, s, width, size, bold, align);
    int w, h;
    pango_layout_get_size(l, &w, &h);
    if (pg->draw) {
        mv(pg->cr, x, y);
        pango_cairo_show_layout(pg->cr, l);
    }
    g_object_unref(l);
    return h;
}

static void hline(Pg *pg, int x0, int x1, int y, int weight_tenths)
{
    if (!pg->draw)
        return;
    cairo_set_line_width(pg->cr, weight_tenths / 10.0);
    mv(pg->cr, x0, y);
    cairo_line_to(pg->cr, pango_units_to_double(x1), pango_units_to_double(y));
    cairo_stroke(pg->cr);
}

static void box(Pg *pg, int x, int y, int w, int h, int gray_percent)
{
    if (!pg->draw)
        return;
    cairo_save(pg->cr);
    cairo_set_source_rgb(pg->cr, gray_percent / 100.0, gray_percent / 100.0, gray_percent / 100.0);
    cairo_rectangle(pg->cr, pango_units_to_double(x), pango_units_to_double(y), pango_units_to_double(w),
                    pango_units_to_double(h));
    cairo_fill(pg->cr);
    cairo_restore(pg->cr);
}

static void footer(Pg *pg)
{
    char buf[512];
    snprintf(buf, sizeof buf, "Page %d of %d", pg->page, pg->pages > 0 ? pg->pages : pg->page);
    int y = PAGE_H_U - PT(36);
    hline(pg, MARGIN, PAGE_W_U - MARGIN, y - PT(4), 3);
    if (pg->d->footer)
        text(pg, MARGIN, y, TEXT_W * 3 / 4, pg->d->footer, 7, false, 'l');
    text(pg, MARGIN, y, TEXT_W, buf, 7, false, 'r');
}

static int table_row(Pg *pg, const PdfTable *t, const char *const *cells, bool head);

static void new_page(Pg *pg)
{
    footer(pg);
    if (pg->draw)
        cairo_show_page(pg->cr);
    pg->page++;
    pg->y = MARGIN;
    char cont[300];
    snprintf(cont, sizeof cont, "%s (continued)", pg->d->title ? pg->d->title : "");
    pg->y += text(pg, MARGIN, pg->y, TEXT_W, cont, 9, true, 'l') + PT(6);
    if (pg->table)
        table_row(pg, pg->table, pg->table->head, true);
}

static void need(Pg *pg, int h)
{
    if (pg->y + h > BOTTOM)
        new_page(pg);
}

static int col_x(const PdfTable *t, int c)
{
    int pct = 0;
    for (int i = 0; i < c; i++)
        pct += t->width[i];
    return MARGIN + (int)((long long)TEXT_W * pct / 100);
}

static int col_w(const PdfTable *t, int c)
{
    return (int)((long long)TEXT_W * t->width[c] / 100);
}

#define CELL_PAD PT(2)
#define CELL_FONT (-8)

static int table_row(Pg *pg, const PdfTable *t, const char *const *cells, bool head)
{
    int h = 0;
    for (int c = 0; c < t->ncols; c++) {
        int ch = measure(pg, cells[c], col_w(t, c) - 2 * CELL_PAD, CELL_FONT, head);
        if (ch > h)
            h = ch;
    }
    h += 2 * CELL_PAD;
    if (!head)
        need(pg, h);
    if (head)
        box(pg, MARGIN, pg->y, TEXT_W, h, 90);
    for (int c = 0; c < t->ncols; c++)
        text(pg, col_x(t, c) + CELL_PAD, pg->y + CELL_PAD, col_w(t, c) - 2 * CELL_PAD, cells[c], CELL_FONT, head,
             t->align ? t->align[c] : 'l');
    pg->y += h;
    hline(pg, MARGIN, PAGE_W_U - MARGIN, pg->y, head ? 6 : 2);
    return h;
}

static void table(Pg *pg, const PdfTable *t)
{
    if (t->ncols <= 0)
        return;
    need(pg, PT(40));
    hline(pg, MARGIN, PAGE_W_U - MARGIN, pg->y, 6);
    table_row(pg, t, t->head, true);
    pg->table = t;
    for (int r = 0; r < t->nrows; r++)
        table_row(pg, t, t->cells + (size_t)r * (size_t)t->ncols, false);
    pg->table = NULL;
    pg->y += PT(8);
}

/* Label/value pairs in two columns: label at x, value right-aligned to x + w. */
static void pairs(Pg *pg, int x, int w, const PdfKV *kv, int n, int label_pct)
{
    for (int i = 0; i < n; i++) {
        int lw = w * label_pct / 100;
        int h1 = measure(pg, kv[i].label, lw, 8, kv[i].strong);
        int h2 = measure(pg, kv[i].value, w - lw, 8, kv[i].strong);
        int h = (h1 > h2 ? h1 : h2) + PT(2);
        need(pg, h);
        if (kv[i].strong)
            hline(pg, x, x + w, pg->y, 4);
        text(pg, x, pg->y + PT(1), lw, kv[i].label, 8, kv[i].strong, 'l');
        text(pg, x + lw, pg->y + PT(1), w - lw, kv[i].value, 8, kv[i].strong, 'r');
        pg->y += h;
    }
}

static void layout_doc(Pg *pg)
{
    const PdfDoc *d = pg->d;
    pg->page = 1;
    pg->y = MARGIN;
    /* title and stamp */
    pg->y += text(pg, MARGIN, pg->y, TEXT_W, d->title, 15, true, 'c');
    if (d->subtitle)
        pg->y += text(pg, MARGIN, pg->y, TEXT_W, d->subtitle, 7, false, 'c');
    if (d->stamp) {
        if (pg->draw)
            cairo_set_source_rgb(pg->cr, 0.75, 0.1, 0.1);
        pg->y += text(pg, MARGIN, pg->y, TEXT_W, d->stamp, 12, true, 'c');
        if (pg->draw)
            cairo_set_source_rgb(pg->cr, 0, 0, 0);
    }
    pg->y += PT(8);
    hline(pg, MARGIN, PAGE_W_U - MARGIN, pg->y, 8);
    pg->y += PT(6);

    /* seller (left) and the document's facts (right) */
    int half = TEXT_W / 2;
    int y0 = pg->y;
    int yl = y0 + text(pg, MARGIN, y0, half - PT(10), d->seller_name, 11, true, 'l');
    yl += text(pg, MARGIN, yl, half - PT(10), d->seller_text, 8, false, 'l');
    int save = pg->y;
    pg->y = y0;
    pairs(pg, MARGIN + half, half, d->meta, d->nmeta, 45);
    int yr = pg->y;
    pg->y = (yl > yr ? yl : yr) + PT(8);
    (void)save;

    /* buyer */
    if (d->buyer_name) {
        int h = measure(pg, d->buyer_text, TEXT_W, 8, false) + PT(34);
        need(pg, h);
        hline(pg, MARGIN, PAGE_W_U - MARGIN, pg->y, 4);
        pg->y += PT(4);
        pg->y += text(pg, MARGIN, pg->y, TEXT_W, d->buyer_title ? d->buyer_title : "Bill to", 8, true, 'l');
        pg->y += text(pg, MARGIN, pg->y, TEXT_W, d->buyer_name, 10, true, 'l');
        pg->y += text(pg, MARGIN, pg->y, TEXT_W, d->buyer_text, 8, false, 'l');
        pg->y += PT(8);
    }

    table(pg, &d->items);

    if (d->taxes.nrows > 0) {
        need(pg, PT(50));
        pg->y += text(pg, MARGIN, pg->y, TEXT_W, d->taxes_title ? d->taxes_title : "Tax summary", 8, true, 'l');
        pg->y += PT(2);
        table(pg, &d->taxes);
    }

    if (d->ntotals) {
        int w = TEXT_W * 45 / 100;
        pairs(pg, PAGE_W_U - MARGIN - w, w, d->totals, d->ntotals, 55);
        pg->y += PT(8);
    }

    if (d->words) {
        char buf[1400];
        snprintf(buf, sizeof buf, "%s: %s", d->words_label ? d->words_label : "Amount in words", d->words);
        int h = measure(pg, buf, TEXT_W, 8, true);
        need(pg, h + PT(6));
        pg->y += text(pg, MARGIN, pg->y, TEXT_W, buf, 8, true, 'l') + PT(8);
    }

    for (int i = 0; i < d->nnotes; i++) {
        int h = measure(pg, d->notes[i].value, TEXT_W, 8, false) + PT(14);
        need(pg, h);
        pg->y += text(pg, MARGIN, pg->y, TEXT_W, d->notes[i].label, 8, true, 'l');
        pg->y += text(pg, MARGIN, pg->y, TEXT_W, d->notes[i].value, 8, false, 'l') + PT(6);
    }

    if (d->sign_for) {
        need(pg, PT(60));
        int x = MARGIN + TEXT_W / 2;
        pg->y += PT(6);
        pg->y += text(pg, x, pg->y, TEXT_W / 2, d->sign_for, 8, true, 'r');
        pg->y += PT(30);
        pg->y += text(pg, x, pg->y, TEXT_W / 2, d->sign_label ? d->sign_label : "Authorised Signatory", 8, false, 'r');
    }
    footer(pg);
}

static cairo_status_t to_buf(void *closure, const unsigned char *data, unsigned int len)
{
    Buf *b = closure;
    if (!b)
        return CAIRO_STATUS_SUCCESS;   /* the counting pass discards its bytes */
    return buf_append(b, data, len) ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

static int pass(Buf *out, const PdfDoc *d, int pages, int *pages_out, Error *err)
{
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(to_buf, out, pango_units_to_double(PAGE_W_U),
                                                             pango_units_to_double(PAGE_H_U));
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(s);
        return err_set(err, ERR_UNAVAILABLE, NULL, "cannot create a PDF surface");
    }
    if (out)
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, d->title ? d->title : "");
    cairo_t *cr = cairo_create(s);
    Pg pg = {.cr = cr, .draw = out != NULL, .pages = pages, .d = d};
    cairo_set_source_rgb(cr, 0, 0, 0);
    layout_doc(&pg);
    if (pg.draw)
        cairo_show_page(cr);
    *pages_out = pg.page;
    cairo_status_t st = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_status(s);
    cairo_surface_destroy(s);
    if (st != CAIRO_STATUS_SUCCESS || (out && out->failed))
        return err_set(err, ERR_UNAVAILABLE, NULL, "cannot render the PDF: %s",
                       out && out->failed ? "it is larger than allowed" : cairo_status_to_string(st));
    return 0;
}

static atomic_bool rendered;   /* fontconfig was initialised by a rendering (FcFini needs that) */

int pdf_render(Buf *out, const PdfDoc *d, Error *err)
{
    atomic_store(&rendered, true);
    int pages = 0, drawn = 0;
    int rc = pass(NULL, d, 0, &pages, err);
    if (rc == 0)
        rc = pass(out, d, pages, &drawn, err);
    return rc;
}

void pdf_shutdown(void)
{
    if (!atomic_load(&rendered))
        return;   /* nothing to release: FcFini on an uninitialised fontconfig crashes */
    pango_cairo_font_map_set_default(NULL);
    FcFini();
}
