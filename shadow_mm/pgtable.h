/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOW_MM_PGTABLE_H
#define _SHADOW_MM_PGTABLE_H

#include <linux/bits.h>
#include <linux/build_bug.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/types.h>

#include "buddy.h"

/*
 * The x86-64 four-level format: 48-bit virtual addresses, 512 entries of 8
 * bytes per table, one table per 4 KiB page.
 */
#define SMM_PT_ENTRIES		512
#define SMM_PT_SHIFT_PTE	12
#define SMM_PT_SHIFT_PMD	21
#define SMM_PT_SHIFT_PUD	30
#define SMM_PT_SHIFT_PGD	39
#define SMM_PT_VA_BITS		48

static_assert(SMM_PT_ENTRIES * sizeof(u64) == PAGE_SIZE);

/* Entry bits, as arch/x86/include/asm/pgtable_types.h numbers them. */
#define SMM_PTE_PRESENT		BIT_ULL(0)
#define SMM_PTE_RW		BIT_ULL(1)
#define SMM_PTE_USER		BIT_ULL(2)
#define SMM_PTE_ACCESSED	BIT_ULL(5)
#define SMM_PTE_DIRTY		BIT_ULL(6)
/* A PMD entry that maps 2 MiB itself (a large page); only the direct map has them. */
#define SMM_PTE_PSE		BIT_ULL(7)
#define SMM_PTE_GLOBAL		BIT_ULL(8)
#define SMM_PTE_NX		BIT_ULL(63)
#define SMM_PTE_PFN_MASK	GENMASK_ULL(51, 12)
#define SMM_PTE_FLAGS_MASK	(SMM_PTE_PRESENT | SMM_PTE_RW | SMM_PTE_USER | \
				 SMM_PTE_ACCESSED | SMM_PTE_DIRTY | SMM_PTE_NX)
/* What a table entry (not a leaf) carries. */
#define SMM_PTE_TABLE		(SMM_PTE_PRESENT | SMM_PTE_RW | SMM_PTE_ACCESSED)

/**
 * enum smm_pt_level - the levels of the tables, top first
 * @SMM_PT_PGD: page global directory
 * @SMM_PT_PUD: page upper directory
 * @SMM_PT_PMD: page middle directory
 * @SMM_PT_PTE: page table
 * @SMM_PT_LEVELS: number of levels
 */
enum smm_pt_level {
	SMM_PT_PGD,
	SMM_PT_PUD,
	SMM_PT_PMD,
	SMM_PT_PTE,
	SMM_PT_LEVELS,
};

/**
 * struct smm_pgtable - one set of shadow page tables
 * @arena: the memory the tables and the pages they map live in
 * @broken: the instance's broken flag
 * @buddy: where table pages come from once the buddy allocator runs, or
 *	NULL before (never highmem: tables are read through the host's
 *	direct map)
 * @boot_alloc: where table pages come from before that, or NULL:
 *	alloc_low_page() or alloc_bootmem_low_pages(), a zeroed low page
 *	that stays reserved for good; returns its PFN, or 0 if none is left
 * @boot_ctx: passed to @boot_alloc
 * @lock: protects every table of this set, @tables and @boot_tables
 * @pgd_pfn: shadow PFN of the top-level table
 * @tables: table pages per level, the PGD included
 * @boot_tables: of those, the ones made before the buddy allocator (the
 *	PGD in the kernel image, the temporary table, "PGTABLE", bootmem's):
 *	marked PG_reserved and never freed, as the kernel never frees them
 * @orphans: boot tables a large page replaced (kernel_physical_mapping_init()
 *	leaves them reserved, unused)
 *
 * The tables are real x86-64 tables in arena pages, walked in software.
 * An entry holds a shadow PFN.
 */
struct smm_pgtable {
	struct smm_arena *arena;
	bool *broken;
	struct smm_buddy *buddy;
	unsigned long (*boot_alloc)(void *ctx);
	void *boot_ctx;
	struct mutex lock;	/* protects the tables and @tables */
	unsigned long pgd_pfn;
	unsigned long tables[SMM_PT_LEVELS];
	unsigned long boot_tables;
	unsigned long orphans;
};

/**
 * struct smm_pt_linear - what smm_pgtable_map_linear() did
 * @large: 2 MiB entries written
 * @small: 4 KiB entries written
 */
struct smm_pt_linear {
	unsigned long large;
	unsigned long small;
};

/**
 * struct smm_pt_walk - what a walk of one address found
 * @va: the address
 * @entry: the entry read at each level; 0 below where the walk stopped
 * @table_pfn: the table read at each level
 * @levels: how many levels were read
 */
struct smm_pt_walk {
	u64 va;
	u64 entry[SMM_PT_LEVELS];
	unsigned long table_pfn[SMM_PT_LEVELS];
	unsigned int levels;
};

/**
 * struct smm_pte_ref - a leaf entry held by smm_pgtable_pte_lock()
 * @pte: the entry, in its PTE table
 * @table_pfn: shadow PFN of that table, whose descriptor counts its
 *	present entries
 */
struct smm_pte_ref {
	u64 *pte;
	unsigned long table_pfn;
};

int smm_pgtable_init(struct smm_pgtable *pt, struct smm_buddy *b);
int smm_pgtable_init_boot(struct smm_pgtable *pt, struct smm_arena *a, bool *broken,
			  unsigned long pgd_pfn);
void smm_pgtable_set_boot_alloc(struct smm_pgtable *pt, unsigned long (*fn)(void *ctx),
				void *ctx);
void smm_pgtable_attach(struct smm_pgtable *pt, struct smm_buddy *b);
int smm_pgtable_map_linear(struct smm_pgtable *pt, u64 va, unsigned long pfn,
			   unsigned long nr, bool large, u64 flags, struct smm_pt_linear *done);
long smm_pgtable_check_linear(struct smm_pgtable *pt, u64 va, unsigned long nr,
			      bool (*table_ok)(void *ctx, unsigned long pfn), void *ctx,
			      struct seq_file *m);
void smm_pgtable_destroy(struct smm_pgtable *pt);
int smm_pgtable_set(struct smm_pgtable *pt, u64 va, unsigned long pfn, u64 flags);
int smm_pgtable_get(struct smm_pgtable *pt, u64 va, u64 *pte);
int smm_pgtable_pte_lock(struct smm_pgtable *pt, u64 va, struct smm_pte_ref *ref);
int smm_pgtable_set_pte(struct smm_pgtable *pt, const struct smm_pte_ref *ref,
			unsigned long pfn, u64 flags);
void smm_pgtable_pte_unlock(struct smm_pgtable *pt, struct smm_pte_ref *ref);
int smm_pgtable_pte_lookup(struct smm_pgtable *pt, u64 va, struct smm_pte_ref *ref);
void smm_pgtable_pte_write(struct smm_pgtable *pt, const struct smm_pte_ref *ref, u64 val);
int smm_pgtable_clear(struct smm_pgtable *pt, u64 va, u64 *old);
int smm_pgtable_map_pages(struct smm_pgtable *pt, u64 va, struct smm_page **pages,
			  unsigned int nr, u64 flags);
long smm_pgtable_unmap_kernel_range(struct smm_pgtable *pt, u64 start, u64 end);
int smm_pgtable_pin(struct smm_pgtable *pt, u64 va);
int smm_pgtable_unpin(struct smm_pgtable *pt, u64 va);
u64 *smm_pgtable_pte_table(struct smm_pgtable *pt, u64 va);
long smm_pgtable_unmap_range(struct smm_pgtable *pt, u64 start, u64 end,
			     void (*fn)(void *ctx, u64 va, u64 pte), void *ctx);
void smm_pgtable_walk(struct smm_pgtable *pt, u64 va, struct smm_pt_walk *w);
unsigned long smm_pgtable_pages(const struct smm_pgtable *pt);
const char *smm_pt_level_name(enum smm_pt_level level);
void smm_pgtable_show_walk(struct seq_file *m, const struct smm_pt_walk *w);

/**
 * smm_pt_index() - an address's index into the table of a level
 * @va: the address
 * @level: the level
 *
 * Return: bits [shift + 8, shift] of @va, shift being the level's.
 */
static inline unsigned int smm_pt_index(u64 va, enum smm_pt_level level)
{
	static const unsigned int shift[SMM_PT_LEVELS] = {
		SMM_PT_SHIFT_PGD, SMM_PT_SHIFT_PUD, SMM_PT_SHIFT_PMD, SMM_PT_SHIFT_PTE,
	};

	return (va >> shift[level]) & (SMM_PT_ENTRIES - 1);
}

/**
 * smm_pte_pfn() - the shadow PFN an entry points at
 * @pte: the entry
 *
 * Return: bits 51..12 of @pte, shifted down.
 */
static inline unsigned long smm_pte_pfn(u64 pte)
{
	return (pte & SMM_PTE_PFN_MASK) >> PAGE_SHIFT;
}

/**
 * smm_mk_pte() - a present leaf entry
 * @pfn: the shadow PFN it maps
 * @flags: SMM_PTE_* bits
 *
 * Return: the entry, as smm_pgtable_set() writes it.
 */
static inline u64 smm_mk_pte(unsigned long pfn, u64 flags)
{
	return ((u64)pfn << PAGE_SHIFT) | flags | SMM_PTE_PRESENT;
}

#endif /* _SHADOW_MM_PGTABLE_H */
