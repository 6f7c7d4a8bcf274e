/*
 * ec2_xml.h: a streaming reader of EC2 Query API answers (XML, expat).
 *
 * The collector sends DescribeVpcs, DescribeSubnets,
 * DescribeNetworkInterfaces and DescribeAddresses and feeds each answer to
 * a parser in chunks of any size, as they come off the wire.  Every
 * <item> of the answer's set becomes a record handed to a struct
 * cloud_sink the moment the item closes, so an answer is never held whole:
 * the parser keeps one record and the text of one element, which is
 * refused past EC2_TEXT_MAX bytes.
 *
 * Element names are matched without their namespace, so the 2014-06-15
 * and 2016-11-15 answers read the same; elements the parser does not know
 * are skipped.  Every CIDR and address is checked and written canonically
 * with app/ip.  A record that cannot be read (an IPv4 /64, host bits set,
 * a missing id) goes to the sink's on_error naming the resource and the
 * reason; the records after it are read as usual.
 *
 * What each answer gives (account is the resource's ownerId when the
 * answer has one, as a VPC shared from another account does, else the
 * account given; name is the Name tag):
 *   DescribeVpcs: one network per VPC; its cidrBlock is the primary CIDR,
 *     the other cidrBlockAssociationSet and ipv6CidrBlockAssociationSet
 *     entries secondary ones (name = association id, state = its state).
 *   DescribeSubnets: one subnet per subnet: cidrBlock and then the
 *     ipv6CidrBlockAssociationSet, network_id = vpcId.  Without a
 *     cidrBlock (IPv6-only) the first IPv6 CIDR is the primary one.
 *   DescribeNetworkInterfaces: one address per private IPv4 address
 *     (privateIpAddressesSet, is_primary from <primary>), one per IPv6
 *     address (ipv6AddressesSet) and one public address (is_public) per
 *     association.publicIp; external_id and interface_id are the ENI id,
 *     state its status, attached_to its attachment's instance.  A bad
 *     address is reported and skipped; the ENI's others are sent.  An
 *     elastic IP on an ENI is also in DescribeAddresses: match them by ip.
 *   DescribeAddresses: one public address per elastic IP; external_id is
 *     the allocation id, or the public IP for EC2-Classic addresses.
 * A record with more than CLOUD_TAGS_MAX tags, CLOUD_CIDRS_MAX CIDRs or
 * EC2_SUBITEMS_MAX addresses is refused through on_error, never cut short.
 *   DescribeRegions: region names, through ec2_parser_on_region() or
 *     ec2_regions_parse().
 * Any answer may instead be the error envelope <Response><Errors><Error>
 * <Code/><Message/></Error></Errors></Response>: see ec2_parser_feed().
 *
 * An answer with a DTD is refused (so no entity can expand), and so is
 * nesting deeper than EC2_DEPTH_MAX.
 */
#ifndef CLOUDPAM_CLOUD_EC2_XML_H
#define CLOUDPAM_CLOUD_EC2_XML_H

#include <stddef.h>

#include "cloud/cloud.h"
#include "lib/arena.h"
#include "lib/err.h"

#define EC2_TEXT_MAX ((size_t)64 << 10) /* bytes of one element's text */
#define EC2_DEPTH_MAX 32                /* nested elements */
#define EC2_SUBITEMS_MAX 128            /* CIDRs or addresses in one item */
#define EC2_REGIONS_MAX 256
#define EC2_AWS_CODE_MAX 128 /* an AWS error code, NUL included */

enum ec2_action {
	EC2_DESCRIBE_VPCS,
	EC2_DESCRIBE_SUBNETS,
	EC2_DESCRIBE_NETWORK_INTERFACES,
	EC2_DESCRIBE_ADDRESSES,
	EC2_DESCRIBE_REGIONS,
	EC2_ACTION__MAX
};

/*
 * The Query API Action of each: "DescribeVpcs", "DescribeSubnets", ...,
 * indexed by enum ec2_action.  The answer's root is the name + "Response".
 */
extern const char *const ec2_action_names[EC2_ACTION__MAX];

/*
 * EC2 fields of an address that struct cloud_address has no place for,
 * each "" when the answer lacks it.
 */
struct ec2_address_extra {
	const char *owner_id; /* the ENI's ownerId, networkInterfaceOwnerId */
	const char *association_id; /* eipassoc-… of a public address */
	const char *domain;         /* DescribeAddresses: "vpc" or "standard" */
	const char *private_ip; /* the private address a public one maps to */
};

/* Receives each region name; returns 0 to go on or -1 (err filled). */
typedef int (*ec2_region_fn)(void *ctx, const char *name, struct err *err);

struct ec2_parser;

/*
 * A parser for one answer to action.  Records go to sink (copied; its
 * NULL functions are skipped) tagged with provider AWS, account and region
 * (copied); discovered_at is the time of this call.  Returns NULL when
 * memory runs out or action is out of range.  Release with
 * ec2_parser_free(); one parser reads one answer (one page).
 */
struct ec2_parser *ec2_parser_new(enum ec2_action action,
    const struct cloud_sink *sink, const char *account, const char *region);

/* Release p and everything it holds.  Accepts NULL. */
void ec2_parser_free(struct ec2_parser *p);

/*
 * For EC2_DESCRIBE_REGIONS: call fn with each regionName as its item
 * closes.  The name is valid only during the call.
 */
void ec2_parser_on_region(struct ec2_parser *p, ec2_region_fn fn, void *ctx);

/*
 * Feed the next len bytes of the answer; final is set on the last call
 * (len may be 0 then).  Sink functions are called from inside this call;
 * the strings they get are valid only during their call.
 *
 * Returns 0, or -1 with err filled, after which every call fails the same
 * way:
 *   - the error envelope (<Response> or the Query API's <ErrorResponse>),
 *     once its root closes: 502 "aws_error", "Code: Message" of its first
 *     <Error> (the AWS code is then ec2_parser_error_code(), and the
 *     RequestID ec2_parser_request_id()); one without an <Error> says so;
 *   - XML that is malformed, truncated (at final), has a DTD, nests too
 *     deep, has an element text over EC2_TEXT_MAX or is the answer to
 *     another action: 502 "ec2_xml" and a message with the line;
 *   - a sink function returned -1: its err as it filled it; on_error
 *     returning -1 gives 500 "sink_stopped";
 *   - memory ran out: 500 "internal".
 */
int ec2_parser_feed(struct ec2_parser *p, const char *data, size_t len,
    int final, struct err *err);

/*
 * The answer's <nextToken> (the next page is asked for with NextToken=it),
 * or NULL when the answer has none, an empty one (the last page), or it
 * has not been read yet.  Owned by p, valid until ec2_parser_free().
 */
const char *ec2_parser_next_token(const struct ec2_parser *p);

/* The answer's requestId (or RequestID of an error), "" before it. */
const char *ec2_parser_request_id(const struct ec2_parser *p);

/*
 * The AWS error code of an error envelope ("RequestLimitExceeded",
 * "Throttling", "UnauthorizedOperation", …), or NULL when none was read.
 * Owned by p, valid until ec2_parser_free(); cut to EC2_AWS_CODE_MAX - 1
 * bytes (AWS's are under 64).
 */
const char *ec2_parser_error_code(const struct ec2_parser *p);

/*
 * The EC2 fields of the address being handed to on_address; valid only
 * during that call (all "" outside it).
 */
const struct ec2_address_extra *ec2_parser_address_extra(
    const struct ec2_parser *p);

/*
 * Read a whole DescribeRegions answer of len bytes: *names gets the region
 * names in answer order, *n how many.  The array and the strings come from
 * a.  Names go into host names, so each is checked: 1 to 64 of
 * [a-z0-9-].  Returns 0, or -1 with err filled as ec2_parser_feed() fills
 * it (another name, or more than EC2_REGIONS_MAX: 502 "ec2_xml"); *names
 * and *n are then NULL and 0.
 */
int ec2_regions_parse(const char *xml, size_t len, char ***names, size_t *n,
    struct arena *a, struct err *err);

#endif
