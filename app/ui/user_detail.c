/*
 * user_detail.c: one user's page and what it changes: profile and role,
 * disable or enable, an admin's password reset, and deleting through a
 * confirmation page.
 */
#include "ui/users.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "api/app.h"
#include "api/auth.h"
#include "api/users.h"
#include "ui/errors.h"
#include "ui/page.h"
#include "ui/ui_pool.h"
#include "ui/users_model.h"

#define KEYS_MAX 200

/* What a form sent back with errors carries to the page. */
struct detail_errors {
	struct json_object *profile; /* display_name, email, role */
	struct json_object *values;  /* as sent */
	const char *role;
	struct json_object *status;   /* disable or enable */
	struct json_object *password; /* reset */
};

/* The user of the path; answers 404 (returns 1) when there is none. */
static int
user_of_path(struct web_req *req, struct web_resp *resp, struct store_user *u)
{
	struct app *app = req->app;
	struct err err = ERR_INIT;

	if (store_user_get(app->store, req->path_id, req->arena, u, &err) == 0)
		return 0;
	if (err.status == 404)
		ui_not_found(req, resp);
	else
		ui_error(req, resp, &err);
	return 1;
}

static struct json_object *
profile_json(const struct store_user *u, struct detail_errors *e)
{
	struct json_object *o = json_object_new_object(), *values;

	values = e->values;
	if (values == NULL) {
		values = json_object_new_object();
		json_object_object_add(values, "display_name",
		    json_object_new_string(u->display_name));
		json_object_object_add(
		    values, "email", json_object_new_string(u->email));
	}
	json_object_object_add(o, "values", values);
	json_object_object_add(
	    o, "roles", ui_users_role_choices(e->role ? e->role : u->role));
	json_object_object_add(o, "errors", e->profile);
	return o;
}

static int
render_detail(struct web_req *req, struct web_resp *resp, int status,
    const struct store_user *u, struct detail_errors *e)
{
	struct app *app = req->app;
	const struct ipam_identity *id = auth_identity(req);
	struct store_page page = { 0, KEYS_MAX, 0 };
	struct store_api_key *keys = NULL;
	struct ui_users_accounts accounts;
	struct json_object *data, *o;
	struct err err = ERR_INIT;
	char href[64];
	size_t n = 0;

	if (store_key_list(
	        app->store, u->id, req->arena, &page, &keys, &n, &err) == -1)
		n = 0;
	ui_users_accounts_load(req, &accounts);
	snprintf(href, sizeof(href), "/users/%lld", (long long)u->id);
	o = json_object_new_object();
	json_object_object_add(o, "user", ui_users_user_json(u, id->user.id));
	json_object_object_add(o, "profile", profile_json(u, e));
	json_object_object_add(o, "status_errors", e->status);
	json_object_object_add(o, "password_errors", e->password);
	json_object_object_add(o, "local",
	    json_object_new_boolean(strcmp(u->source, "local") == 0));
	json_object_object_add(
	    o, "keys", ui_users_keys_json(keys, n, &accounts, href));
	json_object_object_add(
	    o, "keys_total", json_object_new_int64(page.total));
	snprintf(
	    href, sizeof(href), "/users?owner=%lld#new-key", (long long)u->id);
	json_object_object_add(o, "new_key_href", json_object_new_string(href));
	data = json_object_new_object();
	json_object_object_add(data, "user_page", o);
	json_object_object_add(
	    data, "breadcrumbs", ui_users_breadcrumbs(u->username));
	return ui_page_render(
	    req, resp, status, "user_detail", u->username, "users", data);
}

int
ui_user_detail(struct web_req *req, struct web_resp *resp)
{
	struct detail_errors e;
	struct store_user u;

	if (user_of_path(req, resp, &u))
		return 0;
	memset(&e, 0, sizeof(e));
	return render_detail(req, resp, 200, &u, &e);
}

/* "disabled" of the status form: 1, 0, or absent (-1). */
static int
form_disabled(struct web_req *req, int *out, struct err *err)
{
	const char *v = web_form(req, "disabled");

	*out = -1;
	if (v == NULL)
		return 0;
	if (strcmp(v, "1") != 0 && strcmp(v, "0") != 0)
		return err_field(err, 400, "invalid_value", "disabled",
		    "disabled is 1 or 0");
	*out = v[0] == '1';
	return 0;
}

static int
save_read(struct web_req *req, struct ipam_user_in *in, struct err *err)
{
	int disabled;

	memset(in, 0, sizeof(*in));
	if (ui_users_form_text(
	        req, "display_name", 200, &in->display_name, err) == -1 ||
	    ui_users_form_text(req, "email", 254, &in->email, err) == -1 ||
	    ui_users_form_text(req, "role", 16, &in->role, err) == -1 ||
	    form_disabled(req, &disabled, err) == -1 ||
	    api_user_email_check(in->email, err) == -1)
		return -1;
	in->set_disabled = disabled != -1;
	in->disabled = disabled == 1;
	in->acting_user = auth_identity(req)->user.id;
	if (!in->display_name && !in->email && !in->role && !in->set_disabled)
		return err_set(err, 400, "empty_change", "nothing to change");
	return 0;
}

static void
save_flash(struct web_resp *resp, const struct ipam_user_in *in,
    const struct store_user *u)
{
	char flash[200];

	if (in->set_disabled && in->disabled)
		snprintf(flash, sizeof(flash),
		    "%s disabled: their sessions ended and their API keys no "
		    "longer work.",
		    u->username);
	else if (in->set_disabled)
		snprintf(flash, sizeof(flash), "%s enabled.", u->username);
	else
		snprintf(
		    flash, sizeof(flash), "Changes to %s saved.", u->username);
	ui_flash_set(resp, flash);
}

int
ui_user_save(struct web_req *req, struct web_resp *resp)
{
	static const char *const kept[] = { "display_name", "email", NULL };
	struct app *app = req->app;
	struct ipam_user_in in;
	struct store_user u, out;
	struct detail_errors e;
	struct err err = ERR_INIT;
	char href[48];
	size_t i;

	if (user_of_path(req, resp, &u))
		return 0;
	if (save_read(req, &in, &err) == 0 &&
	    ipam_user_update(app->store, req->arena, u.id, &in, &out, &err) ==
	        0) {
		save_flash(resp, &in, &out);
		snprintf(href, sizeof(href), "/users/%lld", (long long)u.id);
		return web_redirect(resp, 303, href);
	}
	memset(&e, 0, sizeof(e));
	if (web_form(req, "disabled") != NULL && !in.display_name &&
	    !in.email && !in.role) {
		e.status = ui_form_errors(err.field, err.message);
	} else {
		e.profile = ui_form_errors(err.field, err.message);
		e.values = json_object_new_object();
		for (i = 0; kept[i] != NULL; i++)
			json_object_object_add(e.values, kept[i],
			    json_object_new_string(web_form(req, kept[i])
			                               ? web_form(req, kept[i])
			                               : ""));
		e.role = web_form(req, "role");
	}
	return render_detail(req, resp, ui_users_status(&err), &u, &e);
}

/* After one's own reset every session ended, this one too: start anew. */
static int
resume_session(struct web_req *req, struct web_resp *resp, struct err *err)
{
	struct app *app = req->app;
	const struct ipam_identity *id = auth_identity(req);
	struct ipam_identity fresh;
	char token[SECRET_TOKEN_SIZE];

	if (id->kind != IPAM_AUTH_SESSION || id->user.id != req->path_id)
		return 0;
	if (ipam_session_begin(app->store, req->arena, id->user.id,
	        req->remote_addr, time(NULL), token, &fresh, err) == -1)
		return -1;
	auth_session_cookie(req, resp, token);
	return 0;
}

int
ui_user_password(struct web_req *req, struct web_resp *resp)
{
	struct app *app = req->app;
	const char *password = web_form(req, "new_password");
	const char *confirm = web_form(req, "new_password_confirm");
	struct store_user u;
	struct detail_errors e;
	struct err err = ERR_INIT;
	char flash[200], href[48];
	int rc = 0;

	if (user_of_path(req, resp, &u))
		return 0;
	if (password != NULL && password[0] != '\0' &&
	    (confirm == NULL || strcmp(password, confirm) != 0))
		rc = err_field(&err, 400, "mismatch", "new_password_confirm",
		    "the two passwords differ");
	if (rc == 0)
		rc = ipam_user_set_password(app->store, req->arena, &app->auth,
		    u.id, NULL, password, &err);
	if (rc == 0 && resume_session(req, resp, &err) == -1)
		return ui_error(req, resp, &err);
	if (rc == 0) {
		snprintf(flash, sizeof(flash),
		    "Password of %s reset: they were signed out everywhere.",
		    u.username);
		ui_flash_set(resp, flash);
		snprintf(href, sizeof(href), "/users/%lld", (long long)u.id);
		return web_redirect(resp, 303, href);
	}
	memset(&e, 0, sizeof(e));
	e.password = ui_form_errors(err.field, err.message);
	return render_detail(req, resp, ui_users_status(&err), &u, &e);
}

/* --- delete --- */

static int
render_delete(struct web_req *req, struct web_resp *resp, int status,
    const struct store_user *u, const struct err *refused)
{
	struct app *app = req->app;
	const struct ipam_identity *id = auth_identity(req);
	struct store_page page = { 0, 1, 0 };
	struct store_api_key *keys;
	struct json_object *data, *o;
	struct err err = ERR_INIT;
	int64_t all = 0, admins = 0;
	size_t n;
	int last_admin;

	if (store_key_list(
	        app->store, u->id, req->arena, &page, &keys, &n, &err) == -1 ||
	    store_user_counts(app->store, &all, &admins, &err) == -1)
		return ui_error(req, resp, &err);
	last_admin =
	    strcmp(u->role, "admin") == 0 && !u->disabled && admins <= 1;
	o = json_object_new_object();
	json_object_object_add(o, "user", ui_users_user_json(u, id->user.id));
	json_object_object_add(
	    o, "keys_count", json_object_new_int64(page.total));
	json_object_object_add(
	    o, "last_admin", json_object_new_boolean(last_admin));
	json_object_object_add(o, "can_delete",
	    json_object_new_boolean(u->id != id->user.id && !last_admin));
	json_object_object_add(o, "error",
	    refused ? json_object_new_string(refused->message) : NULL);
	data = json_object_new_object();
	json_object_object_add(data, "delete_page", o);
	json_object_object_add(
	    data, "breadcrumbs", ui_users_breadcrumbs(u->username));
	return ui_page_render(
	    req, resp, status, "user_delete", "Delete user", "users", data);
}

int
ui_user_delete_confirm(struct web_req *req, struct web_resp *resp)
{
	struct store_user u;

	if (user_of_path(req, resp, &u))
		return 0;
	return render_delete(req, resp, 200, &u, NULL);
}

int
ui_user_delete(struct web_req *req, struct web_resp *resp)
{
	struct app *app = req->app;
	const struct ipam_identity *id = auth_identity(req);
	struct store_page page = { 0, 1, 0 };
	struct store_api_key *keys;
	struct store_user u;
	struct err err = ERR_INIT;
	char flash[200];
	size_t n;

	if (user_of_path(req, resp, &u))
		return 0;
	if (store_key_list(
	        app->store, u.id, req->arena, &page, &keys, &n, &err) == -1 ||
	    ipam_user_delete(app->store, req->arena, u.id, id->user.id, &err) ==
	        -1)
		return render_delete(
		    req, resp, ui_users_status(&err), &u, &err);
	snprintf(flash, sizeof(flash), "User %s deleted, with %lld API key%s.",
	    u.username, (long long)page.total, page.total == 1 ? "" : "s");
	ui_flash_set(resp, flash);
	return web_redirect(resp, 303, "/users");
}
