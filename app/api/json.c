/*
 * json.c: building the JSON objects of pools, VRFs and accounts.
 */
#include "api/json.h"

#include <ctype.h>
#include <string.h>

#include "web/fields.h"

static void
add_string(struct json_object *o, const char *key, const char *value)
{
	json_object_object_add(
	    o, key, json_object_new_string(value ? value : ""));
}

static void
add_id(struct json_object *o, const char *key, int64_t id)
{
	json_object_object_add(o, key, id ? json_object_new_int64(id) : NULL);
}

struct json_object *
api_tags_json(const char *text)
{
	struct json_object *o = json_tokener_parse(text ? text : "{}");

	if (o == NULL || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		o = json_object_new_object();
	}
	return o;
}

struct json_object *
api_utilization_json(const struct store_pool *p)
{
	struct ipam_utilization u;
	struct json_object *o = json_object_new_object();
	char text[IP_COUNT_STRLEN];

	ipam_pool_utilization_of(p, &u);
	add_string(o, "used", ip_count_format(&u.used, text));
	add_string(o, "free", ip_count_format(&u.free, text));
	add_string(o, "total", ip_count_format(&u.total, text));
	json_object_object_add(o, "percent",
	    json_object_new_double(
	        (double)(long long)(u.percent * 100 + 0.5) / 100.0));
	return o;
}

struct json_object *
api_pool_json(const struct store_pool *p)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "id", json_object_new_int64(p->id));
	add_string(o, "name", p->name);
	add_string(o, "cidr", p->cidr);
	json_object_object_add(o, "family", json_object_new_int(p->family));
	json_object_object_add(
	    o, "prefix_len", json_object_new_int(p->prefix_len));
	json_object_object_add(o, "vrf_id", json_object_new_int64(p->vrf_id));
	add_string(o, "vrf_name", p->vrf_name);
	add_id(o, "parent_id", p->parent_id);
	add_id(o, "account_id", p->account_id);
	if (p->account_id)
		add_string(o, "account_name", p->account_name);
	else
		json_object_object_add(o, "account_name", NULL);
	add_string(o, "type", p->type);
	add_string(o, "status", p->status);
	add_string(o, "source", p->source);
	add_string(o, "description", p->description);
	json_object_object_add(o, "tags", api_tags_json(p->tags));
	add_string(o, "external_id", p->external_id);
	add_string(o, "region", p->region);
	json_object_object_add(
	    o, "children_count", json_object_new_int64(p->children));
	json_object_object_add(o, "utilization", api_utilization_json(p));
	add_string(o, "created_at", p->created_at);
	add_string(o, "updated_at", p->updated_at);
	add_string(o, "created_by", p->created_by);
	add_string(o, "updated_by", p->updated_by);
	return o;
}

struct json_object *
api_vrf_json(const struct store_vrf *v)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "id", json_object_new_int64(v->id));
	add_string(o, "name", v->name);
	add_string(o, "rd", v->rd);
	add_string(o, "description", v->description);
	json_object_object_add(
	    o, "pools_count", json_object_new_int64(v->pools));
	add_string(o, "created_at", v->created_at);
	add_string(o, "updated_at", v->updated_at);
	return o;
}

struct json_object *
api_account_json(const struct store_account *a)
{
	struct json_object *o = json_object_new_object();
	struct json_object *regions = json_tokener_parse(a->regions);

	if (regions == NULL || !json_object_is_type(regions, json_type_array)) {
		json_object_put(regions);
		regions = json_object_new_array();
	}
	json_object_object_add(o, "id", json_object_new_int64(a->id));
	add_string(o, "provider", a->provider);
	add_string(o, "external_key", a->external_key);
	add_string(o, "name", a->name);
	add_string(o, "platform", a->platform);
	add_string(o, "tier", a->tier);
	add_string(o, "environment", a->environment);
	json_object_object_add(o, "regions", regions);
	json_object_object_add(o, "tags", api_tags_json(a->tags));
	add_string(o, "description", a->description);
	json_object_object_add(
	    o, "pools_count", json_object_new_int64(a->pools));
	add_string(o, "created_at", a->created_at);
	add_string(o, "updated_at", a->updated_at);
	return o;
}

struct json_object *
api_list_json(
    struct json_object *items, int64_t total, const struct web_paging *paging)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "items", items);
	json_object_object_add(o, "total", json_object_new_int64(total));
	json_object_object_add(o, "page", json_object_new_int64(paging->page));
	json_object_object_add(
	    o, "page_size", json_object_new_int64(paging->page_size));
	return o;
}

static int
tag_key_valid(const char *k)
{
	size_t i, n = strlen(k);

	if (n == 0 || n > 64)
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)k[i]) &&
		    strchr("_.:-", k[i]) == NULL)
			return 0;
	return 1;
}

int
api_tags_text(struct json_object *tags, struct arena *arena, const char **text,
    struct err *err)
{
	struct json_object_iterator it, end;
	struct json_object *v;
	const char *key;
	size_t n = 0;

	if (tags == NULL || !json_object_is_type(tags, json_type_object))
		return err_field(err, 400, "invalid_type", "tags",
		    "tags must be an object of strings");
	it = json_object_iter_begin(tags);
	end = json_object_iter_end(tags);
	for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
		key = json_object_iter_peek_name(&it);
		v = json_object_iter_peek_value(&it);
		if (++n > 64)
			return err_field(err, 400, "invalid_value", "tags",
			    "at most 64 tags");
		if (!tag_key_valid(key))
			return err_field(err, 400, "invalid_value", "tags",
			    "tag names are 1 to 64 of letters, digits and "
			    "_ . : -");
		if (!json_object_is_type(v, json_type_string) ||
		    json_object_get_string_len(v) > 256 ||
		    !web_text_valid(json_object_get_string(v),
		        (size_t)json_object_get_string_len(v)))
			return err_field(err, 400, "invalid_value", "tags",
			    "tag values are text of at most 256 bytes");
	}
	*text = arena_strdup(arena,
	    json_object_to_json_string_ext(
	        tags, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	return *text ? 0 : err_set(err, 500, "internal", "out of memory");
}

int
api_optional_id(
    struct json_object *v, const char *field, int64_t *out, struct err *err)
{
	*out = 0;
	if (v == NULL)
		return 0;
	if (!json_object_is_type(v, json_type_int) ||
	    json_object_get_int64(v) <= 0)
		return err_field(err, 400, "invalid_type", field,
		    "%s must be a positive integer id or null", field);
	*out = json_object_get_int64(v);
	return 0;
}

int
api_pool_list_respond(struct web_resp *resp, const struct store_pool *rows,
    size_t n, int64_t total, const struct web_paging *paging)
{
	struct json_object *o;
	const char *text;
	size_t len, i;

	resp->status = 200;
	resp->content_type = "application/json";
	buf_reset(resp->body);
	buf_puts(resp->body, "{\"items\":[");
	for (i = 0; i < n; i++) {
		o = api_pool_json(&rows[i]);
		text = json_object_to_json_string_length(o,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE,
		    &len);
		if (i > 0)
			buf_putc(resp->body, ',');
		buf_append(resp->body, text, len);
		json_object_put(o);
	}
	buf_printf(resp->body,
	    "],\"total\":%lld,\"page\":%lld,"
	    "\"page_size\":%lld}\n",
	    (long long)total, paging->page, paging->page_size);
	return 0;
}
