/* model/perm.c — permission checks derived from the registry; see perm.h.
 * Exports perm_allows, perm_allows_action, perm_has, perm_rank, role_parse, role_name.
 */
#include "model/perm.h"

#include <stdio.h>
#include <string.h>

Role role_parse(const char *name)
{
    if (!name)
        return ROLE_NONE;
    if (strcmp(name, "admin") == 0)
        return ROLE_ADMIN;
    if (strcmp(name, "manager") == 0)
        return ROLE_MANAGER;
    if (strcmp(name, "user") == 0)
        return ROLE_USER;
    return ROLE_NONE;
}

const char *role_name(Role r)
{
    switch (r) {
    case ROLE_ADMIN: return "admin";
    case ROLE_MANAGER: return "manager";
    case ROLE_USER: return "user";
    default: return "none";
    }
}

bool perm_has(const Ctx *ctx, const char *codename, Role builtin_min)
{
    if (ctx->auth && ctx->auth->permissions) {
        for (int i = 0; i < ctx->auth->npermissions; i++)
            if (strcmp(ctx->auth->permissions[i], codename) == 0)
                return true;
        return false;
    }
    Role need = builtin_min ? builtin_min : ROLE_ADMIN;
    return ctx->role >= need;
}

Role perm_rank(const Ctx *ctx)
{
    if (ctx->auth && ctx->auth->permissions && ctx->role >= ROLE_ADMIN)
        return ROLE_MANAGER;
    return ctx->role;
}

bool perm_allows(const Ctx *ctx, const Table *t, bool write)
{
    char code[128];
    snprintf(code, sizeof code, "%s.%s", t->name, write ? "write" : "read");
    return perm_has(ctx, code, write ? t->res->write : t->res->read);
}

bool perm_allows_action(const Ctx *ctx, const Table *t, const Action *a)
{
    bool write = a->write;
    if (a->permission)
        return perm_has(ctx, a->permission, a->role ? a->role : (write ? t->res->write : t->res->read));
    char code[128];
    snprintf(code, sizeof code, "%s.%s", t->name, write ? "write" : "read");
    return perm_has(ctx, code, a->role ? a->role : (write ? t->res->write : t->res->read));
}
