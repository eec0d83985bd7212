/* domain/recon_rows.c — reading contracts and billing records for matching;
 * see recon_rows.h. Exports recon_contract_select, recon_row_contract,
 * recon_row_record, recon_value_dup, recon_value_date, recon_value_id.
 *
 * A contract covers [contract_start_date, contract_end_date + 1): the end date is
 * its last day, as every date a person types (docs/billing-rules.md §2). A
 * terminated contract's period ends after its termination date; a contract
 * expects billing (missing periods count) when active, expired or terminated.
 */
#include "domain/recon_rows.h"

#include <stdio.h>
#include <string.h>

const char *recon_value_dup(Arena *a, Value v)
{
    return v.kind == V_TEXT ? arena_strndup(a, v.s, v.len) : NULL;
}

bool recon_value_date(Value v, Date *out)
{
    return v.kind == V_TEXT && date_parse(out, v.s, v.len, "date", NULL) == 0;
}

void recon_value_id(char out[UUID_STR_LEN + 1], Value v)
{
    size_t n = v.kind == V_TEXT && v.len <= UUID_STR_LEN ? v.len : 0;
    memcpy(out, n ? v.s : "", n);
    out[n] = '\0';
}

const char recon_contract_select[] =
    "SELECT id, contract_number, currency, contract_start_date, contract_end_date, termination_date,"
    " contract_status, billing_cycle, billing_timing, period_amount, contract_amount, payment_terms, tax_rate,"
    " owner_id, created_by, customer_id, party_type FROM contracts WHERE tenant_id = $1 AND deleted_at IS NULL";

int recon_row_contract(Arena *a, const ReconSettings *s, Rows *r, ReconContractRow *c)
{
    memset(c, 0, sizeof *c);
    recon_value_id(c->id, rows_get(r, 0));
    c->number = recon_value_dup(a, rows_get(r, 1));
    c->currency = recon_value_dup(a, rows_get(r, 2));
    c->cur = currency_find(c->currency);
    Date start, end, term;
    bool ok = c->cur && c->number && recon_value_date(rows_get(r, 3), &start) && recon_value_date(rows_get(r, 4), &end);
    char status[16] = "", cycle[16] = "", timing[16] = "";
    Value v = rows_get(r, 6);
    if (v.kind == V_TEXT)
        snprintf(status, sizeof status, "%.*s", (int)v.len, v.s);
    v = rows_get(r, 7);
    if (v.kind == V_TEXT)
        snprintf(cycle, sizeof cycle, "%.*s", (int)v.len, v.s);
    v = rows_get(r, 8);
    if (v.kind == V_TEXT)
        snprintf(timing, sizeof timing, "%.*s", (int)v.len, v.s);
    ReconTerms *t = &c->c.terms;
    if (ok) {
        /* contract_end_date and termination_date are last days (docs/billing-rules.md §2) */
        t->period = (Period){start, date_add_days(end, 1)};
        if (strcmp(status, "terminated") == 0 && recon_value_date(rows_get(r, 5), &term) && term < end)
            t->period.end = term >= start ? date_add_days(term, 1) : start + 1;
    }
    ok = ok && recon_cycle_parse(&t->cycle, cycle) == 0;
    t->timing = strcmp(timing, "in_arrears") == 0 ? RT_IN_ARREARS : RT_IN_ADVANCE;
    t->period_amount = rows_get(r, 9).i;
    Value budget = rows_get(r, 10);
    c->c.has_budget = budget.kind == V_INT;
    c->c.contract_amount = budget.i;
    Value terms = rows_get(r, 11);
    t->payment_terms = terms.kind == V_INT ? (int)terms.i : 0;
    c->c.check_due_date = terms.kind == V_INT;
    Value rate = rows_get(r, 12);
    c->c.has_tax_rate = rate.kind == V_INT;
    c->c.tax_rate = dec_from_scaled(rate.i, 4);
    c->c.expects_billing =
        strcmp(status, "active") == 0 || strcmp(status, "expired") == 0 || strcmp(status, "terminated") == 0;
    Value owner = rows_get(r, 13), creator = rows_get(r, 14);
    if (owner.kind == V_TEXT)
        c->assignee = recon_value_dup(a, owner);
    else if (s->default_assignee[0])
        c->assignee = s->default_assignee;
    else
        c->assignee = recon_value_dup(a, creator);
    c->customer_id = recon_value_dup(a, rows_get(r, 15));
    c->ok = ok;
    return 0;
}

int recon_row_record(Arena *a, Rows *r, ReconRecordRow *rr)
{
    memset(rr, 0, sizeof *rr);
    recon_value_id(rr->contract_id, rows_get(r, 0));
    recon_value_id(rr->id, rows_get(r, 1));
    rr->number = recon_value_dup(a, rows_get(r, 2));
    if (!recon_value_date(rows_get(r, 3), &rr->r.billing_date))
        return -1;
    rr->r.has_due_date = recon_value_date(rows_get(r, 4), &rr->r.due_date);
    rr->r.has_period = recon_value_date(rows_get(r, 5), &rr->r.period_start);
    rr->r.billing_amount = rows_get(r, 6).i;
    rr->r.tax_amount = rows_get(r, 7).i;
    return 0;
}

