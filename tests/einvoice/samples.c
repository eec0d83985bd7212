/* tests/einvoice/samples.c — writes the conformance documents of issue 8 as UBL files, for the
 * official validation artefacts (tests/einvoice/conformance.sh runs them once over all files).
 *
 *   build/einvoice-samples DIR [N]  writes DIR/<fixture>.xml, and N random documents (the round-trip
 *                                   test's generator, seeds 1..N) as DIR/random-<seed>.xml;
 *                                   exit 1 if one fails einv_check
 */
#include <stdio.h>
#include <stdlib.h>

#include "domain/einvoice.h"
#include "tests/unit/einvoice_fixtures.h"

int main(int argc, char **argv)
{
    if (argc != 2 && argc != 3) {
        fprintf(stderr, "usage: einvoice-samples DIR [N]\n");
        return 2;
    }
    int nrandom = argc == 3 ? (int)strtol(argv[2], NULL, 10) : 0;
    int failed = 0, total = einv_fixture_count() + nrandom;
    for (int i = 0; i < total; i++) {
        Arena a;
        arena_init(&a, 0);
        EinvDoc doc;
        EinvReport rep;
        char name[64];
        if (i < einv_fixture_count()) {
            einv_fixture_build(i, &doc, &a);
            snprintf(name, sizeof name, "%s", einv_fixture_name(i));
        } else {
            unsigned seed = (unsigned)(i - einv_fixture_count() + 1);
            einv_fixture_random(&doc, &a, seed);
            snprintf(name, sizeof name, "random-%04u", seed);
        }
        Buf b;
        buf_init(&b, 0);
        Error e;
        if (einv_check(&doc, &a, &rep) < 0) {
            fprintf(stderr, "%s: einv_check refused it:\n", name);
            for (int k = 0; k < rep.n; k++)
                fprintf(stderr, "  %s %s%s%s: %s\n", rep.items[k].rule, rep.items[k].term,
                        rep.items[k].where ? " at " : "", rep.items[k].where ? rep.items[k].where : "",
                        rep.items[k].message);
            failed++;
        } else if (ubl_write(&b, &doc, &e) < 0) {
            fprintf(stderr, "%s: %s\n", name, e.message);
            failed++;
        } else {
            char path[4096];
            snprintf(path, sizeof path, "%s/%s.xml", argv[1], name);
            FILE *f = fopen(path, "wb");
            if (!f || fwrite(b.data, 1, b.len, f) != b.len || fclose(f) != 0) {
                fprintf(stderr, "%s: cannot write\n", path);
                failed++;
            }
        }
        buf_free(&b);
        arena_free(&a);
    }
    printf("einvoice-samples: %d documents written, %d refused\n", total - failed, failed);
    return failed ? 1 : 0;
}
