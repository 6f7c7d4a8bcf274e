/*
 * catalog.c: rules for VRFs and accounts.
 */
#include "ipam/catalog.h"

#include <ctype.h>
#include <string.h>

#include "ipam/audit.h"
#include "ipam/ipam_internal.h"
#include "ipam/objects.h"
#include "ipam/pool.h"

const char *const ipam_providers[] = { "aws", "gcp", "azure", "onprem", "other",
	NULL };
const char *const ipam_tiers[] = { "", "dev", "stg", "sbx", "prd", NULL };

int
ipam_vrf_check(const struct store_vrf *in, struct err *err)
{
	size_t i, n = in->name ? strlen(in->name) : 0;

	if (n == 0 || n > 64)
		return err_field(err, 400, "invalid_value", "name",
		    "a VRF name is 1 to 64 characters");
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)in->name[i]) &&
		    strchr("._-", in->name[i]) == NULL)
			return err_field(err, 400, "invalid_value", "name",
			    "a VRF name takes letters, digits, '.', '_' and "
			    "'-'");
	return 0;
}

static int
vrf_create_locked(struct store *st, struct arena *arena,
    const struct store_vrf *in, struct store_vrf *out, struct err *err)
{
	int64_t id;

	if (ipam_vrf_check(in, err) == -1)
		return -1;
	if (store_vrf_insert(st, in, &id, err) == -1) {
		if (err->status == 409)
			err_field(err, 409, "conflict", "name",
			    "a VRF named %s already exists", in->name);
		return -1;
	}
	return store_vrf_get(st, id, arena, out, err);
}

static int
vrf_update_locked(struct store *st, struct arena *arena,
    const struct store_vrf *in, struct store_vrf *out, struct err *err)
{
	struct store_vrf old;

	if (ipam_vrf_check(in, err) == -1 ||
	    store_vrf_get(st, in->id, arena, &old, err) == -1)
		return -1;
	if (store_vrf_update(st, in, err) == -1) {
		if (err->status == 409)
			err_field(err, 409, "conflict", "name",
			    "a VRF named %s already exists", in->name);
		return -1;
	}
	return store_vrf_get(st, in->id, arena, out, err);
}

static int
vrf_delete_locked(
    struct store *st, struct arena *arena, int64_t id, struct err *err)
{
	struct store_vrf v;

	if (store_vrf_get(st, id, arena, &v, err) == -1)
		return -1;
	if (id == IPAM_DEFAULT_VRF)
		return err_set(err, 409, "default_vrf",
		    "the default VRF cannot be deleted");
	if (v.pools > 0)
		return err_set(err, 409, "in_use",
		    "VRF %s holds %lld pools; delete or move them first",
		    v.name, (long long)v.pools);
	return store_vrf_delete(st, id, err);
}

static int
all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return s[n] == '\0';
}

/* GCP: 6-30 of [a-z0-9-], starting with a letter, not ending with '-'. */
static int
gcp_project_valid(const char *s)
{
	size_t i, n = strlen(s);

	if (n < 6 || n > 30 || !islower((unsigned char)s[0]) || s[n - 1] == '-')
		return 0;
	for (i = 0; i < n; i++)
		if (!islower((unsigned char)s[i]) &&
		    !isdigit((unsigned char)s[i]) && s[i] != '-')
			return 0;
	return 1;
}

/* A subscription id: 8-4-4-4-12 hex digits. */
static int
uuid_valid(const char *s)
{
	static const int groups[] = { 8, 4, 4, 4, 12 };
	size_t g, i;

	for (g = 0; g < 5; g++) {
		for (i = 0; i < (size_t)groups[g]; i++, s++)
			if (!isxdigit((unsigned char)*s))
				return 0;
		if (g < 4 && *s++ != '-')
			return 0;
	}
	return *s == '\0';
}

static int
key_valid(const char *provider, const char *key)
{
	if (strcmp(provider, "aws") == 0)
		return strncmp(key, "aws:", 4) == 0 && strlen(key) == 16 &&
		       all_digits(key + 4, 12);
	if (strcmp(provider, "gcp") == 0)
		return strncmp(key, "gcp:", 4) == 0 &&
		       gcp_project_valid(key + 4);
	if (strcmp(provider, "azure") == 0)
		return strncmp(key, "azure:", 6) == 0 && uuid_valid(key + 6);
	return key[0] != '\0';
}

int
ipam_account_check(const struct store_account *in, struct err *err)
{
	static const char *const forms[] = { "aws:123456789012 (12 digits)",
		"gcp:my-project-id (6-30 lowercase letters, digits, hyphens)",
		"azure:<subscription UUID>" };

	if (!ipam_name_in(in->provider, ipam_providers))
		return err_field(err, 400, "invalid_value", "provider",
		    "provider must be aws, gcp, azure, onprem or other");
	if (in->tier != NULL && !ipam_name_in(in->tier, ipam_tiers))
		return err_field(err, 400, "invalid_value", "tier",
		    "tier must be dev, stg, sbx or prd");
	if (in->name == NULL || in->name[0] == '\0')
		return err_field(
		    err, 400, "missing_field", "name", "name is required");
	if (in->external_key == NULL ||
	    !key_valid(in->provider, in->external_key)) {
		if (strcmp(in->provider, "aws") == 0)
			return err_field(err, 400, "invalid_value",
			    "external_key", "an AWS account key is %s",
			    forms[0]);
		if (strcmp(in->provider, "gcp") == 0)
			return err_field(err, 400, "invalid_value",
			    "external_key", "a GCP project key is %s",
			    forms[1]);
		if (strcmp(in->provider, "azure") == 0)
			return err_field(err, 400, "invalid_value",
			    "external_key", "an Azure subscription key is %s",
			    forms[2]);
		return err_field(err, 400, "missing_field", "external_key",
		    "external_key is required");
	}
	return 0;
}

static int
account_create_locked(struct store *st, struct arena *arena,
    const struct store_account *in, struct store_account *out, struct err *err)
{
	int64_t id;

	if (ipam_account_check(in, err) == -1)
		return -1;
	if (store_account_insert(st, in, &id, err) == -1) {
		if (err->status == 409)
			err_field(err, 409, "conflict", "external_key",
			    "an account %s already exists", in->external_key);
		return -1;
	}
	return store_account_get(st, id, arena, out, err);
}

static int
account_update_locked(struct store *st, struct arena *arena,
    const struct store_account *in, struct store_account *out, struct err *err)
{
	struct store_account old;

	if (store_account_get(st, in->id, arena, &old, err) == -1 ||
	    ipam_account_check(in, err) == -1)
		return -1;
	if (store_account_update(st, in, err) == -1) {
		if (err->status == 409)
			err_field(err, 409, "conflict", "external_key",
			    "an account %s already exists", in->external_key);
		return -1;
	}
	return store_account_get(st, in->id, arena, out, err);
}

static int
account_delete_locked(
    struct store *st, struct arena *arena, int64_t id, struct err *err)
{
	struct store_account a;

	if (store_account_get(st, id, arena, &a, err) == -1)
		return -1;
	if (a.pools > 0)
		return err_set(err, 409, "in_use",
		    "account %s is used by %lld pools", a.name,
		    (long long)a.pools);
	return store_account_delete(st, id, err);
}

int
ipam_vrf_create(struct store *st, struct arena *arena,
    const struct store_vrf *in, struct store_vrf *out, struct err *err)
{
	int rc;

	if (store_begin(st, 1, err) == -1)
		return -1;
	rc = ipam_vrf_create_in(st, arena, in, "vrf.create", out, err);
	return ipam_finish(st, rc, err);
}

int
ipam_vrf_create_in(struct store *st, struct arena *arena,
    const struct store_vrf *in, const char *action, struct store_vrf *out,
    struct err *err)
{
	if (vrf_create_locked(st, arena, in, out, err) == -1)
		return -1;
	return ipam_audit(
	    st, action, "vrf", out->id, NULL, ipam_vrf_json(out), err);
}

int
ipam_vrf_update(struct store *st, struct arena *arena,
    const struct store_vrf *in, struct store_vrf *out, struct err *err)
{
	struct store_vrf old;
	int rc;

	if (store_begin(st, 1, err) == -1)
		return -1;
	rc = store_vrf_get(st, in->id, arena, &old, err);
	if (rc == 0)
		rc = vrf_update_locked(st, arena, in, out, err);
	if (rc == 0)
		rc = ipam_audit(st, "vrf.update", "vrf", in->id,
		    ipam_vrf_json(&old), ipam_vrf_json(out), err);
	return ipam_finish(st, rc, err);
}

int
ipam_vrf_delete(
    struct store *st, struct arena *arena, int64_t id, struct err *err)
{
	struct store_vrf old;
	int rc;

	if (store_begin(st, 1, err) == -1)
		return -1;
	rc = store_vrf_get(st, id, arena, &old, err);
	if (rc == 0)
		rc = vrf_delete_locked(st, arena, id, err);
	if (rc == 0)
		rc = ipam_audit(st, "vrf.delete", "vrf", id,
		    ipam_vrf_json(&old), NULL, err);
	return ipam_finish(st, rc, err);
}

int
ipam_account_create(struct store *st, struct arena *arena,
    const struct store_account *in, struct store_account *out, struct err *err)
{
	int rc;

	if (store_begin(st, 1, err) == -1)
		return -1;
	rc = ipam_account_create_in(st, arena, in, "account.create", out, err);
	return ipam_finish(st, rc, err);
}

int
ipam_account_create_in(struct store *st, struct arena *arena,
    const struct store_account *in, const char *action,
    struct store_account *out, struct err *err)
{
	if (account_create_locked(st, arena, in, out, err) == -1)
		return -1;
	return ipam_audit(
	    st, action, "account", out->id, NULL, ipam_account_json(out), err);
}

int
ipam_account_update(struct store *st, struct arena *arena,
    const struct store_account *in, struct store_account *out, struct err *err)
{
	struct store_account old;
	int rc;

	if (store_begin(st, 1, err) == -1)
		return -1;
	rc = store_account_get(st, in->id, arena, &old, err);
	if (rc == 0)
		rc = account_update_locked(st, arena, in, out, err);
	if (rc == 0)
		rc = ipam_audit(st, "account.update", "account", in->id,
		    ipam_account_json(&old), ipam_account_json(out), err);
	return ipam_finish(st, rc, err);
}

int
ipam_account_delete(
    struct store *st, struct arena *arena, int64_t id, struct err *err)
{
	struct store_account old;
	int rc;

	if (store_begin(st, 1, err) == -1)
		return -1;
	rc = store_account_get(st, id, arena, &old, err);
	if (rc == 0)
		rc = account_delete_locked(st, arena, id, err);
	if (rc == 0)
		rc = ipam_audit(st, "account.delete", "account", id,
		    ipam_account_json(&old), NULL, err);
	return ipam_finish(st, rc, err);
}

int
ipam_finish(struct store *st, int rc, struct err *err)
{
	if (rc == -1 || store_commit(st, err) == -1) {
		store_rollback(st);
		return -1;
	}
	return 0;
}
