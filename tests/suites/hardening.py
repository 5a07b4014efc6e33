#!/usr/bin/env python3
"""hardening.py: the helper binary, tried as an attacker and an unlucky admin would. It must
never fail open and never stop answering:
 - a bad command line (unknown option, stray argument, bad -f) fails closed and stays closed
   after SIGHUP and after the file changes: no list is ever loaded for it
 - a list path that is (or becomes) a FIFO or a device is refused at once, fail closed or the
   old list kept; SIGTERM and EOF still work; --check says why and exits 1
 - a decision log that is a FIFO (with or without a reader) or a device is not used, and
   never blocks start-up or answers
 - log faults cost log lines only: the file size limit (no SIGXFSZ death), a short write (the
   next record starts on a line of its own), a log deleted while open (opened anew)
 - a list written in place slowly is never loaded half-way; one renamed into place loads
 - an empty list, or one that only lists ports and types, never replaces the list in force
 - a large reload does not stop answers: requests are answered from the old list meanwhile
 - an idle helper loads a changed list by itself (renamed into place, or edited in place and
   settled), so the first request after the change gets the new answer
 - stdout carries answers and nothing else, at start, SIGUSR1, SIGHUP, a reload that loads
   and one that fails, fail-closed, and exit (Squid 7 ends a helper that writes unasked)
Every wait is bounded; every helper started is ended.
"""
import os
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from checks import check, summary  # noqa: E402 (tests/lib/checks.py)

HELPER = os.environ["HELPER"]
KP = "mp001se.kpoint.com 443 - -"
OK_KP = "OK kpoint_=1 log=kpoint-allow:mp001se.kpoint.com"
TMP = tempfile.mkdtemp(prefix="kpoint-hardening.")
procs = []


class Helper:
    """The helper on pipes, one request at a time, every read bounded."""

    def __init__(self, args, preexec=None, log_stderr=None):
        # O_APPEND: the helper's writes always land at the end, whatever is read meanwhile
        self.errpath = log_stderr or os.path.join(TMP, "stderr.%d" % len(procs))
        self.err = open(self.errpath, "a")
        self.p = subprocess.Popen([HELPER] + args, stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=self.err,
                                  preexec_fn=preexec, bufsize=0)
        procs.append(self.p)
        self.n = 0

    def ask(self, request, timeout=5.0):
        """Send one request with a channel-ID; return the answer without it, or None."""
        self.n += 1
        try:
            self.p.stdin.write(("%d %s\n" % (self.n, request)).encode())
        except BrokenPipeError:
            return None		# the helper has died
        line = [None]

        def read():
            line[0] = self.p.stdout.readline().decode()
        t = threading.Thread(target=read, daemon=True)
        t.start()
        t.join(timeout)
        if line[0] is None or not line[0]:
            return None
        ident, _, rest = line[0].rstrip("\n").partition(" ")
        return rest if ident == str(self.n) else "WRONG ID: " + line[0]

    def ask_until(self, request, want, seconds):
        """Ask every 0.2 s until the answer is want (files are looked at on traffic)."""
        end = time.monotonic() + seconds
        got = None
        while time.monotonic() < end:
            got = self.ask(request)
            if got == want:
                return got
            time.sleep(0.2)
        return got

    def stderr(self):
        with open(self.errpath, errors="replace") as f:
            return f.read()

    def stderr_has(self, text, seconds=5.0):
        """Wait (bounded) until the helper's stderr holds text."""
        end = time.monotonic() + seconds
        while text not in self.stderr() and time.monotonic() < end:
            time.sleep(0.1)
        return text in self.stderr()

    def stderr_count_reaches(self, text, n, seconds=5.0):
        """Wait (bounded) until the helper's stderr holds text n times or more."""
        end = time.monotonic() + seconds
        while self.stderr().count(text) < n and time.monotonic() < end:
            time.sleep(0.05)
        return self.stderr().count(text) >= n

    def end(self, timeout=5.0):
        try:
            self.p.stdin.close()
        except OSError:
            pass
        try:
            return self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
            return "hung"


def wait_log(path, text, n, seconds=5.0):
    """Wait (bounded) until the file at path holds text n times or more."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        with open(path, errors="replace") as f:
            if f.read().count(text) >= n:
                return True
        time.sleep(0.05)
    return False


def wait_lines(path, n, seconds=5.0):
    """Wait (bounded) until the file at path has n lines or more."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        with open(path, errors="replace") as f:
            if f.read().count("\n") >= n:
                return True
        time.sleep(0.05)
    return False


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def good_list(path, extra=""):
    write(path, "host mp001se.kpoint.com\nport 443\n" + extra)


def bad_command_lines():
    path = os.path.join(TMP, "cmdline.conf")
    good_list(path)
    for args in (["-c", path, "--bogus"], ["-c", path, "stray"], ["-c", path, "-f", "host,bogus"],
                 ["-c", path, "-f", ""], ["-c", path, "-f", "host,host"],
                 ["-c", path, "-f", "port,host"]):
        h = Helper(args)
        first = h.ask(KP)
        check("%s: fail closed" % args[2:], first is not None and
              first.startswith("ERR log=kpoint-failclosed"), first)
        h.p.send_signal(signal.SIGHUP)
        check("%s: SIGHUP handled, and refused" % args[2:],
              h.stderr_has("not reloading (SIGHUP)"), h.stderr())
        after = h.ask(KP)
        check("%s: still fail closed after SIGHUP (no built-in list)" % args[2:],
              after is not None and after.startswith("ERR log=kpoint-failclosed"), after)
        os.utime(path, (time.time() + 5, time.time() + 5))
        # Nothing to wait on: a helper with a bad command line looks at no file (source.c),
        # so there is no event; give it the time a look would take.
        time.sleep(1.1)
        after = h.ask(KP)
        check("%s: still fail closed after the file changed" % args[2:],
              after is not None and after.startswith("ERR log=kpoint-failclosed"), after)
        check("%s: says it does not reload" % args[2:], h.stderr_has("not reloading (SIGHUP)"))
        check("%s: exits 0 at EOF" % args[2:], h.end() == 0)


def fifos_and_devices():
    fifo = os.path.join(TMP, "list.fifo")
    os.mkfifo(fifo)
    for path in (fifo, "/dev/zero", "/dev/null", TMP):
        r = subprocess.run([HELPER, "--check", "-c", path], capture_output=True, text=True,
                           timeout=10)
        check("--check %s: refused, exit 1" % path, r.returncode == 1, r.stderr)
        check("--check %s: says why" % path, "not a regular file" in r.stderr, r.stderr)
        h = Helper(["-c", path])
        got = h.ask(KP)
        check("serving with %s: answers at once, fail closed" % path,
              got is not None and got.startswith("ERR log=kpoint-failclosed") and
              "not a regular file" in got, got)
        h.p.send_signal(signal.SIGTERM)
        check("serving with %s: SIGTERM ends it" % path, h.end() == 0)

    # A good list that becomes a FIFO: the old list stays, answers go on.
    path = os.path.join(TMP, "becomes.conf")
    good_list(path)
    h = Helper(["-c", path])
    check("a list that becomes a FIFO: first answer", h.ask(KP) == OK_KP)
    os.unlink(path)
    os.mkfifo(path)
    # its once-a-second look finds the FIFO and refuses it, with no request
    check("a list that becomes a FIFO: the look refuses it",
          h.stderr_count_reaches("failed with", 1), h.stderr())
    got = h.ask(KP)
    check("a list that becomes a FIFO: old list kept, still answering", got == OK_KP, got)
    h.p.send_signal(signal.SIGHUP)
    check("...and after SIGHUP", h.ask(KP) == OK_KP)
    check("...the reload failure says why", h.stderr_has("not a regular file"), h.stderr())
    check("...exits at EOF", h.end() == 0)

    # Decision logs that are not regular files.
    logfifo = os.path.join(TMP, "log.fifo")
    os.mkfifo(logfifo)
    deny = "mp001se.kpoint.com 8080 - -"
    for what, path in (("a FIFO with no reader", logfifo), ("/dev/full", "/dev/full")):
        h = Helper(["-l", path])
        got = h.ask(deny, timeout=3)
        check("-l %s: start-up and answers not blocked" % what,
              got is not None and got.startswith("ERR kpoint_=0 log=kpoint-deny:port"), got)
        check("-l %s: says it runs without the log" % what, h.stderr_has("decision log"))
        check("-l %s: exits at EOF" % what, h.end() == 0)
    # A FIFO with a reader that never reads: refused too, so it can never stall answers.
    rfd = os.open(logfifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        h = Helper(["-l", logfifo])
        answers = [h.ask(deny, timeout=3) for _ in range(200)]
        check("-l a FIFO with a stalled reader: 200 denials answered",
              all(a is not None and a.startswith("ERR kpoint_=0") for a in answers))
        check("-l a FIFO with a stalled reader: exits at EOF", h.end() == 0)
    finally:
        os.close(rfd)


def log_faults():
    deny = "mp001se.kpoint.com 8080 - -"
    # The file size limit: without SIGXFSZ ignored, the first write past it kills the helper.
    log = os.path.join(TMP, "fsize.log")
    write(log, "x" * 3000 + "\n")

    def limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (3500, 3500))
    h = Helper(["-l", log], preexec=limit)
    answers = [h.ask(deny) for _ in range(20)]
    check("file size limit: every request still answered",
          all(a is not None and a.startswith("ERR kpoint_=0") for a in answers), answers[-1])
    h.p.send_signal(signal.SIGUSR1)
    check("file size limit: the lost lines are counted",
          h.stderr_has("log_lost=") and "log_lost=0 " not in h.stderr(), h.stderr()[-300:])
    check("file size limit: exits 0 (no SIGXFSZ)", h.end() == 0)
    with open(log, "rb") as f:
        data = f.read()
    lines = data.split(b"\n")[1:-1]
    check("file size limit: a short write never glues two records",
          all(line.count(b" deny ") <= 1 for line in lines), data[-400:])
    # After the limit is lifted the next record starts on a line of its own.
    h = Helper(["-l", log])
    check("after a short write: answered", h.ask(deny).startswith("ERR kpoint_=0"))
    h.end()
    with open(log, "rb") as f:
        last = f.read().split(b"\n")[-2]
    check("after a short write: the next record is one whole line",
          last[:2] == b"20" and last.count(b" deny ") == 1, last)

    # A log deleted while open: the next lines go to a new file at the same path.
    log = os.path.join(TMP, "deleted.log")
    h = Helper(["-l", log])
    h.ask(deny)
    os.unlink(log)
    # the log is looked at, at most once a second, when a record is written: write until the
    # record that finds it gone has opened it anew (bounded), then one more
    end = time.monotonic() + 5
    while not os.path.exists(log) and time.monotonic() < end:
        h.ask(deny)
    check("a deleted log is opened anew", os.path.exists(log))
    h.ask(deny)
    if os.path.exists(log):
        with open(log) as f:
            got = f.read()
        check("...with the later records, whole lines", got.count(" deny reason=port") == 2 and
              got.endswith("\n"), got)
    check("...exits at EOF", h.end() == 0)


def half_written():
    path = os.path.join(TMP, "slow.conf")
    good_list(path)
    h = Helper(["-c", path])
    check("slow writer: the first list", h.ask(KP) == OK_KP)
    # Truncate, then write a long list slowly in place; mid-way the file holds a cut line
    # ("port 52", "domain .kpoint.co") that must never take effect.
    full = ("domain .kpoint.com\n" + "".join("host h%d.example\n" % i for i in range(20)) +
            "port 5222 443\n")
    f = open(path, "w")
    seen = set()
    try:
        for i in range(0, len(full), 40):
            f.write(full[i:i + 40])
            f.flush()
            seen.add(h.ask(KP))
            seen.add(h.ask("portal.kpoint.co 443 - -"))
            time.sleep(0.25)	# the scenario: a slow writer
    finally:
        f.close()
    check("slow writer: nothing from a half-written file took effect",
          seen <= {OK_KP, "ERR"}, seen)
    got = h.ask_until("portal.kpoint.com 5222 - -",
                      "OK kpoint_=1 log=kpoint-allow:.kpoint.com", 8)
    check("slow writer: the whole file loads once it has settled",
          got == "OK kpoint_=1 log=kpoint-allow:.kpoint.com", got)
    # Write and rename: loads without waiting to settle.
    write(path + ".new", "host mp001se.kpoint.com\nport 1935\n")
    os.rename(path + ".new", path)
    t0 = time.monotonic()
    got = h.ask_until(KP, "ERR kpoint_=0 log=kpoint-deny:port message=\"kPoint traffic to port "
                      "443 is not allowed\"", 5)
    check("write and rename: loaded within about a second",
          got.startswith("ERR kpoint_=0") and time.monotonic() - t0 < 2.5, got)
    check("slow writer: exits at EOF", h.end() == 0)


def empty_lists():
    path = os.path.join(TMP, "empty.conf")
    good_list(path)
    h = Helper(["-c", path])
    check("empty list: first answer", h.ask(KP) == OK_KP)
    for n, text in enumerate(("", "# only a comment\n", "port 443\ntype video/mp4\n",
                              "net 0.0.0.0/0\n", "regex .\n")):
        write(path + ".new", text)
        os.rename(path + ".new", path)
        # its look finds the new file and refuses it, with no request
        check("list %r: refused" % text, h.stderr_count_reaches("failed with", n + 1),
              h.stderr()[-500:])
        got = h.ask(KP)
        check("list %r: the list in force stays" % text, got == OK_KP, got)
        r = subprocess.run([HELPER, "--check", "-c", path], capture_output=True, text=True,
                           timeout=10)
        check("--check %r: exit 1" % text, r.returncode == 1, r.stdout + r.stderr)
    check("empty list: reload failures logged", h.stderr().count("failed with") >= 4,
          h.stderr()[-500:])
    check("empty list: exits at EOF", h.end() == 0)
    h = Helper(["-c", "/dev/null"])
    got = h.ask(KP)
    check("started with /dev/null: fail closed", got is not None and
          got.startswith("ERR log=kpoint-failclosed"), got)
    h.end()


def big_list(name, head):
    """TMP/name.conf: head, then 300000 hosts hN.name.example (it takes a while to load)."""
    path = os.path.join(TMP, name + ".conf")
    with open(path, "w") as f:
        f.write(head)
        for i in range(0, 300000, 10):
            f.write("host " + " ".join("h%d.%s.example" % (j, name) for j in range(i, i + 10)) +
                    "\n")
    return path


def reload_keeps_answering():
    """A list of 300000 hosts loads for a while: answers must keep coming meanwhile."""
    path = big_list("big", "port 443\n")
    h = Helper(["-c", path])
    check("big list: loaded", h.ask("h7.big.example 443 - -", timeout=30) ==
          "OK kpoint_=1 log=kpoint-allow:h7.big.example")
    with open(path, "a") as f:
        f.write("host mp001se.kpoint.com\n")
    os.rename(path, path + ".tmp")
    os.rename(path + ".tmp", path)		# a new inode? no: same file; make it one
    data = open(path).read()
    write(path + ".new", data)
    os.rename(path + ".new", path)
    # no wait: the loop below asks from now until the new list answers, so it covers the
    # moment the helper notices the file and the whole load
    longest = 0.0
    answers = 0
    end = time.monotonic() + 20
    switched = False
    while time.monotonic() < end and not switched:
        t0 = time.monotonic()
        got = h.ask(KP, timeout=10)
        longest = max(longest, time.monotonic() - t0)
        answers += 1
        switched = got == OK_KP
        if got not in (OK_KP, "ERR"):
            check("big reload: only whole-list answers", False, got)
            break
    check("big reload: the new list took over", switched)
    check("big reload: answered from the old list meanwhile (%d answers)" % answers,
          answers > 3)
    print("  big reload: longest single answer %.1f ms over %d answers" %
          (longest * 1000, answers))
    check("big reload: exits at EOF", h.end() == 0)


def closed_descriptors():
    """Started with stdin (or stderr) closed, the helper must not hand that descriptor to a
    file or pipe of its own and then wait on it: a closed stdin is end of input."""
    for fd in (0, 2):
        try:
            r = subprocess.run([HELPER], preexec_fn=lambda fd=fd: os.close(fd),
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=5,
                               stdin=subprocess.DEVNULL)
            rc = r.returncode
        except subprocess.TimeoutExpired:
            rc = "hung"
        check("started with fd %d closed: ends at once, exit 0" % fd, rc == 0, rc)


def nothing_unasked():
    """Every line on stdout answers a request, in every mode the snippets use."""
    path = os.path.join(TMP, "quiet.conf")
    log = os.path.join(TMP, "quiet.log")
    modes = (["-c", path, "-l", log], ["-c", path, "-d"], ["-l", log, "--log-format", "json"],
             ["-c", os.path.join(TMP, "no-such.conf")], ["--bogus"], ["-f", "host,bogus"])
    for i, args in enumerate(modes):
        good_list(path)
        errpath = os.path.join(TMP, "quiet-%d.err" % i)
        p = subprocess.Popen([HELPER] + args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=open(errpath, "w"))
        procs.append(p)
        sent = 0

        out = []

        def ask(request):
            """Send a request and read its answer: the helper handles a signal sent before
            the request before it answers (signals are taken only between batches, serve.h),
            so each answer marks the signals before it as done."""
            nonlocal sent
            sent += 1
            p.stdin.write(("%d %s\n" % (sent, request)).encode())
            p.stdin.flush()
            out.append(p.stdout.readline())
        ask(KP)		# answered: it is up, its signal handlers in place
        p.send_signal(signal.SIGUSR1)
        ask(KP)
        with open(errpath, errors="replace") as f:
            said = f.read().count("\n")
        p.send_signal(signal.SIGHUP)
        ask(KP)
        # every mode says what it did with the SIGHUP (reloaded, refused, failed): wait for
        # that line, so that its reload is over before the file changes under it
        check("%s: SIGHUP answered in its log" % args, wait_lines(errpath, said + 1))
        loads = args[:2] == ["-c", path]	# the modes whose list is that file
        good_list(path, "port 80\n")	# a reload that loads
        os.utime(path, (time.time() + 5, time.time() + 5))
        if loads:	# it reloads by itself: wait for it in its log
            check("%s: reloaded by itself" % args,
                  wait_log(errpath, "reloaded (file changed)", 1))
        else:		# it looks at no file (fail closed): no event; the time of a look
            time.sleep(1.1)
        ask("mp001se.kpoint.com 80 - -")
        write(path, "bogus line\n")	# a reload that fails
        os.utime(path, (time.time() + 10, time.time() + 10))
        if loads:
            check("%s: refused the bad list by itself" % args, wait_log(errpath, "failed with", 1))
        else:
            time.sleep(1.1)
        ask(KP)
        ask("www.other.example 443 - -")
        try:
            rest, _ = p.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
            rest, _ = p.communicate()
        lines = b"".join(out + [rest]).decode(errors="replace").splitlines()
        check("%s: stdout holds the %d answers and nothing else" % (args, sent),
              [l.split(" ")[0] for l in lines] == [str(i + 1) for i in range(sent)], lines)
        check("%s: exits 0" % args, p.returncode == 0, p.returncode)


def idle_helper_follows():
    """No request while the list changes: the helper has loaded it before the next one."""
    path = os.path.join(TMP, "idle.conf")
    good_list(path)
    h = Helper(["-c", path])
    check("idle: the list in force", h.ask(KP) == OK_KP)
    other = "mp0016se.kpoint.com 443 - -"
    ok_other = "OK kpoint_=1 log=kpoint-allow:mp0016se.kpoint.com"
    # renamed into place: a new file, loaded within a second or so
    write(path + ".new", "host mp0016se.kpoint.com\nport 443\n")
    os.rename(path + ".new", path)
    check("idle, renamed into place: loaded with no request",
          h.stderr_has("reloaded (file changed)", 4.0), h.stderr())
    check("idle, renamed into place: the first request gets the new answer",
          h.ask(other) == ok_other and h.ask(KP) == "ERR")
    # edited in place: loaded once it has settled, still with no request
    with open(path, "w") as f:
        f.write("host mp001se.kpoint.com\nport 443\n")
    seen = h.stderr().count("reloaded (file changed)")
    end = time.monotonic() + 6.0
    while h.stderr().count("reloaded (file changed)") == seen and time.monotonic() < end:
        time.sleep(0.1)
    check("idle, edited in place: loaded with no request, once settled",
          h.stderr().count("reloaded (file changed)") == seen + 1, h.stderr())
    check("idle, edited in place: the first request gets the new answer",
          h.ask(KP) == OK_KP and h.ask(other) == "ERR")
    check("idle: exits 0 at EOF", h.end() == 0)


def deleted_list():
    """A list file deleted for longer than a second: the list in force stays, nothing is
    reloaded, and the file back in place loads."""
    path = os.path.join(TMP, "deleted.conf")
    good_list(path)
    h = Helper(["-c", path])
    check("deleted list: the list in force", h.ask(KP) == OK_KP)
    os.unlink(path)
    check("deleted list: the look sees it gone", h.stderr_has("No such file or directory"),
          h.stderr())
    # the claim is about a duration: looks go on once a second while it is gone
    answers = []
    end = time.monotonic() + 2.5
    while time.monotonic() < end:
        answers.append(h.ask(KP))
        time.sleep(0.1)
    check("deleted list: answered from the list in force for 2.5 s (%d answers)" % len(answers),
          set(answers) == {OK_KP}, set(answers))
    check("deleted list: no reload tried while it is gone",
          "failed with" not in h.stderr() and "reloaded" not in h.stderr(), h.stderr())
    write(path + ".new", "host mp0016se.kpoint.com\nport 443\n")
    os.rename(path + ".new", path)
    check("deleted list, back in place: loaded", h.stderr_has("reloaded (file changed)"),
          h.stderr())
    check("deleted list, back in place: its answers",
          h.ask("mp0016se.kpoint.com 443 - -") == "OK kpoint_=1 log=kpoint-allow:"
          "mp0016se.kpoint.com" and h.ask(KP) == "ERR")
    check("deleted list: exits at EOF", h.end() == 0)


def reload_during_reload():
    """SIGHUP while a reload runs: the second is not lost; a second reload follows."""
    path = big_list("twice", "port 443\nhost mp001se.kpoint.com\n")
    h = Helper(["-c", path])
    check("reload during reload: loaded", h.ask(KP, timeout=30) == OK_KP)
    h.p.send_signal(signal.SIGHUP)
    h.ask(KP)	# answered: the first SIGHUP was taken, its reload runs on its own thread
    h.p.send_signal(signal.SIGHUP)
    h.ask(KP)	# answered: the second was taken, most likely while the first still runs
    check("reload during reload: both reloads done",
          h.stderr_count_reaches("reloaded (SIGHUP)", 2, 30), h.stderr())
    check("reload during reload: exits at EOF", h.end() == 0)


def main():
    try:
        idle_helper_follows()
        deleted_list()
        reload_during_reload()
        nothing_unasked()
        closed_descriptors()
        bad_command_lines()
        fifos_and_devices()
        log_faults()
        half_written()
        empty_lists()
        reload_keeps_answering()
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        subprocess.run(["rm", "-rf", TMP])
    return summary()


if __name__ == "__main__":
    sys.exit(main())
