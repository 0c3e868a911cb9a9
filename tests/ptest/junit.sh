#!/bin/sh
# SPDX-License-Identifier: MIT
# test.junit-schema: `migcheck test --format junit` output, for passing and
# failing policies and for tests named with characters XML does not allow,
# is well-formed and valid against tests/schemas/junit.xsd.
# Run from the project's root: sh tests/ptest/junit.sh BIN
set -u
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin" test --format junit policies/*.yaml policies/*.lua >"$tmp/pass.xml"
[ $? = 0 ] || { echo "test.junit-schema: shipped policies should pass"; exit 1; }
"$bin" test --format junit tests/fixtures/failing-tests.yaml >"$tmp/fail.xml"
[ $? = 1 ] || { echo "test.junit-schema: the fixture should fail"; exit 1; }
"$bin" test --format junit tests/fixtures/xml-forbidden.yaml >"$tmp/forbidden.xml"
[ $? = 1 ] || { echo "test.junit-schema: xml-forbidden.yaml should fail"; exit 1; }
xmllint --noout --schema tests/schemas/junit.xsd "$tmp/pass.xml" "$tmp/fail.xml" \
	"$tmp/forbidden.xml"
