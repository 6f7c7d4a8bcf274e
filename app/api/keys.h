/*
 * keys.h: the API keys API (admins only).
 *
 * A key is {"id", "name", "prefix" ("cpk_<id>_"), "scope", "accounts",
 * "user_id", "username", "expires_at", "last_used_at", "revoked_at",
 * "revoked", "created_at"} (ipam_key_json).  The secret is shown once,
 * as "token" in the answer to the create, and never again: only its
 * hash is kept.  Errors are the JSON envelope of DESIGN.md.
 */
#ifndef CLOUDPAM_API_KEYS_H
#define CLOUDPAM_API_KEYS_H

#include <stdint.h>

#include "web/request.h"
#include "web/response.h"

/* GET /api/v1/keys?user_id=&page=&page_size= (at most 1000): the list
 * envelope, newest first; user_id keeps one owner's keys. */
int api_keys_list(struct web_req *req, struct web_resp *resp);

/*
 * POST /api/v1/keys {"name", "scope" (required: read, write or
 * collector), "user_id" (default: the caller), "accounts" (collector
 * keys: the account ids they may reach), "expires_at" (ISO 8601 UTC, or
 * null for never)}: 201 with the key, "token" added, and a Location
 * header.  400 naming the field for bad input, an expiry in the past, a
 * scope beyond the owner's role, an unknown user or account.
 */
int api_keys_create(struct web_req *req, struct web_resp *resp);

/* GET /api/v1/keys/{id}: 200 with the key (never its secret), 404. */
int api_keys_get(struct web_req *req, struct web_resp *resp);

/* DELETE /api/v1/keys/{id}: revoke; 200 with the revoked key, 409
 * "already_revoked", 404 when there is none. */
int api_keys_revoke(struct web_req *req, struct web_resp *resp);

/*
 * Parse an ISO 8601 UTC time, "2027-01-01T00:00:00Z" or the date
 * "2027-01-01" (its midnight), into Unix seconds.  -1 when text is not
 * one of these or names no real time (a 31st of April, hour 24).
 */
int api_time_parse(const char *text, int64_t *out);

#endif
