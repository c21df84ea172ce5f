#!/bin/bash
# The exit status is one rule, stated once: --help prints it (src/commands/cmdline.c,
# EXIT_STATUS_RULE) and the README repeats it word for word, with no second
# statement that could drift from it.  Exit 0 pass, 1 fail.
set -u
src=${top_srcdir:-$(dirname "$0")/../..}
IOW=${top_builddir:-.}/iomem-walk
fails=0
ok() { if "${@:2}"; then echo "ok - $1"; else echo "not ok - $1"; fails=$((fails + 1)); fi; }
# words only: no Markdown, one space between words
norm() { tr -d '`*' | tr -s ' \n' '  ' | sed 's/^ //; s/ $//'; }
# the paragraph that begins "Exit status:"
rule() { sed -n '/^Exit status:/,/^$/p' | norm; }

help=$("$IOW" --help | rule)
readme=$(rule <"$src/README.md")
echo "# --help: $help"
echo "# README: $readme"
ok "--help states the exit status" test -n "$help"
ok "--help says check alone exits 1" grep -q '1 the verdict of check' <<<"$help"
ok "the README states it in the same words" test "$help" = "$readme"
ok "the README states it once" test "$(grep -c 'Exit status:' "$src/README.md")" = 1
ok "no README line says findings exit 1" bash -c "! grep -Eqi '1 (for )?findings' '$src/README.md'"
exit $((fails > 0))
