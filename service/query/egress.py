"""No way out: the threads and processes that evaluate a client's SPARQL cannot open a socket.

pyoxigraph carries an HTTP client for ``SERVICE`` and ``LOAD`` and has no switch to leave it
out, so :mod:`.query_text` refusing those keywords is one wall and this is the second, at
the engine: :func:`seal_thread` installs a seccomp filter (through libseccomp) on the calling
thread under which ``socket()`` of any family but ``AF_UNIX`` fails with ``EACCES``. A
seccomp filter binds the thread that installs it and every thread or process it starts, and
can never be lifted, so whatever spelling the text check might miss, Oxigraph's client cannot
connect anywhere: not even a DNS lookup leaves. The query threads over an in-memory store,
the thread that applies ``/sparql`` updates to an embedded store, and each query worker
process seal themselves when they start, unless ``allow_external`` is on. Threads that talk
to a remote store are never sealed (their store *is* outside).

Off Linux, or without libseccomp (Debian's ``libseccomp2``, which apt itself needs), nothing
is sealed and :func:`seal_thread` says so; the text check still refuses.
"""

from __future__ import annotations

import errno
import logging
import socket
import sys

__all__ = ["seal_thread"]

_log = logging.getLogger("jixiao.egress")


def seal_thread() -> bool:
    """Forbid the calling thread, and all it starts from now on, every socket but a Unix
    one; True when done, False (and a warning) where seccomp is not available."""
    if sys.platform != "linux":
        _log.warning("not sealed: seccomp is Linux only; SERVICE/LOAD rest on the text check")
        return False
    try:
        import pyseccomp as seccomp
    except (ImportError, OSError) as exc:  # no libseccomp on this system
        _log.warning("not sealed (%s); SERVICE/LOAD rest on the text check", exc)
        return False
    try:
        sockets = seccomp.SyscallFilter(seccomp.ALLOW)
        sockets.add_rule(
            seccomp.ERRNO(errno.EACCES), "socket", seccomp.Arg(0, seccomp.NE, socket.AF_UNIX)
        )
        sockets.load()  # sets no_new_privs first (libseccomp's default), so no root is needed
    except OSError as exc:  # a sandbox that forbids installing filters
        _log.warning("not sealed (%s); SERVICE/LOAD rest on the text check", exc)
        return False
    return True
