/* tests/einvoice/samples.c — writes the conformance documents of issue 8 as UBL files, for the
 * official validation artefacts (tests/einvoice/conformance.sh runs them once over all files).
 *
 *   build/einvoice-samples DIR      writes DIR/<fixture>.xml; exit 1 if a fixture fails einv_check
 */
#include <stdio.h>

#include "domain/einvoice.h"
#include "tests/unit/einvoice_fixtures.h"

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: einvoice-samples DIR\n");
        return 2;
    }
    int failed = 0;
    for (int i = 0; i < einv_fixture_count(); i++) {
        Arena a;
        arena_init(&a, 0);
        EinvDoc doc;
        EinvReport rep;
        einv_fixture_build(i, &doc, &a);
        Buf b;
        buf_init(&b, 0);
        Error e;
        if (einv_check(&doc, &a, &rep) < 0) {
            fprintf(stderr, "%s: einv_check refused it:\n", einv_fixture_name(i));
            for (int k = 0; k < rep.n; k++)
                fprintf(stderr, "  %s %s%s%s: %s\n", rep.items[k].rule, rep.items[k].term,
                        rep.items[k].where ? " at " : "", rep.items[k].where ? rep.items[k].where : "",
                        rep.items[k].message);
            failed++;
        } else if (ubl_write(&b, &doc, &e) < 0) {
            fprintf(stderr, "%s: %s\n", einv_fixture_name(i), e.message);
            failed++;
        } else {
            char path[4096];
            snprintf(path, sizeof path, "%s/%s.xml", argv[1], einv_fixture_name(i));
            FILE *f = fopen(path, "wb");
            if (!f || fwrite(b.data, 1, b.len, f) != b.len || fclose(f) != 0) {
                fprintf(stderr, "%s: cannot write\n", path);
                failed++;
            }
        }
        buf_free(&b);
        arena_free(&a);
    }
    printf("einvoice-samples: %d documents written, %d refused\n", einv_fixture_count() - failed, failed);
    return failed ? 1 : 0;
}
