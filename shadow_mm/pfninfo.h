/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOW_MM_PFNINFO_H
#define _SHADOW_MM_PFNINFO_H

#include <linux/dcache.h>
#include <linux/types.h>

#include "instance.h"

/**
 * enum smm_pfn_owner - who a PFN belongs to, as ``pfnmap`` names it
 * @SMM_PFN_HOLE: no memory there (not in the arena, or an e820 hole)
 * @SMM_PFN_FIRMWARE: reserved by the e820 map
 * @SMM_PFN_EARLY_RES: an early_res reservation other than the mem_map
 * @SMM_PFN_MEMMAP: the mem_map itself (the "MEMMAP" reservations)
 * @SMM_PFN_FREE: usable, not handed to the page allocator
 * @SMM_PFN_BOOTMEM: allocated from bootmem
 * @SMM_PFN_BUDDY: free, in a buddy free list
 * @SMM_PFN_PCP: free, on a per-CPU list
 * @SMM_PFN_ALLOC: allocated from the buddy, no more specific owner
 * @SMM_PFN_SLAB: a slab page or a large kmalloc
 * @SMM_PFN_PGTABLE: a shadow page-table page
 * @SMM_PFN_VMALLOC: backing a shadow vmalloc area
 * @SMM_PFN_USER: mapped to user space through /dev/shadow_mm
 * @SMM_PFN_SWAPCACHE: in the shadow swap cache
 * @SMM_PFN_KMAP: a HighMem page in a pkmap slot with users
 * @SMM_PFN_OWNER_NR: number of owners
 *
 * The memmap's enum smm_owner, refined: EARLY splits into early_res and
 * memmap, and ALLOC into alloc, vmalloc, user, swapcache and kmap.
 */
enum smm_pfn_owner {
	SMM_PFN_HOLE,
	SMM_PFN_FIRMWARE,
	SMM_PFN_EARLY_RES,
	SMM_PFN_MEMMAP,
	SMM_PFN_FREE,
	SMM_PFN_BOOTMEM,
	SMM_PFN_BUDDY,
	SMM_PFN_PCP,
	SMM_PFN_ALLOC,
	SMM_PFN_SLAB,
	SMM_PFN_PGTABLE,
	SMM_PFN_VMALLOC,
	SMM_PFN_USER,
	SMM_PFN_SWAPCACHE,
	SMM_PFN_KMAP,
	SMM_PFN_OWNER_NR,
};

/* &smm_pfninfo.detail: a cache name, an early_res label, or "". */
#define SMM_PFN_DETAIL_LEN	SMM_CACHE_NAME_LEN

/**
 * struct smm_pfninfo - what one PFN is, for pfnmap, kpageflags, kpagecount
 * @kpf: the /proc/kpageflags word (KPF_* bits)
 * @count: the /proc/kpagecount word: the mapcount of a user page, else 0
 * @owner: enum smm_pfn_owner
 * @zone: enum smm_zone_type, or %SMM_NR_ZONES for a hole
 * @e820: enum smm_e820_type of the range that holds the page, 0 if none
 * @order: the order of the block the page belongs to (a free buddy block,
 *	an allocated block with a head), or -1
 * @detail: NUL-terminated, no whitespace; "" for none
 * @flags: the classifier's snapshot of &smm_page.flags
 * @mapping: its snapshot of &smm_page.mapping, as a value, never followed
 *	unless found among the live caches
 * @refcount: its snapshot of &smm_page.refcount
 * @raw_owner: its snapshot of &smm_page.owner, enum smm_owner
 * @in_block: the page is in the block @order describes
 * @block_head: ... and is its head
 * @large_kmalloc: the block is a large kmalloc (its head's flag)
 * @user: on the LRU: a user page
 * @shared: a user page of a MAP_SHARED object (shmem, not anonymous)
 * @vmalloc: in a live vmalloc area's page array
 * @kmap: in a pkmap slot with users
 * @swapcache: in the swap cache
 */
struct smm_pfninfo {
	u64 kpf;
	u64 count;
	u8 owner;
	u8 zone;
	u8 e820;
	s8 order;
	char detail[SMM_PFN_DETAIL_LEN];
	u32 flags;
	unsigned long mapping;
	u16 refcount;
	u8 raw_owner;
	bool in_block;
	bool block_head;
	bool large_kmalloc;
	bool user;
	bool shared;
	bool vmalloc;
	bool kmap;
	bool swapcache;
};

/* PFNs classified at a time: the seq_file's and the binary files' batch. */
#define SMM_PFNINFO_BATCH	256

/* The longest pfnmap record, with its newline and NUL. */
#define SMM_PFNMAP_LINE_LEN	(24 + 8 + 9 + 10 + 4 + SMM_PFN_DETAIL_LEN + 8)

void smm_pfninfo_fill(struct smm_instance *inst, unsigned long pfn, unsigned int nr,
		      struct smm_pfninfo *out, bool detail);
unsigned long smm_pfninfo_max_pfn(const struct smm_instance *inst);
const char *smm_pfn_owner_name(enum smm_pfn_owner owner);
int smm_pfnmap_format(char *buf, size_t len, const struct smm_instance *inst,
		      unsigned long pfn, const struct smm_pfninfo *r);
int smm_kpage_range(const struct smm_instance *inst, loff_t pos, size_t count,
		    unsigned long *pfn, unsigned long *nr);
void smm_pfninfo_debugfs(struct smm_instance *inst, struct dentry *dir);

#endif /* _SHADOW_MM_PFNINFO_H */
