/*
 * keys.c: the API keys API: list, create (the token shown once), get and
 * revoke.  app/ipam/identity checks scopes, owners and accounts and
 * audits every change; this file checks the shape of the input.
 */
#include "api/keys.h"

#include <string.h>
#include <time.h>

#include "api/app.h"
#include "api/auth.h"
#include "api/json.h"
#include "web/fields.h"
#include "web/query.h"

#define PAGE_SIZE_DEFAULT 50
#define PAGE_SIZE_MAX 1000

/* n decimal digits at s into *out; -1 when one is not a digit. */
static int
digits(const char *s, int n, int *out)
{
	int i, v = 0;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int
api_time_parse(const char *text, int64_t *out)
{
	struct tm tm, back;
	size_t len = text != NULL ? strlen(text) : 0;
	int y, mo, d, h = 0, mi = 0, s = 0;
	time_t t;

	if (len != 10 && len != 20)
		return -1;
	if (digits(text, 4, &y) == -1 || text[4] != '-' ||
	    digits(text + 5, 2, &mo) == -1 || text[7] != '-' ||
	    digits(text + 8, 2, &d) == -1)
		return -1;
	if (len == 20 &&
	    (text[10] != 'T' || digits(text + 11, 2, &h) == -1 ||
	        text[13] != ':' || digits(text + 14, 2, &mi) == -1 ||
	        text[16] != ':' || digits(text + 17, 2, &s) == -1 ||
	        text[19] != 'Z'))
		return -1;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
	    mi > 59 || s > 59)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	/* timegm(3) carries 31 April into 1 May: a round trip catches it. */
	t = timegm(&tm);
	if (t == (time_t)-1 || gmtime_r(&t, &back) == NULL ||
	    back.tm_mday != d || back.tm_mon != mo - 1)
		return -1;
	*out = (int64_t)t;
	return 0;
}

int
api_keys_list(struct web_req *req, struct web_resp *resp)
{
	struct app *app = req->app;
	struct web_paging paging;
	struct store_page page;
	struct store_api_key *rows;
	struct json_object *items;
	struct err err = ERR_INIT;
	long long user_id;
	size_t n, i;

	if (web_query_int(req, "user_id", 1, INT64_MAX, 0, &user_id, &err) ==
	        -1 ||
	    web_query_paging(
	        req, PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX, &paging, &err) == -1)
		return web_fail(resp, &err);
	page.limit = paging.page_size;
	page.offset = (paging.page - 1) * paging.page_size;
	if (store_key_list(app->store, (int64_t)user_id, req->arena, &page,
	        &rows, &n, &err) == -1)
		return web_fail(resp, &err);
	items = json_object_new_array_ext((int)n);
	for (i = 0; i < n; i++)
		json_object_array_add(items, ipam_key_json(&rows[i]));
	return web_json(resp, 200, api_list_json(items, page.total, &paging));
}

enum { K_NAME, K_SCOPE, K_USER_ID, K_ACCOUNTS, K_EXPIRES_AT, K__MAX };

static const struct web_field key_fields[K__MAX] = {
	{ "name", WEB_FIELD_STRING, WEB_REQUIRED, 1, 100 }, /* K_NAME */
	{ "scope", WEB_FIELD_STRING, WEB_REQUIRED, 1, 16 }, /* K_SCOPE */
	{ "user_id", WEB_FIELD_ID, 0, 0, 0 },               /* K_USER_ID */
	{ "accounts", WEB_FIELD_ARRAY, 0, 0,
	    IPAM_KEY_ACCOUNTS_MAX },                  /* K_ACCOUNTS */
	{ "expires_at", WEB_FIELD_STRING, 0, 1, 32 }, /* K_EXPIRES_AT */
};

/* The account ids of a checked "accounts" array: positive, distinct. */
static int
key_accounts(struct json_object *list, int64_t *ids, size_t *n, struct err *err)
{
	struct json_object *item;
	size_t i, k, len = json_object_array_length(list);

	*n = 0;
	for (i = 0; i < len && i < IPAM_KEY_ACCOUNTS_MAX; i++) {
		item = json_object_array_get_idx(list, i);
		if (!json_object_is_type(item, json_type_int) ||
		    json_object_get_int64(item) <= 0)
			return err_field(err, 400, "invalid_type", "accounts",
			    "accounts must be a list of account ids "
			    "(positive integers)");
		ids[i] = json_object_get_int64(item);
		for (k = 0; k < i; k++)
			if (ids[k] == ids[i])
				return err_field(err, 400, "invalid_value",
				    "accounts", "account %lld is listed twice",
				    (long long)ids[i]);
		*n = i + 1;
	}
	return 0;
}

/*
 * Read a key body into *in (ids into ids[]).  "expires_at": null means
 * never; it is taken out of the body before the table sees it, as the
 * table's strings are never null.
 */
static int
key_input(struct web_req *req, struct json_object *body, int64_t *ids,
    struct ipam_key_in *in, struct err *err)
{
	const struct ipam_identity *id = auth_identity(req);
	struct web_value v[K__MAX];
	struct json_object *expires;

	if (json_object_object_get_ex(body, "expires_at", &expires) &&
	    expires == NULL)
		json_object_object_del(body, "expires_at");
	if (web_fields_json(body, key_fields, K__MAX, v, err) == -1)
		return -1;
	memset(in, 0, sizeof(*in));
	in->name = v[K_NAME].s;
	in->scope = v[K_SCOPE].s;
	in->user_id = v[K_USER_ID].i != 0 ? v[K_USER_ID].i : id->user.id;
	if (v[K_ACCOUNTS].present &&
	    key_accounts(v[K_ACCOUNTS].obj, ids, &in->naccounts, err) == -1)
		return -1;
	in->accounts = ids;
	if (v[K_EXPIRES_AT].present &&
	    api_time_parse(v[K_EXPIRES_AT].s, &in->expires_at) == -1)
		return err_field(err, 400, "invalid_value", "expires_at",
		    "expires_at must be a UTC time such as "
		    "2027-01-01T00:00:00Z, or null for never");
	return 0;
}

int
api_keys_create(struct web_req *req, struct web_resp *resp)
{
	struct app *app = req->app;
	struct json_object *body = NULL, *o;
	int64_t ids[IPAM_KEY_ACCOUNTS_MAX];
	struct ipam_key_in in;
	struct store_api_key key;
	struct err err = ERR_INIT;
	char token[IPAM_KEY_TOKEN_MAX];
	int rc;

	rc = web_json_body(req, &body, &err);
	if (rc == 0)
		rc = key_input(req, body, ids, &in, &err);
	if (rc == 0)
		rc = ipam_key_create(
		    app->store, req->arena, &in, &key, token, &err);
	json_object_put(body);
	if (rc == -1)
		return web_fail(resp, &err);
	o = ipam_key_json(&key);
	json_object_object_add(o, "token", json_object_new_string(token));
	explicit_bzero(token, sizeof(token));
	/* The only copy of the secret: no cache may keep it. */
	web_header_set(resp, "Cache-Control", "no-store");
	web_header_setf(
	    resp, "Location", "/api/v1/keys/%lld", (long long)key.id);
	return web_json(resp, 201, o);
}

int
api_keys_get(struct web_req *req, struct web_resp *resp)
{
	struct app *app = req->app;
	struct store_api_key key;
	struct err err = ERR_INIT;

	if (store_key_get(app->store, req->path_id, req->arena, &key, &err) ==
	    -1)
		return web_fail(resp, &err);
	return web_json(resp, 200, ipam_key_json(&key));
}

int
api_keys_revoke(struct web_req *req, struct web_resp *resp)
{
	struct app *app = req->app;
	struct store_api_key key;
	struct err err = ERR_INIT;

	if (ipam_key_revoke(app->store, req->arena, req->path_id, &key, &err) ==
	    -1)
		return web_fail(resp, &err);
	return web_json(resp, 200, ipam_key_json(&key));
}
