/*
 * ec2_records.c: one EC2 <item> into cloud records.
 *
 * ec2_xml.c reads an answer and sets aside, for the record being read, the
 * fields its rules name and the sub-items (tags, CIDR associations,
 * addresses).  When the record's <item> closes it comes here: every CIDR
 * and address is checked and written canonically with app/ip, the common
 * fields filled, and the record handed to the sink: a network per VPC, a
 * subnet per subnet, an address per IP of an ENI (and per public IP
 * associated with it), an address per elastic IP, or a region name.  A
 * record that cannot be read goes to on_error with the first reason; a
 * bad address of an ENI is reported and the ENI's others are still sent.
 */
#include "cloud/cloud_internal.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cloud/ec2_xml.h"
#include "ip/ip.h"
#include "lib/arena.h"
#include "lib/err.h"

/* The element naming a record, for "no vpcId" and the like. */
static const char *const id_elements[EC2_ACTION__MAX] = {
	"vpcId",              /* EC2_DESCRIBE_VPCS */
	"subnetId",           /* EC2_DESCRIBE_SUBNETS */
	"networkInterfaceId", /* EC2_DESCRIBE_NETWORK_INTERFACES */
	"publicIp",           /* EC2_DESCRIBE_ADDRESSES */
	"regionName",         /* EC2_DESCRIBE_REGIONS */
};

/* A sink function said stop; keep what it said. */
static void
fail_with(struct ec2_parser *p, const struct err *err)
{
	if (err->code[0] == '\0') {
		cloud_ec2_fail(
		    p, 500, "sink_stopped", "the sink stopped the answer");
		return;
	}
	cloud_ec2_fail(p, err->status, err->code, "%s", err->message);
	p->err = *err;
}

void
cloud_ec2_record_refuse(struct ec2_parser *p, const char *fmt, ...)
{
	va_list ap;

	if (p->rec.why[0] != '\0')
		return;
	va_start(ap, fmt);
	vsnprintf(p->rec.why, sizeof(p->rec.why), fmt, ap);
	va_end(ap);
	if (p->rec.why[0] == '\0')
		snprintf(p->rec.why, sizeof(p->rec.why), "unreadable");
}

const char *
cloud_ec2_field(const struct ec2_parser *p, enum ec2_field f)
{
	return p->rec.f[f] != NULL ? p->rec.f[f] : "";
}

static void
sink_error(struct ec2_parser *p, enum cloud_kind kind, const char *resource)
{
	if (p->failed || p->sink.on_error == NULL)
		return;
	if (p->sink.on_error(p->sink.ctx, kind, resource, p->rec.why) == -1)
		cloud_ec2_fail(p, 500, "sink_stopped",
		    "the sink stopped at %.64s: %s", resource, p->rec.why);
}

/* One address of an ENI is unreadable: report it, go on with the rest. */
static void
address_skip(struct ec2_parser *p)
{
	sink_error(p, CLOUD_ADDRESS, cloud_ec2_field(p, EC2_F_ID));
	p->rec.why[0] = '\0';
}

/* Check an element's text as a prefix of family; *out is canonical. */
static int
cidr_read(struct ec2_parser *p, const char *element, const char *text,
    enum ip_family family, const char **out)
{
	struct ip_prefix prefix;
	struct err err = ERR_INIT;
	char canonical[IP_PREFIX_STRLEN];

	if (ip_prefix_parse(text, strlen(text), &prefix, &err) == -1) {
		if (strcmp(err.code, "host_bits_set") == 0)
			cloud_ec2_record_refuse(
			    p, "%s \"%s\": %s", element, text, err.message);
		else
			cloud_ec2_record_refuse(
			    p, "%s: %s", element, err.message);
		return -1;
	}
	if (prefix.addr.family != family) {
		cloud_ec2_record_refuse(p, "%s \"%s\": not an %s prefix",
		    element, text, family == IP_FAMILY_V4 ? "IPv4" : "IPv6");
		return -1;
	}
	*out = arena_strdup(p->arena, ip_prefix_format(&prefix, canonical));
	if (*out == NULL) {
		cloud_ec2_fail_oom(p);
		return -1;
	}
	return 0;
}

/* Check an element's text as an address of family; *out is canonical. */
static int
addr_read(struct ec2_parser *p, const char *element, const char *text,
    enum ip_family family, const char **out)
{
	struct ip_addr addr;
	struct err err = ERR_INIT;
	char canonical[IP_ADDR_STRLEN];

	if (ip_addr_parse(text, strlen(text), &addr, &err) == -1) {
		cloud_ec2_record_refuse(p, "%s: %s", element, err.message);
		return -1;
	}
	if (addr.family != family) {
		cloud_ec2_record_refuse(p, "%s \"%s\": not an %s address",
		    element, text, family == IP_FAMILY_V4 ? "IPv4" : "IPv6");
		return -1;
	}
	*out = arena_strdup(p->arena, ip_addr_format(&addr, canonical));
	if (*out == NULL) {
		cloud_ec2_fail_oom(p);
		return -1;
	}
	return 0;
}

/* "true" or "false", as the Query API writes booleans; absent is false. */
static int
bool_read(struct ec2_parser *p, const char *element, const char *text, int *out)
{
	*out = 0;
	if (text == NULL || strcmp(text, "false") == 0)
		return 0;
	if (strcmp(text, "true") == 0) {
		*out = 1;
		return 0;
	}
	cloud_ec2_record_refuse(
	    p, "%s \"%.64s\": not true or false", element, text);
	return -1;
}

/* What every record carries; refuses a record without its id. */
static int
common_fill(struct ec2_parser *p, struct cloud_common *c, enum cloud_kind kind)
{
	const char *owner = cloud_ec2_field(p, EC2_F_OWNER);
	size_t i;

	memset(c, 0, sizeof(*c));
	c->provider = CLOUD_AWS;
	c->kind = kind;
	c->account = owner[0] != '\0' ? owner : p->account;
	c->region = p->region;
	c->zone = cloud_ec2_field(p, EC2_F_ZONE);
	c->external_id = cloud_ec2_field(p, EC2_F_ID);
	c->name = "";
	c->state = cloud_ec2_field(p, EC2_F_STATE);
	c->discovered_at = p->discovered_at;
	for (i = 0; i < p->rec.ntags; i++) {
		c->tags[i] = p->rec.tags[i];
		if (strcmp(c->tags[i].key, "Name") == 0)
			c->name = c->tags[i].value;
	}
	c->ntags = p->rec.ntags;
	if (c->external_id[0] == '\0' && p->action != EC2_DESCRIBE_ADDRESSES)
		cloud_ec2_record_refuse(p, "no %s", id_elements[p->action]);
	return p->rec.why[0] != '\0' ? -1 : 0;
}

static int
cidr_add(struct ec2_parser *p, struct cloud_cidr *cidrs, size_t *n,
    const struct ec2_sub_item *s)
{
	int v4 = s->kind == EC2_SUB_CIDR_V4;
	const char *element = v4 ? "cidrBlock" : "ipv6CidrBlock";
	const char *text;

	if (s->value == NULL) {
		cloud_ec2_record_refuse(
		    p, "an association without %s", element);
		return -1;
	}
	if (cidr_read(p, element, s->value, v4 ? IP_FAMILY_V4 : IP_FAMILY_V6,
	        &text) == -1)
		return -1;
	/* The primary cidrBlock is also the first association: one CIDR. */
	if (v4 && *n > 0 && !cidrs[0].secondary && cidrs[0].name[0] == '\0' &&
	    strcmp(cidrs[0].cidr, text) == 0) {
		cidrs[0].name = s->id != NULL ? s->id : "";
		cidrs[0].state = s->state != NULL ? s->state : "";
		return 0;
	}
	if (*n == CLOUD_CIDRS_MAX) {
		cloud_ec2_record_refuse(
		    p, "more than %d CIDRs", CLOUD_CIDRS_MAX);
		return -1;
	}
	cidrs[*n].cidr = text;
	cidrs[*n].name = s->id != NULL ? s->id : "";
	cidrs[*n].state = s->state != NULL ? s->state : "";
	cidrs[*n].secondary = *n > 0;
	(*n)++;
	return 0;
}

/*
 * The cidrBlock, then the associations.  Without a cidrBlock (an IPv6-only
 * subnet) the first association is the primary range.
 */
static int
cidrs_fill(struct ec2_parser *p, struct cloud_cidr *cidrs, size_t *n)
{
	const struct ec2_sub_item *s;
	size_t i;

	*n = 0;
	if (p->rec.f[EC2_F_CIDR] != NULL) {
		if (cidr_read(p, "cidrBlock", p->rec.f[EC2_F_CIDR],
		        IP_FAMILY_V4, &cidrs[0].cidr) == -1)
			return -1;
		cidrs[0].name = "";
		cidrs[0].state = "";
		cidrs[0].secondary = 0;
		*n = 1;
	}
	for (i = 0; i < p->rec.nsubs; i++) {
		s = &p->rec.subs[i];
		if ((s->kind == EC2_SUB_CIDR_V4 ||
		        s->kind == EC2_SUB_CIDR_V6) &&
		    cidr_add(p, cidrs, n, s) == -1)
			return -1;
	}
	if (*n == 0) {
		cloud_ec2_record_refuse(p, "no cidrBlock");
		return -1;
	}
	return 0;
}

static void
emit_network(struct ec2_parser *p)
{
	struct cloud_network n;
	struct err err = ERR_INIT;

	memset(&n, 0, sizeof(n));
	if (common_fill(p, &n.c, CLOUD_NETWORK) == -1 ||
	    cidrs_fill(p, n.cidrs, &n.ncidrs) == -1 ||
	    bool_read(p, "isDefault", p->rec.f[EC2_F_IS_DEFAULT],
	        &n.is_default) == -1) {
		sink_error(p, CLOUD_NETWORK, cloud_ec2_field(p, EC2_F_ID));
		return;
	}
	if (p->sink.on_network != NULL &&
	    p->sink.on_network(p->sink.ctx, &n, &err) == -1)
		fail_with(p, &err);
}

static void
emit_subnet(struct ec2_parser *p)
{
	struct cloud_subnet s;
	struct err err = ERR_INIT;

	memset(&s, 0, sizeof(s));
	if (common_fill(p, &s.c, CLOUD_SUBNET) == -1 ||
	    cidrs_fill(p, s.cidrs, &s.ncidrs) == -1) {
		sink_error(p, CLOUD_SUBNET, cloud_ec2_field(p, EC2_F_ID));
		return;
	}
	s.network_id = cloud_ec2_field(p, EC2_F_VPC_ID);
	if (p->sink.on_subnet != NULL &&
	    p->sink.on_subnet(p->sink.ctx, &s, &err) == -1)
		fail_with(p, &err);
}

void
cloud_ec2_extra_clear(struct ec2_parser *p)
{
	p->extra.owner_id = "";
	p->extra.association_id = "";
	p->extra.domain = "";
	p->extra.private_ip = "";
}

static void
address_send(struct ec2_parser *p, const struct cloud_address *a)
{
	struct err err = ERR_INIT;

	if (p->sink.on_address != NULL &&
	    p->sink.on_address(p->sink.ctx, a, &err) == -1)
		fail_with(p, &err);
	cloud_ec2_extra_clear(p);
}

/*
 * One address of an ENI: read text as element, send it with the flags
 * given.  A bad one is reported and skipped; the ENI's others go on.
 * *canonical (when not NULL) gets the address, or NULL.
 */
static void
interface_address(struct ec2_parser *p, struct cloud_address *a,
    const char *element, const char *text, enum ip_family family,
    const char **canonical)
{
	const char *ip;

	if (canonical != NULL)
		*canonical = NULL;
	if (addr_read(p, element, text, family, &ip) == -1) {
		address_skip(p);
		return;
	}
	if (canonical != NULL)
		*canonical = ip;
	a->ip = ip;
	p->extra.owner_id = cloud_ec2_field(p, EC2_F_OWNER);
	address_send(p, a);
}

static void
interface_public(struct ec2_parser *p, struct cloud_address *a,
    const char *public_ip, const char *private_ip, const char *allocation_id,
    const char *association_id)
{
	struct cloud_address pub = *a;

	pub.is_public = 1;
	pub.is_primary = 0;
	pub.allocation_id = allocation_id != NULL ? allocation_id : "";
	p->extra.association_id = association_id != NULL ? association_id : "";
	p->extra.private_ip = private_ip != NULL ? private_ip : "";
	interface_address(
	    p, &pub, "association.publicIp", public_ip, IP_FAMILY_V4, NULL);
	cloud_ec2_extra_clear(p);
}

/* An ENI's addresses and the public IPs associated with them. */
static void
interface_addresses(
    struct ec2_parser *p, struct cloud_address *a, int *v4, int *pub)
{
	const struct ec2_sub_item *s;
	const char *private_ip;
	int primary;
	size_t i;

	for (i = 0; i < p->rec.nsubs && !p->failed; i++) {
		s = &p->rec.subs[i];
		if (s->kind != EC2_SUB_ADDRESS_V4 &&
		    s->kind != EC2_SUB_ADDRESS_V6)
			continue;
		if (s->value == NULL)
			cloud_ec2_record_refuse(
			    p, "an address item without its address");
		if (s->value == NULL ||
		    bool_read(p, "primary", s->primary, &primary) == -1) {
			address_skip(p);
			continue;
		}
		a->is_primary = primary;
		if (s->kind == EC2_SUB_ADDRESS_V6) {
			interface_address(
			    p, a, "ipv6Address", s->value, IP_FAMILY_V6, NULL);
			continue;
		}
		*v4 = 1;
		interface_address(p, a, "privateIpAddress", s->value,
		    IP_FAMILY_V4, &private_ip);
		if (s->public_ip == NULL || p->failed)
			continue;
		*pub = 1;
		interface_public(p, a, s->public_ip, private_ip,
		    s->allocation_id, s->association_id);
	}
}

static void
emit_interface(struct ec2_parser *p)
{
	struct cloud_address a;
	const char *private_ip = NULL;
	int v4 = 0, pub = 0;

	memset(&a, 0, sizeof(a));
	if (common_fill(p, &a.c, CLOUD_ADDRESS) == -1) {
		sink_error(p, CLOUD_ADDRESS, cloud_ec2_field(p, EC2_F_ID));
		return;
	}
	a.network_id = cloud_ec2_field(p, EC2_F_VPC_ID);
	a.subnet_id = cloud_ec2_field(p, EC2_F_SUBNET_ID);
	a.interface_id = cloud_ec2_field(p, EC2_F_ID);
	a.attached_to = cloud_ec2_field(p, EC2_F_INSTANCE_ID);
	a.allocation_id = "";
	interface_addresses(p, &a, &v4, &pub);
	/* Older answers: only the ENI's own privateIpAddress, association. */
	if (!v4 && p->rec.f[EC2_F_PRIVATE_IP] != NULL && !p->failed) {
		a.is_primary = 1;
		interface_address(p, &a, "privateIpAddress",
		    p->rec.f[EC2_F_PRIVATE_IP], IP_FAMILY_V4, &private_ip);
	}
	if (!pub && p->rec.f[EC2_F_PUBLIC_IP] != NULL && !p->failed) {
		if (private_ip == NULL && p->rec.f[EC2_F_PRIVATE_IP] != NULL)
			addr_read(p, "privateIpAddress",
			    p->rec.f[EC2_F_PRIVATE_IP], IP_FAMILY_V4,
			    &private_ip);
		p->rec.why[0] = '\0';
		interface_public(p, &a, p->rec.f[EC2_F_PUBLIC_IP], private_ip,
		    p->rec.f[EC2_F_ALLOCATION_ID],
		    p->rec.f[EC2_F_ASSOCIATION_ID]);
	}
}

/* An elastic IP; named by its allocation id, or its address. */
static void
emit_address(struct ec2_parser *p)
{
	struct cloud_address a;
	const char *resource = cloud_ec2_field(p, EC2_F_ALLOCATION_ID);
	const char *private_ip = "";

	if (resource[0] == '\0')
		resource = cloud_ec2_field(p, EC2_F_PUBLIC_IP);
	memset(&a, 0, sizeof(a));
	if (common_fill(p, &a.c, CLOUD_ADDRESS) == -1)
		goto refused;
	if (p->rec.f[EC2_F_PUBLIC_IP] == NULL) {
		cloud_ec2_record_refuse(p, "no publicIp");
		goto refused;
	}
	if (addr_read(p, "publicIp", p->rec.f[EC2_F_PUBLIC_IP], IP_FAMILY_V4,
	        &a.ip) == -1)
		goto refused;
	if (cloud_ec2_field(p, EC2_F_PRIVATE_IP)[0] != '\0' &&
	    addr_read(p, "privateIpAddress", p->rec.f[EC2_F_PRIVATE_IP],
	        IP_FAMILY_V4, &private_ip) == -1)
		goto refused;
	a.c.external_id = cloud_ec2_field(p, EC2_F_ALLOCATION_ID);
	if (a.c.external_id[0] == '\0')
		a.c.external_id = a.ip;
	a.is_public = 1;
	a.network_id = "";
	a.subnet_id = "";
	a.interface_id = cloud_ec2_field(p, EC2_F_INTERFACE_ID);
	a.attached_to = cloud_ec2_field(p, EC2_F_INSTANCE_ID);
	a.allocation_id = cloud_ec2_field(p, EC2_F_ALLOCATION_ID);
	p->extra.owner_id = cloud_ec2_field(p, EC2_F_INTERFACE_OWNER);
	p->extra.association_id = cloud_ec2_field(p, EC2_F_ASSOCIATION_ID);
	p->extra.domain = cloud_ec2_field(p, EC2_F_DOMAIN);
	p->extra.private_ip = private_ip;
	address_send(p, &a);
	return;
refused:
	sink_error(p, CLOUD_ADDRESS, resource);
}

static void
emit_region(struct ec2_parser *p)
{
	struct err err = ERR_INIT;

	if (p->rec.f[EC2_F_ID] == NULL || p->region_fn == NULL)
		return;
	if (p->region_fn(p->region_ctx, p->rec.f[EC2_F_ID], &err) == -1)
		fail_with(p, &err);
}

void
cloud_ec2_record_end(struct ec2_parser *p)
{
	switch (p->action) {
	case EC2_DESCRIBE_VPCS:
		emit_network(p);
		break;
	case EC2_DESCRIBE_SUBNETS:
		emit_subnet(p);
		break;
	case EC2_DESCRIBE_NETWORK_INTERFACES:
		emit_interface(p);
		break;
	case EC2_DESCRIBE_ADDRESSES:
		emit_address(p);
		break;
	default:
		emit_region(p);
		break;
	}
	p->record_depth = 0;
}
