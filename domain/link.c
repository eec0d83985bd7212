/* domain/link.c — which contract a billing record belongs to, when it arrives
 * without one. Pure; see recon.h. Exports link_rank, link_mentions,
 * link_tokens, link_party_key.
 *
 * A record is linked automatically only when one contract is certain: the one
 * its contract_number names; else the one its description names; else the one
 * of the same party (customer, or contractor by name) whose period holds the
 * record's date. Otherwise it waits in the unlinked queue with its candidates
 * ranked by a score that adds up the evidence: number given 1000, number in
 * the text 400, same party 100, period holds the date 40, amount within the
 * tolerance of the period amount 20, contract active 5.
 */
#include "domain/recon.h"

#include <ctype.h>
#include <string.h>

static const struct { unsigned flag; int points; } weights[] = {
    {LINK_NUMBER, 1000}, {LINK_NUMBER_IN_TEXT, 400}, {LINK_PARTY, 100},
    {LINK_PERIOD, 40},   {LINK_AMOUNT, 20},          {LINK_ACTIVE, 5},
};

static bool alnum(char c)
{
    return isalnum((unsigned char)c) != 0;
}

static bool same_ci(const char *a, const char *b)
{
    while (*a && *b && tolower((unsigned char)*a) == tolower((unsigned char)*b)) {
        a++;
        b++;
    }
    return *a == '\0' && *b == '\0';
}

bool link_mentions(const char *text, const char *number)
{
    if (!text || !number)
        return false;
    size_t n = strlen(number);
    if (n == 0)
        return false;
    for (const char *p = text; *p; p++) {
        if (p != text && alnum(p[-1]))
            continue;
        size_t i = 0;
        while (i < n && p[i] && tolower((unsigned char)p[i]) == tolower((unsigned char)number[i]))
            i++;
        if (i == n && !alnum(p[n]))
            return true;
    }
    return false;
}

int link_tokens(char *buf, size_t bufcap, const char **out, int cap, const char *text)
{
    int n = 0;
    size_t used = 0;
    if (!text)
        return 0;
    const char *p = text;
    while (*p && n < cap) {
        while (*p && (isspace((unsigned char)*p) || strchr(",;:()[]{}\"'<>|", *p)))
            p++;
        const char *s = p;
        while (*p && !isspace((unsigned char)*p) && !strchr(",;:()[]{}\"'<>|", *p))
            p++;
        size_t len = (size_t)(p - s);
        while (len && (s[len - 1] == '.' || s[len - 1] == '-' || s[len - 1] == '/'))
            len--;
        while (len && (s[0] == '#' || s[0] == '.'))   /* "#CT-1" -> "CT-1" */
            s++, len--;
        if (len < 2 || len > 50 || used + len + 1 > bufcap)
            continue;
        bool has_digit = false;
        for (size_t i = 0; i < len; i++)
            has_digit |= isdigit((unsigned char)s[i]) != 0;
        if (!has_digit)   /* contract numbers carry digits; plain words are not looked up */
            continue;
        char *t = buf + used;
        memcpy(t, s, len);
        t[len] = '\0';
        bool dup = false;
        for (int k = 0; k < n && !dup; k++)
            dup = strcmp(out[k], t) == 0;
        if (dup)
            continue;
        used += len + 1;
        out[n++] = t;
    }
    return n;
}

void link_trim(char *out, size_t cap, const char *s)
{
    if (cap == 0)
        return;
    out[0] = '\0';
    if (!s)
        return;
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        n--;
    if (n >= cap)
        n = cap - 1;
    memcpy(out, s, n);
    out[n] = '\0';
}

void link_party_key(char *out, size_t cap, const char *customer_id, const char *contractor_name)
{
    if (cap == 0)
        return;
    out[0] = '\0';
    size_t k = 0;
    const char *prefix = NULL, *v = NULL;
    if (customer_id && *customer_id) {
        prefix = "customer:";
        v = customer_id;
    } else if (contractor_name) {
        prefix = "contractor:";
        v = contractor_name;
        while (isspace((unsigned char)*v))
            v++;
        if (!*v)
            return;
    } else {
        return;
    }
    for (const char *p = prefix; *p && k + 1 < cap; p++)
        out[k++] = *p;
    bool space = false;
    for (const char *p = v; *p && k + 1 < cap; p++) {
        if (isspace((unsigned char)*p)) {
            space = true;
            continue;
        }
        if (space && out[k - 1] != ':')
            out[k++] = ' ';
        space = false;
        if (k + 1 < cap)
            out[k++] = (char)tolower((unsigned char)*p);
    }
    out[k] = '\0';
}

/* Best first: score, then contract number (plain byte order), then index. */
static bool before(const LinkCandidate *a, const LinkCandidate *b, const LinkContract *cs)
{
    if (a->score != b->score)
        return a->score > b->score;
    int c = strcmp(cs[a->contract].number ? cs[a->contract].number : "",
                   cs[b->contract].number ? cs[b->contract].number : "");
    if (c != 0)
        return c < 0;
    return a->contract < b->contract;
}

int link_rank(LinkCandidate *out, int cap, int *nout, const LinkRecord *r, const LinkContract *cs, int n)
{
    *nout = 0;
    int by_number = -1, n_number = 0, by_text = -1, n_text = 0;
    for (int i = 0; i < n; i++) {
        const LinkContract *c = &cs[i];
        unsigned why = 0;
        if (r->contract_number && *r->contract_number && c->number && same_ci(r->contract_number, c->number))
            why |= LINK_NUMBER;
        if (r->text && link_mentions(r->text, c->number))
            why |= LINK_NUMBER_IN_TEXT;
        if (r->party_key && *r->party_key && c->party_key && strcmp(r->party_key, c->party_key) == 0)
            why |= LINK_PARTY;
        if (period_contains(c->period, r->date))
            why |= LINK_PERIOD;
        int64_t d = r->amount - c->period_amount;
        if (d <= c->tolerance && d >= -c->tolerance)
            why |= LINK_AMOUNT;
        if (c->active)
            why |= LINK_ACTIVE;
        if (why & LINK_NUMBER) {
            by_number = i;
            n_number++;
        }
        if (why & LINK_NUMBER_IN_TEXT) {
            by_text = i;
            n_text++;
        }
        if (!(why & (LINK_NUMBER | LINK_NUMBER_IN_TEXT | LINK_PARTY)))
            continue;
        LinkCandidate cand = {.contract = i, .reasons = why};
        for (size_t w = 0; w < sizeof weights / sizeof weights[0]; w++)
            if (why & weights[w].flag)
                cand.score += weights[w].points;
        /* insertion into the sorted, capped list */
        int pos = *nout;
        while (pos > 0 && before(&cand, &out[pos - 1], cs))
            pos--;
        if (pos >= cap)
            continue;
        int last = *nout < cap ? *nout : cap - 1;
        for (int j = last; j > pos; j--)
            out[j] = out[j - 1];
        out[pos] = cand;
        if (*nout < cap)
            (*nout)++;
    }
    if (n_number == 1)
        return by_number;
    if (n_text == 1)
        return by_text;
    /* Same party and period: among the contracts the text names when it names several. */
    int found = -1, count = 0;
    for (int i = 0; i < n; i++) {
        const LinkContract *c = &cs[i];
        if (n_text > 1 && !link_mentions(r->text, c->number))
            continue;
        if (r->party_key && *r->party_key && c->party_key && strcmp(r->party_key, c->party_key) == 0 &&
            period_contains(c->period, r->date)) {
            found = i;
            count++;
        }
    }
    return count == 1 ? found : -1;
}
