"""FAULTS: the fault-injection boot flag (issue 5), checked in one place.

Spelling (exactly what `make qemu-nox FAULTS=...` and the test scripts accept):

    FAULTS="kalloc=1/50,kmalloc=1/20,seed=7"

A comma-separated list of key=value items, each key at most once:

    kalloc=1/N    every kalloc() (page allocation) fails with probability 1/N
    kmalloc=1/N   every kmalloc() fails with probability 1/N
    seed=S        seed of the kernel's pseudo-random generator (same seed, same failures)
    user=0|1      1: inject only into allocations made after init starts

N is an integer >= 1 (1/1 means "always fail"); N and S must fit in 32 bits, because
the kernel parses them into a uint. An empty value means "no fault injection".

The kernel receives the string through QEMU's fw_cfg device, as the file
"opt/xv6/faults". QEMU splits its option strings at commas, so every comma inside
the value must be doubled on the QEMU command line; qemu_args() does that.

Used by run.py (FAULTS in the environment or --faults) and, through
`python3 test/run.py --check-faults "$FAULTS"`, by the Makefile and the shell scripts.
"""

import re

FW_CFG_NAME = "opt/xv6/faults"

UINT32_MAX = 0xFFFFFFFF

EXAMPLE = "kalloc=1/50,kmalloc=1/20,seed=7"

# For each key: a short description of the accepted value (used in error messages).
KEYS = {
    "kalloc": "1/N with N an integer >= 1",
    "kmalloc": "1/N with N an integer >= 1",
    "seed": "a non-negative integer",
    "user": "0 or 1",
}


class FaultsError(ValueError):
    """A malformed FAULTS value; str(error) is a message meant for a person."""


def _fail(value, why):
    raise FaultsError(
        f"malformed FAULTS value {value!r}: {why}\n"
        f"  expected comma-separated key=value items, each key at most once:\n"
        f"    kalloc=1/N, kmalloc=1/N (N >= 1), seed=S (integer), user=0|1\n"
        f"  for example: FAULTS=\"{EXAMPLE}\"")


def _uint32(value, text, what):
    if not re.fullmatch(r"[0-9]+", text):
        _fail(value, f"{what}: {text!r} is not a non-negative decimal integer")
    number = int(text)
    if number > UINT32_MAX:
        _fail(value, f"{what}: {number} does not fit in 32 bits (at most {UINT32_MAX})")
    return number


def parse(value):
    """Check a FAULTS string and return its settings as a dict.

    Returns {} for an empty value. Raises FaultsError with a readable message
    when the value is malformed. Example:
        parse("kalloc=1/50,seed=7") == {"kalloc": 50, "seed": 7}
    (for kalloc/kmalloc the stored number is N, the denominator).
    """
    if value is None or value == "":
        return {}
    if value.strip() != value or re.search(r"\s", value):
        _fail(value, "spaces are not allowed")
    settings = {}
    for item in value.split(","):
        if item == "":
            _fail(value, "empty item (two commas in a row, or a comma at either end)")
        if "=" not in item:
            _fail(value, f"item {item!r} has no '='")
        key, text = item.split("=", 1)
        if key not in KEYS:
            _fail(value, f"unknown key {key!r} (known keys: {', '.join(KEYS)})")
        if key in settings:
            _fail(value, f"key {key!r} is given twice")
        if key in ("kalloc", "kmalloc"):
            match = re.fullmatch(r"1/([0-9]+)", text)
            if not match:
                _fail(value, f"{key}={text!r}: expected 1/N, for example {key}=1/50")
            number = _uint32(value, match.group(1), f"{key}=1/N")
            if number < 1:
                _fail(value, f"{key}=1/{match.group(1)}: N must be at least 1")
            settings[key] = number
        elif key == "seed":
            settings[key] = _uint32(value, text, "seed")
        elif key == "user":
            if text not in ("0", "1"):
                _fail(value, f"user={text!r}: expected 0 or 1")
            settings[key] = int(text)
    return settings


def qemu_args(value):
    """The QEMU arguments that hand a (valid) FAULTS value to the kernel; [] if empty."""
    parse(value)
    if not value:
        return []
    escaped = value.replace(",", ",,")       # QEMU's own escape for a comma
    return ["-fw_cfg", f"name={FW_CFG_NAME},string={escaped}"]
