#!/bin/bash
# The rig boots the arm64 6.12 kernel on both CPU models (cortex-a72, max) with
# KASLR on, and its ground truth, test module and page tables are right.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/rig-arm64-common.sh"
rig_arm64_test 6.12
