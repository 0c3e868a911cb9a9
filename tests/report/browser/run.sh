#!/bin/sh
# SPDX-License-Identifier: MIT
# Every report of `migcheck report` in headless Chromium (check.py says
# what is checked), run from the project's root:
#   sh tests/report/browser/run.sh [--migcheck build/bin/migcheck] [--out DIR]
# and, to regenerate the screenshots docs/report.md shows:
#   sh tests/report/browser/run.sh --screenshots docs/images
# Exit status 77 (skipped) without chromium or tidy.
exec python3 "$(dirname "$0")/check.py" "$@"
