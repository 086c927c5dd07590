#!/usr/bin/env bash
# Run the mmap tests (an OSTEP-format folder, default test/mmap/) in xv6 under
# QEMU, with the OSTEP tester's flags (-h for help). See scripts/ostep-tests.sh.
set -euo pipefail
NAME=test-mmap.sh
DEFAULT_DIR=test/mmap
source "$(dirname "${BASH_SOURCE[0]}")/scripts/ostep-tests.sh"
