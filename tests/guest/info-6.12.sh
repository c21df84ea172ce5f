#!/bin/bash
# `info` on 6.12 with KASLR: offset, layout and release are the guest's own;
# the 6.1 vmlinux is refused.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/info-common.sh"
info_test 6.12 --kaslr on
translate_test
wrong_vmlinux_test 6.1
finish
