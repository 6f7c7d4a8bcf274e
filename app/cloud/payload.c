/*
 * payload.c: writing discovery records as JSON, by hand into a buf (the
 * records are flat and many; a json-c object per record would double the
 * memory of a large run for nothing).  Every string goes through
 * buf_json_string, the one JSON escaper.
 */
#include "cloud/payload.h"

#include <string.h>
#include <time.h>

static void
key(struct buf *out, const char *k)
{
	buf_json_string(out, k, strlen(k));
	buf_putc(out, ':');
}

static void
str(struct buf *out, const char *k, const char *v, int comma)
{
	if (comma)
		buf_putc(out, ',');
	key(out, k);
	v = v ? v : "";
	buf_json_string(out, v, strlen(v));
}

static void
stamp(struct buf *out, const char *k, time_t t)
{
	struct tm tm;
	char text[32];

	gmtime_r(&t, &tm);
	strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &tm);
	str(out, k, text, 1);
}

static void
common(struct buf *out, const struct cloud_common *c)
{
	size_t i;

	buf_putc(out, '{');
	str(out, "kind", cloud_kind_names[c->kind], 0);
	str(out, "provider", cloud_provider_names[c->provider], 1);
	str(out, "account", c->account, 1);
	str(out, "region", c->region, 1);
	str(out, "zone", c->zone, 1);
	str(out, "external_id", c->external_id, 1);
	str(out, "name", c->name, 1);
	str(out, "state", c->state, 1);
	buf_puts(out, ",\"tags\":{");
	for (i = 0; i < c->ntags; i++) {
		if (i > 0)
			buf_putc(out, ',');
		str(out, c->tags[i].key, c->tags[i].value, 0);
	}
	buf_putc(out, '}');
	stamp(out, "discovered_at", c->discovered_at);
}

static void
cidrs(struct buf *out, const struct cloud_cidr *v, size_t n)
{
	size_t i;

	buf_puts(out, ",\"cidrs\":[");
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_putc(out, ',');
		buf_putc(out, '{');
		str(out, "cidr", v[i].cidr, 0);
		str(out, "name", v[i].name, 1);
		str(out, "state", v[i].state, 1);
		buf_printf(out, ",\"secondary\":%s",
		    v[i].secondary ? "true" : "false");
		buf_putc(out, '}');
	}
	buf_putc(out, ']');
}

void
payload_network(struct buf *out, const struct cloud_network *n)
{
	common(out, &n->c);
	cidrs(out, n->cidrs, n->ncidrs);
	buf_printf(
	    out, ",\"is_default\":%s}", n->is_default ? "true" : "false");
}

void
payload_subnet(struct buf *out, const struct cloud_subnet *s)
{
	common(out, &s->c);
	str(out, "network_id", s->network_id, 1);
	cidrs(out, s->cidrs, s->ncidrs);
	buf_putc(out, '}');
}

void
payload_address(struct buf *out, const struct cloud_address *a)
{
	common(out, &a->c);
	str(out, "ip", a->ip, 1);
	buf_printf(out, ",\"is_public\":%s,\"is_primary\":%s",
	    a->is_public ? "true" : "false", a->is_primary ? "true" : "false");
	str(out, "network_id", a->network_id, 1);
	str(out, "subnet_id", a->subnet_id, 1);
	str(out, "interface_id", a->interface_id, 1);
	str(out, "attached_to", a->attached_to, 1);
	str(out, "allocation_id", a->allocation_id, 1);
	buf_putc(out, '}');
}

void
payload_begin(struct payload_writer *w, struct buf *out,
    const struct payload_meta *meta, size_t chunk_index)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
	buf_init(&w->errors);
	buf_putc(out, '{');
	str(out, "version",
	    meta->with_addresses ? PAYLOAD_VERSION_2 : PAYLOAD_VERSION_1, 0);
	buf_puts(out, ",\"collector\":{");
	str(out, "id", meta->collector_id, 0);
	str(out, "version", meta->collector_version, 1);
	buf_printf(out, ",\"capabilities\":[\"networks\",\"subnets\"%s]}",
	    meta->with_addresses ? ",\"addresses\"" : "");
	str(out, "provider", meta->provider, 1);
	str(out, "run_id", meta->run_id, 1);
	buf_printf(out, ",\"chunk\":{\"index\":%zu}", chunk_index);
	stamp(out, "started_at", meta->started_at);
	buf_puts(out, ",\"records\":[");
}

static void
separator(struct payload_writer *w)
{
	if (w->records++ > 0)
		buf_putc(w->out, ',');
	buf_putc(w->out, '\n');
}

static int
on_network(void *ctx, const struct cloud_network *n, struct err *err)
{
	struct payload_writer *w = ctx;

	(void)err;
	separator(w);
	payload_network(w->out, n);
	return 0;
}

static int
on_subnet(void *ctx, const struct cloud_subnet *s, struct err *err)
{
	struct payload_writer *w = ctx;

	(void)err;
	separator(w);
	payload_subnet(w->out, s);
	return 0;
}

static int
on_address(void *ctx, const struct cloud_address *a, struct err *err)
{
	struct payload_writer *w = ctx;

	(void)err;
	separator(w);
	payload_address(w->out, a);
	return 0;
}

static int
on_error(
    void *ctx, enum cloud_kind kind, const char *resource, const char *message)
{
	struct payload_writer *w = ctx;

	if (w->nerrors++ > 0)
		buf_putc(&w->errors, ',');
	buf_putc(&w->errors, '{');
	str(&w->errors, "kind", cloud_kind_names[kind], 0);
	str(&w->errors, "resource", resource, 1);
	str(&w->errors, "message", message, 1);
	buf_putc(&w->errors, '}');
	return 0;
}

void
payload_sink(struct payload_writer *w, struct cloud_sink *sink)
{
	sink->ctx = w;
	sink->on_network = on_network;
	sink->on_subnet = on_subnet;
	sink->on_address = on_address;
	sink->on_error = on_error;
}

void
payload_end(
    struct payload_writer *w, const struct cloud_report *report, int final)
{
	struct buf *out = w->out;
	size_t i;

	buf_puts(out, "\n],\"errors\":[");
	if (w->errors.len > 0)
		buf_append(out, w->errors.data, w->errors.len);
	buf_puts(out, "],\"report\":{");
	buf_printf(out,
	    "\"calls\":%zu,\"retries\":%zu,\"pages\":%zu,\"networks\":%zu,"
	    "\"subnets\":%zu,\"addresses\":%zu,\"record_errors\":%zu,"
	    "\"failures\":[",
	    report->calls, report->retries, report->pages, report->networks,
	    report->subnets, report->addresses, report->record_errors);
	for (i = 0; i < report->nfailures; i++) {
		if (i > 0)
			buf_putc(out, ',');
		buf_putc(out, '{');
		str(out, "scope", report->failures[i].scope, 0);
		str(out, "message", report->failures[i].message, 1);
		buf_putc(out, '}');
	}
	buf_printf(out, "]},\"final\":%s", final ? "true" : "false");
	stamp(out, "finished_at", time(NULL));
	buf_puts(out, "}\n");
	buf_free(&w->errors);
}
