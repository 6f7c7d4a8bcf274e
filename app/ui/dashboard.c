/*
 * dashboard.c: the dashboard.
 *
 * Totals come from the top-level pools' own counters, so the page reads a
 * few rows however many pools there are; "fullest" ranks the pools that
 * have children by their stored utilization.
 */
#include "ui/dashboard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/app.h"
#include "ipam/pool.h"
#include "ui/home.h"
#include "ui/page.h"
#include "ui/ui_pool.h"

#define SHOWN 5
#define TOP_LEVEL_MAX 10000
#define PARENTS_MAX 5000

struct ranked {
	const struct store_pool *pool;
	double key;
};

static int
by_key_desc(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	return (x->key < y->key) - (x->key > y->key);
}

static struct json_object *
top_json(
    struct web_req *req, const struct store_pool *rows, size_t n, int fullest)
{
	struct json_object *list = json_object_new_array();
	struct ipam_utilization u;
	struct ip_prefix p;
	struct err err = ERR_INIT;
	struct ranked *r;
	size_t i, m = 0;

	r = arena_calloc(req->arena, n ? n : 1, sizeof(*r));
	if (r == NULL)
		return list;
	for (i = 0; i < n; i++) {
		if (ipam_pool_prefix(&rows[i], &p, &err) == -1)
			continue;
		ipam_pool_utilization_of(&rows[i], &u);
		r[m].pool = &rows[i];
		r[m].key =
		    fullest
		        ? u.percent
		        : (double)((p.addr.family == IP_FAMILY_V4 ? 32 : 128) -
		                   p.len);
		m++;
	}
	qsort(r, m, sizeof(*r), by_key_desc);
	for (i = 0; i < m && i < SHOWN; i++)
		json_object_array_add(list, ui_pool_json(r[i].pool));
	return list;
}

static struct json_object *
family_totals(const struct store_pool *rows, size_t n, int family)
{
	struct ip_count used = IP_COUNT_ZERO, total = IP_COUNT_ZERO;
	struct ipam_utilization u;
	struct err err = ERR_INIT;
	struct json_object *o;
	char text[64], pct[16];
	size_t i;
	int any = 0;

	for (i = 0; i < n; i++) {
		if (rows[i].family != family)
			continue;
		ipam_pool_utilization_of(&rows[i], &u);
		if (ip_count_add(&used, &u.used, &err) == -1 ||
		    ip_count_add(&total, &u.total, &err) == -1)
			break;
		any = 1;
	}
	if (!any)
		return NULL;
	o = json_object_new_object();
	ui_count_display(&used, text, sizeof(text));
	json_object_object_add(o, "used_display", json_object_new_string(text));
	ui_count_display(&total, text, sizeof(text));
	json_object_object_add(
	    o, "total_display", json_object_new_string(text));
	snprintf(
	    pct, sizeof(pct), "%.1f", 100.0 * ip_count_ratio(&used, &total));
	json_object_object_add(o, "percent", json_object_new_string(pct));
	return o;
}

int
ui_dashboard(struct web_req *req, struct web_resp *resp)
{
	struct app *app = req->app;
	struct store_totals totals;
	struct store_pool_filter f;
	struct store_page page = { 0, TOP_LEVEL_MAX, 0 };
	struct store_pool *top, *parents, *recent;
	struct json_object *data, *d, *t, *list;
	struct err err = ERR_INIT;
	size_t ntop, nparents, nrecent, i;

	if (store_totals(app->store, &totals, &err) == -1 || totals.pools == 0)
		return ui_home(req, resp);
	memset(&f, 0, sizeof(f));
	f.parent_id = -1;
	if (store_pool_list(
	        app->store, req->arena, &f, &page, &top, &ntop, &err) == -1 ||
	    store_pool_parents(app->store, PARENTS_MAX, req->arena, &parents,
	        &nparents, &err) == -1 ||
	    store_pool_recent(
	        app->store, SHOWN, req->arena, &recent, &nrecent, &err) == -1)
		return ui_home(req, resp);
	t = json_object_new_object();
	json_object_object_add(t, "pools", json_object_new_int64(totals.pools));
	json_object_object_add(t, "vrfs", json_object_new_int64(totals.vrfs));
	json_object_object_add(
	    t, "accounts", json_object_new_int64(totals.accounts));
	json_object_object_add(t, "v4", family_totals(top, ntop, 4));
	json_object_object_add(t, "v6", family_totals(top, ntop, 6));
	d = json_object_new_object();
	json_object_object_add(d, "totals", t);
	json_object_object_add(d, "largest", top_json(req, top, ntop, 0));
	json_object_object_add(
	    d, "fullest", top_json(req, parents, nparents, 1));
	list = json_object_new_array();
	for (i = 0; i < nrecent; i++)
		json_object_array_add(list, ui_pool_json(&recent[i]));
	json_object_object_add(d, "recent", list);
	data = json_object_new_object();
	json_object_object_add(data, "dashboard", d);
	json_object_object_add(
	    data, "page_action", ui_action("New pool", "/pools/new"));
	return ui_page_render(
	    req, resp, 200, "dashboard", "Dashboard", "home", data);
}
