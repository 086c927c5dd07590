#!/usr/bin/env bash
# The OSTEP-style test script behind test-kmalloc.sh and test-mmap.sh: they set
# NAME and DEFAULT_DIR and source this file. It runs an OSTEP-format folder in
# xv6 under QEMU with the OSTEP tester's flags; the work is done by
# test/run.py, which builds the kernel and an image holding the folder's
# test_N programs, boots it, types each test at the shell and compares the
# XV6_TEST_OUTPUT lines with N.out.
usage() {
  cat <<USAGE
usage: ./$NAME [-h] [-v] [-t N] [-c] [-s] [-d DIR]
  -h      show this help
  -v      verbose: echo the xv6 console, show build output and output differences
  -t N    build and run only test N (a test that does not build fails alone)
  -c      continue after a failing test (without -c: stop at the first failure)
  -s      skip the N.pre scripts
  -d DIR  test folder, absolute or relative to the current directory
          (default: $DEFAULT_DIR in the repository)
Environment: FAULTS="kalloc=1/50,kmalloc=1/20,seed=7" arms fault injection,
CPUS=N boots N CPUs (default 2), XV6_ACCEL=kvm tries KVM first.
Ends with the line "N passed, N failed"; exits non-zero if a test failed.
USAGE
}

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=""
continue=0
args=()
while getopts ":hvt:csd:" opt; do
  case $opt in
    h) usage; exit 0 ;;
    v) args+=(-v) ;;
    t) if [[ ! $OPTARG =~ ^[0-9]+$ ]]; then
         echo "$NAME: -t needs a test number, not '$OPTARG'" >&2; exit 2
       fi
       args+=(-t "$OPTARG") ;;
    c) continue=1 ;;
    s) args+=(-s) ;;
    d) dir=$OPTARG ;;
    :) echo "$NAME: -$OPTARG needs a value" >&2; usage >&2; exit 2 ;;
    *) echo "$NAME: unknown option -$OPTARG" >&2; usage >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
if [[ $# -gt 0 ]]; then
  echo "$NAME: unexpected argument '$1'" >&2; usage >&2; exit 2
fi

# -d DIR is relative to where the script was started; the default to the repository.
if [[ -z $dir ]]; then
  dir=$repo/$DEFAULT_DIR
elif [[ $dir != /* ]]; then
  dir=$PWD/$dir
fi
if [[ $continue == 0 ]]; then
  args+=(--stop-on-failure)
fi
if [[ -n ${CPUS:-} ]]; then
  args+=(--cpus "$CPUS")
fi

# run.py reads FAULTS from the environment and refuses a malformed value before
# building or booting anything. It works from any directory.
exec python3 "$repo/test/run.py" --ostep "$dir" "${args[@]}"
