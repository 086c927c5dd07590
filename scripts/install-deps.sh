#!/usr/bin/env bash
# Install the Debian 12 packages this project needs, and only those that are missing.
# Safe to run any number of times: when everything is there it changes nothing and
# does not touch the network. Works as root (CI) or through sudo.
#
#   qemu-system-x86   provides qemu-system-i386, which boots xv6
#   clang, lld        build the kernel and user programs (clang, ld.lld)
#   make, python3     the build and the test runner (test/run.py)
#   gcc, libc6-dev    host unit tests (with AddressSanitizer/UBSan runtimes)
#   libclang-rt-dev   the sanitizer runtimes for clang-built host tests
#   valgrind          instruction counts for the benchmarks (callgrind)
set -euo pipefail

packages=(qemu-system-x86 clang lld make python3 gcc libc6-dev libclang-rt-dev valgrind)

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
  echo "install-deps.sh: this is not a Debian-like system (no dpkg/apt-get)." >&2
  echo "Install by hand: ${packages[*]} (qemu-system-i386, clang, ld.lld, make, python3)." >&2
  exit 1
fi

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  if [[ $status != "install ok installed" ]]; then
    missing+=("$package")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-deps.sh: all packages present (${packages[*]})"
  exit 0
fi

echo "install-deps.sh: installing ${missing[*]}"
if [[ $(id -u) -eq 0 ]]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "install-deps.sh: not root and no sudo; as root run: apt-get install ${missing[*]}" >&2
  exit 1
fi
"${sudo[@]}" apt-get update
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y --no-install-recommends "${missing[@]}"

# Check the programs the build and the tests call are really there now.
for program in qemu-system-i386 clang ld.lld make python3 gcc; do
  if ! command -v "$program" >/dev/null 2>&1; then
    echo "install-deps.sh: $program is still missing after the install" >&2
    exit 1
  fi
done
echo "install-deps.sh: done"
