/*
 * auth.h: the gate every request passes between the router and its
 * handler.
 *
 * The credentials a request may carry, in order: an "Authorization:
 * Bearer cpk_..." key; the front server's SSO parameters (REMOTE_USER,
 * OIDC_CLAIM_*, exact-case FastCGI parameters, only when
 * CLOUDPAM_TRUST_SSO=1; never an HTTP_* parameter, which is what a
 * client's header becomes); the session cookie.  The identity found is
 * checked against the route's permission: none on an API route is 401
 * with the JSON envelope, on a page a redirect to the login page (or to
 * /setup while there is no user); the wrong role is 403.  A state-changing
 * request made with a cookie (session or SSO) must carry the CSRF token,
 * as the csrf_token form field or the X-CSRF-Token header, or it is 403
 * and changes nothing.
 */
#ifndef CLOUDPAM_API_AUTH_H
#define CLOUDPAM_API_AUTH_H

#include "ipam/identity.h"
#include "web/request.h"
#include "web/response.h"
#include "web/router.h"

#define AUTH_SESSION_COOKIE "cloudpam_session"

/*
 * Identify req and check it may call route.  0: go on (req->identity is
 * set); 1: the answer is already in resp.
 */
int auth_gate(
    struct web_req *req, struct web_resp *resp, const struct web_route *route);

/* The identity of the request (kind NONE when anonymous; never NULL after
 * the gate). */
const struct ipam_identity *auth_identity(const struct web_req *req);

/* The CSRF token pages put in their forms; NULL without a cookie session. */
const char *auth_csrf_token(const struct web_req *req);

/* Set the session cookie (Secure when the front server says TLS). */
void auth_session_cookie(
    struct web_req *req, struct web_resp *resp, const char *token);

/* Expire the session cookie. */
void auth_session_cookie_clear(struct web_req *req, struct web_resp *resp);

/* 403 "forbidden" into err when a collector key may not touch
 * account_id; 0 when it may. */
int auth_account_check(
    const struct web_req *req, int64_t account_id, struct err *err);

/* Check every route's permission text parses.  -1 naming the route. */
int auth_routes_check(const struct web_route *routes, size_t n);

#endif
