"""Turn the eips of xv6 console lines into source lines (host side).

A kill message such as

    pid 4 test_300: killed: store into read-only mapping ... , eip 0x1306

names the program (test_300) and the user eip; a kernel page-fault line
("kernel page fault at addr ..., eip 0x8010...") and a panic's "stack:"
line hold kernel addresses. This module finds the unstripped binary the
Makefile keeps (build/user/NAME.elf, build/user/t/*/NAME.elf for course
test folders, build/kernel/kernel) and asks addr2line (llvm-addr2line or
binutils') for function and file:line.

As a program (scripts/symbolize): read console logs (or standard input)
and print them with " [function at file:line]" after each eip found.

As a module, for a test runner:

    sys.path.insert(0, "scripts"); import symbolize
    line = symbolize.annotate(line, build="build")

annotate() returns the line unchanged when nothing matches or no binary
or addr2line is there, so a caller need not check anything first.

Standard library only.
"""

import argparse
import functools
import glob
import os
import re
import shutil
import subprocess
import sys

KERNBASE = 0x80000000                # addresses from here up are the kernel's
KILL_RE = re.compile(r"pid \d+ (?P<prog>[^\s:]+): .*?\beip (?P<eip>0x[0-9a-fA-F]+)")
KERNEL_EIP_RE = re.compile(r"\beip (?P<eip>0x[0-9a-fA-F]+)")
STACK_RE = re.compile(r"^\s*stack:((?:\s+0x[0-9a-fA-F]+)+)\s*$")
ADDR2LINE_TIMEOUT_S = 20             # one addr2line run; it normally takes milliseconds


@functools.lru_cache(maxsize=None)
def _addr2line():
    for name in ("llvm-addr2line", "addr2line"):
        path = shutil.which(name)
        if path:
            return path
    return None


def test_folder_objects(build, folder):
    """Where the Makefile builds the programs of an OSTEP test folder (its
    absolute path with '/' turned into '_', under build/user/t)."""
    return os.path.join(build, "user", "t", os.path.abspath(folder).replace(os.sep, "_"))


def find_binary(prog, build="build", folder=None):
    """The unstripped binary for program prog ("kernel" for the kernel), or None.
    With folder (an OSTEP test folder), that folder's build is looked at first:
    several folders have a test_3."""
    if prog == "kernel":
        path = os.path.join(build, "kernel", "kernel")
        return path if os.path.isfile(path) else None
    candidates = [os.path.join(test_folder_objects(build, folder), prog + ".elf")] if folder else []
    candidates += [os.path.join(build, "user", prog + ".elf")]
    candidates += sorted(glob.glob(os.path.join(build, "user", "t", "*", prog + ".elf")),
                         key=os.path.getmtime, reverse=True)   # newest folder build first
    for path in candidates:
        if os.path.isfile(path):
            return path
    return None


@functools.lru_cache(maxsize=4096)
def _lookup(binary, mtime, addr):
    tool = _addr2line()
    if tool is None:
        return None
    try:
        out = subprocess.run([tool, "-f", "-p", "-e", binary, hex(addr)],
                             capture_output=True, text=True, timeout=ADDR2LINE_TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = out.stdout.strip().splitlines()
    if out.returncode != 0 or not text or text[0].startswith("??"):
        return None
    return text[0].replace(os.getcwd() + os.sep, "")


def where(binary, addr):
    """'function at file:line' for addr in binary, or None."""
    if binary is None:
        return None
    return _lookup(binary, os.path.getmtime(binary), addr)


def annotate(line, build="build", folder=None):
    """line with ' [function at file:line]' added after what it can resolve
    (folder: the OSTEP test folder the program came from, if any)."""
    match = STACK_RE.match(line)
    if match:
        kernel = find_binary("kernel", build)
        parts = []
        for word in match.group(1).split():
            found = where(kernel, int(word, 16))
            parts.append(f"{word} [{found}]" if found else word)
        return line[:match.start(1)] + " " + " ".join(parts)
    match = KILL_RE.search(line)
    if match:
        addr = int(match.group("eip"), 16)
        prog = "kernel" if addr >= KERNBASE else match.group("prog")
    else:
        match = KERNEL_EIP_RE.search(line)
        if not match or int(match.group("eip"), 16) < KERNBASE:
            return line
        addr, prog = int(match.group("eip"), 16), "kernel"
    found = where(find_binary(prog, build, folder), addr)
    if not found:
        return line
    end = match.end("eip")
    return f"{line[:end]} [{found}]{line[end:]}"


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Add function and file:line after the eips in xv6 console output.")
    parser.add_argument("logs", nargs="*", help="console logs (default: standard input)")
    parser.add_argument("--build", default="build", help="build folder (default: build)")
    args = parser.parse_args(argv)
    if _addr2line() is None:
        print("symbolize: no llvm-addr2line or addr2line found", file=sys.stderr)
        return 1
    streams = [open(path, errors="replace") for path in args.logs] or [sys.stdin]
    for stream in streams:
        for line in stream:
            print(annotate(line.rstrip("\n"), args.build))
    return 0


if __name__ == "__main__":
    sys.exit(main())
