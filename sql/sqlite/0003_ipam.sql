-- 0003_ipam: VRFs, accounts, pools and the free space of every pool.
--
-- A pool's address range is kept as two fixed-width keys (32 lowercase
-- hex digits of the first and last address, app/ip's ip_addr_key), so
-- "pools within this prefix" is a range scan on (family, first_key) and
-- the sibling-overlap check is one seek on the siblings index.  "Pools
-- containing this address" looks up the address's own prefixes of every
-- length by cidr (33 or 129 index probes), never a scan.
--
-- free_blocks holds each pool's unallocated space as the fewest aligned
-- CIDRs; allocation takes from it and deletion gives back, merging
-- buddies.  used_top/high/low is the 129-bit count of addresses taken by
-- direct children, kept in the same transaction as every change, so no
-- list ever recomputes utilization per row.

CREATE TABLE vrfs (
	id          INTEGER PRIMARY KEY,
	name        TEXT NOT NULL COLLATE NOCASE UNIQUE,
	rd          TEXT NOT NULL DEFAULT '',
	description TEXT NOT NULL DEFAULT '',
	created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
) STRICT;

INSERT INTO vrfs (id, name, description)
    VALUES (1, 'default', 'The global routing table');

CREATE TABLE accounts (
	id           INTEGER PRIMARY KEY,
	provider     TEXT NOT NULL
	    CHECK (provider IN ('aws', 'gcp', 'azure', 'onprem', 'other')),
	external_key TEXT NOT NULL,
	name         TEXT NOT NULL,
	platform     TEXT NOT NULL DEFAULT '',
	tier         TEXT NOT NULL DEFAULT ''
	    CHECK (tier IN ('', 'dev', 'stg', 'sbx', 'prd')),
	environment  TEXT NOT NULL DEFAULT '',
	regions      TEXT NOT NULL DEFAULT '[]',
	tags         TEXT NOT NULL DEFAULT '{}',
	description  TEXT NOT NULL DEFAULT '',
	created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	updated_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	UNIQUE (provider, external_key)
) STRICT;

CREATE INDEX accounts_name ON accounts (name COLLATE NOCASE);

CREATE TABLE pools (
	id          INTEGER PRIMARY KEY,
	name        TEXT NOT NULL,
	cidr        TEXT NOT NULL,
	family      INTEGER NOT NULL CHECK (family IN (4, 6)),
	prefix_len  INTEGER NOT NULL,
	first_key   TEXT NOT NULL,
	last_key    TEXT NOT NULL,
	vrf_id      INTEGER NOT NULL REFERENCES vrfs (id),
	parent_id   INTEGER REFERENCES pools (id),
	account_id  INTEGER REFERENCES accounts (id),
	type        TEXT NOT NULL CHECK (type IN
	    ('supernet', 'region', 'vpc', 'subnet', 'reserved', 'other')),
	status      TEXT NOT NULL CHECK (status IN
	    ('planned', 'active', 'deprecated', 'reserved')),
	source      TEXT NOT NULL CHECK (source IN
	    ('manual', 'discovered', 'imported', 'planned')),
	description TEXT NOT NULL DEFAULT '',
	tags        TEXT NOT NULL DEFAULT '{}',
	external_id TEXT NOT NULL DEFAULT '',
	region      TEXT NOT NULL DEFAULT '',
	used_top    INTEGER NOT NULL DEFAULT 0,
	used_high   INTEGER NOT NULL DEFAULT 0,
	used_low    INTEGER NOT NULL DEFAULT 0,
	children    INTEGER NOT NULL DEFAULT 0,
	created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	created_by  TEXT NOT NULL DEFAULT '',
	updated_by  TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE UNIQUE INDEX pools_vrf_cidr ON pools (vrf_id, cidr);
CREATE INDEX pools_cidr ON pools (cidr);
CREATE INDEX pools_siblings
    ON pools (vrf_id, coalesce(parent_id, 0), family, first_key);
CREATE INDEX pools_range ON pools (family, first_key);
CREATE INDEX pools_parent ON pools (parent_id, family, first_key);
CREATE INDEX pools_account ON pools (account_id);
CREATE INDEX pools_name ON pools (name);
CREATE INDEX pools_external_id ON pools (external_id) WHERE external_id <> '';
CREATE INDEX pools_parents ON pools (id) WHERE children > 0;
CREATE INDEX pools_updated ON pools (updated_at);

CREATE TABLE free_blocks (
	pool_id    INTEGER NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
	first_key  TEXT NOT NULL,
	prefix_len INTEGER NOT NULL,
	cidr       TEXT NOT NULL,
	PRIMARY KEY (pool_id, first_key)
) STRICT, WITHOUT ROWID;

CREATE INDEX free_blocks_fit ON free_blocks (pool_id, prefix_len, first_key);

-- The first answer to a request sent with an Idempotency-Key header.
CREATE TABLE idempotency_keys (
	scope        TEXT NOT NULL,
	key          TEXT NOT NULL,
	request_hash TEXT NOT NULL,
	status       INTEGER NOT NULL,
	response     TEXT NOT NULL,
	created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	PRIMARY KEY (scope, key)
) STRICT;
