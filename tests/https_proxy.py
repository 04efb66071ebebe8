"""A test HTTPS proxy on 127.0.0.1 that plays the internet for download tests.

It answers ``CONNECT host:443`` as a forward proxy does, then, instead of tunnelling to the
host, terminates TLS itself with a certificate for that host issued by a throw-away test CA
(trustme) and answers the request from a dict of URL -> bytes. A client that trusts the test
CA through SSL_CERT_FILE and uses the proxy through HTTPS_PROXY therefore goes through every
step of a real download (proxy tunnel, TLS verification, HTTP) without leaving the machine.

Knobs for the failure tests: ``corrupt`` (URLs served with one byte changed), ``hang_hosts``
(CONNECT accepted and never answered), ``silent_hosts`` (tunnel and TLS fine, then no HTTP
answer), ``refuse_hosts`` (the proxy answers 403 to the CONNECT). ``requests`` records every
URL asked for, in order.
"""

from __future__ import annotations

import socket
import socketserver
import ssl
import threading
from pathlib import Path

import pytest
import trustme


def no_proxy_env(monkeypatch: pytest.MonkeyPatch, proxy: str, no_proxy: str = "") -> None:
    """Send every download through *proxy* (both spellings: lowercase wins in urllib),
    except the hosts in *no_proxy*."""
    for name in ("https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY"):
        monkeypatch.setenv(name, proxy)
    for name in ("no_proxy", "NO_PROXY"):
        if no_proxy:
            monkeypatch.setenv(name, no_proxy)
        else:
            monkeypatch.delenv(name, raising=False)


class LocalCA:
    """A trustme CA with its PEM written to *folder*/ca.pem (for SSL_CERT_FILE)."""

    def __init__(self, folder: Path) -> None:
        self.ca = trustme.CA()
        self.pem = folder / "ca.pem"
        self.ca.cert_pem.write_to_path(str(self.pem))

    def server_context(self, *names: str) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.ca.issue_cert(*names).configure_cert(context)
        return context


class HTTPSProxy:
    def __init__(self, ca: LocalCA, content: dict[str, bytes],
                 hosts: tuple[str, ...] = ("raw.githubusercontent.com",)) -> None:
        self.content = content
        self.corrupt: set[str] = set()
        self.hang_hosts: set[str] = set()
        self.silent_hosts: set[str] = set()
        self.refuse_hosts: set[str] = set()
        self.requests: list[str] = []
        self.stop = threading.Event()
        tls = ca.server_context(*hosts)
        proxy = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                sock: socket.socket = self.request
                sock.settimeout(10)
                try:
                    head = _read_head(sock)
                    method, target = head.split(b" ")[:2]
                    if method != b"CONNECT":
                        sock.sendall(b"HTTP/1.1 405 Method Not Allowed\r\n"
                                     b"Content-Length: 0\r\n\r\n")
                        return
                    host = target.decode().rsplit(":", 1)[0]
                    if host in proxy.hang_hosts:
                        proxy.stop.wait(30)  # accepted, never answered
                        return
                    if host in proxy.refuse_hosts:
                        sock.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
                        return
                    sock.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                    with tls.wrap_socket(sock, server_side=True) as secure:
                        request = _read_head(secure)
                        path = request.split(b" ")[1].decode()
                        url = f"https://{host}{path}"
                        proxy.requests.append(url)
                        if host in proxy.silent_hosts:
                            proxy.stop.wait(30)
                            return
                        body = proxy.content.get(url)
                        if body is None:
                            secure.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n"
                                           b"Connection: close\r\n\r\n")
                            return
                        if url in proxy.corrupt:
                            body = bytes([body[0] ^ 0x01]) + body[1:]
                        secure.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\n"
                                       + f"Content-Length: {len(body)}\r\n".encode()
                                       + b"Connection: close\r\n\r\n" + body)
                except (OSError, ValueError, IndexError):
                    return

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> HTTPSProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)


class Silent:
    """A TCP server on 127.0.0.1 that accepts connections and never sends a byte."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.held: list[socket.socket] = []
        self.stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self) -> None:
        self.sock.settimeout(0.2)
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.held.append(conn)

    def __enter__(self) -> Silent:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self._thread.join(timeout=5)
        for conn in self.held:
            conn.close()
        self.sock.close()


def _read_head(sock: socket.socket | ssl.SSLSocket) -> bytes:
    """The request line and headers (up to the blank line), at most 64 KiB."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            raise ValueError("connection closed before the request ended")
        data += chunk
        if len(data) > 65536:
            raise ValueError("request head too large")
    return data.split(b"\r\n", 1)[0]
