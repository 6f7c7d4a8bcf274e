/*
 * gcp_json.h: Compute Engine v1 answers (JSON) into cloud records.
 *
 * The GCP collector fetches one page of networks, subnetworks, instances or
 * addresses (list, aggregatedList or get) and hands the body here; records
 * go to a struct cloud_sink as they are read and the page's nextPageToken
 * comes back for the next request.  Only one page is ever held.
 *
 * Identifiers are GCP's relative resource names, taken from selfLink and
 * from the URLs that refer to other resources:
 *   network  external_id  projects/P/global/networks/N
 *   subnet   external_id  projects/P/regions/R/subnetworks/S
 *            network_id   the network's relative name (its "network" URL)
 *   reserved address      projects/P/regions/R/addresses/A (or global/...),
 *                         also its allocation_id
 *   instance address      interface_id  projects/P/zones/Z/instances/I/
 *                                       networkInterfaces/nic0
 *                         external_id   interface_id + "/networkIP",
 *                                       "/ipv6Address", "/accessConfigs/K"
 *                                       or "/ipv6AccessConfigs/K"
 *                         attached_to   the instance's relative name
 * The relative name keeps the project, so a shared-VPC subnet or interface
 * points at the network of the host project, not a same-named one of its
 * own project.  account is the project of the record's own selfLink,
 * region and zone come from it too ("global" for networks and global
 * addresses; an instance's region is its zone without the last "-x").
 * discovered_at is left 0 for the caller to stamp.
 *
 * Records that cannot be read correctly (a CIDR with host bits set or an
 * IPv4 /64, an address that is really a range, a missing selfLink, a scope
 * the API could not reach) go to sink->on_error naming the resource by its
 * relative name, and the other records continue.
 */
#ifndef CLOUDPAM_CLOUD_GCP_JSON_H
#define CLOUDPAM_CLOUD_GCP_JSON_H

#include <stddef.h>

#include "cloud/cloud.h"
#include "lib/err.h"

struct arena;

#define GCP_JSON_MAX ((size_t)64 << 20) /* bytes in one answer */
#define GCP_JSON_DEPTH 64               /* nesting of one answer */
#define GCP_TOKEN_MAX 4096              /* bytes of a nextPageToken */

enum gcp_resource {
	GCP_NETWORKS,    /* networks.list, networks.get */
	GCP_SUBNETWORKS, /* subnetworks.list, aggregatedList, get */
	GCP_INSTANCES,   /* instances.list, aggregatedList, get */
	GCP_ADDRESSES,   /* addresses.list, aggregatedList, get */
	GCP_RESOURCE__MAX
};

/* "networks", "subnetworks", "instances", "addresses". */
extern const char *const gcp_resource_names[GCP_RESOURCE__MAX];

/*
 * Parse one answer of resource r (len bytes of json, no NUL needed) and
 * hand each record to sink.  project, unless NULL, is the project the
 * answer was asked for: a record whose selfLink names another is refused
 * (it would be filed under the wrong account).  Sink callbacks left NULL
 * are skipped, except on_error: without it the first unreadable record
 * fails the answer.
 *
 * On success returns 0 and sets *next_page_token to a copy in arena of the
 * answer's nextPageToken, or NULL on the last page.  Returns -1 with err
 * filled when the answer cannot be read at all (502 "invalid_json",
 * "unexpected_answer" for another resource's answer, "cloud_error" for an
 * API error object), when a sink callback returns -1 (err as the callback
 * left it; an on_error refusal gives 502 "bad_record") or when memory
 * runs out (500); *next_page_token is then NULL and records already given
 * to the sink stay given.
 */
int gcp_parse(enum gcp_resource r, const char *json, size_t len,
    const char *project, const struct cloud_sink *sink, struct arena *arena,
    char **next_page_token, struct err *err);

/*
 * Read only the nextPageToken of any Compute list answer (regions, zones,
 * operations, ...), for lists that are paged through but not imported.
 * Results and failures as gcp_parse.
 */
int gcp_page_token(const char *json, size_t len, struct arena *arena,
    char **next_page_token, struct err *err);

#endif
