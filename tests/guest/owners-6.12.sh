#!/bin/bash
# On 6.12: every resource's owner against the guest's sysfs, with a PCI
# bridge and a device without a driver behind it (owners-common.sh).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/walk-common.sh"
. "$(dirname "$0")/mtree-common.sh"
. "$(dirname "$0")/owners-common.sh"
owners_test 6.12
finish
