/*
 * pools.c: the pools API: parse, call app/ipam, answer JSON.
 */
#include "api/pools.h"

#include <string.h>

#include "api/app.h"
#include "api/auth.h"
#include "api/json.h"
#include "ipam/pool.h"
#include "lib/hash.h"
#include "web/fields.h"
#include "web/query.h"

#define PAGE_SIZE_DEFAULT 50
#define PAGE_SIZE_MAX 10000

enum {
	F_NAME,
	F_CIDR,
	F_VRF_ID,
	F_PARENT_ID,
	F_ACCOUNT_ID,
	F_TYPE,
	F_STATUS,
	F_SOURCE,
	F_DESCRIPTION,
	F_TAGS,
	F_EXTERNAL_ID,
	F_REGION,
	F__MAX
};

static const struct web_field pool_fields[F__MAX] = {
	{ "name", WEB_FIELD_STRING, 0, 1, 100 },         /* F_NAME */
	{ "cidr", WEB_FIELD_STRING, 0, 0, 64 },          /* F_CIDR */
	{ "vrf_id", WEB_FIELD_ID, 0, 0, 0 },             /* F_VRF_ID */
	{ "parent_id", WEB_FIELD_ID, 0, 0, 0 },          /* F_PARENT_ID */
	{ "account_id", WEB_FIELD_ID, 0, 0, 0 },         /* F_ACCOUNT_ID */
	{ "type", WEB_FIELD_STRING, 0, 1, 16 },          /* F_TYPE */
	{ "status", WEB_FIELD_STRING, 0, 1, 16 },        /* F_STATUS */
	{ "source", WEB_FIELD_STRING, 0, 1, 16 },        /* F_SOURCE */
	{ "description", WEB_FIELD_STRING, 0, 0, 1000 }, /* F_DESCRIPTION */
	{ "tags", WEB_FIELD_OBJECT, 0, 0, 0 },           /* F_TAGS */
	{ "external_id", WEB_FIELD_STRING, 0, 0, 200 },  /* F_EXTERNAL_ID */
	{ "region", WEB_FIELD_STRING, 0, 0, 64 },        /* F_REGION */
};

static const char *
text_of(const struct web_value *v)
{
	return v->present ? v->s : NULL;
}

/* Read a pool body into in; what may be given depends on create. */
static int
pool_input(struct web_req *req, int create, struct json_object **body,
    struct ipam_pool_in *in, struct err *err)
{
	struct web_value v[F__MAX];
	static const struct {
		int field;
		unsigned bit;
	} bits[] = { { F_NAME, IPAM_POOL_NAME },
		{ F_ACCOUNT_ID, IPAM_POOL_ACCOUNT }, { F_TYPE, IPAM_POOL_TYPE },
		{ F_STATUS, IPAM_POOL_STATUS },
		{ F_DESCRIPTION, IPAM_POOL_DESCRIPTION },
		{ F_TAGS, IPAM_POOL_TAGS },
		{ F_EXTERNAL_ID, IPAM_POOL_EXTERNAL_ID },
		{ F_REGION, IPAM_POOL_REGION } };
	size_t i;

	memset(in, 0, sizeof(*in));
	if (web_json_body(req, body, err) == -1 ||
	    web_fields_json(*body, pool_fields, F__MAX, v, err) == -1)
		return -1;
	if (!create && (v[F_CIDR].present || v[F_VRF_ID].present ||
	                   v[F_PARENT_ID].present || v[F_SOURCE].present))
		return err_field(err, 400, "immutable_field",
		    v[F_CIDR].present        ? "cidr"
		    : v[F_VRF_ID].present    ? "vrf_id"
		    : v[F_PARENT_ID].present ? "parent_id"
		                             : "source",
		    "cidr, vrf_id, parent_id and source cannot be changed; "
		    "create a new pool instead");
	in->name = text_of(&v[F_NAME]);
	in->cidr = text_of(&v[F_CIDR]);
	in->vrf_id = v[F_VRF_ID].i;
	in->parent_id = v[F_PARENT_ID].i;
	in->account_id = v[F_ACCOUNT_ID].i;
	in->type = text_of(&v[F_TYPE]);
	in->status = text_of(&v[F_STATUS]);
	in->source = text_of(&v[F_SOURCE]);
	in->description = text_of(&v[F_DESCRIPTION]);
	in->external_id = text_of(&v[F_EXTERNAL_ID]);
	in->region = text_of(&v[F_REGION]);
	if (v[F_TAGS].present &&
	    api_tags_text(v[F_TAGS].obj, req->arena, &in->tags, err) == -1)
		return -1;
	for (i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		if (v[bits[i].field].present)
			in->set |= bits[i].bit;
	if (!create && in->set == 0)
		return err_set(err, 400, "empty_change",
		    "send at least one field to change");
	return 0;
}

/*
 * A collector key reaches only pools of its accounts: 0 when the caller
 * may touch pool id (any caller but a collector key may).
 */
static int
pool_reachable(struct web_req *req, int64_t id, struct err *err)
{
	struct app *app = req->app;
	struct store_pool pool;

	if (!auth_identity(req)->collector)
		return 0;
	if (ipam_pool_get(app->store, req->arena, id, &pool, err) == -1)
		return -1;
	return auth_account_check(req, pool.account_id, err);
}

int
api_pools_create(struct web_req *req, struct web_resp *resp)
{
	struct app *app = req->app;
	struct json_object *body = NULL;
	struct ipam_pool_in in;
	struct store_pool pool;
	struct err err = ERR_INIT;
	int rc;

	rc = pool_input(req, 1, &body, &in, &err);
	if (rc == 0)
		rc = auth_account_check(req, in.account_id, &err);
	if (rc == 0)
		rc = ipam_pool_create(app->store, req->arena, &in, &pool, &err);
	json_object_put(body);
	if (rc == -1)
		return web_fail(resp, &err);
	web_header_setf(
	    resp, "Location", "/api/v1/pools/%lld", (long long)pool.id);
	return web_json(resp, 201, ipam_pool_json(&pool));
}

int
api_pools_get(struct web_req *req, struct web_resp *resp)
{
	struct app *app = req->app;
	struct store_pool pool;
	struct err err = ERR_INIT;

	if (ipam_pool_get(app->store, req->arena, req->path_id, &pool, &err) ==
	        -1 ||
	    auth_account_check(req, pool.account_id, &err) == -1)
		return web_fail(resp, &err);
	return web_json(resp, 200, ipam_pool_json(&pool));
}

int
api_pools_update(struct web_req *req, struct web_resp *resp)
{
	struct app *app = req->app;
	struct json_object *body = NULL;
	struct ipam_pool_in in;
	struct store_pool pool;
	struct err err = ERR_INIT;
	int rc;

	rc = pool_input(req, 0, &body, &in, &err);
	if (rc == 0)
		rc = pool_reachable(req, req->path_id, &err);
	if (rc == 0 && (in.set & IPAM_POOL_ACCOUNT))
		rc = auth_account_check(req, in.account_id, &err);
	if (rc == 0)
		rc = ipam_pool_update(
		    app->store, req->arena, req->path_id, &in, &pool, &err);
	json_object_put(body);
	if (rc == -1)
		return web_fail(resp, &err);
	return web_json(resp, 200, ipam_pool_json(&pool));
}

int
api_pools_delete(struct web_req *req, struct web_resp *resp)
{
	struct app *app = req->app;
	struct err err = ERR_INIT;
	struct json_object *o;
	int64_t deleted;
	int cascade;

	if (web_query_bool(req, "cascade", 0, &cascade, &err) == -1 ||
	    ipam_pool_delete(app->store, req->arena, req->path_id, cascade,
	        &deleted, &err) == -1)
		return web_fail(resp, &err);
	o = json_object_new_object();
	json_object_object_add(o, "deleted", json_object_new_int64(deleted));
	return web_json(resp, 200, o);
}

/* Read the list filters of the query string. */
static int
pool_filter(struct web_req *req, struct store_pool_filter *f, struct err *err)
{
	long long vrf, parent, account, family;
	const char *tag;
	char *colon;

	memset(f, 0, sizeof(*f));
	if (web_query_int(req, "vrf_id", 1, INT64_MAX, 0, &vrf, err) == -1 ||
	    web_query_int(req, "parent_id", 0, INT64_MAX, -2, &parent, err) ==
	        -1 ||
	    web_query_int(req, "account_id", 1, INT64_MAX, 0, &account, err) ==
	        -1 ||
	    web_query_int(req, "family", 4, 6, 0, &family, err) == -1 ||
	    web_query_text(req, "type", 16, &f->type, err) == -1 ||
	    web_query_text(req, "status", 16, &f->status, err) == -1 ||
	    web_query_text(req, "source", 16, &f->source, err) == -1 ||
	    web_query_text(req, "q", 200, &f->q, err) == -1 ||
	    web_query_text(req, "tag", 330, &tag, err) == -1)
		return -1;
	if (family == 5)
		return err_field(err, 400, "invalid_parameter", "family",
		    "family must be 4 or 6");
	if ((f->type && !ipam_name_in(f->type, ipam_pool_types)) ||
	    (f->status && !ipam_name_in(f->status, ipam_pool_statuses)) ||
	    (f->source && !ipam_name_in(f->source, ipam_pool_sources)))
		return err_field(err, 400, "invalid_parameter",
		    f->type && !ipam_name_in(f->type, ipam_pool_types) ? "type"
		    : f->status && !ipam_name_in(f->status, ipam_pool_statuses)
		        ? "status"
		        : "source",
		    "unknown value; see the API description for the values");
	if (tag != NULL) {
		char *copy = arena_strdup(req->arena, tag);

		colon = copy ? strchr(copy, ':') : NULL;
		if (colon == NULL || colon == copy)
			return err_field(err, 400, "invalid_parameter", "tag",
			    "tag is key:value");
		*colon = '\0';
		if (strchr(copy, '"') != NULL)
			return err_field(err, 400, "invalid_parameter", "tag",
			    "tag keys take letters, digits and _ . -");
		f->tag_key = copy;
		f->tag_value = colon + 1;
	}
	f->vrf_id = vrf;
	f->parent_id = parent == -2 ? 0 : parent == 0 ? -1 : parent;
	f->account_id = account;
	f->family = (int)family;
	return 0;
}

static int
answer_pools(struct web_req *req, struct web_resp *resp,
    const struct store_pool_filter *f)
{
	struct app *app = req->app;
	struct web_paging paging;
	struct store_page page;
	struct store_pool *rows;
	struct err err = ERR_INIT;
	size_t n;

	if (web_query_paging(
	        req, PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX, &paging, &err) == -1)
		return web_fail(resp, &err);
	page.limit = paging.page_size;
	page.offset = (paging.page - 1) * paging.page_size;
	if (store_pool_list(
	        app->store, req->arena, f, &page, &rows, &n, &err) == -1)
		return web_fail(resp, &err);
	return api_pool_list_respond(resp, rows, n, page.total, &paging);
}

int
api_pools_list(struct web_req *req, struct web_resp *resp)
{
	struct store_pool_filter f;
	struct err err = ERR_INIT;

	if (pool_filter(req, &f, &err) == -1)
		return web_fail(resp, &err);
	return answer_pools(req, resp, &f);
}

int
api_blocks_list(struct web_req *req, struct web_resp *resp)
{
	struct store_pool_filter f;
	struct err err = ERR_INIT;

	if (pool_filter(req, &f, &err) == -1)
		return web_fail(resp, &err);
	f.leaves_only = 1;
	return answer_pools(req, resp, &f);
}

/* --- allocation --- */

enum {
	A_PREFIX_LEN,
	A_NAME,
	A_ACCOUNT_ID,
	A_STRATEGY,
	A_TYPE,
	A_STATUS,
	A_DESCRIPTION,
	A_TAGS,
	A_REGION,
	A_DRY_RUN,
	A__MAX
};

static const struct web_field allocate_fields[A__MAX] = {
	{ "prefix_len", WEB_FIELD_INT, WEB_REQUIRED, 0,
	    128 },                                       /* A_PREFIX_LEN */
	{ "name", WEB_FIELD_STRING, 0, 1, 100 },         /* A_NAME */
	{ "account_id", WEB_FIELD_ID, 0, 0, 0 },         /* A_ACCOUNT_ID */
	{ "strategy", WEB_FIELD_STRING, 0, 1, 16 },      /* A_STRATEGY */
	{ "type", WEB_FIELD_STRING, 0, 1, 16 },          /* A_TYPE */
	{ "status", WEB_FIELD_STRING, 0, 1, 16 },        /* A_STATUS */
	{ "description", WEB_FIELD_STRING, 0, 0, 1000 }, /* A_DESCRIPTION */
	{ "tags", WEB_FIELD_OBJECT, 0, 0, 0 },           /* A_TAGS */
	{ "region", WEB_FIELD_STRING, 0, 0, 64 },        /* A_REGION */
	{ "dry_run", WEB_FIELD_BOOL, 0, 0, 1 },          /* A_DRY_RUN */
};

static char *
render_pool(const struct store_pool *pool, struct arena *arena, void *ctx)
{
	struct json_object *o = ipam_pool_json(pool);
	char *text;

	(void)ctx;
	text = arena_strdup(arena,
	    json_object_to_json_string_ext(
	        o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return text ? text : "";
}

static int
strategy_of(const struct web_value *v, enum ipam_strategy *out, struct err *err)
{
	int i;

	*out = IPAM_FIRST_FIT;
	if (!v->present)
		return 0;
	for (i = 0; i < IPAM_STRATEGY__MAX; i++)
		if (strcmp(v->s, ipam_strategy_names[i]) == 0) {
			*out = (enum ipam_strategy)i;
			return 0;
		}
	return err_field(err, 400, "invalid_value", "strategy",
	    "strategy must be first_fit, best_fit or last_fit");
}

static int
allocation_input(struct web_req *req, struct json_object *body,
    struct ipam_allocation_in *in, struct err *err)
{
	struct web_value v[A__MAX];
	const char *key = web_header(req, "Idempotency-Key");
	char *hash;

	memset(in, 0, sizeof(*in));
	if (web_fields_json(body, allocate_fields, A__MAX, v, err) == -1 ||
	    strategy_of(&v[A_STRATEGY], &in->strategy, err) == -1)
		return -1;
	if (v[A_TAGS].present &&
	    api_tags_text(v[A_TAGS].obj, req->arena, &in->tags, err) == -1)
		return -1;
	if (key != NULL && (key[0] == '\0' || strlen(key) > 200))
		return err_field(err, 400, "invalid_header", "Idempotency-Key",
		    "Idempotency-Key must be 1 to 200 characters");
	in->parent_id = req->path_id;
	in->prefix_len = (int)v[A_PREFIX_LEN].i;
	in->name = text_of(&v[A_NAME]);
	in->account_id = v[A_ACCOUNT_ID].i;
	in->type = text_of(&v[A_TYPE]);
	in->status = text_of(&v[A_STATUS]);
	in->description = text_of(&v[A_DESCRIPTION]);
	in->region = text_of(&v[A_REGION]);
	in->dry_run = (int)v[A_DRY_RUN].i;
	in->idempotency_key = key;
	in->render = render_pool;
	if (key != NULL) {
		hash = arena_alloc(req->arena, HASH_SHA256_HEX);
		if (hash == NULL ||
		    hash_sha256_hex(req->body, req->body_len, hash) == -1)
			return err_set(err, 500, "internal", "hash failed");
		in->request_hash = hash;
	}
	return 0;
}

int
api_pools_allocate(struct web_req *req, struct web_resp *resp)
{
	struct app *app = req->app;
	struct ipam_allocation_in in;
	struct ipam_allocation_out out;
	struct json_object *body = NULL, *o;
	struct err err = ERR_INIT;
	char cidr[IP_PREFIX_STRLEN];
	int rc;

	rc = web_json_body(req, &body, &err);
	if (rc == 0)
		rc = allocation_input(req, body, &in, &err);
	if (rc == 0)
		rc = pool_reachable(req, in.parent_id, &err);
	if (rc == 0 && in.account_id != 0)
		rc = auth_account_check(req, in.account_id, &err);
	if (rc == 0)
		rc =
		    ipam_pool_allocate(app->store, req->arena, &in, &out, &err);
	json_object_put(body);
	if (rc == -1)
		return web_fail(resp, &err);
	if (out.replayed) {
		web_header_set(resp, "Idempotent-Replayed", "true");
		resp->status = out.replay_status;
		resp->content_type = "application/json";
		buf_reset(resp->body);
		buf_puts(resp->body, out.replay_body);
		buf_putc(resp->body, '\n');
		return 0;
	}
	if (in.dry_run) {
		o = json_object_new_object();
		json_object_object_add(
		    o, "dry_run", json_object_new_boolean(1));
		json_object_object_add(o, "cidr",
		    json_object_new_string(ip_prefix_format(&out.block, cidr)));
		json_object_object_add(
		    o, "parent_id", json_object_new_int64(in.parent_id));
		json_object_object_add(o, "strategy",
		    json_object_new_string(ipam_strategy_names[in.strategy]));
		return web_json(resp, 200, o);
	}
	web_header_setf(
	    resp, "Location", "/api/v1/pools/%lld", (long long)out.pool.id);
	return web_json(resp, 201, ipam_pool_json(&out.pool));
}

/* --- blocks, utilization, tree --- */

int
api_pools_blocks(struct web_req *req, struct web_resp *resp)
{
	static const char *const filters[IPAM_BLOCKS__MAX] = { "all", "free",
		"used" };
	struct app *app = req->app;
	struct ipam_blocks_out out;
	struct web_paging paging;
	struct err err = ERR_INIT;
	struct json_object *items, *o, *b, *p;
	const char *status;
	char cidr[IP_PREFIX_STRLEN];
	long long len;
	int filter = IPAM_BLOCKS__MAX;
	size_t i;

	if (web_query_int(req, "prefix_len", 0, 128, -1, &len, &err) == -1 ||
	    web_query_paging(
	        req, PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX, &paging, &err) == -1 ||
	    web_query_text(req, "status", 8, &status, &err) == -1)
		return web_fail(resp, &err);
	if (len < 0) {
		err_field(&err, 400, "missing_parameter", "prefix_len",
		    "prefix_len is required");
		return web_fail(resp, &err);
	}
	for (i = 0; i < IPAM_BLOCKS__MAX; i++)
		if (strcmp(status ? status : "all", filters[i]) == 0)
			filter = (int)i;
	if (filter == IPAM_BLOCKS__MAX) {
		err_field(&err, 400, "invalid_parameter", "status",
		    "status must be free, used or all");
		return web_fail(resp, &err);
	}
	if (ipam_pool_blocks(app->store, req->arena, req->path_id, (int)len,
	        (enum ipam_block_filter)filter, (uint64_t)paging.page,
	        (uint64_t)paging.page_size, &out, &err) == -1)
		return web_fail(resp, &err);
	items = json_object_new_array_ext((int)out.n);
	for (i = 0; i < out.n; i++) {
		b = json_object_new_object();
		json_object_object_add(b, "cidr",
		    json_object_new_string(
		        ip_prefix_format(&out.items[i].prefix, cidr)));
		json_object_object_add(b, "state",
		    json_object_new_string(
		        ipam_block_state_names[out.items[i].state]));
		p = NULL;
		if (out.items[i].has_pool) {
			p = json_object_new_object();
			json_object_object_add(p, "id",
			    json_object_new_int64(out.items[i].pool.id));
			json_object_object_add(p, "name",
			    json_object_new_string(out.items[i].pool.name));
			json_object_object_add(p, "cidr",
			    json_object_new_string(out.items[i].pool.cidr));
		}
		json_object_object_add(b, "pool", p);
		json_object_array_add(items, b);
	}
	o = api_list_json(items,
	    (int64_t)(out.total > INT64_MAX ? INT64_MAX : out.total), &paging);
	json_object_object_add(
	    o, "total_exact", json_object_new_string(out.total_exact));
	json_object_object_add(o, "prefix_len", json_object_new_int((int)len));
	return web_json(resp, 200, o);
}

int
api_pools_utilization(struct web_req *req, struct web_resp *resp)
{
	struct app *app = req->app;
	struct store_pool pool, *rows;
	struct store_pool_filter f;
	struct store_page page;
	struct web_paging paging;
	struct json_object *o, *children, *c;
	struct err err = ERR_INIT;
	size_t n, i;

	if (web_query_paging(
	        req, PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX, &paging, &err) == -1 ||
	    ipam_pool_get(app->store, req->arena, req->path_id, &pool, &err) ==
	        -1)
		return web_fail(resp, &err);
	memset(&f, 0, sizeof(f));
	f.parent_id = pool.id;
	page.limit = paging.page_size;
	page.offset = (paging.page - 1) * paging.page_size;
	if (store_pool_list(
	        app->store, req->arena, &f, &page, &rows, &n, &err) == -1)
		return web_fail(resp, &err);
	o = ipam_utilization_json(&pool);
	json_object_object_add(o, "id", json_object_new_int64(pool.id));
	json_object_object_add(o, "cidr", json_object_new_string(pool.cidr));
	children = json_object_new_array_ext((int)n);
	for (i = 0; i < n; i++) {
		c = ipam_utilization_json(&rows[i]);
		json_object_object_add(
		    c, "id", json_object_new_int64(rows[i].id));
		json_object_object_add(
		    c, "name", json_object_new_string(rows[i].name));
		json_object_object_add(
		    c, "cidr", json_object_new_string(rows[i].cidr));
		json_object_array_add(children, c);
	}
	json_object_object_add(
	    o, "children", api_list_json(children, page.total, &paging));
	return web_json(resp, 200, o);
}

/* Children of parent (depth levels), each with its subtree. */
static int
tree_level(struct web_req *req, int64_t vrf_id, int64_t parent, int depth,
    struct json_object *into, int64_t *budget, struct err *err)
{
	struct app *app = req->app;
	struct store_pool_filter f;
	struct store_page page = { 0, 0, 0 };
	struct store_pool *rows;
	struct json_object *node, *kids;
	size_t n, i;

	memset(&f, 0, sizeof(f));
	f.vrf_id = vrf_id;
	f.parent_id = parent ? parent : -1;
	page.limit = *budget;
	if (store_pool_list(
	        app->store, req->arena, &f, &page, &rows, &n, err) == -1)
		return -1;
	*budget -= (int64_t)n;
	for (i = 0; i < n; i++) {
		node = ipam_pool_json(&rows[i]);
		kids = json_object_new_array();
		json_object_object_add(node, "children", kids);
		json_object_array_add(into, node);
		if (depth > 1 && rows[i].children > 0 && *budget > 0 &&
		    tree_level(req, vrf_id, rows[i].id, depth - 1, kids, budget,
		        err) == -1)
			return -1;
	}
	return 0;
}

int
api_pools_tree(struct web_req *req, struct web_resp *resp)
{
	struct err err = ERR_INIT;
	struct json_object *o, *roots;
	long long vrf, root, depth;
	int64_t budget = PAGE_SIZE_MAX;

	if (web_query_int(req, "vrf_id", 1, INT64_MAX, 0, &vrf, &err) == -1 ||
	    web_query_int(req, "root", 1, INT64_MAX, 0, &root, &err) == -1 ||
	    web_query_int(req, "depth", 1, 64, 3, &depth, &err) == -1)
		return web_fail(resp, &err);
	roots = json_object_new_array();
	if (tree_level(req, vrf, root, (int)depth, roots, &budget, &err) ==
	    -1) {
		json_object_put(roots);
		return web_fail(resp, &err);
	}
	o = json_object_new_object();
	json_object_object_add(o, "items", roots);
	json_object_object_add(
	    o, "truncated", json_object_new_boolean(budget <= 0));
	return web_json(resp, 200, o);
}
