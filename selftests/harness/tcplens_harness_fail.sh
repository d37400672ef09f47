#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A test with one failing check among passing ones: counted as failed.
. "$(dirname "$0")/../lib.sh"
ktap_header 2
check "a check that holds" true
check "a check that fails deliberately" false
ktap_finish
