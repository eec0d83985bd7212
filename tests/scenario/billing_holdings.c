/* tests/scenario/billing_holdings.c — service dependencies under concurrent writes (issue 5; the
 * seed's "Concurrency and Data Integrity Tests" applied to "clients cannot subscribe to services
 * without required dependencies"), on whichever store the suite runs.
 *
 * Backup needs Monitoring. Each customer holds the Operations plan (Monitoring) with no end.
 * At the same moment one request ends Operations on June 30 and another assigns the Backup
 * add-on, restricted to the Storage category, from June 1 with no end. Either alone is fine;
 * both together would leave Backup without Monitoring from July 1. The hooks lock the customer
 * before checking, so exactly one of the two succeeds and the other is a 422, and the customer
 * never holds Backup without Monitoring. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/scenario/invoicing_helpers.h"

typedef struct Job {
    ItTenant *t;
    pthread_barrier_t *start;
    const char *method;
    char path[160];
    char body[400];
    long status;
} Job;

static void *job(void *arg)
{
    Job *j = arg;
    pthread_barrier_wait(j->start);
    HttpResult r;
    it_call(j->t, &r, j->method, j->path, j->body, NULL);
    j->status = r.status;
    http_result_free(&r);
    return NULL;
}

static char *id_of(json_t *o)
{
    char *s = strdup(it_str(o, "id"));
    json_decref(o);
    return s;
}

Test(billing, concurrency_ending_a_prerequisite_while_assigning_what_needs_it_never_leaves_a_service_without_it,
     .timeout = 300)
{
    enum { ROUNDS = 8 };
    ItTenant t;
    it_tenant_new(&t, "holdings-concurrent");
    char *ops_cat = id_of(it_json(&t, 201, "POST", "/api/v1/service_categories", "{\"name\": \"Operations\"}"));
    char *sto_cat = id_of(it_json(&t, 201, "POST", "/api/v1/service_categories", "{\"name\": \"Storage\"}"));
    char *mon = id_of(it_pack(&t, 201, "POST", "/api/v1/services",
                              json_pack("{s:s, s:s, s:s, s:s}", "name", "Monitoring", "service_type", "fixed",
                                        "default_rate", "50", "category_id", ops_cat)));
    char *bak = id_of(it_pack(&t, 201, "POST", "/api/v1/services",
                              json_pack("{s:s, s:s, s:s, s:s}", "name", "Backup", "service_type", "fixed",
                                        "default_rate", "40", "category_id", sto_cat)));
    json_decref(it_pack(&t, 201, "POST", "/api/v1/service_dependencies",
                        json_pack("{s:s, s:s}", "service_id", bak, "dependent_service_id", mon)));
    char *ops = id_of(it_json(&t, 201, "POST", "/api/v1/billing_plans",
                              "{\"plan_name\": \"Operations\", \"billing_frequency\": \"monthly\", \"plan_type\": \"fixed\"}"));
    char *addon = id_of(it_json(&t, 201, "POST", "/api/v1/billing_plans",
                                "{\"plan_name\": \"Add-on\", \"billing_frequency\": \"monthly\", \"plan_type\": \"fixed\"}"));
    char path[200];
    snprintf(path, sizeof path, "/api/v1/billing_plans/%s/services", ops);
    json_decref(it_pack(&t, 201, "POST", path, json_pack("{s:s}", "service_id", mon)));
    snprintf(path, sizeof path, "/api/v1/billing_plans/%s/services", addon);
    json_decref(it_pack(&t, 201, "POST", path, json_pack("{s:s}", "service_id", bak)));

    int ended = 0, assigned = 0;
    for (int round = 0; round < ROUNDS; round++) {
        char code[16];
        snprintf(code, sizeof code, "H%02d", round);
        char *cust = it_customer(&t, code, NULL, NULL);
        char *a = id_of(it_pack(&t, 201, "POST", "/api/v1/customer_billing_plans",
                                json_pack("{s:s, s:s, s:s}", "customer_id", cust, "plan_id", ops, "start_date",
                                          "2042-06-01")));
        pthread_barrier_t start;
        pthread_barrier_init(&start, NULL, 2);
        Job jobs[2] = {{.t = &t, .start = &start, .method = "PATCH"}, {.t = &t, .start = &start, .method = "POST"}};
        snprintf(jobs[0].path, sizeof jobs[0].path, "/api/v1/customer_billing_plans/%s", a);
        snprintf(jobs[0].body, sizeof jobs[0].body, "{\"end_date\": \"2042-06-30\"}");
        snprintf(jobs[1].path, sizeof jobs[1].path, "/api/v1/customer_billing_plans");
        snprintf(jobs[1].body, sizeof jobs[1].body,
                 "{\"customer_id\": \"%s\", \"plan_id\": \"%s\", \"service_category\": \"%s\", \"start_date\": "
                 "\"2042-06-01\"}",
                 cust, addon, sto_cat);
        pthread_t th[2];
        for (int i = 0; i < 2; i++)
            cr_assert_eq(pthread_create(&th[i], NULL, job, &jobs[i]), 0);
        for (int i = 0; i < 2; i++)
            pthread_join(th[i], NULL);
        pthread_barrier_destroy(&start);
        bool end_ok = jobs[0].status == 200, add_ok = jobs[1].status == 201;
        cr_assert(end_ok != add_ok, "round %d: ending answered %ld, assigning answered %ld: exactly one must succeed",
                  round, jobs[0].status, jobs[1].status);
        cr_assert_eq(end_ok ? jobs[1].status : jobs[0].status, 422, "round %d: the loser must be refused with 422",
                     round);
        ended += end_ok;
        assigned += add_ok;
        /* what the customer holds in July agrees with whichever won */
        snprintf(path, sizeof path, "/api/v1/customers/%s/services?on=2042-07-15", cust);
        json_t *held = it_json(&t, 200, "GET", path, NULL);
        json_t *data = json_object_get(held, "data");
        cr_assert_eq(json_array_size(data), end_ok ? 0u : 2u, "round %d: %zu services held in July", round,
                     json_array_size(data));
        json_decref(held);
        free(a);
        free(cust);
    }
    cr_log_info("holdings: %d rounds, the end won %d, the assignment won %d", ROUNDS, ended, assigned);
    free(ops_cat);
    free(sto_cat);
    free(mon);
    free(bak);
    free(ops);
    free(addon);
}
