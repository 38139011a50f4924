#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh: `make check`.  checkpatch --strict and kernel-doc once, then a
# W=1 build with sparse (C=2) against the debug kernel tree of every series
# (6.12 and 6.1), so that compat.h is checked on both sides.  Any finding
# fails.
set -uo pipefail
. "$(dirname "$0")/common.sh"

"$SMM_TOP/scripts/deps.sh" check >&2 || die "installing dependencies failed"
trees=()
for series in $SMM_SERIES_ALL; do
	t=$("$SMM_TOP/scripts/kernel.sh" "$series") || die "no $series debug kernel tree"
	trees+=("$series:$t")
done
cd "$SMM_TOP" || exit 1
srcs=$(ls shadow_mm/*.[ch] kunit/*.[ch] 2>/dev/null)
ktree=${trees[0]#*:}
bad=0

step() { printf '%-16s %s\n' "$1" "$2"; }

# compat.h exists to test kernel versions and to define the kernel's own
# macros for kernels that lack them, so the rules against exactly that are
# off for it alone.
compat_ignore=LINUX_VERSION_CODE,CONSTANT_COMPARISON,MACRO_ARG_UNUSED,MACRO_ARG_REUSE,MACRO_ARG_PRECEDENCE
o=$( (perl "$ktree/scripts/checkpatch.pl" --no-tree --strict --terse -f \
	$(echo "$srcs" | grep -v '^shadow_mm/compat.h$') 2>&1
      perl "$ktree/scripts/checkpatch.pl" --no-tree --strict --terse \
	--ignore "$compat_ignore" -f shadow_mm/compat.h 2>&1) |
	grep -E ': (ERROR|WARNING|CHECK):')
if [ -n "$o" ]; then echo "$o"; step checkpatch FAIL; bad=1; else step checkpatch ok; fi

o=$(perl "$ktree/scripts/kernel-doc" -none -Wall $srcs 2>&1)
if [ -n "$o" ]; then echo "$o"; step kernel-doc FAIL; bad=1; else step kernel-doc ok; fi

# W=1 and sparse need a full rebuild to see every file.
for st in "${trees[@]}"; do
	series=${st%%:*} t=${st#*:}
	rm -rf "$SMM_TOP/.build/check-$series"
	o=$("$SMM_TOP/scripts/build.sh" "check-$series" "$t" W=1 C=2 2>&1 >/dev/null |
		grep -E 'warning|error' | grep -v -E '^\s*$')
	if [ -n "$o" ]; then
		echo "$o"; step "W=1+sparse $series" FAIL; bad=1
	else
		step "W=1+sparse $series" ok
	fi
done

[ $bad -eq 0 ] && echo "make check: clean"
exit $bad
