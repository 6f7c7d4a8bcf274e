/*
 * pool_detail.c: the pool page: attributes, children, the IP-space map,
 * the blocks table and the allocate form, and a history tab with the
 * pool's audit events (for those who may read the audit log).
 *
 * The map and the table come from ipam_pool_blocks, which computes the
 * state of each block from the free-space table; a map never has more
 * than IPMAP_CELLS_MAX cells, so the page costs the same for a /8 and
 * for an IPv6 /32.
 */
#include "ui/pool_detail.h"

#include <stdio.h>
#include <string.h>

#include "api/app.h"
#include "api/auth.h"
#include "ipam/pool.h"
#include "ui/audit.h"
#include "ui/errors.h"
#include "ui/ipmap.h"
#include "ui/page.h"
#include "ui/ui_pool.h"
#include "web/query.h"

#define CHILDREN_SHOWN 100
#define BLOCKS_PAGE 50
#define ANCESTORS_MAX 32

/* The page's query values. */
enum { Q_MAP_LEN, Q_LEN, Q_PAGE, Q_HIDE_USED, Q__MAX };

struct detail_form {
	const char *prefix_len;
	const char *name;
	const char *strategy;
	struct json_object *errors; /* taken */
	const char *result;         /* dry-run preview */
};

static int
width_of(const struct ip_prefix *p)
{
	return p->addr.family == IP_FAMILY_V4 ? 32 : 128;
}

static struct json_object *
breadcrumbs(struct web_req *req, const struct store_pool *pool)
{
	struct app *app = req->app;
	struct json_object *list = json_object_new_array(), *c;
	struct store_pool chain[ANCESTORS_MAX], p = *pool;
	struct err err = ERR_INIT;
	char href[48];
	int n = 0, i;

	while (
	    p.parent_id != 0 && n < ANCESTORS_MAX &&
	    store_pool_get(app->store, p.parent_id, req->arena, &p, &err) == 0)
		chain[n++] = p;
	c = json_object_new_object();
	json_object_object_add(c, "label", json_object_new_string("Pools"));
	json_object_object_add(c, "href", json_object_new_string("/pools"));
	json_object_array_add(list, c);
	for (i = n - 1; i >= 0; i--) {
		c = json_object_new_object();
		snprintf(
		    href, sizeof(href), "/pools/%lld", (long long)chain[i].id);
		json_object_object_add(
		    c, "label", json_object_new_string(chain[i].name));
		json_object_object_add(c, "href", json_object_new_string(href));
		json_object_array_add(list, c);
	}
	c = json_object_new_object();
	json_object_object_add(c, "label", json_object_new_string(pool->name));
	json_object_array_add(list, c);
	return list;
}

static struct json_object *
children_json(
    struct web_req *req, const struct store_pool *pool, int64_t *total)
{
	struct app *app = req->app;
	struct store_pool_filter f;
	struct store_page page = { 0, CHILDREN_SHOWN, 0 };
	struct store_pool *rows;
	struct json_object *list = json_object_new_array();
	struct err err = ERR_INIT;
	size_t n, i;

	memset(&f, 0, sizeof(f));
	f.parent_id = pool->id;
	*total = 0;
	if (store_pool_list(
	        app->store, req->arena, &f, &page, &rows, &n, &err) == -1)
		return list;
	*total = page.total;
	for (i = 0; i < n; i++)
		json_object_array_add(list, ui_pool_json(&rows[i]));
	return list;
}

static const enum ipmap_state map_states[IPAM_BLOCK__MAX] = {
	IPMAP_FREE,    /* IPAM_BLOCK_FREE */
	IPMAP_USED,    /* IPAM_BLOCK_USED */
	IPMAP_PARTIAL, /* IPAM_BLOCK_PARTIAL */
};

/* The map at map_len with zoom links; NULL for a single address. */
static struct json_object *
map_json(struct web_req *req, const struct store_pool *pool,
    const struct ip_prefix *pp, int len)
{
	struct app *app = req->app;
	struct ipam_blocks_out blocks;
	struct ipmap_layout layout;
	struct err err = ERR_INIT;
	struct json_object *map, *zoom;
	enum ipmap_state *states;
	const char **titles, **hrefs;
	char cidr[IP_PREFIX_STRLEN], link[96];
	unsigned ncells = 1u << (len - pp->len), i;
	int z;

	if (pp->len == width_of(pp) ||
	    ipmap_layout(ncells, &layout, &err) == -1 ||
	    ipam_pool_blocks(app->store, req->arena, pool->id, len,
	        IPAM_BLOCKS_ALL, 1, ncells, &blocks, &err) == -1)
		return NULL;
	states = arena_calloc(req->arena, ncells, sizeof(*states));
	titles = arena_calloc(req->arena, ncells, sizeof(*titles));
	hrefs = arena_calloc(req->arena, ncells, sizeof(*hrefs));
	if (states == NULL || titles == NULL || hrefs == NULL)
		return NULL;
	for (i = 0; i < blocks.n && i < ncells; i++) {
		struct ipam_block *b = &blocks.items[i];

		states[i] = map_states[b->state];
		ip_prefix_format(&b->prefix, cidr);
		if (b->has_pool) {
			titles[i] =
			    arena_printf(req->arena, "%s · %s by %s", cidr,
			        b->state == IPAM_BLOCK_USED ? "used"
			                                    : "partly used",
			        b->pool.name);
			hrefs[i] = arena_printf(
			    req->arena, "/pools/%lld", (long long)b->pool.id);
		}
	}
	map = ipmap_json(pp, (unsigned)len, &layout, states, titles, hrefs);
	if (map == NULL)
		return NULL;
	if ((z = ipmap_zoom_in_len(pp, len)) != -1) {
		zoom = json_object_new_object();
		snprintf(link, sizeof(link), "/pools/%lld?map_len=%d#map",
		    (long long)pool->id, z);
		json_object_object_add(
		    zoom, "href", json_object_new_string(link));
		json_object_object_add(zoom, "len", json_object_new_int(z));
		json_object_object_add(map, "zoom_in", zoom);
	}
	if ((z = ipmap_zoom_out_len(pp, len)) != -1) {
		zoom = json_object_new_object();
		snprintf(link, sizeof(link), "/pools/%lld?map_len=%d#map",
		    (long long)pool->id, z);
		json_object_object_add(
		    zoom, "href", json_object_new_string(link));
		json_object_object_add(zoom, "len", json_object_new_int(z));
		json_object_object_add(map, "zoom_out", zoom);
	}
	return map;
}

static struct json_object *
blocks_json(struct web_req *req, const struct store_pool *pool,
    const struct ip_prefix *pp, int len, uint64_t page, int hide_used)
{
	struct app *app = req->app;
	struct ipam_blocks_out blocks;
	struct err err = ERR_INIT;
	struct json_object *o = json_object_new_object(), *items, *item, *p,
	                   *options, *opt;
	char cidr[IP_PREFIX_STRLEN], link[128];
	uint64_t pages;
	int l, width = width_of(pp);
	size_t i;

	options = json_object_new_array();
	for (l = pp->len + 1; l <= width && l <= pp->len + 24; l++) {
		opt = json_object_new_object();
		json_object_object_add(opt, "len", json_object_new_int(l));
		json_object_object_add(
		    opt, "selected", json_object_new_boolean(l == len));
		json_object_array_add(options, opt);
	}
	json_object_object_add(o, "options", options);
	json_object_object_add(o, "len", json_object_new_int(len));
	json_object_object_add(
	    o, "hide_used", json_object_new_boolean(hide_used));
	items = json_object_new_array();
	json_object_object_add(o, "items", items);
	if (ipam_pool_blocks(app->store, req->arena, pool->id, len,
	        hide_used ? IPAM_BLOCKS_FREE : IPAM_BLOCKS_ALL, page,
	        BLOCKS_PAGE, &blocks, &err) == -1)
		return o;
	for (i = 0; i < blocks.n; i++) {
		item = json_object_new_object();
		json_object_object_add(item, "cidr",
		    json_object_new_string(
		        ip_prefix_format(&blocks.items[i].prefix, cidr)));
		json_object_object_add(item, "state",
		    json_object_new_string(
		        ipam_block_state_names[blocks.items[i].state]));
		p = NULL;
		if (blocks.items[i].has_pool) {
			p = json_object_new_object();
			snprintf(link, sizeof(link), "/pools/%lld",
			    (long long)blocks.items[i].pool.id);
			json_object_object_add(p, "id",
			    json_object_new_int64(blocks.items[i].pool.id));
			json_object_object_add(p, "name",
			    json_object_new_string(blocks.items[i].pool.name));
			json_object_object_add(
			    p, "href", json_object_new_string(link));
		}
		json_object_object_add(item, "pool", p);
		json_object_array_add(items, item);
	}
	pages = blocks.total / BLOCKS_PAGE + (blocks.total % BLOCKS_PAGE != 0);
	json_object_object_add(
	    o, "total", json_object_new_string(blocks.total_exact));
	json_object_object_add(o, "page", json_object_new_int64((int64_t)page));
	json_object_object_add(
	    o, "pages", json_object_new_int64((int64_t)(pages ? pages : 1)));
	if (page > 1) {
		snprintf(link, sizeof(link),
		    "/pools/%lld?len=%d&page=%llu%s#blocks",
		    (long long)pool->id, len, (unsigned long long)page - 1,
		    hide_used ? "&hide_used=1" : "");
		json_object_object_add(
		    o, "prev_href", json_object_new_string(link));
	}
	if (page < pages) {
		snprintf(link, sizeof(link),
		    "/pools/%lld?len=%d&page=%llu%s#blocks",
		    (long long)pool->id, len, (unsigned long long)page + 1,
		    hide_used ? "&hide_used=1" : "");
		json_object_object_add(
		    o, "next_href", json_object_new_string(link));
	}
	return o;
}

static struct json_object *
allocate_json(const struct detail_form *form, int suggested_len)
{
	struct json_object *o = json_object_new_object(), *list, *opt, *r;
	static const char *const labels[IPAM_STRATEGY__MAX] = { "First fit",
		"Best fit", "Last fit" };
	char len[8];
	int i;

	snprintf(len, sizeof(len), "%d", suggested_len);
	json_object_object_add(o, "prefix_len",
	    json_object_new_string(form->prefix_len ? form->prefix_len : len));
	json_object_object_add(
	    o, "name", json_object_new_string(form->name ? form->name : ""));
	list = json_object_new_array();
	for (i = 0; i < IPAM_STRATEGY__MAX; i++) {
		opt = json_object_new_object();
		json_object_object_add(opt, "value",
		    json_object_new_string(ipam_strategy_names[i]));
		json_object_object_add(
		    opt, "label", json_object_new_string(labels[i]));
		json_object_object_add(opt, "selected",
		    json_object_new_boolean(
		        form->strategy &&
		        strcmp(form->strategy, ipam_strategy_names[i]) == 0));
		json_object_array_add(list, opt);
	}
	json_object_object_add(o, "strategy", list);
	json_object_object_add(o, "errors", form->errors);
	if (form->result != NULL) {
		r = json_object_new_object();
		json_object_object_add(
		    r, "cidr", json_object_new_string(form->result));
		json_object_object_add(o, "result", r);
	}
	return o;
}

/* The overview tab: children, the map, the blocks and allocate. */
static void
add_overview(struct web_req *req, struct json_object *data,
    const struct store_pool *pool, const struct ip_prefix *pp,
    struct detail_form *form, const long long *q)
{
	struct json_object *map;
	int64_t children_total;

	json_object_object_add(
	    data, "children", children_json(req, pool, &children_total));
	json_object_object_add(
	    data, "children_total", json_object_new_int64(children_total));
	map = map_json(req, pool, pp, ipmap_choose_len(pp, (int)q[Q_MAP_LEN]));
	json_object_object_add(data, "map", map);
	if (pp->len < width_of(pp)) {
		json_object_object_add(data, "blocks",
		    blocks_json(req, pool, pp, (int)q[Q_LEN],
		        (uint64_t)q[Q_PAGE], (int)q[Q_HIDE_USED]));
		json_object_object_add(
		    data, "allocate", allocate_json(form, (int)q[Q_LEN]));
	} else {
		json_object_put(form->errors);
	}
}

/*
 * The tab asked for: 0 overview, 1 history.  The history is the audit
 * log's, so it needs the audit permission as the audit page does.
 */
static int
tab_of(struct web_req *req, int may_audit, int *history, struct err *err)
{
	const char *tab;

	*history = 0;
	if (web_query_text(req, "tab", 16, &tab, err) == -1)
		return -1;
	if (tab == NULL || strcmp(tab, "overview") == 0)
		return 0;
	if (strcmp(tab, "history") != 0)
		return err_field(err, 400, "invalid_parameter", "tab",
		    "tab must be overview or history");
	if (!may_audit)
		return err_set(err, 403, "forbidden",
		    "a pool's history is part of the audit log: it needs the "
		    "audit permission");
	*history = 1;
	return 0;
}

/* The tab links, shown to those who may see the history. */
static struct json_object *
tabs_json(struct web_req *req, const struct store_pool *pool, int history)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "overview_href",
	    json_object_new_string(
	        arena_printf(req->arena, "/pools/%lld", (long long)pool->id)));
	json_object_object_add(o, "history_href",
	    json_object_new_string(arena_printf(
	        req->arena, "/pools/%lld?tab=history", (long long)pool->id)));
	json_object_object_add(o, "history", json_object_new_boolean(history));
	return o;
}

/* Read the query of the page into q (indexed by the Q_ constants). */
static int
detail_query(struct web_req *req, const struct ip_prefix *pp, long long *q,
    struct err *err)
{
	int default_len =
	    pp->len + 8 > width_of(pp) ? width_of(pp) : pp->len + 8;
	int hide_used;

	if (web_query_int(req, "map_len", 0, 128, -1, &q[Q_MAP_LEN], err) ==
	        -1 ||
	    web_query_int(req, "len", pp->len + 1, width_of(pp), default_len,
	        &q[Q_LEN], err) == -1 ||
	    web_query_int(req, "page", 1, 1000000000, 1, &q[Q_PAGE], err) ==
	        -1 ||
	    web_query_bool(req, "hide_used", 0, &hide_used, err) == -1)
		return -1;
	q[Q_HIDE_USED] = hide_used;
	return 0;
}

static int
render_detail(struct web_req *req, struct web_resp *resp, int status,
    struct detail_form *form)
{
	struct app *app = req->app;
	struct store_pool pool;
	struct ip_prefix pp;
	struct err err = ERR_INIT;
	struct json_object *data, *history = NULL;
	long long q[Q__MAX];
	int may_audit, in_history;

	may_audit = ipam_identity_may(auth_identity(req), IPAM_PERM_AUDIT, 0);
	if (ipam_pool_get(app->store, req->arena, req->path_id, &pool, &err) ==
	        -1 ||
	    ipam_pool_prefix(&pool, &pp, &err) == -1) {
		json_object_put(form->errors);
		return err.status == 404 ? ui_not_found(req, resp)
		                         : ui_error(req, resp, &err);
	}
	if (detail_query(req, &pp, q, &err) == -1 ||
	    tab_of(req, may_audit, &in_history, &err) == -1 ||
	    (in_history &&
	        ui_audit_history(req, "pool", pool.id, q[Q_PAGE],
	            arena_printf(req->arena, "/pools/%lld?tab=history",
	                (long long)pool.id),
	            &history, &err) == -1)) {
		json_object_put(form->errors);
		return ui_error(req, resp, &err);
	}
	data = json_object_new_object();
	json_object_object_add(data, "pool", ui_pool_json(&pool));
	json_object_object_add(data, "breadcrumbs", breadcrumbs(req, &pool));
	if (may_audit)
		json_object_object_add(
		    data, "tabs", tabs_json(req, &pool, in_history));
	if (in_history) {
		json_object_object_add(data, "history", history);
		json_object_put(form->errors);
	} else
		add_overview(req, data, &pool, &pp, form, q);
	json_object_object_add(data, "page_action",
	    ui_action("New child pool",
	        arena_printf(req->arena, "/pools/new?parent_id=%lld",
	            (long long)pool.id)));
	return ui_page_render(
	    req, resp, status, "pool_detail", pool.name, "pools", data);
}

int
ui_pool_detail(struct web_req *req, struct web_resp *resp)
{
	struct detail_form form = { NULL, NULL, NULL, NULL, NULL };

	return render_detail(req, resp, 200, &form);
}

int
ui_pool_allocate(struct web_req *req, struct web_resp *resp)
{
	struct app *app = req->app;
	struct detail_form form = { NULL, NULL, NULL, NULL, NULL };
	struct ipam_allocation_in in;
	struct ipam_allocation_out out;
	struct err err = ERR_INIT;
	char cidr[IP_PREFIX_STRLEN], href[48], *flash;
	long long len = 0;
	int i;

	form.prefix_len = web_form(req, "prefix_len");
	form.name = web_form(req, "name");
	form.strategy = web_form(req, "strategy");
	memset(&in, 0, sizeof(in));
	in.parent_id = req->path_id;
	in.dry_run = web_form(req, "dry_run") != NULL;
	in.name = ui_form_text(req, "name", 100);
	in.strategy = IPAM_STRATEGY__MAX;
	for (i = 0; i < IPAM_STRATEGY__MAX; i++)
		if (form.strategy &&
		    strcmp(form.strategy, ipam_strategy_names[i]) == 0)
			in.strategy = (enum ipam_strategy)i;
	if (form.strategy == NULL)
		in.strategy = IPAM_FIRST_FIT;
	if (form.prefix_len == NULL ||
	    web_parse_int(form.prefix_len, 0, 128, &len) == -1)
		err_field(&err, 400, "invalid_value", "prefix_len",
		    "enter a prefix length, such as 24");
	else if (in.name != NULL && in.name[0] == '\0')
		err_field(&err, 400, "invalid_value", "name",
		    "a name is 1 to 100 characters of text");
	else {
		in.prefix_len = (int)len;
		if (ipam_pool_allocate(
		        app->store, req->arena, &in, &out, &err) == 0) {
			if (in.dry_run) {
				form.result =
				    ip_prefix_format(&out.block, cidr);
				return render_detail(req, resp, 200, &form);
			}
			flash = arena_printf(req->arena, "Allocated %s to %s.",
			    out.pool.cidr, out.pool.name);
			ui_flash_set(resp, flash ? flash : "Allocated.");
			snprintf(href, sizeof(href), "/pools/%lld",
			    (long long)out.pool.id);
			return web_redirect(resp, 303, href);
		}
	}
	if (err.status == 404 && err.field[0] == '\0')
		return ui_not_found(req, resp);
	form.errors = ui_form_errors(
	    err.field[0] ? err.field : "prefix_len", err.message);
	return render_detail(req, resp, err.status >= 500 ? 500 : 400, &form);
}
