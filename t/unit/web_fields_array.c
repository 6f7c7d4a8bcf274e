/*
 * web_fields_array.c: WEB_FIELD_ARRAY in web_fields_json: an array of
 * [min, max] items is taken and borrowed, anything else is refused with
 * the field named.
 */
#include <string.h>

#include <json-c/json.h>

#include "tap.h"
#include "web/fields.h"

enum { F_NAME, F_REGIONS, F__MAX };

static const struct web_field fields[F__MAX] = {
	{ "name", WEB_FIELD_STRING, 0, 1, 8 },   /* F_NAME */
	{ "regions", WEB_FIELD_ARRAY, 0, 0, 3 }, /* F_REGIONS */
};

static const struct {
	const char *text;
	const char *code; /* "" when accepted */
	const char *field;
	long long items; /* when accepted: -1 absent, else the item count */
} cases[] = {
	{ "{\"regions\":[]}", "", "", 0 },
	{ "{\"regions\":[\"eu-west-1\"]}", "", "", 1 },
	{ "{\"regions\":[\"a\",\"b\",\"c\"]}", "", "", 3 },
	{ "{\"regions\":[1,null,{}]}", "", "", 3 }, /* items: the handler's */
	{ "{\"name\":\"x\"}", "", "", -1 },
	{ "{\"regions\":[\"a\",\"b\",\"c\",\"d\"]}", "invalid_value", "regions",
	    0 },
	{ "{\"regions\":\"eu-west-1\"}", "invalid_type", "regions", 0 },
	{ "{\"regions\":{}}", "invalid_type", "regions", 0 },
	{ "{\"regions\":null}", "invalid_type", "regions", 0 },
	{ "{\"regions\":7}", "invalid_type", "regions", 0 },
	{ "{\"region\":[]}", "unknown_field", "", 0 },
};

static const struct web_field required[] = {
	{ "regions", WEB_FIELD_ARRAY, WEB_REQUIRED, 1, 2 },
};

static void
check(const char *text, const char *want_code, const char *want_field,
    long long items)
{
	struct web_value v[F__MAX];
	struct json_object *o = json_tokener_parse(text);
	struct err err = ERR_INIT;
	int rc, pass;

	rc = web_fields_json(o, fields, F__MAX, v, &err);
	pass = strcmp(err.code, want_code) == 0 &&
	       strcmp(err.field, want_field) == 0 && (rc == 0) == !*want_code;
	if (pass && rc == 0 && items < 0)
		pass = !v[F_REGIONS].present && v[F_REGIONS].obj == NULL;
	else if (pass && rc == 0)
		pass = v[F_REGIONS].present &&
		       json_object_is_type(v[F_REGIONS].obj, json_type_array) &&
		       (long long)v[F_REGIONS].len == items;
	tap_ok(pass, "%s %s", *want_code ? "refuse" : "take", text);
	if (!pass)
		tap_diag(
		    "have: %s \"%s\" (%s); want: \"%s\" \"%s\", %lld items",
		    rc == 0 ? "accepted" : "refused", err.code, err.field,
		    want_code, want_field, items);
	json_object_put(o);
}

int
main(void)
{
	struct web_value v[1];
	struct json_object *o;
	struct err err = ERR_INIT;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check(cases[i].text, cases[i].code, cases[i].field,
		    cases[i].items);

	o = json_tokener_parse("{}");
	web_fields_json(o, required, 1, v, &err);
	tap_str(err.code, "missing_field", "required array absent: refused");
	json_object_put(o);
	err_clear(&err);
	o = json_tokener_parse("{\"regions\":[]}");
	web_fields_json(o, required, 1, v, &err);
	tap_str(err.code, "invalid_value", "required array under min: refused");
	json_object_put(o);
	return tap_done();
}
