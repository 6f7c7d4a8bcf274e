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
 *
 * This file holds the reading: the element names, the rules, the expat
 * callbacks, the error envelope and the public entry points.  Turning a
 * closed record into cloud records is in ec2_records.c; the parser's
 * state, which both use, is in cloud_internal.h.
 */
#include "cloud/ec2_xml.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <expat.h>

#include "cloud/cloud_internal.h"
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
	uint8_t field;               /* enum ec2_field, EC2_F__MAX for none */
	uint8_t sub;                 /* enum ec2_sub_kind to set aside */
};

#define ASSOC EL_CIDR_ASSOCIATIONS, EL_ITEM
#define ASSOC6 EL_IPV6_CIDR_ASSOCIATIONS, EL_ITEM
#define PRIVATE EL_PRIVATE_IP_ADDRESSES, EL_ITEM
#define IPV6 EL_IPV6_ADDRESSES, EL_ITEM

static const struct rule rules[] = {
	{ A_VPC, { EL_VPC_ID }, EC2_F_ID, EC2_SUB_NONE },
	{ A_SUBNET, { EL_SUBNET_ID }, EC2_F_ID, EC2_SUB_NONE },
	{ A_ENI, { EL_NETWORK_INTERFACE_ID }, EC2_F_ID, EC2_SUB_NONE },
	{ A_REGION, { EL_REGION_NAME }, EC2_F_ID, EC2_SUB_NONE },
	{ A_VPC | A_SUBNET, { EL_STATE }, EC2_F_STATE, EC2_SUB_NONE },
	{ A_ENI, { EL_STATUS }, EC2_F_STATE, EC2_SUB_NONE },
	{ A_VPC | A_SUBNET, { EL_CIDR_BLOCK }, EC2_F_CIDR, EC2_SUB_NONE },
	{ A_VPC | A_SUBNET | A_ENI, { EL_OWNER_ID }, EC2_F_OWNER,
	    EC2_SUB_NONE },
	{ A_VPC, { EL_IS_DEFAULT }, EC2_F_IS_DEFAULT, EC2_SUB_NONE },
	{ A_SUBNET | A_ENI, { EL_VPC_ID }, EC2_F_VPC_ID, EC2_SUB_NONE },
	{ A_ENI, { EL_SUBNET_ID }, EC2_F_SUBNET_ID, EC2_SUB_NONE },
	{ A_SUBNET | A_ENI, { EL_AVAILABILITY_ZONE }, EC2_F_ZONE,
	    EC2_SUB_NONE },
	{ A_EIP, { EL_NETWORK_INTERFACE_ID }, EC2_F_INTERFACE_ID,
	    EC2_SUB_NONE },
	{ A_EIP, { EL_NETWORK_INTERFACE_OWNER_ID }, EC2_F_INTERFACE_OWNER,
	    EC2_SUB_NONE },
	{ A_EIP, { EL_INSTANCE_ID }, EC2_F_INSTANCE_ID, EC2_SUB_NONE },
	{ A_ENI, { EL_ATTACHMENT, EL_INSTANCE_ID }, EC2_F_INSTANCE_ID,
	    EC2_SUB_NONE },
	{ A_ENI | A_EIP, { EL_PRIVATE_IP_ADDRESS }, EC2_F_PRIVATE_IP,
	    EC2_SUB_NONE },
	{ A_EIP, { EL_PUBLIC_IP }, EC2_F_PUBLIC_IP, EC2_SUB_NONE },
	{ A_ENI, { EL_ASSOCIATION, EL_PUBLIC_IP }, EC2_F_PUBLIC_IP,
	    EC2_SUB_NONE },
	{ A_EIP, { EL_ALLOCATION_ID }, EC2_F_ALLOCATION_ID, EC2_SUB_NONE },
	{ A_ENI, { EL_ASSOCIATION, EL_ALLOCATION_ID }, EC2_F_ALLOCATION_ID,
	    EC2_SUB_NONE },
	{ A_EIP, { EL_ASSOCIATION_ID }, EC2_F_ASSOCIATION_ID, EC2_SUB_NONE },
	{ A_ENI, { EL_ASSOCIATION, EL_ASSOCIATION_ID }, EC2_F_ASSOCIATION_ID,
	    EC2_SUB_NONE },
	{ A_EIP, { EL_DOMAIN }, EC2_F_DOMAIN, EC2_SUB_NONE },
	{ A_TAGGED, { EL_TAG_SET, EL_ITEM, EL_KEY }, EC2_F_TAG_KEY,
	    EC2_SUB_NONE },
	{ A_TAGGED, { EL_TAG_SET, EL_ITEM, EL_VALUE }, EC2_F_TAG_VALUE,
	    EC2_SUB_NONE },
	{ A_TAGGED, { EL_TAG_SET, EL_ITEM }, EC2_F__MAX, EC2_SUB_TAG },
	{ A_VPC, { ASSOC, EL_CIDR_BLOCK }, EC2_F_SUB_VALUE, EC2_SUB_NONE },
	{ A_VPC, { ASSOC, EL_ASSOCIATION_ID }, EC2_F_SUB_ID, EC2_SUB_NONE },
	{ A_VPC, { ASSOC, EL_CIDR_BLOCK_STATE, EL_STATE }, EC2_F_SUB_STATE,
	    EC2_SUB_NONE },
	{ A_VPC, { ASSOC }, EC2_F__MAX, EC2_SUB_CIDR_V4 },
	{ A_VPC | A_SUBNET, { ASSOC6, EL_IPV6_CIDR_BLOCK }, EC2_F_SUB_VALUE,
	    EC2_SUB_NONE },
	{ A_VPC | A_SUBNET, { ASSOC6, EL_ASSOCIATION_ID }, EC2_F_SUB_ID,
	    EC2_SUB_NONE },
	{ A_VPC | A_SUBNET, { ASSOC6, EL_IPV6_CIDR_BLOCK_STATE, EL_STATE },
	    EC2_F_SUB_STATE, EC2_SUB_NONE },
	{ A_VPC | A_SUBNET, { ASSOC6 }, EC2_F__MAX, EC2_SUB_CIDR_V6 },
	{ A_ENI, { PRIVATE, EL_PRIVATE_IP_ADDRESS }, EC2_F_SUB_VALUE,
	    EC2_SUB_NONE },
	{ A_ENI, { PRIVATE, EL_PRIMARY }, EC2_F_SUB_PRIMARY, EC2_SUB_NONE },
	{ A_ENI, { PRIVATE, EL_ASSOCIATION, EL_PUBLIC_IP }, EC2_F_SUB_PUBLIC_IP,
	    EC2_SUB_NONE },
	{ A_ENI, { PRIVATE, EL_ASSOCIATION, EL_ALLOCATION_ID },
	    EC2_F_SUB_ALLOCATION_ID, EC2_SUB_NONE },
	{ A_ENI, { PRIVATE, EL_ASSOCIATION, EL_ASSOCIATION_ID },
	    EC2_F_SUB_ASSOCIATION_ID, EC2_SUB_NONE },
	{ A_ENI, { PRIVATE }, EC2_F__MAX, EC2_SUB_ADDRESS_V4 },
	{ A_ENI, { IPV6, EL_IPV6_ADDRESS }, EC2_F_SUB_VALUE, EC2_SUB_NONE },
	{ A_ENI, { IPV6, EL_IS_PRIMARY_IPV6 }, EC2_F_SUB_PRIMARY,
	    EC2_SUB_NONE },
	{ A_ENI, { IPV6 }, EC2_F__MAX, EC2_SUB_ADDRESS_V6 },
};

void
cloud_ec2_fail(
    struct ec2_parser *p, int status, const char *code, const char *fmt, ...)
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

void
cloud_ec2_fail_oom(struct ec2_parser *p)
{
	cloud_ec2_fail(
	    p, 500, "internal", "out of memory reading an EC2 answer");
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
sub_commit(struct ec2_parser *p, enum ec2_sub_kind kind)
{
	struct ec2_record *rec = &p->rec;
	struct ec2_sub_item *s;

	if (kind == EC2_SUB_TAG && rec->ntags == CLOUD_TAGS_MAX)
		cloud_ec2_record_refuse(p, "more than %d tags", CLOUD_TAGS_MAX);
	else if (kind == EC2_SUB_TAG) {
		rec->tags[rec->ntags].key = cloud_ec2_field(p, EC2_F_TAG_KEY);
		rec->tags[rec->ntags++].value =
		    cloud_ec2_field(p, EC2_F_TAG_VALUE);
	} else if (rec->nsubs == EC2_SUBITEMS_MAX) {
		cloud_ec2_record_refuse(
		    p, "more than %d CIDRs or addresses", EC2_SUBITEMS_MAX);
	} else {
		s = &rec->subs[rec->nsubs++];
		s->kind = (uint8_t)kind;
		s->value = rec->f[EC2_F_SUB_VALUE];
		s->id = rec->f[EC2_F_SUB_ID];
		s->state = rec->f[EC2_F_SUB_STATE];
		s->primary = rec->f[EC2_F_SUB_PRIMARY];
		s->public_ip = rec->f[EC2_F_SUB_PUBLIC_IP];
		s->allocation_id = rec->f[EC2_F_SUB_ALLOCATION_ID];
		s->association_id = rec->f[EC2_F_SUB_ASSOCIATION_ID];
	}
	memset(&rec->f[EC2_F_TAG_KEY], 0,
	    (EC2_F__MAX - EC2_F_TAG_KEY) * sizeof(rec->f[0]));
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
	if (r->sub != EC2_SUB_NONE) {
		sub_commit(p, (enum ec2_sub_kind)r->sub);
		return;
	}
	if (p->rec.why[0] != '\0')
		return;
	/* Repeated elements would grow the arena without end. */
	if (arena_used(p->arena) > RECORD_MEMORY_MAX) {
		cloud_ec2_record_refuse(
		    p, "item over %zu bytes", RECORD_MEMORY_MAX);
		return;
	}
	text = arena_strndup(
	    p->arena, p->text.len > 0 ? p->text.data : "", p->text.len);
	if (text == NULL) {
		cloud_ec2_fail_oom(p);
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
		cloud_ec2_fail_oom(p);
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
		cloud_ec2_fail(
		    p, 502, "aws_error", "an error answer without <Error>");
		return;
	}
	cloud_ec2_fail(p, 502, "aws_error", "%s: %s",
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
	else if (p->root == EC2_ROOT_ANSWER && p->depth == 2 &&
	         element == EL_NEXT_TOKEN) {
		buf_set(p, &p->next_token, &p->text);
		p->has_next_token = p->next_token.len > 0;
	} else if (p->root == EC2_ROOT_ERROR && p->depth >= 2)
		error_element_end(p, element, p->stack[p->depth - 2]);
	else if (p->root == EC2_ROOT_ERROR)
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
		p->root = EC2_ROOT_ANSWER;
	else if (strcmp(name, "Response") == 0 ||
	         strcmp(name, "ErrorResponse") == 0)
		p->root = EC2_ROOT_ERROR;
	else {
		cloud_ec2_fail(p, 502, "ec2_xml",
		    "expected <%sResponse>, got <%.64s>", action, name);
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
		cloud_ec2_fail(p, 502, "ec2_xml",
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
	if (p->root == EC2_ROOT_ANSWER && p->depth == 3 && element == EL_ITEM &&
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
		cloud_ec2_record_end(p);
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
		cloud_ec2_fail(p, 502, "ec2_xml",
		    "line %llu: element text over %zu bytes%s%s%s",
		    (unsigned long long)XML_GetCurrentLineNumber(p->xml),
		    EC2_TEXT_MAX, known ? " (<" : "",
		    known ? element_names[element] : "", known ? ">)" : "");
		return;
	}
	buf_append(&p->text, s, (size_t)len);
	if (p->text.oom)
		cloud_ec2_fail_oom(p);
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
	cloud_ec2_fail(p, 502, "ec2_xml", "line %llu: a DTD in an EC2 answer",
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
	cloud_ec2_extra_clear(p);
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
			cloud_ec2_fail(p, 502, "ec2_xml",
			    "line %llu, column %llu: %s",
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
