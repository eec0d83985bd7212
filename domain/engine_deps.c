/* domain/engine_deps.c — service dependencies: the prerequisites a service
 * brings with it, what removing one takes away, and refusing a set that
 * lacks some.
 *
 * Exports: engine_deps_add, engine_deps_remove, engine_deps_check.
 *
 * A service_dependencies row (service_id, dependent_service_id) reads
 * "service_id needs dependent_service_id" (Backup needs Monitoring). The seed's
 * tests ask that dependent services be added with the primary one, removed
 * with it when nothing else needs them, and that a customer never holds a
 * service without its prerequisites; so a held service remembers whether it
 * was chosen or only came in as a prerequisite (auto_added), the way package
 * managers tell manual from automatic installs. Removing a service keeps
 * everything still needed, transitively, by what was chosen; a service that a
 * remaining one needs cannot be removed (409 naming who needs it). Cycles in
 * the dependency rows are harmless: every walk stops at services already seen.
 *
 * No allocation: results go to the caller's array of capacity cap.
 */
#include "domain/engine.h"

#include <stdio.h>
#include <string.h>

static long find(const EngineHeldService *v, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++)
        if (engine_id_eq(v[i].service_id, id))
            return (long)i;
    return -1;
}

static const char *name_of(const char *id, const EngineService *services, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (engine_id_eq(services[i].id, id))
            return services[i].name ? services[i].name : id;
    return id;
}

static int too_many(Error *err)
{
    return err_set(err, ERR_RANGE, "services", "too many services for the result");
}

int engine_deps_add(EngineHeldService *out, size_t *nout, size_t cap, const EngineHeldService *held,
                    size_t nheld, const char *service_id, const EngineDependency *deps,
                    size_t ndeps, Error *err)
{
    if (!service_id)
        return err_set(err, ERR_REQUIRED, "service_id", "service_id is required");
    if (nheld > cap)
        return too_many(err);
    if (nheld > 0)
        memmove(out, held, nheld * sizeof *out);
    size_t n = nheld;
    long at = find(out, n, service_id);
    if (at >= 0) {
        out[at].auto_added = false;
    } else {
        if (n == cap)
            return too_many(err);
        out[n++] = (EngineHeldService){service_id, false};
        at = (long)n - 1;
    }
    /* Expand the service, then everything it brought in (appended from nheld on). */
    for (size_t i = (size_t)at; i < n; i = (i == (size_t)at && (size_t)at < nheld) ? nheld : i + 1)
        for (size_t k = 0; k < ndeps; k++) {
            if (!engine_id_eq(deps[k].service_id, out[i].service_id) ||
                !deps[k].dependent_service_id || find(out, n, deps[k].dependent_service_id) >= 0)
                continue;
            if (n == cap)
                return too_many(err);
            out[n++] = (EngineHeldService){deps[k].dependent_service_id, true};
        }
    *nout = n;
    return 0;
}

int engine_deps_remove(EngineHeldService *out, size_t *nout, size_t cap,
                       const EngineHeldService *held, size_t nheld, const char *service_id,
                       const EngineDependency *deps, size_t ndeps, const EngineService *services,
                       size_t nservices, Error *err)
{
    long t = find(held, nheld, service_id);
    if (t < 0)
        return err_set(err, ERR_NOT_FOUND, "service_id", "the customer does not hold this service");
    if (nheld - 1 > cap)
        return too_many(err);
    /* Every held service except the target ... */
    size_t m = 0;
    for (size_t i = 0; i < nheld; i++)
        if ((long)i != t)
            out[m++] = held[i];
    /* ... partitioned: out[0..k) kept = the chosen ones and, transitively,
     * what they need; out[k..m) no longer needed. */
    size_t k = 0;
    for (size_t i = 0; i < m; i++)
        if (!out[i].auto_added) {
            EngineHeldService x = out[k];
            out[k++] = out[i];
            out[i] = x;
        }
    bool needed = false;
    for (size_t i = 0; i < k; i++)
        for (size_t d = 0; d < ndeps; d++) {
            if (!engine_id_eq(deps[d].service_id, out[i].service_id))
                continue;
            if (engine_id_eq(deps[d].dependent_service_id, service_id))
                needed = true;
            long j = find(out + k, m - k, deps[d].dependent_service_id);
            if (j >= 0) {
                EngineHeldService x = out[k];
                out[k] = out[k + (size_t)j];
                out[k + (size_t)j] = x;
                k++;
            }
        }
    if (needed) {
        char who[400];
        size_t w = 0;
        who[0] = '\0';
        for (size_t i = 0; i < k; i++)
            for (size_t d = 0; d < ndeps; d++)
                if (engine_id_eq(deps[d].service_id, out[i].service_id) &&
                    engine_id_eq(deps[d].dependent_service_id, service_id) && w < sizeof who)
                    w += (size_t)snprintf(who + w, sizeof who - w, "%s%s", w ? ", " : "",
                                          name_of(out[i].service_id, services, nservices));
        err_set(err, ERR_CONFLICT, "service_id", "%s is required by %s",
                name_of(service_id, services, nservices), who);
        err_hint(err, "remove the services that need it first");
        return -ERR_CONFLICT;
    }
    /* Back to the held order (stable for the caller). */
    for (size_t i = 1; i < k; i++) {
        EngineHeldService x = out[i];
        long xi = find(held, nheld, x.service_id);
        size_t j = i;
        while (j > 0 && find(held, nheld, out[j - 1].service_id) > xi) {
            out[j] = out[j - 1];
            j--;
        }
        out[j] = x;
    }
    *nout = k;
    return 0;
}

static bool has(const char *const *ids, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++)
        if (engine_id_eq(ids[i], id))
            return true;
    return false;
}

int engine_deps_check(const char *const *service_ids, size_t n, const EngineDependency *deps,
                      size_t ndeps, const EngineService *services, size_t nservices, Error *err)
{
    char text[400];
    size_t w = 0;
    text[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        bool first = true;
        for (size_t d = 0; d < ndeps; d++) {
            if (!engine_id_eq(deps[d].service_id, service_ids[i]) ||
                has(service_ids, n, deps[d].dependent_service_id))
                continue;
            if (w < sizeof text)
                w += (size_t)snprintf(text + w, sizeof text - w, "%s%s%s",
                                      first ? (w ? "; " : "") : ", ",
                                      first ? name_of(service_ids[i], services, nservices) : "",
                                      first ? " requires " : "");
            if (w < sizeof text)
                w += (size_t)snprintf(text + w, sizeof text - w, "%s",
                                      name_of(deps[d].dependent_service_id, services, nservices));
            first = false;
        }
    }
    if (w == 0)
        return 0;
    err_set(err, ERR_INVALID, "services", "missing prerequisites: %s", text);
    err_detail(err, "%s", text);
    err_hint(err, "add the required services too, or add the service alone to bring them in");
    return -ERR_INVALID;
}
