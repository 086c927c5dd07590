// x86 memory-management unit: paging and segmentation definitions.
// Safe to include from user programs, kernel C code and assembly.
#ifndef XV6_MMU_H
#define XV6_MMU_H

// EFLAGS bits
#define FL_IF       0x00000200  // interrupts enabled

// CR0 bits
#define CR0_PE      0x00000001  // protected mode
#define CR0_WP      0x00010000  // honour read-only pages in kernel mode too
#define CR0_PG      0x80000000  // paging

// CR4 bits
#define CR4_PSE     0x00000010  // allow 4 MiB pages

// Segment selector indexes in the GDT.
#define SEG_KCODE 1
#define SEG_KDATA 2
#define SEG_UCODE 3
#define SEG_UDATA 4
#define SEG_TSS   5
#define SEG_KCPU  6   // per-CPU data, reached through %gs
#define NSEGS     7

// Privilege levels
#define DPL_KERNEL 0x0
#define DPL_USER   0x3

// Segment type bits
#define STA_X     0x8   // executable
#define STA_W     0x2   // writable (data)
#define STA_R     0x2   // readable (code)
#define STS_T32A  0x9   // available 32-bit TSS
#define STS_IG32  0xE   // 32-bit interrupt gate
#define STS_TG32  0xF   // 32-bit trap gate

// A virtual address splits into directory index, table index and offset:
//   31..22 PDX | 21..12 PTX | 11..0 offset
#define PDX(va)  (((uint)(va) >> PDXSHIFT) & 0x3FF)
#define PTX(va)  (((uint)(va) >> PTXSHIFT) & 0x3FF)
#define PGADDR(d, t, o) ((uint)((d) << PDXSHIFT | (t) << PTXSHIFT | (o)))

#define NPDENTRIES 1024   // entries per page directory
#define NPTENTRIES 1024   // entries per page table
#define PGSIZE     4096   // bytes per page
#define PGSHIFT    12
#define PTXSHIFT   12
#define PDXSHIFT   22

#define PGROUNDUP(sz)  (((sz)+PGSIZE-1) & ~(PGSIZE-1))
#define PGROUNDDOWN(a) (((a)) & ~(PGSIZE-1))

// Page-table/directory entry flags
#define PTE_P   0x001   // present
#define PTE_W   0x002   // writable
#define PTE_U   0x004   // user-accessible
#define PTE_A   0x020   // accessed (set by hardware)
#define PTE_D   0x040   // dirty (set by hardware on write)
#define PTE_PS  0x080   // 4 MiB page (directory entries only)

#define PTE_ADDR(pte)  ((uint)(pte) & ~0xFFF)
#define PTE_FLAGS(pte) ((uint)(pte) &  0xFFF)

#ifdef __ASSEMBLER__

// A GDT entry written out by assembly code (boot sector, AP start-up).
#define SEG_NULLASM  .word 0, 0; .byte 0, 0, 0, 0
#define SEG_ASM(type, base, lim)                                  \
  .word (((lim) >> 12) & 0xffff), ((base) & 0xffff);              \
  .byte (((base) >> 16) & 0xff), (0x90 | (type)),                 \
        (0xC0 | (((lim) >> 28) & 0xf)), (((base) >> 24) & 0xff)

#else

typedef uint pte_t;

// A segment descriptor as the CPU reads it.
struct segdesc {
  uint lim_15_0 : 16;
  uint base_15_0 : 16;
  uint base_23_16 : 8;
  uint type : 4;
  uint s : 1;          // 1 for code/data, 0 for system segments
  uint dpl : 2;
  uint p : 1;          // present
  uint lim_19_16 : 4;
  uint avl : 1;
  uint rsv1 : 1;
  uint db : 1;         // 32-bit segment
  uint g : 1;          // limit counts 4 KiB units
  uint base_31_24 : 8;
};

// A flat 4 GiB (limit given in bytes, scaled to pages) code or data segment.
#define SEG(type, base, lim, dpl) (struct segdesc)                  \
{ ((lim) >> 12) & 0xffff, (uint)(base) & 0xffff,                     \
  ((uint)(base) >> 16) & 0xff, type, 1, dpl, 1,                       \
  (uint)(lim) >> 28, 0, 0, 1, 1, (uint)(base) >> 24 }
// A byte-granular system segment (the TSS).
#define SEG16(type, base, lim, dpl) (struct segdesc)                \
{ (lim) & 0xffff, (uint)(base) & 0xffff,                              \
  ((uint)(base) >> 16) & 0xff, type, 0, dpl, 1,                       \
  (uint)(lim) >> 16, 0, 0, 1, 0, (uint)(base) >> 24 }

// Task state segment: only the ring-0 stack fields matter to us.
struct taskstate {
  uint link;
  uint esp0;
  ushort ss0;
  ushort padding1;
  uint *esp1;
  ushort ss1;
  ushort padding2;
  uint *esp2;
  ushort ss2;
  ushort padding3;
  void *cr3;
  uint *eip;
  uint eflags;
  uint eax, ecx, edx, ebx;
  uint *esp, *ebp;
  uint esi, edi;
  ushort es, padding4;
  ushort cs, padding5;
  ushort ss, padding6;
  ushort ds, padding7;
  ushort fs, padding8;
  ushort gs, padding9;
  ushort ldt, padding10;
  ushort t;            // trap on task switch
  ushort iomb;         // I/O permission bitmap offset
};

// An interrupt or trap gate in the IDT.
struct gatedesc {
  uint off_15_0 : 16;
  uint cs : 16;
  uint args : 5;
  uint rsv1 : 3;
  uint type : 4;
  uint s : 1;
  uint dpl : 2;
  uint p : 1;
  uint off_31_16 : 16;
};

// Fill gate: istrap selects a trap gate (interrupts stay enabled),
// sel/off give the handler, d is the privilege needed to use int n.
#define SETGATE(gate, istrap, sel, off, d)                \
{                                                         \
  (gate).off_15_0 = (uint)(off) & 0xffff;                 \
  (gate).cs = (sel);                                      \
  (gate).args = 0;                                        \
  (gate).rsv1 = 0;                                        \
  (gate).type = (istrap) ? STS_TG32 : STS_IG32;           \
  (gate).s = 0;                                           \
  (gate).dpl = (d);                                       \
  (gate).p = 1;                                           \
  (gate).off_31_16 = (uint)(off) >> 16;                   \
}

#endif // __ASSEMBLER__
#endif
