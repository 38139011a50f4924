// SPDX-License-Identifier: GPL-2.0
/*
 * shadow_mm buddy allocator: free_area[order], split, merge, per-CPU lists.
 */

/**
 * DOC: buddy allocator
 *
 * Each zone keeps its free memory as blocks of 2^order pages, naturally
 * aligned, one list per order (free_area[order]).  The head page of a free
 * block carries %SMM_PG_BUDDY and its order.
 *
 * Allocation (__rmqueue_smallest()) takes the first block of the smallest
 * order that is large enough and, if it is too large, splits it with
 * expand(): the upper half goes back on the list one order down, until the
 * block has the size asked for.
 *
 * Freeing (__free_one_page()) merges a block with its *buddy* for as long as
 * the buddy is free, whole, and in the same zone.  The buddy of the block at
 * @pfn of order @o is the block at ``pfn ^ (1 << o)``: flipping bit @o moves
 * between the two halves of the enclosing block of order @o + 1, whose start
 * is ``pfn & ~(1 << o)``.  So pages 1 and 2 are neighbours but never
 * buddies: 1 ^ 1 = 0 and 2 ^ 2 = 0, and the merge of page 1 waits for page 0.
 * (The kernel's __find_buddy_pfn() computes exactly this.)
 *
 * Blocks of orders 0..PAGE_ALLOC_COSTLY_ORDER and of the pageblock order
 * go through per-CPU lists first, one list per order and migratetype
 * (rmqueue_pcplist()
 * and free_unref_page(), as since 5.13): a CPU allocates from and frees to
 * its own lists, and only now and then does it take the zone lock to
 * refill a list (nr_pcp_alloc() blocks) or to give blocks back when its
 * lists reach @high (nr_pcp_high(), nr_pcp_free()); the sizes scale with
 * how allocations and frees come, as in 6.12.  smm_drain_pages() empties
 * all lists into the free areas.  smm_alloc_pages_bulk() and
 * smm_free_pages_bulk() are alloc_pages_bulk() and free_unref_folios():
 * many order-0 pages under one hold of a list's lock, the way vmalloc
 * fills and empties its page array.
 *
 * Requests walk their zonelist twice: first respecting each zone's low
 * watermark (the fast path), then its min watermark (the slow path, where
 * the kernel would reclaim).  __SMM_GFP_HIGH halves the watermark, as
 * ALLOC_HIGH does for GFP_ATOMIC.
 *
 * Misuse is caught, never trusted: an order >= max_order is -EINVAL; a free
 * of a page that is not an allocated block head, or with the wrong order,
 * is refused, counted and reported once, and the free lists stay as they
 * were.  The head's %SMM_PG_HEAD bit is cleared with cmpxchg, so of two
 * racing frees of one block exactly one wins.
 *
 * Lock order:
 *   smm_pcp.lock	one CPU's list of one zone (count, list)
 *     smm_zone.lock	free_area[], free_pages, descriptors of free pages
 */

/**
 * DOC: pageblocks and migratetypes
 *
 * Since 2.6.24 the kernel groups pages by mobility.  A zone is cut into
 * pageblocks of 2^pageblock_order pages (our &smm_buddy.thp_order: 9, 2 MiB,
 * by default), and each pageblock has a migratetype: UNMOVABLE (page tables,
 * slab), MOVABLE (user pages), RECLAIMABLE (caches a shrinker empties),
 * HIGHATOMIC (a reserve) or ISOLATE (never allocated from).  Each order's
 * free area has one list per type, and a free block sits on the list of
 * its pageblock's type; since 6.10 that holds exactly, and
 * smm_buddy_check() checks it, with the pages on each type's lists
 * (&smm_zone.nr_free_mt).
 *
 * A request's type comes from its gfp flags (smm_gfp_migratetype():
 * __SMM_GFP_MOVABLE, __SMM_GFP_RECLAIMABLE, else UNMOVABLE).
 * __rmqueue_smallest() serves it from its own lists.  When they are
 * empty, __rmqueue_fallback() looks in the lists that fallbacks[] names,
 * largest block first.  steal_suitable_fallback() then decides whether
 * the request takes only the block, or the block's whole pageblock too:
 * it moves the pageblock's free blocks to its own lists and changes the
 * pageblock's type.  It claims the pageblock when the block is at least a
 * pageblock, or when at least half of the pageblock is free or already
 * holds pages like its own.  Only UNMOVABLE and RECLAIMABLE requests, or
 * blocks of at least half the pageblock order, may try.
 *
 * A pageblock can be isolated (smm_set_pageblock_isolate()); its free
 * pages then leave the zone's free count and nothing allocates them, as
 * for compaction or memory offlining.  HIGHATOMIC and ISOLATE pageblocks
 * do not merge with their buddies across a pageblock boundary.
 *
 * The 2.6.29 era runs with page_group_by_mobility_disabled: every
 * pageblock and every request is UNMOVABLE, so the free lists are the
 * single lists of the old kernel.  smm_buddy_set_mobility() picks the era
 * before the handoff.  In the modern era every pageblock starts MOVABLE,
 * as memmap_init_range() marks them.
 */

#include <linux/bitmap.h>
#include <linux/stop_machine.h>
#include <linux/err.h>
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "buddy.h"
#include "trace.h"

#define stat_inc(b, item)	this_cpu_inc((b)->stats->n[item])
#define stat_add(b, item, v)	this_cpu_add((b)->stats->n[item], v)

static inline struct smm_page *pfn_page(struct smm_buddy *b, unsigned long pfn)
{
	return smm_pfn_to_page(b->arena, pfn);
}

static inline unsigned long page_pfn(struct smm_buddy *b, const struct smm_page *page)
{
	return smm_page_to_pfn(b->arena, page);
}

/*
 * Give every page of the block headed by @page to @owner.  A block of at
 * most a section's order lies in one section, whose descriptors are one
 * array: one store per page, no lookup.  A larger block (max_order above
 * the section order) takes one lookup per section.
 */
static inline void set_block_owner(struct smm_buddy *b, struct smm_page *page,
				   unsigned int order, enum smm_owner owner)
{
	unsigned long pfn, end, next;
	struct smm_page *last;

	if (likely(order <= SMM_SECTION_ORDER)) {
		for (last = page + (1UL << order); page < last; page++)
			page->owner = owner;
		return;
	}
	pfn = page_pfn(b, page);
	for (end = pfn + (1UL << order); pfn < end; pfn = next) {
		next = min(end, round_up(pfn + 1, SMM_PAGES_PER_SECTION));
		page = pfn_page(b, pfn);
		if (SMM_WARN_ON(b->broken, !page))
			return;
		for (last = page + (next - pfn); page < last; page++)
			page->owner = owner;
	}
}

/* The migratetype of the pageblock of @pfn, in @z. */
static inline unsigned int pb_mt(const struct smm_buddy *b, const struct smm_zone *z,
				 unsigned long pfn)
{
	return smm_pageblock_mt(z, b->thp_order, pfn);
}

/* migratetype_is_mergeable(): may blocks of @mt merge across pageblocks? */
static inline bool mt_mergeable(unsigned int mt)
{
	return mt < SMM_MIGRATE_PCPTYPES;
}

/*
 * set_pageblock_migratetype().  Without grouping by mobility (the 2.6.29
 * era) the three common types all read UNMOVABLE, as 2.6.29's
 * set_pageblock_migratetype() made them with page_group_by_mobility_disabled
 * (later kernels still let ISOLATE through, and so do we).  Returns the
 * type stored.
 */
static unsigned int set_pb_mt(struct smm_buddy *b, struct smm_zone *z, unsigned long pfn,
			      unsigned int mt)
{
	if (!b->group_by_mobility && mt < SMM_MIGRATE_PCPTYPES)
		mt = SMM_MIGRATE_UNMOVABLE;
	WRITE_ONCE(z->pageblock_mt[(pfn - z->pageblock_base_pfn) >> b->thp_order], mt);
	return mt;
}

/* change_pageblock_range(): every pageblock of the block of @order at @pfn. */
static void change_pageblock_range(struct smm_buddy *b, struct smm_zone *z, unsigned long pfn,
				   unsigned int order, unsigned int mt)
{
	unsigned long end = pfn + (1UL << order);

	for (; pfn < end; pfn += smm_pageblock_nr_pages(b))
		set_pb_mt(b, z, pfn, mt);
}

/*
 * account_freepages(): the free pages a watermark sees.  Those of isolated
 * pageblocks are not among them, as NR_FREE_PAGES leaves them out.
 */
static inline void account_freepages(struct smm_zone *z, long nr, unsigned int mt)
{
	if (mt != SMM_MIGRATE_ISOLATE)
		z->free_pages += nr;
}

/*
 * __add_to_free_list(): put a free block on the list of @mt, which must be
 * its pageblock's type.  The caller has set the owners.
 */
static void add_to_free_area(struct smm_zone *z, struct smm_page *page,
			     unsigned int order, unsigned int mt)
{
	smm_page_set(page, SMM_PG_BUDDY);
	page->order = order;
	list_add(&page->lru, &z->free_area[order].free_list[mt]);
	z->free_area[order].nr_free++;
	z->nr_free_mt[mt] += 1UL << order;
}

static void del_from_free_area(struct smm_zone *z, struct smm_page *page,
			       unsigned int order, unsigned int mt)
{
	list_del(&page->lru);
	smm_page_clear(page, SMM_PG_BUDDY);
	z->free_area[order].nr_free--;
	z->nr_free_mt[mt] -= 1UL << order;
}

/* move_to_free_list(): a free block changes lists, to the tail of the new one. */
static void move_to_free_list(struct smm_zone *z, struct smm_page *page, unsigned int order,
			      unsigned int old_mt, unsigned int new_mt)
{
	unsigned long nr = 1UL << order;

	list_move_tail(&page->lru, &z->free_area[order].free_list[new_mt]);
	z->nr_free_mt[old_mt] -= nr;
	z->nr_free_mt[new_mt] += nr;
	account_freepages(z, -(long)nr, old_mt);
	account_freepages(z, nr, new_mt);
}

/*
 * __free_one_page() - put a block of @order at @pfn into @z's free area,
 * on the list of @mt (its pageblock's type), merging it with its buddy for
 * as long as the buddy is free and whole.  From the pageblock order up the
 * buddy lies in another pageblock: as in 6.12, blocks of the common types
 * merge whatever their types (the buddy's pageblocks take ours), but a
 * HIGHATOMIC or ISOLATE pageblock merges only with its own type.
 */
static void __free_one_page(struct smm_buddy *b, struct smm_zone *z,
			    unsigned long pfn, unsigned int order, unsigned int mt)
{
	lockdep_assert_held(&z->lock);
	account_freepages(z, 1L << order, mt);
	while (order < b->max_order - 1) {
		/* The other half of the block of order + 1 that holds us. */
		unsigned long buddy_pfn = pfn ^ (1UL << order);
		struct smm_page *buddy = pfn_page(b, buddy_pfn);
		unsigned int buddy_mt = mt;

		if (!buddy || !smm_page_test(buddy, SMM_PG_BUDDY) ||
		    buddy->order != order || smm_page_zonenum(buddy) != z->idx)
			break;
		if (unlikely(order >= b->thp_order)) {
			buddy_mt = pb_mt(b, z, buddy_pfn);
			if (mt != buddy_mt && (!mt_mergeable(mt) || !mt_mergeable(buddy_mt)))
				break;
		}
		del_from_free_area(z, buddy, order, buddy_mt);
		/* Match the buddy's type, so that a later expand() is right. */
		if (unlikely(buddy_mt != mt))
			change_pageblock_range(b, z, buddy_pfn, order, mt);
		/* The merged block starts at the lower half: pfn & ~(1 << order). */
		pfn &= buddy_pfn;
		order++;
		stat_inc(b, SMM_BUDDY_MERGE);
	}
	add_to_free_area(z, pfn_page(b, pfn), order, mt);
}

/*
 * free_one_page() with the lock held: a block above the pageblock order
 * goes in pageblock by pageblock, each on its own type's list, as 6.12's
 * split_large_buddy() does (they merge again where the types allow).
 * Without grouping by mobility every pageblock is UNMOVABLE and the block
 * goes in whole, as in 2.6.29.
 */
static void __free_block(struct smm_buddy *b, struct smm_zone *z, unsigned long pfn,
			 unsigned int order)
{
	unsigned long end = pfn + (1UL << order);

	lockdep_assert_held(&z->lock);
	if (!b->group_by_mobility || order <= b->thp_order) {
		__free_one_page(b, z, pfn, order, pb_mt(b, z, pfn));
		return;
	}
	for (; pfn < end; pfn += smm_pageblock_nr_pages(b))
		__free_one_page(b, z, pfn, b->thp_order, pb_mt(b, z, pfn));
}

/*
 * expand() - split the block of order @high at @pfn down to order @low,
 * giving the upper halves back to the free area, on the list of @mt.
 * Returns the pages given back.
 */
static unsigned long expand(struct smm_buddy *b, struct smm_zone *z, unsigned long pfn,
			    unsigned int low, unsigned int high, unsigned int mt)
{
	unsigned long added = 0;

	lockdep_assert_held(&z->lock);
	while (high > low) {
		high--;
		add_to_free_area(z, pfn_page(b, pfn + (1UL << high)), high, mt);
		added += 1UL << high;
		stat_inc(b, SMM_BUDDY_SPLIT);
	}
	return added;
}

/* page_del_and_expand(): take a free block off @mt's list and split it to @low. */
static void page_del_and_expand(struct smm_buddy *b, struct smm_zone *z, struct smm_page *page,
				unsigned int low, unsigned int high, unsigned int mt)
{
	del_from_free_area(z, page, high, mt);
	expand(b, z, page_pfn(b, page), low, high, mt);
	account_freepages(z, -(1L << low), mt);
}

/* __rmqueue_smallest() - the smallest free block of @mt that fits, split to size */
static struct smm_page *__rmqueue_smallest(struct smm_buddy *b, struct smm_zone *z,
					   unsigned int order, unsigned int mt)
{
	unsigned int o;

	lockdep_assert_held(&z->lock);
	for (o = order; o < b->max_order; o++) {
		struct smm_page *page;

		page = list_first_entry_or_null(&z->free_area[o].free_list[mt],
						struct smm_page, lru);
		if (!page)
			continue;
		if (SMM_WARN_ON(b->broken, page->owner != SMM_OWNER_BUDDY))
			return NULL;
		page_del_and_expand(b, z, page, order, o, mt);
		return page;
	}
	return NULL;
}

/*
 * The fallbacks[] table of 6.12: where a request of each common type looks
 * when its own lists are empty, in order.
 */
static const unsigned int fallbacks[SMM_MIGRATE_PCPTYPES][SMM_MIGRATE_PCPTYPES - 1] = {
	[SMM_MIGRATE_UNMOVABLE]   = { SMM_MIGRATE_RECLAIMABLE, SMM_MIGRATE_MOVABLE },
	[SMM_MIGRATE_MOVABLE]     = { SMM_MIGRATE_RECLAIMABLE, SMM_MIGRATE_UNMOVABLE },
	[SMM_MIGRATE_RECLAIMABLE] = { SMM_MIGRATE_UNMOVABLE, SMM_MIGRATE_MOVABLE },
};

/*
 * can_steal_fallback(): may a fallback of a block of @order for @start_mt
 * try to claim the block's whole pageblock?  Always from the pageblock
 * order (half of it, as a heuristic) up, and always for the types that
 * pollute: UNMOVABLE and RECLAIMABLE.
 */
static bool can_steal_fallback(const struct smm_buddy *b, unsigned int order,
			       unsigned int start_mt)
{
	if (order >= b->thp_order)
		return true;
	return order >= b->thp_order / 2 || start_mt == SMM_MIGRATE_RECLAIMABLE ||
	       start_mt == SMM_MIGRATE_UNMOVABLE || !b->group_by_mobility;
}

/*
 * find_suitable_fallback(): the first type of @mt's fallbacks with a free
 * block in @area, or -1; *@can_steal says whether it may claim the
 * pageblock.  With @only_stealable, only a type that may.
 */
static int find_suitable_fallback(const struct smm_buddy *b, const struct smm_free_area *area,
				  unsigned int order, unsigned int mt, bool only_stealable,
				  bool *can_steal)
{
	unsigned int i, fallback_mt;

	*can_steal = false;
	if (!area->nr_free)
		return -1;
	for (i = 0; i < SMM_MIGRATE_PCPTYPES - 1; i++) {
		fallback_mt = fallbacks[mt][i];
		if (list_empty(&area->free_list[fallback_mt]))
			continue;
		if (can_steal_fallback(b, order, mt))
			*can_steal = true;
		if (!only_stealable || *can_steal)
			return fallback_mt;
	}
	return -1;
}

/*
 * prep_move_freepages_block(): the pageblock of @pfn, if it lies wholly in
 * @z, with its free pages (heads on the free lists) and its movable pages
 * (user pages on an LRU list: PageLRU()) counted.
 */
static bool prep_move_freepages_block(struct smm_buddy *b, struct smm_zone *z,
				      unsigned long pfn, unsigned long *start_pfn,
				      unsigned long *num_free, unsigned long *num_movable)
{
	unsigned long nr = smm_pageblock_nr_pages(b);
	unsigned long start = round_down(pfn, nr), end = start + nr;

	if (start < z->zone_start_pfn || end > z->zone_start_pfn + z->spanned_pages)
		return false;
	*start_pfn = start;
	if (!num_free)
		return true;
	*num_free = 0;
	*num_movable = 0;
	for (pfn = start; pfn < end;) {
		const struct smm_page *page = pfn_page(b, pfn);

		if (page && smm_page_test(page, SMM_PG_BUDDY)) {
			*num_free += 1UL << page->order;
			pfn += 1UL << page->order;
			continue;
		}
		if (page && smm_page_test(page, SMM_PG_LRU))
			(*num_movable)++;
		pfn++;
	}
	return true;
}

/*
 * __move_freepages_block(): every free block of the pageblock at
 * @start_pfn from @old_mt's lists to @new_mt's, and the pageblock to
 * @new_mt.  Returns the pages moved.
 */
static unsigned long __move_freepages_block(struct smm_buddy *b, struct smm_zone *z,
					    unsigned long start_pfn, unsigned int old_mt,
					    unsigned int new_mt)
{
	unsigned long end = start_pfn + smm_pageblock_nr_pages(b), moved = 0, pfn;

	lockdep_assert_held(&z->lock);
	new_mt = set_pb_mt(b, z, start_pfn, new_mt);
	for (pfn = start_pfn; pfn < end;) {
		struct smm_page *page = pfn_page(b, pfn);

		if (!page || !smm_page_test(page, SMM_PG_BUDDY)) {
			pfn++;
			continue;
		}
		move_to_free_list(z, page, page->order, old_mt, new_mt);
		moved += 1UL << page->order;
		pfn += 1UL << page->order;
	}
	return moved;
}

/*
 * steal_suitable_fallback(): take @page, a free block of @current_order on
 * another type's list, for a request of @order and @start_mt.  A block of
 * at least the pageblock order changes type whole.  A smaller one claims
 * its pageblock (all the pageblock's free blocks move to @start_mt's
 * lists) when @whole_block allows and at least half the pageblock is free
 * or compatible: for a MOVABLE request, the movable pages; for the others
 * falling back to a MOVABLE pageblock, the pages neither free nor movable.
 * Otherwise only the block is taken and split, its pieces staying on its
 * pageblock's lists.  (boost_watermark() is not modelled.)
 */
static struct smm_page *steal_suitable_fallback(struct smm_buddy *b, struct smm_zone *z,
						struct smm_page *page, unsigned int current_order,
						unsigned int order, unsigned int start_mt,
						bool whole_block)
{
	unsigned long pfn = page_pfn(b, page), start_pfn, free_pages, movable_pages, alike;
	unsigned int block_mt = pb_mt(b, z, pfn);

	/* This can happen in races, and would break the highatomic accounting. */
	if (block_mt == SMM_MIGRATE_HIGHATOMIC)
		goto single_page;
	if (current_order >= b->thp_order) {
		del_from_free_area(z, page, current_order, block_mt);
		account_freepages(z, -(1L << current_order), block_mt);
		change_pageblock_range(b, z, pfn, current_order, start_mt);
		account_freepages(z, expand(b, z, pfn, order, current_order, start_mt), start_mt);
		stat_add(b, SMM_BUDDY_PAGEBLOCK_STEAL, 1UL << (current_order - b->thp_order));
		return page;
	}
	if (!whole_block)
		goto single_page;
	/* Moving the whole block fails where it straddles the zone's ends. */
	if (!prep_move_freepages_block(b, z, pfn, &start_pfn, &free_pages, &movable_pages))
		goto single_page;
	if (start_mt == SMM_MIGRATE_MOVABLE)
		alike = movable_pages;
	else if (block_mt == SMM_MIGRATE_MOVABLE)
		alike = smm_pageblock_nr_pages(b) - (free_pages + movable_pages);
	else
		alike = 0;
	/* (1 << (pageblock_order - 1)): half the pageblock. */
	if (free_pages + alike >= smm_pageblock_nr_pages(b) / 2 || !b->group_by_mobility) {
		__move_freepages_block(b, z, start_pfn, block_mt, start_mt);
		stat_inc(b, SMM_BUDDY_PAGEBLOCK_STEAL);
		return __rmqueue_smallest(b, z, order, start_mt);
	}
single_page:
	page_del_and_expand(b, z, page, order, current_order, block_mt);
	return page;
}

/*
 * __rmqueue_fallback(): @start_mt's lists are empty; take from another
 * type's.  The largest free block of a fallback type first (it roughly
 * marks the pageblock with the most free pages, worth claiming), but a
 * MOVABLE request that may not claim takes the smallest one instead, so
 * that it fragments no more than it must.  Each fallback is an
 * mm_page_alloc_extfrag event.  (ALLOC_NOFRAGMENT, the zonelist pass that
 * first refuses to split a pageblock, is not modelled.)
 */
static struct smm_page *__rmqueue_fallback(struct smm_buddy *b, struct smm_zone *z,
					   unsigned int order, unsigned int start_mt)
{
	struct smm_free_area *area;
	int current_order, fallback_mt = -1;
	struct smm_page *page;
	bool can_steal;

	for (current_order = b->max_order - 1; current_order >= (int)order; current_order--) {
		area = &z->free_area[current_order];
		fallback_mt = find_suitable_fallback(b, area, current_order, start_mt, false,
						     &can_steal);
		if (fallback_mt == -1)
			continue;
		if (!can_steal && start_mt == SMM_MIGRATE_MOVABLE && current_order > order)
			goto find_smallest;
		goto do_steal;
	}
	return NULL;

find_smallest:
	for (current_order = order; current_order < b->max_order; current_order++) {
		area = &z->free_area[current_order];
		fallback_mt = find_suitable_fallback(b, area, current_order, start_mt, false,
						     &can_steal);
		if (fallback_mt != -1)
			break;
	}
	/* We found one above, looking from the largest. */
	if (SMM_WARN_ON(b->broken, fallback_mt == -1))
		return NULL;

do_steal:
	page = list_first_entry(&area->free_list[fallback_mt], struct smm_page, lru);
	page = steal_suitable_fallback(b, z, page, current_order, order, start_mt, can_steal);
	if (!page)
		return NULL;
	stat_inc(b, SMM_BUDDY_EXTFRAG);
	if (current_order < b->thp_order)
		stat_inc(b, SMM_BUDDY_EXTFRAG_FRAGMENTING);
	trace_smm_mm_page_alloc_extfrag(b, page, order, current_order, start_mt, fallback_mt,
					pb_mt(b, z, page_pfn(b, page)) == start_mt);
	return page;
}

/*
 * __rmqueue(): a block of @order for @mt: its own lists first, then the
 * fallbacks.  In the 2.6.29 era everything is UNMOVABLE and there is
 * nothing to fall back to.
 */
static struct smm_page *__rmqueue(struct smm_buddy *b, struct smm_zone *z,
				  unsigned int order, unsigned int mt)
{
	struct smm_page *page = __rmqueue_smallest(b, z, order, mt);

	if (unlikely(!page) && b->group_by_mobility)
		page = __rmqueue_fallback(b, z, order, mt);
	return page;
}

/*
 * rmqueue_bulk() - move up to @count blocks of @order for @mt from the
 * free area onto @list, a per-CPU list of @z.  Returns how many.
 */
static int rmqueue_bulk(struct smm_buddy *b, struct smm_zone *z, unsigned int order,
			int count, struct list_head *list, unsigned int mt)
{
	int i;

	spin_lock(&z->lock);
	for (i = 0; i < count; i++) {
		struct smm_page *page = __rmqueue(b, z, order, mt);

		if (!page)
			break;
		page->order = order;
		set_block_owner(b, page, order, SMM_OWNER_PCP);
		list_add_tail(&page->lru, list);
	}
	spin_unlock(&z->lock);
	return i;
}

/*
 * free_pcppages_bulk() - give @count pages of a per-CPU list set back to
 * the free area: the coldest blocks first, round robin over the lists from
 * @pindex on, whole blocks, so a block of order 9 counts 512 pages.
 */
static void free_pcppages_bulk(struct smm_buddy *b, struct smm_zone *z,
			       struct smm_pcp *pcp, int count, int pindex)
{
	lockdep_assert_held(&pcp->lock);
	count = min(pcp->count, count);
	/* Start with @pindex itself. */
	pindex--;
	spin_lock(&z->lock);
	while (count > 0) {
		struct list_head *list;
		unsigned int order;

		do {
			if (++pindex > SMM_NR_PCP_LISTS - 1)
				pindex = 0;
			list = &pcp->lists[pindex];
		} while (list_empty(list));

		order = smm_pcp_pindex_to_order(b, pindex);
		do {
			struct smm_page *page = list_last_entry(list, struct smm_page, lru);

			list_del(&page->lru);
			count -= 1 << order;
			pcp->count -= 1 << order;
			set_block_owner(b, page, order, SMM_OWNER_BUDDY);
			/* The pageblock's type now: it may have been stolen since. */
			__free_one_page(b, z, page_pfn(b, page), order,
					pb_mt(b, z, page_pfn(b, page)));
		} while (count > 0 && !list_empty(list));
	}
	spin_unlock(&z->lock);
}

/*
 * nr_pcp_alloc(): how many blocks of @order a refill takes.  Order-0
 * refills double (alloc_factor) while allocations come without frees, up
 * to batch << PCP_BATCH_SCALE_MAX, and never past what @high leaves room
 * for; each refill lets @high grow by a batch, up to @high_max, unless the
 * zone is below its high watermark.  A high-order refill takes a batch's
 * worth of pages, at least two blocks.
 */
static int nr_pcp_alloc(struct smm_pcp *pcp, struct smm_zone *z, unsigned int order)
{
	int base_batch = pcp->batch, batch, high, max_nr_alloc;

	pcp->high = clamp(pcp->high, pcp->high_min, pcp->high_max);
	high = pcp->high;
	/* The boot pageset, before smm_buddy_setup_watermarks(): one at a time. */
	if (unlikely(high < base_batch))
		return 1;
	batch = order ? base_batch : base_batch << pcp->alloc_factor;
	if (pcp->high_min != pcp->high_max && !test_bit(SMM_ZONE_BELOW_HIGH, &z->flags)) {
		pcp->high = min(high + batch, pcp->high_max);
		high = pcp->high;
	}
	if (!order) {
		max_nr_alloc = max(high - pcp->count - base_batch, base_batch);
		if (batch <= max_nr_alloc && pcp->alloc_factor < SMM_PCP_BATCH_SCALE_MAX)
			pcp->alloc_factor++;
		batch = min(batch, max_nr_alloc);
	}
	if (batch > 1)
		batch = max(batch >> order, 2);
	return batch;
}

/*
 * nr_pcp_high(): the high mark this free is held to.  Consecutive frees
 * raise @high (up to @high_max) to hold what they free; below the zone's
 * high watermark it sinks towards @high_min instead.  A run of high-order
 * frees (@free_high) lowers it and spills everything.
 */
static int nr_pcp_high(struct smm_pcp *pcp, struct smm_zone *z, int batch, bool free_high)
{
	int high, high_min = pcp->high_min, high_max = pcp->high_max;

	pcp->high = clamp(pcp->high, high_min, high_max);
	high = pcp->high;
	if (unlikely(!high))
		return 0;
	if (unlikely(free_high)) {
		pcp->high = max(high - (batch << SMM_PCP_BATCH_SCALE_MAX), high_min);
		return 0;
	}
	if (high_min == high_max)
		return high;
	if (test_bit(SMM_ZONE_BELOW_HIGH, &z->flags)) {
		pcp->high = max(high - max_t(int, pcp->free_count, batch), high_min);
		high = max(pcp->count, high_min);
	} else if (pcp->count >= high) {
		int need_high = pcp->free_count + batch;

		if (pcp->high < need_high)
			pcp->high = clamp(need_high, high_min, high_max);
	}
	return high;
}

/* nr_pcp_free(): how many pages a spill gives back. */
static int nr_pcp_free(struct smm_pcp *pcp, int batch, int high, bool free_high)
{
	if (unlikely(free_high))
		return min(pcp->count, batch << SMM_PCP_BATCH_SCALE_MAX);
	/* The boot pageset: nothing stays. */
	if (unlikely(high < batch))
		return 1;
	/* Leave at least a batch; give more back the longer frees keep coming. */
	return clamp_t(int, pcp->free_count, batch, high - batch);
}

/*
 * free_unref_page_commit(): a claimed block of a pcp-allowed @order onto
 * this CPU's locked list, then a spill if the list reached its high mark.
 */
static void free_unref_page_commit(struct smm_buddy *b, struct smm_zone *z,
				   struct smm_pcp *pcp, struct smm_page *page,
				   unsigned int order, unsigned int mt)
{
	int pindex = smm_pcp_order_to_pindex(mt, order), batch = pcp->batch, high;
	bool free_high = false;

	lockdep_assert_held(&pcp->lock);
	pcp->alloc_factor >>= 1;
	set_block_owner(b, page, order, SMM_OWNER_PCP);
	list_add(&page->lru, &pcp->lists[pindex]);
	pcp->count += 1 << order;
	/*
	 * Costly-ish orders fragment the free area while they sit here: a run
	 * of them without allocations in between is spilled at once.
	 */
	if (order && order <= SMM_PAGE_ALLOC_COSTLY_ORDER) {
		free_high = pcp->free_count >= batch &&
			    (pcp->flags & SMM_PCPF_PREV_FREE_HIGH_ORDER) &&
			    (!(pcp->flags & SMM_PCPF_FREE_HIGH_BATCH) || pcp->count >= batch);
		pcp->flags |= SMM_PCPF_PREV_FREE_HIGH_ORDER;
	} else {
		pcp->flags &= ~SMM_PCPF_PREV_FREE_HIGH_ORDER;
	}
	if (pcp->free_count < (batch << SMM_PCP_BATCH_SCALE_MAX))
		pcp->free_count += 1 << order;
	high = nr_pcp_high(pcp, z, batch, free_high);
	if (pcp->count < high)
		return;
	free_pcppages_bulk(b, z, pcp, nr_pcp_free(pcp, batch, high, free_high), pindex);
	stat_inc(b, SMM_BUDDY_PCP_SPILL);
	if (test_bit(SMM_ZONE_BELOW_HIGH, &z->flags) &&
	    smm_zone_watermark_ok(z, 0, z->wmark[SMM_WMARK_HIGH], 0))
		clear_bit(SMM_ZONE_BELOW_HIGH, &z->flags);
}

/* rmqueue_pcplist(): a block of a pcp-allowed @order for @mt off this CPU's list. */
static struct smm_page *rmqueue_pcplist(struct smm_buddy *b, struct smm_zone *z,
					unsigned int order, unsigned int mt)
{
	struct smm_page *page = NULL;
	struct list_head *list;
	struct smm_pcp *pcp;

	pcp = get_cpu_ptr(z->pcp);
	spin_lock(&pcp->lock);
	/* An allocation: spills shrink back towards a batch. */
	pcp->free_count >>= 1;
	list = &pcp->lists[smm_pcp_order_to_pindex(mt, order)];
	if (list_empty(list)) {
		int n = rmqueue_bulk(b, z, order, nr_pcp_alloc(pcp, z, order), list, mt);

		pcp->count += n << order;
		if (n)
			stat_inc(b, SMM_BUDDY_PCP_REFILL);
	} else {
		stat_inc(b, SMM_BUDDY_PCP_HIT);
	}
	if (!list_empty(list)) {
		page = list_first_entry(list, struct smm_page, lru);
		list_del(&page->lru);
		/* Off the list: the caller's now, before it is prepared. */
		set_block_owner(b, page, order, SMM_OWNER_ALLOC);
		pcp->count -= 1 << order;
	}
	spin_unlock(&pcp->lock);
	put_cpu_ptr(z->pcp);
	return page;
}

static struct smm_page *rmqueue(struct smm_buddy *b, struct smm_zone *z,
				unsigned int order, unsigned int mt)
{
	struct smm_page *page;

	if (likely(smm_pcp_allowed_order(b, order)))
		return rmqueue_pcplist(b, z, order, mt);
	spin_lock(&z->lock);
	page = __rmqueue(b, z, order, mt);
	/* Off the free area: the caller's now, before the lock goes. */
	if (page)
		set_block_owner(b, page, order, SMM_OWNER_ALLOC);
	spin_unlock(&z->lock);
	return page;
}

/*
 * prep_new_page(): the block now belongs to its caller.  Its pages were
 * marked allocated when they left the lists, under the lists' lock, so
 * that smm_buddy_check() never sees a page that is neither free nor
 * allocated.
 */
static void prep_new_page(struct smm_buddy *b, struct smm_page *page,
			  unsigned int order, unsigned int gfp)
{
	unsigned long pfn = page_pfn(b, page), i;

	page->order = order;
	page->refcount = 1;
	smm_page_set(page, SMM_PG_HEAD);
	if (!(gfp & __SMM_GFP_ZERO))
		return;
	if (smm_page_zonenum(page) != SMM_ZONE_HIGHMEM) {
		for (i = 0; i < (1UL << order); i++)
			memset(smm_arena_pfn_to_virt(b->arena, pfn + i), 0, PAGE_SIZE);
		return;
	}
	/*
	 * HighMem has no permanent mapping: clear_highpage() maps each page
	 * for the moment.  Before the kmap layer is up (the bring-up, the
	 * tests' bare allocators), or if the host cannot map the page, only
	 * the direct map is left; count it.
	 */
	for (i = 0; i < (1UL << order); i++) {
		int (*clear)(void *ctx, struct smm_page *page);

		/* Pairs with smp_store_release() in smm_highmem_init(): @clear_ctx is set. */
		clear = smp_load_acquire(&b->clear_highpage);
		if (!clear || clear(b->clear_ctx, pfn_page(b, pfn + i))) {
			stat_inc(b, SMM_BUDDY_HIGHMEM_DIRECT);
			memset(smm_arena_pfn_to_virt(b->arena, pfn + i), 0, PAGE_SIZE);
		}
	}
}

static const char *const site_names[] = {
	[SMM_SITE_PAGES]	= "pages",
	[SMM_SITE_SLAB]		= "slab",
	[SMM_SITE_PGTABLE]	= "pgtable",
	[SMM_SITE_VMALLOC]	= "vmalloc",
	[SMM_SITE_FAULT]	= "fault",
};

static_assert(ARRAY_SIZE(site_names) == SMM_SITE_NR);

/**
 * smm_alloc_site_name() - the name of an allocation site
 * @site: the site
 *
 * Return: its name in fail_page_alloc's ``sites`` file, or NULL.
 */
const char *smm_alloc_site_name(enum smm_alloc_site site)
{
	return site < SMM_SITE_NR ? site_names[site] : NULL;
}

/*
 * should_fail_alloc_page(): the filters of fail_page_alloc, then the
 * knobs.  The space budget counts pages.
 */
static bool fail_alloc_page(struct smm_buddy *b, unsigned int gfp, unsigned int order)
{
	struct smm_fail_page_alloc *fpa = &b->fpa;
	unsigned int site = (gfp & SMM_GFP_SITE_MASK) >> __SMM_GFP_SITE_SHIFT;

	if (!(READ_ONCE(fpa->sites) & BIT(site)))
		return false;
	if (order < READ_ONCE(fpa->min_order))
		return false;
	if (READ_ONCE(fpa->ignore_gfp_highmem) && (gfp & __SMM_GFP_HIGHMEM))
		return false;
	return smm_should_fail(&fpa->fail, 1 << order);
}

/* _deferred_grow_zone(): the hook of the deferred layer, while it is set. */
static bool grow_zone(struct smm_buddy *b, struct smm_zone *z, unsigned int order)
{
	bool (*grow)(void *ctx, struct smm_zone *z, unsigned int order) = READ_ONCE(b->grow_zone);

	return grow && grow(b->grow_ctx, z, order);
}

/**
 * smm_alloc_pages() - allocate 2^@order contiguous shadow pages
 * @b: the allocator
 * @gfp: SMM_GFP_* flags: zone modifier, __SMM_GFP_ZERO, __SMM_GFP_HIGH,
 *	a mobility modifier, and the caller's __SMM_GFP_SITE()
 * @order: the order
 *
 * Walks the zonelist of @gfp twice, against the low and then the min
 * watermark, and takes the block from the first zone that passes, from
 * the free lists of the request's migratetype (smm_gfp_migratetype()) or,
 * when they are empty, from another type's by the fallback table.
 *
 * Return: the head page's descriptor; ERR_PTR(-EINVAL) for an order >=
 * max_order, unknown flags or both mobility modifiers, ERR_PTR(-EIO) if
 * the instance is broken,
 * ERR_PTR(-ENOMEM) if no zone can serve the request or fail_page_alloc
 * says so.
 * Context: process context; does not sleep, but for __SMM_GFP_ZERO on a
 * HighMem block, which is zeroed through kmap_atomic and may.
 */
struct smm_page *smm_alloc_pages(struct smm_buddy *b, unsigned int gfp,
				 unsigned int order)
{
	static const enum smm_wmark passes[] = { SMM_WMARK_LOW, SMM_WMARK_MIN };
	unsigned long (*compact)(void *ctx, unsigned int gfp, unsigned int order);
	enum smm_zone_type list[SMM_NR_ZONES];
	bool compacted = false;
	unsigned int mt;
	int n, i, p;

	if (unlikely(order >= b->max_order || gfp >= BIT(__SMM_GFP_BITS) ||
		     (gfp & SMM_GFP_MOVABLE_MASK) == SMM_GFP_MOVABLE_MASK)) {
		stat_inc(b, SMM_BUDDY_BAD_ORDER);
		smm_bad_input("order", "%u with gfp %#x: orders run 0..%u", order, gfp,
			      b->max_order - 1);
		return ERR_PTR(-EINVAL);
	}
	if (unlikely(READ_ONCE(*b->broken)))
		return ERR_PTR(-EIO);
	if (unlikely(smm_fail_armed(&b->fpa.fail)) && fail_alloc_page(b, gfp, order)) {
		stat_inc(b, SMM_BUDDY_FAIL);
		return ERR_PTR(-ENOMEM);
	}

	mt = smm_gfp_migratetype(b, gfp);
	n = smm_gfp_zonelist(b->zone_mask, gfp, list);
retry:
	for (p = 0; p < ARRAY_SIZE(passes); p++) {
		for (i = 0; i < n; i++) {
			struct smm_zone *z = &b->zones[list[i]];
			struct smm_page *page;

			if (!z->managed_pages)
				continue;
			/*
			 * ZONE_BELOW_HIGH: found out here, on the way in, so
			 * that the free path only tests a bit; it makes the
			 * per-CPU lists hold less while the zone is low.
			 */
			if (!p && !test_bit(SMM_ZONE_BELOW_HIGH, &z->flags)) {
				if (smm_zone_watermark_ok(z, order, z->wmark[SMM_WMARK_HIGH], gfp))
					goto try_this_zone;
				set_bit(SMM_ZONE_BELOW_HIGH, &z->flags);
			}
			if (!smm_zone_watermark_ok(z, order, z->wmark[passes[p]], gfp)) {
				stat_inc(b, SMM_BUDDY_WMARK_FAIL);
				/* deferred_grow_zone(), then try again */
				if (grow_zone(b, z, order))
					goto try_this_zone;
				continue;
			}
try_this_zone:
			page = rmqueue(b, z, order, mt);
			if (!page && grow_zone(b, z, order))
				goto try_this_zone;
			if (!page)
				continue;
			prep_new_page(b, page, order, gfp);
			if (i)
				stat_inc(b, SMM_BUDDY_FALLBACK);
			stat_inc(b, SMM_BUDDY_ALLOC);
			trace_smm_mm_page_alloc(b, page, order, gfp);
			return page;
		}
	}
	/* __alloc_pages_direct_compact(): once, and only if it was set up. */
	compact = smp_load_acquire(&b->compact);
	if (order && compact && !compacted) {
		compacted = true;
		if (compact(b->compact_ctx, gfp, order))
			goto retry;
	}
	stat_inc(b, SMM_BUDDY_FAIL);
	trace_smm_mm_page_alloc(b, NULL, order, gfp);
	return ERR_PTR(-ENOMEM);
}

/* Pages taken from a per-CPU list per hold of its lock, in a bulk allocation. */
#define PCP_BULK_MAX	64
/*
 * A bulk allocation refills an empty list with what it still needs, up to
 * batch << SMM_PCP_BATCH_SCALE_MAX pages, where nr_pcp_alloc() would get
 * there by doubling the refills of a list that keeps running dry.
 */

/*
 * __rmqueue_pcplist() in a loop: up to @nr pages off this CPU's list of @z,
 * refilled from the free area as it empties.  The lock is dropped every
 * PCP_BULK_MAX pages, so a large request does not keep preemption off.
 * Returns how many were taken; fewer than @nr only when the zone is empty.
 */
static unsigned int rmqueue_pcplist_bulk(struct smm_buddy *b, struct smm_zone *z,
					 unsigned int nr, struct smm_page **pages, unsigned int mt)
{
	unsigned int got = 0, stop, hits = 0, refills = 0;
	struct list_head *list;
	struct smm_pcp *pcp;

	while (got < nr) {
		stop = min(nr, got + PCP_BULK_MAX);
		pcp = get_cpu_ptr(z->pcp);
		spin_lock(&pcp->lock);
		pcp->free_count >>= 1;
		list = &pcp->lists[smm_pcp_order_to_pindex(mt, 0)];
		while (got < stop) {
			if (list_empty(list)) {
				int want = clamp_t(int, stop - got, pcp->batch,
						   pcp->batch << SMM_PCP_BATCH_SCALE_MAX);
				int n = rmqueue_bulk(b, z, 0, want, list, mt);

				if (!n)
					break;
				pcp->count += n;
				refills++;
			} else {
				hits++;
			}
			pages[got] = list_first_entry(list, struct smm_page, lru);
			list_del(&pages[got]->lru);
			/* Off the list: the caller's now, before it is prepared. */
			pages[got]->owner = SMM_OWNER_ALLOC;
			pcp->count--;
			got++;
		}
		spin_unlock(&pcp->lock);
		put_cpu_ptr(z->pcp);
		if (got < stop)
			break;
	}
	stat_add(b, SMM_BUDDY_PCP_HIT, hits);
	stat_add(b, SMM_BUDDY_PCP_REFILL, refills);
	return got;
}

/**
 * smm_alloc_pages_bulk() - alloc_pages_bulk(): many order-0 pages at once
 * @b: the allocator
 * @gfp: SMM_GFP_* flags, as for smm_alloc_pages()
 * @nr: how many pages
 * @pages: where they go, from index 0
 *
 * The way vmalloc fills its page array: the first zone of the zonelist
 * that stays above its low watermark with @nr pages gone gives what it can
 * from this CPU's list, refilling the list from the free area as it
 * empties, with one lock held for many pages instead of one round per
 * page.  What that zone cannot give, smm_alloc_pages() gives page by page
 * (the other zones, down to the min watermark).  The pages are prepared
 * (and zeroed, for __SMM_GFP_ZERO) after the lock is dropped.
 *
 * Return: the number of pages stored, fewer than @nr when memory runs out
 * (the caller frees them); -EINVAL (counted as bad_order and reported)
 * for unknown flags or @nr above INT_MAX, -EIO if the instance is broken.
 * Context: process context; does not sleep, but for __SMM_GFP_ZERO on
 * HighMem pages, which are zeroed through kmap_atomic and may.
 */
int smm_alloc_pages_bulk(struct smm_buddy *b, unsigned int gfp, unsigned int nr,
			 struct smm_page **pages)
{
	enum smm_zone_type list[SMM_NR_ZONES];
	unsigned int got = 0, i;
	int n;

	if (unlikely(gfp >= BIT(__SMM_GFP_BITS) || nr > INT_MAX ||
		     (gfp & SMM_GFP_MOVABLE_MASK) == SMM_GFP_MOVABLE_MASK)) {
		stat_inc(b, SMM_BUDDY_BAD_ORDER);
		smm_bad_input("alloc_pages_bulk", "gfp %#x, %u pages: unknown flags or too many",
			      gfp, nr);
		return -EINVAL;
	}
	if (unlikely(READ_ONCE(*b->broken)))
		return -EIO;

	/*
	 * An injected failure skips the bulk path, as prepare_alloc_pages()
	 * does for alloc_pages_bulk(); the pages then come one by one below,
	 * each of which may fail too.
	 */
	n = smm_gfp_zonelist(b->zone_mask, gfp, list);
	if (unlikely(smm_fail_armed(&b->fpa.fail)) && fail_alloc_page(b, gfp, 0))
		n = 0;
	for (i = 0; i < n; i++) {
		struct smm_zone *z = &b->zones[list[i]];

		if (!z->managed_pages)
			continue;
		if (!smm_zone_watermark_ok(z, 0, z->wmark[SMM_WMARK_LOW] + nr, gfp)) {
			stat_inc(b, SMM_BUDDY_WMARK_FAIL);
			continue;
		}
		got = rmqueue_pcplist_bulk(b, z, nr, pages, smm_gfp_migratetype(b, gfp));
		stat_add(b, SMM_BUDDY_ALLOC, got);
		if (i)
			stat_add(b, SMM_BUDDY_FALLBACK, got);
		break;
	}
	for (i = 0; i < got; i++) {
		prep_new_page(b, pages[i], 0, gfp);
		trace_smm_mm_page_alloc(b, pages[i], 0, gfp);
	}
	while (got < nr) {
		struct smm_page *page = smm_alloc_pages(b, gfp, 0);

		if (IS_ERR(page))
			break;
		pages[got++] = page;
	}
	return got;
}

/*
 * The per-CPU list a freed block of @page goes to: its pageblock's type;
 * HIGHATOMIC's go to MOVABLE's, as in free_unref_page(); -1 for an
 * isolated pageblock, whose pages go straight to the free area.
 */
static int pcp_migratetype(struct smm_buddy *b, struct smm_zone *z, struct smm_page *page)
{
	unsigned int mt = pb_mt(b, z, page_pfn(b, page));

	if (likely(mt < SMM_MIGRATE_PCPTYPES))
		return mt;
	return mt == SMM_MIGRATE_ISOLATE ? -1 : SMM_MIGRATE_MOVABLE;
}

/* free_one_page(): a claimed block straight into the free area. */
static void free_one_page(struct smm_buddy *b, struct smm_zone *z, struct smm_page *page,
			  unsigned int order)
{
	spin_lock(&z->lock);
	set_block_owner(b, page, order, SMM_OWNER_BUDDY);
	__free_block(b, z, page_pfn(b, page), order);
	spin_unlock(&z->lock);
}

/* Refuse a free: count it, say why once in a while, change nothing. */
static int bad_free(struct smm_buddy *b, unsigned long pfn, unsigned int order,
		    const char *why)
{
	stat_inc(b, SMM_BUDDY_BAD_FREE);
	smm_bad_input("free_pages", "pfn %#lx order %u: %s", pfn, order, why);
	return -EINVAL;
}

/*
 * free_pages_prepare(): check that @page heads an allocated block of
 * @order and claim it.  Of two racing frees, one clears HEAD, the other
 * is refused.  Returns 0, or -EINVAL (counted and reported).
 */
static int free_claim(struct smm_buddy *b, struct smm_page *page, unsigned int order)
{
	unsigned long pfn;
	u32 old;

	if (unlikely(!page))
		return bad_free(b, 0, order, "NULL page");
	pfn = page_pfn(b, page);
	if (unlikely(order >= b->max_order)) {
		stat_inc(b, SMM_BUDDY_BAD_ORDER);
		return bad_free(b, pfn, order, "order out of range");
	}
	if (unlikely(page->owner != SMM_OWNER_ALLOC))
		return bad_free(b, pfn, order, "not allocated (double free?)");
	if (unlikely(page->order != order))
		return bad_free(b, pfn, order, "freed with the wrong order");
	old = READ_ONCE(page->flags);
	do {
		if (!(old & BIT(SMM_PG_HEAD)))
			return bad_free(b, pfn, order, "not a block head (double free?)");
	} while (!try_cmpxchg(&page->flags, &old, old & ~BIT(SMM_PG_HEAD)));
	page->refcount = 0;
	return 0;
}

/**
 * smm_free_pages() - give a block back
 * @b: the allocator
 * @page: the head page, as smm_alloc_pages() returned it
 * @order: the order it was allocated with
 *
 * Blocks of order 0..PAGE_ALLOC_COSTLY_ORDER and of the pageblock order
 * go to this CPU's list for their order (free_unref_page()); others
 * straight to the free area, merging with their buddies.
 *
 * Return: 0; -EINVAL, counted and reported, for a page that is not the
 * head of an allocated block (a double free, a tail page, a page that was
 * never allocated) or for the wrong @order.  Then nothing changes.
 * Context: process context; does not sleep.
 */
int smm_free_pages(struct smm_buddy *b, struct smm_page *page, unsigned int order)
{
	struct smm_zone *z;
	int mt;

	if (free_claim(b, page, order))
		return -EINVAL;
	trace_smm_mm_page_free(b, page, order);
	z = smm_page_zone(b, page);
	stat_inc(b, SMM_BUDDY_FREE);
	mt = pcp_migratetype(b, z, page);
	if (likely(smm_pcp_allowed_order(b, order) && mt >= 0)) {
		struct smm_pcp *pcp = get_cpu_ptr(z->pcp);

		spin_lock(&pcp->lock);
		free_unref_page_commit(b, z, pcp, page, order, mt);
		spin_unlock(&pcp->lock);
		put_cpu_ptr(z->pcp);
		return 0;
	}
	free_one_page(b, z, page, order);
	return 0;
}

/* The next page of @pages from *@i on that passes free_claim(), or NULL. */
static struct smm_page *claim_next(struct smm_buddy *b, struct smm_page **pages,
				   unsigned int *i, unsigned int nr)
{
	while (*i < nr) {
		struct smm_page *page = pages[(*i)++];

		if (!free_claim(b, page, 0)) {
			trace_smm_mm_page_free_batched(b, page);
			return page;
		}
	}
	return NULL;
}

/*
 * One run of a bulk free: @first and the claimed pages after it that share
 * its zone go onto this CPU's list of that zone, under one hold of its
 * lock, up to PCP_BULK_MAX.  A claimed page of another zone ends the run
 * and is left in *@next.  Returns the pages freed.
 */
static unsigned int free_run(struct smm_buddy *b, struct smm_page *first,
			     struct smm_page **next, struct smm_page **pages,
			     unsigned int *i, unsigned int nr)
{
	struct smm_zone *z = smm_page_zone(b, first);
	struct smm_page *page = first;
	struct smm_pcp *pcp;
	unsigned int n = 0;

	*next = NULL;
	pcp = get_cpu_ptr(z->pcp);
	spin_lock(&pcp->lock);
	for (;;) {
		int mt = pcp_migratetype(b, z, page);

		/* An isolated pageblock's page: the zone lock nests inside. */
		if (unlikely(mt < 0))
			free_one_page(b, z, page, 0);
		else
			free_unref_page_commit(b, z, pcp, page, 0, mt);
		n++;
		page = claim_next(b, pages, i, nr);
		if (!page)
			break;
		if (n == PCP_BULK_MAX || smm_page_zone(b, page) != z) {
			*next = page;
			break;
		}
	}
	spin_unlock(&pcp->lock);
	put_cpu_ptr(z->pcp);
	return n;
}

/**
 * smm_free_pages_bulk() - free_unref_folios(): give many order-0 pages back
 * @b: the allocator
 * @pages: the pages, each as smm_alloc_pages() returned it with order 0
 * @nr: how many
 *
 * Each page is checked and claimed as smm_free_pages() does; a bad one is
 * refused, counted and reported, and the rest are still freed.  The good
 * ones go onto this CPU's list of their zone, up to PCP_BULK_MAX under one
 * hold of its lock, each through free_unref_page_commit() as
 * free_unref_folios() does: a long run raises the list's high mark and,
 * through @free_count, how much each spill gives back.
 *
 * Return: the number of pages refused; 0 when all were freed.
 * Context: process context; does not sleep.
 */
unsigned int smm_free_pages_bulk(struct smm_buddy *b, struct smm_page **pages,
				 unsigned int nr)
{
	unsigned int i = 0, freed = 0;
	struct smm_page *page = claim_next(b, pages, &i, nr);

	while (page)
		freed += free_run(b, page, &page, pages, &i, nr);
	stat_add(b, SMM_BUDDY_FREE, freed);
	return nr - freed;
}

/**
 * smm_alloc_page() - allocate one page
 * @b: the allocator
 * @gfp: SMM_GFP_* flags
 *
 * Return: as smm_alloc_pages() with order 0.
 */
struct smm_page *smm_alloc_page(struct smm_buddy *b, unsigned int gfp)
{
	return smm_alloc_pages(b, gfp, 0);
}

/**
 * smm_free_page() - free one page
 * @b: the allocator
 * @page: the page
 *
 * As smm_free_pages() with order 0; a refused free is counted and reported.
 */
void smm_free_page(struct smm_buddy *b, struct smm_page *page)
{
	smm_free_pages(b, page, 0);
}

/**
 * smm_get_free_page() - allocate one low page and return its address
 * @b: the allocator
 * @gfp: SMM_GFP_* flags, without __SMM_GFP_HIGHMEM
 *
 * Like __get_free_page(): the page is reached through the host's direct
 * map, so it must not be a shadow highmem page.
 *
 * Return: the page's address, or NULL.
 */
void *smm_get_free_page(struct smm_buddy *b, unsigned int gfp)
{
	struct smm_page *page;

	if (gfp & __SMM_GFP_HIGHMEM) {
		smm_bad_input("gfp", "get_free_page cannot return a highmem page");
		return NULL;
	}
	page = smm_alloc_pages(b, gfp, 0);
	if (IS_ERR(page))
		return NULL;
	return smm_arena_pfn_to_virt(b->arena, page_pfn(b, page));
}

/**
 * smm_free_page_addr() - free a page from smm_get_free_page()
 * @b: the allocator
 * @addr: its address
 *
 * Return: 0, or -EINVAL if @addr is not a page of this arena or not an
 * allocated page.
 */
int smm_free_page_addr(struct smm_buddy *b, void *addr)
{
	unsigned long pfn;

	if (!addr || !virt_addr_valid(addr) || offset_in_page(addr) ||
	    !smm_arena_host_to_pfn(b->arena, virt_to_page(addr), &pfn))
		return bad_free(b, 0, 0, "address is not an arena page");
	return smm_free_pages(b, pfn_page(b, pfn), 0);
}

/**
 * smm_drain_pages() - empty every per-CPU list into the free areas
 * @b: the allocator
 *
 * Context: process context; does not sleep.
 */
void smm_drain_pages(struct smm_buddy *b)
{
	int i, cpu;

	for (i = 0; i < SMM_NR_ZONES; i++) {
		struct smm_zone *z = &b->zones[i];

		for_each_possible_cpu(cpu) {
			struct smm_pcp *pcp = per_cpu_ptr(z->pcp, cpu);

			spin_lock(&pcp->lock);
			free_pcppages_bulk(b, z, pcp, pcp->count, 0);
			spin_unlock(&pcp->lock);
		}
	}
}

/**
 * smm_gfp_migratetype() - the migratetype of a request (gfp_migratetype())
 * @b: the allocator
 * @gfp: SMM_GFP_* flags
 *
 * Return: %SMM_MIGRATE_MOVABLE for __SMM_GFP_MOVABLE,
 * %SMM_MIGRATE_RECLAIMABLE for __SMM_GFP_RECLAIMABLE, else (and always
 * without grouping by mobility, the 2.6.29 era) %SMM_MIGRATE_UNMOVABLE.
 */
unsigned int smm_gfp_migratetype(const struct smm_buddy *b, unsigned int gfp)
{
	if (!b->group_by_mobility)
		return SMM_MIGRATE_UNMOVABLE;
	if (gfp & __SMM_GFP_MOVABLE)
		return SMM_MIGRATE_MOVABLE;
	return gfp & __SMM_GFP_RECLAIMABLE ? SMM_MIGRATE_RECLAIMABLE : SMM_MIGRATE_UNMOVABLE;
}

/*
 * The pageblock at @pfn, rounded down, if it lies wholly in one zone with
 * memory behind it; else NULL, reported as bad input.
 */
static struct smm_zone *pageblock_zone(struct smm_buddy *b, unsigned long *pfn)
{
	unsigned long nr = smm_pageblock_nr_pages(b), start = round_down(*pfn, nr);
	const struct smm_page *page = start < b->arena->end_pfn ? pfn_page(b, start) : NULL;
	struct smm_zone *z;

	if (!page) {
		smm_bad_input("pfn", "%#lx: no memory at its pageblock's start", *pfn);
		return NULL;
	}
	z = smm_page_zone(b, page);
	if (start < z->zone_start_pfn || start + nr > z->zone_start_pfn + z->spanned_pages ||
	    !z->pageblock_mt) {
		smm_bad_input("pfn", "%#lx: its pageblock straddles zone %s's ends", *pfn,
			      z->name);
		return NULL;
	}
	*pfn = start;
	return z;
}

/*
 * find_large_buddy(): the free block above the pageblock order that holds
 * the pageblock at @start, or NULL.
 */
static struct smm_page *find_large_buddy(struct smm_buddy *b, struct smm_zone *z,
					 unsigned long start)
{
	unsigned int o;

	for (o = b->thp_order + 1; o < b->max_order; o++) {
		unsigned long head = round_down(start, 1UL << o);
		struct smm_page *page = pfn_page(b, head);

		if (page && smm_page_test(page, SMM_PG_BUDDY) && page->order == o &&
		    smm_page_zonenum(page) == z->idx)
			return page;
	}
	return NULL;
}

/**
 * smm_set_pageblock_isolate() - isolate one pageblock (set_migratetype_isolate())
 * @b: the allocator
 * @pfn: a PFN in the pageblock
 *
 * The pageblock's type becomes %SMM_MIGRATE_ISOLATE and its free blocks
 * move to the ISOLATE lists, which nothing allocates from; a free block
 * larger than a pageblock is split first (move_freepages_block_isolate()).
 * Its free pages leave the zone's free count.  The per-CPU lists are then
 * drained, so that pages of the block held there come back isolated too;
 * pages freed later go straight to the ISOLATE lists.  Minimal: nothing
 * checks for unmovable pages in the block, as has_unmovable_pages() would.
 *
 * Return: 0; -EINVAL for a PFN without memory or a pageblock that
 * straddles a zone's ends; -EBUSY if it is isolated or HIGHATOMIC already.
 * Context: process context; does not sleep.
 */
int smm_set_pageblock_isolate(struct smm_buddy *b, unsigned long pfn)
{
	struct smm_zone *z = pageblock_zone(b, &pfn);
	struct smm_page *page;
	unsigned int mt;

	if (!z)
		return -EINVAL;
	spin_lock(&z->lock);
	mt = pb_mt(b, z, pfn);
	if (mt >= SMM_MIGRATE_PCPTYPES) {
		spin_unlock(&z->lock);
		return -EBUSY;
	}
	page = find_large_buddy(b, z, pfn);
	if (page) {
		unsigned long head = page_pfn(b, page);
		unsigned int order = page->order;

		/* split_large_buddy(): each pageblock back on its own type's lists */
		del_from_free_area(z, page, order, mt);
		account_freepages(z, -(1L << order), mt);
		set_pb_mt(b, z, pfn, SMM_MIGRATE_ISOLATE);
		for (; head < page_pfn(b, page) + (1UL << order); head += smm_pageblock_nr_pages(b))
			__free_one_page(b, z, head, b->thp_order, pb_mt(b, z, head));
	} else {
		__move_freepages_block(b, z, pfn, mt, SMM_MIGRATE_ISOLATE);
	}
	spin_unlock(&z->lock);
	smm_drain_pages(b);
	return 0;
}

/**
 * smm_unset_pageblock_isolate() - undo smm_set_pageblock_isolate()
 * @b: the allocator
 * @pfn: a PFN in the pageblock
 * @mt: its new type, below %SMM_MIGRATE_PCPTYPES (UNMOVABLE whatever it
 *	is without grouping by mobility)
 *
 * unset_migratetype_isolate(): the free blocks move to @mt's lists and the
 * free count; a free pageblock is freed again, so that it merges with its
 * buddies.
 *
 * Return: 0; -EINVAL for a bad @pfn or @mt, or a pageblock that is not
 * isolated.
 * Context: process context; does not sleep.
 */
int smm_unset_pageblock_isolate(struct smm_buddy *b, unsigned long pfn, unsigned int mt)
{
	struct smm_zone *z;
	struct smm_page *page;

	if (mt >= SMM_MIGRATE_PCPTYPES) {
		smm_bad_input("migratetype", "%u: not one of the per-CPU types", mt);
		return -EINVAL;
	}
	z = pageblock_zone(b, &pfn);
	if (!z)
		return -EINVAL;
	spin_lock(&z->lock);
	if (pb_mt(b, z, pfn) != SMM_MIGRATE_ISOLATE) {
		spin_unlock(&z->lock);
		smm_bad_input("pfn", "%#lx: pageblock not isolated", pfn);
		return -EINVAL;
	}
	page = pfn_page(b, pfn);
	if (smm_page_test(page, SMM_PG_BUDDY) && page->order >= b->thp_order) {
		unsigned int order = page->order;

		del_from_free_area(z, page, order, SMM_MIGRATE_ISOLATE);
		mt = set_pb_mt(b, z, pfn, mt);
		__free_one_page(b, z, pfn, order, mt);
	} else {
		__move_freepages_block(b, z, pfn, SMM_MIGRATE_ISOLATE, mt);
	}
	spin_unlock(&z->lock);
	return 0;
}

/*
 * A free block of @order at @pfn on @mt's list: every pageblock it touches
 * is of type @mt (exact since 6.10, when __add_to_free_list() began to
 * warn about a mismatch).
 */
static bool block_mt_ok(struct smm_buddy *b, struct smm_zone *z, unsigned long pfn,
			unsigned int order, unsigned int mt)
{
	unsigned long end = pfn + (1UL << order);

	for (pfn = round_down(pfn, smm_pageblock_nr_pages(b)); pfn < end;
	     pfn += smm_pageblock_nr_pages(b))
		if (pb_mt(b, z, pfn) != mt)
			return false;
	return true;
}

/* Check one list of a stopped zone's free area; @seen marks pages found free. */
static int check_free_list(struct smm_buddy *b, struct smm_zone *z, unsigned int o,
			   unsigned int mt, unsigned long *seen, unsigned long *n,
			   unsigned long *pages)
{
	struct smm_page *page;
	unsigned long i;

	list_for_each_entry(page, &z->free_area[o].free_list[mt], lru) {
		unsigned long pfn = page_pfn(b, page);

		if (!smm_page_test(page, SMM_PG_BUDDY) || page->order != o ||
		    smm_page_zonenum(page) != z->idx || (pfn & ((1UL << o) - 1))) {
			pr_err("shadow_mm: %s: bad free block at pfn %#lx order %u\n",
			       z->name, pfn, o);
			return -EUCLEAN;
		}
		if (!block_mt_ok(b, z, pfn, o, mt)) {
			pr_err("shadow_mm: %s: free block at pfn %#lx order %u on the %s list, pageblock is %s\n",
			       z->name, pfn, o, smm_migratetype_name(mt),
			       smm_migratetype_name(pb_mt(b, z, pfn)));
			return -EUCLEAN;
		}
		for (i = 0; i < (1UL << o); i++) {
			struct smm_page *p = pfn_page(b, pfn + i);

			if (!p || p->owner != SMM_OWNER_BUDDY ||
			    __test_and_set_bit(pfn + i, seen)) {
				pr_err("shadow_mm: %s: pfn %#lx free twice or not free\n",
				       z->name, pfn + i);
				return -EUCLEAN;
			}
		}
		(*n)++;
		*pages += 1UL << o;
	}
	return 0;
}

/*
 * Check a stopped zone's free area and pageblock types; @seen marks pages
 * found free.
 */
static int check_zone(struct smm_buddy *b, struct smm_zone *z, unsigned long *seen)
{
	unsigned long free = 0, mt_pages[SMM_MIGRATE_TYPES] = {}, highatomic = 0, i;
	unsigned int o, mt;
	int ret;

	for (i = 0; i < z->nr_pageblocks; i++) {
		mt = READ_ONCE(z->pageblock_mt[i]);
		if (mt >= SMM_MIGRATE_TYPES ||
		    (!b->group_by_mobility && mt != SMM_MIGRATE_UNMOVABLE &&
		     mt < SMM_MIGRATE_PCPTYPES)) {
			pr_err("shadow_mm: %s: pageblock %lu has type %u\n", z->name, i, mt);
			return -EUCLEAN;
		}
		if (mt == SMM_MIGRATE_HIGHATOMIC)
			highatomic += smm_pageblock_nr_pages(b);
	}
	if (highatomic != z->nr_reserved_highatomic) {
		pr_err("shadow_mm: %s: %lu pages in highatomic pageblocks, reserve says %lu\n",
		       z->name, highatomic, z->nr_reserved_highatomic);
		return -EUCLEAN;
	}
	for (o = 0; o < b->max_order; o++) {
		unsigned long n = 0;

		for (mt = 0; mt < SMM_MIGRATE_TYPES; mt++) {
			ret = check_free_list(b, z, o, mt, seen, &n, &mt_pages[mt]);
			if (ret)
				return ret;
		}
		if (n != z->free_area[o].nr_free) {
			pr_err("shadow_mm: %s: order %u lists %lu blocks, nr_free says %lu\n",
			       z->name, o, n, z->free_area[o].nr_free);
			return -EUCLEAN;
		}
	}
	for (mt = 0; mt < SMM_MIGRATE_TYPES; mt++) {
		if (mt_pages[mt] != z->nr_free_mt[mt]) {
			pr_err("shadow_mm: %s: %lu pages on the %s lists, nr_free_mt says %lu\n",
			       z->name, mt_pages[mt], smm_migratetype_name(mt), z->nr_free_mt[mt]);
			return -EUCLEAN;
		}
		if (mt != SMM_MIGRATE_ISOLATE)
			free += mt_pages[mt];
	}
	if (free != z->free_pages) {
		pr_err("shadow_mm: %s: %lu pages in the lists, free_pages says %lu\n",
		       z->name, free, z->free_pages);
		return -EUCLEAN;
	}
	return 0;
}

/*
 * Check one block on a per-CPU list: a head of its list's @order, aligned,
 * in @z, every page owned by the lists and seen nowhere else.
 */
static int check_pcp_block(struct smm_buddy *b, struct smm_zone *z, struct smm_page *page,
			   unsigned int order, unsigned long *seen)
{
	unsigned long pfn = page_pfn(b, page), i;

	if (page->order != order || (pfn & ((1UL << order) - 1)) ||
	    smm_page_zone(b, page) != z) {
		pr_err("shadow_mm: %s: bad pcp block at pfn %#lx, order %u on the order-%u list\n",
		       z->name, pfn, page->order, order);
		return -EUCLEAN;
	}
	for (i = 0; i < (1UL << order); i++) {
		const struct smm_page *p = pfn_page(b, pfn + i);

		if (!p || p->owner != SMM_OWNER_PCP || __test_and_set_bit(pfn + i, seen)) {
			pr_err("shadow_mm: %s: bad pcp page %#lx\n", z->name, pfn + i);
			return -EUCLEAN;
		}
	}
	return 0;
}

/* Check a stopped zone's per-CPU lists; @seen marks pages found free. */
static int check_pcp(struct smm_buddy *b, struct smm_zone *z, unsigned long *seen)
{
	unsigned int pindex;
	int cpu, ret;

	for_each_possible_cpu(cpu) {
		struct smm_pcp *pcp = per_cpu_ptr(z->pcp, cpu);
		long n = 0;

		for (pindex = 0; pindex < SMM_NR_PCP_LISTS; pindex++) {
			unsigned int order = smm_pcp_pindex_to_order(b, pindex);
			struct smm_page *page;

			list_for_each_entry(page, &pcp->lists[pindex], lru) {
				ret = check_pcp_block(b, z, page, order, seen);
				if (ret)
					return ret;
				n += 1L << order;
			}
		}
		if (n != pcp->count) {
			pr_err("shadow_mm: %s: cpu %d pcp has %ld pages, count says %d\n",
			       z->name, cpu, n, pcp->count);
			return -EUCLEAN;
		}
	}
	return 0;
}

/* In a stopped zone, a page is marked free if and only if a list has it. */
static int check_owners(struct smm_buddy *b, struct smm_zone *z, const unsigned long *seen)
{
	enum smm_owner owner;
	unsigned long pfn;

	for (pfn = z->zone_start_pfn; pfn < z->zone_start_pfn + z->spanned_pages; pfn++) {
		const struct smm_page *page = pfn_page(b, pfn);
		bool is_free;

		if (!page)
			continue;
		owner = READ_ONCE(page->owner);
		is_free = owner == SMM_OWNER_BUDDY || owner == SMM_OWNER_PCP;
		if (is_free != test_bit(pfn, seen)) {
			pr_err("shadow_mm: pfn %#lx owner %s but %s the free lists\n", pfn,
			       smm_owner_name(owner), is_free ? "not in" : "in");
			return -EUCLEAN;
		}
	}
	return 0;
}

/**
 * struct check_zone_args - one zone for check_stopped()
 * @b: the allocator
 * @z: the zone
 * @seen: pages found on a list, by PFN
 * @ret: the verdict
 */
struct check_zone_args {
	struct smm_buddy *b;
	struct smm_zone *z;
	unsigned long *seen;
	int ret;
};

/*
 * Run by stop_machine(): every other CPU spins with interrupts off, and
 * none of them is inside a section under a list's or the zone's lock,
 * since those are spinlocks.  Outside them every page is on a list and
 * marked free, or off the lists and marked otherwise, so what this sees is
 * exact, with no lock taken and however many CPUs there are.
 */
static int check_stopped(void *data)
{
	struct check_zone_args *c = data;

	c->ret = check_pcp(c->b, c->z, c->seen);
	if (!c->ret)
		c->ret = check_zone(c->b, c->z, c->seen);
	if (!c->ret)
		c->ret = check_owners(c->b, c->z, c->seen);
	return 0;
}

/**
 * smm_buddy_check() - verify the allocator's invariants
 * @b: the allocator
 *
 * Every free block is a well-formed, aligned block of its list's order, in
 * its own zone, owned by the buddy, on the list of its pageblocks'
 * migratetype; no page is free twice; the counters match the lists, per
 * order and per migratetype; every pageblock has a valid type (UNMOVABLE
 * or an isolating type without grouping by mobility), and the highatomic
 * reserve counts the HIGHATOMIC pageblocks; every page on a per-CPU list is owned by the lists; and
 * a page is marked free in its descriptor exactly when a list has it.
 * Each zone is checked under stop_machine() (check_stopped()), so the
 * answer is exact while other CPUs allocate and free.
 *
 * Return: 0, -EUCLEAN (with a message) on the first violation, or -ENOMEM.
 * Context: process context; sleeps.  Stops the machine once per zone, for
 * as long as the walk of the zone's descriptors takes: a command for
 * debugging, not for a busy production host with a huge arena.
 */
int smm_buddy_check(struct smm_buddy *b)
{
	const struct smm_arena *a = b->arena;
	struct check_zone_args c = { .b = b };
	int i;

	/* kvcalloc: the span of a large arena is beyond one kmalloc(). */
	c.seen = kvcalloc(BITS_TO_LONGS(a->end_pfn), sizeof(long), GFP_KERNEL);
	if (!c.seen)
		return -ENOMEM;
	for (i = 0; i < SMM_NR_ZONES && !c.ret; i++) {
		c.z = &b->zones[i];
		stop_machine(check_stopped, &c, NULL);
	}
	kvfree(c.seen);
	return c.ret;
}

/**
 * smm_buddy_isolate_free() - take free blocks off the lists for compaction
 * @b: the allocator
 * @z: the zone
 * @pfn: first PFN to look at, in @z
 * @end: first PFN past the range, in @z
 * @list: where the pages go, linked through &smm_page.lru
 * @scanned: incremented by the PFNs looked at
 *
 * isolate_freepages_block() with __isolate_free_page() and split_page():
 * under the zone lock, every free block whose head lies in [@pfn, @end)
 * leaves its list, as long as the zone stays above its min watermark
 * plus the block, and is split into order-0 pages that look allocated
 * (%SMM_OWNER_ALLOC, %SMM_PG_HEAD, order 0, one reference), so that a
 * page not used as a migration target goes back with smm_free_pages().
 * Blocks on the per-CPU lists are not seen; drain them first.
 *
 * Return: the number of pages added to @list.
 * Context: process context; takes @z's lock.
 */
unsigned long smm_buddy_isolate_free(struct smm_buddy *b, struct smm_zone *z,
				     unsigned long pfn, unsigned long end,
				     struct list_head *list, unsigned long *scanned)
{
	unsigned long isolated = 0, i;

	spin_lock(&z->lock);
	while (pfn < end) {
		struct smm_page *page = pfn_page(b, pfn);
		unsigned int order, mt;

		(*scanned)++;
		if (!page || !smm_page_test(page, SMM_PG_BUDDY) || page->owner != SMM_OWNER_BUDDY ||
		    smm_page_zonenum(page) != z->idx) {
			pfn++;
			continue;
		}
		order = page->order;
		mt = pb_mt(b, z, pfn);
		/* An isolated pageblock is someone else's; leave it be. */
		if (mt == SMM_MIGRATE_ISOLATE) {
			pfn += 1UL << order;
			continue;
		}
		/* __isolate_free_page(): the min watermark stays, as for an allocation. */
		if (!smm_zone_watermark_ok(z, 0, z->wmark[SMM_WMARK_MIN] + (1UL << order), 0))
			break;
		del_from_free_area(z, page, order, mt);
		account_freepages(z, -(1L << order), mt);
		set_block_owner(b, page, order, SMM_OWNER_ALLOC);
		/* split_page(): each page its own order-0 block */
		for (i = 0; i < (1UL << order); i++) {
			struct smm_page *p = pfn_page(b, pfn + i);

			p->order = 0;
			p->refcount = 1;
			smm_page_set(p, SMM_PG_HEAD);
			list_add_tail(&p->lru, list);
		}
		isolated += 1UL << order;
		pfn += 1UL << order;
	}
	spin_unlock(&z->lock);
	return isolated;
}

/* bring-up: bulk free for free_all_bootmem() */

/*
 * The pages of [@pfn, @pfn + @nr) in one section's array, or NULL if any
 * of them has no descriptor.  A section's present pages are one array, so
 * checking both ends checks them all.
 */
static struct smm_page *section_pages(struct smm_buddy *b, unsigned long pfn,
				      unsigned long nr)
{
	struct smm_page *first = pfn_page(b, pfn);

	return first && pfn_page(b, pfn + nr - 1) == first + nr - 1 ? first : NULL;
}

/* Pages from @pfn to the end of its section, at most @nr. */
static unsigned long section_part(unsigned long pfn, unsigned long nr)
{
	return min(nr, SMM_PAGES_PER_SECTION - (pfn & SMM_SECTION_MASK));
}

/**
 * smm_buddy_free_range() - hand a range over at boot, in the largest blocks
 * @b: the allocator
 * @s: first PFN
 * @e: first PFN past the range; every page of [@s, @e) has a descriptor
 *
 * __free_pages_memory(): [@s, @e) in the largest naturally aligned blocks
 * that fit, never above max_order - 1, each with one call of
 * smm_buddy_free_pages_core().  free_all_bootmem(), memblock_free_all()
 * and deferred init all hand memory over this way.
 *
 * Return: the number of pages handed over.
 * Context: process context, during bring-up, or deferred init.
 */
unsigned long smm_buddy_free_range(struct smm_buddy *b, unsigned long s, unsigned long e)
{
	unsigned long n = 0;

	while (s < e) {
		unsigned int order = min_t(unsigned int, b->max_order - 1,
					   s ? __ffs(s) : b->max_order - 1);

		while (s + (1UL << order) > e)
			order--;
		n += smm_buddy_free_pages_core(b, s, order);
		s += 1UL << order;
	}
	return n;
}

/*
 * add_one_highpage_init() for each page of [@s, @e): clear PG_reserved,
 * count 1, __free_page().  The kernel's __free_page() went through the
 * per-CPU list; ours goes straight to the free lists, so that the
 * bring-up leaves no page on a per-CPU list.
 */
static unsigned long free_each(struct smm_buddy *b, unsigned long s, unsigned long e)
{
	return s < e ? smm_buddy_free_pages_each(b, s, e - s) : 0;
}

/**
 * smm_buddy_free_present() - hand over the pages of a range that exist
 * @b: the allocator
 * @s: first PFN
 * @e: first PFN past the range
 * @by_page: one page at a time (smm_buddy_free_pages_each()) rather than
 *	in the largest blocks (smm_buddy_free_range())
 *
 * The present pages of a section are one range, so this walks sections,
 * not pages, and joins the ranges of neighbouring sections into one, so
 * that blocks larger than a section stay whole.
 *
 * Return: the number of pages handed over.
 * Context: process context, during bring-up.
 */
unsigned long smm_buddy_free_present(struct smm_buddy *b, unsigned long s, unsigned long e,
				     bool by_page)
{
	unsigned long (*give)(struct smm_buddy *b, unsigned long s, unsigned long e) =
		by_page ? free_each : smm_buddy_free_range;
	const struct smm_arena *a = b->arena;
	unsigned long n = 0, rs = 0, re = 0;

	e = min(e, a->end_pfn);
	while (s < e) {
		const struct smm_section *sec = smm_arena_section(a, s);
		unsigned long base = s & ~SMM_SECTION_MASK;
		unsigned long lo = max(s, base + sec->first);
		unsigned long hi = min(e, base + sec->first + sec->nr);

		if (lo < hi) {
			if (lo != re) {
				n += give(b, rs, re);
				rs = lo;
			}
			re = hi;
		}
		s = base + SMM_PAGES_PER_SECTION;
	}
	return n + give(b, rs, re);
}

/**
 * smm_buddy_free_pages_core() - hand an aligned block over at boot, in bulk
 * @b: the allocator
 * @pfn: first PFN, aligned to 2^@order
 * @order: the block's order, < max_order
 *
 * __free_pages_core(), as memblock_free_all() calls it for each block that
 * __free_pages_memory() carves out: the descriptors are walked a section
 * at a time, straight through the section's array (no lookup per page),
 * to clear PG_reserved and make the buddy their owner; then the zone lock
 * is taken once for the whole block, which goes to __free_one_page().  A
 * block that straddles a zone boundary is split in two, recursively, so
 * each half goes to its own zone.  Nothing changes if any page of the
 * block has no descriptor.
 *
 * Return: the number of pages handed over: 2^@order, or 0 (with a warning
 * that marks the instance broken) for a bad block.
 * Context: process context, during bring-up.
 */
unsigned long smm_buddy_free_pages_core(struct smm_buddy *b, unsigned long pfn,
					unsigned int order)
{
	unsigned long nr = 1UL << order, p, n, i;
	struct smm_page *first, *last, *page;
	struct smm_zone *z;

	if (SMM_WARN_ON(b->broken, order >= b->max_order || (pfn & (nr - 1))))
		return 0;
	for (p = pfn; p < pfn + nr; p += n) {
		n = section_part(p, pfn + nr - p);
		if (SMM_WARN_ON(b->broken, !section_pages(b, p, n)))
			return 0;
	}
	first = pfn_page(b, pfn);
	last = pfn_page(b, pfn + nr - 1);
	if (smm_page_zonenum(first) != smm_page_zonenum(last))
		return smm_buddy_free_pages_core(b, pfn, order - 1) +
		       smm_buddy_free_pages_core(b, pfn + nr / 2, order - 1);

	for (p = pfn; p < pfn + nr; p += n) {
		n = section_part(p, pfn + nr - p);
		page = pfn_page(b, p);
		for (i = 0; i < n; i++) {
			smm_page_clear(&page[i], SMM_PG_RESERVED);
			page[i].owner = SMM_OWNER_BUDDY;
		}
	}
	z = smm_page_zone(b, first);
	spin_lock(&z->lock);
	z->managed_pages += nr;
	__free_block(b, z, pfn, order);
	spin_unlock(&z->lock);
	return nr;
}

/**
 * smm_buddy_free_pages_each() - hand pages over at boot, one at a time
 * @b: the allocator
 * @pfn: the first PFN
 * @nr: how many pages, every one with a descriptor
 *
 * set_highmem_pages_init()'s add_one_highpage_init() for each page of
 * [@pfn, @pfn + @nr), in order: clear PG_reserved, make the buddy the
 * owner, and free the page alone, as order 0, merging it with its buddy
 * (pfn ^ (1 << order)) whenever that is free, as __free_one_page() does.
 *
 * Pages come in ascending order, so the block a page merges into is always
 * the one the pages before it built: those growing blocks are kept on a
 * small stack, one per order at most, and go on the free list (through
 * __free_one_page(), to merge with what was free already) only once they
 * can grow no more.  The kernel's __free_page() held pages back the same
 * way, on the per-CPU list.  The free lists end as they would after a
 * __free_one_page() per page, and the merges counted are the same ones.
 * The zone lock is taken once per run of pages in one zone and section.
 *
 * Return: the number of pages handed over; a run without descriptors is
 * refused with a warning that marks the instance broken.
 * Context: process context, during bring-up.
 */
unsigned long smm_buddy_free_pages_each(struct smm_buddy *b, unsigned long pfn,
					unsigned long nr)
{
	const unsigned int top_order = b->max_order - 1;
	unsigned long end = pfn + nr, done = 0, merges = 0, n, i;
	/* The blocks below the top one, lowest first; the top one in tp/to. */
	unsigned long stack_pfn[SMM_MAX_ORDER_LIMIT + 1], tp = 0;
	unsigned int stack_order[SMM_MAX_ORDER_LIMIT + 1], depth, to = 0;
	bool have;
	struct smm_page *page;
	struct smm_zone *z;

	while (pfn < end) {
		n = section_part(pfn, end - pfn);
		page = section_pages(b, pfn, n);
		if (SMM_WARN_ON(b->broken, !page))
			break;
		z = smm_page_zone(b, page);
		/* Stop the run where the zone changes. */
		for (i = 1; i < n; i++)
			if (smm_page_zonenum(&page[i]) != smm_page_zonenum(page))
				break;
		n = i;
		depth = 0;
		have = false;
		spin_lock(&z->lock);
		z->managed_pages += n;
		for (i = 0; i < n; i++) {
			unsigned long p = pfn + i;
			unsigned int order = 0;

			/* add_one_highpage_init(): ClearPageReserved(), count 1 */
			smm_page_clear(&page[i], SMM_PG_RESERVED);
			page[i].owner = SMM_OWNER_BUDDY;
			/* __free_page(): merge with the buddy just freed, if it is one. */
			while (have && to == order && tp == (p ^ (1UL << order)) &&
			       order < top_order) {
				p = tp;
				order++;
				merges++;
				have = depth;
				if (depth) {
					depth--;
					tp = stack_pfn[depth];
					to = stack_order[depth];
				}
			}
			/*
			 * A block that cannot grow any more goes to the free
			 * lists: one of a lower order left of this one, or
			 * this one at the largest order.  (Flushing early is
			 * never wrong, __free_one_page() merges it anyway.)
			 */
			while (have && to < order) {
				__free_block(b, z, tp, to);
				have = depth;
				if (depth) {
					depth--;
					tp = stack_pfn[depth];
					to = stack_order[depth];
				}
			}
			if (order == top_order) {
				__free_block(b, z, p, order);
				continue;
			}
			if (have) {
				if (depth == ARRAY_SIZE(stack_pfn)) {
					__free_block(b, z, tp, to);
				} else {
					stack_pfn[depth] = tp;
					stack_order[depth++] = to;
				}
			}
			tp = p;
			to = order;
			have = true;
		}
		if (have)
			__free_block(b, z, tp, to);
		while (depth--)
			__free_block(b, z, stack_pfn[depth], stack_order[depth]);
		spin_unlock(&z->lock);
		pfn += n;
		done += n;
	}
	stat_add(b, SMM_BUDDY_MERGE, merges);
	return done;
}
