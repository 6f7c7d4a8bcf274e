/*
 * serve.c: the pre-fork supervisor and the three ways `serve` runs.
 *
 * The supervisor binds the socket, forks the workers and then only
 * watches: it replaces a worker that dies (with a growing delay when
 * workers keep crashing, so a broken database does not become a fork
 * loop), replaces a recycled worker at once, restarts workers one by one
 * on SIGHUP (the new one is accepting before the old one is told to
 * stop, so no request is refused), and on SIGTERM or SIGINT stops them
 * all, giving requests in flight up to --shutdown-timeout seconds.
 *
 * Signals reach the supervisor through sigtimedwait() with all of them
 * blocked, so there is no handler and no race with the main loop.
 */
#include "cmd/serve.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netdb.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cmd/worker.h"
#include "ipam/identity.h"
#include "lib/log.h"
#include "lib/metrics.h"
#include "store/store.h"

#define WORKERS_MAX 256
#define BACKOFF_MIN_MS 100
#define BACKOFF_MAX_MS 10000

struct slot {
	pid_t pid;         /* 0: empty */
	double started;    /* monotonic seconds */
	double restart_at; /* when empty: when to fork again */
	int backoff_ms;
};

struct pool {
	const struct config *cfg;
	struct store *checkpointer; /* the supervisor's own connection */
	int listen_fd;
	int nworkers;
	struct slot slots[WORKERS_MAX];
	int stopping;
};

static double
now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A unix socket file nobody answers on is left over from a crash. */
static int
unix_socket_stale(const char *path)
{
	struct sockaddr_un sa;
	struct stat st;
	int fd, rc;

	if (lstat(path, &st) == -1)
		return errno == ENOENT ? 1 : 0;
	if (!S_ISSOCK(st.st_mode))
		return 0;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return 0;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	rc = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	close(fd);
	return rc == -1 && errno == ECONNREFUSED;
}

static int
bind_unix(const char *path, long long mode, struct err *err)
{
	struct sockaddr_un sa;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return err_set(
		    err, 1, "listen", "socket path too long: %s", path);
	if (!unix_socket_stale(path))
		return err_set(err, 1, "listen",
		    "%s is in use (another cloudpam serving?) or is not a "
		    "socket",
		    path);
	unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return err_set(err, 1, "listen", "socket: %s", strerror(errno));
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1 ||
	    chmod(path, (mode_t)mode) == -1 || listen(fd, 1024) == -1) {
		err_set(err, 1, "listen", "cannot listen on %s: %s", path,
		    strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int
bind_tcp(const char *spec, struct err *err)
{
	struct addrinfo hints, *res = NULL;
	char host[256];
	const char *colon = strrchr(spec, ':');
	int fd = -1, one = 1;

	if (colon == NULL || (size_t)(colon - spec) >= sizeof(host))
		return err_set(err, 1, "listen",
		    "tcp listen address must be tcp:HOST:PORT");
	memcpy(host, spec, (size_t)(colon - spec));
	host[colon - spec] = '\0';
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if (getaddrinfo(host[0] ? host : NULL, colon + 1, &hints, &res) != 0)
		return err_set(err, 1, "listen", "cannot resolve %s", spec);
	fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd != -1)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd == -1 || bind(fd, res->ai_addr, res->ai_addrlen) == -1 ||
	    listen(fd, 1024) == -1) {
		err_set(err, 1, "listen", "cannot listen on %s: %s", spec,
		    strerror(errno));
		if (fd != -1)
			close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

static int
pool_listen(const struct config *cfg, struct err *err)
{
	const char *listen = config_str(cfg, CONFIG_LISTEN);

	if (strncmp(listen, "unix:", 5) == 0)
		return bind_unix(
		    listen + 5, config_int(cfg, CONFIG_SOCKET_MODE), err);
	return bind_tcp(listen + 4, err);
}

/*
 * Write our pid to path and hold an exclusive lock on it while we run.
 * The kernel drops the lock when the process ends, however it ends, so a
 * pid file left by a killed supervisor is recognised as stale even while
 * that process is still a zombie (which kill(pid, 0) would call alive).
 */
static int
pid_file_write(const char *path, struct err *err)
{
	char text[32];
	long pid = 0;
	int fd, n;

	if (path[0] == '\0')
		return 0;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd == -1)
		return err_set(err, 1, "pid_file", "cannot open %s: %s", path,
		    strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		n = (int)read(fd, text, sizeof(text) - 1);
		text[n > 0 ? n : 0] = '\0';
		pid = strtol(text, NULL, 10);
		close(fd);
		return err_set(err, 1, "pid_file",
		    "%s is held by a running cloudpam (%ld): already serving?",
		    path, pid);
	}
	n = snprintf(text, sizeof(text), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == -1 || write(fd, text, (size_t)n) != n) {
		close(fd);
		return err_set(err, 1, "pid_file", "cannot write %s", path);
	}
	/* fd stays open (and locked) for the life of the supervisor. */
	return 0;
}

static int
drop_privileges(const char *user, struct err *err)
{
	struct passwd *pw;

	if (user[0] == '\0' || geteuid() != 0)
		return 0;
	pw = getpwnam(user);
	if (pw == NULL)
		return err_set(
		    err, 1, "user", "CLOUDPAM_USER: no user %s", user);
	if (setgroups(0, NULL) == -1 || setgid(pw->pw_gid) == -1 ||
	    setuid(pw->pw_uid) == -1)
		return err_set(err, 1, "user", "cannot become %s: %s", user,
		    strerror(errno));
	return 0;
}

static void
slot_spawn(struct pool *pool, struct slot *slot)
{
	sigset_t none;
	pid_t pid;

	pid = fork();
	if (pid == -1) {
		log_msg(LOG_LEVEL_ERROR, "fork: %s", strerror(errno));
		slot->restart_at = now_seconds() + 1;
		return;
	}
	if (pid == 0) {
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		_exit(worker_run(pool->cfg, pool->listen_fd, 1));
	}
	slot->pid = pid;
	slot->started = now_seconds();
	slot->restart_at = 0;
}

static struct slot *
slot_of(struct pool *pool, pid_t pid)
{
	int i;

	for (i = 0; i < pool->nworkers; i++)
		if (pool->slots[i].pid == pid)
			return &pool->slots[i];
	return NULL;
}

static int
pool_alive(const struct pool *pool)
{
	int i, n = 0;

	for (i = 0; i < pool->nworkers; i++)
		n += pool->slots[i].pid != 0;
	return n;
}

/* A worker ended: decide when to start its replacement. */
static void
slot_ended(struct pool *pool, struct slot *slot, int status)
{
	double lived = now_seconds() - slot->started;
	char pid[24];

	snprintf(pid, sizeof(pid), "%ld", (long)slot->pid);
	slot->pid = 0;
	if (pool->stopping)
		return;
	if (WIFEXITED(status) && WEXITSTATUS(status) == WORKER_EXIT_STOPPED) {
		slot->backoff_ms = 0;
		slot->restart_at = now_seconds();
		return;
	}
	metrics_worker_restart();
	/* A worker that lived long crashed by bad luck, not a loop. */
	if (lived > 10 || slot->backoff_ms == 0)
		slot->backoff_ms = BACKOFF_MIN_MS;
	else if (slot->backoff_ms < BACKOFF_MAX_MS)
		slot->backoff_ms *= 2;
	slot->restart_at = now_seconds() + slot->backoff_ms / 1000.0;
	if (WIFSIGNALED(status))
		log_fields(LOG_LEVEL_WARN, "worker died; replacing it",
		    "worker_pid", pid, "signal", strsignal(WTERMSIG(status)),
		    NULL);
	else
		log_fields(LOG_LEVEL_WARN, "worker exited; replacing it",
		    "worker_pid", pid, "exit_status",
		    WEXITSTATUS(status) == WORKER_EXIT_FAILED
		        ? "failed to start"
		        : "error",
		    NULL);
	log_msg(LOG_LEVEL_INFO, "next start in %d ms", slot->backoff_ms);
}

static void
pool_reap(struct pool *pool)
{
	struct slot *slot;
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		slot = slot_of(pool, pid);
		if (slot != NULL)
			slot_ended(pool, slot, status);
	}
}

static void
pool_fill(struct pool *pool)
{
	double now = now_seconds();
	int i;

	for (i = 0; i < pool->nworkers; i++)
		if (pool->slots[i].pid == 0 && pool->slots[i].restart_at <= now)
			slot_spawn(pool, &pool->slots[i]);
	metrics_set_workers(pool_alive(pool));
}

/* Wait for pid to end, up to timeout seconds; then kill it. */
static void
wait_or_kill(pid_t pid, double timeout)
{
	double deadline = now_seconds() + timeout;
	struct timespec pause = { 0, 10 * 1000 * 1000 };
	int status;

	while (now_seconds() < deadline) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return;
		nanosleep(&pause, NULL);
	}
	log_msg(LOG_LEVEL_WARN, "worker %ld did not stop in time; killing it",
	    (long)pid);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
}

/* SIGHUP: replace every worker, one at a time, never fewer serving. */
static void
pool_rolling_restart(struct pool *pool)
{
	double timeout = (double)config_int(pool->cfg, CONFIG_SHUTDOWN_TIMEOUT);
	struct slot fresh;
	pid_t old;
	int i;

	log_msg(LOG_LEVEL_INFO, "SIGHUP: restarting workers one by one");
	for (i = 0; i < pool->nworkers; i++) {
		old = pool->slots[i].pid;
		memset(&fresh, 0, sizeof(fresh));
		slot_spawn(pool, &fresh);
		if (fresh.pid == 0)
			return;
		pool->slots[i] = fresh;
		if (old != 0) {
			kill(old, SIGTERM);
			wait_or_kill(old, timeout);
		}
	}
	log_msg(LOG_LEVEL_INFO, "all workers restarted");
}

static void
pool_stop(struct pool *pool)
{
	double deadline = now_seconds() + (double)config_int(pool->cfg,
	                                      CONFIG_SHUTDOWN_TIMEOUT);
	struct timespec pause = { 0, 10 * 1000 * 1000 };
	int i;

	pool->stopping = 1;
	for (i = 0; i < pool->nworkers; i++)
		if (pool->slots[i].pid != 0)
			kill(pool->slots[i].pid, SIGTERM);
	while (pool_alive(pool) > 0 && now_seconds() < deadline) {
		pool_reap(pool);
		nanosleep(&pause, NULL);
	}
	for (i = 0; i < pool->nworkers; i++)
		if (pool->slots[i].pid != 0) {
			log_msg(LOG_LEVEL_WARN, "killing worker %ld",
			    (long)pool->slots[i].pid);
			kill(pool->slots[i].pid, SIGKILL);
			waitpid(pool->slots[i].pid, NULL, 0);
			pool->slots[i].pid = 0;
		}
}

static void
pool_run(struct pool *pool)
{
	struct timespec tick = { 0, 100 * 1000 * 1000 };
	struct err err = ERR_INIT;
	unsigned ticks = 0;
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	pool_fill(pool);
	for (;;) {
		sig = sigtimedwait(&set, NULL, &tick);
		if (sig == SIGTERM || sig == SIGINT) {
			log_msg(LOG_LEVEL_INFO, "%s: stopping",
			    sig == SIGTERM ? "SIGTERM" : "SIGINT");
			pool_stop(pool);
			return;
		}
		if (sig == SIGHUP)
			pool_rolling_restart(pool);
		pool_reap(pool);
		pool_fill(pool);
		/* About once a second, move the WAL into the database here,
		 * so that no request pays for a checkpoint. */
		if (++ticks % 10 == 0 && pool->checkpointer != NULL &&
		    store_checkpoint(pool->checkpointer, &err) == -1)
			log_msg(LOG_LEVEL_WARN, "checkpoint: %s", err.message);
	}
}

/* Whether the supervisor checkpoints: only SQLite has a write-ahead log
 * of ours to move, so on PostgreSQL it holds no connection. */
static int
pool_checkpoints(const char *url)
{
	const char *backend = store_url_backend(url);

	return backend != NULL && strcmp(backend, "sqlite") == 0;
}

/* The schema must not be newer than this binary knows. */
static int
schema_check(const struct config *cfg, struct err *err)
{
	struct store_options opt = { 5000, 0, 0 };
	struct store_schema schema;
	struct store *st;
	int rc = 0;

	st = store_open(config_str(cfg, CONFIG_DATABASE_URL), &opt, err);
	if (st == NULL)
		return -1;
	if (store_schema(st, &schema, err) == -1)
		rc = -1;
	else if (schema.current > schema.known)
		rc = err_set(err, 1, "schema_newer",
		    "the database is at schema version %d but this binary "
		    "knows only up to %d: refusing to start; upgrade cloudpam",
		    schema.current, schema.known);
	else if (schema.current < schema.known)
		log_msg(LOG_LEVEL_WARN,
		    "database at schema version %d of %d: run `cloudpam "
		    "migrate up` (/readyz answers 503 until then)",
		    schema.current, schema.known);
	store_free(st);
	return rc;
}

/*
 * Check the identity settings, make the instance secret before any worker
 * needs it, and on a first start (no user at all) issue the one-time setup
 * token: it goes to the log and to stderr, for the person starting us.
 */
static int
identity_prepare(const struct config *cfg, struct err *err)
{
	struct store_options opt = { 5000, 0, 0 };
	struct ipam_auth_config auth;
	struct store_schema schema;
	char token[SECRET_TOKEN_SIZE], *secret;
	struct arena *arena;
	struct store *st;
	int open = 0, rc = 0;

	if (ipam_auth_config_load(cfg, &auth, err) == -1)
		return -1;
	st = store_open(config_str(cfg, CONFIG_DATABASE_URL), &opt, err);
	if (st == NULL)
		return -1;
	arena = arena_new(4096);
	if (arena == NULL || store_schema(st, &schema, err) == -1)
		rc = -1;
	else if (schema.current < schema.known)
		rc = 0; /* /readyz says so; nothing to prepare yet */
	else if (ipam_instance_secret(st, arena, &secret, err) == -1 ||
	         ipam_setup_open(st, &open, err) == -1)
		rc = -1;
	else if (open) {
		if (ipam_setup_token_issue(st, token, err) == -1)
			rc = -1;
		else {
			log_fields(LOG_LEVEL_WARN,
			    "first start: create the first admin at /setup "
			    "with this setup token",
			    "setup_token", token, NULL);
			fprintf(stderr,
			    "cloudpam: first start: open /setup and create "
			    "the first admin with the setup token %s\n",
			    token);
		}
	}
	arena_free(arena);
	store_free(st);
	return rc;
}

/* fd 0 is a listening socket when spawn-fcgi or mod_fcgid started us. */
static int
fd0_is_listening(void)
{
	int accepting = 0;
	socklen_t len = sizeof(accepting);

	if (getsockopt(0, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &len) == -1)
		return 0;
	return accepting;
}

static int
serve_pool(const struct config *cfg)
{
	static struct pool pool;
	struct err err = ERR_INIT;
	const char *listen = config_str(cfg, CONFIG_LISTEN);
	const char *pid_file = config_str(cfg, CONFIG_PID_FILE);

	memset(&pool, 0, sizeof(pool));
	pool.cfg = cfg;
	pool.nworkers = (int)config_int(cfg, CONFIG_WORKERS);
	if (metrics_init(1) == -1) {
		log_msg(LOG_LEVEL_ERROR, "cannot map the metrics region");
		return 1;
	}
	if (pid_file_write(pid_file, &err) == -1 ||
	    (pool.listen_fd = pool_listen(cfg, &err)) == -1 ||
	    drop_privileges(config_str(cfg, CONFIG_USER), &err) == -1 ||
	    schema_check(cfg, &err) == -1 ||
	    identity_prepare(cfg, &err) == -1) {
		log_msg(LOG_LEVEL_ERROR, "%s", err.message);
		fprintf(stderr, "cloudpam serve: %s\n", err.message);
		return 1;
	}
	if (pool_checkpoints(config_str(cfg, CONFIG_DATABASE_URL))) {
		struct store_options opt = { 5000, 0, 1 };

		pool.checkpointer = store_open(
		    config_str(cfg, CONFIG_DATABASE_URL), &opt, &err);
	}
	log_fields(LOG_LEVEL_INFO, "serving", "listen", listen, NULL);
	pool_run(&pool);
	store_free(pool.checkpointer);
	close(pool.listen_fd);
	if (strncmp(listen, "unix:", 5) == 0)
		unlink(listen + 5);
	if (pid_file[0] != '\0')
		unlink(pid_file);
	log_msg(LOG_LEVEL_INFO, "stopped");
	return 0;
}

int
serve_main(const struct config *cfg)
{
	if (getenv("GATEWAY_INTERFACE") != NULL) {
		metrics_init(0);
		return worker_cgi(cfg);
	}
	if (cfg->from[CONFIG_LISTEN] == 0 && fd0_is_listening()) {
		metrics_init(0);
		log_msg(LOG_LEVEL_INFO, "serving on the socket at fd 0");
		return worker_run(cfg, 0, 0);
	}
	return serve_pool(cfg);
}
