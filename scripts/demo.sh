#!/bin/sh
# demo.sh - what `make demo` runs.  Today: a tour of the ferry stream with
# ferry-cat on a small chat database.  The MariaDB -> PostgreSQL migration
# demo arrives with ferry-extract and ferry-load (issues 3 and 4).
set -eu
cd "$(dirname "$0")/.."
bin=${FERRY_BIN:-build}
out=${DEMO_DIR:-build/demo}
mkdir -p "$out"

step() { printf '\n$ %s\n' "$*"; }

step ferry-cat --encode -S testdata/golden/chat.schema.json -o "$out/chat.ferry" testdata/golden/chat.jsonl
"$bin/ferry-cat" --encode -S testdata/golden/chat.schema.json -o "$out/chat.ferry" testdata/golden/chat.jsonl

step ferry-cat -f summary -t messages "$out/chat.ferry"
"$bin/ferry-cat" -f summary -t messages "$out/chat.ferry"

step ferry-cat -f tsv -t chat_groups "$out/chat.ferry"
"$bin/ferry-cat" -f tsv -t chat_groups "$out/chat.ferry"

step ferry-cat --check "$out/chat.ferry"
"$bin/ferry-cat" --check "$out/chat.ferry"

step "head -c 1500 $out/chat.ferry > $out/cut.ferry; ferry-cat --check $out/cut.ferry"
head -c 1500 "$out/chat.ferry" >"$out/cut.ferry"
rc=0
"$bin/ferry-cat" --check "$out/cut.ferry" || rc=$?
echo "exit status $rc: a cut-off stream is never taken for a whole one"
test "$rc" -eq 3

cat <<'EOT'

The database half of the demo (a sample chat database in MariaDB copied to
PostgreSQL and verified) comes with ferry-extract and ferry-load.
EOT
