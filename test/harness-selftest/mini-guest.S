# A tiny stand-in for xv6, used only by the runner's self-tests: a 512-byte boot
# sector that behaves like the serial console side of xv6 closely enough to exercise
# the real QEMU command line of test/qemu.py.
#
# It prints a banner, "faults: <value>" when QEMU passes opt/xv6/faults through fw_cfg,
# "init: starting sh" and the prompt "$ ", echoes what is typed, and understands:
#     say TEXT   prints "XV6_TEST_OUTPUT TEXT"
#     crash      prints "panic: crash requested" and halts
#     hang       stops answering
#     reset      triple-faults (QEMU -no-reboot then exits with status 0)
#     poweroff   writes 0 to isa-debug-exit (QEMU exits with status 1)
# Lines end with CR LF, as on the real console.
#
# Build: clang -m32 -c mini-guest.S && ld.lld -m elf_i386 -N -e start -Ttext 0x7c00
#        --oformat binary (see test_real_qemu.py).

        .code16
        .globl start
start:
        cli
        xorw    %ax, %ax
        movw    %ax, %ds
        movw    %ax, %es
        movw    %ax, %ss
        movw    $0x7c00, %sp
        cld
        movw    $banner, %si
        call    puts
        call    faults
        movw    $promptstr, %si         # "init: starting sh" and the first "$ "
        jmp     1f

prompt:
        movw    $prompt2, %si
1:      call    puts
        movw    $line, %di
readchar:
        call    getc
        cmpb    $'\r', %al
        je      enter
        cmpb    $'\n', %al
        je      enter
        call    putc                    # echo, like the console driver
        cmpw    $line+60, %di           # ignore what does not fit
        jae     readchar
        stosb
        jmp     readchar

enter:
        movb    $0, (%di)
        movw    $crlf, %si
        call    puts
        movw    $line, %si
        cmpb    $0, (%si)
        je      prompt
        movw    $say, %bx
        call    prefix
        je      do_say
        movw    $crash, %bx
        call    prefix
        je      do_crash
        movw    $hang, %bx
        call    prefix
        je      do_hang
        movw    $reset, %bx
        call    prefix
        je      do_reset
        movw    $poweroff, %bx
        call    prefix
        jne     prompt
        xorb    %al, %al
        outb    %al, $0xf4              # isa-debug-exit: QEMU exits with (0<<1)|1
do_hang:
        jmp     do_hang
do_crash:
        movw    $panicstr, %si
        call    puts
halt:
        hlt
        jmp     halt
do_reset:
        lidt    zeroidt                 # no interrupt table: the next int triple-faults
        int     $3
do_say:
        pushw   %si
        movw    $mark, %si
        call    puts
        popw    %si
        call    puts
        movw    $crlf, %si
        call    puts
        jmp     prompt

# ZF set if the zero-terminated word at %bx starts the line at %si; then %si is past it.
prefix:
        pushw   %si
1:      movb    (%bx), %al
        testb   %al, %al
        jz      2f
        cmpb    (%si), %al
        jne     3f
        incw    %si
        incw    %bx
        jmp     1b
2:      addw    $2, %sp                 # matched: drop the saved %si
        cmpb    %al, %al
        ret
3:      popw    %si
        ret

# Print "faults: VALUE" if QEMU has the fw_cfg file opt/xv6/faults.
faults:
        movw    $0x510, %dx             # fw_cfg selector: the file directory
        movw    $0x19, %ax
        outw    %ax, %dx
        movw    $0x511, %dx             # data port, read byte by byte, big-endian
        call    rd16                    # file count, high half (ignored)
        call    rd16
        movw    %ax, %cx
        jcxz    9f
1:      call    rd16                    # size, high half (ignored)
        call    rd16
        movw    %ax, %bp                # size
        call    rd16
        movw    %ax, %bx                # selector
        call    rd16                    # reserved
        pushw   %cx
        movw    $namebuf, %di
        movw    $56, %cx
        rep insb                        # the 56-byte name
        movw    $fwname, %si
        movw    $namebuf, %di
        movw    $15, %cx
        repe cmpsb
        popw    %cx
        je      2f
        loop    1b
9:      ret
2:      movw    $0x510, %dx
        movw    %bx, %ax
        outw    %ax, %dx
        movw    $faultsstr, %si
        call    puts
        movw    $0x511, %dx
        movw    %bp, %cx
3:      inb     %dx, %al
        call    putc
        loop    3b
        movw    $crlf, %si
        jmp     puts

rd16:
        inb     %dx, %al
        movb    %al, %ah
        inb     %dx, %al
        ret

getc:
        movw    $0x3fd, %dx             # line status: bit 0 = a byte has arrived
1:      inb     %dx, %al
        testb   $1, %al
        jz      1b
        movw    $0x3f8, %dx
        inb     %dx, %al
        ret

putc:
        pushw   %dx
        pushw   %ax
        movw    $0x3fd, %dx             # line status: bit 5 = ready to send
1:      inb     %dx, %al
        testb   $0x20, %al
        jz      1b
        popw    %ax
        movw    $0x3f8, %dx
        outb    %al, %dx
        popw    %dx
        ret

puts:
        lodsb
        testb   %al, %al
        jz      1f
        call    putc
        jmp     puts
1:      ret

zeroidt:   .word 0, 0, 0
banner:    .asciz "\x1b[2Jmini-guest: xv6 stand-in\r\n"
promptstr: .ascii "init: starting sh\r\n"
prompt2:   .asciz "$ "
crlf:      .asciz "\r\n"
panicstr:  .asciz "panic: crash requested\r\n"
mark:      .asciz "XV6_TEST_OUTPUT "
faultsstr: .asciz "faults: "
fwname:    .asciz "opt/xv6/faults"
say:       .asciz "say "
crash:     .asciz "crash"
hang:      .asciz "hang"
reset:     .asciz "reset"
poweroff:  .asciz "poweroff"

        .org    510
        .word   0xaa55

        .bss
namebuf:   .space 56
line:      .space 64
