#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lab-timeout: 120
# lab-l1-cpus: 2
#
# The Debian arm64 kernel with a busybox initramfs boots with 1 vCPU; without
# --nested it starts at EL1 ("CPU: All CPU(s) started at EL1"), reaches init
# (marker with online=0), powers off; lkvm exits 0.
# shellcheck source=tests/lab/lib.sh
. "$LAB/lib.sh"

linux_boot 1 0
