"""checks.py: shared by the Python tests (lib.sh's twin). Counts checks, prints each failure
and the closing line "N passed, N failed"; and starts the helper on the transport Squid 5.7
gives external ACL helpers."""
import socket
import subprocess

passed = failed = 0


def check(desc, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL: %s %s" % (desc, detail))


def summary():
    """Print "N passed, N failed"; the exit status for the test. A test that passed nothing
    fails, as in lib.sh: it checked nothing."""
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 and passed > 0 else 1


def helper_on_tcp(argv):
    """Start argv as Squid 5.7 starts an external ACL helper (seen live): stdin and stdout
    one TCP connection on loopback, [::1], or 127.0.0.1 where there is no IPv6 loopback.
    Returns (Squid's end, the process, the helper's end, still open here so that its socket
    options can be read; close it when done with them)."""
    try:
        ls = socket.socket(socket.AF_INET6)
        ls.bind(("::1", 0))
    except OSError:
        ls = socket.socket(socket.AF_INET)
        ls.bind(("127.0.0.1", 0))
    ls.listen(1)
    squid = socket.create_connection(ls.getsockname()[:2])
    theirs, _ = ls.accept()
    ls.close()
    proc = subprocess.Popen(argv, stdin=theirs, stdout=theirs, stderr=subprocess.DEVNULL)
    return squid, proc, theirs
