/*
 * metrics.h: counters shared by all workers of a pool, in Prometheus form.
 *
 * The supervisor maps one shared anonymous region before it forks, so
 * every worker adds to the same counters with atomic operations and any
 * worker can answer /metrics for the whole pool.  Started by spawn-fcgi or
 * as CGI, a process maps a private region and reports only itself.
 *
 * Requests are counted by route (an index into the labels given to
 * metrics_render) and by status; latency is a histogram per route.
 */
#ifndef CLOUDPAM_LIB_METRICS_H
#define CLOUDPAM_LIB_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"

#define METRICS_ROUTES_MAX 192

/*
 * Map the region.  shared: visible to children forked after this call.
 * Returns -1 when mmap fails.  Calling it twice is harmless.
 */
int metrics_init(int shared);

/* Count a request to route (0..METRICS_ROUTES_MAX-1; the last slot is for
 * paths no route matched) answered with status after duration_us. */
void metrics_request(size_t route, int status, uint64_t duration_us);

void metrics_worker_restart(void);
void metrics_database_error(void);

/* Gauge: workers currently alive, set by the supervisor. */
void metrics_set_workers(int n);

/*
 * Append the exposition text: route_labels[i] names route i for
 * i < nroutes; the unmatched slot is labelled "unmatched".
 */
void metrics_render(struct buf *out, const char *const *route_labels,
    size_t nroutes, const char *version, const char *revision);

#endif
