# SPDX-License-Identifier: GPL-2.0
# A short guest job for the pfn files alone: the smoke plug-in, nothing else.
. /smm/smoke_pfn.sh
