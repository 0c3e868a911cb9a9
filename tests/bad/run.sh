#!/bin/sh
# SPDX-License-Identifier: MIT
# The bad-input (adversarial) corpus, run from the project's root:
#   sh tests/bad/run.sh BIN [--sanitizer] [--pending] [NAME...]
# The runner is tests/bad/run.py (it measures each case's time and peak
# memory); see its header for the tables, the bounds and the options.
exec python3 "$(dirname "$0")/run.py" "$@"
