/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOW_MM_VMALLOC_H
#define _SHADOW_MM_VMALLOC_H

#include <linux/bits.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rbtree.h>
#include <linux/seq_file.h>
#include <linux/types.h>

#include "pgtable.h"

/*
 * The shadow kernel virtual space: the vmalloc range sits where x86-64's
 * does (VMALLOC_START with 4-level paging), sized to the instance.
 */
#define SMM_VMALLOC_START	0xffffc90000000000ULL
#define SMM_VMALLOC_MAX_SIZE	BIT_ULL(40)

/**
 * struct smm_vmap_area - a range of the shadow vmalloc space
 * @va_start: first address
 * @va_end: first address past the range [@va_start, @va_end)
 * @rb_node: in the free tree (by shadow address) or the busy tree (by host
 *	address)
 * @subtree_max_size: largest free range in this node's subtree (free tree)
 * @list: busy areas in shadow address order
 * @addr: the host address the pages are mapped at, for a busy area
 * @nr_pages: pages mapped (the guard page not included)
 * @pages: the shadow pages, or NULL
 * @owned: the pages were allocated by smm_vmalloc() and go back with it
 * @caller: who asked, for vmallocinfo
 */
struct smm_vmap_area {
	u64 va_start;
	u64 va_end;
	struct rb_node rb_node;
	u64 subtree_max_size;
	struct list_head list;
	void *addr;
	unsigned int nr_pages;
	struct smm_page **pages;
	bool owned;
	const void *caller;
};

/**
 * struct smm_vmalloc - the shadow vmalloc allocator of one instance
 * @pt: the kernel page tables its mappings live in
 * @buddy: where vmalloc pages come from
 * @lock: protects the trees, @busy_list and @nr_*; held across the page
 *	table updates and vmap() of one area, so it is a mutex
 * @free_root: free ranges by address, augmented with the largest free
 *	size in each subtree, as mm/vmalloc.c's free_vmap_area_root
 * @busy_root: busy areas by host address
 * @busy_list: busy areas in shadow address order
 * @start: first address of the range
 * @end: first address past it
 * @nr_areas: busy areas
 * @nr_pages: pages mapped
 * @spare: a free-range node kept at hand, so that a free never fails
 */
struct smm_vmalloc {
	struct smm_pgtable *pt;
	struct smm_buddy *buddy;
	struct mutex lock;	/* see above */
	struct rb_root free_root;
	struct rb_root busy_root;
	struct list_head busy_list;
	u64 start;
	u64 end;
	unsigned long nr_areas;
	unsigned long nr_pages;
	struct smm_vmap_area *spare;
};

int smm_vmalloc_init(struct smm_vmalloc *vm, struct smm_pgtable *pt, struct smm_buddy *b,
		     u64 size);
void smm_vmalloc_destroy(struct smm_vmalloc *vm);
void *smm_vmalloc(struct smm_vmalloc *vm, unsigned long size);
void *smm_vzalloc(struct smm_vmalloc *vm, unsigned long size);
void *smm_vmap(struct smm_vmalloc *vm, struct smm_page **pages, unsigned int count);
int smm_vfree(struct smm_vmalloc *vm, const void *addr);
struct smm_page *smm_vmalloc_to_page(struct smm_vmalloc *vm, const void *addr);
u64 smm_vmalloc_shadow_addr(struct smm_vmalloc *vm, const void *addr);
int smm_vmalloc_check(struct smm_vmalloc *vm, struct seq_file *m);
void smm_vmallocinfo_show(struct seq_file *m, struct smm_vmalloc *vm);

#endif /* _SHADOW_MM_VMALLOC_H */
