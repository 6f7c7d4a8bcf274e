/*
 * collector.c: `cloudpam-collector`, the discovery agent.
 *
 * It runs inside a cloud account or project with a read-only role, asks
 * the provider for its networks, subnets and (with --addresses) addresses,
 * and writes them as a versioned payload (app/cloud/payload.h): to a file,
 * to stdout, or to a CloudPAM server (POST /api/v1/discovery) in chunks,
 * each retried, with heartbeats before, between and after.  No database.
 *
 *   cloudpam-collector discover --provider aws|gcp|azure
 *       [--regions eu-west-1,us-east-1] [--accounts 1111,2222|organization]
 *       [--role NAME] [--addresses] [--output FILE]
 *       [--server URL --token TOKEN] [--chunk-size N] [--id ID]
 *
 * The token may come from CLOUDPAM_COLLECTOR_TOKEN instead of the command
 * line (where other users could read it); it is never logged.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "cloud/cloud.h"
#include "cloud/http.h"
#include "cloud/payload.h"
#include "lib/buf.h"
#include "lib/log.h"

#define CHUNK_DEFAULT 5000
#define CHUNK_MAX 100000

struct collector {
	const struct cloud_provider_ops *provider;
	struct cloud_options opt;
	const char *output;
	const char *server;
	const char *token;
	const char *id;
	char run_id[33];
	size_t chunk_size;
	int terminal;
	/* Current chunk. */
	struct buf body;
	struct payload_writer writer;
	struct payload_meta meta;
	struct cloud_sink sink; /* ours: counts, then hands to writer's */
	struct cloud_sink inner;
	size_t chunk_index;
	size_t in_chunk;
	struct cloud_report *report;
	FILE *out;
	int post_failed; /* the server refused a chunk: nothing more to send */
	int failed;
	char failure[256];
};

static void
usage(FILE *f)
{
	fputs("usage: cloudpam-collector discover --provider aws|gcp|azure\n"
	      "           [--regions R1,R2] [--accounts A1,A2|organization]\n"
	      "           [--role NAME] [--addresses] [--output FILE]\n"
	      "           [--server URL [--token TOKEN]] [--chunk-size N] "
	      "[--id ID]\n"
	      "       cloudpam-collector version\n"
	      "The token may also come from CLOUDPAM_COLLECTOR_TOKEN.\n",
	    f);
}

/* Split a comma list in place into list (at most CLOUD_LIST_MAX). */
static int
split_list(char *text, const char **list, size_t *n)
{
	char *item, *next;

	*n = 0;
	for (item = text; item != NULL; item = next) {
		next = strchr(item, ',');
		if (next != NULL)
			*next++ = '\0';
		if (*item == '\0')
			continue;
		if (*n == CLOUD_LIST_MAX)
			return -1;
		list[(*n)++] = item;
	}
	return 0;
}

static const struct cloud_provider_ops *
provider_named(const char *name)
{
	if (strcmp(name, "aws") == 0)
		return &cloud_aws;
	if (strcmp(name, "gcp") == 0)
		return &cloud_gcp;
	if (strcmp(name, "azure") == 0)
		return &cloud_azure;
	return NULL;
}

static int
parse_args(struct collector *c, int argc, char **argv)
{
	long long chunk;
	char *end;
	int i;

	for (i = 2; i < argc; i++) {
		const char *a = argv[i];
		char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--addresses") == 0) {
			c->opt.addresses = 1;
			continue;
		}
		if (v == NULL) {
			fprintf(stderr,
			    "cloudpam-collector: %s needs a value\n", a);
			return -1;
		}
		i++;
		if (strcmp(a, "--provider") == 0) {
			if ((c->provider = provider_named(v)) == NULL) {
				fprintf(stderr,
				    "cloudpam-collector: --provider "
				    "is aws, gcp or azure\n");
				return -1;
			}
		} else if (strcmp(a, "--regions") == 0) {
			if (split_list(v, c->opt.regions, &c->opt.nregions) ==
			    -1)
				return -1;
		} else if (strcmp(a, "--accounts") == 0) {
			if (split_list(v, c->opt.accounts, &c->opt.naccounts) ==
			    -1)
				return -1;
		} else if (strcmp(a, "--role") == 0) {
			c->opt.role_name = v;
		} else if (strcmp(a, "--output") == 0) {
			c->output = v;
		} else if (strcmp(a, "--server") == 0) {
			c->server = v;
		} else if (strcmp(a, "--token") == 0) {
			c->token = v;
		} else if (strcmp(a, "--id") == 0) {
			c->id = v;
		} else if (strcmp(a, "--chunk-size") == 0) {
			errno = 0;
			chunk = strtoll(v, &end, 10);
			if (errno != 0 || *end != '\0' || chunk < 1 ||
			    chunk > CHUNK_MAX) {
				fprintf(stderr,
				    "cloudpam-collector: "
				    "--chunk-size is 1 to %d\n",
				    CHUNK_MAX);
				return -1;
			}
			c->chunk_size = (size_t)chunk;
		} else {
			fprintf(stderr,
			    "cloudpam-collector: unknown option %s\n", a);
			return -1;
		}
	}
	if (c->provider == NULL) {
		fprintf(stderr, "cloudpam-collector: --provider is required\n");
		return -1;
	}
	if (c->server != NULL && c->token == NULL)
		c->token = getenv("CLOUDPAM_COLLECTOR_TOKEN");
	if (c->server != NULL && (c->token == NULL || c->token[0] == '\0')) {
		fprintf(stderr, "cloudpam-collector: --server needs --token or "
		                "CLOUDPAM_COLLECTOR_TOKEN\n");
		return -1;
	}
	return 0;
}

/* POST body to the server path, retried by the HTTP client. */
static int
post(struct collector *c, const char *path, const char *body, size_t len,
    struct err *err)
{
	struct http_request req;
	struct http_response resp;
	char url[2048], auth[1100];
	int rc;

	memset(&req, 0, sizeof(req));
	snprintf(url, sizeof(url), "%s%s", c->server, path);
	snprintf(auth, sizeof(auth), "Bearer %s", c->token);
	req.method = "POST";
	req.url = url;
	req.body = body;
	req.body_len = len;
	req.timeout_ms = c->opt.timeout_ms;
	req.max_retries = c->opt.max_retries;
	req.backoff_base_ms = c->opt.backoff_base_ms;
	req.backoff_cap_ms = c->opt.backoff_cap_ms;
	if (http_request_header(&req, "Content-Type", "application/json") ==
	        -1 ||
	    http_request_header(&req, "Authorization", auth) == -1)
		return err_set(err, 400, "collector", "bad server token");
	http_response_init(&resp);
	rc = http_perform(&req, NULL, &resp, NULL, err);
	if (rc == 0 && (resp.status < 200 || resp.status > 299))
		rc = err_set(err, 502, "server_refused",
		    "the server answered %ld to %s", resp.status, path);
	http_response_free(&resp);
	return rc;
}

static void
heartbeat(struct collector *c, const char *status)
{
	struct buf b = BUF_INIT;
	struct err err = ERR_INIT;

	if (c->server == NULL)
		return;
	buf_puts(&b, "{\"collector_id\":");
	buf_json_string(&b, c->id, strlen(c->id));
	buf_printf(&b,
	    ",\"run_id\":\"%s\",\"status\":\"%s\","
	    "\"records\":%zu}",
	    c->run_id, status,
	    c->report->networks + c->report->subnets + c->report->addresses);
	if (post(c, "/api/v1/discovery/heartbeat", b.data, b.len, &err) == -1)
		log_fields(LOG_LEVEL_WARN, "heartbeat failed", "detail",
		    err.message, NULL);
	buf_free(&b);
}

static void
chunk_open(struct collector *c)
{
	buf_reset(&c->body);
	payload_begin(&c->writer, &c->body, &c->meta, c->chunk_index);
	payload_sink(&c->writer, &c->inner);
	c->in_chunk = 0;
}

/* Close the current chunk and send or write it. */
static int
chunk_flush(struct collector *c, int final, struct err *err)
{
	payload_end(&c->writer, c->report, final);
	if (c->body.oom)
		return err_set(err, 500, "collector", "out of memory");
	if (c->server != NULL) {
		if (post(c, "/api/v1/discovery", c->body.data, c->body.len,
		        err) == -1) {
			c->post_failed = 1;
			return -1;
		}
		heartbeat(c, final ? "finished" : "running");
	} else if (fwrite(c->body.data, 1, c->body.len, c->out) !=
	           c->body.len) {
		return err_set(err, 500, "collector", "cannot write %s: %s",
		    c->output ? c->output : "stdout", strerror(errno));
	}
	c->chunk_index++;
	if (!final)
		chunk_open(c);
	return 0;
}

/* Our sink: pass on, and cut a chunk when it is full (the providers
 * count records into the report themselves).  Only the
 * server mode cuts chunks; a file holds one payload. */
static int
after_record(struct collector *c, struct err *err)
{
	if (c->server != NULL && ++c->in_chunk >= c->chunk_size)
		return chunk_flush(c, 0, err);
	return 0;
}

static int
sink_network(void *ctx, const struct cloud_network *n, struct err *err)
{
	struct collector *c = ctx;

	if (c->post_failed)
		return err_set(err, 502, "server_refused",
		    "the server refused an earlier chunk");
	if (c->inner.on_network(c->inner.ctx, n, err) == -1)
		return -1;
	return after_record(c, err);
}

static int
sink_subnet(void *ctx, const struct cloud_subnet *s, struct err *err)
{
	struct collector *c = ctx;

	if (c->post_failed)
		return err_set(err, 502, "server_refused",
		    "the server refused an earlier chunk");
	if (c->inner.on_subnet(c->inner.ctx, s, err) == -1)
		return -1;
	return after_record(c, err);
}

static int
sink_address(void *ctx, const struct cloud_address *a, struct err *err)
{
	struct collector *c = ctx;

	if (c->post_failed)
		return err_set(err, 502, "server_refused",
		    "the server refused an earlier chunk");
	if (c->inner.on_address(c->inner.ctx, a, err) == -1)
		return -1;
	return after_record(c, err);
}

static int
sink_error(
    void *ctx, enum cloud_kind kind, const char *resource, const char *message)
{
	struct collector *c = ctx;

	if (c->post_failed)
		return -1;
	log_fields(LOG_LEVEL_WARN, "record skipped", "kind",
	    cloud_kind_names[kind], "resource", resource, "detail", message,
	    NULL);
	return c->inner.on_error(c->inner.ctx, kind, resource, message);
}

static void
progress(void *ctx, const struct cloud_report *r, const char *scope)
{
	struct collector *c = ctx;

	if (!c->terminal)
		return;
	fprintf(stderr,
	    "\r\033[K%s %s: %zu networks, %zu subnets, %zu addresses, "
	    "%zu pages, %zu retries",
	    c->provider->name, scope ? scope : "", r->networks, r->subnets,
	    r->addresses, r->pages, r->retries);
	fflush(stderr);
}

static void
make_ids(struct collector *c, char *host_id, size_t size)
{
	unsigned char raw[16];
	char host[128];
	size_t i;

	if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw))
		memset(raw, 0, sizeof(raw));
	for (i = 0; i < sizeof(raw); i++)
		snprintf(c->run_id + 2 * i, 3, "%02x", raw[i]);
	if (c->id == NULL) {
		if (gethostname(host, sizeof(host)) != 0)
			snprintf(host, sizeof(host), "collector");
		host[sizeof(host) - 1] = '\0';
		snprintf(host_id, size, "%s-%s", c->provider->name, host);
		c->id = host_id;
	}
}

static int
discover(struct collector *c)
{
	struct cloud_report report;
	struct err err = ERR_INIT;
	char host_id[160];
	int rc;

	memset(&report, 0, sizeof(report));
	c->report = &report;
	make_ids(c, host_id, sizeof(host_id));
	c->meta.collector_id = c->id;
	c->meta.collector_version = CLOUDPAM_VERSION;
	c->meta.provider = c->provider->name;
	c->meta.run_id = c->run_id;
	c->meta.with_addresses = c->opt.addresses;
	c->meta.started_at = time(NULL);
	c->sink.ctx = c;
	c->sink.on_network = sink_network;
	c->sink.on_subnet = sink_subnet;
	c->sink.on_address = sink_address;
	c->sink.on_error = sink_error;
	c->out = stdout;
	if (c->server == NULL && c->output != NULL &&
	    (c->out = fopen(c->output, "w")) == NULL) {
		fprintf(stderr, "cloudpam-collector: cannot write %s: %s\n",
		    c->output, strerror(errno));
		return 1;
	}
	if (http_global_init(&err) == -1) {
		fprintf(stderr, "cloudpam-collector: %s\n", err.message);
		return 1;
	}
	log_fields(LOG_LEVEL_INFO, "discovery started", "provider",
	    c->provider->name, "collector_id", c->id, "run_id", c->run_id,
	    NULL);
	heartbeat(c, "started");
	chunk_open(c);
	rc = c->provider->discover(
	    &c->opt, &c->sink, &report, progress, c, &err);
	if (c->terminal)
		fputc('\n', stderr);
	if (rc == -1) {
		cloud_report_fail(&report, c->provider->name, err.message);
		log_fields(LOG_LEVEL_ERROR, "discovery failed", "detail",
		    err.message, NULL);
	}
	/* A chunk the server refused ends the run: the chunk in hand was
	 * already closed, and sending more would only repeat the refusal. */
	if (c->post_failed) {
		fprintf(stderr, "cloudpam-collector: %s\n", err.message);
		rc = -1;
	} else if (chunk_flush(c, 1, &err) == -1) {
		fprintf(stderr, "cloudpam-collector: %s\n", err.message);
		rc = -1;
	}
	if (c->out != stdout)
		fclose(c->out);
	buf_free(&c->body);
	log_fields(LOG_LEVEL_INFO, "discovery finished", "run_id", c->run_id,
	    "status",
	    rc == -1           ? "failed"
	    : report.nfailures ? "partial"
	                       : "ok",
	    NULL);
	if (rc == -1)
		return 1;
	return report.nfailures > 0 ? 3 : 0;
}

int
main(int argc, char **argv)
{
	struct collector c;

	memset(&c, 0, sizeof(c));
	c.chunk_size = CHUNK_DEFAULT;
	c.opt.timeout_ms = 30000;
	c.opt.max_retries = 5;
	c.opt.backoff_base_ms = 200;
	c.opt.backoff_cap_ms = 20000;
	c.terminal = isatty(2);
	log_set_level(LOG_LEVEL_INFO);
	if (argc >= 2 && strcmp(argv[1], "version") == 0) {
		printf("cloudpam-collector %s (%s)\n", CLOUDPAM_VERSION,
		    CLOUDPAM_REVISION);
		return 0;
	}
	if (argc < 2 || strcmp(argv[1], "discover") != 0) {
		usage(stderr);
		return 2;
	}
	if (parse_args(&c, argc, argv) == -1) {
		usage(stderr);
		return 2;
	}
	return discover(&c);
}
