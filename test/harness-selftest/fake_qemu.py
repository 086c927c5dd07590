#!/usr/bin/env python3
"""A pretend qemu-system-i386 for the runner's self-tests (no kernel needed).

It takes QEMU's command line, but the "disks" are JSON files written by fake_make.py
(or by a test): the boot disk (-drive index=0) describes how the pretend kernel
behaves, the file system disk (index=1) lists the pretend user programs. It then acts
like xv6's serial console: a banner, "init: starting sh", the prompt "$ ", an echo
of every typed character, and the output of the "programs" it is asked to run.

Boot disk keys (all optional):
    crlf            true: lines end with CR LF, like the real console (default true)
    boot            "ok", "panic" (panics while booting), "hang", "exit" (QEMU exits)
    kvm             with -accel kvm: "ok", "triple-fault" (QEMU exits with status 0,
                    as -no-reboot does), or "hang"
    usertests       "pass", "fail", "panic", "hang"
    ignore_sigterm  true: only SIGKILL ends it
    spawn_child     true: starts a child process (it must die with us)
    poweroff        "ok" (exit status 1, as isa-debug-exit gives) or "ignore"
Program actions (file system disk, {"programs": {"test_1": [[action, arg], ...]}}):
    ["print", text]   ["sleep", seconds]   ["panic", message]   ["hang"]   ["reset"]
Unknown commands print "exec NAME failed", as xv6's shell does.

It appends its pid (and its child's) to $FAKE_QEMU_PIDS, so tests can check that
nothing is left running afterwards.
"""

import json
import os
import signal
import subprocess
import sys
import time


def split_qemu_options(text):
    """Split "a=1,b=x,,y" into {"a": "1", "b": "x,y"} (QEMU doubles literal commas)."""
    items, current, i = [], "", 0
    while i < len(text):
        if text[i] == ",":
            if text[i + 1:i + 2] == ",":
                current += ","
                i += 2
                continue
            items.append(current)
            current = ""
        else:
            current += text[i]
        i += 1
    items.append(current)
    return dict(item.split("=", 1) for item in items if "=" in item)


def parse_command_line(argv):
    settings = {"drives": {}, "smp": "1", "accel": "tcg", "fw_cfg": {}, "flags": []}
    i = 0
    while i < len(argv):
        arg = argv[i]
        value = argv[i + 1] if i + 1 < len(argv) else ""
        if arg == "-drive":
            options = split_qemu_options(value)
            settings["drives"][options["index"]] = options["file"]
        elif arg == "-smp":
            settings["smp"] = value
        elif arg == "-accel":
            settings["accel"] = value
        elif arg == "-fw_cfg":
            options = split_qemu_options(value)
            settings["fw_cfg"][options["name"]] = options["string"]
        elif arg in ("-m", "-device"):
            pass
        else:
            settings["flags"].append(arg)
            i += 1
            continue
        i += 2
    return settings


class Console:
    def __init__(self, crlf):
        self.crlf = crlf

    def write(self, text):
        if self.crlf:
            text = text.replace("\n", "\r\n")
        os.write(1, text.encode())

    def read_line(self):
        """Read a line from stdin, echoing it; None at end of input."""
        line = b""
        while True:
            byte = os.read(0, 1)
            if not byte:
                return None
            self.write(byte.decode(errors="replace"))
            if byte == b"\n":
                return line.decode(errors="replace").strip()
            line += byte


def hang():
    while True:
        time.sleep(3600)


def main():
    settings = parse_command_line(sys.argv[1:])
    with open(settings["drives"]["0"]) as f:
        kernel = json.load(f)
    with open(settings["drives"]["1"]) as f:
        programs = json.load(f).get("programs", {})
    pids = [os.getpid()]
    if kernel.get("ignore_sigterm"):
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if kernel.get("spawn_child"):
        pids.append(subprocess.Popen(["sleep", "300"]).pid)
    if os.environ.get("FAKE_QEMU_PIDS"):
        with open(os.environ["FAKE_QEMU_PIDS"], "a") as f:
            f.write("".join(f"{pid}\n" for pid in pids))
    if "-no-reboot" not in settings["flags"] or "-nographic" not in settings["flags"]:
        print("fake qemu: expected -nographic and -no-reboot", file=sys.stderr)
        return 1

    console = Console(kernel.get("crlf", True))
    console.write("\x1bc\x1b[2JSeaBIOS (fake)\nBooting from Hard Disk...\n")
    if settings["accel"] == "kvm":
        mode = kernel.get("kvm", "triple-fault")
        if mode == "triple-fault":
            return 0                      # -no-reboot: a guest reset ends QEMU, status 0
        if mode == "hang":
            hang()
    console.write(f"xv6 (fake) booting on {settings['smp']} cpus, accel "
                  f"{settings['accel']}\n")
    faults = settings["fw_cfg"].get("opt/xv6/faults")
    if faults:
        console.write(f"faults armed: {faults}\n")
    boot = kernel.get("boot", "ok")
    if boot == "panic":
        console.write("cpu0: panic: fake boot panic\n 80102a3c 80103f0e\n")
        hang()
    if boot == "hang":
        hang()
    if boot == "exit":
        return 0
    console.write("init: starting sh\n")

    while True:
        console.write("$ ")
        line = console.read_line()
        if line is None:
            hang()                        # like QEMU: end of input does not stop it
        if not line:
            continue
        name = line.split()[0]
        if name == "poweroff":
            if kernel.get("poweroff", "ok") == "ok":
                return 1                  # isa-debug-exit with value 0: (0 << 1) | 1
            continue
        if name == "echo":
            console.write(line[5:] + "\n")
        elif name == "usertests":
            run_usertests(console, kernel.get("usertests", "pass"))
        elif name in programs:
            status = run_program(console, programs[name])
            if status is not None:
                return status
        else:
            console.write(f"exec {name} failed\n")


def run_usertests(console, mode):
    console.write("usertests starting\n")
    for test in ("fourteen", "bigfile", "createdelete"):
        console.write(f"{test} test\n{test} ok\n")
        time.sleep(0.05)
    if mode == "pass":
        console.write("ALL TESTS PASSED\n")
    elif mode == "fail":
        console.write("sbrktest: sbrk test failed\n")
    elif mode == "panic":
        console.write("panic: acquire\n")
        hang()
    elif mode == "hang":
        hang()


def run_program(console, actions):
    for action in actions:
        kind, argument = action[0], action[1] if len(action) > 1 else None
        if kind == "print":
            console.write(argument)
        elif kind == "sleep":
            time.sleep(argument)
        elif kind == "panic":
            console.write(f"panic: {argument}\n")
            hang()
        elif kind == "hang":
            hang()
        elif kind == "reset":
            return 0
    return None


if __name__ == "__main__":
    sys.exit(main())
