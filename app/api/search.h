/*
 * search.h: the search API.
 */
#ifndef CLOUDPAM_API_SEARCH_H
#define CLOUDPAM_API_SEARCH_H

#include "web/request.h"
#include "web/response.h"

/*
 * GET /api/v1/search with one of ip (every pool containing it, innermost
 * first), cidr_contains, cidr_within, or q (an address, a prefix, or
 * text matched against names, external ids and descriptions); vrf_id
 * narrows to one VRF.
 */
int api_search(struct web_req *req, struct web_resp *resp);

#endif
