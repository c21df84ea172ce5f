#!/bin/bash
# A 5-level paging guest (LA57), with KASLR and one vCPU: `info` finds 5
# levels and the guest's own layout, whose bases move to the 5-level
# ranges; the page-table walks (translation, every iowtest cache mode
# against entries read with GDB) and vmallocinfo hold there too.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/info-common.sh"
. "$(dirname "$0")/walk-common.sh"
. "$(dirname "$0")/map-common.sh"
info_test 6.12 --kaslr on --la57 --smp 1 --devices minimal
check "the guest really runs 5-level paging" test "$(layout pgtable_l5)" = 1
translate_test
check "proc vmallocinfo is the guest's" same_as_guest vmallocinfo
check "proc pat_memtype_list is the guest's" same_as_guest pat_memtype_list
check "every iowtest mapping's mode and page size are the ones its entry carries" \
	bash -c "$(declare -f modes_match_ptes gdb_walk_script pat_config layout iow); IOW='$IOW'; IOW_GDB='$IOW_GDB'; IOW_VMLINUX='$IOW_VMLINUX'; RUN='$RUN'; TRUTH='$TRUTH'; modes_match_ptes" >"$RUN/modes.log" 2>&1
cat "$RUN/modes.log"
check "UC-, UC, WC, WT and WB all reach the page tables at 4 KiB and 2 MiB" all_modes_seen
check "the alias, the RAM alias and the mode mismatches are reported" findings_ok
finish
