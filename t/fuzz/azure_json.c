/*
 * Fuzz target for app/cloud/azure_json.c: arbitrary bytes as an ARM answer
 * of each resource, and as an ARM id.  Besides crashes, leaks and
 * undefined behaviour (the sanitizers' job) it traps when a record handed
 * to the sink is not whole: a NULL string, a CIDR or address that is not
 * canonical app/ip text, a subnet CIDR outside every prefix of the VNet
 * just handed over, a count past its array, an error message with control
 * bytes, or a failure without a code.
 *
 * Each answer is read twice: once as it comes, once with a sink that
 * refuses errors (so the bad_record path runs).
 */
#include "cloud/azure_json.h"

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

/*
 * The last VNet handed over, to hold the subnets after it to its address
 * space; forgotten when a VNet is refused or another answer begins.
 */
struct fuzz_ctx {
	int refuse;
	char vnet_id[1024];
	struct ip_prefix space[CLOUD_CIDRS_MAX];
	size_t nspace;
};

static void
check_common(const struct cloud_common *c, enum cloud_kind kind)
{
	struct azure_arm_id id;
	struct err err = ERR_INIT;
	size_t i;

	CHECK(c->provider == CLOUD_AZURE && c->kind == kind);
	CHECK(c->account != NULL && c->region != NULL && c->zone != NULL);
	CHECK(c->external_id != NULL && c->name != NULL && c->state != NULL);
	CHECK(*c->external_id != '\0' && *c->account != '\0');
	/* An ipConfiguration's own id is kept as given; the NIC's is read. */
	if (kind != CLOUD_ADDRESS) {
		CHECK(azure_arm_id_parse(c->external_id, &id, &err) == 0);
		CHECK(strcmp(id.subscription, c->account) == 0);
	}
	CHECK(c->ntags <= CLOUD_TAGS_MAX);
	for (i = 0; i < c->ntags; i++)
		CHECK(c->tags[i].key != NULL && c->tags[i].value != NULL);
}

/* Canonical: parses strictly and formats back to the same text. */
static void
cidr_read(const struct cloud_cidr *cidr, struct ip_prefix *p)
{
	struct err err = ERR_INIT;
	char text[IP_PREFIX_STRLEN];

	CHECK(cidr->cidr != NULL && cidr->name != NULL && cidr->state != NULL);
	CHECK(ip_prefix_parse(cidr->cidr, strlen(cidr->cidr), p, &err) == 0);
	CHECK(strcmp(ip_prefix_format(p, text), cidr->cidr) == 0);
}

static int
on_network(void *ctx, const struct cloud_network *n, struct err *err)
{
	struct fuzz_ctx *f = ctx;
	size_t i;

	(void)err;
	check_common(&n->c, CLOUD_NETWORK);
	CHECK(n->ncidrs >= 1 && n->ncidrs <= CLOUD_CIDRS_MAX);
	for (i = 0; i < n->ncidrs; i++)
		cidr_read(&n->cidrs[i], &f->space[i]);
	f->nspace = n->ncidrs;
	f->vnet_id[0] = '\0';
	if (strlen(n->c.external_id) < sizeof(f->vnet_id))
		memcpy(
		    f->vnet_id, n->c.external_id, strlen(n->c.external_id) + 1);
	return 0;
}

static int
on_subnet(void *ctx, const struct cloud_subnet *s, struct err *err)
{
	struct fuzz_ctx *f = ctx;
	struct ip_prefix p;
	size_t i, j;
	int inside;

	(void)err;
	check_common(&s->c, CLOUD_SUBNET);
	CHECK(s->network_id != NULL && *s->network_id != '\0');
	CHECK(s->ncidrs >= 1 && s->ncidrs <= CLOUD_CIDRS_MAX);
	for (i = 0; i < s->ncidrs; i++) {
		cidr_read(&s->cidrs[i], &p);
		if (strcmp(s->network_id, f->vnet_id) != 0)
			continue;
		for (inside = 0, j = 0; j < f->nspace; j++)
			inside |= ip_prefix_contains(&f->space[j], &p);
		CHECK(inside);
	}
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
	struct fuzz_ctx *f = ctx;
	size_t i;

	CHECK((unsigned)kind < CLOUD_KIND__MAX);
	CHECK(resource != NULL && message != NULL && *message != '\0');
	for (i = 0; message[i] != '\0'; i++)
		CHECK((unsigned char)message[i] >= ' ' && message[i] != 0x7f);
	/* A refused VNet's subnets are not held to its address space. */
	if (kind == CLOUD_NETWORK)
		f->vnet_id[0] = '\0';
	return f->refuse ? -1 : 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct arena *arena;
	static struct fuzz_ctx f;
	struct cloud_sink sink = { &f, on_network, on_subnet, on_address,
		on_error };
	struct azure_arm_id id;
	struct err err;
	char *next, text[256];
	int r, rc;

	if (arena == NULL && (arena = arena_new(1 << 16)) == NULL)
		return 0;
	memset(&f, 0, sizeof(f));
	for (f.refuse = 0; f.refuse <= 1; f.refuse++)
		for (r = 0; r < AZURE_RESOURCE__MAX; r++) {
			f.vnet_id[0] = '\0';
			err_clear(&err);
			rc = azure_parse((enum azure_resource)r,
			    (const char *)data, size, &sink, arena, &next,
			    &err);
			CHECK(rc == 0 ||
			      (rc == -1 && next == NULL && err.status != 0 &&
			          *err.code != '\0'));
			CHECK(next == NULL ||
			      strlen(next) <= AZURE_NEXT_LINK_MAX);
		}
	if (size < sizeof(text) && memchr(data, '\0', size) == NULL) {
		memcpy(text, data, size);
		text[size] = '\0';
		rc = azure_arm_id_parse(text, &id, &err);
		CHECK(rc == -1 || (*id.subscription != '\0' &&
		                      strstr(text, id.subscription) != NULL));
	}
	arena_reset(arena);
	return 0;
}
