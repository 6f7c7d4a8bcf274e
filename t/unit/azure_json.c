/*
 * Unit tests for app/cloud/azure_json.c.
 *
 * Every JSON file under $CLOUDPAM_TESTDATA/azure (or
 * ../shared/testdata/azure) is either an ARM answer about virtual
 * networks, subnets, network interfaces or public IPs, whose records are
 * compared field by field with values read by hand from the file, or is
 * skipped with its reason; a file with neither fails.  An x-ms-examples
 * file holds one answer per status in "responses", each read from its
 * "body".  The data quirks kept in testdata (a subnet outside its VNet, a
 * prefix with host bits set, a NIC "address" that is a prefix) must come
 * out as on_error calls naming the resource and why.  Then pagination by
 * nextLink over real answers served page by page, ARM ids, and refused
 * input, table-driven.
 *
 * A record is written as one line, "|" between fields:
 *   N|account|region|zone|external_id|name|state|tags|cidrs
 *   S|account|region|zone|external_id|name|state|tags|network_id|cidrs
 *   A|account|region|zone|external_id|name|state|tags|ip|is_public|
 *     is_primary|network_id|subnet_id|interface_id|attached_to|
 *     allocation_id
 *   E|kind|resource|message                            (sink->on_error)
 * tags are "key=value" joined by ","; cidrs are joined by " ".
 */
#include "cloud/azure_json.h"

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
static const char *azure_dir;
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
	if (c->provider != CLOUD_AZURE || c->kind != kind)
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

/* --- the answers in testdata/azure, read by hand ---------------------- */

#define S0 "00000000-0000-0000-0000-000000000000"
#define S9 "99999999-9999-9999-9999-999999999999"
#define RG1 "/subscriptions/" S0 "/resourceGroups/rg1"
#define RG1_NET RG1 "/providers/Microsoft.Network"
#define RG2_NET                                                                \
	"/subscriptions/" S0 "/resourceGroups/rg2/providers/Microsoft.Network"
#define TEST_NET                                                               \
	"/subscriptions/" S0 "/resourceGroups/subnet-test/providers/"          \
	"Microsoft.Network"
#define SUBID1_NET                                                             \
	"/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Network"
#define SUBID2_NET                                                             \
	"/subscriptions/subid/resourceGroups/rg2/providers/Microsoft.Network"
#define REVIZOR_NET                                                            \
	"/subscriptions/" S9 "/resourceGroups/REVIZOR/providers/"              \
	"Microsoft.Network"
#define REVIZOR_SUBID "/subscriptions/subid/resourceGroups/REVIZOR"
#define VNET(sub, net, region, name, tags, cidrs)                              \
	"N|" sub "|" region "||" net "/virtualNetworks/" name "|" name         \
	"|Succeeded|" tags "|" cidrs
#define SUBNET(sub, net, region, vnet, name, cidrs)                            \
	"S|" sub "|" region "||" net "/virtualNetworks/" vnet "/subnets/" name \
	"|" name "|Succeeded||" net "/virtualNetworks/" vnet "|" cidrs
#define OUTSIDE(net, vnet, name)                                               \
	"E|subnet|" net "/virtualNetworks/" vnet "/subnets/" name "|"
#define NIC_ADDRESS(nic, vnet, vm)                                             \
	"A|" S0 "|eastus||" RG1_NET "/networkInterfaces/" nic                  \
	"/ipConfigurations/ipconfig1|" nic                                     \
	"|Succeeded||172.20.2.4|0|1|" RG1_NET "/virtualNetworks/" vnet         \
	"|" RG1_NET "/virtualNetworks/" vnet "/subnets/default|" RG1_NET       \
	"/networkInterfaces/" nic "|" vm "|"
#define LB_FRONTEND                                                            \
	"/loadBalancers/testLb/frontendIPConfigurations/LoadBalancerFrontEnd"
#define PUBLIC_ADDRESS(name, ip)                                               \
	"A|" S0 "|westus||" RG2_NET "/publicIPAddresses/" name "|" name        \
	"|Succeeded||" ip "|1|0||||" RG2_NET LB_FRONTEND "|" RG2_NET           \
	"/publicIPAddresses/" name

static const char *const nic_list[] = {
	NIC_ADDRESS("test-nic", "rg1-vnet",
	    RG1 "/providers/Microsoft.Compute/virtualMachines/vm1"),
	NIC_ADDRESS("test-nic2", "rg1-vnet2", ""),
	/* The quirk: an IP prefix where an address belongs. */
	"E|address|" RG1_NET "/networkInterfaces/test-nic/ipConfigurations/"
	"ipconfig2|privateIPAddress 172.20.2.16/28 is a prefix, not one "
	"address",
	NULL
};

/* testDNS-ip is Dynamic and unallocated: no address, no error. */
static const char *const public_ip_list[] = {
	PUBLIC_ADDRESS("ip01", "40.85.154.247"),
	PUBLIC_ADDRESS("ip02", "40.85.154.248"),
	NULL,
};

/* A Subnets_Get answer has no location and no VNet to check against. */
static const char *const subnet_get[] = {
	SUBNET(S0, TEST_NET, "", "vnetname", "subnet1", "10.0.0.0/16"), NULL
};

/* Both subnets hold 10.0.0.0/16: an overlap is the importer's to judge. */
static const char *const subnet_list[] = { SUBNET(S0, TEST_NET, "", "vnetname",
	                                       "subnet1", "10.0.0.0/16"),
	SUBNET(S0, TEST_NET, "", "vnetname", "subnet2", "10.0.0.0/16"), NULL };

/* The quirk: 10.1.0.0/28 lies outside the VNet's 10.0.0.0/16. */
static const char *const create_prefixes_200[] = {
	VNET("subid", SUBID1_NET, "eastus", "test-vnet", "", "10.0.0.0/16"),
	OUTSIDE(SUBID1_NET, "test-vnet",
	    "test-2") "addressPrefixes[1] 10.1.0.0/28 lies outside the VNet's "
	              "address "
	              "space (10.0.0.0/16)",
	NULL
};

static const char *const create_prefixes_201[] = {
	VNET("subid", SUBID1_NET, "eastus", "test-vnet", "", "10.0.0.0/16"),
	SUBNET("subid", SUBID1_NET, "eastus", "test-vnet", "test-2",
	    "10.0.0.0/28 10.0.1.0/28"),
	NULL
};

static const char *const vnet_get[] = { VNET("subid", SUBID1_NET, "westus",
	                                    "test-vnet", "", "10.0.0.0/16"),
	SUBNET("subid", SUBID1_NET, "westus", "test-vnet", "subnet1",
	    "10.0.1.0/24"),
	NULL };

static const char *const vnet_get_delegation[] = {
	VNET(S0, RG1_NET, "westus", "test-vnet", "", "10.0.0.0/16"),
	SUBNET(S0, RG1_NET, "westus", "test-vnet", "subnet1", "10.0.1.0/24"),
	NULL
};

static const char *const vnet_list[] = { VNET(S0, RG1_NET, "westus", "vnet1",
	                                     "", "10.0.0.0/8"),
	SUBNET(S0, RG1_NET, "westus", "vnet1", "test-1", "10.0.0.0/24"),
	VNET(S0, RG1_NET, "westus", "vnet2", "", "10.0.0.0/16"), NULL };

static const char *const vnet_list_all[] = { VNET("subid", SUBID1_NET, "westus",
	                                         "vnet1", "", "10.0.0.0/8"),
	SUBNET("subid", SUBID1_NET, "westus", "vnet1", "test-1", "10.0.0.0/24"),
	VNET("subid", SUBID2_NET, "westus", "vnet2", "", "10.0.0.0/16"), NULL };

/* The ipConfiguration ids name subscription "subid", the NIC's S9. */
#define LIBCLOUD_NIC(primary)                                                  \
	"A|" S9 "|eastus||" REVIZOR_SUBID "/providers/Microsoft.Network/"      \
	"networkInterfaces/test-nic/ipConfigurations/ipconfig1|test-nic|"      \
	"Succeeded|tag_key1=tag_val1|172.20.2.4|0|" primary "|" REVIZOR_SUBID  \
	"/providers/Microsoft.Network/virtualNetworks/rg1-vnet|" REVIZOR_SUBID \
	"/providers/Microsoft.Network/virtualNetworks/"                        \
	"rg1-vnet/subnets/default|" REVIZOR_NET "/networkInterfaces/"          \
	"test-nic|" REVIZOR_SUBID                                              \
	"/providers/Microsoft.Compute/virtualMachines/test-vm-1|"

static const char *const libcloud_nic_list[] = { LIBCLOUD_NIC("0"), NULL };

static const char *const libcloud_nic_get[] = { LIBCLOUD_NIC("1"), NULL };

/* The quirk: 10.17.26.0/19 has host bits set and lies outside the VNet. */
static const char *const libcloud_vnets[] = {
	VNET(S9, REVIZOR_NET, "westus2", "test_network", "tag_key1=tag_val1",
	    "10.39.0.0/16"),
	OUTSIDE(REVIZOR_NET, "test_network",
	    "Azure_VPC_Subnet") "addressPrefix 10.17.26.0/19 has host bits set "
	                        "(the network is "
	                        "10.17.0.0/19), and 10.17.0.0/19 lies outside "
	                        "the VNet's address "
	                        "space (10.39.0.0/16)",
	NULL
};

/* Static allocation gives an address at once; this mock has none. */
static const char *const libcloud_public_ip[] = {
	"E|address|/subscriptions/subid/resourceGroups/rg1/providers/"
	"Microsoft.Network/publicIPAddresses/test-ip|a Static public IP "
	"without ipAddress",
	NULL
};

#define EXAMPLES "examples-2025-03-01/"
#define LIBCLOUD "libcloud/_subscriptions_99999999_"

static const struct answer {
	const char *file;   /* under azure/ */
	const char *status; /* of an x-ms-examples response, or NULL */
	enum azure_resource resource;
	const char *const *want;
} answers[] = {
	{ EXAMPLES "NetworkInterfaceList.json", "200", AZURE_NETWORK_INTERFACES,
	    nic_list },
	{ EXAMPLES "PublicIpAddressListAll.json", "200",
	    AZURE_PUBLIC_IP_ADDRESSES, public_ip_list },
	{ EXAMPLES "SubnetGet.json", "200", AZURE_SUBNETS, subnet_get },
	{ EXAMPLES "SubnetList.json", "200", AZURE_SUBNETS, subnet_list },
	{ EXAMPLES "VirtualNetworkCreateSubnetWithAddressPrefixes.json", "200",
	    AZURE_VIRTUAL_NETWORKS, create_prefixes_200 },
	{ EXAMPLES "VirtualNetworkCreateSubnetWithAddressPrefixes.json", "201",
	    AZURE_VIRTUAL_NETWORKS, create_prefixes_201 },
	{ EXAMPLES "VirtualNetworkGet.json", "200", AZURE_VIRTUAL_NETWORKS,
	    vnet_get },
	{ EXAMPLES "VirtualNetworkGetWithSubnetDelegation.json", "200",
	    AZURE_VIRTUAL_NETWORKS, vnet_get_delegation },
	{ EXAMPLES "VirtualNetworkList.json", "200", AZURE_VIRTUAL_NETWORKS,
	    vnet_list },
	{ EXAMPLES "VirtualNetworkListAll.json", "200", AZURE_VIRTUAL_NETWORKS,
	    vnet_list_all },
	{ LIBCLOUD "providers_Microsoft_Network_networkInterfaces.json", NULL,
	    AZURE_NETWORK_INTERFACES, libcloud_nic_list },
	{ LIBCLOUD "providers_Microsoft_Network_virtualnetworks.json", NULL,
	    AZURE_VIRTUAL_NETWORKS, libcloud_vnets },
	{ LIBCLOUD "resourceGroups_REVIZOR_providers_Microsoft_Network_"
	           "networkInterfaces_test_nic.json",
	    NULL, AZURE_NETWORK_INTERFACES, libcloud_nic_get },
	{ LIBCLOUD "resourceGroups_REVIZOR_providers_Microsoft_Network_"
	           "publicIPAddresses_test_public_ip.json",
	    NULL, AZURE_PUBLIC_IP_ADDRESSES, libcloud_public_ip },
};

static const struct {
	const char *file;
	const char *reason;
} skips[] = {
	{ EXAMPLES "IpamPools_List.json",
	    "Azure's own IPAM pools (networkManagers/ipamPools), not a VNet, "
	    "subnet, NIC or public IP answer; refused as one below" },
	{ EXAMPLES "VirtualNetworkCheckIPAddressAvailability.json",
	    "an availability check {available, availableIPAddresses}, not a "
	    "list or a resource" },
	{ EXAMPLES "VirtualNetworkListUsage.json",
	    "usage counters per subnet (currentValue, limit), not subnets" },
	{ LIBCLOUD
	    "resourceGroups_REVIZOR_providers_Microsoft_Network_"
	    "virtualNetworks_test_network_CheckIPAddressAvailability.json",
	    "an availability check {available, availableIPAddresses}, not a "
	    "list or a resource" },
};

static size_t
answer_find(const char *file, const char *status)
{
	size_t i;

	for (i = 0; i < sizeof(answers) / sizeof(answers[0]); i++)
		if (strcmp(answers[i].file, file) == 0 &&
		    ((status == NULL && answers[i].status == NULL) ||
		        (status != NULL && answers[i].status != NULL &&
		            strcmp(answers[i].status, status) == 0)))
			return i;
	return i;
}

static int
answer_run(enum azure_resource r, const char *text, size_t len, struct log *log,
    char **next, struct err *err)
{
	struct cloud_sink sink;

	log_init(log, &sink);
	return azure_parse(r, text, len, &sink, arena, next, err);
}

static void
answer_check(
    const struct answer *a, const char *name, const char *text, size_t len)
{
	struct log log;
	struct err err = ERR_INIT;
	char *next;
	int rc;

	rc = answer_run(a->resource, text, len, &log, &next, &err);
	if (!tap_ok(rc == 0, "%s: parsed as %s", name,
	        azure_resource_names[a->resource]))
		tap_diag("have: %s %s", err.code, err.message);
	tap_str(next, NULL,
	    arena_printf(arena, "%s: last page, no nextLink", name));
	lines_check(name, log.text.data ? log.text.data : "", a->want);
	total_answers++;
	total_records += log.records;
	total_errors += log.errors;
	buf_free(&log.text);
}

/*
 * The answers of one file: the file itself, or each response body of an
 * x-ms-examples file ({"parameters", "responses": {"200": {"body"}}}).
 */
static int
file_check(const char *file, int *seen)
{
	struct json_object *root = NULL, *responses, *body;
	struct json_object_iterator it, end;
	const char *text, *status, *name;
	size_t len, i;
	int found = 0;

	text = file_read(arena_printf(arena, "%s/%s", azure_dir, file), &len);
	if (!tap_ok(text != NULL && (root = json_tokener_parse(text)) != NULL,
	        "%s: read", file))
		return 1;
	if (!json_object_object_get_ex(root, "responses", &responses)) {
		if ((i = answer_find(file, NULL)) <
		    sizeof(answers) / sizeof(answers[0])) {
			answer_check(&answers[i], file, text, len);
			seen[i] = found = 1;
		}
		json_object_put(root);
		return found;
	}
	it = json_object_iter_begin(responses);
	end = json_object_iter_end(responses);
	for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
		status = json_object_iter_peek_name(&it);
		if (!json_object_object_get_ex(
		        json_object_iter_peek_value(&it), "body", &body))
			continue;
		if ((i = answer_find(file, status)) ==
		    sizeof(answers) / sizeof(answers[0]))
			continue;
		name = arena_printf(arena, "%s (%s)", file, status);
		text = json_object_to_json_string_ext(
		    body, JSON_C_TO_STRING_PLAIN);
		answer_check(&answers[i], name, text, strlen(text));
		seen[i] = found = 1;
	}
	json_object_put(root);
	return found;
}

static int
name_compare(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* Each JSON file in dir holds answers with expectations or is skipped. */
static void
dir_walk(const char *dir, int *seen)
{
	struct dirent **names;
	const char *file, *dot;
	size_t j;
	int n, k, found;

	n = scandir(arena_printf(arena, "%s/%s", azure_dir, dir), &names, NULL,
	    name_compare);
	if (!tap_ok(n > 0, "azure/%s: listed", dir))
		return;
	for (k = 0; k < n; k++) {
		file = arena_printf(arena, "%s/%s", dir, names[k]->d_name);
		free(names[k]);
		dot = strrchr(file, '.');
		if (dot == NULL || strcmp(dot, ".json") != 0)
			continue;
		found = 0;
		for (j = 0; j < sizeof(skips) / sizeof(skips[0]); j++)
			if (strcmp(skips[j].file, file) == 0) {
				tap_ok(
				    1, "%s # skip %s", file, skips[j].reason);
				found = 1;
			}
		if (!found)
			found = file_check(file, seen);
		tap_ok(
		    found, "%s: an answer with expectations, or skipped", file);
	}
	free(names);
}

/* IpamPools_List is skipped as data but must be refused as a VNet list. */
static void
test_ipam_pools_refused(void)
{
	struct json_object *root = NULL, *body;
	struct log log;
	struct err err = ERR_INIT;
	const char *text, *json;
	char *next;
	size_t len;
	int rc;

	text = file_read(arena_printf(arena, "%s/%sIpamPools_List.json",
	                     azure_dir, EXAMPLES),
	    &len);
	if (!tap_ok(text != NULL && (root = json_tokener_parse(text)) != NULL,
	        "IpamPools_List.json: read"))
		return;
	body = json_object_object_get(
	    json_object_object_get(
	        json_object_object_get(root, "responses"), "200"),
	    "body");
	json = json_object_to_json_string_ext(body, JSON_C_TO_STRING_PLAIN);
	rc = answer_run(
	    AZURE_VIRTUAL_NETWORKS, json, strlen(json), &log, &next, &err);
	tap_ok(rc == -1 && strcmp(err.code, "unexpected_answer") == 0 &&
	           next == NULL,
	    "IpamPools_List.json: refused as a virtualNetworks answer");
	tap_str(err.message,
	    "expected an answer about virtualNetworks, got "
	    "Microsoft.Network/networkManagers/ipamPools",
	    "IpamPools_List.json: the refusal names the type that came");
	buf_free(&log.text);
	json_object_put(root);
}

static void
test_testdata(void)
{
	int seen[sizeof(answers) / sizeof(answers[0])] = { 0 };
	size_t i;

	dir_walk("examples-2025-03-01", seen);
	dir_walk("libcloud", seen);
	for (i = 0; i < sizeof(answers) / sizeof(answers[0]); i++)
		if (!seen[i])
			tap_ok(0, "%s (%s): found in testdata", answers[i].file,
			    answers[i].status ? answers[i].status : "file");
	tap_int((long long)total_answers, 14, "answers read");
	tap_int((long long)total_errors, 4, "per-record errors");
	printf("# azure: %zu answers, %zu records, %zu per-record errors\n",
	    total_answers, total_records, total_errors);
	test_ipam_pools_refused();
}

/* --- pagination ----------------------------------------------------------- */

#define LINK                                                                   \
	"https://management.azure.com/subscriptions/subid/providers/"          \
	"Microsoft.Network/virtualNetworks?api-version=2025-03-01&"            \
	"$skipToken="

/*
 * Page page of whole's value, per items a page, with a nextLink ending
 * in "$skipToken=<page + 1>" unless it is the last.
 */
static void
page_make(struct json_object *whole, int page, size_t per, struct buf *out)
{
	struct json_object *value, *part, *copy = json_object_new_object();
	size_t i, first = (size_t)page * per, n;

	json_object_object_get_ex(whole, "value", &value);
	n = json_object_array_length(value);
	part = json_object_new_array();
	for (i = first; i < n && i < first + per; i++)
		json_object_array_add(
		    part, json_object_get(json_object_array_get_idx(value, i)));
	json_object_object_add(copy, "value", part);
	if (first + per < n)
		json_object_object_add(copy, "nextLink",
		    json_object_new_string(
		        arena_printf(arena, LINK "%d", page + 1)));
	buf_reset(out);
	buf_puts(out, json_object_to_json_string_ext(copy, 0));
	json_object_put(copy);
}

/* The page a nextLink asks for: 0 for none, -1 for a link not ours. */
static int
page_of(const char *link)
{
	int n;

	if (link == NULL)
		return 0;
	if (strncmp(link, LINK, strlen(LINK)) != 0)
		return -1;
	return sscanf(link + strlen(LINK), "%d", &n) == 1 && n > 0 ? n : -1;
}

/* Serve an answer's value per items a page; records must add up. */
static void
paged_check(const struct answer *a, size_t per, int want_pages)
{
	struct json_object *root = NULL, *whole;
	struct buf page = BUF_INIT, all = BUF_INIT;
	struct log log;
	struct err err = ERR_INIT;
	char *link = NULL, *text;
	size_t len;
	int pages = 0, index, rc = 0;

	text =
	    file_read(arena_printf(arena, "%s/%s", azure_dir, a->file), &len);
	if (!tap_ok(text != NULL && (root = json_tokener_parse(text)) != NULL,
	        "paged %s: read", a->file))
		return;
	whole = json_object_object_get(
	    json_object_object_get(
	        json_object_object_get(root, "responses"), a->status),
	    "body");
	while (pages < PAGES_MAX && (index = page_of(link)) >= 0) {
		page_make(whole, index, per, &page);
		rc = answer_run(
		    a->resource, page.data, page.len, &log, &link, &err);
		buf_puts(&all, log.text.data ? log.text.data : "");
		buf_free(&log.text);
		pages++;
		if (rc == -1 || link == NULL)
			break;
	}
	tap_ok(rc == 0, "paged %s: every page parsed", a->file);
	tap_int(pages, want_pages,
	    arena_printf(
	        arena, "paged %s: pages followed by nextLink", a->file));
	lines_check(arena_printf(arena, "paged %s", a->file),
	    all.data ? all.data : "", a->want);
	json_object_put(root);
	buf_free(&page);
	buf_free(&all);
}

static void
test_pagination(void)
{
	paged_check(&answers[9], 1, 2); /* VirtualNetworkListAll */
	paged_check(&answers[0], 1, 2); /* NetworkInterfaceList */
	paged_check(&answers[1], 2, 2); /* PublicIpAddressListAll */
}

/* --- ARM ids ---------------------------------------------------------- */

static const struct {
	const char *id;
	int rc;
	const char *subscription;
	const char *resource_group;
} arm_ids[] = {
	{ "/subscriptions/s1/resourceGroups/g1/providers/Microsoft.Network/"
	  "virtualNetworks/v",
	    0, "s1", "g1" },
	{ "/SUBSCRIPTIONS/s1/resourcegroups/G1", 0, "s1", "G1" },
	{ "/subscriptions/s1", 0, "s1", "" },
	{ "/subscriptions/s1/providers/Microsoft.Network/x/y", 0, "s1", "" },
	{ "subscriptions/s1/resourceGroups/g1", -1, "", "" },
	{ "/subscriptions//resourceGroups/g1", -1, "", "" },
	{ "/subscriptions/s1/resourceGroups/", -1, "", "" },
	{ "/resourceGroups/g1", -1, "", "" },
	{ "/subscription/s1", -1, "", "" },
	{ "", -1, "", "" },
};

static void
test_arm_ids(void)
{
	struct azure_arm_id id;
	struct err err;
	struct buf long_id = BUF_INIT;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(arm_ids) / sizeof(arm_ids[0]); i++) {
		err_clear(&err);
		rc = azure_arm_id_parse(arm_ids[i].id, &id, &err);
		tap_ok(
		    rc == arm_ids[i].rc &&
		        strcmp(id.subscription, arm_ids[i].subscription) == 0 &&
		        strcmp(id.resource_group, arm_ids[i].resource_group) ==
		            0 &&
		        (rc == 0 || strcmp(err.code, "invalid_arm_id") == 0),
		    "ARM id \"%s\": %s", arm_ids[i].id,
		    rc == 0 ? "read" : "refused");
	}
	buf_puts(&long_id, "/subscriptions/");
	for (i = 0; i < AZURE_NAME_MAX; i++)
		buf_putc(&long_id, 's');
	rc = azure_arm_id_parse(long_id.data, &id, &err);
	tap_ok(rc == -1 && *id.subscription == '\0',
	    "a subscription past AZURE_NAME_MAX is refused, not cut");
	buf_free(&long_id);
}

/* --- refused input and per-record errors ------------------------------- */

#define V                                                                      \
	"/subscriptions/s1/resourceGroups/g1/providers/Microsoft.Network/"     \
	"virtualNetworks/v"
#define VNET_JSON(space, subnets)                                              \
	"{'id':'" V "','name':'v','type':'Microsoft.Network/virtualNetworks'," \
	"'location':'westeurope','properties':{'provisioningState':"           \
	"'Succeeded','addressSpace':{'addressPrefixes':[" space "]},"          \
	"'subnets':[" subnets "]}}"
#define SUBNET_JSON(name, props)                                               \
	"{'id':'" V "/subnets/" name "','name':'" name                         \
	"','properties':{" props "}}"
#define V_LINE(cidrs) "N|s1|westeurope||" V "|v|Succeeded||" cidrs
#define S_LINE(name, cidrs)                                                    \
	"S|s1|westeurope||" V "/subnets/" name "|" name "|||" V "|" cidrs
#define S_ERROR(name) "E|subnet|" V "/subnets/" name "|"
#define NIC                                                                    \
	"/subscriptions/s1/resourceGroups/g1/providers/Microsoft.Network/"     \
	"networkInterfaces/n"
#define PIP                                                                    \
	"/subscriptions/s1/resourceGroups/g1/providers/Microsoft.Network/"     \
	"publicIPAddresses/p"
#define A_64 SUBNET_JSON("a", "'addressPrefix':'10.0.0.0/64'")
#define B_GOOD SUBNET_JSON("b", "'addressPrefix':'10.0.1.0/24'")
#define A_DUAL                                                                 \
	SUBNET_JSON("a", "'addressPrefix':'10.0.0.0/24','addressPrefixes':"    \
	                 "['10.0.0.0/24','fd00:db8:deca::/64']")
#define B_OUTSIDE SUBNET_JSON("b", "'addressPrefixes':['fd00:db8:beef::/64']")
#define C_NONE SUBNET_JSON("c", "'provisioningState':'Updating'")
#define PE                                                                     \
	"/subscriptions/s1/resourceGroups/g1/providers/Microsoft.Network/"     \
	"privateEndpoints/e"

static const struct {
	const char *name;
	enum azure_resource resource;
	const char *json; /* ' stands for " */
	int rc;
	const char *code; /* of err when rc is -1 */
	const char *next;
	const char *const *want;
} cases[] = {
	{ "an IPv4 /64 subnet among good ones", AZURE_VIRTUAL_NETWORKS,
	    "{'value':[" VNET_JSON("'10.0.0.0/16'", A_64 "," B_GOOD) "]}", 0,
	    "", NULL,
	    (const char *const[]){ V_LINE("10.0.0.0/16"),
	        S_ERROR("a") "addressPrefix: invalid CIDR \"10.0.0.0/64\": "
	                     "prefix length 64 exceeds 32",
	        S_LINE("b", "10.0.1.0/24"), NULL } },
	{ "an IPv4 /64 in the address space", AZURE_VIRTUAL_NETWORKS,
	    VNET_JSON("'10.0.0.0/16','10.1.0.0/64'",
	        SUBNET_JSON("a", "'addressPrefix':'10.9.0.0/24'")),
	    0, "", NULL,
	    (const char *const[]){ "E|network|" V "|addressSpace."
	                           "addressPrefixes[1]: invalid CIDR "
	                           "\"10.1.0.0/64\": prefix length 64 "
	                           "exceeds 32",
	        S_LINE("a", "10.9.0.0/24"), NULL } },
	{ "dual stack, and an IPv6 subnet outside", AZURE_VIRTUAL_NETWORKS,
	    VNET_JSON("'10.0.0.0/16','FD00:DB8:DECA::/48'",
	        A_DUAL "," B_OUTSIDE "," C_NONE),
	    0, "", NULL,
	    (const char *const[]){ V_LINE("10.0.0.0/16 fd00:db8:deca::/48"),
	        S_LINE("a", "10.0.0.0/24 fd00:db8:deca::/64"),
	        S_ERROR("b") "addressPrefixes[0] fd00:db8:beef::/64 lies "
	                     "outside the VNet's address space (10.0.0.0/16, "
	                     "fd00:db8:deca::/48)",
	        S_ERROR("c") "no addressPrefix or addressPrefixes", NULL } },
	{ "a NIC: wrong version, IPv6, an expanded public IP",
	    AZURE_NETWORK_INTERFACES,
	    "{'value':[{'id':'" NIC "','name':'n','location':'westeurope',"
	    "'type':'Microsoft.Network/networkInterfaces','tags':{'a':'b'},"
	    "'properties':{'privateEndpoint':{'id':'" PE "'},"
	    "'ipConfigurations':[{'id':'" NIC "/ipConfigurations/c1',"
	    "'properties':{'privateIPAddress':'10.0.0.4',"
	    "'privateIPAddressVersion':'IPv6','subnet':{'id':'" V
	    "/subnets/a'}}},{'id':'" NIC "/ipConfigurations/c2','properties':"
	    "{'privateIPAddress':'fd00:db8:deca:0::4',"
	    "'privateIPAddressVersion':'IPv6','primary':false,"
	    "'subnet':{'id':'" V "/subnets/a'},"
	    "'publicIPAddress':{'id':'" PIP "','location':'westeurope',"
	    "'properties':{'ipAddress':'20.1.2.3','publicIPAllocationMethod':"
	    "'Static','publicIPAddressVersion':'IPv4'}}}}]}}],"
	    "'nextLink':'https://management.azure.com/next'}",
	    0, "", "https://management.azure.com/next",
	    (const char *const[]){ "E|address|" NIC "/ipConfigurations/c1|"
	                           "privateIPAddress 10.0.0.4 is not IPv6 as "
	                           "privateIPAddressVersion says",
	        "A|s1|westeurope||" NIC "/ipConfigurations/c2|n||a=b|"
	        "fd00:db8:deca::4|0|0|" V "|" V "/subnets/a|" NIC "|" PE "|",
	        "A|s1|westeurope||" PIP "||||20.1.2.3|1|0|||" NIC "|" NIC
	        "/ipConfigurations/c2|" PIP,
	        NULL } },
	{ "public IPs: IPv6 in a zone on a NIC, and a bad address",
	    AZURE_PUBLIC_IP_ADDRESSES,
	    "{'value':[{'id':'" PIP "','name':'p','zones':['2'],'properties':"
	    "{'ipAddress':'2603:1030::1','publicIPAddressVersion':'IPv6',"
	    "'ipConfiguration':{'id':'" NIC "/ipConfigurations/c1'}}},"
	    "{'id':'" PIP "2','name':'p2','properties':{'ipAddress':"
	    "'20.1.2'}}]}",
	    0, "", NULL,
	    (const char *const[]){ "A|s1||2|" PIP "|p||"
	                           "|2603:1030::1|1|0|||" NIC "|" NIC
	                           "/ipConfigurations/c1|" PIP,
	        "E|address|" PIP "2|ipAddress: invalid IP address \"20.1.2\": "
	        "only 3 octets; expected 4",
	        NULL } },
	{ "a subnet whose id names no VNet, and one without id", AZURE_SUBNETS,
	    "{'value':[{'id':'" V "','type':'Microsoft.Network/"
	    "virtualNetworks/subnets','properties':{'addressPrefix':"
	    "'10.0.0.0/24'}},{'name':'x','properties':{}},5]}",
	    0, "", NULL,
	    (const char *const[]){ "E|subnet|" V "|id names no virtual network",
	        "E|subnet|x|no id", "E|subnet|value[2]|not a JSON object",
	        NULL } },
	{ "ids and types in any case", AZURE_VIRTUAL_NETWORKS,
	    "{'id':'/SUBSCRIPTIONS/s1/RESOURCEGROUPS/g1/providers/x/y','type':"
	    "'microsoft.network/VIRTUALNETWORKS','properties':{"
	    "'addressSpace':{'addressPrefixes':['10.0.0.0/8']}}}",
	    0, "", NULL,
	    (const char *const[]){
	        "N|s1|||/SUBSCRIPTIONS/s1/RESOURCEGROUPS/g1/providers/x/y|||"
	        "|10.0.0.0/8",
	        NULL } },
	{ "an id without subscription", AZURE_VIRTUAL_NETWORKS,
	    "{'value':[{'id':'/resourceGroups/g1/v','properties':{}}]}", 0, "",
	    NULL,
	    (const char *const[]){ "E|network|/resourceGroups/g1/v|id: "
	                           "\"/resourceGroups/g1/v\" is not an ARM id "
	                           "with a subscription",
	        NULL } },
	{ "another resource type", AZURE_PUBLIC_IP_ADDRESSES,
	    "{'value':[{'id':'" V "','type':'Microsoft.Network/"
	    "virtualNetworks'}]}",
	    -1, "unexpected_answer", NULL, (const char *const[]){ NULL } },
	{ "an ARM error", AZURE_VIRTUAL_NETWORKS,
	    "{'error':{'code':'AuthorizationFailed','message':'denied'}}", -1,
	    "cloud_error", NULL, (const char *const[]){ NULL } },
	{ "value that is not an array", AZURE_VIRTUAL_NETWORKS, "{'value':{}}",
	    -1, "unexpected_answer", NULL, (const char *const[]){ NULL } },
	{ "neither list nor resource", AZURE_VIRTUAL_NETWORKS,
	    "{'available':true}", -1, "unexpected_answer", NULL,
	    (const char *const[]){ NULL } },
	{ "a nextLink that is not a string", AZURE_VIRTUAL_NETWORKS,
	    "{'value':[],'nextLink':5}", -1, "unexpected_answer", NULL,
	    (const char *const[]){ NULL } },
	{ "an empty list, an empty nextLink", AZURE_SUBNETS,
	    "{'value':[],'nextLink':''}\n", 0, "", NULL,
	    (const char *const[]){ NULL } },
	{ "malformed JSON", AZURE_SUBNETS, "{'value':[}", -1, "invalid_json",
	    NULL, (const char *const[]){ NULL } },
	{ "data after the JSON", AZURE_SUBNETS, "{'value':[]}]", -1,
	    "invalid_json", NULL, (const char *const[]){ NULL } },
	{ "not an object", AZURE_SUBNETS, "'value'", -1, "invalid_json", NULL,
	    (const char *const[]){ NULL } },
	{ "empty", AZURE_SUBNETS, "", -1, "invalid_json", NULL,
	    (const char *const[]){ NULL } },
};

static void
test_cases(void)
{
	struct log log;
	struct err err;
	char *next;
	const char *json;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err_clear(&err);
		json = dequote(cases[i].json);
		rc = answer_run(
		    cases[i].resource, json, strlen(json), &log, &next, &err);
		if (!tap_ok(
		        rc == cases[i].rc &&
		            (rc == 0 || strcmp(err.code, cases[i].code) == 0),
		        "%s: %s", cases[i].name,
		        rc == 0 ? "parsed" : cases[i].code))
			tap_diag(
			    "have: rc %d, %s %s", rc, err.code, err.message);
		tap_str(next, cases[i].next,
		    arena_printf(arena, "%s: nextLink", cases[i].name));
		lines_check(cases[i].name, log.text.data ? log.text.data : "",
		    cases[i].want);
		buf_free(&log.text);
	}
}

/* Past CLOUD_TAGS_MAX tags: refused; past the bounds: refused unread. */
static void
test_limits(void)
{
	struct buf json = BUF_INIT;
	struct log log;
	struct err err = ERR_INIT;
	char *next;
	int i, rc;

	buf_puts(
	    &json, dequote("{'id':'" V "','properties':{'addressSpace':"
	                   "{'addressPrefixes':['10.0.0.0/8']}},'tags':{"));
	for (i = 0; i <= CLOUD_TAGS_MAX; i++)
		buf_printf(&json, "%s\"k%d\":\"v\"", i ? "," : "", i);
	buf_puts(&json, "}}");
	answer_run(
	    AZURE_VIRTUAL_NETWORKS, json.data, json.len, &log, &next, &err);
	tap_str(log.text.data,
	    arena_printf(
	        arena, "E|network|" V "|more than %d tags\n", CLOUD_TAGS_MAX),
	    "one tag past CLOUD_TAGS_MAX is refused");
	buf_free(&log.text);
	buf_reset(&json);
	buf_puts(&json, "{\"value\":");
	for (i = 0; i < AZURE_JSON_DEPTH + 8; i++)
		buf_putc(&json, '[');
	for (i = 0; i < AZURE_JSON_DEPTH + 8; i++)
		buf_putc(&json, ']');
	buf_putc(&json, '}');
	rc = answer_run(AZURE_SUBNETS, json.data, json.len, &log, &next, &err);
	tap_ok(rc == -1 && strcmp(err.code, "invalid_json") == 0,
	    "nesting deeper than %d is refused", AZURE_JSON_DEPTH);
	buf_free(&log.text);
	/* The length is checked before a byte is read. */
	rc = answer_run(
	    AZURE_SUBNETS, json.data, AZURE_JSON_MAX + 1, &log, &next, &err);
	tap_ok(rc == -1 && strcmp(err.code, "answer_too_large") == 0,
	    "an answer past AZURE_JSON_MAX is refused unread");
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
	char *next;
	const char *json = dequote(VNET_JSON("'10.0.0.0/16'",
	    SUBNET_JSON("a", "'addressPrefix':'10.1.0.0/24'")));
	int rc;

	log_init(&log, &sink);
	log.refuse_errors = 1;
	rc = azure_parse(AZURE_VIRTUAL_NETWORKS, json, strlen(json), &sink,
	    arena, &next, &err);
	tap_ok(rc == -1 && strcmp(err.code, "bad_record") == 0 &&
	           err.status == 502,
	    "on_error refusing fails the answer with 502 bad_record");
	tap_str(err.message,
	    "subnet " V "/subnets/a: addressPrefix 10.1.0.0/24 lies outside "
	    "the VNet's address space (10.0.0.0/16)",
	    "bad_record names the record and why");
	buf_free(&log.text);
	log_init(&log, &sink);
	log.fail_subnets = 1;
	json = dequote(VNET_JSON("'10.0.0.0/16'",
	    SUBNET_JSON("a", "'addressPrefix':'10.0.1.0/24'")));
	rc = azure_parse(AZURE_VIRTUAL_NETWORKS, json, strlen(json), &sink,
	    arena, &next, &err);
	tap_ok(
	    rc == -1 && strcmp(err.code, "sink_full") == 0 && log.records == 1,
	    "on_subnet failing fails the answer after the VNet");
	buf_free(&log.text);
}

int
main(void)
{
	const char *root = getenv("CLOUDPAM_TESTDATA");

	if (root == NULL || *root == '\0')
		root = "../shared/testdata";
	arena = arena_new(1 << 16);
	azure_dir = arena_printf(arena, "%s/azure", root);
	tap_str(azure_resource_names[AZURE_PUBLIC_IP_ADDRESSES],
	    "publicIPAddresses", "resource names table");
	test_testdata();
	test_pagination();
	test_arm_ids();
	test_cases();
	test_limits();
	test_sink_stops();
	arena_free(arena);
	return tap_done();
}
