/*
 * cloud_names.c: the names of cloud.h's enums and what each provider
 * holds back or allows, for the planner and the allocator.
 *
 * The limits are the providers' documented rules (AWS "Subnet CIDR blocks"
 * and "VPC CIDR blocks", Azure Virtual Network FAQ, Google Cloud "Subnets"
 * and "Reserved IP addresses in IPv4 subnets").  A limit of 0 means the
 * provider sets none (or, for GCP networks, that they have no range).
 */
#include "cloud/cloud.h"

#include <stddef.h>

const char *const cloud_provider_names[CLOUD_PROVIDER__MAX] = {
	"aws",   /* CLOUD_AWS */
	"gcp",   /* CLOUD_GCP */
	"azure", /* CLOUD_AZURE */
};

const char *const cloud_kind_names[CLOUD_KIND__MAX] = {
	"network", /* CLOUD_NETWORK */
	"subnet",  /* CLOUD_SUBNET */
	"address", /* CLOUD_ADDRESS */
};

static const struct cloud_limits limits[CLOUD_PROVIDER__MAX] = {
	/*
	 * CLOUD_AWS.  IPv6: a VPC gets a /56 from Amazon (/44 to /60 from
	 * IPAM or BYOIP); subnets were /64 only and may now be /44 to /64.
	 * /64 stays the common case, and the one recorded here.
	 */
	{ .reserved_first = 4,
	    .reserved_last = 1,
	    .subnet_min_len_v4 = 16,
	    .subnet_max_len_v4 = 28,
	    .network_min_len_v4 = 16,
	    .network_max_len_v4 = 28,
	    .subnet_len_v6 = 64,
	    .reserved_note =
	        "AWS keeps the first four addresses of every subnet (network, "
	        "VPC router, DNS, future use) and the last (broadcast)" },
	/*
	 * CLOUD_GCP.  Networks carry no range of their own: subnets do, from
	 * /8 to /29.  IPv6 subnet ranges are /64.
	 */
	{ .reserved_first = 2,
	    .reserved_last = 2,
	    .subnet_min_len_v4 = 8,
	    .subnet_max_len_v4 = 29,
	    .network_min_len_v4 = 0,
	    .network_max_len_v4 = 0,
	    .subnet_len_v6 = 64,
	    .reserved_note =
	        "Google Cloud keeps the first two addresses of every subnet "
	        "(network, default gateway) and the last two (second-to-last, "
	        "broadcast)" },
	/*
	 * CLOUD_AZURE.  Subnets reach down to /29 (the smallest that leaves
	 * usable addresses after the five reserved) and up to /2; a VNet's
	 * address space may be any size.  IPv6 subnets are exactly /64.
	 */
	{ .reserved_first = 4,
	    .reserved_last = 1,
	    .subnet_min_len_v4 = 2,
	    .subnet_max_len_v4 = 29,
	    .network_min_len_v4 = 0,
	    .network_max_len_v4 = 32,
	    .subnet_len_v6 = 64,
	    .reserved_note = "Azure keeps the first four addresses of every "
	                     "subnet (network, "
	                     "default gateway, two for Azure DNS) and the last "
	                     "(broadcast)" },
};

const struct cloud_limits *
cloud_limits_of(enum cloud_provider p)
{
	if ((unsigned)p >= CLOUD_PROVIDER__MAX)
		return NULL;
	return &limits[p];
}
