// SPDX-License-Identifier: GPL-2.0
/*
 * ctl_race: destroy an instance while its own control file is busy.
 *
 *   ctl_race [SECONDS]      20 by default
 *
 * Two threads, one per CPU.  One creates and destroys an instance through
 * /sys/kernel/debug/shadow_mm/control, over and over.  The other keeps
 * writing cache_create, cache_alloc, free and cache_destroy to that
 * instance's control file, and reading its slab/<cache> file, whenever the
 * instance is there.  Each cache_create makes a debugfs file in the
 * instance's slab/ directory, so a teardown in the wrong order would use a
 * freed dentry; on the debug kernel KASAN reports it, and the host's
 * warning scan fails the run.
 *
 * Here it checks what user space can see: every write either succeeds or
 * fails with an errno that says the instance or the cache is gone or busy,
 * both threads made progress, and at the end no instance is left and the
 * default instance's invariants hold.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "smm_user.h"

#define NAME	"race"

/* Set by main() when the time is up; read by both threads. */
static int stop;

struct result {
	long ok, gone, other;
	int last_other;
	char last_cmd[96];
};

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu % sysconf(_SC_NPROCESSORS_ONLN), &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static void count(struct result *r, int err, const char *cmd, int gone_ok)
{
	if (!err) {
		r->ok++;
	} else if (gone_ok) {
		r->gone++;
	} else {
		r->other++;
		r->last_other = err;
		snprintf(r->last_cmd, sizeof(r->last_cmd), "%s", cmd);
	}
}

/* create and destroy, as fast as they go. */
static void *lifecycle(void *arg)
{
	struct result *r = arg;

	pin(0);
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		const char *c = "create name=" NAME " arena_mb=4";
		int err = smm_write(SMM_ROOT "/control", c);

		count(r, err, c, err == ENOMEM);
		c = "destroy name=" NAME;
		err = smm_write(SMM_ROOT "/control", c);
		/* EINVAL: the create above failed, there is nothing to destroy. */
		count(r, err, c, err == EINVAL);
	}
	return NULL;
}

/*
 * The instance's own commands.  ENOENT: the file is gone (open);
 * EIO: it went away while open (debugfs refuses the write); EINVAL: the
 * instance is a new one, without the cache or the tag; EEXIST: a cache of
 * a previous round; EBUSY: the cache has objects; ENOMEM: a 4 MiB arena.
 */
static void *commands(void *arg)
{
	static const char *const cmds[] = {
		"cache_create name=victim size=96",
		"cache_alloc name=victim count=16 tag=t",
		"free tag=t",
		"cache_destroy name=victim",
	};
	struct result *r = arg;
	char buf[4096];
	unsigned int i = 0;

	pin(1);
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		const char *c = cmds[i++ % 4];
		int err = smm_write(SMM_ROOT "/" NAME "/control", c);

		count(r, err, c, err == ENOENT || err == EIO || err == EINVAL || err == EEXIST ||
		      err == EBUSY || err == ENOMEM);
		if (smm_read_path(SMM_ROOT "/" NAME "/slab/victim", buf, sizeof(buf)) >= 0)
			r->ok++;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	int secs = argc > 1 ? atoi(argv[1]) : 20;
	struct result life = { 0 }, cmd = { 0 };
	pthread_t t1, t2;
	char buf[4096];
	int err;

	smm_check_init("ctl_race: ");
	if (secs <= 0)
		secs = 20;
	pthread_create(&t1, NULL, lifecycle, &life);
	pthread_create(&t2, NULL, commands, &cmd);
	sleep(secs);
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
	smm_note("%d s: create/destroy %ld ok, %ld refused; instance commands %ld ok, %ld refused",
		 secs, life.ok, life.gone, cmd.ok, cmd.gone);
	smm_check(!life.other, "create and destroy fail only for lack of memory",
		  "%ld unexpected errors, the last %s for '%s'", life.other,
		  smm_errname(life.last_other), life.last_cmd);
	smm_check(!cmd.other,
		  "the instance's commands fail only with ENOENT, EIO, EINVAL, EEXIST, EBUSY or ENOMEM",
		  "%ld unexpected errors, the last %s for '%s'", cmd.other,
		  smm_errname(cmd.last_other), cmd.last_cmd);
	smm_check(life.ok >= 20 && cmd.ok >= 20, "both threads made progress",
		  "%ld and %ld successful operations", life.ok, cmd.ok);
	smm_read_path(SMM_ROOT "/control", buf, sizeof(buf));
	smm_check(!strstr(buf, NAME " "), "no instance is left behind", "%s", buf);
	err = smm_write(SMM_ROOT "/default/control", "check");
	smm_check(!err, "the default instance's check passes", "%s", smm_errname(err));
	return smm_check_done("ctl_race");
}
