/*
 * Unit tests for app/cloud/gcp_json.c.
 *
 * Every JSON file under $CLOUDPAM_TESTDATA/gcp (or ../shared/testdata/gcp)
 * is either a Compute answer about networks, subnetworks, instances or
 * addresses, whose records are compared field by field with values read
 * by hand from the file, or is skipped with its reason; a file with
 * neither fails.  The cloud-custodian recordings are read from their
 * "body".  Then pagination: the regionList pair chained by nextPageToken,
 * and real answers served again page by page, whose records together must
 * equal the whole answer's.  Then refused input and per-record errors,
 * table-driven.
 *
 * A record is written as one line, "|" between fields:
 *   N|account|region|zone|external_id|name|state|tags|cidrs
 *   S|account|region|zone|external_id|name|state|tags|network_id|cidrs
 *   A|account|region|zone|external_id|name|state|tags|ip|is_public|
 *     is_primary|network_id|subnet_id|interface_id|attached_to|
 *     allocation_id
 *   E|kind|resource|message                            (sink->on_error)
 * tags are "key=value" joined by ","; cidrs are joined by " ", a
 * secondary one written "cidr~name".
 */
#include "cloud/gcp_json.h"

#include <dirent.h>
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
#define PAGES_MAX 32

/* Sink that writes each record as a line. */
struct log {
	struct buf text;
	size_t records;
	size_t errors;
	int refuse_errors; /* on_error answers -1 */
	int fail_subnets;  /* on_subnet answers -1 */
};

static struct arena *arena;
static const char *gcp_dir;
static size_t total_answers, total_records, total_errors;

static void
common_put(struct buf *b, char type, const struct cloud_common *c,
    enum cloud_kind kind)
{
	size_t i;

	buf_printf(b, "%c|%s|%s|%s|%s|%s|%s|", type, c->account, c->region,
	    c->zone, c->external_id, c->name, c->state);
	for (i = 0; i < c->ntags; i++)
		buf_printf(b, "%s%s=%s", i ? "," : "", c->tags[i].key,
		    c->tags[i].value);
	buf_putc(b, '|');
	if (c->provider != CLOUD_GCP || c->kind != kind)
		buf_puts(b, "(wrong provider or kind)");
}

static void
cidrs_put(struct buf *b, const struct cloud_cidr *cidrs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		buf_printf(b, "%s%s", i ? " " : "", cidrs[i].cidr);
		if (cidrs[i].secondary)
			buf_printf(b, "~%s", cidrs[i].name);
		if (*cidrs[i].state != '\0')
			buf_puts(b, "(state)");
	}
	buf_putc(b, '\n');
}

static int
log_network(void *ctx, const struct cloud_network *n, struct err *err)
{
	struct log *log = ctx;

	(void)err;
	common_put(&log->text, 'N', &n->c, CLOUD_NETWORK);
	cidrs_put(&log->text, n->cidrs, n->ncidrs);
	log->records++;
	return 0;
}

static int
log_subnet(void *ctx, const struct cloud_subnet *s, struct err *err)
{
	struct log *log = ctx;

	if (log->fail_subnets)
		return err_set(err, 507, "sink_full", "no room for subnets");
	common_put(&log->text, 'S', &s->c, CLOUD_SUBNET);
	buf_printf(&log->text, "%s|", s->network_id);
	cidrs_put(&log->text, s->cidrs, s->ncidrs);
	log->records++;
	return 0;
}

static int
log_address(void *ctx, const struct cloud_address *a, struct err *err)
{
	struct log *log = ctx;

	(void)err;
	common_put(&log->text, 'A', &a->c, CLOUD_ADDRESS);
	buf_printf(&log->text, "%s|%d|%d|%s|%s|%s|%s|%s\n", a->ip, a->is_public,
	    a->is_primary, a->network_id, a->subnet_id, a->interface_id,
	    a->attached_to, a->allocation_id);
	log->records++;
	return 0;
}

static int
log_error(
    void *ctx, enum cloud_kind kind, const char *resource, const char *message)
{
	static const char *const kinds[CLOUD_KIND__MAX] = {
		"network", /* CLOUD_NETWORK */
		"subnet",  /* CLOUD_SUBNET */
		"address", /* CLOUD_ADDRESS */
	};
	struct log *log = ctx;

	buf_printf(&log->text, "E|%s|%s|%s\n", kinds[kind], resource, message);
	log->errors++;
	return log->refuse_errors ? -1 : 0;
}

static void
log_init(struct log *log, struct cloud_sink *sink)
{
	memset(log, 0, sizeof(*log));
	buf_init(&log->text);
	sink->ctx = log;
	sink->on_network = log_network;
	sink->on_subnet = log_subnet;
	sink->on_address = log_address;
	sink->on_error = log_error;
}

/* The name of field i of a record line of this type. */
static const char *
field_name(char type, size_t i)
{
	static const char *const common[] = { "type", "account", "region",
		"zone", "external_id", "name", "state", "tags" };
	static const char *const network[] = { "cidrs" };
	static const char *const subnet[] = { "network_id", "cidrs" };
	static const char *const address[] = { "ip", "is_public", "is_primary",
		"network_id", "subnet_id", "interface_id", "attached_to",
		"allocation_id" };
	static const char *const error[] = { "type", "kind", "resource",
		"message" };

	if (type == 'E')
		return i < 4 ? error[i] : "extra";
	if (i < 8)
		return common[i];
	i -= 8;
	if (type == 'N' && i < 1)
		return network[i];
	if (type == 'S' && i < 2)
		return subnet[i];
	if (type == 'A' && i < 8)
		return address[i];
	return "extra";
}

/* Compare one line; on a difference name the first field that differs. */
static void
line_check(
    const char *have, size_t have_len, const char *want, const char *name)
{
	size_t i = 0, field = 0;
	int pass = have != NULL && want != NULL && strlen(want) == have_len &&
	           memcmp(have, want, have_len) == 0;

	tap_ok(pass, "%s", name);
	if (pass)
		return;
	if (have != NULL && want != NULL) {
		for (; i < have_len && want[i] != '\0' && have[i] == want[i];
		     i++)
			field += have[i] == '|';
		tap_diag("first difference in field %s, at byte %zu",
		    field_name(want[0], field), i);
	}
	tap_diag(
	    "have: %.*s", have ? (int)have_len : 6, have ? have : "(none)");
	tap_diag("want: %s", want ? want : "(none)");
}

/* Every line of text against want[], in order. */
static void
lines_check(const char *name, const char *text, const char *const *want)
{
	const char *line = text, *end;
	char label[256];
	size_t i = 0;

	for (; *line != '\0'; line = end + 1, i++) {
		end = strchr(line, '\n');
		snprintf(label, sizeof(label), "%s: line %zu (%.40s)", name,
		    i + 1, want[i] != NULL ? want[i] : line);
		line_check(line, (size_t)(end - line), want[i], label);
		if (want[i] == NULL)
			return;
	}
	for (; want[i] != NULL; i++) {
		snprintf(label, sizeof(label), "%s: line %zu (%.40s)", name,
		    i + 1, want[i]);
		line_check(NULL, 0, want[i], label);
	}
}

static char *
file_read(const char *path, size_t *len)
{
	struct stat st;
	FILE *f;
	char *text = NULL;
	size_t n = 0;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	if (fstat(fileno(f), &st) == 0 && st.st_size >= 0 &&
	    st.st_size <= FILE_MAX &&
	    (text = arena_alloc(arena, (size_t)st.st_size + 1)) != NULL)
		n = fread(text, 1, (size_t)st.st_size, f);
	fclose(f);
	if (text == NULL || n != (size_t)st.st_size)
		return NULL;
	text[n] = '\0';
	*len = n;
	return text;
}

/*
 * The answer in a file: the file itself, or the "body" of a
 * cloud-custodian recording {"headers": ..., "body": ...}.
 */
static char *
answer_read(const char *path, size_t *len)
{
	struct json_object *root, *headers, *body;
	char *text = file_read(path, len);

	if (text == NULL || (root = json_tokener_parse(text)) == NULL)
		return text;
	if (json_object_object_get_ex(root, "headers", &headers) &&
	    json_object_object_get_ex(root, "body", &body)) {
		text = arena_strdup(arena, json_object_to_json_string_ext(
		                               body, JSON_C_TO_STRING_PLAIN));
		*len = text != NULL ? strlen(text) : 0;
	}
	json_object_put(root);
	return text;
}

/* Test JSON is written with ' for " to stay readable. */
static const char *
dequote(const char *s)
{
	char *t = arena_strdup(arena, s), *p;

	for (p = t; *p != '\0'; p++)
		if (*p == '\'')
			*p = '"';
	return t;
}

/* --- the answers in testdata/gcp, read by hand ------------------------ */

#define LC "project_name"
#define CC "cloud-custodian"
#define NETWORK(p, name, cidrs)                                                \
	"N|" p "|global||projects/" p "/global/networks/" name "|" name        \
	"|||" cidrs
#define SUBNET(p, region, name, state, network, cidrs)                         \
	"S|" p "|" region "||projects/" p "/regions/" region                   \
	"/subnetworks/" name "|" name "|" state "||projects/" p                \
	"/global/networks/" network "|" cidrs
#define ADDRESS(p, region, scope, name, state, tags, ip)                       \
	"A|" p "|" region "||projects/" p "/" scope "/addresses/" name         \
	"|" name "|" state "|" tags "|" ip "|1|0|||||projects/" p "/" scope    \
	"/addresses/" name
#define SUBNET_ID(p, region, name)                                             \
	"projects/" p "/regions/" region "/subnetworks/" name
#define INSTANCE(                                                              \
    p, region, zone, vm, state, tags, role, ip, pub, prim, network, subnet)    \
	"A|" p "|" region "|" zone "|projects/" p "/zones/" zone               \
	"/instances/" vm "/networkInterfaces/nic0/" role "|" vm "|" state      \
	"|" tags "|" ip "|" pub "|" prim "|projects/" p                        \
	"/global/networks/" network "|" subnet "|projects/" p "/zones/" zone   \
	"/instances/" vm "/networkInterfaces/nic0|projects/" p "/zones/" zone  \
	"/instances/" vm "|"
#define LC_VM(zone, region, vm, state, ip, nat)                                \
	INSTANCE(LC, region, zone, vm, state, "", "networkIP", ip, "0", "1",   \
	    "default", ""),                                                    \
	    INSTANCE(LC, region, zone, vm, state, "", "accessConfigs/0", nat,  \
	        "1", "0", "default", "")

static const char *const lc_aggregated_addresses[] = {
	ADDRESS(LC, "europe-west1", "regions/europe-west1",
	    "libcloud-demo-europe-address", "RESERVED", "", "192.158.29.247"),
	ADDRESS(LC, "us-central1", "regions/us-central1", "lcaddress",
	    "RESERVED", "", "173.255.113.20"),
	ADDRESS(LC, "us-central1", "regions/us-central1",
	    "libcloud-demo-address", "RESERVED", "", "108.59.82.4"),
	ADDRESS(LC, "us-central1", "regions/us-central1", "testaddress",
	    "RESERVED", "", "173.255.114.104"),
	ADDRESS(LC, "global", "global", "lcaddressglobal", "RESERVED", "",
	    "173.99.99.99"),
	NULL
};

static const char *const lc_aggregated_instances[] = {
	LC_VM("europe-west1-a", "europe-west1",
	    "libcloud-demo-europe-multiple-nodes-000", "RUNNING",
	    "10.240.122.85", "192.158.28.252"),
	LC_VM("europe-west1-a", "europe-west1",
	    "libcloud-demo-europe-persist-node", "RUNNING", "10.240.240.204",
	    "23.251.128.32"),
	LC_VM("europe-west1-a", "europe-west1", "libcloud-demo-europe-np-node",
	    "RUNNING", "10.240.221.125", "23.251.128.10"),
	LC_VM("us-central1-a", "us-central1", "node-name", "RUNNING",
	    "10.240.72.75", "23.236.58.15"),
	LC_VM("us-central2-a", "us-central2", "libcloud-demo-persist-node",
	    "RUNNING", "10.240.235.148", "173.255.120.70"),
	LC_VM("us-central2-a", "us-central2", "libcloud-demo-np-node",
	    "RUNNING", "10.240.45.206", "173.255.120.58"),
	LC_VM("us-central2-a", "us-central2",
	    "libcloud-demo-multiple-nodes-000", "RUNNING", "10.240.218.251",
	    "173.255.120.211"),
	LC_VM("us-central2-a", "us-central2",
	    "libcloud-demo-multiple-nodes-001", "SUSPENDED", "10.240.24.29",
	    "173.255.120.207"),
	NULL
};

static const char *const lc_aggregated_subnetworks[] = {
	SUBNET(LC, "us-central1", "cf-972cf02e6ad49112", "", "cf",
	    "10.128.0.0/20"),
	SUBNET(LC, "europe-west1", "cf-df1837b06a6f927b", "", "cf",
	    "10.132.0.0/20"),
	SUBNET(
	    LC, "asia-east1", "cf-4c2da366a0381eb9", "", "cf", "10.140.0.0/20"),
	SUBNET(
	    LC, "us-east1", "cf-daf1e2124a902a47", "", "cf", "10.142.0.0/20"),
	NULL
};

static const char *const lc_global_addresses[] = {
	ADDRESS(LC, "global", "global", "lcaddressglobal", "RESERVED", "",
	    "173.99.99.99"),
	NULL
};

/* The legacy network keeps its IPv4Range (testdata/gcp/README.md). */
static const char *const lc_global_networks[] = { NETWORK(LC, "cf", ""),
	NETWORK(LC, "custom", ""), NETWORK(LC, "default", "10.240.0.0/16"),
	NULL };

static const char *const lc_custom_network[] = {
	NETWORK(LC, "custom-network", ""), NULL
};

static const char *const lc_default_network[] = {
	NETWORK(LC, "default", "10.240.0.0/16"), NULL
};

static const char *const lc_region_addresses[] = {
	ADDRESS(LC, "us-central1", "regions/us-central1",
	    "libcloud-demo-address", "RESERVED", "", "108.59.82.4"),
	ADDRESS(LC, "us-central1", "regions/us-central1", "testaddress",
	    "RESERVED", "", "173.255.114.104"),
	NULL
};

static const char *const lc_region_subnetworks[] = {
	SUBNET(LC, "us-central1", "cf-972cf02e6ad49112", "", "cf",
	    "10.128.0.0/20"),
	NULL
};

/* libcloud's mock carries an operation's "status": "DONE". */
static const char *const lc_subnetwork[] = {
	SUBNET(LC, "us-central1", "cf-972cf02e6ad49112", "DONE", "cf",
	    "10.128.0.0/20 192.168.168.0/24~secondary"),
	NULL
};

static const char *const lc_zone_instances[] = {
	LC_VM("us-central1-a", "us-central1", "node-name", "RUNNING",
	    "10.240.72.75", "23.236.58.15"),
	NULL
};

/* Stopped instances keep an access config without natIP: no address. */
static const char *const cc_instance_query[] = {
	INSTANCE(CC, "us-east1", "us-east1-b", "custodian-dev", "TERMINATED",
	    "", "networkIP", "10.142.0.3", "0", "1", "default",
	    SUBNET_ID(CC, "us-east1", "default-07bf749b4b0e8db2")),
	INSTANCE(CC, "us-central1", "us-central1-b", "c7n-jenkins", "RUNNING",
	    "", "networkIP", "10.128.0.3", "0", "1", "default",
	    SUBNET_ID(CC, "us-central1", "default-48aec19374439812")),
	INSTANCE(CC, "us-central1", "us-central1-b", "c7n-jenkins", "RUNNING",
	    "", "accessConfigs/0", "104.154.233.11", "1", "0", "default",
	    SUBNET_ID(CC, "us-central1", "default-48aec19374439812")),
	INSTANCE(CC, "us-central1", "us-central1-b", "drone", "TERMINATED", "",
	    "networkIP", "10.128.0.2", "0", "1", "default",
	    SUBNET_ID(CC, "us-central1", "default-48aec19374439812")),
	INSTANCE(CC, "us-east1", "us-east1-d", "custodian", "RUNNING",
	    "http-server=,https-server=,ci=,drone=,custodian=", "networkIP",
	    "10.142.0.2", "0", "1", "default",
	    SUBNET_ID(CC, "us-east1", "default-07bf749b4b0e8db2")),
	INSTANCE(CC, "us-east1", "us-east1-d", "custodian", "RUNNING",
	    "http-server=,https-server=,ci=,drone=,custodian=",
	    "accessConfigs/0", "104.196.149.1", "1", "0", "default",
	    SUBNET_ID(CC, "us-east1", "default-07bf749b4b0e8db2")),
	NULL
};

/* 132 zone scopes, 131 of them NO_RESULTS_ON_PAGE warnings. */
static const char *const cc_instance_set_metadata[] = {
	INSTANCE(CC, "us-central1", "us-central1-a", "distinct-lab", "RUNNING",
	    "goog-terraform-provisioned=true", "networkIP", "10.2.0.2", "0",
	    "1", "distinct-lab-vpc",
	    SUBNET_ID(CC, "us-central1", "distinct-lab-subnet")),
	INSTANCE(CC, "us-central1", "us-central1-a", "distinct-lab", "RUNNING",
	    "goog-terraform-provisioned=true", "accessConfigs/0",
	    "34.136.100.111", "1", "0", "distinct-lab-vpc",
	    SUBNET_ID(CC, "us-central1", "distinct-lab-subnet")),
	NULL
};

/* redis-ip-range is 10.96.0.0 with prefixLength 16: a range. */
static const char *const cc_aggregated_addresses[] = {
	"E|address|projects/" CC "/global/addresses/redis-ip-range|address is "
	"the range 10.96.0.0/16 (prefixLength 16, purpose VPC_PEERING), not "
	"one address",
	ADDRESS(CC, "us-central1", "regions/us-central1",
	    "c7n-address-default-59ea", "RESERVED",
	    "goog-terraform-provisioned=true,env=default", "34.10.205.126"),
	ADDRESS(CC, "us-central1", "regions/us-central1",
	    "c7n-lb-ext-bad-calebsyring-35ba", "RESERVED",
	    "goog-terraform-provisioned=true", "34.173.102.127"),
	NULL
};

static const char *const cc_default_network[] = { NETWORK(CC, "default", ""),
	NULL };

static const char *const cc_subnetwork[] = {
	SUBNET(CC, "us-central1", "default", "", "default",
	    "10.128.0.0/20 10.0.0.0/20~gke-dev-services-c80c41a4 "
	    "10.52.0.0/14~gke-dev-pods-c80c41a4"),
	NULL
};

static const char *const cc_aggregated_subnetworks[] = {
	SUBNET(CC, "us-west2", "default", "", "default", "10.168.0.0/20"),
	SUBNET(
	    CC, "asia-northeast1", "default", "", "default", "10.146.0.0/20"),
	SUBNET(CC, "us-west1", "default", "", "default", "10.138.0.0/20"),
	SUBNET(CC, "southamerica-east1", "default", "", "default",
	    "10.158.0.0/20"),
	SUBNET(CC, "europe-west4", "default", "", "default", "10.164.0.0/20"),
	SUBNET(CC, "asia-east1", "default", "", "default", "10.140.0.0/20"),
	SUBNET(CC, "europe-north1", "default", "", "default", "10.166.0.0/20"),
	SUBNET(
	    CC, "asia-southeast1", "default", "", "default", "10.148.0.0/20"),
	SUBNET(CC, "us-east4", "default", "", "default", "10.150.0.0/20"),
	SUBNET(CC, "europe-west1", "default", "", "default", "10.132.0.0/20"),
	SUBNET(CC, "europe-west2", "default", "", "default", "10.154.0.0/20"),
	SUBNET(CC, "europe-west3", "default", "", "default", "10.156.0.0/20"),
	SUBNET(CC, "australia-southeast1", "default", "", "default",
	    "10.152.0.0/20"),
	SUBNET(CC, "asia-south1", "default", "", "default", "10.160.0.0/20"),
	SUBNET(CC, "us-east1", "default", "", "default", "10.142.0.0/20"),
	SUBNET(CC, "us-central1", "default", "", "default",
	    "10.128.0.0/20 10.0.0.0/20~gke-dev-services-c80c41a4 "
	    "10.52.0.0/14~gke-dev-pods-c80c41a4"),
	SUBNET(CC, "asia-east2", "default", "", "default", "10.170.0.0/20"),
	SUBNET(CC, "northamerica-northeast1", "default", "", "default",
	    "10.162.0.0/20"),
	NULL
};

static const char *const cc_global_networks[] = { NETWORK(
	                                              CC, "custodian-test", ""),
	NETWORK(CC, "default", ""), NETWORK(CC, "kseoji", ""), NULL };

#define CC_FLIGHT(test, file) "cloud-custodian/" test "__get-compute-v1-" file

static const struct answer {
	const char *file; /* under gcp/ */
	enum gcp_resource resource;
	const char *project;
	const char *const *want;
} answers[] = {
	{ "libcloud/aggregated_addresses.json", GCP_ADDRESSES, LC,
	    lc_aggregated_addresses },
	{ "libcloud/aggregated_instances.json", GCP_INSTANCES, LC,
	    lc_aggregated_instances },
	{ "libcloud/aggregated_subnetworks.json", GCP_SUBNETWORKS, LC,
	    lc_aggregated_subnetworks },
	{ "libcloud/global_addresses.json", GCP_ADDRESSES, LC,
	    lc_global_addresses },
	{ "libcloud/global_networks.json", GCP_NETWORKS, LC,
	    lc_global_networks },
	{ "libcloud/global_networks_custom_network.json", GCP_NETWORKS, LC,
	    lc_custom_network },
	{ "libcloud/global_networks_default.json", GCP_NETWORKS, LC,
	    lc_default_network },
	{ "libcloud/regions_us-central1_addresses.json", GCP_ADDRESSES, LC,
	    lc_region_addresses },
	{ "libcloud/regions_us-central1_subnetworks.json", GCP_SUBNETWORKS, LC,
	    lc_region_subnetworks },
	{ "libcloud/regions_us-central1_subnetworks_cf_972cf02e6ad49112.json",
	    GCP_SUBNETWORKS, LC, lc_subnetwork },
	{ "libcloud/zones_us-central1-a_instances.json", GCP_INSTANCES, LC,
	    lc_zone_instances },
	{ CC_FLIGHT("instance-query",
	      "projects-cloud-custodian-aggregated-instances_1.json"),
	    GCP_INSTANCES, CC, cc_instance_query },
	{ CC_FLIGHT("instance-set-metadata",
	      "projects-cloud-custodian-aggregated-instances_1.json"),
	    GCP_INSTANCES, CC, cc_instance_set_metadata },
	{ CC_FLIGHT("loadbalancer-address-labels",
	      "projects-cloud-custodian-aggregated-addresses_1.json"),
	    GCP_ADDRESSES, CC, cc_aggregated_addresses },
	{ CC_FLIGHT("network-get-resource",
	      "projects-cloud-custodian-global-networks-default_1.json"),
	    GCP_NETWORKS, CC, cc_default_network },
	{ CC_FLIGHT("subnet-get-resource",
	      "projects-cloud-custodian-regions-us-central1-subnetworks-"
	      "default_1.json"),
	    GCP_SUBNETWORKS, CC, cc_subnetwork },
	{ CC_FLIGHT("subnet-set-flow",
	      "projects-cloud-custodian-aggregated-subnetworks_1.json"),
	    GCP_SUBNETWORKS, CC, cc_aggregated_subnetworks },
	{ CC_FLIGHT("test_vpc_firewall_filter_query",
	      "projects-cloud-custodian-global-networks_1.json"),
	    GCP_NETWORKS, CC, cc_global_networks },
};

static const struct {
	const char *file;
	const char *reason;
} skips[] = {
	{ "libcloud/regions-paged-1.json",
	    "compute#regionList, no network, subnet or address: read by the "
	    "pagination test" },
	{ "libcloud/regions-paged-2.json",
	    "compute#regionList, no network, subnet or address: read by the "
	    "pagination test" },
};

static int
answer_run(const struct answer *a, const char *text, size_t len,
    struct log *log, char **next, struct err *err)
{
	struct cloud_sink sink;

	log_init(log, &sink);
	return gcp_parse(
	    a->resource, text, len, a->project, &sink, arena, next, err);
}

static void
answer_check(const struct answer *a)
{
	struct log log;
	struct err err = ERR_INIT;
	char *path, *text, *next;
	size_t len;
	int rc;

	path = arena_printf(arena, "%s/%s", gcp_dir, a->file);
	if (!tap_ok(
	        (text = answer_read(path, &len)) != NULL, "%s: read", a->file))
		return;
	rc = answer_run(a, text, len, &log, &next, &err);
	if (!tap_ok(rc == 0, "%s: parsed as %s", a->file,
	        gcp_resource_names[a->resource]))
		tap_diag("have: %s %s", err.code, err.message);
	tap_str(next, NULL,
	    arena_printf(arena, "%s: last page, no nextPageToken", a->file));
	lines_check(a->file, log.text.data ? log.text.data : "", a->want);
	total_answers++;
	total_records += log.records;
	total_errors += log.errors;
	buf_free(&log.text);
}

static int
name_compare(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* Each JSON file in dir is an answer with expectations or a skip. */
static void
dir_walk(const char *dir, int *seen)
{
	struct dirent **names;
	const char *file, *dot;
	size_t i, j;
	int n, k, found;

	n = scandir(arena_printf(arena, "%s/%s", gcp_dir, dir), &names, NULL,
	    name_compare);
	if (!tap_ok(n > 0, "gcp/%s: listed", dir))
		return;
	for (k = 0; k < n; k++) {
		file = arena_printf(arena, "%s/%s", dir, names[k]->d_name);
		free(names[k]);
		dot = strrchr(file, '.');
		if (dot == NULL || strcmp(dot, ".json") != 0)
			continue;
		found = 0;
		for (i = 0; i < sizeof(answers) / sizeof(answers[0]); i++)
			if (strcmp(answers[i].file, file) == 0) {
				answer_check(&answers[i]);
				seen[i] = found = 1;
			}
		for (j = 0; j < sizeof(skips) / sizeof(skips[0]); j++)
			if (strcmp(skips[j].file, file) == 0) {
				tap_ok(
				    1, "%s # skip %s", file, skips[j].reason);
				found = 1;
			}
		tap_ok(
		    found, "%s: an answer with expectations, or skipped", file);
	}
	free(names);
}

static void
test_testdata(void)
{
	int seen[sizeof(answers) / sizeof(answers[0])] = { 0 };
	size_t i;

	dir_walk("libcloud", seen);
	dir_walk("cloud-custodian", seen);
	for (i = 0; i < sizeof(answers) / sizeof(answers[0]); i++)
		if (!seen[i])
			tap_ok(0, "%s: found in testdata", answers[i].file);
	tap_int((long long)total_answers, 18, "answers read");
	printf(
	    "# gcp: %zu answers, %zu records\n", total_answers, total_records);
	printf(
	    "# gcp: %zu per-record errors (a reserved range)\n", total_errors);
}

/* --- pagination --------------------------------------------------------- */

#define REGIONS_TOKEN                                                          \
	"CjQIz5W-"                                                             \
	"w6HRxAI6KQoCGAEKAiAACgIYAQoCIAAKAhgTCg4qDGV1cm9wZS13ZXN0MQoDIMwI"

/* The names of a page's items, appended to names with a space after each. */
static void
region_names(const char *text, struct buf *names)
{
	struct json_object *root = json_tokener_parse(text), *items, *name;
	size_t i;

	if (json_object_object_get_ex(root, "items", &items))
		for (i = 0; i < json_object_array_length(items); i++)
			if (json_object_object_get_ex(
			        json_object_array_get_idx(items, i), "name",
			        &name))
				buf_printf(
				    names, "%s ", json_object_get_string(name));
	json_object_put(root);
}

/*
 * Serve regions-paged-*.json as the README says: page 1 without a token,
 * page 2 for page 1's token; follow the tokens to the end.
 */
static void
test_regions_paged(void)
{
	struct buf names = BUF_INIT;
	struct err err = ERR_INIT;
	char *token = NULL, *text = NULL;
	const char *file;
	size_t len = 0;
	int pages = 0, rc = -1;
	struct log log;
	struct answer as_networks = { "", GCP_NETWORKS, LC, NULL };

	do {
		file = token == NULL ? "regions-paged-1.json"
		       : strcmp(token, REGIONS_TOKEN) == 0
		           ? "regions-paged-2.json"
		           : NULL;
		if (!tap_ok(file != NULL, "regions: page %d served", pages + 1))
			break;
		text = answer_read(
		    arena_printf(arena, "%s/libcloud/%s", gcp_dir, file), &len);
		rc = gcp_page_token(text, len, arena, &token, &err);
		tap_ok(rc == 0, "regions: %s read for its token", file);
		tap_str(token, pages == 0 ? REGIONS_TOKEN : NULL,
		    pages == 0 ? "regions: page 1's nextPageToken"
		               : "regions: page 2 is the last");
		region_names(text, &names);
	} while (++pages < PAGES_MAX && rc == 0 && token != NULL);
	tap_int(pages, 2, "regions: two pages");
	tap_str(names.data, "asia-east1 europe-west1 us-central1 ",
	    "regions: all pages together hold the three regions");
	buf_free(&names);
	if (text == NULL)
		return;
	rc = answer_run(&as_networks, text, len, &log, &token, &err);
	tap_ok(rc == -1 && strcmp(err.code, "unexpected_answer") == 0,
	    "regions: a regionList is no networks answer");
	tap_str(err.message,
	    "expected an answer about networks, got compute#regionList",
	    "regions: the refusal names what came");
	buf_free(&log.text);
}

/* Page index of a "page-N" token; page 0 when there is none. */
static int
page_of(const char *token)
{
	int n;

	if (token == NULL)
		return 0;
	return sscanf(token, "page-%d", &n) == 1 && n > 0 ? n : -1;
}

/*
 * Page number page of whole: per items (list) or scopes
 * (aggregatedList) each, with "nextPageToken": "page-<page + 1>" unless
 * it is the last.  The JSON text is valid until the next call.
 */
static const char *
page_make(struct json_object *whole, int page, size_t per, struct buf *out)
{
	struct json_object *items, *kind, *part,
	    *copy = json_object_new_object();
	struct json_object_iterator it, end;
	size_t i = 0, first = (size_t)page * per, n;

	json_object_object_get_ex(whole, "kind", &kind);
	json_object_object_add(copy, "kind", json_object_get(kind));
	json_object_object_get_ex(whole, "items", &items);
	if (json_object_is_type(items, json_type_array)) {
		part = json_object_new_array();
		n = json_object_array_length(items);
		for (i = first; i < n && i < first + per; i++)
			json_object_array_add(
			    part, json_object_get(
			              json_object_array_get_idx(items, i)));
	} else {
		part = json_object_new_object();
		n = (size_t)json_object_object_length(items);
		it = json_object_iter_begin(items);
		end = json_object_iter_end(items);
		for (; !json_object_iter_equal(&it, &end);
		     json_object_iter_next(&it), i++)
			if (i >= first && i < first + per)
				json_object_object_add(part,
				    json_object_iter_peek_name(&it),
				    json_object_get(
				        json_object_iter_peek_value(&it)));
	}
	json_object_object_add(copy, "items", part);
	if (first + per < n)
		json_object_object_add(copy, "nextPageToken",
		    json_object_new_string(
		        arena_printf(arena, "page-%d", page + 1)));
	buf_reset(out);
	buf_puts(out, json_object_to_json_string_ext(copy, 0));
	json_object_put(copy);
	return out->data;
}

/* Serve a testdata answer per items a page; records must add up. */
static void
paged_check(const struct answer *a, size_t per, int want_pages)
{
	struct json_object *whole = NULL;
	struct buf page = BUF_INIT, all = BUF_INIT;
	struct log log;
	struct err err = ERR_INIT;
	char *token = NULL, *text;
	size_t len;
	int pages = 0, index, rc = 0;

	text =
	    answer_read(arena_printf(arena, "%s/%s", gcp_dir, a->file), &len);
	if (!tap_ok(text != NULL && (whole = json_tokener_parse(text)) != NULL,
	        "paged %s: read", a->file))
		return;
	while (pages < PAGES_MAX && (index = page_of(token)) >= 0) {
		page_make(whole, index, per, &page);
		rc = answer_run(a, page.data, page.len, &log, &token, &err);
		buf_puts(&all, log.text.data ? log.text.data : "");
		buf_free(&log.text);
		pages++;
		if (rc == -1 || token == NULL)
			break;
	}
	tap_ok(rc == 0, "paged %s: every page parsed", a->file);
	tap_int(pages, want_pages,
	    arena_printf(arena, "paged %s: pages followed", a->file));
	lines_check(arena_printf(arena, "paged %s", a->file),
	    all.data ? all.data : "", a->want);
	json_object_put(whole);
	buf_free(&page);
	buf_free(&all);
}

static void
test_pagination(void)
{
	test_regions_paged();
	paged_check(&answers[4], 1, 3);   /* global_networks: list */
	paged_check(&answers[16], 5, 4);  /* 18 region scopes */
	paged_check(&answers[12], 40, 4); /* 132 zone scopes, 1 instance */
	paged_check(&answers[13], 10, 5); /* 44 scopes, the range error */
}

/* --- refused input and per-record errors ------------------------------- */

#define SL "https://www.googleapis.com/compute/v1/projects/p/"
#define SUBNET_ITEM(cidr, more)                                                \
	"{'kind':'compute#subnetwork','name':'s','selfLink':'" SL              \
	"regions/r1/subnetworks/s','network':'" SL                             \
	"global/networks/n','ipCidrRange':'" cidr "'" more "}"
#define S_ERROR "E|subnet|projects/p/regions/r1/subnetworks/s|"
#define VM "projects/p/zones/us-east1-b/instances/vm"
#define VM_ADDRESS(nic, role, ip, pub, prim)                                   \
	"A|p|us-east1|us-east1-b|" VM "/networkInterfaces/" nic "/" role       \
	"|vm|RUNNING|env=prod|" ip "|" pub "|" prim                            \
	"|projects/p/global/networks/n||" VM "/networkInterfaces/" nic "|" VM  \
	"|"

static const struct {
	const char *name;
	enum gcp_resource resource;
	const char *project;
	const char *json; /* ' stands for " */
	int rc;
	const char *code; /* of err when rc is -1 */
	const char *next;
	const char *const *want;
} cases[] = {
	{ "empty list: no items at all", GCP_SUBNETWORKS, "p",
	    "{'kind':'compute#subnetworkList','nextPageToken':''}", 0, "", NULL,
	    (const char *const[]){ NULL } },
	{ "a list whose text ends in a newline, with a token", GCP_NETWORKS,
	    "p",
	    "{'kind':'compute#networkList','items':[],'nextPageToken':'t2'}"
	    "\r\n",
	    0, "", "t2", (const char *const[]){ NULL } },
	{ "host bits set in ipCidrRange", GCP_SUBNETWORKS, "p",
	    SUBNET_ITEM("10.0.0.1/24", ""), 0, "", NULL,
	    (const char *const[]){ S_ERROR
	        "ipCidrRange 10.0.0.1/24 has host "
	        "bits set (the network is 10.0.0.0/24)",
	        NULL } },
	{ "an IPv4 /64", GCP_SUBNETWORKS, "p", SUBNET_ITEM("10.0.0.0/64", ""),
	    0, "", NULL,
	    (const char *const[]){ S_ERROR "ipCidrRange: invalid CIDR "
	                                   "\"10.0.0.0/64\": prefix length 64 "
	                                   "exceeds 32",
	        NULL } },
	{ "host bits set in a secondary range", GCP_SUBNETWORKS, "p",
	    SUBNET_ITEM("10.0.0.0/24",
	        ",'secondaryIpRanges':[{'rangeName':'pods',"
	        "'ipCidrRange':'10.4.0.0/13'}]"),
	    0, "", NULL,
	    (const char *const[]){ S_ERROR "secondaryIpRanges[0] 10.4.0.0/13 "
	                                   "has host bits set (the network is "
	                                   "10.0.0.0/13)",
	        NULL } },
	{ "dual stack: IPv6 range given twice is kept once", GCP_SUBNETWORKS,
	    "p",
	    SUBNET_ITEM("10.1.0.0/24",
	        ",'state':'READY','ipv6CidrRange':'2600:1900:4000:0001::/64',"
	        "'externalIpv6Prefix':'2600:1900:4000:1::/64',"
	        "'secondaryIpRanges':[{'rangeName':'b','ipCidrRange':"
	        "'10.8.0.0/16'}],'labels':{}"),
	    0, "", NULL,
	    (const char *const[]){
	        "S|p|r1||projects/p/regions/r1/subnetworks/s|s|READY||"
	        "projects/p/global/networks/n|10.1.0.0/24 10.8.0.0/16~b "
	        "2600:1900:4000:1::/64",
	        NULL } },
	{ "scopes: empty, unreachable, and an unreachables list",
	    GCP_SUBNETWORKS, "p",
	    "{'kind':'compute#subnetworkAggregatedList','selfLink':'" SL
	    "aggregated/subnetworks','items':{'regions/a':{'warning':{'code':"
	    "'NO_RESULTS_ON_PAGE','message':'none'}},'regions/b':{'warning':"
	    "{'code':'UNREACHABLE','message':'down\\nretry'}},'regions/c':5},"
	    "'unreachables':['regions/d']}",
	    0, "", NULL,
	    (const char *const[]){ "E|subnet|regions/d|unreachable: this "
	                           "scope's subnetworks are missing from "
	                           "the answer",
	        "E|subnet|regions/b|warning UNREACHABLE: down?retry",
	        "E|subnet|regions/c|scope is not an object", NULL } },
	{ "instance: a bad networkIP, then the rest of its addresses",
	    GCP_INSTANCES, "p",
	    "{'kind':'compute#instanceList','items':[{'kind':'compute#instance'"
	    ","
	    "'name':'vm','status':'RUNNING','labels':{'env':'prod'},"
	    "'selfLink':'" SL "zones/us-east1-b/instances/vm',"
	    "'networkInterfaces':[{'name':'nic0','network':'" SL
	    "global/networks/n','networkIP':'10.0.0.300','ipv6Address':"
	    "'2600:1900:0:0:0:0:0:1','accessConfigs':[{'natIP':'34.1.2.3'},"
	    "{'type':'ONE_TO_ONE_NAT'}],'ipv6AccessConfigs':[{'externalIpv6':"
	    "'2600:1901::5'}]},{'network':'" SL "global/networks/n',"
	    "'networkIP':'192.168.0.2'}]}]}",
	    0, "", NULL,
	    (const char *const[]){ "E|address|" VM "/networkInterfaces/nic0/"
	                           "networkIP|networkIP: invalid IP address "
	                           "\"10.0.0.300\": octet 4 exceeds 255",
	        VM_ADDRESS("nic0", "ipv6Address", "2600:1900::1", "0", "0"),
	        VM_ADDRESS("nic0", "accessConfigs/0", "34.1.2.3", "1", "0"),
	        VM_ADDRESS(
	            "nic0", "ipv6AccessConfigs/0", "2600:1901::5", "1", "0"),
	        VM_ADDRESS("nic1", "networkIP", "192.168.0.2", "0", "1"),
	        NULL } },
	{ "an internal address in use", GCP_ADDRESSES, "p",
	    "{'kind':'compute#address','name':'ilb','selfLink':'" SL
	    "regions/r1/addresses/ilb','address':'10.0.0.9','prefixLength':32,"
	    "'addressType':'INTERNAL','status':'IN_USE','subnetwork':'" SL
	    "regions/r1/subnetworks/s','network':'" SL "global/networks/n',"
	    "'users':['" SL "regions/r1/forwardingRules/fr']}",
	    0, "", NULL,
	    (const char *const[]){
	        "A|p|r1||projects/p/regions/r1/addresses/ilb|ilb|IN_USE||"
	        "10.0.0.9|0|0|projects/p/global/networks/n|projects/p/regions/"
	        "r1/subnetworks/s||projects/p/regions/r1/forwardingRules/fr|"
	        "projects/p/regions/r1/addresses/ilb",
	        NULL } },
	{ "an unknown addressType", GCP_ADDRESSES, "p",
	    "{'items':[{'name':'x','selfLink':'" SL "global/addresses/x',"
	    "'address':'fd00::1','addressType':'SIDEWAYS'}]}",
	    0, "", NULL,
	    (const char *const[]){ "E|address|projects/p/global/addresses/x|"
	                           "unknown addressType \"SIDEWAYS\"",
	        NULL } },
	{ "a record of another project", GCP_SUBNETWORKS, "other",
	    SUBNET_ITEM("10.0.0.0/24", ""), 0, "", NULL,
	    (const char *const[]){ S_ERROR "selfLink is in project p, not "
	                                   "other",
	        NULL } },
	{ "a record without selfLink", GCP_NETWORKS, NULL,
	    "{'kind':'compute#networkList','items':[{'name':'n'},5]}", 0, "",
	    NULL,
	    (const char *const[]){ "E|network|n|no selfLink",
	        "E|network|items[1]|not a JSON object", NULL } },
	{ "a NUL inside a name", GCP_NETWORKS, NULL,
	    "{'name':'a\\u0000b','selfLink':'" SL "global/networks/a'}", 0, "",
	    NULL,
	    (const char *const[]){ "E|network|projects/p/global/networks/a|"
	                           "name is not a string",
	        NULL } },
	{ "legacy IPv4Range with host bits", GCP_NETWORKS, "p",
	    "{'kind':'compute#network','name':'l','selfLink':'" SL
	    "global/networks/l','IPv4Range':'10.240.0.1/16'}",
	    0, "", NULL,
	    (const char *const[]){ "E|network|projects/p/global/networks/l|"
	                           "IPv4Range 10.240.0.1/16 has host bits "
	                           "set (the network is 10.240.0.0/16)",
	        NULL } },
	{ "another resource's answer", GCP_NETWORKS, "p",
	    "{'kind':'compute#subnetworkList','items':[]}", -1,
	    "unexpected_answer", NULL, (const char *const[]){ NULL } },
	{ "another resource inside a list", GCP_NETWORKS, "p",
	    "{'kind':'compute#networkList','items':[{'kind':"
	    "'compute#subnetwork'}]}",
	    -1, "unexpected_answer", NULL, (const char *const[]){ NULL } },
	{ "items neither array nor object", GCP_NETWORKS, "p", "{'items':5}",
	    -1, "unexpected_answer", NULL, (const char *const[]){ NULL } },
	{ "an API error", GCP_INSTANCES, "p",
	    "{'error':{'code':403,'message':'Required permission'}}", -1,
	    "cloud_error", NULL, (const char *const[]){ NULL } },
	{ "a nextPageToken that is not a string", GCP_NETWORKS, "p",
	    "{'items':[],'nextPageToken':7}", -1, "unexpected_answer", NULL,
	    (const char *const[]){ NULL } },
	{ "malformed JSON", GCP_NETWORKS, "p", "{'items':[", -1, "invalid_json",
	    NULL, (const char *const[]){ NULL } },
	{ "data after the JSON", GCP_NETWORKS, "p", "{} {}", -1, "invalid_json",
	    NULL, (const char *const[]){ NULL } },
	{ "not an object", GCP_NETWORKS, "p", "[]", -1, "invalid_json", NULL,
	    (const char *const[]){ NULL } },
	{ "null", GCP_NETWORKS, "p", "null", -1, "invalid_json", NULL,
	    (const char *const[]){ NULL } },
	{ "empty", GCP_NETWORKS, "p", "", -1, "invalid_json", NULL,
	    (const char *const[]){ NULL } },
};

static void
test_cases(void)
{
	struct answer a;
	struct log log;
	struct err err;
	char *next;
	const char *json;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		a.file = cases[i].name;
		a.resource = cases[i].resource;
		a.project = cases[i].project;
		err_clear(&err);
		json = dequote(cases[i].json);
		rc = answer_run(&a, json, strlen(json), &log, &next, &err);
		if (!tap_ok(
		        rc == cases[i].rc &&
		            (rc == 0 || strcmp(err.code, cases[i].code) == 0),
		        "%s: %s", cases[i].name,
		        rc == 0 ? "parsed" : cases[i].code))
			tap_diag(
			    "have: rc %d, %s %s", rc, err.code, err.message);
		tap_str(next, cases[i].next,
		    arena_printf(arena, "%s: nextPageToken", cases[i].name));
		lines_check(cases[i].name, log.text.data ? log.text.data : "",
		    cases[i].want);
		buf_free(&log.text);
	}
}

/* A subnet with n secondary ranges, 10.0.0.0/24 then 10.1.0.0/24 on. */
static void
ranges_make(struct buf *json, int n)
{
	int i;

	buf_reset(json);
	buf_puts(json,
	    dequote(SUBNET_ITEM("10.0.0.0/24", ",'secondaryIpRanges':[")));
	json->len--; /* reopen the array */
	for (i = 1; i <= n; i++)
		buf_printf(json,
		    "%s{\"rangeName\":\"r%d\",\"ipCidrRange\":"
		    "\"10.%d.%d.0/24\"}",
		    i > 1 ? "," : "", i, i / 256, i % 256);
	buf_puts(json, "]}");
}

/* Up to CLOUD_TAGS_MAX labels and CLOUD_CIDRS_MAX ranges, and no more. */
static void
test_limits(void)
{
	struct buf json = BUF_INIT;
	struct answer a = { "limits", GCP_SUBNETWORKS, "p", NULL };
	struct log log;
	struct err err = ERR_INIT;
	char *next;
	int i;

	buf_puts(&json, dequote(SUBNET_ITEM("10.0.0.0/24", ",'labels':{")));
	json.len--; /* reopen the object */
	for (i = 0; i <= CLOUD_TAGS_MAX; i++)
		buf_printf(&json, "%s\"k%d\":\"v\"", i ? "," : "", i);
	buf_puts(&json, "}}");
	answer_run(&a, json.data, json.len, &log, &next, &err);
	tap_str(log.text.data,
	    arena_printf(
	        arena, S_ERROR "more than %d labels\n", CLOUD_TAGS_MAX),
	    "one label past CLOUD_TAGS_MAX is refused");
	buf_free(&log.text);
	ranges_make(&json, CLOUD_CIDRS_MAX - 1);
	answer_run(&a, json.data, json.len, &log, &next, &err);
	tap_ok(log.records == 1 && log.errors == 0,
	    "a primary and CLOUD_CIDRS_MAX - 1 secondary ranges are read");
	buf_free(&log.text);
	ranges_make(&json, CLOUD_CIDRS_MAX);
	answer_run(&a, json.data, json.len, &log, &next, &err);
	tap_str(log.text.data,
	    arena_printf(
	        arena, S_ERROR "more than %d CIDRs\n", CLOUD_CIDRS_MAX),
	    "a primary and CLOUD_CIDRS_MAX secondary ranges are refused");
	buf_free(&log.text);
	buf_free(&json);
}

/* Nesting past GCP_JSON_DEPTH and an answer past GCP_JSON_MAX. */
static void
test_bounds(void)
{
	struct buf json = BUF_INIT;
	struct answer a = { "bounds", GCP_NETWORKS, "p", NULL };
	struct log log;
	struct err err = ERR_INIT;
	char *next;
	int i, rc;

	buf_puts(&json, "{\"items\":");
	for (i = 0; i < GCP_JSON_DEPTH + 8; i++)
		buf_putc(&json, '[');
	for (i = 0; i < GCP_JSON_DEPTH + 8; i++)
		buf_putc(&json, ']');
	buf_putc(&json, '}');
	rc = answer_run(&a, json.data, json.len, &log, &next, &err);
	tap_ok(rc == -1 && strcmp(err.code, "invalid_json") == 0,
	    "nesting deeper than %d is refused", GCP_JSON_DEPTH);
	buf_free(&log.text);
	/* The length is checked before a byte is read. */
	rc = answer_run(&a, json.data, GCP_JSON_MAX + 1, &log, &next, &err);
	tap_ok(rc == -1 && strcmp(err.code, "answer_too_large") == 0,
	    "an answer past GCP_JSON_MAX is refused unread");
	buf_free(&log.text);
	buf_free(&json);
}

/* A sink that refuses: the answer fails and says where. */
static void
test_sink_stops(void)
{
	struct cloud_sink sink;
	struct log log;
	struct err err = ERR_INIT;
	char *next = (char *)"stale";
	const char *json = dequote(SUBNET_ITEM("10.0.0.1/24", ""));
	int rc;

	log_init(&log, &sink);
	log.refuse_errors = 1;
	rc = gcp_parse(GCP_SUBNETWORKS, json, strlen(json), "p", &sink, arena,
	    &next, &err);
	tap_ok(rc == -1 && strcmp(err.code, "bad_record") == 0 &&
	           err.status == 502,
	    "on_error refusing fails the answer with 502 bad_record");
	tap_str(err.message,
	    "subnet projects/p/regions/r1/subnetworks/s: ipCidrRange "
	    "10.0.0.1/24 has host bits set (the network is 10.0.0.0/24)",
	    "bad_record names the record and why");
	tap_ok(next == NULL, "no nextPageToken after a failure");
	buf_free(&log.text);
	sink.on_error = NULL;
	rc = gcp_parse(GCP_SUBNETWORKS, json, strlen(json), "p", &sink, arena,
	    &next, &err);
	tap_ok(rc == -1 && strcmp(err.code, "bad_record") == 0,
	    "without on_error the first bad record fails the answer");
	log_init(&log, &sink);
	log.fail_subnets = 1;
	json = dequote(SUBNET_ITEM("10.0.0.0/24", ""));
	rc = gcp_parse(GCP_SUBNETWORKS, json, strlen(json), "p", &sink, arena,
	    &next, &err);
	tap_ok(rc == -1 && strcmp(err.code, "sink_full") == 0,
	    "on_subnet failing fails the answer with the sink's err");
	buf_free(&log.text);
}

static void
test_page_token(void)
{
	struct err err = ERR_INIT;
	char *next;
	const char *json;
	int rc;

	json = dequote("{'kind':'compute#zoneList','nextPageToken':'z2'}");
	rc = gcp_page_token(json, strlen(json), arena, &next, &err);
	tap_ok(rc == 0, "gcp_page_token reads any Compute list");
	tap_str(next, "z2", "gcp_page_token returns its nextPageToken");
	json = dequote("{'kind':'compute#network','nextPageToken':'z2'}");
	rc = gcp_page_token(json, strlen(json), arena, &next, &err);
	tap_ok(rc == -1 && next == NULL &&
	           strcmp(err.code, "unexpected_answer") == 0,
	    "gcp_page_token refuses what is not a list");
	json = dequote("{'error':{'code':401,'message':'expired'}}");
	rc = gcp_page_token(json, strlen(json), arena, &next, &err);
	tap_ok(rc == -1 && strcmp(err.code, "cloud_error") == 0,
	    "gcp_page_token reports an API error");
	tap_str(err.message, "Compute API error 401: expired",
	    "the API error's code and message are kept");
}

int
main(void)
{
	const char *root = getenv("CLOUDPAM_TESTDATA");

	if (root == NULL || *root == '\0')
		root = "../shared/testdata";
	arena = arena_new(1 << 16);
	gcp_dir = arena_printf(arena, "%s/gcp", root);
	tap_str(gcp_resource_names[GCP_ADDRESSES], "addresses",
	    "resource names table");
	test_testdata();
	test_pagination();
	test_cases();
	test_limits();
	test_bounds();
	test_sink_stops();
	test_page_token();
	arena_free(arena);
	return tap_done();
}
