// SPDX-License-Identifier: GPL-2.0
/*
 * kpf_test: the user pages in the default instance's kpageflags,
 * kpagecount and pfnmap (Documentation/pfn.rst).
 *
 * Prints one line per check, "SMM-CHECK pass kpf: NAME" or
 * "SMM-CHECK fail kpf: NAME: why", which the host counts, and exits with
 * the number of failed checks (at most 100).  Run it as root with
 * shadow_mm loaded and nothing else using /dev/shadow_mm: every check
 * counts the user pages of the whole instance.
 *
 * The files give no address for a PFN, so the checks count: after a
 * process touches N pages, exactly N PFNs have KPF_MMAP, each with
 * SWAPBACKED, UPTODATE and LRU, ANON exactly on the MAP_PRIVATE ones (a
 * MAP_SHARED object's pages are shmem: SWAPBACKED without ANON), each a
 * kpagecount of 1, and pfnmap has N 'user' records, the same PFNs; after
 * fork() each has a kpagecount of 2 (the
 * kernel's mapcount), and after the child writes its private pages
 * (copy-on-write) those split into two pages of count 1; after the exits
 * and munmap() nothing is left.  Throughout, the LRU pages are meminfo's
 * Active(anon) + Inactive(anon) and the ACTIVE ones Active(anon).
 *
 * With --swap (an instance with swap: arena_mb=16 swap_mb=48), reclaim's
 * looks give REFERENCED and then ACTIVE (as many pages as pgactivate
 * counts); and a forked private mapping is pushed out with "reclaim
 * pages=N" on the control file, and read back by the parent and then the
 * child: the pages read from swap stay in the swap cache while the child's
 * swap entries need the slot, with SWAPCACHE and SWAPBACKED, owner
 * 'swapcache' in pfnmap, and their mapcounts in kpagecount.
 *
 * Each test runs in a process of its own, so that the process reading the
 * counters at the end never had a mapping.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/kernel-page-flags.h>

#include "smm_user.h"

#define KPF(b)		((uint64_t)1 << (b))
/* Not in the uapi header: the kernel's own bits (fs/proc/internal.h's KPF_RESERVED). */
#ifndef KPF_RESERVED
#define KPF_RESERVED	32
#endif
/* The bits a page that is no user page must not have. */
#define USER_BITS	(KPF(KPF_MMAP) | KPF(KPF_ANON) | KPF(KPF_SWAPBACKED) | KPF(KPF_LRU) | \
			 KPF(KPF_ACTIVE) | KPF(KPF_REFERENCED) | KPF(KPF_SWAPCACHE) | \
			 KPF(KPF_UPTODATE))
#define KERNEL_BITS	(KPF(KPF_BUDDY) | KPF(KPF_SLAB) | KPF(KPF_PGTABLE) | KPF(KPF_NOPAGE) | \
			 KPF(KPF_RESERVED) | KPF(KPF_COMPOUND_HEAD) | KPF(KPF_COMPOUND_TAIL))

static size_t ps;

/**
 * struct census - what kpageflags, kpagecount and pfnmap say of the user pages
 * @max: PFNs in kpageflags
 * @mmap: ...with KPF_MMAP
 * @anon: ...with KPF_ANON
 * @swapbacked: ...with KPF_SWAPBACKED
 * @uptodate: ...with KPF_UPTODATE
 * @lru: ...with KPF_LRU
 * @active: ...with KPF_ACTIVE
 * @referenced: ...with KPF_REFERENCED
 * @swapcache: ...with KPF_SWAPCACHE
 * @shmem: ...with KPF_SWAPBACKED and without KPF_ANON
 * @count1: PFNs with a kpagecount of 1
 * @count2: ...of 2
 * @count_more: ...above 2
 * @count_sum: the sum of kpagecount
 * @user: pfnmap's 'user' records
 * @cached: pfnmap's 'swapcache' records
 * @records: pfnmap's records
 * @odd: PFNs whose words disagree with each other or with pfnmap (see census())
 * @odd_pfn: the first of them, and @odd_why what was wrong with it
 * @odd_why: see @odd_pfn
 * @lru_kb: meminfo's Active(anon) + Inactive(anon), kB
 * @active_kb: meminfo's Active(anon), kB
 */
struct census {
	long max, mmap, anon, swapbacked, uptodate, lru, active, referenced, swapcache, shmem;
	long count1, count2, count_more;
	long long count_sum;
	long user, cached, records;
	long odd, odd_pfn;
	const char *odd_why;
	long long lru_kb, active_kb;
};

/* The whole of a binary debugfs file, one u64 per PFN; its length in words. */
static long read_words(const char *name, uint64_t **out)
{
	char path[256];
	size_t cap = 1 << 16, len = 0;
	uint64_t *w = NULL;
	ssize_t n = 0;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", SMM_DEBUGFS, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	for (;;) {
		if (!w || len == cap) {
			uint64_t *nw;

			cap *= 2;
			nw = realloc(w, cap * sizeof(*w));
			if (!nw)
				break;
			w = nw;
		}
		/* pread at pfn * 8, as page-types reads /proc/kpageflags. */
		n = pread(fd, w + len, (cap - len) * sizeof(*w), len * sizeof(*w));
		if (n <= 0)
			break;
		len += n / sizeof(*w);
	}
	close(fd);
	if (!w || n < 0) {
		free(w);
		return -1;
	}
	*out = w;
	return len;
}

static void odd(struct census *c, long pfn, const char *why)
{
	if (!c->odd++) {
		c->odd_pfn = pfn;
		c->odd_why = why;
	}
}

/*
 * Count the user pages.  A PFN is odd if: it has a user bit and a kernel
 * one (BUDDY, SLAB, PGTABLE, NOPAGE, RESERVED, compound); MMAP without a
 * kpagecount or a kpagecount without MMAP; MMAP, ANON, ACTIVE, REFERENCED
 * or SWAPCACHE without LRU (a user page is always on an LRU list);
 * SWAPCACHE without SWAPBACKED (the kernel needs both); LRU without
 * SWAPBACKED; or pfnmap's owner is 'user' or 'swapcache' and it has no
 * LRU, or the other way round, or 'swapcache' without SWAPCACHE.
 */
static int census(struct census *c)
{
	uint64_t *flags = NULL, *counts = NULL;
	long nf, nc, pfn;
	char line[256];
	FILE *fp;

	memset(c, 0, sizeof(*c));
	nf = read_words("kpageflags", &flags);
	nc = read_words("kpagecount", &counts);
	if (nf <= 0 || nc != nf) {
		smm_note("kpageflags: %ld words, kpagecount: %ld (-1: cannot read)", nf, nc);
		free(flags);
		free(counts);
		return -1;
	}
	c->max = nf;
	for (pfn = 0; pfn < nf; pfn++) {
		uint64_t f = flags[pfn], n = counts[pfn];

		c->mmap += !!(f & KPF(KPF_MMAP));
		c->anon += !!(f & KPF(KPF_ANON));
		c->swapbacked += !!(f & KPF(KPF_SWAPBACKED));
		c->uptodate += !!(f & KPF(KPF_UPTODATE));
		c->lru += !!(f & KPF(KPF_LRU));
		c->active += !!(f & KPF(KPF_ACTIVE));
		c->referenced += !!(f & KPF(KPF_REFERENCED));
		c->swapcache += !!(f & KPF(KPF_SWAPCACHE));
		c->shmem += (f & KPF(KPF_SWAPBACKED)) && !(f & KPF(KPF_ANON));
		c->count1 += n == 1;
		c->count2 += n == 2;
		c->count_more += n > 2;
		c->count_sum += n;
		if ((f & USER_BITS) && (f & KERNEL_BITS))
			odd(c, pfn, "a user bit and a kernel bit");
		else if (!(f & KPF(KPF_MMAP)) != !n)
			odd(c, pfn, "MMAP and kpagecount disagree");
		else if ((f & USER_BITS) && !(f & KPF(KPF_LRU)))
			odd(c, pfn, "a user bit without LRU");
		else if ((f & KPF(KPF_LRU)) && !(f & KPF(KPF_SWAPBACKED)))
			odd(c, pfn, "LRU without SWAPBACKED");
	}
	fp = fopen(SMM_DEBUGFS "/pfnmap", "r");
	while (fp && fgets(line, sizeof(line), fp)) {
		char owner[32];
		unsigned long p;
		uint64_t f;

		if (line[0] == '#')
			continue;
		if (sscanf(line, "%lx %*s %*s %31s", &p, owner) != 2 || (long)p >= nf) {
			odd(c, c->records, "a pfnmap record that does not parse, or past max_pfn");
			continue;
		}
		c->records++;
		f = flags[p];
		if (!strcmp(owner, "user")) {
			c->user++;
			if (!(f & KPF(KPF_LRU)) || (f & KPF(KPF_SWAPCACHE)))
				odd(c, p, "pfnmap 'user' without LRU, or with SWAPCACHE");
		} else if (!strcmp(owner, "swapcache")) {
			c->cached++;
			if (!(f & KPF(KPF_SWAPCACHE)))
				odd(c, p, "pfnmap 'swapcache' without SWAPCACHE");
		} else if (f & KPF(KPF_LRU)) {
			odd(c, p, "LRU but pfnmap says neither 'user' nor 'swapcache'");
		}
	}
	if (fp)
		fclose(fp);
	else
		odd(c, -1, "cannot open pfnmap");
	c->lru_kb = smm_meminfo("Active(anon)") + smm_meminfo("Inactive(anon)");
	c->active_kb = smm_meminfo("Active(anon)");
	free(flags);
	free(counts);
	return 0;
}

/**
 * struct want - what a phase expects
 * @user: user pages (MMAP, SWAPBACKED, UPTODATE, LRU; pfnmap 'user' or
 *	'swapcache')
 * @shared: of those, a MAP_SHARED object's (shmem: no ANON); the others
 *	are a MAP_PRIVATE one's and have ANON
 * @count1: of @user, with a kpagecount of 1
 * @count2: ... of 2
 * @swapcache: of @user, in the swap cache
 */
struct want {
	long user, shared, count1, count2, swapcache;
};

/*
 * The checks of one phase: the counts of @w, and the consistency of the
 * files with each other and with meminfo.
 */
static void expect(const char *phase, const struct want *w)
{
	long long sum = w->count1 + 2LL * w->count2;
	struct census c;
	char name[256];
	int ok;

	snprintf(name, sizeof(name), "%s: kpageflags, kpagecount and pfnmap read", phase);
	if (census(&c)) {
		smm_check(0, name, "cannot read %s/kpageflags or kpagecount, or their sizes differ",
			  SMM_DEBUGFS);
		return;
	}
	smm_note("%s: %ld PFNs: MMAP %ld ANON %ld SWAPBACKED %ld (%ld without ANON) UPTODATE %ld LRU %ld ACTIVE %ld REFERENCED %ld SWAPCACHE %ld; kpagecount 1: %ld, 2: %ld, more: %ld, sum %lld; pfnmap user %ld swapcache %ld",
		 phase, c.max, c.mmap, c.anon, c.swapbacked, c.shmem, c.uptodate, c.lru,
		 c.active, c.referenced, c.swapcache, c.count1, c.count2, c.count_more,
		 c.count_sum, c.user, c.cached);

	snprintf(name, sizeof(name),
		 "%s: %ld pages with MMAP, SWAPBACKED, UPTODATE and LRU, ANON on the %ld private ones, %ld SWAPCACHE",
		 phase, w->user, w->user - w->shared, w->swapcache);
	ok = c.mmap == w->user && c.anon == w->user - w->shared && c.swapbacked == w->user &&
	     c.uptodate == w->user && c.lru == w->user && c.swapcache == w->swapcache;
	smm_check(ok, name,
		  "MMAP %ld, ANON %ld, SWAPBACKED %ld, UPTODATE %ld, LRU %ld, SWAPCACHE %ld",
		  c.mmap, c.anon, c.swapbacked, c.uptodate, c.lru, c.swapcache);

	if (w->shared) {
		snprintf(name, sizeof(name),
			 "%s: the %ld shared pages are shmem: SWAPBACKED without ANON", phase,
			 w->shared);
		smm_check(c.shmem == w->shared, name, "%ld pages with SWAPBACKED without ANON",
			  c.shmem);
	}

	snprintf(name, sizeof(name),
		 "%s: kpagecount is 1 on %ld pages and 2 on %ld, %lld in all (the mapcounts)",
		 phase, w->count1, w->count2, sum);
	ok = c.count1 == w->count1 && c.count2 == w->count2 && !c.count_more &&
	     c.count_sum == sum;
	smm_check(ok, name, "1 on %ld, 2 on %ld, more on %ld, sum %lld", c.count1, c.count2,
		  c.count_more, c.count_sum);

	snprintf(name, sizeof(name),
		 "%s: pfnmap has %ld 'user' and %ld 'swapcache' records, one per PFN",
		 phase, w->user - w->swapcache, w->swapcache);
	ok = c.user == w->user - w->swapcache && c.cached == w->swapcache && c.records == c.max;
	smm_check(ok, name, "%ld user, %ld swapcache, %ld records for %ld PFNs", c.user, c.cached,
		  c.records, c.max);

	snprintf(name, sizeof(name),
		 "%s: every PFN's kpageflags, kpagecount and pfnmap owner agree", phase);
	smm_check(!c.odd, name, "%ld PFNs do not; the first, %#lx: %s", c.odd, c.odd_pfn,
		  c.odd_why);

	snprintf(name, sizeof(name),
		 "%s: LRU pages are meminfo's Active(anon) + Inactive(anon), ACTIVE ones Active(anon)",
		 phase);
	ok = c.lru_kb == c.lru * (long long)(ps / 1024) &&
	     c.active_kb == c.active * (long long)(ps / 1024);
	smm_check(ok, name, "LRU %ld pages, ACTIVE %ld; meminfo %lld kB anon LRU, %lld kB active",
		  c.lru, c.active, c.lru_kb, c.active_kb);
}

/* mmap() @pages of the device; the descriptor is closed at once. */
static char *map_dev(size_t pages, int flags)
{
	int fd = smm_open(), err;
	void *p;

	if (fd < 0)
		return MAP_FAILED;
	p = mmap(NULL, pages * ps, PROT_READ | PROT_WRITE, flags, fd, 0);
	err = errno;
	close(fd);
	errno = err;
	return p;
}

static void touch(char *p, size_t pages, int write)
{
	volatile char *v = p;
	size_t i;

	for (i = 0; i < pages; i++) {
		if (write)
			v[i * ps] = (char)(i + 1);
		else
			(void)v[i * ps];
	}
}

/*
 * The child's side: 'w' writes the private pages, 'r' reads all of them,
 * 'W' writes all of them; then answers with the same byte.  EOF: exit.
 */
static void __noreturn child_loop(struct smm_peer *pr, char *priv, size_t np, char *shared,
				  size_t ns)
{
	char c;

	while ((c = smm_read_byte(pr->up, 120))) {
		if (c == 'w' || c == 'W')
			touch(priv, np, 1);
		if (c == 'W' && shared)
			touch(shared, ns, 1);
		if (c == 'r') {
			touch(priv, np, 0);
			if (shared)
				touch(shared, ns, 0);
		}
		if (write(pr->down, &c, 1) != 1)
			break;
	}
	_exit(0);
}

#define NP	32	/* private pages */
#define NS	16	/* shared pages */

/*
 * Touch NP private and NS shared pages, fork, let the child write the
 * private ones, and go: the counts at each step.
 */
static void test_touch_fork_cow(void)
{
	const struct want none = { 0 };
	struct want w = { 0 };
	char *priv, *shared;
	struct smm_peer pr;
	int st;

	expect("before any mapping", &none);
	priv = map_dev(NP, MAP_PRIVATE);
	shared = map_dev(NS, MAP_SHARED);
	if (priv == MAP_FAILED || shared == MAP_FAILED) {
		smm_check(0, "mmap of /dev/shadow_mm", "%s", strerror(errno));
		_exit(1);
	}
	expect("mapped, not touched", &none);

	touch(priv, NP, 1);
	touch(shared, NS, 0);	/* a read fault maps a zeroed page too */
	w.user = NP + NS;
	w.shared = NS;
	w.count1 = NP + NS;
	expect("32 private pages written, 16 shared read", &w);

	switch (smm_fork_peer(&pr)) {
	case -1:
		_exit(1);
	case 0:
		child_loop(&pr, priv, NP, shared, NS);
	}
	/* fork copied every entry: each page has two mappings. */
	w.count1 = 0;
	w.count2 = NP + NS;
	expect("after fork, no write", &w);

	/* The child reads: its faults find the same pages, nothing changes. */
	if (!smm_peer_ask(&pr, 'r'))
		smm_note("the child did not answer 'r'");
	expect("after fork, the child read every page", &w);

	/* The child writes its private pages: each is copied (CoW). */
	if (!smm_peer_ask(&pr, 'w'))
		smm_note("the child did not answer 'w'");
	w.user = 2 * NP + NS;
	w.count1 = 2 * NP;
	w.count2 = NS;
	expect("the child wrote the private pages (copy-on-write)", &w);

	st = smm_peer_reap(&pr);
	smm_check(st == 0, "the child exits", "status %#x", st);
	w.user = NP + NS;
	w.count1 = NP + NS;
	w.count2 = 0;
	expect("the child exited", &w);

	munmap(shared, NS * ps);
	w.user = NP;
	w.shared = 0;
	w.count1 = NP;
	expect("the shared mapping unmapped", &w);
	munmap(priv, NP * ps);
	expect("everything unmapped", &none);
}

#define NSWAP	64

static long long pswpout(void)
{
	return smm_vmstat("pswpout");
}

/*
 * A private mapping, forked: "reclaim" sends some of it to swap (both
 * processes' entries become swap entries, the page is freed); the parent
 * reads it back (a major fault, the page in the swap cache, which keeps
 * the slot for the child's entry), then the child (it finds the page in
 * the cache); the child exits (the cache keeps the page); the parent
 * writes (it reuses the page, which leaves the cache).
 */
static void test_swap(void)
{
	const struct want none = { 0 };
	long long out0, out = 0, in0, in;
	struct want w = { 0 };
	struct smm_peer pr;
	int tries, st;
	char *p;

	p = map_dev(NSWAP, MAP_PRIVATE);
	if (p == MAP_FAILED) {
		smm_check(0, "mmap of /dev/shadow_mm", "%s", strerror(errno));
		_exit(1);
	}
	touch(p, NSWAP, 1);
	switch (smm_fork_peer(&pr)) {
	case -1:
		_exit(1);
	case 0:
		child_loop(&pr, p, NSWAP, NULL, 0);
	}
	w.user = NSWAP;
	w.count2 = NSWAP;
	expect("swap: 64 private pages written, forked", &w);

	out0 = pswpout();
	/* A page just written may get a second look, or a round on the active list. */
	for (tries = 0; tries < 6; tries++) {
		if (smm_control("reclaim pages=32"))
			smm_note("'reclaim pages=32' failed: %s", strerror(errno));
		out = pswpout() - out0;
		if (out > 0)
			break;
	}
	smm_check(out > 0 && out <= NSWAP, "swap: 'reclaim pages=32' sends pages to swap",
		  "pswpout +%lld after %d tries", out, tries + 1);
	if (out <= 0 || out > NSWAP) {
		smm_peer_reap(&pr);
		munmap(p, NSWAP * ps);
		return;
	}
	/* Each page swapped out left both processes and was freed. */
	w.user = NSWAP - out;
	w.count2 = NSWAP - out;
	expect("swap: after reclaim, the swapped pages are gone", &w);

	in0 = smm_vmstat("pswpin");
	touch(p, NSWAP, 0);
	in = smm_vmstat("pswpin") - in0;
	smm_check(in == out, "swap: the parent reads each swapped page back once",
		  "pswpin +%lld, pswpout +%lld", in, out);
	/* In the swap cache: the child's swap entry still needs the slot. */
	w.user = NSWAP;
	w.count1 = out;
	w.swapcache = out;
	expect("swap: the parent read them back", &w);

	if (!smm_peer_ask(&pr, 'r'))
		smm_note("the child did not answer 'r'");
	w.count1 = 0;
	w.count2 = NSWAP;
	expect("swap: the child read them too (from the swap cache)", &w);

	st = smm_peer_reap(&pr);
	smm_check(st == 0, "swap: the child exits", "status %#x", st);
	/* The cache's own reference keeps the pages there. */
	w.count1 = NSWAP;
	w.count2 = 0;
	expect("swap: the child exited", &w);

	/* wp_can_reuse_anon_folio(): the last user reuses the page, out of the cache. */
	touch(p, NSWAP, 1);
	w.swapcache = 0;
	expect("swap: the parent wrote every page (reused, out of the swap cache)", &w);

	munmap(p, NSWAP * ps);
	expect("swap: everything unmapped", &none);
}

/*
 * REFERENCED and ACTIVE, on a mapping of its own (no fork): "reclaim
 * pages=1" scans the inactive list from its tail, and a page written since
 * its fault is referenced: folio_check_references()'s first look gives it
 * REFERENCED and keeps it.  Read again (the look unmapped it from the host,
 * so the read faults and marks it accessed) and scanned once more, a page
 * with REFERENCED goes to the active list: ACTIVE, as many pages as
 * pgactivate - pgdeactivate counted.
 */
static void test_lru_bits(void)
{
	const struct want none = { 0 };
	long long act0, deact0, out0, out, act;
	struct want w = { 0 };
	struct census c;
	char *p;

	p = map_dev(NSWAP, MAP_PRIVATE);
	if (p == MAP_FAILED) {
		smm_check(0, "mmap of /dev/shadow_mm", "%s", strerror(errno));
		_exit(1);
	}
	touch(p, NSWAP, 1);
	act0 = smm_vmstat("pgactivate");
	deact0 = smm_vmstat("pgdeactivate");
	out0 = pswpout();
	if (smm_control("reclaim pages=1"))
		smm_note("'reclaim pages=1' failed: %s", strerror(errno));
	out = pswpout() - out0;
	w.user = NSWAP - out;
	w.count1 = NSWAP - out;
	expect("lru: 64 pages written, 'reclaim pages=1'", &w);
	if (census(&c)) {
		c.referenced = -1;
		c.lru = -1;
	}
	smm_check(c.referenced > 0 && c.referenced <= c.lru && !c.active,
		  "lru: the pages reclaim looked at once have REFERENCED, none ACTIVE",
		  "REFERENCED %ld, ACTIVE %ld, LRU %ld", c.referenced, c.active, c.lru);

	touch(p, NSWAP, 0);	/* and back from swap, the pages that went */
	out0 = pswpout();
	if (smm_control("reclaim pages=1"))
		smm_note("'reclaim pages=1' failed: %s", strerror(errno));
	out = pswpout() - out0;
	act = (smm_vmstat("pgactivate") - act0) - (smm_vmstat("pgdeactivate") - deact0);
	w.user = NSWAP - out;
	w.count1 = NSWAP - out;
	expect("lru: read again, 'reclaim pages=1' again", &w);
	if (census(&c))
		c.active = -1;
	smm_check(c.active > 0 && c.active == act,
		  "lru: the pages referenced twice have ACTIVE, as many as pgactivate - pgdeactivate",
		  "ACTIVE %ld, pgactivate - pgdeactivate %lld", c.active, act);
	munmap(p, NSWAP * ps);
	expect("lru: everything unmapped", &none);
}

int main(int argc, char **argv)
{
	int swap = argc > 1 && !strcmp(argv[1], "--swap");
	struct smm_faults f;
	int fd;

	smm_check_init("kpf: ");
	ps = sysconf(_SC_PAGESIZE);
	if (argc > 2 || (argc == 2 && !swap)) {
		fprintf(stderr, "usage: %s [--swap]   (--swap: the swap cache too)\n", argv[0]);
		return 100;
	}
	fd = smm_open();
	if (fd < 0) {
		smm_check(0, "open /dev/shadow_mm", "%s (is the module loaded?)", strerror(errno));
		return smm_check_done("kpf_test");
	}
	close(fd);
	if (smm_read_faults(&f) || f.pages_resident || f.mappings) {
		smm_skip("user pages in kpageflags, kpagecount and pfnmap",
			 "the device is in use (pages_resident %lld, mappings %lld)",
			 f.pages_resident, f.mappings);
		return smm_check_done("kpf_test");
	}
	smm_run_test("touch, fork and copy-on-write", test_touch_fork_cow);
	if (!swap) {
		smm_skip("swap: REFERENCED, ACTIVE, SWAPCACHE and kpagecount after reclaim",
			 "not asked for (--swap)");
	} else if (smm_swap_pages() <= 0) {
		smm_skip("swap: REFERENCED, ACTIVE, SWAPCACHE and kpagecount after reclaim",
			 "no swap (load shadow_mm with swap_mb=N)");
	} else {
		smm_run_test("lru", test_lru_bits);
		smm_run_test("swap", test_swap);
	}
	return smm_check_done("kpf_test");
}
