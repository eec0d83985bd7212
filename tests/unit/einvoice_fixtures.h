/* tests/unit/einvoice_fixtures.h — the conformance documents of issue 8, as EinvDocs.
 *
 * Shared by the unit tests (tests/unit/test_einvoice_*.c) and the sample writer that the
 * conformance script validates with the official artefacts (tests/einvoice/samples.c). Each
 * fixture is a realistic document: a Belgian seller (BE VAT and enterprise number, Peppol id
 * 0208), buyers in Belgium, the Netherlands, Germany, Kuwait and Japan.
 */
#ifndef REMIT_TESTS_EINVOICE_FIXTURES_H
#define REMIT_TESTS_EINVOICE_FIXTURES_H

#include "domain/einvoice.h"

int einv_fixture_count(void);
const char *einv_fixture_name(int i);        /* "01-standard-rate" ... */
/* Fills doc (lines and allowances in arena a). The document is complete: einv_check passes. */
void einv_fixture_build(int i, EinvDoc *doc, Arena *a);
/* A complete one-line standard-rated invoice to start a test from. */
void einv_fixture_base(EinvDoc *doc, Arena *a);

/* A random but complete document (categories, discounts, charges, currencies, credit notes),
 * reproducible from seed. */
void einv_fixture_random(EinvDoc *doc, Arena *a, unsigned seed);

#endif
