/*
 * fields.h: declared input fields, checked before a handler acts.
 *
 * A handler lists the fields it takes in a table indexed by its own enum
 * (as kcgi's struct kvalid).  web_fields_json() checks a JSON object
 * against the table: unknown fields, missing required ones, wrong types
 * and values out of range are refused with 400 and the field named, so
 * the domain only ever sees typed, bounded values.
 */
#ifndef CLOUDPAM_WEB_FIELDS_H
#define CLOUDPAM_WEB_FIELDS_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "lib/err.h"

enum web_field_type {
	WEB_FIELD_STRING, /* UTF-8 text, length within [min, max] */
	WEB_FIELD_INT,    /* integer within [min, max] */
	WEB_FIELD_BOOL,
	WEB_FIELD_ID,     /* a positive integer, or null (0) */
	WEB_FIELD_OBJECT, /* a JSON object, checked by the handler */
	WEB_FIELD_ARRAY,  /* a JSON array of [min, max] items, each checked
	                     by the handler */
	WEB_FIELD__MAX
};

#define WEB_REQUIRED 0x1u

struct web_field {
	const char *name;
	enum web_field_type type;
	unsigned flags;
	long long min, max; /* length for strings, value for integers,
	                       items for arrays */
};

struct web_value {
	int present;
	const char *s;           /* STRING: points into the JSON object */
	size_t len;              /* STRING: bytes; ARRAY: items */
	long long i;             /* INT, BOOL, ID (0 for null) */
	struct json_object *obj; /* OBJECT, ARRAY: borrowed from the input */
};

/*
 * Check obj against fields[0..n) and fill values[0..n).  Returns -1 with
 * err (400, code "unknown_field", "missing_field", "invalid_type" or
 * "invalid_value", field named) on the first problem.  Strings stay valid
 * while obj lives.
 */
int web_fields_json(struct json_object *obj, const struct web_field *fields,
    size_t n, struct web_value *values, struct err *err);

/* Whether s (len bytes) is well-formed UTF-8 without NUL or C0 controls
 * other than tab, newline and carriage return. */
int web_text_valid(const char *s, size_t len);

#endif
