/* bench/engine_bench.c — how fast the pure rating engine rates customers.
 *
 * A synthetic tenant: 10,000 customers (REMIT_BENCH_CUSTOMERS to change it),
 * each on 3 plans — a fixed plan (2 Fixed services, some with a discount), a
 * time plan (2 Time services, one customer in five on a bucket plan instead)
 * and a usage plan (2 Usage services, per-unit, graduated or package) —
 * with 100 usage records and 10 time entries each in June 2024: 1,000,000
 * usage records and 100,000 time entries. Some customers start or end
 * mid-month (proration), pay in EUR (conversion), are GST customers (split),
 * or hold an invoice-wide discount.
 *
 * All rows are generated first (a fixed LCG: the same data every run); the
 * timed loop only calls engine_rate, one arena per customer freed after each,
 * exactly as a bill run would between its database read and write. Prints
 * customers/s, records and lines rated per second, the peak arena per
 * customer and the process's peak RSS. Built by bench/engine.mk, not by
 * `make`: run `make -f bench/engine.mk`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "domain/engine.h"

#define PLANS_PER_CUSTOMER 3
#define SERVICES_PER_CUSTOMER 6
#define USAGE_PER_CUSTOMER 100
#define TIME_PER_CUSTOMER 10

static uint64_t seed = 20240601;

static uint64_t rnd(uint64_t n)
{
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return (seed >> 33) % n;
}

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now(void)
{
    return clock_s(CLOCK_MONOTONIC);
}

/* CPU time of this process: on a shared, loaded machine it moves far less
 * than wall-clock time, which also counts waiting for a core. */
static double cpu(void)
{
    return clock_s(CLOCK_PROCESS_CPUTIME_ID);
}

/* Ids as the store returns them: UUIDv7 text (a shared time prefix, so
 * comparisons read most of the string) and a separate copy per row. */
typedef struct Id {
    char s[37];
} Id;

static void uuid(Id *out, uint64_t n)
{
    snprintf(out->s, sizeof out->s, "0190a3c2-7d4e-7b1a-9f00-%012llx", (unsigned long long)n);
}

typedef struct RowIds { /* a usage record's or time entry's own copies */
    Id customer, service;
} RowIds;

typedef struct Customer {
    EngineCustomer customer;
    EngineService services[SERVICES_PER_CUSTOMER];
    EnginePlan plans[PLANS_PER_CUSTOMER];
    EnginePlanService ps[SERVICES_PER_CUSTOMER];
    EngineCustomerPlan cps[PLANS_PER_CUSTOMER];
    EngineBucketPlan bucket;
    EngineDiscount discounts[2];
    EnginePlanDiscount links[2];
    size_t ndiscounts;
    EngineUsageRecord *usage;
    EngineTimeEntry *time;
    RowIds *usage_ids, *time_ids;
    Id id, cp_id[PLANS_PER_CUSTOMER], sid[SERVICES_PER_CUSTOMER], pid[PLANS_PER_CUSTOMER],
        ps_plan[SERVICES_PER_CUSTOMER], ps_service[SERVICES_PER_CUSTOMER], cp_plan[PLANS_PER_CUSTOMER];
} Customer;

static const EngineTier tiers[] = {
    {.up_to = {1000, 0}, .unit_rate = {10, 2}, .flat_fee = {0, 0}},
    {.up_to = {5000, 0}, .unit_rate = {8, 2}, .flat_fee = {500, 2}},
    {.unbounded = true, .unit_rate = {5, 2}, .flat_fee = {0, 0}},
};
static const EngineTaxRate rates[] = {
    {.id = "t-ka", .region = "KA", .tax_percentage = {18, 0}, .start_date = 17348},
    {.id = "t-tx", .region = "TX", .tax_percentage = {825, 2}, .start_date = 17348},
    {.id = "t-de", .region = "DE", .tax_percentage = {19, 0}, .start_date = 17348},
};
static const char *const regions[] = {"KA", "TX", "DE"};
static const EngineUser users[] = {
    {.id = "u-1", .has_rate = true, .rate = {9500, 2}},
    {.id = "u-2", .has_rate = true, .rate = {12000, 2}},
    {.id = "u-3", .has_rate = false},
};

static Dec money_dec(int64_t cents)
{
    return dec_make(cents, 2);
}

static void make_customer(Customer *c, int i, Date june1)
{
    uuid(&c->id, 1000000 + (uint64_t)i);
    c->customer = (EngineCustomer){
        .id = c->id.s,
        .currency = currency_find(i % 5 == 0 ? "EUR" : "USD"),
        .exchange_rate_to_base = i % 5 == 0 ? dec_make(108, 2) : dec_from_int(1),
        .tax_region = regions[i % 3],
        .state_code = i % 2 ? "29" : "27",
    };
    const char *sid[SERVICES_PER_CUSTOMER];
    for (int k = 0; k < SERVICES_PER_CUSTOMER; k++) {
        uuid(&c->sid[k], 100 + (uint64_t)k);
        uuid(&c->ps_service[k], 100 + (uint64_t)k);
        uuid(&c->ps_plan[k], 200 + (uint64_t)k / 2);
        sid[k] = c->sid[k].s;
    }
    for (int k = 0; k < PLANS_PER_CUSTOMER; k++) {
        uuid(&c->pid[k], 200 + (uint64_t)k);
        uuid(&c->cp_plan[k], 200 + (uint64_t)k);
    }
    static const char *const sname[] = {"Managed Support", "Backup", "Consulting",
                                        "Engineering", "Storage", "API calls"};
    for (int k = 0; k < SERVICES_PER_CUSTOMER; k++)
        c->services[k] = (EngineService){
            .id = sid[k],
            .name = sname[k],
            .type = k < 2 ? ENGINE_SERVICE_FIXED : k < 4 ? ENGINE_SERVICE_TIME : ENGINE_SERVICE_USAGE,
            .default_rate = k < 2 ? money_dec(10000 + (int64_t)rnd(40000))
                            : k < 4 ? money_dec(9000 + (int64_t)rnd(9000))
                                    : dec_make(15 + (int64_t)rnd(1000), 6),
            .unit = k < 2 ? "units" : k < 4 ? "hours" : "GB",
        };
    bool bucket = i % 5 == 1;
    c->plans[0] = (EnginePlan){.id = c->pid[0].s, .name = "Care", .frequency = FREQ_MONTHLY,
                               .type = ENGINE_PLAN_FIXED};
    c->plans[1] = (EnginePlan){.id = c->pid[1].s, .name = bucket ? "Retainer" : "Hourly",
                               .frequency = FREQ_MONTHLY,
                               .type = bucket ? ENGINE_PLAN_BUCKET : ENGINE_PLAN_TIME_BASED,
                               .use_user_rate = i % 7 == 0};
    c->plans[2] = (EnginePlan){.id = c->pid[2].s, .name = "Cloud", .frequency = FREQ_MONTHLY,
                               .type = ENGINE_PLAN_USAGE_BASED};
    for (int k = 0; k < SERVICES_PER_CUSTOMER; k++)
        c->ps[k] = (EnginePlanService){.plan_id = c->ps_plan[k].s, .service_id = c->ps_service[k].s,
                                       .quantity = k < 2 ? 1 + (int64_t)rnd(3) : 0};
    if (i % 4 == 0) {
        c->ps[0].has_custom_rate = true;
        c->ps[0].custom_rate = money_dec(25000);
    }
    c->ps[4].pricing = (EnginePricing)(i % 3); /* per unit, graduated, volume */
    c->ps[4].tiers = tiers;
    c->ps[4].ntiers = 3;
    c->ps[5].pricing = ENGINE_PRICE_PACKAGE;
    c->ps[5].package_size = dec_from_int(1000);
    c->ps[5].has_custom_rate = true;
    c->ps[5].custom_rate = money_dec(500);
    c->bucket = (EngineBucketPlan){.id = "b-1", .plan_id = c->cp_plan[1].s, .total_hours = dec_from_int(10),
                                   .billing_period = FREQ_MONTHLY, .overage_rate = money_dec(15000),
                                   .allow_rollover = true};
    for (int k = 0; k < PLANS_PER_CUSTOMER; k++) {
        uuid(&c->cp_id[k], 5000000 + (uint64_t)i * 3 + (uint64_t)k);
        Date start = (Date)(june1 - 150 + (Date)rnd(170)); /* Jan..June 20 */
        c->cps[k] = (EngineCustomerPlan){.id = c->cp_id[k].s, .customer_id = c->id.s,
                                         .plan_id = c->cp_plan[k].s, .start_date = start,
                                         .is_active = true};
        if (start < june1) {
            c->cps[k].has_charged_through = true;
            c->cps[k].charged_through = june1;
        }
        if (rnd(20) == 0) {
            c->cps[k].has_end_date = true;
            Date end = june1 + 5 + (Date)rnd(25);
            c->cps[k].end_date = end > start ? end : start;
        }
    }
    c->ndiscounts = 0;
    if (i % 3 == 0) {
        c->discounts[c->ndiscounts] = (EngineDiscount){.id = "d-care", .name = "Care 10%",
                                                       .type = ENGINE_DISCOUNT_PERCENTAGE,
                                                       .value = dec_from_int(10), .is_active = true};
        c->links[c->ndiscounts++] = (EnginePlanDiscount){.plan_id = c->pid[0].s, .discount_id = "d-care"};
    }
    if (i % 10 == 0) {
        c->discounts[c->ndiscounts] = (EngineDiscount){.id = "d-inv", .name = "Welcome",
                                                       .type = ENGINE_DISCOUNT_FIXED,
                                                       .value = money_dec(2500), .is_active = true};
        c->links[c->ndiscounts++] =
            (EnginePlanDiscount){.customer_id = c->id.s, .discount_id = "d-inv"};
    }
    for (int k = 0; k < USAGE_PER_CUSTOMER; k++) {
        RowIds *ids = &c->usage_ids[k];
        ids->customer = c->id;
        ids->service = c->sid[4 + k % 2];
        c->usage[k] = (EngineUsageRecord){.customer_id = ids->customer.s,
                                          .service_id = ids->service.s,
                                          .usage_date = june1 + (Date)rnd(30),
                                          .quantity = dec_make(1 + (int64_t)rnd(500000), 2)};
    }
    for (int k = 0; k < TIME_PER_CUSTOMER; k++) {
        Date d = june1 + (Date)rnd(30);
        RowIds *ids = &c->time_ids[k];
        ids->customer = c->id;
        ids->service = c->sid[2 + k % 2];
        c->time[k] = (EngineTimeEntry){.customer_id = ids->customer.s, .user_id = users[rnd(3)].id,
                                       .service_id = ids->service.s,
                                       .duration = 15 + (int64_t)rnd(226), .work_date = d,
                                       .billable = rnd(10) != 0};
    }
}

int main(void)
{
    const char *env = getenv("REMIT_BENCH_CUSTOMERS");
    int ncustomers = env ? (int)strtol(env, NULL, 10) : 10000;
    if (ncustomers <= 0)
        ncustomers = 10000;
    Date june1 = date_from_ymd(2024, 6, 1);
    EngineSettings settings = {.base = currency_find("USD"), .rounding = ROUND_HALF_UP,
                               .time_approval_minutes = 230, .gst = false,
                               .seller_state_code = "29"};
    EngineSettings gst = settings;
    gst.gst = true;

    double t0 = now();
    Customer *cs = calloc((size_t)ncustomers, sizeof *cs);
    EngineUsageRecord *usage = calloc((size_t)ncustomers * USAGE_PER_CUSTOMER, sizeof *usage);
    EngineTimeEntry *time = calloc((size_t)ncustomers * TIME_PER_CUSTOMER, sizeof *time);
    RowIds *usage_ids = calloc((size_t)ncustomers * USAGE_PER_CUSTOMER, sizeof *usage_ids);
    RowIds *time_ids = calloc((size_t)ncustomers * TIME_PER_CUSTOMER, sizeof *time_ids);
    if (!cs || !usage || !time || !usage_ids || !time_ids) {
        fprintf(stderr, "engine_bench: out of memory generating the data\n");
        return 1;
    }
    for (int i = 0; i < ncustomers; i++) {
        cs[i].usage = usage + (size_t)i * USAGE_PER_CUSTOMER;
        cs[i].time = time + (size_t)i * TIME_PER_CUSTOMER;
        cs[i].usage_ids = usage_ids + (size_t)i * USAGE_PER_CUSTOMER;
        cs[i].time_ids = time_ids + (size_t)i * TIME_PER_CUSTOMER;
        make_customer(&cs[i], i, june1);
    }
    double t1 = now();

    size_t lines = 0, records = 0, buckets = 0, max_arena = 0;
    int64_t grand = 0;
    Arena arena;
    arena_init(&arena, 0);
    double t2 = now(), c2 = cpu();
    for (int i = 0; i < ncustomers; i++) {
        Customer *c = &cs[i];
        EngineInput in = {
            .settings = c->customer.state_code[1] == '9' ? &gst : &settings,
            .customer = &c->customer,
            .period = {june1, date_add_months(june1, 1)},
            .services = c->services, .nservices = SERVICES_PER_CUSTOMER,
            .plans = c->plans, .nplans = PLANS_PER_CUSTOMER,
            .plan_services = c->ps, .nplan_services = SERVICES_PER_CUSTOMER,
            .customer_plans = c->cps, .ncustomer_plans = PLANS_PER_CUSTOMER,
            .users = users, .nusers = 3,
            .time_entries = c->time, .ntime_entries = TIME_PER_CUSTOMER,
            .usage = c->usage, .nusage = USAGE_PER_CUSTOMER,
            .bucket_plans = &c->bucket, .nbucket_plans = 1,
            .discounts = c->discounts, .ndiscounts = c->ndiscounts,
            .plan_discounts = c->links, .nplan_discounts = c->ndiscounts,
            .tax_rates = rates, .ntax_rates = 3,
        };
        EngineResult res;
        Error err;
        if (engine_rate(&res, &in, &arena, &err) < 0) {
            fprintf(stderr, "engine_bench: customer %d: %s (%s)\n", i, err.message, err.field);
            return 1;
        }
        lines += res.nlines;
        buckets += res.nbuckets;
        records += in.ntime_entries + in.nusage;
        grand += res.total;
        if (arena.used > max_arena)
            max_arena = arena.used;
        arena_free(&arena);
    }
    double t3 = now(), c3 = cpu();

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double secs = t3 - t2;
    printf("engine_bench: %d customers x %d plans, %zu usage records, %zu time entries (June 2024)\n",
           ncustomers, PLANS_PER_CUSTOMER, (size_t)ncustomers * USAGE_PER_CUSTOMER,
           (size_t)ncustomers * TIME_PER_CUSTOMER);
    double cpus = c3 - c2;
    printf("  generated in %.2f s; rated in %.3f s wall, %.3f s CPU\n", t1 - t0, secs, cpus);
    printf("  wall: %.0f customers/s, %.0f invoice lines/s, %.0f time+usage records/s\n",
           ncustomers / secs, (double)lines / secs, (double)records / secs);
    printf("  CPU:  %.0f customers/s, %.0f invoice lines/s, %.0f time+usage records/s, "
           "%.1f us per customer\n",
           ncustomers / cpus, (double)lines / cpus, (double)records / cpus, cpus * 1e6 / ncustomers);
    printf("  %zu lines, %zu bucket rows\n", lines, buckets);
    printf("  peak arena per customer %zu KiB; process peak RSS %ld MiB (most of it the input data)\n",
           max_arena / 1024, ru.ru_maxrss / 1024);
    printf("  checksum: invoice totals sum to %lld minor units\n", (long long)grand);
    free(cs);
    free(usage);
    free(time);
    free(usage_ids);
    free(time_ids);
    return 0;
}
