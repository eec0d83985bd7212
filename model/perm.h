/* model/perm.h — who may do what: the registry's permission check.
 *
 * Every resource has two permission codenames derived from the registry,
 * "<table>.read" and "<table>.write", and each action may name its own. The
 * built-in roles map onto them by the resource's declared minimum role
 * (admin > manager > user). Custom roles (a set of codenames) slot in through
 * ctx->auth.
 */
#ifndef REMIT_MODEL_PERM_H
#define REMIT_MODEL_PERM_H

#include "model/registry.h"

typedef struct AuthInfo {
    const char *const *permissions;   /* granted codenames; NULL = built-in role only */
    int npermissions;
} AuthInfo;

bool perm_allows(const Ctx *ctx, const Table *t, bool write);
bool perm_allows_action(const Ctx *ctx, const Table *t, const Action *a);
bool perm_has(const Ctx *ctx, const char *codename, Role builtin_min);
/* The caller's rank for "nobody grants more than they hold": the built-in role, except that a
 * custom role never ranks as admin (it holds exactly its codenames, an admin holds everything). */
Role perm_rank(const Ctx *ctx);
Role role_parse(const char *name);
const char *role_name(Role r);

#endif
