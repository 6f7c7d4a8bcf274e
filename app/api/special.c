/*
 * special.c: the special-purpose ranges API: list the policy table and
 * allow or refuse a row.
 */
#include "api/special.h"

#include "api/app.h"
#include "api/json.h"
#include "store/store.h"
#include "web/fields.h"
#include "web/query.h"

#define PAGE_SIZE_MAX 1000

enum { F_ALLOWED, F__MAX };

static const struct web_field special_fields[F__MAX] = {
	{ "allowed", WEB_FIELD_BOOL, WEB_REQUIRED, 0, 1 }, /* F_ALLOWED */
};

static void
add_string(struct json_object *o, const char *key, const char *value)
{
	json_object_object_add(
	    o, key, json_object_new_string(value ? value : ""));
}

static struct json_object *
special_json(const struct store_special *s)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "id", json_object_new_int64(s->id));
	add_string(o, "cidr", s->cidr);
	add_string(o, "name", s->name);
	add_string(o, "reference", s->reference);
	add_string(o, "registry", s->registry);
	add_string(o, "category", s->category);
	json_object_object_add(o, "always_allowed",
	    json_object_new_boolean(s->always_allowed != 0));
	json_object_object_add(
	    o, "allowed", json_object_new_boolean(s->allowed != 0));
	return o;
}

int
api_special_list(struct web_req *req, struct web_resp *resp)
{
	struct app *app = req->app;
	struct store_special *rows;
	struct web_paging paging;
	struct json_object *items;
	struct err err = ERR_INIT;
	size_t n, i, first;

	if (web_query_paging(
	        req, PAGE_SIZE_MAX, PAGE_SIZE_MAX, &paging, &err) == -1 ||
	    store_special_list(app->store, req->arena, &rows, &n, &err) == -1)
		return web_fail(resp, &err);
	/* A few dozen rows: the page is cut from the whole table. */
	first = (size_t)((paging.page - 1) * paging.page_size);
	items = json_object_new_array();
	for (i = first; i < n && i - first < (size_t)paging.page_size; i++)
		json_object_array_add(items, special_json(&rows[i]));
	return web_json(resp, 200, api_list_json(items, (int64_t)n, &paging));
}

/* The row of rows[0..n) with id, or NULL. */
static struct store_special *
special_find(struct store_special *rows, size_t n, int64_t id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (rows[i].id == id)
			return &rows[i];
	return NULL;
}

int
api_special_update(struct web_req *req, struct web_resp *resp)
{
	struct app *app = req->app;
	struct store_special *rows, *row;
	struct web_value v[F__MAX];
	struct json_object *body = NULL;
	struct err err = ERR_INIT;
	size_t n;
	int rc;

	rc = web_json_body(req, &body, &err);
	if (rc == 0)
		rc = web_fields_json(body, special_fields, F__MAX, v, &err);
	json_object_put(body);
	if (rc == -1 ||
	    store_special_list(app->store, req->arena, &rows, &n, &err) == -1)
		return web_fail(resp, &err);
	/*
	 * The store refuses always-allowed rows as if they were absent; look
	 * first so the answer says which of the two it was.
	 */
	if ((row = special_find(rows, n, req->path_id)) == NULL)
		err_set(&err, 404, "not_found", "no special range with id %lld",
		    (long long)req->path_id);
	else if (row->always_allowed)
		err_set(&err, 409, "always_allowed",
		    "%s (%s, %s) is always allowed: private-use, shared and "
		    "unique-local space cannot be refused",
		    row->cidr, row->name, row->reference);
	else if (store_special_set_allowed(
	             app->store, row->id, (int)v[F_ALLOWED].i, &err) == 0)
		row->allowed = (int)v[F_ALLOWED].i;
	if (err.status != 0)
		return web_fail(resp, &err);
	return web_json(resp, 200, special_json(row));
}
