#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A test that hangs after one passing check: kselftest's timeout (this
# folder's settings) ends it, and the check's counting must call it failed.
. "$(dirname "$0")/../lib.sh"
ktap_header 2
check "a check before the hang" true
sleep 3600
ktap_finish
