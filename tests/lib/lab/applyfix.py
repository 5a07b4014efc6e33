"""applyfix.py FILE FIX [DIRECTIVE]: apply one fix line of ext_kpoint_acl --doctor, as an admin
would by hand, so that a test proves the fix says exactly what to do. FILE is the squid.conf
the doctor read; DIRECTIVE the finding's "squid.conf:" line, for the fixes that replace it.
The forms the doctor's fixes take:
    move `A` above `B`            line A, moved to just above line B
    move `A` after `B`, move `A` right after `B`
    move `A` above the if-block that holds `B` (...), outside it
    add `A` after `B`, add `A` right after `B`
    add `A` and `C` right after `B`
    add name=N to `B`             a word appended to line B
    write `A` instead, write `A` and `C` instead    DIRECTIVE replaced
    write `-f F`, give the helper `-f F`, ...       the helper's line (external_acl_type) reads F
    rename `X` to `Y` in F        the word X, in file F
    run `CMD`                     CMD run by sh, less a trailing "&& squid -k reconfigure"
Lines are matched whole (surrounding white space aside) and must each be in FILE once.
Exit 0 when applied; 1, with the reason on stderr, when the fix cannot be applied (a fix that
needs the admin's judgement, such as correcting a list, is not mechanical: exit 3)."""
import re
import subprocess
import sys


def lines_of(path):
    return open(path).read().split("\n")


def find_once(lines, text, path):
    stripped = [l.strip() for l in lines]
    if stripped.count(text) != 1:
        sys.exit("applyfix: %r is in %s %d times, not once" % (text, path, stripped.count(text)))
    return stripped.index(text)


def main(path, fix, directive=None):
    fix = re.sub(r"^\s*(fix: )?", "", fix).strip()
    lines = lines_of(path)
    m = re.fullmatch(r"move `([^`]*)` above the if-block that holds `([^`]*)` \(.*\), outside it", fix)
    if m:
        a, b = m.groups()
        del lines[find_once(lines, a, path)]
        # the one line B inside an if-block: its block's if line
        depth, ifs = 0, []
        for i, l in enumerate(lines):
            if re.match(r"\s*if\s", l):
                depth, top = depth + 1, (i if depth == 0 else top)
            elif re.match(r"\s*endif\b", l):
                depth -= 1
            elif l.strip() == b and depth > 0:
                ifs.append(top)
        if len(ifs) != 1:
            sys.exit("applyfix: %r is inside an if-block %d times, not once" % (b, len(ifs)))
        lines.insert(ifs[0], a)
    elif m := re.fullmatch(r"(move|add) `([^`]*)`(?: and `([^`]*)`)? (above|after|right after) `([^`]*)`", fix):
        verb, a, c, where, b = m.groups()
        new = [a] + ([c] if c else [])
        if verb == "move":
            del lines[find_once(lines, a, path)]
        else:
            for x in new:
                if x in [l.strip() for l in lines]:
                    sys.exit("applyfix: %r is in %s already" % (x, path))
        at = find_once(lines, b, path) + (0 if where == "above" else 1)
        lines[at:at] = new
    elif m := re.fullmatch(r"add (\S+=\S+) to `([^`]*)`", fix):
        word, b = m.groups()
        at = find_once(lines, b, path)
        lines[at] = lines[at].rstrip() + " " + word
    elif m := re.fullmatch(r"write `([^`]*)`(?: and `([^`]*)`)? instead", fix):
        if directive is None:
            sys.exit("applyfix: %r needs the finding's directive" % fix)
        at = find_once(lines, directive, path)
        lines[at:at + 1] = [x for x in m.groups() if x]
    elif m := re.match(r"(?:write|give the helper) `-f ([^`]*)`", fix):
        at = [i for i, l in enumerate(lines) if l.startswith("external_acl_type ")]
        if len(at) != 1:
            sys.exit("applyfix: not one external_acl_type line in %s" % path)
        lines[at[0]] = re.sub(r" -f \S+", "", lines[at[0]]).rstrip() + " -f " + m.group(1)
    elif m := re.fullmatch(r"rename `([^`]*)` to `([^`]*)` in (\S+)", fix):
        x, y, other = m.groups()
        text = open(other).read()
        new = re.sub(r"(?<![\w-])%s(?![\w-])" % re.escape(x), y, text)
        if new == text:
            sys.exit("applyfix: no %r in %s" % (x, other))
        open(other, "w").write(new)
        return
    elif m := re.fullmatch(r"run `([^`]*)`", fix):
        cmd = re.sub(r"\s*&&\s*squid -k reconfigure\s*$", "", m.group(1))
        sys.exit(subprocess.run(["sh", "-c", cmd]).returncode)
    else:
        print("applyfix: not mechanical (the admin's judgement): %s" % fix, file=sys.stderr)
        sys.exit(3)
    open(path, "w").write("\n".join(lines))


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4):
        sys.exit("usage: applyfix.py FILE FIX [DIRECTIVE]")
    main(*sys.argv[1:])
