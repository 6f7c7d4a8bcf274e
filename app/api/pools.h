/*
 * pools.h: the pools API.
 */
#ifndef CLOUDPAM_API_POOLS_H
#define CLOUDPAM_API_POOLS_H

#include "web/request.h"
#include "web/response.h"

/* GET /api/v1/pools: filters vrf_id, parent_id (0: top-level),
 * account_id, type, status, source, family, tag (key:value), q. */
int api_pools_list(struct web_req *req, struct web_resp *resp);
/* POST /api/v1/pools: 201 with Location. */
int api_pools_create(struct web_req *req, struct web_resp *resp);
int api_pools_get(struct web_req *req, struct web_resp *resp);
int api_pools_update(struct web_req *req, struct web_resp *resp);
/* DELETE /api/v1/pools/{id}?cascade=true */
int api_pools_delete(struct web_req *req, struct web_resp *resp);
/* POST /api/v1/pools/{id}/allocate */
int api_pools_allocate(struct web_req *req, struct web_resp *resp);
/* GET /api/v1/pools/{id}/blocks?prefix_len=&status=&page=&page_size= */
int api_pools_blocks(struct web_req *req, struct web_resp *resp);
/* GET /api/v1/pools/{id}/utilization: the pool and its children. */
int api_pools_utilization(struct web_req *req, struct web_resp *resp);
/* GET /api/v1/pools/tree?vrf_id=&root=&depth= */
int api_pools_tree(struct web_req *req, struct web_resp *resp);
/* GET /api/v1/blocks: leaf pools across all pools. */
int api_blocks_list(struct web_req *req, struct web_resp *resp);

#endif
