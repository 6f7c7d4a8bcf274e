/*
 * cloud_parse.c: how fast the EC2 answer parser reads 100,000 subnets and
 * 100,000 network interfaces, and how much memory it needs.
 *
 * The answers are generated as they are read, 64 KiB at a time, as a
 * socket would deliver them: nothing holds a whole answer, so the RSS
 * printed is the parser's.  Only the parser's time is counted, not the
 * generator's.  Prints figures only; never fails.
 */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "cloud/ec2_xml.h"
#include "lib/buf.h"

#define ITEMS 100000
#define CHUNK (64 * 1024)

static size_t records, errors;

static int
on_subnet(void *ctx, const struct cloud_subnet *s, struct err *err)
{
	(void)ctx;
	(void)s;
	(void)err;
	records++;
	return 0;
}

static int
on_address(void *ctx, const struct cloud_address *a, struct err *err)
{
	(void)ctx;
	(void)a;
	(void)err;
	records++;
	return 0;
}

static int
on_error(
    void *ctx, enum cloud_kind kind, const char *resource, const char *message)
{
	(void)ctx;
	(void)kind;
	(void)resource;
	(void)message;
	errors++;
	return 0;
}

static void
subnet_item(struct buf *b, unsigned i)
{
	buf_printf(b,
	    "<item><subnetId>subnet-%08x</subnetId><state>available</state>"
	    "<vpcId>vpc-%08x</vpcId><cidrBlock>10.%u.%u.0/24</cidrBlock>"
	    "<availableIpAddressCount>251</availableIpAddressCount>"
	    "<availabilityZone>eu-west-1a</availabilityZone>"
	    "<tagSet><item><key>Name</key><value>net-%u</value></item>"
	    "</tagSet></item>\n",
	    i, i / 100, (i >> 8) & 255, i & 255, i);
}

static void
eni_item(struct buf *b, unsigned i)
{
	buf_printf(b,
	    "<item><networkInterfaceId>eni-%08x</networkInterfaceId>"
	    "<subnetId>subnet-%08x</subnetId><vpcId>vpc-%08x</vpcId>"
	    "<availabilityZone>eu-west-1a</availabilityZone>"
	    "<ownerId>123456789012</ownerId><status>in-use</status>"
	    "<privateIpAddress>10.%u.%u.10</privateIpAddress>"
	    "<attachment><instanceId>i-%08x</instanceId></attachment>"
	    "<tagSet/><privateIpAddressesSet><item>"
	    "<privateIpAddress>10.%u.%u.10</privateIpAddress>"
	    "<primary>true</primary></item></privateIpAddressesSet></item>\n",
	    i, i, i / 100, (i >> 8) & 255, i & 255, i, (i >> 8) & 255, i & 255);
}

static double
seconds_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) +
	       (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static double
run(enum ec2_action action, const char *root, const char *set,
    void (*item)(struct buf *, unsigned))
{
	struct cloud_sink sink = { NULL, NULL, on_subnet, on_address,
		on_error };
	struct ec2_parser *p =
	    ec2_parser_new(action, &sink, "123456789012", "eu-west-1");
	struct buf b = BUF_INIT;
	struct err err = ERR_INIT;
	struct timespec t0;
	double parsing = 0;
	unsigned i = 0;

	buf_printf(&b,
	    "<?xml version=\"1.0\"?><%s xmlns=\"http://ec2."
	    "amazonaws.com/doc/2016-11-15/\"><requestId>r</requestId>"
	    "<%s>",
	    root, set);
	while (i < ITEMS) {
		while (i < ITEMS && b.len < CHUNK)
			item(&b, i++);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (ec2_parser_feed(p, b.data, b.len, 0, &err) == -1)
			break;
		parsing += seconds_since(&t0);
		buf_reset(&b);
	}
	buf_printf(&b, "</%s></%s>", set, root);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (err.status == 0)
		ec2_parser_feed(p, b.data, b.len, 1, &err);
	parsing += seconds_since(&t0);
	if (err.status != 0)
		printf("  parse failed: %s\n", err.message);
	ec2_parser_free(p);
	buf_free(&b);
	return parsing;
}

int
main(void)
{
	struct rusage ru;
	double s, e;

	s = run(EC2_DESCRIBE_SUBNETS, "DescribeSubnetsResponse", "subnetSet",
	    subnet_item);
	printf("ec2: %u subnets parsed in %.3f s (%zu records)\n", ITEMS, s,
	    records);
	records = 0;
	e = run(EC2_DESCRIBE_NETWORK_INTERFACES,
	    "DescribeNetworkInterfacesResponse", "networkInterfaceSet",
	    eni_item);
	printf("ec2: %u network interfaces parsed in %.3f s (%zu address "
	       "records)\n",
	    ITEMS, e, records);
	getrusage(RUSAGE_SELF, &ru);
	printf("ec2: both in %.3f s (target < 2 s), max RSS %.1f MB (target "
	       "< 50 MB), %zu record errors\n",
	    s + e, (double)ru.ru_maxrss / 1024.0, errors);
	return 0;
}
