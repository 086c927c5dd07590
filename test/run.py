#!/usr/bin/env python3
"""xv6 regression runner: builds the images, boots QEMU headless, runs the suites.

    python3 test/run.py                     everything `make test` runs
    python3 test/run.py usertests           only the named suites (see --list)
    python3 test/run.py --ostep DIR -v      one OSTEP-format folder, echoing the console
    python3 test/run.py --check-faults "$FAULTS"
                                            validate a FAULTS value; print QEMU's args

Prints one line per test ("PASS name (time)" or "FAIL name: reason") and ends with
the line "N passed, N failed" (", N skipped" when tests were skipped). The exit
status is 0 only when nothing failed and at least one test passed.

Environment: FAULTS (fault injection, see faults.py), XV6_ACCEL=kvm (try KVM first),
XV6_QEMU (QEMU binary), XV6_MAKE (make program), XV6_BUILD (build folder).

The pieces: faults.py (FAULTS syntax), procs.py (child processes and cleanup),
qemu.py (one QEMU guest and its console), ostep.py (the OSTEP folder format),
harness.py (results, budget, builds, booting), suites.py (the suites).
"""

import argparse
import os
import sys
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True      # keep test/ free of __pycache__ folders

import faults           # noqa: E402  (after the sys.path line above)
import harness          # noqa: E402
import procs            # noqa: E402
import qemu             # noqa: E402
import suites           # noqa: E402

ROOT = os.path.dirname(HERE)


def parse_arguments(argv):
    names = ", ".join(f"{s.name}{'' if s.default else ' (not default)'}"
                      for s in suites.SUITES.values())
    parser = argparse.ArgumentParser(
        prog="run.py", description="Build xv6, boot it in QEMU and run the test suites.",
        epilog=f"suites: {names}")
    parser.add_argument("suites", nargs="*", metavar="SUITE",
                        help="suites to run (default: every default suite)")
    parser.add_argument("--list", action="store_true", help="list the suites and exit")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="echo the console and print build output and diffs")

    group = parser.add_argument_group("OSTEP-format folders")
    group.add_argument("--ostep", action="append", metavar="DIR", default=[],
                       help="run this test folder (repeatable) instead of the default "
                            "ones; without SUITE names, only these folders run")
    group.add_argument("-t", "--test", dest="tests", action="append", type=int,
                       metavar="N", default=[], help="only test N (repeatable)")
    group.add_argument("-s", "--skip-pre", action="store_true",
                       help="do not run the N.pre scripts")
    group.add_argument("-x", "--stop-on-failure", action="store_true",
                       help="stop at the first failure (the OSTEP scripts without -c)")
    group.add_argument("-c", "--continue", dest="stop_on_failure", action="store_false",
                       help="go on after a failure (the default here)")
    group.add_argument("--fresh-boot", action="store_true",
                       help="boot a fresh guest for every test (slower, fully isolated)")

    group = parser.add_argument_group("QEMU")
    group.add_argument("--cpus", type=int, metavar="N",
                       help="CPUs for usertests (default: both 1 and 2), for the "
                            "OSTEP folders and for the fault-injection runs (default: 2)")
    group.add_argument("--mem", type=int, metavar="MB",
                       default=int(os.environ.get("MEM") or 0) or None,
                       help="guest memory in MiB for every boot (default: $MEM, else 512; "
                            "the lowmem suite boots with 64 whatever this says)")
    group.add_argument("--faults", metavar="VALUE", default=os.environ.get("FAULTS", ""),
                       help="arm fault injection, e.g. kalloc=1/50,kmalloc=1/20,seed=7 "
                            "(default: $FAULTS)")
    group.add_argument("--check-faults", metavar="VALUE",
                       help="only validate VALUE: print the QEMU arguments for it and "
                            "exit 0, or print why it is malformed and exit 2")
    group.add_argument("--accel", choices=("tcg", "kvm"),
                       default=os.environ.get("XV6_ACCEL", "tcg") or "tcg",
                       help="accelerator (default: $XV6_ACCEL or tcg); a KVM boot that "
                            "does not reach the prompt falls back to TCG")
    group.add_argument("--kvm", dest="accel", action="store_const", const="kvm",
                       help="same as --accel kvm")
    group.add_argument("--qemu", metavar="PATH",
                       help="QEMU binary (default: $XV6_QEMU or qemu-system-i386)")
    group.add_argument("--make", metavar="PATH", help="make program (default: $XV6_MAKE "
                                                      "or make)")
    group.add_argument("--build", metavar="DIR", default=os.environ.get("XV6_BUILD", "build"),
                       help="build folder, relative to the repository (default: "
                            "$XV6_BUILD or build)")

    group = parser.add_argument_group("time limits (seconds)")
    group.add_argument("--boot-timeout", type=float, default=60,
                       help="from QEMU start to the first prompt (default 60)")
    group.add_argument("--test-timeout", type=float, default=60,
                       help="one OSTEP test (default 60)")
    group.add_argument("--usertests-timeout", type=float,
                       default=suites.USERTESTS_TIMEOUT,
                       help=f"one usertests run (default {suites.USERTESTS_TIMEOUT})")
    group.add_argument("--kvm-probe", type=float, default=15,
                       help="a first KVM boot must reach the prompt within this (default 15)")
    group.add_argument("--budget", type=float, default=2400,
                       help="the whole run; tests not started by then fail (default 2400)")
    options = parser.parse_args(argv)

    options.accel = options.accel.lower()
    if options.accel not in ("tcg", "kvm"):
        parser.error(f"accelerator {options.accel!r} (from XV6_ACCEL?) is not tcg or kvm")
    unknown = [name for name in options.suites if name not in suites.SUITES]
    if unknown:
        parser.error(f"unknown suite {', '.join(unknown)} (known: {names})")
    if options.cpus is not None and not 1 <= options.cpus <= 8:
        parser.error("--cpus must be between 1 and 8")
    if options.mem is not None and not 32 <= options.mem <= 2048:
        parser.error("--mem must be between 32 and 2048 (MiB)")
    options.ostep = [os.path.abspath(folder) for folder in options.ostep]
    if options.ostep and "ostep" not in options.suites:
        options.suites.append("ostep")       # --ostep DIR asks for the ostep suite
    if not options.suites:
        options.suites = [s.name for s in suites.SUITES.values() if s.default]
    return options


def check_faults_command(value):
    """--check-faults: the one place where the Makefile and scripts validate FAULTS."""
    try:
        args = faults.qemu_args(value)
    except faults.FaultsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(" ".join(args))
    return 0


def main(argv=None):
    options = parse_arguments(sys.argv[1:] if argv is None else argv)
    if options.check_faults is not None:
        return check_faults_command(options.check_faults)
    if options.list:
        for s in suites.SUITES.values():
            print(f"{s.name:10} {'default' if s.default else '       '}  {s.help}")
        return 0
    # A malformed FAULTS value is refused before anything is built or booted.
    try:
        faults.parse(options.faults)
    except faults.FaultsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2

    procs.install_cleanup()
    echo = qemu.ConsoleEcho(sys.stdout if options.verbose else None)
    ctx = harness.Context(ROOT, options, echo)
    if options.accel == "kvm":
        usable, why = qemu.kvm_usable()
        if not usable:
            ctx.say(f"accelerator: KVM was asked for, but {why}; using TCG")
            ctx.accel = "tcg"
    accel_text = ("kvm (tried on the first boot; TCG if it does not reach the prompt "
                  f"within {options.kvm_probe:g} s)") if ctx.accel == "kvm" else "tcg"
    ctx.say(f"xv6 tests: {', '.join(options.suites)}; qemu {ctx.qemu}; accelerator "
            f"{accel_text}; budget {options.budget:g} s")
    if options.faults:
        ctx.say(f"fault injection armed: FAULTS={options.faults}")

    try:
        for name in options.suites:
            if ctx.should_stop():
                break
            try:
                suites.SUITES[name].run(ctx)
            except Exception:                  # a bug in the runner: report, go on
                text = traceback.format_exc()
                ctx.record(f"{name} (runner error)", False, text.strip().splitlines()[-1])
                ctx.say(text.rstrip())
    finally:
        procs.kill_all()
        ctx.close()

    used = ctx.accel if ctx.accel == "tcg" or ctx.kvm_proven else "kvm (no boot happened)"
    ctx.say(f"accelerator used: {used}")
    reporter = ctx.reporter
    if reporter.count("pass") + reporter.count("fail") == 0:
        ctx.say("no test ran")
    ctx.say(reporter.summary())
    return 0 if reporter.count("fail") == 0 and reporter.count("pass") > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
