/*
 * aws_driver.c: run cloud_aws.discover() once and print what it found,
 * for t/cloud/aws.t.
 *
 *   aws_driver [-r region]... [-a account]... [-R role] [-A]
 *              [-n retries] [-t timeout_ms] [-b base_ms] [-c cap_ms]
 *
 * Every record is one JSON line ({"kind": "network" | "subnet" | "address"
 * | "error", ...}), then one {"kind": "report", ...} line; when discover()
 * returns -1, a {"kind": "fatal", "code", "message"} line before the
 * report and exit status 1.  Settings and credentials come from the
 * environment, as in the collector.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cloud/cloud.h"
#include "lib/err.h"

static void
print(struct json_object *o)
{
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
}

static void
add(struct json_object *o, const char *key, const char *value)
{
	json_object_object_add(
	    o, key, json_object_new_string(value ? value : ""));
}

static struct json_object *
common(const struct cloud_common *c)
{
	struct json_object *o = json_object_new_object();
	struct json_object *tags = json_object_new_object();
	size_t i;

	add(o, "kind", cloud_kind_names[c->kind]);
	add(o, "provider", cloud_provider_names[c->provider]);
	add(o, "account", c->account);
	add(o, "region", c->region);
	add(o, "zone", c->zone);
	add(o, "id", c->external_id);
	add(o, "name", c->name);
	add(o, "state", c->state);
	for (i = 0; i < c->ntags; i++)
		add(tags, c->tags[i].key, c->tags[i].value);
	json_object_object_add(o, "tags", tags);
	return o;
}

static struct json_object *
cidrs(const struct cloud_cidr *list, size_t n)
{
	struct json_object *a = json_object_new_array(), *o;
	size_t i;

	for (i = 0; i < n; i++) {
		o = json_object_new_object();
		add(o, "cidr", list[i].cidr);
		add(o, "name", list[i].name);
		add(o, "state", list[i].state);
		json_object_object_add(
		    o, "secondary", json_object_new_boolean(list[i].secondary));
		json_object_array_add(a, o);
	}
	return a;
}

static int
on_network(void *ctx, const struct cloud_network *n, struct err *err)
{
	struct json_object *o = common(&n->c);

	(void)ctx, (void)err;
	json_object_object_add(o, "cidrs", cidrs(n->cidrs, n->ncidrs));
	json_object_object_add(
	    o, "is_default", json_object_new_boolean(n->is_default));
	print(o);
	return 0;
}

static int
on_subnet(void *ctx, const struct cloud_subnet *s, struct err *err)
{
	struct json_object *o = common(&s->c);

	(void)ctx, (void)err;
	add(o, "network_id", s->network_id);
	json_object_object_add(o, "cidrs", cidrs(s->cidrs, s->ncidrs));
	print(o);
	return 0;
}

static int
on_address(void *ctx, const struct cloud_address *a, struct err *err)
{
	struct json_object *o = common(&a->c);

	(void)ctx, (void)err;
	add(o, "ip", a->ip);
	json_object_object_add(
	    o, "is_public", json_object_new_boolean(a->is_public));
	json_object_object_add(
	    o, "is_primary", json_object_new_boolean(a->is_primary));
	add(o, "network_id", a->network_id);
	add(o, "subnet_id", a->subnet_id);
	add(o, "interface_id", a->interface_id);
	add(o, "attached_to", a->attached_to);
	add(o, "allocation_id", a->allocation_id);
	print(o);
	return 0;
}

static int
on_error(
    void *ctx, enum cloud_kind kind, const char *resource, const char *message)
{
	struct json_object *o = json_object_new_object();

	(void)ctx;
	add(o, "kind", "error");
	add(o, "of", cloud_kind_names[kind]);
	add(o, "resource", resource);
	add(o, "message", message);
	print(o);
	return 0;
}

static void
report_print(const struct cloud_report *r)
{
	struct json_object *o = json_object_new_object();
	struct json_object *failures = json_object_new_array(), *f;
	size_t i;

	add(o, "kind", "report");
	json_object_object_add(
	    o, "calls", json_object_new_int64((int64_t)r->calls));
	json_object_object_add(
	    o, "retries", json_object_new_int64((int64_t)r->retries));
	json_object_object_add(
	    o, "pages", json_object_new_int64((int64_t)r->pages));
	json_object_object_add(
	    o, "networks", json_object_new_int64((int64_t)r->networks));
	json_object_object_add(
	    o, "subnets", json_object_new_int64((int64_t)r->subnets));
	json_object_object_add(
	    o, "addresses", json_object_new_int64((int64_t)r->addresses));
	json_object_object_add(o, "record_errors",
	    json_object_new_int64((int64_t)r->record_errors));
	for (i = 0; i < r->nfailures; i++) {
		f = json_object_new_object();
		add(f, "scope", r->failures[i].scope);
		add(f, "message", r->failures[i].message);
		json_object_array_add(failures, f);
	}
	json_object_object_add(o, "failures", failures);
	print(o);
}

static long
number(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || end == s || v < 0) {
		fprintf(stderr, "aws_driver: bad number\n");
		exit(2);
	}
	return v;
}

int
main(int argc, char **argv)
{
	static struct cloud_options opt;
	static struct cloud_report report;
	struct cloud_sink sink = { NULL, on_network, on_subnet, on_address,
		on_error };
	struct err err = ERR_INIT;
	struct json_object *o;
	int c, rc;

	opt.max_retries = 3;
	opt.timeout_ms = 5000;
	opt.backoff_base_ms = 50;
	opt.backoff_cap_ms = 400;
	while ((c = getopt(argc, argv, "r:a:R:An:t:b:c:")) != -1) {
		if (c == 'r' && opt.nregions < CLOUD_LIST_MAX)
			opt.regions[opt.nregions++] = optarg;
		else if (c == 'a' && opt.naccounts < CLOUD_LIST_MAX)
			opt.accounts[opt.naccounts++] = optarg;
		else if (c == 'R')
			opt.role_name = optarg;
		else if (c == 'A')
			opt.addresses = 1;
		else if (c == 'n')
			opt.max_retries = (int)number(optarg);
		else if (c == 't')
			opt.timeout_ms = number(optarg);
		else if (c == 'b')
			opt.backoff_base_ms = number(optarg);
		else if (c == 'c')
			opt.backoff_cap_ms = number(optarg);
		else
			return 2;
	}
	rc = cloud_aws.discover(&opt, &sink, &report, NULL, NULL, &err);
	if (rc == -1) {
		o = json_object_new_object();
		add(o, "kind", "fatal");
		add(o, "code", err.code);
		add(o, "message", err.message);
		print(o);
	}
	report_print(&report);
	return rc == -1 ? 1 : 0;
}
