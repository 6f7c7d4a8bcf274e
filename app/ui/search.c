/*
 * search.c: the search page behind the header's search box.
 *
 * It takes an IP address (every pool containing it, innermost first), a
 * CIDR (the pool itself, the pools containing it and those within it), a
 * name or an external id.  An exact hit that is the only one (a CIDR
 * that is a pool, a pool's exact name or external id) jumps straight to
 * that pool.
 */
#include "ui/search.h"

#include <stdio.h>
#include <string.h>

#include "api/app.h"
#include "ip/ip.h"
#include "ipam/search.h"
#include "ui/page.h"

#define SEARCH_QUERY_MAX 200
#define SEARCH_SHOWN 50

static void
add_result(struct web_req *req, struct json_object *results, const char *kind,
    const struct store_pool *p, const char *detail)
{
	struct json_object *o = json_object_new_object();
	char *label = arena_printf(req->arena, "%s · %s", p->name, p->cidr);
	char *href = arena_printf(req->arena, "/pools/%lld", (long long)p->id);

	json_object_object_add(o, "kind", json_object_new_string(kind));
	json_object_object_add(
	    o, "label", json_object_new_string(label ? label : p->name));
	json_object_object_add(
	    o, "href", json_object_new_string(href ? href : "/"));
	json_object_object_add(
	    o, "detail", detail ? json_object_new_string(detail) : NULL);
	json_object_array_add(results, o);
}

static char *
pool_detail(struct web_req *req, const struct store_pool *p)
{
	return arena_printf(req->arena, "%s · %s · VRF %s%s%s", p->type,
	    p->status, p->vrf_name, p->account_name[0] ? " · " : "",
	    p->account_name);
}

/* An address: the pools containing it, innermost first. */
static void
search_ip(struct web_req *req, const char *q, struct json_object *results)
{
	struct app *app = req->app;
	struct store_pool *rows;
	struct err err = ERR_INIT;
	size_t n, i;

	if (ipam_search_ip(app->store, req->arena, 0, q, &rows, &n, &err) == -1)
		return;
	for (i = 0; i < n && i < SEARCH_SHOWN; i++)
		add_result(req, results, i == 0 ? "innermost" : "contains",
		    &rows[i], pool_detail(req, &rows[i]));
}

/* A prefix: itself, what contains it, what lies within it.  Returns the
 * pool id to jump to when the prefix is exactly one pool. */
static int64_t
search_cidr(struct web_req *req, const char *cidr, struct json_object *results)
{
	struct app *app = req->app;
	struct store_page page = { 0, SEARCH_SHOWN, 0 };
	struct store_pool *rows;
	struct err err = ERR_INIT;
	size_t n, i, exact = 0;
	int64_t exact_id = 0;

	if (ipam_search_contains(
	        app->store, req->arena, 0, cidr, &rows, &n, &err) == 0)
		for (i = 0; i < n; i++) {
			if (strcmp(rows[i].cidr, cidr) == 0) {
				exact++;
				exact_id = rows[i].id;
			}
			add_result(req, results,
			    strcmp(rows[i].cidr, cidr) == 0 ? "exact"
			                                    : "contains",
			    &rows[i], pool_detail(req, &rows[i]));
		}
	if (ipam_search_within(
	        app->store, req->arena, 0, cidr, &page, &rows, &n, &err) == 0)
		for (i = 0; i < n; i++)
			if (strcmp(rows[i].cidr, cidr) != 0)
				add_result(req, results, "within", &rows[i],
				    pool_detail(req, &rows[i]));
	return exact == 1 ? exact_id : 0;
}

/* Text: names, external ids and descriptions; accounts by name or key. */
static int64_t
search_text(struct web_req *req, const char *q, struct json_object *results)
{
	struct app *app = req->app;
	struct store_pool_filter f;
	struct store_account_filter af = { q, NULL };
	struct store_page page = { 0, SEARCH_SHOWN, 0 };
	struct store_page apage = { 0, 20, 0 };
	struct store_pool *rows;
	struct store_account *accounts;
	struct json_object *o;
	struct err err = ERR_INIT;
	size_t n, i, exact = 0;
	int64_t exact_id = 0;

	memset(&f, 0, sizeof(f));
	f.q = q;
	if (store_pool_list(
	        app->store, req->arena, &f, &page, &rows, &n, &err) == 0)
		for (i = 0; i < n; i++) {
			if (strcmp(rows[i].name, q) == 0 ||
			    strcmp(rows[i].external_id, q) == 0) {
				exact++;
				exact_id = rows[i].id;
			}
			add_result(req, results, "pool", &rows[i],
			    pool_detail(req, &rows[i]));
		}
	if (store_account_list(
	        app->store, req->arena, &af, &apage, &accounts, &n, &err) == 0)
		for (i = 0; i < n; i++) {
			o = json_object_new_object();
			json_object_object_add(
			    o, "kind", json_object_new_string("account"));
			json_object_object_add(o, "label",
			    json_object_new_string(accounts[i].name));
			json_object_object_add(o, "href",
			    json_object_new_string(arena_printf(req->arena,
			        "/accounts/%lld", (long long)accounts[i].id)));
			json_object_object_add(o, "detail",
			    json_object_new_string(arena_printf(req->arena,
			        "%s · %s", accounts[i].provider,
			        accounts[i].external_key)));
			json_object_array_add(results, o);
		}
	return exact == 1 ? exact_id : 0;
}

int
ui_search(struct web_req *req, struct web_resp *resp)
{
	struct json_object *data = json_object_new_object(), *results;
	const char *q = web_query(req, "q");
	struct ip_addr a;
	struct ip_prefix p;
	struct err ignored = ERR_INIT;
	char cidr[IP_PREFIX_STRLEN], href[48];
	int64_t jump = 0;

	if (q == NULL)
		q = "";
	while (*q == ' ')
		q++;
	results = json_object_new_array();
	if (strlen(q) > SEARCH_QUERY_MAX)
		q = "";
	else if (ip_addr_parse(q, strlen(q), &a, &ignored) == 0)
		search_ip(req, q, results);
	else if (ip_prefix_parse_loose(q, strlen(q), &p, &ignored) == 0)
		jump = search_cidr(req, ip_prefix_format(&p, cidr), results);
	else if (q[0] != '\0')
		jump = search_text(req, q, results);
	if (jump != 0) {
		json_object_put(results);
		json_object_put(data);
		snprintf(href, sizeof(href), "/pools/%lld", (long long)jump);
		return web_redirect(resp, 303, href);
	}
	json_object_object_add(
	    data, "has_query", json_object_new_boolean(q[0] != '\0'));
	json_object_object_add(data, "results", results);
	return ui_page_render(
	    req, resp, 200, "search", "Search", "search", data);
}
