/* domain/password.h — password rules shared by sign-up, invitations and resets. */
#ifndef REMIT_DOMAIN_PASSWORD_H
#define REMIT_DOMAIN_PASSWORD_H

#include "core/error.h"

/* 8 to 256 characters; ERR_REQUIRED / ERR_INVALID / ERR_RANGE on field "password". */
int password_check(const char *password, Error *err);

/* Stops the worker that mails password reset links (domain/password.c); call before the Store
 * closes. Requests still queued are dropped (logged). */
void password_stop(void);

#endif
