/*
 * identity_internal.h: what identity.c and identity_users.c share.
 */
#ifndef CLOUDPAM_IPAM_IDENTITY_INTERNAL_H
#define CLOUDPAM_IPAM_IDENTITY_INTERNAL_H

#include "ipam/identity.h"

/* Fill out for user u signed in by kind, with the role's permissions. */
void ipam_identity_of_user(struct ipam_identity *out, enum ipam_auth_kind kind,
    const struct store_user *u);

/* Insert a new session for user_id inside the caller's transaction. */
int ipam_session_create(struct store *st, int64_t user_id,
    const char *client_addr, time_t now, char token[SECRET_TOKEN_SIZE],
    char hash[65], struct err *err);

#endif
