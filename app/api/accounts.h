/*
 * accounts.h: the accounts API.
 *
 * An account is a cloud account, project or subscription, or a data
 * centre: {"id", "provider", "external_key", "name", "platform", "tier",
 * "environment", "regions", "tags", "description", "pools_count",
 * "created_at", "updated_at"} (ipam_account_json).  Errors are the JSON
 * envelope of DESIGN.md.
 */
#ifndef CLOUDPAM_API_ACCOUNTS_H
#define CLOUDPAM_API_ACCOUNTS_H

#include "web/request.h"
#include "web/response.h"

/*
 * GET /api/v1/accounts?q=&provider=&page=&page_size= (at most 1000): the
 * list envelope in name order.  q matches a part of the name or external
 * key; provider is one of aws, gcp, azure, onprem, other (else 400
 * "invalid_parameter").
 */
int api_accounts_list(struct web_req *req, struct web_resp *resp);

/*
 * POST /api/v1/accounts {"provider", "external_key", "name" (all three
 * required), "platform", "tier", "environment", "regions", "tags",
 * "description"}: 201 with the account and a Location header.  400 names
 * the field at fault (a key of the wrong form for its provider names
 * "external_key"); 409 "conflict" when provider and key exist already.
 */
int api_accounts_create(struct web_req *req, struct web_resp *resp);

/* GET /api/v1/accounts/{id}: 200 with the account, 404 when none. */
int api_accounts_get(struct web_req *req, struct web_resp *resp);

/*
 * PATCH /api/v1/accounts/{id} with any of the fields of a create (at
 * least one, else 400 "empty_change"): the given fields replace the
 * stored ones and the whole account is checked again, as on create.
 */
int api_accounts_update(struct web_req *req, struct web_resp *resp);

/* DELETE /api/v1/accounts/{id}: 200 {"deleted": 1}; 409 "in_use" while
 * pools refer to it, 404 when none. */
int api_accounts_delete(struct web_req *req, struct web_resp *resp);

#endif
