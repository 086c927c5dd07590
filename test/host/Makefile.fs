# Host unit tests for the file system: the kernel's own src/kernel/fs/
# {bio,log,fs,file,pipe,sysfile}.c, unmodified, run against an in-memory disk
# with the kernel services they call faked in test/host/fs_stubs.c, under
# AddressSanitizer and UBSan. Includes crash-at-every-disk-write recovery
# checks. Meant to be included from the top-level Makefile; all paths are
# relative to the repository root.
#
#   make build/host/fs_test   # build only
#   make fs-test              # build and run (non-zero exit on failure)
#
# At run time the test makes its starting image with our mkfs, so it needs
# $(BUILD)/mkfs (built by the top-level Makefile's rule; when using this file
# on its own, run `make build/mkfs` first). FS_TEST_MKFS=path in the
# environment points the binary at another mkfs.

HOSTCC ?= cc
HOSTCFLAGS ?= -g -O1 -Wall -Wextra -fsanitize=address,undefined \
              -fno-sanitize-recover=all -fno-omit-frame-pointer
BUILD ?= build

FS_TEST_KSRCS := $(addprefix src/kernel/fs/,bio.c log.c fs.c file.c pipe.c sysfile.c)
FS_TEST_KOBJS := $(patsubst src/kernel/fs/%.c,build/host/fs/%.o,$(FS_TEST_KSRCS))
FS_TEST_SRCS  := test/host/fs_test.c test/host/fs_stubs.c
FS_TEST_HDRS  := test/host/fs_host.h $(wildcard src/include/*.h src/kernel/*/*.h)
FS_TEST_MKFS  := $(BUILD)/mkfs

# The kernel's string helpers and sleep/exit/fork/wait/kill share names with
# libc but not prototypes (uint vs size_t, other arguments); rename them in
# the kernel objects so they link to the stand-ins in fs_stubs.c.
FS_TEST_RENAME := -Dmemset=kx_memset -Dmemmove=kx_memmove -Dmemcpy=kx_memcpy \
                  -Dmemcmp=kx_memcmp -Dstrncmp=kx_strncmp -Dstrncpy=kx_strncpy \
                  -Dstrlen=kx_strlen -Dsafestrcpy=kx_safestrcpy -Dsleep=kx_sleep \
                  -Dexit=kx_exit -Dfork=kx_fork -Dwait=kx_wait -Dkill=kx_kill
# proc.h pulls in arch/x86.h, whose descriptor-table helpers cast pointers to
# 32-bit uint; they are never called on the host, so the warning is noise.
FS_TEST_QUIET := -Wno-pointer-to-int-cast

# Each kernel file separately: the renames must not touch the test's libc use.
$(FS_TEST_KOBJS): build/host/fs/%.o: src/kernel/fs/%.c $(FS_TEST_HDRS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOSTCFLAGS) $(FS_TEST_RENAME) $(FS_TEST_QUIET) -Isrc/include -Isrc/kernel \
	  -c -o $@ $<

# mkfs is needed only when the test runs (order-only: a rebuilt mkfs does
# not force a relink). Its path is compiled in relative to the repository
# root (BUILD may be given as an absolute path), so the binary finds it
# wherever the tree lives.
FS_TEST_MKFS_PATH := $(patsubst $(CURDIR)/%,%,$(abspath $(FS_TEST_MKFS)))

build/host/fs_test: $(FS_TEST_SRCS) $(FS_TEST_KOBJS) $(FS_TEST_HDRS) | $(FS_TEST_MKFS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOSTCFLAGS) $(FS_TEST_QUIET) -Isrc/include -Isrc/kernel \
	  -DFS_TEST_MKFS='"$(FS_TEST_MKFS_PATH)"' -o $@ $(FS_TEST_SRCS) $(FS_TEST_KOBJS)

.PHONY: fs-test
fs-test: build/host/fs_test
	./build/host/fs_test
