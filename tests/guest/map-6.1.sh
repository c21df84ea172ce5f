#!/bin/bash
# On 6.1: the reservations, the cache mode of every iowtest mapping (against
# entries read with GDB), the findings, and no device reads.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/walk-common.sh"
. "$(dirname "$0")/info-common.sh"
. "$(dirname "$0")/map-common.sh"
map_test 6.1
finish
