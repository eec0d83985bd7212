/* bench/einvoice_bench.c — how fast Remit writes e-invoices (bench/einvoice.sh runs it).
 *
 *   build/einvoice-bench N DIR [ROUNDS]
 *
 * Builds N random documents (the round-trip test's generator: 1-12 lines, several rates and
 * categories, discounts, charges, 0/2/3-decimal currencies, credit notes), then times ROUNDS
 * passes (default 20) of einv_check + ubl_write over all of them, and the same for the GST
 * e-invoice JSON of N two-item documents. Prints the median rates, and writes the N UBL documents
 * to DIR for the validator to time on the same batch. Timing only; nothing passes or fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/einvoice.h"
#include "domain/gst_einvoice.h"
#include "tests/unit/einvoice_fixtures.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void gst_doc(GstEinv *d, GstEinvItem *items, unsigned i)
{
    gst_einv_init(d);
    d->number = "INV/2026-27/0042";
    d->date = date_from_ymd(2026, 5, 4);
    d->seller = (GstEinvParty){.gstin = "27AABCL1234D1Z2", .legal_name = "Lumen Infotech Private Limited",
                               .addr1 = "14 Nariman Point", .location = "Mumbai", .pin = "400021", .state_code = "27"};
    bool inter = i % 2;
    d->buyer = (GstEinvParty){.gstin = inter ? "29AAACN5678E1Z7" : "27AAACN5678E1ZB", .legal_name = "Nirmal Textiles LLP",
                              .addr1 = "Plot 7, MIDC", .location = inter ? "Bengaluru" : "Pune",
                              .pin = inter ? "560058" : "411026", .state_code = inter ? "29" : "27"};
    d->place_of_supply = inter ? "29" : "27";
    for (int k = 0; k < 2; k++) {
        gst_einv_item_init(&items[k]);
        items[k].description = k ? "Network switch" : "Annual maintenance contract";
        items[k].hsn = k ? "85176990" : "998713";
        items[k].is_service = !k;
        items[k].unit = k ? "NOS" : NULL;
        items[k].quantity = dec_make((int64_t)(i % 7) + 1, 0);
        items[k].unit_price = dec_make(100000 + (int64_t)(i * 37 % 900000), 2);
        items[k].gst_rate = dec_make(18, 0);
    }
    d->items = items;
    d->nitems = 2;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: einvoice-bench N DIR [ROUNDS]\n");
        return 2;
    }
    int n = (int)strtol(argv[1], NULL, 10);
    if (n < 1)
        n = 500;
    int rounds = argc > 3 ? (int)strtol(argv[3], NULL, 10) : 20;
    if (rounds < 1)
        rounds = 1;
    Arena docs_arena;
    arena_init(&docs_arena, 0);
    EinvDoc *docs = ARENA_ARRAY(&docs_arena, EinvDoc, n);
    long lines = 0;
    for (int i = 0; i < n; i++) {
        einv_fixture_random(&docs[i], &docs_arena, (unsigned)i + 1);
        lines += docs[i].nlines;
    }
    double *rate = calloc((size_t)rounds, sizeof *rate);
    Buf b;
    buf_init(&b, 0);
    size_t bytes = 0;
    for (int r = 0; r < rounds; r++) {
        double t0 = now();
        bytes = 0;
        for (int i = 0; i < n; i++) {
            Arena a;
            arena_init(&a, 0);
            EinvReport rep;
            Error e;
            buf_reset(&b);
            if (einv_check(&docs[i], &a, &rep) < 0 || ubl_write(&b, &docs[i], &e) < 0) {
                fprintf(stderr, "document %d refused\n", i);
                return 1;
            }
            bytes += b.len;
            if (r == 0) {
                char path[4096];
                snprintf(path, sizeof path, "%s/doc-%04d.xml", argv[2], i);
                FILE *f = fopen(path, "wb");
                if (!f || fwrite(b.data, 1, b.len, f) != b.len || fclose(f) != 0) {
                    fprintf(stderr, "cannot write %s\n", path);
                    return 1;
                }
            }
            arena_free(&a);
        }
        if (r == 0)
            continue;   /* the first pass also writes files: not timed */
        rate[r - 1] = n / (now() - t0);
    }
    double ubl = rounds > 1 ? median(rate, rounds - 1) : 0;

    GstEinvItem items[2];
    for (int r = 0; r < rounds; r++) {
        double t0 = now();
        for (int i = 0; i < n; i++) {
            Arena a;
            arena_init(&a, 0);
            GstEinv d;
            EinvReport rep;
            Error e;
            gst_doc(&d, items, (unsigned)i);
            buf_reset(&b);
            if (gst_einv_check(&d, &a, &rep) < 0 || gst_einv_write(&b, &d, &e) < 0) {
                fprintf(stderr, "GST document %d refused: %s\n", i, rep.n ? rep.items[0].message : e.message);
                return 1;
            }
            arena_free(&a);
        }
        rate[r] = n / (now() - t0);
    }
    double gst = median(rate, rounds);
    printf("ubl_docs %d\nubl_lines %ld\nubl_bytes %zu\nubl_docs_per_s %.0f\ngst_docs_per_s %.0f\n", n, lines, bytes, ubl,
           gst);
    buf_free(&b);
    free(rate);
    arena_free(&docs_arena);
    return 0;
}
