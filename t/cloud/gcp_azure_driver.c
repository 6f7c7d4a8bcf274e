/*
 * gcp_azure_driver.c: run one provider's discover() and print what it
 * found, for t/cloud/gcp_azure.t.
 *
 *   gcp_azure_driver [-n] [-r region] gcp|azure account...
 *
 * Each record is one JSON object on its own line ("kind": "network",
 * "subnet", "address", or "error" for a record that could not be read),
 * then one line {"kind": "report", ...} with the report, the result of
 * discover() and, when it failed, its error.  -n leaves addresses out.
 * Endpoints and credentials come from the environment, as in production.
 * Exit status: 0 when discover() returned 0, 1 when it returned -1, 2 on
 * bad usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cloud/cloud.h"
#include "lib/err.h"

struct count {
	size_t progress;
};

static void
print(struct json_object *o)
{
	puts(json_object_to_json_string_ext(
	    o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

static void
put_str(struct json_object *o, const char *key, const char *value)
{
	json_object_object_add(
	    o, key, value ? json_object_new_string(value) : NULL);
}

static struct json_object *
common(const struct cloud_common *c)
{
	struct json_object *o = json_object_new_object(), *tags;
	size_t i;

	put_str(o, "kind", cloud_kind_names[c->kind]);
	put_str(o, "provider", cloud_provider_names[c->provider]);
	put_str(o, "account", c->account);
	put_str(o, "region", c->region);
	put_str(o, "zone", c->zone);
	put_str(o, "external_id", c->external_id);
	put_str(o, "name", c->name);
	put_str(o, "state", c->state);
	json_object_object_add(
	    o, "stamped", json_object_new_boolean(c->discovered_at > 0));
	tags = json_object_new_object();
	for (i = 0; i < c->ntags; i++)
		put_str(tags, c->tags[i].key, c->tags[i].value);
	json_object_object_add(o, "tags", tags);
	return o;
}

static struct json_object *
cidrs(const struct cloud_cidr *c, size_t n)
{
	struct json_object *a = json_object_new_array(), *o;
	size_t i;

	for (i = 0; i < n; i++) {
		o = json_object_new_object();
		put_str(o, "cidr", c[i].cidr);
		put_str(o, "name", c[i].name);
		json_object_object_add(
		    o, "secondary", json_object_new_boolean(c[i].secondary));
		json_object_array_add(a, o);
	}
	return a;
}

static int
on_network(void *ctx, const struct cloud_network *n, struct err *err)
{
	struct json_object *o = common(&n->c);

	(void)ctx;
	(void)err;
	json_object_object_add(o, "cidrs", cidrs(n->cidrs, n->ncidrs));
	print(o);
	return 0;
}

static int
on_subnet(void *ctx, const struct cloud_subnet *s, struct err *err)
{
	struct json_object *o = common(&s->c);

	(void)ctx;
	(void)err;
	put_str(o, "network_id", s->network_id);
	json_object_object_add(o, "cidrs", cidrs(s->cidrs, s->ncidrs));
	print(o);
	return 0;
}

static int
on_address(void *ctx, const struct cloud_address *a, struct err *err)
{
	struct json_object *o = common(&a->c);

	(void)ctx;
	(void)err;
	put_str(o, "ip", a->ip);
	json_object_object_add(
	    o, "is_public", json_object_new_boolean(a->is_public));
	json_object_object_add(
	    o, "is_primary", json_object_new_boolean(a->is_primary));
	put_str(o, "network_id", a->network_id);
	put_str(o, "subnet_id", a->subnet_id);
	put_str(o, "interface_id", a->interface_id);
	put_str(o, "attached_to", a->attached_to);
	put_str(o, "allocation_id", a->allocation_id);
	print(o);
	return 0;
}

static int
on_error(
    void *ctx, enum cloud_kind kind, const char *resource, const char *message)
{
	struct json_object *o = json_object_new_object();

	(void)ctx;
	put_str(o, "kind", "error");
	put_str(o, "record_kind", cloud_kind_names[kind]);
	put_str(o, "resource", resource);
	put_str(o, "message", message);
	print(o);
	return 0;
}

static void
on_progress(void *ctx, const struct cloud_report *r, const char *scope)
{
	struct count *count = ctx;

	(void)r;
	(void)scope;
	count->progress++;
}

static void
report_print(const struct cloud_report *r, const struct count *count, int rc,
    const struct err *err)
{
	struct json_object *o = json_object_new_object(), *failures, *f;
	size_t i;

	put_str(o, "kind", "report");
	json_object_object_add(o, "rc", json_object_new_int(rc));
	json_object_object_add(o, "calls", json_object_new_int64(r->calls));
	json_object_object_add(o, "retries", json_object_new_int64(r->retries));
	json_object_object_add(o, "pages", json_object_new_int64(r->pages));
	json_object_object_add(
	    o, "networks", json_object_new_int64(r->networks));
	json_object_object_add(o, "subnets", json_object_new_int64(r->subnets));
	json_object_object_add(
	    o, "addresses", json_object_new_int64(r->addresses));
	json_object_object_add(
	    o, "record_errors", json_object_new_int64(r->record_errors));
	json_object_object_add(
	    o, "progress", json_object_new_int64(count->progress));
	failures = json_object_new_array();
	for (i = 0; i < r->nfailures; i++) {
		f = json_object_new_object();
		put_str(f, "scope", r->failures[i].scope);
		put_str(f, "message", r->failures[i].message);
		json_object_array_add(failures, f);
	}
	json_object_object_add(o, "failures", failures);
	if (rc == -1) {
		put_str(o, "error_code", err->code);
		put_str(o, "error", err->message);
	}
	print(o);
}

int
main(int argc, char **argv)
{
	static struct cloud_options opt;
	static struct cloud_report report;
	struct cloud_sink sink = { NULL, on_network, on_subnet, on_address,
		on_error };
	const struct cloud_provider_ops *ops;
	struct count count = { 0 };
	struct err err = ERR_INIT;
	int c, rc;

	opt.addresses = 1;
	opt.timeout_ms = 5000;
	opt.max_retries = 3;
	opt.backoff_base_ms = 10;
	opt.backoff_cap_ms = 200;
	while ((c = getopt(argc, argv, "nr:")) != -1) {
		if (c == 'n')
			opt.addresses = 0;
		else if (c == 'r' && opt.nregions < CLOUD_LIST_MAX)
			opt.regions[opt.nregions++] = optarg;
		else
			return 2;
	}
	if (optind >= argc)
		return 2;
	ops = strcmp(argv[optind], "gcp") == 0     ? &cloud_gcp
	      : strcmp(argv[optind], "azure") == 0 ? &cloud_azure
	                                           : NULL;
	if (ops == NULL)
		return 2;
	for (optind++; optind < argc && opt.naccounts < CLOUD_LIST_MAX;)
		opt.accounts[opt.naccounts++] = argv[optind++];
	rc = ops->discover(&opt, &sink, &report, on_progress, &count, &err);
	report_print(&report, &count, rc, &err);
	return rc == 0 ? 0 : 1;
}
