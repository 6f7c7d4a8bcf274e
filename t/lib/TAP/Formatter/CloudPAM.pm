package TAP::Formatter::CloudPAM;

# The console formatter of prove, plus the closing line `N passed, N failed`
# that README and CI promise.  Counts are test points (ok / not ok lines);
# a test file that died or exited non-zero without a failing point counts
# as one failure more, so a crash can never pass unnoticed.

use strict;
use warnings;
use parent 'TAP::Formatter::Console';

sub summary {
	my ($self, $aggregate, $interrupted) = @_;
	$self->SUPER::summary($aggregate, $interrupted);
	my $passed = scalar $aggregate->passed;
	my $failed = scalar $aggregate->failed;
	for my $name ($aggregate->descriptions) {
		my ($parser) = $aggregate->parsers($name);
		next unless $parser;
		$failed++ if !$parser->failed &&
		    ($parser->has_problems || $parser->exit || $parser->wait);
	}
	print "$passed passed, $failed failed\n";
}

1;
