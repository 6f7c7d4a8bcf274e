/*
 * users.c: the "Users and keys" list page, adding users, and creating and
 * revoking API keys.  One user's page is in user_detail.c.
 *
 * The page model extends the API's objects (ipam_user_json,
 * ipam_key_json) with what the templates need: links, status words and
 * the choices of the selects.
 */
#include "ui/users.h"

#include <stdio.h>
#include <string.h>

#include "api/app.h"
#include "api/auth.h"
#include "api/keys.h"
#include "api/users.h"
#include "ui/errors.h"
#include "ui/page.h"
#include "ui/ui_pool.h"
#include "ui/users_model.h"
#include "web/query.h"

#define LIST_MAX 500 /* rows of each table; more are counted, not shown */

/* The forms of the list page, as sent back with errors. */
struct users_forms {
	struct json_object *user_values; /* username, display_name, email */
	const char *role;
	struct json_object *user_errors;
	struct json_object *key_values; /* name, expires_at */
	int64_t owner;
	const char *scope;
	const int64_t *accounts;
	size_t naccounts;
	struct json_object *key_errors;
};

/* The form values of names as sent (never a password), for re-display. */
static struct json_object *
sent_values(struct web_req *req, const char *const *names)
{
	struct json_object *o = json_object_new_object();
	const char *v;
	size_t i;

	for (i = 0; names[i] != NULL; i++) {
		v = web_form(req, names[i]);
		json_object_object_add(
		    o, names[i], json_object_new_string(v ? v : ""));
	}
	return o;
}

static struct json_object *
users_json(struct web_req *req, const struct store_user *rows, size_t n)
{
	const struct ipam_identity *id = auth_identity(req);
	struct json_object *list = json_object_new_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_object_array_add(
		    list, ui_users_user_json(&rows[i], id->user.id));
	return list;
}

/* Enabled users, for the owner of a new key. */
static struct json_object *
owner_choices(const struct store_user *rows, size_t n, int64_t selected)
{
	struct json_object *list = json_object_new_array(), *o;
	size_t i;

	for (i = 0; i < n; i++) {
		if (rows[i].disabled)
			continue;
		o = json_object_new_object();
		json_object_object_add(
		    o, "id", json_object_new_int64(rows[i].id));
		json_object_object_add(
		    o, "username", json_object_new_string(rows[i].username));
		json_object_object_add(
		    o, "role", json_object_new_string(rows[i].role));
		json_object_object_add(o, "selected",
		    json_object_new_boolean(rows[i].id == selected));
		json_object_array_add(list, o);
	}
	return list;
}

static struct json_object *
account_choices(const struct ui_users_accounts *a, const int64_t *selected,
    size_t nselected)
{
	struct json_object *list = json_object_new_array(), *o;
	size_t i, k;
	int on;

	for (i = 0; i < a->n; i++) {
		for (on = 0, k = 0; k < nselected; k++)
			on |= selected[k] == a->rows[i].id;
		o = json_object_new_object();
		json_object_object_add(
		    o, "id", json_object_new_int64(a->rows[i].id));
		json_object_object_add(
		    o, "name", json_object_new_string(a->rows[i].name));
		json_object_object_add(
		    o, "provider", json_object_new_string(a->rows[i].provider));
		json_object_object_add(
		    o, "selected", json_object_new_boolean(on));
		json_object_array_add(list, o);
	}
	return list;
}

static struct json_object *
user_form_json(const struct users_forms *f)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "values",
	    f->user_values ? f->user_values : json_object_new_object());
	json_object_object_add(
	    o, "roles", ui_users_role_choices(f->role ? f->role : "viewer"));
	json_object_object_add(o, "errors", f->user_errors);
	return o;
}

static struct json_object *
key_form_json(const struct users_forms *f, const struct store_user *users,
    size_t nusers, const struct ui_users_accounts *accounts)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "values",
	    f->key_values ? f->key_values : json_object_new_object());
	json_object_object_add(
	    o, "owners", owner_choices(users, nusers, f->owner));
	json_object_object_add(
	    o, "scopes", ui_users_scope_choices(f->scope ? f->scope : "read"));
	json_object_object_add(o, "accounts",
	    account_choices(accounts, f->accounts, f->naccounts));
	json_object_object_add(
	    o, "has_accounts", json_object_new_boolean(accounts->n > 0));
	json_object_object_add(o, "errors", f->key_errors);
	return o;
}

static int
render_users(struct web_req *req, struct web_resp *resp, int status,
    struct users_forms *f)
{
	struct app *app = req->app;
	const struct ipam_identity *id = auth_identity(req);
	struct store_page upage = { 0, LIST_MAX, 0 };
	struct store_page kpage = { 0, LIST_MAX, 0 };
	struct store_user *users = NULL;
	struct store_api_key *keys = NULL;
	struct ui_users_accounts accounts;
	struct json_object *data, *o;
	struct err err = ERR_INIT;
	size_t nusers = 0, nkeys = 0;

	if (store_user_list(
	        app->store, req->arena, &upage, &users, &nusers, &err) == -1 ||
	    store_key_list(
	        app->store, 0, req->arena, &kpage, &keys, &nkeys, &err) == -1) {
		json_object_put(f->user_values);
		json_object_put(f->user_errors);
		json_object_put(f->key_values);
		json_object_put(f->key_errors);
		return ui_error(req, resp, &err);
	}
	ui_users_accounts_load(req, &accounts);
	if (f->owner == 0)
		f->owner = id->user.id;
	o = json_object_new_object();
	json_object_object_add(o, "users", users_json(req, users, nusers));
	json_object_object_add(
	    o, "users_total", json_object_new_int64(upage.total));
	json_object_object_add(
	    o, "keys", ui_users_keys_json(keys, nkeys, &accounts, "/users"));
	json_object_object_add(
	    o, "keys_total", json_object_new_int64(kpage.total));
	json_object_object_add(o, "user_form", user_form_json(f));
	json_object_object_add(
	    o, "key_form", key_form_json(f, users, nusers, &accounts));
	data = json_object_new_object();
	json_object_object_add(data, "users_page", o);
	json_object_object_add(
	    data, "page_action", ui_action("Add user", "#new-user"));
	return ui_page_render(
	    req, resp, status, "users", "Users and keys", "users", data);
}

int
ui_users(struct web_req *req, struct web_resp *resp)
{
	struct users_forms f;
	struct err err = ERR_INIT;
	long long owner;

	memset(&f, 0, sizeof(f));
	if (web_query_int(req, "owner", 1, INT64_MAX, 0, &owner, &err) == -1)
		return ui_error(req, resp, &err);
	f.owner = owner;
	return render_users(req, resp, 200, &f);
}

int
ui_user_create(struct web_req *req, struct web_resp *resp)
{
	static const char *const kept[] = { "username", "display_name", "email",
		NULL };
	struct app *app = req->app;
	struct ipam_user_in in;
	struct store_user u;
	struct users_forms f;
	struct err err = ERR_INIT;
	char flash[160];
	int rc;

	memset(&in, 0, sizeof(in));
	rc = ui_users_form_text(req, "username", 64, &in.username, &err);
	if (rc == 0)
		rc = ui_users_form_text(req, "role", 16, &in.role, &err);
	if (rc == 0)
		rc = ui_users_form_text(
		    req, "display_name", 200, &in.display_name, &err);
	if (rc == 0)
		rc = ui_users_form_text(req, "email", 254, &in.email, &err);
	if (rc == 0)
		rc = api_user_email_check(in.email, &err);
	in.password = web_form(req, "password");
	if (rc == 0)
		rc = ipam_user_create(
		    app->store, req->arena, &app->auth, &in, &u, &err);
	if (rc == 0) {
		snprintf(flash, sizeof(flash), "User %s added as %s.",
		    u.username, u.role);
		ui_flash_set(resp, flash);
		return web_redirect(resp, 303, "/users");
	}
	memset(&f, 0, sizeof(f));
	f.user_values = sent_values(req, kept);
	f.role = web_form(req, "role");
	f.user_errors = ui_form_errors(err.field, err.message);
	return render_users(req, resp, ui_users_status(&err), &f);
}

/* The account ids of the form: "accounts" repeated (a multi-select) or
 * comma separated (typed); duplicates are dropped. */
static int
form_accounts(struct web_req *req, int64_t *ids, size_t *n, struct err *err)
{
	char *copy, *item, *save = NULL;
	long long v;
	size_t i, k;

	*n = 0;
	for (i = 0; i < req->nform_fields; i++) {
		if (strcmp(req->form_fields[i].name, "accounts") != 0)
			continue;
		copy = arena_strdup(req->arena, req->form_fields[i].value);
		if (copy == NULL)
			return err_set(err, 500, "internal", "out of memory");
		for (item = strtok_r(copy, ", ", &save); item != NULL;
		     item = strtok_r(NULL, ", ", &save)) {
			if (web_parse_int(item, 1, INT64_MAX, &v) == -1)
				return err_field(err, 400, "invalid_value",
				    "accounts",
				    "accounts are account ids such as 3, 7");
			for (k = 0; k < *n && ids[k] != v; k++)
				;
			if (k < *n)
				continue;
			if (*n == IPAM_KEY_ACCOUNTS_MAX)
				return err_field(err, 400, "invalid_value",
				    "accounts", "choose at most %d accounts",
				    IPAM_KEY_ACCOUNTS_MAX);
			ids[(*n)++] = v;
		}
	}
	return 0;
}

/* Read the key form into *in; owner 0 means the caller. */
static int
key_form_read(
    struct web_req *req, int64_t *ids, struct ipam_key_in *in, struct err *err)
{
	const char *owner = web_form(req, "user_id"), *expires = NULL;
	long long v = 0;

	memset(in, 0, sizeof(*in));
	in->user_id = auth_identity(req)->user.id;
	if (owner != NULL && owner[0] != '\0') {
		if (web_parse_int(owner, 1, INT64_MAX, &v) == -1)
			return err_field(err, 400, "invalid_value", "user_id",
			    "choose the owner from the list");
		in->user_id = v;
	}
	if (ui_users_form_text(req, "name", 100, &in->name, err) == -1 ||
	    ui_users_form_text(req, "scope", 16, &in->scope, err) == -1 ||
	    ui_users_form_text(req, "expires_at", 32, &expires, err) == -1 ||
	    form_accounts(req, ids, &in->naccounts, err) == -1)
		return -1;
	in->accounts = ids;
	if (expires != NULL && expires[0] != '\0' &&
	    api_time_parse(expires, &in->expires_at) == -1)
		return err_field(err, 400, "invalid_value", "expires_at",
		    "enter a real date as YYYY-MM-DD, or leave it empty for a "
		    "key that never expires");
	return 0;
}

static int
key_created(struct web_req *req, struct web_resp *resp,
    const struct store_api_key *key, const char *token)
{
	struct ui_users_accounts accounts;
	struct json_object *data, *o;

	ui_users_accounts_load(req, &accounts);
	o = ui_users_key_json(key, &accounts, "/users");
	json_object_object_add(o, "token", json_object_new_string(token));
	data = json_object_new_object();
	json_object_object_add(data, "key", o);
	json_object_object_add(data, "breadcrumbs", ui_users_breadcrumbs(NULL));
	/* The only copy of the secret: no cache may keep the page. */
	web_header_set(resp, "Cache-Control", "no-store");
	return ui_page_render(
	    req, resp, 201, "key_created", "API key created", "users", data);
}

int
ui_key_create(struct web_req *req, struct web_resp *resp)
{
	static const char *const kept[] = { "name", "expires_at", NULL };
	struct app *app = req->app;
	int64_t ids[IPAM_KEY_ACCOUNTS_MAX];
	struct ipam_key_in in;
	struct store_api_key key;
	struct users_forms f;
	struct err err = ERR_INIT;
	char token[IPAM_KEY_TOKEN_MAX];
	int rc;

	rc = key_form_read(req, ids, &in, &err);
	if (rc == 0)
		rc = ipam_key_create(
		    app->store, req->arena, &in, &key, token, &err);
	if (rc == 0) {
		rc = key_created(req, resp, &key, token);
		explicit_bzero(token, sizeof(token));
		return rc;
	}
	memset(&f, 0, sizeof(f));
	f.key_values = sent_values(req, kept);
	f.owner = in.user_id;
	f.scope = web_form(req, "scope");
	f.accounts = ids;
	f.naccounts = in.naccounts;
	f.key_errors = ui_form_errors(err.field, err.message);
	return render_users(req, resp, ui_users_status(&err), &f);
}

/* Where to go after a revoke: /users/ID when the form says so. */
static const char *
revoke_next(struct web_req *req)
{
	const char *next = web_form(req, "next");
	long long id;

	if (next != NULL && strncmp(next, "/users/", 7) == 0 &&
	    web_parse_int(next + 7, 1, INT64_MAX, &id) == 0)
		return next;
	return "/users";
}

int
ui_key_revoke(struct web_req *req, struct web_resp *resp)
{
	struct app *app = req->app;
	struct store_api_key key;
	struct err err = ERR_INIT;
	char flash[200];

	if (ipam_key_revoke(app->store, req->arena, req->path_id, &key, &err) ==
	    -1)
		return err.status == 404 ? ui_not_found(req, resp)
		                         : ui_error(req, resp, &err);
	snprintf(flash, sizeof(flash),
	    "API key %s (cpk_%lld_…) of %s revoked: it no longer works.",
	    key.name, (long long)key.id, key.user.username);
	ui_flash_set(resp, flash);
	return web_redirect(resp, 303, revoke_next(req));
}
