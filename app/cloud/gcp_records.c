/*
 * gcp_records.c: one Compute Engine resource into one cloud record.
 *
 * gcp_json.c walks an answer and hands each item here: a network, a
 * subnetwork, an instance (one address per IP of each interface) or a
 * reserved address.  A record is built on the stack from strings inside
 * the parsed tree; its project, region and zone come from its selfLink,
 * read as collection/id pairs.  A CIDR with host bits set, an address that
 * is really a range or a missing field refuses the record through the
 * sink's on_error, never a wrong record.
 */
#include "cloud/cloud_internal.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "cloud/gcp_json.h"
#include "ip/ip.h"
#include "lib/err.h"

#define WHY_MAX 384 /* why a record was refused */
#define ID_MAX 512  /* a relative name made up here */

/* Text a record's common fields point to, derived from its selfLink. */
struct parts {
	char project[GCP_PART_MAX];
	char region[GCP_PART_MAX];
	char zone[GCP_PART_MAX];
};

int
cloud_gcp_refuse(struct gcp_walk *w, const char *resource, const char *fmt, ...)
{
	static const enum cloud_kind record_kinds[GCP_RESOURCE__MAX] = {
		CLOUD_NETWORK, /* GCP_NETWORKS */
		CLOUD_SUBNET,  /* GCP_SUBNETWORKS */
		CLOUD_ADDRESS, /* GCP_INSTANCES */
		CLOUD_ADDRESS, /* GCP_ADDRESSES */
	};
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = cloud_json_vrefuse(w->sink, w->err, record_kinds[w->resource],
	    resource, WHY_MAX, fmt, ap);
	va_end(ap);
	return rc;
}

/*
 * The relative resource name in a Compute URL: "projects/p/..." from
 * "https://www.googleapis.com/compute/v1/projects/p/...", whichever host
 * or API version the URL names.  NULL when there is none.
 */
static const char *
relative_name(const char *url)
{
	const char *p;

	if (strncmp(url, "projects/", strlen("projects/")) == 0)
		return url;
	p = strstr(url, "/projects/");
	return p != NULL ? p + 1 : NULL;
}

/* A URL field made relative; "" when absent. */
static int
url_field(
    struct json_object *o, const char *key, const char **out, char why[WHY_MAX])
{
	const char *url;

	if (cloud_json_opt_string(o, key, &url, why, WHY_MAX) == -1)
		return -1;
	*out = url;
	if (*url == '\0')
		return 0;
	if ((*out = relative_name(url)) == NULL)
		return cloud_json_why(
		    why, WHY_MAX, "%s \"%.120s\" names no project", key, url);
	return 0;
}

/*
 * Copy into out the id that follows collection key in a relative name,
 * read as collection/id pairs ("projects/p/zones/z/instances/i"), so a
 * project called "zones" cannot be mistaken for the collection.
 */
static int
segment_copy(const char *relative, const char *key, char out[GCP_PART_MAX])
{
	size_t klen = strlen(key), n, vlen;
	const char *s = relative;

	for (;;) {
		n = strcspn(s, "/");
		if (s[n] != '/')
			return -1;
		vlen = strcspn(s + n + 1, "/");
		if (n == klen && memcmp(s, key, klen) == 0) {
			if (vlen == 0 || vlen >= GCP_PART_MAX)
				return -1;
			memcpy(out, s + n + 1, vlen);
			out[vlen] = '\0';
			return 0;
		}
		s += n + 1 + vlen;
		if (*s++ != '/')
			return -1;
	}
}

/* Zone and region from a relative name; the region of a zone "r-x" is r. */
static int
location_read(const char *relative, struct cloud_common *c, struct parts *parts,
    char why[WHY_MAX])
{
	const char *after =
	    relative + strlen("projects/") + strlen(parts->project);
	char *dash;

	c->zone = "";
	if (segment_copy(relative, "zones", parts->zone) == 0) {
		memcpy(parts->region, parts->zone, sizeof(parts->region));
		if ((dash = strrchr(parts->region, '-')) != NULL)
			*dash = '\0';
		c->zone = parts->zone;
		c->region = parts->region;
	} else if (segment_copy(relative, "regions", parts->region) == 0) {
		c->region = parts->region;
	} else if (strncmp(after, "/global/", strlen("/global/")) == 0) {
		c->region = "global";
	} else {
		return cloud_json_why(
		    why, WHY_MAX, "selfLink names no zone, region or global");
	}
	return 0;
}

/* Name, ids, project, location, state and labels: what all records share. */
static int
common_read(struct gcp_walk *w, struct json_object *item,
    struct cloud_common *c, struct parts *parts, char why[WHY_MAX])
{
	const char *self, *relative;

	c->provider = CLOUD_GCP;
	if (cloud_json_need_string(item, "name", &c->name, why, WHY_MAX) ==
	        -1 ||
	    cloud_json_need_string(item, "selfLink", &self, why, WHY_MAX) == -1)
		return -1;
	if ((relative = relative_name(self)) == NULL ||
	    segment_copy(relative, "projects", parts->project) == -1)
		return cloud_json_why(
		    why, WHY_MAX, "selfLink \"%.120s\" names no project", self);
	if (w->project != NULL && *w->project != '\0' &&
	    strcmp(parts->project, w->project) != 0)
		return cloud_json_why(why, WHY_MAX,
		    "selfLink is in project %s, not %s", parts->project,
		    w->project);
	c->account = parts->project;
	c->external_id = relative;
	if (location_read(relative, c, parts, why) == -1)
		return -1;
	if (cloud_json_opt_string(item, "status", &c->state, why, WHY_MAX) ==
	    -1)
		return -1;
	if (*c->state == '\0' &&
	    cloud_json_opt_string(item, "state", &c->state, why, WHY_MAX) == -1)
		return -1;
	return cloud_json_tags_read(item, "labels", "label", c, why, WHY_MAX);
}

/*
 * Add a CIDR, strictly: host bits set or an IPv4 /64 refuse the record
 * rather than become a different range.  A range given twice (ipv6CidrRange
 * is also the internal or external IPv6 prefix) is kept once.
 */
static int
cidr_add(struct cloud_cidr_set *set, const char *field, const char *text,
    const char *name, int secondary, char why[WHY_MAX])
{
	struct ip_prefix p;
	struct err e = ERR_INIT;
	char canonical[IP_PREFIX_STRLEN];

	if (ip_prefix_parse(text, strlen(text), &p, &e) == -1) {
		/* Only host bits failed: text is a well-formed CIDR. */
		if (strcmp(e.code, "host_bits_set") == 0)
			return cloud_json_why(why, WHY_MAX,
			    "%s %s has host bits set (the network is %s)",
			    field, text, ip_prefix_format(&p, canonical));
		return cloud_json_why(why, WHY_MAX, "%s: %s", field, e.message);
	}
	if (cloud_cidr_set_add(set, &p, name, secondary) == -1)
		return cloud_json_why(
		    why, WHY_MAX, "more than %d CIDRs", CLOUD_CIDRS_MAX);
	return 0;
}

const char *
cloud_gcp_label(struct json_object *item, const char *where)
{
	const char *s, *relative;

	if (cloud_json_get_string(item, "selfLink", &s) == 0 && s != NULL &&
	    (relative = relative_name(s)) != NULL)
		return relative;
	return cloud_json_string_or(item, "name", where);
}

struct network_work {
	struct cloud_network n;
	struct parts parts;
	struct cloud_cidr_set set;
	char why[WHY_MAX];
};

/* A network; only a legacy network has an IPv4 range of its own. */
static int
network_build(
    struct gcp_walk *w, struct json_object *item, struct network_work *nw)
{
	const char *v4, *v6;

	nw->n.c.kind = CLOUD_NETWORK;
	nw->set.cidrs = nw->n.cidrs;
	nw->set.ncidrs = &nw->n.ncidrs;
	if (common_read(w, item, &nw->n.c, &nw->parts, nw->why) == -1 ||
	    cloud_json_opt_string(item, "IPv4Range", &v4, nw->why, WHY_MAX) ==
	        -1 ||
	    cloud_json_opt_string(
	        item, "internalIpv6Range", &v6, nw->why, WHY_MAX) == -1)
		return -1;
	if (*v4 != '\0' &&
	    cidr_add(&nw->set, "IPv4Range", v4, "", 0, nw->why) == -1)
		return -1;
	if (*v6 != '\0' &&
	    cidr_add(&nw->set, "internalIpv6Range", v6, "", 0, nw->why) == -1)
		return -1;
	return 0;
}

int
cloud_gcp_network_read(
    struct gcp_walk *w, struct json_object *item, const char *where)
{
	struct network_work nw;

	memset(&nw, 0, sizeof(nw));
	if (network_build(w, item, &nw) == -1)
		return cloud_gcp_refuse(
		    w, cloud_gcp_label(item, where), "%s", nw.why);
	if (w->sink->on_network == NULL)
		return 0;
	return w->sink->on_network(w->sink->ctx, &nw.n, w->err);
}

struct subnet_work {
	struct cloud_subnet s;
	struct parts parts;
	struct cloud_cidr_set set;
	char why[WHY_MAX];
};

/* secondaryIpRanges[]: {rangeName, ipCidrRange}. */
static int
secondary_read(struct subnet_work *sw, struct json_object *item)
{
	struct json_object *ranges, *range;
	const char *name, *cidr;
	char field[64];
	size_t i, n;

	if (cloud_json_get_typed(
	        item, "secondaryIpRanges", json_type_array, &ranges) == -1)
		return cloud_json_why(
		    sw->why, WHY_MAX, "secondaryIpRanges is not an array");
	n = ranges != NULL ? json_object_array_length(ranges) : 0;
	for (i = 0; i < n; i++) {
		snprintf(field, sizeof(field), "secondaryIpRanges[%zu]", i);
		range = json_object_array_get_idx(ranges, i);
		if (!json_object_is_type(range, json_type_object))
			return cloud_json_why(
			    sw->why, WHY_MAX, "%s is not an object", field);
		if (cloud_json_need_string(
		        range, "rangeName", &name, sw->why, WHY_MAX) == -1 ||
		    cloud_json_need_string(
		        range, "ipCidrRange", &cidr, sw->why, WHY_MAX) == -1)
			return -1;
		if (cidr_add(&sw->set, field, cidr, name, 1, sw->why) == -1)
			return -1;
	}
	return 0;
}

/* The IPv6 ranges a dual-stack subnet may carry. */
static int
ipv6_read(struct subnet_work *sw, struct json_object *item)
{
	static const char *const fields[] = { "ipv6CidrRange",
		"internalIpv6Prefix", "externalIpv6Prefix" };
	const char *cidr;
	size_t i;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		if (cloud_json_opt_string(
		        item, fields[i], &cidr, sw->why, WHY_MAX) == -1)
			return -1;
		if (*cidr != '\0' &&
		    cidr_add(&sw->set, fields[i], cidr, "", 0, sw->why) == -1)
			return -1;
	}
	return 0;
}

static int
subnet_build(
    struct gcp_walk *w, struct json_object *item, struct subnet_work *sw)
{
	const char *primary;

	sw->s.c.kind = CLOUD_SUBNET;
	sw->set.cidrs = sw->s.cidrs;
	sw->set.ncidrs = &sw->s.ncidrs;
	if (common_read(w, item, &sw->s.c, &sw->parts, sw->why) == -1 ||
	    url_field(item, "network", &sw->s.network_id, sw->why) == -1 ||
	    cloud_json_need_string(
	        item, "ipCidrRange", &primary, sw->why, WHY_MAX) == -1)
		return -1;
	if (*sw->s.network_id == '\0')
		return cloud_json_why(sw->why, WHY_MAX, "no network");
	if (cidr_add(&sw->set, "ipCidrRange", primary, "", 0, sw->why) == -1)
		return -1;
	if (secondary_read(sw, item) == -1)
		return -1;
	return ipv6_read(sw, item);
}

int
cloud_gcp_subnet_read(
    struct gcp_walk *w, struct json_object *item, const char *where)
{
	struct subnet_work sw;

	memset(&sw, 0, sizeof(sw));
	if (subnet_build(w, item, &sw) == -1)
		return cloud_gcp_refuse(
		    w, cloud_gcp_label(item, where), "%s", sw.why);
	if (w->sink->on_subnet == NULL)
		return 0;
	return w->sink->on_subnet(w->sink->ctx, &sw.s, w->err);
}

/* An instance: what its addresses share, and room for their ids. */
struct instance_work {
	struct cloud_address a;
	struct parts parts;
	const char *instance; /* its relative name */
	char interface_id[ID_MAX];
	char external_id[ID_MAX];
	char ip[IP_ADDR_STRLEN];
	char why[WHY_MAX];
};

/* One address of an interface; role names it under the interface. */
static int
address_emit(struct gcp_walk *w, struct instance_work *iw, const char *role,
    const char *field, const char *text, int is_public, int is_primary)
{
	struct cloud_address a = iw->a;
	struct ip_addr addr;
	struct err e = ERR_INIT;
	int n;

	n = snprintf(iw->external_id, sizeof(iw->external_id), "%s/%s",
	    iw->interface_id, role);
	if (n < 0 || (size_t)n >= sizeof(iw->external_id))
		return cloud_gcp_refuse(
		    w, iw->interface_id, "%s: id too long", role);
	if (ip_addr_parse(text, strlen(text), &addr, &e) == -1)
		return cloud_gcp_refuse(
		    w, iw->external_id, "%s: %s", field, e.message);
	a.c.external_id = iw->external_id;
	a.ip = ip_addr_format(&addr, iw->ip);
	a.is_public = is_public;
	a.is_primary = is_primary;
	if (w->sink->on_address == NULL)
		return 0;
	return w->sink->on_address(w->sink->ctx, &a, w->err);
}

/* accessConfigs[].natIP or ipv6AccessConfigs[].externalIpv6: public. */
static int
access_read(struct gcp_walk *w, struct instance_work *iw,
    struct json_object *nic, const char *key, const char *field)
{
	struct json_object *configs, *config;
	const char *text;
	char role[64];
	size_t i, n;

	if (cloud_json_get_typed(nic, key, json_type_array, &configs) == -1)
		return cloud_gcp_refuse(
		    w, iw->interface_id, "%s is not an array", key);
	n = configs != NULL ? json_object_array_length(configs) : 0;
	for (i = 0; i < n; i++) {
		snprintf(role, sizeof(role), "%s/%zu", key, i);
		config = json_object_array_get_idx(configs, i);
		if (!json_object_is_type(config, json_type_object) ||
		    cloud_json_opt_string(
		        config, field, &text, iw->why, WHY_MAX) == -1)
			return cloud_gcp_refuse(w, iw->interface_id,
			    "%s is not an object with a string %s", role,
			    field);
		/* A stopped instance keeps its config but has no address. */
		if (*text != '\0' &&
		    address_emit(w, iw, role, field, text, 1, 0) == -1)
			return -1;
	}
	return 0;
}

static int
nic_read(struct gcp_walk *w, struct instance_work *iw, struct json_object *nic,
    size_t index)
{
	const char *name, *v4, *v6;
	char fallback[32];
	int n;

	if (!json_object_is_type(nic, json_type_object))
		return cloud_gcp_refuse(w, iw->instance,
		    "networkInterfaces[%zu] is not an object", index);
	if (cloud_json_opt_string(nic, "name", &name, iw->why, WHY_MAX) == -1 ||
	    url_field(nic, "network", &iw->a.network_id, iw->why) == -1 ||
	    url_field(nic, "subnetwork", &iw->a.subnet_id, iw->why) == -1 ||
	    cloud_json_opt_string(nic, "networkIP", &v4, iw->why, WHY_MAX) ==
	        -1 ||
	    cloud_json_opt_string(nic, "ipv6Address", &v6, iw->why, WHY_MAX) ==
	        -1)
		return cloud_gcp_refuse(w, iw->instance,
		    "networkInterfaces[%zu]: %s", index, iw->why);
	snprintf(fallback, sizeof(fallback), "nic%zu", index);
	n = snprintf(iw->interface_id, sizeof(iw->interface_id),
	    "%s/networkInterfaces/%s", iw->instance,
	    *name != '\0' ? name : fallback);
	if (n < 0 || (size_t)n >= sizeof(iw->interface_id))
		return cloud_gcp_refuse(
		    w, iw->instance, "interface id too long");
	if (*v4 != '\0' &&
	    address_emit(w, iw, "networkIP", "networkIP", v4, 0, 1) == -1)
		return -1;
	if (*v6 != '\0' &&
	    address_emit(w, iw, "ipv6Address", "ipv6Address", v6, 0, 0) == -1)
		return -1;
	if (access_read(w, iw, nic, "accessConfigs", "natIP") == -1)
		return -1;
	return access_read(w, iw, nic, "ipv6AccessConfigs", "externalIpv6");
}

/* An instance gives one address per IP on each of its interfaces. */
int
cloud_gcp_instance_read(
    struct gcp_walk *w, struct json_object *item, const char *where)
{
	struct instance_work iw;
	struct json_object *nics;
	size_t i, n;

	memset(&iw, 0, sizeof(iw));
	iw.a.c.kind = CLOUD_ADDRESS;
	if (common_read(w, item, &iw.a.c, &iw.parts, iw.why) == -1)
		return cloud_gcp_refuse(
		    w, cloud_gcp_label(item, where), "%s", iw.why);
	iw.instance = iw.a.c.external_id;
	iw.a.interface_id = iw.interface_id;
	iw.a.attached_to = iw.instance;
	iw.a.allocation_id = "";
	if (cloud_json_get_typed(
	        item, "networkInterfaces", json_type_array, &nics) == -1)
		return cloud_gcp_refuse(
		    w, iw.instance, "networkInterfaces is not an array");
	n = nics != NULL ? json_object_array_length(nics) : 0;
	for (i = 0; i < n; i++)
		if (nic_read(w, &iw, json_object_array_get_idx(nics, i), i) ==
		    -1)
			return -1;
	return 0;
}

struct address_work {
	struct cloud_address a;
	struct parts parts;
	char ip[IP_ADDR_STRLEN];
	char why[WHY_MAX];
};

/*
 * An address with a prefixLength shorter than the family's width is a
 * reserved range (VPC peering, Private Service Connect): one address
 * would be a wrong record, so it is refused with the range it is.
 */
static int
range_check(
    struct json_object *item, const struct ip_addr *addr, char why[WHY_MAX])
{
	struct json_object *v;
	struct ip_prefix range;
	struct err e = ERR_INIT;
	const char *purpose;
	char text[IP_PREFIX_STRLEN];
	int64_t len;

	if (cloud_json_get_typed(item, "prefixLength", json_type_int, &v) == -1)
		return cloud_json_why(
		    why, WHY_MAX, "prefixLength is not an integer");
	if (v == NULL ||
	    (len = json_object_get_int64(v)) == (int64_t)ip_addr_width(addr))
		return 0;
	if (len < 0 || len > (int64_t)ip_addr_width(addr))
		return cloud_json_why(why, WHY_MAX,
		    "prefixLength %lld is out of range", (long long)len);
	if (cloud_json_opt_string(item, "purpose", &purpose, why, WHY_MAX) ==
	    -1)
		return -1;
	ip_prefix_from_addr(addr, (unsigned)len, &range, &e);
	return cloud_json_why(why, WHY_MAX,
	    "address is the range %s (prefixLength %lld%s%s), "
	    "not one address",
	    ip_prefix_format(&range, text), (long long)len,
	    *purpose ? ", purpose " : "", purpose);
}

static int
address_build(
    struct gcp_walk *w, struct json_object *item, struct address_work *aw)
{
	struct json_object *users;
	struct ip_addr addr;
	struct err e = ERR_INIT;
	const char *text, *type;

	aw->a.c.kind = CLOUD_ADDRESS;
	if (common_read(w, item, &aw->a.c, &aw->parts, aw->why) == -1 ||
	    cloud_json_need_string(item, "address", &text, aw->why, WHY_MAX) ==
	        -1 ||
	    cloud_json_opt_string(
	        item, "addressType", &type, aw->why, WHY_MAX) == -1 ||
	    url_field(item, "network", &aw->a.network_id, aw->why) == -1 ||
	    url_field(item, "subnetwork", &aw->a.subnet_id, aw->why) == -1)
		return -1;
	if (ip_addr_parse(text, strlen(text), &addr, &e) == -1)
		return cloud_json_why(
		    aw->why, WHY_MAX, "address: %s", e.message);
	if (range_check(item, &addr, aw->why) == -1)
		return -1;
	/* The API documents EXTERNAL as the default. */
	if (*type == '\0' || strcmp(type, "EXTERNAL") == 0)
		aw->a.is_public = 1;
	else if (strcmp(type, "INTERNAL") != 0)
		return cloud_json_why(
		    aw->why, WHY_MAX, "unknown addressType \"%.40s\"", type);
	aw->a.ip = ip_addr_format(&addr, aw->ip);
	aw->a.interface_id = "";
	aw->a.attached_to = "";
	aw->a.allocation_id = aw->a.c.external_id;
	if (cloud_json_get_typed(item, "users", json_type_array, &users) == -1)
		return cloud_json_why(
		    aw->why, WHY_MAX, "users is not an array");
	if (users == NULL || json_object_array_length(users) == 0)
		return 0;
	/* users[0] stands for all: a shared internal address has several. */
	if (!json_object_is_type(
	        json_object_array_get_idx(users, 0), json_type_string))
		return cloud_json_why(
		    aw->why, WHY_MAX, "users[0] is not a string");
	aw->a.attached_to =
	    json_object_get_string(json_object_array_get_idx(users, 0));
	if (relative_name(aw->a.attached_to) != NULL)
		aw->a.attached_to = relative_name(aw->a.attached_to);
	return 0;
}

int
cloud_gcp_address_read(
    struct gcp_walk *w, struct json_object *item, const char *where)
{
	struct address_work aw;

	memset(&aw, 0, sizeof(aw));
	if (address_build(w, item, &aw) == -1)
		return cloud_gcp_refuse(
		    w, cloud_gcp_label(item, where), "%s", aw.why);
	if (w->sink->on_address == NULL)
		return 0;
	return w->sink->on_address(w->sink->ctx, &aw.a, w->err);
}
