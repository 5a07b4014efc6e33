"""applyfix.py FILE FIX: apply one fix line of ext_kpoint_acl --doctor to FILE, as an admin
would by hand, so that a test proves the fix says exactly what to do. Understands the two
forms the ordering fixes take:
    move `A` above `B`      (line A, moved to just above line B)
    add `A` after `B`       (a new line A, just below line B)
Lines are matched whole (surrounding white space aside) and must each be in FILE once.
Exit 0 when applied; 1, with the reason on stderr, when the fix cannot be applied to FILE."""
import re
import sys


def main(path, fix):
    m = re.fullmatch(r"\s*(?:fix: )?(move|add) `([^`]*)` (above|after) `([^`]*)`\s*", fix)
    if not m:
        sys.exit("applyfix: not a move or add fix: %r" % fix)
    verb, a, where, b = m.groups()
    lines = open(path).read().split("\n")
    stripped = [l.strip() for l in lines]
    for text, want in ((b, 1), (a, 1 if verb == "move" else 0)):
        if stripped.count(text) != want:
            sys.exit("applyfix: %r is in %s %d times, not %d" %
                     (text, path, stripped.count(text), want))
    if verb == "move":
        del lines[stripped.index(a)]
        stripped = [l.strip() for l in lines]
    at = stripped.index(b) + (1 if where == "after" else 0)
    lines.insert(at, a)
    open(path, "w").write("\n".join(lines))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: applyfix.py FILE FIX")
    main(sys.argv[1], sys.argv[2])
