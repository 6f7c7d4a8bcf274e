/*
 * users.c: the identity API: who am I, and managing users.
 *
 * Handlers parse and check the body against a field table, call
 * app/ipam/identity (which audits every change) and answer JSON.  A
 * PATCH that also resets a password checks everything it can before it
 * changes anything, so a refusal leaves the user as it was.
 */
#include "api/users.h"

#include <string.h>

#include "api/app.h"
#include "api/auth.h"
#include "api/json.h"
#include "web/fields.h"
#include "web/query.h"

#define PAGE_SIZE_DEFAULT 50
#define PAGE_SIZE_MAX 1000

static const char *const kind_names[IPAM_AUTH__MAX] = { "none", "session",
	"key", "sso" };

int
api_me(struct web_req *req, struct web_resp *resp)
{
	const struct ipam_identity *id = auth_identity(req);
	struct json_object *o = json_object_new_object();
	struct json_object *perms = json_object_new_array();
	int i;

	for (i = 0; i < IPAM_PERM__MAX; i++)
		if (id->perms & (1u << i))
			json_object_array_add(
			    perms, json_object_new_string(ipam_perm_names[i]));
	json_object_object_add(o, "user", ipam_user_json(&id->user));
	json_object_object_add(
	    o, "role", json_object_new_string(ipam_role_names[id->role]));
	json_object_object_add(o, "permissions", perms);
	json_object_object_add(
	    o, "auth", json_object_new_string(kind_names[id->kind]));
	if (id->kind == IPAM_AUTH_KEY) {
		json_object_object_add(
		    o, "key_id", json_object_new_int64(id->key_id));
		json_object_object_add(
		    o, "scope", json_object_new_string(id->scope));
	}
	return web_json(resp, 200, o);
}

int
api_user_email_check(const char *email, struct err *err)
{
	const char *at;

	if (email == NULL || email[0] == '\0')
		return 0;
	at = strchr(email, '@');
	if (at == NULL || at == email || at[1] == '\0' ||
	    strchr(at + 1, '@') != NULL || strpbrk(email, " \t\r\n") != NULL)
		return err_field(err, 400, "invalid_value", "email",
		    "email must look like name@example.com");
	return 0;
}

int
api_users_list(struct web_req *req, struct web_resp *resp)
{
	struct app *app = req->app;
	struct web_paging paging;
	struct store_page page;
	struct store_user *rows;
	struct json_object *items;
	struct err err = ERR_INIT;
	size_t n, i;

	if (web_query_paging(
	        req, PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX, &paging, &err) == -1)
		return web_fail(resp, &err);
	page.limit = paging.page_size;
	page.offset = (paging.page - 1) * paging.page_size;
	if (store_user_list(app->store, req->arena, &page, &rows, &n, &err) ==
	    -1)
		return web_fail(resp, &err);
	items = json_object_new_array_ext((int)n);
	for (i = 0; i < n; i++)
		json_object_array_add(items, ipam_user_json(&rows[i]));
	return web_json(resp, 200, api_list_json(items, page.total, &paging));
}

enum { C_USERNAME, C_ROLE, C_PASSWORD, C_DISPLAY_NAME, C_EMAIL, C__MAX };

static const struct web_field create_fields[C__MAX] = {
	{ "username", WEB_FIELD_STRING, WEB_REQUIRED, 1, 64 }, /* C_USERNAME */
	{ "role", WEB_FIELD_STRING, WEB_REQUIRED, 1, 16 },     /* C_ROLE */
	{ "password", WEB_FIELD_STRING, WEB_REQUIRED, 1,
	    IPAM_PASSWORD_MAX },                         /* C_PASSWORD */
	{ "display_name", WEB_FIELD_STRING, 0, 0, 200 }, /* C_DISPLAY_NAME */
	{ "email", WEB_FIELD_STRING, 0, 0, 254 },        /* C_EMAIL */
};

int
api_users_create(struct web_req *req, struct web_resp *resp)
{
	struct app *app = req->app;
	struct json_object *body = NULL;
	struct web_value v[C__MAX];
	struct ipam_user_in in;
	struct store_user u;
	struct err err = ERR_INIT;
	int rc;

	memset(&in, 0, sizeof(in));
	rc = web_json_body(req, &body, &err);
	if (rc == 0)
		rc = web_fields_json(body, create_fields, C__MAX, v, &err);
	if (rc == 0) {
		in.username = v[C_USERNAME].s;
		in.role = v[C_ROLE].s;
		in.password = v[C_PASSWORD].s;
		in.display_name =
		    v[C_DISPLAY_NAME].present ? v[C_DISPLAY_NAME].s : "";
		in.email = v[C_EMAIL].present ? v[C_EMAIL].s : "";
		rc = api_user_email_check(in.email, &err);
	}
	if (rc == 0)
		rc = ipam_user_create(
		    app->store, req->arena, &app->auth, &in, &u, &err);
	json_object_put(body);
	if (rc == -1)
		return web_fail(resp, &err);
	web_header_setf(
	    resp, "Location", "/api/v1/users/%lld", (long long)u.id);
	return web_json(resp, 201, ipam_user_json(&u));
}

int
api_users_get(struct web_req *req, struct web_resp *resp)
{
	struct app *app = req->app;
	struct store_user u;
	struct err err = ERR_INIT;

	if (store_user_get(app->store, req->path_id, req->arena, &u, &err) ==
	    -1)
		return web_fail(resp, &err);
	return web_json(resp, 200, ipam_user_json(&u));
}

enum { P_ROLE, P_DISABLED, P_DISPLAY_NAME, P_EMAIL, P_PASSWORD, P__MAX };

static const struct web_field patch_fields[P__MAX] = {
	{ "role", WEB_FIELD_STRING, 0, 1, 16 },          /* P_ROLE */
	{ "disabled", WEB_FIELD_BOOL, 0, 0, 0 },         /* P_DISABLED */
	{ "display_name", WEB_FIELD_STRING, 0, 0, 200 }, /* P_DISPLAY_NAME */
	{ "email", WEB_FIELD_STRING, 0, 0, 254 },        /* P_EMAIL */
	{ "password", WEB_FIELD_STRING, 0, 1,
	    IPAM_PASSWORD_MAX }, /* P_PASSWORD */
};

/*
 * What a PATCH may not do, checked before anything changes: disable the
 * caller, give an SSO user a password, or set a weak one.
 */
static int
patch_check(struct web_req *req, const struct store_user *u,
    const struct web_value *v, struct err *err)
{
	const struct ipam_identity *id = auth_identity(req);

	if (v[P_DISABLED].present && v[P_DISABLED].i && u->id == id->user.id)
		return err_field(err, 409, "self", "disabled",
		    "you cannot disable yourself; ask another admin");
	/* (checked before the password below is set; ipam_user_update
	 * refuses it too) */
	if (!v[P_PASSWORD].present)
		return 0;
	if (ipam_password_check(v[P_PASSWORD].s, "password", err) == -1)
		return -1;
	if (strcmp(u->source, "local") != 0)
		return err_field(err, 409, "sso_user", "password",
		    "%s signs in through SSO and has no CloudPAM password",
		    u->username);
	return 0;
}

static int
patch_apply(struct web_req *req, const struct web_value *v,
    struct store_user *out, struct err *err)
{
	struct app *app = req->app;
	struct ipam_user_in in;
	int rc = 0;

	memset(&in, 0, sizeof(in));
	if (v[P_ROLE].present)
		in.role = v[P_ROLE].s;
	if (v[P_DISPLAY_NAME].present)
		in.display_name = v[P_DISPLAY_NAME].s;
	if (v[P_EMAIL].present)
		in.email = v[P_EMAIL].s;
	in.set_disabled = v[P_DISABLED].present;
	in.disabled = (int)v[P_DISABLED].i;
	in.acting_user = auth_identity(req)->user.id;
	if (in.role || in.display_name || in.email || in.set_disabled)
		rc = ipam_user_update(
		    app->store, req->arena, req->path_id, &in, out, err);
	if (rc == 0 && v[P_PASSWORD].present) {
		rc = ipam_user_set_password(app->store, req->arena, &app->auth,
		    req->path_id, NULL, v[P_PASSWORD].s, err);
		if (rc == -1 && strcmp(err->field, "new_password") == 0)
			strcpy(err->field, "password");
	}
	if (rc == 0)
		rc = store_user_get(
		    app->store, req->path_id, req->arena, out, err);
	return rc;
}

int
api_users_update(struct web_req *req, struct web_resp *resp)
{
	struct app *app = req->app;
	struct json_object *body = NULL;
	struct web_value v[P__MAX];
	struct store_user u;
	struct err err = ERR_INIT;
	int rc, i, any = 0;

	rc = store_user_get(app->store, req->path_id, req->arena, &u, &err);
	if (rc == 0)
		rc = web_json_body(req, &body, &err);
	if (rc == 0)
		rc = web_fields_json(body, patch_fields, P__MAX, v, &err);
	for (i = 0; rc == 0 && i < P__MAX; i++)
		any |= v[i].present;
	if (rc == 0 && !any)
		rc = err_set(&err, 400, "empty_change",
		    "send at least one of role, disabled, display_name, "
		    "email and password");
	if (rc == 0 && v[P_EMAIL].present)
		rc = api_user_email_check(v[P_EMAIL].s, &err);
	if (rc == 0)
		rc = patch_check(req, &u, v, &err);
	if (rc == 0)
		rc = patch_apply(req, v, &u, &err);
	json_object_put(body);
	if (rc == -1)
		return web_fail(resp, &err);
	return web_json(resp, 200, ipam_user_json(&u));
}

int
api_users_delete(struct web_req *req, struct web_resp *resp)
{
	struct app *app = req->app;
	const struct ipam_identity *id = auth_identity(req);
	struct json_object *o;
	struct err err = ERR_INIT;

	if (ipam_user_delete(
	        app->store, req->arena, req->path_id, id->user.id, &err) == -1)
		return web_fail(resp, &err);
	o = json_object_new_object();
	json_object_object_add(o, "deleted", json_object_new_int(1));
	return web_json(resp, 200, o);
}
