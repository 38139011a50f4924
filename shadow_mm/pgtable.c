// SPDX-License-Identifier: GPL-2.0
/*
 * shadow_mm page tables: real x86-64 four-level tables, walked in software.
 */

/**
 * DOC: page tables
 *
 * A module cannot write the page tables the host's CPU walks for kernel
 * addresses.  So the shadow tables are kept as data: real x86-64 tables,
 * PGD, PUD, PMD and PTE, 512 eight-byte entries each, every table one
 * page.  An entry carries a shadow PFN and the present, RW, user,
 * accessed, dirty, PSE, global and NX bits at their x86 places; a PMD
 * entry with PSE maps 2 MiB itself, as the direct map's do.  The tables
 * are read and written through the host's direct map of the arena, which
 * is why table pages never come from shadow highmem.
 *
 * Table pages come from the buddy allocator, except during the bring-up:
 * the kernel's set starts from swapper_pg_dir in the image and the
 * temporary table after it (smm_pgtable_init_boot() adopts them once
 * their descriptors exist), then takes pages from alloc_low_page() in
 * init_memory_mapping() and from bootmem in paging_init()
 * (smm_pgtable_set_boot_alloc()), and from the buddy allocator once
 * mem_init() has run (smm_pgtable_attach()).  Those boot tables are
 * PG_reserved and never freed, even when empty, as the kernel never frees
 * its early page tables.
 *
 * smm_pgtable_set() allocates the missing tables on the way down, as
 * pte_alloc_kernel() does; smm_pgtable_clear() frees each table that becomes
 * empty on the way back up, as free_pgtables() would.  A fault handler,
 * which must look at an entry before it fills it, does both in one walk:
 * smm_pgtable_pte_lock() returns the entry with the lock held, as
 * pte_offset_map_lock() does, smm_pgtable_set_pte() fills it in place, and
 * smm_pgtable_pte_unlock() lets go.  Each table's page
 * descriptor counts its present entries (&smm_page.refcount), so "empty"
 * costs nothing to know.  A walk records the
 * entry of every level, so a reader can follow an address down the tables.
 *
 * Lock order: smm_pgtable.lock (every table of one set), then the buddy
 * allocator's locks.
 */

#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "common.h"
#include "pgtable.h"

static const char *const level_names[SMM_PT_LEVELS] = {
	[SMM_PT_PGD] = "PGD",
	[SMM_PT_PUD] = "PUD",
	[SMM_PT_PMD] = "PMD",
	[SMM_PT_PTE] = "PTE",
};

/**
 * smm_pt_level_name() - name of a level
 * @level: the level
 *
 * Return: "PGD", "PUD", "PMD", "PTE" or "?".
 */
const char *smm_pt_level_name(enum smm_pt_level level)
{
	return level < SMM_PT_LEVELS ? level_names[level] : "?";
}

static inline u64 *table_of(struct smm_pgtable *pt, unsigned long pfn)
{
	return smm_arena_pfn_to_virt(pt->arena, pfn);
}

/* The present entries of the table at @pfn live in its descriptor. */
static inline u16 *entries_of(struct smm_pgtable *pt, unsigned long pfn)
{
	return &smm_pfn_to_page(pt->arena, pfn)->refcount;
}

/* A boot table: reserved memory, never given back (see @boot_tables). */
static inline bool is_boot_table(struct smm_pgtable *pt, unsigned long pfn)
{
	return smm_page_test(smm_pfn_to_page(pt->arena, pfn), SMM_PG_RESERVED);
}

/* Make the descriptor of a boot table say so. */
static void adopt(struct smm_pgtable *pt, unsigned long pfn, enum smm_pt_level level,
		  u16 entries)
{
	struct smm_page *page = smm_pfn_to_page(pt->arena, pfn);

	WRITE_ONCE(page->owner, SMM_OWNER_PGTABLE);
	smm_page_set(page, SMM_PG_RESERVED);
	page->refcount = entries;
	pt->tables[level]++;
	pt->boot_tables++;
}

/*
 * A zeroed table page, owned by the page tables; 0 if none is left.
 * During bring-up it comes from the boot source (alloc_low_page(),
 * alloc_bootmem_low_pages()), afterwards from the buddy allocator.
 */
static unsigned long table_alloc(struct smm_pgtable *pt, enum smm_pt_level level)
{
	struct smm_page *page;
	unsigned long pfn;

	if (pt->boot_alloc) {
		pfn = pt->boot_alloc(pt->boot_ctx);
		if (!pfn || SMM_WARN_ON(pt->broken, !smm_arena_pfn_valid(pt->arena, pfn)))
			return 0;
		clear_page(table_of(pt, pfn));
		adopt(pt, pfn, level, 0);
		return pfn;
	}
	if (!pt->buddy)
		return 0;
	page = smm_alloc_pages(pt->buddy, SMM_GFP_KERNEL | __SMM_GFP_ZERO |
			       __SMM_GFP_SITE(SMM_SITE_PGTABLE), 0);
	if (IS_ERR(page))
		return 0;
	WRITE_ONCE(page->owner, SMM_OWNER_PGTABLE);
	page->refcount = 0;
	pt->tables[level]++;
	return smm_page_to_pfn(pt->arena, page);
}

static void table_free(struct smm_pgtable *pt, unsigned long pfn, enum smm_pt_level level)
{
	struct smm_page *page = smm_pfn_to_page(pt->arena, pfn);

	/* Boot tables are reserved memory; they go with the arena. */
	if (is_boot_table(pt, pfn))
		return;
	WRITE_ONCE(page->owner, SMM_OWNER_ALLOC);
	page->refcount = 1;
	pt->tables[level]--;
	smm_free_pages(pt->buddy, page, 0);
}

/* Canonical: bits 63..47 all equal, as the CPU demands. */
static bool canonical(u64 va)
{
	return (u64)((s64)(va << (64 - SMM_PT_VA_BITS)) >> (64 - SMM_PT_VA_BITS)) == va;
}

/*
 * [start, end) is a page-aligned range inside one canonical half: a range
 * from the lower half to the upper one would walk the non-canonical hole.
 */
static bool canonical_range(u64 start, u64 end)
{
	return start < end && canonical(start) && canonical(end - 1) &&
	       !((start ^ (end - 1)) & BIT_ULL(63)) && !((start | end) & ~PAGE_MASK);
}

/**
 * smm_pgtable_init() - an empty set of tables: one PGD
 * @pt: the set
 * @b: the buddy allocator its tables come from
 *
 * Return: 0, or -ENOMEM.
 * Context: process context.
 */
int smm_pgtable_init(struct smm_pgtable *pt, struct smm_buddy *b)
{
	memset(pt, 0, sizeof(*pt));
	pt->arena = b->arena;
	pt->broken = b->broken;
	pt->buddy = b;
	mutex_init(&pt->lock);
	pt->pgd_pfn = table_alloc(pt, SMM_PT_PGD);
	return pt->pgd_pfn ? 0 : -ENOMEM;
}

/* Count the tables under @pfn of @level, and the present entries of each. */
static int adopt_tree(struct smm_pgtable *pt, unsigned long pfn, enum smm_pt_level level)
{
	u64 *table = table_of(pt, pfn);
	unsigned int i, n = 0;
	int ret;

	for (i = 0; i < SMM_PT_ENTRIES; i++) {
		if (!(table[i] & SMM_PTE_PRESENT))
			continue;
		n++;
		if (level == SMM_PT_PTE || (level == SMM_PT_PMD && (table[i] & SMM_PTE_PSE)))
			continue;
		if (!smm_arena_pfn_valid(pt->arena, smm_pte_pfn(table[i])))
			return -EINVAL;
		ret = adopt_tree(pt, smm_pte_pfn(table[i]), level + 1);
		if (ret)
			return ret;
	}
	adopt(pt, pfn, level, n);
	return 0;
}

/**
 * smm_pgtable_init_boot() - the kernel's set, from its static top level
 * @pt: the set
 * @a: the arena, its mem_map initialised
 * @broken: the instance's broken flag
 * @pgd_pfn: the top-level table, in the kernel image (swapper_pg_dir),
 *	and whatever tables it already leads to (the temporary page table
 *	head_32.S built before any allocator existed)
 *
 * The tables found are adopted: their descriptors, which did not exist
 * when the tables were written, now say page table, reserved, and how many
 * entries each table has.  New tables come from nowhere until
 * smm_pgtable_set_boot_alloc() or smm_pgtable_attach() names a source.
 *
 * Return: 0, or -EINVAL if an entry points outside the arena.
 * Context: process context, during bring-up.
 */
int smm_pgtable_init_boot(struct smm_pgtable *pt, struct smm_arena *a, bool *broken,
			  unsigned long pgd_pfn)
{
	memset(pt, 0, sizeof(*pt));
	pt->arena = a;
	pt->broken = broken;
	mutex_init(&pt->lock);
	if (!smm_arena_pfn_valid(a, pgd_pfn))
		return -EINVAL;
	pt->pgd_pfn = pgd_pfn;
	return adopt_tree(pt, pgd_pfn, SMM_PT_PGD);
}

/**
 * smm_pgtable_set_boot_alloc() - where the next table pages come from
 * @pt: the set
 * @fn: the boot source, or NULL for none
 * @ctx: passed to @fn
 *
 * init_memory_mapping() uses alloc_low_page(), paging_init()
 * alloc_bootmem_low_pages(): one_page_table_init() chose by
 * after_init_bootmem.
 *
 * Context: during bring-up.
 */
void smm_pgtable_set_boot_alloc(struct smm_pgtable *pt, unsigned long (*fn)(void *ctx),
				void *ctx)
{
	mutex_lock(&pt->lock);
	pt->boot_alloc = fn;
	pt->boot_ctx = ctx;
	mutex_unlock(&pt->lock);
}

/**
 * smm_pgtable_attach() - take table pages from the buddy allocator from now on
 * @pt: the set
 * @b: the buddy allocator, with its pages
 *
 * Context: during bring-up, after mem_init().
 */
void smm_pgtable_attach(struct smm_pgtable *pt, struct smm_buddy *b)
{
	mutex_lock(&pt->lock);
	pt->boot_alloc = NULL;
	pt->boot_ctx = NULL;
	pt->buddy = b;
	mutex_unlock(&pt->lock);
}

/* Free the table at @pfn of @level and everything below it. */
static void free_tree(struct smm_pgtable *pt, unsigned long pfn, enum smm_pt_level level)
{
	u64 *table = table_of(pt, pfn);
	unsigned int i;

	if (level < SMM_PT_PTE) {
		for (i = 0; i < SMM_PT_ENTRIES; i++)
			if ((table[i] & SMM_PTE_PRESENT) &&
			    !(level == SMM_PT_PMD && (table[i] & SMM_PTE_PSE)))
				free_tree(pt, smm_pte_pfn(table[i]), level + 1);
	}
	table_free(pt, pfn, level);
}

/**
 * smm_pgtable_destroy() - free every table
 * @pt: the set; the pages its leaves point at are not touched
 *
 * Context: process context.
 */
void smm_pgtable_destroy(struct smm_pgtable *pt)
{
	if (!pt->pgd_pfn)
		return;
	mutex_lock(&pt->lock);
	free_tree(pt, pt->pgd_pfn, SMM_PT_PGD);
	pt->pgd_pfn = 0;
	mutex_unlock(&pt->lock);
}

/*
 * The table of level @last (the PTE table, or the PMD table for a large
 * page) covering @va, allocating the missing tables on the way down as
 * pte_alloc_kernel() does; 0 if a table cannot be had or a large page
 * covers @va (tables allocated on the way stay, empty, until a mapping
 * below them is made and cleared, or the set is destroyed).
 */
static unsigned long __populate_to(struct smm_pgtable *pt, u64 va, enum smm_pt_level last)
{
	unsigned long table = pt->pgd_pfn;
	enum smm_pt_level level;

	lockdep_assert_held(&pt->lock);
	for (level = SMM_PT_PGD; level < last; level++) {
		u64 *e = &table_of(pt, table)[smm_pt_index(va, level)];

		/* A large page has no table below it to fill. */
		if (*e & SMM_PTE_PSE)
			return 0;
		if (!(*e & SMM_PTE_PRESENT)) {
			unsigned long next = table_alloc(pt, level + 1);

			if (!next)
				return 0;
			*e = ((u64)next << PAGE_SHIFT) | SMM_PTE_TABLE;
			(*entries_of(pt, table))++;
		}
		table = smm_pte_pfn(*e);
	}
	return table;
}

/* The PTE table covering @va; see __populate_to(). */
static unsigned long __populate(struct smm_pgtable *pt, u64 va)
{
	return __populate_to(pt, va, SMM_PT_PTE);
}

/**
 * smm_pgtable_pte_lock() - pte_alloc_map_lock(): the entry of an address, locked
 * @pt: the set
 * @va: canonical, page-aligned address
 * @ref: filled with the entry and its PTE table
 *
 * One walk down, allocating the missing tables as pte_alloc_kernel()
 * does; the set's lock stays held, so that the caller reads the entry and,
 * if it is empty, fills it with smm_pgtable_set_pte() without a second
 * walk, as a fault handler does with pte_offset_map_lock() and set_pte().
 * smm_pgtable_pte_unlock() ends it.
 *
 * Return: 0 with the lock held; -EINVAL for a bad address or -ENOMEM if a
 * table cannot be had, without the lock (tables allocated on the way
 * stay, empty, until a mapping below them is made and cleared, or the set
 * is destroyed).
 * Context: process context; sleeps.  Nothing else of @pt may be called
 * until the unlock.
 */
int smm_pgtable_pte_lock(struct smm_pgtable *pt, u64 va, struct smm_pte_ref *ref)
{
	unsigned long table;

	if (!canonical(va) || (va & ~PAGE_MASK))
		return -EINVAL;
	mutex_lock(&pt->lock);
	table = __populate(pt, va);
	if (!table) {
		mutex_unlock(&pt->lock);
		return -ENOMEM;
	}
	ref->table_pfn = table;
	ref->pte = &table_of(pt, table)[smm_pt_index(va, SMM_PT_PTE)];
	return 0;
}

/**
 * smm_pgtable_set_pte() - set_pte(): fill the entry held by smm_pgtable_pte_lock()
 * @pt: the set
 * @ref: the entry, from smm_pgtable_pte_lock()
 * @pfn: shadow PFN of the page
 * @flags: SMM_PTE_* bits; present is implied
 *
 * The entry is counted in its table, so smm_pgtable_clear() and
 * smm_pgtable_unmap_range() free the table when it empties again.
 *
 * Return: 0; -EINVAL for a bad PFN or flags; -EBUSY if the entry is
 * present.  The entry is unchanged on error.
 * Context: between smm_pgtable_pte_lock() and smm_pgtable_pte_unlock().
 */
int smm_pgtable_set_pte(struct smm_pgtable *pt, const struct smm_pte_ref *ref,
			unsigned long pfn, u64 flags)
{
	lockdep_assert_held(&pt->lock);
	if ((flags & ~SMM_PTE_FLAGS_MASK) || !smm_arena_pfn_valid(pt->arena, pfn))
		return -EINVAL;
	if (*ref->pte & SMM_PTE_PRESENT)
		return -EBUSY;
	*ref->pte = smm_mk_pte(pfn, flags);
	(*entries_of(pt, ref->table_pfn))++;
	return 0;
}

/**
 * smm_pgtable_pte_unlock() - pte_unmap_unlock(): let go of the entry
 * @pt: the set
 * @ref: the entry, from smm_pgtable_pte_lock(); no longer valid after
 *
 * Context: after a successful smm_pgtable_pte_lock().
 */
void smm_pgtable_pte_unlock(struct smm_pgtable *pt, struct smm_pte_ref *ref)
{
	lockdep_assert_held(&pt->lock);
	ref->pte = NULL;
	mutex_unlock(&pt->lock);
}

static u64 __walk(struct smm_pgtable *pt, u64 va, struct smm_pt_walk *w);

/**
 * smm_pgtable_pte_lookup() - pte_offset_map_lock() without allocating
 * @pt: the set
 * @va: canonical, page-aligned address
 * @ref: filled with the entry and its PTE table
 *
 * As smm_pgtable_pte_lock(), but a missing table is not made: a reader
 * (reclaim, the checker, fork's copy) has nothing to look at there.
 *
 * Return: 0 with the lock held; -EINVAL for a bad address, -ENOENT if no
 * PTE table covers @va, without the lock.
 * Context: process context; sleeps.
 */
int smm_pgtable_pte_lookup(struct smm_pgtable *pt, u64 va, struct smm_pte_ref *ref)
{
	struct smm_pt_walk w;

	if (!canonical(va) || (va & ~PAGE_MASK))
		return -EINVAL;
	mutex_lock(&pt->lock);
	__walk(pt, va, &w);
	if (w.levels < SMM_PT_LEVELS) {
		mutex_unlock(&pt->lock);
		return -ENOENT;
	}
	ref->table_pfn = w.table_pfn[SMM_PT_PTE];
	ref->pte = &table_of(pt, ref->table_pfn)[smm_pt_index(va, SMM_PT_PTE)];
	return 0;
}

/**
 * smm_pgtable_pte_write() - set_pte_at() of any leaf value
 * @pt: the set
 * @ref: the entry, from smm_pgtable_pte_lock() or smm_pgtable_pte_lookup()
 * @val: the new entry: 0, a present entry (smm_mk_pte()) or a not-present
 *	one of the caller's (a swap entry)
 *
 * The table's count of used entries follows: a table whose last entry is
 * written 0 stays until smm_pgtable_unmap_range() or the destroy.  No
 * check of @val: the caller owns the format of user entries.
 *
 * Context: between the lock and the unlock.
 */
void smm_pgtable_pte_write(struct smm_pgtable *pt, const struct smm_pte_ref *ref, u64 val)
{
	u64 old = *ref->pte;

	lockdep_assert_held(&pt->lock);
	if (!old && val)
		(*entries_of(pt, ref->table_pfn))++;
	else if (old && !val)
		(*entries_of(pt, ref->table_pfn))--;
	WRITE_ONCE(*ref->pte, val);
}

/**
 * smm_pgtable_set() - map one page
 * @pt: the set
 * @va: canonical, page-aligned address
 * @pfn: shadow PFN of the page
 * @flags: SMM_PTE_* bits; present is implied
 *
 * Missing tables are allocated on the way down: smm_pgtable_pte_lock(),
 * smm_pgtable_set_pte() and the unlock in one call.
 *
 * Return: 0; -EINVAL for a bad address, PFN or flags; -EBUSY if @va is
 * mapped already; -ENOMEM if a table cannot be had (tables allocated on
 * the way stay, empty, until a mapping below them is made and cleared, or
 * the set is destroyed).
 * Context: process context.
 */
int smm_pgtable_set(struct smm_pgtable *pt, u64 va, unsigned long pfn, u64 flags)
{
	struct smm_pte_ref ref;
	int ret;

	if ((flags & ~SMM_PTE_FLAGS_MASK) || !smm_arena_pfn_valid(pt->arena, pfn))
		return -EINVAL;
	ret = smm_pgtable_pte_lock(pt, va, &ref);
	if (ret)
		return ret;
	ret = smm_pgtable_set_pte(pt, &ref, pfn, flags);
	smm_pgtable_pte_unlock(pt, &ref);
	return ret;
}

/**
 * smm_pgtable_map_pages() - map pages at consecutive addresses
 * @pt: the set
 * @va: canonical, page-aligned address of the first
 * @pages: the pages
 * @nr: how many
 * @flags: SMM_PTE_* bits; present is implied
 *
 * vmap_pages_range() for the shadow: one lock and one walk per PTE table,
 * not per page.  All or nothing.
 *
 * Return: 0; -EINVAL for a bad address, range or flags; -EBUSY if a page
 * of the range is mapped already; -ENOMEM if a table cannot be had.  On
 * error nothing of the range is left mapped.
 * Context: process context.
 */
int smm_pgtable_map_pages(struct smm_pgtable *pt, u64 va, struct smm_page **pages,
			  unsigned int nr, u64 flags)
{
	struct smm_arena *a = pt->arena;
	u64 end = va + ((u64)nr << PAGE_SHIFT);
	unsigned long table = 0;
	unsigned int i;
	int ret = 0;

	if (!nr || !canonical_range(va, end) || (flags & ~SMM_PTE_FLAGS_MASK))
		return -EINVAL;
	mutex_lock(&pt->lock);
	for (i = 0; i < nr; i++) {
		u64 addr = va + ((u64)i << PAGE_SHIFT);
		unsigned int idx = smm_pt_index(addr, SMM_PT_PTE);
		unsigned long pfn = smm_page_to_pfn(a, pages[i]);
		u64 *e;

		if (!smm_arena_pfn_valid(a, pfn)) {
			ret = -EINVAL;
			break;
		}
		if (!table || !idx) {
			table = __populate(pt, addr);
			if (!table) {
				ret = -ENOMEM;
				break;
			}
		}
		e = &table_of(pt, table)[idx];
		if (*e & SMM_PTE_PRESENT) {
			ret = -EBUSY;
			break;
		}
		*e = smm_mk_pte(pfn, flags);
		(*entries_of(pt, table))++;
	}
	mutex_unlock(&pt->lock);
	if (ret && i)
		smm_pgtable_unmap_range(pt, va, va + ((u64)i << PAGE_SHIFT), NULL, NULL);
	return ret;
}

/**
 * smm_pgtable_map_linear() - kernel_physical_mapping_init() for one range
 * @pt: the set
 * @va: where the first page goes, page-aligned (2 MiB-aligned if @large)
 * @pfn: the first shadow PFN; holes may be mapped too, as the kernel's
 *	direct map covers them
 * @nr: pages (a multiple of 512 if @large)
 * @large: map with 2 MiB PMD entries (PSE) instead of PTE tables
 * @flags: SMM_PTE_* bits of the leaves (%SMM_PTE_GLOBAL allowed)
 * @done: what was written, added to
 *
 * An entry already present is overwritten, as set_pte()/set_pmd() in
 * kernel_physical_mapping_init() do: the temporary table's entries get
 * their final flags, and a PTE table that a large page replaces is left
 * as it is, reserved and unused (&smm_pgtable.orphans).
 *
 * Return: 0; -EINVAL for a misaligned or non-canonical range or bad
 * flags; -ENOMEM if a table cannot be had (what was mapped stays).
 * Context: process context, during bring-up.
 */
int smm_pgtable_map_linear(struct smm_pgtable *pt, u64 va, unsigned long pfn,
			   unsigned long nr, bool large, u64 flags, struct smm_pt_linear *done)
{
	const unsigned long step = large ? SMM_PT_ENTRIES : 1;
	u64 end = va + ((u64)nr << PAGE_SHIFT);
	unsigned long table = 0, i;
	int ret = 0;

	if (!nr || !canonical_range(va, end) ||
	    (flags & ~(SMM_PTE_FLAGS_MASK | SMM_PTE_GLOBAL)) ||
	    (large && ((va | ((u64)pfn << PAGE_SHIFT) | end) & (BIT_ULL(SMM_PT_SHIFT_PMD) - 1))))
		return -EINVAL;
	mutex_lock(&pt->lock);
	for (i = 0; i < nr; i += step) {
		u64 addr = va + ((u64)i << PAGE_SHIFT);
		enum smm_pt_level level = large ? SMM_PT_PMD : SMM_PT_PTE;
		unsigned int idx = smm_pt_index(addr, level);
		u64 *e;

		if (!table || !idx) {
			table = __populate_to(pt, addr, level);
			if (!table) {
				ret = -ENOMEM;
				break;
			}
		}
		e = &table_of(pt, table)[idx];
		if (!(*e & SMM_PTE_PRESENT))
			(*entries_of(pt, table))++;
		else if (large && !(*e & SMM_PTE_PSE))
			pt->orphans++;	/* the table below stays, reserved */
		*e = smm_mk_pte(pfn + i, flags | (large ? SMM_PTE_PSE : 0));
		if (large)
			done->large++;
		else
			done->small++;
	}
	mutex_unlock(&pt->lock);
	return ret;
}

/**
 * smm_pgtable_check_linear() - does a linear mapping map what it should?
 * @pt: the set
 * @va: the address of PFN 0's page
 * @nr: PFNs that must be mapped, [0, @nr)
 * @table_ok: says whether a table page is one the map may use, or NULL
 * @ctx: passed to @table_ok
 * @m: where to report each disagreement, or NULL
 *
 * Every page of [@va, @va + @nr pages) must resolve, through a PTE or a
 * 2 MiB entry, to its own PFN; the page after the last must not be
 * mapped unless a large page covering the last maps it; and every table
 * on the way must pass @table_ok.  One walk per PTE table or large page.
 *
 * Return: the number of disagreements, or -EINVAL for a bad range.
 * Context: process context; sleeps.
 */
long smm_pgtable_check_linear(struct smm_pgtable *pt, u64 va, unsigned long nr,
			      bool (*table_ok)(void *ctx, unsigned long pfn), void *ctx,
			      struct seq_file *m)
{
	unsigned long pfn = 0, span, k, last_table[SMM_PT_LEVELS] = { 0 };
	struct smm_pt_walk w;
	long bad = 0;
	u64 leaf;
	int l;

	if (!nr || !canonical_range(va, va + ((u64)nr << PAGE_SHIFT)))
		return -EINVAL;
	mutex_lock(&pt->lock);
	while (pfn < nr) {
		u64 addr = va + ((u64)pfn << PAGE_SHIFT);

		leaf = __walk(pt, addr, &w);
		for (l = 0; l < w.levels && table_ok; l++) {
			if (w.table_pfn[l] == last_table[l])
				continue;
			last_table[l] = w.table_pfn[l];
			if (!table_ok(ctx, w.table_pfn[l])) {
				bad++;
				if (m)
					seq_printf(m, "linear map: %s table pfn %#lx is not a boot table\n",
						   level_names[l], w.table_pfn[l]);
			}
		}
		if (!leaf) {
			bad++;
			if (m)
				seq_printf(m, "linear map: %#llx (pfn %#lx) is not mapped\n",
					   addr, pfn);
			span = 1;
		} else if (w.levels == SMM_PT_PMD + 1) {
			/* A large page maps [its pfn, +512). */
			unsigned long first = pfn & ~(SMM_PT_ENTRIES - 1UL);

			if (smm_pte_pfn(leaf) != first) {
				bad++;
				if (m)
					seq_printf(m, "linear map: 2 MiB at %#llx maps pfn %#lx, not %#lx\n",
						   addr, smm_pte_pfn(leaf), first);
			}
			span = first + SMM_PT_ENTRIES - pfn;
		} else {
			/* The rest of this PTE table, read without a walk each. */
			u64 *t = table_of(pt, w.table_pfn[SMM_PT_PTE]);
			unsigned int idx = smm_pt_index(addr, SMM_PT_PTE);

			span = min_t(unsigned long, SMM_PT_ENTRIES - idx, nr - pfn);
			for (k = 0; k < span; k++) {
				u64 e = t[idx + k];

				if ((e & SMM_PTE_PRESENT) && smm_pte_pfn(e) == pfn + k)
					continue;
				bad++;
				if (m)
					seq_printf(m, "linear map: %#llx maps %#llx, not pfn %#lx\n",
						   addr + ((u64)k << PAGE_SHIFT), e, pfn + k);
			}
		}
		pfn += span;
	}
	/* Nothing past the end, unless the last large page covers it. */
	if (pfn == nr && __walk(pt, va + ((u64)nr << PAGE_SHIFT), &w)) {
		bad++;
		if (m)
			seq_printf(m, "linear map: %#llx past the end is mapped\n",
				   va + ((u64)nr << PAGE_SHIFT));
	}
	mutex_unlock(&pt->lock);
	return bad;
}

/**
 * smm_pgtable_pin() - make the page table of an address, and keep it
 * @pt: the set
 * @va: canonical address
 *
 * Allocates the tables down to the PTE table covering @va and holds it, so
 * that clearing the last entry in it does not free it.  This is how the
 * pkmap window gets its table once, as permanent_kmaps_init() does: later
 * mappings in it never allocate.
 *
 * Return: 0, -EINVAL for a non-canonical address, or -ENOMEM.
 * Context: process context.
 */
int smm_pgtable_pin(struct smm_pgtable *pt, u64 va)
{
	unsigned long table;

	if (!canonical(va))
		return -EINVAL;
	mutex_lock(&pt->lock);
	table = __populate(pt, va);
	if (table)
		(*entries_of(pt, table))++;
	mutex_unlock(&pt->lock);
	return table ? 0 : -ENOMEM;
}

/* Walk with the lock held; fills @w and returns the leaf entry or 0. */
static u64 __walk(struct smm_pgtable *pt, u64 va, struct smm_pt_walk *w)
{
	unsigned long table = pt->pgd_pfn;
	enum smm_pt_level level;

	lockdep_assert_held(&pt->lock);
	memset(w, 0, sizeof(*w));
	w->va = va;
	for (level = SMM_PT_PGD; level < SMM_PT_LEVELS; level++) {
		u64 e = table_of(pt, table)[smm_pt_index(va, level)];

		w->table_pfn[level] = table;
		w->entry[level] = e;
		w->levels = level + 1;
		if (!(e & SMM_PTE_PRESENT))
			return 0;
		/* A 2 MiB leaf: the walk ends a level early. */
		if (level == SMM_PT_PMD && (e & SMM_PTE_PSE))
			return e;
		table = smm_pte_pfn(e);
	}
	return w->entry[SMM_PT_PTE];
}

/**
 * smm_pgtable_pte_table() - the entries of the PTE table under an address
 * @pt: the set
 * @va: an address whose PTE table is pinned (smm_pgtable_pin())
 *
 * kmap keeps pointers to the PTEs of its windows (pkmap_page_table and
 * kmap_pte) and writes them without a walk; this gives the shadow the
 * same.  Entries written through the pointer are not counted in the
 * table's descriptor: the pin alone keeps the table, and no other call
 * may map or clear an address the table covers.
 *
 * Return: the table's %SMM_PT_ENTRIES entries, or NULL if @va has no PTE
 * table.
 * Context: process context.
 */
u64 *smm_pgtable_pte_table(struct smm_pgtable *pt, u64 va)
{
	struct smm_pt_walk w;
	u64 *table = NULL;

	if (!canonical(va))
		return NULL;
	mutex_lock(&pt->lock);
	__walk(pt, va, &w);
	if (w.levels == SMM_PT_LEVELS)
		table = table_of(pt, w.table_pfn[SMM_PT_PTE]);
	mutex_unlock(&pt->lock);
	return table;
}

/**
 * smm_pgtable_walk() - follow an address down the tables
 * @pt: the set
 * @va: the address
 * @w: filled with what each level holds
 *
 * Context: process context.
 */
void smm_pgtable_walk(struct smm_pgtable *pt, u64 va, struct smm_pt_walk *w)
{
	mutex_lock(&pt->lock);
	if (canonical(va))
		__walk(pt, va, w);
	else
		memset(w, 0, sizeof(*w));
	mutex_unlock(&pt->lock);
}

/**
 * smm_pgtable_get() - the leaf entry of an address
 * @pt: the set
 * @va: the address
 * @pte: where to store the entry
 *
 * Return: 0; -EINVAL for a non-canonical address; -ENOENT if not mapped.
 * Context: process context.
 */
int smm_pgtable_get(struct smm_pgtable *pt, u64 va, u64 *pte)
{
	struct smm_pt_walk w;

	if (!canonical(va))
		return -EINVAL;
	mutex_lock(&pt->lock);
	*pte = __walk(pt, va, &w);
	mutex_unlock(&pt->lock);
	return *pte ? 0 : -ENOENT;
}

/*
 * One entry fewer in the PTE table of a walk: up the tree, an emptied
 * table goes, and its entry in the parent.
 */
static void __put_table(struct smm_pgtable *pt, const struct smm_pt_walk *w)
{
	int level;

	for (level = SMM_PT_PTE; level > SMM_PT_PGD; level--) {
		/* A boot table stays, empty or not, as in the kernel. */
		if (--(*entries_of(pt, w->table_pfn[level])) ||
		    is_boot_table(pt, w->table_pfn[level]))
			return;
		table_free(pt, w->table_pfn[level], level);
		table_of(pt, w->table_pfn[level - 1])[smm_pt_index(w->va, level - 1)] = 0;
	}
	(*entries_of(pt, w->table_pfn[SMM_PT_PGD]))--;
}

/**
 * smm_pgtable_clear() - unmap one page, and free the tables left empty
 * @pt: the set
 * @va: the address
 * @old: where to store the entry that was there, or NULL
 *
 * Return: 0; -EINVAL for a non-canonical or unaligned address; -ENOENT if
 * not mapped.
 * Context: process context.
 */
int smm_pgtable_clear(struct smm_pgtable *pt, u64 va, u64 *old)
{
	struct smm_pt_walk w;
	u64 pte;

	if (!canonical(va) || (va & ~PAGE_MASK))
		return -EINVAL;
	mutex_lock(&pt->lock);
	pte = __walk(pt, va, &w);
	if (!pte) {
		mutex_unlock(&pt->lock);
		return -ENOENT;
	}
	table_of(pt, w.table_pfn[SMM_PT_PTE])[smm_pt_index(va, SMM_PT_PTE)] = 0;
	__put_table(pt, &w);
	mutex_unlock(&pt->lock);
	if (old)
		*old = pte;
	return 0;
}

/**
 * smm_pgtable_unpin() - let go of a table held by smm_pgtable_pin()
 * @pt: the set
 * @va: the address given to smm_pgtable_pin()
 *
 * The table, and the ones above it, go if nothing else is in them.
 *
 * Return: 0, or -ENOENT if no table covers @va (nothing was pinned).
 * Context: process context.
 */
int smm_pgtable_unpin(struct smm_pgtable *pt, u64 va)
{
	struct smm_pt_walk w;
	int ret = -ENOENT;

	if (!canonical(va))
		return -EINVAL;
	mutex_lock(&pt->lock);
	__walk(pt, va, &w);
	if (w.levels == SMM_PT_LEVELS &&
	    !SMM_WARN_ON(pt->broken, !*entries_of(pt, w.table_pfn[SMM_PT_PTE]))) {
		__put_table(pt, &w);
		ret = 0;
	}
	mutex_unlock(&pt->lock);
	return ret;
}

/**
 * smm_pgtable_unmap_kernel_range() - clear a range, keep its tables
 * @pt: the set
 * @start: first address, page-aligned
 * @end: first address past the range, page-aligned
 *
 * vunmap_range_noflush(): the kernel never frees the page tables of its
 * vmalloc space, so the next area there finds them made.  One walk per PTE
 * table, not per page.
 *
 * Return: leaf entries cleared, or -EINVAL for a bad range.
 * Context: process context.
 */
long smm_pgtable_unmap_kernel_range(struct smm_pgtable *pt, u64 start, u64 end)
{
	unsigned long table = 0;
	struct smm_pt_walk w;
	long n = 0;
	u64 va;

	if (!canonical_range(start, end))
		return -EINVAL;
	mutex_lock(&pt->lock);
	for (va = start; va < end && va >= start; va += PAGE_SIZE) {
		unsigned int idx = smm_pt_index(va, SMM_PT_PTE);
		u64 *e;

		if (!table || !idx) {
			__walk(pt, va, &w);
			if (w.levels < SMM_PT_LEVELS) {
				/* No PTE table here: skip what it would cover. */
				table = 0;
				va |= BIT_ULL(SMM_PT_SHIFT_PMD) - 1;
				va -= PAGE_SIZE - 1;
				continue;
			}
			table = w.table_pfn[SMM_PT_PTE];
		}
		e = &table_of(pt, table)[idx];
		if (*e & SMM_PTE_PRESENT) {
			*e = 0;
			(*entries_of(pt, table))--;
			n++;
		}
	}
	mutex_unlock(&pt->lock);
	return n;
}

static const unsigned int level_shift[SMM_PT_LEVELS] = {
	SMM_PT_SHIFT_PGD, SMM_PT_SHIFT_PUD, SMM_PT_SHIFT_PMD, SMM_PT_SHIFT_PTE,
};

/**
 * smm_pgtable_unmap_range() - clear every mapping in a range
 * @pt: the set
 * @start: first address, page-aligned
 * @end: first address past the range, page-aligned
 * @fn: called with each cleared leaf entry, or NULL
 * @ctx: passed to @fn
 *
 * zap_page_range() and free_pgtables() in one: a missing table skips the
 * whole span it would cover, and a table left empty is freed.  A leaf
 * that is not present but not zero (a swap entry of a user table) is
 * cleared and given to @fn as a present one is.  @fn runs
 * with the tables' lock held and must not call back into @pt.
 *
 * Return: leaf entries cleared, or -EINVAL for a bad range.
 * Context: process context.
 */
long smm_pgtable_unmap_range(struct smm_pgtable *pt, u64 start, u64 end,
			     void (*fn)(void *ctx, u64 va, u64 pte), void *ctx)
{
	struct smm_pt_walk w;
	long n = 0;
	u64 va, pte;

	if (!canonical_range(start, end))
		return -EINVAL;
	mutex_lock(&pt->lock);
	for (va = start; va < end && va >= start; ) {
		/* A leaf that is not present but not empty is a swap entry. */
		__walk(pt, va, &w);
		pte = w.levels == SMM_PT_LEVELS ? w.entry[SMM_PT_PTE] : 0;
		if (!pte) {
			/* Skip the span the missing entry would have mapped. */
			va = (va | (BIT_ULL(level_shift[w.levels - 1]) - 1)) + 1;
			continue;
		}
		table_of(pt, w.table_pfn[SMM_PT_PTE])[smm_pt_index(va, SMM_PT_PTE)] = 0;
		__put_table(pt, &w);
		if (fn)
			fn(ctx, va, pte);
		n++;
		va += PAGE_SIZE;
	}
	mutex_unlock(&pt->lock);
	return n;
}

/**
 * smm_pgtable_pages() - table pages in use
 * @pt: the set
 *
 * Return: the sum over the levels, the PGD included.
 */
unsigned long smm_pgtable_pages(const struct smm_pgtable *pt)
{
	unsigned long n = 0;
	int i;

	for (i = 0; i < SMM_PT_LEVELS; i++)
		n += READ_ONCE(pt->tables[i]);
	return n;
}

/**
 * smm_pgtable_show_walk() - print a walk, one line per level
 * @m: the seq_file
 * @w: the walk
 */
void smm_pgtable_show_walk(struct seq_file *m, const struct smm_pt_walk *w)
{
	unsigned int i;

	seq_printf(m, "walk %#018llx:\n", w->va);
	for (i = 0; i < w->levels; i++) {
		u64 e = w->entry[i];

		seq_printf(m, "  %s[%3u] in table pfn %#lx: %#018llx", level_names[i],
			   smm_pt_index(w->va, i), w->table_pfn[i], e);
		if (e & SMM_PTE_PRESENT)
			seq_printf(m, " -> pfn %#lx%s%s%s%s%s%s%s\n", smm_pte_pfn(e),
				   e & SMM_PTE_RW ? " RW" : " RO", e & SMM_PTE_NX ? " NX" : "",
				   e & SMM_PTE_USER ? " USER" : "",
				   e & SMM_PTE_ACCESSED ? " A" : "", e & SMM_PTE_DIRTY ? " D" : "",
				   i == SMM_PT_PMD && (e & SMM_PTE_PSE) ? " PSE (2 MiB)" : "",
				   e & SMM_PTE_GLOBAL ? " G" : "");
		else
			seq_puts(m, " not present\n");
	}
}
