/*
 * auth.c: credentials to identity, identity to permission, and CSRF.
 */
#include "api/auth.h"

#include <string.h>
#include <strings.h>
#include <time.h>

#include "api/app.h"
#include "ipam/audit.h"
#include "lib/log.h"
#include "ui/errors.h"

static const struct ipam_identity anonymous;

const struct ipam_identity *
auth_identity(const struct web_req *req)
{
	return req->identity != NULL ? req->identity : &anonymous;
}

/* The token of "Authorization: Bearer TOKEN", or NULL. */
static const char *
bearer_of(const struct web_req *req)
{
	const char *h = web_header(req, "Authorization");

	if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0)
		return NULL;
	h += 7;
	while (*h == ' ')
		h++;
	return h;
}

/* The SSO claims the front server set, when trusted and present. */
static int
sso_claims(struct web_req *req, const struct ipam_auth_config *cfg,
    struct ipam_sso_claims *c)
{
	const char *user = web_param(req, "REMOTE_USER");
	const char *type = web_param(req, "AUTH_TYPE");
	const char *claim;

	/*
	 * Both set by the front server, exactly as configured: nginx's stock
	 * fastcgi_params pass REMOTE_USER=$remote_user, the unchecked name of
	 * a client's Basic header, but never an AUTH_TYPE.
	 */
	if (!cfg->trust_sso || user == NULL || user[0] == '\0' ||
	    type == NULL || strcmp(type, cfg->sso_auth_type) != 0)
		return 0;
	memset(c, 0, sizeof(*c));
	c->remote_user = user;
	c->email = web_param(req, "OIDC_CLAIM_email");
	c->name = web_param(req, "OIDC_CLAIM_name");
	claim = arena_printf(req->arena, "OIDC_CLAIM_%s", cfg->sso_role_claim);
	c->roles = claim ? web_param(req, claim) : NULL;
	return 1;
}

#ifdef CLOUDPAM_BENCH_NO_AUTH
/* `make bench` only: everyone is an admin, nothing is looked up. */
static int
identify(struct web_req *req, struct ipam_identity *id, struct err *err)
{
	(void)bearer_of;
	(void)sso_claims;
	(void)req;
	(void)err;
	memset(id, 0, sizeof(*id));
	id->kind = IPAM_AUTH_KEY;
	id->user.username = "bench";
	id->user.role = "admin";
	id->user.display_name = "";
	id->role = IPAM_ROLE_ADMIN;
	id->perms = ipam_role_perms(IPAM_ROLE_ADMIN);
	id->scope = "write";
	return 0;
}
#else
static int
identify(struct web_req *req, struct ipam_identity *id, struct err *err)
{
	struct app *app = req->app;
	struct ipam_sso_claims c;
	const char *bearer = bearer_of(req);
	time_t now = time(NULL);

	if (bearer != NULL)
		return ipam_key_identify(
		    app->store, req->arena, bearer, now, id, err);
	if (sso_claims(req, &app->auth, &c)) {
		/* A first sign-in creates the user: recorded as its own act. */
		struct ipam_actor a = { c.remote_user, "user", 0,
			req->request_id,
			req->remote_addr ? req->remote_addr : "" };

		ipam_audit_set_actor(&a);
		return ipam_sso_identify(
		    app->store, req->arena, &app->auth, &c, id, err);
	}
	return ipam_session_identify(app->store, req->arena, &app->auth,
	    web_cookie(req, AUTH_SESSION_COOKIE), now, id, err);
}
#endif

static void
set_actor(const struct web_req *req, const struct ipam_identity *id)
{
	struct ipam_actor a;

	memset(&a, 0, sizeof(a));
	a.request_id = req->request_id;
	a.client_addr = req->remote_addr ? req->remote_addr : "";
	if (id->kind == IPAM_AUTH_NONE) {
		a.name = "anonymous";
		a.type = "anonymous";
	} else {
		a.name = id->user.username;
		a.type = id->kind == IPAM_AUTH_KEY ? "key" : "user";
		a.key_id = id->key_id;
	}
	ipam_audit_set_actor(&a);
}

const char *
auth_csrf_token(const struct web_req *req)
{
	const struct ipam_identity *id = auth_identity(req);
	struct app *app = req->app;
	char *out;

	if (id->kind != IPAM_AUTH_SESSION && id->kind != IPAM_AUTH_SSO)
		return NULL;
	out = arena_alloc(req->arena, SECRET_TOKEN_SIZE);
	if (out == NULL || ipam_csrf_token(id, app->secret, out) == -1)
		return NULL;
	return out;
}

/* Whether a cookie-borne identity sent the right token with a change. */
static int
csrf_ok(struct web_req *req)
{
	const struct ipam_identity *id = auth_identity(req);
	const char *want, *got;

	if (req->method == WEB_GET || req->method == WEB_HEAD ||
	    req->method == WEB_OPTIONS)
		return 1;
	if (id->kind != IPAM_AUTH_SESSION && id->kind != IPAM_AUTH_SSO)
		return 1; /* a key is no ambient credential */
	want = auth_csrf_token(req);
	got = web_form(req, "csrf_token");
	if (got == NULL)
		got = web_header(req, "X-CSRF-Token");
	return want != NULL && got != NULL && secret_equal(want, got);
}

static int
deny(struct web_req *req, struct web_resp *resp, int api, const struct err *err)
{
	if (api)
		web_fail(resp, err);
	else
		ui_error(req, resp, err);
	return 1;
}

/* Send a person without identity to the login page (or to set-up). */
static int
to_login(struct web_req *req, struct web_resp *resp)
{
	struct app *app = req->app;
	struct err err = ERR_INIT;
	struct buf next = BUF_INIT;
	const char *where;
	int open = 0;

	if (ipam_setup_open(app->store, &open, &err) == 0 && open)
		return web_redirect(resp, 303, "/setup"), 1;
	buf_puts(&next, "/login?next=");
	buf_url_encode(&next, req->raw_path);
	if (req->query[0] != '\0') {
		buf_url_encode(&next, "?");
		buf_url_encode(&next, req->query);
	}
	where = next.oom ? "/login" : arena_strdup(req->arena, next.data);
	buf_free(&next);
	web_redirect(resp, 303, where ? where : "/login");
	return 1;
}

int
auth_gate(
    struct web_req *req, struct web_resp *resp, const struct web_route *route)
{
	struct ipam_identity *id;
	struct err err = ERR_INIT;
	enum ipam_perm perm;
	int api = route->kind == WEB_ROUTE_API, accounts;

	id = arena_alloc(req->arena, sizeof(*id));
	if (id == NULL) {
		err_set(&err, 500, "internal", "out of memory");
		return deny(req, resp, api, &err);
	}
	if (ipam_perm_parse(route->permission, &perm, &accounts) == -1)
		perm = IPAM_PERM_ADMIN; /* refused at start; never looser */
	if (identify(req, id, &err) == -1) {
		ipam_audit_set_actor(NULL);
		if (err.status == 401)
			web_header_set(resp, "WWW-Authenticate",
			    "Bearer realm=\"CloudPAM\"");
		if (err.status >= 500)
			log_fields(LOG_LEVEL_ERROR, "identify failed", "detail",
			    err.message, NULL);
		return deny(req, resp, api, &err);
	}
	req->identity = id;
	set_actor(req, id);
	if (id->kind == IPAM_AUTH_NONE && perm != IPAM_PERM_PUBLIC) {
		if (!api)
			return to_login(req, resp);
		err_set(&err, 401, "unauthenticated",
		    "sign in or send an API key: Authorization: Bearer "
		    "cpk_...");
		web_header_set(
		    resp, "WWW-Authenticate", "Bearer realm=\"CloudPAM\"");
		return deny(req, resp, api, &err);
	}
	if (!ipam_identity_may(id, perm, accounts)) {
		err_set(&err, 403, "forbidden",
		    "%s (%s%s) may not do this: it needs the %s permission",
		    id->user.username,
		    id->kind == IPAM_AUTH_KEY ? "key scope " : "role ",
		    id->kind == IPAM_AUTH_KEY ? id->scope : id->user.role,
		    ipam_perm_names[perm]);
		return deny(req, resp, api, &err);
	}
	if (!csrf_ok(req)) {
		err_set(&err, 403, "csrf",
		    "the form is out of date or did not come from CloudPAM: "
		    "reload the page and try again");
		return deny(req, resp, api, &err);
	}
	return 0;
}

void
auth_session_cookie(
    struct web_req *req, struct web_resp *resp, const char *token)
{
	struct app *app = req->app;

	web_header_setf(resp, "Set-Cookie",
	    AUTH_SESSION_COOKIE "=%s; Path=/; Max-Age=%lld; HttpOnly; "
	                        "SameSite=Lax%s",
	    token, (long long)app->auth.session_max,
	    req->https ? "; Secure" : "");
}

void
auth_session_cookie_clear(struct web_req *req, struct web_resp *resp)
{
	web_header_setf(resp, "Set-Cookie",
	    AUTH_SESSION_COOKIE "=; Path=/; Max-Age=0; HttpOnly; "
	                        "SameSite=Lax%s",
	    req->https ? "; Secure" : "");
}

int
auth_account_check(
    const struct web_req *req, int64_t account_id, struct err *err)
{
	const struct ipam_identity *id = auth_identity(req);

	if (ipam_identity_account_ok(id, account_id))
		return 0;
	return err_set(err, 403, "forbidden",
	    "this collector key may not reach %s",
	    account_id ? "that account" : "pools without an account");
}

int
auth_routes_check(const struct web_route *routes, size_t n)
{
	enum ipam_perm perm;
	size_t i;
	int accounts;

	for (i = 0; i < n; i++)
		if (ipam_perm_parse(routes[i].permission, &perm, &accounts) ==
		    -1) {
			log_msg(LOG_LEVEL_ERROR,
			    "route %s has no valid permission (\"%s\")",
			    routes[i].pattern, routes[i].permission);
			return -1;
		}
	return 0;
}
