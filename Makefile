# xv6-mm: build, run and test.
#
#   make            build/xv6.img (boot disk) and build/fs.img (file system)
#   make qemu-nox   boot in this terminal (leave with Ctrl-A X)
#   make test       the whole regression suite
#   make gdb        attach gdb to a running `make qemu-nox-gdb` (PROG=name: also
#                   that user program's symbols)
#   make bench      benchmarks (tables: bench/RESULTS.md by hand; charts: bench/chart-*.svg)
#   make fsck IMG=x check a file-system image (default build/fs.img)
#   make crashtest  many power-cut trials (test/crash.py; the "crash" suite
#                   of make test runs a short version)
#
# Variables: CPUS (default 2), MEM (guest memory in MiB, default 512; the
# kernel uses at most 224 of it), BUILD (output folder, default build),
# FAULTS (fault-injection boot flag, e.g. FAULTS="kalloc=1/50,seed=7"),
# KMDEBUG=1 (kmalloc debug build), MMAP_LINEAR=1 (benchmark baseline),
# TESTDIR/TESTFS (see `testfs` below).

.DEFAULT_GOAL := all

BUILD  ?= build
CPUS   ?= 2
MEM    ?= 512
QEMU   ?= qemu-system-i386
CC     := clang
LD     := ld.lld
AR     := ar
OBJCOPY := objcopy
OBJDUMP := objdump
HOSTCC ?= cc

# ---- flags ----------------------------------------------------------------

ARCHFLAGS := -m32 -march=i686 -ffreestanding -fno-builtin -nostdinc -fno-pic -fno-pie \
             -fno-stack-protector -fno-omit-frame-pointer -mno-sse -mno-mmx -mno-sse2
WARN      := -Wall -Werror
KCFLAGS   := $(ARCHFLAGS) -O2 -g $(WARN) -Isrc/include -Isrc/kernel
ifeq ($(KMDEBUG),1)
KCFLAGS   += -DKMDEBUG
endif
UCFLAGS   := $(ARCHFLAGS) -O2 -g $(WARN) -Isrc/include
ASFLAGS_K := -m32 -nostdinc -Isrc/include -Isrc/kernel
LDFLAGS   := -m elf_i386
# User programs start here; page 0 stays unmapped so NULL pointers fault.
# Must equal USERBASE in src/include/memlayout.h.
USERBASE  := 0x1000
ULDFLAGS  := $(LDFLAGS) -e main --image-base=$(USERBASE) -z max-page-size=4096 --no-rosegment -z norelro

# ---- kernel ---------------------------------------------------------------

KDIR      := $(BUILD)/kernel
BOOT_ONLY := src/kernel/boot/bootmain.c src/kernel/boot/bootasm.S \
             src/kernel/boot/entryother.S src/kernel/boot/initcode.S
# The region set (mm/regiontree.h) has two implementations; one is linked.
ifeq ($(MMAP_LINEAR),1)   # benchmark baseline: a sorted list
REGION_SET_UNUSED := src/kernel/mm/regiontree.c
else                      # the augmented red-black tree
REGION_SET_UNUSED := src/kernel/mm/regionlist.c
endif
KERNEL_C  := $(sort $(filter-out $(BOOT_ONLY) $(REGION_SET_UNUSED),$(wildcard src/kernel/*/*.c)))
KERNEL_S  := $(sort $(filter-out $(BOOT_ONLY) src/kernel/boot/entry.S,$(wildcard src/kernel/*/*.S)))
# entry.o goes first so the multiboot header sits at the start of .text.
KERNEL_OBJS := $(KDIR)/boot/entry.o \
               $(patsubst src/kernel/%.c,$(KDIR)/%.o,$(KERNEL_C)) \
               $(patsubst src/kernel/%.S,$(KDIR)/%.o,$(KERNEL_S))

# A dependency file names its object both ways, relative (make's default
# BUILD=build) and absolute (the test runner passes BUILD=/abs/build), so a
# changed header rebuilds every object that includes it whichever way the
# tree was built before.
DEPNAMES = -MT $(abspath $@) -MT $(patsubst $(CURDIR)/%,%,$(abspath $@))

$(KDIR)/%.o: src/kernel/%.c
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -MMD -MP $(DEPNAMES) -c $< -o $@

$(KDIR)/%.o: src/kernel/%.S
	@mkdir -p $(dir $@)
	$(CC) $(ASFLAGS_K) -MMD -MP $(DEPNAMES) -c $< -o $@

# Flat binaries carried inside the kernel (boot/blobs.S).
$(KDIR)/entryother.bin: src/kernel/boot/entryother.S
	@mkdir -p $(KDIR)
	$(CC) $(ASFLAGS_K) -c $< -o $(KDIR)/entryother.o
	$(LD) $(LDFLAGS) -N -e start -Ttext 0x7000 --oformat binary -o $@ $(KDIR)/entryother.o

# Linked at USERBASE, which is set in this Makefile.
$(KDIR)/initcode.bin: src/kernel/boot/initcode.S Makefile
	@mkdir -p $(KDIR)
	$(CC) $(ASFLAGS_K) -c $< -o $(KDIR)/initcode.o
	$(LD) $(LDFLAGS) -N -e start -Ttext $(USERBASE) --oformat binary -o $@ $(KDIR)/initcode.o

$(KDIR)/boot/blobs.o: src/kernel/boot/blobs.S $(KDIR)/entryother.bin $(KDIR)/initcode.bin
	@mkdir -p $(dir $@)
	$(CC) $(ASFLAGS_K) -DBLOB_ENTRYOTHER='"$(KDIR)/entryother.bin"' \
	  -DBLOB_INITCODE='"$(KDIR)/initcode.bin"' -c $< -o $@

# kernel.asm: the kernel's disassembly with source, to read an eip in.
$(KDIR)/kernel: $(KERNEL_OBJS) src/kernel/boot/kernel.ld
	$(LD) $(LDFLAGS) -T src/kernel/boot/kernel.ld -o $@ $(KERNEL_OBJS)
	$(OBJDUMP) -S $@ > $(KDIR)/kernel.asm

# Boot sector: must fit in 510 bytes plus the 0x55 0xAA signature.
$(KDIR)/bootblock: src/kernel/boot/bootasm.S src/kernel/boot/bootmain.c
	@mkdir -p $(KDIR)
	$(CC) $(ARCHFLAGS) -march=i386 -Oz -Wall -Werror -Isrc/include -Isrc/kernel \
	  -c src/kernel/boot/bootmain.c -o $(KDIR)/bootmain.o
	$(CC) $(ASFLAGS_K) -c src/kernel/boot/bootasm.S -o $(KDIR)/bootasm.o
	$(LD) $(LDFLAGS) -N -e start -Ttext 0x7C00 --oformat binary \
	  -o $(KDIR)/bootblock.bin $(KDIR)/bootasm.o $(KDIR)/bootmain.o
	@size=$$(stat -c %s $(KDIR)/bootblock.bin); \
	 if [ $$size -gt 510 ]; then echo "boot block is $$size bytes (max 510)"; exit 1; fi
	cp $(KDIR)/bootblock.bin $@
	truncate -s 510 $@
	printf '\125\252' >> $@

$(BUILD)/xv6.img: $(KDIR)/bootblock $(KDIR)/kernel
	dd if=/dev/zero of=$@.tmp count=10000 status=none
	dd if=$(KDIR)/bootblock of=$@.tmp conv=notrunc status=none
	dd if=$(KDIR)/kernel of=$@.tmp seek=1 conv=notrunc status=none
	mv $@.tmp $@

# ---- user programs --------------------------------------------------------

UDIR := $(BUILD)/user
# The user library is an archive, so a program links in only the pieces it uses
# (children.o, say, only in programs that track the children they fork). Each
# memory and string function is an object of its own (src/user/lib/memcpy.c,
# ...), so a course test that defines its own memcmp or memcpy still links.
ULIB_OBJS := $(patsubst src/user/lib/%.c,$(UDIR)/lib/%.o,$(sort $(wildcard src/user/lib/*.c))) \
             $(UDIR)/lib/usys.o
ULIB := $(UDIR)/lib/ulib.a

# The folder is a prerequisite so that adding or removing a source file
# remakes the archive (no stale members).
$(ULIB): $(ULIB_OBJS) src/user/lib
	rm -f $@
	$(AR) rcs $@ $(ULIB_OBJS)

# One program per line; course scripts add theirs after _mkdir.
UPROGS=\
	_cat\
	_echo\
	_forktest\
	_grep\
	_init\
	_kill\
	_ln\
	_ls\
	_mkdir\
	_rm\
	_sh\
	_stressfs\
	_usertests\
	_wc\
	_zombie\
	_poweroff\
	_kmstat\
	_cachestat\
	_pmap\
	_mmapbench\
	_mmfuzz\
	_sysfuzz\
	_memleak\
	_ps\
	_sysbench\
	_tinyexit\
	_bigexit\
	_crashload\
	_writebench\

$(UDIR)/%.o: src/user/%.c
	@mkdir -p $(dir $@)
	$(CC) $(UCFLAGS) -MMD -MP $(DEPNAMES) -c $< -o $@

$(UDIR)/lib/%.o: src/user/lib/%.S
	@mkdir -p $(dir $@)
	$(CC) $(ASFLAGS_K) -c $< -o $@

# prog.elf keeps its symbols and debug info (for gdb and scripts/symbolize),
# prog.asm is its disassembly with source; only the stripped _prog goes
# into fs.img.
$(UDIR)/%.elf: $(UDIR)/%.o $(ULIB)
	$(LD) $(ULDFLAGS) -o $@ $< $(ULIB)

$(UDIR)/_%: $(UDIR)/%.elf
	$(OBJDUMP) -S $< > $(UDIR)/$*.asm
	$(OBJCOPY) --strip-debug $< $@

# Course tests named in UPROGS (e.g. _test_1) may live beside our programs
# or in TESTDIR.
ifneq ($(TESTDIR),)
vpath test_%.c $(TESTDIR)
endif
$(UDIR)/test_%.o: test_%.c
	@mkdir -p $(dir $@)
	$(CC) $(UCFLAGS) -c $< -o $@

UPROG_FILES := $(addprefix $(UDIR)/,$(UPROGS))
FS_EXTRA    := README.md src/user/sample.txt

$(BUILD)/mkfs: src/tools/mkfs.c src/include/fs.h src/include/param.h src/include/stat.h
	@mkdir -p $(BUILD)
	$(HOSTCC) -O2 -Wall -Werror -Isrc/include -o $@ src/tools/mkfs.c

$(BUILD)/fsck: src/tools/fsck.c src/include/fs.h src/include/param.h src/include/stat.h
	@mkdir -p $(BUILD)
	$(HOSTCC) -O2 -Wall -Werror -Isrc/include -o $@ src/tools/fsck.c

# Check a file-system image: make fsck [IMG=path] (default: the built fs.img).
IMG ?= $(BUILD)/fs.img
fsck: $(BUILD)/fsck
	$(BUILD)/fsck $(IMG)

$(BUILD)/fs.img: $(BUILD)/mkfs $(UPROG_FILES) $(FS_EXTRA)
	$(BUILD)/mkfs $@ $(FS_EXTRA) $(UPROG_FILES)

# An image with a course test folder's test_N.c programs added:
#   make testfs TESTDIR=path/to/tests TESTFS=build/tests.img [TESTS="3 5"]
# TESTS limits it to those test numbers. Each test program builds on its own:
# one that does not compile or link is left out of the image, with the line
# "testfs: test_N did not build (compiler output: FILE)", and the others go in.
TESTFS ?= $(BUILD)/fs-test.img
ifneq ($(TESTDIR),)
TEST_SRCS  := $(sort $(wildcard $(TESTDIR)/test_*.c))
ifneq ($(TESTS),)
TEST_SRCS  := $(filter $(patsubst %,$(TESTDIR)/test_%.c,$(TESTS)),$(TEST_SRCS))
endif
TEST_OBJ_DIR := $(UDIR)/t/$(subst /,_,$(abspath $(TESTDIR)))
TEST_PROGS := $(patsubst $(TESTDIR)/%.c,$(TEST_OBJ_DIR)/_%,$(TEST_SRCS))
# -I$(TESTDIR): a folder's tests may share a header of their own. The recipe
# succeeds even when the test does not build, so make goes on to the others.
# The unstripped $*.elf stays beside it for gdb and scripts/symbolize.
$(TEST_OBJ_DIR)/_%: $(TESTDIR)/%.c $(ULIB)
	@mkdir -p $(dir $@)
	@rm -f $@
	@if $(CC) $(UCFLAGS) -I$(TESTDIR) -MMD -MP -MT $@ -c $< -o $(TEST_OBJ_DIR)/$*.o \
	      >$@.log 2>&1 && \
	    $(LD) $(ULDFLAGS) -o $(TEST_OBJ_DIR)/$*.elf $(TEST_OBJ_DIR)/$*.o $(ULIB) \
	      >>$@.log 2>&1 && \
	    $(OBJCOPY) --strip-debug $(TEST_OBJ_DIR)/$*.elf $@ >>$@.log 2>&1; then \
	  rm -f $@.log; \
	else \
	  rm -f $@; echo "testfs: $* did not build (compiler output: $@.log)"; cat $@.log; \
	fi
endif
# A folder holding a file `fs-blocks` (one number) gets a disk of that many
# blocks instead of FSSIZE: tests that fill the disk stay quick.
TESTFS_BLOCKS := $(if $(wildcard $(TESTDIR)/fs-blocks),-b $(shell cat $(TESTDIR)/fs-blocks))
# Only the test programs, no image (the runner's self-tests use this).
testprogs: $(TEST_PROGS)
	@if [ -z "$(TESTDIR)" ]; then echo "usage: make testprogs TESTDIR=dir [TESTS=\"N ...\"]"; exit 2; fi

testfs: $(BUILD)/mkfs $(UPROG_FILES) $(FS_EXTRA) $(TEST_PROGS)
	@if [ -z "$(TESTDIR)" ]; then echo "usage: make testfs TESTDIR=dir [TESTFS=img] [TESTS=\"N ...\"]"; exit 2; fi
	@mkdir -p $(dir $(TESTFS))
	$(BUILD)/mkfs $(TESTFS_BLOCKS) $(TESTFS) $(FS_EXTRA) $(UPROG_FILES) \
	  $$(for p in $(TEST_PROGS); do if [ -f $$p ]; then echo $$p; fi; done)

# ---- top-level targets ----------------------------------------------------

all: $(BUILD)/xv6.img $(BUILD)/fs.img
xv6.img: $(BUILD)/xv6.img
fs.img: $(BUILD)/fs.img

# The FAULTS boot flag travels to the kernel through QEMU's fw_cfg.
FAULTS_CHECK = $(if $(FAULTS),python3 test/run.py --check-faults "$(FAULTS)" &&,)
FAULTS_OPT   = $(if $(FAULTS),-fw_cfg name=opt/xv6/faults$(,)string=$(subst $(,),$(,)$(,),$(FAULTS)),)
, := ,
QEMUOPTS = -drive file=$(BUILD)/fs.img,index=1,media=disk,format=raw \
           -drive file=$(BUILD)/xv6.img,index=0,media=disk,format=raw \
           -smp $(CPUS) -m $(MEM) -no-reboot \
           -device isa-debug-exit,iobase=0xf4,iosize=0x04 $(FAULTS_OPT) $(QEMUEXTRA)

# QEMU's debug-exit device makes a clean poweroff exit with status 1.
QEMU_OK = ; s=$$?; [ $$s -eq 0 ] || [ $$s -eq 1 ]

# Without an X display QEMU would fall back to a VNC server: show no screen
# at all then (the serial console in this terminal is the whole interface).
QEMU_DISPLAY = $(if $(DISPLAY),,-display none)

qemu: all
	$(FAULTS_CHECK) $(QEMU) -serial mon:stdio $(QEMU_DISPLAY) $(QEMUOPTS) $(QEMU_OK)

qemu-nox: all
	$(FAULTS_CHECK) $(QEMU) -nographic $(QEMUOPTS) $(QEMU_OK)

GDBPORT ?= $(shell expr `id -u` % 5000 + 25000)
QEMUGDB := -S -gdb tcp::$(GDBPORT)

# A gdb script passed with -x: gdb 13 refuses to auto-load a ./.gdbinit it
# has not been told is safe, so none is written.
GDBSCRIPT := $(BUILD)/gdbinit
$(GDBSCRIPT): scripts/gdbinit.tmpl Makefile
	@mkdir -p $(BUILD)
	sed -e "s/@PORT@/$(GDBPORT)/" -e "s|@KERNEL@|$(KDIR)/kernel|" $< > $@

GDB_HINT = @echo "*** QEMU waits for gdb: run 'make gdb' (or 'make gdb PROG=name') in another terminal."

qemu-gdb: all $(GDBSCRIPT)
	$(GDB_HINT)
	$(FAULTS_CHECK) $(QEMU) -serial mon:stdio $(QEMU_DISPLAY) $(QEMUOPTS) $(QEMUGDB) $(QEMU_OK)

qemu-nox-gdb: all $(GDBSCRIPT)
	$(GDB_HINT)
	$(FAULTS_CHECK) $(QEMU) -nographic $(QEMUOPTS) $(QEMUGDB) $(QEMU_OK)

# Attach to the QEMU above with the kernel's symbols; PROG=name adds that
# user program's (build/user/name.elf is linked at its run address).
# GDBFLAGS passes more, e.g. GDBFLAGS="-batch -ex 'break sys_mmap' -ex c".
GDB ?= gdb
gdb: $(GDBSCRIPT) $(KDIR)/kernel $(if $(PROG),$(UDIR)/$(PROG).elf)
	@command -v $(GDB) >/dev/null || { echo "gdb is not installed (apt-get install gdb)"; exit 1; }
	$(GDB) -q -x $(GDBSCRIPT) $(if $(PROG),-ex 'add-symbol-file $(UDIR)/$(PROG).elf') $(GDBFLAGS)

# Install what is missing, then boot to the shell.
run:
	bash scripts/install-deps.sh
	$(MAKE) qemu-nox

# ---- tests and benchmarks -------------------------------------------------

-include test/host/Makefile.rbtree
-include test/host/Makefile.regiontree
-include test/host/Makefile.kmalloc
-include test/host/Makefile.fs
-include test/host/Makefile.fsck
HOST_TESTS := build/host/rbtree_test build/host/regiontree_test build/host/regionlist_test build/host/kmalloc_test build/host/kmalloc_kmdebug_test build/host/fs_test \
              build/host/fsck_test
host-tests: $(HOST_TESTS)

test: all host-tests
	python3 test/run.py

# Many power-cut trials with two concurrent workers (test/crash.py).
CRASH_TRIALS ?= 120
crashtest: all $(BUILD)/fsck
	python3 test/crash.py --build $(BUILD) --trials $(CRASH_TRIALS) --nproc 2

bench:
	bash bench/run.sh

clean:
	rm -rf $(BUILD)

# Keep object files that pattern chains build on the way to a program.
.PRECIOUS: $(UDIR)/%.o $(UDIR)/lib/%.o $(KDIR)/%.o $(UDIR)/t/%.o $(UDIR)/%.elf $(UDIR)/t/%.elf
.PHONY: all xv6.img fs.img qemu qemu-nox qemu-gdb qemu-nox-gdb gdb run test bench clean host-tests testfs testprogs fsck crashtest

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
