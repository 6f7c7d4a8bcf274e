/*
 * Unit tests for app/cloud/payload.c: the discovery payload a collector
 * writes (docs/collector-payload.schema.json).
 *
 * A payload holding a network (two CIDRs; tags whose keys and values hold
 * quotes, a backslash, a newline, a tab, a control byte and UTF-8), a
 * subnet, an address and one record error is written through the sink,
 * parsed back with json-c in strict mode (a missing comma, a stray byte
 * or bad UTF-8 fails the parse), and every
 * field is compared with what went in, one line per field.  Then the
 * escapes as bytes, version 1.0 against 2.0, a later chunk that is not
 * final, an empty payload, NULL strings, and one record written alone.
 */
#include "cloud/payload.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "cloud/cloud.h"
#include "lib/buf.h"
#include "lib/err.h"
#include "unit/tap.h"

#define WHEN 1700000000 /* 2023-11-14T22:13:20Z */
#define WHEN_TEXT "2023-11-14T22:13:20Z"
#define STARTED_TEXT "2023-11-14T22:12:20Z"
#define RUN_ID "0123456789abcdef0123456789abcdef"

/* --- the records written --------------------------------------------- */

static struct cloud_network network = {
	.c = { .provider = CLOUD_AWS,
	    .kind = CLOUD_NETWORK,
	    .account = "123456789012",
	    .region = "eu-west-1",
	    .zone = "",
	    .external_id = "vpc-0abc",
	    .name = "prod \"core\"",
	    .state = "available",
	    .tags = { { "Name", "prod \"core\"" },
	        { "note", "line one\nline two" },
	        { "path\\to", "tab\there\001" },
	        { "\xc3\xbc \"key\"", "caf\xc3\xa9" } },
	    .ntags = 4,
	    .discovered_at = WHEN },
	.cidrs = { { "10.0.0.0/16", "vpc-cidr-assoc-01", "associated", 0 },
	    { "2001:db8:1200::/56", "vpc-cidr-assoc-02", "associated", 1 } },
	.ncidrs = 2,
	.is_default = 1,
};

static struct cloud_subnet subnet = {
	.c = { .provider = CLOUD_AWS,
	    .kind = CLOUD_SUBNET,
	    .account = "123456789012",
	    .region = "eu-west-1",
	    .zone = "eu-west-1a",
	    .external_id = "subnet-0def",
	    .name = "",
	    .state = "available",
	    .discovered_at = WHEN },
	.network_id = "vpc-0abc",
	.cidrs = { { "10.0.1.0/24", "", "", 0 } },
	.ncidrs = 1,
};

static struct cloud_address address = {
	.c = { .provider = CLOUD_AWS,
	    .kind = CLOUD_ADDRESS,
	    .account = "123456789012",
	    .region = "eu-west-1",
	    .zone = "eu-west-1a",
	    .external_id = "eni-0123",
	    .name = "web",
	    .state = "in-use",
	    .discovered_at = WHEN },
	.ip = "10.0.1.10",
	.is_public = 0,
	.is_primary = 1,
	.network_id = "vpc-0abc",
	.subnet_id = "subnet-0def",
	.interface_id = "eni-0123",
	.attached_to = "i-0456",
	.allocation_id = "",
};

#define ERROR_RESOURCE "subnet-bad"
#define ERROR_MESSAGE                                                          \
	"10.0.2.5/24: host bits set; did you mean \"10.0.2.0/24\"?"

/* --- what must come back --------------------------------------------- */

/* One field: where it is (keys and array indexes joined by '/'), its JSON
 * type and its value as text ("true", "12", or the string itself). */
struct want {
	const char *path;
	enum json_type type;
	const char *value;
};

#define S json_type_string
#define I json_type_int
#define B json_type_boolean

static const struct want wants[] = {
	{ "version", S, "2.0" },
	{ "collector/id", S, "aws-host \"a\"" },
	{ "collector/version", S, "0.1.0" },
	{ "collector/capabilities/0", S, "networks" },
	{ "collector/capabilities/1", S, "subnets" },
	{ "collector/capabilities/2", S, "addresses" },
	{ "provider", S, "aws" },
	{ "run_id", S, RUN_ID },
	{ "chunk/index", I, "0" },
	{ "started_at", S, STARTED_TEXT },
	{ "final", B, "true" },
	{ "records/0/kind", S, "network" },
	{ "records/0/provider", S, "aws" },
	{ "records/0/account", S, "123456789012" },
	{ "records/0/region", S, "eu-west-1" },
	{ "records/0/zone", S, "" },
	{ "records/0/external_id", S, "vpc-0abc" },
	{ "records/0/name", S, "prod \"core\"" },
	{ "records/0/state", S, "available" },
	{ "records/0/discovered_at", S, WHEN_TEXT },
	{ "records/0/cidrs/0/cidr", S, "10.0.0.0/16" },
	{ "records/0/cidrs/0/name", S, "vpc-cidr-assoc-01" },
	{ "records/0/cidrs/0/state", S, "associated" },
	{ "records/0/cidrs/0/secondary", B, "false" },
	{ "records/0/cidrs/1/cidr", S, "2001:db8:1200::/56" },
	{ "records/0/cidrs/1/name", S, "vpc-cidr-assoc-02" },
	{ "records/0/cidrs/1/state", S, "associated" },
	{ "records/0/cidrs/1/secondary", B, "true" },
	{ "records/0/is_default", B, "true" },
	{ "records/1/kind", S, "subnet" },
	{ "records/1/provider", S, "aws" },
	{ "records/1/account", S, "123456789012" },
	{ "records/1/region", S, "eu-west-1" },
	{ "records/1/zone", S, "eu-west-1a" },
	{ "records/1/external_id", S, "subnet-0def" },
	{ "records/1/name", S, "" },
	{ "records/1/state", S, "available" },
	{ "records/1/discovered_at", S, WHEN_TEXT },
	{ "records/1/network_id", S, "vpc-0abc" },
	{ "records/1/cidrs/0/cidr", S, "10.0.1.0/24" },
	{ "records/1/cidrs/0/name", S, "" },
	{ "records/1/cidrs/0/state", S, "" },
	{ "records/1/cidrs/0/secondary", B, "false" },
	{ "records/2/kind", S, "address" },
	{ "records/2/provider", S, "aws" },
	{ "records/2/account", S, "123456789012" },
	{ "records/2/region", S, "eu-west-1" },
	{ "records/2/zone", S, "eu-west-1a" },
	{ "records/2/external_id", S, "eni-0123" },
	{ "records/2/name", S, "web" },
	{ "records/2/state", S, "in-use" },
	{ "records/2/discovered_at", S, WHEN_TEXT },
	{ "records/2/ip", S, "10.0.1.10" },
	{ "records/2/is_public", B, "false" },
	{ "records/2/is_primary", B, "true" },
	{ "records/2/network_id", S, "vpc-0abc" },
	{ "records/2/subnet_id", S, "subnet-0def" },
	{ "records/2/interface_id", S, "eni-0123" },
	{ "records/2/attached_to", S, "i-0456" },
	{ "records/2/allocation_id", S, "" },
	{ "errors/0/kind", S, "subnet" },
	{ "errors/0/resource", S, ERROR_RESOURCE },
	{ "errors/0/message", S, ERROR_MESSAGE },
	{ "report/calls", I, "12" },
	{ "report/retries", I, "2" },
	{ "report/pages", I, "5" },
	{ "report/networks", I, "1" },
	{ "report/subnets", I, "1" },
	{ "report/addresses", I, "1" },
	{ "report/record_errors", I, "1" },
	{ "report/failures/0/scope", S, "aws:123456789012/us-east-1" },
	{ "report/failures/0/message", S, "AccessDenied: not \"allowed\"\n" },
};

/* The keys of each object, exactly: a field too many is a failure too. */
static const struct {
	const char *path;
	size_t nkeys;
} sizes[] = {
	{ "", 11 },
	{ "collector", 3 },
	{ "collector/capabilities", 3 },
	{ "chunk", 1 },
	{ "records", 3 },
	{ "records/0", 12 },
	{ "records/0/tags", 4 },
	{ "records/0/cidrs", 2 },
	{ "records/0/cidrs/0", 4 },
	{ "records/1", 12 },
	{ "records/1/tags", 0 },
	{ "records/1/cidrs", 1 },
	{ "records/2", 18 },
	{ "errors", 1 },
	{ "errors/0", 3 },
	{ "report", 8 },
	{ "report/failures", 1 },
};

/* Bytes that must appear in the text as written: the escapes. */
static const struct {
	const char *text;
	const char *why;
} escapes[] = {
	{ "\"name\":\"prod \\\"core\\\"\"", "quotes in a value become \\\"" },
	{ "\"note\":\"line one\\nline two\"", "a newline becomes \\n" },
	{ "\"path\\\\to\":", "a backslash in a key becomes \\\\" },
	{ "\"tab\\there\\u0001\"", "a tab is \\t, a control byte \\u0001" },
	{ "\"\xc3\xbc \\\"key\\\"\":\"caf\xc3\xa9\"",
	    "UTF-8 passes as it is, quotes in a key are escaped" },
	{ "\"message\":\"AccessDenied: not \\\"allowed\\\"\\n\"",
	    "a failure message is escaped too" },
};

/* --- helpers --------------------------------------------------------- */

/* The value at path in root ("" is root itself), or NULL. */
static struct json_object *
at(struct json_object *root, const char *path)
{
	char part[128];
	const char *next;
	size_t len;
	char *end;
	long index;

	while (root != NULL && *path != '\0') {
		next = strchr(path, '/');
		len = next ? (size_t)(next - path) : strlen(path);
		if (len >= sizeof(part))
			return NULL;
		memcpy(part, path, len);
		part[len] = '\0';
		path += len + (next != NULL);
		if (json_object_is_type(root, json_type_array)) {
			index = strtol(part, &end, 10);
			if (*end != '\0' || index < 0)
				return NULL;
			root = json_object_array_get_idx(root, (size_t)index);
		} else if (!json_object_object_get_ex(root, part, &root)) {
			return NULL;
		}
	}
	return root;
}

/* v as the text wants[] holds. */
static const char *
text_of(struct json_object *v, char *tmp, size_t size)
{
	if (json_object_is_type(v, json_type_int)) {
		snprintf(
		    tmp, size, "%lld", (long long)json_object_get_int64(v));
		return tmp;
	}
	if (json_object_is_type(v, json_type_boolean))
		return json_object_get_boolean(v) ? "true" : "false";
	return json_object_get_string(v);
}

/* Parse text strictly (RFC 8259 and valid UTF-8); NULL when it is not. */
static struct json_object *
parse(const struct buf *text)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *root;
	size_t end;

	json_tokener_set_flags(
	    tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	root = json_tokener_parse_ex(tok, text->data, (int)text->len);
	end = json_tokener_get_parse_end(tok);
	if (root != NULL && end < text->len &&
	    strspn(text->data + end, " \n") != text->len - end) {
		json_object_put(root);
		root = NULL;
	}
	json_tokener_free(tok);
	return root;
}

static size_t
size_of(struct json_object *v)
{
	if (json_object_is_type(v, json_type_array))
		return json_object_array_length(v);
	if (json_object_is_type(v, json_type_object))
		return (size_t)json_object_object_length(v);
	return (size_t)-1;
}

static const struct payload_meta meta_v2 = { "aws-host \"a\"", "0.1.0", "aws",
	RUN_ID, 1, WHEN - 60 };

/* Write the full payload of this file into out, through the sink. */
static void
write_full(struct buf *out)
{
	struct payload_writer w;
	struct cloud_sink sink;
	struct cloud_report report;
	struct err err = ERR_INIT;

	memset(&report, 0, sizeof(report));
	report.calls = 12;
	report.retries = 2;
	report.pages = 5;
	report.networks = report.subnets = report.addresses = 1;
	report.record_errors = 1;
	cloud_report_fail(&report, "aws:123456789012/us-east-1",
	    "AccessDenied: not \"allowed\"\n");
	payload_begin(&w, out, &meta_v2, 0);
	payload_sink(&w, &sink);
	tap_int(sink.on_network(sink.ctx, &network, &err), 0, "sink: network");
	tap_int(sink.on_subnet(sink.ctx, &subnet, &err), 0, "sink: subnet");
	tap_int(sink.on_address(sink.ctx, &address, &err), 0, "sink: address");
	tap_int(sink.on_error(
	            sink.ctx, CLOUD_SUBNET, ERROR_RESOURCE, ERROR_MESSAGE),
	    0, "sink: record error");
	payload_end(&w, &report, 1);
	tap_int((long long)w.records, 3, "writer counted three records");
	tap_int((long long)w.nerrors, 1, "writer counted one error");
}

/* --- the tests ------------------------------------------------------- */

static void
test_fields(struct json_object *root)
{
	char tmp[32], name[160];
	struct json_object *v;
	const char *have;
	size_t i;

	for (i = 0; i < sizeof(wants) / sizeof(wants[0]); i++) {
		v = at(root, wants[i].path);
		snprintf(name, sizeof(name), "%s is %s", wants[i].path,
		    wants[i].value);
		if (v == NULL || !json_object_is_type(v, wants[i].type)) {
			tap_ok(0, "%s", name);
			tap_diag("have: %s; want: a %s",
			    v ? json_type_to_name(json_object_get_type(v))
			      : "nothing",
			    json_type_to_name(wants[i].type));
			continue;
		}
		have = text_of(v, tmp, sizeof(tmp));
		tap_str(have, wants[i].value, name);
	}
}

static void
test_sizes(struct json_object *root)
{
	char name[160];
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		snprintf(name, sizeof(name), "%s holds %zu",
		    *sizes[i].path ? sizes[i].path : "the payload",
		    sizes[i].nkeys);
		tap_int((long long)size_of(at(root, sizes[i].path)),
		    (long long)sizes[i].nkeys, name);
	}
}

/* Tags come back key for key, whatever their bytes. */
static void
test_tags(struct json_object *root)
{
	struct json_object *tags = at(root, "records/0/tags"), *v;
	char name[160];
	size_t i;

	for (i = 0; i < network.c.ntags; i++) {
		snprintf(name, sizeof(name), "tag %zu comes back unchanged", i);
		if (!json_object_object_get_ex(
		        tags, network.c.tags[i].key, &v)) {
			tap_ok(0, "%s", name);
			tap_diag("have: no key; want: key %zu", i);
			continue;
		}
		tap_str(
		    json_object_get_string(v), network.c.tags[i].value, name);
	}
}

static void
test_escapes(const struct buf *text)
{
	size_t i, controls = 0, stray = 0;

	for (i = 0; i < sizeof(escapes) / sizeof(escapes[0]); i++) {
		tap_ok(strstr(text->data, escapes[i].text) != NULL, "%s",
		    escapes[i].why);
	}
	/*
	 * json-c accepts raw control bytes inside strings even when strict,
	 * so look at the bytes: the writer's own newlines stand between
	 * records only, never inside a string.
	 */
	for (i = 0; i + 1 < text->len; i++) {
		if ((unsigned char)text->data[i] >= 0x20)
			continue;
		if (text->data[i] != '\n')
			controls++;
		else if (i == 0 || !strchr("[,}", text->data[i - 1]) ||
		         !strchr("{]", text->data[i + 1]))
			stray++;
	}
	tap_int((long long)controls, 0, "no raw control byte");
	tap_int((long long)stray, 0, "raw newlines only between records");
	tap_int(
	    text->data[text->len - 1], '\n', "the payload ends in a newline");
}

/* finished_at is now, written like the other stamps. */
static void
test_finished(struct json_object *root)
{
	const char *have = json_object_get_string(at(root, "finished_at"));
	struct tm tm;
	int end = 0;

	memset(&tm, 0, sizeof(tm));
	if (have != NULL)
		sscanf(have, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &tm.tm_year,
		    &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
		    &tm.tm_sec, &end);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tap_ok(end == 20 && have[end] == '\0', "finished_at is a UTC stamp");
	tap_ok(end == 20 && timegm(&tm) >= time(NULL) - 60,
	    "finished_at is the time of writing");
}

static void
test_full(void)
{
	struct buf out = BUF_INIT;
	struct json_object *root;

	write_full(&out);
	tap_int(out.oom, 0, "no out-of-memory while writing");
	root = parse(&out);
	if (!tap_ok(root != NULL, "the payload is strict JSON"))
		tap_diag("have: %s", out.data);
	test_fields(root);
	test_sizes(root);
	test_tags(root);
	test_escapes(&out);
	test_finished(root);
	json_object_put(root);
	buf_free(&out);
}

/* Version 1.0 against 2.0, a later chunk, an empty payload. */
static void
test_versions(void)
{
	struct payload_meta meta = meta_v2;
	struct cloud_report report;
	struct payload_writer w;
	struct buf out = BUF_INIT;
	struct json_object *root;

	memset(&report, 0, sizeof(report));
	meta.with_addresses = 0;
	payload_begin(&w, &out, &meta, 7);
	payload_end(&w, &report, 0);
	root = parse(&out);
	tap_ok(root != NULL, "1.0: an empty chunk is strict JSON");
	tap_str(json_object_get_string(at(root, "version")), "1.0",
	    "1.0: version without addresses");
	tap_int((long long)size_of(at(root, "collector/capabilities")), 2,
	    "1.0: two capabilities");
	tap_ok(at(root, "collector/capabilities/2") == NULL,
	    "1.0: addresses is not a capability");
	tap_str(json_object_get_string(at(root, "collector/capabilities/1")),
	    "subnets", "1.0: networks and subnets are");
	tap_int(json_object_get_int64(at(root, "chunk/index")), 7,
	    "chunk index 7 is written");
	tap_ok(json_object_is_type(at(root, "final"), json_type_boolean) &&
	           !json_object_get_boolean(at(root, "final")),
	    "a chunk that is not the last says final false");
	tap_int((long long)size_of(at(root, "records")), 0, "no records: []");
	tap_int((long long)size_of(at(root, "errors")), 0, "no errors: []");
	tap_int((long long)size_of(at(root, "report/failures")), 0,
	    "no failures: []");
	json_object_put(root);
	buf_free(&out);
}

/* A NULL string is written as "", never as a crash or a null. */
static void
test_null_strings(void)
{
	struct cloud_subnet s = subnet;
	struct buf out = BUF_INIT;
	struct json_object *root;

	s.c.zone = NULL;
	s.c.name = NULL;
	s.network_id = NULL;
	payload_subnet(&out, &s);
	root = parse(&out);
	tap_ok(root != NULL, "one subnet written alone is strict JSON");
	tap_str(
	    json_object_get_string(at(root, "zone")), "", "NULL zone: \"\"");
	tap_str(
	    json_object_get_string(at(root, "name")), "", "NULL name: \"\"");
	tap_str(json_object_get_string(at(root, "network_id")), "",
	    "NULL network_id: \"\"");
	json_object_put(root);
	buf_free(&out);
}

/* payload_network and payload_address alone, as chunks use them. */
static void
test_alone(void)
{
	struct buf out = BUF_INIT;
	struct json_object *root;

	payload_network(&out, &network);
	root = parse(&out);
	tap_str(json_object_get_string(at(root, "cidrs/1/cidr")),
	    "2001:db8:1200::/56", "one network alone: its second CIDR");
	json_object_put(root);
	buf_reset(&out);
	payload_address(&out, &address);
	root = parse(&out);
	tap_str(json_object_get_string(at(root, "ip")), "10.0.1.10",
	    "one address alone: its ip");
	json_object_put(root);
	buf_free(&out);
}

int
main(void)
{
	test_full();
	test_versions();
	test_null_strings();
	test_alone();
	return tap_done();
}
