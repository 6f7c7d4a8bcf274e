/*
 * catalog.h: VRFs and accounts, the two catalogues pools refer to.
 *
 * A VRF separates address spaces: overlap is allowed across VRFs, never
 * inside one.  The default VRF (id 1) always exists.  An account is a
 * cloud account, project or subscription (or a data centre) whose
 * external key is checked per provider: "aws:" and 12 digits, "gcp:" and
 * a project id, "azure:" and a subscription UUID.
 */
#ifndef CLOUDPAM_IPAM_CATALOG_H
#define CLOUDPAM_IPAM_CATALOG_H

#include "lib/arena.h"
#include "lib/err.h"
#include "store/store.h"

#define IPAM_DEFAULT_VRF 1

extern const char *const ipam_providers[];
extern const char *const ipam_tiers[];

/* Whether a VRF name is 1-64 of [A-Za-z0-9._-]; 400 naming "name". */
int ipam_vrf_check(const struct store_vrf *in, struct err *err);
int ipam_vrf_create(struct store *st, struct arena *arena,
    const struct store_vrf *in, struct store_vrf *out, struct err *err);
/* The same inside the caller's transaction, recorded as action. */
int ipam_vrf_create_in(struct store *st, struct arena *arena,
    const struct store_vrf *in, const char *action, struct store_vrf *out,
    struct err *err);
int ipam_vrf_update(struct store *st, struct arena *arena,
    const struct store_vrf *in, struct store_vrf *out, struct err *err);
/* 409 when pools use it; the default VRF cannot be deleted. */
int ipam_vrf_delete(
    struct store *st, struct arena *arena, int64_t id, struct err *err);

/*
 * Check provider, tier and the external key's form for the provider:
 * 400 naming the field, with the expected form in the message.
 */
int ipam_account_check(const struct store_account *in, struct err *err);
int ipam_account_create(struct store *st, struct arena *arena,
    const struct store_account *in, struct store_account *out, struct err *err);
/* The same inside the caller's transaction, recorded as action. */
int ipam_account_create_in(struct store *st, struct arena *arena,
    const struct store_account *in, const char *action,
    struct store_account *out, struct err *err);
int ipam_account_update(struct store *st, struct arena *arena,
    const struct store_account *in, struct store_account *out, struct err *err);
/* 409 when pools refer to it. */
int ipam_account_delete(
    struct store *st, struct arena *arena, int64_t id, struct err *err);

#endif
