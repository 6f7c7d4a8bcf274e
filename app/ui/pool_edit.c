/*
 * pool_edit.c: the edit form and the delete confirmation of a pool.
 *
 * The cidr, VRF and parent of a pool never change (a different space is
 * a different pool); the form shows them read-only.
 */
#include "ui/pool_edit.h"

#include <stdio.h>
#include <string.h>

#include "api/app.h"
#include "ipam/pool.h"
#include "ui/errors.h"
#include "ui/page.h"
#include "ui/pools.h"
#include "ui/ui_pool.h"
#include "web/query.h"

/* "k=v, k2=v2" from stored tags. */
static const char *
tags_text(struct web_req *req, const char *json)
{
	struct json_object *o = json_tokener_parse(json ? json : "{}");
	struct buf b = BUF_INIT;
	const char *out;

	if (o != NULL && json_object_is_type(o, json_type_object)) {
		json_object_object_foreach(o, key, value)
		{
			if (b.len > 0)
				buf_puts(&b, ", ");
			buf_printf(
			    &b, "%s=%s", key, json_object_get_string(value));
		}
	}
	json_object_put(o);
	out = arena_strdup(req->arena, b.data ? b.data : "");
	buf_free(&b);
	return out ? out : "";
}

static struct json_object *
values_of(struct web_req *req, const struct store_pool *p)
{
	struct json_object *o = json_object_new_object();
	char id[24];

	json_object_object_add(o, "name", json_object_new_string(p->name));
	json_object_object_add(o, "cidr", json_object_new_string(p->cidr));
	json_object_object_add(o, "vrf_id", json_object_new_int64(p->vrf_id));
	snprintf(id, sizeof(id), "%lld", (long long)p->parent_id);
	json_object_object_add(
	    o, "parent_id", json_object_new_string(p->parent_id ? id : ""));
	json_object_object_add(
	    o, "account_id", json_object_new_int64(p->account_id));
	json_object_object_add(o, "type", json_object_new_string(p->type));
	json_object_object_add(o, "status", json_object_new_string(p->status));
	json_object_object_add(
	    o, "description", json_object_new_string(p->description));
	json_object_object_add(
	    o, "tags_text", json_object_new_string(tags_text(req, p->tags)));
	json_object_object_add(
	    o, "external_id", json_object_new_string(p->external_id));
	json_object_object_add(o, "region", json_object_new_string(p->region));
	return o;
}

int
ui_pool_edit(struct web_req *req, struct web_resp *resp)
{
	struct app *app = req->app;
	struct store_pool pool;
	struct err err = ERR_INIT;

	if (ipam_pool_get(app->store, req->arena, req->path_id, &pool, &err) ==
	    -1)
		return ui_not_found(req, resp);
	return ui_pool_form_render(
	    req, resp, 200, pool.id, values_of(req, &pool), NULL);
}

int
ui_pool_save(struct web_req *req, struct web_resp *resp)
{
	struct app *app = req->app;
	struct store_pool pool, old;
	struct ipam_pool_in in;
	struct err err = ERR_INIT;
	struct json_object *values;
	const char *account = web_form(req, "account_id");
	long long id = 0;
	char href[48];

	if (ipam_pool_get(app->store, req->arena, req->path_id, &old, &err) ==
	    -1)
		return ui_not_found(req, resp);
	memset(&in, 0, sizeof(in));
	in.set = IPAM_POOL_NAME | IPAM_POOL_ACCOUNT | IPAM_POOL_TYPE |
	         IPAM_POOL_STATUS | IPAM_POOL_DESCRIPTION | IPAM_POOL_TAGS |
	         IPAM_POOL_EXTERNAL_ID | IPAM_POOL_REGION;
	in.name = ui_form_text(req, "name", 100);
	in.type = ui_form_text(req, "type", 16);
	in.status = ui_form_text(req, "status", 16);
	in.description = ui_form_text(req, "description", 1000);
	in.external_id = ui_form_text(req, "external_id", 200);
	in.region = ui_form_text(req, "region", 64);
	if (in.description == NULL)
		in.description = "";
	if (in.external_id == NULL)
		in.external_id = "";
	if (in.region == NULL)
		in.region = "";
	if (in.type == NULL)
		in.type = old.type;
	if (in.status == NULL)
		in.status = old.status;
	if (in.name == NULL || in.name[0] == '\0')
		err_field(&err, 400, "invalid_value", "name",
		    "a name is 1 to 100 characters of text");
	else if (account != NULL && account[0] != '\0' &&
	         web_parse_int(account, 1, INT64_MAX, &id) == -1)
		err_field(&err, 400, "invalid_value", "account_id",
		    "choose an account from the list");
	else if ((in.account_id = id,
	             ui_tags_parse(req, web_form(req, "tags_text"), &in.tags,
	                 &err)) == 0 &&
	         ipam_pool_update(
	             app->store, req->arena, old.id, &in, &pool, &err) == 0) {
		ui_flash_set(resp, "Pool saved.");
		snprintf(href, sizeof(href), "/pools/%lld", (long long)pool.id);
		return web_redirect(resp, 303, href);
	}
	values = values_of(req, &old);
	json_object_object_add(values, "name",
	    json_object_new_string(
	        web_form(req, "name") ? web_form(req, "name") : ""));
	json_object_object_add(values, "tags_text",
	    json_object_new_string(
	        web_form(req, "tags_text") ? web_form(req, "tags_text") : ""));
	return ui_pool_form_render(req, resp, err.status >= 500 ? 500 : 400,
	    old.id, values, ui_form_errors(err.field, err.message));
}

static int
render_confirm(struct web_req *req, struct web_resp *resp, int status,
    const struct store_pool *pool)
{
	struct app *app = req->app;
	struct json_object *data = json_object_new_object();
	struct err err = ERR_INIT;
	int64_t *ids;
	size_t n = 0;

	if (store_pool_descendants(
	        app->store, pool->id, req->arena, &ids, &n, &err) == -1)
		n = 0;
	json_object_object_add(data, "pool", ui_pool_json(pool));
	json_object_object_add(
	    data, "children_count", json_object_new_int64(pool->children));
	json_object_object_add(
	    data, "descendants_count", json_object_new_int64((int64_t)n));
	json_object_object_add(data, "cascade_needed",
	    json_object_new_boolean(pool->children > 0));
	return ui_page_render(
	    req, resp, status, "pool_delete", "Delete pool", "pools", data);
}

int
ui_pool_delete_confirm(struct web_req *req, struct web_resp *resp)
{
	struct app *app = req->app;
	struct store_pool pool;
	struct err err = ERR_INIT;

	if (ipam_pool_get(app->store, req->arena, req->path_id, &pool, &err) ==
	    -1)
		return ui_not_found(req, resp);
	return render_confirm(req, resp, 200, &pool);
}

int
ui_pool_delete(struct web_req *req, struct web_resp *resp)
{
	struct app *app = req->app;
	struct store_pool pool;
	struct err err = ERR_INIT;
	const char *cascade = web_form(req, "cascade");
	char href[48], *flash;
	int64_t deleted;

	if (ipam_pool_get(app->store, req->arena, req->path_id, &pool, &err) ==
	    -1)
		return ui_not_found(req, resp);
	if (ipam_pool_delete(app->store, req->arena, pool.id,
	        cascade != NULL && strcmp(cascade, "true") == 0, &deleted,
	        &err) == -1) {
		if (err.status == 409)
			return render_confirm(req, resp, 409, &pool);
		return ui_error(req, resp, &err);
	}
	flash = arena_printf(req->arena, "Deleted %s (%s)%s.", pool.name,
	    pool.cidr, deleted > 1 ? " and the pools below it" : "");
	ui_flash_set(resp, flash ? flash : "Deleted.");
	if (pool.parent_id)
		snprintf(href, sizeof(href), "/pools/%lld",
		    (long long)pool.parent_id);
	else
		snprintf(href, sizeof(href), "/pools");
	return web_redirect(resp, 303, href);
}
