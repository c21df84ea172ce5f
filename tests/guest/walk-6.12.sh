#!/bin/bash
# On 6.12 (SeaBIOS, 512 MiB): proc iomem, ioports and vmallocinfo equal the
# guest's own files read at the same moment; the annotated tree lists the
# same resources.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/walk-common.sh"
walk_test 6.12
finish
