// Page tables and user address spaces.
#ifndef KERNEL_MM_VM_H
#define KERNEL_MM_VM_H

#include "types.h"
#include "mmu.h"

struct inode;
struct proc;

void   seginit(void);
void   kvmalloc(void);
pde_t *setupkvm(void);
void   switchkvm(void);
void   switchuvm(struct proc *p);
void   inituvm(pde_t *pgdir, char *init, uint sz);
int    loaduvm(pde_t *pgdir, char *addr, struct inode *ip, uint offset, uint sz);
int    allocuvm(pde_t *pgdir, uint oldsz, uint newsz);
int    deallocuvm(pde_t *pgdir, uint oldsz, uint newsz);
void   unmap_user_range(pde_t *pgdir, uint start, uint end);
pte_t *next_present_pte(pde_t *pgdir, uint *va, uint end);
void   free_page_table(pde_t *pgdir, uint d);
// fork: map every present page of [start, end) of src into dst as well,
// with PTE permissions perm (and one more reference each). cow: the
// pages are private, so both sides lose PTE_W and the first store copies
// (mm/pagefault.c), except the page at hot, which dst gets a copy of now.
// -1 when out of memory (a page table, a copy, or a count at KREF_MAX);
// what was shared so far stays, for the caller to free with dst.
int    share_user_range(pde_t *src, pde_t *dst, uint start, uint end, uint perm,
                        int cow, uint hot);
void   freevm(pde_t *pgdir);
// The image [USERBASE, sz) for a child, shared copy-on-write except the
// page holding hot_va (the parent's user stack), which is copied now.
pde_t *copyuvm(pde_t *pgdir, uint sz, uint hot_va);
void   clearpteu(pde_t *pgdir, char *uva);
char  *uva2ka(pde_t *pgdir, char *uva);
int    copyout(pde_t *pgdir, uint va, void *p, uint len);
// Find the PTE for va, creating its page table when alloc is set.
pte_t *walkpgdir(pde_t *pgdir, const void *va, int alloc);
int    mappages(pde_t *pgdir, void *va, uint size, uint pa, int perm);

#endif
