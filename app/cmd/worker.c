/*
 * worker.c: the accept loop of a worker, and plain CGI.
 *
 * Signals: SIGTERM and SIGINT are blocked except while the worker waits
 * in ppoll() for a connection, so a signal can only interrupt the wait,
 * never a request.  A stopping worker therefore finishes the request in
 * hand and exits before accepting another.  The listening socket is
 * non-blocking: when several workers wake for one connection, those that
 * lose the race get EAGAIN from accept and go back to waiting.
 */
#define _GNU_SOURCE /* ppoll(2) */
#include "cmd/worker.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "api/app.h"
#include "api/auth.h"
#include "cmd/dispatch.h"
#include "cmd/routes.h"
#include "lib/log.h"
#include "lib/metrics.h"

extern char **environ;

static volatile sig_atomic_t worker_stop;
static int worker_supervised;

static void
on_stop(int sig)
{
	(void)sig;
	worker_stop = 1;
}

/* FNV-1a over a file's bytes: a short, stable fingerprint for its URL. */
static void
asset_url(char *out, size_t size, const char *dir, const char *file)
{
	char path[4096];
	unsigned char chunk[8192];
	uint64_t h = 1469598103934665603ULL;
	size_t n, i;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "rb");
	if (f != NULL) {
		while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
			for (i = 0; i < n; i++)
				h = (h ^ chunk[i]) * 1099511628211ULL;
		fclose(f);
	}
	snprintf(out, size, "/static/%s?v=%08llx", file,
	    (unsigned long long)(h & 0xffffffffULL));
}

static int
app_init(struct app *app, const struct config *cfg)
{
	static const char *labels[METRICS_ROUTES_MAX];
	struct store_options opt;
	struct err err = ERR_INIT;
	const char *dir = config_str(cfg, CONFIG_STATIC_DIR);
	struct arena *tmp;
	char *secret;
	size_t i;

	memset(app, 0, sizeof(*app));
	app->cfg = cfg;
	if (cloudpam_routes_init() == -1) {
		log_msg(LOG_LEVEL_ERROR, "worker: too many routes");
		return -1;
	}
	if (auth_routes_check(cloudpam_routes, cloudpam_nroutes) == -1)
		return -1;
	app->routes = cloudpam_routes;
	app->nroutes = cloudpam_nroutes;
	for (i = 0; i < cloudpam_nroutes && i < METRICS_ROUTES_MAX; i++)
		labels[i] = cloudpam_routes[i].pattern;
	app->route_labels = labels;
	app->started_at = time(NULL);
	opt.busy_timeout_ms = (int)config_int(cfg, CONFIG_BUSY_TIMEOUT);
	opt.readonly = 0;
	/* Under our supervisor, it checkpoints; requests never do. */
	opt.external_checkpoints = worker_supervised;
	app->store =
	    store_open(config_str(cfg, CONFIG_DATABASE_URL), &opt, &err);
	if (app->store == NULL) {
		log_msg(LOG_LEVEL_ERROR, "worker: %s", err.message);
		return -1;
	}
	app->templates = template_set_new(config_str(cfg, CONFIG_TEMPLATE_DIR),
	    (int)config_int(cfg, CONFIG_DEV));
	if (app->templates == NULL) {
		log_msg(LOG_LEVEL_ERROR, "worker: cannot load templates");
		return -1;
	}
	if ((tmp = arena_new(4096)) == NULL)
		return -1;
	if (ipam_auth_config_load(cfg, &app->auth, &err) == -1 ||
	    ipam_instance_secret(app->store, tmp, &secret, &err) == -1) {
		log_msg(LOG_LEVEL_ERROR, "worker: %s", err.message);
		arena_free(tmp);
		return -1;
	}
	snprintf(app->secret, sizeof(app->secret), "%s", secret);
	arena_free(tmp);
	asset_url(app->asset_css, sizeof(app->asset_css), dir, "css/app.css");
	asset_url(app->asset_js, sizeof(app->asset_js), dir, "js/app.js");
	asset_url(
	    app->asset_icon, sizeof(app->asset_icon), dir, "img/favicon.svg");
	return 0;
}

static void
app_free(struct app *app)
{
	store_free(app->store);
	template_set_free(app->templates);
	app->store = NULL;
	app->templates = NULL;
}

static ssize_t
fcgi_read(void *ctx, char *data, size_t n)
{
	FCGX_Request *r = ctx;
	int chunk = n > INT32_MAX ? INT32_MAX : (int)n;

	return FCGX_GetStr(data, chunk, r->in);
}

static int
fcgi_write(void *ctx, const char *data, size_t n)
{
	FCGX_Request *r = ctx;

	if (n > INT32_MAX)
		return -1;
	return FCGX_PutStr(data, (int)n, r->out) == (int)n ? 0 : -1;
}

static void
signals_setup(sigset_t *blocked)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigemptyset(blocked);
	sigaddset(blocked, SIGTERM);
	sigaddset(blocked, SIGINT);
	sigprocmask(SIG_BLOCK, blocked, NULL);
}

/* Wait for a connection; 0 when one may be there, -1 to stop. */
static int
wait_connection(int fd, const sigset_t *waitmask)
{
	struct pollfd pfd = { fd, POLLIN, 0 };
	struct timespec tick = { 1, 0 };
	int rc;

	for (;;) {
		if (worker_stop || (worker_supervised && getppid() == 1))
			return -1;
		rc = ppoll(&pfd, 1, &tick, waitmask);
		if (rc > 0)
			return 0;
		if (rc == -1 && errno != EINTR) {
			log_msg(LOG_LEVEL_ERROR, "worker: poll: %s",
			    strerror(errno));
			return -1;
		}
	}
}

int
worker_run(const struct config *cfg, int listen_fd, int supervised)
{
	struct dispatch_state ds;
	struct dispatch_io io;
	struct app app;
	FCGX_Request request;
	sigset_t blocked, waitmask;
	long long max = config_int(cfg, CONFIG_MAX_REQUESTS);
	int rc, code = WORKER_EXIT_STOPPED;

	worker_supervised = supervised;
	signals_setup(&blocked);
	sigprocmask(SIG_SETMASK, NULL, &waitmask);
	sigdelset(&waitmask, SIGTERM);
	sigdelset(&waitmask, SIGINT);
#ifdef PR_SET_PDEATHSIG
	if (supervised)
		prctl(PR_SET_PDEATHSIG, SIGTERM);
#endif
	if (app_init(&app, cfg) == -1 || dispatch_state_init(&ds) == -1) {
		app_free(&app);
		return WORKER_EXIT_FAILED;
	}
	fcntl(listen_fd, F_SETFL, fcntl(listen_fd, F_GETFL) | O_NONBLOCK);
	FCGX_Init();
	FCGX_InitRequest(&request, listen_fd, 0);
	io.ctx = &request;
	io.read = fcgi_read;
	io.write = fcgi_write;
	log_msg(LOG_LEVEL_DEBUG, "worker started");
	while (max == 0 || ds.served < (unsigned long long)max) {
		if (wait_connection(listen_fd, &waitmask) == -1)
			break;
		rc = FCGX_Accept_r(&request);
		if (rc < 0)
			continue; /* another worker won it, or it went away */
		dispatch_request(&app, &ds, request.envp, &io);
		FCGX_Finish_r(&request);
	}
	if (max != 0 && ds.served >= (unsigned long long)max)
		log_msg(LOG_LEVEL_INFO, "worker recycled after %llu requests",
		    ds.served);
	FCGX_Free(&request, 1);
	dispatch_state_free(&ds);
	app_free(&app);
	return code;
}

static ssize_t
stdin_read(void *ctx, char *data, size_t n)
{
	(void)ctx;
	return read(0, data, n);
}

static int
stdout_write(void *ctx, const char *data, size_t n)
{
	(void)ctx;
	return fwrite(data, 1, n, stdout) == n ? 0 : -1;
}

int
worker_cgi(const struct config *cfg)
{
	struct dispatch_state ds;
	struct dispatch_io io = { NULL, stdin_read, stdout_write };
	struct app app;

	if (app_init(&app, cfg) == -1 || dispatch_state_init(&ds) == -1) {
		app_free(&app);
		fputs("Status: 503 Service Unavailable\r\n"
		      "Content-Type: text/plain\r\n\r\nunavailable\n",
		    stdout);
		return WORKER_EXIT_FAILED;
	}
	dispatch_request(&app, &ds, environ, &io);
	fflush(stdout);
	dispatch_state_free(&ds);
	app_free(&app);
	return WORKER_EXIT_STOPPED;
}
