#!/bin/bash
# On 6.1 with OVMF firmware and 4 GiB (RAM above 4 GiB, a different e820 and
# PCI layout): the same checks as walk-6.1.sh.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/walk-common.sh"
walk_test 6.1 --firmware ovmf --mem 4G
finish
