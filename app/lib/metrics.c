/*
 * metrics.c: the shared counter region and its Prometheus text form
 * (https://prometheus.io/docs/instrumenting/exposition_formats/).
 *
 * Counters are C11 atomics in a MAP_SHARED region; 64-bit atomics are
 * lock-free on every platform we build for, so they work across
 * processes.  Latency buckets are stored per bucket and summed to the
 * cumulative "le" form when rendered.
 */
#include "lib/metrics.h"

#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>

/* Status codes with a series of their own; anything else is "other". */
static const int metrics_statuses[] = { 200, 201, 204, 301, 302, 303, 304, 400,
	401, 403, 404, 405, 409, 413, 415, 422, 429, 500, 502, 503 };
#define STATUS_SLOTS (sizeof(metrics_statuses) / sizeof(int) + 1)

/* Upper bounds of the latency buckets, in microseconds. */
static const uint64_t metrics_bounds_us[] = { 500, 1000, 2500, 5000, 10000,
	25000, 50000, 100000, 250000, 500000, 1000000, 2500000 };
#define BUCKETS (sizeof(metrics_bounds_us) / sizeof(uint64_t) + 1)

struct metrics_region {
	atomic_uint_least64_t requests[METRICS_ROUTES_MAX][STATUS_SLOTS];
	atomic_uint_least64_t buckets[METRICS_ROUTES_MAX][BUCKETS];
	atomic_uint_least64_t sum_us[METRICS_ROUTES_MAX];
	atomic_uint_least64_t worker_restarts;
	atomic_uint_least64_t database_errors;
	atomic_int workers;
};

static struct metrics_region *region;

int
metrics_init(int shared)
{
	void *p;

	if (region != NULL)
		return 0;
	p = mmap(NULL, sizeof(*region), PROT_READ | PROT_WRITE,
	    (shared ? MAP_SHARED : MAP_PRIVATE) | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	region = p; /* anonymous maps are zero-filled: all counters 0 */
	return 0;
}

static size_t
status_slot(int status)
{
	size_t i;

	for (i = 0; i < STATUS_SLOTS - 1; i++)
		if (metrics_statuses[i] == status)
			return i;
	return STATUS_SLOTS - 1;
}

void
metrics_request(size_t route, int status, uint64_t duration_us)
{
	size_t b;

	if (region == NULL)
		return;
	if (route >= METRICS_ROUTES_MAX)
		route = METRICS_ROUTES_MAX - 1;
	for (b = 0; b < BUCKETS - 1; b++)
		if (duration_us <= metrics_bounds_us[b])
			break;
	atomic_fetch_add_explicit(&region->requests[route][status_slot(status)],
	    1, memory_order_relaxed);
	atomic_fetch_add_explicit(
	    &region->buckets[route][b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(
	    &region->sum_us[route], duration_us, memory_order_relaxed);
}

void
metrics_worker_restart(void)
{
	if (region != NULL)
		atomic_fetch_add(&region->worker_restarts, 1);
}

void
metrics_database_error(void)
{
	if (region != NULL)
		atomic_fetch_add(&region->database_errors, 1);
}

void
metrics_set_workers(int n)
{
	if (region != NULL)
		atomic_store(&region->workers, n);
}

/* Label values escape \ " and newline (exposition format). */
static void
put_label(struct buf *out, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\' || *s == '"')
			buf_putc(out, '\\');
		if (*s == '\n') {
			buf_puts(out, "\\n");
			continue;
		}
		buf_putc(out, *s);
	}
}

static const char *
route_label(size_t i, const char *const *labels, size_t n)
{
	return i < n ? labels[i] : "unmatched";
}

static void
render_requests(struct buf *out, const char *const *labels, size_t n)
{
	size_t r, s;
	uint64_t v;

	buf_puts(out, "# HELP cloudpam_http_requests_total HTTP requests "
	              "answered, by route pattern and status.\n"
	              "# TYPE cloudpam_http_requests_total counter\n");
	for (r = 0; r < METRICS_ROUTES_MAX; r++) {
		if (r >= n && r != METRICS_ROUTES_MAX - 1)
			continue;
		for (s = 0; s < STATUS_SLOTS; s++) {
			v = atomic_load(&region->requests[r][s]);
			if (v == 0)
				continue;
			buf_puts(out, "cloudpam_http_requests_total{route=\"");
			put_label(out, route_label(r, labels, n));
			if (s < STATUS_SLOTS - 1)
				buf_printf(out, "\",status=\"%d\"} %llu\n",
				    metrics_statuses[s], (unsigned long long)v);
			else
				buf_printf(out, "\",status=\"other\"} %llu\n",
				    (unsigned long long)v);
		}
	}
}

static void
render_histogram_route(struct buf *out, const char *label, size_t r)
{
	uint64_t cumulative = 0;
	size_t b;

	for (b = 0; b < BUCKETS; b++) {
		cumulative += atomic_load(&region->buckets[r][b]);
		buf_puts(out, "cloudpam_http_request_duration_seconds_bucket"
		              "{route=\"");
		put_label(out, label);
		if (b < BUCKETS - 1)
			buf_printf(out, "\",le=\"%g\"} %llu\n",
			    (double)metrics_bounds_us[b] / 1e6,
			    (unsigned long long)cumulative);
		else
			buf_printf(out, "\",le=\"+Inf\"} %llu\n",
			    (unsigned long long)cumulative);
	}
	buf_puts(out, "cloudpam_http_request_duration_seconds_sum{route=\"");
	put_label(out, label);
	buf_printf(
	    out, "\"} %.6f\n", (double)atomic_load(&region->sum_us[r]) / 1e6);
	buf_puts(out, "cloudpam_http_request_duration_seconds_count{route=\"");
	put_label(out, label);
	buf_printf(out, "\"} %llu\n", (unsigned long long)cumulative);
}

static void
render_latency(struct buf *out, const char *const *labels, size_t n)
{
	size_t r, b;
	uint64_t total;

	buf_puts(out, "# HELP cloudpam_http_request_duration_seconds Time "
	              "from request parsed to response written, by route.\n"
	              "# TYPE cloudpam_http_request_duration_seconds "
	              "histogram\n");
	for (r = 0; r < METRICS_ROUTES_MAX; r++) {
		if (r >= n && r != METRICS_ROUTES_MAX - 1)
			continue;
		for (total = 0, b = 0; b < BUCKETS; b++)
			total += atomic_load(&region->buckets[r][b]);
		if (total > 0)
			render_histogram_route(
			    out, route_label(r, labels, n), r);
	}
}

void
metrics_render(struct buf *out, const char *const *route_labels, size_t nroutes,
    const char *version, const char *revision)
{
	if (region == NULL)
		return;
	render_requests(out, route_labels, nroutes);
	render_latency(out, route_labels, nroutes);
	buf_printf(out,
	    "# HELP cloudpam_worker_restarts_total Workers replaced after "
	    "dying.\n"
	    "# TYPE cloudpam_worker_restarts_total counter\n"
	    "cloudpam_worker_restarts_total %llu\n"
	    "# HELP cloudpam_database_errors_total Database operations "
	    "that failed.\n"
	    "# TYPE cloudpam_database_errors_total counter\n"
	    "cloudpam_database_errors_total %llu\n"
	    "# HELP cloudpam_workers Worker processes alive.\n"
	    "# TYPE cloudpam_workers gauge\n"
	    "cloudpam_workers %d\n",
	    (unsigned long long)atomic_load(&region->worker_restarts),
	    (unsigned long long)atomic_load(&region->database_errors),
	    atomic_load(&region->workers));
	buf_puts(out, "# HELP cloudpam_build_info Version of the running "
	              "binary.\n# TYPE cloudpam_build_info gauge\n"
	              "cloudpam_build_info{version=\"");
	put_label(out, version);
	buf_puts(out, "\",revision=\"");
	put_label(out, revision);
	buf_puts(out, "\"} 1\n");
}
