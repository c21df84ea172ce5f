#!/bin/bash
# On 6.1, inside the guest, as root: iomem-walk --live (/proc/kcore), as
# live-6.12.sh checks it (but for the corrupt data: the retry is the
# command layer's, the same on every kernel).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/live-common.sh"
live_test 6.1
live_lockdown
finish
