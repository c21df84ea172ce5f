#!/bin/bash
# `info` on a 5-level paging guest (LA57), with KASLR and one vCPU: the
# tool finds 5 levels and the guest's own layout, whose bases move to the
# 5-level ranges.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/info-common.sh"
info_test 6.12 --kaslr on --la57 --smp 1 --devices minimal
translate_test
check "the guest really runs 5-level paging" test "$(layout pgtable_l5)" = 1
finish
