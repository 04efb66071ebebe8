"""Downloads as users' networks allow them: proxies, corporate CAs, timeouts, a time limit.

Only `scormkit schemas install` and `scormkit runtime install` download anything, and only
files pinned by a hash that the caller checks. This module gets the bytes:

- Proxies come from the environment as every command-line tool reads them: ``HTTPS_PROXY``
  / ``HTTP_PROXY`` (``http://[user:password@]host:port``; HTTPS goes through a CONNECT
  tunnel) and ``NO_PROXY`` (hosts and domain suffixes reached directly). urllib reads these
  (lowercase names win over uppercase, as curl does); on macOS and Windows it also reads the
  system's proxy settings.
- Certificates are verified against the system's CAs plus ``SSL_CERT_FILE`` when set: a
  proxy that inspects TLS re-signs every site with the organisation's CA, which the user
  trusts by pointing ``SSL_CERT_FILE`` at a bundle that holds it.
- Each address gets a connect timeout (TCP, the proxy's CONNECT and the TLS handshake) and a
  read timeout (any wait for the next bytes), and the whole run has a deadline, so a server
  that accepts the connection and never answers costs one read timeout, never an open-ended
  wait.
"""

from __future__ import annotations

import functools
import http.client
import os
import socket
import ssl
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scormkit.errors import ScormkitError

CONNECT_TIMEOUT = 10.0
"""Seconds to open a connection (TCP, a proxy's CONNECT, TLS): long enough for a slow
corporate proxy, short enough that an unreachable host is reported while the user waits."""
READ_TIMEOUT = 20.0
"""Seconds without a byte from a connected server before the address counts as failed."""
MAX_TIME = 600.0
"""Seconds for one whole command (every file, every address): the outer bound."""


@dataclass(frozen=True, slots=True)
class Limits:
    connect: float = CONNECT_TIMEOUT
    read: float = READ_TIMEOUT
    total: float = MAX_TIME


class FetchError(ScormkitError):
    """One address could not be fetched. ``host_failed`` is true when the failure is the
    host's or the network's (no route, no answer, a refused tunnel, an untrusted certificate)
    rather than this one address's (404, too large): other addresses on the same host are
    then not worth trying."""

    code = "download-failed"

    def __init__(self, reason: str, *, host_failed: bool = False) -> None:
        super().__init__(reason)
        self.host_failed = host_failed


def ssl_context() -> ssl.SSLContext:
    """The system's CAs, plus the bundle SSL_CERT_FILE names (OpenSSL reads that variable
    itself on most systems; loading it explicitly makes it work with every Python build)."""
    context = ssl.create_default_context()
    cafile = os.environ.get("SSL_CERT_FILE")
    if cafile:
        if not Path(cafile).is_file():
            raise FetchError(f"SSL_CERT_FILE names {cafile}, which is not a file",
                             host_failed=True)
        try:
            context.load_verify_locations(cafile=cafile)
        except (ssl.SSLError, OSError) as exc:
            raise FetchError(f"SSL_CERT_FILE={cafile} holds no usable certificates: {exc}",
                             host_failed=True) from None
    return context


def proxy_for(url: str) -> str | None:
    """The proxy urllib will use for *url* (None: direct), for messages."""
    parts = urlsplit(url)
    proxies = urllib.request.getproxies()
    proxy = proxies.get(parts.scheme)
    if proxy and parts.hostname and urllib.request.proxy_bypass(parts.hostname):
        return None
    return proxy


def describe_network(url: str, limits: Limits) -> str:
    """One line saying how *url* will be reached, for the progress output."""
    proxy = proxy_for(url)
    how = f"through the proxy {_safe(proxy)}" if proxy else "directly (no proxy set)"
    extra = f", trusting SSL_CERT_FILE={os.environ['SSL_CERT_FILE']}" \
        if os.environ.get("SSL_CERT_FILE") and url.startswith("https:") else ""
    return (f"{how}{extra}; connect timeout {limits.connect:g} s, read timeout "
            f"{limits.read:g} s, at most {limits.total:g} s in all")


def _safe(proxy: str) -> str:
    """A proxy URL without its password."""
    parts = urlsplit(proxy if "://" in proxy else f"http://{proxy}")
    host = parts.hostname or ""
    return f"{parts.scheme}://{host}" + (f":{parts.port}" if parts.port else "")


class _Timed(http.client.HTTPConnection):
    """A connection whose connect timeout covers TCP, a proxy tunnel and TLS; then the socket
    switches to the read timeout and is handed to *record* for the deadline checks. The HTTPS
    connection below inherits it first, so its connect() (TLS) runs inside this one."""

    def __init__(self, host: str, port: int | None = None, *, read_timeout: float,
                 record: list[socket.socket], **kwargs: Any) -> None:
        super().__init__(host, port, **kwargs)
        self._read_timeout = read_timeout
        self._record = record

    def connect(self) -> None:
        super().connect()
        self.sock.settimeout(self._read_timeout)
        self._record.append(self.sock)


_HTTP = _Timed


class _HTTPS(_Timed, http.client.HTTPSConnection):
    pass


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, read_timeout: float, record: list[socket.socket]) -> None:
        super().__init__()
        self._read_timeout = read_timeout
        self._record = record

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(functools.partial(_HTTP, read_timeout=self._read_timeout,
                                              record=self._record), req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, context: ssl.SSLContext, read_timeout: float,
                 record: list[socket.socket]) -> None:
        super().__init__(context=context)
        self._ssl_context = context
        self._read_timeout = read_timeout
        self._record = record

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(functools.partial(_HTTPS, read_timeout=self._read_timeout,
                                              record=self._record), req,
                            context=self._ssl_context)


def fetch(url: str, *, max_bytes: int, limits: Limits, deadline: float) -> bytes:
    """The body of *url* (http or https), at most *max_bytes*; FetchError otherwise.

    *deadline* is a time.monotonic() value shared by a whole command: no wait goes past it.
    """
    if not url.startswith(("https://", "http://")):
        raise FetchError(f"{url} is not an http(s) address")
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise FetchError("not tried: the time limit was reached", host_failed=True)
    record: list[socket.socket] = []
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler(),
        _HTTPHandler(min(limits.read, remaining), record),
        _HTTPSHandler(ssl_context(), min(limits.read, remaining), record),
    )
    request = urllib.request.Request(url, headers={"User-Agent": "scormkit",
                                                   "Accept-Encoding": "identity"})
    phase = "connect"
    try:
        with opener.open(request, timeout=min(limits.connect, remaining)) as response:
            phase = "read"
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise FetchError(f"the server offers {int(declared)} bytes, more than the "
                                 f"{max_bytes} this file can have")
            chunks: list[bytes] = []
            size = 0
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise FetchError("stopped: the time limit was reached while reading",
                                     host_failed=True)
                for sock in record[-1:]:
                    sock.settimeout(min(limits.read, left))
                chunk = response.read1(65536)
                if not chunk:
                    break
                size += len(chunk)
                if size > max_bytes:
                    raise FetchError(f"the server sent more than {max_bytes} bytes, more "
                                     "than this file can have")
                chunks.append(chunk)
            return b"".join(chunks)
    except urllib.error.HTTPError as exc:
        raise FetchError(f"HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        raise FetchError(_explain(exc.reason, "connect", limits), host_failed=True) from None
    except (OSError, http.client.HTTPException) as exc:
        raise FetchError(_explain(exc, phase if phase == "read" else "answer", limits),
                         host_failed=True) from None


def _explain(reason: object, phase: str, limits: Limits) -> str:
    """A short human account of a network failure."""
    if isinstance(reason, TimeoutError | socket.timeout):
        if phase == "connect":
            return (f"no connection within {limits.connect:g} s (the host, or the proxy's "
                    "tunnel to it, did not answer)")
        if phase == "answer":
            return (f"connected, but no answer within {limits.read:g} s (the server "
                    "accepted the connection and sent nothing)")
        return f"the server stopped sending for {limits.read:g} s"
    if isinstance(reason, ssl.SSLCertVerificationError):
        return (f"the server's certificate is not trusted ({reason.verify_message}); behind a "
                "proxy that inspects TLS, set SSL_CERT_FILE to a bundle holding its CA")
    if isinstance(reason, socket.gaierror):
        return f"the host name could not be resolved ({reason.strerror})"
    if isinstance(reason, ConnectionRefusedError):
        return "the connection was refused"
    text = str(reason)
    if text.startswith("Tunnel connection failed"):
        return f"the proxy refused the tunnel ({text.split(':', 1)[-1].strip()})"
    return text or type(reason).__name__
