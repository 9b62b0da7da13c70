#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lab-timeout: 120
# lab-l1-cpus: 2
#
# The same with 2 vCPUs: started at EL1, both come online (online=0-1).
# shellcheck source=tests/lab/lib.sh
. "$LAB/lib.sh"

linux_boot 2 0-1
