// SPDX-License-Identifier: GPL-2.0
/*
 * shadow_mm bootmem: the bitmap allocator, and its handoff to the buddy.
 */

/**
 * DOC: bootmem
 *
 * Between the early allocator and the buddy allocator, Linux 2.6 used
 * bootmem: one bit per page frame, set when the page is taken.  Ours covers
 * the low memory [0, low_pfn), as init_bootmem() did: highmem never went
 * through bootmem and is handed to the buddy allocator directly (the
 * kernel's add_highpages_with_active_regions()).
 *
 * setup_bootmem_allocator() places the bitmap with find_e820_area() and
 * reserves it as "BOOTMEM".  Every bit starts set; whole pages of usable
 * e820 RAM are then cleared (free_bootmem_with_active_regions()), and every
 * early reservation is set again (early_res_to_bootmem()).
 *
 * __smm_alloc_bootmem() is __alloc_bootmem_core(): it checks its arguments,
 * starts scanning at the goal (or at the hint left by the last success, if
 * that is further), steps by the alignment, and wraps around to the start
 * once if nothing fits above.  A request that begins in the page right
 * after the previous allocation's partly used last page is packed into that
 * page, at the first suitably aligned offset past the previous end
 * (last_end_off), so small allocations share pages.  The memory is zeroed.
 *
 * smm_free_bootmem() releases only whole pages inside the range, as
 * free_bootmem() does.  Freeing a page that is not taken is a double free:
 * it is refused with -EINVAL and reported, and the bitmap is left as it was.
 *
 * smm_free_all_bootmem() is mem_init()'s free_all_bootmem(): every run of
 * clear bits goes to the buddy allocator of its zone, then the bitmap's own
 * pages, and bootmem is closed: a later call fails with a message.  Then
 * set_highmem_pages_init() frees the usable highmem pages that no early
 * reservation holds one page at a time, as add_one_highpage_init() did
 * (HighMem never was in bootmem).  For low memory, as in
 * memblock_free_all(), nothing is done page by page that can be done by
 * range: the bitmap is read a word at a time (find_next_bit()), holes are
 * skipped a section at a time, each range is cut into the largest aligned
 * blocks it holds (__free_pages_memory()), and each block goes over in one
 * call that writes each of its descriptors once and takes the zone lock
 * once (smm_buddy_free_pages_core(), the kernel's __free_pages_core()).
 * The counts are computed from the ranges, not by reading descriptors.
 */

#include <linux/bitmap.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/string.h>

#include "bootmem.h"

/* Fail a call made after the handoff, saying so once in a while. */
static bool is_closed(const struct smm_bootmem *bm, const char *fn)
{
	if (likely(!bm->closed))
		return false;
	pr_warn_ratelimited("shadow_mm: %s: bootmem is closed; free_all_bootmem() has run\n",
			    fn);
	return true;
}

/**
 * smm_bootmem_setup() - setup_bootmem_allocator(): the bitmap over low memory
 * @bm: the allocator
 * @a: the arena, with its mem_map
 * @e: the early allocator; the bitmap is placed with it
 * @low_pfn: bootmem covers [0, @low_pfn)
 * @dma_pfn: first PFN above ZONE_DMA, the default goal
 *
 * The bitmap is reserved in early_res as "BOOTMEM" (the kernel's label was
 * "BOOTMAP"); every whole page of usable RAM starts free.  The early
 * reservations are not in it yet: smm_early_res_to_bootmem() does that.
 *
 * Return: 0, -EINVAL if @low_pfn is 0, or -ENOMEM if the bitmap does not fit.
 * Context: process context.
 */
int smm_bootmem_setup(struct smm_bootmem *bm, struct smm_arena *a,
		      struct smm_early *e, unsigned long low_pfn,
		      unsigned long dma_pfn)
{
	const struct smm_e820_table *t = e->e820;
	unsigned int i;
	u64 addr;

	memset(bm, 0, sizeof(*bm));
	low_pfn = min(low_pfn, a->end_pfn);
	if (!low_pfn)
		return -EINVAL;
	bm->arena = a;
	bm->early = e;
	bm->low_pfn = low_pfn;
	bm->dma_pfn = dma_pfn;
	bm->map_bytes = BITS_TO_LONGS(low_pfn) * sizeof(long);

	/* setup_bootmem_allocator(): the bitmap itself, from the early allocator. */
	addr = smm_early_alloc(e, SMM_PFN_PHYS(dma_pfn), SMM_PFN_PHYS(low_pfn),
			       bm->map_bytes, SMM_PAGE_SIZE, "BOOTMEM");
	if (addr == SMM_EARLY_NOT_FOUND)
		addr = smm_early_alloc(e, 0, SMM_PFN_PHYS(low_pfn), bm->map_bytes,
				       SMM_PAGE_SIZE, "BOOTMEM");
	if (addr == SMM_EARLY_NOT_FOUND)
		return -ENOMEM;
	bm->map_addr = addr;
	bm->map = smm_arena_pfn_to_virt(a, SMM_PFN_DOWN(addr));
	for (i = 0; i < SMM_PFN_UP(bm->map_bytes); i++) {
		struct smm_page *page = smm_pfn_to_page(a, SMM_PFN_DOWN(addr) + i);

		page->owner = SMM_OWNER_EARLY;
		smm_page_set(page, SMM_PG_RESERVED);
	}

	/* init_bootmem_core(): everything taken... */
	bitmap_fill(bm->map, low_pfn);
	/* ...but whole pages of usable RAM... */
	for (i = 0; i < t->nr_entries; i++) {
		const struct smm_e820_entry *en = &t->entries[i];
		unsigned long s = SMM_PFN_UP(en->addr);
		unsigned long end = min(SMM_PFN_DOWN(en->addr + en->size), low_pfn);

		if (en->type == SMM_E820_RAM && s < end)
			bitmap_clear(bm->map, s, end - s);
	}
	return 0;
}

/**
 * smm_early_res_to_bootmem() - carry every early reservation into bootmem
 * @bm: the allocator, set up
 *
 * early_res_to_bootmem(): each early_res record, whatever its label, is
 * reserved in the bitmap (the part below low_pfn) and kept, with its
 * label, in &smm_bootmem.res, which ``bootmem`` lists.
 *
 * Context: process context, during bring-up.
 */
void smm_early_res_to_bootmem(struct smm_bootmem *bm)
{
	const struct smm_early *e = bm->early;
	unsigned int i;

	for (i = 0; i < e->nr; i++) {
		unsigned long s = SMM_PFN_DOWN(e->res[i].start);
		unsigned long end = min(SMM_PFN_UP(e->res[i].end), bm->low_pfn);

		if (s < end)
			bitmap_set(bm->map, s, end - s);
		bm->res[i].start = e->res[i].start;
		bm->res[i].end = e->res[i].end;
		strscpy(bm->res[i].name, e->res[i].name, sizeof(bm->res[i].name));
	}
	bm->nr_res = e->nr;
}

/**
 * smm_bootmem_init() - set up bootmem with the early reservations in it
 * @bm: the allocator
 * @a: the arena, with its mem_map
 * @e: the early allocator; its reservations carry over
 * @low_pfn: bootmem covers [0, @low_pfn)
 * @dma_pfn: first PFN above ZONE_DMA, the default goal
 *
 * smm_bootmem_setup() and smm_early_res_to_bootmem() in one.
 *
 * Return: 0, -EINVAL if @low_pfn is 0, or -ENOMEM if the bitmap does not fit.
 * Context: process context.
 */
int smm_bootmem_init(struct smm_bootmem *bm, struct smm_arena *a,
		     struct smm_early *e, unsigned long low_pfn,
		     unsigned long dma_pfn)
{
	int ret = smm_bootmem_setup(bm, a, e, low_pfn, dma_pfn);

	if (!ret)
		smm_early_res_to_bootmem(bm);
	return ret;
}

/* align_idx(): round a PFN up to the step */
static unsigned long align_idx(unsigned long idx, unsigned long step)
{
	return ALIGN(idx, step);
}

/* Take [@sidx, @eidx) and mark the descriptors as bootmem's. */
static void take(struct smm_bootmem *bm, unsigned long sidx, unsigned long eidx)
{
	unsigned long pfn;

	bitmap_set(bm->map, sidx, eidx - sidx);
	for (pfn = sidx; pfn < eidx; pfn++) {
		struct smm_page *page = smm_pfn_to_page(bm->arena, pfn);

		if (page) {
			page->owner = SMM_OWNER_BOOTMEM;
			smm_page_set(page, SMM_PG_RESERVED);
		}
	}
}

/*
 * Search [@sidx, @midx) for @size bytes; this is the body of
 * __alloc_bootmem_core()'s loop.
 */
static u64 find_block(struct smm_bootmem *bm, unsigned long sidx,
		      unsigned long midx, u64 size, u64 align, unsigned long step)
{
	for (;;) {
		unsigned long eidx, i;
		u64 start_off, end_off;
		bool merge;

		sidx = find_next_zero_bit(bm->map, midx, sidx);
		sidx = align_idx(sidx, step);
		if (sidx >= midx)
			return SMM_BOOTMEM_FAIL;
		eidx = sidx + SMM_PFN_UP(size);
		if (eidx > midx || eidx < sidx)
			return SMM_BOOTMEM_FAIL;
		i = find_next_bit(bm->map, eidx, sidx);
		if (i < eidx) {
			sidx = align_idx(i, step);
			if (sidx == i)
				sidx += step;
			continue;
		}

		/*
		 * Pack into the previous allocation's last page if it is the
		 * page just before this block and has room left.
		 */
		if ((bm->last_end_off & (SMM_PAGE_SIZE - 1)) &&
		    SMM_PFN_DOWN(bm->last_end_off) + 1 == sidx)
			start_off = ALIGN(bm->last_end_off, align);
		else
			start_off = SMM_PFN_PHYS(sidx);
		merge = SMM_PFN_DOWN(start_off) < sidx;
		end_off = start_off + size;
		/* Packing can end sooner than the block: take only what is used. */
		take(bm, SMM_PFN_DOWN(start_off) + merge, SMM_PFN_UP(end_off));
		bm->last_end_off = end_off;
		bm->hint_idx = SMM_PFN_UP(end_off);
		return start_off;
	}
}

static void zero_range(struct smm_bootmem *bm, u64 start, u64 size)
{
	while (size) {
		u64 off = start & (SMM_PAGE_SIZE - 1);
		u64 n = min(size, SMM_PAGE_SIZE - off);

		memset(smm_arena_pfn_to_virt(bm->arena, SMM_PFN_DOWN(start)) + off, 0, n);
		start += n;
		size -= n;
	}
}

/**
 * __smm_alloc_bootmem() - the core allocator (__alloc_bootmem_core())
 * @bm: the allocator
 * @size: bytes wanted, > 0
 * @align: alignment, a power of two (0 means 1)
 * @goal: start the search here, if it lies in range
 * @limit: the block must end at or below this address (0: no limit)
 *
 * Return: the shadow address of the zeroed block, or %SMM_BOOTMEM_FAIL
 * (with a message for bad arguments or a closed bootmem).
 * Context: bring-up only.
 */
u64 __smm_alloc_bootmem(struct smm_bootmem *bm, u64 size, u64 align, u64 goal,
			u64 limit)
{
	unsigned long min = 0, max = bm->low_pfn, step, start, fallback = 0;
	u64 addr;

	if (is_closed(bm, "alloc_bootmem"))
		return SMM_BOOTMEM_FAIL;
	if (!align)
		align = 1;
	if (!size || !is_power_of_2(align)) {
		smm_bad_input("alloc_bootmem", "size %llu align %llu", size, align);
		return SMM_BOOTMEM_FAIL;
	}
	if (limit && SMM_PFN_DOWN(limit) < max)
		max = SMM_PFN_DOWN(limit);
	/* Nothing larger than bootmem fits, and SMM_PFN_UP(size) must not wrap. */
	if (max <= min || size > SMM_PFN_PHYS(max - min))
		return SMM_BOOTMEM_FAIL;

	step = max(align >> SMM_PAGE_SHIFT, 1ULL);
	goal = SMM_PFN_DOWN(goal);
	start = (goal > min && goal < max) ? align_idx(goal, step) : align_idx(min, step);
	/* Go on from where the last search ended, then wrap around. */
	if (bm->hint_idx > start && bm->hint_idx < max) {
		fallback = start + 1;
		start = align_idx(bm->hint_idx, step);
	}
	addr = find_block(bm, start, max, size, align, step);
	if (addr == SMM_BOOTMEM_FAIL && fallback)
		addr = find_block(bm, align_idx(fallback - 1, step), max, size, align, step);
	if (addr == SMM_BOOTMEM_FAIL && start > min)
		addr = find_block(bm, align_idx(min, step), max, size, align, step);
	if (addr == SMM_BOOTMEM_FAIL)
		return addr;
	zero_range(bm, addr, size);
	bm->nr_allocs++;
	return addr;
}

/**
 * smm_alloc_bootmem() - allocate boot memory (__alloc_bootmem())
 * @bm: the allocator
 * @size: bytes
 * @align: alignment, a power of two
 * @goal: preferred lowest address
 *
 * Return: the shadow address, or %SMM_BOOTMEM_FAIL.
 */
u64 smm_alloc_bootmem(struct smm_bootmem *bm, u64 size, u64 align, u64 goal)
{
	return __smm_alloc_bootmem(bm, size, align, goal, 0);
}

/**
 * smm_alloc_bootmem_pages() - page-aligned boot memory above ZONE_DMA
 * @bm: the allocator
 * @size: bytes
 *
 * alloc_bootmem_pages(): page alignment, goal MAX_DMA_ADDRESS.
 *
 * Return: the shadow address, or %SMM_BOOTMEM_FAIL.
 */
u64 smm_alloc_bootmem_pages(struct smm_bootmem *bm, u64 size)
{
	return __smm_alloc_bootmem(bm, size, SMM_PAGE_SIZE, SMM_PFN_PHYS(bm->dma_pfn), 0);
}

/**
 * smm_alloc_bootmem_low() - boot memory below the DMA limit
 * @bm: the allocator
 * @size: bytes
 * @align: alignment, a power of two
 *
 * Return: the shadow address, or %SMM_BOOTMEM_FAIL.
 */
u64 smm_alloc_bootmem_low(struct smm_bootmem *bm, u64 size, u64 align)
{
	return __smm_alloc_bootmem(bm, size, align, 0, SMM_PFN_PHYS(bm->dma_pfn));
}

/**
 * smm_alloc_bootmem_low_pages() - page-aligned boot memory, lowest first
 * @bm: the allocator
 * @size: bytes
 *
 * alloc_bootmem_low_pages() on x86-32: page alignment, goal 0, and any low
 * memory (ARCH_LOW_ADDRESS_LIMIT is 4 GiB there).  one_page_table_init()
 * takes the pkmap and fixmap tables from it.
 *
 * Return: the shadow address, or %SMM_BOOTMEM_FAIL.
 */
u64 smm_alloc_bootmem_low_pages(struct smm_bootmem *bm, u64 size)
{
	return __smm_alloc_bootmem(bm, size, SMM_PAGE_SIZE, 0, 0);
}

/* The PFN range [*s, *e) that [addr, addr + size) covers, clipped, or false. */
static bool pfn_range(const struct smm_bootmem *bm, const char *fn, u64 addr,
		      u64 size, bool whole, unsigned long *s, unsigned long *e)
{
	/* Compare bytes: rounding addr + size up to a page could wrap. */
	if (!size || addr + size < addr || addr + size > SMM_PFN_PHYS(bm->low_pfn)) {
		smm_bad_input(fn, "[%#llx, +%#llx) is outside bootmem [0, %#llx)",
			      addr, size, SMM_PFN_PHYS(bm->low_pfn));
		return false;
	}
	*s = whole ? SMM_PFN_UP(addr) : SMM_PFN_DOWN(addr);
	*e = whole ? SMM_PFN_DOWN(addr + size) : SMM_PFN_UP(addr + size);
	return true;
}

/**
 * smm_reserve_bootmem() - mark a range taken (reserve_bootmem(), exclusive)
 * @bm: the allocator
 * @addr: start
 * @size: bytes; every page touched by [@addr, @addr + @size) is reserved
 *
 * Return: 0; -EBUSY if a page is taken already; -EINVAL for a range outside
 * bootmem; -EPERM after the handoff.  On error nothing changes.
 */
int smm_reserve_bootmem(struct smm_bootmem *bm, u64 addr, u64 size)
{
	unsigned long s, e;

	if (is_closed(bm, "reserve_bootmem"))
		return -EPERM;
	if (!pfn_range(bm, "reserve_bootmem", addr, size, false, &s, &e))
		return -EINVAL;
	if (find_next_bit(bm->map, e, s) < e)
		return -EBUSY;
	take(bm, s, e);
	return 0;
}

/**
 * smm_free_bootmem() - release the whole pages of a range (free_bootmem())
 * @bm: the allocator
 * @addr: start
 * @size: bytes; only pages wholly inside [@addr, @addr + @size) are freed
 *
 * Return: 0; -EINVAL, reported and counted, if a page in the range is not
 * taken (a double free) or the range is outside bootmem; -EPERM after the
 * handoff.  On error the bitmap is left as it was.
 */
int smm_free_bootmem(struct smm_bootmem *bm, u64 addr, u64 size)
{
	unsigned long s, e, pfn;

	if (is_closed(bm, "free_bootmem"))
		return -EPERM;
	if (!pfn_range(bm, "free_bootmem", addr, size, true, &s, &e))
		return -EINVAL;
	if (s < e && find_next_zero_bit(bm->map, e, s) < e) {
		bm->nr_bad_free++;
		smm_bad_input("free_bootmem",
			      "[%#llx, +%#llx): page %#lx is not allocated (double free?)",
			      addr, size, find_next_zero_bit(bm->map, e, s));
		return -EINVAL;
	}
	if (s < e)
		bitmap_clear(bm->map, s, e - s);
	for (pfn = s; pfn < e; pfn++) {
		struct smm_page *page = smm_pfn_to_page(bm->arena, pfn);

		if (page) {
			page->owner = SMM_OWNER_FREE;
			smm_page_clear(page, SMM_PG_RESERVED);
		}
	}
	return 0;
}

/**
 * smm_bootmem_free_pages() - pages bootmem still has free
 * @bm: the allocator
 *
 * Return: the number of clear bits, or 0 once closed.
 */
unsigned long smm_bootmem_free_pages(const struct smm_bootmem *bm)
{
	if (bm->closed)
		return 0;
	return bm->low_pfn - bitmap_weight(bm->map, bm->low_pfn);
}

/*
 * Whole pages of usable RAM in [@s, @e), counted from the e820 map; with
 * @a, only those with memory behind them.
 */
static unsigned long ram_pages(const struct smm_e820_table *t, const struct smm_arena *a,
			       unsigned long s, unsigned long e)
{
	unsigned long n = 0;
	unsigned int i;

	for (i = 0; i < t->nr_entries; i++) {
		const struct smm_e820_entry *en = &t->entries[i];
		unsigned long lo = max(s, SMM_PFN_UP(en->addr));
		unsigned long hi = min(e, SMM_PFN_DOWN(en->addr + en->size));

		if (en->type == SMM_E820_RAM && lo < hi)
			n += a ? smm_memmap_present(a, lo, hi) : hi - lo;
	}
	return n;
}

static unsigned long ram_in(const struct smm_e820_table *t, unsigned long s, unsigned long e)
{
	return ram_pages(t, NULL, s, e);
}

/*
 * The low memory: every run of clear bits.  find_next_bit() reads the
 * bitmap a word at a time, so a run of free pages costs one step per 64 of
 * them, and each run goes over in max-order blocks.  Bits of holes are
 * set, but hand over present pages only all the same.  @ram counts the
 * handed-over pages that are usable RAM (free_bootmem() can free others).
 */
static unsigned long free_low(struct smm_bootmem *bm, struct smm_buddy *b,
			      unsigned long *ram)
{
	unsigned long n = 0, rs, re;

	for_each_clear_bitrange(rs, re, bm->map, bm->low_pfn) {
		*ram += ram_in(bm->early->e820, rs, re);
		n += smm_buddy_free_present(b, rs, re, false);
	}
	return n;
}

/*
 * set_highmem_pages_init(): add_highpages_with_active_regions() over the
 * usable RAM at and above low_pfn, less what early_res holds (both
 * sorted), the way __get_free_all_memory_range() subtracted early_res
 * from the active ranges, page by page (add_one_highpage_init()).  No
 * descriptor is read to decide.
 */
static unsigned long free_high(struct smm_bootmem *bm, struct smm_buddy *b)
{
	const struct smm_e820_table *t = bm->early->e820;
	const struct smm_early *e = bm->early;
	unsigned long n = 0;
	unsigned int i, r = 0;

	for (i = 0; i < t->nr_entries; i++) {
		const struct smm_e820_entry *en = &t->entries[i];
		unsigned long s = max(SMM_PFN_UP(en->addr), bm->low_pfn);
		unsigned long end = SMM_PFN_DOWN(en->addr + en->size);

		if (en->type != SMM_E820_RAM)
			continue;
		while (s < end) {
			unsigned long gap_end = end;

			while (r < e->nr && SMM_PFN_UP(e->res[r].end) <= s)
				r++;
			if (r < e->nr && SMM_PFN_DOWN(e->res[r].start) <= s) {
				s = SMM_PFN_UP(e->res[r].end);
				continue;
			}
			if (r < e->nr)
				gap_end = min(gap_end, SMM_PFN_DOWN(e->res[r].start));
			n += smm_buddy_free_present(b, s, gap_end, true);
			s = gap_end;
		}
	}
	return n;
}

/* Usable RAM pages with memory behind them in [@s, @e). */
static unsigned long usable_present(const struct smm_bootmem *bm, unsigned long s,
				    unsigned long e)
{
	return ram_pages(bm->early->e820, bm->arena, s, e);
}

/**
 * smm_free_all_bootmem() - mem_init(): every free page to the buddy allocator
 * @bm: the allocator
 * @b: the buddy allocator, its zones set up and empty
 * @tl: the timeline its two steps are recorded in, or NULL
 *
 * free_all_bootmem(): the clear bits of low memory, then the bitmap's own
 * pages, and bootmem is closed.  Each range goes over in the largest
 * aligned blocks it holds, as memblock_free_all() does, and the
 * descriptors of a block are walked only by smm_buddy_free_pages_core(),
 * once.  Then set_highmem_pages_init(): the usable HighMem pages that no
 * early reservation holds, which never were in bootmem, one page at a time
 * (add_one_highpage_init()).
 *
 * Return: the number of pages handed over, or -EPERM if already closed.
 * Context: process context, during bring-up.
 */
int smm_free_all_bootmem(struct smm_bootmem *bm, struct smm_buddy *b,
			 struct smm_timeline *tl)
{
	const struct smm_e820_table *t = bm->early->e820;
	unsigned long n, s, e, high, ram = 0;

	if (is_closed(bm, "free_all_bootmem"))
		return -EPERM;
	smm_timeline_step_begin(tl);
	s = SMM_PFN_DOWN(bm->map_addr);
	e = SMM_PFN_UP(bm->map_addr + bm->map_bytes);
	/* The bitmap goes last, once nothing reads it... */
	n = free_low(bm, b, &ram);
	/* ...as free_all_bootmem_core() does; and bootmem is closed. */
	bm->closed = true;
	n += smm_buddy_free_present(b, s, e, false);
	ram += ram_in(t, s, e);
	smm_free_early(bm->early, bm->map_addr, bm->map_addr + bm->map_bytes);
	bm->kept_reserved_low = usable_present(bm, 0, bm->low_pfn) - ram;
	smm_timeline_step_end(tl, "free_all_bootmem",
			      "%lu low pages to the buddy, %lu kept reserved", n,
			      bm->kept_reserved_low);

	/* set_highmem_pages_init(): HighMem never was in bootmem (all RAM). */
	high = free_high(bm, b);
	bm->high_pages = high;
	bm->handed_over = n + high;
	bm->kept_reserved = bm->kept_reserved_low +
			    usable_present(bm, bm->low_pfn, bm->arena->end_pfn) - high;
	smm_timeline_step_end(tl, "set_highmem_pages_init",
			      "%lu HighMem pages, one by one (add_one_highpage_init)", high);
	return bm->handed_over;
}

/**
 * smm_bootmem_show() - the bitmap as free and used ranges, with totals
 * @m: the seq_file
 * @bm: the allocator
 *
 * After the handoff the bitmap's pages belong to the buddy allocator, so
 * only the totals and the closed state remain.
 */
void smm_bootmem_show(struct seq_file *m, const struct smm_bootmem *bm)
{
	unsigned long rs, re, used = 0;
	unsigned int i;

	seq_printf(m, "state:         %s\n",
		   bm->closed ? "closed (free_all_bootmem done)" : "open");
	seq_printf(m, "covers:        pfn [0x0-%#lx], %lu pages\n", bm->low_pfn - 1, bm->low_pfn);
	seq_printf(m, "bitmap:        [mem %#018llx-%#018llx] %lu bytes\n", bm->map_addr,
		   bm->map_addr + bm->map_bytes - 1, bm->map_bytes);
	seq_printf(m, "allocations:   %lu\n", bm->nr_allocs);
	seq_printf(m, "bad_frees:     %lu\n", bm->nr_bad_free);
	/* early_res_to_bootmem()'s lines: the record, then what bootmem took */
	seq_printf(m, "early_res_to_bootmem: %u records\n", bm->nr_res);
	for (i = 0; i < bm->nr_res; i++) {
		const struct smm_bootmem_res *r = &bm->res[i];
		u64 lo = SMM_PFN_PHYS(SMM_PFN_DOWN(r->start));
		u64 hi = min(SMM_PFN_PHYS(SMM_PFN_UP(r->end)), SMM_PFN_PHYS(bm->low_pfn));

		if (lo < hi)
			seq_printf(m, "  #%u [%010llx - %010llx] %16s ==> [%010llx - %010llx]\n",
				   i, r->start, r->end, r->name, lo, hi);
		else
			seq_printf(m, "  #%u [%010llx - %010llx] %16s (above bootmem)\n",
				   i, r->start, r->end, r->name);
	}
	if (bm->closed) {
		seq_printf(m, "handed_over:   %lu pages\n", bm->handed_over);
		seq_printf(m, "kept_reserved: %lu pages\n", bm->kept_reserved);
		seq_printf(m, "highmem_pages: %lu (set_highmem_pages_init)\n", bm->high_pages);
		return;
	}
	for_each_set_bitrange(rs, re, bm->map, bm->low_pfn) {
		used += re - rs;
	}
	seq_printf(m, "used:          %lu pages\nfree:          %lu pages\n", used,
		   bm->low_pfn - used);
	for_each_clear_bitrange(rs, re, bm->map, bm->low_pfn)
		seq_printf(m, "  free pfn [%#lx-%#lx] %lu pages\n", rs, re - 1, re - rs);
}
