/*
 * Fuzz target for app/cloud/ec2_xml.c: arbitrary bytes are fed, in chunks
 * whose sizes come from the input itself, to a parser of every action, and
 * whole to ec2_regions_parse().  Besides crashes, leaks and undefined
 * behaviour (the sanitizers' job) it traps when the parser contradicts
 * itself: a record with a NULL string, an address or CIDR that is not
 * canonical, a refusal without a code or message, or a failed parser that
 * takes input again.
 *
 * Input: byte 0 seeds the chunk sizes (0 feeds everything at once); the
 * whole input, byte 0 included, is the answer.
 */
#include "cloud/ec2_xml.h"

#include <stdint.h>
#include <string.h>

#include "ip/ip.h"
#include "lib/arena.h"
#include "lib/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_string(const char *s)
{
	if (s == NULL)
		__builtin_trap();
	(void)strlen(s);
}

/* What the parser hands on is app/ip's canonical text. */
static void
check_cidr(const char *s)
{
	char canonical[IP_PREFIX_STRLEN];
	struct ip_prefix prefix;
	struct err err = ERR_INIT;

	check_string(s);
	if (ip_prefix_parse(s, strlen(s), &prefix, &err) == -1 ||
	    strcmp(ip_prefix_format(&prefix, canonical), s) != 0)
		__builtin_trap();
}

static void
check_common(const struct cloud_common *c, enum cloud_kind kind)
{
	size_t i;

	if (c->provider != CLOUD_AWS || c->kind != kind ||
	    c->ntags > CLOUD_TAGS_MAX)
		__builtin_trap();
	check_string(c->account);
	check_string(c->region);
	check_string(c->zone);
	check_string(c->external_id);
	check_string(c->name);
	check_string(c->state);
	for (i = 0; i < c->ntags; i++) {
		check_string(c->tags[i].key);
		check_string(c->tags[i].value);
	}
}

static void
check_cidrs(const struct cloud_cidr *cidrs, size_t n)
{
	size_t i;

	if (n == 0 || n > CLOUD_CIDRS_MAX)
		__builtin_trap();
	for (i = 0; i < n; i++) {
		check_cidr(cidrs[i].cidr);
		check_string(cidrs[i].name);
		check_string(cidrs[i].state);
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
	check_cidrs(s->cidrs, s->ncidrs);
	check_string(s->network_id);
	return 0;
}

static int
on_address(void *ctx, const struct cloud_address *a, struct err *err)
{
	struct ec2_parser **p = ctx;
	const struct ec2_address_extra *x = ec2_parser_address_extra(*p);
	char canonical[IP_ADDR_STRLEN];
	struct ip_addr addr;

	(void)err;
	check_common(&a->c, CLOUD_ADDRESS);
	check_string(a->ip);
	if (ip_addr_parse(a->ip, strlen(a->ip), &addr, err) == -1 ||
	    strcmp(ip_addr_format(&addr, canonical), a->ip) != 0)
		__builtin_trap();
	check_string(a->network_id);
	check_string(a->subnet_id);
	check_string(a->interface_id);
	check_string(a->attached_to);
	check_string(a->allocation_id);
	check_string(x->owner_id);
	check_string(x->association_id);
	check_string(x->domain);
	check_string(x->private_ip);
	return 0;
}

static int
on_error(
    void *ctx, enum cloud_kind kind, const char *resource, const char *message)
{
	(void)ctx;
	if ((unsigned)kind >= CLOUD_KIND__MAX || message[0] == '\0')
		__builtin_trap();
	check_string(resource);
	return 0;
}

static int
on_region(void *ctx, const char *name, struct err *err)
{
	(void)ctx;
	(void)err;
	check_string(name);
	return 0;
}

static void
check_refusal(struct ec2_parser *p, const struct err *err)
{
	struct err again = ERR_INIT;

	if (err->code[0] == '\0' || err->message[0] == '\0')
		__builtin_trap();
	if (ec2_parser_feed(p, "<x/>", 4, 1, &again) != -1 ||
	    strcmp(again.code, err->code) != 0)
		__builtin_trap();
	if (strcmp(err->code, "aws_error") == 0 &&
	    ec2_parser_error_code(p) == NULL &&
	    strstr(err->message, "without <Error>") == NULL)
		__builtin_trap();
}

static void
feed_all(enum ec2_action action, const uint8_t *data, size_t size)
{
	struct ec2_parser *p = NULL;
	/* The context is the parser: on_address asks it for the extras. */
	struct cloud_sink sink = { &p, on_network, on_subnet, on_address,
		on_error };
	struct err err = ERR_INIT;
	size_t off = 0, n, k = 0;
	int rc = 0;

	if ((p = ec2_parser_new(action, &sink, "123456789012", "x-1")) == NULL)
		return;
	ec2_parser_on_region(p, on_region, NULL);
	while (rc == 0 && off < size) {
		/* Chunk sizes 1 to 64, from the input; byte 0 of 0: one. */
		n = data[0] == 0 ? size : 1 + (data[k++ % size] ^ data[0]) % 64;
		n = n < size - off ? n : size - off;
		rc = ec2_parser_feed(p, (const char *)data + off, n, 0, &err);
		off += n;
	}
	if (rc == 0)
		rc = ec2_parser_feed(p, NULL, 0, 1, &err);
	if (rc == -1)
		check_refusal(p, &err);
	else if (ec2_parser_next_token(p) != NULL &&
	         ec2_parser_next_token(p)[0] == '\0')
		__builtin_trap();
	ec2_parser_free(p);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a;
	struct err err = ERR_INIT;
	char **names;
	size_t n, i;
	int action;

	if (size == 0)
		return 0;
	for (action = 0; action < EC2_ACTION__MAX; action++)
		feed_all((enum ec2_action)action, data, size);
	if ((a = arena_new(4096)) == NULL)
		return 0;
	if (ec2_regions_parse((const char *)data, size, &names, &n, a, &err) ==
	    0) {
		for (i = 0; i < n; i++)
			check_string(names[i]);
	} else if (names != NULL || n != 0 || err.code[0] == '\0') {
		__builtin_trap();
	}
	arena_free(a);
	return 0;
}
