/*
 * azure_json.c: read Azure Resource Manager answers into cloud records.
 *
 * An answer is parsed whole with json-c (ARM pages are bounded by the
 * service), walked, and released before azure_parse returns.  A list is
 * {"value": [...], "nextLink": "..."}; a GET answer is the resource
 * itself.  Each record is built on the stack from strings inside the
 * parsed tree, so reading a page allocates nothing per record; only the
 * nextLink is copied out, into the caller's arena.
 *
 * A VNet's subnets arrive inside it, so each subnet CIDR is checked
 * against the VNet's address space right here: a subnet outside every
 * prefix of its VNet is refused with both named, not imported as if it
 * were fine.
 *
 * This file holds what is ARM's own: ids, VNets with their subnets, NICs
 * and public IPs.  Parsing, typed lookups, refusing a record and gathering
 * CIDRs are shared with gcp_json.c (cloud_json.c).
 */
#include "cloud/azure_json.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "cloud/cloud_internal.h"
#include "ip/ip.h"
#include "lib/arena.h"
#include "lib/err.h"

#define WHY_MAX 512 /* why a record was refused */
#define ID_MAX 1024 /* an ARM id cut out of another */

const char *const azure_resource_names[AZURE_RESOURCE__MAX] = {
	"virtualNetworks",   /* AZURE_VIRTUAL_NETWORKS */
	"subnets",           /* AZURE_SUBNETS */
	"networkInterfaces", /* AZURE_NETWORK_INTERFACES */
	"publicIPAddresses", /* AZURE_PUBLIC_IP_ADDRESSES */
};

/* One azure_parse call. */
struct walk {
	enum azure_resource resource;
	const struct cloud_sink *sink;
	struct err *err;
};

struct vnet_work {
	struct cloud_network n;
	struct azure_arm_id arm;
	struct cloud_cidr_set set;
	int complete; /* every address prefix was read: subnets are checked */
	char why[WHY_MAX];
};

static int refuse(struct walk *w, enum cloud_kind kind, const char *resource,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * Report a record that cannot be read and go on, unless the sink has no
 * on_error or refuses: then the answer fails (cloud_json_vrefuse).
 */
static int
refuse(struct walk *w, enum cloud_kind kind, const char *resource,
    const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = cloud_json_vrefuse(
	    w->sink, w->err, kind, resource, WHY_MAX, fmt, ap);
	va_end(ap);
	return rc;
}

/* The "id" of a reference object such as "subnet": {"id": "..."}. */
static int
ref_id(
    struct json_object *o, const char *key, const char **out, char why[WHY_MAX])
{
	struct json_object *ref;

	*out = "";
	if (cloud_json_get_typed(o, key, json_type_object, &ref) == -1)
		return cloud_json_why(why, WHY_MAX, "%s is not an object", key);
	if (ref != NULL &&
	    cloud_json_opt_string(ref, "id", out, why, WHY_MAX) == -1)
		return cloud_json_why(
		    why, WHY_MAX, "%s.id is not a string", key);
	return 0;
}

static int
part_copy(const char *s, size_t n, char out[AZURE_NAME_MAX])
{
	if (n == 0 || n >= AZURE_NAME_MAX)
		return -1;
	memcpy(out, s, n);
	out[n] = '\0';
	return 0;
}

/* Whether segment s of length n is word, in any case. */
static int
segment_is(const char *s, size_t n, const char *word)
{
	return n == strlen(word) && strncasecmp(s, word, n) == 0 && s[n] == '/';
}

int
azure_arm_id_parse(const char *id, struct azure_arm_id *out, struct err *err)
{
	const char *s = id;
	size_t n;

	memset(out, 0, sizeof(*out));
	if (*s++ != '/')
		goto fail;
	n = strcspn(s, "/");
	if (!segment_is(s, n, "subscriptions"))
		goto fail;
	s += n + 1;
	n = strcspn(s, "/");
	if (part_copy(s, n, out->subscription) == -1)
		goto fail;
	if (s[n] == '\0')
		return 0;
	s += n + 1;
	n = strcspn(s, "/");
	if (!segment_is(s, n, "resourceGroups"))
		return 0;
	s += n + 1;
	n = strcspn(s, "/");
	if (part_copy(s, n, out->resource_group) == -1)
		goto fail;
	return 0;
fail:
	memset(out, 0, sizeof(*out));
	return err_set(err, 400, "invalid_arm_id",
	    "\"%.160s\" is not an ARM id with a subscription", id);
}

/* The last marker in id, in any case (ARM ids ignore it), or NULL. */
static const char *
find_last(const char *id, const char *marker)
{
	size_t len = strlen(id), mlen = strlen(marker), i;

	for (i = len >= mlen ? len - mlen + 1 : 0; i-- > 0;)
		if (strncasecmp(id + i, marker, mlen) == 0)
			return id + i;
	return NULL;
}

/*
 * Copy into out the part of id before its last marker: the VNet of
 * "/.../virtualNetworks/v/subnets/s" with marker "/subnets/".
 */
static int
parent_id(const char *id, const char *marker, char out[ID_MAX])
{
	const char *at = find_last(id, marker);
	size_t n = at != NULL ? (size_t)(at - id) : 0;

	if (n == 0 || n >= ID_MAX)
		return -1;
	memcpy(out, id, n);
	out[n] = '\0';
	return 0;
}

/* A zone only when the resource is pinned to exactly one. */
static int
zone_read(struct json_object *item, struct cloud_common *c, char why[WHY_MAX])
{
	struct json_object *zones, *zone;

	c->zone = "";
	if (cloud_json_get_typed(item, "zones", json_type_array, &zones) == -1)
		return cloud_json_why(why, WHY_MAX, "zones is not an array");
	if (zones == NULL || json_object_array_length(zones) != 1)
		return 0;
	zone = json_object_array_get_idx(zones, 0);
	if (!json_object_is_type(zone, json_type_string))
		return cloud_json_why(why, WHY_MAX, "zones[0] is not a string");
	c->zone = json_object_get_string(zone);
	return 0;
}

/* Id, account, name, location, state and tags: what all records share. */
static int
common_read(struct json_object *item, struct json_object **properties,
    struct cloud_common *c, struct azure_arm_id *arm, char why[WHY_MAX])
{
	struct err e = ERR_INIT;

	c->provider = CLOUD_AZURE;
	if (cloud_json_need_string(item, "id", &c->external_id, why, WHY_MAX) ==
	    -1)
		return -1;
	if (azure_arm_id_parse(c->external_id, arm, &e) == -1)
		return cloud_json_why(why, WHY_MAX, "id: %s", e.message);
	c->account = arm->subscription;
	if (cloud_json_opt_string(item, "name", &c->name, why, WHY_MAX) == -1 ||
	    cloud_json_opt_string(item, "location", &c->region, why, WHY_MAX) ==
	        -1 ||
	    zone_read(item, c, why) == -1)
		return -1;
	if (cloud_json_get_typed(
	        item, "properties", json_type_object, properties) == -1 ||
	    *properties == NULL)
		return cloud_json_why(why, WHY_MAX, "no properties object");
	if (cloud_json_opt_string(*properties, "provisioningState", &c->state,
	        why, WHY_MAX) == -1)
		return -1;
	return cloud_json_tags_read(item, "tags", "tag", c, why, WHY_MAX);
}

/* The VNet's prefixes, joined for a message. */
static const char *
space_text(const struct vnet_work *vnet, char *out, size_t cap)
{
	size_t i, used = 0;
	int n;

	out[0] = '\0';
	for (i = 0; i < vnet->n.ncidrs && used < cap; i++) {
		n = snprintf(out + used, cap - used, "%s%s", i ? ", " : "",
		    vnet->set.texts[i]);
		if (n < 0)
			break;
		used += (size_t)n;
	}
	return out;
}

/* Inside one of the VNet's prefixes, or no VNet to check against. */
static int
in_vnet(const struct vnet_work *vnet, const struct ip_prefix *p)
{
	size_t i;

	if (vnet == NULL || !vnet->complete)
		return 1;
	for (i = 0; i < vnet->n.ncidrs; i++)
		if (ip_prefix_contains(&vnet->set.prefixes[i], p))
			return 1;
	return 0;
}

/*
 * Add a prefix, strictly: host bits set, an IPv4 /64 or (for a subnet of
 * a VNet) a range outside the VNet refuse the record rather than import a
 * different or misplaced range.  The same prefix twice is kept once.
 */
static int
prefix_add(struct cloud_cidr_set *set, const char *field, const char *text,
    const struct vnet_work *vnet, char why[WHY_MAX])
{
	struct ip_prefix p;
	struct err e = ERR_INIT;
	char canonical[IP_PREFIX_STRLEN], space[WHY_MAX / 2];

	if (ip_prefix_parse(text, strlen(text), &p, &e) == -1 &&
	    strcmp(e.code, "host_bits_set") != 0)
		return cloud_json_why(why, WHY_MAX, "%s: %s", field, e.message);
	ip_prefix_format(&p, canonical);
	/* Only host bits failed: text is a well-formed CIDR. */
	if (e.status != 0 && in_vnet(vnet, &p))
		return cloud_json_why(why, WHY_MAX,
		    "%s %s has host bits set (the network is %s)", field, text,
		    canonical);
	if (e.status != 0)
		return cloud_json_why(why, WHY_MAX,
		    "%s %s has host bits set (the network is "
		    "%s), and %s lies outside the VNet's address space (%s)",
		    field, text, canonical, canonical,
		    space_text(vnet, space, sizeof(space)));
	if (!in_vnet(vnet, &p))
		return cloud_json_why(why, WHY_MAX,
		    "%s %s lies outside the VNet's address "
		    "space (%s)",
		    field, canonical, space_text(vnet, space, sizeof(space)));
	if (cloud_cidr_set_add(set, &p, "", 0) == -1)
		return cloud_json_why(
		    why, WHY_MAX, "more than %d prefixes", CLOUD_CIDRS_MAX);
	return 0;
}

/* o's key: an array of CIDR strings, each added; name is its path. */
static int
prefixes_add(struct cloud_cidr_set *set, struct json_object *o, const char *key,
    const char *name, const struct vnet_work *vnet, char why[WHY_MAX])
{
	struct json_object *list, *v;
	char field[64];
	size_t i, n;

	if (cloud_json_get_typed(o, key, json_type_array, &list) == -1)
		return cloud_json_why(why, WHY_MAX, "%s is not an array", name);
	n = list != NULL ? json_object_array_length(list) : 0;
	for (i = 0; i < n; i++) {
		snprintf(field, sizeof(field), "%s[%zu]", name, i);
		v = json_object_array_get_idx(list, i);
		if (!json_object_is_type(v, json_type_string) ||
		    strlen(json_object_get_string(v)) !=
		        (size_t)json_object_get_string_len(v))
			return cloud_json_why(
			    why, WHY_MAX, "%s is not a string", field);
		if (prefix_add(
		        set, field, json_object_get_string(v), vnet, why) == -1)
			return -1;
	}
	return 0;
}

/* A record that could not be built is named by what it has. */
static const char *
label(struct json_object *item, const char *where)
{
	return cloud_json_string_or(
	    item, "id", cloud_json_string_or(item, "name", where));
}

struct subnet_work {
	struct cloud_subnet s;
	struct azure_arm_id arm;
	struct cloud_cidr_set set;
	char network_id[ID_MAX];
	char why[WHY_MAX];
};

/* A subnet: one addressPrefix, or several in addressPrefixes, or both. */
static int
subnet_build(struct json_object *item, const struct vnet_work *vnet,
    struct subnet_work *sw)
{
	struct json_object *properties;
	const char *prefix;

	sw->s.c.kind = CLOUD_SUBNET;
	sw->set.cidrs = sw->s.cidrs;
	sw->set.ncidrs = &sw->s.ncidrs;
	if (common_read(item, &properties, &sw->s.c, &sw->arm, sw->why) == -1)
		return -1;
	if (vnet != NULL && vnet->n.c.region != NULL)
		sw->s.c.region = vnet->n.c.region;
	if (parent_id(sw->s.c.external_id, "/subnets/", sw->network_id) == -1)
		return cloud_json_why(
		    sw->why, WHY_MAX, "id names no virtual network");
	sw->s.network_id = sw->network_id;
	if (cloud_json_opt_string(
	        properties, "addressPrefix", &prefix, sw->why, WHY_MAX) == -1)
		return -1;
	if (*prefix != '\0' &&
	    prefix_add(&sw->set, "addressPrefix", prefix, vnet, sw->why) == -1)
		return -1;
	if (prefixes_add(&sw->set, properties, "addressPrefixes",
	        "addressPrefixes", vnet, sw->why) == -1)
		return -1;
	if (sw->s.ncidrs == 0)
		return cloud_json_why(
		    sw->why, WHY_MAX, "no addressPrefix or addressPrefixes");
	return 0;
}

static int
subnet_read(struct walk *w, struct json_object *item,
    const struct vnet_work *vnet, const char *where)
{
	struct subnet_work sw;

	memset(&sw, 0, sizeof(sw));
	if (subnet_build(item, vnet, &sw) == -1)
		return refuse(
		    w, CLOUD_SUBNET, label(item, where), "%s", sw.why);
	if (w->sink->on_subnet == NULL)
		return 0;
	return w->sink->on_subnet(w->sink->ctx, &sw.s, w->err);
}

static int
vnet_build(struct json_object *item, struct vnet_work *vw)
{
	struct json_object *properties, *space;

	vw->n.c.kind = CLOUD_NETWORK;
	vw->set.cidrs = vw->n.cidrs;
	vw->set.ncidrs = &vw->n.ncidrs;
	if (common_read(item, &properties, &vw->n.c, &vw->arm, vw->why) == -1)
		return -1;
	if (cloud_json_get_typed(
	        properties, "addressSpace", json_type_object, &space) == -1 ||
	    space == NULL)
		return cloud_json_why(
		    vw->why, WHY_MAX, "no addressSpace object");
	if (prefixes_add(&vw->set, space, "addressPrefixes",
	        "addressSpace.addressPrefixes", NULL, vw->why) == -1)
		return -1;
	if (vw->n.ncidrs == 0)
		return cloud_json_why(
		    vw->why, WHY_MAX, "no addressSpace.addressPrefixes");
	vw->complete = 1;
	return 0;
}

/*
 * A VNet, then its subnets.  The subnets of a VNet that could not be read
 * are still read, but checked against its address space only when all of
 * it was read.
 */
static int
vnet_read(struct walk *w, struct json_object *item, const char *where)
{
	struct vnet_work vw;
	struct json_object *properties, *subnets;
	const char *vnet;
	char at[ID_MAX];
	size_t i, n;

	memset(&vw, 0, sizeof(vw));
	if (vnet_build(item, &vw) == -1) {
		if (refuse(w, CLOUD_NETWORK, label(item, where), "%s",
		        vw.why) == -1)
			return -1;
	} else if (w->sink->on_network != NULL &&
	           w->sink->on_network(w->sink->ctx, &vw.n, w->err) == -1) {
		return -1;
	}
	vnet = label(item, where);
	if (cloud_json_get_typed(
	        item, "properties", json_type_object, &properties) == -1 ||
	    properties == NULL)
		return 0;
	if (cloud_json_get_typed(
	        properties, "subnets", json_type_array, &subnets) == -1)
		return refuse(w, CLOUD_SUBNET, vnet, "subnets is not an array");
	n = subnets != NULL ? json_object_array_length(subnets) : 0;
	for (i = 0; i < n; i++) {
		snprintf(
		    at, sizeof(at), "%.*s subnets[%zu]", ID_MAX - 32, vnet, i);
		if (subnet_read(w, json_object_array_get_idx(subnets, i), &vw,
		        at) == -1)
			return -1;
	}
	return 0;
}

/*
 * Parse an address the API gave, and hold it to the version the API says
 * it has.  A prefix where an address belongs (a NIC's IP prefix) is named
 * as such rather than cut down to its first address.
 */
static int
ip_read(const char *field, const char *text, const char *version_field,
    const char *version, struct ip_addr *out, char why[WHY_MAX])
{
	static const char *const versions[IP_FAMILY__MAX] = {
		"IPv4", /* IP_FAMILY_V4 */
		"IPv6", /* IP_FAMILY_V6 */
	};
	struct ip_prefix p;
	struct err e = ERR_INIT, ignored = ERR_INIT;

	if (ip_addr_parse(text, strlen(text), out, &e) == -1) {
		/* It parsed as a prefix, so text is printable. */
		if (ip_prefix_parse_loose(text, strlen(text), &p, &ignored) ==
		    0)
			return cloud_json_why(why, WHY_MAX,
			    "%s %s is a prefix, not one address", field, text);
		return cloud_json_why(why, WHY_MAX, "%s: %s", field, e.message);
	}
	if (*version == '\0' || strcasecmp(version, versions[out->family]) == 0)
		return 0;
	if (strcasecmp(version, "IPv4") != 0 &&
	    strcasecmp(version, "IPv6") != 0)
		return cloud_json_why(why, WHY_MAX, "unknown %s \"%.20s\"",
		    version_field, version);
	return cloud_json_why(why, WHY_MAX, "%s %s is not %s as %s says", field,
	    text, version, version_field);
}

struct public_ip_work {
	struct cloud_address a;
	struct azure_arm_id arm;
	char nic[ID_MAX];
	char ip[IP_ADDR_STRLEN];
	char why[WHY_MAX];
};

/* Returns 0 for an address, 1 for none yet (Dynamic, not in use), -1. */
static int
public_ip_build(
    struct json_object *item, const char *config_id, struct public_ip_work *pw)
{
	struct json_object *properties;
	struct ip_addr addr;
	const char *text, *method, *version, *config;

	pw->a.c.kind = CLOUD_ADDRESS;
	if (common_read(item, &properties, &pw->a.c, &pw->arm, pw->why) == -1 ||
	    cloud_json_opt_string(
	        properties, "ipAddress", &text, pw->why, WHY_MAX) == -1 ||
	    cloud_json_opt_string(properties, "publicIPAllocationMethod",
	        &method, pw->why, WHY_MAX) == -1 ||
	    cloud_json_opt_string(properties, "publicIPAddressVersion",
	        &version, pw->why, WHY_MAX) == -1 ||
	    ref_id(properties, "ipConfiguration", &config, pw->why) == -1)
		return -1;
	if (*text == '\0' && strcasecmp(method, "Static") == 0)
		return cloud_json_why(
		    pw->why, WHY_MAX, "a Static public IP without ipAddress");
	if (*text == '\0')
		return 1;
	if (ip_read("ipAddress", text, "publicIPAddressVersion", version, &addr,
	        pw->why) == -1)
		return -1;
	pw->a.ip = ip_addr_format(&addr, pw->ip);
	pw->a.is_public = 1;
	pw->a.network_id = "";
	pw->a.subnet_id = "";
	pw->a.allocation_id = pw->a.c.external_id;
	pw->a.attached_to = *config != '\0' ? config : config_id;
	pw->a.interface_id = "";
	if (find_last(pw->a.attached_to, "/networkInterfaces/") != NULL &&
	    parent_id(pw->a.attached_to, "/ipConfigurations/", pw->nic) == 0)
		pw->a.interface_id = pw->nic;
	return 0;
}

/* config_id: the ipConfiguration it came inside of, or "". */
static int
public_ip_read(struct walk *w, struct json_object *item, const char *where,
    const char *config_id)
{
	struct public_ip_work pw;
	int rc;

	memset(&pw, 0, sizeof(pw));
	if ((rc = public_ip_build(item, config_id, &pw)) == -1)
		return refuse(
		    w, CLOUD_ADDRESS, label(item, where), "%s", pw.why);
	if (rc == 1 || w->sink->on_address == NULL)
		return 0;
	return w->sink->on_address(w->sink->ctx, &pw.a, w->err);
}

/* What the addresses of one NIC share. */
struct nic_work {
	struct cloud_address a;
	struct azure_arm_id arm;
	char network_id[ID_MAX];
	char ip[IP_ADDR_STRLEN];
	char why[WHY_MAX];
};

/* The private address of an ipConfiguration; none while unassigned. */
static int
private_read(struct walk *w, struct nic_work *nw, const char *id,
    struct json_object *properties)
{
	struct cloud_address a = nw->a;
	struct json_object *primary;
	struct ip_addr addr;
	const char *text, *version, *state;

	if (cloud_json_opt_string(properties, "privateIPAddress", &text,
	        nw->why, WHY_MAX) == -1 ||
	    cloud_json_opt_string(properties, "privateIPAddressVersion",
	        &version, nw->why, WHY_MAX) == -1 ||
	    cloud_json_opt_string(properties, "provisioningState", &state,
	        nw->why, WHY_MAX) == -1 ||
	    ref_id(properties, "subnet", &a.subnet_id, nw->why) == -1 ||
	    cloud_json_get_typed(
	        properties, "primary", json_type_boolean, &primary) == -1)
		return refuse(w, CLOUD_ADDRESS, id, "%s", nw->why);
	if (*text == '\0')
		return 0;
	if (ip_read("privateIPAddress", text, "privateIPAddressVersion",
	        version, &addr, nw->why) == -1)
		return refuse(w, CLOUD_ADDRESS, id, "%s", nw->why);
	a.c.external_id = id;
	if (*state != '\0')
		a.c.state = state;
	a.ip = ip_addr_format(&addr, nw->ip);
	a.is_primary = primary != NULL && json_object_get_boolean(primary);
	a.network_id = "";
	if (parent_id(a.subnet_id, "/subnets/", nw->network_id) == 0)
		a.network_id = nw->network_id;
	if (w->sink->on_address == NULL)
		return 0;
	return w->sink->on_address(w->sink->ctx, &a, w->err);
}

static int
ipconfig_read(struct walk *w, struct nic_work *nw, struct json_object *config,
    size_t index)
{
	struct json_object *properties, *public_ip;
	const char *id;

	if (!json_object_is_type(config, json_type_object))
		return refuse(w, CLOUD_ADDRESS, nw->a.interface_id,
		    "ipConfigurations[%zu] is not an object", index);
	if (cloud_json_need_string(config, "id", &id, nw->why, WHY_MAX) == -1)
		return refuse(w, CLOUD_ADDRESS, nw->a.interface_id,
		    "ipConfigurations[%zu]: %s", index, nw->why);
	if (cloud_json_get_typed(
	        config, "properties", json_type_object, &properties) == -1 ||
	    properties == NULL)
		return refuse(w, CLOUD_ADDRESS, id, "no properties object");
	if (private_read(w, nw, id, properties) == -1)
		return -1;
	/* Expanded ($expand) answers carry the public IP itself. */
	if (cloud_json_get_typed(properties, "publicIPAddress",
	        json_type_object, &public_ip) == -1)
		return refuse(
		    w, CLOUD_ADDRESS, id, "publicIPAddress is not an object");
	if (public_ip == NULL ||
	    !json_object_object_get_ex(public_ip, "properties", NULL))
		return 0;
	return public_ip_read(w, public_ip, id, id);
}

/* A NIC gives one address per IP configuration. */
static int
nic_read(struct walk *w, struct json_object *item, const char *where)
{
	struct nic_work nw;
	struct json_object *properties, *configs;
	size_t i, n;

	memset(&nw, 0, sizeof(nw));
	nw.a.c.kind = CLOUD_ADDRESS;
	if (common_read(item, &properties, &nw.a.c, &nw.arm, nw.why) == -1 ||
	    ref_id(properties, "virtualMachine", &nw.a.attached_to, nw.why) ==
	        -1)
		return refuse(
		    w, CLOUD_ADDRESS, label(item, where), "%s", nw.why);
	if (*nw.a.attached_to == '\0' && ref_id(properties, "privateEndpoint",
	                                     &nw.a.attached_to, nw.why) == -1)
		return refuse(
		    w, CLOUD_ADDRESS, label(item, where), "%s", nw.why);
	nw.a.interface_id = nw.a.c.external_id;
	nw.a.allocation_id = "";
	if (cloud_json_get_typed(properties, "ipConfigurations",
	        json_type_array, &configs) == -1)
		return refuse(w, CLOUD_ADDRESS, nw.a.interface_id,
		    "ipConfigurations is not an array");
	n = configs != NULL ? json_object_array_length(configs) : 0;
	for (i = 0; i < n; i++)
		if (ipconfig_read(
		        w, &nw, json_object_array_get_idx(configs, i), i) == -1)
			return -1;
	return 0;
}

static int
subnets_read(struct walk *w, struct json_object *item, const char *where)
{
	return subnet_read(w, item, NULL, where);
}

static int
public_ips_read(struct walk *w, struct json_object *item, const char *where)
{
	return public_ip_read(w, item, where, "");
}

/* Resource Manager's answers. */
static const struct cloud_json_api arm = {
	AZURE_JSON_MAX,
	AZURE_JSON_DEPTH,
	"nextLink",
	AZURE_NEXT_LINK_MAX,
};

typedef int item_read_fn(
    struct walk *w, struct json_object *item, const char *where);

/* The ARM type of each resource, and who reads one. */
static const struct {
	const char *type;
	enum cloud_kind kind;
	item_read_fn *read;
} types[AZURE_RESOURCE__MAX] = {
	{ "Microsoft.Network/virtualNetworks", CLOUD_NETWORK,
	    vnet_read }, /* AZURE_VIRTUAL_NETWORKS */
	{ "Microsoft.Network/virtualNetworks/subnets", CLOUD_SUBNET,
	    subnets_read }, /* AZURE_SUBNETS */
	{ "Microsoft.Network/networkInterfaces", CLOUD_ADDRESS,
	    nic_read }, /* AZURE_NETWORK_INTERFACES */
	{ "Microsoft.Network/publicIPAddresses", CLOUD_ADDRESS,
	    public_ips_read }, /* AZURE_PUBLIC_IP_ADDRESSES */
};

static int
unexpected(struct walk *w, const char *what)
{
	return err_set(w->err, 502, "unexpected_answer",
	    "expected an answer about %s, got %.120s",
	    azure_resource_names[w->resource], what);
}

static int
item_read(struct walk *w, struct json_object *item, const char *where)
{
	const char *type;

	if (!json_object_is_type(item, json_type_object))
		return refuse(
		    w, types[w->resource].kind, where, "not a JSON object");
	if (cloud_json_get_string(item, "type", &type) == -1)
		return unexpected(w, "an item whose type is not a string");
	if (type != NULL && strcasecmp(type, types[w->resource].type) != 0)
		return unexpected(w, type);
	return types[w->resource].read(w, item, where);
}

/* {"error": {"code": "AuthorizationFailed", "message": "..."}}. */
static int
cloud_error(struct json_object *error, struct err *err)
{
	const char *code = NULL, *message = NULL;

	cloud_json_get_string(error, "code", &code);
	cloud_json_get_string(error, "message", &message);
	return err_set(err, 502, "cloud_error", "ARM error %.80s: %.300s",
	    code != NULL ? code : "(no code)",
	    message != NULL ? message : "(no message)");
}

static int
answer_walk(void *ctx, struct json_object *root)
{
	struct walk *w = ctx;
	struct json_object *value, *error;
	char where[32];
	size_t i, n;

	if (json_object_object_get_ex(root, "error", &error) && error != NULL)
		return cloud_error(error, w->err);
	if (!json_object_object_get_ex(root, "value", &value) ||
	    value == NULL) {
		if (json_object_object_get_ex(root, "id", NULL))
			return item_read(w, root, "answer");
		return unexpected(w, "neither a list nor a resource");
	}
	if (!json_object_is_type(value, json_type_array))
		return unexpected(w, "a value that is not an array");
	n = json_object_array_length(value);
	for (i = 0; i < n; i++) {
		snprintf(where, sizeof(where), "value[%zu]", i);
		if (item_read(w, json_object_array_get_idx(value, i), where) ==
		    -1)
			return -1;
	}
	return 0;
}

int
azure_parse(enum azure_resource r, const char *json, size_t len,
    const struct cloud_sink *sink, struct arena *arena, char **next_link,
    struct err *err)
{
	struct walk w = { r, sink, err };

	*next_link = NULL;
	if ((unsigned)r >= AZURE_RESOURCE__MAX || sink == NULL)
		return err_set(err, 500, "internal", "azure_parse: bad call");
	return cloud_json_read(
	    &arm, json, len, answer_walk, &w, arena, next_link, err);
}
