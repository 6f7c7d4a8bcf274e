/*
 * azure_json.h: Azure Resource Manager answers (Microsoft.Network, JSON)
 * into cloud records.
 *
 * The Azure collector fetches one page of virtualNetworks, subnets,
 * networkInterfaces or publicIPAddresses ({"value": [...], "nextLink":
 * "..."}, or a single resource from a GET) and hands the body here;
 * records go to a struct cloud_sink as they are read and the page's
 * nextLink comes back for the next request.  Only one page is ever held.
 *
 * What each answer gives:
 *   virtualNetworks: one network per VNet (cidrs = addressSpace.
 *     addressPrefixes), then one subnet per embedded subnet, each CIDR
 *     checked to lie inside one of its VNet's prefixes.
 *   subnets (Subnets_List / Subnets_Get): one subnet each; network_id is
 *     the VNet part of its id.  There is no VNet to check against.
 *   networkInterfaces: one private address per ipConfiguration
 *     (external_id its id, interface_id the NIC, attached_to the VM or
 *     private endpoint, is_primary from "primary"), and a public one when
 *     the answer was expanded with the public IP's ipAddress.
 *   publicIPAddresses: one public address per allocated public IP;
 *     external_id and allocation_id are its id, attached_to the
 *     ipConfiguration using it and interface_id that NIC, if it is one.
 *     An unallocated Dynamic public IP has no address and gives nothing;
 *     a Static one without ipAddress is an error.
 * external_id is the ARM id, account the subscription in it, region the
 * resource's "location" (a subnet's is its VNet's; Subnets_List answers
 * carry none, so region is ""), state the provisioningState, tags the
 * resource's tags.  The resource group has no field in cloud.h:
 * azure_arm_id_parse() gives it from the external_id.  discovered_at is
 * left 0 for the caller to stamp.
 *
 * Records that cannot be read correctly (host bits set, an IPv4 /64, a
 * subnet outside its VNet, a privateIPAddress that is really a prefix, a
 * version that contradicts the address) go to sink->on_error naming the
 * resource by its ARM id, and the other records continue.
 */
#ifndef CLOUDPAM_CLOUD_AZURE_JSON_H
#define CLOUDPAM_CLOUD_AZURE_JSON_H

#include <stddef.h>

#include "cloud/cloud.h"
#include "lib/err.h"

struct arena;

#define AZURE_JSON_MAX ((size_t)64 << 20) /* bytes in one answer */
#define AZURE_JSON_DEPTH 64               /* nesting of one answer */
#define AZURE_NEXT_LINK_MAX 8192          /* bytes of a nextLink */
#define AZURE_NAME_MAX 128 /* a subscription or group, NUL included */

enum azure_resource {
	AZURE_VIRTUAL_NETWORKS,    /* VirtualNetworks_List(All), _Get */
	AZURE_SUBNETS,             /* Subnets_List, Subnets_Get */
	AZURE_NETWORK_INTERFACES,  /* NetworkInterfaces_List(All), _Get */
	AZURE_PUBLIC_IP_ADDRESSES, /* PublicIPAddresses_List(All), _Get */
	AZURE_RESOURCE__MAX
};

/* "virtualNetworks", "subnets", "networkInterfaces", "publicIPAddresses". */
extern const char *const azure_resource_names[AZURE_RESOURCE__MAX];

/* The scope parts of an ARM id. */
struct azure_arm_id {
	char subscription[AZURE_NAME_MAX];
	char resource_group[AZURE_NAME_MAX]; /* "" for subscription scope */
};

/*
 * Read the subscription and resource group of an ARM id
 * ("/subscriptions/S/resourceGroups/G/providers/..."; the segment names in
 * any case, as ARM treats them).  Returns -1 with 400 "invalid_arm_id"
 * when there is no subscription or a part does not fit.
 */
int azure_arm_id_parse(
    const char *id, struct azure_arm_id *out, struct err *err);

/*
 * Parse one answer of resource r (len bytes of json, no NUL needed) and
 * hand each record to sink.  Sink callbacks left NULL are skipped, except
 * on_error: without it the first unreadable record fails the answer.
 *
 * On success returns 0 and sets *next_link to a copy in arena of the
 * answer's nextLink, or NULL on the last page.  The link is returned as
 * the API gave it: before sending credentials to it, the caller checks it
 * names the host it called.  Returns -1 with err filled when the answer
 * cannot be read at all (502 "invalid_json", "unexpected_answer" for
 * another resource type, "cloud_error" for an ARM error object), when a
 * sink callback returns -1 (err as the callback left it; an on_error
 * refusal gives 502 "bad_record") or when memory runs out (500); *next_link
 * is then NULL and records already given to the sink stay given.
 */
int azure_parse(enum azure_resource r, const char *json, size_t len,
    const struct cloud_sink *sink, struct arena *arena, char **next_link,
    struct err *err);

#endif
