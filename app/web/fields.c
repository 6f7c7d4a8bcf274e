/*
 * fields.c: checking JSON input against a field table.
 */
#include "web/fields.h"

#include <string.h>

#include "lib/text.h"

int
web_text_valid(const char *s, size_t len)
{
	return text_valid(s, len);
}

static int
field_index(const struct web_field *fields, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(fields[i].name, name) == 0)
			return (int)i;
	return -1;
}

static int
check_string(const struct web_field *f, struct json_object *v,
    struct web_value *out, struct err *err)
{
	if (!json_object_is_type(v, json_type_string))
		return err_field(err, 400, "invalid_type", f->name,
		    "%s must be a string", f->name);
	out->s = json_object_get_string(v);
	out->len = (size_t)json_object_get_string_len(v);
	if (!web_text_valid(out->s, out->len))
		return err_field(err, 400, "invalid_value", f->name,
		    "%s must be UTF-8 text without control characters",
		    f->name);
	if ((long long)out->len < f->min || (long long)out->len > f->max)
		return err_field(err, 400, "invalid_value", f->name,
		    "%s must be %lld to %lld bytes long", f->name, f->min,
		    f->max);
	return 0;
}

static int
check_int(const struct web_field *f, struct json_object *v,
    struct web_value *out, struct err *err)
{
	int64_t i;

	if (!json_object_is_type(v, json_type_int))
		return err_field(err, 400, "invalid_type", f->name,
		    "%s must be an integer", f->name);
	i = json_object_get_int64(v);
	if (i < f->min || i > f->max)
		return err_field(err, 400, "invalid_value", f->name,
		    "%s must be from %lld to %lld", f->name, f->min, f->max);
	out->i = i;
	return 0;
}

static int
check_array(const struct web_field *f, struct json_object *v,
    struct web_value *out, struct err *err)
{
	long long n;

	if (!json_object_is_type(v, json_type_array))
		return err_field(err, 400, "invalid_type", f->name,
		    "%s must be an array", f->name);
	n = (long long)json_object_array_length(v);
	if (n < f->min || n > f->max)
		return err_field(err, 400, "invalid_value", f->name,
		    "%s must hold %lld to %lld items", f->name, f->min, f->max);
	out->obj = v;
	out->len = (size_t)n;
	return 0;
}

int
web_fields_json(struct json_object *obj, const struct web_field *fields,
    size_t n, struct web_value *values, struct err *err)
{
	const struct web_field *f;
	struct json_object_iterator it, end;
	struct json_object *v;
	const char *name;
	int idx;
	size_t i;

	memset(values, 0, n * sizeof(*values));
	it = json_object_iter_begin(obj);
	end = json_object_iter_end(obj);
	for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
		name = json_object_iter_peek_name(&it);
		idx = field_index(fields, n, name);
		if (idx == -1)
			return err_field(err, 400, "unknown_field", "",
			    "unknown field \"%.*s\"", 60, name);
		f = &fields[idx];
		v = json_object_iter_peek_value(&it);
		values[idx].present = 1;
		if (f->type == WEB_FIELD_STRING &&
		    check_string(f, v, &values[idx], err) == -1)
			return -1;
		if (f->type == WEB_FIELD_INT &&
		    check_int(f, v, &values[idx], err) == -1)
			return -1;
		if (f->type == WEB_FIELD_ARRAY &&
		    check_array(f, v, &values[idx], err) == -1)
			return -1;
		if (f->type == WEB_FIELD_ID) {
			if (v != NULL &&
			    (!json_object_is_type(v, json_type_int) ||
			        json_object_get_int64(v) <= 0))
				return err_field(err, 400, "invalid_type",
				    f->name,
				    "%s must be a positive integer id or null",
				    f->name);
			values[idx].i = v ? json_object_get_int64(v) : 0;
		}
		if (f->type == WEB_FIELD_OBJECT) {
			if (!json_object_is_type(v, json_type_object))
				return err_field(err, 400, "invalid_type",
				    f->name, "%s must be an object", f->name);
			values[idx].obj = v;
		}
		if (f->type == WEB_FIELD_BOOL) {
			if (!json_object_is_type(v, json_type_boolean))
				return err_field(err, 400, "invalid_type",
				    f->name, "%s must be true or false",
				    f->name);
			values[idx].i = json_object_get_boolean(v);
		}
	}
	for (i = 0; i < n; i++)
		if ((fields[i].flags & WEB_REQUIRED) && !values[i].present)
			return err_field(err, 400, "missing_field",
			    fields[i].name, "%s is required", fields[i].name);
	return 0;
}
