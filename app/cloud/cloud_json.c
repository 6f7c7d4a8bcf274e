/*
 * cloud_json.c: what the JSON readers of cloud answers share.
 *
 * gcp_json.c (Compute Engine) and azure_json.c (Resource Manager) read an
 * answer the same way: parse it whole, strictly and bounded; pick typed
 * values out of the tree without copying them; say why a record is
 * refused in a buffer of the reader's size and hand the reason to the
 * sink; gather a record's CIDRs once each; copy the next page's token or
 * link into the caller's arena.  Those steps live here, once.
 */
#include "cloud/cloud_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "ip/ip.h"
#include "lib/arena.h"
#include "lib/err.h"

int
cloud_json_why(char *why, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, size, fmt, ap);
	va_end(ap);
	return -1;
}

int
cloud_json_vrefuse(const struct cloud_sink *sink, struct err *err,
    enum cloud_kind kind, const char *resource, size_t size, const char *fmt,
    va_list ap)
{
	char message[CLOUD_JSON_WHY_MAX];
	size_t i;

	vsnprintf(
	    message, size < sizeof(message) ? size : sizeof(message), fmt, ap);
	for (i = 0; message[i] != '\0'; i++)
		if ((unsigned char)message[i] < ' ' || message[i] == 0x7f)
			message[i] = '?';
	if (sink->on_error != NULL &&
	    sink->on_error(sink->ctx, kind, resource, message) == 0)
		return 0;
	return err_set(err, 502, "bad_record", "%s %s: %s",
	    cloud_kind_names[kind], resource, message);
}

int
cloud_json_get_string(struct json_object *o, const char *key, const char **out)
{
	struct json_object *v;

	*out = NULL;
	if (!json_object_object_get_ex(o, key, &v) || v == NULL)
		return 0;
	if (!json_object_is_type(v, json_type_string))
		return -1;
	*out = json_object_get_string(v);
	if (strlen(*out) != (size_t)json_object_get_string_len(v)) {
		*out = NULL;
		return -1;
	}
	return 0;
}

int
cloud_json_get_typed(struct json_object *o, const char *key, enum json_type t,
    struct json_object **out)
{
	*out = NULL;
	if (!json_object_object_get_ex(o, key, out) || *out == NULL)
		return 0;
	if (!json_object_is_type(*out, t)) {
		*out = NULL;
		return -1;
	}
	return 0;
}

const char *
cloud_json_string_or(
    struct json_object *o, const char *key, const char *fallback)
{
	const char *s;

	if (cloud_json_get_string(o, key, &s) == 0 && s != NULL && *s != '\0')
		return s;
	return fallback;
}

int
cloud_json_need_string(struct json_object *o, const char *key, const char **out,
    char *why, size_t size)
{
	if (cloud_json_get_string(o, key, out) == -1)
		return cloud_json_why(why, size, "%s is not a string", key);
	if (*out == NULL || **out == '\0')
		return cloud_json_why(why, size, "no %s", key);
	return 0;
}

int
cloud_json_opt_string(struct json_object *o, const char *key, const char **out,
    char *why, size_t size)
{
	if (cloud_json_get_string(o, key, out) == -1)
		return cloud_json_why(why, size, "%s is not a string", key);
	if (*out == NULL)
		*out = "";
	return 0;
}

int
cloud_json_tags_read(struct json_object *o, const char *key,
    const char *singular, struct cloud_common *c, char *why, size_t size)
{
	struct json_object *tags, *v;
	struct json_object_iterator it, end;

	if (cloud_json_get_typed(o, key, json_type_object, &tags) == -1)
		return cloud_json_why(why, size, "%s is not an object", key);
	if (tags == NULL)
		return 0;
	it = json_object_iter_begin(tags);
	end = json_object_iter_end(tags);
	for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
		v = json_object_iter_peek_value(&it);
		if (c->ntags == CLOUD_TAGS_MAX)
			return cloud_json_why(
			    why, size, "more than %d %s", CLOUD_TAGS_MAX, key);
		if (v == NULL || !json_object_is_type(v, json_type_string))
			return cloud_json_why(
			    why, size, "a %s value is not a string", singular);
		c->tags[c->ntags].key = json_object_iter_peek_name(&it);
		c->tags[c->ntags].value = json_object_get_string(v);
		c->ntags++;
	}
	return 0;
}

int
cloud_json_answer_parse(const struct cloud_json_api *api, const char *json,
    size_t len, struct json_object **out, struct err *err)
{
	struct json_tokener *tok;
	struct json_object *root;
	enum json_tokener_error jerr;
	size_t end;

	*out = NULL;
	if (json == NULL || len == 0)
		return err_set(err, 502, "invalid_json", "empty answer");
	if (len > api->max)
		return err_set(err, 502, "answer_too_large",
		    "answer of %zu bytes; at most %zu are read", len, api->max);
	if ((tok = json_tokener_new_ex(api->depth)) == NULL)
		return err_set(err, 500, "internal", "out of memory");
	json_tokener_set_flags(
	    tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	root = json_tokener_parse_ex(tok, json, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	while (end < len && (json[end] == ' ' || json[end] == '\t' ||
	                        json[end] == '\r' || json[end] == '\n'))
		end++;
	if (jerr != json_tokener_success || root == NULL || end != len) {
		json_object_put(root);
		return err_set(err, 502, "invalid_json",
		    "malformed JSON at byte %zu: %s", end,
		    jerr == json_tokener_success ? "unexpected data after it"
		    : jerr == json_tokener_continue
		        ? "unexpected end of input"
		        : json_tokener_error_desc(jerr));
	}
	if (!json_object_is_type(root, json_type_object)) {
		json_object_put(root);
		return err_set(err, 502, "invalid_json",
		    "the answer is not a JSON object");
	}
	*out = root;
	return 0;
}

int
cloud_json_next_copy(const struct cloud_json_api *api, struct json_object *root,
    struct arena *arena, char **out, struct err *err)
{
	const char *next;

	if (cloud_json_get_string(root, api->next_key, &next) == -1)
		return err_set(err, 502, "unexpected_answer",
		    "%s is not a string", api->next_key);
	if (next == NULL || *next == '\0')
		return 0;
	if (strlen(next) > (size_t)api->next_max)
		return err_set(err, 502, "unexpected_answer",
		    "%s of %zu bytes; at most %d are taken", api->next_key,
		    strlen(next), api->next_max);
	if ((*out = arena_strdup(arena, next)) == NULL)
		return err_set(err, 500, "internal", "out of memory");
	return 0;
}

int
cloud_json_read(const struct cloud_json_api *api, const char *json, size_t len,
    int (*walk)(void *ctx, struct json_object *root), void *ctx,
    struct arena *arena, char **next, struct err *err)
{
	struct json_object *root;
	int rc = -1;

	if (cloud_json_answer_parse(api, json, len, &root, err) == -1)
		return -1;
	if (walk(ctx, root) == -1 ||
	    cloud_json_next_copy(api, root, arena, next, err) == -1)
		goto fail;
	rc = 0;
fail:
	json_object_put(root);
	return rc;
}

int
cloud_cidr_set_add(struct cloud_cidr_set *set, const struct ip_prefix *p,
    const char *name, int secondary)
{
	size_t i, n = *set->ncidrs;

	for (i = 0; i < n; i++)
		if (ip_prefix_compare(&set->prefixes[i], p) == 0)
			return 0;
	if (n == CLOUD_CIDRS_MAX)
		return -1;
	set->prefixes[n] = *p;
	set->cidrs[n].cidr = ip_prefix_format(p, set->texts[n]);
	set->cidrs[n].name = name;
	set->cidrs[n].state = "";
	set->cidrs[n].secondary = secondary;
	*set->ncidrs = n + 1;
	return 0;
}
