"""qemu.Guest against the pretend QEMU: prompts, panics, hangs, exits, cleanup."""

import json
import os
import tempfile
import time
import unittest

import helpers
import qemu


class GuestBehaviour(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.pids = os.path.join(self.tmp.name, "pids")
        os.environ["FAKE_QEMU_PIDS"] = self.pids
        self.guests = []

    def tearDown(self):
        for guest in self.guests:
            guest.stop()
        os.environ.pop("FAKE_QEMU_PIDS", None)
        self.tmp.cleanup()

    def guest(self, kernel=None, programs=None, faults="", accel="tcg"):
        xv6 = os.path.join(self.tmp.name, "xv6.json")
        fs = os.path.join(self.tmp.name, "fs.json")
        with open(xv6, "w") as f:
            json.dump(kernel or {}, f)
        with open(fs, "w") as f:
            json.dump({"programs": programs or {}}, f)
        config = qemu.BootConfig(xv6, fs, cpus=2, faults=faults, accel=accel)
        guest = qemu.Guest(helpers.FAKE_QEMU, config,
                           os.path.join(self.tmp.name, f"boot{len(self.guests)}"),
                           os.path.join(self.tmp.name, "console.log"))
        self.guests.append(guest)
        return guest

    def pids_left(self):
        with open(self.pids) as f:
            return helpers.wait_dead([int(line) for line in f if line.strip()])

    def test_boot_run_and_poweroff(self):
        guest = self.guest(programs={"test_1": [["print", "XV6_TEST_OUTPUT one\n"]]})
        result = guest.boot(10)
        self.assertEqual(result.status, "ok", result)
        self.assertIn("init: starting sh", result.output)
        self.assertNotIn("\r", result.output)
        result = guest.run("test_1", 10)
        self.assertEqual(result.status, "ok")
        self.assertEqual(result.output, "XV6_TEST_OUTPUT one\n")    # no echo, no prompt
        result = guest.run("echo hi there", 10)
        self.assertEqual(result.output, "hi there\n")
        guest.stop()
        self.assertTrue(guest.powered_off)
        self.assertEqual(guest.exit_status, 1)           # isa-debug-exit: (0 << 1) | 1
        self.assertEqual(self.pids_left(), [])
        with open(os.path.join(self.tmp.name, "console.log"), "rb") as f:
            self.assertIn(b"\r\n", f.read())             # the log keeps the raw bytes

    def test_prompt_after_output_without_newline(self):
        guest = self.guest(programs={"t": [["print", "XV6_TEST_OUTPUT partial"]]})
        self.assertTrue(guest.boot(10).ok)
        result = guest.run("t", 10)
        self.assertEqual(result.status, "ok")
        self.assertEqual(result.output, "XV6_TEST_OUTPUT partial")

    def test_slow_output_is_waited_for(self):
        guest = self.guest(programs={"t": [["print", "a\n"], ["sleep", 0.5],
                                           ["print", "XV6_TEST_OUTPUT b\n"]]})
        self.assertTrue(guest.boot(10).ok)
        self.assertEqual(guest.run("t", 10).output, "a\nXV6_TEST_OUTPUT b\n")

    def test_panic_is_detected_quickly(self):
        guest = self.guest(programs={"t": [["panic", "kfree"]]})
        self.assertTrue(guest.boot(10).ok)
        started = time.monotonic()
        result = guest.run("t", 30)
        self.assertEqual(result.status, "panic")
        self.assertEqual(result.detail, "panic: kfree")
        self.assertLess(time.monotonic() - started, 5)
        self.assertIn("kernel panic: panic: kfree", result.describe())

    def test_hang_times_out(self):
        guest = self.guest(programs={"t": [["print", "working\n"], ["hang"]]})
        self.assertTrue(guest.boot(10).ok)
        result = guest.run("t", 1.0)
        self.assertEqual(result.status, "timeout")
        self.assertIn("no shell prompt within 1 s", result.describe(1.0))
        self.assertIn("'working'", result.describe(1.0))

    def test_guest_reset_ends_qemu(self):
        guest = self.guest(programs={"t": [["reset"]]})
        self.assertTrue(guest.boot(10).ok)
        result = guest.run("t", 10)
        self.assertEqual(result.status, "exited")
        self.assertIn("status 0", result.detail)
        self.assertIn("triple fault", result.detail)

    def test_boot_panic_and_boot_exit(self):
        result = self.guest({"boot": "panic"}).boot(10)
        self.assertEqual(result.status, "panic")
        self.assertIn("fake boot panic", result.detail)
        result = self.guest({"boot": "exit"}).boot(10)
        self.assertEqual(result.status, "exited")

    def test_faults_reach_the_guest_intact(self):
        guest = self.guest(faults="kalloc=1/50,kmalloc=1/20,seed=7")
        result = guest.boot(10)
        self.assertIn("faults armed: kalloc=1/50,kmalloc=1/20,seed=7", result.output)

    def test_stubborn_qemu_and_its_children_are_killed(self):
        guest = self.guest({"ignore_sigterm": True, "spawn_child": True,
                            "poweroff": "ignore"},
                           programs={"t": [["hang"]]})
        self.assertTrue(guest.boot(10).ok)
        self.assertEqual(guest.run("t", 0.5).status, "timeout")
        guest.stop()
        self.assertFalse(guest.powered_off)
        self.assertEqual(self.pids_left(), [])

    def test_poweroff_ignored_means_kill(self):
        guest = self.guest({"poweroff": "ignore", "spawn_child": True})
        self.assertTrue(guest.boot(10).ok)
        started = time.monotonic()
        guest.stop()
        self.assertLess(time.monotonic() - started, qemu.POWEROFF_SECONDS + 5)
        self.assertEqual(self.pids_left(), [])

    def test_missing_qemu_binary(self):
        guest = self.guest()
        guest.qemu = "/nonexistent/qemu-system-i386"
        result = guest.boot(5)
        self.assertEqual(result.status, "exited")
        self.assertIn("could not start QEMU", result.detail)


if __name__ == "__main__":
    unittest.main()
