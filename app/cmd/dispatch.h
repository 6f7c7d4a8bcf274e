/*
 * dispatch.h: one request from parameters to written response.
 *
 * The same path serves FastCGI and plain CGI: the caller supplies the
 * parameters and two I/O functions.  Parse, find the route, run the
 * handler, write, count and log; the request's arena is reset at the end.
 */
#ifndef CLOUDPAM_CMD_DISPATCH_H
#define CLOUDPAM_CMD_DISPATCH_H

#include <stddef.h>
#include <sys/types.h>

#include "api/app.h"
#include "lib/arena.h"
#include "lib/buf.h"

struct dispatch_io {
	void *ctx;
	/* Read up to n bytes of body: count, 0 at the end, -1 on error. */
	ssize_t (*read)(void *ctx, char *data, size_t n);
	/* Write n bytes: 0 or -1. */
	int (*write)(void *ctx, const char *data, size_t n);
};

/* Buffers a worker keeps across requests. */
struct dispatch_state {
	struct arena *arena;
	struct buf body;
	struct buf head;
	unsigned long long served;
	char id_prefix[17]; /* random per worker, for request ids */
};

/* Make the state; -1 when out of memory. */
int dispatch_state_init(struct dispatch_state *ds);
void dispatch_state_free(struct dispatch_state *ds);

/* Serve one request. */
void dispatch_request(struct app *app, struct dispatch_state *ds,
    char *const *envp, const struct dispatch_io *io);

#endif
