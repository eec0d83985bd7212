/* domain/audit.c — the audit trail's endpoints.
 * Exports audit_init: GET /api/v1/audit_logs/verify (admins) walks the
 * tenant's hash chain and reports the first broken link (model/audit.c).
 */
#include "domain/domain.h"
#include "model/audit.h"

static int verify(Ctx *ctx, const Table *t, const ActionIn *in, ActionResult *out, Error *err)
{
    return audit_verify(ctx, &out->json, err);
}

static const Action verify_action = {
    .verb = "verify",
    .method = "GET",
    .collection = true,
    .role = ROLE_ADMIN,
    .permission = "audit_logs.read",
    .run = verify,
    .doc = "Check the tenant's audit hash chain; names the first broken row",
};

void audit_init(void)
{
    table_add_action("audit_logs", &verify_action);
}
