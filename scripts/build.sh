#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build.sh TAG KDIR [make args...]: build shadow_mm.ko for the kernel at KDIR
# in .build/TAG, a tree of symlinks to the sources, so that builds for
# different kernels never share objects.  Prints the path of the module.
set -euo pipefail
. "$(dirname "$0")/common.sh"

tag=$1 kdir=$2
shift 2
b="$SMM_TOP/.build/$tag"
mkdir -p "$b/shadow_mm" "$b/kunit"
ln -sf "$SMM_TOP/Kbuild" "$b/Kbuild"
for f in "$SMM_TOP"/shadow_mm/*.[ch] "$SMM_TOP"/kunit/*.[ch]; do
	[ -e "$f" ] || continue
	ln -sf "$f" "$b/${f#"$SMM_TOP"/}"
done
find "$b" -xtype l -delete	# sources that no longer exist
make -s -C "$kdir" M="$b" "$@" modules >&2 || die "module build failed for $tag"
echo "$b/shadow_mm.ko"
