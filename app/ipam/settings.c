/*
 * settings.c: audited changes of settings and of the special-range policy.
 */
#include "ipam/settings.h"

#include "ipam/audit.h"
#include "ipam/ipam_internal.h"
#include "ipam/objects.h"

static struct json_object *
setting_json(const char *key, const char *value)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(
	    o, key, value != NULL ? json_object_new_string(value) : NULL);
	return o;
}

int
ipam_setting_set(struct store *st, struct arena *arena, const char *key,
    const char *value, struct err *err)
{
	char *old = NULL;
	int rc;

	if (store_begin(st, 1, err) == -1)
		return -1;
	rc = store_setting_get(st, key, arena, &old, err);
	if (rc == 0)
		rc = store_setting_set(st, key, value, err);
	if (rc == 0)
		rc = ipam_audit_named(st, "setting.update", "setting", key,
		    setting_json(key, old), setting_json(key, value), err);
	return ipam_finish(st, rc, err);
}

/* The row with id among the policy table's few dozen rows. */
static int
special_get(struct store *st, struct arena *arena, int64_t id,
    struct store_special *out, struct err *err)
{
	struct store_special *rows;
	size_t n, i;

	if (store_special_list(st, arena, &rows, &n, err) == -1)
		return -1;
	for (i = 0; i < n; i++)
		if (rows[i].id == id) {
			*out = rows[i];
			return 0;
		}
	return err_set(err, 404, "not_found", "no special range with id %lld",
	    (long long)id);
}

int
ipam_special_set_allowed(struct store *st, struct arena *arena, int64_t id,
    int allowed, struct store_special *out, struct err *err)
{
	struct store_special before;
	int rc;

	if (store_begin(st, 1, err) == -1)
		return -1;
	rc = special_get(st, arena, id, &before, err);
	if (rc == 0 && before.always_allowed)
		rc = err_set(err, 409, "always_allowed",
		    "%s (%s, %s) is always allowed: private-use, shared and "
		    "unique-local space cannot be refused",
		    before.cidr, before.name, before.reference);
	if (rc == 0)
		rc = store_special_set_allowed(st, id, allowed != 0, err);
	if (rc == 0) {
		*out = before;
		out->allowed = allowed != 0;
		rc = ipam_audit(st, "special_range.update", "special_range", id,
		    ipam_special_json(&before), ipam_special_json(out), err);
	}
	return ipam_finish(st, rc, err);
}
