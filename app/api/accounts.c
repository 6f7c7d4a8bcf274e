/*
 * accounts.c: the accounts API: parse, call app/ipam, answer JSON.
 */
#include "api/accounts.h"

#include <string.h>

#include "api/app.h"
#include "api/auth.h"
#include "api/json.h"
#include "ipam/catalog.h"
#include "ipam/pool.h"
#include "web/fields.h"
#include "web/query.h"

#define PAGE_SIZE_DEFAULT 50
#define PAGE_SIZE_MAX 1000
#define REGIONS_MAX 64
#define REGION_LEN_MAX 64

enum {
	F_PROVIDER,
	F_EXTERNAL_KEY,
	F_NAME,
	F_PLATFORM,
	F_TIER,
	F_ENVIRONMENT,
	F_REGIONS,
	F_TAGS,
	F_DESCRIPTION,
	F__MAX
};

static const struct web_field account_fields[F__MAX] = {
	{ "provider", WEB_FIELD_STRING, 0, 1, 16 },        /* F_PROVIDER */
	{ "external_key", WEB_FIELD_STRING, 0, 1, 200 },   /* F_EXTERNAL_KEY */
	{ "name", WEB_FIELD_STRING, 0, 1, 100 },           /* F_NAME */
	{ "platform", WEB_FIELD_STRING, 0, 0, 64 },        /* F_PLATFORM */
	{ "tier", WEB_FIELD_STRING, 0, 0, 16 },            /* F_TIER */
	{ "environment", WEB_FIELD_STRING, 0, 0, 64 },     /* F_ENVIRONMENT */
	{ "regions", WEB_FIELD_ARRAY, 0, 0, REGIONS_MAX }, /* F_REGIONS */
	{ "tags", WEB_FIELD_OBJECT, 0, 0, 0 },             /* F_TAGS */
	{ "description", WEB_FIELD_STRING, 0, 0, 1000 },   /* F_DESCRIPTION */
};

/* A region name as the clouds spell them: 1-64 of [a-z0-9-]. */
static int
region_valid(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > REGION_LEN_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!(s[i] >= 'a' && s[i] <= 'z') &&
		    !(s[i] >= '0' && s[i] <= '9') && s[i] != '-')
			return 0;
	return 1;
}

/* Whether item i of regions repeats an earlier one. */
static int
region_repeated(struct json_object *regions, size_t i)
{
	const char *r =
	    json_object_get_string(json_object_array_get_idx(regions, i));
	size_t k;

	for (k = 0; k < i; k++)
		if (strcmp(r, json_object_get_string(
		                  json_object_array_get_idx(regions, k))) == 0)
			return 1;
	return 0;
}

/*
 * Check the items of a "regions" array (its length is checked by the
 * field table) and put its canonical JSON into *text, in arena memory.
 */
static int
regions_text(struct json_object *regions, struct arena *arena,
    const char **text, struct err *err)
{
	struct json_object *r;
	size_t i, n = json_object_array_length(regions);

	for (i = 0; i < n; i++) {
		r = json_object_array_get_idx(regions, i);
		if (!json_object_is_type(r, json_type_string))
			return err_field(err, 400, "invalid_type", "regions",
			    "regions must be an array of strings");
		if (!region_valid(json_object_get_string(r),
		        (size_t)json_object_get_string_len(r)))
			return err_field(err, 400, "invalid_value", "regions",
			    "a region is 1 to %d of a-z, 0-9 and '-', as "
			    "\"eu-west-1\"",
			    REGION_LEN_MAX);
		if (region_repeated(regions, i))
			return err_field(err, 400, "invalid_value", "regions",
			    "region %s is listed twice",
			    json_object_get_string(r));
	}
	*text = arena_strdup(arena,
	    json_object_to_json_string_ext(regions,
	        JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	return *text ? 0 : err_set(err, 500, "internal", "out of memory");
}

/*
 * Read an account body over *in (the stored account on update, defaults
 * on create).  Strings point into *body or the arena; the caller
 * releases *body after use.
 */
static int
account_input(struct web_req *req, int create, struct json_object **body,
    struct store_account *in, struct err *err)
{
	static const int required[] = { F_PROVIDER, F_EXTERNAL_KEY, F_NAME };
	static const int texts[] = { F_PROVIDER, F_EXTERNAL_KEY, F_NAME,
		F_PLATFORM, F_TIER, F_ENVIRONMENT, F_DESCRIPTION };
	const char **into[] = { &in->provider, &in->external_key, &in->name,
		&in->platform, &in->tier, &in->environment, &in->description };
	struct web_value v[F__MAX];
	size_t i, given = 0;

	if (web_json_body(req, body, err) == -1 ||
	    web_fields_json(*body, account_fields, F__MAX, v, err) == -1)
		return -1;
	for (i = 0; create && i < sizeof(required) / sizeof(required[0]); i++)
		if (!v[required[i]].present)
			return err_field(err, 400, "missing_field",
			    account_fields[required[i]].name, "%s is required",
			    account_fields[required[i]].name);
	for (i = 0; i < F__MAX; i++)
		given += v[i].present != 0;
	if (given == 0)
		return err_set(err, 400, "empty_change",
		    "send at least one field to change");
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if (v[texts[i]].present)
			*into[i] = v[texts[i]].s;
	if (v[F_REGIONS].present &&
	    regions_text(v[F_REGIONS].obj, req->arena, &in->regions, err) == -1)
		return -1;
	if (v[F_TAGS].present &&
	    api_tags_text(v[F_TAGS].obj, req->arena, &in->tags, err) == -1)
		return -1;
	return 0;
}

int
api_accounts_list(struct web_req *req, struct web_resp *resp)
{
	struct app *app = req->app;
	struct store_account_filter f = { NULL, NULL };
	struct web_paging paging;
	struct store_page page;
	struct store_account *rows;
	struct json_object *items;
	struct err err = ERR_INIT;
	size_t n, i;

	if (web_query_text(req, "q", 200, &f.q, &err) == -1 ||
	    web_query_text(req, "provider", 16, &f.provider, &err) == -1 ||
	    web_query_paging(
	        req, PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX, &paging, &err) == -1)
		return web_fail(resp, &err);
	if (f.provider != NULL && !ipam_name_in(f.provider, ipam_providers)) {
		err_field(&err, 400, "invalid_parameter", "provider",
		    "provider must be aws, gcp, azure, onprem or other");
		return web_fail(resp, &err);
	}
	page.limit = paging.page_size;
	page.offset = (paging.page - 1) * paging.page_size;
	if (store_account_list(
	        app->store, req->arena, &f, &page, &rows, &n, &err) == -1)
		return web_fail(resp, &err);
	items = json_object_new_array_ext((int)n);
	for (i = 0; i < n; i++)
		json_object_array_add(items, ipam_account_json(&rows[i]));
	return web_json(resp, 200, api_list_json(items, page.total, &paging));
}

int
api_accounts_create(struct web_req *req, struct web_resp *resp)
{
	struct app *app = req->app;
	struct json_object *body = NULL;
	struct store_account in = { 0 }, account;
	struct err err = ERR_INIT;
	int rc;

	/* The columns are NOT NULL: what is not given takes its default. */
	in.platform = in.tier = in.environment = in.description = "";
	in.regions = "[]";
	in.tags = "{}";
	rc = account_input(req, 1, &body, &in, &err);
	if (rc == 0)
		rc = ipam_account_create(
		    app->store, req->arena, &in, &account, &err);
	json_object_put(body);
	if (rc == -1)
		return web_fail(resp, &err);
	web_header_setf(
	    resp, "Location", "/api/v1/accounts/%lld", (long long)account.id);
	return web_json(resp, 201, ipam_account_json(&account));
}

int
api_accounts_get(struct web_req *req, struct web_resp *resp)
{
	struct app *app = req->app;
	struct store_account account;
	struct err err = ERR_INIT;

	if (auth_account_check(req, req->path_id, &err) == -1 ||
	    store_account_get(
	        app->store, req->path_id, req->arena, &account, &err) == -1)
		return web_fail(resp, &err);
	return web_json(resp, 200, ipam_account_json(&account));
}

int
api_accounts_update(struct web_req *req, struct web_resp *resp)
{
	struct app *app = req->app;
	struct json_object *body = NULL;
	struct store_account in, account;
	struct err err = ERR_INIT;
	int rc;

	/* A PATCH changes what it names; the whole is checked again, so a
	 * new provider must come with a key of its form. */
	rc = store_account_get(app->store, req->path_id, req->arena, &in, &err);
	if (rc == 0)
		rc = account_input(req, 0, &body, &in, &err);
	if (rc == 0)
		rc = ipam_account_update(
		    app->store, req->arena, &in, &account, &err);
	json_object_put(body);
	if (rc == -1)
		return web_fail(resp, &err);
	return web_json(resp, 200, ipam_account_json(&account));
}

int
api_accounts_delete(struct web_req *req, struct web_resp *resp)
{
	struct app *app = req->app;
	struct err err = ERR_INIT;
	struct json_object *o;

	if (ipam_account_delete(app->store, req->arena, req->path_id, &err) ==
	    -1)
		return web_fail(resp, &err);
	o = json_object_new_object();
	json_object_object_add(o, "deleted", json_object_new_int(1));
	return web_json(resp, 200, o);
}
