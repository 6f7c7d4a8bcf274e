/*
 * users.h: the identity API: who am I, and the users (admins only).
 *
 * A user is {"id", "username", "display_name", "email", "role",
 * "source", "disabled", "created_at", "updated_at", "last_login_at"}
 * (ipam_user_json); the password hash never leaves the server.  Errors
 * are the JSON envelope of DESIGN.md; a refused request changes nothing.
 * API keys are in keys.h.
 */
#ifndef CLOUDPAM_API_USERS_H
#define CLOUDPAM_API_USERS_H

#include "lib/err.h"
#include "web/request.h"
#include "web/response.h"

/* GET /api/v1/me: the caller's user, role, permissions and credential. */
int api_me(struct web_req *req, struct web_resp *resp);

/* GET /api/v1/users?page=&page_size= (at most 1000): the list envelope,
 * in username order. */
int api_users_list(struct web_req *req, struct web_resp *resp);

/*
 * POST /api/v1/users {"username", "role", "password" (required),
 * "display_name", "email"}: 201 with the user and a Location header; 400
 * naming the field for bad input ("weak_password" under 12 characters),
 * 409 "conflict" when the username is taken.
 */
int api_users_create(struct web_req *req, struct web_resp *resp);

/* GET /api/v1/users/{id}: 200 with the user, 404 when there is none. */
int api_users_get(struct web_req *req, struct web_resp *resp);

/*
 * PATCH /api/v1/users/{id} with any of "role", "disabled",
 * "display_name", "email", "password" (an admin's reset; at least one,
 * else 400 "empty_change"): 200 with the user as changed.  Disabling a
 * user or resetting a password ends the user's sessions.  409
 * "last_admin" when no enabled admin would remain, 409 "self" when
 * callers disable themselves, 409 "sso_user" for a password of a user who
 * signs in through SSO.
 */
int api_users_update(struct web_req *req, struct web_resp *resp);

/*
 * DELETE /api/v1/users/{id}: 200 {"deleted": 1}; the user's sessions and
 * keys go with it.  409 "self" for the caller, 409 "last_admin" for the
 * last enabled admin, 404 when there is none.
 */
int api_users_delete(struct web_req *req, struct web_resp *resp);

/* Check an email address: empty, or text@text without spaces.  400
 * "invalid_value" naming "email". */
int api_user_email_check(const char *email, struct err *err);

#endif
