/*
 * users_model.c: rows, choices and form reading for the "Users and keys"
 * pages.
 */
#include "ui/users_model.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "api/app.h"
#include "ipam/identity.h"
#include "web/fields.h"

#define ACCOUNTS_MAX 1000

struct choice {
	const char *value;
	const char *label;
	const char *hint;
};

static const struct choice roles[] = {
	{ "viewer", "Viewer", "reads pools, blocks and accounts" },
	{ "operator", "Operator", "reads and changes the address plan" },
	{ "auditor", "Auditor", "reads everything and the audit log" },
	{ "admin", "Admin", "everything, users, keys and settings too" },
};

static const struct choice scopes[] = {
	{ "read", "Read", "what the owner may read" },
	{ "write", "Write", "all the owner may do" },
	{ "collector", "Collector",
	    "discovery: read and write, only for chosen accounts" },
};

static void
add_text(struct json_object *o, const char *key, const char *value)
{
	json_object_object_add(o, key, json_object_new_string(value));
}

static struct json_object *
choices(const struct choice *c, size_t n, const char *selected)
{
	struct json_object *list = json_object_new_array(), *o;
	size_t i;

	for (i = 0; i < n; i++) {
		o = json_object_new_object();
		add_text(o, "value", c[i].value);
		add_text(o, "label", c[i].label);
		add_text(o, "hint", c[i].hint);
		json_object_object_add(o, "selected",
		    json_object_new_boolean(
		        selected != NULL && strcmp(selected, c[i].value) == 0));
		json_object_array_add(list, o);
	}
	return list;
}

struct json_object *
ui_users_role_choices(const char *selected)
{
	return choices(roles, sizeof(roles) / sizeof(roles[0]), selected);
}

struct json_object *
ui_users_scope_choices(const char *selected)
{
	return choices(scopes, sizeof(scopes) / sizeof(scopes[0]), selected);
}

void
ui_users_accounts_load(struct web_req *req, struct ui_users_accounts *out)
{
	struct app *app = req->app;
	struct store_account_filter f = { NULL, NULL };
	struct store_page page = { 0, ACCOUNTS_MAX, 0 };
	struct err err = ERR_INIT;

	out->rows = NULL;
	out->n = 0;
	if (store_account_list(app->store, req->arena, &f, &page, &out->rows,
	        &out->n, &err) == -1)
		out->n = 0;
}

/*
 * For each of keys whose value in o is ISO 8601 text, add KEY_display,
 * "2026-01-31 14:05" (minutes are enough to read; the full time stays in
 * the datetime attribute), and KEY_date, "2026-01-31", for tables.
 */
static void
add_displays(struct json_object *o, const char *const *keys)
{
	struct json_object *v;
	char text[20], name[48];
	const char *iso;
	size_t i;

	for (i = 0; keys[i] != NULL; i++) {
		v = json_object_object_get(o, keys[i]);
		iso = json_object_is_type(v, json_type_string)
		          ? json_object_get_string(v)
		          : "";
		if (strlen(iso) < 16 || iso[10] != 'T')
			continue;
		memcpy(text, iso, 16);
		text[10] = ' ';
		text[16] = '\0';
		snprintf(name, sizeof(name), "%s_display", keys[i]);
		json_object_object_add(o, name, json_object_new_string(text));
		text[10] = '\0';
		snprintf(name, sizeof(name), "%s_date", keys[i]);
		json_object_object_add(o, name, json_object_new_string(text));
	}
}

struct json_object *
ui_users_user_json(const struct store_user *u, int64_t me)
{
	static const char *const times[] = { "created_at", "last_login_at",
		NULL };
	struct json_object *o = ipam_user_json(u);
	char href[48];

	snprintf(href, sizeof(href), "/users/%lld", (long long)u->id);
	add_text(o, "href", href);
	add_text(o, "name", u->display_name[0] ? u->display_name : u->username);
	json_object_object_add(
	    o, "sso", json_object_new_boolean(strcmp(u->source, "sso") == 0));
	json_object_object_add(
	    o, "is_me", json_object_new_boolean(u->id == me));
	add_text(o, "status", u->disabled ? "disabled" : "enabled");
	add_displays(o, times);
	return o;
}

static const char *
account_name(
    const struct ui_users_accounts *a, int64_t id, char *buf, size_t size)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		if (a->rows[i].id == id)
			return a->rows[i].name;
	snprintf(buf, size, "#%lld", (long long)id);
	return buf;
}

static struct json_object *
account_names(struct json_object *ids, const struct ui_users_accounts *a)
{
	struct json_object *list = json_object_new_array(), *o;
	char buf[32], href[48];
	size_t i, n = json_object_array_length(ids);
	int64_t id;

	for (i = 0; i < n; i++) {
		id = json_object_get_int64(json_object_array_get_idx(ids, i));
		o = json_object_new_object();
		json_object_object_add(o, "id", json_object_new_int64(id));
		add_text(o, "name", account_name(a, id, buf, sizeof(buf)));
		snprintf(href, sizeof(href), "/accounts/%lld", (long long)id);
		add_text(o, "href", href);
		json_object_array_add(list, o);
	}
	return list;
}

struct json_object *
ui_users_key_json(const struct store_api_key *k,
    const struct ui_users_accounts *accounts, const char *next)
{
	static const char *const times[] = { "expires_at", "last_used_at",
		"revoked_at", "created_at", NULL };
	struct json_object *o = ipam_key_json(k);
	const char *status = "active";
	char href[48];

	if (k->revoked_at != 0)
		status = "revoked";
	else if (k->expires_at != 0 && k->expires_at <= (int64_t)time(NULL))
		status = "expired";
	add_text(o, "status", status);
	json_object_object_add(o, status, json_object_new_boolean(1));
	add_displays(o, times);
	snprintf(href, sizeof(href), "/users/%lld", (long long)k->user_id);
	add_text(o, "owner_href", href);
	snprintf(href, sizeof(href), "/keys/%lld/revoke", (long long)k->id);
	add_text(o, "revoke_href", href);
	add_text(o, "next", next);
	json_object_object_add(o, "account_names",
	    account_names(json_object_object_get(o, "accounts"), accounts));
	return o;
}

struct json_object *
ui_users_keys_json(const struct store_api_key *rows, size_t n,
    const struct ui_users_accounts *accounts, const char *next)
{
	struct json_object *list = json_object_new_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_object_array_add(
		    list, ui_users_key_json(&rows[i], accounts, next));
	return list;
}

int
ui_users_form_text(struct web_req *req, const char *name, size_t max,
    const char **out, struct err *err)
{
	const char *v = web_form(req, name);
	size_t len;

	*out = NULL;
	if (v == NULL)
		return 0;
	while (*v == ' ' || *v == '\t')
		v++;
	len = strlen(v);
	while (len > 0 && (v[len - 1] == ' ' || v[len - 1] == '\t' ||
	                      v[len - 1] == '\r' || v[len - 1] == '\n'))
		len--;
	if (len > max)
		return err_field(err, 400, "invalid_value", name,
		    "use at most %zu characters here", max);
	if (!web_text_valid(v, len))
		return err_field(err, 400, "invalid_value", name,
		    "use plain text here, without control characters");
	*out = arena_strndup(req->arena, v, len);
	if (*out == NULL)
		return err_set(err, 500, "internal", "out of memory");
	return 0;
}

int
ui_users_status(const struct err *err)
{
	if (err->status >= 400 && err->status < 500)
		return err->status;
	return 500;
}

struct json_object *
ui_users_breadcrumbs(const char *last)
{
	struct json_object *list = json_object_new_array(), *c;

	c = json_object_new_object();
	add_text(c, "label", "Users and keys");
	add_text(c, "href", "/users");
	json_object_array_add(list, c);
	if (last != NULL) {
		c = json_object_new_object();
		add_text(c, "label", last);
		json_object_array_add(list, c);
	}
	return list;
}
