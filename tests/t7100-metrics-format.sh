#!/bin/sh
# --metrics-file: what lib/stage/metrics.c writes is valid Prometheus text format
# 0.0.4 (tests/promcheck.pl), hostile names included; promcheck.pl refuses
# broken files; the Grafana dashboard asks only for metrics the module
# writes.  No database: the unit test binary writes the files
# (test-metrics --write DIR).
. "$(dirname "$0")/lib.sh"

PROMCHECK="perl $TEST_ROOT/tests/promcheck.pl"
DASHBOARD=$TEST_ROOT/scripts/ferry-grafana-dashboard.json
DRIVER=$FERRY_BIN/tests/test-metrics

test_expect_success 'the module writes its sample files' '
	mkdir out &&
	"$DRIVER" --write out &&
	for f in basic hostile failed sparse follow; do
		test_file_not_empty out/$f.prom || return 1
	done &&
	ls -A out >files &&
	printf "%s\n" basic.prom failed.prom follow.prom hostile.prom sparse.prom >expect &&
	test_cmp expect files
'

for f in basic hostile failed sparse follow; do
	test_expect_success "promcheck accepts $f.prom" '
		$PROMCHECK out/'$f'.prom 2>err &&
		test ! -s err
	'
done

test_expect_success 'hostile names are escaped, not cut or dropped' '
	test_grep "table=\"a\\\"b\\\\c\\nd\"} 1" out/hostile.prom &&
	test_grep "ferry_job=\"job\\\"with\\\\n\\nnewline\"" out/hostile.prom &&
	test $(grep -c "^ferry_rows{" out/hostile.prom) -eq 4
'

test_expect_success 'a failed run keeps the last success of the one before' '
	test_grep "ferry_last_run_success{tool=\"load\",ferry_job=\"nightly\"} 0" out/failed.prom &&
	test_grep "ferry_last_success_timestamp_seconds{tool=\"load\",ferry_job=\"nightly\"} 1700000000" out/failed.prom &&
	! grep -q ferry_last_success_timestamp_seconds out/sparse.prom
'

test_expect_success 'promcheck accepts the corners of the format' '
	printf "%s\n" \
		"# a comment" \
		"# HELP x_seconds help with \\\\ and \\n escapes" \
		"# TYPE x_seconds gauge" \
		"x_seconds{a=\"q\\\"b\\\\s\\nn\",b=\"\",} 1.5e3 1700000000000" \
		"x_seconds{a=\"r\"} NaN" \
		"x_seconds{a=\"s\"}   +Inf  " \
		"x_seconds{a=\"t\"} -Inf" \
		"" \
		"# TYPE h histogram" \
		"h_bucket{le=\"1\"} 0" \
		"h_bucket{le=\"+Inf\"} 2" \
		"h_sum 3" \
		"h_count 2" \
		"untyped_one 7" >ok.prom &&
	$PROMCHECK ok.prom
'

# check_bad NAME MESSAGE: promcheck refuses NAME.prom with exit 1 and
# exactly MESSAGE
check_bad() {
	test_expect_code 1 $PROMCHECK $1.prom 2>err &&
	echo "promcheck: $1.prom$2" >expect &&
	test_cmp expect err
}

bad() {
	name=$1
	shift
	printf "%s\n" "$@" >$name.prom
}
bad name "1abc 1"
bad quote 'a{t="x"y"} 1'
bad escape 'a{t="\x"} 1'
bad value "a 12x"
bad novalue 'a{t="x"}'
bad dup 'a{t="x"} 1' 'a{t="x"} 2'
bad dupempty 'a 1' 'a{t=""} 2'
bad help2 "# HELP a one" "# HELP a two" "a 1"
bad typeafter "a 1" "# TYPE a gauge"
bad type "# TYPE a gauge2" "a 1"
bad interleave "a 1" "b 1" 'a{x="1"} 2'
bad label2 'a{t="x",t="y"} 1'
bad labelname 'a{1t="x"} 1'
bad reserved 'a{__name__="x"} 1'
bad helpescape '# HELP a bad \t escape' 'a 1'
bad timestamp 'a 1 12.5'
printf 'a 1' >nonl.prom
printf 'a 1\r\n' >crlf.prom
printf 'a{t="\377"} 1\n' >utf8.prom
: >empty.prom

test_expect_success 'promcheck refuses a bad metric name' 'check_bad name ":1: bad metric name"'
test_expect_success 'promcheck refuses an unescaped quote' "check_bad quote \":1: expected ',' or '}' in 'a'\""
test_expect_success 'promcheck refuses an unknown escape' "check_bad escape \":1: bad escape in label 't' of 'a'\""
test_expect_success 'promcheck refuses a value that is no float' "check_bad value \":1: value '12x' of 'a' is not a float\""
test_expect_success 'promcheck refuses a sample without value' "check_bad novalue \":1: bad sample syntax for 'a'\""
test_expect_success 'promcheck refuses a series twice' "check_bad dup \":2: duplicate series 'a' (same labels)\""
test_expect_success 'promcheck: an empty label is no label' "check_bad dupempty \":2: duplicate series 'a' (same labels)\""
test_expect_success 'promcheck refuses a second HELP' "check_bad help2 \":2: second HELP for 'a'\""
test_expect_success 'promcheck refuses TYPE after samples' "check_bad typeafter \":2: TYPE for 'a' after its samples\""
test_expect_success 'promcheck refuses an unknown type' "check_bad type \":1: unknown type 'gauge2' for 'a'\""
test_expect_success 'promcheck refuses a family in two blocks' "check_bad interleave \":3: sample of 'a' after its block ended\""
test_expect_success 'promcheck refuses a label twice' "check_bad label2 \":1: label 't' twice in 'a'\""
test_expect_success 'promcheck refuses a bad label name' "check_bad labelname \":1: bad label name '1t' in 'a'\""
test_expect_success 'promcheck refuses a reserved label name' "check_bad reserved \":1: reserved label name '__name__' in 'a'\""
test_expect_success 'promcheck refuses a bad escape in HELP' "check_bad helpescape \":1: bad escape in HELP of 'a'\""
test_expect_success 'promcheck refuses a timestamp that is no integer' "check_bad timestamp \":1: timestamp '12.5' of 'a' is not an integer\""
test_expect_success 'promcheck refuses a missing last line feed' 'check_bad nonl ": the last line does not end in a line feed"'
test_expect_success 'promcheck refuses CRLF line ends' "check_bad crlf \":1: carriage return at the end of the line\""
test_expect_success 'promcheck refuses bytes that are not UTF-8' 'check_bad utf8 ": not valid UTF-8"'
test_expect_success 'promcheck refuses an empty file' 'check_bad empty ": empty file"'

test_expect_success 'the dashboard is valid JSON' '
	python3 -m json.tool "$DASHBOARD" >/dev/null
'

# every PromQL expression and variable query of the dashboard
dashboard_queries() {
	python3 -c '
import json, sys
def walk(o):
    if isinstance(o, dict):
        for k, v in o.items():
            if k in ("expr", "definition") and isinstance(v, str):
                print(v)
            elif k == "query" and isinstance(v, dict) and isinstance(v.get("query"), str):
                print(v["query"])
            else:
                walk(v)
    elif isinstance(o, list):
        for v in o:
            walk(v)
walk(json.load(open(sys.argv[1])))
' "$DASHBOARD"
}

test_expect_success 'every metric of the dashboard is one the module writes' '
	dashboard_queries >queries &&
	grep -o "ferry_[a-z_]*" queries | grep -v "^ferry_job$" | sort -u >used &&
	test $(wc -l <used) -ge 8 &&
	cat out/*.prom | sed -n "s/^\(ferry_[a-z_]*\){.*/\1/p" | sort -u >written &&
	comm -23 used written >missing &&
	test_cmp /dev/null missing
'

test_expect_success 'every label of the dashboard is one the module writes' '
	grep -oE "[a-z_]+=~?\"" queries | sed "s/=.*//" | sort -u >labels &&
	grep -oE "label_values\([a-z_]+, *[a-z_]+\)" queries |
		sed "s/.*, *//; s/)//" | sort -u >>labels &&
	sort -u labels >labels.u &&
	test -s labels.u &&
	cat out/*.prom | grep -v "^#" | grep -oE "[{,][a-z_]+=\"" |
		sed "s/^.//; s/=.*//" | sort -u >wlabels &&
	comm -23 labels.u wlabels >missing &&
	test_cmp /dev/null missing
'

test_expect_success 'the dashboard keeps job for Prometheus: ferry_job it is' '
	! grep -E "[{,(] *job *[=~,)]" queries
'

# until its text is pasted into the man pages
MANTEXT=$TEST_ROOT/METRICS-MANPAGE.txt
if [ -f "$MANTEXT" ]; then
	test_expect_success 'the man page text documents every metric written' '
		sed -n "s/^\.It Sy //p" "$MANTEXT" | grep -o "ferry_[a-z_]*" |
			sort -u >documented &&
		cat out/*.prom | sed -n "s/^\(ferry_[a-z_]*\){.*/\1/p" |
			sort -u >written &&
		test_cmp written documented
	'
else
	test_skip 'the man page text documents every metric written' \
		'METRICS-MANPAGE.txt is gone'
fi

test_done
