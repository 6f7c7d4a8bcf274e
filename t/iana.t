# The special-purpose address policy table against IANA's registries:
# sql/sqlite/0002_special_ranges.sql is exactly what t/tools/iana-special.pl
# makes of $CLOUDPAM_TESTDATA/iana (so it cannot drift from the registries),
# it applies to a fresh SQLite, it holds every registry prefix with keys
# that agree with its cidr, only private-use, shared and unique-local are
# always allowed, and "most specific entry containing X" classifies
# addresses as the registries say.  Keys are computed here independently
# of the script: inet_pton(3) for the first address, Math::BigInt for the
# last.
use strict;
use warnings;
use Test::More;
use JSON::PP;
use Math::BigInt;
use Socket qw(AF_INET AF_INET6 inet_ntop inet_pton);

my $testdata = $ENV{CLOUDPAM_TESTDATA} // '../shared/testdata';
my $iana = "$testdata/iana";
my $script = 't/tools/iana-special.pl';
my $migration = 'sql/sqlite/0002_special_ranges.sql';
plan skip_all => "no IANA registries in $iana" unless -d $iana;

sub slurp {
	my ($path) = @_;
	open my $fh, '<:raw', $path or die "$path: $!\n";
	local $/;
	return scalar <$fh>;
}

# (a) The committed migration is the script's output, byte for byte.
{
	open my $fh, '-|', $^X, $script, $iana or die "$script: $!\n";
	binmode $fh;
	my $made = do { local $/; <$fh> } // '';
	my $ok = close $fh;
	ok($ok && length $made, "$script runs on $iana")
	    or diag("exit status $?");
	my $have = slurp($migration);
	my $same = $made eq $have;
	ok($same, "$migration is what $script makes of the registries")
	    or diag(first_difference($have, $made) . "\n"
	    . "regenerate: perl $script $iana > $migration");
}

# (a2) So is the PostgreSQL migration, from the same rows.
{
	my $pg_migration = 'sql/postgres/0002_special_ranges.sql';
	open my $fh, '-|', $^X, $script, '--postgres', $iana
	    or die "$script: $!\n";
	binmode $fh;
	my $made = do { local $/; <$fh> } // '';
	my $ok = close $fh;
	ok($ok && length $made, "$script --postgres runs on $iana")
	    or diag("exit status $?");
	ok($made eq slurp($pg_migration),
	    "$pg_migration is what $script --postgres makes of the registries")
	    or diag(first_difference(slurp($pg_migration), $made) . "\n"
	    . "regenerate: perl $script --postgres $iana > $pg_migration");
}

sub first_difference {
	my ($have, $want) = @_;
	my @h = split /\n/, $have, -1;
	my @w = split /\n/, $want, -1;
	for my $i (0 .. ($#h > $#w ? $#h : $#w)) {
		my ($x, $y) = ($h[$i] // '<end>', $w[$i] // '<end>');
		return "line " . ($i + 1) . ":\n  have: $x\n  want: $y"
		    if $x ne $y;
	}
	return 'files differ';
}

# 16 bytes of an address as app/ip keeps it: IPv4 in the low 32 bits.
sub addr_bytes {
	my ($addr) = @_;
	my $family = $addr =~ /:/ ? 6 : 4;
	my $b = inet_pton($family == 4 ? AF_INET : AF_INET6, $addr);
	die "bad address '$addr'\n" unless defined $b;
	return ($family, $family == 4 ? ("\0" x 12) . $b : $b);
}

# (family, key) of an address: 32 lowercase hex digits, as ip_addr_key().
sub key {
	my ($family, $bytes) = addr_bytes(@_);
	return ($family, unpack 'H32', $bytes);
}

# The key of the last address of a prefix whose first key is $first.
sub last_key {
	my ($family, $first, $len) = @_;
	my $host = ($family == 4 ? 32 : 128) - $len;
	my $n = Math::BigInt->from_hex($first) + Math::BigInt->new(2)**$host - 1;
	(my $hex = $n->as_hex) =~ s/^0x//;
	return ('0' x (32 - length $hex)) . $hex;
}

# The prefixes a registry file lists in <address>, footnotes stripped.
sub registry_prefixes {
	my ($path) = @_;
	my @p;
	for my $a (slurp($path) =~ m{<address>(.*?)</address>}gs) {
		$a =~ s/<[^>]*>//g;
		push @p, grep { length } map { s/^\s+|\s+$//gr } split /,/, $a;
	}
	return @p;
}

# Output rows of one query against a fresh in-memory database holding
# only the migration, each row a list of columns.
sub query {
	my ($sql) = @_;
	open my $fh, '-|', 'sqlite3', '-batch', '-bail', '-separator', "\t",
	    '-cmd', ".read $migration", ':memory:', $sql
	    or die "sqlite3: $!\n";
	my @rows = map { chomp; [ split /\t/, $_, -1 ] } <$fh>;
	close $fh or die "sqlite3 failed ($?) on: $sql\n";
	return @rows;
}

# The most specific entry containing an address: [cidr, category, name].
sub classify {
	my ($family, $key) = key(@_);
	# The key is our own 32 hex digits, so it may be spelled into the SQL.
	die "bad key $key\n" unless $key =~ /^[0-9a-f]{32}$/;
	my @rows = query("SELECT cidr, category, name FROM special_ranges "
	    . "WHERE family = $family AND first_key <= '$key' "
	    . "AND last_key >= '$key' ORDER BY prefix_len DESC LIMIT 1");
	return $rows[0];
}

SKIP: {
	skip 'sqlite3 command-line tool not installed', 1
	    unless system('sqlite3 -version >/dev/null 2>&1') == 0;

	my $err = `sqlite3 -bail :memory: < $migration 2>&1`;
	ok($? == 0 && $err eq '', "$migration applies to a fresh database")
	    or diag($err);

	my %row;
	my @all = query('SELECT cidr, family, prefix_len, first_key, last_key, '
	    . 'category, always_allowed, allowed FROM special_ranges');
	for (@all) {
		my %r;
		@r{qw(cidr family prefix_len first_key last_key category
		    always_allowed allowed)} = @$_;
		$row{"$r{family} $r{prefix_len} $r{first_key}"} = \%r;
	}

	my @v4 = registry_prefixes("$iana/iana-ipv4-special-registry.xml");
	my @v6 = registry_prefixes("$iana/iana-ipv6-special-registry.xml");
	is(scalar @all, @v4 + @v6 + 2,
	    'one row per special-registry prefix (' . @v4 . ' IPv4, '
	    . @v6 . ' IPv6) plus the 2 multicast blocks');

	for my $p (@v4, @v6, '224.0.0.0/4', 'ff00::/8') {
		my ($addr, $len) = split m{/}, $p;
		my ($family, $first) = key($addr);
		my $r = $row{"$family $len $first"};
		ok($r && $r->{last_key} eq last_key($family, $first, $len),
		    "$p present, last key right")
		    or diag($r ? "have: $r->{last_key}; want: "
		    . last_key($family, $first, $len) : 'no row');
	}

	# glibc's inet_ntop(3) writes RFC 5952 form, IPv4-mapped as
	# ::ffff:a.b.c.d, as app/ip does.
	my @odd = grep {
		my ($addr, $len) = split m{/}, $_->{cidr};
		my ($family, $b) = addr_bytes($addr);
		my $text = $family == 4 ? inet_ntop(AF_INET, substr $b, 12)
		    : inet_ntop(AF_INET6, $b);
		"$text/$len" ne $_->{cidr}
	} values %row;
	is(scalar @odd, 0, 'every cidr canonical (RFC 5952)')
	    or diag(join ' ', map { $_->{cidr} } @odd);

	my @everyday = sort qw(10.0.0.0/8 172.16.0.0/12 192.168.0.0/16
	    100.64.0.0/10 fc00::/7);
	my @always = sort map { $_->{cidr} }
	    grep { $_->{always_allowed} } values %row;
	is("@always", "@everyday", 'always_allowed exactly for private-use, '
	    . 'shared and unique-local');
	my @allowed = sort map { $_->{cidr} }
	    grep { $_->{allowed} } values %row;
	is("@allowed", "@everyday", 'allowed exactly for the same five');

	my @cases = (
		[ '10.1.2.3', '10.0.0.0/8', 'private' ],
		[ '100.64.0.1', '100.64.0.0/10', 'shared' ],
		[ '192.0.2.10', '192.0.2.0/24', 'documentation' ],
		[ '2001:db8::1', '2001:db8::/32', 'documentation' ],
		[ 'fe80::1', 'fe80::/10', 'link_local' ],
		[ '::ffff:0:0', '::ffff:0.0.0.0/96', 'translation' ],
		[ '192.88.99.2', '192.88.99.2/32', 'translation' ],
		[ '2001::1', '2001::/32', 'translation' ],
		[ '224.0.0.1', '224.0.0.0/4', 'multicast' ],
	);
	for my $c (@cases) {
		my ($addr, $cidr, $category) = @$c;
		my $r = classify($addr);
		my $have = $r ? "$r->[0] $r->[1]" : 'no row';
		is($have, "$cidr $category", "classify $addr: $cidr $category");
	}

	my $aws = "$testdata/aws-ip-ranges/ip-ranges.json";
	my $ranges = JSON::PP->new->decode(slurp($aws));
	for my $p (@{ $ranges->{prefixes} }[0 .. 2]) {
		my ($addr) = split m{/}, $p->{ip_prefix};
		my $r = classify($addr);
		ok(!$r, "classify $addr (first of AWS $p->{ip_prefix}): no row")
		    or diag("have: $r->[0] $r->[1] ($r->[2])");
	}
}
done_testing;
