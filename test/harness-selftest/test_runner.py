"""run.py end to end, with the pretend make and QEMU (no kernel needed)."""

import os
import signal
import subprocess
import sys
import time
import unittest

import helpers
import qemu

# test_N.c files for fake_make.py: "//FAKE [action, arg]" lines say what the program
# prints when fake_qemu.py runs it.
PASSING = '//FAKE ["print", "noise\\nXV6_TEST_OUTPUT ok %d\\n"]\n'


def passing(n):
    return PASSING.replace("%d", str(n))


def expected(n):
    return f"XV6_TEST_OUTPUT ok {n}\n"


MIXED_FOLDER = {
    "test_1.c": passing(1), "1.out": expected(1), "1.desc": "passes\n",
    "1.rc": "0\n", "1.err": "",
    "test_2.c": '//FAKE ["print", "XV6_TEST_OUTPUT wrong\\n"]\n', "2.out": expected(2),
    "test_3.c": '//FAKE ["panic", "kfree"]\n', "3.out": expected(3),
    "test_4.c": passing(4), "4.out": expected(4),
    "test_5.c": '//FAKE ["hang"]\n', "5.out": expected(5),
    "test_6.c": passing(6), "6.out": expected(6),
    "test_7.c": '//FAKE ["reset"]\n', "7.out": expected(7),
    "test_8.c": '//FAKE ["print", "XV6_TEST_OUTPUT ok 8"]\n', "8.out": expected(8),
    "9.out": expected(9), "9.desc": "no program\n",
    "test_10.c": passing(10), "10.out": expected(10),
    "10.pre": 'echo "pre ran in $PWD for test $XV6_TEST" > pre-ran.txt\nexit 3\n',
    "test_11.c": passing(11), "11.out": expected(11), "11.rc": "1\n",
    "1.run": "this is the original tester's expect command; ignored\n",
}


class RunnerEndToEnd(unittest.TestCase):
    def setUp(self):
        self.ws = helpers.Workspace()

    def tearDown(self):
        left = helpers.wait_dead(self.ws.qemu_pids())
        self.ws.close()
        self.assertEqual(left, [], "QEMU processes were left running")

    def test_ostep_folder_with_every_kind_of_outcome(self):
        folder = self.ws.folder("course", MIXED_FOLDER)
        run = self.ws.run("--ostep", folder, "--test-timeout", "2")
        self.assertEqual(run.status, 1, run)
        verdicts = {n: run.verdict(f"course/{n}") for n in range(1, 12)}
        self.assertEqual(verdicts, {1: "PASS", 2: "FAIL", 3: "FAIL", 4: "PASS", 5: "FAIL",
                                    6: "PASS", 7: "FAIL", 8: "PASS", 9: "FAIL", 10: "PASS",
                                    11: "FAIL"}, run)
        self.assertIn("line 1 differs", run.line("course/2"))
        self.assertIn("kernel panic: panic: kfree", run.line("course/3"))
        self.assertIn("no shell prompt within 2 s", run.line("course/5"))
        self.assertIn("status 0", run.line("course/7"))
        self.assertIn("test_9.c does not", run.line("course/9"))
        self.assertIn("expects 1", run.line("course/11"))
        self.assertIn("10.pre ended with exit status 3", run.stdout)
        with open(os.path.join(folder, "pre-ran.txt")) as f:
            self.assertEqual(f.read().strip(), f"pre ran in {folder} for test 10")
        self.assertEqual(run.summary(), (5, 6, 0))
        self.assertRegex(run.line("course/1"), r"^PASS course/1 \(\d+\.\d+s\)$")
        # The folder was booted once, then again after each of tests 3, 5 and 7.
        self.assertEqual(len(self.ws.qemu_pids()), 4)

    def test_skip_pre_and_single_test(self):
        folder = self.ws.folder("course", MIXED_FOLDER)
        run = self.ws.run("--ostep", folder, "-t", "10", "-s")
        self.assertEqual(run.status, 0, run)
        self.assertEqual(run.summary(), (1, 0, 0))
        self.assertFalse(os.path.exists(os.path.join(folder, "pre-ran.txt")))
        run = self.ws.run("--ostep", folder, "-t", "99")
        self.assertEqual(run.verdict("course/99"), "FAIL", run)
        self.assertEqual(run.status, 1)

    def test_stop_at_first_failure(self):
        folder = self.ws.folder("course", {
            "test_1.c": passing(1), "1.out": expected(1),
            "test_2.c": passing(0), "2.out": expected(2),
            "test_3.c": passing(3), "3.out": expected(3)})
        run = self.ws.run("--ostep", folder, "-x")
        self.assertEqual(run.summary(), (1, 1, 1), run)
        self.assertEqual(run.verdict("course/3"), "SKIP")
        self.assertEqual(run.status, 1)

    def test_a_test_that_does_not_build_fails_alone(self):
        folder = self.ws.folder("broken", {
            "test_1.c": passing(1), "1.out": expected(1),
            "test_2.c": "int x;\n#error expected ';' after expression\n", "2.out": "",
            "test_3.c": passing(3), "3.out": expected(3)})
        run = self.ws.run("--ostep", folder)
        self.assertEqual(run.summary(), (2, 1, 0), run)
        self.assertEqual(run.verdict("broken/1"), "PASS")
        self.assertEqual(run.verdict("broken/3"), "PASS")
        self.assertIn("FAIL broken/2: did not build: ", run.stdout)
        self.assertIn("test_2.c:2:2: error: expected ';'", run.line("broken/2"))
        self.assertIn("_test_2.log", run.line("broken/2"))
        # The same with -t: only the broken test is asked for, and nothing boots.
        run = self.ws.run("--ostep", folder, "-t", "2")
        self.assertEqual(run.summary(), (0, 1, 0), run)
        self.assertIn("did not build", run.line("broken/2"))
        self.assertEqual(len(self.ws.qemu_pids()), 1)        # only the first run booted

    def test_single_test_builds_only_that_test(self):
        folder = self.ws.folder("course", MIXED_FOLDER)
        run = self.ws.run("--ostep", folder, "-t", "4", "-t", "6")
        self.assertEqual(run.summary(), (2, 0, 0), run)
        testfs = [line for line in self.ws.made() if " testfs " in f" {line} "]
        self.assertEqual(len(testfs), 1, self.ws.made())
        self.assertIn("TESTS=4 6", testfs[0])
        self.assertNotIn("make", run.stdout.replace("make test", ""))   # no make noise
        run = self.ws.run("--ostep", folder, "-t", "4", "-v")
        self.assertIn("testfs", run.stdout)                               # shown with -v

    def test_a_killed_test_says_so(self):
        kill = "pid 4 test_1: killed: page fault (write not mapped) at addr 0x0, eip 0x1f"
        folder = self.ws.folder("killed", {
            "test_1.c": f'//FAKE ["print", "XV6_TEST_OUTPUT a\\n{kill}\\n"]\n',
            "1.out": "XV6_TEST_OUTPUT a\nXV6_TEST_OUTPUT b\n",
            "test_2.c": f'//FAKE ["print", "{kill.replace("test_1", "test_2")}\\n'
                        f'XV6_TEST_OUTPUT ok 2\\n"]\n',
            "2.out": expected(2)})
        run = self.ws.run("--ostep", folder)
        self.assertIn(f"the kernel killed test_1: '{kill}'", run.line("killed/1"), run)
        self.assertEqual(run.verdict("killed/2"), "PASS")     # a kill alone is no failure

    def test_relative_folder_and_crlf_free_compare(self):
        self.ws.folder("rel", {"test_1.c": passing(1), "1.out": "XV6_TEST_OUTPUT ok 1  \r\n"})
        run = self.ws.run("--ostep", "rel", cwd=self.ws.path)
        self.assertEqual(run.summary(), (1, 0, 0), run)

    def test_missing_folder(self):
        run = self.ws.run("--ostep", os.path.join(self.ws.path, "nope"))
        self.assertIn("no such test folder", run.line("nope"))
        self.assertEqual(run.summary(), (0, 1, 0))

    def test_default_run_host_ostep_usertests(self):
        self.ws.scenario({"host_tests": {
            "a_test": {"lines": ["PASS buddy: split", "FAIL buddy: merge: left 1 page"],
                       "status": 1},
            "b_test": {"lines": ["PASS rb: insert"], "status": 0},
            "c_test": {"lines": ["==1==ERROR: AddressSanitizer: heap-use-after-free"],
                       "status": 134}}})
        run = self.ws.run("host", "usertests")
        self.assertEqual(run.verdict("host/buddy/split"), "PASS", run)
        self.assertIn("FAIL host/buddy/merge: left 1 page", run.stdout)
        self.assertEqual(run.verdict("host/rb/insert"), "PASS")
        self.assertIn("AddressSanitizer", run.line("host/c_test"))
        self.assertEqual(run.verdict("usertests CPUS=1"), "PASS")
        self.assertEqual(run.verdict("usertests CPUS=2"), "PASS")
        self.assertEqual(run.verdict("usertests CPUS=4"), "PASS")
        self.assertEqual(run.summary(), (5, 2, 0))
        self.assertIn("accelerator used: tcg", run.stdout)

    def test_usertests_failures(self):
        for mode, words in (("fail", "no 'ALL TESTS PASSED'; last line: 'sbrktest: sbrk "
                                     "test failed'"),
                            ("panic", "kernel panic: panic: acquire"),
                            ("hang", "no shell prompt within 2 s")):
            with self.subTest(mode=mode):
                self.ws.scenario({"kernel": {"usertests": mode}})
                run = self.ws.run("usertests", "--cpus", "1", "--usertests-timeout", "2")
                self.assertIn(words, run.line("usertests CPUS=1"), run)
                self.assertEqual(run.summary(), (0, 1, 0))
                self.assertIn("console log: ", run.line("usertests CPUS=1"))

    def test_build_failure(self):
        self.ws.scenario({"make_fails": True})
        folder = self.ws.folder("course", {"test_1.c": passing(1), "1.out": expected(1)})
        run = self.ws.run("usertests", "--ostep", folder)
        self.assertIn("undeclared identifier 'oops'", run.line("build all"), run)
        self.assertIn("not run: build all failed", run.line("usertests CPUS=1"))
        self.assertIn("not run: build all failed", run.line("course/1"))
        self.assertEqual(run.summary(), (0, 5, 0))        # build, usertests x3, course/1

    def test_boot_failures(self):
        folder = self.ws.folder("course", {"test_1.c": passing(1), "1.out": expected(1),
                                           "test_2.c": passing(2), "2.out": expected(2)})
        self.ws.scenario({"kernel": {"boot": "panic"}})
        run = self.ws.run("--ostep", folder)
        self.assertIn("boot failed: kernel panic: cpu0: panic: fake boot panic",
                      run.line("course/1"), run)
        self.assertEqual(run.summary(), (0, 2, 0))
        self.assertEqual(len(self.ws.qemu_pids()), 1)        # no reboot loop of ours
        self.ws.scenario({"kernel": {"boot": "hang"}})
        run = self.ws.run("--ostep", folder, "--boot-timeout", "1")
        self.assertIn("boot failed: no shell prompt within 1 s", run.line("course/2"), run)

    def test_faults_checked_before_anything_runs(self):
        run = self.ws.run(env=self.ws.env(FAULTS="kalloc=1/0"))
        self.assertEqual(run.status, 2)
        self.assertIn("malformed FAULTS value 'kalloc=1/0'", run.stderr)
        self.assertEqual(self.ws.made(), [])
        self.assertEqual(self.ws.qemu_pids(), [])
        run = self.ws.run("--check-faults", "kalloc=1/50,seed=7")
        self.assertEqual(run.stdout.strip(),
                         "-fw_cfg name=opt/xv6/faults,string=kalloc=1/50,,seed=7")

    def test_faults_are_passed_to_every_boot(self):
        run = self.ws.run("usertests", "--cpus", "2", "-v",
                          env=self.ws.env(FAULTS="kalloc=1/50,kmalloc=1/20,seed=7"))
        self.assertIn("fault injection armed: FAULTS=kalloc=1/50,kmalloc=1/20,seed=7",
                      run.stdout)
        self.assertIn("faults armed: kalloc=1/50,kmalloc=1/20,seed=7", run.stdout, run)
        self.assertEqual(run.summary(), (1, 0, 0))

    @unittest.skipUnless(qemu.kvm_usable()[0], "no usable /dev/kvm here")
    def test_kvm_fallback(self):
        self.ws.scenario({"kernel": {"kvm": "triple-fault"}})
        run = self.ws.run("usertests", "--cpus", "1", "--kvm")
        self.assertIn("a KVM boot did not reach the shell prompt", run.stdout, run)
        self.assertIn("status 0", run.stdout)
        self.assertIn("falling back to TCG", run.stdout)
        self.assertIn("accelerator used: tcg", run.stdout)
        self.assertEqual(run.summary(), (1, 0, 0))
        self.ws.scenario({"kernel": {"kvm": "hang"}})
        run = self.ws.run("usertests", "--cpus", "1", "--kvm-probe", "1",
                          env=self.ws.env(XV6_ACCEL="kvm"))
        self.assertIn("no shell prompt within 1 s", run.stdout, run)
        self.assertEqual(run.summary(), (1, 0, 0))
        self.ws.scenario({"kernel": {"kvm": "ok"}})
        run = self.ws.run("usertests", "--kvm")
        self.assertIn("accelerator: kvm (first boot reached the prompt", run.stdout, run)
        self.assertIn("accelerator used: kvm", run.stdout)
        self.assertEqual(run.summary(), (3, 0, 0))        # usertests on 1, 2 and 4 CPUs

    def test_budget_bounds_the_run(self):
        self.ws.scenario({"kernel": {"usertests": "hang"}})
        run = self.ws.run("usertests", "--budget", "3")
        self.assertLess(run.seconds, 15)
        self.assertEqual(run.verdict("usertests CPUS=1"), "FAIL", run)
        self.assertIn("time budget", run.line("usertests CPUS=2"))

    def test_interrupted_runner_leaves_no_qemu(self):
        self.ws.scenario({"kernel": {"usertests": "hang", "ignore_sigterm": True}})
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGKILL):
            with self.subTest(signal=sig.name):
                if os.path.exists(self.ws.pids):
                    os.remove(self.ws.pids)
                runner = subprocess.Popen([sys.executable, helpers.RUN_PY, "usertests"],
                                          env=self.ws.env(), cwd=helpers.ROOT,
                                          stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL)
                deadline = time.monotonic() + 20
                while not self.ws.qemu_pids() and time.monotonic() < deadline:
                    time.sleep(0.05)
                pids = self.ws.qemu_pids()
                self.assertTrue(pids)
                time.sleep(0.5)
                runner.send_signal(sig)
                runner.wait(timeout=20)
                self.assertEqual(helpers.wait_dead(pids), [])

    def test_no_tests_is_a_failure(self):
        folder = self.ws.folder("empty", {"README": "nothing here\n"})
        run = self.ws.run("--ostep", folder)
        self.assertEqual(run.status, 1)
        self.assertIn("no test_N.c files", run.line("empty"))

    def test_the_ostep_scripts(self):
        self.ws.folder("course", {"test_1.c": passing(1), "1.out": expected(1),
                                  "test_2.c": passing(0), "2.out": expected(2),
                                  "test_3.c": passing(3), "3.out": expected(3)})
        script = os.path.join(helpers.ROOT, "test-kmalloc.sh")
        # -d relative to the caller's directory; without -c: stop at the first failure.
        run = self.ws.run(command=["bash", script, "-d", "course"], cwd=self.ws.path)
        self.assertEqual(run.summary(), (1, 1, 1), run)
        self.assertEqual(run.status, 1)
        run = self.ws.run(command=["bash", script, "-c", "-d", "course"], cwd=self.ws.path)
        self.assertEqual(run.summary(), (2, 1, 0), run)
        run = self.ws.run(command=["bash", script, "-t", "3", "-v", "-d",
                                   os.path.join(self.ws.path, "course")])
        self.assertEqual(run.summary(), (1, 0, 0), run)
        self.assertIn("XV6_TEST_OUTPUT ok 3", run.stdout)            # -v echoes
        run = self.ws.run(command=["bash", script, "-d", "course"], cwd=self.ws.path,
                          env=self.ws.env(FAULTS="seed=x"))
        self.assertEqual(run.status, 2)
        self.assertIn("malformed FAULTS", run.stderr)
        run = self.ws.run(command=["bash", os.path.join(helpers.ROOT, "test-mmap.sh"),
                                   "-h"])
        self.assertEqual(run.status, 0)
        self.assertIn("test-mmap.sh [-h] [-v] [-t N] [-c] [-s] [-d DIR]", run.stdout)


if __name__ == "__main__":
    unittest.main()
