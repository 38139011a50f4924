# SPDX-License-Identifier: GPL-2.0
# Shared settings for the shadow_mm scripts.  Sourced, never run.

SMM_CACHE=${SMM_CACHE:-/var/cache/shadow_mm}
SMM_TOP=${SMM_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
SMM_JOBS=${SMM_JOBS:-$(($(nproc) + 1))}
# The kernel series that make test covers, newest first.  Debian 12 has both
# in its archive: 6.1 is what it boots by default, 6.12 is the newer one.
SMM_SERIES_ALL="6.12 6.1"
SMM_SERIES_DEFAULT=6.12

log() { printf '[shadow_mm] %s\n' "$*" >&2; }
die() { printf '[shadow_mm] error: %s\n' "$*" >&2; exit 1; }

# check_series SERIES: die unless SERIES is one we can build and boot.
check_series() {
	case " $SMM_SERIES_ALL " in
	*" $1 "*) ;;
	*) die "KERNEL=$1: the kernel series must be one of: $SMM_SERIES_ALL" ;;
	esac
}

# apt_install PKG...: install the packages that are not installed yet.
apt_install() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	[ "$(id -u)" -eq 0 ] || die "need root to install: ${missing[*]}"
	log "installing: ${missing[*]}"
	apt_update_once
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		"${missing[@]}" >/dev/null || die "apt-get install ${missing[*]} failed"
}

apt_update_once() {
	[ -n "${SMM_APT_UPDATED:-}" ] && return 0
	log "apt-get update"
	apt-get update -qq >/dev/null || die "apt-get update failed"
	SMM_APT_UPDATED=1
}

# image_regex SERIES: the unsigned stock image packages of a series.  6.12
# comes as linux-image-6.12.N+deb12-amd64-unsigned (bookworm-security),
# 6.1 as linux-image-6.1.0-N-amd64-unsigned.
image_regex() {
	case "$1" in
	6.12) echo '^linux-image-6\.12\.[0-9]+\+deb12-amd64-unsigned$' ;;
	6.1) echo '^linux-image-6\.1\.0-[0-9]+-amd64-unsigned$' ;;
	*) die "no stock kernel for series $1" ;;
	esac
}

# stock_version SERIES: the newest Debian amd64 kernel ABI of the series in
# the archive, e.g. "6.12.117+deb12-amd64" or "6.1.0-57-amd64".  Resolved at
# run time, never hard-coded.  The answer is remembered in the cache so that
# later runs boot the same kernel (and do not need the package lists).
stock_version() {
	local series=$1 f="$SMM_CACHE/stock/VERSION-$1" re v
	if [ -s "$f" ]; then cat "$f"; return 0; fi
	re=$(image_regex "$series")
	v=$(apt-cache search --names-only "$re" 2>/dev/null |
		awk '{print $1}' | sed -e 's/^linux-image-//' -e 's/-unsigned$//' | sort -V | tail -n 1)
	if [ -z "$v" ]; then
		apt_update_once
		v=$(apt-cache search --names-only "$re" |
			awk '{print $1}' | sed -e 's/^linux-image-//' -e 's/-unsigned$//' | sort -V | tail -n 1)
	fi
	[ -n "$v" ] || die "no stock $series kernel image in the apt lists"
	mkdir -p "$SMM_CACHE/stock"
	echo "$v" > "$f"
	echo "$v"
}
