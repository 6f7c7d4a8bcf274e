/*
 * store.c: store.h's functions, each handed to the backend that opened
 * the store.
 *
 * store_open() picks the backend by the URL's scheme; every other
 * function forwards through st->ops (store_internal.h), so the domain
 * runs unchanged on SQLite or PostgreSQL.  Nothing here knows SQL.
 */
#include "store/store.h"

#include <string.h>

#include "store/store_internal.h"

static const struct store_ops *const backends[] = { &sqlite_ops, &pg_ops };

/* The backend one of whose schemes starts url; NULL when none does. */
static const struct store_ops *
backend_of(const char *url)
{
	const char *const *scheme;
	size_t i;

	for (i = 0; i < sizeof(backends) / sizeof(backends[0]); i++)
		for (scheme = backends[i]->schemes; *scheme != NULL; scheme++)
			if (strncmp(url, *scheme, strlen(*scheme)) == 0 &&
			    url[strlen(*scheme)] != '\0')
				return backends[i];
	return NULL;
}

struct store *
store_open(const char *url, const struct store_options *opt, struct err *err)
{
	const struct store_ops *ops = backend_of(url ? url : "");

	if (ops == NULL) {
		err_set(err, 500, "config",
		    "unsupported database URL (expected sqlite:PATH or "
		    "postgres://...)");
		return NULL;
	}
	return ops->open(url, opt, err);
}

void
store_free(struct store *st)
{
	if (st != NULL)
		st->ops->close(st);
}

const char *
store_backend(const struct store *st)
{
	return st->ops->name;
}

const char *
store_url_backend(const char *url)
{
	const struct store_ops *ops = backend_of(url ? url : "");

	return ops ? ops->name : NULL;
}

const struct store_migration *
store_migrations(const struct store *st)
{
	return st->ops->migrations;
}

int
store_checkpoint(struct store *st, struct err *err)
{
	return st->ops->checkpoint(st, err);
}

int
store_schema(struct store *st, struct store_schema *out, struct err *err)
{
	return st->ops->schema(st, out, err);
}

int
store_migrate_up(struct store *st, int *applied, struct err *err)
{
	return st->ops->migrate_up(st, applied, err);
}

int
store_migration_applied_at(struct store *st, int version, struct arena *arena,
    char **applied_at, struct err *err)
{
	return st->ops->migration_applied_at(
	    st, version, arena, applied_at, err);
}

int
store_check_ready(struct store *st, struct err *err)
{
	return st->ops->check_ready(st, err);
}

int
store_setting_get(struct store *st, const char *key, struct arena *arena,
    char **value, struct err *err)
{
	return st->ops->setting_get(st, key, arena, value, err);
}

int
store_setting_set(
    struct store *st, const char *key, const char *value, struct err *err)
{
	return st->ops->setting_set(st, key, value, err);
}

int
store_begin(struct store *st, int immediate, struct err *err)
{
	return st->ops->begin(st, immediate, err);
}

int
store_commit(struct store *st, struct err *err)
{
	return st->ops->commit(st, err);
}

void
store_rollback(struct store *st)
{
	st->ops->rollback(st);
}

int
store_vrf_insert(
    struct store *st, const struct store_vrf *in, int64_t *id, struct err *err)
{
	return st->ops->vrf_insert(st, in, id, err);
}

int
store_vrf_get(struct store *st, int64_t id, struct arena *arena,
    struct store_vrf *out, struct err *err)
{
	return st->ops->vrf_get(st, id, arena, out, err);
}

int
store_vrf_find_name(struct store *st, const char *name, struct arena *arena,
    struct store_vrf *out, int *found, struct err *err)
{
	return st->ops->vrf_find_name(st, name, arena, out, found, err);
}

int
store_vrf_update(struct store *st, const struct store_vrf *in, struct err *err)
{
	return st->ops->vrf_update(st, in, err);
}

int
store_vrf_delete(struct store *st, int64_t id, struct err *err)
{
	return st->ops->vrf_delete(st, id, err);
}

int
store_vrf_list(struct store *st, struct arena *arena, struct store_page *page,
    struct store_vrf **out, size_t *n, struct err *err)
{
	return st->ops->vrf_list(st, arena, page, out, n, err);
}

int
store_account_insert(struct store *st, const struct store_account *in,
    int64_t *id, struct err *err)
{
	return st->ops->account_insert(st, in, id, err);
}

int
store_account_get(struct store *st, int64_t id, struct arena *arena,
    struct store_account *out, struct err *err)
{
	return st->ops->account_get(st, id, arena, out, err);
}

int
store_account_update(
    struct store *st, const struct store_account *in, struct err *err)
{
	return st->ops->account_update(st, in, err);
}

int
store_account_delete(struct store *st, int64_t id, struct err *err)
{
	return st->ops->account_delete(st, id, err);
}

int
store_account_list(struct store *st, struct arena *arena,
    const struct store_account_filter *f, struct store_page *page,
    struct store_account **out, size_t *n, struct err *err)
{
	return st->ops->account_list(st, arena, f, page, out, n, err);
}

int
store_account_find_key(struct store *st, const char *provider,
    const char *external_key, struct arena *arena, struct store_account *out,
    int *found, struct err *err)
{
	return st->ops->account_find_key(
	    st, provider, external_key, arena, out, found, err);
}

int
store_pool_insert(struct store *st, const struct store_pool *in,
    struct arena *arena, struct store_pool *out, struct err *err)
{
	return st->ops->pool_insert(st, in, arena, out, err);
}

int
store_pool_get(struct store *st, int64_t id, struct arena *arena,
    struct store_pool *out, struct err *err)
{
	return st->ops->pool_get(st, id, arena, out, err);
}

int
store_pool_update(
    struct store *st, const struct store_pool *in, struct err *err)
{
	return st->ops->pool_update(st, in, err);
}

int
store_pool_delete(struct store *st, int64_t id, struct err *err)
{
	return st->ops->pool_delete(st, id, err);
}

int
store_pool_set_used(struct store *st, int64_t id, uint64_t top, uint64_t high,
    uint64_t low, int64_t children, struct err *err)
{
	return st->ops->pool_set_used(st, id, top, high, low, children, err);
}

int
store_pool_list(struct store *st, struct arena *arena,
    const struct store_pool_filter *f, struct store_page *page,
    struct store_pool **out, size_t *n, struct err *err)
{
	return st->ops->pool_list(st, arena, f, page, out, n, err);
}

int
store_pool_overlapping_sibling(struct store *st, int64_t vrf_id,
    int64_t parent_id, int family, const char *first_key, const char *last_key,
    struct arena *arena, struct store_pool *out, int *found, struct err *err)
{
	return st->ops->pool_overlapping_sibling(st, vrf_id, parent_id, family,
	    first_key, last_key, arena, out, found, err);
}

int
store_pool_by_cidrs(struct store *st, int64_t vrf_id, const char *const *cidrs,
    size_t ncidrs, struct arena *arena, struct store_pool **out, size_t *n,
    struct err *err)
{
	return st->ops->pool_by_cidrs(
	    st, vrf_id, cidrs, ncidrs, arena, out, n, err);
}

int
store_pool_within(struct store *st, int64_t vrf_id, int family,
    const char *first_key, const char *last_key, struct arena *arena,
    struct store_page *page, struct store_pool **out, size_t *n,
    struct err *err)
{
	return st->ops->pool_within(
	    st, vrf_id, family, first_key, last_key, arena, page, out, n, err);
}

int
store_pool_child_in(struct store *st, int64_t parent_id, int family,
    const char *first_key, const char *last_key, struct arena *arena,
    struct store_pool *out, int *found, struct err *err)
{
	return st->ops->pool_child_in(
	    st, parent_id, family, first_key, last_key, arena, out, found, err);
}

int
store_pool_descendants(struct store *st, int64_t id, struct arena *arena,
    int64_t **ids, size_t *n, struct err *err)
{
	return st->ops->pool_descendants(st, id, arena, ids, n, err);
}

int
store_pool_recent(struct store *st, int64_t limit, struct arena *arena,
    struct store_pool **out, size_t *n, struct err *err)
{
	return st->ops->pool_recent(st, limit, arena, out, n, err);
}

int
store_pool_parents(struct store *st, int64_t limit, struct arena *arena,
    struct store_pool **out, size_t *n, struct err *err)
{
	return st->ops->pool_parents(st, limit, arena, out, n, err);
}

int
store_totals(struct store *st, struct store_totals *out, struct err *err)
{
	return st->ops->totals(st, out, err);
}

int
store_free_insert(struct store *st, int64_t pool_id,
    const struct store_free_block *b, struct err *err)
{
	return st->ops->free_insert(st, pool_id, b, err);
}

int
store_free_delete(
    struct store *st, int64_t pool_id, const char *first_key, struct err *err)
{
	return st->ops->free_delete(st, pool_id, first_key, err);
}

int
store_pool_get_free(struct store *st, int64_t id, int max_len,
    enum store_fit fit, struct arena *arena, struct store_pool *pool,
    struct store_free_block *free, int *found, struct err *err)
{
	return st->ops->pool_get_free(
	    st, id, max_len, fit, arena, pool, free, found, err);
}

int
store_free_find(struct store *st, int64_t pool_id, int max_len,
    enum store_fit fit, struct arena *arena, struct store_free_block *out,
    int *found, struct err *err)
{
	return st->ops->free_find(
	    st, pool_id, max_len, fit, arena, out, found, err);
}

int
store_free_at(struct store *st, int64_t pool_id, const char *key,
    struct arena *arena, struct store_free_block *out, int *found,
    struct err *err)
{
	return st->ops->free_at(st, pool_id, key, arena, out, found, err);
}

int
store_free_list(struct store *st, int64_t pool_id, const char *from_key,
    int64_t limit, struct arena *arena, struct store_free_block **out,
    size_t *n, struct err *err)
{
	return st->ops->free_list(
	    st, pool_id, from_key, limit, arena, out, n, err);
}

int
store_idempotency_get(struct store *st, const char *scope, const char *key,
    struct arena *arena, char **request_hash, int *status, char **response,
    int *found, struct err *err)
{
	return st->ops->idempotency_get(
	    st, scope, key, arena, request_hash, status, response, found, err);
}

int
store_idempotency_put(struct store *st, const char *scope, const char *key,
    const char *request_hash, int status, const char *response, struct err *err)
{
	return st->ops->idempotency_put(
	    st, scope, key, request_hash, status, response, err);
}

int
store_special_overlapping(struct store *st, int family, const char *first_key,
    const char *last_key, struct arena *arena, struct store_special **out,
    size_t *n, struct err *err)
{
	return st->ops->special_overlapping(
	    st, family, first_key, last_key, arena, out, n, err);
}

int
store_special_list(struct store *st, struct arena *arena,
    struct store_special **out, size_t *n, struct err *err)
{
	return st->ops->special_list(st, arena, out, n, err);
}

int
store_special_set_allowed(
    struct store *st, int64_t id, int allowed, struct err *err)
{
	return st->ops->special_set_allowed(st, id, allowed, err);
}

int
store_user_insert(
    struct store *st, const struct store_user *in, int64_t *id, struct err *err)
{
	return st->ops->user_insert(st, in, id, err);
}

int
store_user_get(struct store *st, int64_t id, struct arena *arena,
    struct store_user *out, struct err *err)
{
	return st->ops->user_get(st, id, arena, out, err);
}

int
store_user_find(struct store *st, const char *username, struct arena *arena,
    struct store_user *out, int *found, struct err *err)
{
	return st->ops->user_find(st, username, arena, out, found, err);
}

int
store_user_update(
    struct store *st, const struct store_user *in, struct err *err)
{
	return st->ops->user_update(st, in, err);
}

int
store_user_set_login(struct store *st, int64_t id, struct err *err)
{
	return st->ops->user_set_login(st, id, err);
}

int
store_user_delete(struct store *st, int64_t id, struct err *err)
{
	return st->ops->user_delete(st, id, err);
}

int
store_user_list(struct store *st, struct arena *arena, struct store_page *page,
    struct store_user **out, size_t *n, struct err *err)
{
	return st->ops->user_list(st, arena, page, out, n, err);
}

int
store_user_counts(
    struct store *st, int64_t *all, int64_t *admins, struct err *err)
{
	return st->ops->user_counts(st, all, admins, err);
}

int
store_session_insert(
    struct store *st, const struct store_session *in, struct err *err)
{
	return st->ops->session_insert(st, in, err);
}

int
store_session_get(struct store *st, const char *id_hash, struct arena *arena,
    struct store_session *out, int *found, struct err *err)
{
	return st->ops->session_get(st, id_hash, arena, out, found, err);
}

int
store_session_touch(
    struct store *st, const char *id_hash, int64_t now, struct err *err)
{
	return st->ops->session_touch(st, id_hash, now, err);
}

int
store_session_delete(struct store *st, const char *id_hash, struct err *err)
{
	return st->ops->session_delete(st, id_hash, err);
}

int
store_session_delete_user(struct store *st, int64_t user_id, struct err *err)
{
	return st->ops->session_delete_user(st, user_id, err);
}

int
store_key_insert(struct store *st, const struct store_api_key *in, int64_t *id,
    struct err *err)
{
	return st->ops->key_insert(st, in, id, err);
}

int
store_key_get(struct store *st, int64_t id, struct arena *arena,
    struct store_api_key *out, struct err *err)
{
	return st->ops->key_get(st, id, arena, out, err);
}

int
store_key_list(struct store *st, int64_t user_id, struct arena *arena,
    struct store_page *page, struct store_api_key **out, size_t *n,
    struct err *err)
{
	return st->ops->key_list(st, user_id, arena, page, out, n, err);
}

int
store_key_touch(struct store *st, int64_t id, int64_t now, struct err *err)
{
	return st->ops->key_touch(st, id, now, err);
}

int
store_key_revoke(struct store *st, int64_t id, int64_t now, struct err *err)
{
	return st->ops->key_revoke(st, id, now, err);
}

int
store_throttle_get(struct store *st, const char *key,
    struct store_throttle *out, int *found, struct err *err)
{
	return st->ops->throttle_get(st, key, out, found, err);
}

int
store_throttle_put(struct store *st, const char *key,
    const struct store_throttle *in, struct err *err)
{
	return st->ops->throttle_put(st, key, in, err);
}

int
store_throttle_clear(struct store *st, const char *key, struct err *err)
{
	return st->ops->throttle_clear(st, key, err);
}

int
store_audit_insert(
    struct store *st, const struct store_audit *in, struct err *err)
{
	return st->ops->audit_insert(st, in, err);
}

int
store_audit_list(struct store *st, struct arena *arena,
    const struct store_audit_filter *f, struct store_page *page,
    struct store_audit **out, size_t *n, struct err *err)
{
	return st->ops->audit_list(st, arena, f, page, out, n, err);
}
