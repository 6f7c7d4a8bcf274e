/*
 * transfer.c: the columns of pool and account rows and the two text forms
 * of their structured values (tags, lists), shared by import and export.
 *
 * The tag rules repeat the API's (app/api/json.c) because app/ipam cannot
 * reach up to it; both must change together.
 */
#include "ipam/transfer.h"

#include <ctype.h>
#include <stdint.h>
#include <string.h>

#include "ipam/csv.h"
#include "lib/text.h"

#define TAGS_MAX 64
#define TAG_NAME_MAX 64
#define TAG_VALUE_MAX 256
#define REGIONS_MAX 64
#define REGION_MAX 64

const char *const ipam_transfer_kinds[IPAM_TRANSFER__MAX] = {
	"pools",    /* IPAM_TRANSFER_POOLS */
	"accounts", /* IPAM_TRANSFER_ACCOUNTS */
};

const char *const ipam_format_names[IPAM_FORMAT__MAX] = {
	"csv",  /* IPAM_FORMAT_CSV */
	"json", /* IPAM_FORMAT_JSON */
};

const char *const ipam_import_phases[IPAM_IMPORT_PHASE__MAX] = {
	"parsing",   /* IPAM_IMPORT_PARSE */
	"importing", /* IPAM_IMPORT_APPLY */
};

const struct ipam_column ipam_pool_columns[IPAM_PC__MAX] = {
	{ "name", IPAM_COLUMN_TEXT, 1, 100 },         /* IPAM_PC_NAME */
	{ "cidr", IPAM_COLUMN_TEXT, 1, 64 },          /* IPAM_PC_CIDR */
	{ "vrf", IPAM_COLUMN_TEXT, 0, 64 },           /* IPAM_PC_VRF */
	{ "parent_cidr", IPAM_COLUMN_TEXT, 0, 64 },   /* IPAM_PC_PARENT_CIDR */
	{ "account_key", IPAM_COLUMN_TEXT, 0, 200 },  /* IPAM_PC_ACCOUNT_KEY */
	{ "type", IPAM_COLUMN_TEXT, 0, 16 },          /* IPAM_PC_TYPE */
	{ "status", IPAM_COLUMN_TEXT, 0, 16 },        /* IPAM_PC_STATUS */
	{ "source", IPAM_COLUMN_TEXT, 0, 16 },        /* IPAM_PC_SOURCE */
	{ "description", IPAM_COLUMN_TEXT, 0, 1000 }, /* IPAM_PC_DESCRIPTION */
	{ "tags", IPAM_COLUMN_TAGS, 0, 0 },           /* IPAM_PC_TAGS */
	{ "external_id", IPAM_COLUMN_TEXT, 0, 200 },  /* IPAM_PC_EXTERNAL_ID */
	{ "region", IPAM_COLUMN_TEXT, 0, 64 },        /* IPAM_PC_REGION */
};

const struct ipam_column ipam_account_columns[IPAM_AC__MAX] = {
	{ "provider", IPAM_COLUMN_TEXT, 1, 16 },      /* IPAM_AC_PROVIDER */
	{ "external_key", IPAM_COLUMN_TEXT, 1, 200 }, /* IPAM_AC_EXTERNAL_KEY */
	{ "name", IPAM_COLUMN_TEXT, 1, 100 },         /* IPAM_AC_NAME */
	{ "platform", IPAM_COLUMN_TEXT, 0, 64 },      /* IPAM_AC_PLATFORM */
	{ "tier", IPAM_COLUMN_TEXT, 0, 16 },          /* IPAM_AC_TIER */
	{ "environment", IPAM_COLUMN_TEXT, 0, 64 },   /* IPAM_AC_ENVIRONMENT */
	{ "regions", IPAM_COLUMN_REGIONS, 0, 0 },     /* IPAM_AC_REGIONS */
	{ "tags", IPAM_COLUMN_TAGS, 0, 0 },           /* IPAM_AC_TAGS */
	{ "description", IPAM_COLUMN_TEXT, 0, 1000 }, /* IPAM_AC_DESCRIPTION */
};

int
ipam_transfer_lookup(const char *name, const char *const *names, size_t n)
{
	size_t i;

	for (i = 0; name != NULL && i < n; i++)
		if (strcmp(name, names[i]) == 0)
			return (int)i;
	return -1;
}

const struct ipam_column *
ipam_transfer_columns(enum ipam_transfer_kind kind, size_t *n)
{
	if (kind == IPAM_TRANSFER_ACCOUNTS) {
		*n = IPAM_AC__MAX;
		return ipam_account_columns;
	}
	*n = IPAM_PC__MAX;
	return ipam_pool_columns;
}

int
ipam_text_valid(const char *s, size_t len)
{
	return text_valid(s, len);
}

static int
tag_name_valid(const char *k, size_t n)
{
	size_t i;

	if (n == 0 || n > TAG_NAME_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)k[i]) &&
		    strchr("_.:-", k[i]) == NULL)
			return 0;
	return 1;
}

/* Check one tag; 400 naming field. */
static int
tag_check(const char *field, const char *name, struct json_object *value,
    struct err *err)
{
	if (!tag_name_valid(name, strlen(name)))
		return err_field(err, 400, "invalid_value", field,
		    "tag names are 1 to 64 of letters, digits and _ . : -");
	if (!json_object_is_type(value, json_type_string) ||
	    json_object_get_string_len(value) > TAG_VALUE_MAX ||
	    !ipam_text_valid(json_object_get_string(value),
	        (size_t)json_object_get_string_len(value)))
		return err_field(err, 400, "invalid_value", field,
		    "tag values are text of at most 256 bytes");
	return 0;
}

/* The JSON text of o in arena memory. */
static int
json_text(struct json_object *o, struct arena *arena, const char **text,
    struct err *err)
{
	*text = arena_strdup(arena,
	    json_object_to_json_string_ext(
	        o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	return *text ? 0 : err_set(err, 500, "internal", "out of memory");
}

int
ipam_tags_json_text(struct json_object *tags, const char *field,
    struct arena *arena, const char **json, struct err *err)
{
	struct json_object_iterator it, end;
	size_t n = 0;

	if (tags == NULL || !json_object_is_type(tags, json_type_object))
		return err_field(err, 400, "invalid_type", field,
		    "tags must be an object of strings");
	it = json_object_iter_begin(tags);
	end = json_object_iter_end(tags);
	for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
		if (++n > TAGS_MAX)
			return err_field(err, 400, "invalid_value", field,
			    "at most 64 tags");
		if (tag_check(field, json_object_iter_peek_name(&it),
		        json_object_iter_peek_value(&it), err) == -1)
			return -1;
	}
	return json_text(tags, arena, json, err);
}

/* Add "name=value" to tags; 400 naming field. */
static int
tag_add(
    struct json_object *tags, char *item, const char *field, struct err *err)
{
	char *eq = strchr(item, '=');
	struct json_object *value;

	if (eq == NULL)
		return err_field(err, 400, "invalid_value", field,
		    "tags are name=value pairs separated by ';'");
	*eq = '\0';
	if ((value = json_object_new_string(eq + 1)) == NULL)
		return err_set(err, 500, "internal", "out of memory");
	/* Checked first, so the name is safe to quote below. */
	if (tag_check(field, item, value, err) == -1) {
		json_object_put(value);
		return -1;
	}
	if (json_object_object_get_ex(tags, item, NULL)) {
		json_object_put(value);
		return err_field(err, 400, "invalid_value", field,
		    "tag %s is given twice", item);
	}
	json_object_object_add(tags, item, value);
	return 0;
}

int
ipam_tags_from_list(char *list, const char *field, struct arena *arena,
    const char **json, struct err *err)
{
	char *items[TAGS_MAX];
	struct json_object *tags;
	size_t n, i;
	int rc = 0;

	if (list[0] == '\0') {
		*json = "{}";
		return 0;
	}
	if (csv_list_split(list, items, TAGS_MAX, &n) == -1)
		return err_field(err, 400, "invalid_value", field,
		    "tags are at most 64 name=value pairs separated by ';'; "
		    "write \\; for a ';' and \\\\ for a '\\' in a value");
	if ((tags = json_object_new_object()) == NULL)
		return err_set(err, 500, "internal", "out of memory");
	for (i = 0; i < n && rc == 0; i++)
		rc = tag_add(tags, items[i], field, err);
	if (rc == 0)
		rc = json_text(tags, arena, json, err);
	json_object_put(tags);
	return rc;
}

/* A region as the clouds spell them (and the API checks): 1-64 of
 * [a-z0-9-]. */
static int
region_valid(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > REGION_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!(s[i] >= 'a' && s[i] <= 'z') &&
		    !(s[i] >= '0' && s[i] <= '9') && s[i] != '-')
			return 0;
	return 1;
}

/* Check regions[0..n) and give them as JSON array text. */
static int
regions_text(const char *const *regions, size_t n, const char *field,
    struct arena *arena, const char **json, struct err *err)
{
	struct json_object *array;
	size_t i, k;
	int rc = 0;

	if (n > REGIONS_MAX)
		return err_field(err, 400, "invalid_value", field,
		    "at most %d regions", REGIONS_MAX);
	for (i = 0; i < n; i++) {
		if (!region_valid(regions[i], strlen(regions[i])))
			return err_field(err, 400, "invalid_value", field,
			    "a region is 1 to %d of a-z, 0-9 and '-', as "
			    "\"eu-west-1\"",
			    REGION_MAX);
		for (k = 0; k < i; k++)
			if (strcmp(regions[k], regions[i]) == 0)
				return err_field(err, 400, "invalid_value",
				    field, "region %s is listed twice",
				    regions[i]);
	}
	if ((array = json_object_new_array_ext((int)n)) == NULL)
		return err_set(err, 500, "internal", "out of memory");
	for (i = 0; i < n; i++)
		json_object_array_add(
		    array, json_object_new_string(regions[i]));
	rc = json_text(array, arena, json, err);
	json_object_put(array);
	return rc;
}

int
ipam_regions_json_text(struct json_object *list, const char *field,
    struct arena *arena, const char **json, struct err *err)
{
	const char *regions[REGIONS_MAX];
	struct json_object *v;
	size_t i, n;

	if (list == NULL || !json_object_is_type(list, json_type_array))
		return err_field(err, 400, "invalid_type", field,
		    "regions must be an array of strings");
	n = json_object_array_length(list);
	if (n > REGIONS_MAX)
		return err_field(err, 400, "invalid_value", field,
		    "at most %d regions", REGIONS_MAX);
	for (i = 0; i < n; i++) {
		v = json_object_array_get_idx(list, i);
		if (!json_object_is_type(v, json_type_string))
			return err_field(err, 400, "invalid_type", field,
			    "regions must be an array of strings");
		/* A NUL inside would hide the rest from the check. */
		if (strlen(json_object_get_string(v)) !=
		    (size_t)json_object_get_string_len(v))
			return err_field(err, 400, "invalid_value", field,
			    "a region is 1 to %d of a-z, 0-9 and '-'",
			    REGION_MAX);
		regions[i] = json_object_get_string(v);
	}
	return regions_text(regions, n, field, arena, json, err);
}

int
ipam_regions_from_list(char *list, const char *field, struct arena *arena,
    const char **json, struct err *err)
{
	char *items[REGIONS_MAX + 1];
	size_t n;

	if (list[0] == '\0') {
		*json = "[]";
		return 0;
	}
	if (csv_list_split(list, items, REGIONS_MAX + 1, &n) == -1 ||
	    n > REGIONS_MAX)
		return err_field(err, 400, "invalid_value", field,
		    "regions are at most %d names separated by ';'",
		    REGIONS_MAX);
	return regions_text(
	    (const char *const *)items, n, field, arena, json, err);
}

void
ipam_tags_to_list(const char *json, struct buf *b)
{
	struct json_object *tags;
	struct json_object_iterator it, end;
	int first = 1;

	/* Most rows carry no tags: spare them a parse. */
	if (json == NULL || strcmp(json, "{}") == 0)
		return;
	tags = json_tokener_parse(json);
	if (tags == NULL || !json_object_is_type(tags, json_type_object)) {
		json_object_put(tags);
		return;
	}
	it = json_object_iter_begin(tags);
	end = json_object_iter_end(tags);
	for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
		if (!first)
			buf_putc(b, ';');
		first = 0;
		csv_list_put(b, json_object_iter_peek_name(&it));
		buf_putc(b, '=');
		csv_list_put(b,
		    json_object_get_string(json_object_iter_peek_value(&it)));
	}
	json_object_put(tags);
}

void
ipam_regions_to_list(const char *json, struct buf *b)
{
	struct json_object *list;
	size_t i, n;

	if (json == NULL || strcmp(json, "[]") == 0)
		return;
	list = json_tokener_parse(json);
	if (list == NULL || !json_object_is_type(list, json_type_array)) {
		json_object_put(list);
		return;
	}
	n = json_object_array_length(list);
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_putc(b, ';');
		csv_list_put(b,
		    json_object_get_string(json_object_array_get_idx(list, i)));
	}
	json_object_put(list);
}
