#!/usr/bin/env bash
# Run the kmalloc tests (an OSTEP-format folder, default test/kmalloc/) in xv6 under
# QEMU, with the OSTEP tester's flags (-h for help). See scripts/ostep-tests.sh.
set -euo pipefail
NAME=test-kmalloc.sh
DEFAULT_DIR=test/kmalloc
source "$(dirname "${BASH_SOURCE[0]}")/scripts/ostep-tests.sh"
