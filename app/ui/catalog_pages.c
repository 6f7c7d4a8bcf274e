/*
 * catalog_pages.c: list pages of the catalogue: blocks (leaf pools),
 * accounts, VRFs and the special-purpose ranges policy.
 */
#include "ui/catalog_pages.h"

#include <stdio.h>
#include <string.h>

#include "api/app.h"
#include "api/json.h"
#include "ipam/catalog.h"
#include "ipam/pool.h"
#include "ipam/settings.h"
#include "ui/errors.h"
#include "ui/page.h"
#include "ui/ui_pool.h"
#include "web/query.h"

#define PAGE_SIZE 50

static struct json_object *
provider_choices(const char *selected)
{
	struct json_object *list = json_object_new_array(), *o;
	size_t i;

	for (i = 0; ipam_providers[i] != NULL; i++) {
		o = json_object_new_object();
		json_object_object_add(
		    o, "value", json_object_new_string(ipam_providers[i]));
		json_object_object_add(o, "selected",
		    json_object_new_boolean(
		        selected && strcmp(selected, ipam_providers[i]) == 0));
		json_object_array_add(list, o);
	}
	return list;
}

/* prev/next links for page of pages, keeping the query's filters. */
static void
add_paging(struct web_req *req, struct json_object *o, const char *path,
    long long page, int64_t total, const char *keep)
{
	long long pages = (total + PAGE_SIZE - 1) / PAGE_SIZE;
	char *link;

	if (pages < 1)
		pages = 1;
	json_object_object_add(o, "total", json_object_new_int64(total));
	json_object_object_add(o, "page", json_object_new_int64(page));
	json_object_object_add(o, "pages", json_object_new_int64(pages));
	link = page > 1 ? arena_printf(req->arena, "%s?page=%lld%s", path,
	                      page - 1, keep)
	                : NULL;
	json_object_object_add(
	    o, "prev_href", link ? json_object_new_string(link) : NULL);
	link = page < pages ? arena_printf(req->arena, "%s?page=%lld%s", path,
	                          page + 1, keep)
	                    : NULL;
	json_object_object_add(
	    o, "next_href", link ? json_object_new_string(link) : NULL);
}

/* "&q=...&provider=..." for paging links, percent-encoded. */
static const char *
keep_filters(struct web_req *req, const char *const *names)
{
	struct buf b = BUF_INIT;
	const char *v, *out;
	size_t i, k;

	for (i = 0; names[i] != NULL; i++) {
		v = web_query(req, names[i]);
		if (v == NULL || v[0] == '\0')
			continue;
		buf_printf(&b, "&%s=", names[i]);
		for (k = 0; v[k] != '\0'; k++) {
			unsigned char c = (unsigned char)v[k];

			if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
			    (c >= 'A' && c <= 'Z') || strchr("-._~", c))
				buf_putc(&b, (char)c);
			else
				buf_printf(&b, "%%%02X", c);
		}
	}
	out = arena_strdup(req->arena, b.data ? b.data : "");
	buf_free(&b);
	return out ? out : "";
}

static struct json_object *
pool_with_provider(struct web_req *req, const struct store_pool *p)
{
	struct app *app = req->app;
	struct json_object *o = ui_pool_json(p);
	struct store_account a;
	struct err err = ERR_INIT;

	if (p->account_id && store_account_get(app->store, p->account_id,
	                         req->arena, &a, &err) == 0)
		json_object_object_add(
		    o, "provider", json_object_new_string(a.provider));
	else
		json_object_object_add(o, "provider", NULL);
	return o;
}

int
ui_blocks(struct web_req *req, struct web_resp *resp)
{
	static const char *const kept[] = { "q", "vrf_id", "account_id", NULL };
	struct app *app = req->app;
	struct store_pool_filter f;
	struct store_page page = { 0, PAGE_SIZE, 0 };
	struct store_pool *rows;
	struct json_object *data, *o, *filters, *items;
	struct err err = ERR_INIT;
	long long vrf, account, p;
	const char *q;
	size_t n, i;

	if (web_query_int(req, "vrf_id", 1, INT64_MAX, 0, &vrf, &err) == -1 ||
	    web_query_int(req, "account_id", 1, INT64_MAX, 0, &account, &err) ==
	        -1 ||
	    web_query_int(req, "page", 1, 1000000000, 1, &p, &err) == -1 ||
	    web_query_text(req, "q", 200, &q, &err) == -1)
		return ui_error(req, resp, &err);
	memset(&f, 0, sizeof(f));
	f.leaves_only = 1;
	f.vrf_id = vrf;
	f.account_id = account;
	f.q = q;
	page.offset = (p - 1) * PAGE_SIZE;
	if (store_pool_list(
	        app->store, req->arena, &f, &page, &rows, &n, &err) == -1)
		return ui_error(req, resp, &err);
	items = json_object_new_array();
	for (i = 0; i < n; i++)
		json_object_array_add(items, pool_with_provider(req, &rows[i]));
	filters = json_object_new_object();
	json_object_object_add(
	    filters, "q", json_object_new_string(q ? q : ""));
	json_object_object_add(filters, "vrfs", ui_vrf_choices(req, vrf));
	json_object_object_add(filters, "providers", provider_choices(NULL));
	json_object_object_add(
	    filters, "accounts", ui_account_choices(req, account));
	o = json_object_new_object();
	json_object_object_add(o, "filters", filters);
	json_object_object_add(o, "items", items);
	json_object_object_add(o, "empty", json_object_new_boolean(n == 0));
	json_object_object_add(o, "csv_href",
	    json_object_new_string("/api/v1/export/pools?format=csv"));
	add_paging(req, o, "/blocks", p, page.total, keep_filters(req, kept));
	data = json_object_new_object();
	json_object_object_add(data, "blocks_page", o);
	return ui_page_render(
	    req, resp, 200, "blocks", "Blocks", "blocks", data);
}

static struct json_object *
account_page_json(const struct store_account *a)
{
	struct json_object *o = ipam_account_json(a), *list, *t;
	char href[48];

	snprintf(href, sizeof(href), "/accounts/%lld", (long long)a->id);
	json_object_object_add(o, "href", json_object_new_string(href));
	list = json_object_new_array();
	json_object_object_foreach(json_object_object_get(o, "tags"), key, v)
	{
		t = json_object_new_object();
		json_object_object_add(t, "key", json_object_new_string(key));
		json_object_object_add(t, "value", json_object_get(v));
		json_object_array_add(list, t);
	}
	json_object_object_add(o, "tags", list);
	return o;
}

int
ui_accounts(struct web_req *req, struct web_resp *resp)
{
	static const char *const kept[] = { "q", "provider", NULL };
	struct app *app = req->app;
	struct store_account_filter f = { NULL, NULL };
	struct store_page page = { 0, PAGE_SIZE, 0 };
	struct store_account *rows;
	struct json_object *data, *o, *filters, *items;
	struct err err = ERR_INIT;
	long long p;
	size_t n, i;

	if (web_query_int(req, "page", 1, 1000000000, 1, &p, &err) == -1 ||
	    web_query_text(req, "q", 200, &f.q, &err) == -1 ||
	    web_query_text(req, "provider", 16, &f.provider, &err) == -1)
		return ui_error(req, resp, &err);
	if (f.provider && !ipam_name_in(f.provider, ipam_providers))
		f.provider = NULL;
	page.offset = (p - 1) * PAGE_SIZE;
	if (store_account_list(
	        app->store, req->arena, &f, &page, &rows, &n, &err) == -1)
		return ui_error(req, resp, &err);
	items = json_object_new_array();
	for (i = 0; i < n; i++)
		json_object_array_add(items, account_page_json(&rows[i]));
	filters = json_object_new_object();
	json_object_object_add(
	    filters, "q", json_object_new_string(f.q ? f.q : ""));
	json_object_object_add(
	    filters, "providers", provider_choices(f.provider));
	o = json_object_new_object();
	json_object_object_add(o, "filters", filters);
	json_object_object_add(o, "items", items);
	json_object_object_add(o, "empty", json_object_new_boolean(n == 0));
	add_paging(req, o, "/accounts", p, page.total, keep_filters(req, kept));
	data = json_object_new_object();
	json_object_object_add(data, "accounts_page", o);
	return ui_page_render(
	    req, resp, 200, "accounts", "Accounts", "accounts", data);
}

int
ui_account_detail(struct web_req *req, struct web_resp *resp)
{
	struct app *app = req->app;
	struct store_account a;
	struct store_pool_filter f;
	struct store_page page = { 0, 200, 0 };
	struct store_pool *rows;
	struct json_object *data, *pools;
	struct err err = ERR_INIT;
	size_t n = 0, i;

	if (store_account_get(app->store, req->path_id, req->arena, &a, &err) ==
	    -1)
		return err.status == 404 ? ui_not_found(req, resp)
		                         : ui_error(req, resp, &err);
	memset(&f, 0, sizeof(f));
	f.account_id = a.id;
	if (store_pool_list(
	        app->store, req->arena, &f, &page, &rows, &n, &err) == -1)
		n = 0;
	pools = json_object_new_array();
	for (i = 0; i < n; i++) {
		struct json_object *o = ui_pool_json(&rows[i]);

		json_object_object_add(
		    o, "provider", json_object_new_string(a.provider));
		json_object_array_add(pools, o);
	}
	data = json_object_new_object();
	json_object_object_add(data, "account", account_page_json(&a));
	json_object_object_add(data, "pools", pools);
	json_object_object_add(
	    data, "pools_total", json_object_new_int64(page.total));
	return ui_page_render(
	    req, resp, 200, "account_detail", a.name, "accounts", data);
}

static int
render_vrfs(struct web_req *req, struct web_resp *resp, int status,
    struct json_object *values, struct json_object *errors)
{
	struct app *app = req->app;
	struct store_page page = { 0, 1000, 0 };
	struct store_vrf *rows;
	struct json_object *data, *o, *items, *v, *form;
	struct err err = ERR_INIT;
	char href[48];
	size_t n = 0, i;

	if (store_vrf_list(app->store, req->arena, &page, &rows, &n, &err) ==
	    -1)
		n = 0;
	items = json_object_new_array();
	for (i = 0; i < n; i++) {
		v = ipam_vrf_json(&rows[i]);
		snprintf(href, sizeof(href), "/pools?vrf_id=%lld",
		    (long long)rows[i].id);
		json_object_object_add(v, "href", json_object_new_string(href));
		json_object_object_add(v, "is_default",
		    json_object_new_boolean(rows[i].id == IPAM_DEFAULT_VRF));
		json_object_array_add(items, v);
	}
	form = json_object_new_object();
	json_object_object_add(
	    form, "values", values ? values : json_object_new_object());
	json_object_object_add(form, "errors", errors);
	o = json_object_new_object();
	json_object_object_add(o, "items", items);
	json_object_object_add(o, "total", json_object_new_int64(page.total));
	json_object_object_add(o, "form", form);
	data = json_object_new_object();
	json_object_object_add(data, "vrfs_page", o);
	json_object_object_add(
	    data, "page_action", ui_action("New VRF", "#new-vrf"));
	return ui_page_render(req, resp, status, "vrfs", "VRFs", "vrfs", data);
}

int
ui_vrfs(struct web_req *req, struct web_resp *resp)
{
	return render_vrfs(req, resp, 200, NULL, NULL);
}

int
ui_vrf_create(struct web_req *req, struct web_resp *resp)
{
	struct app *app = req->app;
	struct store_vrf in, out;
	struct err err = ERR_INIT;
	struct json_object *values;
	const char *v;

	memset(&in, 0, sizeof(in));
	in.name = ui_form_text(req, "name", 64);
	in.rd = ui_form_text(req, "rd", 64);
	in.description = ui_form_text(req, "description", 1000);
	if (in.rd == NULL)
		in.rd = "";
	if (in.description == NULL)
		in.description = "";
	if ((in.rd[0] == '\0' && web_form(req, "rd") &&
	        web_form(req, "rd")[0]) ||
	    (in.description[0] == '\0' && web_form(req, "description") &&
	        web_form(req, "description")[0]))
		err_field(&err, 400, "invalid_value",
		    in.rd[0] == '\0' ? "rd" : "description",
		    "use at most 64 characters of text here");
	else if (ipam_vrf_create(app->store, req->arena, &in, &out, &err) ==
	         0) {
		ui_flash_set(resp, "VRF created.");
		return web_redirect(resp, 303, "/vrfs");
	}
	values = json_object_new_object();
	v = web_form(req, "name");
	json_object_object_add(
	    values, "name", json_object_new_string(v ? v : ""));
	v = web_form(req, "rd");
	json_object_object_add(
	    values, "rd", json_object_new_string(v ? v : ""));
	v = web_form(req, "description");
	json_object_object_add(
	    values, "description", json_object_new_string(v ? v : ""));
	return render_vrfs(req, resp, err.status >= 500 ? 500 : 400, values,
	    ui_form_errors(err.field, err.message));
}

int
ui_special_ranges(struct web_req *req, struct web_resp *resp)
{
	struct app *app = req->app;
	struct store_special *rows;
	struct json_object *data, *o, *items, *r;
	struct err err = ERR_INIT;
	char href[48];
	size_t n, i;
	int refused = 0, allowed = 0;

	if (store_special_list(app->store, req->arena, &rows, &n, &err) == -1)
		return ui_error(req, resp, &err);
	items = json_object_new_array();
	for (i = 0; i < n; i++) {
		r = json_object_new_object();
		json_object_object_add(
		    r, "id", json_object_new_int64(rows[i].id));
		json_object_object_add(
		    r, "cidr", json_object_new_string(rows[i].cidr));
		json_object_object_add(
		    r, "name", json_object_new_string(rows[i].name));
		json_object_object_add(
		    r, "reference", json_object_new_string(rows[i].reference));
		json_object_object_add(
		    r, "registry", json_object_new_string(rows[i].registry));
		json_object_object_add(
		    r, "category", json_object_new_string(rows[i].category));
		json_object_object_add(r, "always_allowed",
		    json_object_new_boolean(rows[i].always_allowed));
		json_object_object_add(
		    r, "allowed", json_object_new_boolean(rows[i].allowed));
		snprintf(href, sizeof(href), "/special-ranges/%lld",
		    (long long)rows[i].id);
		json_object_object_add(
		    r, "action_href", json_object_new_string(href));
		json_object_array_add(items, r);
		if (rows[i].allowed)
			allowed++;
		else
			refused++;
	}
	o = json_object_new_object();
	json_object_object_add(o, "items", items);
	json_object_object_add(
	    o, "refused_count", json_object_new_int(refused));
	json_object_object_add(
	    o, "allowed_count", json_object_new_int(allowed));
	data = json_object_new_object();
	json_object_object_add(data, "special_page", o);
	return ui_page_render(req, resp, 200, "special_ranges",
	    "Special-purpose ranges", "special", data);
}

int
ui_special_range_set(struct web_req *req, struct web_resp *resp)
{
	struct app *app = req->app;
	struct err err = ERR_INIT;
	const char *v = web_form(req, "allowed");
	struct store_special row;

	if (v == NULL || (strcmp(v, "1") != 0 && strcmp(v, "0") != 0)) {
		err_field(
		    &err, 400, "invalid_value", "allowed", "allowed is 1 or 0");
		return ui_error(req, resp, &err);
	}
	if (ipam_special_set_allowed(app->store, req->arena, req->path_id,
	        strcmp(v, "1") == 0, &row, &err) == -1)
		return err.status == 404 ? ui_not_found(req, resp)
		                         : ui_error(req, resp, &err);
	ui_flash_set(resp, strcmp(v, "1") == 0
	                       ? "Range allowed for new pools."
	                       : "Range refused for new pools.");
	return web_redirect(resp, 303, "/special-ranges");
}
