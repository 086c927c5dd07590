"""Child processes that never outlive the test runner.

Every program the runner starts (QEMU, make, host test binaries, N.pre scripts) is
started here, in a process group of its own, and remembered until it is reaped.
kill_all() ends every remembered group; install_cleanup() makes that happen when the
runner exits normally (atexit) or is stopped by SIGINT, SIGTERM or SIGHUP. As a last
resort, each child also asks Linux to SIGKILL it if the runner itself dies without a
chance to clean up (prctl PR_SET_PDEATHSIG), e.g. after `kill -9`.

A process group matters because a child may start children of its own (make runs the
compiler, a test script runs anything): killing the group ends all of them.
"""

import atexit
import ctypes
import os
import signal
import subprocess
import sys

_live = set()            # Popen objects whose process group may still exist

PR_SET_PDEATHSIG = 1


try:
    _libc = ctypes.CDLL(None, use_errno=True)     # the C library, for prctl()
    _prctl = _libc.prctl
except (OSError, AttributeError):                  # not Linux: no prctl
    _prctl = None


def _child_setup():
    """Runs in the child between fork and exec: ask to be killed when the runner dies."""
    if _prctl is not None:
        _prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def spawn(cmd, **popen_args):
    """Start cmd (a list) in a new process group; returns the subprocess.Popen."""
    proc = subprocess.Popen(cmd, start_new_session=True, preexec_fn=_child_setup,
                            **popen_args)
    _live.add(proc)
    return proc


def kill_group(proc, grace=2.0):
    """End proc and its whole process group: SIGTERM, then SIGKILL after `grace` seconds.

    Safe to call more than once, and on a process that has already exited.
    """
    if proc.poll() is None:
        _signal_group(proc, signal.SIGTERM)
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            pass
    # Even if the leader is gone, a grandchild may still hold the group: SIGKILL it too.
    _signal_group(proc, signal.SIGKILL)
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass
    forget(proc)


def forget(proc):
    """Stop tracking proc (call after it has been reaped and its group is gone)."""
    _live.discard(proc)


def _signal_group(proc, sig):
    try:
        os.killpg(proc.pid, sig)          # the group id is the leader's pid
    except (ProcessLookupError, PermissionError):
        pass


def kill_all():
    """End every child group still alive (used at exit and on signals)."""
    for proc in list(_live):
        kill_group(proc, grace=0.5)


def run(cmd, timeout, cwd=None, env=None, stdin=subprocess.DEVNULL):
    """Run cmd to completion with a time limit; stdout and stderr are merged.

    Returns (status, output_text, timed_out). On timeout the whole process group is
    killed and status is None.
    """
    proc = spawn(cmd, cwd=cwd, env=env, stdin=stdin, stdout=subprocess.PIPE,
                 stderr=subprocess.STDOUT)
    timed_out = False
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        kill_group(proc)
        out, _ = proc.communicate()
    # The leader has exited; make sure nothing it started lingers in its group.
    _signal_group(proc, signal.SIGKILL)
    forget(proc)
    text = out.decode("utf-8", errors="replace") if out else ""
    return (None if timed_out else proc.returncode), text, timed_out


def describe_status(status):
    """Human-readable text for a subprocess return code."""
    if status is None:
        return "did not finish"
    if status < 0:
        try:
            name = signal.Signals(-status).name
        except ValueError:
            name = f"signal {-status}"
        return f"killed by {name}"
    return f"exit status {status}"


_installed = False


def install_cleanup():
    """Arrange for kill_all() at exit and on SIGINT/SIGTERM/SIGHUP (idempotent)."""
    global _installed
    if _installed:
        return
    _installed = True
    atexit.register(kill_all)

    def on_signal(signum, frame):
        # Restore the default first, so a second Ctrl-C is never swallowed.
        signal.signal(signum, signal.SIG_DFL)
        name = signal.Signals(signum).name
        print(f"\ninterrupted by {name}: stopping QEMU and other children",
              file=sys.stderr, flush=True)
        kill_all()
        sys.exit(128 + signum)

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, on_signal)
