/*
 * search.c: the search API over app/ipam/search.
 */
#include "api/search.h"

#include <string.h>

#include "api/app.h"
#include "api/json.h"
#include "ip/ip.h"
#include "ipam/search.h"
#include "web/query.h"

static int
answer(struct web_resp *resp, const char *kind, const char *query,
    struct store_pool *rows, size_t n, int64_t total,
    const struct web_paging *paging)
{
	struct json_object *items = json_object_new_array_ext((int)n), *o;
	size_t i;

	for (i = 0; i < n; i++)
		json_object_array_add(items, ipam_pool_json(&rows[i]));
	o = api_list_json(items, total, paging);
	json_object_object_add(o, "kind", json_object_new_string(kind));
	json_object_object_add(o, "query", json_object_new_string(query));
	return web_json(resp, 200, o);
}

/* What q looks like: an address, a prefix, or text. */
static const char *
classify(const char *q)
{
	struct ip_addr a;
	struct ip_prefix p;
	struct err ignored = ERR_INIT;

	if (ip_addr_parse(q, strlen(q), &a, &ignored) == 0)
		return "ip";
	if (ip_prefix_parse_loose(q, strlen(q), &p, &ignored) == 0)
		return "cidr_within";
	return "q";
}

int
api_search(struct web_req *req, struct web_resp *resp)
{
	static const char *const kinds[] = { "ip", "cidr_contains",
		"cidr_within", "q" };
	struct app *app = req->app;
	struct web_paging paging;
	struct store_page page;
	struct store_pool_filter f;
	struct store_pool *rows = NULL;
	struct err err = ERR_INIT;
	const char *value = NULL, *kind = NULL, *v;
	long long vrf;
	size_t n = 0, i;
	int rc;

	if (web_query_int(req, "vrf_id", 1, INT64_MAX, 0, &vrf, &err) == -1 ||
	    web_query_paging(req, 50, 10000, &paging, &err) == -1)
		return web_fail(resp, &err);
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (web_query_text(req, kinds[i], 200, &v, &err) == -1)
			return web_fail(resp, &err);
		if (v == NULL)
			continue;
		if (value != NULL) {
			err_set(&err, 400, "invalid_parameter",
			    "give one of ip, cidr_contains, cidr_within or q");
			return web_fail(resp, &err);
		}
		value = v;
		kind = kinds[i];
	}
	if (value == NULL) {
		err_set(&err, 400, "missing_parameter",
		    "give one of ip, cidr_contains, cidr_within or q");
		return web_fail(resp, &err);
	}
	if (strcmp(kind, "q") == 0)
		kind = classify(value);
	page.limit = paging.page_size;
	page.offset = (paging.page - 1) * paging.page_size;
	page.total = 0;
	if (strcmp(kind, "ip") == 0) {
		rc = ipam_search_ip(
		    app->store, req->arena, vrf, value, &rows, &n, &err);
		page.total = (int64_t)n;
	} else if (strcmp(kind, "cidr_contains") == 0) {
		rc = ipam_search_contains(
		    app->store, req->arena, vrf, value, &rows, &n, &err);
		page.total = (int64_t)n;
	} else if (strcmp(kind, "cidr_within") == 0) {
		rc = ipam_search_within(
		    app->store, req->arena, vrf, value, &page, &rows, &n, &err);
	} else {
		memset(&f, 0, sizeof(f));
		f.vrf_id = vrf;
		f.q = value;
		rc = store_pool_list(
		    app->store, req->arena, &f, &page, &rows, &n, &err);
	}
	if (rc == -1)
		return web_fail(resp, &err);
	return answer(resp, kind, value, rows, n, page.total, &paging);
}
