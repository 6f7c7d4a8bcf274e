/*
 * Unit tests for app/cloud/cloud_names.c: the names of the provider and
 * record kinds, and each provider's reserved addresses and size limits,
 * one line per documented fact.
 */
#include "cloud/cloud.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "unit/tap.h"

/* One fact: the provider, what it says, which limit, its value. */
struct fact {
	enum cloud_provider provider;
	const char *what;
	size_t offset; /* of an int in struct cloud_limits */
	int want;
};

#define LIMIT(f) offsetof(struct cloud_limits, f)

static const struct fact facts[] = {
	{ CLOUD_AWS, "reserves the first four addresses of a subnet",
	    LIMIT(reserved_first), 4 },
	{ CLOUD_AWS, "reserves the last address of a subnet",
	    LIMIT(reserved_last), 1 },
	{ CLOUD_AWS, "largest IPv4 subnet is /16", LIMIT(subnet_min_len_v4),
	    16 },
	{ CLOUD_AWS, "smallest IPv4 subnet is /28", LIMIT(subnet_max_len_v4),
	    28 },
	{ CLOUD_AWS, "largest VPC CIDR is /16", LIMIT(network_min_len_v4), 16 },
	{ CLOUD_AWS, "smallest VPC CIDR is /28", LIMIT(network_max_len_v4),
	    28 },
	{ CLOUD_AWS, "IPv6 subnets are /64 (the common case)",
	    LIMIT(subnet_len_v6), 64 },
	{ CLOUD_AZURE, "reserves the first four addresses of a subnet",
	    LIMIT(reserved_first), 4 },
	{ CLOUD_AZURE, "reserves the last address of a subnet",
	    LIMIT(reserved_last), 1 },
	{ CLOUD_AZURE, "largest IPv4 subnet is /2", LIMIT(subnet_min_len_v4),
	    2 },
	{ CLOUD_AZURE, "smallest IPv4 subnet is /29", LIMIT(subnet_max_len_v4),
	    29 },
	{ CLOUD_AZURE, "a VNet may be any size: no largest",
	    LIMIT(network_min_len_v4), 0 },
	{ CLOUD_AZURE, "a VNet may be any size: down to /32",
	    LIMIT(network_max_len_v4), 32 },
	{ CLOUD_AZURE, "IPv6 subnets are /64", LIMIT(subnet_len_v6), 64 },
	{ CLOUD_GCP, "reserves the first two addresses (network, gateway)",
	    LIMIT(reserved_first), 2 },
	{ CLOUD_GCP, "reserves the last two (second-to-last, broadcast)",
	    LIMIT(reserved_last), 2 },
	{ CLOUD_GCP, "largest IPv4 subnet is /8", LIMIT(subnet_min_len_v4), 8 },
	{ CLOUD_GCP, "smallest IPv4 subnet is /29", LIMIT(subnet_max_len_v4),
	    29 },
	{ CLOUD_GCP, "a network has no range: no largest",
	    LIMIT(network_min_len_v4), 0 },
	{ CLOUD_GCP, "a network has no range: no smallest",
	    LIMIT(network_max_len_v4), 0 },
	{ CLOUD_GCP, "IPv6 subnets are /64", LIMIT(subnet_len_v6), 64 },
};

/* The int at offset in l. */
static int
limit_at(const struct cloud_limits *l, size_t offset)
{
	int value;

	memcpy(&value, (const char *)l + offset, sizeof(value));
	return value;
}

static void
test_names(void)
{
	tap_str(cloud_provider_names[CLOUD_AWS], "aws", "CLOUD_AWS is aws");
	tap_str(cloud_provider_names[CLOUD_GCP], "gcp", "CLOUD_GCP is gcp");
	tap_str(
	    cloud_provider_names[CLOUD_AZURE], "azure", "CLOUD_AZURE is azure");
	tap_str(cloud_kind_names[CLOUD_NETWORK], "network",
	    "CLOUD_NETWORK is network");
	tap_str(
	    cloud_kind_names[CLOUD_SUBNET], "subnet", "CLOUD_SUBNET is subnet");
	tap_str(cloud_kind_names[CLOUD_ADDRESS], "address",
	    "CLOUD_ADDRESS is address");
}

static void
test_facts(void)
{
	const struct cloud_limits *l;
	char name[160];
	size_t i;
	int have;

	for (i = 0; i < sizeof(facts) / sizeof(facts[0]); i++) {
		l = cloud_limits_of(facts[i].provider);
		snprintf(name, sizeof(name), "%s %s",
		    cloud_provider_names[facts[i].provider], facts[i].what);
		have = l != NULL ? limit_at(l, facts[i].offset) : -1;
		tap_int(have, facts[i].want, name);
	}
}

static void
test_notes(void)
{
	int p;

	for (p = 0; p < CLOUD_PROVIDER__MAX; p++)
		tap_ok(cloud_limits_of(p) != NULL &&
		           cloud_limits_of(p)->reserved_note != NULL &&
		           cloud_limits_of(p)->reserved_note[0] != '\0',
		    "%s says which addresses it reserves",
		    cloud_provider_names[p]);
	tap_ok(cloud_limits_of(CLOUD_PROVIDER__MAX) == NULL,
	    "no limits for an unknown provider");
}

int
main(void)
{
	test_names();
	test_facts();
	test_notes();
	return tap_done();
}
