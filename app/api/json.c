/*
 * json.c: building the JSON objects of pools, VRFs and accounts.
 */
#include "api/json.h"

#include <ctype.h>
#include <string.h>

#include "web/fields.h"

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
		o = ipam_pool_json(&rows[i]);
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
