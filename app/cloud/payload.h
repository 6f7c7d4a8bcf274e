/*
 * payload.h: the discovery payload a collector writes or sends.
 *
 * A payload is one JSON object, written as records arrive so that a large
 * discovery is never held in memory:
 *
 *   {"version": "2.0",
 *    "collector": {"id", "version", "capabilities": [...]},
 *    "provider": "aws", "run_id": "...", "chunk": {"index": 0},
 *    "started_at": "...",
 *    "records": [{"kind": "network", ...}, {"kind": "subnet", ...}, ...],
 *    "errors": [{"kind", "resource", "message"}],
 *    "report": {"calls", "retries", "pages", "failures": [...]},
 *    "final": true, "finished_at": "..."}
 *
 * Version "1.0" carries networks and subnets; "2.0" adds addresses.  The
 * JSON Schema is docs/collector-payload.schema.json.
 */
#ifndef CLOUDPAM_CLOUD_PAYLOAD_H
#define CLOUDPAM_CLOUD_PAYLOAD_H

#include <stdio.h>

#include "cloud/cloud.h"
#include "lib/buf.h"

#define PAYLOAD_VERSION_1 "1.0"
#define PAYLOAD_VERSION_2 "2.0"

struct payload_meta {
	const char *collector_id;
	const char *collector_version;
	const char *provider;
	const char *run_id;
	int with_addresses; /* version 2.0 */
	time_t started_at;
};

/*
 * Write sink: each record becomes one element of "records" appended to
 * out.  Errors reported through the sink go to a second buffer and are
 * written by payload_end.
 */
struct payload_writer {
	struct buf *out;
	struct buf errors;
	size_t records;
	size_t nerrors;
};

/* Open the object and the "records" array into w->out. */
void payload_begin(struct payload_writer *w, struct buf *out,
    const struct payload_meta *meta, size_t chunk_index);

/* A sink writing into w. */
void payload_sink(struct payload_writer *w, struct cloud_sink *sink);

/* Close "records", write errors, the report and finished_at; frees w's
 * error buffer. */
void payload_end(
    struct payload_writer *w, const struct cloud_report *report, int final);

/* One record as JSON (no trailing comma) into out; for tests and chunks. */
void payload_network(struct buf *out, const struct cloud_network *n);
void payload_subnet(struct buf *out, const struct cloud_subnet *s);
void payload_address(struct buf *out, const struct cloud_address *a);

#endif
