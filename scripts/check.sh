#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh: `make check`.  checkpatch --strict, kernel-doc, a W=1 build and
# sparse (C=2), all against the cached debug kernel tree.  Any finding fails.
set -uo pipefail
. "$(dirname "$0")/common.sh"

"$SMM_TOP/scripts/deps.sh" check ksrc >&2 || die "installing dependencies failed"
ktree=$("$SMM_TOP/scripts/kernel.sh") || die "no debug kernel tree"
cd "$SMM_TOP" || exit 1
srcs=$(ls shadow_mm/*.[ch] kunit/*.[ch] 2>/dev/null)
bad=0

step() { printf '%-12s %s\n' "$1" "$2"; }

o=$(perl "$ktree/scripts/checkpatch.pl" --no-tree --strict --terse -f $srcs 2>&1 |
	grep -E ': (ERROR|WARNING|CHECK):')
if [ -n "$o" ]; then echo "$o"; step checkpatch FAIL; bad=1; else step checkpatch ok; fi

o=$(perl "$ktree/scripts/kernel-doc" -none -Wall $srcs 2>&1)
if [ -n "$o" ]; then echo "$o"; step kernel-doc FAIL; bad=1; else step kernel-doc ok; fi

# W=1 and sparse need a full rebuild to see every file.
rm -rf "$SMM_TOP/.build/check"
o=$("$SMM_TOP/scripts/build.sh" check "$ktree" W=1 C=2 2>&1 >/dev/null |
	grep -E 'warning|error' | grep -v -E '^\s*$')
if [ -n "$o" ]; then echo "$o"; step "W=1+sparse" FAIL; bad=1; else step "W=1+sparse" ok; fi

[ $bad -eq 0 ] && echo "make check: clean"
exit $bad
