/*
 * Fuzz target for app/cloud/gcp_json.c: arbitrary bytes as a Compute
 * answer of each resource, and as any list for gcp_page_token.  Besides
 * crashes, leaks and undefined behaviour (the sanitizers' job) it traps
 * when a record handed to the sink is not whole: a NULL string, a CIDR or
 * address that is not canonical app/ip text, a count past its array, an
 * error message with control bytes, or a failure without a code.
 *
 * Each answer is read twice: once as it comes, once with a sink that
 * refuses errors (so the bad_record path runs) and a project the answer
 * may contradict.
 */
#include "cloud/gcp_json.h"

#include <stdint.h>
#include <string.h>

#include "ip/ip.h"
#include "lib/arena.h"
#include "lib/err.h"

#define CHECK(x)                                                               \
	do {                                                                   \
		if (!(x))                                                      \
			__builtin_trap();                                      \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_common(const struct cloud_common *c, enum cloud_kind kind)
{
	size_t i;

	CHECK(c->provider == CLOUD_GCP && c->kind == kind);
	CHECK(c->account != NULL && c->region != NULL && c->zone != NULL);
	CHECK(c->external_id != NULL && *c->external_id != '\0');
	CHECK(c->name != NULL && c->state != NULL);
	CHECK(c->ntags <= CLOUD_TAGS_MAX);
	for (i = 0; i < c->ntags; i++)
		CHECK(c->tags[i].key != NULL && c->tags[i].value != NULL);
}

/* Canonical: parses strictly and formats back to the same text. */
static void
check_cidrs(const struct cloud_cidr *cidrs, size_t n)
{
	struct ip_prefix p;
	struct err err = ERR_INIT;
	char text[IP_PREFIX_STRLEN];
	size_t i;

	CHECK(n <= CLOUD_CIDRS_MAX);
	for (i = 0; i < n; i++) {
		CHECK(cidrs[i].cidr != NULL && cidrs[i].name != NULL &&
		      cidrs[i].state != NULL);
		CHECK(ip_prefix_parse(
		          cidrs[i].cidr, strlen(cidrs[i].cidr), &p, &err) == 0);
		CHECK(strcmp(ip_prefix_format(&p, text), cidrs[i].cidr) == 0);
	}
}

static int
on_network(void *ctx, const struct cloud_network *n, struct err *err)
{
	(void)ctx;
	(void)err;
	check_common(&n->c, CLOUD_NETWORK);
	check_cidrs(n->cidrs, n->ncidrs);
	return 0;
}

static int
on_subnet(void *ctx, const struct cloud_subnet *s, struct err *err)
{
	(void)ctx;
	(void)err;
	check_common(&s->c, CLOUD_SUBNET);
	CHECK(s->network_id != NULL && *s->network_id != '\0');
	CHECK(s->ncidrs >= 1);
	check_cidrs(s->cidrs, s->ncidrs);
	return 0;
}

static int
on_address(void *ctx, const struct cloud_address *a, struct err *err)
{
	struct ip_addr addr;
	char text[IP_ADDR_STRLEN];

	(void)ctx;
	check_common(&a->c, CLOUD_ADDRESS);
	CHECK(a->ip != NULL && a->network_id != NULL && a->subnet_id != NULL);
	CHECK(a->interface_id != NULL && a->attached_to != NULL &&
	      a->allocation_id != NULL);
	CHECK(ip_addr_parse(a->ip, strlen(a->ip), &addr, err) == 0);
	CHECK(strcmp(ip_addr_format(&addr, text), a->ip) == 0);
	return 0;
}

static int
on_error(
    void *ctx, enum cloud_kind kind, const char *resource, const char *message)
{
	size_t i;

	CHECK((unsigned)kind < CLOUD_KIND__MAX);
	CHECK(resource != NULL && message != NULL && *message != '\0');
	for (i = 0; message[i] != '\0'; i++)
		CHECK((unsigned char)message[i] >= ' ' && message[i] != 0x7f);
	return *(const int *)ctx ? -1 : 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct arena *arena;
	int refuse, r, rc;
	struct cloud_sink sink = { &refuse, on_network, on_subnet, on_address,
		on_error };
	struct err err;
	char *next;

	if (arena == NULL && (arena = arena_new(1 << 16)) == NULL)
		return 0;
	for (refuse = 0; refuse <= 1; refuse++)
		for (r = 0; r < GCP_RESOURCE__MAX; r++) {
			err_clear(&err);
			rc = gcp_parse((enum gcp_resource)r, (const char *)data,
			    size, refuse ? "project_name" : NULL, &sink, arena,
			    &next, &err);
			CHECK(rc == 0 ||
			      (rc == -1 && next == NULL && err.status != 0 &&
			          *err.code != '\0'));
			CHECK(next == NULL || strlen(next) <= GCP_TOKEN_MAX);
		}
	err_clear(&err);
	rc = gcp_page_token((const char *)data, size, arena, &next, &err);
	CHECK(rc == 0 || (next == NULL && *err.code != '\0'));
	arena_reset(arena);
	return 0;
}
