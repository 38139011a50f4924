// SPDX-License-Identifier: GPL-2.0
/*
 * shadow_mm trace replay: a real kernel's allocation stream, replayed into
 * SLAB, SLUB and SLOB side by side and into the shadow buddy allocator.
 */

/**
 * DOC: trace replay
 *
 * ``/sys/kernel/debug/shadow_mm/replay/`` takes a host kernel's own kmem
 * trace, as tracefs prints it (``/sys/kernel/tracing/trace`` or
 * ``trace_pipe``, or ``trace-cmd report``), and replays it:
 *
 * ``trace``
 *	Writes append trace text.  It is parsed line by line as it arrives
 *	(a line may span writes) into a compact array of operations, at most
 *	%SMM_REPLAY_MAX_OPS.  The events kmem:kmalloc, kmalloc_node,
 *	kmem_cache_alloc, kmem_cache_alloc_node, kfree, kmem_cache_free,
 *	mm_page_alloc and mm_page_free become operations; other events,
 *	``#`` comments, blank lines and stack-trace (``=>``) lines are counted
 *	and skipped, and ``[LOST N EVENTS]`` lines add N to the lost events.
 *	Fields are read by name, in any order; fields the replay does not
 *	use (call_site, node, accounted, name, page, migratetype, and any a
 *	later kernel adds) are skipped.  A malformed line (not a trace line,
 *	or one of those events with a field missing, given twice or not a
 *	number) fails the write with -EINVAL and a rate-limited message
 *	naming the line and the field, and drops the whole pending trace:
 *	nothing is half-parsed.  -E2BIG past %SMM_REPLAY_MAX_OPS operations
 *	or %SMM_REPLAY_MAX_CACHES object sizes, -ENOMEM if the host cannot
 *	hold it; the trace is dropped likewise.  Reading the file shows the
 *	pending trace's counters and the last error.
 * ``control``
 *	``run [slab=slab,slub,slob] [arena_mb=N] [buddy_mb=N] [sample=N]``
 *	replays the pending trace (or, if none is pending, the last one
 *	again): one scratch instance per strategy listed (default all three,
 *	arena_mb MiB each, default 128) gets the slab operations, and one
 *	more, ``replay-buddy`` (buddy_mb MiB, default 256), the page
 *	operations, sampling its fragmentation every @sample page operations
 *	(default: a hundredth of them).  The write returns when the run is
 *	done.  A second run while one runs gets -EBUSY.  The instances stay,
 *	with their live objects and their debugfs directories
 *	(``replay/replay-slub/slabinfo``, ``.../buddyinfo``, ...), until the
 *	next run, ``release`` or rmmod.
 *	``reset`` drops the pending trace; ``release`` destroys the kept
 *	instances and forgets the last trace.  Reading shows the state.
 * ``report``
 *	The last run's report (see Documentation/replay.rst for the
 *	columns).
 *
 * The replay.  The parser gives each live recorded pointer (or pfn) a
 * slot, so a free finds its allocation by an array index.  A free of a
 * pointer the trace never allocated is counted (unknown_frees) and
 * skipped, never trusted.  kmem_cache_alloc goes to a shadow cache of
 * bytes_req bytes, ``replay-<bytes_req>``, created before the timed loop;
 * object sizes above the largest cache the shadow slab makes
 * (%SMM_KMALLOC_MAX_CACHE) are kmalloc()ed instead.  Page operations
 * go to the buddy allocator with the order of the event and the zone
 * that the gfp flags name (HIGHUSER/HIGHMEM, DMA, else NORMAL).
 *
 * Host time.  The same operations, in the same order, run on the host's
 * own kmalloc()/kfree(), on host kmem_caches created for the replay (one
 * per object size) and on alloc_pages()/__free_pages(), through the same
 * slot arrays, once just before and once just after each shadow pass; the
 * host's time is the mean of the two.  A host pass holds at most as much
 * as the shadow instance's arena (bytes_req, or pages): past that, its
 * allocations count as host_failed, rather than take the host's memory.
 * Each pass is timed as a whole with ktime_get_ns(); the shadow slab pass
 * also reads the instance's free page count after each allocation, for
 * the peak, and the page pass stops the clock while it samples the
 * fragmentation.
 *
 * Lock order: replay_lock (the pending and the last trace, the kept run,
 * the running flag), then the instances' own locks.  A run holds
 * replay_lock only to start and to finish, so the trace file takes a new
 * trace while it runs.
 */

#include <linux/ctype.h>
#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/hash.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/log2.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "debugfs.h"
#include "instance.h"
#include "parse.h"
#include "replay.h"

static const char *const count_names[] = {
	[SMM_RC_LINES]			= "lines",
	[SMM_RC_COMMENTS]		= "comments",
	[SMM_RC_OTHER]			= "other_events",
	[SMM_RC_LOST]			= "lost_events",
	[SMM_RC_UNKNOWN_FREES]		= "unknown_frees",
	[SMM_RC_UNKNOWN_PAGE_FREES]	= "unknown_page_frees",
	[SMM_RC_NULL_FREES]		= "null_frees",
	[SMM_RC_IMPLICIT_FREES]		= "implicit_frees",
	[SMM_RC_ORDER_MISMATCH]		= "order_mismatches",
	[SMM_RC_FAILED_IN_TRACE]	= "failed_in_trace",
};

static_assert(ARRAY_SIZE(count_names) == SMM_RC_NR);

static const char *const kind_names[] = {
	[SMM_REPLAY_KMALLOC]		= "kmalloc",
	[SMM_REPLAY_KFREE]		= "kfree",
	[SMM_REPLAY_CACHE_ALLOC]	= "kmem_cache_alloc",
	[SMM_REPLAY_CACHE_FREE]		= "kmem_cache_free",
	[SMM_REPLAY_PAGE_ALLOC]		= "mm_page_alloc",
	[SMM_REPLAY_PAGE_FREE]		= "mm_page_free",
};

static_assert(ARRAY_SIZE(kind_names) == SMM_REPLAY_KIND_NR);

/**
 * smm_replay_count_name() - the name of a parser counter
 * @c: the counter
 *
 * Return: its name, as the trace file prints it.
 */
const char *smm_replay_count_name(enum smm_replay_count c)
{
	return c < SMM_RC_NR ? count_names[c] : "?";
}

/**
 * smm_replay_kind_name() - the event name of an operation kind
 * @k: the kind
 *
 * Return: the tracepoint's name.
 */
const char *smm_replay_kind_name(enum smm_replay_kind k)
{
	return k < SMM_REPLAY_KIND_NR ? kind_names[k] : "?";
}

/* ---- live keys: linear probing, deletion by backward shift ---- */

#define MAP_MIN_CAP	1024UL

static unsigned long map_home(const struct smm_replay_map *m, u64 key)
{
	return hash_64(key, ilog2(m->cap));
}

static struct smm_replay_ent *map_find(const struct smm_replay_map *m, u64 key)
{
	unsigned long i;

	if (!m->cap)
		return NULL;
	for (i = map_home(m, key); m->ents[i].key; i = (i + 1) & (m->cap - 1))
		if (m->ents[i].key == key)
			return &m->ents[i];
	return NULL;
}

static void map_put(struct smm_replay_map *m, const struct smm_replay_ent *e)
{
	unsigned long i;

	for (i = map_home(m, e->key); m->ents[i].key; i = (i + 1) & (m->cap - 1))
		;
	m->ents[i] = *e;
	m->nr++;
}

/* Room for one more key, at most half full. */
static int map_reserve(struct smm_replay_map *m)
{
	struct smm_replay_map n = { .cap = m->cap ? m->cap * 2 : MAP_MIN_CAP };
	unsigned long i;

	if ((m->nr + 1) * 2 <= m->cap)
		return 0;
	n.ents = kvcalloc(n.cap, sizeof(*n.ents), GFP_KERNEL);
	if (!n.ents)
		return -ENOMEM;
	for (i = 0; i < m->cap; i++)
		if (m->ents[i].key)
			map_put(&n, &m->ents[i]);
	kvfree(m->ents);
	*m = n;
	return 0;
}

/*
 * Remove @e and close the gap: each following entry of the cluster moves
 * back into the hole unless its home lies cyclically in (hole, entry].
 */
static void map_del(struct smm_replay_map *m, struct smm_replay_ent *e)
{
	unsigned long mask = m->cap - 1, i = e - m->ents, j = i, h;

	m->nr--;
	for (;;) {
		m->ents[i].key = 0;
		for (;;) {
			j = (j + 1) & mask;
			if (!m->ents[j].key)
				return;
			h = map_home(m, m->ents[j].key);
			if (i <= j ? (h <= i || h > j) : (h <= i && h > j))
				break;
		}
		m->ents[i] = m->ents[j];
		i = j;
	}
}

static void map_free(struct smm_replay_map *m)
{
	kvfree(m->ents);
	memset(m, 0, sizeof(*m));
}

/* ---- the trace ---- */

/**
 * smm_replay_trace_new() - an empty trace
 *
 * Return: the trace, or NULL without memory.
 * Context: process context; sleeps.
 */
struct smm_replay_trace *smm_replay_trace_new(void)
{
	struct smm_replay_trace *t = kvzalloc(sizeof(*t), GFP_KERNEL);

	if (t)
		t->max_ops = SMM_REPLAY_MAX_OPS;
	return t;
}

/**
 * smm_replay_trace_reset() - drop everything parsed
 * @t: the trace
 *
 * Keeps @t->error and @t->max_ops.
 * Context: process context.
 */
void smm_replay_trace_reset(struct smm_replay_trace *t)
{
	struct smm_replay_error err = t->error;
	unsigned long max = t->max_ops;

	kvfree(t->ops);
	kvfree(t->free_slots);
	map_free(&t->live);
	map_free(&t->pages);
	memset(t, 0, sizeof(*t));
	t->error = err;
	t->max_ops = max;
}

/**
 * smm_replay_trace_free() - free a trace
 * @t: the trace, or NULL
 */
void smm_replay_trace_free(struct smm_replay_trace *t)
{
	if (!t)
		return;
	smm_replay_trace_reset(t);
	kvfree(t);
}

static __printf(3, 4) int bad(struct smm_replay_trace *t, const char *field,
			      const char *fmt, ...)
{
	va_list args;

	t->error.err = -EINVAL;
	t->error.line = t->count[SMM_RC_LINES];
	strscpy(t->error.field, field, sizeof(t->error.field));
	va_start(args, fmt);
	vsnprintf(t->error.msg, sizeof(t->error.msg), fmt, args);
	va_end(args);
	smm_bad_input("replay", "line %lu: %s: %s", t->error.line, t->error.field, t->error.msg);
	return -EINVAL;
}

static int too_big(struct smm_replay_trace *t, const char *field, const char *what,
		   unsigned long max)
{
	bad(t, field, "more than %lu %s", max, what);
	t->error.err = -E2BIG;
	return -E2BIG;
}

static int no_memory(struct smm_replay_trace *t)
{
	bad(t, "memory", "no host memory for the trace");
	t->error.err = -ENOMEM;
	return -ENOMEM;
}

static int emit(struct smm_replay_trace *t, enum smm_replay_kind kind, unsigned int order,
		unsigned int cache, u32 slot, u32 size)
{
	struct smm_replay_op *op;

	if (t->nr_ops >= t->max_ops)
		return too_big(t, "ops", "operations", t->max_ops);
	if (t->nr_ops == t->cap_ops) {
		unsigned long cap = min(t->cap_ops ? t->cap_ops * 2 : 4096, t->max_ops);
		struct smm_replay_op *n = kvmalloc_array(cap, sizeof(*n), GFP_KERNEL);

		if (!n)
			return no_memory(t);
		if (t->nr_ops)
			memcpy(n, t->ops, t->nr_ops * sizeof(*n));
		kvfree(t->ops);
		t->ops = n;
		t->cap_ops = cap;
	}
	op = &t->ops[t->nr_ops++];
	op->kind = kind;
	op->order = order;
	op->cache = cache;
	op->slot = slot;
	op->size = size;
	if (kind < SMM_REPLAY_PAGE_ALLOC)
		t->nr_slab_ops++;
	return 0;
}

static int get_slot(struct smm_replay_trace *t, u32 *slot)
{
	if (t->nr_free_slots) {
		*slot = t->free_slots[--t->nr_free_slots];
		return 0;
	}
	/* Every slot is on the free stack at most once: make room now. */
	if (t->nr_slots == t->cap_free_slots) {
		unsigned long cap = t->cap_free_slots ? t->cap_free_slots * 2 : 4096;
		u32 *n = kvmalloc_array(cap, sizeof(*n), GFP_KERNEL);

		if (!n)
			return no_memory(t);
		if (t->nr_free_slots)
			memcpy(n, t->free_slots, t->nr_free_slots * sizeof(*n));
		kvfree(t->free_slots);
		t->free_slots = n;
		t->cap_free_slots = cap;
	}
	*slot = t->nr_slots++;
	return 0;
}

static void put_slot(struct smm_replay_trace *t, u32 slot)
{
	t->free_slots[t->nr_free_slots++] = slot;
}

/* The free of a live entry, as its allocation's kind; the entry goes. */
static int free_ent(struct smm_replay_trace *t, struct smm_replay_map *m,
		    struct smm_replay_ent *e)
{
	static const u8 free_kind[] = {
		[SMM_REPLAY_KMALLOC]		= SMM_REPLAY_KFREE,
		[SMM_REPLAY_CACHE_ALLOC]	= SMM_REPLAY_CACHE_FREE,
		[SMM_REPLAY_PAGE_ALLOC]		= SMM_REPLAY_PAGE_FREE,
	};
	int ret = emit(t, free_kind[e->kind], e->order, e->cache, e->slot, e->size);

	if (ret)
		return ret;
	put_slot(t, e->slot);
	map_del(m, e);
	return 0;
}

/* An allocation of @key: a new slot, after the implicit free of a live one. */
static int alloc_ent(struct smm_replay_trace *t, struct smm_replay_map *m,
		     struct smm_replay_ent *e)
{
	struct smm_replay_ent *old = map_find(m, e->key);
	int ret;

	if (old) {
		t->count[SMM_RC_IMPLICIT_FREES]++;
		ret = free_ent(t, m, old);
		if (ret)
			return ret;
	}
	if (map_reserve(m))
		return no_memory(t);
	ret = get_slot(t, &e->slot);
	if (ret)
		return ret;
	ret = emit(t, e->kind, e->order, e->cache, e->slot, e->size);
	if (ret) {
		put_slot(t, e->slot);
		return ret;
	}
	map_put(m, e);
	return 0;
}

/* The cache of kmem_cache_alloc objects of @size bytes. */
static int cache_index(struct smm_replay_trace *t, u32 size, u16 *idx)
{
	unsigned int i;

	for (i = 0; i < t->nr_caches; i++) {
		if (t->caches[i] == size) {
			*idx = i;
			return 0;
		}
	}
	if (t->nr_caches == SMM_REPLAY_MAX_CACHES)
		return too_big(t, "bytes_req", "object sizes of kmem_cache_alloc",
			       SMM_REPLAY_MAX_CACHES);
	t->caches[t->nr_caches] = size;
	*idx = t->nr_caches++;
	return 0;
}

/* ---- one line ---- */

enum field {
	F_PTR,
	F_BYTES_REQ,
	F_BYTES_ALLOC,
	F_GFP_FLAGS,
	F_PFN,
	F_ORDER,
	F_NR,
};

static const char *const field_names[] = {
	[F_PTR]		= "ptr",
	[F_BYTES_REQ]	= "bytes_req",
	[F_BYTES_ALLOC]	= "bytes_alloc",
	[F_GFP_FLAGS]	= "gfp_flags",
	[F_PFN]		= "pfn",
	[F_ORDER]	= "order",
};

static_assert(ARRAY_SIZE(field_names) == F_NR);

#define FB(f)	BIT(F_##f)

/**
 * struct event - an event the replay takes
 * @name: the tracepoint's name
 * @kind: the operation
 * @needs: the fields it cannot do without
 */
struct event {
	const char *name;
	enum smm_replay_kind kind;
	unsigned int needs;
};

static const struct event events[] = {
	{ "kmalloc", SMM_REPLAY_KMALLOC, FB(PTR) | FB(BYTES_REQ) | FB(BYTES_ALLOC) },
	/* Before 6.1 (commit 11e9734bcb6a), the node variants had their own names. */
	{ "kmalloc_node", SMM_REPLAY_KMALLOC, FB(PTR) | FB(BYTES_REQ) | FB(BYTES_ALLOC) },
	{ "kmem_cache_alloc", SMM_REPLAY_CACHE_ALLOC, FB(PTR) | FB(BYTES_REQ) | FB(BYTES_ALLOC) },
	{ "kmem_cache_alloc_node", SMM_REPLAY_CACHE_ALLOC,
	  FB(PTR) | FB(BYTES_REQ) | FB(BYTES_ALLOC) },
	{ "kfree", SMM_REPLAY_KFREE, FB(PTR) },
	{ "kmem_cache_free", SMM_REPLAY_CACHE_FREE, FB(PTR) },
	{ "mm_page_alloc", SMM_REPLAY_PAGE_ALLOC, FB(PFN) | FB(ORDER) },
	{ "mm_page_free", SMM_REPLAY_PAGE_FREE, FB(PFN) | FB(ORDER) },
};

/**
 * struct fields - the values of one event line
 * @seen: BIT(enum field) of each field given
 * @ptr: ptr=, 0 for NULL
 * @bytes_req: bytes_req=
 * @bytes_alloc: bytes_alloc=
 * @zone: the SMM_GFP_* zone modifier that gfp_flags= names
 * @pfn: pfn=
 * @order: order=
 */
struct fields {
	unsigned int seen;
	u64 ptr;
	u32 bytes_req;
	u32 bytes_alloc;
	unsigned int zone;
	u64 pfn;
	unsigned int order;
};

/* The next word of @*p, NUL-terminated in place, or NULL at the end. */
static char *next_word(char **p)
{
	char *s = skip_spaces(*p), *e;

	if (!*s) {
		*p = s;
		return NULL;
	}
	for (e = s; *e && !isspace(*e); e++)
		;
	if (*e)
		*e++ = '\0';
	*p = e;
	return s;
}

/* "1234.567890:" or "1234:" (counter clocks) */
static bool is_timestamp(const char *s)
{
	const char *p = s;

	while (isdigit(*p))
		p++;
	if (p > s && *p == '.')
		while (isdigit(*++p))
			;
	return p > s && p[0] == ':' && !p[1];
}

/*
 * The event name of "COMM-PID [CPU] FLAGS TIMESTAMP: NAME: FIELDS" (FLAGS
 * absent with some trace options and in trace-cmd report), NUL-terminated
 * in place, with @*rest at the fields; NULL if @s is not such a line.
 * COMM may hold spaces, so the line is anchored at " [digits] ".
 */
static char *event_name(char *s, char **rest)
{
	char *p = s, *cpu_end = NULL, *w;
	size_t n;

	while ((p = strchr(p, '['))) {
		if (p > s && p[-1] == ' ' && isdigit(p[1])) {
			cpu_end = p + 1;
			while (isdigit(*cpu_end))
				cpu_end++;
			if (*cpu_end == ']' && (!cpu_end[1] || isspace(cpu_end[1])))
				break;
		}
		cpu_end = NULL;
		p++;
	}
	if (!cpu_end)
		return NULL;
	p = cpu_end + 1;
	w = next_word(&p);
	if (w && w[strlen(w) - 1] != ':')	/* the irq/preempt flags */
		w = next_word(&p);
	if (!w || !is_timestamp(w))
		return NULL;
	w = next_word(&p);
	n = w ? strlen(w) : 0;
	if (n < 2 || w[n - 1] != ':')
		return NULL;
	w[n - 1] = '\0';
	*rest = p;
	return w;
}

/* The SMM_GFP_* zone of a gfp_flags= value (show_gfp_flags()'s names). */
static unsigned int gfp_zone_of(const char *v)
{
	if (strstr(v, "HIGHUSER") || strstr(v, "__GFP_HIGHMEM"))
		return SMM_GFP_HIGHUSER;
	if (strstr(v, "GFP_DMA") && !strstr(v, "GFP_DMA32"))
		return SMM_GFP_DMA;
	return SMM_GFP_KERNEL;
}

static int parse_value(struct smm_replay_trace *t, struct fields *f, int k, const char *v)
{
	switch (k) {
	case F_PTR:
		/* %p: hashed or not, 0x or not; "(null)" on some kernels */
		if (!strcmp(v, "(null)")) {
			f->ptr = 0;
			return 0;
		}
		if (kstrtou64(v, 16, &f->ptr))
			return bad(t, "ptr", "'%.24s' is not a hex pointer", v);
		return 0;
	case F_BYTES_REQ:
		if (kstrtou32(v, 10, &f->bytes_req))
			return bad(t, "bytes_req", "'%.24s' is not a 32-bit number", v);
		return 0;
	case F_BYTES_ALLOC:
		if (kstrtou32(v, 10, &f->bytes_alloc))
			return bad(t, "bytes_alloc", "'%.24s' is not a 32-bit number", v);
		return 0;
	case F_GFP_FLAGS:
		f->zone = gfp_zone_of(v);
		return 0;
	case F_PFN:
		if (kstrtou64(v, 16, &f->pfn))
			return bad(t, "pfn", "'%.24s' is not a hex number", v);
		return 0;
	case F_ORDER:
		if (kstrtouint(v, 10, &f->order))
			return bad(t, "order", "'%.24s' is not a number", v);
		if (f->order >= SMM_MAX_ORDER_LIMIT)
			return bad(t, "order", "%u is above %d", f->order, SMM_MAX_ORDER_LIMIT - 1);
		return 0;
	}
	return 0;
}

static int parse_fields(struct smm_replay_trace *t, const struct event *ev, char *p,
			struct fields *f)
{
	unsigned int missing;
	char *w, *eq;
	int k, ret;

	while ((w = next_word(&p))) {
		eq = strchr(w, '=');
		if (!eq) {
			size_t n = strlen(w);

			/* call_site=%pS of a module symbol: "func+0x1/0x2 [mod]" */
			if (w[0] == '[' && w[n - 1] == ']')
				continue;
			return bad(t, ev->name, "'%.24s' is not key=value", w);
		}
		*eq = '\0';
		k = match_string(field_names, F_NR, w);
		if (k < 0)
			continue;	/* call_site, node, name, ...: not needed */
		if (f->seen & BIT(k))
			return bad(t, field_names[k], "given twice");
		f->seen |= BIT(k);
		ret = parse_value(t, f, k, eq + 1);
		if (ret)
			return ret;
	}
	missing = ev->needs & ~f->seen;
	if (missing)
		return bad(t, field_names[__ffs(missing)], "missing from %s", ev->name);
	if ((f->seen & FB(BYTES_REQ)) && f->bytes_req > f->bytes_alloc)
		return bad(t, "bytes_req", "%u is above bytes_alloc %u", f->bytes_req,
			   f->bytes_alloc);
	return 0;
}

static int parse_event(struct smm_replay_trace *t, const struct event *ev, char *p)
{
	struct fields f = { .zone = SMM_GFP_KERNEL };
	struct smm_replay_ent e = { .kind = ev->kind }, *old;
	int ret = parse_fields(t, ev, p, &f);

	if (ret)
		return ret;
	t->events[ev->kind]++;
	switch (ev->kind) {
	case SMM_REPLAY_CACHE_ALLOC:
		if (!f.bytes_req)
			return bad(t, "bytes_req", "0 for a cache");
		ret = cache_index(t, f.bytes_req, &e.cache);
		if (ret)
			return ret;
		fallthrough;
	case SMM_REPLAY_KMALLOC:
		if (!f.ptr) {
			t->count[SMM_RC_FAILED_IN_TRACE]++;
			return 0;
		}
		e.key = f.ptr;
		e.size = f.bytes_req;
		return alloc_ent(t, &t->live, &e);
	case SMM_REPLAY_KFREE:
	case SMM_REPLAY_CACHE_FREE:
		if (!f.ptr) {
			t->count[SMM_RC_NULL_FREES]++;
			return 0;
		}
		old = map_find(&t->live, f.ptr);
		if (!old) {
			t->count[SMM_RC_UNKNOWN_FREES]++;
			return 0;
		}
		return free_ent(t, &t->live, old);
	case SMM_REPLAY_PAGE_ALLOC:
		if (!f.pfn) {
			t->count[SMM_RC_FAILED_IN_TRACE]++;
			return 0;
		}
		e.key = f.pfn;
		e.order = f.order;
		e.cache = f.zone;
		return alloc_ent(t, &t->pages, &e);
	case SMM_REPLAY_PAGE_FREE:
		old = map_find(&t->pages, f.pfn);
		if (!old) {
			t->count[SMM_RC_UNKNOWN_PAGE_FREES]++;
			return 0;
		}
		if (old->order != f.order)
			t->count[SMM_RC_ORDER_MISMATCH]++;
		return free_ent(t, &t->pages, old);
	default:
		return 0;
	}
}

/* One complete line, NUL-terminated, without its newline. */
static int parse_line(struct smm_replay_trace *t, char *line)
{
	char *s, *name, *rest, *p;
	unsigned long lost;
	unsigned int i;
	size_t n;

	t->count[SMM_RC_LINES]++;
	n = strlen(line);
	if (n && line[n - 1] == '\r')
		line[n - 1] = '\0';
	s = skip_spaces(line);
	if (!*s || *s == '#') {
		unsigned long in_buf, written;

		/* the trace file's "# entries-in-buffer/entries-written: 5/9   #P:2" */
		p = strstr(s, "entries-in-buffer/entries-written:");
		if (p && sscanf(p, "entries-in-buffer/entries-written: %lu/%lu", &in_buf,
				&written) == 2 && written > in_buf)
			t->count[SMM_RC_LOST] += written - in_buf;
		t->count[SMM_RC_COMMENTS]++;
		return 0;
	}
	if (!strncmp(s, "=>", 2)) {
		t->count[SMM_RC_OTHER]++;
		return 0;
	}
	/* trace_pipe's "CPU:1 [LOST 42 EVENTS]" */
	p = strstr(s, "[LOST ");
	if (!strncmp(s, "CPU:", 4) && p) {
		p += strlen("[LOST ");
		rest = strchr(p, ' ');
		if (!rest || strcmp(rest, " EVENTS]"))
			return bad(t, "lost", "not '[LOST N EVENTS]'");
		*rest = '\0';
		if (kstrtoul(p, 10, &lost))
			return bad(t, "lost", "'%.24s' is not a number", p);
		t->count[SMM_RC_LOST] += lost;
		return 0;
	}
	name = event_name(s, &rest);
	if (!name)
		return bad(t, "line", "not a trace event: 'COMM-PID [CPU] TIME: EVENT: FIELDS'");
	for (i = 0; i < ARRAY_SIZE(events); i++)
		if (!strcmp(name, events[i].name))
			return parse_event(t, &events[i], rest);
	t->count[SMM_RC_OTHER]++;
	return 0;
}

static int dropped(struct smm_replay_trace *t, int ret)
{
	smm_replay_trace_reset(t);
	return ret;
}

/**
 * smm_replay_feed() - parse more trace text
 * @t: the trace
 * @buf: the text; a line may continue in the next call
 * @len: bytes in @buf
 *
 * Return: 0; -EINVAL for a malformed line, -E2BIG past the limits,
 * -ENOMEM: then @t is empty again (the whole pending trace is dropped)
 * and @t->error says where and why.
 * Context: process context; sleeps.
 */
int smm_replay_feed(struct smm_replay_trace *t, const char *buf, size_t len)
{
	int ret;

	t->error.err = 0;
	while (len) {
		const char *nl = memchr(buf, '\n', len);
		size_t n = nl ? nl - buf : len;

		if (memchr(buf, '\0', n)) {
			t->count[SMM_RC_LINES]++;
			return dropped(t, bad(t, "line", "holds a NUL byte: not text"));
		}
		if (t->line_len + n >= SMM_REPLAY_LINE_MAX) {
			t->count[SMM_RC_LINES]++;
			return dropped(t, bad(t, "line", "longer than %d bytes",
					      SMM_REPLAY_LINE_MAX - 1));
		}
		memcpy(t->line + t->line_len, buf, n);
		t->line_len += n;
		if (!nl)
			break;
		t->line[t->line_len] = '\0';
		t->line_len = 0;
		ret = parse_line(t, t->line);
		if (ret)
			return dropped(t, ret);
		buf += n + 1;
		len -= n + 1;
	}
	return 0;
}

/**
 * smm_replay_end() - the trace is complete: parse a last unterminated line
 * @t: the trace
 *
 * Return: as smm_replay_feed().
 * Context: process context; sleeps.
 */
int smm_replay_end(struct smm_replay_trace *t)
{
	int ret;

	if (!t->line_len)
		return 0;
	t->line[t->line_len] = '\0';
	t->line_len = 0;
	ret = parse_line(t, t->line);
	return ret ? dropped(t, ret) : 0;
}

/* ---- the replay ---- */

/* What a slot holds, for the teardown: kind << 8 | cache or order. */
#define INFO(kind, v)	((u16)((kind) << 8 | (v)))
#define INFO_KIND(i)	((i) >> 8)
#define INFO_VAL(i)	((i) & 0xff)

/**
 * struct smm_replay_ctx - one instance's replay: its live objects
 * @inst: the instance
 * @nr_slots: entries in @slots and @info
 * @slots: the live object or block of each slot, or NULL
 * @info: what each slot holds, INFO()
 * @nr_caches: entries in @caches
 * @caches: the shadow cache of each object size; NULL: kmalloc() instead
 * @names: their names, looked up again at release (the instance's control
 *	file may have destroyed one with no objects)
 */
struct smm_replay_ctx {
	struct smm_instance *inst;
	u32 nr_slots;
	void **slots;
	u16 *info;
	unsigned int nr_caches;
	struct smm_kmem_cache *caches[SMM_REPLAY_MAX_CACHES];
	char names[SMM_REPLAY_MAX_CACHES][SMM_CACHE_NAME_LEN];
};

/**
 * smm_replay_ctx_new() - get an instance ready to replay a trace
 * @inst: the instance
 * @t: the trace
 *
 * Creates a cache ``replay-<size>`` for each kmem_cache_alloc object size
 * of @t up to %SMM_KMALLOC_MAX_CACHE.
 *
 * Return: the context, or an ERR_PTR(): -ENOMEM, or the cache's error.
 * Context: process context; sleeps.
 */
struct smm_replay_ctx *smm_replay_ctx_new(struct smm_instance *inst,
					  const struct smm_replay_trace *t)
{
	struct smm_replay_ctx *ctx = kvzalloc(sizeof(*ctx), GFP_KERNEL);
	struct smm_kmem_cache *s;
	unsigned int i;

	if (!ctx)
		return ERR_PTR(-ENOMEM);
	ctx->inst = inst;
	ctx->nr_slots = t->nr_slots;
	ctx->slots = kvcalloc(max(t->nr_slots, 1U), sizeof(*ctx->slots), GFP_KERNEL);
	ctx->info = kvcalloc(max(t->nr_slots, 1U), sizeof(*ctx->info), GFP_KERNEL);
	if (!ctx->slots || !ctx->info) {
		smm_replay_ctx_release(ctx);
		return ERR_PTR(-ENOMEM);
	}
	for (i = 0; i < t->nr_caches; i++, ctx->nr_caches++) {
		snprintf(ctx->names[i], SMM_CACHE_NAME_LEN, "replay-%u", t->caches[i]);
		if (t->caches[i] > SMM_KMALLOC_MAX_CACHE)
			continue;
		s = smm_kmem_cache_create(&inst->slab, ctx->names[i], t->caches[i], 0, 0, NULL);
		if (IS_ERR(s)) {
			smm_replay_ctx_release(ctx);
			return ERR_CAST(s);
		}
		ctx->caches[i] = s;
	}
	return ctx;
}

/**
 * smm_replay_ctx_live() - objects and blocks still allocated
 * @ctx: the context
 *
 * Return: the count.
 */
unsigned long smm_replay_ctx_live(const struct smm_replay_ctx *ctx)
{
	unsigned long i, n = 0;

	for (i = 0; i < ctx->nr_slots; i++)
		n += !!ctx->slots[i];
	return n;
}

/**
 * smm_replay_ctx_release() - free what the replay left, and its caches
 * @ctx: the context, or an ERR_PTR() or NULL
 *
 * Context: process context; sleeps.
 */
void smm_replay_ctx_release(struct smm_replay_ctx *ctx)
{
	struct smm_instance *inst;
	struct smm_kmem_cache *s;
	unsigned long i;

	if (IS_ERR_OR_NULL(ctx))
		return;
	inst = ctx->inst;
	for (i = 0; ctx->slots && i < ctx->nr_slots; i++) {
		void *p = ctx->slots[i];
		unsigned int v = INFO_VAL(ctx->info[i]);

		if (!p)
			continue;
		switch (INFO_KIND(ctx->info[i])) {
		case SMM_REPLAY_CACHE_ALLOC:
			if (ctx->caches[v]) {
				smm_kmem_cache_free(ctx->caches[v], p);
				break;
			}
			fallthrough;
		case SMM_REPLAY_KMALLOC:
			smm_kfree(&inst->slab, p);
			break;
		case SMM_REPLAY_PAGE_ALLOC:
			smm_free_pages(&inst->buddy, p, v);
			break;
		}
	}
	for (i = 0; i < ctx->nr_caches; i++) {
		if (!ctx->caches[i])
			continue;
		mutex_lock(&inst->slab.lock);
		s = smm_kmem_cache_find(&inst->slab, ctx->names[i]);
		mutex_unlock(&inst->slab.lock);
		if (s)
			smm_kmem_cache_destroy(s);
	}
	kvfree(ctx->slots);
	kvfree(ctx->info);
	kvfree(ctx);
}

/* Both sides of each pass give the CPU away every so many operations. */
#define RESCHED_EVERY	4096

/**
 * smm_replay_slab() - replay the slab operations into an instance
 * @ctx: the instance's context, fresh from smm_replay_ctx_new()
 * @t: the trace
 * @r: the result; @r->strategy and the host fields are left alone
 *
 * The objects still live at the end stay allocated, in @ctx.
 *
 * Return: 0, or -EIO if the instance broke.
 * Context: process context; sleeps.
 */
int smm_replay_slab(struct smm_replay_ctx *ctx, const struct smm_replay_trace *t,
		    struct smm_replay_result *r)
{
	struct smm_slab *sa = &ctx->inst->slab;
	struct smm_buddy *b = &ctx->inst->buddy;
	size_t large = sa->ops->small_alloc ? sa->ops->small_max : SMM_KMALLOC_MAX_CACHE;
	unsigned long live_bytes = 0, nr_large = 0, large_freed = 0, live = 0, i;
	unsigned long base_free, allocs, frees;
	long used;
	u64 t0;

	r->ops = 0;
	r->failed = 0;
	r->peak_pages = 0;
	r->peak_live_bytes = 0;
	allocs = smm_buddy_stat(b, SMM_BUDDY_ALLOC);
	frees = smm_buddy_stat(b, SMM_BUDDY_FREE);
	base_free = smm_buddy_free_pages(b);
	t0 = ktime_get_ns();
	for (i = 0; i < t->nr_ops; i++) {
		const struct smm_replay_op *op = &t->ops[i];
		struct smm_kmem_cache *s = NULL;
		void *p;

		switch (op->kind) {
		case SMM_REPLAY_CACHE_ALLOC:
			s = ctx->caches[op->cache];
			fallthrough;
		case SMM_REPLAY_KMALLOC:
			p = s ? smm_kmem_cache_alloc(s, SMM_GFP_KERNEL) :
				smm_kmalloc(sa, op->size, SMM_GFP_KERNEL);
			r->ops++;
			ctx->slots[op->slot] = p;
			if (!p) {
				r->failed++;
				break;
			}
			ctx->info[op->slot] = INFO(op->kind, op->cache);
			live_bytes += op->size;
			live++;
			nr_large += !s && op->size > large;
			used = base_free - smm_buddy_free_pages(b);
			if (used > (long)r->peak_pages) {
				r->peak_pages = used;
				r->peak_live_bytes = live_bytes;
			}
			break;
		case SMM_REPLAY_CACHE_FREE:
			s = ctx->caches[op->cache];
			fallthrough;
		case SMM_REPLAY_KFREE:
			p = ctx->slots[op->slot];
			if (!p)
				break;
			ctx->slots[op->slot] = NULL;
			if (s)
				smm_kmem_cache_free(s, p);
			else
				smm_kfree(sa, p);
			r->ops++;
			live_bytes -= op->size;
			live--;
			large_freed += !s && op->size > large;
			break;
		default:
			continue;
		}
		if (!(i % RESCHED_EVERY))
			cond_resched();
	}
	r->ns = ktime_get_ns() - t0;
	r->live_end = live;
	r->slabs_created = smm_buddy_stat(b, SMM_BUDDY_ALLOC) - allocs - nr_large;
	r->slabs_destroyed = smm_buddy_stat(b, SMM_BUDDY_FREE) - frees - large_freed;
	return READ_ONCE(ctx->inst->broken) ? -EIO : 0;
}

/* The Normal zone's indices for orders 3 and 9, after operation @op. */
static void frag_sample(struct smm_buddy *b, unsigned long op, struct smm_replay_buddy *br)
{
	struct smm_zone *z = &b->zones[SMM_ZONE_NORMAL];
	unsigned long nr[SMM_MAX_ORDER_LIMIT];
	struct smm_replay_sample *s;
	unsigned int o;
	int ui, ef;

	if (br->nr_samples == SMM_REPLAY_MAX_SAMPLES)
		return;
	s = &br->samples[br->nr_samples++];
	spin_lock(&z->lock);
	for (o = 0; o < b->max_order; o++)
		nr[o] = z->free_area[o].nr_free;
	spin_unlock(&z->lock);
	s->op = op;
	smm_frag_indices(nr, b->max_order, 3, &ui, &ef);
	s->ui3 = ui;
	s->ef3 = ef;
	smm_frag_indices(nr, b->max_order, 9, &ui, &ef);
	s->ui9 = ui;
	s->ef9 = ef;
}

/**
 * smm_replay_pages() - replay the page operations into an instance's buddy
 * @ctx: the instance's context
 * @t: the trace
 * @sample_every: sample the fragmentation every so many page operations;
 *	0: a hundredth of them (or as many as %SMM_REPLAY_MAX_SAMPLES allows)
 * @br: the result; the host fields are left alone
 *
 * Return: 0, or -EIO if the instance broke.
 * Context: process context; sleeps.
 */
int smm_replay_pages(struct smm_replay_ctx *ctx, const struct smm_replay_trace *t,
		     unsigned long sample_every, struct smm_replay_buddy *br)
{
	struct smm_buddy *b = &ctx->inst->buddy;
	unsigned long page_ops = t->nr_ops - t->nr_slab_ops, n = 0, live = 0, i;
	unsigned long every = sample_every ? sample_every : max(page_ops / 100, 1UL);
	u64 t0, ns = 0;

	every = max(every, DIV_ROUND_UP(page_ops, SMM_REPLAY_MAX_SAMPLES - 1));
	br->ops = 0;
	br->failed = 0;
	br->peak_pages = 0;
	br->nr_samples = 0;
	frag_sample(b, 0, br);
	t0 = ktime_get_ns();
	for (i = 0; i < t->nr_ops; i++) {
		const struct smm_replay_op *op = &t->ops[i];
		struct smm_page *page;

		switch (op->kind) {
		case SMM_REPLAY_PAGE_ALLOC:
			page = smm_alloc_pages(b, op->cache, op->order);
			br->ops++;
			if (IS_ERR(page)) {
				ctx->slots[op->slot] = NULL;
				br->failed++;
				break;
			}
			ctx->slots[op->slot] = page;
			ctx->info[op->slot] = INFO(op->kind, op->order);
			live += 1UL << op->order;
			br->peak_pages = max(br->peak_pages, live);
			break;
		case SMM_REPLAY_PAGE_FREE:
			page = ctx->slots[op->slot];
			if (!page)
				break;
			ctx->slots[op->slot] = NULL;
			smm_free_pages(b, page, op->order);
			live -= 1UL << op->order;
			br->ops++;
			break;
		default:
			continue;
		}
		if (!(++n % every)) {
			ns += ktime_get_ns() - t0;
			frag_sample(b, i, br);
			cond_resched();
			t0 = ktime_get_ns();
		}
	}
	br->ns = ns + ktime_get_ns() - t0;
	if (page_ops % every)
		frag_sample(b, t->nr_ops ? t->nr_ops - 1 : 0, br);
	return READ_ONCE(ctx->inst->broken) ? -EIO : 0;
}

/* The host cache of a cache operation, or NULL: kmalloc()/kfree() instead. */
static struct kmem_cache *host_cache(struct kmem_cache **hc, const struct smm_replay_op *op)
{
	if (op->kind != SMM_REPLAY_CACHE_ALLOC && op->kind != SMM_REPLAY_CACHE_FREE)
		return NULL;
	return hc[op->cache];
}

/**
 * smm_replay_host_slab() - the slab operations on the host's allocators
 * @t: the trace
 * @max_bytes: the most bytes_req the pass may hold at once; an allocation
 *	past it counts as failed (the shadow side has its arena for a bound,
 *	the host its whole memory: a trace whose live set never shrinks
 *	must not take that)
 * @r: its host fields are set
 *
 * kmalloc()/kfree(), and host kmem_caches of each object size up to
 * %SMM_KMALLOC_MAX_CACHE created for the pass and destroyed after it
 * (larger objects are kmalloc()ed, as on the shadow side); what is live
 * at the end is freed
 * after the clock stops.
 *
 * Return: 0 or -ENOMEM.
 * Context: process context; sleeps.
 */
int smm_replay_host_slab(const struct smm_replay_trace *t, unsigned long max_bytes,
			 struct smm_replay_result *r)
{
	const gfp_t gfp = GFP_KERNEL | __GFP_NOWARN;
	unsigned long i, live = 0;
	struct kmem_cache **hc;
	void **slots;
	char name[32];
	int ret = -ENOMEM;
	u64 t0;

	r->host_ops = 0;
	r->host_failed = 0;
	slots = kvcalloc(max(t->nr_slots, 1U), sizeof(*slots), GFP_KERNEL);
	hc = kcalloc(SMM_REPLAY_MAX_CACHES, sizeof(*hc), GFP_KERNEL);
	if (!slots || !hc)
		goto out;
	/*
	 * As the shadow side: object sizes above %SMM_KMALLOC_MAX_CACHE are
	 * kmalloc()ed.  A host cache of such a size could fail to be made
	 * (above KMALLOC_MAX_SIZE, or an order past MAX_PAGE_ORDER), and
	 * kmem_cache_create() would then dump its stack for a line of text.
	 */
	for (i = 0; i < t->nr_caches; i++) {
		if (t->caches[i] > SMM_KMALLOC_MAX_CACHE)
			continue;
		snprintf(name, sizeof(name), "smm_replay_%u", t->caches[i]);
		hc[i] = kmem_cache_create(name, t->caches[i], 0, 0, NULL);
		if (!hc[i])
			goto out;
	}
	t0 = ktime_get_ns();
	for (i = 0; i < t->nr_ops; i++) {
		const struct smm_replay_op *op = &t->ops[i];
		void *p;

		switch (op->kind) {
		case SMM_REPLAY_KMALLOC:
		case SMM_REPLAY_CACHE_ALLOC:
			p = NULL;
			if (op->size <= max_bytes - live)
				p = host_cache(hc, op) ? kmem_cache_alloc(hc[op->cache], gfp) :
					kmalloc(op->size, gfp);
			r->host_ops++;
			slots[op->slot] = p;
			if (!p)
				r->host_failed++;
			else
				live += op->size;
			break;
		case SMM_REPLAY_KFREE:
		case SMM_REPLAY_CACHE_FREE:
			p = slots[op->slot];
			if (!p)
				break;
			slots[op->slot] = NULL;
			if (host_cache(hc, op))
				kmem_cache_free(hc[op->cache], p);
			else
				kfree(p);
			live -= op->size;
			r->host_ops++;
			break;
		default:
			continue;
		}
		if (!(i % RESCHED_EVERY))
			cond_resched();
	}
	r->host_ns = ktime_get_ns() - t0;
	ret = 0;
	/* What is still live: the free that the trace never saw. */
	for (i = t->nr_ops; i-- > 0; ) {
		const struct smm_replay_op *op = &t->ops[i];
		void *p;

		if (op->kind != SMM_REPLAY_KMALLOC && op->kind != SMM_REPLAY_CACHE_ALLOC)
			continue;
		p = slots[op->slot];
		if (!p)
			continue;
		slots[op->slot] = NULL;
		if (host_cache(hc, op))
			kmem_cache_free(hc[op->cache], p);
		else
			kfree(p);
	}
out:
	if (hc)
		for (i = 0; i < t->nr_caches; i++)
			kmem_cache_destroy(hc[i]);
	kfree(hc);
	kvfree(slots);
	return ret;
}

/**
 * smm_replay_host_pages() - the page operations on the host's alloc_pages()
 * @t: the trace
 * @max_pages: the most pages the pass may hold at once; an allocation past
 *	it counts as failed
 * @br: its host fields are set
 *
 * Return: 0 or -ENOMEM.
 * Context: process context; sleeps.
 */
int smm_replay_host_pages(const struct smm_replay_trace *t, unsigned long max_pages,
			  struct smm_replay_buddy *br)
{
	const gfp_t gfp = GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY;
	unsigned long i, live = 0;
	struct page **slots;
	u64 t0;

	br->host_ops = 0;
	br->host_failed = 0;
	slots = kvcalloc(max(t->nr_slots, 1U), sizeof(*slots), GFP_KERNEL);
	if (!slots)
		return -ENOMEM;
	t0 = ktime_get_ns();
	for (i = 0; i < t->nr_ops; i++) {
		const struct smm_replay_op *op = &t->ops[i];
		struct page *page;

		switch (op->kind) {
		case SMM_REPLAY_PAGE_ALLOC:
			page = NULL;
			if (op->order <= MAX_PAGE_ORDER && BIT(op->order) <= max_pages - live)
				page = alloc_pages(gfp, op->order);
			br->host_ops++;
			slots[op->slot] = page;
			if (!page)
				br->host_failed++;
			else
				live += BIT(op->order);
			break;
		case SMM_REPLAY_PAGE_FREE:
			page = slots[op->slot];
			if (!page)
				break;
			slots[op->slot] = NULL;
			__free_pages(page, op->order);
			live -= BIT(op->order);
			br->host_ops++;
			break;
		default:
			continue;
		}
		if (!(i % RESCHED_EVERY))
			cond_resched();
	}
	br->host_ns = ktime_get_ns() - t0;
	/* What is still live, the last allocation of each slot first. */
	for (i = t->nr_ops; i-- > 0; ) {
		const struct smm_replay_op *op = &t->ops[i];

		if (op->kind == SMM_REPLAY_PAGE_ALLOC && slots[op->slot]) {
			__free_pages(slots[op->slot], op->order);
			slots[op->slot] = NULL;
		}
	}
	kvfree(slots);
	return 0;
}

/* ---- the debugfs files ---- */

/* The scratch instances: one per strategy, then the buddy one. */
#define RUN_BUDDY	SMM_SLAB_NR
#define RUN_INSTANCES	(SMM_SLAB_NR + 1)

/**
 * struct replay_run - a run and what it keeps
 * @strategies: BIT(enum smm_slab_strategy) of the strategies run
 * @arena_mb: each strategy's arena
 * @buddy_mb: the buddy instance's arena
 * @sample: sample= as given (0: automatic)
 * @err: why the run stopped early, or 0
 * @inst: the scratch instances, NULL where none
 * @ctx: their replays' live objects
 * @res: per strategy
 * @buddy: the page operations
 * @trace_count: the trace's counters, enum smm_replay_count
 * @trace_events: the trace's events, per enum smm_replay_kind
 * @nr_ops: the trace's operations
 * @nr_slab_ops: of them, the slab ones
 * @nr_caches: the trace's kmem_cache_alloc object sizes
 */
struct replay_run {
	unsigned int strategies;
	unsigned int arena_mb;
	unsigned int buddy_mb;
	unsigned int sample;
	int err;
	struct smm_instance *inst[RUN_INSTANCES];
	struct smm_replay_ctx *ctx[RUN_INSTANCES];
	struct smm_replay_result res[SMM_SLAB_NR];
	struct smm_replay_buddy buddy;
	unsigned long trace_count[SMM_RC_NR];
	unsigned long trace_events[SMM_REPLAY_KIND_NR];
	unsigned long nr_ops;
	unsigned long nr_slab_ops;
	unsigned int nr_caches;
};

static DEFINE_MUTEX(replay_lock);
static struct dentry *replay_dir;
static struct dentry *replay_files[3];
static struct smm_replay_trace *pending;	/* being written; under the lock */
static struct smm_replay_trace *last;		/* the last one run; under the lock */
static struct smm_replay_error trace_error;	/* the last parse error; under the lock */
static struct replay_run *kept;			/* the last run; under the lock */
static bool running;				/* under the lock */

static void release_run(struct replay_run *run)
{
	int i;

	if (!run)
		return;
	for (i = 0; i < RUN_INSTANCES; i++) {
		if (!run->inst[i])
			continue;
		if (run->inst[i]->debugfs)
			smm_debugfs_remove(run->inst[i]);
		smm_replay_ctx_release(run->ctx[i]);
		smm_instance_destroy(run->inst[i]);
	}
	kvfree(run);
}

static struct smm_instance *scratch(struct replay_run *run, int i, const char *name,
				    unsigned int mb, enum smm_slab_strategy slab,
				    const struct smm_replay_trace *t)
{
	struct smm_params p = {
		.name = name,
		.arena_mb = mb,
		.source = SMM_ARENA_AUTO,
		.chunk_order = MAX_PAGE_ORDER,
		.slab = slab,
	};
	struct smm_instance *inst = smm_instance_create(&p);

	if (IS_ERR(inst)) {
		run->err = PTR_ERR(inst);
		return NULL;
	}
	run->inst[i] = inst;
	run->ctx[i] = smm_replay_ctx_new(inst, t);
	if (IS_ERR(run->ctx[i])) {
		run->err = PTR_ERR(run->ctx[i]);
		run->ctx[i] = NULL;
		return NULL;
	}
	return inst;
}

/*
 * The host passes bracket the shadow one, one just before and one just
 * after, and the host's time is their mean: a slow stretch of the
 * emulated machine then weighs on both sides alike.
 */
static int replay_slab_bracketed(struct smm_replay_ctx *ctx, const struct smm_replay_trace *t,
				 struct smm_replay_result *r)
{
	unsigned long max_bytes = ctx->inst->arena.nr_pages << PAGE_SHIFT;
	struct smm_replay_result after = {};
	int ret = smm_replay_host_slab(t, max_bytes, r);

	if (!ret)
		ret = smm_replay_slab(ctx, t, r);
	if (!ret)
		ret = smm_replay_host_slab(t, max_bytes, &after);
	r->host_ops += after.host_ops;
	r->host_ns += after.host_ns;
	r->host_failed += after.host_failed;
	return ret;
}

static int replay_pages_bracketed(struct smm_replay_ctx *ctx, const struct smm_replay_trace *t,
				  unsigned long sample, struct smm_replay_buddy *br)
{
	struct smm_replay_buddy *after = kzalloc(sizeof(*after), GFP_KERNEL);
	int ret;

	if (!after)
		return -ENOMEM;
	ret = smm_replay_host_pages(t, ctx->inst->arena.nr_pages, br);
	if (!ret)
		ret = smm_replay_pages(ctx, t, sample, br);
	if (!ret)
		ret = smm_replay_host_pages(t, ctx->inst->arena.nr_pages, after);
	br->host_ops += after->host_ops;
	br->host_ns += after->host_ns;
	br->host_failed += after->host_failed;
	kfree(after);
	return ret;
}

/* Replay @t into fresh instances; a failure stops the run, keeping what ran. */
static void do_run(struct replay_run *run, const struct smm_replay_trace *t)
{
	char name[SMM_NAME_LEN];
	int s, i;

	memcpy(run->trace_count, t->count, sizeof(run->trace_count));
	memcpy(run->trace_events, t->events, sizeof(run->trace_events));
	run->nr_ops = t->nr_ops;
	run->nr_slab_ops = t->nr_slab_ops;
	run->nr_caches = t->nr_caches;
	for (s = 0; s < SMM_SLAB_NR && !run->err; s++) {
		if (!(run->strategies & BIT(s)))
			continue;
		snprintf(name, sizeof(name), "replay-%s", smm_slab_strategy_name(s));
		if (!scratch(run, s, name, run->arena_mb, s, t))
			break;
		run->res[s].strategy = s;
		run->err = replay_slab_bracketed(run->ctx[s], t, &run->res[s]);
	}
	if (!run->err && t->nr_ops > t->nr_slab_ops &&
	    scratch(run, RUN_BUDDY, "replay-buddy", run->buddy_mb, SMM_SLAB_SLUB, t))
		run->err = replay_pages_bracketed(run->ctx[RUN_BUDDY], t, run->sample,
						  &run->buddy);
	/* Only now may others look at the instances, and write to their control. */
	for (i = 0; i < RUN_INSTANCES; i++)
		if (run->inst[i] && smm_debugfs_add(run->inst[i], replay_dir))
			pr_warn("shadow_mm: replay: no debugfs directory for %s\n",
				run->inst[i]->name);
	if (run->err)
		pr_warn("shadow_mm: replay: the run stopped early: %d\n", run->err);
}

enum { RK_SLAB, RK_ARENA_MB, RK_BUDDY_MB, RK_SAMPLE, RK_NR };

static const char *const run_keys[] = {
	[RK_SLAB]	= "slab",
	[RK_ARENA_MB]	= "arena_mb",
	[RK_BUDDY_MB]	= "buddy_mb",
	[RK_SAMPLE]	= "sample",
};

static_assert(ARRAY_SIZE(run_keys) == RK_NR);

/* slab=slab,slub,slob */
static int parse_strategies(char *val, unsigned int *mask)
{
	enum smm_slab_strategy s;
	char *w;

	*mask = 0;
	while ((w = strsep(&val, ","))) {
		if (smm_slab_parse_strategy(w, &s)) {
			smm_bad_input("replay.slab", "'%s' is not slab, slub or slob", w);
			return -EINVAL;
		}
		if (*mask & BIT(s)) {
			smm_bad_input("replay.slab", "'%s' is listed twice", w);
			return -EINVAL;
		}
		*mask |= BIT(s);
	}
	return 0;
}

static int parse_run(char *cur, struct replay_run *run)
{
	unsigned int seen = 0;
	char *val;
	int k, ret;

	while ((k = smm_next_key(&cur, "replay", run_keys, RK_NR, &seen, &val)) >= 0) {
		switch (k) {
		case RK_SLAB:
			ret = parse_strategies(val, &run->strategies);
			break;
		case RK_ARENA_MB:
			ret = smm_parse_uint("replay.arena_mb", val, SMM_ARENA_MIN_MB,
					     SMM_ARENA_MAX_MB, &run->arena_mb);
			break;
		case RK_BUDDY_MB:
			ret = smm_parse_uint("replay.buddy_mb", val, SMM_ARENA_MIN_MB,
					     SMM_ARENA_MAX_MB, &run->buddy_mb);
			break;
		default:
			ret = smm_parse_uint("replay.sample", val, 0, UINT_MAX, &run->sample);
			break;
		}
		if (ret)
			return ret;
	}
	return k == -ENOENT ? 0 : k;
}

static bool trace_empty(const struct smm_replay_trace *t)
{
	return !t || (!t->count[SMM_RC_LINES] && !t->line_len);
}

static int cmd_run(char *args)
{
	struct smm_replay_trace *old = NULL;
	struct replay_run *run, *prev;
	int ret;

	run = kvzalloc(sizeof(*run), GFP_KERNEL);
	if (!run)
		return -ENOMEM;
	run->strategies = BIT(SMM_SLAB_NR) - 1;
	run->arena_mb = 128;
	run->buddy_mb = 256;
	ret = parse_run(args, run);
	if (ret)
		goto err;

	mutex_lock(&replay_lock);
	if (running) {
		mutex_unlock(&replay_lock);
		ret = -EBUSY;
		goto err;
	}
	if (!trace_empty(pending)) {
		ret = smm_replay_end(pending);
		if (ret) {
			trace_error = pending->error;
			mutex_unlock(&replay_lock);
			goto err;
		}
		old = last;
		last = pending;
		pending = NULL;
	} else if (!last) {
		mutex_unlock(&replay_lock);
		smm_bad_input("replay", "no trace: write one to replay/trace first");
		ret = -ENODATA;
		goto err;
	}
	running = true;
	prev = kept;
	kept = NULL;
	mutex_unlock(&replay_lock);

	/* No one else touches @last, @kept or the instances while running. */
	smm_replay_trace_free(old);
	release_run(prev);
	do_run(run, last);

	mutex_lock(&replay_lock);
	kept = run;
	running = false;
	mutex_unlock(&replay_lock);
	return run->err;
err:
	kvfree(run);
	return ret;
}

static int cmd_release(bool all)
{
	struct smm_replay_trace *t, *old = NULL;
	struct replay_run *prev = NULL;

	mutex_lock(&replay_lock);
	/* A run has its own trace: only release touches what it uses. */
	if (all && running) {
		mutex_unlock(&replay_lock);
		return -EBUSY;
	}
	t = pending;
	pending = NULL;
	memset(&trace_error, 0, sizeof(trace_error));
	if (all) {
		old = last;
		last = NULL;
		prev = kept;
		kept = NULL;
	}
	mutex_unlock(&replay_lock);
	smm_replay_trace_free(t);
	smm_replay_trace_free(old);
	release_run(prev);
	return 0;
}

#define CMD_MAX	128

static ssize_t control_write(struct file *file, const char __user *ubuf, size_t len,
			     loff_t *ppos)
{
	char *buf, *cur, *verb;
	int ret;

	buf = smm_cmd_dup_user(ubuf, len, CMD_MAX - 1, "replay");
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	cur = strim(buf);
	verb = strsep(&cur, " \t");
	if (!strcmp(verb, "run")) {
		ret = cmd_run(cur);
	} else if ((!strcmp(verb, "reset") || !strcmp(verb, "release")) && !cur) {
		ret = cmd_release(!strcmp(verb, "release"));
	} else {
		smm_bad_input("replay", "unknown command '%s': run, reset or release", verb);
		ret = -EINVAL;
	}
	kfree(buf);
	return ret ? ret : len;
}

static int control_show(struct seq_file *m, void *v)
{
	int i;

	mutex_lock(&replay_lock);
	seq_printf(m, "state %s\n", running ? "running" : "idle");
	seq_printf(m, "pending_ops %lu\n", pending ? pending->nr_ops : 0);
	seq_printf(m, "last_ops %lu\n", last ? last->nr_ops : 0);
	seq_puts(m, "kept");
	for (i = 0; kept && i < RUN_INSTANCES; i++)
		if (kept->inst[i])
			seq_printf(m, " %s", kept->inst[i]->name);
	seq_putc(m, '\n');
	mutex_unlock(&replay_lock);
	return 0;
}

static int control_open(struct inode *inode, struct file *file)
{
	return single_open(file, control_show, NULL);
}

static const struct file_operations control_fops = {
	.owner		= THIS_MODULE,
	.open		= control_open,
	.read		= seq_read,
	.write		= control_write,
	.llseek		= seq_lseek,
	.release	= single_release,
};

static ssize_t trace_write(struct file *file, const char __user *ubuf, size_t len,
			   loff_t *ppos)
{
	size_t done = 0, n;
	char *buf;
	int ret = 0;

	buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	if (mutex_lock_interruptible(&replay_lock)) {
		kfree(buf);
		return -EINTR;
	}
	if (!pending)
		pending = smm_replay_trace_new();
	if (!pending)
		ret = -ENOMEM;
	while (!ret && done < len) {
		n = min_t(size_t, len - done, PAGE_SIZE);
		if (copy_from_user(buf, ubuf + done, n)) {
			/* Half a chunk parsed: drop it all, as for a bad line. */
			smm_replay_trace_reset(pending);
			ret = -EFAULT;
			break;
		}
		ret = smm_replay_feed(pending, buf, n);
		if (ret)
			trace_error = pending->error;
		done += n;
		/*
		 * One write may hold gigabytes of lines that make no operation
		 * (comments, other events), unbounded by SMM_REPLAY_MAX_OPS:
		 * give the CPU away, and let a kill end it (the trace is
		 * dropped, as for -EFAULT).
		 */
		if (!ret && done < len) {
			if (fatal_signal_pending(current)) {
				smm_replay_trace_reset(pending);
				ret = -EINTR;
				break;
			}
			cond_resched();
		}
	}
	mutex_unlock(&replay_lock);
	kfree(buf);
	return ret ? ret : len;
}

static int trace_show(struct seq_file *m, void *v)
{
	struct smm_replay_trace *t;
	int i;

	mutex_lock(&replay_lock);
	t = pending;
	seq_printf(m, "ops %lu\n", t ? t->nr_ops : 0);
	seq_printf(m, "slab_ops %lu\n", t ? t->nr_slab_ops : 0);
	for (i = 0; i < SMM_REPLAY_KIND_NR; i++)
		seq_printf(m, "%s %lu\n", kind_names[i], t ? t->events[i] : 0);
	for (i = 0; i < SMM_RC_NR; i++)
		seq_printf(m, "%s %lu\n", count_names[i], t ? t->count[i] : 0);
	seq_printf(m, "caches %u\n", t ? t->nr_caches : 0);
	seq_printf(m, "live_objects %lu\n", t ? t->live.nr : 0);
	seq_printf(m, "live_blocks %lu\n", t ? t->pages.nr : 0);
	if (trace_error.err)
		seq_printf(m, "error %d line %lu field %s: %s\n", trace_error.err,
			   trace_error.line, trace_error.field, trace_error.msg);
	else
		seq_puts(m, "error none\n");
	mutex_unlock(&replay_lock);
	return 0;
}

static int trace_open(struct inode *inode, struct file *file)
{
	return single_open(file, trace_show, NULL);
}

static const struct file_operations trace_fops = {
	.owner		= THIS_MODULE,
	.open		= trace_open,
	.read		= seq_read,
	.write		= trace_write,
	.llseek		= seq_lseek,
	.release	= single_release,
};

/* @num / @den with two decimals, rounded; "0.00" if @den is 0. */
static void put_ratio(struct seq_file *m, u64 num, u64 den)
{
	u64 q = den ? div64_u64(num * 100 + den / 2, den) : 0;

	seq_printf(m, " %llu.%02llu", q / 100, q % 100);
}

/* picoseconds per operation, for the ratios */
static u64 ps_per_op(u64 ns, unsigned long ops)
{
	return ops ? div64_u64(ns * 1000, ops) : 0;
}

/* thousandths as mm/vmstat.c prints the indices: "0.123", "-1.000" */
static void put_milli(struct seq_file *m, int v)
{
	seq_printf(m, " %s%d.%03d", v < 0 ? "-" : "", abs(v) / 1000, abs(v) % 1000);
}

static u64 per_op(u64 ns, unsigned long ops)
{
	return ops ? div64_u64(ns, ops) : 0;
}

static void report_head(struct seq_file *m, const struct replay_run *run)
{
	const unsigned long *c = run->trace_count, *e = run->trace_events;
	const struct smm_replay_buddy *br = &run->buddy;

	seq_printf(m, "# trace: %lu lines, %lu operations (%lu slab, %lu page), %u object sizes\n",
		   c[SMM_RC_LINES], run->nr_ops, run->nr_slab_ops,
		   run->nr_ops - run->nr_slab_ops, run->nr_caches);
	seq_printf(m, "# events: kmalloc %lu kfree %lu kmem_cache_alloc %lu kmem_cache_free %lu mm_page_alloc %lu mm_page_free %lu\n",
		   e[SMM_REPLAY_KMALLOC], e[SMM_REPLAY_KFREE], e[SMM_REPLAY_CACHE_ALLOC],
		   e[SMM_REPLAY_CACHE_FREE], e[SMM_REPLAY_PAGE_ALLOC], e[SMM_REPLAY_PAGE_FREE]);
	seq_printf(m, "# skipped: comments %lu other_events %lu lost_events %lu unknown_frees %lu unknown_page_frees %lu null_frees %lu failed_in_trace %lu\n",
		   c[SMM_RC_COMMENTS], c[SMM_RC_OTHER], c[SMM_RC_LOST],
		   c[SMM_RC_UNKNOWN_FREES], c[SMM_RC_UNKNOWN_PAGE_FREES], c[SMM_RC_NULL_FREES],
		   c[SMM_RC_FAILED_IN_TRACE]);
	seq_printf(m, "# implicit_frees %lu order_mismatches %lu\n", c[SMM_RC_IMPLICIT_FREES],
		   c[SMM_RC_ORDER_MISMATCH]);
	seq_printf(m, "# instances: arena_mb=%u per strategy, buddy_mb=%u\n", run->arena_mb,
		   run->buddy_mb);
	if (run->inst[RUN_BUDDY]) {
		seq_printf(m, "# buddy: ops %lu ns_per_op %llu host_ns_per_op %llu ratio", br->ops,
			   per_op(br->ns, br->ops), per_op(br->host_ns, br->host_ops));
		put_ratio(m, ps_per_op(br->ns, br->ops), ps_per_op(br->host_ns, br->host_ops));
		seq_printf(m, " peak_pages %lu failed %lu host_failed %lu\n", br->peak_pages,
			   br->failed, br->host_failed);
	}
	if (run->err)
		seq_printf(m, "# the run stopped early: error %d\n", run->err);
}

static int report_show(struct seq_file *m, void *v)
{
	const struct replay_run *run;
	int s;
	unsigned int i;

	mutex_lock(&replay_lock);
	run = kept;
	seq_puts(m, "# shadow_mm trace replay (Documentation/replay.rst)\n");
	if (running)
		seq_puts(m, "# a run is in progress\n");
	if (!run)
		seq_puts(m, "# no run yet: write a trace to replay/trace, then 'run' to replay/control\n");
	else
		report_head(m, run);
	for (s = 0; run && s < SMM_SLAB_NR; s++) {
		const struct smm_replay_result *r = &run->res[s];

		if (!run->ctx[s])
			continue;
		seq_printf(m, "# %s: failed %lu host_failed %lu live_at_end %lu\n",
			   smm_slab_strategy_name(s), r->failed, r->host_failed, r->live_end);
	}
	seq_puts(m, "strategy ops ns_per_op host_ns_per_op ratio peak_pages peak_efficiency slabs_created slabs_destroyed unknown_frees\n");
	for (s = 0; run && s < SMM_SLAB_NR; s++) {
		const struct smm_replay_result *r = &run->res[s];

		if (!run->ctx[s])
			continue;
		seq_printf(m, "%s %lu %llu %llu", smm_slab_strategy_name(s), r->ops,
			   per_op(r->ns, r->ops), per_op(r->host_ns, r->host_ops));
		put_ratio(m, ps_per_op(r->ns, r->ops), ps_per_op(r->host_ns, r->host_ops));
		seq_printf(m, " %lu", r->peak_pages);
		put_ratio(m, r->peak_live_bytes, (u64)r->peak_pages * PAGE_SIZE);
		seq_printf(m, " %lu %lu %lu\n", r->slabs_created, r->slabs_destroyed,
			   run->trace_count[SMM_RC_UNKNOWN_FREES]);
	}
	seq_puts(m, "\n# buddy\n");
	seq_puts(m, "op unusable_index_o3 extfrag_o3 unusable_index_o9 extfrag_o9\n");
	for (i = 0; run && run->ctx[RUN_BUDDY] && i < run->buddy.nr_samples; i++) {
		const struct smm_replay_sample *sp = &run->buddy.samples[i];

		seq_printf(m, "%u", sp->op);
		put_milli(m, sp->ui3);
		put_milli(m, sp->ef3);
		put_milli(m, sp->ui9);
		put_milli(m, sp->ef9);
		seq_putc(m, '\n');
	}
	mutex_unlock(&replay_lock);
	return 0;
}

DEFINE_SHOW_ATTRIBUTE(report);

/**
 * smm_replay_debugfs_init() - create ``replay/`` and its files
 * @root: the module's debugfs directory
 *
 * Context: process context.
 */
void smm_replay_debugfs_init(struct dentry *root)
{
	replay_dir = debugfs_create_dir("replay", root);
	replay_files[0] = debugfs_create_file("trace", 0600, replay_dir, NULL, &trace_fops);
	replay_files[1] = debugfs_create_file("control", 0600, replay_dir, NULL, &control_fops);
	replay_files[2] = debugfs_create_file("report", 0400, replay_dir, NULL, &report_fops);
}

/**
 * smm_replay_exit() - remove ``replay/`` and free everything it kept
 *
 * Removing the files first waits for a run in progress (it is a write to
 * ``control``) and for every reader.
 * Context: process context; sleeps.
 */
void smm_replay_exit(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(replay_files); i++)
		debugfs_remove(replay_files[i]);
	release_run(kept);
	kept = NULL;
	debugfs_remove(replay_dir);
	smm_replay_trace_free(pending);
	smm_replay_trace_free(last);
	pending = NULL;
	last = NULL;
}
