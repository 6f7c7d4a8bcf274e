/*
 * objects.h: the JSON shapes of CloudPAM's objects.
 *
 * One shape per object, used by the API, the pages (a page and its API
 * twin render the same model) and the audit log's before and after.
 */
#ifndef CLOUDPAM_IPAM_OBJECTS_H
#define CLOUDPAM_IPAM_OBJECTS_H

#include <json-c/json.h>

#include "store/store.h"

/* A pool with its utilization (exact decimal strings and a percent). */
struct json_object *ipam_pool_json(const struct store_pool *p);
struct json_object *ipam_vrf_json(const struct store_vrf *v);
struct json_object *ipam_account_json(const struct store_account *a);
struct json_object *ipam_special_json(const struct store_special *s);

/* {"used", "free", "total", "percent"} of a pool. */
struct json_object *ipam_utilization_json(const struct store_pool *p);

/* Add key: value as a JSON string ("" for NULL). */
void ipam_json_add_string(
    struct json_object *o, const char *key, const char *value);

/* Parse stored tag text back to an object (an empty one if unreadable). */
struct json_object *ipam_tags_json(const char *text);

#endif
