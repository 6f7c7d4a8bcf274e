/*
 * json.h: the JSON shapes of CloudPAM's objects, shared by the API and
 * the pages (a page and its API twin render the same model).
 */
#ifndef CLOUDPAM_API_JSON_H
#define CLOUDPAM_API_JSON_H

#include <json-c/json.h>

#include "ipam/objects.h"
#include "ipam/pool.h"
#include "lib/arena.h"
#include "store/store.h"
#include "web/query.h"
#include "web/response.h"

/* The list envelope: {"items", "total", "page", "page_size"}. */
struct json_object *api_list_json(
    struct json_object *items, int64_t total, const struct web_paging *paging);

/*
 * Answer a list of pools as the list envelope, serialising one pool at a
 * time into the body: a list of 10,000 pools never exists as one json-c
 * tree (which costs more in allocation than the pools themselves).
 */
int api_pool_list_respond(struct web_resp *resp, const struct store_pool *rows,
    size_t n, int64_t total, const struct web_paging *paging);

/*
 * Check a "tags" value: an object of at most 64 string values, keys 1-64
 * of [A-Za-z0-9_.:-], values at most 256 bytes of text.  *text receives
 * its canonical JSON in arena memory.  400 naming "tags".
 */
int api_tags_text(struct json_object *tags, struct arena *arena,
    const char **text, struct err *err);

/* A JSON value that is null or a positive integer id; 400 otherwise. */
int api_optional_id(
    struct json_object *v, const char *field, int64_t *out, struct err *err);

#endif
