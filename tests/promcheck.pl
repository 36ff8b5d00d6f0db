#!/usr/bin/perl
# promcheck.pl - a strict validator of the Prometheus text exposition
# format, version 0.0.4 (what node_exporter's textfile collector reads).
#
#   perl tests/promcheck.pl FILE...     (- for stdin)
#
# Exit 0 when every file is valid, 1 after the first problem of each bad
# file, printed on stderr as "promcheck: FILE:LINE: what", 2 on a usage
# error.  Stricter than Prometheus where Prometheus is lenient by accident:
#
#   - the file is UTF-8, has no NUL byte, and ends in a line feed
#   - metric names match [a-zA-Z_:][a-zA-Z0-9_:]*, label names
#     [a-zA-Z_][a-zA-Z0-9_]* and do not start with __ (reserved)
#   - label values are "quoted", with only \\, \" and \n as escapes;
#     HELP text only \\ and \n; a label name at most once per sample
#   - # HELP and # TYPE at most once per family, both before its first
#     sample; TYPE is counter, gauge, histogram, summary or untyped
#   - a family's samples are one block: none after another family began
#     (histogram and summary samples _bucket, _sum, _count belong to
#     their family)
#   - values parse as floats (decimal, or NaN, +Inf, -Inf), timestamps
#     as integers (milliseconds)
#   - no series twice: same name and same labels, where a label with an
#     empty value counts as absent, as Prometheus treats it
use strict;
use warnings;
use Encode ();

my $NAME  = qr/[a-zA-Z_:][a-zA-Z0-9_:]*/;
my $LNAME = qr/[a-zA-Z_][a-zA-Z0-9_]*/;
my $FLOAT = qr/[+-]?(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?
		|[Ii][Nn][Ff](?:[Ii][Nn][Ii][Tt][Yy])?|[Nn][Aa][Nn])/x;
my %TYPES = map { $_ => 1 } qw(counter gauge histogram summary untyped);

# (0, undef) when text is valid, else (line, why); line 0: the whole file
sub check_text {
	my ($text) = @_;
	my ($line, %help, %type, %done, %seen, $current) = (0);

	return (0, 'empty file') if $text eq '';
	return (0, 'NUL byte in the file') if $text =~ /\0/;
	my $chars = eval { Encode::decode('UTF-8', $text, Encode::FB_CROAK) };
	return (0, 'not valid UTF-8') unless defined $chars;
	return (0, 'the last line does not end in a line feed')
	    unless $chars =~ s/\n\z//;

	# move to family $fam: its samples and comments are one block
	my $enter = sub {
		my ($fam) = @_;
		return 1 if defined $current && $current eq $fam;
		return 0 if $done{$fam};
		$done{$current} = 1 if defined $current;
		$current = $fam;
		return 1;
	};

	for my $l (split /\n/, $chars, -1) {
		$line++;
		next if $l =~ /\A[ \t]*\z/;
		if ($l =~ /\A[ \t]*#/) {
			# other comments are free text
			next unless $l =~ /\A[ \t]*#[ \t]+(HELP|TYPE)(?:[ \t]|\z)/;
			my $kind = $1;
			my ($n, $arg);
			if ($kind eq 'HELP') {
				$l =~ /\A[ \t]*#[ \t]+HELP[ \t]+($NAME)(?:[ \t]+(.*))?\z/
				    or return ($line, 'bad HELP line');
				($n, $arg) = ($1, defined $2 ? $2 : '');
				return ($line, "bad escape in HELP of '$n'")
				    unless $arg =~ /\A(?:[^\\]|\\[\\n])*\z/;
				return ($line, "second HELP for '$n'")
				    if $help{$n}++;
			} else {
				$l =~ /\A[ \t]*#[ \t]+TYPE[ \t]+($NAME)[ \t]+(\S+)[ \t]*\z/
				    or return ($line, 'bad TYPE line');
				($n, $arg) = ($1, $2);
				return ($line, "unknown type '$arg' for '$n'")
				    unless $TYPES{$arg};
				return ($line, "second TYPE for '$n'")
				    if exists $type{$n};
				$type{$n} = $arg;
			}
			return ($line, "$kind for '$n' after its samples")
			    if $seen{"sample:$n"} || !$enter->($n);
			next;
		}

		# a sample: name [{labels}] value [timestamp]
		return ($line, 'carriage return at the end of the line')
		    if $l =~ /\r\z/;
		my $rest = $l;
		$rest =~ s/\A[ \t]+//;
		$rest =~ s/\A($NAME)//
		    or return ($line, 'bad metric name');
		my $name = $1;
		my %labels;
		my $sep = qr/[ \t]+/; # between the name and the value
		if ($rest =~ s/\A[ \t]*\{//) {
			$sep = qr/[ \t]*/;
			while (1) {
				$rest =~ s/\A[ \t]*//;
				last if $rest =~ s/\A\}//;
				$rest =~ s/\A([^=\s"{},]*)[ \t]*=[ \t]*//
				    or return ($line, "bad label syntax in '$name'");
				my $ln = $1;
				return ($line, "bad label name '$ln' in '$name'")
				    unless $ln =~ /\A$LNAME\z/;
				return ($line, "reserved label name '$ln' in '$name'")
				    if $ln =~ /\A__/;
				$rest =~ s/\A"((?:[^"\\]|\\.)*)"//
				    or return ($line, "bad label value of '$ln' in '$name'");
				my $raw = $1;
				return ($line, "bad escape in label '$ln' of '$name'")
				    unless $raw =~ /\A(?:[^\\]|\\[\\"n])*\z/;
				(my $v = $raw) =~ s/\\(.)/$1 eq 'n' ? "\n" : $1/ge;
				return ($line, "label '$ln' twice in '$name'")
				    if exists $labels{$ln};
				$labels{$ln} = $v;
				$rest =~ s/\A[ \t]*//;
				next if $rest =~ s/\A,//;
				last if $rest =~ s/\A\}//;
				return ($line, "expected ',' or '}' in '$name'");
			}
		}
		$rest =~ /\A$sep(\S+)(?:[ \t]+(\S+))?[ \t]*\z/
		    or return ($line, "bad sample syntax for '$name'");
		my ($value, $ts) = ($1, $2);
		return ($line, "value '$value' of '$name' is not a float")
		    unless $value =~ /\A$FLOAT\z/;
		return ($line, "timestamp '$ts' of '$name' is not an integer")
		    if defined $ts && $ts !~ /\A-?[0-9]{1,19}\z/;

		my $fam = $name;
		if (!exists $type{$name} && $name =~ /\A(.*)_(bucket|sum|count)\z/) {
			my ($base, $sfx) = ($1, $2);
			$fam = $base if exists $type{$base} &&
			    ($type{$base} eq 'histogram' ||
			     ($type{$base} eq 'summary' && $sfx ne 'bucket'));
		}
		return ($line, "sample of '$fam' after its block ended")
		    unless $enter->($fam);
		$seen{"sample:$fam"} = 1;
		my $key = join "\0", $name,
		    map { "$_=$labels{$_}" } grep { $labels{$_} ne '' } sort keys %labels;
		return ($line, "duplicate series '$name' (same labels)")
		    if $seen{"series:$key"}++;
	}
	return (0, undef);
}

if (!@ARGV) {
	print STDERR "usage: promcheck.pl FILE...\n";
	exit 2;
}
my $bad = 0;
for my $file (@ARGV) {
	my $fh;
	if ($file eq '-') {
		$fh = \*STDIN;
	} elsif (!open($fh, '<', $file)) {
		print STDERR "promcheck: $file: $!\n";
		$bad = 1;
		next;
	}
	binmode $fh;
	my $text = do { local $/; <$fh> };
	$text = '' unless defined $text;
	close $fh if $file ne '-';
	my ($line, $why) = check_text($text);
	next unless defined $why;
	print STDERR "promcheck: $file", ($line ? ":$line" : ''), ": $why\n";
	$bad = 1;
}
exit $bad;
