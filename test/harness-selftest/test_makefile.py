"""The real Makefile's per-test build of an OSTEP folder (clang and ld.lld, no QEMU):
a test that does not compile or link is left out and named, the others build, and
TESTS="N" builds only test N. Uses a build folder of its own."""

import glob
import os
import shutil
import subprocess
import unittest

import helpers

GOOD = '#include "types.h"\n#include "user.h"\nint main(void) { exit(); }\n'
# An array initializer: clang calls memcpy for it, which the user library must have.
INITIALIZER = ('#include "types.h"\n#include "user.h"\n'
               'int main(void) { char name[50] = "sample.txt"; printf(1, name); exit(); }\n')
NO_COMPILE = '#include "types.h"\nint main(void) { undeclared = 1; }\n'
NO_LINK = '#include "types.h"\nint no_such_function(void);\n' \
          'int main(void) { return no_such_function(); }\n'


@unittest.skipUnless(shutil.which("clang") and shutil.which("ld.lld"), "no clang/ld.lld")
class PerTestBuild(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ws = helpers.Workspace()
        cls.folder = cls.ws.folder("course", {
            "test_1.c": GOOD, "test_2.c": NO_COMPILE, "test_3.c": INITIALIZER,
            "test_4.c": NO_LINK})

    @classmethod
    def tearDownClass(cls):
        cls.ws.close()

    def make(self, *extra):
        proc = subprocess.run(["make", "-s", f"BUILD={self.ws.build}",
                               f"TESTDIR={self.folder}", "testprogs", *extra],
                              cwd=helpers.ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, timeout=300)
        built = sorted(os.path.basename(p) for p in
                       glob.glob(os.path.join(self.ws.build, "user", "t", "*", "_test_*"))
                       if not p.endswith((".log", ".o", ".d")))
        return proc, built

    def test_broken_tests_are_left_out_and_named(self):
        proc, built = self.make()
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertEqual(built, ["_test_1", "_test_3"], proc.stdout)
        lines = proc.stdout.splitlines()
        for n, words in ((2, "undeclared"), (4, "undefined symbol: no_such_function")):
            line = next((l for l in lines if l.startswith(f"testfs: test_{n} did not build")),
                        None)
            self.assertIsNotNone(line, proc.stdout)
            log = line.split("compiler output: ", 1)[1].rstrip(")")
            with open(log) as f:
                self.assertIn(words, f.read())
        self.assertFalse([l for l in lines if "test_1 did not" in l or "test_3 did not" in l])

    def test_tests_variable_builds_only_those(self):
        for path in glob.glob(os.path.join(self.ws.build, "user", "t", "*", "_test_*")):
            os.remove(path)
        proc, built = self.make("TESTS=3")
        self.assertEqual(built, ["_test_3"], proc.stdout)
        self.assertNotIn("did not build", proc.stdout)


if __name__ == "__main__":
    unittest.main()
