#!/usr/bin/env python3
"""cputime.py ROUNDS INPUT OUT CMD [-- CMD ...]: the CPU time (user + system, from wait4, in
microseconds, not the 1 ms of a shell's `time`) each command takes to read INPUT on stdin,
the commands interleaved, the best of ROUNDS runs each. OUT is "null" (stdout to /dev/null)
or "pipe" (stdout into a pipe this script drains, as into Squid's socket). Prints one line
per command: seconds."""
import os
import sys
import threading


def drain(fd):
    while os.read(fd, 1 << 16):
        pass
    os.close(fd)


def run(argv, path, out):
    fin = os.open(path, os.O_RDONLY)
    if out == "pipe":
        rd, fout = os.pipe()
        reader = threading.Thread(target=drain, args=(rd,))
        reader.start()
    else:
        fout, reader = os.open(os.devnull, os.O_WRONLY), None
    ferr = os.open(os.devnull, os.O_WRONLY)
    pid = os.fork()
    if pid == 0:
        os.dup2(fin, 0)
        os.dup2(fout, 1)
        os.dup2(ferr, 2)
        os.execvp(argv[0], argv)
    for fd in (fin, fout, ferr):
        os.close(fd)
    _, status, usage = os.wait4(pid, 0)
    if reader:
        reader.join()
    if status != 0:
        sys.exit("cputime.py: %s exited with status %d" % (argv[0], status))
    return usage.ru_utime + usage.ru_stime


def main():
    rounds, path, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    cmds, cur = [], []
    for arg in sys.argv[4:]:
        if arg == "--":
            cmds.append(cur)
            cur = []
        else:
            cur.append(arg)
    cmds.append(cur)
    best = [float("inf")] * len(cmds)
    for _ in range(rounds):
        for i, argv in enumerate(cmds):
            best[i] = min(best[i], run(argv, path, out))
    for b in best:
        print("%.6f" % b)


main()
