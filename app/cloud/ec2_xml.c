/*
 * ec2_xml.c: EC2 Query API answers, read as they stream in.
 *
 * expat calls us at each start tag, run of text and end tag.  We keep the
 * path from the root as a stack of the element names we know (EL_*, any
 * other name is EL_OTHER), the text of the innermost element, and the one
 * record being read.  Inside a record, the path below its <item> is looked
 * up in one table of rules (path to field), so what each answer gives is
 * read off the table rather than spread over code.  A sub-item (a tag, a
 * CIDR association, a private address) is set aside when its <item>
 * closes; the record is checked, made canonical and handed to the sink
 * when its own <item> closes, and its memory (one arena) is reset.
 */
#include "cloud/ec2_xml.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <expat.h>

#include "ip/ip.h"
#include "lib/arena.h"
#include "lib/buf.h"
#include "lib/err.h"

/*
 * Between a namespace URI and a local name in what expat hands us.  No
 * XML name holds a space, so the local name is what follows the last one.
 */
#define NS_SEPARATOR ' '
#define RECORD_MEMORY_MAX ((size_t)1 << 20) /* arena bytes of one record */
#define FEED_CHUNK_MAX ((size_t)1 << 30)    /* XML_Parse takes an int */
#define RULE_PATH_MAX 4
#define REGION_NAME_MAX 64

const char *const ec2_action_names[EC2_ACTION__MAX] = {
	"DescribeVpcs",              /* EC2_DESCRIBE_VPCS */
	"DescribeSubnets",           /* EC2_DESCRIBE_SUBNETS */
	"DescribeNetworkInterfaces", /* EC2_DESCRIBE_NETWORK_INTERFACES */
	"DescribeAddresses",         /* EC2_DESCRIBE_ADDRESSES */
	"DescribeRegions",           /* EC2_DESCRIBE_REGIONS */
};

enum element {
	EL_OTHER, /* any name not below; also ends a rule's path */
	EL_ITEM,
	EL_VPC_SET,
	EL_SUBNET_SET,
	EL_NETWORK_INTERFACE_SET,
	EL_ADDRESSES_SET,
	EL_REGION_INFO,
	EL_TAG_SET,
	EL_KEY,
	EL_VALUE,
	EL_VPC_ID,
	EL_SUBNET_ID,
	EL_STATE,
	EL_STATUS,
	EL_CIDR_BLOCK,
	EL_IPV6_CIDR_BLOCK,
	EL_CIDR_ASSOCIATIONS,
	EL_IPV6_CIDR_ASSOCIATIONS,
	EL_CIDR_BLOCK_STATE,
	EL_IPV6_CIDR_BLOCK_STATE,
	EL_ASSOCIATION_ID,
	EL_IS_DEFAULT,
	EL_OWNER_ID,
	EL_AVAILABILITY_ZONE,
	EL_NETWORK_INTERFACE_ID,
	EL_NETWORK_INTERFACE_OWNER_ID,
	EL_PRIVATE_IP_ADDRESS,
	EL_PRIVATE_IP_ADDRESSES,
	EL_PRIMARY,
	EL_IPV6_ADDRESSES,
	EL_IPV6_ADDRESS,
	EL_IS_PRIMARY_IPV6,
	EL_ASSOCIATION,
	EL_PUBLIC_IP,
	EL_ALLOCATION_ID,
	EL_ATTACHMENT,
	EL_INSTANCE_ID,
	EL_DOMAIN,
	EL_REGION_NAME,
	EL_NEXT_TOKEN,
	EL_REQUEST_ID,
	EL_ERRORS,
	EL_ERROR,
	EL_CODE,
	EL_MESSAGE,
	EL_REQUEST_ID_ERROR,
	EL_REQUEST_ID_QUERY,
	EL__MAX
};

static const char *const element_names[EL__MAX] = {
	"",                            /* EL_OTHER */
	"item",                        /* EL_ITEM */
	"vpcSet",                      /* EL_VPC_SET */
	"subnetSet",                   /* EL_SUBNET_SET */
	"networkInterfaceSet",         /* EL_NETWORK_INTERFACE_SET */
	"addressesSet",                /* EL_ADDRESSES_SET */
	"regionInfo",                  /* EL_REGION_INFO */
	"tagSet",                      /* EL_TAG_SET */
	"key",                         /* EL_KEY */
	"value",                       /* EL_VALUE */
	"vpcId",                       /* EL_VPC_ID */
	"subnetId",                    /* EL_SUBNET_ID */
	"state",                       /* EL_STATE */
	"status",                      /* EL_STATUS */
	"cidrBlock",                   /* EL_CIDR_BLOCK */
	"ipv6CidrBlock",               /* EL_IPV6_CIDR_BLOCK */
	"cidrBlockAssociationSet",     /* EL_CIDR_ASSOCIATIONS */
	"ipv6CidrBlockAssociationSet", /* EL_IPV6_CIDR_ASSOCIATIONS */
	"cidrBlockState",              /* EL_CIDR_BLOCK_STATE */
	"ipv6CidrBlockState",          /* EL_IPV6_CIDR_BLOCK_STATE */
	"associationId",               /* EL_ASSOCIATION_ID */
	"isDefault",                   /* EL_IS_DEFAULT */
	"ownerId",                     /* EL_OWNER_ID */
	"availabilityZone",            /* EL_AVAILABILITY_ZONE */
	"networkInterfaceId",          /* EL_NETWORK_INTERFACE_ID */
	"networkInterfaceOwnerId",     /* EL_NETWORK_INTERFACE_OWNER_ID */
	"privateIpAddress",            /* EL_PRIVATE_IP_ADDRESS */
	"privateIpAddressesSet",       /* EL_PRIVATE_IP_ADDRESSES */
	"primary",                     /* EL_PRIMARY */
	"ipv6AddressesSet",            /* EL_IPV6_ADDRESSES */
	"ipv6Address",                 /* EL_IPV6_ADDRESS */
	"isPrimaryIpv6",               /* EL_IS_PRIMARY_IPV6 */
	"association",                 /* EL_ASSOCIATION */
	"publicIp",                    /* EL_PUBLIC_IP */
	"allocationId",                /* EL_ALLOCATION_ID */
	"attachment",                  /* EL_ATTACHMENT */
	"instanceId",                  /* EL_INSTANCE_ID */
	"domain",                      /* EL_DOMAIN */
	"regionName",                  /* EL_REGION_NAME */
	"nextToken",                   /* EL_NEXT_TOKEN */
	"requestId",                   /* EL_REQUEST_ID */
	"Errors",                      /* EL_ERRORS */
	"Error",                       /* EL_ERROR */
	"Code",                        /* EL_CODE */
	"Message",                     /* EL_MESSAGE */
	"RequestID",                   /* EL_REQUEST_ID_ERROR */
	"RequestId",                   /* EL_REQUEST_ID_QUERY */
};

/* The element whose <item> children are the records of each action. */
static const uint8_t set_elements[EC2_ACTION__MAX] = {
	EL_VPC_SET,               /* EC2_DESCRIBE_VPCS */
	EL_SUBNET_SET,            /* EC2_DESCRIBE_SUBNETS */
	EL_NETWORK_INTERFACE_SET, /* EC2_DESCRIBE_NETWORK_INTERFACES */
	EL_ADDRESSES_SET,         /* EC2_DESCRIBE_ADDRESSES */
	EL_REGION_INFO,           /* EC2_DESCRIBE_REGIONS */
};

/* The element naming a record, for "no vpcId" and the like. */
static const char *const id_elements[EC2_ACTION__MAX] = {
	"vpcId",              /* EC2_DESCRIBE_VPCS */
	"subnetId",           /* EC2_DESCRIBE_SUBNETS */
	"networkInterfaceId", /* EC2_DESCRIBE_NETWORK_INTERFACES */
	"publicIp",           /* EC2_DESCRIBE_ADDRESSES */
	"regionName",         /* EC2_DESCRIBE_REGIONS */
};

/* What a record keeps; NULL is "not in the item". */
enum field {
	F_ID, /* vpcId, subnetId, networkInterfaceId, regionName */
	F_STATE,
	F_CIDR,
	F_OWNER,
	F_IS_DEFAULT,
	F_VPC_ID,
	F_SUBNET_ID,
	F_ZONE,
	F_INTERFACE_ID,
	F_INTERFACE_OWNER,
	F_INSTANCE_ID,
	F_PRIVATE_IP,
	F_PUBLIC_IP,
	F_ALLOCATION_ID,
	F_ASSOCIATION_ID,
	F_DOMAIN,
	F_TAG_KEY, /* from here on: the sub-item being read */
	F_TAG_VALUE,
	F_SUB_VALUE, /* its CIDR or address */
	F_SUB_ID,    /* its association id */
	F_SUB_STATE,
	F_SUB_PRIMARY,
	F_SUB_PUBLIC_IP,
	F_SUB_ALLOCATION_ID,
	F_SUB_ASSOCIATION_ID,
	F__MAX
};

/* What the close of a sub-item's <item> sets aside. */
enum sub_kind {
	SUB_NONE,
	SUB_TAG,
	SUB_CIDR_V4,
	SUB_CIDR_V6,
	SUB_ADDRESS_V4,
	SUB_ADDRESS_V6,
	SUB__MAX
};

#define A_VPC (1u << EC2_DESCRIBE_VPCS)
#define A_SUBNET (1u << EC2_DESCRIBE_SUBNETS)
#define A_ENI (1u << EC2_DESCRIBE_NETWORK_INTERFACES)
#define A_EIP (1u << EC2_DESCRIBE_ADDRESSES)
#define A_REGION (1u << EC2_DESCRIBE_REGIONS)
#define A_TAGGED (A_VPC | A_SUBNET | A_ENI | A_EIP)

/* An element below a record's <item>, and what its close means. */
struct rule {
	unsigned actions;            /* A_* bits */
	uint8_t path[RULE_PATH_MAX]; /* enum element, EL_OTHER ends it */
	uint8_t field;               /* enum field, F__MAX for none */
	uint8_t sub;                 /* enum sub_kind to set aside */
};

#define ASSOC EL_CIDR_ASSOCIATIONS, EL_ITEM
#define ASSOC6 EL_IPV6_CIDR_ASSOCIATIONS, EL_ITEM
#define PRIVATE EL_PRIVATE_IP_ADDRESSES, EL_ITEM
#define IPV6 EL_IPV6_ADDRESSES, EL_ITEM

static const struct rule rules[] = {
	{ A_VPC, { EL_VPC_ID }, F_ID, SUB_NONE },
	{ A_SUBNET, { EL_SUBNET_ID }, F_ID, SUB_NONE },
	{ A_ENI, { EL_NETWORK_INTERFACE_ID }, F_ID, SUB_NONE },
	{ A_REGION, { EL_REGION_NAME }, F_ID, SUB_NONE },
	{ A_VPC | A_SUBNET, { EL_STATE }, F_STATE, SUB_NONE },
	{ A_ENI, { EL_STATUS }, F_STATE, SUB_NONE },
	{ A_VPC | A_SUBNET, { EL_CIDR_BLOCK }, F_CIDR, SUB_NONE },
	{ A_VPC | A_SUBNET | A_ENI, { EL_OWNER_ID }, F_OWNER, SUB_NONE },
	{ A_VPC, { EL_IS_DEFAULT }, F_IS_DEFAULT, SUB_NONE },
	{ A_SUBNET | A_ENI, { EL_VPC_ID }, F_VPC_ID, SUB_NONE },
	{ A_ENI, { EL_SUBNET_ID }, F_SUBNET_ID, SUB_NONE },
	{ A_SUBNET | A_ENI, { EL_AVAILABILITY_ZONE }, F_ZONE, SUB_NONE },
	{ A_EIP, { EL_NETWORK_INTERFACE_ID }, F_INTERFACE_ID, SUB_NONE },
	{ A_EIP, { EL_NETWORK_INTERFACE_OWNER_ID }, F_INTERFACE_OWNER,
	    SUB_NONE },
	{ A_EIP, { EL_INSTANCE_ID }, F_INSTANCE_ID, SUB_NONE },
	{ A_ENI, { EL_ATTACHMENT, EL_INSTANCE_ID }, F_INSTANCE_ID, SUB_NONE },
	{ A_ENI | A_EIP, { EL_PRIVATE_IP_ADDRESS }, F_PRIVATE_IP, SUB_NONE },
	{ A_EIP, { EL_PUBLIC_IP }, F_PUBLIC_IP, SUB_NONE },
	{ A_ENI, { EL_ASSOCIATION, EL_PUBLIC_IP }, F_PUBLIC_IP, SUB_NONE },
	{ A_EIP, { EL_ALLOCATION_ID }, F_ALLOCATION_ID, SUB_NONE },
	{ A_ENI, { EL_ASSOCIATION, EL_ALLOCATION_ID }, F_ALLOCATION_ID,
	    SUB_NONE },
	{ A_EIP, { EL_ASSOCIATION_ID }, F_ASSOCIATION_ID, SUB_NONE },
	{ A_ENI, { EL_ASSOCIATION, EL_ASSOCIATION_ID }, F_ASSOCIATION_ID,
	    SUB_NONE },
	{ A_EIP, { EL_DOMAIN }, F_DOMAIN, SUB_NONE },
	{ A_TAGGED, { EL_TAG_SET, EL_ITEM, EL_KEY }, F_TAG_KEY, SUB_NONE },
	{ A_TAGGED, { EL_TAG_SET, EL_ITEM, EL_VALUE }, F_TAG_VALUE, SUB_NONE },
	{ A_TAGGED, { EL_TAG_SET, EL_ITEM }, F__MAX, SUB_TAG },
	{ A_VPC, { ASSOC, EL_CIDR_BLOCK }, F_SUB_VALUE, SUB_NONE },
	{ A_VPC, { ASSOC, EL_ASSOCIATION_ID }, F_SUB_ID, SUB_NONE },
	{ A_VPC, { ASSOC, EL_CIDR_BLOCK_STATE, EL_STATE }, F_SUB_STATE,
	    SUB_NONE },
	{ A_VPC, { ASSOC }, F__MAX, SUB_CIDR_V4 },
	{ A_VPC | A_SUBNET, { ASSOC6, EL_IPV6_CIDR_BLOCK }, F_SUB_VALUE,
	    SUB_NONE },
	{ A_VPC | A_SUBNET, { ASSOC6, EL_ASSOCIATION_ID }, F_SUB_ID, SUB_NONE },
	{ A_VPC | A_SUBNET, { ASSOC6, EL_IPV6_CIDR_BLOCK_STATE, EL_STATE },
	    F_SUB_STATE, SUB_NONE },
	{ A_VPC | A_SUBNET, { ASSOC6 }, F__MAX, SUB_CIDR_V6 },
	{ A_ENI, { PRIVATE, EL_PRIVATE_IP_ADDRESS }, F_SUB_VALUE, SUB_NONE },
	{ A_ENI, { PRIVATE, EL_PRIMARY }, F_SUB_PRIMARY, SUB_NONE },
	{ A_ENI, { PRIVATE, EL_ASSOCIATION, EL_PUBLIC_IP }, F_SUB_PUBLIC_IP,
	    SUB_NONE },
	{ A_ENI, { PRIVATE, EL_ASSOCIATION, EL_ALLOCATION_ID },
	    F_SUB_ALLOCATION_ID, SUB_NONE },
	{ A_ENI, { PRIVATE, EL_ASSOCIATION, EL_ASSOCIATION_ID },
	    F_SUB_ASSOCIATION_ID, SUB_NONE },
	{ A_ENI, { PRIVATE }, F__MAX, SUB_ADDRESS_V4 },
	{ A_ENI, { IPV6, EL_IPV6_ADDRESS }, F_SUB_VALUE, SUB_NONE },
	{ A_ENI, { IPV6, EL_IS_PRIMARY_IPV6 }, F_SUB_PRIMARY, SUB_NONE },
	{ A_ENI, { IPV6 }, F__MAX, SUB_ADDRESS_V6 },
};

/* A CIDR association or an address of a record, set aside. */
struct sub_item {
	uint8_t kind; /* enum sub_kind */
	const char *value;
	const char *id;
	const char *state;
	const char *primary;
	const char *public_ip;
	const char *allocation_id;
	const char *association_id;
};

/* The record being read; its strings are in the parser's arena. */
struct record {
	const char *f[F__MAX];
	struct cloud_tag tags[CLOUD_TAGS_MAX];
	size_t ntags;
	struct sub_item subs[EC2_SUBITEMS_MAX];
	size_t nsubs;
	char why[ERR_MESSAGE_MAX]; /* not "": why the record is refused */
};

enum root { ROOT_NONE, ROOT_ANSWER, ROOT_ERROR };

struct ec2_parser {
	XML_Parser xml;
	enum ec2_action action;
	struct cloud_sink sink;
	ec2_region_fn region_fn;
	void *region_ctx;
	char *account;
	char *region;
	time_t discovered_at;
	enum root root;
	uint8_t stack[EC2_DEPTH_MAX]; /* enum element, root at 0 */
	size_t depth;
	size_t record_depth; /* depth of the record's <item>, 0 outside */
	struct buf text;     /* of the innermost element */
	struct arena *arena; /* the record's strings */
	struct record rec;
	struct ec2_address_extra extra;
	struct buf next_token;
	int has_next_token;
	struct buf request_id;
	char aws_code[EC2_AWS_CODE_MAX]; /* of the first <Error> */
	struct buf aws_message;
	int errors_read; /* <Error> elements closed */
	int failed;
	struct err err; /* why, once failed */
};

static void fail(struct ec2_parser *p, int status, const char *code,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Stop for good: every later feed returns err. */
static void
fail(struct ec2_parser *p, int status, const char *code, const char *fmt, ...)
{
	char message[ERR_MESSAGE_MAX];
	va_list ap;

	if (p->failed)
		return;
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	err_set(&p->err, status, code, "%s", message);
	p->failed = 1;
	XML_StopParser(p->xml, XML_FALSE);
}

static void
fail_oom(struct ec2_parser *p)
{
	fail(p, 500, "internal", "out of memory reading an EC2 answer");
}

/* A sink function said stop; keep what it said. */
static void
fail_with(struct ec2_parser *p, const struct err *err)
{
	if (err->code[0] == '\0') {
		fail(p, 500, "sink_stopped", "the sink stopped the answer");
		return;
	}
	fail(p, err->status, err->code, "%s", err->message);
	p->err = *err;
}

static void record_refuse(struct ec2_parser *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Mark the record unreadable; the first reason is the one reported. */
static void
record_refuse(struct ec2_parser *p, const char *fmt, ...)
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

static const char *
field(const struct ec2_parser *p, enum field f)
{
	return p->rec.f[f] != NULL ? p->rec.f[f] : "";
}

static void
sink_error(struct ec2_parser *p, enum cloud_kind kind, const char *resource)
{
	if (p->failed || p->sink.on_error == NULL)
		return;
	if (p->sink.on_error(p->sink.ctx, kind, resource, p->rec.why) == -1)
		fail(p, 500, "sink_stopped", "the sink stopped at %.64s: %s",
		    resource, p->rec.why);
}

/* One address of an ENI is unreadable: report it, go on with the rest. */
static void
address_skip(struct ec2_parser *p)
{
	sink_error(p, CLOUD_ADDRESS, field(p, F_ID));
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
			record_refuse(
			    p, "%s \"%s\": %s", element, text, err.message);
		else
			record_refuse(p, "%s: %s", element, err.message);
		return -1;
	}
	if (prefix.addr.family != family) {
		record_refuse(p, "%s \"%s\": not an %s prefix", element, text,
		    family == IP_FAMILY_V4 ? "IPv4" : "IPv6");
		return -1;
	}
	*out = arena_strdup(p->arena, ip_prefix_format(&prefix, canonical));
	if (*out == NULL) {
		fail_oom(p);
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
		record_refuse(p, "%s: %s", element, err.message);
		return -1;
	}
	if (addr.family != family) {
		record_refuse(p, "%s \"%s\": not an %s address", element, text,
		    family == IP_FAMILY_V4 ? "IPv4" : "IPv6");
		return -1;
	}
	*out = arena_strdup(p->arena, ip_addr_format(&addr, canonical));
	if (*out == NULL) {
		fail_oom(p);
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
	record_refuse(p, "%s \"%.64s\": not true or false", element, text);
	return -1;
}

/* What every record carries; refuses a record without its id. */
static int
common_fill(struct ec2_parser *p, struct cloud_common *c, enum cloud_kind kind)
{
	const char *owner = field(p, F_OWNER);
	size_t i;

	memset(c, 0, sizeof(*c));
	c->provider = CLOUD_AWS;
	c->kind = kind;
	c->account = owner[0] != '\0' ? owner : p->account;
	c->region = p->region;
	c->zone = field(p, F_ZONE);
	c->external_id = field(p, F_ID);
	c->name = "";
	c->state = field(p, F_STATE);
	c->discovered_at = p->discovered_at;
	for (i = 0; i < p->rec.ntags; i++) {
		c->tags[i] = p->rec.tags[i];
		if (strcmp(c->tags[i].key, "Name") == 0)
			c->name = c->tags[i].value;
	}
	c->ntags = p->rec.ntags;
	if (c->external_id[0] == '\0' && p->action != EC2_DESCRIBE_ADDRESSES)
		record_refuse(p, "no %s", id_elements[p->action]);
	return p->rec.why[0] != '\0' ? -1 : 0;
}

static int
cidr_add(struct ec2_parser *p, struct cloud_cidr *cidrs, size_t *n,
    const struct sub_item *s)
{
	int v4 = s->kind == SUB_CIDR_V4;
	const char *element = v4 ? "cidrBlock" : "ipv6CidrBlock";
	const char *text;

	if (s->value == NULL) {
		record_refuse(p, "an association without %s", element);
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
		record_refuse(p, "more than %d CIDRs", CLOUD_CIDRS_MAX);
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
	const struct sub_item *s;
	size_t i;

	*n = 0;
	if (p->rec.f[F_CIDR] != NULL) {
		if (cidr_read(p, "cidrBlock", p->rec.f[F_CIDR], IP_FAMILY_V4,
		        &cidrs[0].cidr) == -1)
			return -1;
		cidrs[0].name = "";
		cidrs[0].state = "";
		cidrs[0].secondary = 0;
		*n = 1;
	}
	for (i = 0; i < p->rec.nsubs; i++) {
		s = &p->rec.subs[i];
		if ((s->kind == SUB_CIDR_V4 || s->kind == SUB_CIDR_V6) &&
		    cidr_add(p, cidrs, n, s) == -1)
			return -1;
	}
	if (*n == 0) {
		record_refuse(p, "no cidrBlock");
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
	    bool_read(p, "isDefault", p->rec.f[F_IS_DEFAULT], &n.is_default) ==
	        -1) {
		sink_error(p, CLOUD_NETWORK, field(p, F_ID));
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
		sink_error(p, CLOUD_SUBNET, field(p, F_ID));
		return;
	}
	s.network_id = field(p, F_VPC_ID);
	if (p->sink.on_subnet != NULL &&
	    p->sink.on_subnet(p->sink.ctx, &s, &err) == -1)
		fail_with(p, &err);
}

static void
extra_clear(struct ec2_parser *p)
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
	extra_clear(p);
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
	p->extra.owner_id = field(p, F_OWNER);
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
	extra_clear(p);
}

/* An ENI's addresses and the public IPs associated with them. */
static void
interface_addresses(
    struct ec2_parser *p, struct cloud_address *a, int *v4, int *pub)
{
	const struct sub_item *s;
	const char *private_ip;
	int primary;
	size_t i;

	for (i = 0; i < p->rec.nsubs && !p->failed; i++) {
		s = &p->rec.subs[i];
		if (s->kind != SUB_ADDRESS_V4 && s->kind != SUB_ADDRESS_V6)
			continue;
		if (s->value == NULL)
			record_refuse(p, "an address item without its address");
		if (s->value == NULL ||
		    bool_read(p, "primary", s->primary, &primary) == -1) {
			address_skip(p);
			continue;
		}
		a->is_primary = primary;
		if (s->kind == SUB_ADDRESS_V6) {
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
		sink_error(p, CLOUD_ADDRESS, field(p, F_ID));
		return;
	}
	a.network_id = field(p, F_VPC_ID);
	a.subnet_id = field(p, F_SUBNET_ID);
	a.interface_id = field(p, F_ID);
	a.attached_to = field(p, F_INSTANCE_ID);
	a.allocation_id = "";
	interface_addresses(p, &a, &v4, &pub);
	/* Older answers: only the ENI's own privateIpAddress, association. */
	if (!v4 && p->rec.f[F_PRIVATE_IP] != NULL && !p->failed) {
		a.is_primary = 1;
		interface_address(p, &a, "privateIpAddress",
		    p->rec.f[F_PRIVATE_IP], IP_FAMILY_V4, &private_ip);
	}
	if (!pub && p->rec.f[F_PUBLIC_IP] != NULL && !p->failed) {
		if (private_ip == NULL && p->rec.f[F_PRIVATE_IP] != NULL)
			addr_read(p, "privateIpAddress", p->rec.f[F_PRIVATE_IP],
			    IP_FAMILY_V4, &private_ip);
		p->rec.why[0] = '\0';
		interface_public(p, &a, p->rec.f[F_PUBLIC_IP], private_ip,
		    p->rec.f[F_ALLOCATION_ID], p->rec.f[F_ASSOCIATION_ID]);
	}
}

/* An elastic IP; named by its allocation id, or its address. */
static void
emit_address(struct ec2_parser *p)
{
	struct cloud_address a;
	const char *resource = field(p, F_ALLOCATION_ID);
	const char *private_ip = "";

	if (resource[0] == '\0')
		resource = field(p, F_PUBLIC_IP);
	memset(&a, 0, sizeof(a));
	if (common_fill(p, &a.c, CLOUD_ADDRESS) == -1)
		goto refused;
	if (p->rec.f[F_PUBLIC_IP] == NULL) {
		record_refuse(p, "no publicIp");
		goto refused;
	}
	if (addr_read(p, "publicIp", p->rec.f[F_PUBLIC_IP], IP_FAMILY_V4,
	        &a.ip) == -1)
		goto refused;
	if (field(p, F_PRIVATE_IP)[0] != '\0' &&
	    addr_read(p, "privateIpAddress", p->rec.f[F_PRIVATE_IP],
	        IP_FAMILY_V4, &private_ip) == -1)
		goto refused;
	a.c.external_id = field(p, F_ALLOCATION_ID);
	if (a.c.external_id[0] == '\0')
		a.c.external_id = a.ip;
	a.is_public = 1;
	a.network_id = "";
	a.subnet_id = "";
	a.interface_id = field(p, F_INTERFACE_ID);
	a.attached_to = field(p, F_INSTANCE_ID);
	a.allocation_id = field(p, F_ALLOCATION_ID);
	p->extra.owner_id = field(p, F_INTERFACE_OWNER);
	p->extra.association_id = field(p, F_ASSOCIATION_ID);
	p->extra.domain = field(p, F_DOMAIN);
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

	if (p->rec.f[F_ID] == NULL || p->region_fn == NULL)
		return;
	if (p->region_fn(p->region_ctx, p->rec.f[F_ID], &err) == -1)
		fail_with(p, &err);
}

static void
record_begin(struct ec2_parser *p)
{
	arena_reset(p->arena);
	memset(p->rec.f, 0, sizeof(p->rec.f));
	p->rec.ntags = 0;
	p->rec.nsubs = 0;
	p->rec.why[0] = '\0';
	p->record_depth = p->depth;
}

static void
record_end(struct ec2_parser *p)
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

static const struct rule *
rule_find(enum ec2_action action, const uint8_t *path, size_t n)
{
	const struct rule *r;
	size_t i, len;

	if (n > RULE_PATH_MAX)
		return NULL;
	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		r = &rules[i];
		if (!(r->actions & (1u << action)))
			continue;
		/* An unknown element (EL_OTHER) never matches: len stops. */
		for (len = 0; len < RULE_PATH_MAX && r->path[len] != EL_OTHER;
		     len++)
			;
		if (len == n && memcmp(r->path, path, n) == 0)
			return r;
	}
	return NULL;
}

/* Set a closed sub-item aside and forget its fields. */
static void
sub_commit(struct ec2_parser *p, enum sub_kind kind)
{
	struct record *rec = &p->rec;
	struct sub_item *s;

	if (kind == SUB_TAG && rec->ntags == CLOUD_TAGS_MAX)
		record_refuse(p, "more than %d tags", CLOUD_TAGS_MAX);
	else if (kind == SUB_TAG) {
		rec->tags[rec->ntags].key = field(p, F_TAG_KEY);
		rec->tags[rec->ntags++].value = field(p, F_TAG_VALUE);
	} else if (rec->nsubs == EC2_SUBITEMS_MAX) {
		record_refuse(
		    p, "more than %d CIDRs or addresses", EC2_SUBITEMS_MAX);
	} else {
		s = &rec->subs[rec->nsubs++];
		s->kind = (uint8_t)kind;
		s->value = rec->f[F_SUB_VALUE];
		s->id = rec->f[F_SUB_ID];
		s->state = rec->f[F_SUB_STATE];
		s->primary = rec->f[F_SUB_PRIMARY];
		s->public_ip = rec->f[F_SUB_PUBLIC_IP];
		s->allocation_id = rec->f[F_SUB_ALLOCATION_ID];
		s->association_id = rec->f[F_SUB_ASSOCIATION_ID];
	}
	memset(&rec->f[F_TAG_KEY], 0, (F__MAX - F_TAG_KEY) * sizeof(rec->f[0]));
}

/* An element inside the record closed: keep its text if a rule says so. */
static void
record_element_end(struct ec2_parser *p)
{
	size_t n = p->depth - p->record_depth;
	const struct rule *r;
	char *text;

	r = rule_find(p->action, p->stack + p->record_depth, n);
	if (r == NULL)
		return;
	if (r->sub != SUB_NONE) {
		sub_commit(p, (enum sub_kind)r->sub);
		return;
	}
	if (p->rec.why[0] != '\0')
		return;
	/* Repeated elements would grow the arena without end. */
	if (arena_used(p->arena) > RECORD_MEMORY_MAX) {
		record_refuse(p, "item over %zu bytes", RECORD_MEMORY_MAX);
		return;
	}
	text = arena_strndup(
	    p->arena, p->text.len > 0 ? p->text.data : "", p->text.len);
	if (text == NULL) {
		fail_oom(p);
		return;
	}
	p->rec.f[r->field] = text;
}

static void
buf_set(struct ec2_parser *p, struct buf *b, const struct buf *from)
{
	buf_reset(b);
	buf_append(b, from->len > 0 ? from->data : "", from->len);
	if (b->oom)
		fail_oom(p);
}

/* The first <Error> of the envelope is the answer's error. */
static void
error_element_end(struct ec2_parser *p, uint8_t element, uint8_t parent)
{
	if (p->errors_read > 0)
		return;
	if (element == EL_CODE && parent == EL_ERROR)
		snprintf(p->aws_code, sizeof(p->aws_code), "%s",
		    p->text.len > 0 ? p->text.data : "");
	else if (element == EL_MESSAGE && parent == EL_ERROR)
		buf_set(p, &p->aws_message, &p->text);
	else if (element == EL_ERROR)
		p->errors_read++;
}

/* The envelope closed: fail with its first error, RequestID read. */
static void
error_answer_end(struct ec2_parser *p)
{
	if (p->errors_read == 0) {
		fail(p, 502, "aws_error", "an error answer without <Error>");
		return;
	}
	fail(p, 502, "aws_error", "%s: %s",
	    p->aws_code[0] != '\0' ? p->aws_code : "(no code)",
	    p->aws_message.len > 0 ? p->aws_message.data : "");
}

/* An element outside any record closed. */
static void
answer_element_end(struct ec2_parser *p)
{
	uint8_t element = p->stack[p->depth - 1];

	if (p->depth == 2 &&
	    (element == EL_REQUEST_ID || element == EL_REQUEST_ID_ERROR ||
	        element == EL_REQUEST_ID_QUERY))
		buf_set(p, &p->request_id, &p->text);
	else if (p->root == ROOT_ANSWER && p->depth == 2 &&
	         element == EL_NEXT_TOKEN) {
		buf_set(p, &p->next_token, &p->text);
		p->has_next_token = p->next_token.len > 0;
	} else if (p->root == ROOT_ERROR && p->depth >= 2)
		error_element_end(p, element, p->stack[p->depth - 2]);
	else if (p->root == ROOT_ERROR)
		error_answer_end(p);
}

static uint8_t
element_of(const char *name)
{
	uint8_t i;

	for (i = 1; i < EL__MAX; i++)
		if (strcmp(name, element_names[i]) == 0)
			return i;
	return EL_OTHER;
}

/* The root says which answer this is. */
static int
root_open(struct ec2_parser *p, const char *name)
{
	const char *action = ec2_action_names[p->action];
	size_t n = strlen(action);

	if (strncmp(name, action, n) == 0 && strcmp(name + n, "Response") == 0)
		p->root = ROOT_ANSWER;
	else if (strcmp(name, "Response") == 0 ||
	         strcmp(name, "ErrorResponse") == 0)
		p->root = ROOT_ERROR;
	else {
		fail(p, 502, "ec2_xml", "expected <%sResponse>, got <%.64s>",
		    action, name);
		return -1;
	}
	return 0;
}

static void XMLCALL
on_start(void *data, const XML_Char *name, const XML_Char **attributes)
{
	struct ec2_parser *p = data;
	const char *local = strrchr(name, NS_SEPARATOR);
	uint8_t element;

	(void)attributes;
	local = local != NULL ? local + 1 : name;
	if (p->failed)
		return;
	if (p->depth == EC2_DEPTH_MAX) {
		fail(p, 502, "ec2_xml",
		    "line %llu: elements nested deeper "
		    "than %d",
		    (unsigned long long)XML_GetCurrentLineNumber(p->xml),
		    EC2_DEPTH_MAX);
		return;
	}
	if (p->depth == 0 && root_open(p, local) == -1)
		return;
	element = p->depth == 0 ? EL_OTHER : element_of(local);
	p->stack[p->depth++] = element;
	buf_reset(&p->text);
	if (p->root == ROOT_ANSWER && p->depth == 3 && element == EL_ITEM &&
	    p->stack[1] == set_elements[p->action])
		record_begin(p);
}

static void XMLCALL
on_end(void *data, const XML_Char *name)
{
	struct ec2_parser *p = data;

	(void)name;
	if (p->failed)
		return;
	if (p->record_depth > 0 && p->depth > p->record_depth)
		record_element_end(p);
	else if (p->record_depth > 0)
		record_end(p);
	else
		answer_element_end(p);
	p->depth--;
	buf_reset(&p->text);
}

static void XMLCALL
on_text(void *data, const XML_Char *s, int len)
{
	struct ec2_parser *p = data;
	uint8_t element = p->depth > 0 ? p->stack[p->depth - 1] : EL_OTHER;
	int known = element != EL_OTHER;

	if (p->failed || len <= 0)
		return;
	if ((size_t)len > EC2_TEXT_MAX - p->text.len) {
		fail(p, 502, "ec2_xml",
		    "line %llu: element text over %zu bytes%s%s%s",
		    (unsigned long long)XML_GetCurrentLineNumber(p->xml),
		    EC2_TEXT_MAX, known ? " (<" : "",
		    known ? element_names[element] : "", known ? ">)" : "");
		return;
	}
	buf_append(&p->text, s, (size_t)len);
	if (p->text.oom)
		fail_oom(p);
}

/* EC2 answers have no DTD; refusing one means no entity can expand. */
static void XMLCALL
on_doctype(void *data, const XML_Char *name, const XML_Char *system_id,
    const XML_Char *public_id, int has_internal_subset)
{
	struct ec2_parser *p = data;

	(void)name;
	(void)system_id;
	(void)public_id;
	(void)has_internal_subset;
	fail(p, 502, "ec2_xml", "line %llu: a DTD in an EC2 answer",
	    (unsigned long long)XML_GetCurrentLineNumber(p->xml));
}

struct ec2_parser *
ec2_parser_new(enum ec2_action action, const struct cloud_sink *sink,
    const char *account, const char *region)
{
	struct ec2_parser *p;

	if ((unsigned)action >= EC2_ACTION__MAX)
		return NULL;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	p->action = action;
	if (sink != NULL)
		p->sink = *sink;
	p->account = strdup(account != NULL ? account : "");
	p->region = strdup(region != NULL ? region : "");
	p->arena = arena_new(16384);
	p->xml = XML_ParserCreateNS(NULL, NS_SEPARATOR);
	if (p->account == NULL || p->region == NULL || p->arena == NULL ||
	    p->xml == NULL) {
		ec2_parser_free(p);
		return NULL;
	}
	buf_init(&p->text);
	buf_init(&p->next_token);
	buf_init(&p->request_id);
	buf_init(&p->aws_message);
	extra_clear(p);
	p->discovered_at = time(NULL);
	XML_SetUserData(p->xml, p);
	XML_SetElementHandler(p->xml, on_start, on_end);
	XML_SetCharacterDataHandler(p->xml, on_text);
	XML_SetStartDoctypeDeclHandler(p->xml, on_doctype);
	return p;
}

void
ec2_parser_free(struct ec2_parser *p)
{
	if (p == NULL)
		return;
	if (p->xml != NULL)
		XML_ParserFree(p->xml);
	arena_free(p->arena);
	buf_free(&p->text);
	buf_free(&p->next_token);
	buf_free(&p->request_id);
	buf_free(&p->aws_message);
	free(p->account);
	free(p->region);
	free(p);
}

void
ec2_parser_on_region(struct ec2_parser *p, ec2_region_fn fn, void *ctx)
{
	p->region_fn = fn;
	p->region_ctx = ctx;
}

int
ec2_parser_feed(struct ec2_parser *p, const char *data, size_t len, int final,
    struct err *err)
{
	size_t n;

	if (p->failed)
		goto fail;
	do {
		n = len < FEED_CHUNK_MAX ? len : FEED_CHUNK_MAX;
		if (XML_Parse(p->xml, data, (int)n, final && n == len) ==
		    XML_STATUS_ERROR) {
			fail(p, 502, "ec2_xml", "line %llu, column %llu: %s",
			    (unsigned long long)XML_GetCurrentLineNumber(
			        p->xml),
			    (unsigned long long)XML_GetCurrentColumnNumber(
			        p->xml),
			    XML_ErrorString(XML_GetErrorCode(p->xml)));
			goto fail;
		}
		data = n > 0 ? data + n : data;
		len -= n;
	} while (len > 0);
	return 0;
fail:
	*err = p->err;
	return -1;
}

const char *
ec2_parser_next_token(const struct ec2_parser *p)
{
	return p->has_next_token ? p->next_token.data : NULL;
}

const char *
ec2_parser_request_id(const struct ec2_parser *p)
{
	return p->request_id.len > 0 ? p->request_id.data : "";
}

const char *
ec2_parser_error_code(const struct ec2_parser *p)
{
	return p->errors_read > 0 ? p->aws_code : NULL;
}

const struct ec2_address_extra *
ec2_parser_address_extra(const struct ec2_parser *p)
{
	return &p->extra;
}

struct region_list {
	struct arena *arena;
	char **names;
	size_t n;
};

/* Region names go into host names: keep to what AWS uses. */
static int
region_collect(void *ctx, const char *name, struct err *err)
{
	struct region_list *list = ctx;
	size_t len = strlen(name);

	if (len == 0 || len > REGION_NAME_MAX ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789-") != len)
		return err_set(err, 502, "ec2_xml",
		    "regionName \"%.64s\": not a region name", name);
	if (list->n == EC2_REGIONS_MAX)
		return err_set(err, 502, "ec2_xml", "more than %d regions",
		    EC2_REGIONS_MAX);
	if ((list->names[list->n] = arena_strdup(list->arena, name)) == NULL)
		return err_set(err, 500, "internal", "out of memory");
	list->n++;
	return 0;
}

int
ec2_regions_parse(const char *xml, size_t len, char ***names, size_t *n,
    struct arena *a, struct err *err)
{
	struct region_list list = { a, NULL, 0 };
	struct ec2_parser *p;
	int rc = -1;

	*names = NULL;
	*n = 0;
	list.names = arena_calloc(a, EC2_REGIONS_MAX, sizeof(*list.names));
	p = ec2_parser_new(EC2_DESCRIBE_REGIONS, NULL, "", "");
	if (list.names == NULL || p == NULL) {
		err_set(err, 500, "internal", "out of memory");
		goto fail;
	}
	ec2_parser_on_region(p, region_collect, &list);
	if (ec2_parser_feed(p, xml, len, 1, err) == -1)
		goto fail;
	*names = list.names;
	*n = list.n;
	rc = 0;
fail:
	ec2_parser_free(p);
	return rc;
}
