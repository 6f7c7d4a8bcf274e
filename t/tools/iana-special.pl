#!/usr/bin/perl
# iana-special.pl: print the SQLite migration that seeds special_ranges,
# CloudPAM's policy table of special-purpose address space (DESIGN.md,
# "Rules of the address space"), from IANA's registries:
#
#   perl t/tools/iana-special.pl ../shared/testdata/iana \
#       > sql/sqlite/0002_special_ranges.sql
#   perl t/tools/iana-special.pl --postgres ../shared/testdata/iana \
#       > sql/postgres/0002_special_ranges.sql
#
# Every prefix of the IPv4 and IPv6 Special-Purpose Address Registries is
# one row, plus the multicast blocks of the two address-space registries
# (224.0.0.0/4 and ff00::/8), which the special registries leave out.
# t/iana.t regenerates both files and fails if either differs from the one
# committed, so the table cannot drift from the registries.  The rows are
# the same for both backends; PostgreSQL's table uses its own types
# (identity id, a cidr column under a GiST index, booleans).
#
# Only core modules: the XML is IANA's fixed, flat shape and is read with
# regexes that die on anything they do not expect, rather than guess.
use strict;
use warnings;
use Socket qw(AF_INET AF_INET6 inet_pton);

my %registry_name = (
	'iana-ipv4-special-registry' =>
	    'IANA IPv4 Special-Purpose Address Registry',
	'iana-ipv6-special-registry' =>
	    'IANA IPv6 Special-Purpose Address Registry',
	'ipv4-address-space' => 'IANA IPv4 Address Space Registry',
	'ipv6-address-space' => 'IANA IPv6 Address Space Registry',
);

# The category of every prefix the registries list today.  A prefix IANA
# adds later falls back to 'other' (refused by default) with a warning,
# until someone decides where it belongs.
my %category = (
	'0.0.0.0/8' => 'this_network',
	'0.0.0.0/32' => 'this_network',
	'10.0.0.0/8' => 'private',
	'100.64.0.0/10' => 'shared',
	'127.0.0.0/8' => 'loopback',
	'169.254.0.0/16' => 'link_local',
	'172.16.0.0/12' => 'private',
	'192.0.0.0/24' => 'protocol',
	'192.0.0.0/29' => 'protocol',
	'192.0.0.8/32' => 'protocol',
	'192.0.0.9/32' => 'protocol',
	'192.0.0.10/32' => 'protocol',
	'192.0.0.170/32' => 'protocol',
	'192.0.0.171/32' => 'protocol',
	'192.0.2.0/24' => 'documentation',
	'192.31.196.0/24' => 'protocol',
	'192.52.193.0/24' => 'protocol',
	'192.88.99.0/24' => 'translation',
	'192.88.99.2/32' => 'translation',
	'192.168.0.0/16' => 'private',
	'192.175.48.0/24' => 'protocol',
	'198.18.0.0/15' => 'benchmarking',
	'198.51.100.0/24' => 'documentation',
	'203.0.113.0/24' => 'documentation',
	'224.0.0.0/4' => 'multicast',
	'240.0.0.0/4' => 'reserved',
	'255.255.255.255/32' => 'reserved',
	'::/128' => 'this_network',
	'::1/128' => 'loopback',
	'::ffff:0.0.0.0/96' => 'translation',
	'64:ff9b::/96' => 'translation',
	'64:ff9b:1::/48' => 'translation',
	'100::/64' => 'protocol',
	'100:0:0:1::/64' => 'protocol',
	'2001::/23' => 'protocol',
	'2001::/32' => 'translation',
	'2001:1::1/128' => 'protocol',
	'2001:1::2/128' => 'protocol',
	'2001:1::3/128' => 'protocol',
	'2001:2::/48' => 'benchmarking',
	'2001:3::/32' => 'protocol',
	'2001:4:112::/48' => 'protocol',
	'2001:10::/28' => 'reserved',
	'2001:20::/28' => 'protocol',
	'2001:30::/28' => 'protocol',
	'2001:db8::/32' => 'documentation',
	'2002::/16' => 'translation',
	'2620:4f:8000::/48' => 'protocol',
	'3fff::/20' => 'documentation',
	'5f00::/16' => 'protocol',
	'fc00::/7' => 'unique_local',
	'fe80::/10' => 'link_local',
	'ff00::/8' => 'multicast',
);

# The everyday space of an IPAM: always allowed, never refused.
my %always_allowed = map { $_ => 1 } qw(private shared unique_local);

# An RFC cited next to the RFC that obsoletes it is dropped: the IPv6
# address-space registry cites RFC 3513 and RFC 4291 for ff00::/8.
my %obsoleted_by = (3513 => 4291);

sub slurp {
	my ($path) = @_;
	open my $fh, '<:raw', $path or die "$path: $!\n";
	local $/;
	my $text = <$fh>;
	close $fh;
	return $text;
}

sub decode_entities {
	my ($s) = @_;
	$s =~ s{&#x([0-9a-fA-F]+);}{chr hex $1}ge;
	$s =~ s{&#([0-9]+);}{chr $1}ge;
	my %named = (lt => '<', gt => '>', quot => '"', apos => "'");
	$s =~ s{&(lt|gt|quot|apos);}{$named{$1}}g;
	$s =~ s{&amp;}{&}g;
	utf8::encode($s) if $s =~ /[^\x00-\xff]/;
	return $s;
}

# The attributes of one tag, as a hash.
sub attributes {
	my ($tag) = @_;
	my %a;
	$a{$1} = $+ while $tag =~ /\s([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
	return \%a;
}

# The text of element $name in $xml: '' if empty or self-closing, undef if
# absent.  Footnote markers (<xref type="note" data="N"/>) are stripped;
# any other markup left inside is an error.
sub field {
	my ($xml, $name, $where) = @_;
	my $text;
	if ($xml =~ m{<\Q$name\E(?:\s[^>]*)?/>}) {
		$text = '';
	} elsif ($xml =~ m{<\Q$name\E(?:\s[^>]*)?>(.*?)</\Q$name\E\s*>}s) {
		$text = $1;
	} else {
		return undef;
	}
	$text =~ s{<xref\b([^>]*)/>}{
		(attributes($1)->{type} // '') eq 'note' ? ''
		    : die "$where: unexpected xref in <$name>\n"
	}ge;
	die "$where: unexpected markup in <$name>: $text\n" if $text =~ /[<>]/;
	$text = decode_entities($text);
	$text =~ s/\s+/ /g;
	$text =~ s/^ | $//g;
	return $text;
}

# The RFC numbers cited by rfc xrefs in $xml, in order, without repeats.
sub rfcs {
	my ($xml, $where) = @_;
	my (@n, %seen);
	while ($xml =~ /<xref\b([^>]*)>/g) {
		my $a = attributes($1);
		next unless ($a->{type} // '') eq 'rfc';
		my ($n) = ($a->{data} // '') =~ /^rfc([0-9]+)$/i
		    or die "$where: bad rfc xref data '$a->{data}'\n";
		push @n, $n + 0 unless $seen{ $n + 0 }++;
	}
	@n = grep { !($obsoleted_by{$_} && $seen{ $obsoleted_by{$_} }) } @n;
	die "$where: no RFC reference\n" unless @n;
	return join ', ', map { "RFC $_" } @n;
}

# The registry's id and its <updated> date, checked against what we expect.
sub registry_header {
	my ($xml, $id, $path) = @_;
	$xml =~ /<registry\b([^>]*)>/ or die "$path: no <registry>\n";
	my $got = attributes($1)->{id} // '';
	die "$path: registry id '$got', want '$id'\n" unless $got eq $id;
	$xml =~ m{<updated>\s*([0-9]{4}-[0-9]{2}-[0-9]{2})\s*</updated>}
	    or die "$path: no <updated> date\n";
	return $1;
}

sub records {
	my ($xml) = @_;
	my @r;
	push @r, $1 while $xml =~ m{<record\b[^>]*>(.*?)</record\s*>}gs;
	return @r;
}

# The 16 bytes of an address: IPv4 in the low 32 bits, as app/ip keeps it.
sub addr_bytes {
	my ($family, $text, $where) = @_;
	my $b = inet_pton($family == 4 ? AF_INET : AF_INET6, $text);
	die "$where: bad IPv$family address '$text'\n" unless defined $b;
	return $family == 4 ? ("\0" x 12) . $b : $b;
}

# RFC 5952 text of 16 address bytes, as app/ip's ip_addr_format().
sub format_addr {
	my ($family, $bytes) = @_;
	return join '.', unpack 'C4', substr($bytes, 12) if $family == 4;
	my @g = unpack 'n8', $bytes;
	# Section 5: IPv4-mapped addresses keep their dotted tail.
	if (!grep({ $_ } @g[0 .. 4]) && $g[5] == 0xffff) {
		return '::ffff:' . join '.', unpack 'C4', substr($bytes, 12);
	}
	# Section 4.2: the longest run of two or more zero groups, the first
	# on a tie, becomes "::".
	my ($best, $best_len, $run) = (-1, 1, 0);
	for my $i (0 .. 7) {
		$run = $g[$i] == 0 ? $run + 1 : 0;
		($best, $best_len) = ($i - $run + 1, $run) if $run > $best_len;
	}
	my @hex = map { sprintf '%x', $_ } @g;
	return join ':', @hex if $best < 0;
	return join(':', @hex[0 .. $best - 1]) . '::'
	    . join(':', @hex[$best + $best_len .. 7]);
}

# One row's address fields from a prefix as written in a registry.
sub parse_prefix {
	my ($text, $where) = @_;
	my ($addr, $len) = $text =~ m{^([0-9A-Fa-f:.]+)/([0-9]{1,3})$}
	    or die "$where: bad prefix '$text'\n";
	my $family = $addr =~ /:/ ? 6 : 4;
	my $bits = $family == 4 ? 32 : 128;
	die "$where: bad length in '$text'\n" if $len > $bits;
	my $bytes = addr_bytes($family, $addr, $where);
	my $all = unpack 'B128', $bytes;
	my $net = 128 - $bits + $len;
	my $host = substr $all, $net;
	die "$where: host bits set in '$text'\n" if $host =~ /1/;
	my $first = pack 'B128', $all;
	my $last = pack 'B128', substr($all, 0, $net) . ('1' x (128 - $net));
	return {
		cidr => format_addr($family, $first) . "/$len",
		family => $family,
		prefix_len => $len + 0,
		first_key => unpack('H32', $first),
		last_key => unpack('H32', $last),
	};
}

# Booleans are True, False, N/A or empty; anything else means the format
# changed under us.
sub check_booleans {
	my ($rec, $where) = @_;
	for my $name (qw(source destination forwardable global reserved)) {
		my $v = field($rec, $name, $where);
		die "$where: no <$name>\n" unless defined $v;
		die "$where: <$name> is '$v'\n"
		    unless $v =~ /^(?:True|False|N\/A|)$/i;
	}
}

sub special_registry {
	my ($dir, $id) = @_;
	my $path = "$dir/$id.xml";
	my $xml = slurp($path);
	my $updated = registry_header($xml, $id, $path);
	$xml =~ m{<registry\s+id="\Q$id\E-1"\s*>(.*?)</registry\s*>}s
	    or die "$path: no registry $id-1\n";
	my @rows;
	for my $rec (records($1)) {
		my $address = field($rec, 'address', $path);
		die "$path: record without <address>\n" unless $address;
		my $where = "$path: $address";
		my $name = field($rec, 'name', $where);
		die "$where: no <name>\n" unless defined $name && $name ne '';
		my $spec = field_raw($rec, 'spec', $where);
		check_booleans($rec, $where);
		my $reference = rfcs($spec, $where);
		for my $prefix (split /\s*,\s*/, $address) {
			my $row = parse_prefix($prefix, $where);
			@$row{qw(name reference registry)} =
			    ($name, $reference, $registry_name{$id});
			push @rows, $row;
		}
	}
	return ($updated, @rows);
}

# The inner markup of element $name, for its xrefs.
sub field_raw {
	my ($xml, $name, $where) = @_;
	$xml =~ m{<\Q$name\E(?:\s[^>]*)?>(.*?)</\Q$name\E\s*>}s
	    or die "$where: no <$name>\n";
	return $1;
}

# The /8 records designated Multicast, which must be 224/8 through 239/8,
# as one 224.0.0.0/4 row citing the footnote all of them carry.
sub ipv4_multicast {
	my ($dir) = @_;
	my $id = 'ipv4-address-space';
	my $path = "$dir/$id.xml";
	my $xml = slurp($path);
	my $updated = registry_header($xml, $id, $path);
	my (@octets, %notes);
	for my $rec (records($xml)) {
		next unless (field($rec, 'designation', $path) // '')
		    eq 'Multicast';
		my $prefix = field($rec, 'prefix', $path) // '';
		$prefix =~ m{^([0-9]{1,3})/8$}
		    or die "$path: multicast prefix '$prefix' is not a /8\n";
		push @octets, $1 + 0;
		while ($rec =~ /<xref\b([^>]*)>/g) {
			my $a = attributes($1);
			$notes{ $a->{data} }++ if ($a->{type} // '') eq 'note';
		}
	}
	die "$path: multicast is not exactly 224/8 .. 239/8\n"
	    unless "@octets" eq join ' ', 224 .. 239;
	my @common = sort grep { $notes{$_} == @octets } keys %notes;
	die "$path: multicast records share no footnote\n" unless @common;
	my $reference = join ', ', map {
		$xml =~ m{<footnote\s+anchor="\Q$_\E"\s*>(.*?)</footnote\s*>}s
		    or die "$path: no footnote $_\n";
		rfcs($1, "$path: footnote $_");
	} @common;
	my $row = parse_prefix('224.0.0.0/4', $path);
	@$row{qw(name reference registry)} =
	    ('Multicast', $reference, $registry_name{$id});
	return ($updated, $row);
}

sub ipv6_multicast {
	my ($dir) = @_;
	my $id = 'ipv6-address-space';
	my $path = "$dir/$id.xml";
	my $xml = slurp($path);
	my $updated = registry_header($xml, $id, $path);
	my @found = grep {
		(field($_, 'description', $path) // '') eq 'Multicast'
	} records($xml);
	die "$path: want one Multicast record, have " . @found . "\n"
	    unless @found == 1;
	my $rec = $found[0];
	my $prefix = field($rec, 'prefix', $path) // '';
	(my $cited = $rec) =~ s{<notes\b.*?</notes\s*>}{}gs;
	my $row = parse_prefix($prefix, $path);
	die "$path: multicast is $row->{cidr}, want ff00::/8\n"
	    unless $row->{cidr} eq 'ff00::/8';
	@$row{qw(name reference registry)} =
	    ('Multicast', rfcs($cited, "$path: $prefix"), $registry_name{$id});
	return ($updated, $row);
}

sub sql_text {
	my ($s) = @_;
	$s =~ s/'/''/g;
	return "'$s'";
}

my $postgres = 0;

sub print_header {
	my (%updated) = @_;
	print_comment(%updated);
	print $postgres ? postgres_table() : sqlite_table();
}

sub print_comment {
	my (%updated) = @_;
	print <<"EOF";
-- 0002_special_ranges: the special-purpose address policy table.
--
-- Generated by t/tools/iana-special.pl from the IANA registries; do not
-- edit by hand (t/iana.t fails if this file and the registries differ):
--   iana-ipv4-special-registry  updated $updated{'iana-ipv4-special-registry'}
--   iana-ipv6-special-registry  updated $updated{'iana-ipv6-special-registry'}
--   ipv4-address-space          updated $updated{'ipv4-address-space'} (Multicast only)
--   ipv6-address-space          updated $updated{'ipv6-address-space'} (Multicast only)
--
-- Special-purpose ranges are refused by default, naming the entry; an
-- operator may set allowed = 1.  Private-use, shared address space and
-- unique-local are the everyday space of an IPAM: always allowed.  Entries
-- nest (192.88.99.2/32 in 192.88.99.0/24): the most specific one wins.
-- A row holds an address a when family matches and
-- first_key <= key(a) <= last_key.
EOF
}

sub sqlite_table {
	return <<'EOF';
CREATE TABLE special_ranges (
	id INTEGER PRIMARY KEY,
	cidr TEXT NOT NULL UNIQUE,          -- canonical, IPv6 per RFC 5952
	family INTEGER NOT NULL CHECK (family IN (4, 6)),
	prefix_len INTEGER NOT NULL
	    CHECK (prefix_len BETWEEN 0 AND (CASE family WHEN 4 THEN 32 ELSE 128 END)),
	first_key TEXT NOT NULL CHECK (length(first_key) = 32), -- as app/ip's ip_addr_key()
	last_key TEXT NOT NULL CHECK (length(last_key) = 32),   -- key of the last address
	name TEXT NOT NULL,                 -- the registry's name for the entry
	reference TEXT NOT NULL,            -- "RFC 5737"
	registry TEXT NOT NULL,             -- the IANA registry it comes from
	category TEXT NOT NULL CHECK (category IN ('private','shared','unique_local','loopback','link_local','multicast','documentation','benchmarking','this_network','reserved','protocol','translation','other')),
	always_allowed INTEGER NOT NULL DEFAULT 0 CHECK (always_allowed IN (0,1)), -- private-use, shared address space, unique-local: the everyday space of an IPAM
	allowed INTEGER NOT NULL DEFAULT 0 CHECK (allowed IN (0,1))                 -- an operator may allow a refused range
) STRICT;
CREATE INDEX special_ranges_range ON special_ranges (family, first_key);
EOF
}

# The same columns in PostgreSQL's types; net is cidr as a cidr value, for
# containment and overlap under the GiST index (the code uses the keys).
sub postgres_table {
	return <<'EOF';
CREATE TABLE special_ranges (
	id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	cidr text COLLATE "C" NOT NULL UNIQUE, -- canonical, IPv6 per RFC 5952
	net cidr NOT NULL GENERATED ALWAYS AS (cidr::cidr) STORED,
	family integer NOT NULL CHECK (family IN (4, 6)),
	prefix_len integer NOT NULL
	    CHECK (prefix_len BETWEEN 0 AND (CASE family WHEN 4 THEN 32 ELSE 128 END)),
	first_key text COLLATE "C" NOT NULL CHECK (length(first_key) = 32), -- as app/ip's ip_addr_key()
	last_key text COLLATE "C" NOT NULL CHECK (length(last_key) = 32),   -- key of the last address
	name text NOT NULL,                 -- the registry's name for the entry
	reference text NOT NULL,            -- "RFC 5737"
	registry text NOT NULL,             -- the IANA registry it comes from
	category text NOT NULL CHECK (category IN ('private','shared','unique_local','loopback','link_local','multicast','documentation','benchmarking','this_network','reserved','protocol','translation','other')),
	always_allowed boolean NOT NULL DEFAULT false, -- private-use, shared address space, unique-local: the everyday space of an IPAM
	allowed boolean NOT NULL DEFAULT false         -- an operator may allow a refused range
);
CREATE INDEX special_ranges_range ON special_ranges (family, first_key);
CREATE INDEX special_ranges_net ON special_ranges USING gist (net inet_ops);
EOF
}

sub sql_bool {
	my ($v) = @_;
	return $postgres ? ($v ? 'true' : 'false') : $v;
}

sub print_row {
	my ($r) = @_;
	print "\nINSERT INTO special_ranges (cidr, family, prefix_len, "
	    . "first_key, last_key,\n"
	    . "\tname, reference, registry, category, always_allowed, "
	    . "allowed)\n";
	print "VALUES (", sql_text($r->{cidr}), ", $r->{family}, ",
	    "$r->{prefix_len},\n";
	print "\t", sql_text($r->{first_key}), ", ", sql_text($r->{last_key}),
	    ",\n";
	print "\t", sql_text($r->{name}), ", ", sql_text($r->{reference}),
	    ",\n";
	print "\t", sql_text($r->{registry}), ", ", sql_text($r->{category}),
	    ", ", sql_bool($r->{always_allowed}), ", ", sql_bool($r->{allowed}),
	    ");\n";
}

sub main {
	$postgres = shift @ARGV if @ARGV && $ARGV[0] eq '--postgres';
	my ($dir) = @ARGV;
	die "usage: perl t/tools/iana-special.pl [--postgres] TESTDATA/iana > "
	    . "sql/BACKEND/0002_special_ranges.sql\n"
	    unless @ARGV == 1 && -d $dir;
	my (%updated, @rows, %seen);
	for my $id (qw(iana-ipv4-special-registry iana-ipv6-special-registry)) {
		my ($u, @r) = special_registry($dir, $id);
		$updated{$id} = $u;
		push @rows, @r;
	}
	for my $source ([ 'ipv4-address-space', \&ipv4_multicast ],
	    [ 'ipv6-address-space', \&ipv6_multicast ]) {
		my ($u, $row) = $source->[1]->($dir);
		$updated{ $source->[0] } = $u;
		push @rows, $row;
	}
	for my $r (@rows) {
		die "$r->{cidr} listed twice\n" if $seen{ $r->{cidr} }++;
		my $c = $category{ $r->{cidr} };
		unless ($c) {
			warn "$r->{cidr} ($r->{name}): no category, using 'other'\n";
			$c = 'other';
		}
		$r->{category} = $c;
		$r->{always_allowed} = $r->{allowed} = $always_allowed{$c} ? 1 : 0;
	}
	@rows = sort {
		$a->{family} <=> $b->{family} || $a->{first_key} cmp $b->{first_key}
		    || $a->{prefix_len} <=> $b->{prefix_len}
	} @rows;
	binmode STDOUT, ':raw';
	print_header(%updated);
	print_row($_) for @rows;
	close STDOUT or die "stdout: $!\n";
	return 0;
}

exit main();
