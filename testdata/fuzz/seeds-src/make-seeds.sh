#!/bin/sh
# Regenerate the seed streams in testdata/fuzz/stream/ from the schemas and
# JSON lines here.  Run from the top of the tree after `make all`:
#     sh testdata/fuzz/seeds-src/make-seeds.sh
# Writes only seed-*.ferry; the crash-* and corpus-* files are left alone.
set -eu
cat=build/ferry-cat
src=testdata/fuzz/seeds-src
out=testdata/fuzz/stream

enc() { # NAME SCHEMA JSONL [OPTIONS...]
	name=$1 schema=$2 jsonl=$3
	shift 3
	"$cat" --encode -S "$src/$schema.schema.json" -o "$out/seed-$name.ferry" \
		"$@" "$src/$jsonl.jsonl"
	"$cat" --check "$out/seed-$name.ferry"
}

mkdir -p "$out"
enc types-stored      types types -l 0
enc types-zstd        types types -l 3
enc multi-stored      multi multi -l 0
enc multi-zstd        multi multi -l 1
enc wide-stored       wide  wide  -l 0
enc wide-zstd         wide  wide  -l 19
enc empty-table       empty empty -l 0
enc logs-batches-zstd logs  logs  -l 3 --batch-bytes 4096
enc partition-zstd    partition partition -l 3
# a stream may be followed by another
cat "$out/seed-empty-table.ferry" "$out/seed-wide-stored.ferry" \
	>"$out/seed-concat.ferry"
"$cat" --check "$out/seed-concat.ferry"
