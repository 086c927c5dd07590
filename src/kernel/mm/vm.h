// Page tables: kernel mappings, user page-table walks and frees.
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
// Free the page tables and directory of an address space with no user
// page mapped any more.
void   freevm(pde_t *pgdir);
char  *uva2ka(pde_t *pgdir, char *uva);
int    copyout(pde_t *pgdir, uint va, void *p, uint len);
// Find the PTE for va, creating its page table when alloc is set.
pte_t *walkpgdir(pde_t *pgdir, const void *va, int alloc);
int    mappages(pde_t *pgdir, void *va, uint size, uint pa, int perm);

#endif
