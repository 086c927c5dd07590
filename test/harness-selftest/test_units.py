"""Unit tests of the runner's pure logic: FAULTS syntax, output comparison, folders."""

import os
import tempfile
import unittest

import helpers  # noqa: F401  (puts test/ on sys.path)
import faults
import ostep
import qemu


class FaultsSyntax(unittest.TestCase):
    def test_valid_values(self):
        self.assertEqual(faults.parse(""), {})
        self.assertEqual(faults.parse("kalloc=1/50,kmalloc=1/20,seed=7"),
                         {"kalloc": 50, "kmalloc": 20, "seed": 7})
        self.assertEqual(faults.parse("user=1,kmalloc=1/1"), {"user": 1, "kmalloc": 1})
        self.assertEqual(faults.parse("seed=4294967295"), {"seed": 4294967295})

    def test_malformed_values_are_refused_with_a_reason(self):
        cases = {
            "kalloc=1/0": "at least 1",
            "kalloc=2/50": "expected 1/N",
            "kalloc=1/x": "expected 1/N",
            "kalloc=50": "expected 1/N",
            "seed=7,seed=8": "given twice",
            "user=2": "0 or 1",
            "color=red": "unknown key",
            "kalloc=1/50,": "empty item",
            "kalloc=1/50,,seed=1": "empty item",
            "seed": "no '='",
            "seed=-3": "non-negative",
            "seed=4294967296": "32 bits",
            "kalloc=1/50, seed=7": "spaces",
        }
        for value, words in cases.items():
            with self.subTest(value=value):
                with self.assertRaises(faults.FaultsError) as caught:
                    faults.parse(value)
                self.assertIn(words, str(caught.exception))
                self.assertIn("kalloc=1/50,kmalloc=1/20,seed=7", str(caught.exception))

    def test_qemu_arguments_double_the_commas(self):
        self.assertEqual(faults.qemu_args(""), [])
        self.assertEqual(faults.qemu_args("kalloc=1/50,seed=7"),
                         ["-fw_cfg", "name=opt/xv6/faults,string=kalloc=1/50,,seed=7"])
        with self.assertRaises(faults.FaultsError):
            faults.qemu_args("bad")


class OutputComparison(unittest.TestCase):
    def test_marked_lines_ignore_cr_and_trailing_blanks(self):
        text = "$ test_1\r\nXV6_TEST_OUTPUT a  \r\nnoise\r\nx XV6_TEST_OUTPUT b\t\r\n"
        self.assertEqual(ostep.marked_lines(text),
                         ["XV6_TEST_OUTPUT a", "x XV6_TEST_OUTPUT b"])

    def test_compare_names_the_first_difference(self):
        self.assertTrue(ostep.compare(["A 1"], ["A 1"]).ok)
        verdict = ostep.compare(["A 1", "A 2"], ["A 1", "A 3"])
        self.assertFalse(verdict.ok)
        self.assertIn("line 2 differs", verdict.reason)
        self.assertIn("-A 2", verdict.details)
        self.assertIn("missing 'A 2'", ostep.compare(["A 1", "A 2"], ["A 1"]).reason)
        self.assertIn("no XV6_TEST_OUTPUT lines", ostep.compare(["A 1"], []).reason)
        self.assertIn("more XV6_TEST_OUTPUT", ostep.compare(["A 1"], ["A 1", "A 2"]).reason)

    def test_console_cleaning(self):
        self.assertEqual(qemu.clean_console_text("\x1bc\x1b[2J\x1b[?7lhi\r\n\0"), "hi\n")
        self.assertEqual(qemu.strip_echo("test_1\nout\n", "test_1"), "out\n")
        self.assertEqual(qemu.strip_echo("out\n", "test_1"), "out\n")

    def test_panic_lines(self):
        guest = qemu.Guest("qemu", None, "/nonexistent", "/nonexistent/log")
        self.assertTrue(guest._is_panic_line("panic: kfree"))
        self.assertTrue(guest._is_panic_line("cpu1: panic: acquire"))
        self.assertFalse(guest._is_panic_line("XV6_TEST_OUTPUT did not panic"))
        self.assertFalse(guest._is_panic_line("nopanic here, no-panic"))
        self.assertFalse(guest._is_panic_line("the kernel panicked"))
        self.assertFalse(guest._is_panic_line("pani"))
        self.assertFalse(guest._is_panic_line("panic"))      # "panicked" may follow
        self.assertTrue(guest._is_panic_line("panic\n"))
        guest._skip_line = "test_panic"
        self.assertFalse(guest._is_panic_line("$ test_panic"))


class Folders(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, name, text=""):
        with open(os.path.join(self.dir, name), "w") as f:
            f.write(text)

    def test_load_folder_sorts_numerically_and_reports_orphans(self):
        for name in ("test_10.c", "test_2.c", "test_1.c", "10.out", "2.out", "1.out",
                     "3.out", "3.desc", "notes.txt", "test_x.c", "1.run"):
            self.write(name)
        tests, problems = ostep.load_folder(self.dir)
        self.assertEqual([t.number for t in tests], [1, 2, 10])
        self.assertEqual([n for n, _ in problems], [3])

    def test_check_uses_out_rc_and_err(self):
        self.write("test_1.c")
        self.write("1.out", "header\nXV6_TEST_OUTPUT x 1\r\n")
        test = ostep.OstepTest(self.dir, 1)
        self.assertTrue(ostep.check(test, "junk\nXV6_TEST_OUTPUT x 1\n").ok)
        self.assertFalse(ostep.check(test, "XV6_TEST_OUTPUT x 2\n").ok)
        self.write("1.rc", "0\n")
        self.write("1.err", "")
        self.assertTrue(ostep.check(test, "XV6_TEST_OUTPUT x 1\n").ok)
        self.write("1.rc", "1\n")
        self.assertIn("expects 1", ostep.check(test, "XV6_TEST_OUTPUT x 1\n").reason)
        self.write("1.rc", "0\n")
        self.write("1.err", "oops\n")
        self.assertFalse(ostep.check(test, "XV6_TEST_OUTPUT x 1\n").ok)

    def test_unbuilt_tests_and_their_errors(self):
        log = os.path.join(self.dir, "_test_2.log")
        self.write("_test_2.log", "/x/test_2.c:3:2: error: boom\n1 error generated.\n")
        output = (f"testfs: test_2 did not build (compiler output: {log})\n"
                  "/x/test_2.c:3:2: error: boom\n"
                  "testfs: test_12 did not build (compiler output: /gone/_test_12.log)\n"
                  "ld.lld: error: undefined symbol: memcpy\n")
        self.assertEqual(ostep.unbuilt(output), {2: log, 12: "/gone/_test_12.log"})
        self.assertEqual(ostep.build_failure(log, output), ["/x/test_2.c:3:2: error: boom"])
        # With the log gone, make's output stands in.
        self.assertIn("ld.lld: error: undefined symbol: memcpy",
                      ostep.build_failure("/gone/_test_12.log", output))

    def test_kill_lines_of_one_program(self):
        output = ("XV6_TEST_OUTPUT a\r\n"
                  "pid 4 test_1: killed: store into read-only mapping, eip 0x1f\r\n"
                  "pid 5 test_12: killed: page fault\n"
                  "pid 6 sh: killed: whatever\n")
        self.assertEqual(ostep.kill_lines(output, "test_1"),
                         ["pid 4 test_1: killed: store into read-only mapping, eip 0x1f"])
        self.assertEqual(ostep.kill_lines(output, "test_12"), ["pid 5 test_12: killed: page fault"])
        self.assertEqual(ostep.kill_lines("XV6_TEST_OUTPUT a\n", "test_1"), [])

if __name__ == "__main__":
    unittest.main()
