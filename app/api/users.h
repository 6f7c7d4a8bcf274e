/*
 * users.h: the identity API: who am I, users and API keys.
 */
#ifndef CLOUDPAM_API_USERS_H
#define CLOUDPAM_API_USERS_H

#include "web/request.h"
#include "web/response.h"

/* GET /api/v1/me: the caller's user, role, permissions and credential. */
int api_me(struct web_req *req, struct web_resp *resp);

#endif
