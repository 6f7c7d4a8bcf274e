/*
 * app.h: what every handler can reach through req->app.
 *
 * One struct app per worker process, made when the worker starts and
 * freed when it exits.  Handlers read it; nothing in it changes while a
 * request is served, except the scratch buffer.
 */
#ifndef CLOUDPAM_API_APP_H
#define CLOUDPAM_API_APP_H

#include <stddef.h>
#include <time.h>

#include "ipam/identity.h"
#include "lib/config.h"
#include "store/store.h"
#include "web/router.h"
#include "web/template.h"

#define APP_ASSET_URL_MAX 160

struct app {
	const struct config *cfg;
	struct store *store;
	struct template_set *templates;
	const struct web_route *routes;
	size_t nroutes;
	const char *const *route_labels; /* route patterns, for metrics */
	time_t started_at;
	char asset_css[APP_ASSET_URL_MAX]; /* fingerprinted URLs */
	char asset_js[APP_ASSET_URL_MAX];
	char asset_icon[APP_ASSET_URL_MAX];
	struct ipam_auth_config auth;   /* sessions, passwords, SSO */
	char secret[SECRET_TOKEN_SIZE]; /* the instance secret (CSRF) */
};

#endif
