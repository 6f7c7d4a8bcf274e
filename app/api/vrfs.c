/*
 * vrfs.c: the VRFs API: parse, call app/ipam, answer JSON.
 */
#include "api/vrfs.h"

#include "api/app.h"
#include "api/json.h"
#include "ipam/catalog.h"
#include "web/fields.h"
#include "web/query.h"

#define PAGE_SIZE_DEFAULT 50
#define PAGE_SIZE_MAX 1000

enum { F_NAME, F_RD, F_DESCRIPTION, F__MAX };

static const struct web_field vrf_fields[F__MAX] = {
	{ "name", WEB_FIELD_STRING, 0, 1, 64 },          /* F_NAME */
	{ "rd", WEB_FIELD_STRING, 0, 0, 64 },            /* F_RD */
	{ "description", WEB_FIELD_STRING, 0, 0, 1000 }, /* F_DESCRIPTION */
};

/*
 * Read a VRF body over *in (the stored VRF on update, empty on create).
 * Strings point into *body, which the caller releases after use.
 */
static int
vrf_input(struct web_req *req, int create, struct json_object **body,
    struct store_vrf *in, struct err *err)
{
	struct web_value v[F__MAX];

	if (web_json_body(req, body, err) == -1 ||
	    web_fields_json(*body, vrf_fields, F__MAX, v, err) == -1)
		return -1;
	if (create && !v[F_NAME].present)
		return err_field(
		    err, 400, "missing_field", "name", "name is required");
	if (!create && !v[F_NAME].present && !v[F_RD].present &&
	    !v[F_DESCRIPTION].present)
		return err_set(err, 400, "empty_change",
		    "send at least one of name, rd and description");
	if (v[F_NAME].present)
		in->name = v[F_NAME].s;
	if (v[F_RD].present)
		in->rd = v[F_RD].s;
	if (v[F_DESCRIPTION].present)
		in->description = v[F_DESCRIPTION].s;
	return 0;
}

int
api_vrfs_list(struct web_req *req, struct web_resp *resp)
{
	struct app *app = req->app;
	struct web_paging paging;
	struct store_page page;
	struct store_vrf *rows;
	struct json_object *items;
	struct err err = ERR_INIT;
	size_t n, i;

	if (web_query_paging(
	        req, PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX, &paging, &err) == -1)
		return web_fail(resp, &err);
	page.limit = paging.page_size;
	page.offset = (paging.page - 1) * paging.page_size;
	if (store_vrf_list(app->store, req->arena, &page, &rows, &n, &err) ==
	    -1)
		return web_fail(resp, &err);
	items = json_object_new_array_ext((int)n);
	for (i = 0; i < n; i++)
		json_object_array_add(items, ipam_vrf_json(&rows[i]));
	return web_json(resp, 200, api_list_json(items, page.total, &paging));
}

int
api_vrfs_create(struct web_req *req, struct web_resp *resp)
{
	struct app *app = req->app;
	struct json_object *body = NULL;
	struct store_vrf in = { 0 }, vrf;
	struct err err = ERR_INIT;
	int rc;

	/* The columns are NOT NULL: absent text is empty, not NULL. */
	in.rd = "";
	in.description = "";
	rc = vrf_input(req, 1, &body, &in, &err);
	if (rc == 0)
		rc = ipam_vrf_create(app->store, req->arena, &in, &vrf, &err);
	json_object_put(body);
	if (rc == -1)
		return web_fail(resp, &err);
	web_header_setf(
	    resp, "Location", "/api/v1/vrfs/%lld", (long long)vrf.id);
	return web_json(resp, 201, ipam_vrf_json(&vrf));
}

int
api_vrfs_get(struct web_req *req, struct web_resp *resp)
{
	struct app *app = req->app;
	struct store_vrf vrf;
	struct err err = ERR_INIT;

	if (store_vrf_get(app->store, req->path_id, req->arena, &vrf, &err) ==
	    -1)
		return web_fail(resp, &err);
	return web_json(resp, 200, ipam_vrf_json(&vrf));
}

int
api_vrfs_update(struct web_req *req, struct web_resp *resp)
{
	struct app *app = req->app;
	struct json_object *body = NULL;
	struct store_vrf in, vrf;
	struct err err = ERR_INIT;
	int rc;

	/* A PATCH changes what it names and keeps the rest as stored. */
	rc = store_vrf_get(app->store, req->path_id, req->arena, &in, &err);
	if (rc == 0)
		rc = vrf_input(req, 0, &body, &in, &err);
	if (rc == 0)
		rc = ipam_vrf_update(app->store, req->arena, &in, &vrf, &err);
	json_object_put(body);
	if (rc == -1)
		return web_fail(resp, &err);
	return web_json(resp, 200, ipam_vrf_json(&vrf));
}

int
api_vrfs_delete(struct web_req *req, struct web_resp *resp)
{
	struct app *app = req->app;
	struct err err = ERR_INIT;
	struct json_object *o;

	if (ipam_vrf_delete(app->store, req->arena, req->path_id, &err) == -1)
		return web_fail(resp, &err);
	o = json_object_new_object();
	json_object_object_add(o, "deleted", json_object_new_int(1));
	return web_json(resp, 200, o);
}
