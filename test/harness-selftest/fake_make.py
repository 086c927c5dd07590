#!/usr/bin/env python3
"""A pretend `make` for the runner's self-tests, producing fake_qemu.py's "disks".

Understands the runner's make interface:
    make BUILD=dir [VAR=value...]                         -> dir/xv6.img, dir/fs.img
    make BUILD=dir testfs TESTDIR=folder TESTFS=path.img [TESTS="N ..."]
                                                          -> path.img with test_N programs
    make BUILD=dir host-tests                             -> dir/host/*_test
The scenario comes from the JSON file named by $FAKE_XV6 (all keys optional):
    kernel       the boot disk's settings (see fake_qemu.py)
    make_fails   true: the default goal fails with a compiler error
    host_tests   {"name_test": {"lines": [...], "status": 0}}  (default: one passing)
Each invocation is appended to $FAKE_MAKE_LOG, so tests can see what was built.

"Compiling" test_N.c: lines "//FAKE [action, arg]" give the program's actions
(see fake_qemu.py); without them, every printf string containing XV6_TEST_OUTPUT is
printed. A line "#error message" makes that test fail to build like a compiler error:
as the real Makefile does, it is left out of the image with the line
"testfs: test_N did not build (compiler output: LOG)", and the others go in.
"""

import glob
import json
import os
import re
import stat
import sys


def c_string(literal):
    return literal.encode().decode("unicode_escape")


def compile_test(path):
    """Return (actions, error_line_or_None) for a test_N.c file."""
    actions = []
    with open(path) as f:
        lines = f.read().splitlines()
    for number, line in enumerate(lines, 1):
        if line.startswith("#error"):
            return None, f"{path}:{number}:2: error: {line[7:].strip()}"
        if line.startswith("//FAKE "):
            actions.append(json.loads(line[7:]))
    if not actions:
        for line in lines:
            for literal in re.findall(r'printf\(\s*1\s*,\s*"((?:[^"\\]|\\.)*)"', line):
                if "XV6_TEST_OUTPUT" in literal:
                    actions.append(["print", c_string(literal)])
    return actions, None


def main(argv):
    variables = dict(arg.split("=", 1) for arg in argv if "=" in arg)
    targets = [arg for arg in argv if "=" not in arg and not arg.startswith("-")]
    if os.environ.get("FAKE_MAKE_LOG"):
        with open(os.environ["FAKE_MAKE_LOG"], "a") as f:
            f.write(" ".join(argv) + "\n")
    scenario = {}
    if os.environ.get("FAKE_XV6"):
        with open(os.environ["FAKE_XV6"]) as f:
            scenario = json.load(f)
    build = variables.get("BUILD", "build")
    os.makedirs(build, exist_ok=True)
    target = targets[0] if targets else "all"

    if target in ("all", "xv6.img", "fs.img"):
        if scenario.get("make_fails"):
            print("src/kernel/main.c:12:5: error: use of undeclared identifier 'oops'",
                  file=sys.stderr)
            print("make: *** [Makefile:80: build/kernel/main.o] Error 1", file=sys.stderr)
            return 2
        kernel = dict(scenario.get("kernel", {}), variables=variables)
        with open(os.path.join(build, "xv6.img"), "w") as f:
            json.dump(kernel, f)
        with open(os.path.join(build, "fs.img"), "w") as f:
            json.dump({"programs": {}}, f)
        return 0

    if target == "testfs":
        programs = {}
        wanted = variables.get("TESTS", "").split()
        logs = os.path.join(build, "t", os.path.basename(variables["TESTDIR"].rstrip("/")))
        for path in sorted(glob.glob(os.path.join(variables["TESTDIR"], "test_*.c"))):
            name = os.path.basename(path)[:-2]
            if wanted and name[len("test_"):] not in wanted:
                continue
            actions, error = compile_test(path)
            if error:
                os.makedirs(logs, exist_ok=True)
                log = os.path.join(logs, f"_{name}.log")
                with open(log, "w") as f:
                    f.write(error + "\n1 error generated.\n")
                print(f"testfs: {name} did not build (compiler output: {log})")
                print(error)
                continue
            programs[name] = actions
        os.makedirs(os.path.dirname(variables["TESTFS"]), exist_ok=True)
        with open(variables["TESTFS"], "w") as f:
            json.dump({"programs": programs}, f)
        return 0

    if target == "host-tests":
        tests = scenario.get("host_tests",
                             {"demo_test": {"lines": ["PASS demo: adds"], "status": 0}})
        host = os.path.join(build, "host")
        os.makedirs(host, exist_ok=True)
        for name, spec in tests.items():
            path = os.path.join(host, name)
            with open(path, "w") as f:
                f.write("#!/bin/sh\n")
                for line in spec.get("lines", []):
                    f.write(f"echo '{line}'\n")
                f.write(f"exit {spec.get('status', 0)}\n")
            os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)
        return 0

    print(f"make: *** No rule to make target '{target}'.  Stop.", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
