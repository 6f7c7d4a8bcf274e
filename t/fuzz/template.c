/*
 * Fuzz target for app/web/template.c and template_parse.c: parse the input
 * as a Mustache template and render it against fixed data holding strings
 * to escape, numbers, booleans, null, lists and nested objects.  Every
 * partial resolves to the input itself, so recursion limits get exercised.
 * A syntax error or a render error is a fine outcome; a crash, a leak or
 * undefined behaviour is not.
 */
#include "web/template.h"

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "lib/buf.h"
#include "lib/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char fixed_data[] =
    "{\"name\": \"<b>&'\\\"\", \"n\": 42, \"d\": 1.21, \"zero\": 0,"
    " \"empty\": \"\", \"t\": true, \"f\": false, \"z\": null,"
    " \"list\": [1, \"two\", {\"name\": \"x\", \"list\": []}, [3, 4]],"
    " \"obj\": {\"a\": {\"b\": \"c\", \"list\": [\"p\", \"q\"]}, \"n\": -1},"
    " \"rows\": [{\"name\": \"r1\", \"rows\": [{\"name\": \"r2\"}]}]}";

static struct template *
partial_self(void *ctx, const char *name)
{
	(void)name;
	return ctx;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct json_object *object;
	struct err err = ERR_INIT;
	struct buf out = BUF_INIT;
	struct template *t;

	/* Parsed once and kept for the process: read-only while rendering. */
	if (object == NULL)
		object = json_tokener_parse(fixed_data);
	t = template_parse((const char *)data, size, &err);
	if (t == NULL)
		return 0;
	template_render(t, object, partial_self, t, &out, &err);
	template_free(t);
	buf_free(&out);
	return 0;
}
