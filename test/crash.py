"""Power-cut tests: kill QEMU while the file system is busy, boot again, check the disk.

One trial:
  1. boot a fresh copy of the file-system image, run `crashload NPROC SEED` (src/user/
     crashload.c), which announces each file-system call ("@B p seq op ...") and reports
     it finished ("@E p seq");
  2. kill QEMU with SIGKILL (a power cut: the raw image keeps exactly what the guest
     wrote) at a random moment, or, in "commit" trials, the moment the on-disk log
     header shows a commit in progress (n > 0);
  3. in "recovery-cut" trials whose image still holds a committed log, boot again and
     kill it as soon as the kernel starts mounting (log recovery running);
  4. boot again to the shell prompt (recovery, orphan sweep), kill it;
  5. run build/fsck on the image (must print nothing) and read the image here: every call
     reported finished must have its effect on disk; the one call in flight per worker
     may have left only old or new bytes (and its names as before or after).

    python3 test/crash.py --trials 120 --nproc 2        # what `make crashtest` runs
    python3 test/crash.py --seconds 60 -v               # trials for one minute, verbose

Python standard library only. The "crash" suite of test/run.py runs a short version
(CRASH_SUITE_SECONDS in suites.py) across one and two workers and CPUS=1 and 2.
"""

import argparse
import mmap
import os
import random
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import qemu as qemulib      # noqa: E402  (the QEMU command line the harness uses)

BSIZE = 512                               # src/include/fs.h: the block layout
NDIRECT = 10
NINDIRECT = BSIZE // 4
NDOUBLE = 2
NADDRS = NDIRECT + 1 + NDOUBLE
DINODE = struct.Struct(f"<hhhhI{NADDRS}I")   # struct dinode
DIRENT = struct.Struct("<H14s")
T_DIR, T_FILE = 1, 2

BOOT_TIMEOUT = 120          # seconds to the shell prompt (TCG on a busy machine)
RUN_MAX = 6.0               # a random cut comes this long after the workload starts, at most
COMMIT_WAIT = 15.0          # "commit" trials: how long to watch for a commit in progress
PANIC_RE = re.compile(rb"(?<![\w-])panic(?=[^\w-])")   # as test/qemu.py recognises one
LINE_RE = re.compile(r"^@([BEF]) (\d+) (\d+)(?: (.*))?$")


# ---- reading the image -------------------------------------------------------------

class Image:
    """A read-only view of an xv6 file-system image (the format of src/include/fs.h)."""

    def __init__(self, path):
        # Mapped, not read: the image is 64 MiB, mostly holes never looked at.
        with open(path, "rb") as f:
            self.data = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        (self.size, self.nblocks, self.ninodes, self.nlog, self.logstart,
         self.inodestart, self.bmapstart) = struct.unpack_from("<7I", self.data, BSIZE)

    def block(self, b):
        return self.data[b * BSIZE:(b + 1) * BSIZE]

    def inode(self, inum):
        ipb = BSIZE // DINODE.size
        offset = (self.inodestart + inum // ipb) * BSIZE + (inum % ipb) * DINODE.size
        fields = DINODE.unpack_from(self.data, offset)
        return fields[0], fields[4], fields[5:]        # type, size, addrs

    def table(self, b):
        return struct.unpack_from(f"<{NINDIRECT}I", self.block(b)) if b else (0,) * NINDIRECT

    def blocks(self, addrs, n):
        """The file's first n data block numbers in order (0 for a hole): the direct
        ones, then those under the indirect block, then under each doubly-indirect one."""
        out = list(addrs[:NDIRECT])
        if len(out) < n:
            out += self.table(addrs[NDIRECT])
        for top in addrs[NDIRECT + 1:]:
            for mid in self.table(top) if len(out) < n else ():
                if len(out) >= n:
                    break
                out += self.table(mid)
        return out[:n]

    def read(self, inum):
        _, size, addrs = self.inode(inum)
        nblocks = (size + BSIZE - 1) // BSIZE
        out = bytearray()
        for b in self.blocks(addrs, nblocks):
            out += self.block(b) if b else bytes(BSIZE)
        return bytes(out[:size])

    def entries(self, inum):
        """(name, inum) of a directory, without "." and ".."."""
        raw = self.read(inum)
        found = []
        for off in range(0, len(raw) - DIRENT.size + 1, DIRENT.size):
            num, name = DIRENT.unpack_from(raw, off)
            name = name.split(b"\0", 1)[0].decode("latin-1")
            if num and name not in (".", ".."):
                found.append((name, num))
        return found

    def tree(self, inum, prefix="", depth=0):
        """{path: ("dir", inum) or ("file", inum)} below directory inum."""
        if depth > 64:
            raise ValueError(f"directories nested deeper than 64 at {prefix}")
        out = {}
        for name, num in self.entries(inum):
            kind = self.inode(num)[0]
            path = prefix + name
            if kind == T_DIR:
                out[path] = ("dir", num)
                out.update(self.tree(num, path + "/", depth + 1))
            else:
                out[path] = ("file", num)
        return out

    def log_count(self):
        return struct.unpack_from("<I", self.data, self.logstart * BSIZE)[0]


def log_count_of(path, logstart=2):
    """The log header's block count, read straight from the image file (cheap to poll)."""
    with open(path, "rb") as f:
        f.seek(logstart * BSIZE)
        raw = f.read(4)
    return struct.unpack("<I", raw)[0] if len(raw) == 4 else 0


def installed_fraction(path):
    """For an image whose log header lists n blocks: how many of them already sit at
    their home location (recovery cut part-way leaves 0 < k < n)."""
    image = Image(path)
    n = image.log_count()
    homes = struct.unpack_from(f"<{n}I", image.data, image.logstart * BSIZE + 4)
    done = sum(1 for i, home in enumerate(homes)
               if image.block(home) == image.block(image.logstart + 1 + i))
    return done, n


# ---- what the workload promised ------------------------------------------------------

def pattern(off, n, tag):
    return bytes(((tag * 29 + x * 7 + (x >> 8) * 3 + 1) & 0xFF) for x in range(off, off + n))


class Model:
    """The names and file contents one worker's calls should have produced."""

    def __init__(self):
        self.names = {}          # path -> "dir" or an inode key
        self.files = {}          # inode key -> bytearray
        self.next_key = 0

    def copy(self):
        other = Model()
        other.names = dict(self.names)
        other.files = {k: bytearray(v) for k, v in self.files.items()}
        other.next_key = self.next_key
        return other

    def apply(self, op, args):
        if op == "K":
            self.names[args[0]] = "dir"
        elif op == "C":
            self.names[args[0]] = self.next_key
            self.files[self.next_key] = bytearray()
            self.next_key += 1
        elif op in "WMU":
            path, off, n, tag = args[0], int(args[1]), int(args[2]), int(args[3])
            key = self.names.get(path)
            if key is None:              # written after its name was removed
                return
            content = self.files[key]
            if len(content) < off + n:
                content.extend(bytes(off + n - len(content)))
            content[off:off + n] = pattern(off, n, tag)
        elif op == "L":
            self.names[args[1]] = self.names[args[0]]
        elif op == "D":
            del self.names[args[0]]
        else:
            raise ValueError(f"unknown operation {op}")


def parse_console(text):
    """{worker: [(seq, op, args, finished)]} from the complete lines of the console."""
    calls = {}
    failed = []
    complete = text.replace("\r", "").split("\n")[:-1]   # the last piece may be cut off
    for line in complete:
        m = LINE_RE.match(line.strip("\0"))
        if not m:
            continue
        kind, worker, seq, rest = m.group(1), int(m.group(2)), int(m.group(3)), m.group(4)
        mine = calls.setdefault(worker, [])
        if kind == "B":
            parts = (rest or "").split()
            mine.append([seq, parts[0], parts[1:], False])
        elif kind == "E":
            for call in mine:
                if call[0] == seq:
                    call[3] = True
        else:
            failed.append((worker, seq))
    return calls, failed


def check_worker(image, worker, calls):
    """Problems (strings) between what worker's calls promised and the image."""
    problems = []
    done = [c for c in calls if c[3]]
    pending = [c for c in calls if not c[3]]
    if len(pending) > 1 or (pending and calls[-1] is not pending[0]):
        return [f"worker {worker}: calls {[c[0] for c in pending]} never finished (at most "
                f"the last may be in flight)"]
    old = Model()
    for seq, op, args, _ in done:
        old.apply(op, args)
    new = old.copy()
    flight = pending[0] if pending else None
    if flight:
        new.apply(flight[1], flight[2])

    top = f"w{worker}"
    root_names = dict(image.entries(1))
    if top not in root_names:
        if old.names:
            problems.append(f"worker {worker}: /{top} is missing")
        return problems
    disk = image.tree(root_names[top])
    what = f"worker {worker}" + (f" (in flight: {flight[1]} {' '.join(flight[2])})"
                                 if flight else "")
    if set(disk) not in (set(old.names) - {top}, set(new.names) - {top}):
        missing = sorted((set(old.names) & set(new.names)) - set(disk) - {top})
        extra = sorted(set(disk) - set(old.names) - set(new.names))
        problems.append(f"{what}: names on disk {sorted(disk)} match neither before nor after "
                        f"the call in flight (missing {missing}, unexpected {extra})")
        return problems
    mixed_key = None
    if flight and flight[1] in "WMU":
        mixed_key = old.names.get(flight[2][0])
    inum_of_key = {}
    for path, (kind, inum) in sorted(disk.items()):
        model = new if path in new.names else old
        want = model.names[path]
        if want == "dir":
            if kind != "dir":
                problems.append(f"{what}: {path} should be a directory")
            continue
        if kind != "file":
            problems.append(f"{what}: {path} should be a file")
            continue
        if inum_of_key.setdefault(want, inum) != inum:
            problems.append(f"{what}: {path} should be a link to inode {inum_of_key[want]}, "
                            f"is inode {inum}")
        actual = image.read(inum)
        before = old.files.get(want, bytearray()) if path in old.names else bytearray()
        after = new.files.get(want, bytearray()) if path in new.names else before
        if want == mixed_key:
            bad = mixed_problem(actual, before, after)
            if bad:
                problems.append(f"{what}: {path}: {bad}")
        elif actual != before and actual != after:
            problems.append(f"{what}: {path}: content differs from what finished calls wrote "
                            f"(size {len(actual)}, want {len(before)}"
                            f"{'' if len(after) == len(before) else ' or ' + str(len(after))}"
                            f"; first difference at byte {first_difference(actual, before)})")
    return problems


def mixed_problem(actual, before, after):
    """A write in flight may leave each byte old or new, and a size in between."""
    low, high = min(len(before), len(after)), max(len(before), len(after))
    if not low <= len(actual) <= high:
        return f"size {len(actual)} outside [{low}, {high}] (before/after the call in flight)"
    for i, byte in enumerate(actual):
        if (i < len(after) and byte == after[i]) or (i < len(before) and byte == before[i]):
            continue
        return f"byte {i} is {byte}, neither the old nor the new value"
    return ""


def first_difference(a, b):
    for i in range(min(len(a), len(b))):
        if a[i] != b[i]:
            return i
    return min(len(a), len(b))


# ---- driving QEMU ---------------------------------------------------------------------

class Machine:
    """One QEMU process on the trial's images; its console collected in self.text."""

    def __init__(self, qemu, xv6_img, fs_img, cpus):
        cfg = qemulib.BootConfig(xv6_img=xv6_img, fs_img=fs_img, cpus=cpus)
        command = qemulib.qemu_command(qemu, cfg, xv6_img, fs_img)
        self.proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, start_new_session=True)
        os.set_blocking(self.proc.stdout.fileno(), False)
        self.raw = b""

    @property
    def text(self):
        return self.raw.decode("latin-1")

    def pump(self, wait=0.05):
        """Read what the console has printed; False once QEMU has gone."""
        ready, _, _ = select.select([self.proc.stdout], [], [], wait)
        if not ready:
            return True
        try:
            chunk = self.proc.stdout.read()
        except BlockingIOError:
            return True
        if not chunk:
            return False
        self.raw += chunk
        return True

    def wait_for(self, needle, timeout, start=0):
        """Wait for needle in the console; False on a timeout, QEMU's exit or a panic."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.raw.find(needle, start) >= 0:
                return True
            if PANIC_RE.search(self.raw, start):
                time.sleep(0.2)          # let the rest of the panic message arrive
                self.pump(0)
                return False
            if not self.pump():
                return self.raw.find(needle, start) >= 0
        return False

    def type(self, line):
        self.proc.stdin.write(line.encode() + b"\n")
        self.proc.stdin.flush()

    def cut(self):
        """Power cut: SIGKILL, then collect what was already printed."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        while True:
            try:
                chunk = self.proc.stdout.read()
            except BlockingIOError:
                break
            if not chunk:
                break
            self.raw += chunk
        self.proc.stdout.close()
        self.proc.stdin.close()


class Stats:
    def __init__(self):
        self.trials = self.failed = self.mid_commit = self.recovery_cuts = 0
        self.recovery_partial = self.orphan_boots = self.calls = 0


def run_trial(qemu, build, workdir, nproc, cpus, seed, mode, cut_recovery, rng, stats, log):
    """One power-cut trial; returns a list of problems (empty: passed)."""
    xv6_img = os.path.join(workdir, "xv6.img")
    fs_img = os.path.join(workdir, "fs.img")
    shutil.copyfile(os.path.join(build, "xv6.img"), xv6_img)
    qemulib.copy_image(os.path.join(build, "fs.img"), fs_img)
    logstart = Image(fs_img).logstart

    # 1-2: run the workload and cut the power.
    m = Machine(qemu, xv6_img, fs_img, cpus)
    if not m.wait_for(b"$ ", BOOT_TIMEOUT):
        m.cut()
        return [f"first boot: no shell prompt within {BOOT_TIMEOUT} s"]
    start = len(m.raw)
    m.type(f"crashload {nproc} {seed}")
    if not m.wait_for(b"@B", BOOT_TIMEOUT, start):
        m.cut()
        return ["the workload never started"]
    run_for = rng.uniform(0.2, RUN_MAX)
    deadline = time.monotonic() + run_for
    while time.monotonic() < deadline and m.pump(0.02):
        pass
    if mode == "commit":
        deadline = time.monotonic() + COMMIT_WAIT
        while time.monotonic() < deadline and log_count_of(fs_img, logstart) == 0:
            m.pump(0)
    m.cut()
    console = m.text
    log(console)
    panic = [line for line in console.splitlines() if PANIC_RE.search(line.encode())]
    if panic:
        return ["kernel panic during the workload: " + panic[0].strip()]
    header = log_count_of(fs_img, logstart)
    if header:
        stats.mid_commit += 1
    calls, failed = parse_console(console)
    if failed:
        return [f"workload call failed (worker, seq): {failed}"]
    stats.calls += sum(1 for c in calls.values() for call in c if call[3])

    # 3: a second cut, while the next boot recovers the log.
    if cut_recovery and header:
        m = Machine(qemu, xv6_img, fs_img, cpus)
        m.wait_for(b"sb: size", BOOT_TIMEOUT)
        time.sleep(rng.uniform(0, 0.004))
        m.cut()
        stats.recovery_cuts += 1
        if log_count_of(fs_img, logstart):
            done, n = installed_fraction(fs_img)
            if 0 < done < n:
                stats.recovery_partial += 1

    # 4: boot to the prompt: recovery and the orphan sweep are done by then.
    m = Machine(qemu, xv6_img, fs_img, cpus)
    ok = m.wait_for(b"$ ", BOOT_TIMEOUT)
    m.cut()
    log(m.text)
    if not ok:
        panic = [line for line in m.text.splitlines() if PANIC_RE.search(line.encode())]
        return [f"boot after the cut: {panic[0].strip() if panic else 'no shell prompt'} "
                f"(last line: {m.text.strip().splitlines()[-1:]})"]
    if "orphaned inode" in m.text:
        stats.orphan_boots += 1

    # 5: fsck and the promises.
    problems = []
    fsck = subprocess.run([os.path.join(build, "fsck"), fs_img], capture_output=True,
                          text=True, errors="replace")
    if fsck.returncode != 0:
        lines = fsck.stdout.strip().splitlines()
        problems.append(f"fsck found {len(lines)} problem(s): " + " | ".join(lines[:3]) +
                        (fsck.stderr.strip() and " " + fsck.stderr.strip()))
    image = Image(fs_img)
    for worker in range(nproc):
        try:
            problems += check_worker(image, worker, calls.get(worker, []))
        except (struct.error, IndexError, KeyError, RecursionError, ValueError) as error:
            problems.append(f"worker {worker}: the image cannot be read back ({error!r})")
    return problems


CONFIGS = [(1, 1), (2, 2), (1, 2), (2, 1)]    # (workers, CPUs), taken in turn


def trial_plan(index, rng, nproc=None, cpus=None):
    workers, ncpu = CONFIGS[index % len(CONFIGS)]
    mode = "commit" if index % 2 == 1 else "random"
    cut_recovery = rng.random() < 0.5
    return nproc or workers, cpus or ncpu, mode, cut_recovery


def run(qemu, build, trials=None, seconds=None, seed=None, nproc=None, cpus=None,
        report=print, verbose=False, keep_failed=None):
    """Run trials (a count, or until `seconds` have passed); report(name, ok, why, secs)
    is called once per trial. Returns the Stats."""
    seed = seed if seed is not None else random.randrange(1, 1 << 30)
    rng = random.Random(seed)
    stats = Stats()
    started = time.monotonic()
    index = 0
    tmp = tempfile.mkdtemp(prefix="xv6-crash-")
    try:
        while True:
            if trials is not None and index >= trials:
                break
            if seconds is not None and time.monotonic() - started >= seconds:
                break
            workers, ncpu, mode, cut_recovery = trial_plan(index, rng, nproc, cpus)
            load_seed = rng.randrange(1, 1 << 20)
            name = (f"crash/{index} workers={workers} CPUS={ncpu} {mode}"
                    f"{' +recovery-cut' if cut_recovery else ''} seed={load_seed}")
            workdir = os.path.join(tmp, str(index))
            os.makedirs(workdir)
            t0 = time.monotonic()
            console_log = []
            problems = run_trial(qemu, build, workdir, workers, ncpu, load_seed, mode,
                                 cut_recovery, rng, stats, console_log.append)
            stats.trials += 1
            if problems:
                stats.failed += 1
                if keep_failed:
                    dest = os.path.join(keep_failed, str(index))
                    shutil.copytree(workdir, dest, dirs_exist_ok=True)
                    with open(os.path.join(dest, "console.txt"), "w") as f:
                        f.write("\n==== next boot\n".join(console_log))
                    problems.append(f"(image and console kept in {dest})")
            elif verbose:
                pass
            report(name, not problems, "; ".join(problems), time.monotonic() - t0)
            shutil.rmtree(workdir, ignore_errors=True)
            index += 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return stats


def summary(stats, seconds):
    return (f"{stats.trials} power cuts in {seconds:.0f} s, {stats.failed} failed; "
            f"{stats.mid_commit} with a commit in progress, {stats.recovery_cuts} cut again "
            f"during recovery ({stats.recovery_partial} part-way through installing), "
            f"{stats.orphan_boots} boots freed orphans; {stats.calls} finished calls checked")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, help="number of power cuts")
    parser.add_argument("--seconds", type=float, help="run trials for this long")
    parser.add_argument("--nproc", type=int, help="workers (default: 1 and 2 in turn)")
    parser.add_argument("--cpus", type=int, help="CPUs (default: 1 and 2 in turn)")
    parser.add_argument("--seed", type=int, help="random seed (default: random, printed)")
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--qemu", default=None)
    parser.add_argument("--keep", default=None, help="copy failed trials' images here")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    if args.trials is None and args.seconds is None:
        args.trials = 20
    seed = args.seed if args.seed is not None else random.randrange(1, 1 << 30)
    print(f"crash: seed {seed} (--seed {seed} repeats the plan)", flush=True)
    started = time.monotonic()
    failed = []

    def report(name, ok, why, secs):
        print(f"{'PASS' if ok else 'FAIL'} {name} ({secs:.1f}s){'' if ok else ': ' + why}",
              flush=True)
        if not ok:
            failed.append(name)

    stats = run(qemulib.find_qemu(args.qemu), os.path.abspath(args.build), args.trials,
                args.seconds, seed, args.nproc, args.cpus, report, args.verbose, args.keep)
    print(summary(stats, time.monotonic() - started))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
