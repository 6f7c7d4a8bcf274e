/*
 * special.c: the special-purpose ranges API: list the policy table and
 * allow or refuse a row.
 */
#include "api/special.h"

#include "api/app.h"
#include "api/json.h"
#include "ipam/settings.h"
#include "store/store.h"
#include "web/fields.h"
#include "web/query.h"

#define PAGE_SIZE_MAX 1000

enum { F_ALLOWED, F__MAX };

static const struct web_field special_fields[F__MAX] = {
	{ "allowed", WEB_FIELD_BOOL, WEB_REQUIRED, 0, 1 }, /* F_ALLOWED */
};

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
		json_object_array_add(items, ipam_special_json(&rows[i]));
	return web_json(resp, 200, api_list_json(items, (int64_t)n, &paging));
}

int
api_special_update(struct web_req *req, struct web_resp *resp)
{
	struct app *app = req->app;
	struct store_special row;
	struct web_value v[F__MAX];
	struct err err = ERR_INIT;
	struct json_object *body;
	int rc;

	rc = web_json_body(req, &body, &err);
	if (rc == 0)
		rc = web_fields_json(body, special_fields, F__MAX, v, &err);
	json_object_put(body);
	if (rc == -1 ||
	    ipam_special_set_allowed(app->store, req->arena, req->path_id,
	        (int)v[F_ALLOWED].i, &row, &err) == -1)
		return web_fail(resp, &err);
	return web_json(resp, 200, ipam_special_json(&row));
}
