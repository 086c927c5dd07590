"""qemu.Guest with the real qemu-system-i386 and a 512-byte stand-in kernel.

mini-guest.S is assembled into a boot sector that prints a banner, the FAULTS string
it finds in fw_cfg, "init: starting sh" and "$ ", and obeys a few commands. This
checks the real QEMU command line of qemu.py: the disks, isa-debug-exit (poweroff),
-no-reboot (a triple fault ends QEMU), the escaped fw_cfg string, CRLF output.
Skipped when qemu-system-i386, clang or ld.lld is missing.
"""

import io
import os
import shutil
import subprocess
import tempfile
import types
import unittest

import helpers          # first: puts test/ on sys.path
import harness
import qemu

TOOLS = ("qemu-system-i386", "clang", "ld.lld")


@unittest.skipUnless(all(shutil.which(tool) for tool in TOOLS),
                     "needs " + ", ".join(TOOLS))
class RealQemu(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        obj = os.path.join(cls.tmp.name, "mini.o")
        cls.xv6 = os.path.join(cls.tmp.name, "mini.img")
        cls.fs = os.path.join(cls.tmp.name, "fs.img")
        subprocess.run(["clang", "-m32", "-c", os.path.join(helpers.HERE, "mini-guest.S"),
                        "-o", obj], check=True)
        subprocess.run(["ld.lld", "-m", "elf_i386", "-N", "-e", "start", "-Ttext", "0x7c00",
                        "--oformat", "binary", "-o", cls.xv6, obj], check=True)
        assert os.path.getsize(cls.xv6) == 512
        with open(cls.fs, "wb") as f:
            f.write(bytes(512))

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def setUp(self):
        self.guests = []

    def tearDown(self):
        for guest in self.guests:
            guest.stop()

    def boot(self, faults="", accel="tcg", timeout=30):
        config = qemu.BootConfig(self.xv6, self.fs, cpus=2, faults=faults, accel=accel)
        n = len(self.guests)
        guest = qemu.Guest("qemu-system-i386", config,
                           os.path.join(self.tmp.name, f"boot{n}"),
                           os.path.join(self.tmp.name, f"console{n}.log"))
        self.guests.append(guest)
        return guest, guest.boot(timeout)

    def test_boot_command_and_poweroff(self):
        guest, result = self.boot()
        self.assertEqual(result.status, "ok", result)
        self.assertIn("mini-guest: xv6 stand-in\ninit: starting sh\n", result.output)
        self.assertNotIn("faults:", result.output)
        result = guest.run("say hello world", 10)
        self.assertEqual(result.status, "ok", result)
        self.assertEqual(result.output, "XV6_TEST_OUTPUT hello world\n")
        guest.stop()
        self.assertTrue(guest.powered_off)
        self.assertEqual(guest.exit_status, 1)      # isa-debug-exit: (0 << 1) | 1

    def test_faults_string_reaches_the_guest(self):
        value = "kalloc=1/50,kmalloc=1/20,seed=7,user=1"
        guest, result = self.boot(faults=value)
        self.assertEqual(result.status, "ok", result)
        self.assertIn(f"faults: {value}\n", result.output)

    def test_panic_hang_and_triple_fault(self):
        guest, result = self.boot()
        result = guest.run("crash", 10)
        self.assertEqual(result.status, "panic")
        self.assertEqual(result.detail, "panic: crash requested")
        guest, result = self.boot()
        self.assertEqual(guest.run("hang", 1.5).status, "timeout")
        guest, result = self.boot()
        result = guest.run("reset", 10)
        self.assertEqual(result.status, "exited", result)
        self.assertIn("status 0", result.detail)

    @unittest.skipUnless(qemu.kvm_usable()[0], "no usable /dev/kvm here")
    def test_kvm_probe_through_the_context(self):
        """Context.boot with KVM asked for: a guest at its prompt, on KVM or on TCG."""
        options = types.SimpleNamespace(budget=120, build=self.tmp.name, qemu=None,
                                        make=None, faults="", accel="kvm",
                                        boot_timeout=30, kvm_probe=15, verbose=False,
                                        stop_on_failure=False)
        output = io.StringIO()
        ctx = harness.Context(helpers.ROOT, options, qemu.ConsoleEcho())
        ctx.reporter.stream = output
        config = ctx.boot_config(fs_img=self.fs)
        config.xv6_img = self.xv6
        guest = ctx.boot(config, "kvm-probe")
        self.guests.append(guest)
        self.assertTrue(guest.at_prompt)
        if ctx.accel == "kvm":
            self.assertIn("accelerator: kvm (first boot reached the prompt", output.getvalue())
        else:
            self.assertIn("falling back to TCG", output.getvalue())
        ctx.close()


if __name__ == "__main__":
    unittest.main()
