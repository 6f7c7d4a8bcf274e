/*
 * gcp_json.c: read Compute Engine v1 answers into cloud records.
 *
 * An answer is parsed whole with json-c (Compute pages hold at most 500
 * items), walked, and released before gcp_parse returns.  Three shapes
 * arrive: a list ("items" is an array), an aggregatedList ("items" maps a
 * scope such as "regions/us-central1" to {"<resources>": [...]}, or to a
 * "warning" when the scope has nothing on this page) and a get (the
 * resource itself).  Each record is built on the stack from strings inside
 * the parsed tree, so reading a page allocates nothing per record; only
 * the nextPageToken is copied out, into the caller's arena.
 *
 * This file holds the answer shapes: which kind answers which resource,
 * lists, aggregatedList scopes and their warnings, unreachable scopes, API
 * errors and the next page token.  Each item becomes a record in
 * gcp_records.c; parsing and typed lookups are shared with azure_json.c
 * (cloud_json.c).
 */
#include "cloud/gcp_json.h"

#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "cloud/cloud_internal.h"
#include "ip/ip.h"
#include "lib/arena.h"
#include "lib/err.h"

const char *const gcp_resource_names[GCP_RESOURCE__MAX] = {
	"networks",    /* GCP_NETWORKS */
	"subnetworks", /* GCP_SUBNETWORKS */
	"instances",   /* GCP_INSTANCES */
	"addresses",   /* GCP_ADDRESSES */
};

/* Compute's answers. */
static const struct cloud_json_api compute = {
	GCP_JSON_MAX,
	GCP_JSON_DEPTH,
	"nextPageToken",
	GCP_TOKEN_MAX,
};

typedef int item_read_fn(
    struct gcp_walk *w, struct json_object *item, const char *where);

/* What each resource's answers are called, and who reads an item. */
static const struct {
	const char *list;       /* "kind" of a list answer */
	const char *aggregated; /* of an aggregatedList, or NULL */
	const char *item;       /* of one resource */
	item_read_fn *read;
} kinds[GCP_RESOURCE__MAX] = {
	{ "compute#networkList", NULL, "compute#network",
	    cloud_gcp_network_read }, /* GCP_NETWORKS */
	{ "compute#subnetworkList", "compute#subnetworkAggregatedList",
	    "compute#subnetwork", cloud_gcp_subnet_read }, /* GCP_SUBNETWORKS */
	{ "compute#instanceList", "compute#instanceAggregatedList",
	    "compute#instance", cloud_gcp_instance_read }, /* GCP_INSTANCES */
	{ "compute#addressList", "compute#addressAggregatedList",
	    "compute#address", cloud_gcp_address_read }, /* GCP_ADDRESSES */
};

static int
unexpected(struct gcp_walk *w, const char *what)
{
	return err_set(w->err, 502, "unexpected_answer",
	    "expected an answer about %s, got %.80s",
	    gcp_resource_names[w->resource], what);
}

static int
item_read(struct gcp_walk *w, struct json_object *item, const char *where)
{
	const char *kind;

	if (!json_object_is_type(item, json_type_object))
		return cloud_gcp_refuse(w, where, "not a JSON object");
	if (cloud_json_get_string(item, "kind", &kind) == -1)
		return unexpected(w, "an item whose kind is not a string");
	if (kind != NULL && strcmp(kind, kinds[w->resource].item) != 0)
		return unexpected(w, kind);
	return kinds[w->resource].read(w, item, where);
}

/*
 * A warning on a list or a scope.  NO_RESULTS_ON_PAGE is how an empty
 * scope looks; any other (UNREACHABLE above all) may mean records are
 * missing, which the importer must hear rather than take as deletions.
 */
static int
warning_read(struct gcp_walk *w, const char *where, struct json_object *warning)
{
	const char *code = NULL, *message = NULL;

	if (!json_object_is_type(warning, json_type_object))
		return cloud_gcp_refuse(w, where, "warning is not an object");
	cloud_json_get_string(warning, "code", &code);
	cloud_json_get_string(warning, "message", &message);
	if (code != NULL && strcmp(code, "NO_RESULTS_ON_PAGE") == 0)
		return 0;
	return cloud_gcp_refuse(w, where, "warning %.64s: %.200s",
	    code != NULL ? code : "(no code)", message != NULL ? message : "");
}

/* An aggregatedList scope: {"<resources>": [...]} and/or a warning. */
static int
scope_read(struct gcp_walk *w, const char *scope, struct json_object *value)
{
	struct json_object *warning, *list;
	const char *plural = gcp_resource_names[w->resource];
	char where[GCP_PART_MAX + 64];
	size_t i, n;

	if (!json_object_is_type(value, json_type_object))
		return cloud_gcp_refuse(w, scope, "scope is not an object");
	if (json_object_object_get_ex(value, "warning", &warning) &&
	    warning_read(w, scope, warning) == -1)
		return -1;
	if (cloud_json_get_typed(value, plural, json_type_array, &list) == -1)
		return cloud_gcp_refuse(w, scope, "%s is not an array", plural);
	n = list != NULL ? json_object_array_length(list) : 0;
	for (i = 0; i < n; i++) {
		snprintf(where, sizeof(where), "%.*s %s[%zu]", GCP_PART_MAX,
		    scope, plural, i);
		if (item_read(w, json_object_array_get_idx(list, i), where) ==
		    -1)
			return -1;
	}
	return 0;
}

/* The list's own warning, and the scopes it could not reach. */
static int
list_warnings_read(struct gcp_walk *w, struct json_object *root)
{
	struct json_object *warning, *unreachables, *v;
	const char *where = cloud_gcp_label(root, "answer");
	size_t i, n;

	if (json_object_object_get_ex(root, "warning", &warning) &&
	    warning_read(w, where, warning) == -1)
		return -1;
	if (cloud_json_get_typed(
	        root, "unreachables", json_type_array, &unreachables) == -1)
		return cloud_gcp_refuse(
		    w, where, "unreachables is not an array");
	n = unreachables != NULL ? json_object_array_length(unreachables) : 0;
	for (i = 0; i < n; i++) {
		v = json_object_array_get_idx(unreachables, i);
		if (cloud_gcp_refuse(w,
		        json_object_is_type(v, json_type_string)
		            ? json_object_get_string(v)
		            : where,
		        "unreachable: this scope's %s are missing from the "
		        "answer",
		        gcp_resource_names[w->resource]) == -1)
			return -1;
	}
	return 0;
}

static int
items_read(struct gcp_walk *w, struct json_object *items)
{
	struct json_object_iterator it, end;
	char where[32];
	size_t i, n;

	if (json_object_is_type(items, json_type_array)) {
		n = json_object_array_length(items);
		for (i = 0; i < n; i++) {
			snprintf(where, sizeof(where), "items[%zu]", i);
			if (item_read(w, json_object_array_get_idx(items, i),
			        where) == -1)
				return -1;
		}
		return 0;
	}
	if (!json_object_is_type(items, json_type_object))
		return unexpected(w, "items that are neither array nor object");
	it = json_object_iter_begin(items);
	end = json_object_iter_end(items);
	for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it))
		if (scope_read(w, json_object_iter_peek_name(&it),
		        json_object_iter_peek_value(&it)) == -1)
			return -1;
	return 0;
}

/* {"error": {"code": 403, "message": "..."}}: the API said no. */
static int
cloud_error(struct json_object *error, struct err *err)
{
	struct json_object *code;
	const char *message = NULL;

	json_object_object_get_ex(error, "code", &code);
	cloud_json_get_string(error, "message", &message);
	return err_set(err, 502, "cloud_error", "Compute API error %d: %.300s",
	    json_object_is_type(code, json_type_int) ? json_object_get_int(code)
	                                             : 0,
	    message != NULL ? message : "(no message)");
}

static int
answer_walk(void *ctx, struct json_object *root)
{
	struct gcp_walk *w = ctx;
	struct json_object *items, *error;
	const char *kind, *list = kinds[w->resource].list;
	const char *aggregated = kinds[w->resource].aggregated;

	if (json_object_object_get_ex(root, "error", &error) && error != NULL)
		return cloud_error(error, w->err);
	if (cloud_json_get_string(root, "kind", &kind) == -1)
		return unexpected(w, "an answer whose kind is not a string");
	if (kind != NULL && strcmp(kind, kinds[w->resource].item) == 0)
		return item_read(w, root, "answer");
	if (kind != NULL && strcmp(kind, list) != 0 &&
	    (aggregated == NULL || strcmp(kind, aggregated) != 0))
		return unexpected(w, kind);
	if (!json_object_object_get_ex(root, "items", &items) ||
	    items == NULL) {
		/* An empty list has no items; a get without kind has a name. */
		if (kind == NULL &&
		    json_object_object_get_ex(root, "name", NULL))
			return item_read(w, root, "answer");
		return list_warnings_read(w, root);
	}
	if (list_warnings_read(w, root) == -1)
		return -1;
	return items_read(w, items);
}

int
gcp_parse(enum gcp_resource r, const char *json, size_t len,
    const char *project, const struct cloud_sink *sink, struct arena *arena,
    char **next_page_token, struct err *err)
{
	struct gcp_walk w = { r, project, sink, err };

	*next_page_token = NULL;
	if ((unsigned)r >= GCP_RESOURCE__MAX || sink == NULL)
		return err_set(err, 500, "internal", "gcp_parse: bad call");
	return cloud_json_read(
	    &compute, json, len, answer_walk, &w, arena, next_page_token, err);
}

int
gcp_page_token(const char *json, size_t len, struct arena *arena,
    char **next_page_token, struct err *err)
{
	struct json_object *root, *error;
	const char *kind;
	size_t n;
	int rc = -1;

	*next_page_token = NULL;
	if (cloud_json_answer_parse(&compute, json, len, &root, err) == -1)
		return -1;
	if (json_object_object_get_ex(root, "error", &error) && error != NULL) {
		cloud_error(error, err);
		goto fail;
	}
	if (cloud_json_get_string(root, "kind", &kind) == -1 || kind == NULL ||
	    strncmp(kind, "compute#", strlen("compute#")) != 0 ||
	    (n = strlen(kind)) < strlen("List") ||
	    strcmp(kind + n - strlen("List"), "List") != 0) {
		err_set(err, 502, "unexpected_answer",
		    "expected a Compute list answer");
		goto fail;
	}
	if (cloud_json_next_copy(&compute, root, arena, next_page_token, err) ==
	    -1)
		goto fail;
	rc = 0;
fail:
	json_object_put(root);
	return rc;
}
