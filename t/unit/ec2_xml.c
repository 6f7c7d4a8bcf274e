/*
 * Unit tests for app/cloud/ec2_xml.c.
 *
 * Every record the parser hands to the sink is turned into a JSON object
 * named as botocore names the fields, so that each EC2 answer of
 * testdata/ec2/botocore-response-parsing can be compared field by field
 * with botocore's own parse (the .json beside it).  Then the libcloud
 * fixtures against values read from the XML by hand, the same answers fed
 * one byte at a time, pagination, and synthetic answers: IPv6
 * associations, bad CIDRs and addresses, error envelopes, and what must be
 * refused.  The testdata root is $CLOUDPAM_TESTDATA, or ../shared/testdata
 * from the repository root.
 */
#include "cloud/ec2_xml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <json-c/json.h>

#include "lib/arena.h"
#include "lib/buf.h"
#include "lib/err.h"
#include "unit/tap.h"

#define FILE_MAX (1 << 20)
#define ACCOUNT "123456789012"
#define REGION "us-east-1"
#define BOTOCORE "ec2/botocore-response-parsing/"
#define LIBCLOUD "ec2/libcloud/"
#define JSON_FLAGS (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

static const char *testdata;
static int fields_compared, fields_differ;

/* What one parse gave: the records as JSON, and the parser's answers. */
struct run {
	json_object *records;
	struct ec2_parser *parser; /* during the parse only */
	int stop_at;               /* a sink stops at this record; -1 never */
	int rc;
	struct err err;
	char *next_token;
	char *request_id;
	char *aws_code;
};

static char *
read_file(const char *name, size_t *len)
{
	char path[1024];
	struct stat st;
	char *text = NULL;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", testdata, name);
	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	if (fstat(fileno(f), &st) == 0 && st.st_size < FILE_MAX &&
	    (text = malloc((size_t)st.st_size + 1)) != NULL) {
		*len = fread(text, 1, (size_t)st.st_size, f);
		text[*len] = '\0';
	}
	fclose(f);
	return text;
}

static void
add_str(json_object *o, const char *key, const char *value)
{
	json_object_object_add(o, key, json_object_new_string(value));
}

static void
add_bool(json_object *o, const char *key, int value)
{
	json_object_object_add(o, key, json_object_new_boolean(value));
}

/* Fields of struct cloud_common, and a check that strings are set. */
static json_object *
common_json(const struct cloud_common *c)
{
	json_object *o = json_object_new_object();
	json_object *tags = json_object_new_array();
	json_object *tag;
	size_t i;

	add_str(o, "Kind", cloud_kind_names[c->kind]);
	add_str(o, "Provider", cloud_provider_names[c->provider]);
	add_str(o, "ExternalId", c->external_id);
	add_str(o, "OwnerId", c->account);
	add_str(o, "Region", c->region);
	add_str(o, "AvailabilityZone", c->zone);
	add_str(o, "State", c->state);
	add_str(o, "Name", c->name);
	for (i = 0; i < c->ntags; i++) {
		tag = json_object_new_object();
		add_str(tag, "Key", c->tags[i].key);
		add_str(tag, "Value", c->tags[i].value);
		json_object_array_add(tags, tag);
	}
	json_object_object_add(o, "Tags", tags);
	return o;
}

static json_object *
cidrs_json(const struct cloud_cidr *cidrs, size_t n)
{
	json_object *list = json_object_new_array();
	json_object *c;
	size_t i;

	for (i = 0; i < n; i++) {
		c = json_object_new_object();
		add_str(c, "Cidr", cidrs[i].cidr);
		add_str(c, "AssociationId", cidrs[i].name);
		add_str(c, "State", cidrs[i].state);
		add_bool(c, "Secondary", cidrs[i].secondary);
		json_object_array_add(list, c);
	}
	return list;
}

static const char *
primary_cidr(const struct cloud_cidr *cidrs, size_t n)
{
	return n > 0 && !cidrs[0].secondary ? cidrs[0].cidr : "";
}

/* The sink stops at record run->stop_at. */
static int
record_add(struct run *run, json_object *o, struct err *err)
{
	json_object_array_add(run->records, o);
	if ((int)json_object_array_length(run->records) - 1 == run->stop_at)
		return err_set(err, 499, "stop_here", "told to stop");
	return 0;
}

static int
on_network(void *ctx, const struct cloud_network *n, struct err *err)
{
	json_object *o = common_json(&n->c);

	add_str(o, "VpcId", n->c.external_id);
	add_str(o, "CidrBlock", primary_cidr(n->cidrs, n->ncidrs));
	json_object_object_add(o, "Cidrs", cidrs_json(n->cidrs, n->ncidrs));
	add_bool(o, "IsDefault", n->is_default);
	return record_add(ctx, o, err);
}

static int
on_subnet(void *ctx, const struct cloud_subnet *s, struct err *err)
{
	json_object *o = common_json(&s->c);

	add_str(o, "SubnetId", s->c.external_id);
	add_str(o, "VpcId", s->network_id);
	add_str(o, "CidrBlock", primary_cidr(s->cidrs, s->ncidrs));
	json_object_object_add(o, "Cidrs", cidrs_json(s->cidrs, s->ncidrs));
	return record_add(ctx, o, err);
}

static int
on_address(void *ctx, const struct cloud_address *a, struct err *err)
{
	struct run *run = ctx;
	const struct ec2_address_extra *x =
	    ec2_parser_address_extra(run->parser);
	json_object *o = common_json(&a->c);

	add_str(o, "Ip", a->ip);
	if (a->is_public)
		add_str(o, "PublicIp", a->ip);
	add_bool(o, "Public", a->is_public);
	add_bool(o, "Primary", a->is_primary);
	add_str(o, "VpcId", a->network_id);
	add_str(o, "SubnetId", a->subnet_id);
	add_str(o, "NetworkInterfaceId", a->interface_id);
	add_str(o, "InstanceId", a->attached_to);
	add_str(o, "AllocationId", a->allocation_id);
	add_str(o, "AssociationId", x->association_id);
	add_str(o, "Domain", x->domain);
	add_str(o, "PrivateIpAddress", x->private_ip);
	add_str(o, "InterfaceOwnerId", x->owner_id);
	return record_add(run, o, err);
}

static int
on_error(
    void *ctx, enum cloud_kind kind, const char *resource, const char *message)
{
	struct run *run = ctx;
	json_object *o = json_object_new_object();
	struct err err = ERR_INIT;

	add_str(o, "Kind", "error");
	add_str(o, "Of", cloud_kind_names[kind]);
	add_str(o, "Resource", resource);
	add_str(o, "Message", message);
	return record_add(run, o, &err);
}

static int
on_region(void *ctx, const char *name, struct err *err)
{
	json_object *o = json_object_new_object();

	add_str(o, "Kind", "region");
	add_str(o, "RegionName", name);
	return record_add(ctx, o, err);
}

static char *
copy_or_null(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

/*
 * Parse len bytes of text as the answer to action, chunk bytes at a time
 * (0: all in one final call).  The caller releases with run_free().
 */
static void
run_parse(struct run *run, enum ec2_action action, const char *text, size_t len,
    size_t chunk, const char *account)
{
	struct cloud_sink sink = { run, on_network, on_subnet, on_address,
		on_error };
	size_t off = 0, n;

	run->records = json_object_new_array();
	run->rc = -1;
	run->parser = ec2_parser_new(action, &sink, account, REGION);
	if (run->parser == NULL)
		return;
	ec2_parser_on_region(run->parser, on_region, run);
	if (chunk == 0) {
		run->rc = ec2_parser_feed(run->parser, text, len, 1, &run->err);
	} else {
		for (run->rc = 0; run->rc == 0 && off < len; off += n) {
			n = len - off < chunk ? len - off : chunk;
			run->rc = ec2_parser_feed(
			    run->parser, text + off, n, 0, &run->err);
		}
		if (run->rc == 0)
			run->rc =
			    ec2_parser_feed(run->parser, NULL, 0, 1, &run->err);
	}
	run->next_token = copy_or_null(ec2_parser_next_token(run->parser));
	run->request_id = copy_or_null(ec2_parser_request_id(run->parser));
	run->aws_code = copy_or_null(ec2_parser_error_code(run->parser));
	ec2_parser_free(run->parser);
	run->parser = NULL;
}

static void
run_text(struct run *run, enum ec2_action action, const char *text)
{
	memset(run, 0, sizeof(*run));
	run->stop_at = -1;
	run_parse(run, action, text, strlen(text), 0, ACCOUNT);
}

static void
run_free(struct run *run)
{
	json_object_put(run->records);
	free(run->next_token);
	free(run->request_id);
	free(run->aws_code);
	memset(run, 0, sizeof(*run));
}

/* --- comparing with botocore's parse ------------------------------ */

/* Absent in botocore's parse: we say "", false or nothing. */
static int
is_empty(json_object *o)
{
	return o == NULL ||
	       (json_object_is_type(o, json_type_string) &&
	           json_object_get_string_len(o) == 0) ||
	       (json_object_is_type(o, json_type_boolean) &&
	           !json_object_get_boolean(o));
}

static void
compare_leaf(json_object *want, json_object *have, const char *label)
{
	int pass;

	fields_compared++;
	if (want == NULL)
		pass = tap_ok(is_empty(have), "%s absent, empty here", label);
	else
		pass = tap_ok(have != NULL && json_object_equal(want, have),
		    "%s = %s", label,
		    json_object_to_json_string_ext(want, JSON_FLAGS));
	if (!pass) {
		fields_differ++;
		tap_diag("have: %s; want: %s",
		    have ? json_object_to_json_string(have) : "(absent)",
		    want ? json_object_to_json_string(want) : "(absent)");
	}
}

/*
 * Compare what path names in want and have: "A.B" goes into objects,
 * "L[].C" compares the lengths of list L and then C in each element.
 */
static void
compare_path(
    json_object *want, json_object *have, const char *path, const char *label)
{
	const char *dot = strchr(path, '.');
	size_t len = dot ? (size_t)(dot - path) : strlen(path);
	int list = len > 2 && strncmp(path + len - 2, "[]", 2) == 0;
	json_object *w = NULL, *h = NULL;
	char key[64], name[256];
	size_t i, wn, hn;

	snprintf(key, sizeof(key), "%.*s", (int)(list ? len - 2 : len), path);
	json_object_object_get_ex(want, key, &w);
	json_object_object_get_ex(have, key, &h);
	snprintf(
	    name, sizeof(name), "%s.%s%s", label, key, list ? " count" : "");
	if (!list) {
		if (dot != NULL)
			compare_path(w, h, dot + 1, name);
		else
			compare_leaf(w, h, name);
		return;
	}
	wn = w ? json_object_array_length(w) : 0;
	hn = h ? json_object_array_length(h) : 0;
	fields_compared++;
	if (!tap_int((long long)hn, (long long)wn, name))
		fields_differ++;
	for (i = 0; i < wn && i < hn && dot != NULL; i++) {
		snprintf(name, sizeof(name), "%s.%s[%zu]", label, key, i);
		compare_path(json_object_array_get_idx(w, i),
		    json_object_array_get_idx(h, i), dot + 1, name);
	}
}

/* Find or start the botocore-shaped object of the ENI that a is from. */
static json_object *
interface_of(json_object *list, json_object *a)
{
	json_object *eni, *id, *attachment, *v;
	size_t n = json_object_array_length(list);
	static const char *const copied[] = { "NetworkInterfaceId", "SubnetId",
		"VpcId", "AvailabilityZone", "OwnerId" };
	size_t i;

	json_object_object_get_ex(a, "NetworkInterfaceId", &id);
	if (n > 0) {
		eni = json_object_array_get_idx(list, n - 1);
		json_object_object_get_ex(eni, "NetworkInterfaceId", &v);
		if (json_object_equal(v, id))
			return eni;
	}
	eni = json_object_new_object();
	for (i = 0; i < sizeof(copied) / sizeof(copied[0]); i++) {
		json_object_object_get_ex(a, copied[i], &v);
		json_object_object_add(eni, copied[i], json_object_get(v));
	}
	json_object_object_get_ex(a, "State", &v);
	json_object_object_add(eni, "Status", json_object_get(v));
	json_object_object_get_ex(a, "Tags", &v);
	json_object_object_add(eni, "TagSet", json_object_get(v));
	attachment = json_object_new_object();
	json_object_object_get_ex(a, "InstanceId", &v);
	json_object_object_add(attachment, "InstanceId", json_object_get(v));
	json_object_object_add(eni, "Attachment", attachment);
	json_object_object_add(
	    eni, "PrivateIpAddresses", json_object_new_array());
	json_object_object_add(eni, "Ipv6Addresses", json_object_new_array());
	json_object_array_add(list, eni);
	return eni;
}

static void
interface_add(json_object *eni, json_object *a)
{
	json_object *ip, *v, *list, *item, *association;

	json_object_object_get_ex(a, "Ip", &ip);
	json_object_object_get_ex(a, "Public", &v);
	if (json_object_get_boolean(v)) {
		association = json_object_new_object();
		json_object_object_add(
		    association, "PublicIp", json_object_get(ip));
		json_object_object_add(eni, "Association", association);
		return;
	}
	if (strchr(json_object_get_string(ip), ':') != NULL) {
		json_object_object_get_ex(eni, "Ipv6Addresses", &list);
		item = json_object_new_object();
		json_object_object_add(
		    item, "Ipv6Address", json_object_get(ip));
		json_object_array_add(list, item);
		return;
	}
	json_object_object_get_ex(eni, "PrivateIpAddresses", &list);
	json_object_object_get_ex(a, "Primary", &v);
	item = json_object_new_object();
	json_object_object_add(item, "PrivateIpAddress", json_object_get(ip));
	json_object_object_add(item, "Primary", json_object_get(v));
	json_object_array_add(list, item);
	if (json_object_get_boolean(v))
		json_object_object_add(
		    eni, "PrivateIpAddress", json_object_get(ip));
}

/* Our address records, one per address, as botocore's ENI objects. */
static json_object *
interfaces_group(json_object *records)
{
	json_object *list = json_object_new_array();
	json_object *a;
	size_t i;

	for (i = 0; i < json_object_array_length(records); i++) {
		a = json_object_array_get_idx(records, i);
		interface_add(interface_of(list, a), a);
	}
	return list;
}

static const char *const vpc_paths[] = { "VpcId", "CidrBlock", "State",
	"IsDefault", "OwnerId", "Tags[].Key", "Tags[].Value", NULL };
static const char *const subnet_paths[] = { "SubnetId", "VpcId", "CidrBlock",
	"State", "AvailabilityZone", "OwnerId", "Tags[].Key", "Tags[].Value",
	NULL };
static const char *const interface_paths[] = { "NetworkInterfaceId", "SubnetId",
	"VpcId", "AvailabilityZone", "Status", "OwnerId", "PrivateIpAddress",
	"Attachment.InstanceId", "Association.PublicIp",
	"PrivateIpAddresses[].PrivateIpAddress", "PrivateIpAddresses[].Primary",
	"Ipv6Addresses[].Ipv6Address", "TagSet[].Key", "TagSet[].Value", NULL };
static const char *const address_paths[] = { "PublicIp", "AllocationId",
	"AssociationId", "Domain", "InstanceId", "NetworkInterfaceId",
	"PrivateIpAddress", "Tags[].Key", "Tags[].Value", NULL };
static const char *const region_paths[] = { "RegionName", NULL };

/* A botocore answer, the list in its .json and the fields we read. */
static const struct botocore_case {
	const char *name;
	enum ec2_action action;
	const char *list;
	const char *const *paths;
} botocore_cases[] = {
	{ "ec2-describe-vpcs", EC2_DESCRIBE_VPCS, "Vpcs", vpc_paths },
	{ "ec2-describe-subnets", EC2_DESCRIBE_SUBNETS, "Subnets",
	    subnet_paths },
	{ "ec2-describe-network-interfaces", EC2_DESCRIBE_NETWORK_INTERFACES,
	    "NetworkInterfaces", interface_paths },
	{ "ec2-describe-addresses", EC2_DESCRIBE_ADDRESSES, "Addresses",
	    address_paths },
	{ "ec2-describe-regions", EC2_DESCRIBE_REGIONS, "Regions",
	    region_paths },
	{ "errors/ec2-describe-instances", EC2_DESCRIBE_VPCS, NULL, NULL },
};

static void
compare_records(const struct botocore_case *c, json_object *want,
    json_object *have, int *records)
{
	json_object *w = NULL;
	char label[128];
	size_t i, k, n;

	json_object_object_get_ex(want, c->list, &w);
	n = w ? json_object_array_length(w) : 0;
	snprintf(label, sizeof(label), "%s: %zu %s", c->name, n, c->list);
	fields_compared++;
	if (!tap_int(
	        (long long)json_object_array_length(have), (long long)n, label))
		fields_differ++;
	for (i = 0; i < n && i < json_object_array_length(have); i++) {
		snprintf(
		    label, sizeof(label), "%s %s[%zu]", c->name, c->list, i);
		for (k = 0; c->paths[k] != NULL; k++)
			compare_path(json_object_array_get_idx(w, i),
			    json_object_array_get_idx(have, i), c->paths[k],
			    label);
		(*records)++;
	}
}

/* The error envelope: -1, "aws_error", "Code: Message", the code. */
static void
compare_error(const struct botocore_case *c, json_object *want, struct run *run,
    int *records)
{
	json_object *code = NULL, *message = NULL;
	char text[ERR_MESSAGE_MAX], label[128];

	json_object_object_get_ex(
	    json_object_object_get(want, "Error"), "Code", &code);
	json_object_object_get_ex(
	    json_object_object_get(want, "Error"), "Message", &message);
	snprintf(text, sizeof(text), "%s: %s", json_object_get_string(code),
	    json_object_get_string(message));
	snprintf(label, sizeof(label), "%s: refused", c->name);
	fields_compared += 4;
	fields_differ += !tap_int(run->rc, -1, label);
	snprintf(label, sizeof(label), "%s: err.code aws_error", c->name);
	fields_differ += !tap_str(run->err.code, "aws_error", label);
	snprintf(label, sizeof(label), "%s Error.Code", c->name);
	fields_differ +=
	    !tap_str(run->aws_code, json_object_get_string(code), label);
	snprintf(label, sizeof(label), "%s Error.Code: Error.Message", c->name);
	fields_differ += !tap_str(run->err.message, text, label);
	(*records)++;
}

static void
botocore_one(const struct botocore_case *c, int *answers, int *records)
{
	char path[256], label[128];
	json_object *want, *have, *id = NULL;
	struct run run;
	char *text;
	size_t len;

	snprintf(path, sizeof(path), BOTOCORE "%s.xml", c->name);
	text = read_file(path, &len);
	snprintf(
	    path, sizeof(path), "%s/" BOTOCORE "%s.json", testdata, c->name);
	want = json_object_from_file(path);
	if (!tap_ok(text != NULL && want != NULL, "%s: read .xml and .json",
	        c->name)) {
		free(text);
		json_object_put(want);
		return;
	}
	memset(&run, 0, sizeof(run));
	run.stop_at = -1;
	run_parse(&run, c->action, text, len, 0, "");
	(*answers)++;
	json_object_object_get_ex(
	    json_object_object_get(want, "ResponseMetadata"), "RequestId", &id);
	snprintf(
	    label, sizeof(label), "%s ResponseMetadata.RequestId", c->name);
	fields_compared++;
	fields_differ +=
	    !tap_str(run.request_id, json_object_get_string(id), label);
	if (c->list == NULL) {
		compare_error(c, want, &run, records);
	} else {
		snprintf(label, sizeof(label), "%s: parsed", c->name);
		fields_compared++;
		fields_differ += !tap_int(run.rc, 0, label);
		have = c->action == EC2_DESCRIBE_NETWORK_INTERFACES
		           ? interfaces_group(run.records)
		           : json_object_get(run.records);
		compare_records(c, want, have, records);
		json_object_put(have);
	}
	run_free(&run);
	json_object_put(want);
	free(text);
}

static void
test_botocore(void)
{
	int answers = 0, records = 0;
	size_t i;

	for (i = 0; i < sizeof(botocore_cases) / sizeof(botocore_cases[0]); i++)
		botocore_one(&botocore_cases[i], &answers, &records);
	if (fields_differ == 0)
		printf("# ec2: %d answers, %d records, all fields equal "
		       "(%d compared)\n",
		    answers, records, fields_compared);
	else
		printf(
		    "# ec2: %d answers, %d records, %d of %d fields differ\n",
		    answers, records, fields_differ, fields_compared);
}

/* --- hand-checked values ------------------------------------------ */

/*
 * The value at path in record i ("Tags.0.Key"; "Tags#" is a length) as
 * text, or "(absent)".
 */
static const char *
record_get(
    json_object *records, int i, const char *path, char *out, size_t size)
{
	json_object *o = json_object_array_get_idx(records, (size_t)i);
	char key[64];
	size_t len;

	while (o != NULL && *path != '\0') {
		len = strcspn(path, ".#");
		snprintf(key, sizeof(key), "%.*s", (int)len, path);
		if (json_object_is_type(o, json_type_array))
			o = json_object_array_get_idx(o, (size_t)atoi(key));
		else if (!json_object_object_get_ex(o, key, &o))
			o = NULL;
		path += len;
		if (*path == '#' && o != NULL) {
			snprintf(out, size, "%zu", json_object_array_length(o));
			return out;
		}
		path += *path == '.';
	}
	if (o == NULL)
		return "(absent)";
	snprintf(out, size, "%s", json_object_get_string(o));
	return out;
}

/* One expected value: record index (-1: how many records), path, value. */
struct expect {
	int index;
	const char *path;
	const char *want;
};

static void
check_records(
    const char *name, struct run *run, const struct expect *e, size_t n)
{
	char have[1024], label[256];
	size_t i;

	for (i = 0; i < n; i++) {
		if (e[i].index < 0) {
			snprintf(have, sizeof(have), "%zu",
			    json_object_array_length(run->records));
			snprintf(label, sizeof(label), "%s: %s records", name,
			    e[i].want);
			tap_str(have, e[i].want, label);
			continue;
		}
		snprintf(label, sizeof(label), "%s [%d] %s = %s", name,
		    e[i].index, e[i].path, e[i].want);
		if (!tap_str(record_get(run->records, e[i].index, e[i].path,
		                 have, sizeof(have)),
		        e[i].want, label))
			tap_diag("record: %s",
			    json_object_to_json_string(
			        json_object_array_get_idx(
			            run->records, (size_t)e[i].index)));
	}
}

static const struct expect vpcs_expect[] = {
	{ -1, "", "2" },
	{ 0, "Kind", "network" },
	{ 0, "Provider", "aws" },
	{ 0, "VpcId", "vpc-532335e1" },
	{ 0, "CidrBlock", "192.168.51.0/24" },
	{ 0, "Cidrs#", "1" },
	{ 0, "State", "available" },
	{ 0, "IsDefault", "false" },
	{ 0, "Name", "" },
	{ 0, "Tags#", "0" },
	{ 0, "OwnerId", ACCOUNT },
	{ 0, "Region", REGION },
	{ 1, "VpcId", "vpc-62ded30e" },
	{ 1, "CidrBlock", "192.168.52.0/24" },
	{ 1, "Name", "Test VPC" },
	{ 1, "Tags#", "1" },
	{ 1, "Tags.0.Key", "Name" },
	{ 1, "Tags.0.Value", "Test VPC" },
};

static const struct expect subnets_expect[] = {
	{ -1, "", "2" },
	{ 0, "Kind", "subnet" },
	{ 0, "SubnetId", "subnet-ce0e7ce5" },
	{ 0, "VpcId", "vpc-532135d1" },
	{ 0, "CidrBlock", "192.168.51.0/25" },
	{ 0, "AvailabilityZone", "us-east-1a" },
	{ 0, "State", "available" },
	{ 0, "Name", "Test Subnet 1" },
	{ 1, "Kind", "error" },
	{ 1, "Of", "subnet" },
	{ 1, "Resource", "subnet-ce0e7ce6" },
	{ 1, "Message",
	    "cidrBlock: invalid CIDR \"192.168.51.128/64\": prefix length 64 "
	    "exceeds 32" },
};

static const struct expect interfaces_expect[] = {
	{ -1, "", "2" },
	{ 0, "Kind", "address" },
	{ 0, "Ip", "172.16.4.133" },
	{ 0, "Primary", "true" },
	{ 0, "Public", "false" },
	{ 0, "ExternalId", "eni-18e6c05e" },
	{ 0, "NetworkInterfaceId", "eni-18e6c05e" },
	{ 0, "SubnetId", "subnet-5ed9d432" },
	{ 0, "VpcId", "vpc-62ded30e" },
	{ 0, "AvailabilityZone", "us-east-1d" },
	{ 0, "InstanceId", "i-caa71db1" },
	{ 0, "State", "in-use" },
	{ 0, "OwnerId", "123456789098" },
	{ 0, "InterfaceOwnerId", "123456789098" },
	{ 1, "Ip", "172.16.4.145" },
	{ 1, "Primary", "true" },
	{ 1, "NetworkInterfaceId", "eni-83e3c5c5" },
	{ 1, "InstanceId", "i-caa71db1" },
};

static const struct expect addresses_expect[] = {
	{ -1, "", "1" },
	{ 0, "Kind", "address" },
	{ 0, "Ip", "1.2.3.4" },
	{ 0, "Public", "true" },
	{ 0, "Primary", "false" },
	{ 0, "ExternalId", "eipalloc-602b5d01" },
	{ 0, "AllocationId", "eipalloc-602b5d01" },
	{ 0, "Domain", "vpc" },
	{ 0, "InstanceId", "i-4382922a" },
	{ 0, "AssociationId", "eipassoc-cea049ab" },
	{ 0, "NetworkInterfaceId", "eni-83e3c5c5" },
	{ 0, "InterfaceOwnerId", "123456789098" },
	{ 0, "PrivateIpAddress", "192.168.1.5" },
	{ 0, "OwnerId", ACCOUNT },
};

static const struct expect addresses_all_expect[] = {
	{ -1, "", "4" },
	{ 0, "Ip", "1.2.3.4" },
	{ 1, "Ip", "1.2.3.5" },
	{ 1, "AllocationId", "eipalloc-998195fb" },
	{ 1, "InstanceId", "i-4382922b" },
	{ 1, "AssociationId", "eipassoc-cea049ac" },
	{ 1, "NetworkInterfaceId", "eni-83e3c5c6" },
	{ 1, "PrivateIpAddress", "192.168.1.6" },
	{ 2, "Ip", "1.2.3.6" },
	{ 2, "AllocationId", "eipalloc-922a5cf3" },
	{ 2, "Domain", "standard" },
	{ 2, "InstanceId", "" },
	{ 2, "AssociationId", "" },
	{ 2, "PrivateIpAddress", "" },
	{ 3, "Ip", "1.2.3.7" },
	{ 3, "AllocationId", "eipalloc-992a5cf8" },
	{ 3, "Domain", "vpc" },
};

static const struct expect addresses_multi_expect[] = {
	{ -1, "", "3" },
	{ 0, "Ip", "1.2.3.4" },
	{ 0, "InstanceId", "i-4382922a" },
	{ 0, "ExternalId", "1.2.3.4" },
	{ 0, "AllocationId", "" },
	{ 1, "Ip", "1.2.3.6" },
	{ 1, "InstanceId", "i-4382922b" },
	{ 2, "Ip", "1.2.3.5" },
	{ 2, "InstanceId", "i-4382922b" },
};

static const struct expect addresses_single_expect[] = {
	{ -1, "", "1" },
	{ 0, "Ip", "1.2.3.4" },
	{ 0, "InstanceId", "i-4382922a" },
	{ 0, "Domain", "" },
};

#define EXPECT(e) e, sizeof(e) / sizeof(e[0])

static const struct libcloud_case {
	const char *file;
	enum ec2_action action;
	const struct expect *expect;
	size_t n;
} libcloud_cases[] = {
	{ "describe_vpcs.xml", EC2_DESCRIBE_VPCS, EXPECT(vpcs_expect) },
	{ "describe_subnets.xml", EC2_DESCRIBE_SUBNETS,
	    EXPECT(subnets_expect) },
	{ "describe_network_interfaces.xml", EC2_DESCRIBE_NETWORK_INTERFACES,
	    EXPECT(interfaces_expect) },
	{ "describe_addresses.xml", EC2_DESCRIBE_ADDRESSES,
	    EXPECT(addresses_expect) },
	{ "describe_addresses_all.xml", EC2_DESCRIBE_ADDRESSES,
	    EXPECT(addresses_all_expect) },
	{ "describe_addresses_multi.xml", EC2_DESCRIBE_ADDRESSES,
	    EXPECT(addresses_multi_expect) },
	{ "describe_addresses_single.xml", EC2_DESCRIBE_ADDRESSES,
	    EXPECT(addresses_single_expect) },
};

static void
test_libcloud(void)
{
	const struct libcloud_case *c;
	char path[256];
	struct run run;
	char *text;
	size_t i, len;

	for (i = 0; i < sizeof(libcloud_cases) / sizeof(libcloud_cases[0]);
	     i++) {
		c = &libcloud_cases[i];
		snprintf(path, sizeof(path), LIBCLOUD "%s", c->file);
		if (!tap_ok((text = read_file(path, &len)) != NULL, "read %s",
		        path))
			continue;
		memset(&run, 0, sizeof(run));
		run.stop_at = -1;
		run_parse(&run, c->action, text, len, 0, ACCOUNT);
		tap_int(run.rc, 0, c->file);
		tap_ok(run.next_token == NULL, "%s: no nextToken", c->file);
		check_records(c->file, &run, c->expect, c->n);
		run_free(&run);
		free(text);
	}
}

/* --- chunking ------------------------------------------------------ */

static const struct {
	const char *path;
	enum ec2_action action;
} chunk_cases[] = {
	{ BOTOCORE "ec2-describe-vpcs.xml", EC2_DESCRIBE_VPCS },
	{ BOTOCORE "ec2-describe-subnets.xml", EC2_DESCRIBE_SUBNETS },
	{ BOTOCORE "ec2-describe-network-interfaces.xml",
	    EC2_DESCRIBE_NETWORK_INTERFACES },
	{ BOTOCORE "ec2-describe-addresses.xml", EC2_DESCRIBE_ADDRESSES },
	{ BOTOCORE "ec2-describe-regions.xml", EC2_DESCRIBE_REGIONS },
	{ BOTOCORE "errors/ec2-describe-instances.xml", EC2_DESCRIBE_VPCS },
	{ LIBCLOUD "describe_vpcs.xml", EC2_DESCRIBE_VPCS },
	{ LIBCLOUD "describe_subnets.xml", EC2_DESCRIBE_SUBNETS },
	{ LIBCLOUD "describe_network_interfaces.xml",
	    EC2_DESCRIBE_NETWORK_INTERFACES },
	{ LIBCLOUD "describe_addresses.xml", EC2_DESCRIBE_ADDRESSES },
	{ LIBCLOUD "describe_addresses_all.xml", EC2_DESCRIBE_ADDRESSES },
	{ LIBCLOUD "describe_addresses_multi.xml", EC2_DESCRIBE_ADDRESSES },
	{ LIBCLOUD "describe_addresses_single.xml", EC2_DESCRIBE_ADDRESSES },
};

/* Everything a run said, as one string to compare. */
static char *
run_summary(const struct run *run)
{
	const char *records = json_object_to_json_string_ext(
	    run->records, JSON_C_TO_STRING_PLAIN);
	size_t size = strlen(records) + ERR_MESSAGE_MAX + 256;
	char *s = malloc(size);

	if (s != NULL)
		snprintf(s, size, "rc=%d err=%s/%s next=%s code=%s %s", run->rc,
		    run->err.code, run->err.message,
		    run->next_token ? run->next_token : "-",
		    run->aws_code ? run->aws_code : "-", records);
	return s;
}

static void
test_chunks(void)
{
	static const size_t chunks[] = { 1, 2, 7, 4096 };
	struct run whole, part;
	char *text, *want, *have;
	size_t i, k, len;

	for (i = 0; i < sizeof(chunk_cases) / sizeof(chunk_cases[0]); i++) {
		if ((text = read_file(chunk_cases[i].path, &len)) == NULL)
			continue;
		memset(&whole, 0, sizeof(whole));
		whole.stop_at = -1;
		run_parse(&whole, chunk_cases[i].action, text, len, 0, ACCOUNT);
		want = run_summary(&whole);
		for (k = 0; k < sizeof(chunks) / sizeof(chunks[0]); k++) {
			memset(&part, 0, sizeof(part));
			part.stop_at = -1;
			run_parse(&part, chunk_cases[i].action, text, len,
			    chunks[k], ACCOUNT);
			have = run_summary(&part);
			tap_ok(want && have && strcmp(want, have) == 0,
			    "%s fed %zu byte(s) at a time: the same records",
			    chunk_cases[i].path, chunks[k]);
			free(have);
			run_free(&part);
		}
		free(want);
		run_free(&whole);
		free(text);
	}
}

/* --- synthetic answers --------------------------------------------- */

static const char vpc_v6_xml[] =
    "<DescribeVpcsResponse xmlns=\"http://ec2.amazonaws.com/doc/"
    "2016-11-15/\"><requestId>r-1</requestId><vpcSet><item>"
    "<vpcId>vpc-1</vpcId><ownerId>111122223333</ownerId>"
    "<state>available</state><cidrBlock>10.0.0.0/16</cidrBlock>"
    "<cidrBlockAssociationSet>"
    "<item><associationId>vpc-cidr-assoc-1</associationId>"
    "<cidrBlock>10.0.0.0/16</cidrBlock>"
    "<cidrBlockState><state>associated</state></cidrBlockState></item>"
    "<item><associationId>vpc-cidr-assoc-2</associationId>"
    "<cidrBlock>100.64.0.0/16</cidrBlock>"
    "<cidrBlockState><state>associated</state></cidrBlockState></item>"
    "</cidrBlockAssociationSet><ipv6CidrBlockAssociationSet>"
    "<item><associationId>vpc-cidr-assoc-3</associationId>"
    "<ipv6CidrBlock>2600:1F18:0ABC:DE00::/56</ipv6CidrBlock>"
    "<ipv6CidrBlockState><state>associated</state></ipv6CidrBlockState>"
    "<networkBorderGroup>us-east-1</networkBorderGroup></item>"
    "</ipv6CidrBlockAssociationSet><isDefault>true</isDefault>"
    "<unknownSet><item><vpcId>vpc-wrong</vpcId>"
    "<cidrBlock>1.2.3.0/24</cidrBlock></item>"
    "<nextToken>inner</nextToken></unknownSet>"
    "</item><item><vpcId>vpc-2</vpcId><cidrBlock>10.1.0.0/16</cidrBlock>"
    "<isDefault>maybe</isDefault></item></vpcSet>"
    "<nextToken>eyJ2IjoiMSJ9</nextToken></DescribeVpcsResponse>";

static const struct expect vpc_v6_expect[] = {
	{ -1, "", "2" },
	{ 0, "VpcId", "vpc-1" },
	{ 0, "OwnerId", "111122223333" },
	{ 0, "IsDefault", "true" },
	{ 0, "CidrBlock", "10.0.0.0/16" },
	{ 0, "Cidrs#", "3" },
	{ 0, "Cidrs.0.Cidr", "10.0.0.0/16" },
	{ 0, "Cidrs.0.AssociationId", "vpc-cidr-assoc-1" },
	{ 0, "Cidrs.0.State", "associated" },
	{ 0, "Cidrs.0.Secondary", "false" },
	{ 0, "Cidrs.1.Cidr", "100.64.0.0/16" },
	{ 0, "Cidrs.1.AssociationId", "vpc-cidr-assoc-2" },
	{ 0, "Cidrs.1.Secondary", "true" },
	{ 0, "Cidrs.2.Cidr", "2600:1f18:abc:de00::/56" },
	{ 0, "Cidrs.2.AssociationId", "vpc-cidr-assoc-3" },
	{ 0, "Cidrs.2.State", "associated" },
	{ 0, "Cidrs.2.Secondary", "true" },
	{ 1, "Kind", "error" },
	{ 1, "Resource", "vpc-2" },
	{ 1, "Message", "isDefault \"maybe\": not true or false" },
};

static const char subnets_v6_xml[] =
    "<DescribeSubnetsResponse xmlns=\"http://ec2.amazonaws.com/doc/"
    "2014-06-15/\"><subnetSet>"
    "<item><subnetId>subnet-a</subnetId><vpcId>vpc-1</vpcId>"
    "<cidrBlock>10.0.1.0/24</cidrBlock>"
    "<availabilityZone>eu-west-1a</availabilityZone>"
    "<ipv6CidrBlockAssociationSet><item>"
    "<ipv6CidrBlock>2600:1f18:abc:de01::/64</ipv6CidrBlock>"
    "<associationId>subnet-cidr-assoc-1</associationId>"
    "<ipv6CidrBlockState><state>associated</state></ipv6CidrBlockState>"
    "</item></ipv6CidrBlockAssociationSet></item>"
    "<item><subnetId>subnet-b</subnetId><cidrBlock>10.0.2.5/24</cidrBlock>"
    "</item>"
    "<item><subnetId>subnet-c</subnetId><ipv6CidrBlockAssociationSet><item>"
    "<ipv6CidrBlock>2600:1f18:abc:de02::/64</ipv6CidrBlock></item>"
    "</ipv6CidrBlockAssociationSet></item>"
    "<item><subnetId>subnet-d</subnetId>"
    "<cidrBlock>2600:1f18::/64</cidrBlock></item>"
    "<item><cidrBlock>10.0.3.0/24</cidrBlock></item>"
    "<item><subnetId>subnet-e</subnetId></item>"
    "<item><subnetId>subnet-f</subnetId><ipv6CidrBlockAssociationSet><item>"
    "<ipv6CidrBlock>10.0.4.0/24</ipv6CidrBlock></item>"
    "</ipv6CidrBlockAssociationSet></item>"
    "</subnetSet></DescribeSubnetsResponse>";

static const struct expect subnets_v6_expect[] = {
	{ -1, "", "7" },
	{ 0, "SubnetId", "subnet-a" },
	{ 0, "Cidrs#", "2" },
	{ 0, "Cidrs.0.Cidr", "10.0.1.0/24" },
	{ 0, "Cidrs.1.Cidr", "2600:1f18:abc:de01::/64" },
	{ 0, "Cidrs.1.AssociationId", "subnet-cidr-assoc-1" },
	{ 0, "Cidrs.1.Secondary", "true" },
	{ 1, "Resource", "subnet-b" },
	{ 1, "Message",
	    "cidrBlock \"10.0.2.5/24\": host bits set; did you mean "
	    "10.0.2.0/24?" },
	{ 2, "SubnetId", "subnet-c" },
	{ 2, "CidrBlock", "2600:1f18:abc:de02::/64" },
	{ 2, "Cidrs.0.Secondary", "false" },
	{ 3, "Resource", "subnet-d" },
	{ 3, "Message", "cidrBlock \"2600:1f18::/64\": not an IPv4 prefix" },
	{ 4, "Resource", "" },
	{ 4, "Message", "no subnetId" },
	{ 5, "Resource", "subnet-e" },
	{ 5, "Message", "no cidrBlock" },
	{ 6, "Resource", "subnet-f" },
	{ 6, "Message", "ipv6CidrBlock \"10.0.4.0/24\": not an IPv6 prefix" },
};

static const char interfaces_v6_xml[] =
    "<DescribeNetworkInterfacesResponse xmlns=\"http://ec2.amazonaws.com/"
    "doc/2016-11-15/\"><networkInterfaceSet><item>"
    "<networkInterfaceId>eni-1</networkInterfaceId>"
    "<subnetId>subnet-a</subnetId><vpcId>vpc-1</vpcId>"
    "<ownerId>111122223333</ownerId><status>in-use</status>"
    "<privateIpAddress>10.0.1.10</privateIpAddress>"
    "<association><publicIp>203.0.113.10</publicIp></association>"
    "<attachment><instanceId>i-1</instanceId></attachment>"
    "<tagSet><item><key>Name</key><value>web</value></item>"
    "<item><key>env</key><value/></item></tagSet>"
    "<privateIpAddressesSet>"
    "<item><privateIpAddress>10.0.1.10</privateIpAddress>"
    "<primary>true</primary><association>"
    "<publicIp>203.0.113.10</publicIp><allocationId>eipalloc-1"
    "</allocationId><associationId>eipassoc-1</associationId>"
    "</association></item>"
    "<item><privateIpAddress>10.0.1.300</privateIpAddress>"
    "<primary>false</primary></item>"
    "<item><privateIpAddress>10.0.1.11</privateIpAddress>"
    "<primary>false</primary></item></privateIpAddressesSet>"
    "<ipv6AddressesSet><item><ipv6Address>2600:1F18:ABC:DE01:0:0:0:10"
    "</ipv6Address></item></ipv6AddressesSet></item>"
    "<item><networkInterfaceId>eni-2</networkInterfaceId>"
    "<privateIpAddress>10.0.2.20</privateIpAddress>"
    "<association><publicIp>198.51.100.7</publicIp>"
    "<associationId>eipassoc-2</associationId></association></item>"
    "</networkInterfaceSet></DescribeNetworkInterfacesResponse>";

static const struct expect interfaces_v6_expect[] = {
	{ -1, "", "7" },
	{ 0, "Ip", "10.0.1.10" },
	{ 0, "Primary", "true" },
	{ 0, "Public", "false" },
	{ 0, "Name", "web" },
	{ 0, "Tags#", "2" },
	{ 0, "Tags.1.Key", "env" },
	{ 0, "Tags.1.Value", "" },
	{ 0, "OwnerId", "111122223333" },
	{ 1, "Ip", "203.0.113.10" },
	{ 1, "Public", "true" },
	{ 1, "AllocationId", "eipalloc-1" },
	{ 1, "AssociationId", "eipassoc-1" },
	{ 1, "PrivateIpAddress", "10.0.1.10" },
	{ 1, "InstanceId", "i-1" },
	{ 1, "NetworkInterfaceId", "eni-1" },
	{ 2, "Kind", "error" },
	{ 2, "Of", "address" },
	{ 2, "Resource", "eni-1" },
	{ 2, "Message",
	    "privateIpAddress: invalid IP address \"10.0.1.300\": octet 4 "
	    "exceeds 255" },
	{ 3, "Ip", "10.0.1.11" },
	{ 3, "Primary", "false" },
	{ 4, "Ip", "2600:1f18:abc:de01::10" },
	{ 4, "Primary", "false" },
	{ 5, "Ip", "10.0.2.20" },
	{ 5, "Primary", "true" },
	{ 5, "NetworkInterfaceId", "eni-2" },
	{ 6, "Ip", "198.51.100.7" },
	{ 6, "Public", "true" },
	{ 6, "AssociationId", "eipassoc-2" },
	{ 6, "PrivateIpAddress", "10.0.2.20" },
};

static void
test_synthetic(void)
{
	struct run run;

	run_text(&run, EC2_DESCRIBE_VPCS, vpc_v6_xml);
	tap_int(run.rc, 0, "VPC with IPv4 and IPv6 associations");
	tap_str(run.next_token, "eyJ2IjoiMSJ9",
	    "nextToken of the answer, not one inside an item");
	tap_str(run.request_id, "r-1", "requestId");
	check_records("vpc associations", &run, EXPECT(vpc_v6_expect));
	run_free(&run);
	run_text(&run, EC2_DESCRIBE_SUBNETS, subnets_v6_xml);
	tap_int(run.rc, 0, "subnets, some unreadable");
	check_records("subnets", &run, EXPECT(subnets_v6_expect));
	run_free(&run);
	run_text(&run, EC2_DESCRIBE_NETWORK_INTERFACES, interfaces_v6_xml);
	tap_int(run.rc, 0, "ENIs with IPv6 and public addresses");
	check_records("ENIs", &run, EXPECT(interfaces_v6_expect));
	run_free(&run);
}

static void
test_pagination(void)
{
	static const struct {
		const char *xml;
		const char *want;
	} cases[] = {
		{ "<DescribeSubnetsResponse><subnetSet/><nextToken>a+b/c=="
		  "</nextToken></DescribeSubnetsResponse>",
		    "a+b/c==" },
		{ "<DescribeSubnetsResponse><nextToken>AA&amp;BB</nextToken>"
		  "<subnetSet/></DescribeSubnetsResponse>",
		    "AA&BB" },
		{ "<DescribeSubnetsResponse><subnetSet/><nextToken/>"
		  "</DescribeSubnetsResponse>",
		    NULL },
		{ "<DescribeSubnetsResponse><subnetSet/>"
		  "</DescribeSubnetsResponse>",
		    NULL },
	};
	struct run run;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		run_text(&run, EC2_DESCRIBE_SUBNETS, cases[i].xml);
		tap_str(run.next_token, cases[i].want, cases[i].xml);
		run_free(&run);
	}
}

/* Answers refused whole: the code and the start of the message. */
static const struct {
	const char *name;
	enum ec2_action action;
	const char *xml;
	const char *code;
	const char *message;
} refused[] = {
	{ "RequestLimitExceeded", EC2_DESCRIBE_SUBNETS,
	    "<Response><Errors><Error><Code>RequestLimitExceeded</Code>"
	    "<Message>Request limit exceeded.</Message></Error></Errors>"
	    "<RequestID>x</RequestID></Response>",
	    "aws_error", "RequestLimitExceeded: Request limit exceeded." },
	{ "Query error envelope", EC2_DESCRIBE_ADDRESSES,
	    "<ErrorResponse "
	    "xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
	    "<Error><Type>Sender</Type><Code>Throttling</Code>"
	    "<Message>Rate exceeded</Message></Error></ErrorResponse>",
	    "aws_error", "Throttling: Rate exceeded" },
	{ "error envelope without an error", EC2_DESCRIBE_VPCS,
	    "<Response><Errors/></Response>", "aws_error",
	    "an error answer without <Error>" },
	{ "another action's answer", EC2_DESCRIBE_VPCS,
	    "<DescribeSubnetsResponse/>", "ec2_xml",
	    "expected <DescribeVpcsResponse>, got <DescribeSubnetsResponse>" },
	{ "a DTD", EC2_DESCRIBE_VPCS,
	    "<!DOCTYPE d [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;\">]>"
	    "<DescribeVpcsResponse>&b;</DescribeVpcsResponse>",
	    "ec2_xml", "line 1: a DTD in an EC2 answer" },
	{ "malformed", EC2_DESCRIBE_VPCS,
	    "<DescribeVpcsResponse><vpcSet></DescribeVpcsResponse>", "ec2_xml",
	    "line 1, column 32: mismatched tag" },
	{ "truncated", EC2_DESCRIBE_VPCS, "<DescribeVpcsResponse><vpcSet>",
	    "ec2_xml", "line 1, column 30: no element found" },
	{ "empty", EC2_DESCRIBE_VPCS, "", "ec2_xml",
	    "line 1, column 0: no element found" },
	{ "an undefined entity", EC2_DESCRIBE_VPCS,
	    "<DescribeVpcsResponse>&x;</DescribeVpcsResponse>", "ec2_xml",
	    "line 1, column 22: undefined entity" },
};

static void
test_refused(void)
{
	struct err again = ERR_INIT;
	struct ec2_parser *p;
	struct run run;
	size_t i;

	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		run_text(&run, refused[i].action, refused[i].xml);
		tap_int(run.rc, -1, refused[i].name);
		tap_str(run.err.code, refused[i].code, refused[i].name);
		tap_str(run.err.message, refused[i].message, refused[i].name);
		run_free(&run);
	}
	run_text(&run, EC2_DESCRIBE_SUBNETS, refused[0].xml);
	tap_str(run.aws_code, "RequestLimitExceeded",
	    "ec2_parser_error_code() for a retry");
	tap_int(run.err.status, 502, "an AWS error is a 502");
	tap_str(run.request_id, "x", "RequestID of an error");
	run_free(&run);
	p = ec2_parser_new(EC2_DESCRIBE_VPCS, NULL, NULL, NULL);
	ec2_parser_feed(p, "<x/>", 4, 1, &again);
	err_clear(&again);
	tap_int(ec2_parser_feed(p, "<y/>", 4, 1, &again), -1,
	    "a failed parser stays failed");
	tap_str(again.message, "expected <DescribeVpcsResponse>, got <x>",
	    "with the same error");
	tap_ok(ec2_parser_error_code(p) == NULL, "no AWS code for bad XML");
	ec2_parser_free(p);
	tap_ok(ec2_parser_new(EC2_ACTION__MAX, NULL, "", "") == NULL,
	    "no parser for an unknown action");
	ec2_parser_free(NULL);
}

/* The answer to every action, fed as the error envelope. */
static void
test_error_everywhere(void)
{
	struct run run;
	char *text;
	size_t len;
	int action;

	text = read_file(BOTOCORE "errors/ec2-describe-instances.xml", &len);
	for (action = 0; text != NULL && action < EC2_ACTION__MAX; action++) {
		memset(&run, 0, sizeof(run));
		run.stop_at = -1;
		run_parse(&run, (enum ec2_action)action, text, len, 5, ACCOUNT);
		tap_ok(run.rc == -1 && strcmp(run.err.code, "aws_error") == 0 &&
		           run.aws_code != NULL &&
		           strcmp(run.aws_code,
		               "InvalidInstanceID.Malformed") == 0 &&
		           json_object_array_length(run.records) == 0,
		    "%s: the error envelope is an aws_error",
		    ec2_action_names[action]);
		run_free(&run);
	}
	free(text);
}

/* An answer whose record has an element of len bytes of text, into b. */
static const char *
long_text_xml(struct buf *b, size_t len, const char *element)
{
	size_t i;

	buf_reset(b);
	buf_printf(b,
	    "<DescribeVpcsResponse><vpcSet><item><cidrBlock>"
	    "10.0.0.0/8</cidrBlock><%s>",
	    element);
	for (i = 0; i < len; i++)
		buf_putc(b, 'v');
	buf_printf(b, "</%s></item></vpcSet></DescribeVpcsResponse>", element);
	return b->oom ? "" : b->data;
}

static void
test_limits(void)
{
	struct buf xml = BUF_INIT;
	const char *text;
	struct run run;
	char buf[64];
	int depth;

	run_text(&run, EC2_DESCRIBE_VPCS,
	    long_text_xml(&xml, EC2_TEXT_MAX, "vpcId"));
	tap_int(run.rc, 0, "element text of exactly 64 KiB");
	tap_str(record_get(run.records, 0, "Cidrs#", buf, sizeof(buf)), "1",
	    "its record");
	run_free(&run);
	text = long_text_xml(&xml, EC2_TEXT_MAX + 1, "vpcId");
	memset(&run, 0, sizeof(run));
	run.stop_at = -1;
	run_parse(&run, EC2_DESCRIBE_VPCS, text, strlen(text), 4096, ACCOUNT);
	tap_int(run.rc, -1, "element text over 64 KiB, in chunks");
	tap_str(run.err.code, "ec2_xml", "refused as ec2_xml");
	tap_str(run.err.message,
	    "line 1: element text over 65536 bytes (<vpcId>)",
	    "naming the element");
	tap_int((long long)json_object_array_length(run.records), 0,
	    "no record from it");
	run_free(&run);
	run_text(&run, EC2_DESCRIBE_VPCS,
	    long_text_xml(&xml, EC2_TEXT_MAX + 1, "somethingNew"));
	tap_str(run.err.message, "line 1: element text over 65536 bytes",
	    "in an unknown element as well");
	run_free(&run);
	buf_reset(&xml);
	buf_puts(&xml, "<DescribeVpcsResponse>");
	for (depth = 0; depth < 40; depth++)
		buf_puts(&xml, "<a>");
	run_text(&run, EC2_DESCRIBE_VPCS, xml.oom ? "" : xml.data);
	tap_str(run.err.message, "line 1: elements nested deeper than 32",
	    "nesting is bounded");
	run_free(&run);
	buf_free(&xml);
}

static void
test_tags_bounded(void)
{
	struct buf xml = BUF_INIT;
	struct run run;
	char buf[64];
	int i;

	buf_puts(&xml, "<DescribeVpcsResponse><vpcSet><item><vpcId>vpc-t"
	               "</vpcId><cidrBlock>10.0.0.0/8</cidrBlock><tagSet>");
	for (i = 0; i < CLOUD_TAGS_MAX + 1; i++)
		buf_printf(
		    &xml, "<item><key>k%d</key><value>v</value></item>", i);
	buf_puts(&xml, "</tagSet></item><item><vpcId>vpc-u</vpcId><cidrBlock>"
	               "10.1.0.0/16</cidrBlock></item></vpcSet>"
	               "</DescribeVpcsResponse>");
	run_text(&run, EC2_DESCRIBE_VPCS, xml.oom ? "" : xml.data);
	tap_str(record_get(run.records, 0, "Message", buf, sizeof(buf)),
	    "more than 64 tags", "65 tags: the record is refused");
	tap_str(record_get(run.records, 1, "VpcId", buf, sizeof(buf)), "vpc-u",
	    "the next record is read");
	tap_str(record_get(run.records, 1, "Tags#", buf, sizeof(buf)), "0",
	    "without the tags of the one before");
	run_free(&run);
	buf_free(&xml);
}

static void
test_sink_stops(void)
{
	static const char no_cidr[] =
	    "<DescribeSubnetsResponse><subnetSet><item><subnetId>s</subnetId>"
	    "</item></subnetSet></DescribeSubnetsResponse>";
	struct run run;
	char *text;
	size_t len;

	text = read_file(LIBCLOUD "describe_vpcs.xml", &len);
	memset(&run, 0, sizeof(run));
	run.stop_at = 0;
	run_parse(&run, EC2_DESCRIBE_VPCS, text != NULL ? text : "",
	    text != NULL ? len : 0, 0, ACCOUNT);
	tap_int(run.rc, -1, "a sink returning -1 stops the parse");
	tap_str(run.err.code, "stop_here", "with the sink's err");
	tap_int(run.err.status, 499, "status and all");
	tap_int((long long)json_object_array_length(run.records), 1,
	    "no record after it");
	run_free(&run);
	free(text);
	run_text(&run, EC2_DESCRIBE_SUBNETS,
	    "<DescribeSubnetsResponse><subnetSet><item><subnetId>s</subnetId>"
	    "</item><item><subnetId>t</subnetId></item></subnetSet>"
	    "</DescribeSubnetsResponse>");
	tap_int(run.rc, 0, "on_error going on");
	tap_int((long long)json_object_array_length(run.records), 2,
	    "reports each record");
	run_free(&run);
	memset(&run, 0, sizeof(run));
	run.stop_at = 0;
	run_parse(&run, EC2_DESCRIBE_SUBNETS, no_cidr, sizeof(no_cidr) - 1, 0,
	    ACCOUNT);
	tap_str(run.err.code, "sink_stopped", "on_error returning -1 stops");
	run_free(&run);
}

static void
test_regions(void)
{
	static const char *const want[] = { "eu-west-1", "sa-east-1",
		"us-east-1", "ap-northeast-1", "us-west-2", "us-west-1",
		"ap-southeast-1", "ap-southeast-2" };
	struct arena *a = arena_new(4096);
	struct err err = ERR_INIT;
	char **names = NULL, *text;
	size_t n = 0, len, i;

	text = read_file(BOTOCORE "ec2-describe-regions.xml", &len);
	tap_int(ec2_regions_parse(
	            text ? text : "", text ? len : 0, &names, &n, a, &err),
	    0, "ec2_regions_parse");
	tap_int((long long)n, 8, "8 regions");
	for (i = 0; i < n && i < 8; i++)
		tap_str(names[i], want[i], "region name in answer order");
	free(text);
	text = read_file(BOTOCORE "errors/ec2-describe-instances.xml", &len);
	tap_int(ec2_regions_parse(
	            text ? text : "", text ? len : 0, &names, &n, a, &err),
	    -1, "ec2_regions_parse of an error");
	tap_ok(names == NULL && n == 0 && strcmp(err.code, "aws_error") == 0,
	    "aws_error, nothing returned");
	free(text);
	text = "<DescribeRegionsResponse><regionInfo><item><regionName>"
	       "evil.example/x</regionName></item></regionInfo>"
	       "</DescribeRegionsResponse>";
	tap_int(ec2_regions_parse(text, strlen(text), &names, &n, a, &err), -1,
	    "a region name that is no region name is refused");
	tap_str(err.message, "regionName \"evil.example/x\": not a region name",
	    "naming it");
	arena_free(a);
}

int
main(void)
{
	testdata = getenv("CLOUDPAM_TESTDATA");
	if (testdata == NULL || testdata[0] == '\0')
		testdata = "../shared/testdata";
	test_botocore();
	test_libcloud();
	test_chunks();
	test_synthetic();
	test_pagination();
	test_refused();
	test_error_everywhere();
	test_limits();
	test_tags_bounded();
	test_sink_stops();
	test_regions();
	return tap_done();
}
