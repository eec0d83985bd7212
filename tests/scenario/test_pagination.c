/* tests/scenario/test_pagination.c — cursor pagination over 10,000 rows (issue 2 acceptance):
 * every row comes back exactly once (no repeat, no gap), in the order asked for, under
 * several orderings — the default (newest first), text keys ascending and descending, a
 * nullable key both ways (NULLs last ascending, first descending), two keys in mixed
 * directions, a timestamp — and while other clients insert rows between and during the pages.
 *
 * The rows are customers of a fresh tenant: name "P-00042" (unique), code with a repeating
 * prefix (many ties, broken by id), city one of 13 values or NULL for every 7th row.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/scenario/helpers.h"

#define NROWS 10000
#define WRITERS 4
#define PAGE 500

static const char *const cities[] = {"Agra",  "Bengaluru", "Chennai", "Delhi",  "Goa",    "Hyderabad", "Indore",
                                     "Jaipur", "Kochi",    "Lucknow", "Mumbai", "Nagpur", "Pune"};

typedef struct Seen {
    char id[40];
    char name[16];
    char code[16];
    char city[16];            /* "" = NULL */
    char created_at[32];
} Seen;

typedef struct Writer {
    const TestTenant *t;
    int from, to;             /* rows [from, to) */
    const char *prefix;       /* name prefix */
    int failures;
    char error[256];
} Writer;

static void row_body(char *out, size_t cap, const char *prefix, int i)
{
    if (i % 7 == 3)
        snprintf(out, cap, "{\"name\": \"%s-%05d\", \"code\": \"K%02d-%05d\"}", prefix, i, i % 50, i);
    else
        snprintf(out, cap, "{\"name\": \"%s-%05d\", \"code\": \"K%02d-%05d\", \"city\": \"%s\"}", prefix, i, i % 50, i,
                 cities[(i * 5) % 13]);
}

/* Worker thread: creates rows [from, to). No Criterion asserts off the main thread. */
static void *write_rows(void *arg)
{
    Writer *w = arg;
    HttpClient *c = http_client_new();
    char auth[600], body[256];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", w->t->token);
    const char *hdrs[] = {auth, NULL};
    for (int i = w->from; i < w->to && c; i++) {
        row_body(body, sizeof body, w->prefix, i);
        HttpRequest req = {.base = t_base(), .method = "POST", .path = "/api/v1/customers", .headers = hdrs,
                           .body = body};
        HttpResult r;
        int rc = http_client_call(c, &r, &req);
        if (rc < 0 || r.status != 201) {
            if (!w->failures++)
                snprintf(w->error, sizeof w->error, "row %d: %ld %.200s", i, r.status, rc < 0 ? r.error : r.body);
        }
        http_result_free(&r);
    }
    if (!c) {
        w->failures++;
        snprintf(w->error, sizeof w->error, "no HTTP client");
    }
    http_client_free(c);
    return NULL;
}

/* The trial plan allows 100 customers: the operator moves the tenant to the unlimited plan
 * (remit tenant activate, as a payment would) before the thousands of rows. */
static void unlimited_plan(const TestTenant *t)
{
    char out[4096];
    int st = t_sh(out, sizeof out,
                  "REMIT_LOG_LEVEL=error '%s' tenant activate '%s' --plan enterprise --db '%s' --data-dir '%s/cli' 2>&1",
                  t_env("REMIT_TEST_BIN"), t->slug, t_env("REMIT_TEST_DB"), t_env("REMIT_TEST_WORK"));
    cr_assert_eq(st, 0, "remit tenant activate (needs REMIT_TEST_BIN, REMIT_TEST_DB, REMIT_TEST_WORK): %s", out);
}

static void create_rows(const TestTenant *t, const char *prefix, int from, int to)
{
    pthread_t th[WRITERS];
    Writer w[WRITERS];
    int per = (to - from + WRITERS - 1) / WRITERS;
    for (int k = 0; k < WRITERS; k++) {
        int a = from + k * per, b = a + per < to ? a + per : to;
        w[k] = (Writer){.t = t, .from = a, .to = b, .prefix = prefix};
        cr_assert_eq(pthread_create(&th[k], NULL, write_rows, &w[k]), 0);
    }
    int failures = 0;
    for (int k = 0; k < WRITERS; k++) {
        pthread_join(th[k], NULL);
        if (w[k].failures)
            cr_log_error("writer %d: %d failures, first: %s", k, w[k].failures, w[k].error);
        failures += w[k].failures;
    }
    cr_assert_eq(failures, 0, "%d rows could not be created", failures);
}

static void copy_field(char *dst, size_t cap, json_t *row, const char *key)
{
    const char *s = json_string_value(json_object_get(row, key));
    snprintf(dst, cap, "%s", s ? s : "");
}

/* One order key: the field and its direction. */
typedef struct Key { const char *field; bool desc; } Key;

static const char *key_value(const Seen *s, const char *field)
{
    if (!strcmp(field, "name")) return s->name;
    if (!strcmp(field, "code")) return s->code;
    if (!strcmp(field, "city")) return s->city[0] ? s->city : NULL;
    if (!strcmp(field, "created_at")) return s->created_at;
    return s->id;
}

/* <0, 0, >0 as a comes before, ties with, or comes after b in the order the API promises:
 * byte order of the text, NULLs last ascending and first descending, id as the last key in
 * the first key's direction. */
static int compare(const Seen *a, const Seen *b, const Key *keys, int nkeys)
{
    for (int i = 0; i <= nkeys; i++) {
        const char *f = i < nkeys ? keys[i].field : "id";
        bool desc = i < nkeys ? keys[i].desc : (nkeys ? keys[0].desc : true);
        const char *x = key_value(a, f), *y = key_value(b, f);
        int c;
        if (!x && !y)
            c = 0;
        else if (!x)
            c = 1;        /* NULL is the largest: last ascending, first descending */
        else if (!y)
            c = -1;
        else
            c = strcmp(x, y);
        if (c)
            return desc ? -c : c;
    }
    return 0;
}

static int by_id(const void *a, const void *b)
{
    return strcmp(((const Seen *)a)->id, ((const Seen *)b)->id);
}

/* Pages through the tenant's customers with `order` (NULL = default) and `limit`; returns the
 * rows in the order received (malloc'd, *n of them). between(page, arg) runs after each page. */
static Seen *page_all(HttpClient *c, const TestTenant *t, const char *order, int limit, int *n, int *pages,
                      void (*between)(int page, void *arg), void *arg)
{
    size_t cap = NROWS + 4096;
    Seen *rows = calloc(cap, sizeof *rows);
    cr_assert_not_null(rows);
    *n = 0;
    *pages = 0;
    char *cursor = NULL;
    for (;;) {
        char path[1024];
        int w = snprintf(path, sizeof path, "/api/v1/customers?limit=%d%s%s%s%s", limit, order ? "&order=" : "",
                         order ? order : "", cursor ? "&cursor=" : "", cursor ? cursor : "");
        cr_assert(w > 0 && (size_t)w < sizeof path, "cursor too long for the test's buffer");
        json_t *page = NULL;
        long st = t_call(c, t->token, "GET", path, NULL, &page);
        cr_assert_eq(st, 200, "GET %s answered %ld", path, st);
        json_t *data = json_object_get(page, "data");
        cr_assert(json_is_array(data));
        size_t len = json_array_size(data);
        cr_assert_leq(len, (size_t)limit, "a page holds more rows than the limit");
        json_t *next = json_object_get(page, "next_cursor");
        cr_assert(len == (size_t)limit || json_is_null(next), "a short page must be the last one");
        cr_assert(len > 0 || *pages == 0, "a cursor led to an empty page");
        for (size_t i = 0; i < len; i++) {
            json_t *r = json_array_get(data, i);
            cr_assert_lt((size_t)*n, cap, "more rows than were ever created");
            Seen *s = &rows[(*n)++];
            copy_field(s->id, sizeof s->id, r, "id");
            copy_field(s->name, sizeof s->name, r, "name");
            copy_field(s->code, sizeof s->code, r, "code");
            copy_field(s->city, sizeof s->city, r, "city");
            copy_field(s->created_at, sizeof s->created_at, r, "created_at");
        }
        (*pages)++;
        free(cursor);
        cursor = json_is_string(next) ? strdup(json_string_value(next)) : NULL;
        json_decref(page);
        if (!cursor)
            break;
        if (between)
            between(*pages, arg);
    }
    return rows;
}

static int parse_keys(Key *keys, const char *order)
{
    static char buf[256];
    if (!order)
        return 0;
    snprintf(buf, sizeof buf, "%s", order);
    int n = 0;
    for (char *p = buf; p && *p && n < 4;) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        keys[n].desc = *p == '-';
        keys[n].field = *p == '-' ? p + 1 : p;
        n++;
        p = comma ? comma + 1 : NULL;
    }
    return n;
}

/* Every row exactly once and each adjacent pair in order. */
static void check_pages(const Seen *rows, int n, const char *order, const Seen *all, int nall)
{
    Key keys[4];
    int nkeys = parse_keys(keys, order);
    for (int i = 1; i < n; i++)
        cr_assert_lt(compare(&rows[i - 1], &rows[i], keys, nkeys), 0,
                     "order %s: row %d (%s %s %s) does not come after row %d (%s %s %s)", order ? order : "(default)",
                     i, rows[i].id, rows[i].name, rows[i].city, i - 1, rows[i - 1].id, rows[i - 1].name,
                     rows[i - 1].city);
    Seen *sorted = malloc(sizeof *sorted * (size_t)(n ? n : 1));
    cr_assert_not_null(sorted);
    memcpy(sorted, rows, sizeof *sorted * (size_t)n);
    qsort(sorted, (size_t)n, sizeof *sorted, by_id);
    for (int i = 1; i < n; i++)
        cr_assert_neq(strcmp(sorted[i - 1].id, sorted[i].id), 0, "order %s: row %s came twice",
                      order ? order : "(default)", sorted[i].id);
    cr_assert_eq(n, nall, "order %s: %d rows paged, %d exist", order ? order : "(default)", n, nall);
    for (int i = 0; i < n; i++)
        cr_assert_str_eq(sorted[i].id, all[i].id, "order %s: row %s is missing", order ? order : "(default)",
                         all[i].id);
    free(sorted);
}

/* Between pages: insert rows whose names sort before and after everything, so some land
 * behind the cursor and some ahead of it. */
typedef struct Between { const TestTenant *t; HttpClient *c; int inserted; } Between;
static int new_rows;

static void insert_between(int page, void *arg)
{
    Between *b = arg;
    char body[128];
    const char *names[] = {"A-early", "Z-late"};
    for (int k = 0; k < 2; k++) {
        snprintf(body, sizeof body, "{\"name\": \"%s-%03d\", \"code\": \"NEW-%d\"}", names[k], page,
                 __atomic_add_fetch(&new_rows, 1, __ATOMIC_RELAXED));
        long st = t_call(b->c, b->t->token, "POST", "/api/v1/customers", body, NULL);
        cr_assert_eq(st, 201, "insert between pages answered %ld", st);
        b->inserted++;
    }
}

typedef struct Background { const TestTenant *t; volatile int stop; int made; int failures; } Background;

static void *insert_background(void *arg)
{
    Background *bg = arg;
    HttpClient *c = http_client_new();
    char auth[600], body[160];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", bg->t->token);
    const char *hdrs[] = {auth, NULL};
    while (c && !__atomic_load_n(&bg->stop, __ATOMIC_ACQUIRE) && bg->made < 2000) {
        snprintf(body, sizeof body, "{\"name\": \"M-bg-%05d\", \"code\": \"BG-%d\", \"city\": \"%s\"}", bg->made,
                 __atomic_add_fetch(&new_rows, 1, __ATOMIC_RELAXED), cities[bg->made % 13]);
        HttpRequest req = {.base = t_base(), .method = "POST", .path = "/api/v1/customers", .headers = hdrs,
                           .body = body};
        HttpResult r;
        if (http_client_call(c, &r, &req) < 0 || r.status != 201)
            bg->failures++;
        else
            bg->made++;
        http_result_free(&r);
    }
    http_client_free(c);
    return NULL;
}

Test(pagination, ten_thousand_rows_page_through_with_cursors_with_no_repeat_and_no_gap, .timeout = 1200)
{
    t_base();
    TestTenant t;
    t_signup(&t, NULL);
    unlimited_plan(&t);
    create_rows(&t, "P", 0, NROWS);
    HttpClient *c = http_client_new();
    cr_assert_not_null(c);

    /* The reference set: every row, by id, from the default order. */
    int nall = 0, pages = 0;
    Seen *first = page_all(c, &t, NULL, PAGE, &nall, &pages, NULL, NULL);
    cr_assert_eq(nall, NROWS, "the tenant has %d rows, %d were created", nall, NROWS);
    cr_assert_eq(pages, NROWS / PAGE, "a page that ends at the last row has no next cursor");
    Seen *all = malloc(sizeof *all * NROWS);
    cr_assert_not_null(all);
    memcpy(all, first, sizeof *all * NROWS);
    qsort(all, (size_t)nall, sizeof *all, by_id);
    check_pages(first, nall, NULL, all, nall);   /* the default order: newest first, by id */
    free(first);

    static const struct { const char *order; int limit; } runs[] = {
        {"name", PAGE},          {"-name", 333},      {"city", PAGE},    {"-city", 271},
        {"city,-code", PAGE},    {"-code,name", 499}, {"-created_at", PAGE}, {"code", 97},
    };
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        int n = 0;
        Seen *rows = page_all(c, &t, runs[i].order, runs[i].limit, &n, &pages, NULL, NULL);
        cr_assert_eq(pages, (NROWS + runs[i].limit - 1) / runs[i].limit, "order %s: %d pages", runs[i].order, pages);
        check_pages(rows, n, runs[i].order, all, nall);
        free(rows);
    }
    free(all);
    http_client_free(c);
}

/* Rows inserted between pages never make a page repeat or skip an existing row; rows inserted
 * ahead of the cursor are seen, rows behind it are not. A second client inserts all the time. */
Test(pagination, rows_inserted_between_and_during_pages_cause_no_repeat_and_no_gap, .timeout = 600)
{
    t_base();
    TestTenant t;
    t_signup(&t, NULL);
    unlimited_plan(&t);
    enum { N = 3000 };
    create_rows(&t, "P", 0, N);
    HttpClient *c = http_client_new();
    cr_assert_not_null(c);
    int nbase = 0, pages = 0;
    Seen *base = page_all(c, &t, NULL, PAGE, &nbase, &pages, NULL, NULL);
    cr_assert_eq(nbase, N);
    qsort(base, (size_t)nbase, sizeof *base, by_id);

    static const char *const orders[] = {"name", "-city", "city,-code"};
    for (size_t o = 0; o < sizeof orders / sizeof orders[0]; o++) {
        Background bg = {.t = &t};
        pthread_t th;
        cr_assert_eq(pthread_create(&th, NULL, insert_background, &bg), 0);
        Between b = {.t = &t, .c = c};
        int n = 0;
        Seen *rows = page_all(c, &t, orders[o], 200, &n, &pages, insert_between, &b);
        __atomic_store_n(&bg.stop, 1, __ATOMIC_RELEASE);
        pthread_join(th, NULL);
        cr_assert_eq(bg.failures, 0, "the background writer failed %d times", bg.failures);

        Key keys[4];
        int nkeys = parse_keys(keys, orders[o]);
        for (int i = 1; i < n; i++)
            cr_assert_lt(compare(&rows[i - 1], &rows[i], keys, nkeys), 0, "order %s: rows %d and %d out of order",
                         orders[o], i - 1, i);
        /* no repeat */
        Seen *sorted = malloc(sizeof *sorted * (size_t)n);
        cr_assert_not_null(sorted);
        memcpy(sorted, rows, sizeof *sorted * (size_t)n);
        qsort(sorted, (size_t)n, sizeof *sorted, by_id);
        for (int i = 1; i < n; i++)
            cr_assert_neq(strcmp(sorted[i - 1].id, sorted[i].id), 0, "order %s: %s came twice", orders[o],
                          sorted[i].id);
        /* no gap: every row that existed before paging began was seen */
        int j = 0;
        for (int i = 0; i < nbase; i++) {
            while (j < n && strcmp(sorted[j].id, base[i].id) < 0)
                j++;
            cr_assert(j < n && strcmp(sorted[j].id, base[i].id) == 0, "order %s: row %s (%s) was skipped",
                      orders[o], base[i].id, base[i].name);
        }
        /* with order=name, "Z-late-..." rows are always ahead of the cursor: all are seen;
         * "A-early-..." rows are always behind it: none is */
        if (!strcmp(orders[o], "name")) {
            int late = 0, early = 0;
            for (int i = 0; i < n; i++) {
                late += !strncmp(rows[i].name, "Z-late-", 7);
                early += !strncmp(rows[i].name, "A-early-", 8);
            }
            cr_assert_eq(late, b.inserted / 2, "rows inserted ahead of the cursor: %d of %d seen", late,
                         b.inserted / 2);
            cr_assert_eq(early, 0, "rows inserted behind the cursor were returned");
        }
        free(sorted);
        free(rows);
    }
    free(base);
    http_client_free(c);
}
