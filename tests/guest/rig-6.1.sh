#!/bin/bash
# The rig boots the 6.1 kernel with KASLR on and its ground truth is right.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/rig-common.sh"
rig_test 6.1
