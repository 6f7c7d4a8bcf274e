/*
 * pools.c: the pools tree and creating a pool from a form.
 *
 * The tree is built from one list query per level (top-level pools, then
 * the children of each shown pool), bounded so that a large inventory
 * still renders quickly: deep or wide trees link to the pool pages.
 */
#include "ui/pools.h"

#include <stdio.h>
#include <string.h>

#include "api/app.h"
#include "api/json.h"
#include "ipam/catalog.h"
#include "ipam/pool.h"
#include "ui/page.h"
#include "ui/ui_pool.h"
#include "web/query.h"

#define TREE_DEPTH 3
#define TREE_BUDGET 400
#define TREE_LEVEL_MAX 100

static int
tree_children(struct web_req *req, const struct store_pool_filter *base,
    int64_t parent, int depth, struct json_object *into, int *budget,
    struct err *err)
{
	struct app *app = req->app;
	struct store_pool_filter f = *base;
	struct store_page page = { 0, TREE_LEVEL_MAX, 0 };
	struct store_pool *rows;
	struct json_object *node, *kids;
	size_t n, i;

	f.parent_id = parent ? parent : -1;
	if (parent != 0) {
		/* Filters narrow the top level only; children show whole. */
		f.type = f.status = NULL;
		f.q = NULL;
	}
	if (*budget < page.limit)
		page.limit = *budget;
	if (store_pool_list(
	        app->store, req->arena, &f, &page, &rows, &n, err) == -1)
		return -1;
	*budget -= (int)n;
	for (i = 0; i < n; i++) {
		node = ui_pool_json(&rows[i]);
		kids = json_object_new_array();
		json_object_object_add(node, "children", kids);
		json_object_object_add(node, "has_children",
		    json_object_new_boolean(rows[i].children > 0 && depth > 1));
		json_object_array_add(into, node);
		if (depth > 1 && rows[i].children > 0 && *budget > 0 &&
		    tree_children(req, base, rows[i].id, depth - 1, kids,
		        budget, err) == -1)
			return -1;
	}
	return 0;
}

static struct json_object *
choices(const char *const *names, const char *selected)
{
	struct json_object *list = json_object_new_array(), *o;
	size_t i;

	for (i = 0; names[i] != NULL; i++) {
		if (names[i][0] == '\0')
			continue;
		o = json_object_new_object();
		json_object_object_add(
		    o, "value", json_object_new_string(names[i]));
		json_object_object_add(o, "selected",
		    json_object_new_boolean(
		        selected && strcmp(selected, names[i]) == 0));
		json_object_array_add(list, o);
	}
	return list;
}

int
ui_pools(struct web_req *req, struct web_resp *resp)
{
	struct store_pool_filter f;
	struct json_object *data, *page, *filters, *roots;
	struct err err = ERR_INIT;
	long long vrf;
	int budget = TREE_BUDGET;
	const char *q, *type, *status;

	if (web_query_int(req, "vrf_id", 1, INT64_MAX, 0, &vrf, &err) == -1 ||
	    web_query_text(req, "q", 200, &q, &err) == -1 ||
	    web_query_text(req, "type", 16, &type, &err) == -1 ||
	    web_query_text(req, "status", 16, &status, &err) == -1)
		return ui_page_render(
		    req, resp, 400, "error", "Bad filter", "pools", NULL);
	memset(&f, 0, sizeof(f));
	f.vrf_id = vrf;
	f.q = q;
	f.type = type && ipam_name_in(type, ipam_pool_types) ? type : NULL;
	f.status =
	    status && ipam_name_in(status, ipam_pool_statuses) ? status : NULL;
	roots = json_object_new_array();
	if (tree_children(req, &f, 0, TREE_DEPTH, roots, &budget, &err) == -1) {
		json_object_put(roots);
		return ui_page_render(
		    req, resp, err.status, "error", "Error", "pools", NULL);
	}
	filters = json_object_new_object();
	json_object_object_add(filters, "vrfs", ui_vrf_choices(req, vrf));
	json_object_object_add(
	    filters, "types", choices(ipam_pool_types, f.type));
	json_object_object_add(
	    filters, "statuses", choices(ipam_pool_statuses, f.status));
	json_object_object_add(
	    filters, "q", json_object_new_string(q ? q : ""));
	page = json_object_new_object();
	json_object_object_add(page, "filters", filters);
	json_object_object_add(page, "empty",
	    json_object_new_boolean(json_object_array_length(roots) == 0));
	json_object_object_add(page, "roots", roots);
	json_object_object_add(
	    page, "total", json_object_new_int(TREE_BUDGET - budget));
	data = json_object_new_object();
	json_object_object_add(data, "pools_page", page);
	json_object_object_add(
	    data, "page_action", ui_action("New pool", "/pools/new"));
	return ui_page_render(req, resp, 200, "pools", "Pools", "pools", data);
}

int
ui_pool_form_render(struct web_req *req, struct web_resp *resp, int status,
    int64_t pool_id, struct json_object *values, struct json_object *errors)
{
	struct json_object *data = json_object_new_object(), *form;
	const char *type =
	    json_object_get_string(json_object_object_get(values, "type"));
	const char *st =
	    json_object_get_string(json_object_object_get(values, "status"));
	int64_t vrf =
	    json_object_get_int64(json_object_object_get(values, "vrf_id"));
	int64_t account =
	    json_object_get_int64(json_object_object_get(values, "account_id"));
	char action[64];

	form = json_object_new_object();
	if (pool_id)
		snprintf(action, sizeof(action), "/pools/%lld/edit",
		    (long long)pool_id);
	else
		snprintf(action, sizeof(action), "/pools/new");
	json_object_object_add(form, "action", json_object_new_string(action));
	json_object_object_add(form, "title",
	    json_object_new_string(pool_id ? "Edit pool" : "New pool"));
	json_object_object_add(form, "submit_label",
	    json_object_new_string(pool_id ? "Save changes" : "Create pool"));
	json_object_object_add(
	    form, "cidr_readonly", json_object_new_boolean(pool_id != 0));
	json_object_object_add(
	    form, "vrfs", ui_vrf_choices(req, vrf ? vrf : IPAM_DEFAULT_VRF));
	json_object_object_add(
	    form, "accounts", ui_account_choices(req, account));
	json_object_object_add(
	    form, "types", choices(ipam_pool_types, type ? type : "subnet"));
	json_object_object_add(
	    form, "statuses", choices(ipam_pool_statuses, st ? st : "active"));
	json_object_object_add(form, "values", values);
	json_object_object_add(form, "errors", errors);
	json_object_object_add(data, "form", form);
	return ui_page_render(req, resp, status, "pool_form",
	    pool_id ? "Edit pool" : "New pool", "pools", data);
}

int
ui_pool_new(struct web_req *req, struct web_resp *resp)
{
	struct json_object *values = json_object_new_object();
	const char *parent = web_query(req, "parent_id");
	long long id;

	if (parent != NULL && web_parse_int(parent, 1, INT64_MAX, &id) == 0)
		json_object_object_add(
		    values, "parent_id", json_object_new_string(parent));
	else /* a top-level pool is most often a supernet */
		json_object_object_add(
		    values, "type", json_object_new_string("supernet"));
	return ui_pool_form_render(req, resp, 200, 0, values, NULL);
}

/* The form's fields, as typed, to show again beside errors. */
static struct json_object *
form_values(struct web_req *req)
{
	static const char *const names[] = { "name", "cidr", "vrf_id",
		"parent_id", "account_id", "type", "status", "description",
		"tags_text", "external_id", "region" };
	struct json_object *o = json_object_new_object();
	const char *v;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		v = web_form(req, names[i]);
		json_object_object_add(
		    o, names[i], json_object_new_string(v ? v : ""));
	}
	return o;
}

static int
form_id(struct web_req *req, const char *name, int64_t *out, struct err *err)
{
	const char *v = web_form(req, name);
	long long id;

	*out = 0;
	if (v == NULL || v[0] == '\0')
		return 0;
	if (web_parse_int(v, 1, INT64_MAX, &id) == -1)
		return err_field(err, 400, "invalid_value", name,
		    "choose from the list or leave empty");
	*out = id;
	return 0;
}

int
ui_pool_create(struct web_req *req, struct web_resp *resp)
{
	struct app *app = req->app;
	struct ipam_pool_in in;
	struct store_pool pool;
	struct err err = ERR_INIT;
	char href[48];

	memset(&in, 0, sizeof(in));
	in.name = ui_form_text(req, "name", 100);
	in.cidr = ui_form_text(req, "cidr", 64);
	in.type = ui_form_text(req, "type", 16);
	in.status = ui_form_text(req, "status", 16);
	in.description = ui_form_text(req, "description", 1000);
	in.external_id = ui_form_text(req, "external_id", 200);
	in.region = ui_form_text(req, "region", 64);
	if (in.name != NULL && in.name[0] == '\0')
		err_field(&err, 400, "invalid_value", "name",
		    "a name is 1 to 100 characters of text");
	else if (form_id(req, "vrf_id", &in.vrf_id, &err) == 0 &&
	         form_id(req, "parent_id", &in.parent_id, &err) == 0 &&
	         form_id(req, "account_id", &in.account_id, &err) == 0 &&
	         ui_tags_parse(
	             req, web_form(req, "tags_text"), &in.tags, &err) == 0 &&
	         ipam_pool_create(app->store, req->arena, &in, &pool, &err) ==
	             0) {
		snprintf(href, sizeof(href), "/pools/%lld", (long long)pool.id);
		ui_flash_set(resp, "Pool created.");
		return web_redirect(resp, 303, href);
	}
	if (in.parent_id && strcmp(err.field, "") == 0)
		snprintf(err.field, sizeof(err.field), "parent_id");
	return ui_pool_form_render(req, resp, err.status >= 500 ? 500 : 400, 0,
	    form_values(req), ui_form_errors(err.field, err.message));
}
