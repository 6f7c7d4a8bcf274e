/*
 * page.c: layout data and page rendering.
 *
 * Navigation lists only what is built: UI.md says items whose feature is
 * not there yet are absent, never dead links.
 */
#include "ui/page.h"

#include <string.h>

#include "api/app.h"
#include "api/auth.h"
#include "lib/log.h"

struct nav_item {
	const char *group;
	const char *label;
	const char *href;
	const char *section;
	enum ipam_perm perm; /* shown only to those who hold it */
};

static const struct nav_item nav_items[] = {
	{ "Plan", "Dashboard", "/", "home", IPAM_PERM_READ },
	{ "Plan", "Pools", "/pools", "pools", IPAM_PERM_READ },
	{ "Plan", "Blocks", "/blocks", "blocks", IPAM_PERM_READ },
	{ "Plan", "Search", "/search", "search", IPAM_PERM_READ },
	{ "Cloud", "Accounts", "/accounts", "accounts", IPAM_PERM_READ },
	{ "Govern", "Audit", "/audit", "audit", IPAM_PERM_AUDIT },
	{ "Govern", "Users and keys", "/users", "users", IPAM_PERM_ADMIN },
	{ "Govern", "VRFs", "/vrfs", "vrfs", IPAM_PERM_READ },
	{ "Govern", "Special ranges", "/special-ranges", "special",
	    IPAM_PERM_READ },
};

static struct json_object *
nav_json(const struct ipam_identity *id, const char *section)
{
	struct json_object *groups = json_object_new_array();
	struct json_object *group = NULL, *items = NULL, *item;
	const char *current = NULL;
	size_t i;

	for (i = 0; i < sizeof(nav_items) / sizeof(nav_items[0]); i++) {
		if (!ipam_identity_may(id, nav_items[i].perm, 0))
			continue;
		if (current == NULL || strcmp(current, nav_items[i].group)) {
			current = nav_items[i].group;
			group = json_object_new_object();
			items = json_object_new_array();
			json_object_object_add(
			    group, "label", json_object_new_string(current));
			json_object_object_add(group, "items", items);
			json_object_array_add(groups, group);
		}
		item = json_object_new_object();
		json_object_object_add(
		    item, "label", json_object_new_string(nav_items[i].label));
		json_object_object_add(
		    item, "href", json_object_new_string(nav_items[i].href));
		json_object_object_add(item, "active",
		    json_object_new_boolean(
		        strcmp(section, nav_items[i].section) == 0));
		json_object_array_add(items, item);
	}
	return groups;
}

/* The theme from the cookie; anything unknown is "system". */
static const char *
theme_of(const struct web_req *req)
{
	const char *t = web_cookie(req, "theme");

	if (t != NULL && (strcmp(t, "light") == 0 || strcmp(t, "dark") == 0))
		return t;
	return "system";
}

static void
add_layout(struct web_req *req, struct json_object *data, const char *title,
    const char *section)
{
	struct app *app = req->app;
	const struct ipam_identity *id = auth_identity(req);
	struct json_object *o;
	const char *q = web_query(req, "q"), *csrf;

	o = json_object_new_object();
	json_object_object_add(o, "name", json_object_new_string("CloudPAM"));
	json_object_object_add(
	    o, "version", json_object_new_string(CLOUDPAM_VERSION));
	json_object_object_add(
	    o, "revision", json_object_new_string(CLOUDPAM_REVISION));
	json_object_object_add(data, "app", o);
	o = json_object_new_object();
	json_object_object_add(o, "title", json_object_new_string(title));
	json_object_object_add(data, "page", o);
	o = json_object_new_object();
	json_object_object_add(
	    o, "css", json_object_new_string(app->asset_css));
	json_object_object_add(o, "js", json_object_new_string(app->asset_js));
	json_object_object_add(
	    o, "icon", json_object_new_string(app->asset_icon));
	json_object_object_add(data, "asset", o);
	json_object_object_add(
	    data, "theme", json_object_new_string(theme_of(req)));
	o = json_object_new_object();
	json_object_object_add(o, theme_of(req), json_object_new_boolean(1));
	json_object_object_add(data, "theme_is", o);
	json_object_object_add(data, "nav", nav_json(id, section));
	if (id->kind != IPAM_AUTH_NONE) {
		o = json_object_new_object();
		json_object_object_add(o, "name",
		    json_object_new_string(id->user.display_name[0]
		                               ? id->user.display_name
		                               : id->user.username));
		json_object_object_add(
		    o, "role", json_object_new_string(id->user.role));
		json_object_object_add(o, "can_logout",
		    json_object_new_boolean(id->kind == IPAM_AUTH_SESSION ||
		                            (id->kind == IPAM_AUTH_SSO &&
		                                app->auth.sso_logout_url[0])));
		json_object_object_add(data, "user", o);
	}
	if ((csrf = auth_csrf_token(req)) != NULL)
		json_object_object_add(
		    data, "csrf_token", json_object_new_string(csrf));
	json_object_object_add(data, "q", json_object_new_string(q ? q : ""));
	json_object_object_add(data, "request_id",
	    json_object_new_string(req->request_id ? req->request_id : ""));
	json_object_object_add(
	    data, "return_to", json_object_new_string(req->raw_path));
}

/* The one-line message a POST left for this page, read once. */
static void
add_flash(struct web_req *req, struct web_resp *resp, struct json_object *data)
{
	const char *cookie = web_cookie(req, "flash");
	struct json_object *flash;
	char *text;

	if (cookie == NULL || cookie[0] == '\0')
		return;
	text = arena_strdup(req->arena, cookie);
	if (text == NULL || web_url_decode(text, 0) == -1)
		return;
	flash = json_object_new_object();
	json_object_object_add(flash, "kind", json_object_new_string("ok"));
	json_object_object_add(flash, "text", json_object_new_string(text));
	json_object_object_add(data, "flash", flash);
	web_header_set(resp, "Set-Cookie",
	    "flash=; Path=/; Max-Age=0; SameSite=Lax; HttpOnly");
}

int
ui_page_render(struct web_req *req, struct web_resp *resp, int status,
    const char *template_name, const char *title, const char *section,
    struct json_object *data)
{
	struct app *app = req->app;
	struct json_object *action;
	struct err err = ERR_INIT;

	if (data == NULL)
		data = json_object_new_object();
	add_layout(req, data, title, section);
	add_flash(req, resp, data);
	/* A page's primary action sits at the title's right. */
	if (json_object_object_get_ex(data, "page_action", &action))
		json_object_object_add(json_object_object_get(data, "page"),
		    "action", json_object_get(action));
	buf_reset(resp->body);
	if (template_set_render(
	        app->templates, template_name, data, resp->body, &err) == -1) {
		json_object_put(data);
		log_msg(LOG_LEVEL_ERROR, "render %s: %s", template_name,
		    err.message);
		return web_text(
		    resp, 500, "text/plain; charset=utf-8", "internal error\n");
	}
	json_object_put(data);
	resp->status = status;
	resp->content_type = "text/html; charset=utf-8";
	return 0;
}
