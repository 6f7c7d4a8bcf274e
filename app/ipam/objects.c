/*
 * objects.c: the JSON form of pools, VRFs and accounts.
 */
#include "ipam/objects.h"

#include "ipam/pool.h"

void
ipam_json_add_string(struct json_object *o, const char *key, const char *value)
{
	json_object_object_add(
	    o, key, json_object_new_string(value ? value : ""));
}

static void
add_id(struct json_object *o, const char *key, int64_t id)
{
	json_object_object_add(o, key, id ? json_object_new_int64(id) : NULL);
}

struct json_object *
ipam_tags_json(const char *text)
{
	struct json_object *o = json_tokener_parse(text ? text : "{}");

	if (o == NULL || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		o = json_object_new_object();
	}
	return o;
}

struct json_object *
ipam_utilization_json(const struct store_pool *p)
{
	struct ipam_utilization u;
	struct json_object *o = json_object_new_object();
	char text[IP_COUNT_STRLEN];

	ipam_pool_utilization_of(p, &u);
	ipam_json_add_string(o, "used", ip_count_format(&u.used, text));
	ipam_json_add_string(o, "free", ip_count_format(&u.free, text));
	ipam_json_add_string(o, "total", ip_count_format(&u.total, text));
	json_object_object_add(o, "percent",
	    json_object_new_double(
	        (double)(long long)(u.percent * 100 + 0.5) / 100.0));
	return o;
}

struct json_object *
ipam_pool_json(const struct store_pool *p)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "id", json_object_new_int64(p->id));
	ipam_json_add_string(o, "name", p->name);
	ipam_json_add_string(o, "cidr", p->cidr);
	json_object_object_add(o, "family", json_object_new_int(p->family));
	json_object_object_add(
	    o, "prefix_len", json_object_new_int(p->prefix_len));
	json_object_object_add(o, "vrf_id", json_object_new_int64(p->vrf_id));
	ipam_json_add_string(o, "vrf_name", p->vrf_name);
	add_id(o, "parent_id", p->parent_id);
	add_id(o, "account_id", p->account_id);
	if (p->account_id)
		ipam_json_add_string(o, "account_name", p->account_name);
	else
		json_object_object_add(o, "account_name", NULL);
	ipam_json_add_string(o, "type", p->type);
	ipam_json_add_string(o, "status", p->status);
	ipam_json_add_string(o, "source", p->source);
	ipam_json_add_string(o, "description", p->description);
	json_object_object_add(o, "tags", ipam_tags_json(p->tags));
	ipam_json_add_string(o, "external_id", p->external_id);
	ipam_json_add_string(o, "region", p->region);
	json_object_object_add(
	    o, "children_count", json_object_new_int64(p->children));
	json_object_object_add(o, "utilization", ipam_utilization_json(p));
	ipam_json_add_string(o, "created_at", p->created_at);
	ipam_json_add_string(o, "updated_at", p->updated_at);
	ipam_json_add_string(o, "created_by", p->created_by);
	ipam_json_add_string(o, "updated_by", p->updated_by);
	return o;
}

struct json_object *
ipam_vrf_json(const struct store_vrf *v)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "id", json_object_new_int64(v->id));
	ipam_json_add_string(o, "name", v->name);
	ipam_json_add_string(o, "rd", v->rd);
	ipam_json_add_string(o, "description", v->description);
	json_object_object_add(
	    o, "pools_count", json_object_new_int64(v->pools));
	ipam_json_add_string(o, "created_at", v->created_at);
	ipam_json_add_string(o, "updated_at", v->updated_at);
	return o;
}

struct json_object *
ipam_account_json(const struct store_account *a)
{
	struct json_object *o = json_object_new_object();
	struct json_object *regions = json_tokener_parse(a->regions);

	if (regions == NULL || !json_object_is_type(regions, json_type_array)) {
		json_object_put(regions);
		regions = json_object_new_array();
	}
	json_object_object_add(o, "id", json_object_new_int64(a->id));
	ipam_json_add_string(o, "provider", a->provider);
	ipam_json_add_string(o, "external_key", a->external_key);
	ipam_json_add_string(o, "name", a->name);
	ipam_json_add_string(o, "platform", a->platform);
	ipam_json_add_string(o, "tier", a->tier);
	ipam_json_add_string(o, "environment", a->environment);
	json_object_object_add(o, "regions", regions);
	json_object_object_add(o, "tags", ipam_tags_json(a->tags));
	ipam_json_add_string(o, "description", a->description);
	json_object_object_add(
	    o, "pools_count", json_object_new_int64(a->pools));
	ipam_json_add_string(o, "created_at", a->created_at);
	ipam_json_add_string(o, "updated_at", a->updated_at);
	return o;
}

struct json_object *
ipam_special_json(const struct store_special *s)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "id", json_object_new_int64(s->id));
	ipam_json_add_string(o, "cidr", s->cidr);
	ipam_json_add_string(o, "name", s->name);
	ipam_json_add_string(o, "reference", s->reference);
	ipam_json_add_string(o, "registry", s->registry);
	ipam_json_add_string(o, "category", s->category);
	json_object_object_add(o, "always_allowed",
	    json_object_new_boolean(s->always_allowed != 0));
	json_object_object_add(
	    o, "allowed", json_object_new_boolean(s->allowed != 0));
	return o;
}
