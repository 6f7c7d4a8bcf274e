/*
 * ui_pool.c: the pool model of the pages, and small form helpers.
 */
#include "ui/ui_pool.h"

#include <stdio.h>
#include <string.h>

#include "api/app.h"
#include "api/json.h"
#include "ipam/pool.h"
#include "web/fields.h"
#include "web/response.h"

/* "65,536": thousands separated, for counts that fit in 64 bits. */
static void
group_digits(const char *digits, char *out, size_t size)
{
	size_t n = strlen(digits), i, o = 0;

	for (i = 0; i < n && o + 2 < size; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	out[o] = '\0';
}

void
ui_count_display(const struct ip_count *c, char *out, size_t size)
{
	char text[IP_COUNT_STRLEN];

	/* Up to 2^48 decimals read well ("16,777,216"); past that a power of
	 * two says more than forty digits do (UI.md). */
	if (c->top == 0 && c->high < (1ull << 16)) {
		ip_count_format(c, text);
		group_digits(text, out, size);
		return;
	}
	ip_count_format_power(c, text);
	if (strchr(text, '^') != NULL)
		snprintf(out, size, "%s", text);
	else
		group_digits(text, out, size);
}

static struct json_object *
tags_list(const char *text)
{
	struct json_object *obj = ipam_tags_json(text), *list, *t;

	list = json_object_new_array();
	json_object_object_foreach(obj, key, value)
	{
		t = json_object_new_object();
		json_object_object_add(t, "key", json_object_new_string(key));
		json_object_object_add(t, "value", json_object_get(value));
		json_object_array_add(list, t);
	}
	json_object_put(obj);
	return list;
}

struct json_object *
ui_pool_json(const struct store_pool *p)
{
	struct json_object *o = ipam_pool_json(p), *u, *bar;
	struct ipam_utilization util;
	char text[64], label[32], href[48];

	snprintf(href, sizeof(href), "/pools/%lld", (long long)p->id);
	json_object_object_add(o, "href", json_object_new_string(href));
	json_object_object_add(o, "tags", tags_list(p->tags));
	ipam_pool_utilization_of(p, &util);
	u = json_object_object_get(o, "utilization");
	ui_count_display(&util.used, text, sizeof(text));
	json_object_object_add(u, "used_display", json_object_new_string(text));
	ui_count_display(&util.total, text, sizeof(text));
	json_object_object_add(
	    u, "total_display", json_object_new_string(text));
	snprintf(label, sizeof(label), "%.1f%%", util.percent);
	json_object_object_add(
	    u, "percent_label", json_object_new_string(label));
	bar = json_object_new_object();
	json_object_object_add(bar, "used_pct",
	    json_object_new_double(
	        (double)(long long)(util.percent * 10) / 10.0));
	json_object_object_add(bar, "label", json_object_new_string(label));
	snprintf(text, sizeof(text), "%s used", label);
	json_object_object_add(bar, "title", json_object_new_string(text));
	json_object_object_add(o, "bar", bar);
	return o;
}

struct json_object *
ui_form_errors(const char *field, const char *message)
{
	struct json_object *o = json_object_new_object(), *list, *item;
	const char *key = field && field[0] ? field : "form";

	json_object_object_add(o, key, json_object_new_string(message));
	list = json_object_new_array();
	item = json_object_new_object();
	json_object_object_add(item, "field", json_object_new_string(key));
	json_object_object_add(
	    item, "message", json_object_new_string(message));
	json_object_array_add(list, item);
	json_object_object_add(o, "_summary", list);
	return o;
}

const char *
ui_form_text(const struct web_req *req, const char *name, size_t max)
{
	const char *v = web_form(req, name);
	size_t n;

	if (v == NULL)
		return NULL;
	while (*v == ' ')
		v++;
	n = strlen(v);
	if (n == 0 || n > max || !web_text_valid(v, n))
		return n == 0 ? NULL : "";
	return v;
}

void
ui_flash_set(struct web_resp *resp, const char *text)
{
	char safe[200];
	size_t i, o = 0;

	/* Cookie values take no spaces, commas or semicolons: encode. */
	for (i = 0; text[i] != '\0' && o + 4 < sizeof(safe); i++) {
		unsigned char c = (unsigned char)text[i];

		if (c <= ' ' || c == ',' || c == ';' || c == '%' || c == '"' ||
		    c == '\\' || c >= 0x7f)
			o += (size_t)snprintf(
			    safe + o, sizeof(safe) - o, "%%%02X", c);
		else
			safe[o++] = (char)c;
	}
	safe[o] = '\0';
	web_header_setf(resp, "Set-Cookie",
	    "flash=%s; Path=/; Max-Age=60; SameSite=Lax; HttpOnly", safe);
}

struct json_object *
ui_action(const char *label, const char *href)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "label", json_object_new_string(label));
	json_object_object_add(o, "href", json_object_new_string(href));
	return o;
}

int
ui_tags_parse(
    struct web_req *req, const char *text, const char **out, struct err *err)
{
	struct json_object *tags = json_object_new_object();
	char *copy, *item, *next, *eq;
	int rc;

	*out = "{}";
	copy = arena_strdup(req->arena, text ? text : "");
	for (item = copy; item != NULL && *item != '\0'; item = next) {
		next = strchr(item, ',');
		if (next != NULL)
			*next++ = '\0';
		while (*item == ' ')
			item++;
		if (*item == '\0')
			continue;
		eq = strchr(item, '=');
		if (eq == NULL || eq == item) {
			json_object_put(tags);
			return err_field(err, 400, "invalid_value", "tags_text",
			    "write tags as key=value, separated by commas");
		}
		*eq = '\0';
		json_object_object_add(
		    tags, item, json_object_new_string(eq + 1));
	}
	rc = api_tags_text(tags, req->arena, out, err);
	json_object_put(tags);
	if (rc == -1)
		snprintf(err->field, sizeof(err->field), "tags_text");
	return rc;
}

struct json_object *
ui_vrf_choices(struct web_req *req, int64_t selected)
{
	struct app *app = req->app;
	struct store_page page = { 0, 1000, 0 };
	struct store_vrf *rows;
	struct json_object *list = json_object_new_array(), *o;
	struct err err = ERR_INIT;
	size_t n, i;

	if (store_vrf_list(app->store, req->arena, &page, &rows, &n, &err) ==
	    -1)
		return list;
	for (i = 0; i < n; i++) {
		o = json_object_new_object();
		json_object_object_add(
		    o, "id", json_object_new_int64(rows[i].id));
		json_object_object_add(
		    o, "name", json_object_new_string(rows[i].name));
		json_object_object_add(o, "selected",
		    json_object_new_boolean(rows[i].id == selected));
		json_object_array_add(list, o);
	}
	return list;
}

struct json_object *
ui_account_choices(struct web_req *req, int64_t selected)
{
	struct app *app = req->app;
	struct store_account_filter f = { NULL, NULL };
	struct store_page page = { 0, 1000, 0 };
	struct store_account *rows;
	struct json_object *list = json_object_new_array(), *o;
	struct err err = ERR_INIT;
	char label[300];
	size_t n, i;

	if (store_account_list(
	        app->store, req->arena, &f, &page, &rows, &n, &err) == -1)
		return list;
	for (i = 0; i < n; i++) {
		o = json_object_new_object();
		json_object_object_add(
		    o, "id", json_object_new_int64(rows[i].id));
		snprintf(label, sizeof(label), "%s (%s)", rows[i].name,
		    rows[i].external_key);
		json_object_object_add(
		    o, "name", json_object_new_string(label));
		json_object_object_add(o, "selected",
		    json_object_new_boolean(rows[i].id == selected));
		json_object_array_add(list, o);
	}
	return list;
}
