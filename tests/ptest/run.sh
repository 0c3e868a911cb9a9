#!/bin/sh
# SPDX-License-Identifier: MIT
# policies.tests: every shipped policy's own tests pass, and together they
# exercise every check of the policy (`migcheck test --coverage`).
# Run from the project's root: sh tests/ptest/run.sh BIN
set -u
bin=$1
out=$(NO_COLOR=1 "$bin" test --coverage policies/*.yaml policies/*.lua)
status=$?
printf '%s\n' "$out"
if [ $status != 0 ]; then
	echo "policies.tests: migcheck test exited with $status"
	exit 1
fi
if printf '%s\n' "$out" | grep -q 'not exercised'; then
	echo "policies.tests: some checks are not exercised by any test"
	exit 1
fi
echo "policies.tests: every test passes, every check is exercised"
