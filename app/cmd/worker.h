/*
 * worker.h: one worker process of the pool.
 *
 * A worker opens its own database connection and template set, then
 * serves FastCGI requests from the listening socket one at a time until
 * it is told to stop (SIGTERM, SIGINT), has served max_requests, or its
 * supervisor dies.  A request in flight always finishes first.
 */
#ifndef CLOUDPAM_CMD_WORKER_H
#define CLOUDPAM_CMD_WORKER_H

#include "lib/config.h"

/* Exit codes a supervisor reads. */
enum worker_exit {
	WORKER_EXIT_STOPPED = 0, /* asked to stop, or recycled */
	WORKER_EXIT_FAILED = 1,  /* could not start (database, templates) */
	WORKER_EXIT__MAX
};

/*
 * Serve requests from listen_fd (a listening FastCGI socket).  supervised:
 * started by our own supervisor, so exit when it dies.  Returns the
 * process exit code.
 */
int worker_run(const struct config *cfg, int listen_fd, int supervised);

/*
 * Serve one request as plain CGI: parameters from the environment, body
 * from stdin, response to stdout.  Returns the exit code.
 */
int worker_cgi(const struct config *cfg);

#endif
