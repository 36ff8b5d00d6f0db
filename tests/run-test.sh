#!/bin/sh
# Run one test for prove: shell scripts with sh, binaries directly.
case "$1" in
*.sh) exec sh "$1" ;;
*replay-*) exec "$1" "$(dirname "$0")/../testdata/fuzz/${1##*/replay-}" ;;
*) exec "$1" ;;
esac
