/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOW_MM_REPLAY_H
#define _SHADOW_MM_REPLAY_H

#include <linux/dcache.h>
#include <linux/seq_file.h>
#include <linux/types.h>

#include "slab.h"

struct smm_instance;

/* The most operations a trace may hold (-E2BIG beyond). */
#define SMM_REPLAY_MAX_OPS	(4UL << 20)
/* The longest line, with its NUL (-EINVAL beyond). */
#define SMM_REPLAY_LINE_MAX	1024
/* The most distinct kmem_cache_alloc object sizes (-E2BIG beyond). */
#define SMM_REPLAY_MAX_CACHES	256
/* The most buddy samples a run keeps. */
#define SMM_REPLAY_MAX_SAMPLES	256

/**
 * enum smm_replay_kind - what one replayed operation does
 * @SMM_REPLAY_KMALLOC: kmalloc() of &smm_replay_op.size bytes
 * @SMM_REPLAY_KFREE: kfree() of the object in &smm_replay_op.slot
 * @SMM_REPLAY_CACHE_ALLOC: kmem_cache_alloc() from cache &smm_replay_op.cache
 * @SMM_REPLAY_CACHE_FREE: kmem_cache_free() of the object in the slot
 * @SMM_REPLAY_PAGE_ALLOC: alloc_pages() of &smm_replay_op.order
 * @SMM_REPLAY_PAGE_FREE: __free_pages() of the block in the slot
 * @SMM_REPLAY_KIND_NR: number of kinds
 */
enum smm_replay_kind {
	SMM_REPLAY_KMALLOC,
	SMM_REPLAY_KFREE,
	SMM_REPLAY_CACHE_ALLOC,
	SMM_REPLAY_CACHE_FREE,
	SMM_REPLAY_PAGE_ALLOC,
	SMM_REPLAY_PAGE_FREE,
	SMM_REPLAY_KIND_NR,
};

/**
 * struct smm_replay_op - one operation of a parsed trace
 * @kind: enum smm_replay_kind
 * @order: page operations: the block's order
 * @cache: cache operations: index in &smm_replay_trace.caches; page
 *	allocations: the SMM_GFP_* zone modifier
 * @slot: where the object or block lives while it is allocated; the
 *	parser gives each live recorded pointer (or pfn) a slot, and reuses
 *	the slot once it is freed
 * @size: slab operations: bytes_req
 *
 * The recorded pointers are resolved to slots while parsing, so that the
 * timed replay loop only indexes an array.
 */
struct smm_replay_op {
	u8 kind;
	u8 order;
	u16 cache;
	u32 slot;
	u32 size;
};

static_assert(sizeof(struct smm_replay_op) == 12);

/**
 * struct smm_replay_ent - a live recorded pointer or pfn (parser only)
 * @key: the recorded pointer or pfn; 0 marks an empty entry
 * @slot: its slot
 * @size: bytes_req
 * @cache: its cache, for kmem_cache_alloc objects
 * @kind: the allocation's enum smm_replay_kind
 * @order: a page block's order
 */
struct smm_replay_ent {
	u64 key;
	u32 slot;
	u32 size;
	u16 cache;
	u8 kind;
	u8 order;
};

/**
 * struct smm_replay_map - open-addressing hash table of live keys
 * @ents: @cap entries, linear probing
 * @cap: a power of two, or 0
 * @nr: entries in use; at most half of @cap
 */
struct smm_replay_map {
	struct smm_replay_ent *ents;
	unsigned long cap;
	unsigned long nr;
};

/**
 * enum smm_replay_count - what the parser saw besides operations
 * @SMM_RC_LINES: lines parsed
 * @SMM_RC_COMMENTS: '#' comment lines and blank lines
 * @SMM_RC_OTHER: lines of other events, and stack-trace (``=>``) lines
 * @SMM_RC_LOST: events the ring buffer lost: trace_pipe's ``[LOST N
 *	EVENTS]`` lines, and entries-written minus entries-in-buffer of the
 *	trace file's header
 * @SMM_RC_UNKNOWN_FREES: kfree()/kmem_cache_free() of a pointer the trace
 *	never allocated: counted and skipped
 * @SMM_RC_UNKNOWN_PAGE_FREES: mm_page_free of a pfn the trace never
 *	allocated (or a tail page of a split block): counted and skipped
 * @SMM_RC_NULL_FREES: kfree(NULL): nothing to do
 * @SMM_RC_IMPLICIT_FREES: a pointer (or pfn) allocated again while live,
 *	its free having gone unrecorded (lost, or a bulk free): a free of
 *	the old object is replayed first
 * @SMM_RC_ORDER_MISMATCH: a page freed with another order than it was
 *	allocated with; the block is freed with its allocation's order
 * @SMM_RC_FAILED_IN_TRACE: allocations that failed on the recording host
 *	(ptr or pfn 0): skipped
 * @SMM_RC_NR: number of counters
 */
enum smm_replay_count {
	SMM_RC_LINES,
	SMM_RC_COMMENTS,
	SMM_RC_OTHER,
	SMM_RC_LOST,
	SMM_RC_UNKNOWN_FREES,
	SMM_RC_UNKNOWN_PAGE_FREES,
	SMM_RC_NULL_FREES,
	SMM_RC_IMPLICIT_FREES,
	SMM_RC_ORDER_MISMATCH,
	SMM_RC_FAILED_IN_TRACE,
	SMM_RC_NR,
};

/**
 * struct smm_replay_error - why the last trace was dropped
 * @err: -errno, 0 if none
 * @line: the line number, from 1
 * @field: the field that was wrong
 * @msg: what was wrong with it
 */
struct smm_replay_error {
	int err;
	unsigned long line;
	char field[24];
	char msg[96];
};

/**
 * struct smm_replay_trace - a parsed allocation stream
 * @ops: the operations, in the stream's order
 * @nr_ops: operations in @ops
 * @cap_ops: room in @ops
 * @max_ops: the bound, %SMM_REPLAY_MAX_OPS unless a test sets less
 * @nr_slab_ops: of @nr_ops, the slab ones
 * @live: live recorded object pointers
 * @pages: live recorded pfns
 * @free_slots: a stack of released slots
 * @nr_free_slots: entries on @free_slots
 * @cap_free_slots: room on @free_slots
 * @nr_slots: slots ever handed out (the replay's slot array size)
 * @caches: the object size of each kmem_cache_alloc cache
 * @nr_caches: entries in @caches
 * @count: enum smm_replay_count
 * @events: the recorded events parsed, per enum smm_replay_kind
 * @line: the line being assembled across writes
 * @line_len: bytes in @line
 * @error: the last error; kept across smm_replay_trace_reset()
 */
struct smm_replay_trace {
	struct smm_replay_op *ops;
	unsigned long nr_ops;
	unsigned long cap_ops;
	unsigned long max_ops;
	unsigned long nr_slab_ops;
	struct smm_replay_map live;
	struct smm_replay_map pages;
	u32 *free_slots;
	unsigned long nr_free_slots;
	unsigned long cap_free_slots;
	u32 nr_slots;
	u32 caches[SMM_REPLAY_MAX_CACHES];
	unsigned int nr_caches;
	unsigned long count[SMM_RC_NR];
	unsigned long events[SMM_REPLAY_KIND_NR];
	char line[SMM_REPLAY_LINE_MAX];
	unsigned int line_len;
	struct smm_replay_error error;
};

/**
 * struct smm_replay_result - one strategy's replay of the slab operations
 * @strategy: the slab strategy
 * @ops: operations replayed (allocations tried, frees done)
 * @ns: their time
 * @host_ops: the same on the host's own allocators
 * @host_ns: their time
 * @peak_pages: the most buddy pages the slab layer held at once
 * @peak_live_bytes: the live bytes_req at that moment
 * @slabs_created: buddy allocations of the slab layer, large kmalloc()s
 *	excluded
 * @slabs_destroyed: buddy frees of the slab layer, large kfree()s excluded
 * @failed: shadow allocations that failed
 * @host_failed: host allocations that failed
 * @live_end: objects still allocated at the end of the trace
 */
struct smm_replay_result {
	enum smm_slab_strategy strategy;
	unsigned long ops;
	u64 ns;
	unsigned long host_ops;
	u64 host_ns;
	unsigned long peak_pages;
	unsigned long peak_live_bytes;
	unsigned long slabs_created;
	unsigned long slabs_destroyed;
	unsigned long failed;
	unsigned long host_failed;
	unsigned long live_end;
};

/**
 * struct smm_replay_sample - the buddy allocator's fragmentation at one op
 * @op: index of the operation in the stream
 * @ui3: unusable free space index for order 3, in thousandths
 * @ef3: fragmentation index for order 3, in thousandths; -1000 if an
 *	order-3 block is free
 * @ui9: likewise for order 9
 * @ef9: likewise for order 9
 */
struct smm_replay_sample {
	u32 op;
	s16 ui3, ef3, ui9, ef9;
};

/**
 * struct smm_replay_buddy - the replay of the page operations
 * @ops: operations replayed
 * @ns: their time
 * @host_ops: the same on the host's alloc_pages()
 * @host_ns: their time
 * @peak_pages: the most pages live at once
 * @failed: shadow allocations that failed
 * @host_failed: host allocations that failed
 * @nr_samples: entries in @samples
 * @samples: sampled every so many page operations, and after the last
 */
struct smm_replay_buddy {
	unsigned long ops;
	u64 ns;
	unsigned long host_ops;
	u64 host_ns;
	unsigned long peak_pages;
	unsigned long failed;
	unsigned long host_failed;
	unsigned int nr_samples;
	struct smm_replay_sample samples[SMM_REPLAY_MAX_SAMPLES];
};

struct smm_replay_ctx;

struct smm_replay_trace *smm_replay_trace_new(void);
void smm_replay_trace_free(struct smm_replay_trace *t);
void smm_replay_trace_reset(struct smm_replay_trace *t);
int smm_replay_feed(struct smm_replay_trace *t, const char *buf, size_t len);
int smm_replay_end(struct smm_replay_trace *t);
const char *smm_replay_count_name(enum smm_replay_count c);
const char *smm_replay_kind_name(enum smm_replay_kind k);

struct smm_replay_ctx *smm_replay_ctx_new(struct smm_instance *inst,
					  const struct smm_replay_trace *t);
void smm_replay_ctx_release(struct smm_replay_ctx *ctx);
unsigned long smm_replay_ctx_live(const struct smm_replay_ctx *ctx);
int smm_replay_slab(struct smm_replay_ctx *ctx, const struct smm_replay_trace *t,
		    struct smm_replay_result *r);
int smm_replay_pages(struct smm_replay_ctx *ctx, const struct smm_replay_trace *t,
		     unsigned long sample_every, struct smm_replay_buddy *br);
int smm_replay_host_slab(const struct smm_replay_trace *t, unsigned long max_bytes,
			 struct smm_replay_result *r);
int smm_replay_host_pages(const struct smm_replay_trace *t, unsigned long max_pages,
			  struct smm_replay_buddy *br);

void smm_replay_debugfs_init(struct dentry *root);
void smm_replay_exit(void);

#endif /* _SHADOW_MM_REPLAY_H */
