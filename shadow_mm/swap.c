// SPDX-License-Identifier: GPL-2.0
/*
 * shadow_mm swap: a swap area in host memory, with the swap cache.
 */

/**
 * DOC: swap
 *
 * An instance may have one swap area, ``swap_mb`` MiB of host memory that
 * stands in for a disk.  It follows mm/swapfile.c's swap_info_struct in
 * what a reader of the kernel looks for, and leaves out what a disk needs:
 *
 * - The area is ``swap_mb << (20 - PAGE_SHIFT)`` slots of one page.  Slot 0
 *   is the header page of a real swap area (its swap_header) and is
 *   marked %SMM_SWAP_MAP_BAD, so a slot number of 0 means "no slot" and
 *   the usable slots, the kernel's ``si->pages``, are one fewer.
 * - ``swap_map[]`` holds one use count per slot, as in the kernel: the
 *   number of swap entries (shadow PTEs) that name the slot.
 *   smm_swap_alloc() is get_swap_page() (a slot at count 1),
 *   smm_swap_dup() is swap_duplicate() (fork copied a swap entry),
 *   smm_swap_free() is swap_free().  A slot whose count drops to 0 is free
 *   again, and its contents are gone.
 * - A slot's contents live in a host page, allocated on the first
 *   smm_swap_writepage() and freed when the slot is.  smm_swap_writepage()
 *   and smm_swap_readpage() are swap_writepage() / swap_read_folio() with
 *   the bio replaced by copy_page().  They reach the shadow page through
 *   the host's direct map (smm_arena_pfn_to_virt()), even for a shadow
 *   HighMem page: swap I/O stands for DMA, and a device reads and writes
 *   physical memory, with no kernel mapping at all.  So this is the one
 *   place where shadow code touches a HighMem page without a kmap, and it
 *   is right to.
 * - The swap cache (swapper_spaces[] in the kernel, an address_space per
 *   64 MiB of swap) is one xarray, slot -> &struct smm_page.  It lets a
 *   page being swapped out, or a page swapped in that other processes still
 *   know only by its swap entry, be found from the entry.  The kernel keeps
 *   the slot busy while it is cached with the SWAP_HAS_CACHE bit of
 *   swap_map[]; here the caller keeps a count of the slot for its cache
 *   entry.  A slot whose last count goes while it is still cached is a
 *   caller's bug: smm_swap_free() warns once and drops the stale entry, so
 *   the slot is clean when it is reused.
 *
 * Left out: clusters and the per-CPU cluster allocator (the search is
 * cluster_next's linear scan, from where the last one stopped, wrapping
 * once); count continuation pages (a count stops at %SMM_SWAP_MAP_MAX
 * and smm_swap_dup() refuses with -ENOMEM, as __swap_duplicate() does when
 * add_swap_count_continuation() cannot help); priorities and several areas
 * (one area, priority -2, what the first swapon without a priority gets);
 * discard, readahead, bad pages other than the header, and swapoff.
 *
 * Lock order: smm_swap.lock, then the swap cache's xa_lock.
 *
 * - smm_swap.lock protects swap_map[], inuse_pages, next, the host pages
 *   in slots[] and their contents, and the stats.
 * - The xarray's own lock protects the cache and nr_cached.
 */

#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "arena.h"
#include "common.h"
#include "swap.h"
#include "trace.h"

/* What ``swaps`` shows as the area's file, before the instance name. */
#define SWAP_PATH_PREFIX	"/dev/shadow_mm-swap-"

/* A slot that is in the area and is not the header. */
static bool slot_in_area(const struct smm_swap *s, unsigned long slot)
{
	return slot && slot < s->nr_slots;
}

/* ...and that is in use: a count in [1, SMM_SWAP_MAP_MAX]. */
static bool __slot_used(const struct smm_swap *s, unsigned long slot)
{
	lockdep_assert_held(&s->lock);
	return slot_in_area(s, slot) && s->swap_map[slot] &&
	       s->swap_map[slot] != SMM_SWAP_MAP_BAD;
}

/**
 * smm_swap_init() - set up an instance's swap area (swapon)
 * @s: the swap area, zeroed or destroyed
 * @a: the instance's arena, whose pages go to and from the slots
 * @swap_mb: size in MiB, [0, %SMM_SWAP_MAX_MB]; 0: no swap
 *
 * With @swap_mb 0 there are no slots: smm_swap_alloc() returns 0 and the
 * totals are 0, and the swap cache works (it stays empty).  Otherwise the
 * area has ``@swap_mb << (20 - PAGE_SHIFT)`` slots; slot 0 is the header
 * and is never handed out.  No host page is taken until a slot is written.
 *
 * Return: 0; -ERANGE for @swap_mb too big, with a message naming the
 * field; -ENOMEM if the host cannot spare the arrays.  On failure @s holds
 * nothing and smm_swap_destroy() may still be called.
 * Context: process context; sleeps.
 */
int smm_swap_init(struct smm_swap *s, struct smm_arena *a, unsigned int swap_mb)
{
	unsigned long nr = (unsigned long)swap_mb << (20 - PAGE_SHIFT);

	memset(s, 0, sizeof(*s));
	s->arena = a;
	spin_lock_init(&s->lock);
	xa_init(&s->cache);
	s->next = 1;
	if (swap_mb > SMM_SWAP_MAX_MB) {
		smm_bad_input("swap_mb", "%u is outside [0, %u]", swap_mb, SMM_SWAP_MAX_MB);
		return -ERANGE;
	}
	if (!swap_mb)
		return 0;
	s->swap_map = kvcalloc(nr, sizeof(*s->swap_map), GFP_KERNEL);
	s->slots = kvcalloc(nr, sizeof(*s->slots), GFP_KERNEL);
	if (!s->swap_map || !s->slots) {
		kvfree(s->swap_map);
		kvfree(s->slots);
		s->swap_map = NULL;
		s->slots = NULL;
		return -ENOMEM;
	}
	s->swap_map[0] = SMM_SWAP_MAP_BAD;
	s->nr_slots = nr;
	return 0;
}

/**
 * smm_swap_destroy() - give the swap area's memory back (swapoff)
 * @s: the swap area, set up by smm_swap_init() (even if it failed)
 *
 * Frees the host page of every slot and the arrays, whatever the counts
 * are: the processes that held swap entries are gone by now.  The swap
 * cache must be empty; a page still in it is the caller's (it warns once
 * and forgets the entry).  Calling it twice is harmless.
 * Context: process context.
 */
void smm_swap_destroy(struct smm_swap *s)
{
	unsigned long i;

	WARN_ON_ONCE(!xa_empty(&s->cache));
	xa_destroy(&s->cache);
	s->nr_cached = 0;
	for (i = 0; s->slots && i < s->nr_slots; i++)
		if (s->slots[i])
			__free_page(s->slots[i]);
	kvfree(s->slots);
	kvfree(s->swap_map);
	s->slots = NULL;
	s->swap_map = NULL;
	s->nr_slots = 0;
	s->inuse_pages = 0;
}

/**
 * smm_swap_alloc() - take a free slot (get_swap_page())
 * @s: the swap area
 *
 * Scans swap_map[] for a count of 0 from where the last search stopped
 * (cluster_next), wrapping once, and sets the count to 1.
 *
 * Return: the slot, in [1, nr_slots); 0 if the area is full or there is
 * no swap.
 * Context: any; takes @s->lock.
 */
unsigned long smm_swap_alloc(struct smm_swap *s)
{
	unsigned long slot = 0, i, n;

	spin_lock(&s->lock);
	if (!s->nr_slots || s->inuse_pages >= s->nr_slots - 1)
		goto out;
	for (n = 0, i = s->next; n < s->nr_slots - 1; n++, i++) {
		if (i >= s->nr_slots)
			i = 1;
		if (!s->swap_map[i]) {
			slot = i;
			break;
		}
	}
	if (WARN_ON_ONCE(!slot))	/* inuse_pages said there was one */
		goto out;
	s->swap_map[slot] = 1;
	s->inuse_pages++;
	s->next = slot + 1 < s->nr_slots ? slot + 1 : 1;
out:
	spin_unlock(&s->lock);
	return slot;
}

/**
 * smm_swap_dup() - one more reference to a slot (swap_duplicate())
 * @s: the swap area
 * @slot: a slot in use
 *
 * fork() copies a PTE that holds a swap entry: the slot gets one more
 * user.  There are no continuation pages: a count stops at
 * %SMM_SWAP_MAP_MAX.
 *
 * Return: 0; -ENOMEM if the count is already %SMM_SWAP_MAP_MAX; -EINVAL
 * for slot 0, a slot past the area or a free slot.  On error nothing
 * changes.
 * Context: any; takes @s->lock.
 */
int smm_swap_dup(struct smm_swap *s, unsigned long slot)
{
	int ret = 0;

	spin_lock(&s->lock);
	if (!__slot_used(s, slot))
		ret = -EINVAL;
	else if (s->swap_map[slot] >= SMM_SWAP_MAP_MAX)
		ret = -ENOMEM;
	else
		s->swap_map[slot]++;
	spin_unlock(&s->lock);
	return ret;
}

/**
 * smm_swap_free() - drop a reference to a slot (swap_free())
 * @s: the swap area
 * @slot: a slot in use
 *
 * When the count reaches 0 the slot is free: its host page goes back to
 * the host and the next smm_swap_alloc() may hand it out.  The slot
 * should have left the swap cache by then; if it has not, that warns once
 * and the stale entry is dropped.
 *
 * Return: the new count, 0 if the slot is now free; -EINVAL for slot 0, a
 * slot past the area or a free slot, and then nothing changes.
 * Context: any; takes @s->lock.
 */
int smm_swap_free(struct smm_swap *s, unsigned long slot)
{
	struct page *host = NULL;
	int ret;

	spin_lock(&s->lock);
	if (!__slot_used(s, slot)) {
		spin_unlock(&s->lock);
		return -EINVAL;
	}
	ret = --s->swap_map[slot];
	if (!ret) {
		host = s->slots[slot];
		s->slots[slot] = NULL;
		s->inuse_pages--;
		if (WARN_ON_ONCE(xa_load(&s->cache, slot))) {
			xa_lock(&s->cache);
			if (__xa_erase(&s->cache, slot))
				s->nr_cached--;
			xa_unlock(&s->cache);
		}
	}
	spin_unlock(&s->lock);
	if (host)
		__free_page(host);
	return ret;
}

/**
 * smm_swap_count() - a slot's use count (swap_count(si->swap_map[offset]))
 * @s: the swap area
 * @slot: a slot of the area
 *
 * Return: the count, 0 for a free slot; -EINVAL for slot 0 (the header)
 * or a slot past the area.
 * Context: any; takes @s->lock.
 */
int smm_swap_count(struct smm_swap *s, unsigned long slot)
{
	int ret;

	if (!slot_in_area(s, slot))
		return -EINVAL;
	spin_lock(&s->lock);
	ret = s->swap_map[slot];
	spin_unlock(&s->lock);
	return ret;
}

/*
 * The host address of a shadow page, through the host's direct map even
 * for a shadow HighMem page: see "DOC: swap", swap I/O is DMA.
 */
static void *page_host_virt(struct smm_swap *s, struct smm_page *page)
{
	return smm_arena_pfn_to_virt(s->arena, smm_page_to_pfn(s->arena, page));
}

/**
 * smm_swap_writepage() - write a page to its slot (swap_writepage())
 * @s: the swap area
 * @slot: a slot in use, from smm_swap_alloc()
 * @page: the shadow page whose contents go to the slot
 *
 * Copies the page into the slot's host page, which is allocated on the
 * slot's first write (the disk block exists; the memory behind it only
 * when it is written).  The allocation does not retry or warn: a host
 * short of memory makes the write fail and the page stays in memory, as a
 * failed writeback does.  Counted in @s->stats_writes.
 *
 * Return: 0; -EINVAL for a slot that is not in use (nothing changes);
 * -ENOMEM if the host cannot spare the slot's page.
 * Context: process context; may sleep (the first write allocates).
 */
int smm_swap_writepage(struct smm_swap *s, unsigned long slot, struct smm_page *page)
{
	void *src = page_host_virt(s, page);
	struct page *host, *new = NULL;
	int ret = 0;

	if (!src)
		return -EINVAL;
	spin_lock(&s->lock);
	if (!__slot_used(s, slot)) {
		ret = -EINVAL;
		goto out;
	}
	host = s->slots[slot];
	if (!host) {
		/* Allocate outside the lock, then check that the slot is still ours. */
		spin_unlock(&s->lock);
		new = alloc_page(GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN);
		if (!new)
			return -ENOMEM;
		spin_lock(&s->lock);
		if (!__slot_used(s, slot)) {
			ret = -EINVAL;
			goto out;
		}
		host = s->slots[slot];
		if (!host) {
			host = new;
			s->slots[slot] = new;
			new = NULL;
		}
	}
	/* Under the lock: a racing last swap_free() cannot free @host mid-copy. */
	copy_page(page_address(host), src);
	s->stats_writes++;
	trace_smm_swap_out(s, slot, page);
out:
	spin_unlock(&s->lock);
	if (new)
		__free_page(new);
	return ret;
}

/**
 * smm_swap_readpage() - read a slot back into a page (swap_read_folio())
 * @s: the swap area
 * @slot: a slot in use that has been written
 * @page: the shadow page that gets the contents
 *
 * Copies the slot's host page into @page.  The slot keeps its contents
 * and its count: the caller drops its reference with smm_swap_free().
 * Counted in @s->stats_reads.
 *
 * Return: 0; -EINVAL for a slot that is free, out of the area, or was
 * never written, and then @page is untouched.
 * Context: process context; may sleep.
 */
int smm_swap_readpage(struct smm_swap *s, unsigned long slot, struct smm_page *page)
{
	void *dst = page_host_virt(s, page);
	int ret = 0;

	if (!dst)
		return -EINVAL;
	spin_lock(&s->lock);
	if (!__slot_used(s, slot) || !s->slots[slot]) {
		ret = -EINVAL;
	} else {
		copy_page(dst, page_address(s->slots[slot]));
		s->stats_reads++;
		trace_smm_swap_in(s, slot, page);
	}
	spin_unlock(&s->lock);
	return ret;
}

/**
 * smm_swap_cache_add() - put a page in the swap cache (add_to_swap_cache())
 * @s: the swap area
 * @slot: the slot the page is, or will be, written to
 * @page: the page
 *
 * The caller holds a count of @slot for as long as the entry stays (see
 * "DOC: swap") and a reference to @page.
 *
 * Return: 0; -EEXIST if @slot already has a page in the cache; -EINVAL
 * for slot 0 or a slot past the area; -ENOMEM if the xarray cannot grow.
 * Context: process context; may sleep.
 */
int smm_swap_cache_add(struct smm_swap *s, unsigned long slot, struct smm_page *page)
{
	int ret;

	if (!slot_in_area(s, slot) || !page)
		return -EINVAL;
	xa_lock(&s->cache);
	ret = __xa_insert(&s->cache, slot, page, GFP_KERNEL);
	if (!ret)
		s->nr_cached++;
	xa_unlock(&s->cache);
	return ret == -EBUSY ? -EEXIST : ret;
}

/**
 * smm_swap_cache_lookup() - the page in the swap cache for a slot
 * (lookup_swap_cache())
 * @s: the swap area
 * @slot: the slot
 *
 * Takes no reference: the caller serialises with smm_swap_cache_del().
 *
 * Return: the page, or NULL if the slot has none.
 * Context: any.
 */
struct smm_page *smm_swap_cache_lookup(struct smm_swap *s, unsigned long slot)
{
	return xa_load(&s->cache, slot);
}

/**
 * smm_swap_cache_del() - take a slot's page out of the swap cache
 * (delete_from_swap_cache())
 * @s: the swap area
 * @slot: the slot; nothing happens if it has no page cached
 *
 * Context: any; takes the cache's lock.
 */
void smm_swap_cache_del(struct smm_swap *s, unsigned long slot)
{
	xa_lock(&s->cache);
	if (__xa_erase(&s->cache, slot))
		s->nr_cached--;
	xa_unlock(&s->cache);
}

/**
 * smm_swap_cache_pages() - pages in the swap cache
 * @s: the swap area
 *
 * Return: the number of slots with a cached page (meminfo's SwapCached).
 * Context: any.
 */
unsigned long smm_swap_cache_pages(struct smm_swap *s)
{
	return READ_ONCE(s->nr_cached);
}

/**
 * smm_swap_total_pages() - the usable slots (si->pages, SwapTotal)
 * @s: the swap area
 *
 * Return: the slots but the header, 0 with no swap.
 * Context: any.
 */
unsigned long smm_swap_total_pages(const struct smm_swap *s)
{
	return s->nr_slots ? s->nr_slots - 1 : 0;
}

/**
 * smm_swap_free_pages() - the free slots (SwapFree)
 * @s: the swap area
 *
 * Return: smm_swap_total_pages() less the slots in use.
 * Context: any.
 */
unsigned long smm_swap_free_pages(struct smm_swap *s)
{
	return smm_swap_total_pages(s) - READ_ONCE(s->inuse_pages);
}

/**
 * smm_swaps_show() - /proc/swaps for an instance
 * @m: the seq_file
 * @s: the swap area
 * @name: the instance's name, for the file name
 *
 * The format of swap_show() in mm/swapfile.c, exactly: the header line,
 * then, if there is swap, one line for the area: its name, padded to 40
 * columns, "partition", Size and Used in KiB (si->pages and inuse_pages)
 * and the priority, -2, what the first swapon without a priority gets.
 * The area is called ``/dev/shadow_mm-swap-<name>``, a block device that
 * does not exist.  The kernel escapes space, tab, newline and backslash in
 * the name; an instance name has none of them.
 * Context: process context.
 */
void smm_swaps_show(struct seq_file *m, struct smm_swap *s, const char *name)
{
	unsigned long bytes, inuse;
	int len;

	seq_puts(m, "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n");
	if (!s->nr_slots)
		return;
	bytes = smm_swap_total_pages(s) << (PAGE_SHIFT - 10);
	inuse = READ_ONCE(s->inuse_pages) << (PAGE_SHIFT - 10);
	len = strlen(SWAP_PATH_PREFIX) + strlen(name);
	seq_printf(m, "%s%s", SWAP_PATH_PREFIX, name);
	seq_printf(m, "%*s%s\t%lu\t%s%lu\t%s%d\n",
		   len < 40 ? 40 - len : 1, " ", "partition",
		   bytes, bytes < 10000000 ? "\t" : "",
		   inuse, inuse < 10000000 ? "\t" : "",
		   -2);
}
