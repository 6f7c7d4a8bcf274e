/*
 * identity_internal.h: what identity.c and identity_users.c share.
 */
#ifndef CLOUDPAM_IPAM_IDENTITY_INTERNAL_H
#define CLOUDPAM_IPAM_IDENTITY_INTERNAL_H

#include "ipam/identity.h"

/* Fill out for user u signed in by kind, with the role's permissions. */
void ipam_identity_of_user(struct ipam_identity *out, enum ipam_auth_kind kind,
    const struct store_user *u);

#endif
