#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# deps.sh WHAT...: install what a target needs, skipping what is present.
#   host          - qemu, busybox, cpio, the module build tools
#   stock:SERIES  - Debian's stock kernel of SERIES (6.12 or 6.1): the image,
#                   unpacked into the cache, and its headers, installed
#   ksrc:SERIES   - linux-source-SERIES and the kernel build dependencies
#   check         - sparse (checkpatch and kernel-doc come with ksrc)
#   trace         - trace-cmd, copied into the guests with its libraries
#   pictures      - python3-matplotlib, which draws .build/pictures/
#   dkms          - Debian's dkms, for the install check
#
# Prints nothing on stdout except, for "stock:SERIES", the stock kernel's
# version.
set -euo pipefail
. "$(dirname "$0")/common.sh"

for what in "$@"; do
	case "$what" in
	host)
		apt_install qemu-system-x86 busybox-static cpio gzip make gcc \
			libc6-dev kmod python3 procps
		;;
	stock:*)
		series=${what#stock:}
		check_series "$series"
		v=$(stock_version "$series")
		apt_install "linux-headers-$v"
		d="$SMM_CACHE/stock/$v"
		if [ ! -f "$d/vmlinuz" ]; then
			apt_update_once
			tmp=$(mktemp -d)
			# apt downloads as _apt; let it write here (no "unsandboxed" warning).
			chown _apt "$tmp" 2>/dev/null || true
			log "downloading linux-image-$v-unsigned"
			(cd "$tmp" && apt-get download -qq "linux-image-$v-unsigned" >/dev/null) ||
				die "apt-get download linux-image-$v-unsigned failed"
			mkdir -p "$tmp/x"
			dpkg -x "$tmp"/linux-image-*.deb "$tmp/x"
			mkdir -p "$d"
			cp "$tmp/x/boot/vmlinuz-$v" "$d/vmlinuz"
			cp "$tmp/x/boot/config-$v" "$d/config"
			rm -rf "$tmp"
		fi
		echo "$v"
		;;
	ksrc:*)
		series=${what#ksrc:}
		check_series "$series"
		apt_install "linux-source-$series" flex bison bc libelf-dev libssl-dev \
			dwarves xz-utils python3 perl
		;;
	check)
		apt_install sparse
		;;
	trace)
		apt_install trace-cmd
		;;
	pictures)
		apt_install python3-matplotlib
		;;
	dkms)
		apt_install dkms
		;;
	*)
		die "deps.sh: unknown set '$what'"
		;;
	esac
done
