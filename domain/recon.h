/* domain/recon.h — reconciliation's pure core: the expected schedule of a
 * contract, matching billing records against it, and ranking the contracts an
 * unlinked record may belong to.
 *
 * Plain structs in, plain structs out: no I/O, no allocation, no clock (the
 * caller passes "today"). The database is read before and written after
 * (domain/reconcile.c), so the same functions run for one contract inside a
 * request and for a whole tenant in bulk, and are tested exhaustively
 * (tests/unit/test_recon_*.c).
 *
 * Conventions (domain/README.md has the worked example):
 * - A contract's ReconTerms.period is half-open [start, end); the caller
 *   turns the contract's end date (its last day, as people type dates) into
 *   end = last day + 1 (domain/recon_rows.c).
 * - Periods are billing cycles anchored on the start date (core/date.h: the
 *   anchor's day of month, clamped, never drifting). A last period cut short by
 *   the contract's end is prorated by days: amount x days / days of that
 *   period's own full cycle, rounded once (money_mul_ratio).
 * - A period's billing date is its start (in advance) or its end (in arrears);
 *   its due date is the billing date plus the contract's payment terms. A period
 *   with no record once its due date has passed is missing.
 */
#ifndef REMIT_DOMAIN_RECON_H
#define REMIT_DOMAIN_RECON_H

#include <stdbool.h>
#include <stdint.h>

#include "core/date.h"
#include "core/decimal.h"
#include "core/error.h"

#define RECON_MAX_PERIODS 1200   /* 100 years of months */
#define RECON_MAX_ISSUES 6

typedef enum ReconCycle { RC_ONE_OFF, RC_MONTHLY, RC_QUARTERLY, RC_HALF_YEARLY, RC_YEARLY, RC__COUNT } ReconCycle;
typedef enum ReconTiming { RT_IN_ADVANCE, RT_IN_ARREARS } ReconTiming;

/* "one_off", "monthly", "quarterly", "half_yearly", "yearly": 0, or -1 (out untouched). */
int recon_cycle_parse(ReconCycle *out, const char *s);
const char *recon_cycle_name(ReconCycle c);

/* ---- the expected schedule ---- */

typedef struct ReconTerms {
    Period period;            /* the contract's [start, end): end is the end date or the termination */
    ReconCycle cycle;
    ReconTiming timing;
    int64_t period_amount;    /* minor units for one full period (one-off: the whole amount) */
    int payment_terms;        /* days from a period's billing date to its due date, >= 0 */
} ReconTerms;

typedef struct ReconPeriod {
    Period p;
    Date billing_date;
    Date due_date;
    int64_t expected;         /* minor units */
    bool prorated;            /* cut short by the contract's end */
} ReconPeriod;

/* Fills out[0..*n) with the schedule. ERR_INVALID for an empty or inverted
 * contract period or a negative amount; ERR_RANGE when it has more than cap
 * periods (cap <= RECON_MAX_PERIODS). */
int recon_schedule(ReconPeriod *out, int cap, int *n, const ReconTerms *t, Rounding r, Error *err);
/* The sum of the schedule's expected amounts (ERR_OVERFLOW if it does not fit). */
int recon_schedule_total(int64_t *out, const ReconPeriod *s, int n, Error *err);
/* The index of the period containing d, or -1. */
int recon_period_of(const ReconPeriod *s, int n, Date d);

/* ---- matching ---- */

typedef enum ReconStatus { RS_MATCHED, RS_PARTIAL, RS_MISMATCHED, RS_UNMATCHED, RS__COUNT } ReconStatus;

/* Discrepancy kinds; their names are the alert types. */
typedef enum ReconKind {
    RK_AMOUNT,          /* "amount_mismatch": billed differs from expected beyond the tolerance */
    RK_OUTSIDE,         /* "outside_period": billed for a date outside the contract period */
    RK_DUPLICATE,       /* "duplicate_period": the period was already billed in full */
    RK_MISSING,         /* "missing_period": a period past its due date with no record */
    RK_OVER_BUDGET,     /* "over_budget": the running total passed the contract amount */
    RK_TAX,             /* "tax_mismatch": tax differs from the rate in force */
    RK_DUE_DATE,        /* "due_date_beyond_terms": due later than billing date + terms */
    RK_UNLINKED,        /* "unlinked_record": no contract could be chosen */
    RK_EXPIRY,          /* "contract_expiry": the contract ends soon */
    RK__COUNT
} ReconKind;

const char *recon_status_name(ReconStatus s);
int recon_status_parse(ReconStatus *out, const char *s);
const char *recon_kind_name(ReconKind k);
int recon_kind_parse(ReconKind *out, const char *s);

typedef struct ReconContract {
    ReconTerms terms;
    bool has_budget;
    int64_t contract_amount;  /* the budget the running total is held to */
    bool has_tax_rate;
    Dec tax_rate;             /* percent in force */
    bool check_due_date;      /* the contract states payment terms */
    bool expects_billing;     /* missing periods count (active, expired, terminated) */
} ReconContract;

typedef struct ReconRules {
    Dec tolerance_percent;    /* of a period's expected amount */
    int64_t tolerance_amount; /* minor units of the contract's currency */
    Rounding rounding;
    Date today;
} ReconRules;

typedef struct ReconRecord {
    Date billing_date;
    bool has_due_date;
    Date due_date;
    bool has_period;
    Date period_start;        /* the service period's start, when the record gives one */
    int64_t billing_amount;
    int64_t tax_amount;
} ReconRecord;

typedef struct ReconIssue {
    ReconKind kind;
    int64_t expected, actual; /* amounts in minor units; difference = actual - expected */
    int64_t tolerance;        /* amount mismatches */
    Date date, limit;         /* due-date issues: due date and the latest allowed; outside: the date used */
    int first;                /* duplicates: index of the record that billed the period first */
} ReconIssue;

typedef struct ReconResult {
    ReconStatus status;
    int period;               /* schedule index, -1 when outside */
    int64_t expected;         /* what this record was expected to bill */
    int64_t billed;
    int64_t difference;       /* billed - expected */
    int nissues;
    ReconIssue issues[RECON_MAX_ISSUES];
} ReconResult;

/* Matches records (in evaluation order: billing date, then creation) against a
 * contract's schedule. results[i] is record i's; missing[0..*nmissing) gets
 * the indices of missing periods (missing holds nsched). Returns 0 or
 * ERR_OVERFLOW / ERR_INVALID. */
int recon_match(ReconResult *results, int *missing, int *nmissing, const ReconContract *c,
                const ReconPeriod *sched, int nsched, const ReconRecord *recs, int nrec, const ReconRules *rules,
                Error *err);
/* The tolerance for an expected amount: the larger of the absolute amount and the percentage. */
int recon_tolerance(int64_t *out, int64_t expected, const ReconRules *rules, Error *err);

/* ---- linking ---- */

enum {
    LINK_NUMBER = 1u << 0,          /* the record's contract_number is the contract's */
    LINK_NUMBER_IN_TEXT = 1u << 1,  /* the description names the contract's number */
    LINK_PARTY = 1u << 2,           /* same customer, or same contractor */
    LINK_PERIOD = 1u << 3,          /* the record's date is in the contract's period */
    LINK_AMOUNT = 1u << 4,          /* the amount is the contract's period amount, within tolerance */
    LINK_ACTIVE = 1u << 5,          /* the contract is active or suspended */
};

typedef struct LinkContract {
    const char *number;
    const char *party_key;    /* "customer:<id>" or "contractor:<name folded>" */
    Period period;
    int64_t period_amount;
    int64_t tolerance;
    bool active;
} LinkContract;

typedef struct LinkRecord {
    const char *contract_number;   /* as written on the record, or NULL */
    const char *text;              /* description and the like, searched for contract numbers */
    const char *party_key;         /* or NULL */
    Date date;                     /* service period start, else billing date */
    int64_t amount;
} LinkRecord;

typedef struct LinkCandidate {
    int contract;             /* index into the contracts given */
    int score;
    unsigned reasons;         /* LINK_* */
} LinkCandidate;

#define LINK_MAX_CANDIDATES 10

/* Ranks contracts for a record. Returns the index of the contract to link
 * automatically — the only one named by the record's contract_number, else the
 * only one its text names, else the only one of the same party whose period
 * holds the record's date — or -1 when none is certain. out[0..*nout) gets the
 * candidates (contracts named by number or text, or of the same party), best
 * first: by score, then contract number. */
int link_rank(LinkCandidate *out, int cap, int *nout, const LinkRecord *r, const LinkContract *cs, int n);
/* Whether text names number as a whole token (case-insensitive; the characters
 * around it are not letters or digits). */
bool link_mentions(const char *text, const char *number);
/* Splits text into the tokens that could be contract numbers (for looking
 * them up): out gets up to cap pointers into buf (NUL-terminated copies). */
int link_tokens(char *buf, size_t bufcap, const char **out, int cap, const char *text);
/* "customer:<id>" / "contractor:<name>" with the name trimmed, inner blanks
 * collapsed and ASCII letters lower-cased; "" when there is no party. */
void link_party_key(char *out, size_t cap, const char *customer_id, const char *contractor_name);
/* s without the white space around it, in out (at most cap - 1 bytes); "" when s
 * is NULL or blank. Numbers people type (contract, bill) are kept so. */
void link_trim(char *out, size_t cap, const char *s);

#endif
