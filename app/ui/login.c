/*
 * login.c: the sign-in, set-up and account pages.
 *
 * The sign-in and set-up forms are posted before any session exists, so
 * they carry their own CSRF defence: a random value in a short-lived,
 * SameSite=Strict cookie that the form must repeat (double submit).
 */
#include "ui/login.h"

#include <string.h>
#include <time.h>

#include "api/app.h"
#include "api/auth.h"
#include "ui/errors.h"
#include "ui/page.h"
#include "ui/ui_pool.h"

#define LOGIN_COOKIE "cloudpam_login"

/* Where to go after signing in: a local path only, never "//host". */
static const char *
next_of(const struct web_req *req)
{
	const char *next = web_form(req, "next");

	if (next == NULL)
		next = web_query(req, "next");
	if (next == NULL || next[0] != '/' || next[1] == '/' ||
	    next[1] == '\\' || strpbrk(next, "\r\n") != NULL ||
	    strncmp(next, "/login", 6) == 0 || strncmp(next, "/setup", 6) == 0)
		return "/";
	return next;
}

/* A fresh double-submit token: set as a cookie, returned for the form. */
static const char *
form_token(struct web_req *req, struct web_resp *resp, const char *path)
{
	char *token = arena_alloc(req->arena, SECRET_TOKEN_SIZE);

	if (token == NULL || secret_token(token) == -1)
		return "";
	web_header_setf(resp, "Set-Cookie",
	    LOGIN_COOKIE "=%s; Path=%s; Max-Age=3600; HttpOnly; "
	                 "SameSite=Strict%s",
	    token, path, req->https ? "; Secure" : "");
	return token;
}

static int
form_token_ok(const struct web_req *req)
{
	const char *want = web_cookie(req, LOGIN_COOKIE);
	const char *got = web_form(req, "csrf_token");

	return want != NULL && got != NULL && secret_token_valid(want) &&
	       secret_equal(want, got);
}

/* A bare page: one centred card, no navigation. */
static int
render_card(struct web_req *req, struct web_resp *resp, int status,
    const char *template_name, const char *title, const char *path,
    struct json_object *data)
{
	json_object_object_add(data, "form_token",
	    json_object_new_string(form_token(req, resp, path)));
	return ui_page_render(
	    req, resp, status, template_name, title, "", data);
}

static int
login_form(struct web_req *req, struct web_resp *resp, int status,
    const char *username, const struct err *err)
{
	struct json_object *data = json_object_new_object();
	struct json_object *values = json_object_new_object();

	json_object_object_add(values, "username",
	    json_object_new_string(username ? username : ""));
	json_object_object_add(
	    values, "next", json_object_new_string(next_of(req)));
	json_object_object_add(data, "values", values);
	if (err != NULL)
		json_object_object_add(data, "errors",
		    ui_form_errors(
		        err->field[0] ? err->field : "form", err->message));
	return render_card(
	    req, resp, status, "login", "Sign in", "/login", data);
}

int
ui_login(struct web_req *req, struct web_resp *resp)
{
	struct app *app = req->app;
	struct err err = ERR_INIT;
	int open;

	if (auth_identity(req)->kind != IPAM_AUTH_NONE)
		return web_redirect(resp, 303, next_of(req));
	if (ipam_setup_open(app->store, &open, &err) == -1)
		return ui_error(req, resp, &err);
	if (open)
		return web_redirect(resp, 303, "/setup");
	return login_form(req, resp, 200, NULL, NULL);
}

int
ui_login_post(struct web_req *req, struct web_resp *resp)
{
	struct app *app = req->app;
	struct ipam_identity id;
	struct err err = ERR_INIT;
	char token[SECRET_TOKEN_SIZE];
	const char *username = web_form(req, "username");

	if (!form_token_ok(req)) {
		err_set(&err, 403, "csrf",
		    "the sign-in form expired: please try again");
		return login_form(req, resp, 403, username, &err);
	}
	if (ipam_login(app->store, req->arena, &app->auth, username,
	        web_form(req, "password"), req->remote_addr, time(NULL), token,
	        &id, &err) == -1)
		return login_form(req, resp,
		    err.status >= 500 ? 503 : err.status, username, &err);
	auth_session_cookie(req, resp, token);
	web_header_setf(resp, "Set-Cookie",
	    LOGIN_COOKIE
	    "=; Path=/login; Max-Age=0; HttpOnly; SameSite=Strict");
	return web_redirect(resp, 303, next_of(req));
}

int
ui_logout(struct web_req *req, struct web_resp *resp)
{
	struct app *app = req->app;
	struct err err = ERR_INIT;

	if (ipam_logout(app->store, auth_identity(req), &err) == -1)
		return ui_error(req, resp, &err);
	auth_session_cookie_clear(req, resp);
	if (auth_identity(req)->kind == IPAM_AUTH_SSO)
		return web_redirect(resp, 303,
		    app->auth.sso_logout_url[0] ? app->auth.sso_logout_url
		                                : "/");
	return web_redirect(resp, 303, "/login");
}

/* --- first start --- */

static int
setup_form(struct web_req *req, struct web_resp *resp, int status,
    const struct err *err)
{
	struct json_object *data = json_object_new_object();
	struct json_object *values = json_object_new_object();
	const char *v;

	v = web_form(req, "username");
	json_object_object_add(
	    values, "username", json_object_new_string(v ? v : "admin"));
	v = web_form(req, "display_name");
	json_object_object_add(
	    values, "display_name", json_object_new_string(v ? v : ""));
	v = web_form(req, "email");
	json_object_object_add(
	    values, "email", json_object_new_string(v ? v : ""));
	json_object_object_add(data, "values", values);
	if (err != NULL)
		json_object_object_add(data, "errors",
		    ui_form_errors(
		        err->field[0] ? err->field : "form", err->message));
	return render_card(
	    req, resp, status, "setup", "Set up CloudPAM", "/setup", data);
}

/* 404 once a user exists: /setup is gone after the first admin. */
static int
setup_closed(struct web_req *req, struct web_resp *resp, int *closed)
{
	struct app *app = req->app;
	struct err err = ERR_INIT;
	int open;

	*closed = 1;
	if (ipam_setup_open(app->store, &open, &err) == -1)
		return ui_error(req, resp, &err);
	if (!open)
		return ui_not_found(req, resp);
	*closed = 0;
	return 0;
}

int
ui_setup(struct web_req *req, struct web_resp *resp)
{
	int closed, rc = setup_closed(req, resp, &closed);

	if (closed)
		return rc;
	return setup_form(req, resp, 200, NULL);
}

int
ui_setup_post(struct web_req *req, struct web_resp *resp)
{
	struct app *app = req->app;
	struct ipam_user_in in;
	struct ipam_identity id;
	struct store_user u;
	struct err err = ERR_INIT;
	char token[SECRET_TOKEN_SIZE];
	const char *password = web_form(req, "password");
	const char *confirm = web_form(req, "password_confirm");
	int closed, rc = setup_closed(req, resp, &closed);

	if (closed)
		return rc;
	if (!form_token_ok(req)) {
		err_set(
		    &err, 403, "csrf", "the form expired: please try again");
		return setup_form(req, resp, 403, &err);
	}
	memset(&in, 0, sizeof(in));
	in.username = web_form(req, "username");
	in.display_name = web_form(req, "display_name");
	in.email = web_form(req, "email");
	in.password = password;
	if (password != NULL && password[0] != '\0' &&
	    (confirm == NULL || strcmp(password, confirm) != 0)) {
		err_field(&err, 400, "mismatch", "password_confirm",
		    "the two passwords differ");
		return setup_form(req, resp, 400, &err);
	}
	if (ipam_setup_complete(app->store, req->arena, &app->auth,
	        web_form(req, "token"), &in, &u, &err) == -1) {
		if (err.status == 404)
			return ui_not_found(req, resp);
		return setup_form(
		    req, resp, err.status >= 500 ? 503 : err.status, &err);
	}
	if (ipam_session_begin(app->store, req->arena, u.id, req->remote_addr,
	        time(NULL), token, &id, &err) == -1)
		return ui_error(req, resp, &err);
	auth_session_cookie(req, resp, token);
	ui_flash_set(resp, "Welcome to CloudPAM: you are its first admin.");
	return web_redirect(resp, 303, "/");
}

/* --- one's own account --- */

static int
account_page(struct web_req *req, struct web_resp *resp, int status,
    const struct err *err)
{
	const struct ipam_identity *id = auth_identity(req);
	struct json_object *data = json_object_new_object();

	json_object_object_add(data, "me", ipam_user_json(&id->user));
	json_object_object_add(data, "local",
	    json_object_new_boolean(strcmp(id->user.source, "local") == 0 &&
	                            id->kind == IPAM_AUTH_SESSION));
	json_object_object_add(
	    data, "sso", json_object_new_boolean(id->kind == IPAM_AUTH_SSO));
	if (err != NULL)
		json_object_object_add(data, "errors",
		    ui_form_errors(
		        err->field[0] ? err->field : "form", err->message));
	return ui_page_render(
	    req, resp, status, "account", "Your account", "account", data);
}

int
ui_account(struct web_req *req, struct web_resp *resp)
{
	return account_page(req, resp, 200, NULL);
}

int
ui_account_password(struct web_req *req, struct web_resp *resp)
{
	struct app *app = req->app;
	const struct ipam_identity *id = auth_identity(req);
	struct ipam_identity fresh;
	struct err err = ERR_INIT;
	char token[SECRET_TOKEN_SIZE];
	const char *current = web_form(req, "current_password");
	const char *password = web_form(req, "new_password");
	const char *confirm = web_form(req, "new_password_confirm");

	if (id->kind != IPAM_AUTH_SESSION) {
		err_set(&err, 409, "not_local",
		    "only a local user signed in with a password can change it "
		    "here");
		return account_page(req, resp, 409, &err);
	}
	if (current == NULL || current[0] == '\0') {
		err_field(&err, 400, "missing_field", "current_password",
		    "enter your current password");
		return account_page(req, resp, 400, &err);
	}
	if (password != NULL && password[0] != '\0' &&
	    (confirm == NULL || strcmp(password, confirm) != 0)) {
		err_field(&err, 400, "mismatch", "new_password_confirm",
		    "the two new passwords differ");
		return account_page(req, resp, 400, &err);
	}
	if (ipam_user_set_password(app->store, req->arena, &app->auth,
	        id->user.id, current, password, &err) == -1)
		return account_page(
		    req, resp, err.status >= 500 ? 503 : err.status, &err);
	/* Every session ended, this one too: start a new one here. */
	if (ipam_session_begin(app->store, req->arena, id->user.id,
	        req->remote_addr, time(NULL), token, &fresh, &err) == -1)
		return ui_error(req, resp, &err);
	auth_session_cookie(req, resp, token);
	ui_flash_set(
	    resp, "Password changed. You were signed out everywhere else.");
	return web_redirect(resp, 303, "/account");
}
