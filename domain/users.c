/* domain/users.c — rules for users. Exports users_init.
 *
 * login_emails (a reference table, model/migrate.c step 0001) lets an email sign in without
 * naming its tenant. It must follow the users table: a user whose email changes signs in with
 * the new email (and no longer with the old one), and a deleted user's email no longer counts
 * as belonging to this tenant. Both changes run in the request's transaction, so they commit
 * or roll back with the user row itself.
 */
#include <string.h>

#include "domain/domain.h"
#include "model/registry.h"

static int user_after_write(Ctx *ctx, const Table *t, const Row *row, const Row *old, Error *err)
{
    const char *email = row_text(row, "email"), *was = old ? row_text(old, "email") : NULL;
    if (!old || !email || !was || strcmp(email, was) == 0)
        return 0;   /* sign-up writes the login_emails row itself (domain/auth.c) */
    Value p[3] = {val_text(email), val_text(ctx->tenant_id), row_get(row, "id")};
    return store_exec_global(ctx->conn, "UPDATE login_emails SET email = $1 WHERE tenant_id = $2 AND user_id = $3", p,
                             3, NULL, err);
}

static int user_before_delete(Ctx *ctx, const Table *t, const Row *old, Error *err)
{
    Value p[2] = {val_text(ctx->tenant_id), row_get(old, "id")};
    return store_exec_global(ctx->conn, "DELETE FROM login_emails WHERE tenant_id = $1 AND user_id = $2", p, 2, NULL,
                             err);
}

static const Hooks user_hooks = {.after_write = user_after_write, .before_delete = user_before_delete};

void users_init(void)
{
    table_set_hooks("users", &user_hooks);
}
