/*
 * audit.c: the audit log page and the history of one object.
 *
 * Each event becomes a row (time, actor, action, object, client address,
 * request id) and, when it carries a before or an after, a row below it
 * with a <details> listing what changed: computed here from the two JSON
 * objects (ipam_audit_changes), so the page needs no script.
 */
#include "ui/audit.h"

#include <stdio.h>
#include <string.h>

#include "api/app.h"
#include "api/audit.h"
#include "api/auth.h"
#include "ipam/audit_query.h"
#include "lib/buf.h"
#include "ui/errors.h"
#include "ui/page.h"
#include "ui/ui_pool.h"
#include "web/fields.h"
#include "web/query.h"

/* Field names named in the summary line of a change. */
#define SUMMARY_FIELDS 4

/* The query parameters of the filter form, kept by paging and exports. */
static const char *const filter_names[] = { "actor", "action", "object_type",
	"object_id", "since", "until", NULL };

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/*
 * The kind of an action, for its badge: "add", "remove", "alert" or
 * "change".  The badge prints the action itself; the kind only adds a
 * mark.
 */
static const char *
verb_of(const char *action)
{
	static const struct {
		const char *suffix;
		const char *verb;
	} verbs[] = { { ".create", "add" }, { ".sso_create", "add" },
		{ ".import", "add" }, { ".allocate", "add" },
		{ ".delete", "remove" }, { ".revoke", "remove" },
		{ ".failed", "alert" } };
	size_t i;

	if (strcmp(action, "setup") == 0)
		return "add";
	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (ends_with(action, verbs[i].suffix))
			return verbs[i].verb;
	return "change";
}

/*
 * The page of the object, when it has one, it still exists and the
 * reader may open it (a user's page is for admins).
 */
static const char *
object_href(struct web_req *req, const struct store_audit *ev)
{
	static const struct {
		const char *type;
		const char *path;
		enum ipam_perm perm;
	} pages[] = { { "pool", "/pools/", IPAM_PERM_READ },
		{ "account", "/accounts/", IPAM_PERM_READ },
		{ "user", "/users/", IPAM_PERM_ADMIN } };
	const struct ipam_identity *reader = auth_identity(req);
	long long id;
	size_t i;

	if (strcmp(ev->object_type, "special_range") == 0)
		return "/special-ranges";
	if (ends_with(ev->action, ".delete") ||
	    web_parse_int(ev->object_id, 1, INT64_MAX, &id) == -1)
		return NULL;
	for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++)
		if (strcmp(ev->object_type, pages[i].type) == 0)
			return ipam_identity_may(reader, pages[i].perm, 0)
			           ? arena_printf(req->arena, "%s%lld",
			                 pages[i].path, id)
			           : NULL;
	return NULL;
}

/* "pool #12", "setting instance_name", "special range #3". */
static const char *
object_label(struct web_req *req, const struct store_audit *ev)
{
	char *type = arena_strdup(req->arena, ev->object_type), *p;
	long long id;
	int numeric = web_parse_int(ev->object_id, 1, INT64_MAX, &id) == 0;

	if (type == NULL)
		return ev->object_type;
	for (p = type; *p != '\0'; p++)
		if (*p == '_')
			*p = ' ';
	if (ev->object_id[0] == '\0')
		return type;
	return arena_printf(
	    req->arena, "%s %s%s", type, numeric ? "#" : "", ev->object_id);
}

/* The name the object had (after the change, else before), or NULL. */
static struct json_object *
object_name(const struct store_audit *ev)
{
	static const char *const keys[] = { "name", "username" };
	const char *text = ev->after ? ev->after : ev->before;
	struct json_object *o, *v, *out = NULL;
	size_t i;

	if (text == NULL || (o = json_tokener_parse(text)) == NULL)
		return NULL;
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]) && out == NULL; i++)
		if (json_object_object_get_ex(o, keys[i], &v) &&
		    json_object_is_type(v, json_type_string) &&
		    strcmp(json_object_get_string(v), ev->object_id) != 0)
			out = json_object_get(v);
	json_object_put(o);
	return out;
}

/* The line a closed <details> shows: what kind of change, which fields. */
static const char *
changes_label(struct web_req *req, const struct store_audit *ev,
    struct json_object *changes)
{
	struct buf b = BUF_INIT;
	size_t n = json_object_array_length(changes), i;
	const char *out;

	if (ev->before == NULL)
		return arena_printf(
		    req->arena, "%zu field%s as created", n, n == 1 ? "" : "s");
	if (ev->after == NULL)
		return arena_printf(req->arena, "%zu field%s as last seen", n,
		    n == 1 ? "" : "s");
	buf_printf(&b, "%zu field%s changed: ", n, n == 1 ? "" : "s");
	for (i = 0; i < n && i < SUMMARY_FIELDS; i++)
		buf_printf(&b, "%s%s", i ? ", " : "",
		    json_object_get_string(json_object_object_get(
		        json_object_array_get_idx(changes, i), "field")));
	if (n > SUMMARY_FIELDS)
		buf_printf(&b, " and %zu more", n - SUMMARY_FIELDS);
	out = b.oom ? NULL : arena_strdup(req->arena, b.data);
	buf_free(&b);
	return out ? out : "changed";
}

static void
add_text(struct json_object *o, const char *key, const char *value)
{
	json_object_object_add(
	    o, key, json_object_new_string(value ? value : ""));
}

/* One event as the table shows it. */
static struct json_object *
event_json(struct web_req *req, const struct store_audit *ev)
{
	struct json_object *o = json_object_new_object(), *changes;
	const char *href = object_href(req, ev);
	char at[20];

	/* "2026-11-23T08:30:00.123Z" reads as "2026-11-23 08:30:00". */
	snprintf(at, sizeof(at), "%s", ev->at);
	if (strlen(at) > 10)
		at[10] = ' ';
	json_object_object_add(o, "id", json_object_new_int64(ev->id));
	add_text(o, "at", ev->at);
	add_text(o, "at_display", at);
	add_text(o, "actor", ev->actor);
	add_text(o, "actor_type", ev->actor_type);
	json_object_object_add(
	    o, "key_id", ev->key_id ? json_object_new_int64(ev->key_id) : NULL);
	json_object_object_add(o, "actor_other",
	    json_object_new_boolean(strcmp(ev->actor_type, "user") != 0 &&
	                            strcmp(ev->actor_type, "key") != 0));
	add_text(o, "action", ev->action);
	add_text(o, "verb", verb_of(ev->action));
	add_text(o, "object_type", ev->object_type);
	add_text(o, "object_id", ev->object_id);
	add_text(o, "object_label", object_label(req, ev));
	json_object_object_add(o, "object_name", object_name(ev));
	json_object_object_add(
	    o, "object_href", href ? json_object_new_string(href) : NULL);
	add_text(o, "client_addr", ev->client_addr);
	add_text(o, "request_id", ev->request_id);
	changes = ipam_audit_changes(ev->before, ev->after);
	if (json_object_array_length(changes) == 0) {
		json_object_put(changes);
		json_object_object_add(o, "changes", NULL);
		json_object_object_add(
		    o, "has_changes", json_object_new_boolean(0));
		return o;
	}
	json_object_object_add(o, "has_changes", json_object_new_boolean(1));
	json_object_object_add(o, "both_sides",
	    json_object_new_boolean(ev->before != NULL && ev->after != NULL));
	add_text(o, "side_label", ev->before ? "Last value" : "Value");
	add_text(o, "changes_label", changes_label(req, ev, changes));
	json_object_object_add(o, "changes", changes);
	return o;
}

static struct json_object *
events_json(struct web_req *req, const struct store_audit *rows, size_t n)
{
	struct json_object *items = json_object_new_array_ext((int)n);
	size_t i;

	for (i = 0; i < n; i++)
		json_object_array_add(items, event_json(req, &rows[i]));
	return items;
}

/* total, page, pages and prev/next links made of base and "page=N". */
static void
add_paging(struct web_req *req, struct json_object *o, const char *base,
    long long page, int64_t total)
{
	long long pages = (total + UI_AUDIT_PAGE_SIZE - 1) / UI_AUDIT_PAGE_SIZE;
	const char *sep = strchr(base, '?') ? "&" : "?";
	char *link;

	if (pages < 1)
		pages = 1;
	json_object_object_add(o, "total", json_object_new_int64(total));
	json_object_object_add(o, "page", json_object_new_int64(page));
	json_object_object_add(o, "pages", json_object_new_int64(pages));
	link = page > 1 ? arena_printf(
	                      req->arena, "%s%spage=%lld", base, sep, page - 1)
	                : NULL;
	json_object_object_add(
	    o, "prev_href", link ? json_object_new_string(link) : NULL);
	link = page < pages ? arena_printf(req->arena, "%s%spage=%lld", base,
	                          sep, page + 1)
	                    : NULL;
	json_object_object_add(
	    o, "next_href", link ? json_object_new_string(link) : NULL);
}

int
ui_audit_history(struct web_req *req, const char *object_type,
    int64_t object_id, long long page, const char *base,
    struct json_object **out, struct err *err)
{
	struct app *app = req->app;
	struct store_audit_filter f;
	struct store_page pg = { 0, UI_AUDIT_PAGE_SIZE, 0 };
	struct store_audit *rows;
	struct json_object *o;
	char id[24];
	size_t n;

	snprintf(id, sizeof(id), "%lld", (long long)object_id);
	memset(&f, 0, sizeof(f));
	f.object_type = object_type;
	f.object_id = id;
	pg.offset = (page - 1) * UI_AUDIT_PAGE_SIZE;
	if (store_audit_list(app->store, req->arena, &f, &pg, &rows, &n, err) ==
	    -1)
		return -1;
	o = json_object_new_object();
	json_object_object_add(o, "items", events_json(req, rows, n));
	json_object_object_add(o, "empty", json_object_new_boolean(n == 0));
	add_paging(req, o, base, page, pg.total);
	add_text(o, "all_href",
	    arena_printf(req->arena, "/audit?object_type=%s&object_id=%s",
	        object_type, id));
	*out = o;
	return 0;
}

/* "actor=x&since=y" of the filters given, percent-encoded; "" none. */
static const char *
kept_filters(struct web_req *req)
{
	struct buf b = BUF_INIT;
	const char *v, *out;
	size_t i;

	for (i = 0; filter_names[i] != NULL; i++) {
		v = web_query(req, filter_names[i]);
		if (v == NULL || v[0] == '\0')
			continue;
		buf_printf(&b, "%s%s=", b.len ? "&" : "", filter_names[i]);
		buf_url_encode(&b, v);
	}
	out = b.oom ? NULL : arena_strdup(req->arena, b.data ? b.data : "");
	buf_free(&b);
	return out ? out : "";
}

/* A filter's value as typed, for the form; "" when absent or not text. */
static const char *
typed(struct web_req *req, const char *name)
{
	const char *v = web_query(req, name);

	return v != NULL && web_text_valid(v, strlen(v)) ? v : "";
}

static struct json_object *
choices(const char *const *names, const char *selected)
{
	struct json_object *list = json_object_new_array(), *c;
	size_t i;

	for (i = 0; names[i] != NULL; i++) {
		c = json_object_new_object();
		add_text(c, "value", names[i]);
		json_object_object_add(c, "selected",
		    json_object_new_boolean(strcmp(names[i], selected) == 0));
		json_object_array_add(list, c);
	}
	return list;
}

static struct json_object *
filters_json(struct web_req *req, struct json_object *errors)
{
	struct json_object *o = json_object_new_object();
	size_t i;

	for (i = 0; filter_names[i] != NULL; i++)
		add_text(o, filter_names[i], typed(req, filter_names[i]));
	json_object_object_add(
	    o, "actions", choices(ipam_audit_actions, typed(req, "action")));
	json_object_object_add(o, "object_types",
	    choices(ipam_audit_object_types, typed(req, "object_type")));
	json_object_object_add(o, "errors", errors);
	return o;
}

/* The table and its paging, or nothing when the filters were refused. */
static int
add_events(struct web_req *req, struct json_object *o,
    const struct store_audit_filter *f, long long page, const char *keep,
    struct err *err)
{
	struct app *app = req->app;
	struct store_page pg = { 0, UI_AUDIT_PAGE_SIZE, 0 };
	struct store_audit *rows = NULL;
	size_t n = 0;

	pg.offset = (page - 1) * UI_AUDIT_PAGE_SIZE;
	if (f != NULL && store_audit_list(app->store, req->arena, f, &pg, &rows,
	                     &n, err) == -1)
		return -1;
	json_object_object_add(o, "items", events_json(req, rows, n));
	json_object_object_add(o, "empty", json_object_new_boolean(n == 0));
	add_paging(req, o,
	    keep[0] ? arena_printf(req->arena, "/audit?%s", keep) : "/audit",
	    page, pg.total);
	return 0;
}

int
ui_audit(struct web_req *req, struct web_resp *resp)
{
	struct store_audit_filter f;
	struct json_object *data, *o, *errors = NULL;
	struct err err = ERR_INIT;
	const char *keep;
	long long page;
	int status = 200;

	if (web_query_int(req, "page", 1, 1000000000, 1, &page, &err) == -1)
		return ui_error(req, resp, &err);
	if (api_audit_filter(req, &f, &err) == -1) {
		if (err.status >= 500)
			return ui_error(req, resp, &err);
		errors = ui_form_errors(err.field, err.message);
		status = 400;
	}
	keep = kept_filters(req);
	o = json_object_new_object();
	json_object_object_add(o, "filters", filters_json(req, errors));
	if (add_events(req, o, status == 200 ? &f : NULL, page, keep, &err) ==
	    -1) {
		json_object_put(o);
		return ui_error(req, resp, &err);
	}
	json_object_object_add(
	    o, "filtered", json_object_new_boolean(keep[0] != '\0'));
	add_text(o, "csv_href",
	    arena_printf(req->arena, "/api/v1/audit/export?format=csv%s%s",
	        keep[0] ? "&" : "", keep));
	add_text(o, "jsonl_href",
	    arena_printf(req->arena, "/api/v1/audit/export?format=jsonl%s%s",
	        keep[0] ? "&" : "", keep));
	data = json_object_new_object();
	json_object_object_add(data, "audit_page", o);
	web_header_set(resp, "Cache-Control", "no-store");
	return ui_page_render(
	    req, resp, status, "audit", "Audit log", "audit", data);
}
