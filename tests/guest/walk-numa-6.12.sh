#!/bin/bash
# On 6.12 with two NUMA nodes (1 GiB, 512 MiB and a vCPU each): the same
# checks as walk-6.12.sh, where /proc/vmallocinfo's N<node>= counts now come
# from each area's pages and each node's pfn span, not from "all on node 0".
# The guest's own file must show pages on both nodes, or the test proves
# nothing about that path.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/walk-common.sh"
walk_test 6.12 --mem 1G --smp 2 --device-args "-object memory-backend-ram,id=m0,size=512M \
-object memory-backend-ram,id=m1,size=512M -numa node,nodeid=0,memdev=m0,cpus=0 \
-numa node,nodeid=1,memdev=m1,cpus=1"
check "the guest's vmallocinfo has pages on node 1 (the multi-node path is used)" \
	grep -q ' N1=[1-9]' "$RUN/vmallocinfo.guest"
check "... and on node 0" grep -q ' N0=[1-9]' "$RUN/vmallocinfo.guest"
finish
