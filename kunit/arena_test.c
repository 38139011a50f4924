// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "shadow_mm_arena": the real memory under a shadow instance.
 *
 * Covers argument checking and the arena_source names; arenas taken from
 * the host as chunks of several orders, including a size that is not a
 * multiple of the chunk; the contig and auto sources (a host without
 * ZONE_MOVABLE memory may refuse contig); the shadow PFN <-> host page
 * conversions for every page of an arena; and, on made-up host PFNs fed to
 * smm_arena_layout(), the placement rules: touching chunks merge into one
 * run, a host gap becomes a hole of whole sections, and a huge gap is capped.
 * Last, the sizes refused before any page is taken, and the accounting of
 * every byte of host memory an instance uses outside its arena.
 */

#include <kunit/test.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "kunit/util.h"
#include "shadow_mm/arena.h"
#include "shadow_mm/control.h"
#include "shadow_mm/instance.h"

#define MB_PAGES(mb)	((unsigned long)(mb) << (20 - PAGE_SHIFT))
#define SECTION		SMM_PAGES_PER_SECTION

KUNIT_DEFINE_ACTION_WRAPPER(arena_destroy_action, smm_arena_destroy,
			    struct smm_arena *);

static struct smm_arena *new_arena(struct kunit *test, unsigned long nr_pages,
				   enum smm_arena_source source,
				   unsigned int chunk_order)
{
	struct smm_arena *a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_EQ(test, smm_arena_init(a, nr_pages, source, chunk_order), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, arena_destroy_action, a), 0);
	return a;
}

static unsigned long chunk_pages(const struct smm_chunk *c)
{
	return 1UL << c->order;
}

/* The chunks: naturally aligned, sorted, disjoint, adding up to the arena. */
static void expect_chunks(struct kunit *test, const struct smm_arena *a,
			  unsigned int max_order)
{
	unsigned long sum = 0;
	unsigned int i, bad_order = 0, bad_align = 0, bad_sort = 0;

	KUNIT_EXPECT_GE(test, a->nr_chunks, 1U);
	for (i = 0; i < a->nr_chunks; i++) {
		const struct smm_chunk *c = &a->chunks[i];

		sum += chunk_pages(c);
		bad_order += c->order > max_order;
		bad_align += !IS_ALIGNED(c->host_pfn, chunk_pages(c));
		if (i)
			bad_sort += c[-1].host_pfn + chunk_pages(&c[-1]) > c->host_pfn;
	}
	KUNIT_EXPECT_EQ(test, sum, a->nr_pages);
	KUNIT_EXPECT_EQ_MSG(test, bad_order, 0U, "chunks above order %u", max_order);
	KUNIT_EXPECT_EQ_MSG(test, bad_align, 0U, "chunks not naturally aligned");
	KUNIT_EXPECT_EQ_MSG(test, bad_sort, 0U, "chunks unsorted or overlapping");
}

/* Is host PFN @host inside run @r? */
static bool run_has_host(const struct smm_run *r, unsigned long host)
{
	return host >= r->host_pfn && host - r->host_pfn < r->nr_pages;
}

/*
 * Every invariant of the layout: runs start on sections, the first at 0,
 * sorted both ways, not touching on the host, separated by 1..MAX whole
 * empty sections; the section table describes exactly the runs; every
 * chunk lies in one run.
 */
static void expect_layout(struct kunit *test, const struct smm_arena *a)
{
	unsigned long sum = 0, present = 0, bad_host = 0, pfn, sec, hole;
	unsigned int i, j, bad_chunk = 0;
	const struct smm_run *r, *prev;

	KUNIT_ASSERT_GE(test, a->nr_runs, 1U);
	KUNIT_EXPECT_EQ(test, a->runs[0].pfn, 0UL);
	for (i = 0; i < a->nr_runs; i++) {
		r = &a->runs[i];
		sum += r->nr_pages;
		KUNIT_EXPECT_NE_MSG(test, r->nr_pages, 0UL, "run %u is empty", i);
		KUNIT_EXPECT_EQ_MSG(test, r->pfn & SMM_SECTION_MASK, 0UL,
				    "run %u starts inside a section", i);
		if (!i)
			continue;
		prev = r - 1;
		KUNIT_EXPECT_GT_MSG(test, r->host_pfn, prev->host_pfn + prev->nr_pages,
				    "runs %u and %u touch or overlap on the host", i - 1, i);
		KUNIT_ASSERT_GT_MSG(test, r->pfn, prev->pfn + prev->nr_pages,
				    "runs %u and %u unsorted in the shadow space", i - 1, i);
		hole = r->pfn / SECTION - DIV_ROUND_UP(prev->pfn + prev->nr_pages, SECTION);
		KUNIT_EXPECT_GE_MSG(test, hole, 1UL, "no hole before run %u", i);
		KUNIT_EXPECT_LE_MSG(test, hole, (unsigned long)SMM_MAX_HOLE_SECTIONS,
				    "hole before run %u too large", i);
	}
	r = &a->runs[a->nr_runs - 1];
	KUNIT_EXPECT_EQ(test, sum, a->nr_pages);
	KUNIT_EXPECT_EQ(test, a->end_pfn, r->pfn + r->nr_pages);
	KUNIT_EXPECT_EQ(test, a->nr_sections, DIV_ROUND_UP(a->end_pfn, SECTION));

	for (sec = 0; sec < a->nr_sections; sec++)
		present += a->sections[sec].nr;
	KUNIT_EXPECT_EQ(test, present, a->nr_pages);

	/* Each page of each run: valid, and its section maps it to the host. */
	for (i = 0; i < a->nr_runs; i++) {
		r = &a->runs[i];
		for (pfn = r->pfn; pfn < r->pfn + r->nr_pages; pfn++) {
			const struct smm_section *s = smm_arena_section(a, pfn);

			if (!smm_arena_pfn_valid(a, pfn) || !s ||
			    s->host_pfn + (pfn & SMM_SECTION_MASK) !=
			    r->host_pfn + (pfn - r->pfn))
				bad_host++;
		}
	}
	KUNIT_EXPECT_EQ_MSG(test, bad_host, 0UL, "pages whose section maps them wrongly");
	KUNIT_EXPECT_FALSE(test, smm_arena_pfn_valid(a, a->end_pfn));
	KUNIT_EXPECT_FALSE(test, smm_arena_pfn_valid(a, ULONG_MAX));

	for (i = 0; i < a->nr_chunks; i++) {
		const struct smm_chunk *c = &a->chunks[i];

		for (j = 0; j < a->nr_runs; j++)
			if (run_has_host(&a->runs[j], c->host_pfn) &&
			    run_has_host(&a->runs[j], c->host_pfn + chunk_pages(c) - 1))
				break;
		bad_chunk += j == a->nr_runs;
	}
	KUNIT_EXPECT_EQ_MSG(test, bad_chunk, 0U, "chunks in no run");
}

/* ---- arguments and names ----------------------------------------------- */

static void arena_test_parse_source(struct kunit *test)
{
	static const char *const bad[] = { "", "chunk", "contigx", "none", "autoauto" };
	enum smm_arena_source src, i;
	unsigned int k;

	for (i = 0; i < SMM_ARENA_SOURCE_NR; i++) {
		src = SMM_ARENA_SOURCE_NR;
		KUNIT_EXPECT_EQ(test, smm_arena_parse_source(smm_arena_source_name(i), &src), 0);
		KUNIT_EXPECT_EQ(test, src, i);
	}
	KUNIT_EXPECT_STREQ(test, smm_arena_source_name(SMM_ARENA_AUTO), "auto");
	KUNIT_EXPECT_STREQ(test, smm_arena_source_name(SMM_ARENA_CONTIG), "contig");
	KUNIT_EXPECT_STREQ(test, smm_arena_source_name(SMM_ARENA_CHUNKS), "chunks");
	KUNIT_EXPECT_EQ(test, smm_arena_parse_source("chunks", &src), 0);
	KUNIT_EXPECT_EQ(test, src, SMM_ARENA_CHUNKS);
	for (k = 0; k < ARRAY_SIZE(bad); k++)
		KUNIT_EXPECT_EQ_MSG(test, smm_arena_parse_source(bad[k], &src), -EINVAL,
				    "\"%s\"", bad[k]);
}

static void arena_test_init_bad_args(struct kunit *test)
{
	struct smm_arena *a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_EXPECT_EQ(test, smm_arena_init(a, 0, SMM_ARENA_CHUNKS, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_arena_init(a, MB_PAGES(4), SMM_ARENA_CHUNKS,
					     MAX_PAGE_ORDER + 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_arena_init(a, MB_PAGES(4), SMM_ARENA_SOURCE_NR, 0),
			-EINVAL);
	/* Nothing was taken. */
	KUNIT_EXPECT_EQ(test, a->nr_chunks, 0U);
	KUNIT_EXPECT_NULL(test, a->chunks);
	KUNIT_EXPECT_NULL(test, a->runs);
}

/* ---- arenas of real pages ---------------------------------------------- */

static void arena_test_chunks_order8(struct kunit *test)
{
	struct smm_arena *a = new_arena(test, MB_PAGES(8), SMM_ARENA_CHUNKS, 8);
	unsigned int i, full = 0;

	KUNIT_EXPECT_EQ(test, a->source, SMM_ARENA_CHUNKS);
	KUNIT_EXPECT_EQ(test, a->nr_pages, MB_PAGES(8));
	KUNIT_EXPECT_EQ(test, a->nr_chunks, (unsigned int)(MB_PAGES(8) >> 8));
	for (i = 0; i < a->nr_chunks; i++)
		full += a->chunks[i].order == 8;
	KUNIT_EXPECT_EQ(test, full, a->nr_chunks);
	KUNIT_EXPECT_LE(test, a->nr_runs, a->nr_chunks);
	expect_chunks(test, a, 8);
	expect_layout(test, a);
	kunit_info(test, "%u chunks, %u runs, %lu sections\n", a->nr_chunks,
		   a->nr_runs, a->nr_sections);
}

/* 4 MiB and 3 pages from order-8 chunks: 16 full chunks, smaller ones after. */
static void arena_test_chunks_uneven_size(struct kunit *test)
{
	const unsigned long nr = MB_PAGES(4) + 3;
	struct smm_arena *a = new_arena(test, nr, SMM_ARENA_CHUNKS, 8);
	unsigned int i, full = 0;

	KUNIT_EXPECT_EQ(test, a->nr_pages, nr);
	for (i = 0; i < a->nr_chunks; i++)
		full += a->chunks[i].order == 8;
	KUNIT_EXPECT_EQ(test, full, (unsigned int)(MB_PAGES(4) >> 8));
	KUNIT_EXPECT_GT(test, a->nr_chunks, full);
	expect_chunks(test, a, 8);
	expect_layout(test, a);
}

/* Order-0 chunks: the host rarely hands out 1024 touching pages, so many runs. */
static void arena_test_chunks_order0(struct kunit *test)
{
	struct smm_arena *a = new_arena(test, MB_PAGES(4), SMM_ARENA_CHUNKS, 0);

	KUNIT_EXPECT_EQ(test, a->nr_chunks, (unsigned int)MB_PAGES(4));
	expect_chunks(test, a, 0);
	expect_layout(test, a);
	kunit_info(test, "%u runs, %lu sections\n", a->nr_runs, a->nr_sections);
}

/* Without ZONE_MOVABLE memory the host may refuse; then nothing is held. */
static void arena_test_contig(struct kunit *test)
{
	struct smm_arena *a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, a);
	ret = smm_arena_init(a, MB_PAGES(4), SMM_ARENA_CONTIG, 0);
	if (ret == -EOPNOTSUPP || ret == -ENOMEM || ret == -ENODEV) {
		if (a->nr_chunks || a->chunks || a->runs)
			KUNIT_FAIL(test, "failed init (%d) left chunks behind", ret);
		else
			kunit_skip(test, "no contiguous memory on this host (%d)", ret);
		return;
	}
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, arena_destroy_action, a), 0);
	KUNIT_EXPECT_EQ(test, a->source, SMM_ARENA_CONTIG);
	KUNIT_EXPECT_EQ(test, a->nr_runs, 1U);
	expect_chunks(test, a, MAX_PAGE_ORDER);
	expect_layout(test, a);
}

static void arena_test_auto_falls_back(struct kunit *test)
{
	struct smm_arena *a = new_arena(test, MB_PAGES(4), SMM_ARENA_AUTO, 8);

	KUNIT_EXPECT_NE(test, a->source, SMM_ARENA_AUTO);
	KUNIT_EXPECT_LT(test, a->source, SMM_ARENA_SOURCE_NR);
	KUNIT_EXPECT_EQ(test, a->nr_pages, MB_PAGES(4));
	expect_chunks(test, a, a->source == SMM_ARENA_CHUNKS ? 8 : MAX_PAGE_ORDER);
	expect_layout(test, a);
}

static const unsigned int round_trip_orders[] = { 0, 6, MAX_PAGE_ORDER };

static void order_desc(const unsigned int *order, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "order_%u", *order);
}

KUNIT_ARRAY_PARAM(round_trip, round_trip_orders, order_desc);

/*
 * Every shadow PFN: valid ones convert to a host page of the arena and
 * back, with the direct-map address; holes and the end convert to nothing.
 * Each page is then stamped with its PFN and read back, so two PFNs sharing
 * one host page would show.
 */
static void arena_test_pfn_host_round_trip(struct kunit *test)
{
	const unsigned int order = *(const unsigned int *)test->param_value;
	struct smm_arena *a = new_arena(test, MB_PAGES(8), SMM_ARENA_CHUNKS, order);
	unsigned long pfn, back, valid = 0, bad_hole = 0, bad_null = 0;
	unsigned long bad_back = 0, bad_virt = 0, bad_chunk = 0, bad_stamp = 0;
	struct page *page, *foreign;
	unsigned int i;

	for (pfn = 0; pfn < a->end_pfn; pfn++) {
		page = smm_arena_pfn_to_host(a, pfn);
		if (!smm_arena_pfn_valid(a, pfn)) {
			bad_hole += !!page;
			continue;
		}
		valid++;
		if (!page) {
			bad_null++;
			continue;
		}
		if (!smm_arena_host_to_pfn(a, page, &back) || back != pfn)
			bad_back++;
		if (smm_arena_pfn_to_virt(a, pfn) != page_address(page))
			bad_virt++;
		for (i = 0; i < a->nr_chunks; i++)
			if (page_to_pfn(page) - a->chunks[i].host_pfn <
			    chunk_pages(&a->chunks[i]))
				break;
		bad_chunk += i == a->nr_chunks;
		*(unsigned long *)page_address(page) = pfn;
	}
	for (pfn = 0; pfn < a->end_pfn; pfn++) {
		page = smm_arena_pfn_to_host(a, pfn);
		if (page && *(unsigned long *)page_address(page) != pfn)
			bad_stamp++;
	}

	KUNIT_EXPECT_EQ(test, valid, a->nr_pages);
	KUNIT_EXPECT_EQ_MSG(test, bad_hole, 0UL, "pages behind holes");
	KUNIT_EXPECT_EQ_MSG(test, bad_null, 0UL, "valid PFNs without a page");
	KUNIT_EXPECT_EQ_MSG(test, bad_back, 0UL, "host_to_pfn(pfn_to_host(pfn)) != pfn");
	KUNIT_EXPECT_EQ_MSG(test, bad_virt, 0UL, "pfn_to_virt != page_address");
	KUNIT_EXPECT_EQ_MSG(test, bad_chunk, 0UL, "pages outside every chunk");
	KUNIT_EXPECT_EQ_MSG(test, bad_stamp, 0UL, "host pages shared by two PFNs");
	KUNIT_EXPECT_NULL(test, smm_arena_pfn_to_host(a, a->end_pfn));
	KUNIT_EXPECT_NULL(test, smm_arena_pfn_to_host(a, ULONG_MAX));

	/*
	 * Nor do the host pages just outside each run (runs never touch, so
	 * these are never the arena's).  Only their struct page addresses are
	 * computed; the pages themselves are not touched.
	 */
	for (i = 0; i < a->nr_runs; i++) {
		const struct smm_run *r = &a->runs[i];
		const struct page *before = pfn_to_page(r->host_pfn - 1);
		const struct page *after = pfn_to_page(r->host_pfn + r->nr_pages);

		KUNIT_EXPECT_FALSE_MSG(test, smm_arena_host_to_pfn(a, before, &back),
				       "before run %u", i);
		KUNIT_EXPECT_FALSE_MSG(test, smm_arena_host_to_pfn(a, after, &back),
				       "after run %u", i);
	}

	/* A page that is not the arena's has no shadow PFN. */
	foreign = alloc_page(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, foreign);
	KUNIT_EXPECT_FALSE(test, smm_arena_host_to_pfn(a, foreign, &back));
	__free_page(foreign);
}

/* ---- smm_arena_layout() on made-up host PFNs --------------------------- */

static void arena_test_layout_adjacent_chunks_merge(struct kunit *test)
{
	/* Out of order on purpose: layout sorts by host PFN. */
	static const struct smm_chunk chunks[] = {
		{ .host_pfn = 0x10200, .order = 9 },
		{ .host_pfn = 0x10000, .order = 8 },
		{ .host_pfn = 0x10100, .order = 8 },
	};
	struct smm_arena *a = smm_test_fake_arena(test, chunks, ARRAY_SIZE(chunks));

	KUNIT_EXPECT_EQ(test, a->nr_pages, 1024UL);
	KUNIT_ASSERT_EQ(test, a->nr_runs, 1U);
	KUNIT_EXPECT_EQ(test, a->runs[0].host_pfn, 0x10000UL);
	KUNIT_EXPECT_EQ(test, a->runs[0].nr_pages, 1024UL);
	KUNIT_EXPECT_EQ(test, a->end_pfn, 1024UL);
	KUNIT_EXPECT_EQ(test, a->chunks[0].host_pfn, 0x10000UL);
	expect_chunks(test, a, 9);
	expect_layout(test, a);
}

/* A run shorter than a section: the rest of its section is no hole yet. */
static void arena_test_layout_gap_makes_hole(struct kunit *test)
{
	static const struct smm_chunk chunks[] = {
		{ .host_pfn = 0x10000, .order = 8 },
		{ .host_pfn = 0x30000, .order = 9 },
	};
	struct smm_arena *a = smm_test_fake_arena(test, chunks, ARRAY_SIZE(chunks));
	unsigned long pfn, valid = 0;

	KUNIT_ASSERT_EQ(test, a->nr_runs, 2U);
	KUNIT_EXPECT_EQ(test, a->runs[0].nr_pages, 256UL);
	KUNIT_EXPECT_EQ(test, a->runs[1].host_pfn, 0x30000UL);
	KUNIT_EXPECT_EQ(test, a->runs[1].nr_pages, 512UL);
	KUNIT_EXPECT_GE(test, a->runs[1].pfn, 2 * SECTION);
	KUNIT_EXPECT_EQ(test, a->sections[0].first, 0);
	KUNIT_EXPECT_EQ(test, a->sections[0].nr, 256);
	KUNIT_EXPECT_EQ(test, a->sections[1].nr, 0);
	for (pfn = 0; pfn < a->end_pfn; pfn++)
		valid += smm_arena_pfn_valid(a, pfn);
	KUNIT_EXPECT_EQ(test, valid, 768UL);
	KUNIT_EXPECT_FALSE(test, smm_arena_pfn_valid(a, 256));
	KUNIT_EXPECT_FALSE(test, smm_arena_pfn_valid(a, a->runs[1].pfn - 1));
	KUNIT_EXPECT_TRUE(test, smm_arena_pfn_valid(a, a->runs[1].pfn));
	expect_layout(test, a);
}

/*
 * Touching pairs merge, a one-section gap and a huge gap both give holes of
 * one to SMM_MAX_HOLE_SECTIONS sections.
 */
static void arena_test_layout_many_gaps(struct kunit *test)
{
	static const struct smm_chunk chunks[] = {
		{ .host_pfn = 0x100000, .order = MAX_PAGE_ORDER },
		{ .host_pfn = 0x100000 + SECTION, .order = MAX_PAGE_ORDER },
		{ .host_pfn = 0x100000 + 3 * SECTION, .order = 8 },
		{ .host_pfn = 0x40000000, .order = 9 },
		{ .host_pfn = 0x40000200, .order = 0 },
	};
	struct smm_arena *a = smm_test_fake_arena(test, chunks, ARRAY_SIZE(chunks));

	KUNIT_EXPECT_EQ(test, a->nr_pages, 2 * SECTION + 256 + 512 + 1);
	KUNIT_ASSERT_EQ(test, a->nr_runs, 3U);
	KUNIT_EXPECT_EQ(test, a->runs[0].nr_pages, 2 * SECTION);
	KUNIT_EXPECT_EQ(test, a->runs[1].host_pfn, 0x100000 + 3 * SECTION);
	KUNIT_EXPECT_EQ(test, a->runs[1].nr_pages, 256UL);
	KUNIT_EXPECT_EQ(test, a->runs[2].host_pfn, 0x40000000UL);
	KUNIT_EXPECT_EQ(test, a->runs[2].nr_pages, 513UL);
	/* The whole space stays small however far apart the host memory is. */
	KUNIT_EXPECT_LE(test, a->end_pfn, (4 + 2 * SMM_MAX_HOLE_SECTIONS) * SECTION);
	expect_chunks(test, a, MAX_PAGE_ORDER);
	expect_layout(test, a);
}

static void free_tables_action(void *a)
{
	smm_arena_free_tables(a);
}

/*
 * A layout with more sections than the descriptors can number fails with
 * -E2BIG and leaves the chunk table to its caller, who must give the
 * chunks' pages back before freeing it.  Single pages far apart on the
 * host: each run takes its own section and a capped hole after it.
 */
static void arena_test_layout_too_many_sections(struct kunit *test)
{
	/* The space is (nr - 1) * (holes + 1) + 1 sections: one more than allowed. */
	const unsigned int nr = (SMM_ARENA_MAX_SECTIONS - 1) / (SMM_MAX_HOLE_SECTIONS + 1) + 2;
	struct smm_arena *a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);
	struct smm_chunk *chunks;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, a);
	chunks = smm_host_kvcalloc(a, SMM_HOST_ARENA, nr, sizeof(*chunks));
	KUNIT_ASSERT_NOT_NULL(test, chunks);
	a->chunks = chunks;
	a->max_chunks = nr;
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, free_tables_action, a), 0);
	for (i = 0; i < nr; i++)
		chunks[i].host_pfn = (unsigned long)i << 20;
	a->nr_chunks = nr;
	KUNIT_EXPECT_EQ(test, smm_arena_layout(a), -E2BIG);
	KUNIT_EXPECT_PTR_EQ(test, a->chunks, chunks);
	KUNIT_EXPECT_EQ(test, a->nr_chunks, nr);
	KUNIT_EXPECT_NULL(test, a->runs);
	KUNIT_EXPECT_NULL(test, a->sections);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&a->host.bytes[SMM_HOST_ARENA]),
			(long)(nr * sizeof(*chunks)));
}

/* Sizes no layer supports are refused before any page is taken. */
static void arena_test_check_size(struct kunit *test)
{
	/* 4 GiB in order-0 chunks: a million chunks. */
	KUNIT_EXPECT_EQ(test, smm_arena_check_size(MB_PAGES(4096), 0), -ERANGE);
	/* Order 0 takes one chunk more than pages: the limit, then one over. */
	KUNIT_EXPECT_EQ(test, smm_arena_check_size(SMM_ARENA_MAX_CHUNKS, 0), -ERANGE);
	/* 2 GiB: within the limit, and refused only if the host lacks it. */
	KUNIT_EXPECT_NE(test, smm_arena_check_size(SMM_ARENA_MAX_CHUNKS - 1, 0), -ERANGE);
	KUNIT_EXPECT_EQ(test, smm_arena_check_size(MB_PAGES(8), 0), 0);
	/* More than the host has, with the metadata counted in. */
	KUNIT_EXPECT_EQ(test, smm_arena_check_size(totalram_pages(), MAX_PAGE_ORDER), -ENOMEM);
	KUNIT_EXPECT_EQ(test, smm_arena_check_size(MB_PAGES(8), MAX_PAGE_ORDER), 0);
}

static long host(const struct smm_arena *a, enum smm_host_item item)
{
	return atomic_long_read(&a->host.bytes[item]);
}

/* Every host byte an instance uses is counted, and given back. */
static void arena_test_host_metadata(struct kunit *test)
{
	struct smm_instance *inst = smm_test_instance(test, 16, SMM_SLAB_SLUB);
	struct smm_arena *a = &inst->arena;
	long at_rest[SMM_HOST_NR];
	unsigned long sum = 0;
	void *v, *k;
	int i;

	KUNIT_EXPECT_EQ(test, host(a, SMM_HOST_INSTANCE), (long)sizeof(*inst));
	KUNIT_EXPECT_EQ(test, host(a, SMM_HOST_ARENA),
			(long)(a->max_chunks * sizeof(struct smm_chunk) +
			       a->max_runs * sizeof(struct smm_run) +
			       a->nr_sections * sizeof(struct smm_section)));
	for (i = 0; i < SMM_HOST_NR; i++)
		sum += host(a, i);
	KUNIT_EXPECT_EQ(test, smm_host_bytes(a), sum);
	KUNIT_EXPECT_GT(test, host(a, SMM_HOST_BUDDY), 0L);
	KUNIT_EXPECT_GT(test, host(a, SMM_HOST_SLAB), 0L);
	KUNIT_EXPECT_GT(test, host(a, SMM_HOST_KMAP), 0L);

	/* A round of everything first: the vmalloc spare node stays. */
	KUNIT_ASSERT_EQ(test, smm_control_exec(inst, "vmalloc size=8192 tag=w"), 0);
	KUNIT_ASSERT_EQ(test, smm_control_exec(inst, "free tag=w"), 0);
	for (i = 0; i < SMM_HOST_NR; i++)
		at_rest[i] = host(a, i);
	v = smm_vmalloc(&inst->vm, 64 * PAGE_SIZE);
	k = smm_kmalloc(&inst->slab, 100, 0);
	KUNIT_ASSERT_NOT_NULL(test, v);
	KUNIT_ASSERT_NOT_NULL(test, k);
	KUNIT_ASSERT_EQ(test, smm_control_exec(inst, "alloc order=0 count=100 tag=t"), 0);
	KUNIT_EXPECT_GE(test, host(a, SMM_HOST_VMALLOC) - at_rest[SMM_HOST_VMALLOC],
			(long)(64 * sizeof(void *)));
	KUNIT_EXPECT_GE(test, host(a, SMM_HOST_CONTROL) - at_rest[SMM_HOST_CONTROL],
			(long)(100 * sizeof(void *)));
	KUNIT_EXPECT_EQ(test, smm_control_exec(inst, "free tag=t"), 0);
	KUNIT_EXPECT_EQ(test, smm_kfree(&inst->slab, k), 0);
	KUNIT_EXPECT_EQ(test, smm_vfree(&inst->vm, v), 0);
	for (i = 0; i < SMM_HOST_NR; i++)
		KUNIT_EXPECT_EQ_MSG(test, host(a, i), at_rest[i], "item %d", i);
}

static struct kunit_case arena_test_cases[] = {
	KUNIT_CASE(arena_test_parse_source),
	KUNIT_CASE(arena_test_init_bad_args),
	KUNIT_CASE(arena_test_chunks_order8),
	KUNIT_CASE(arena_test_chunks_uneven_size),
	KUNIT_CASE(arena_test_chunks_order0),
	KUNIT_CASE(arena_test_contig),
	KUNIT_CASE(arena_test_auto_falls_back),
	KUNIT_CASE_PARAM(arena_test_pfn_host_round_trip, round_trip_gen_params),
	KUNIT_CASE(arena_test_layout_adjacent_chunks_merge),
	KUNIT_CASE(arena_test_layout_gap_makes_hole),
	KUNIT_CASE(arena_test_layout_many_gaps),
	KUNIT_CASE_SLOW(arena_test_layout_too_many_sections),
	KUNIT_CASE(arena_test_check_size),
	KUNIT_CASE(arena_test_host_metadata),
	{}
};

static struct kunit_suite arena_test_suite = {
	.name = "shadow_mm_arena",
	.test_cases = arena_test_cases,
};

kunit_test_suite(arena_test_suite);
