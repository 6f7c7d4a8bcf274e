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
 */
#include "cloud/gcp_json.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "ip/ip.h"
#include "lib/arena.h"
#include "lib/err.h"

#define WHY_MAX 384  /* why a record was refused */
#define PART_MAX 128 /* a project id, region or zone (GCP allows 63) */
#define ID_MAX 512   /* a relative name made up here */

const char *const gcp_resource_names[GCP_RESOURCE__MAX] = {
	"networks",    /* GCP_NETWORKS */
	"subnetworks", /* GCP_SUBNETWORKS */
	"instances",   /* GCP_INSTANCES */
	"addresses",   /* GCP_ADDRESSES */
};

/* One gcp_parse call. */
struct walk {
	enum gcp_resource resource;
	const char *project; /* the caller's, or NULL */
	const struct cloud_sink *sink;
	struct err *err;
};

/* Text a record's common fields point to, derived from its selfLink. */
struct parts {
	char project[PART_MAX];
	char region[PART_MAX];
	char zone[PART_MAX];
};

/* The CIDRs of a network or subnet as they are gathered. */
struct cidr_set {
	struct cloud_cidr *cidrs; /* the record's, CLOUD_CIDRS_MAX long */
	size_t *ncidrs;
	struct ip_prefix prefixes[CLOUD_CIDRS_MAX];
	char texts[CLOUD_CIDRS_MAX][IP_PREFIX_STRLEN];
};

static int why_set(char why[WHY_MAX], const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int refuse(struct walk *w, const char *resource, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Fill why and return -1, for the record builders. */
static int
why_set(char why[WHY_MAX], const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, WHY_MAX, fmt, ap);
	va_end(ap);
	return -1;
}

/*
 * Report a record that cannot be read and go on, unless the sink has no
 * on_error or refuses: then the answer fails.  Cloud text may reach the
 * message, and the message a log line, so control bytes become '?'.
 */
static int
refuse(struct walk *w, const char *resource, const char *fmt, ...)
{
	static const enum cloud_kind record_kinds[GCP_RESOURCE__MAX] = {
		CLOUD_NETWORK, /* GCP_NETWORKS */
		CLOUD_SUBNET,  /* GCP_SUBNETWORKS */
		CLOUD_ADDRESS, /* GCP_INSTANCES */
		CLOUD_ADDRESS, /* GCP_ADDRESSES */
	};
	enum cloud_kind kind = record_kinds[w->resource];
	char message[WHY_MAX];
	va_list ap;
	size_t i;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	for (i = 0; message[i] != '\0'; i++)
		if ((unsigned char)message[i] < ' ' || message[i] == 0x7f)
			message[i] = '?';
	if (w->sink->on_error != NULL &&
	    w->sink->on_error(w->sink->ctx, kind, resource, message) == 0)
		return 0;
	return err_set(w->err, 502, "bad_record", "%s %s: %s",
	    cloud_kind_names[kind], resource, message);
}

/*
 * The string at key: 0 with *out NULL when absent or null, -1 when it is
 * another type or holds a NUL (which would cut an id short).
 */
static int
get_string(struct json_object *o, const char *key, const char **out)
{
	struct json_object *v;

	*out = NULL;
	if (!json_object_object_get_ex(o, key, &v) || v == NULL)
		return 0;
	if (!json_object_is_type(v, json_type_string))
		return -1;
	*out = json_object_get_string(v);
	if (strlen(*out) != (size_t)json_object_get_string_len(v)) {
		*out = NULL;
		return -1;
	}
	return 0;
}

/* As get_string for another type t; absent or null gives NULL. */
static int
get_typed(struct json_object *o, const char *key, enum json_type t,
    struct json_object **out)
{
	*out = NULL;
	if (!json_object_object_get_ex(o, key, out) || *out == NULL)
		return 0;
	if (!json_object_is_type(*out, t)) {
		*out = NULL;
		return -1;
	}
	return 0;
}

/* A string that must be there and not be empty. */
static int
need_string(
    struct json_object *o, const char *key, const char **out, char why[WHY_MAX])
{
	if (get_string(o, key, out) == -1)
		return why_set(why, "%s is not a string", key);
	if (*out == NULL || **out == '\0')
		return why_set(why, "no %s", key);
	return 0;
}

/* A string that may be missing: then "". */
static int
opt_string(
    struct json_object *o, const char *key, const char **out, char why[WHY_MAX])
{
	if (get_string(o, key, out) == -1)
		return why_set(why, "%s is not a string", key);
	if (*out == NULL)
		*out = "";
	return 0;
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

	if (opt_string(o, key, &url, why) == -1)
		return -1;
	*out = url;
	if (*url == '\0')
		return 0;
	if ((*out = relative_name(url)) == NULL)
		return why_set(why, "%s \"%.120s\" names no project", key, url);
	return 0;
}

/*
 * Copy into out the id that follows collection key in a relative name,
 * read as collection/id pairs ("projects/p/zones/z/instances/i"), so a
 * project called "zones" cannot be mistaken for the collection.
 */
static int
segment_copy(const char *relative, const char *key, char out[PART_MAX])
{
	size_t klen = strlen(key), n, vlen;
	const char *s = relative;

	for (;;) {
		n = strcspn(s, "/");
		if (s[n] != '/')
			return -1;
		vlen = strcspn(s + n + 1, "/");
		if (n == klen && memcmp(s, key, klen) == 0) {
			if (vlen == 0 || vlen >= PART_MAX)
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
		return why_set(why, "selfLink names no zone, region or global");
	}
	return 0;
}

/* GCP labels as tags. */
static int
labels_read(struct json_object *o, struct cloud_common *c, char why[WHY_MAX])
{
	struct json_object *labels, *v;
	struct json_object_iterator it, end;

	if (get_typed(o, "labels", json_type_object, &labels) == -1)
		return why_set(why, "labels is not an object");
	if (labels == NULL)
		return 0;
	it = json_object_iter_begin(labels);
	end = json_object_iter_end(labels);
	for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
		v = json_object_iter_peek_value(&it);
		if (c->ntags == CLOUD_TAGS_MAX)
			return why_set(
			    why, "more than %d labels", CLOUD_TAGS_MAX);
		if (v == NULL || !json_object_is_type(v, json_type_string))
			return why_set(why, "a label value is not a string");
		c->tags[c->ntags].key = json_object_iter_peek_name(&it);
		c->tags[c->ntags].value = json_object_get_string(v);
		c->ntags++;
	}
	return 0;
}

/* Name, ids, project, location, state and labels: what all records share. */
static int
common_read(struct walk *w, struct json_object *item, struct cloud_common *c,
    struct parts *parts, char why[WHY_MAX])
{
	const char *self, *relative;

	c->provider = CLOUD_GCP;
	if (need_string(item, "name", &c->name, why) == -1 ||
	    need_string(item, "selfLink", &self, why) == -1)
		return -1;
	if ((relative = relative_name(self)) == NULL ||
	    segment_copy(relative, "projects", parts->project) == -1)
		return why_set(
		    why, "selfLink \"%.120s\" names no project", self);
	if (w->project != NULL && *w->project != '\0' &&
	    strcmp(parts->project, w->project) != 0)
		return why_set(why, "selfLink is in project %s, not %s",
		    parts->project, w->project);
	c->account = parts->project;
	c->external_id = relative;
	if (location_read(relative, c, parts, why) == -1)
		return -1;
	if (opt_string(item, "status", &c->state, why) == -1)
		return -1;
	if (*c->state == '\0' &&
	    opt_string(item, "state", &c->state, why) == -1)
		return -1;
	return labels_read(item, c, why);
}

/*
 * Add a CIDR, strictly: host bits set or an IPv4 /64 refuse the record
 * rather than become a different range.  A range given twice (ipv6CidrRange
 * is also the internal or external IPv6 prefix) is kept once.
 */
static int
cidr_add(struct cidr_set *set, const char *field, const char *text,
    const char *name, int secondary, char why[WHY_MAX])
{
	struct ip_prefix p;
	struct err e = ERR_INIT;
	char canonical[IP_PREFIX_STRLEN];
	size_t i, n = *set->ncidrs;

	if (ip_prefix_parse(text, strlen(text), &p, &e) == -1) {
		/* Only host bits failed: text is a well-formed CIDR. */
		if (strcmp(e.code, "host_bits_set") == 0)
			return why_set(why,
			    "%s %s has host bits set (the network is %s)",
			    field, text, ip_prefix_format(&p, canonical));
		return why_set(why, "%s: %s", field, e.message);
	}
	for (i = 0; i < n; i++)
		if (ip_prefix_compare(&set->prefixes[i], &p) == 0)
			return 0;
	if (n == CLOUD_CIDRS_MAX)
		return why_set(why, "more than %d CIDRs", CLOUD_CIDRS_MAX);
	set->prefixes[n] = p;
	set->cidrs[n].cidr = ip_prefix_format(&p, set->texts[n]);
	set->cidrs[n].name = name;
	set->cidrs[n].state = "";
	set->cidrs[n].secondary = secondary;
	*set->ncidrs = n + 1;
	return 0;
}

/* A record that could not be built is named by what it has. */
static const char *
label(struct json_object *item, const char *where)
{
	const char *s, *relative;

	if (get_string(item, "selfLink", &s) == 0 && s != NULL &&
	    (relative = relative_name(s)) != NULL)
		return relative;
	if (get_string(item, "name", &s) == 0 && s != NULL && *s != '\0')
		return s;
	return where;
}

struct network_work {
	struct cloud_network n;
	struct parts parts;
	struct cidr_set set;
	char why[WHY_MAX];
};

/* A network; only a legacy network has an IPv4 range of its own. */
static int
network_build(struct walk *w, struct json_object *item, struct network_work *nw)
{
	const char *v4, *v6;

	nw->n.c.kind = CLOUD_NETWORK;
	nw->set.cidrs = nw->n.cidrs;
	nw->set.ncidrs = &nw->n.ncidrs;
	if (common_read(w, item, &nw->n.c, &nw->parts, nw->why) == -1 ||
	    opt_string(item, "IPv4Range", &v4, nw->why) == -1 ||
	    opt_string(item, "internalIpv6Range", &v6, nw->why) == -1)
		return -1;
	if (*v4 != '\0' &&
	    cidr_add(&nw->set, "IPv4Range", v4, "", 0, nw->why) == -1)
		return -1;
	if (*v6 != '\0' &&
	    cidr_add(&nw->set, "internalIpv6Range", v6, "", 0, nw->why) == -1)
		return -1;
	return 0;
}

static int
network_read(struct walk *w, struct json_object *item, const char *where)
{
	struct network_work nw;

	memset(&nw, 0, sizeof(nw));
	if (network_build(w, item, &nw) == -1)
		return refuse(w, label(item, where), "%s", nw.why);
	if (w->sink->on_network == NULL)
		return 0;
	return w->sink->on_network(w->sink->ctx, &nw.n, w->err);
}

struct subnet_work {
	struct cloud_subnet s;
	struct parts parts;
	struct cidr_set set;
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

	if (get_typed(item, "secondaryIpRanges", json_type_array, &ranges) ==
	    -1)
		return why_set(sw->why, "secondaryIpRanges is not an array");
	n = ranges != NULL ? json_object_array_length(ranges) : 0;
	for (i = 0; i < n; i++) {
		snprintf(field, sizeof(field), "secondaryIpRanges[%zu]", i);
		range = json_object_array_get_idx(ranges, i);
		if (!json_object_is_type(range, json_type_object))
			return why_set(sw->why, "%s is not an object", field);
		if (need_string(range, "rangeName", &name, sw->why) == -1 ||
		    need_string(range, "ipCidrRange", &cidr, sw->why) == -1)
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
		if (opt_string(item, fields[i], &cidr, sw->why) == -1)
			return -1;
		if (*cidr != '\0' &&
		    cidr_add(&sw->set, fields[i], cidr, "", 0, sw->why) == -1)
			return -1;
	}
	return 0;
}

static int
subnet_build(struct walk *w, struct json_object *item, struct subnet_work *sw)
{
	const char *primary;

	sw->s.c.kind = CLOUD_SUBNET;
	sw->set.cidrs = sw->s.cidrs;
	sw->set.ncidrs = &sw->s.ncidrs;
	if (common_read(w, item, &sw->s.c, &sw->parts, sw->why) == -1 ||
	    url_field(item, "network", &sw->s.network_id, sw->why) == -1 ||
	    need_string(item, "ipCidrRange", &primary, sw->why) == -1)
		return -1;
	if (*sw->s.network_id == '\0')
		return why_set(sw->why, "no network");
	if (cidr_add(&sw->set, "ipCidrRange", primary, "", 0, sw->why) == -1)
		return -1;
	if (secondary_read(sw, item) == -1)
		return -1;
	return ipv6_read(sw, item);
}

static int
subnet_read(struct walk *w, struct json_object *item, const char *where)
{
	struct subnet_work sw;

	memset(&sw, 0, sizeof(sw));
	if (subnet_build(w, item, &sw) == -1)
		return refuse(w, label(item, where), "%s", sw.why);
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
address_emit(struct walk *w, struct instance_work *iw, const char *role,
    const char *field, const char *text, int is_public, int is_primary)
{
	struct cloud_address a = iw->a;
	struct ip_addr addr;
	struct err e = ERR_INIT;
	int n;

	n = snprintf(iw->external_id, sizeof(iw->external_id), "%s/%s",
	    iw->interface_id, role);
	if (n < 0 || (size_t)n >= sizeof(iw->external_id))
		return refuse(w, iw->interface_id, "%s: id too long", role);
	if (ip_addr_parse(text, strlen(text), &addr, &e) == -1)
		return refuse(w, iw->external_id, "%s: %s", field, e.message);
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
access_read(struct walk *w, struct instance_work *iw, struct json_object *nic,
    const char *key, const char *field)
{
	struct json_object *configs, *config;
	const char *text;
	char role[64];
	size_t i, n;

	if (get_typed(nic, key, json_type_array, &configs) == -1)
		return refuse(w, iw->interface_id, "%s is not an array", key);
	n = configs != NULL ? json_object_array_length(configs) : 0;
	for (i = 0; i < n; i++) {
		snprintf(role, sizeof(role), "%s/%zu", key, i);
		config = json_object_array_get_idx(configs, i);
		if (!json_object_is_type(config, json_type_object) ||
		    opt_string(config, field, &text, iw->why) == -1)
			return refuse(w, iw->interface_id,
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
nic_read(struct walk *w, struct instance_work *iw, struct json_object *nic,
    size_t index)
{
	const char *name, *v4, *v6;
	char fallback[32];
	int n;

	if (!json_object_is_type(nic, json_type_object))
		return refuse(w, iw->instance,
		    "networkInterfaces[%zu] is not an object", index);
	if (opt_string(nic, "name", &name, iw->why) == -1 ||
	    url_field(nic, "network", &iw->a.network_id, iw->why) == -1 ||
	    url_field(nic, "subnetwork", &iw->a.subnet_id, iw->why) == -1 ||
	    opt_string(nic, "networkIP", &v4, iw->why) == -1 ||
	    opt_string(nic, "ipv6Address", &v6, iw->why) == -1)
		return refuse(w, iw->instance, "networkInterfaces[%zu]: %s",
		    index, iw->why);
	snprintf(fallback, sizeof(fallback), "nic%zu", index);
	n = snprintf(iw->interface_id, sizeof(iw->interface_id),
	    "%s/networkInterfaces/%s", iw->instance,
	    *name != '\0' ? name : fallback);
	if (n < 0 || (size_t)n >= sizeof(iw->interface_id))
		return refuse(w, iw->instance, "interface id too long");
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
static int
instance_read(struct walk *w, struct json_object *item, const char *where)
{
	struct instance_work iw;
	struct json_object *nics;
	size_t i, n;

	memset(&iw, 0, sizeof(iw));
	iw.a.c.kind = CLOUD_ADDRESS;
	if (common_read(w, item, &iw.a.c, &iw.parts, iw.why) == -1)
		return refuse(w, label(item, where), "%s", iw.why);
	iw.instance = iw.a.c.external_id;
	iw.a.interface_id = iw.interface_id;
	iw.a.attached_to = iw.instance;
	iw.a.allocation_id = "";
	if (get_typed(item, "networkInterfaces", json_type_array, &nics) == -1)
		return refuse(
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

	if (get_typed(item, "prefixLength", json_type_int, &v) == -1)
		return why_set(why, "prefixLength is not an integer");
	if (v == NULL ||
	    (len = json_object_get_int64(v)) == (int64_t)ip_addr_width(addr))
		return 0;
	if (len < 0 || len > (int64_t)ip_addr_width(addr))
		return why_set(
		    why, "prefixLength %lld is out of range", (long long)len);
	if (opt_string(item, "purpose", &purpose, why) == -1)
		return -1;
	ip_prefix_from_addr(addr, (unsigned)len, &range, &e);
	return why_set(why,
	    "address is the range %s (prefixLength %lld%s%s), "
	    "not one address",
	    ip_prefix_format(&range, text), (long long)len,
	    *purpose ? ", purpose " : "", purpose);
}

static int
address_build(struct walk *w, struct json_object *item, struct address_work *aw)
{
	struct json_object *users;
	struct ip_addr addr;
	struct err e = ERR_INIT;
	const char *text, *type;

	aw->a.c.kind = CLOUD_ADDRESS;
	if (common_read(w, item, &aw->a.c, &aw->parts, aw->why) == -1 ||
	    need_string(item, "address", &text, aw->why) == -1 ||
	    opt_string(item, "addressType", &type, aw->why) == -1 ||
	    url_field(item, "network", &aw->a.network_id, aw->why) == -1 ||
	    url_field(item, "subnetwork", &aw->a.subnet_id, aw->why) == -1)
		return -1;
	if (ip_addr_parse(text, strlen(text), &addr, &e) == -1)
		return why_set(aw->why, "address: %s", e.message);
	if (range_check(item, &addr, aw->why) == -1)
		return -1;
	/* The API documents EXTERNAL as the default. */
	if (*type == '\0' || strcmp(type, "EXTERNAL") == 0)
		aw->a.is_public = 1;
	else if (strcmp(type, "INTERNAL") != 0)
		return why_set(aw->why, "unknown addressType \"%.40s\"", type);
	aw->a.ip = ip_addr_format(&addr, aw->ip);
	aw->a.interface_id = "";
	aw->a.attached_to = "";
	aw->a.allocation_id = aw->a.c.external_id;
	if (get_typed(item, "users", json_type_array, &users) == -1)
		return why_set(aw->why, "users is not an array");
	if (users == NULL || json_object_array_length(users) == 0)
		return 0;
	/* users[0] stands for all: a shared internal address has several. */
	if (!json_object_is_type(
	        json_object_array_get_idx(users, 0), json_type_string))
		return why_set(aw->why, "users[0] is not a string");
	aw->a.attached_to =
	    json_object_get_string(json_object_array_get_idx(users, 0));
	if (relative_name(aw->a.attached_to) != NULL)
		aw->a.attached_to = relative_name(aw->a.attached_to);
	return 0;
}

static int
address_read(struct walk *w, struct json_object *item, const char *where)
{
	struct address_work aw;

	memset(&aw, 0, sizeof(aw));
	if (address_build(w, item, &aw) == -1)
		return refuse(w, label(item, where), "%s", aw.why);
	if (w->sink->on_address == NULL)
		return 0;
	return w->sink->on_address(w->sink->ctx, &aw.a, w->err);
}

typedef int item_read_fn(
    struct walk *w, struct json_object *item, const char *where);

/* What each resource's answers are called, and who reads an item. */
static const struct {
	const char *list;       /* "kind" of a list answer */
	const char *aggregated; /* of an aggregatedList, or NULL */
	const char *item;       /* of one resource */
	item_read_fn *read;
} kinds[GCP_RESOURCE__MAX] = {
	{ "compute#networkList", NULL, "compute#network",
	    network_read }, /* GCP_NETWORKS */
	{ "compute#subnetworkList", "compute#subnetworkAggregatedList",
	    "compute#subnetwork", subnet_read }, /* GCP_SUBNETWORKS */
	{ "compute#instanceList", "compute#instanceAggregatedList",
	    "compute#instance", instance_read }, /* GCP_INSTANCES */
	{ "compute#addressList", "compute#addressAggregatedList",
	    "compute#address", address_read }, /* GCP_ADDRESSES */
};

static int
unexpected(struct walk *w, const char *what)
{
	return err_set(w->err, 502, "unexpected_answer",
	    "expected an answer about %s, got %.80s",
	    gcp_resource_names[w->resource], what);
}

static int
item_read(struct walk *w, struct json_object *item, const char *where)
{
	const char *kind;

	if (!json_object_is_type(item, json_type_object))
		return refuse(w, where, "not a JSON object");
	if (get_string(item, "kind", &kind) == -1)
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
warning_read(struct walk *w, const char *where, struct json_object *warning)
{
	const char *code = NULL, *message = NULL;

	if (!json_object_is_type(warning, json_type_object))
		return refuse(w, where, "warning is not an object");
	get_string(warning, "code", &code);
	get_string(warning, "message", &message);
	if (code != NULL && strcmp(code, "NO_RESULTS_ON_PAGE") == 0)
		return 0;
	return refuse(w, where, "warning %.64s: %.200s",
	    code != NULL ? code : "(no code)", message != NULL ? message : "");
}

/* An aggregatedList scope: {"<resources>": [...]} and/or a warning. */
static int
scope_read(struct walk *w, const char *scope, struct json_object *value)
{
	struct json_object *warning, *list;
	const char *plural = gcp_resource_names[w->resource];
	char where[PART_MAX + 64];
	size_t i, n;

	if (!json_object_is_type(value, json_type_object))
		return refuse(w, scope, "scope is not an object");
	if (json_object_object_get_ex(value, "warning", &warning) &&
	    warning_read(w, scope, warning) == -1)
		return -1;
	if (get_typed(value, plural, json_type_array, &list) == -1)
		return refuse(w, scope, "%s is not an array", plural);
	n = list != NULL ? json_object_array_length(list) : 0;
	for (i = 0; i < n; i++) {
		snprintf(where, sizeof(where), "%.*s %s[%zu]", PART_MAX, scope,
		    plural, i);
		if (item_read(w, json_object_array_get_idx(list, i), where) ==
		    -1)
			return -1;
	}
	return 0;
}

/* The list's own warning, and the scopes it could not reach. */
static int
list_warnings_read(struct walk *w, struct json_object *root)
{
	struct json_object *warning, *unreachables, *v;
	const char *where = label(root, "answer");
	size_t i, n;

	if (json_object_object_get_ex(root, "warning", &warning) &&
	    warning_read(w, where, warning) == -1)
		return -1;
	if (get_typed(root, "unreachables", json_type_array, &unreachables) ==
	    -1)
		return refuse(w, where, "unreachables is not an array");
	n = unreachables != NULL ? json_object_array_length(unreachables) : 0;
	for (i = 0; i < n; i++) {
		v = json_object_array_get_idx(unreachables, i);
		if (refuse(w,
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
items_read(struct walk *w, struct json_object *items)
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
	get_string(error, "message", &message);
	return err_set(err, 502, "cloud_error", "Compute API error %d: %.300s",
	    json_object_is_type(code, json_type_int) ? json_object_get_int(code)
	                                             : 0,
	    message != NULL ? message : "(no message)");
}

static int
answer_walk(struct walk *w, struct json_object *root)
{
	struct json_object *items, *error;
	const char *kind, *list = kinds[w->resource].list;
	const char *aggregated = kinds[w->resource].aggregated;

	if (json_object_object_get_ex(root, "error", &error) && error != NULL)
		return cloud_error(error, w->err);
	if (get_string(root, "kind", &kind) == -1)
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

/* Parse the text of one answer: strict JSON, bounded, an object. */
static int
answer_parse(
    const char *json, size_t len, struct json_object **out, struct err *err)
{
	struct json_tokener *tok;
	struct json_object *root;
	enum json_tokener_error jerr;
	size_t end;

	*out = NULL;
	if (json == NULL || len == 0)
		return err_set(err, 502, "invalid_json", "empty answer");
	if (len > GCP_JSON_MAX)
		return err_set(err, 502, "answer_too_large",
		    "answer of %zu bytes; at most %zu are read", len,
		    GCP_JSON_MAX);
	if ((tok = json_tokener_new_ex(GCP_JSON_DEPTH)) == NULL)
		return err_set(err, 500, "internal", "out of memory");
	json_tokener_set_flags(
	    tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	root = json_tokener_parse_ex(tok, json, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	while (end < len && (json[end] == ' ' || json[end] == '\t' ||
	                        json[end] == '\r' || json[end] == '\n'))
		end++;
	if (jerr != json_tokener_success || root == NULL || end != len) {
		json_object_put(root);
		return err_set(err, 502, "invalid_json",
		    "malformed JSON at byte %zu: %s", end,
		    jerr == json_tokener_success ? "unexpected data after it"
		    : jerr == json_tokener_continue
		        ? "unexpected end of input"
		        : json_tokener_error_desc(jerr));
	}
	if (!json_object_is_type(root, json_type_object)) {
		json_object_put(root);
		return err_set(err, 502, "invalid_json",
		    "the answer is not a JSON object");
	}
	*out = root;
	return 0;
}

/* Copy the nextPageToken into the arena; "" means the last page too. */
static int
token_copy(
    struct json_object *root, struct arena *arena, char **out, struct err *err)
{
	const char *token;

	if (get_string(root, "nextPageToken", &token) == -1)
		return err_set(err, 502, "unexpected_answer",
		    "nextPageToken is not a string");
	if (token == NULL || *token == '\0')
		return 0;
	if (strlen(token) > GCP_TOKEN_MAX)
		return err_set(err, 502, "unexpected_answer",
		    "nextPageToken of %zu bytes; at most %d are taken",
		    strlen(token), GCP_TOKEN_MAX);
	if ((*out = arena_strdup(arena, token)) == NULL)
		return err_set(err, 500, "internal", "out of memory");
	return 0;
}

int
gcp_parse(enum gcp_resource r, const char *json, size_t len,
    const char *project, const struct cloud_sink *sink, struct arena *arena,
    char **next_page_token, struct err *err)
{
	struct walk w = { r, project, sink, err };
	struct json_object *root;
	int rc = -1;

	*next_page_token = NULL;
	if ((unsigned)r >= GCP_RESOURCE__MAX || sink == NULL)
		return err_set(err, 500, "internal", "gcp_parse: bad call");
	if (answer_parse(json, len, &root, err) == -1)
		return -1;
	if (answer_walk(&w, root) == -1 ||
	    token_copy(root, arena, next_page_token, err) == -1)
		goto fail;
	rc = 0;
fail:
	json_object_put(root);
	return rc;
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
	if (answer_parse(json, len, &root, err) == -1)
		return -1;
	if (json_object_object_get_ex(root, "error", &error) && error != NULL) {
		cloud_error(error, err);
		goto fail;
	}
	if (get_string(root, "kind", &kind) == -1 || kind == NULL ||
	    strncmp(kind, "compute#", strlen("compute#")) != 0 ||
	    (n = strlen(kind)) < strlen("List") ||
	    strcmp(kind + n - strlen("List"), "List") != 0) {
		err_set(err, 502, "unexpected_answer",
		    "expected a Compute list answer");
		goto fail;
	}
	if (token_copy(root, arena, next_page_token, err) == -1)
		goto fail;
	rc = 0;
fail:
	json_object_put(root);
	return rc;
}
