#!/bin/bash
# layers.sh DIR "NAME: FILE..." ...: the helper's layers, lowest first, as Makefile.am lists
# them (make check-layers passes them). Fails, naming each edge, when a file in DIR includes a
# header of a higher layer, includes one that no layer lists, or is itself in no layer (a new
# module has to be placed). Prints one line and exits 0 when every include points down or
# across.
set -uo pipefail
dir=$1
shift
declare -A layer_of name_of
n=0
for group in "$@"; do
	n=$((n + 1))
	name=${group%%:*}
	name_of[$n]=$name
	for f in ${group#*:}; do
		layer_of[${f##*/}]=$n
	done
done

bad=0
files=0
for path in "$dir"/*.c "$dir"/*.h; do
	f=${path##*/}
	[ "$f" = defaults.c ] && continue	# generated from conf-snippets/kpoint.conf
	files=$((files + 1))
	me=${layer_of[$f]:-}
	if [ -z "$me" ]; then
		echo "layers: $f is in no layer: list it in Makefile.am's LAYER_ group it belongs to"
		bad=$((bad + 1))
		continue
	fi
	while read -r inc; do
		[ "$inc" = config.h ] && continue
		it=${layer_of[$inc]:-}
		if [ -z "$it" ]; then
			echo "layers: $f includes $inc, which is in no layer"
			bad=$((bad + 1))
		elif [ "$it" -gt "$me" ]; then
			echo "layers: $f (${name_of[$me]}) includes $inc (${name_of[$it]}), a higher layer"
			bad=$((bad + 1))
		fi
	done < <(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$path")
done
if [ "$bad" -gt 0 ]; then
	echo "layers: $bad upward or unplaced includes in $files files"
	exit 1
fi
echo "layers: $files files in $n layers, every include points down or across"
