/*
 * cloud.h: what CloudPAM learns from a cloud, and the provider interface.
 *
 * Every provider (aws.c, gcp.c, azure.c) turns its API's answers into the
 * same three kinds of record: networks (AWS VPCs, GCP networks, Azure
 * VNets), subnets (with secondary ranges) and addresses (interfaces and
 * public IPs).  Records are handed to a sink one at a time, so a discovery
 * of 100,000 subnets never holds them all.  A record that cannot be read
 * correctly (an IPv4 /64, host bits set, a subnet outside its network) is
 * reported to the sink as a per-record error that names the resource,
 * never dropped silently and never turned into a wrong CIDR.
 *
 * Strings in records point into memory owned by the parser and are valid
 * only during the sink call; a sink that keeps them copies them.
 */
#ifndef CLOUDPAM_CLOUD_H
#define CLOUDPAM_CLOUD_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "lib/err.h"

enum cloud_provider { CLOUD_AWS, CLOUD_GCP, CLOUD_AZURE, CLOUD_PROVIDER__MAX };

/* "aws", "gcp", "azure", indexed by enum cloud_provider. */
extern const char *const cloud_provider_names[CLOUD_PROVIDER__MAX];

enum cloud_kind {
	CLOUD_NETWORK, /* VPC, VPC network, VNet */
	CLOUD_SUBNET,
	CLOUD_ADDRESS, /* an interface address or a public/elastic IP */
	CLOUD_KIND__MAX
};

/* "network", "subnet", "address", indexed by enum cloud_kind. */
extern const char *const cloud_kind_names[CLOUD_KIND__MAX];

#define CLOUD_TAGS_MAX 64
#define CLOUD_CIDRS_MAX 64

struct cloud_tag {
	const char *key;
	const char *value;
};

/* One CIDR of a network or subnet, with its role. */
struct cloud_cidr {
	const char *cidr;  /* canonical, as app/ip formats it */
	const char *name;  /* GCP secondary range name, AWS association id */
	const char *state; /* AWS association state ("associated"), or "" */
	int secondary;     /* not the primary range */
};

/* What every record carries. */
struct cloud_common {
	enum cloud_provider provider;
	enum cloud_kind kind;
	const char *account; /* AWS account id, GCP project, Azure sub. */
	const char *region;  /* "eu-west-1", "europe-west1", "westeurope" */
	const char *zone;    /* availability zone, or "" */
	const char *external_id; /* vpc-…, subnet-…, eni-…, full ARM id, … */
	const char *name;        /* Name tag, resource name, or "" */
	const char *state;       /* "available", "READY", "Succeeded", … */
	struct cloud_tag tags[CLOUD_TAGS_MAX];
	size_t ntags;
	time_t discovered_at;
};

struct cloud_network {
	struct cloud_common c;
	struct cloud_cidr cidrs[CLOUD_CIDRS_MAX]; /* IPv4 and IPv6 */
	size_t ncidrs;
	int is_default; /* AWS default VPC */
};

struct cloud_subnet {
	struct cloud_common c;
	const char *network_id; /* the external id of its network */
	struct cloud_cidr cidrs[CLOUD_CIDRS_MAX];
	size_t ncidrs;
};

struct cloud_address {
	struct cloud_common c;
	const char *ip;            /* canonical address */
	int is_public;             /* elastic / external / public IP */
	int is_primary;            /* an interface's primary private IP */
	const char *network_id;    /* VPC / network / VNet, or "" */
	const char *subnet_id;     /* or "" */
	const char *interface_id;  /* ENI / NIC / instance interface, or "" */
	const char *attached_to;   /* instance or VM id, or "" */
	const char *allocation_id; /* EIP allocation / reserved address id */
};

/*
 * Where parsed records go.  Each function returns 0 to go on or -1 to
 * stop (with err filled).  on_error receives a record that could not be
 * read: kind, the resource's id when known, and why.
 */
struct cloud_sink {
	void *ctx;
	int (*on_network)(
	    void *ctx, const struct cloud_network *n, struct err *err);
	int (*on_subnet)(
	    void *ctx, const struct cloud_subnet *s, struct err *err);
	int (*on_address)(
	    void *ctx, const struct cloud_address *a, struct err *err);
	int (*on_error)(void *ctx, enum cloud_kind kind, const char *resource,
	    const char *message);
};

/*
 * Addresses a provider holds back in every subnet, and size limits: the
 * provider knowledge the planner and allocator use.
 */
struct cloud_limits {
	int reserved_first;        /* addresses at the start of a subnet */
	int reserved_last;         /* at the end (broadcast and the like) */
	int subnet_min_len_v4;     /* largest subnet: /16 on AWS */
	int subnet_max_len_v4;     /* smallest subnet: /28 on AWS, /29 Azure */
	int network_min_len_v4;    /* largest VPC/VNet CIDR */
	int network_max_len_v4;    /* smallest */
	int subnet_len_v6;         /* 64 where IPv6 subnets are fixed, else 0 */
	const char *reserved_note; /* which ones and why, for people */
};

/* The limits of provider p. */
const struct cloud_limits *cloud_limits_of(enum cloud_provider p);

/* --- discovery ------------------------------------------------------- */

#define CLOUD_LIST_MAX 256

/* What to discover and how; every string is owned by the caller. */
struct cloud_options {
	const char *regions[CLOUD_LIST_MAX]; /* empty: every enabled region */
	size_t nregions;
	const char *accounts[CLOUD_LIST_MAX]; /* AWS accounts (assume role),
	                                         GCP projects, Azure subs */
	size_t naccounts;
	const char *role_name; /* AWS: role to assume in each account */
	int addresses;         /* also discover addresses (payload 2.0) */
	long timeout_ms;       /* per HTTP call */
	int max_retries;       /* throttling and 5xx, with full jitter */
	long backoff_base_ms;  /* first backoff (doubles, capped) */
	long backoff_cap_ms;
};

/*
 * A discovery's account of itself: what was asked, what failed.  Errors in
 * one region, account or project are recorded here and the discovery goes
 * on; only a failure that stops everything (no credentials at all) makes
 * discover() return -1.
 */
#define CLOUD_FAILURES_MAX 64

struct cloud_failure {
	char scope[128]; /* "aws:123456789012/eu-west-1", "gcp:my-proj" */
	char message[256];
};

struct cloud_report {
	size_t calls, retries, pages;
	size_t networks, subnets, addresses, record_errors;
	struct cloud_failure failures[CLOUD_FAILURES_MAX];
	size_t nfailures;
};

/* Record a failure in report (kept when there is room).  Thread-free. */
void cloud_report_fail(
    struct cloud_report *report, const char *scope, const char *message);

/* Progress for a terminal line: called after each page. */
typedef void (*cloud_progress_fn)(
    void *ctx, const struct cloud_report *r, const char *scope);

/*
 * A provider: plain functions, so adding one touches no other.  discover()
 * walks every account and region asked for, feeding records into sink.
 */
struct cloud_provider_ops {
	enum cloud_provider provider;
	const char *name;
	int (*discover)(const struct cloud_options *opt,
	    const struct cloud_sink *sink, struct cloud_report *report,
	    cloud_progress_fn progress, void *progress_ctx, struct err *err);
};

extern const struct cloud_provider_ops cloud_aws;   /* aws.c */
extern const struct cloud_provider_ops cloud_gcp;   /* gcp.c */
extern const struct cloud_provider_ops cloud_azure; /* azure.c */

#endif
