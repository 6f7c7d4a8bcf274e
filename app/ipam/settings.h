/*
 * settings.h: instance-wide settings and the special-purpose range policy,
 * each change audited in its own transaction.
 */
#ifndef CLOUDPAM_IPAM_SETTINGS_H
#define CLOUDPAM_IPAM_SETTINGS_H

#include <stdint.h>

#include "lib/arena.h"
#include "lib/err.h"
#include "store/store.h"

/* Set a setting, recording "setting.update" with the old and new value. */
int ipam_setting_set(struct store *st, struct arena *arena, const char *key,
    const char *value, struct err *err);

/*
 * Allow or refuse special range id for new pools.  404 when there is no
 * such row, 409 "always_allowed" for private-use, shared and unique-local
 * space.  *out is the row after the change.
 */
int ipam_special_set_allowed(struct store *st, struct arena *arena, int64_t id,
    int allowed, struct store_special *out, struct err *err);

#endif
