/*
 * Unit tests for app/ipam: pools, allocation, free space and blocks,
 * against a real SQLite store in a temporary file.
 *
 * Besides hand-checked cases, a property test runs random allocations and
 * deletions and checks after each step that the free-space table is
 * exactly the parent minus its children (as app/ip computes it), as the
 * fewest prefixes, and that the utilization counters agree.
 */
#include "ip/ip_set.h"
#include "ipam/catalog.h"
#include "ipam/pool.h"
#include "ipam/search.h"
#include "store/store.h"
#include "unit/tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct store *st;
static struct arena *arena;

static int64_t
create(const char *name, const char *cidr, int64_t parent, struct err *err)
{
	struct ipam_pool_in in;
	struct store_pool out;

	memset(&in, 0, sizeof(in));
	in.name = name;
	in.cidr = cidr;
	in.parent_id = parent;
	err_clear(err);
	if (ipam_pool_create(st, arena, &in, &out, err) == -1)
		return 0;
	return out.id;
}

static const char *
allocate(
    int64_t parent, int len, enum ipam_strategy s, int dry, struct err *err)
{
	struct ipam_allocation_in in;
	struct ipam_allocation_out out;
	static char cidr[IP_PREFIX_STRLEN];

	memset(&in, 0, sizeof(in));
	in.parent_id = parent;
	in.prefix_len = len;
	in.name = "a";
	in.strategy = s;
	in.dry_run = dry;
	err_clear(err);
	if (ipam_pool_allocate(st, arena, &in, &out, err) == -1)
		return NULL;
	return ip_prefix_format(&out.block, cidr);
}

static void
test_rules(void)
{
	struct err err;
	int64_t corp, eu;

	corp = create("corp", "10.0.0.0/8", 0, &err);
	tap_ok(corp > 0, "create a top-level pool");
	tap_ok(create("x", "10.1.2.3/8", 0, &err) == 0 &&
	           strcmp(err.code, "host_bits_set") == 0,
	    "host bits set refused");
	tap_ok(create("x", "10.0.0.0/7", 0, &err) == 0 &&
	           strcmp(err.code, "overlap") == 0 &&
	           strstr(err.message, "corp"),
	    "a top-level overlap names the pool in the way");
	tap_ok(create("x", "127.0.0.0/8", 0, &err) == 0 &&
	           strcmp(err.code, "special_range") == 0 &&
	           strstr(err.message, "Loopback"),
	    "loopback refused, named");
	tap_ok(create("x", "100.64.0.0/10", 0, &err) > 0,
	    "shared address space allowed");
	eu = create("eu", "10.1.0.0/16", corp, &err);
	tap_ok(eu > 0, "create a child");
	tap_ok(create("x", "11.0.0.0/16", corp, &err) == 0 &&
	           strcmp(err.code, "outside_parent") == 0,
	    "a child outside its parent refused");
	tap_ok(create("x", "10.1.128.0/17", corp, &err) == 0 &&
	           strcmp(err.code, "overlap") == 0,
	    "a sibling overlap refused");
	tap_ok(create("x", "10.0.0.0/8", corp, &err) == 0,
	    "a child equal to its parent refused");
	tap_str(allocate(eu, 24, IPAM_FIRST_FIT, 0, &err), "10.1.0.0/24",
	    "first fit");
	tap_str(allocate(eu, 24, IPAM_LAST_FIT, 0, &err), "10.1.255.0/24",
	    "last fit");
	tap_str(allocate(eu, 26, IPAM_BEST_FIT, 0, &err), "10.1.1.0/26",
	    "best fit takes the smallest gap");
	tap_str(allocate(eu, 23, IPAM_FIRST_FIT, 1, &err), "10.1.2.0/23",
	    "dry run");
	tap_str(allocate(eu, 23, IPAM_FIRST_FIT, 0, &err), "10.1.2.0/23",
	    "dry run changed nothing");
	tap_ok(allocate(eu, 16, IPAM_FIRST_FIT, 0, &err) == NULL &&
	           strcmp(err.code, "invalid_value") == 0,
	    "prefix_len not longer than the parent's refused");
}

/* Free space of pool id equals parent minus children, canonically. */
static int
free_space_consistent(int64_t id, int *nfree)
{
	struct store_pool pool, *kids;
	struct store_pool_filter f;
	struct store_page page = { 0, 100000, 0 };
	struct store_free_block *rows;
	struct ip_prefix parent, *children, want[4096];
	struct ipam_utilization u;
	struct ip_count used = IP_COUNT_ZERO, size;
	struct err err = ERR_INIT;
	char cidr[IP_PREFIX_STRLEN];
	size_t n, nrows, count, i;

	memset(&f, 0, sizeof(f));
	f.parent_id = id;
	if (store_pool_get(st, id, arena, &pool, &err) == -1 ||
	    ipam_pool_prefix(&pool, &parent, &err) == -1 ||
	    store_pool_list(st, arena, &f, &page, &kids, &n, &err) == -1 ||
	    store_free_list(st, id, "", 100000, arena, &rows, &nrows, &err) ==
	        -1)
		return 0;
	children = arena_calloc(arena, n ? n : 1, sizeof(*children));
	for (i = 0; i < n; i++) {
		ipam_pool_prefix(&kids[i], &children[i], &err);
		ip_prefix_size(&children[i], &size);
		ip_count_add(&used, &size, &err);
	}
	ip_prefix_sort(children, n);
	if (ip_set_subtract(&parent, children, n, want, 4096, &count, &err) ==
	        -1 ||
	    count != nrows)
		return 0;
	for (i = 0; i < count; i++)
		if (strcmp(ip_prefix_format(&want[i], cidr), rows[i].cidr) != 0)
			return 0;
	ipam_pool_utilization_of(&pool, &u);
	*nfree = (int)count;
	return ip_count_compare(&u.used, &used) == 0 &&
	       pool.children == (int64_t)n;
}

static void
test_property(void)
{
	struct err err;
	struct store_pool_filter f;
	struct store_page page = { 0, 1000, 0 };
	struct store_pool *kids;
	int64_t lab, deleted;
	unsigned seed = 12345;
	int step, ok = 1, nfree = 0, allocs = 0, deletes = 0;
	size_t n;

	lab = create("lab", "172.16.0.0/16", 0, &err);
	for (step = 0; step < 400 && ok; step++) {
		seed = seed * 1103515245u + 12345u;
		arena_reset(arena);
		if ((seed >> 16) % 3 != 0 || step < 20) {
			int len = 20 + (int)((seed >> 8) % 9);
			enum ipam_strategy s =
			    (enum ipam_strategy)((seed >> 4) % 3);

			if (allocate(lab, len, s, 0, &err) != NULL)
				allocs++;
			else if (strcmp(err.code, "pool_full") != 0)
				ok = 0;
		} else {
			memset(&f, 0, sizeof(f));
			f.parent_id = lab;
			if (store_pool_list(
			        st, arena, &f, &page, &kids, &n, &err) == 0 &&
			    n > 0 &&
			    ipam_pool_delete(st, arena,
			        kids[(seed >> 3) % n].id, 0, &deleted,
			        &err) == 0)
				deletes++;
		}
		if (ok && !free_space_consistent(lab, &nfree)) {
			ok = 0;
			tap_diag("inconsistent after step %d", step);
		}
	}
	tap_ok(ok,
	    "400 random allocations and deletions: free space is "
	    "always the parent minus its children, as the fewest "
	    "prefixes, and utilization agrees (%d allocations, %d "
	    "deletions)",
	    allocs, deletes);
}

static void
test_blocks_and_search(void)
{
	struct ipam_blocks_out out;
	struct store_pool *rows;
	struct err err = ERR_INIT;
	char cidr[IP_PREFIX_STRLEN];
	int64_t v6, big;
	size_t n;

	v6 = create("v6", "fd00:ab::/32", 0, &err);
	create("site", "fd00:ab::/48", v6, &err);
	tap_ok(ipam_pool_blocks(st, arena, v6, 64, IPAM_BLOCKS_ALL, 3, 100,
	           &out, &err) == 0 &&
	           out.n == 100,
	    "a page of /64s in a /32");
	tap_str(out.total_exact, "4294967296", "2^32 /64s, exactly");
	tap_ok(out.items[0].state == IPAM_BLOCK_USED && out.items[0].has_pool,
	    "a /64 inside a child is used, with the child named");
	tap_str(ip_prefix_format(&out.items[0].prefix, cidr),
	    "fd00:ab:0:c8::/64", "page 3 starts at the 201st /64");
	tap_ok(ipam_pool_blocks(st, arena, v6, 48, IPAM_BLOCKS_FREE, 1, 1, &out,
	           &err) == 0 &&
	           out.n == 1,
	    "first free /48");
	tap_str(ip_prefix_format(&out.items[0].prefix, cidr), "fd00:ab:1::/48",
	    "is the one after the child");
	tap_int((long long)out.total, 65535, "65,535 free /48s");
	big = create("huge", "fc00::/7", 0, &err);
	tap_ok(ipam_pool_blocks(st, arena, big, 128, IPAM_BLOCKS_FREE, 1, 1,
	           &out, &err) == -1,
	    "filtering 2^121 blocks is refused, not attempted");
	tap_ok(ipam_search_ip(
	           st, arena, 0, "fd00:ab:0:5::1", &rows, &n, &err) == 0 &&
	           n == 2 && strcmp(rows[0].name, "site") == 0 &&
	           strcmp(rows[1].name, "v6") == 0,
	    "search by IP: innermost first");
}

int
main(void)
{
	char path[] = "/tmp/cloudpam-unit-XXXXXX";
	char url[64];
	struct store_options opt = { 5000, 0, 0 };
	struct err err = ERR_INIT;
	int applied, fd;

	fd = mkstemp(path);
	if (fd != -1)
		close(fd);
	snprintf(url, sizeof(url), "sqlite:%s", path);
	arena = arena_new(1 << 16);
	st = store_open(url, &opt, &err);
	if (st == NULL || store_migrate_up(st, &applied, &err) == -1) {
		printf("Bail out! %s\n", err.message);
		return 1;
	}
	test_rules();
	test_blocks_and_search();
	test_property();
	store_free(st);
	arena_free(arena);
	unlink(path);
	snprintf(url, sizeof(url), "%s-wal", path);
	unlink(url);
	snprintf(url, sizeof(url), "%s-shm", path);
	unlink(url);
	return tap_done();
}
