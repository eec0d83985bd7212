/* tests/unit/test_engine_props.c — properties of the rating engine, checked
 * exhaustively or on seeded pseudo-random cases (a fixed LCG, so a failure
 * replays): proration over every day of 2023-2025 never exceeds the fee and
 * the parts of a split add up to it; billing in advance and correcting
 * equals billing in arrears; discounts never produce negatives; tier pricing
 * is monotone in quantity (volume pricing, by design, is not); time lines
 * are rounded once from the total minutes; buckets keep their invariants. */
#include <stdlib.h>

#include "engine_fixture.h"

static uint64_t lcg = 20240611;

static uint64_t rnd(uint64_t n)
{
    lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
    return (lcg >> 33) % n;
}

/* One plan holding one Fixed service at `price`, assigned twice: cp-a up to
 * the day before `split`, cp-b from `split` (cp-a absent when split is the
 * 1st). */
static void split_month(Fx *f, int y, int m, int split, const char *price, Rounding r)
{
    char from[11], to[11], last[11], at[11];
    Date start = date_from_ymd(y, m, 1), end = date_add_months(start, 1);
    date_format(from, start);
    date_format(to, end);
    date_format(at, date_from_ymd(y, m, split));
    date_format(last, date_from_ymd(y, m, split) - 1);
    fx_init(f, from, to);
    f->settings.rounding = r;
    fx_service(f, "s-1", "Service", ENGINE_SERVICE_FIXED, price);
    fx_plan(f, "p-1", "Plan", FREQ_MONTHLY, ENGINE_PLAN_FIXED);
    fx_plan_service(f, "p-1", "s-1", 1);
    if (split > 1) {
        EngineCustomerPlan *a = fx_assign(f, "cp-a", "p-1", "2020-01-01", last);
        a->has_charged_through = true;
        a->charged_through = start;
    }
    fx_assign(f, "cp-b", "p-1", at, NULL);
}

Test(properties, proration_of_every_start_day_in_2023_to_2025_never_exceeds_the_fee_and_splits_add_up)
{
    static const char *const prices[] = {"300.00", "0.15", "1234.57", "99.99"};
    static const Rounding modes[] = {ROUND_HALF_UP, ROUND_HALF_EVEN};
    int cases = 0;
    for (size_t p = 0; p < N(prices); p++)
        for (int y = 2023; y <= 2025; y++)
            for (int m = 1; m <= 12; m++) {
                int n = date_days_in_month(y, m);
                for (int k = 1; k <= n; k++) {
                    Fx f;
                    Rounding r = modes[(size_t)k % 2];
                    split_month(&f, y, m, k, prices[p], r);
                    fx_rate_ok(&f);
                    int64_t full = M(prices[p]), sum = 0;
                    cr_assert_eq(f.res.nlines, k > 1 ? 2u : 1u, "%d-%d split %d", y, m, k);
                    for (size_t i = 0; i < f.res.nlines; i++) {
                        int64_t a = f.res.lines[i].amount;
                        cr_assert(a >= 0 && a <= full, "%d-%02d day %d: %lld of %lld", y, m, k,
                                  (long long)a, (long long)full);
                        sum += a;
                    }
                    cr_assert_eq(sum, full, "%d-%02d split on day %d: %lld", y, m, k, (long long)sum);
                    /* A plan starting on day k alone: within one cent of the
                     * direct rounding of price x days / days in the month. */
                    const EngineCharge *b = &f.res.lines[f.res.nlines - 1];
                    int64_t direct;
                    cr_assert_eq(engine_prorate(&direct, D("1"), D(prices[p]), n - k + 1, n,
                                                CUR("USD"), r, NULL),
                                 0);
                    cr_assert_eq(b->days_in_period, n);
                    cr_assert_eq(b->days_used, n - k + 1);
                    cr_assert_leq(llabs(b->amount - direct), 1, "%d-%02d day %d", y, m, k);
                    fx_fini(&f);
                    cases++;
                }
            }
    cr_expect_eq(cases, 4 * 1096);
}

Test(properties, any_partition_of_a_cycle_into_spans_sums_exactly_to_the_fee)
{
    for (int iter = 0; iter < 3000; iter++) {
        int len = 28 + (int)rnd(4);
        Date start = date_from_ymd(2024, 1 + (int)rnd(12), 1);
        Period cycle = {start, start + len};
        Dec qty = dec_from_int(1 + (int64_t)rnd(5));
        Dec rate = dec_make((int64_t)rnd(10000000), (int)rnd(7));
        Rounding r = rnd(2) ? ROUND_HALF_UP : ROUND_HALF_EVEN;
        int cuts = (int)rnd(6);
        Date at = start;
        int64_t sum = 0, full;
        cr_assert_eq(engine_prorate(&full, qty, rate, len, len, CUR("USD"), r, NULL), 0);
        for (int c = 0; c <= cuts; c++) {
            Date next = c == cuts ? cycle.end : at + (Date)rnd((uint64_t)(cycle.end - at) + 1);
            int64_t part;
            cr_assert_eq(engine_prorate_span(&part, qty, rate, (Period){at, next}, cycle, CUR("USD"),
                                             r, NULL),
                         0);
            cr_assert(part >= 0 && part <= full);
            sum += part;
            at = next;
        }
        cr_assert_eq(sum, full, "iteration %d", iter);
    }
}

/* Issue 5: "Upgrades mid-cycle bill the difference for the remaining days and
 * credit the old plan's unused days" -- and what the customer pays for the
 * cycle is the same as billing both partial periods in arrears. */
Test(properties, advance_billing_with_corrections_equals_arrears_billing_for_every_change_day)
{
    static const char *const prices[][2] = {{"300.00", "600.00"}, {"99.99", "0.15"}};
    for (size_t p = 0; p < N(prices); p++)
        for (int m = 1; m <= 12; m++) {
            int n = date_days_in_month(2024, m);
            Date start = date_from_ymd(2024, m, 1), next = date_add_months(start, 1);
            for (int k = 2; k <= n; k++) {
                Date change = date_from_ymd(2024, m, k);
                int64_t arrears = 0, advance = 0;
                for (int timing = 0; timing < 2; timing++) {
                    Fx f;
                    fx_init(&f, "2024-01-01", "2024-01-02");
                    fx_service(&f, "s-old", "Old", ENGINE_SERVICE_FIXED, prices[p][0]);
                    fx_service(&f, "s-new", "New", ENGINE_SERVICE_FIXED, prices[p][1]);
                    fx_plan(&f, "p-old", "Old", FREQ_MONTHLY, ENGINE_PLAN_FIXED)->timing = timing;
                    fx_plan(&f, "p-new", "New", FREQ_MONTHLY, ENGINE_PLAN_FIXED)->timing = timing;
                    fx_plan_service(&f, "p-old", "s-old", 1);
                    fx_plan_service(&f, "p-new", "s-new", 1);
                    EngineCustomerPlan *o = fx_assign(&f, "cp-old", "p-old", "2020-01-01", NULL);
                    o->has_end_date = true;
                    o->end_date = change - 1;
                    o->has_charged_through = true;
                    EngineCustomerPlan *nw = fx_assign(&f, "cp-new", "p-new", "2020-01-01", NULL);
                    nw->start_date = change;
                    if (timing == ENGINE_ARREARS) {
                        o->charged_through = start;
                        f.in.period = (Period){start, next};
                        fx_rate_ok(&f);
                        arrears = f.res.subtotal;
                    } else {
                        /* The month was billed in advance on its 1st, in full. */
                        o->charged_through = next;
                        fx_prior(&f, "cp-old", "s-old", NULL, (Period){start, next},
                                 M(prices[p][0]));
                        f.in.period = (Period){next, next + 1};
                        fx_rate_ok(&f);
                        advance = M(prices[p][0]);
                        for (size_t i = 0; i < f.res.nlines; i++)
                            if (f.res.lines[i].period.start == start)
                                advance += f.res.lines[i].amount;
                    }
                    fx_fini(&f);
                }
                cr_assert_eq(advance, arrears, "2024-%02d change on %d: %lld vs %lld", m, k,
                             (long long)advance, (long long)arrears);
            }
        }
}

static const char *money_text(char *buf, int64_t minor)
{
    money_format(buf, MONEY_FORMAT_MAX, minor, CUR("USD"));
    return buf;
}

Test(properties, discounts_never_produce_negative_amounts)
{
    static char prices[4][MONEY_FORMAT_MAX], values[4][MONEY_FORMAT_MAX];
    static const char *const ids[] = {"s-0", "s-1", "s-2", "s-3"};
    static const char *const dids[] = {"d-0", "d-1", "d-2", "d-3"};
    static const char *const starts[] = {NULL, "2024-05-20", "2024-06-10", "2024-06-30"};
    static const char *const ends[] = {NULL, "2024-06-05", "2024-06-20", "2024-07-15"};
    for (int iter = 0; iter < 400; iter++) {
        Fx f;
        fx_init(&f, "2024-06-01", "2024-07-01");
        fx_plan(&f, "p-1", "Plan", FREQ_MONTHLY, ENGINE_PLAN_FIXED);
        int ns = 1 + (int)rnd(4), nd = 1 + (int)rnd(4);
        for (int s = 0; s < ns; s++) {
            fx_service(&f, ids[s], ids[s], ENGINE_SERVICE_FIXED,
                       money_text(prices[s], 1 + (int64_t)rnd(100000)));
            fx_plan_service(&f, "p-1", ids[s], 1 + (int64_t)rnd(3));
        }
        fx_assign(&f, "cp-1", "p-1", rnd(2) ? "2024-06-01" : "2024-06-17", NULL);
        for (int d = 0; d < nd; d++) {
            bool pct = rnd(2);
            if (pct) {
                Dec v = dec_make((int64_t)rnd(10001), 2);
                dec_format_trim(values[d], sizeof values[d], v);
            } else {
                money_text(values[d], (int64_t)rnd(150000));
            }
            fx_discount(&f, dids[d], dids[d], pct ? ENGINE_DISCOUNT_PERCENTAGE : ENGINE_DISCOUNT_FIXED,
                        values[d], starts[rnd(4)], ends[rnd(4)]);
            switch (rnd(3)) {
            case 0: fx_link(&f, dids[d], "p-1", NULL, ids[rnd((uint64_t)ns)]); break;
            case 1: fx_link(&f, dids[d], "p-1", rnd(2) ? "cust-1" : NULL, NULL); break;
            default: fx_link(&f, dids[d], NULL, "cust-1", NULL); break;
            }
        }
        if (rnd(2))
            fx_tax(&f, "t", NULL, "18", "2020-01-01", NULL);
        fx_rate_ok(&f);
        for (size_t i = 0; i < f.res.nlines; i++) {
            const EngineCharge *l = &f.res.lines[i];
            int64_t sum = 0;
            for (int k = 0; k < l->ndiscounts; k++) {
                cr_assert_geq(l->discounts[k].amount, 0, "iteration %d", iter);
                sum += l->discounts[k].amount;
            }
            cr_assert_eq(sum, l->discount);
            cr_assert(l->discount >= 0 && l->discount <= l->amount, "iteration %d line %zu", iter, i);
            cr_assert_geq(l->net, 0, "iteration %d", iter);
            cr_assert_geq(l->tax, 0);
            cr_assert_eq(l->total, l->net + l->tax);
        }
        cr_assert_geq(f.res.total, 0);
        cr_assert_leq(f.res.discount_total, f.res.subtotal);
        cr_assert_eq(f.res.total, f.res.subtotal - f.res.discount_total + f.res.tax_total);
        fx_fini(&f);
    }
}

static void tiers(EngineTier *t)
{
    t[0] = (EngineTier){.up_to = D("1000"), .unit_rate = D("0.10"), .flat_fee = D("0")};
    t[1] = (EngineTier){.up_to = D("5000"), .unit_rate = D("0.08"), .flat_fee = D("5.00")};
    t[2] = (EngineTier){.unbounded = true, .unit_rate = D("0.05"), .flat_fee = D("0")};
}

Test(properties, graduated_package_and_per_unit_prices_are_monotone_in_quantity)
{
    EngineTier t[3];
    tiers(t);
    const EnginePlanService models[] = {
        {.pricing = ENGINE_PRICE_GRADUATED, .tiers = t, .ntiers = 3},
        {.pricing = ENGINE_PRICE_PACKAGE, .package_size = D("250")},
        {.pricing = ENGINE_PRICE_PER_UNIT},
    };
    for (size_t k = 0; k < N(models); k++) {
        int64_t prev = 0;
        for (int64_t q = 0; q <= 14000; q++) {
            int64_t v;
            cr_assert_eq(engine_usage_price(&v, NULL, dec_make(q, 1), &models[k], D("0.0375"),
                                            CUR("USD"), ROUND_HALF_UP, NULL),
                         0);
            cr_assert_geq(v, prev, "%s at %lld tenths", engine_pricing_name(models[k].pricing),
                          (long long)q);
            prev = v;
        }
    }
}

Test(properties, volume_pricing_is_not_monotone_by_design_but_is_quantity_times_the_reached_rate)
{
    EngineTier t[3];
    tiers(t);
    EnginePlanService ps = {.pricing = ENGINE_PRICE_VOLUME, .tiers = t, .ntiers = 3};
    int64_t at1000, at1001;
    cr_assert_eq(engine_usage_price(&at1000, NULL, D("1000"), &ps, D("0"), CUR("USD"), ROUND_HALF_UP, NULL), 0);
    cr_assert_eq(engine_usage_price(&at1001, NULL, D("1001"), &ps, D("0"), CUR("USD"), ROUND_HALF_UP, NULL), 0);
    cr_expect_gt(at1000, at1001); /* 100.00 > 85.08: the documented volume cliff */
    for (int64_t q = 1; q <= 8000; q += 13) {
        int64_t v, expect;
        size_t k = q <= 1000 ? 0 : q <= 5000 ? 1 : 2;
        cr_assert_eq(engine_usage_price(&v, NULL, dec_from_int(q), &ps, D("0"), CUR("USD"),
                                        ROUND_HALF_UP, NULL),
                     0);
        cr_assert_eq(money_from_product(&expect, dec_from_int(q), t[k].unit_rate, CUR("USD"),
                                        ROUND_HALF_UP, NULL),
                     0);
        cr_assert_eq(v, expect + (k == 1 ? 500 : 0), "q %lld", (long long)q);
    }
}

Test(properties, a_time_line_is_rounded_once_from_its_total_minutes)
{
    for (int iter = 0; iter < 300; iter++) {
        Fx f;
        fx_init(&f, "2024-06-01", "2024-07-01");
        char rate[DEC_FORMAT_MAX];
        dec_format_trim(rate, sizeof rate, dec_make(1 + (int64_t)rnd(2000000), (int)rnd(5)));
        fx_service(&f, "s-c", "C", ENGINE_SERVICE_TIME, rate);
        fx_plan(&f, "p", "P", FREQ_MONTHLY, ENGINE_PLAN_TIME_BASED);
        fx_plan_service(&f, "p", "s-c", 0);
        fx_assign(&f, "cp", "p", "2024-01-01", NULL);
        int n = 1 + (int)rnd(8);
        int64_t total = 0;
        for (int i = 0; i < n; i++) {
            int64_t m = 1 + (int64_t)rnd(600);
            total += m;
            fx_time(&f, "te", "s-c", "2024-06-10", m);
        }
        fx_rate_ok(&f);
        cr_assert_eq(f.res.nlines, 1);
        int64_t expect;
        cr_assert_eq(engine_minutes_amount(&expect, total, D(rate), CUR("USD"), ROUND_HALF_UP, NULL), 0);
        cr_assert_eq(f.res.lines[0].amount, expect, "iteration %d", iter);
        cr_assert_eq(f.res.lines[0].minutes, total);
        fx_fini(&f);
    }
}

Test(properties, bucket_periods_keep_their_invariants)
{
    for (int iter = 0; iter < 20000; iter++) {
        int64_t allowance = (int64_t)rnd(3000), roll = (int64_t)rnd(3000), used = (int64_t)rnd(9000);
        bool allow = rnd(2);
        EngineBucketResult b = {0};
        engine_bucket_period(&b, allowance, roll, used, allow);
        int64_t over = used - allowance - roll;
        cr_assert_eq(b.overage_minutes, over > 0 ? over : 0);
        cr_assert(b.rollover_out_minutes >= 0 && b.rollover_out_minutes <= allowance);
        if (!allow)
            cr_assert_eq(b.rollover_out_minutes, 0);
        /* Hours are neither created nor lost: used = from rollover + from
         * allowance + overage, and what is left of the allowance carries. */
        int64_t from_roll = used < roll ? used : roll;
        int64_t from_allow = used - from_roll - b.overage_minutes;
        cr_assert(from_allow >= 0 && from_allow <= allowance);
        if (allow)
            cr_assert_eq(b.rollover_out_minutes, allowance - from_allow);
    }
}
