// SPDX-License-Identifier: GPL-2.0
/*
 * stress: a randomised two-CPU workload through the control file and
 * /dev/shadow_mm at once.
 *
 *   stress [OPS [SECONDS [SEED]]]    1000000 operations, at most 170 s,
 *                                    seed 20261204 by default
 *
 * One thread, on CPU 0, sends random commands to the default instance's
 * control file: alloc and free of tagged blocks, kmalloc, cache_alloc,
 * vmalloc, drain, and now and then check and a read of pgtable_check,
 * which must pass while everything else runs.  The other, on CPU 1, maps
 * /dev/shadow_mm (up to eight mappings of up to 64 pages) and sweeps them
 * page by page, unmaps (whole or a tail), mprotects, madvises, mremaps and
 * forks over them.  Every page it touches
 * carries a stamp of its mapping and index, checked at every later touch:
 * a page that changed under a mapping, or that a forked child can reach,
 * is a failure.  Shadow memory running out is allowed (ENOMEM, SIGBUS);
 * any other error is not.
 *
 * An operation is one control write or read, one mapping syscall, or one
 * touch of a page (a fault the first time, a check of its stamp after);
 * the summary line counts each kind.  The run stops at OPS operations or after SECONDS,
 * whichever comes first, and fails if it did fewer than OPS.  At the end
 * everything is freed, and the checks and the free page count must be as
 * before.  The seed is printed, so that a failing run can be replayed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
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

/* A forked child must not reach any of the parent's mappings. */
static int fork_probe(struct map *maps)
{
	pid_t pid = fork();
	int st, i;

	if (pid < 0)
		return -1;
	if (!pid) {
		/* volatile: it must survive siglongjmp() out of the fault. */
		volatile int reached = 0;

		for (i = 0; i < NMAPS; i++) {
			if (!maps[i].p)
				continue;
			signo = 0;
			if (!sigsetjmp(env, 0)) {
				(void)*(volatile char *)maps[i].p;
				/* Not before the access: it may fault. */
				__atomic_signal_fence(__ATOMIC_SEQ_CST);
				reached++;
			}
		}
		_exit(reached);
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
			void *p = mmap(NULL, n * ps, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

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
			/* MADV_DOFORK must be refused: it would let fork copy the PTEs. */
			if (!madvise(m->p, m->n * ps, MADV_DOFORK))
				bad(st, "%s: %s", "madvise(MADV_DOFORK) succeeded", 0);
			else if (errno != EINVAL)
				bad(st, "%s: %s", "madvise(MADV_DOFORK)", errno);
			if (madvise(m->p, m->n * ps, MADV_DONTFORK))
				bad(st, "%s: %s", "madvise(MADV_DONTFORK)", errno);
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
				    "a child reached a mapping of its parent", reached);
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

int main(int argc, char **argv)
{
	struct sigaction sa;
	long long before, after;
	struct smm_faults f;
	pthread_t tc, td;
	int secs = 170, err;
	char buf[256];
	time_t t0;

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
	smm_check(!dst.bad, "device: data intact, children reach nothing, only ENOMEM or SIGBUS",
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
