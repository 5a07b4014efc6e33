#!/bin/sh
# gen-defaults.sh LIST: print helper/defaults.c, the built-in list as one C string, from LIST
# (conf-snippets/kpoint.conf), so that the shipped file and the built-in list cannot differ.
set -eu
printf '/* Generated from %s by gen-defaults.sh: edit that file, not this one. */\n' "${1##*/}"
printf '#include "defaults.h"\n\nconst char kpoint_builtin_list[] =\n'
sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/    "/' -e 's/$/\\n"/' "$1"
printf '    ;\n'
