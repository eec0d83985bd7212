/* domain/engine_status.c — suspension and cancellation (client_status).
 *
 * Owns: the status of a customer's plan or service on a given day, and the
 * rules of a status change.
 *
 * Exports: engine_status_on, engine_status_all_active,
 * engine_status_change_check.
 *
 * A client_status row applies from its status_date on, to one of four scopes:
 * the whole customer (no plan, no service), one plan (plan, no service), one
 * service in every plan (service, no plan) or one service in one plan (both).
 * Each scope has its own history; the day's status is the worst of the
 * scopes that apply (cancelled > suspended > active), so suspending the
 * customer stops everything without touching each service's own history.
 */
#include "domain/engine.h"

enum { SCOPE_CUSTOMER, SCOPE_PLAN, SCOPE_SERVICE, SCOPE_PLAN_SERVICE, NSCOPES };

/* The scope of row st for (plan, service), or -1 if it does not apply. */
static int scope_of(const EngineInput *in, const EngineStatus *st, const char *plan_id,
                    const char *service_id)
{
    if (!in->customer || !engine_id_eq(st->customer_id, in->customer->id))
        return -1;
    if (!st->plan_id && !st->service_id)
        return SCOPE_CUSTOMER;
    if (st->plan_id && !st->service_id)
        return engine_id_eq(st->plan_id, plan_id) ? SCOPE_PLAN : -1;
    if (!service_id || !engine_id_eq(st->service_id, service_id))
        return -1;
    if (!st->plan_id)
        return SCOPE_SERVICE;
    return engine_id_eq(st->plan_id, plan_id) ? SCOPE_PLAN_SERVICE : -1;
}

bool engine_status_all_active(const EngineInput *in, const char *plan_id, const char *service_id)
{
    for (size_t i = 0; i < in->nstatuses; i++)
        if (scope_of(in, &in->statuses[i], plan_id, service_id) >= 0 &&
            in->statuses[i].status != ENGINE_STATUS_ACTIVE)
            return false;
    return true;
}

EngineStatusKind engine_status_on(const EngineInput *in, const char *plan_id,
                                  const char *service_id, Date d)
{
    const EngineStatus *latest[NSCOPES] = {0};
    bool cancelled = false;
    for (size_t i = 0; i < in->nstatuses; i++) {
        const EngineStatus *st = &in->statuses[i];
        int s = scope_of(in, st, plan_id, service_id);
        if (s < 0 || st->status_date > d)
            continue;
        if (st->status == ENGINE_STATUS_CANCELLED)
            cancelled = true; /* final: later rows in the scope do not undo it */
        /* Ties on the date go to the row recorded later (later in the input). */
        if (!latest[s] || st->status_date >= latest[s]->status_date)
            latest[s] = st;
    }
    if (cancelled)
        return ENGINE_STATUS_CANCELLED;
    for (int s = 0; s < NSCOPES; s++)
        if (latest[s] && latest[s]->status == ENGINE_STATUS_SUSPENDED)
            return ENGINE_STATUS_SUSPENDED;
    return ENGINE_STATUS_ACTIVE;
}

int engine_status_change_check(EngineStatusKind from, Date from_date, EngineStatusKind to,
                               Date to_date, const char *reason, Error *err)
{
    if (from == ENGINE_STATUS_CANCELLED) {
        err_set(err, ERR_STATE, "status", "a cancelled service cannot change status");
        err_hint(err, "assign the plan again to bill the customer for it");
        return -ERR_STATE;
    }
    if (from == to)
        return err_set(err, ERR_STATE, "status", "the service is already %s",
                       engine_status_name(to));
    if (to_date < from_date) {
        char d[11];
        date_format(d, from_date);
        return err_set(err, ERR_INVALID, "status_date",
                       "status_date is before the last status change (%s)", d);
    }
    if (!reason || !reason[0])
        return err_set(err, ERR_REQUIRED, "reason", "a status change needs a reason");
    return 0;
}
