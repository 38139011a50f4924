# SPDX-License-Identifier: GPL-2.0
#
# shadow_mm: build the module, boot it in a test VM, test it, measure it.
# The kbuild rules are in Kbuild; this file only drives them and the VM.

KDIR ?= $(or $(wildcard /lib/modules/$(shell uname -r)/build),$(shell scripts/kernel.sh --cached 2>/dev/null))
# The stock kernel series that run and bench boot: 6.12 (default) or 6.1.
KERNEL ?= 6.12
ARGS ?=
# Whose bring-up make run shows: 2.6.29 (default), 6.12, or both side by side.
ERA ?= 2.6.29
# Extra guest kernel command line, e.g. CMDLINE=movablecore=256M for arena_source=contig.
CMDLINE ?=

.PHONY: all modules tools run test bench replay check clean help

# The user-space programs (tools/*.c), static so that they run in the
# busybox guests as they are; the VM scripts copy them into /smm/.
TOOLS_CC ?= gcc
TOOLS_CFLAGS ?= -static -O2 -Wall -Wextra -pthread
TOOLS := shadow_mm_demo fault_test fault_bench inject_test stress ctl_race kpf_test
TOOLS_OUT := .build/tools

all: modules

modules:
	@test -n "$(KDIR)" || { echo "No kernel tree: set KDIR=, or run 'make test' once to build the cached one."; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

tools: $(addprefix $(TOOLS_OUT)/,$(TOOLS))

$(TOOLS_OUT)/%: tools/%.c tools/smm_user.c tools/smm_user.h
	@mkdir -p $(TOOLS_OUT)
	$(TOOLS_CC) $(TOOLS_CFLAGS) -o $@ $< tools/smm_user.c

# The scripts build the tools themselves, after installing gcc if needed.
run:
	SMM_KERNEL="$(KERNEL)" SMM_ERA="$(ERA)" SMM_ARGS="$(ARGS)" SMM_CMDLINE="$(CMDLINE)" scripts/run.sh run

test:
	scripts/test.sh

# init_on_alloc=0: Debian zeroes every host page on allocation by default,
# which the shadow allocator does only for __SMM_GFP_ZERO; compare like with like.
# The guest has 8 GiB (SMM_GUEST_MB= in the environment overrides it); see
# Documentation/bench.rst.
bench:
	SMM_KERNEL="$(KERNEL)" SMM_ARGS="$(ARGS)" SMM_CMDLINE="init_on_alloc=0 $(CMDLINE)" SMM_BENCH="$(BENCH)" scripts/run.sh bench

replay:
	SMM_KERNEL="$(KERNEL)" SMM_ARGS="$(ARGS)" SMM_CMDLINE="$(CMDLINE)" SMM_REPLAY="$(REPLAY)" scripts/replay.sh

check:
	scripts/check.sh

clean:
	@if [ -n "$(KDIR)" ]; then $(MAKE) -C $(KDIR) M=$(CURDIR) clean; fi
	rm -rf .build

help:
	@echo 'shadow_mm targets:'
	@echo '  all, modules  build shadow_mm.ko against KDIR (default: the running'
	@echo '                kernel'"'"'s build dir, else the cached debug kernel)'
	@echo '  tools         build the static user-space programs into .build/tools:'
	@echo '                shadow_mm_demo, fault_test, fault_bench'
	@echo '  run           boot Debian'"'"'s stock kernel in QEMU (KERNEL=6.12, the'
	@echo '                default, or KERNEL=6.1), load the module,'
	@echo '                show the bring-up and every debugfs file, unload;'
	@echo '                ERA=6.12 replays the modern bring-up, ERA=both shows'
	@echo '                2.6.29 and 6.12 side by side on the same arena size;'
	@echo '                ARGS="arena_mb=128 ..." passes module parameters,'
	@echo '                CMDLINE="movablecore=256M" adds to the guest kernel command line'
	@echo '  test          for 6.12 and 6.1: KUnit suites, fault injection and the'
	@echo '                stress on a debug kernel (built once, cached), the smoke,'
	@echo '                fault and fault-injection tests on the stock kernel'
	@echo '  bench         benchmarks in the stock-kernel VM (KERNEL= as for run),'
	@echo '                as shadow/host ratios, each the median of alternating'
	@echo '                rounds with its spread, in an 8 GiB guest;'
	@echo '                BENCH="arena_mb=256 loops=9" sets their parameters'
	@echo '                (Documentation/bench.rst)'
	@echo '  replay        record the stock kernel'"'"'s kmem events in a workload (KERNEL= as'
	@echo '                for run), replay them into SLAB, SLUB, SLOB and the buddy,'
	@echo '                print the table; REPLAY="slab=slub arena_mb=64" sets the run'
	@echo '                (Documentation/replay.rst)'
	@echo '  check         checkpatch --strict, kernel-doc, W=1 and sparse against'
	@echo '                the 6.12 and 6.1 debug kernel trees'
	@echo '  clean         remove build products'
	@echo '  help          this text'
