// SPDX-License-Identifier: GPL-2.0
/*
 * stress: a randomised two-CPU workload through the control file and
 * /dev/shadow_mm at once.
 *
 *   stress [OPS [SECONDS [SEED]]]    1000000 operations, at most 170 s,
 *                                    seed 20261204 by default
 *   stress mm [SECONDS [SEED]]       the multi-process mm stress, 40 s
 *
 * One thread, on CPU 0, sends random commands to the default instance's
 * control file: alloc and free of tagged blocks, kmalloc, cache_alloc,
 * vmalloc, drain, and now and then check and a read of pgtable_check,
 * which must pass while everything else runs.  The other, on CPU 1, maps
 * /dev/shadow_mm (up to eight mappings of up to 64 pages) and sweeps them
 * page by page, unmaps (whole or a tail), mprotects, madvises, mremaps and
 * forks over them, MAP_SHARED and MAP_PRIVATE.  Every page it touches
 * carries a stamp of its mapping and index, checked at every later touch:
 * a page that changed under a mapping is a failure, and so is a forked
 * child that does not find exactly the mappings it inherited (all but the
 * MADV_DONTFORK ones), with their stamps.  Shadow memory running out is allowed (ENOMEM, SIGBUS);
 * any other error is not.
 *
 * An operation is one control write or read, one mapping syscall, or one
 * touch of a page (a fault the first time, a check of its stamp after);
 * the summary line counts each kind.  The run stops at OPS operations or after SECONDS,
 * whichever comes first, and fails if it did fewer than OPS.  At the end
 * everything is freed, and the checks and the free page count must be as
 * before.  The seed is printed, so that a failing run can be replayed.
 *
 * stress mm: phases of three worker processes, each with up to six
 * mappings of both kinds, writing, checking, unmapping (whole or a tail),
 * mprotecting, MADV_DONTFORKing and forking.  A child checks that it
 * finds exactly what it inherited, writes some shared pages (which the
 * parent then must see: it replays the child's choice from the same seed),
 * then copies private pages on write while the parent goes on, and exits
 * with or without munmap.  Every page carries a versioned stamp in three
 * words.  Together the workers may hold half of zones plus swap, with
 * their children's copies: with swap (swap_mb=) more than the zones hold,
 * so pages go to swap and come back.  The main process runs ``check``
 * and ``reclaim pages=256`` while they run, and after each phase checks
 * that every page and swap slot is back.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "smm_user.h"

#define NTAGS	32
#define NMAPS	8
#define CTL	SMM_DEBUGFS "/control"

/* The control file, open for the whole run: one write() per command. */
static int ctl_fd = -1;

static int ctl(const char *cmd)
{
	ssize_t n = write(ctl_fd, cmd, strlen(cmd));

	if (n < 0)
		return errno;
	return (size_t)n == strlen(cmd) ? 0 : EIO;
}

static size_t ps;
static long long target = 1000000;
static time_t deadline;

/* xorshift64*: small, fast, and the same sequence for the same seed. */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

static unsigned int below(uint64_t *s, unsigned int n)
{
	return rnd(s) % n;
}

/* What each thread did, and what went wrong. */
struct stats {
	long long ops;
	long long enomem, sigbus, checks, touches, first, syscalls, forks;
	long long bad;
	char why[256];
};

/* Count a bad result; keep the first one's description. */
static void bad(struct stats *st, const char *fmt, const char *what, int err)
{
	if (!st->bad++)
		snprintf(st->why, sizeof(st->why), fmt, what, smm_errname(err));
}

static int done(const struct stats *a, const struct stats *b)
{
	return a->ops + b->ops >= target || time(NULL) >= deadline;
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu % sysconf(_SC_NPROCESSORS_ONLN), &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static struct stats cst, dst;
static uint64_t seed = 20261204;

/* ---- the control thread -------------------------------------------- */

static void *control(void *arg)
{
	static const char *const zones[] = { "DMA", "NORMAL", "HIGHMEM" };
	uint64_t s = seed ^ 0xc0ffee;
	char used[NTAGS] = { 0 }, cmd[128], buf[4096];
	struct stats *st = &cst;
	int err;

	(void)arg;
	pin(0);
	while (!done(&cst, &dst)) {
		unsigned int r = below(&s, 100), t = below(&s, NTAGS);

		if (r < 60 && !used[t]) {
			/* alloc, kmalloc, cache_alloc or vmalloc into a free tag */
			if (r < 30)
				snprintf(cmd, sizeof(cmd),
					 "alloc order=%u count=%u zone=%s tag=t%u",
					 below(&s, 4), 1 + below(&s, 8), zones[below(&s, 3)], t);
			else if (r < 42)
				snprintf(cmd, sizeof(cmd), "kmalloc size=%u count=%u tag=t%u",
					 1 + below(&s, 9000), 1 + below(&s, 8), t);
			else if (r < 54)
				snprintf(cmd, sizeof(cmd),
					 "cache_alloc name=stress count=%u tag=t%u",
					 1 + below(&s, 16), t);
			else
				snprintf(cmd, sizeof(cmd), "vmalloc size=%u count=%u tag=t%u",
					 1 + below(&s, 65536), 1 + below(&s, 2), t);
			err = ctl(cmd);
			if (!err)
				used[t] = 1;
			else if (err == ENOMEM)
				st->enomem++;
			else
				bad(st, "'%s': %s", cmd, err);
		} else if (r < 90) {
			if (used[t]) {
				snprintf(cmd, sizeof(cmd), "free tag=t%u", t);
				err = ctl(cmd);
				if (err)
					bad(st, "'%s': %s", cmd, err);
				used[t] = 0;
			} else if (smm_read_file("buddyinfo", buf, sizeof(buf)) < 0) {
				bad(st, "%s: %s", "reading buddyinfo", errno);
			}
		} else if (r < 96) {
			err = ctl("drain");
			if (err)
				bad(st, "'%s': %s", "drain", err);
		} else if (r < 98) {
			err = ctl("check");
			if (err)
				bad(st, "'%s' while the device is busy: %s", "check", err);
			st->checks++;
		} else {
			if (smm_read_file("pgtable_check", buf, sizeof(buf)) < 0 ||
			    strncmp(buf, "ok:", 3))
				bad(st, "pgtable_check while the device is busy: %.60s (%s)",
				    buf, 0);
			st->checks++;
		}
		st->ops++;
	}
	for (unsigned int t = 0; t < NTAGS; t++) {
		if (!used[t])
			continue;
		snprintf(cmd, sizeof(cmd), "free tag=t%u", t);
		err = ctl(cmd);
		if (err)
			bad(st, "'%s' at the end: %s", cmd, err);
	}
	return NULL;
}

/* ---- the device thread --------------------------------------------- */

struct map {
	char *p;
	size_t n;		/* pages */
	unsigned int id;
	unsigned char *touched;	/* per page: 0 never, 1 stamped */
	int dontfork;		/* MADV_DONTFORK: a child must not reach it */
};

static sigjmp_buf env;
static volatile sig_atomic_t signo;

/*
 * SA_NODEFER and sigsetjmp(env, 0): a touch costs no system call to save
 * and restore the signal mask, and the signal is not blocked after the
 * jump out of its handler.
 */
static void on_signal(int sig)
{
	signo = sig;
	siglongjmp(env, 1);
}

/* The stamp of page @i of mapping @id: a byte that is rarely zero. */
static unsigned char stamp(unsigned int id, size_t i)
{
	return (unsigned char)(id * 31 + i * 7) | 1;
}

/* Write or check page @i's stamp; the signal it raised, or 0. */
static int touch(struct map *m, size_t i, int *mismatch)
{
	volatile unsigned char *b = (volatile unsigned char *)m->p + i * ps;

	signo = 0;
	if (sigsetjmp(env, 0))
		return signo;
	if (m->touched[i]) {
		if (*b != stamp(m->id, i))
			*mismatch = 1;
	} else {
		*b = stamp(m->id, i);
		/* Only once the store went through: it may fault. */
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
		m->touched[i] = 1;
		dst.first++;
	}
	return 0;
}

static void unmap(struct map *m)
{
	munmap(m->p, m->n * ps);
	free(m->touched);
	m->p = NULL;
}

/*
 * A forked child reaches exactly the mappings it inherited: the first
 * page of each holds its stamp (or zeroes, untouched), and one marked
 * MADV_DONTFORK raises SIGSEGV.  Return: the number of mappings that did
 * otherwise (0 is right), or -1 if fork or wait failed.
 */
static int fork_probe(struct map *maps)
{
	pid_t pid = fork();
	int st, i;

	if (pid < 0)
		return -1;
	if (!pid) {
		/* volatile: it must survive siglongjmp() out of the fault. */
		volatile int wrong = 0;

		for (i = 0; i < NMAPS; i++) {
			volatile unsigned char got = 0;

			if (!maps[i].p)
				continue;
			signo = 0;
			if (!sigsetjmp(env, 0)) {
				got = *(volatile unsigned char *)maps[i].p;
				/* Not before the access: it may fault. */
				__atomic_signal_fence(__ATOMIC_SEQ_CST);
				if (maps[i].dontfork ||
				    got != (maps[i].touched[0] ? stamp(maps[i].id, 0) : 0))
					wrong++;
			} else if (!maps[i].dontfork || signo != SIGSEGV) {
				wrong++;
			}
		}
		_exit(wrong);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static void *device(void *arg)
{
	uint64_t s = seed ^ 0xdeadbeef;
	struct map maps[NMAPS] = { 0 };
	struct stats *st = &dst;
	unsigned int next_id = 1;
	int fd, mismatch = 0;

	(void)arg;
	pin(1);
	fd = smm_open();
	if (fd < 0) {
		bad(st, "%s: %s", "open /dev/shadow_mm", errno);
		return NULL;
	}
	while (!done(&cst, &dst)) {
		unsigned int r = below(&s, 1000), k = below(&s, NMAPS);
		struct map *m = &maps[k];

		if (!m->p) {
			size_t n = 1 + below(&s, 64);
			int flags = below(&s, 2) ? MAP_SHARED : MAP_PRIVATE;
			void *p = mmap(NULL, n * ps, PROT_READ | PROT_WRITE, flags, fd, 0);

			if (p == MAP_FAILED) {
				if (errno == ENOMEM)
					st->enomem++;
				else
					bad(st, "%s: %s", "mmap", errno);
			} else {
				m->p = p;
				m->n = n;
				m->id = next_id++;
				m->touched = calloc(n, 1);
				m->dontfork = 0;
			}
		} else if (r < 800) {
			/*
			 * Sweep the mapping from a random page: each page is one
			 * operation, a fault the first time, a check of its stamp
			 * every time after.
			 */
			size_t i = below(&s, m->n);

			for (; i < m->n; i++) {
				int sig = touch(m, i, &mismatch);

				if (sig == SIGBUS)
					st->sigbus++;
				else if (sig)
					bad(st, "%s (%s)",
					    sig == SIGSEGV ? "a touch raised SIGSEGV" :
					    "a touch raised a signal", 0);
				st->touches++;
				st->ops++;
			}
			if (mismatch) {
				bad(st, "%s: %s", "a page changed under its mapping", 0);
				mismatch = 0;
			}
			continue;
		} else if (r < 850) {
			unmap(m);
		} else if (r < 880) {
			/* munmap the tail: a split VMA that returns its pages */
			size_t keep = m->n / 2;

			if (!keep)
				continue;	/* one page: no tail, no operation */
			if (munmap(m->p + keep * ps, (m->n - keep) * ps))
				bad(st, "%s: %s", "munmap of the tail", errno);
			m->n = keep;
		} else if (r < 920) {
			if (mprotect(m->p, m->n * ps, PROT_READ) ||
			    mprotect(m->p, m->n * ps, PROT_READ | PROT_WRITE))
				bad(st, "%s: %s", "mprotect", errno);
		} else if (r < 960) {
			/*
			 * MADV_DONTFORK keeps the mapping out of children;
			 * MADV_DOFORK lets them inherit it again, or is refused
			 * with EINVAL (VM_IO) and changes nothing.
			 */
			if (r < 940) {
				if (madvise(m->p, m->n * ps, MADV_DONTFORK))
					bad(st, "%s: %s", "madvise(MADV_DONTFORK)", errno);
				else
					m->dontfork = 1;
			} else if (!madvise(m->p, m->n * ps, MADV_DOFORK)) {
				m->dontfork = 0;
			} else if (errno != EINVAL) {
				bad(st, "%s: %s", "madvise(MADV_DOFORK)", errno);
			}
		} else if (r < 998) {
			void *q;

			if (m->n < 2)
				continue;	/* nothing to shrink: no operation */
			q = mremap(m->p, m->n * ps, (m->n - 1) * ps, 0);
			if (q == MAP_FAILED)
				bad(st, "%s: %s", "mremap to shrink", errno);
			else
				m->n--;
		} else {
			int reached = fork_probe(maps);

			st->forks++;
			if (reached)
				bad(st, "%s: %s", reached < 0 ? "fork or wait" :
				    "a child did not find exactly the mappings it inherited", reached);
		}
		if (mismatch) {
			bad(st, "%s: %s", "a page changed under its mapping", 0);
			mismatch = 0;
		}
		st->syscalls++;
		st->ops++;
	}
	for (int k = 0; k < NMAPS; k++) {
		for (size_t i = 0; maps[k].p && i < maps[k].n; i++)
			if (maps[k].touched[i] && touch(&maps[k], i, &mismatch) == 0 && mismatch)
				break;
		if (mismatch)
			bad(st, "%s: %s", "a page changed by the end", 0);
		if (maps[k].p)
			unmap(&maps[k]);
	}
	close(fd);
	return NULL;
}

/* Free + page-table pages of the default instance, kB, after a drain. */
static long long conserved(void)
{
	smm_control("drain");
	return smm_meminfo("MemFree") + smm_meminfo("PageTables");
}

static void shrink_caches(void)
{
	static char buf[1 << 16];
	char name[64], cmd[96], *line;

	if (smm_read_file("slabinfo", buf, sizeof(buf)) < 0)
		return;
	for (line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
		if (line[0] == '#' || !strncmp(line, "slabinfo", 8) ||
		    sscanf(line, "%63s", name) != 1)
			continue;
		snprintf(cmd, sizeof(cmd), "cache_shrink name=%s", name);
		smm_control(cmd);
	}
}

/* ---- the multi-process mm stress: stress mm [SECONDS [SEED]] ------- */

#define MM_WORKERS	3
#define MM_MAPS		6
#define MM_PHASES	4

/* What every process of the mm stress adds to, in shared memory. */
struct mm_shared {
	long long ops, writes, verifies, forks, munmaps, mprotects, dontforks, sigbus;
	long long bad;
	char why[256];
};

static struct mm_shared *mmsh;

static void mm_bad(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void mm_bad(const char *fmt, ...)
{
	va_list ap;

	if (__atomic_fetch_add(&mmsh->bad, 1, __ATOMIC_RELAXED))
		return;
	va_start(ap, fmt);
	vsnprintf(mmsh->why, sizeof(mmsh->why), fmt, ap);
	va_end(ap);
}

#define MM_ADD(field, n)	__atomic_fetch_add(&mmsh->field, (n), __ATOMIC_RELAXED)

struct mmap_w {
	char *p;
	size_t n;
	int shared;
	int dontfork;
	unsigned int id;
	uint32_t *ver;		/* per page: 0 untouched (zeroes), else its version */
};

static int mm_swap;		/* the instance has swap: SIGBUS is a failure */

/* The three words of page @i of mapping @id at version @v. */
static uint64_t mm_word(unsigned int id, size_t i, uint32_t v, int w)
{
	return ((uint64_t)id << 44 | (uint64_t)i << 28 | v) * 0x9e3779b97f4a7c15ULL + w;
}

/*
 * Write (@v != 0) or check page @i of @m at its version; 0, or the signal
 * the access raised.  *@wrong is set if the check found other words.
 */
static int mm_page(struct mmap_w *m, size_t i, uint32_t v, int write, int *wrong)
{
	volatile uint64_t *w = (volatile uint64_t *)(m->p + i * ps);
	const size_t at[3] = { 0, ps / 16, ps / 8 - 1 };
	int k;

	signo = 0;
	if (sigsetjmp(env, 0))
		return signo;
	for (k = 0; k < 3; k++) {
		uint64_t want = v ? mm_word(m->id, i, v, k) : 0;

		if (write)
			w[at[k]] = want;
		else if (w[at[k]] != want)
			*wrong = 1;
	}
	return 0;
}

/* Write pages [lo, hi) of @m at new versions; 0, or the signal. */
static int mm_write(struct mmap_w *m, size_t lo, size_t hi, uint32_t *gen)
{
	int wrong = 0, sig;
	size_t i;

	for (i = lo; i < hi; i++) {
		uint32_t v = ++*gen;

		sig = mm_page(m, i, v, 1, &wrong);
		if (sig)
			return sig;
		m->ver[i] = v;
		MM_ADD(writes, 1);
	}
	return 0;
}

/* Check pages [lo, hi) of @m; 0, or the signal; *@bad_page the first wrong one. */
static int mm_verify(struct mmap_w *m, size_t lo, size_t hi, long *bad_page)
{
	int wrong, sig;
	size_t i;

	for (i = lo; i < hi; i++) {
		wrong = 0;
		sig = mm_page(m, i, m->ver[i], 0, &wrong);
		if (sig)
			return sig;
		if (wrong && *bad_page < 0)
			*bad_page = i;
		MM_ADD(verifies, 1);
	}
	return 0;
}

/* A signal from a touch: SIGBUS without swap is memory running out. */
static void mm_signal(const char *who, const char *what, int sig, struct mmap_w *m)
{
	if (sig == SIGBUS && !mm_swap) {
		MM_ADD(sigbus, 1);
		return;
	}
	mm_bad("%s: %s on a %s mapping of %zu pages raised %s", who, what,
	       m->shared ? "MAP_SHARED" : "MAP_PRIVATE", m->n, strsignal(sig));
}

static void mm_unmap(struct mmap_w *m)
{
	munmap(m->p, m->n * ps);
	free(m->ver);
	m->p = NULL;
}

/*
 * The writes a forked child makes to its MAP_SHARED mappings, replayed by
 * the parent afterwards to learn the new versions: the same seed picks the
 * same pages.  @child: write them; else only record the versions.
 */
static int mm_shared_writes(struct mmap_w *maps, uint64_t seed, int child)
{
	uint64_t s = seed | 1;
	int k, j, wrong = 0, sig;

	for (k = 0; k < MM_MAPS; k++) {
		struct mmap_w *m = &maps[k];

		if (!m->p || !m->shared || m->dontfork)
			continue;
		for (j = 0; j < 4; j++) {
			size_t i = below(&s, m->n);
			uint32_t v = 0x80000000u | (uint32_t)below(&s, 1u << 30);

			if (child) {
				sig = mm_page(m, i, v, 1, &wrong);
				if (sig)
					return sig;
			}
			m->ver[i] = v;
		}
	}
	return 0;
}

/*
 * The child of a worker: every inherited mapping holds what the parent
 * wrote, MADV_DONTFORK ones raise SIGSEGV; it writes some MAP_SHARED pages
 * (the parent replays them), says so, then writes and checks its private
 * pages while the parent goes on, and exits, with or without munmap.
 */
static void __noreturn mm_child(struct mmap_w *maps, uint64_t seed, int up, uint32_t gen)
{
	uint64_t s = seed ^ 0x5eed;
	long bad_page = -1;
	int k, sig, round;

	for (k = 0; k < MM_MAPS; k++) {
		struct mmap_w *m = &maps[k];

		if (!m->p)
			continue;
		if (m->dontfork) {
			int wrong = 0;

			sig = mm_page(m, 0, 0, 0, &wrong);
			if (sig != SIGSEGV)
				mm_bad("child: a MADV_DONTFORK mapping %s", sig ? strsignal(sig) :
				       "was reachable");
			m->p = NULL;
			continue;
		}
		sig = mm_verify(m, 0, m->n, &bad_page);
		if (sig)
			mm_signal("child", "reading what it inherited", sig, m);
		if (bad_page >= 0) {
			mm_bad("child: page %ld of an inherited %s mapping is not what the parent wrote",
			       bad_page, m->shared ? "MAP_SHARED" : "MAP_PRIVATE");
			bad_page = -1;
		}
	}
	sig = mm_shared_writes(maps, seed, 1);
	if (sig)
		mm_bad("child: a write to a shared page raised %s", strsignal(sig));
	if (write(up, "d", 1) != 1)
		_exit(1);
	/* From here on only private pages: the parent writes the shared ones. */
	gen |= 0x40000000u;
	for (round = 0; round < 8; round++) {
		struct mmap_w *m = &maps[below(&s, MM_MAPS)];
		size_t lo;

		if (!m->p || m->shared)
			continue;
		lo = below(&s, m->n);
		sig = mm_write(m, lo, m->n < lo + 8 ? m->n : lo + 8, &gen);
		if (sig)
			mm_signal("child", "a write (copy-on-write)", sig, m);
	}
	for (k = 0; k < MM_MAPS; k++) {
		struct mmap_w *m = &maps[k];

		if (!m->p || m->shared)
			continue;
		sig = mm_verify(m, 0, m->n, &bad_page);
		if (sig)
			mm_signal("child", "checking its private pages", sig, m);
		if (bad_page >= 0) {
			mm_bad("child: private page %ld lost its write, or shows the parent's",
			       bad_page);
			bad_page = -1;
		}
		if (below(&s, 2))
			munmap(m->p, m->n * ps);
	}
	_exit(0);
}

/*
 * One worker: random operations on up to MM_MAPS mappings of both kinds,
 * within @budget pages, until @until.  At most one child at a time.
 */
static void __noreturn mm_worker(int fd, uint64_t seed, long long budget, time_t until, int wid)
{
	struct mmap_w maps[MM_MAPS] = { 0 };
	uint64_t s = seed;
	uint32_t gen = 0;
	unsigned int next_id = (unsigned int)wid << 12;
	long long held = 0;
	pid_t child = 0;
	int up = -1, k, sig, st;
	long bad_page;

	while (time(NULL) < until) {
		unsigned int r = below(&s, 100);
		struct mmap_w *m = &maps[below(&s, MM_MAPS)];

		MM_ADD(ops, 1);
		if (child && waitpid(child, &st, WNOHANG) == child) {
			if (!WIFEXITED(st) || WEXITSTATUS(st))
				mm_bad("worker %d: a child %s %d", wid,
				       WIFEXITED(st) ? "exited with" : "was killed by signal",
				       WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
			child = 0;
		}
		if (!m->p) {
			size_t n = 1 + below(&s, 256);
			int shared = below(&s, 2);
			void *p;

			if (held + (long long)n > budget)
				continue;
			p = mmap(NULL, n * ps, PROT_READ | PROT_WRITE,
				 shared ? MAP_SHARED : MAP_PRIVATE, fd, 0);
			if (p == MAP_FAILED) {
				mm_bad("worker %d: mmap of %zu pages: %s", wid, n, strerror(errno));
				continue;
			}
			m->p = p;
			m->n = n;
			m->shared = shared;
			m->dontfork = 0;
			m->id = ++next_id;
			m->ver = calloc(n, sizeof(*m->ver));
			held += n;
		} else if (r < 35) {
			size_t lo = below(&s, m->n), len = 1 + below(&s, 64);

			sig = mm_write(m, lo, m->n < lo + len ? m->n : lo + len, &gen);
			if (sig)
				mm_signal("worker", "a write", sig, m);
		} else if (r < 60) {
			bad_page = -1;
			sig = mm_verify(m, 0, m->n, &bad_page);
			if (sig)
				mm_signal("worker", "a check", sig, m);
			if (bad_page >= 0)
				mm_bad("worker %d: page %ld of a %s mapping is not what was written last",
				       wid, bad_page, m->shared ? "MAP_SHARED" : "MAP_PRIVATE");
		} else if (r < 66) {
			held -= m->n;
			mm_unmap(m);
			MM_ADD(munmaps, 1);
		} else if (r < 70) {
			size_t keep = m->n / 2;

			if (!keep)
				continue;
			if (munmap(m->p + keep * ps, (m->n - keep) * ps))
				mm_bad("worker %d: munmap of a tail: %s", wid, strerror(errno));
			held -= m->n - keep;
			m->n = keep;
			MM_ADD(munmaps, 1);
		} else if (r < 76) {
			int wrong = 0;

			if (mprotect(m->p, m->n * ps, PROT_READ)) {
				mm_bad("worker %d: mprotect(PROT_READ): %s", wid, strerror(errno));
				continue;
			}
			sig = mm_page(m, 0, m->ver[0] + 1, 1, &wrong);
			if (sig != SIGSEGV)
				mm_bad("worker %d: a write to a read-only %s mapping %s", wid,
				       m->shared ? "MAP_SHARED" : "MAP_PRIVATE",
				       sig ? strsignal(sig) : "went through");
			bad_page = -1;
			sig = mm_verify(m, 0, m->n, &bad_page);
			if (sig)
				mm_signal("worker", "reading a read-only mapping", sig, m);
			if (bad_page >= 0)
				mm_bad("worker %d: page %ld changed under mprotect", wid, bad_page);
			if (mprotect(m->p, m->n * ps, PROT_READ | PROT_WRITE))
				mm_bad("worker %d: mprotect back: %s", wid, strerror(errno));
			MM_ADD(mprotects, 1);
		} else if (r < 79) {
			if (madvise(m->p, m->n * ps, MADV_DONTFORK))
				mm_bad("worker %d: MADV_DONTFORK: %s", wid, strerror(errno));
			else
				m->dontfork = 1;
			MM_ADD(dontforks, 1);
		} else if (r < 90) {
			uint64_t cseed = rnd(&s);
			int pfd[2];
			char c;

			if (child)
				continue;
			if (pipe(pfd)) {
				mm_bad("worker %d: pipe: %s", wid, strerror(errno));
				continue;
			}
			child = fork();
			if (child < 0) {
				mm_bad("worker %d: fork: %s", wid, strerror(errno));
				child = 0;
				continue;
			}
			if (!child) {
				close(pfd[0]);
				mm_child(maps, cseed, pfd[1], gen);
			}
			close(pfd[1]);
			up = pfd[0];
			/* Until the child's shared writes are done, keep off the pages. */
			if (read(up, &c, 1) != 1)
				mm_bad("worker %d: the child died before its shared writes", wid);
			else
				mm_shared_writes(maps, cseed, 0);
			close(up);
			MM_ADD(forks, 1);
		} else {
			size_t i = below(&s, m->n);

			bad_page = -1;
			sig = mm_verify(m, i, i + 1, &bad_page);
			if (sig)
				mm_signal("worker", "a check", sig, m);
			if (bad_page >= 0)
				mm_bad("worker %d: page %ld is not what was written last", wid, bad_page);
		}
	}
	if (child && waitpid(child, &st, 0) == child && (!WIFEXITED(st) || WEXITSTATUS(st)))
		mm_bad("worker %d: a child ended with status %#x", wid, st);
	/* A last check of everything; half the workers exit without munmap. */
	for (k = 0; k < MM_MAPS; k++) {
		if (!maps[k].p)
			continue;
		bad_page = -1;
		sig = mm_verify(&maps[k], 0, maps[k].n, &bad_page);
		if (sig)
			mm_signal("worker", "the last check", sig, &maps[k]);
		if (bad_page >= 0)
			mm_bad("worker %d: page %ld changed by the end", wid, bad_page);
		if (wid & 1)
			mm_unmap(&maps[k]);
	}
	_exit(0);
}

/* What must hold between phases: nothing mapped, every page and slot back. */
struct mm_rest {
	long long out, resident, mappings, nr_mm, memfree, swap_used;
};

static void mm_rest(struct mm_rest *r)
{
	struct smm_faults f;

	memset(r, 0xff, sizeof(*r));
	if (!smm_read_faults(&f)) {
		r->out = f.pages_mapped - f.pages_returned;
		r->resident = f.pages_resident;
		r->mappings = f.mappings;
		r->nr_mm = f.nr_mm;
	}
	smm_control("drain");
	r->memfree = smm_meminfo("MemFree");
	/* The swaps file: meminfo's SwapFree is checked by fault_test. */
	if (smm_read_swaps(NULL, &r->swap_used) < 0)
		r->swap_used = -1;
}

static int mm_main(int argc, char **argv)
{
	struct sigaction sa;
	struct mm_rest r0, r1;
	struct smm_vm v0, v1;
	long long cap, budget, checks = 0, check_fail = 0, check_busy = 0, phase_fail = 0;
	char first_check[160] = "", first_phase[320] = "";
	int secs = 40, phase, w, fd, err, st, workers_bad = 0;
	time_t t0, until;

	if (argc > 2)
		secs = atoi(argv[2]);
	if (argc > 3)
		seed = strtoull(argv[3], NULL, 0);
	smm_check_init("stress mm: ");
	ps = sysconf(_SC_PAGESIZE);
	mmsh = mmap(NULL, sizeof(*mmsh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (mmsh == MAP_FAILED)
		return 100;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_NODEFER;
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
	fd = smm_open();
	if (fd < 0) {
		smm_check(0, "open /dev/shadow_mm", "%s", strerror(errno));
		return smm_check_done("stress mm");
	}
	mm_swap = smm_swap_pages();
	cap = smm_meminfo("MemTotal") / (ps / 1024) + mm_swap;
	/*
	 * Each worker holds at most @budget pages, its child as many copies
	 * again: half of zones plus swap in all.  With swap that is more than
	 * the zones hold, so kswapd and direct reclaim have work.
	 */
	budget = cap / (4 * MM_WORKERS);
	smm_note("seed %llu, %d s, %d phases of %d workers, %lld pages each at most; zones and swap %lld pages (swap %d)",
		 (unsigned long long)seed, secs, MM_PHASES, MM_WORKERS, budget, cap, mm_swap);
	mm_rest(&r0);
	if (smm_read_vmstat(&v0))
		smm_note("cannot read vmstat");
	t0 = time(NULL);
	for (phase = 0; phase < MM_PHASES; phase++) {
		pid_t pids[MM_WORKERS];

		until = t0 + (time_t)secs * (phase + 1) / MM_PHASES;
		for (w = 0; w < MM_WORKERS; w++) {
			fflush(stdout);
			pids[w] = fork();
			if (pids[w] < 0) {
				mm_bad("fork of a worker: %s", strerror(errno));
				continue;
			}
			if (!pids[w])
				mm_worker(fd, seed + phase * 1000003ULL + w * 7919ULL, budget, until,
					  phase * MM_WORKERS + w);
		}
		/*
		 * The checker and reclaim while they run.  EBUSY: a process held
		 * its mmap_lock for writing for a second, which under KASAN in
		 * TCG a run of munmaps can; counted, not a failure.
		 */
		while (time(NULL) < until) {
			err = smm_check_tables();
			checks++;
			if (err == EBUSY) {
				check_busy++;
				err = 0;
			}
			if (err && !check_fail++)
				snprintf(first_check, sizeof(first_check),
					 "phase %d, while the workers ran: %s", phase, smm_errname(err));
			if (mm_swap)
				smm_control("reclaim pages=256");
			usleep(300000);
		}
		for (w = 0; w < MM_WORKERS; w++) {
			if (pids[w] <= 0)
				continue;
			if (waitpid(pids[w], &st, 0) != pids[w] || !WIFEXITED(st) || WEXITSTATUS(st))
				workers_bad++;
		}
		err = smm_check_tables();
		checks++;
		if (err && !check_fail++)
			snprintf(first_check, sizeof(first_check), "after phase %d: %s", phase,
				 smm_errname(err));
		mm_rest(&r1);
		if (memcmp(&r0, &r1, sizeof(r0)) && !phase_fail++)
			snprintf(first_phase, sizeof(first_phase),
				 "after phase %d: pages taken and not returned %lld -> %lld, resident %lld -> %lld, mappings %lld -> %lld, mm lines %lld -> %lld, MemFree %lld -> %lld kB, swap used %lld -> %lld kB",
				 phase, r0.out, r1.out, r0.resident, r1.resident, r0.mappings,
				 r1.mappings, r0.nr_mm, r1.nr_mm, r0.memfree, r1.memfree, r0.swap_used,
				 r1.swap_used);
	}
	close(fd);
	if (smm_read_vmstat(&v1))
		smm_note("cannot read vmstat");
	smm_note("%lld runs of check, %lld of them EBUSY", checks, check_busy);
	smm_note("%lld operations in %ld s: %lld page writes, %lld page checks, %lld forks, %lld munmaps, %lld mprotects, %lld MADV_DONTFORK, %lld SIGBUS",
		 mmsh->ops, (long)(time(NULL) - t0), mmsh->writes, mmsh->verifies, mmsh->forks,
		 mmsh->munmaps, mmsh->mprotects, mmsh->dontforks, mmsh->sigbus);
	smm_note("vmstat: cow_fault +%lld, pswpout +%lld, pswpin +%lld, pgmajfault +%lld, pgsteal_kswapd +%lld, pgsteal_direct +%lld, allocstall +%lld",
		 v1.cow_fault - v0.cow_fault, v1.pswpout - v0.pswpout, v1.pswpin - v0.pswpin,
		 v1.pgmajfault - v0.pgmajfault, v1.pgsteal_kswapd - v0.pgsteal_kswapd,
		 v1.pgsteal_direct - v0.pgsteal_direct, v1.allocstall - v0.allocstall);
	smm_check(!mmsh->bad && !workers_bad && mmsh->forks > 0,
		  "workers and children: data intact, children reach exactly what they inherit, no stray signal",
		  "%lld bad results, the first: %s; %d workers did not exit 0; %lld forks",
		  mmsh->bad, mmsh->why, workers_bad, mmsh->forks);
	smm_check(!check_fail && checks - check_busy > MM_PHASES,
		  "check passes while the workers run and after every phase",
		  "%lld of %lld failed, the first %s; %lld EBUSY", check_fail, checks, first_check,
		  check_busy);
	smm_check(!phase_fail, "after every phase every page and swap slot is back, no process table left",
		  "%lld phases left something behind, the first %s", phase_fail, first_phase);
	smm_check(v1.cow_fault > v0.cow_fault, "the workers' children copied pages on write (cow_fault)",
		  "cow_fault %lld -> %lld", v0.cow_fault, v1.cow_fault);
	if (mm_swap)
		smm_check(v1.pswpout > v0.pswpout && v1.pswpin > v0.pswpin,
			  "under memory pressure pages went to swap and came back",
			  "pswpout +%lld, pswpin +%lld", v1.pswpout - v0.pswpout,
			  v1.pswpin - v0.pswpin);
	else
		smm_skip("under memory pressure pages went to swap and came back",
			 "no swap (load shadow_mm with swap_mb=N)");
	return smm_check_done("stress mm");
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	long long before, after;
	struct smm_faults f;
	pthread_t tc, td;
	int secs = 170, err;
	char buf[256];
	time_t t0;

	if (argc > 1 && !strcmp(argv[1], "mm"))
		return mm_main(argc, argv);
	smm_check_init("stress: ");
	ps = sysconf(_SC_PAGESIZE);
	if (argc > 1)
		target = atoll(argv[1]);
	if (argc > 2)
		secs = atoi(argv[2]);
	if (argc > 3)
		seed = strtoull(argv[3], NULL, 0);
	smm_note("seed %llu, %lld operations, at most %d s", (unsigned long long)seed, target,
		 secs);
	smm_check(sysconf(_SC_NPROCESSORS_ONLN) >= 2, "two CPUs are online, one per thread",
		  "%ld online", sysconf(_SC_NPROCESSORS_ONLN));
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_NODEFER;
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);

	/* A warm-up vmalloc: the tables it keeps are there before the baseline. */
	smm_control("vmalloc size=65536 count=2 tag=warm");
	smm_control("free tag=warm");
	err = smm_write(CTL, "cache_create name=stress size=200 ctor=1");
	smm_check(!err, "the stress cache is created", "%s", smm_errname(err));
	ctl_fd = open(CTL, O_WRONLY | O_CLOEXEC);
	if (ctl_fd < 0) {
		smm_check(0, "the control file opens", "%s", strerror(errno));
		return smm_check_done("stress");
	}
	before = conserved();
	t0 = time(NULL);
	deadline = t0 + secs;
	pthread_create(&tc, NULL, control, NULL);
	pthread_create(&td, NULL, device, NULL);
	pthread_join(tc, NULL);
	pthread_join(td, NULL);
	close(ctl_fd);
	smm_note("%lld operations in %ld s: control %lld commands (%lld ENOMEM, %lld checks);",
		 cst.ops + dst.ops, (long)(time(NULL) - t0), cst.ops, cst.enomem, cst.checks);
	smm_note("device %lld mapping calls (%lld forks, %lld ENOMEM) and %lld page touches",
		 dst.syscalls, dst.forks, dst.enomem, dst.touches);
	smm_note("(%lld first touches, which fault, %lld SIGBUS)", dst.first, dst.sigbus);
	snprintf(buf, sizeof(buf), "at least %lld operations on two CPUs (seed %llu)", target,
		 (unsigned long long)seed);
	smm_check(cst.ops + dst.ops >= target, buf, "only %lld in %d s", cst.ops + dst.ops, secs);
	smm_check(!cst.bad && cst.checks > 0,
		  "control: only ENOMEM, and check and pgtable_check pass during the run",
		  "%lld bad results, the first: %s", cst.bad, cst.why);
	smm_check(!dst.bad,
		  "device: data intact, children reach exactly what they inherit, only ENOMEM or SIGBUS",
		  "%lld bad results, the first: %s", dst.bad, dst.why);

	err = smm_write(CTL, "cache_destroy name=stress");
	smm_check(!err, "the stress cache is empty and destroyed at the end", "%s",
		  smm_errname(err));
	shrink_caches();
	after = conserved();
	err = smm_write(CTL, "check");
	smm_check(!err && smm_read_file("pgtable_check", buf, sizeof(buf)) > 0 &&
		  !strncmp(buf, "ok:", 3), "check and pgtable_check pass after the run",
		  "check: %s; pgtable_check: %.80s", smm_errname(err), buf);
	smm_check(after == before, "every page is back after the run (MemFree + PageTables)",
		  "%lld kB before, %lld kB after", before, after);
	smm_check(!smm_read_faults(&f) && f.pages_mapped == f.pages_returned &&
		  f.pages_resident == 0 && f.mappings == 0,
		  "every mapped page was returned, no mapping is left",
		  "pages_mapped %lld, pages_returned %lld, resident %lld, mappings %lld",
		  f.pages_mapped, f.pages_returned, f.pages_resident, f.mappings);
	return smm_check_done("stress");
}
