/*
 * Fuzz target: the JSON body reader and the field table checks, the path
 * every API request body takes before the domain sees it.
 */
#include <stdint.h>
#include <string.h>

#include "web/fields.h"
#include "web/request.h"

static const struct web_field fields[] = {
	{ "name", WEB_FIELD_STRING, WEB_REQUIRED, 1, 100 },
	{ "prefix_len", WEB_FIELD_INT, 0, 0, 128 },
	{ "dry_run", WEB_FIELD_BOOL, 0, 0, 1 },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct web_value values[3];
	struct json_object *obj;
	struct err err = ERR_INIT;

	if (web_json_parse((const char *)data, size, 32, &obj, &err) == 0) {
		web_fields_json(obj, fields, 3, values, &err);
		json_object_put(obj);
	}
	web_text_valid((const char *)data, size);
	return 0;
}
