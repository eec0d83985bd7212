/* domain/domain.h — attaching the business rules to the registry. */
#ifndef REMIT_DOMAIN_DOMAIN_H
#define REMIT_DOMAIN_DOMAIN_H

/* Attaches every module's hooks and actions to its tables. Call after registry_init(). */
void domain_init(void);

/* One per module (domain/<module>.c). */
void customers_init(void);
/* Identity (issue 3): sessions, mailed tokens, user management, privacy export, settings. */
void sessions_init(void);
void password_init(void);
void verify_init(void);
void users_init(void);
void export_init(void);
void settings_init(void);

#endif
