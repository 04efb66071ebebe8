"""`scormkit preview`: the course in a local LMS, rebuilt on every change of its sources.

- builder: the course compiled in memory for one web target (scorm2004, scorm12, cmi5), a
  source error kept as a failed build with its diagnostics;
- server: 127.0.0.1 only: the LMS page (assets/index.html, with the SCORM 1.2 and 2004 API
  objects of assets/lms-api.js and the debug view of assets/preview.js), the course of the
  last good build, the learner record between sessions, build events (server-sent events);
- lrs: the cmi5 side (launch, fetch URL, statements, state, LaunchData);
- watcher: watchfiles on the course folder, a rebuild per burst of changes.

``serve()`` ties them together for the CLI; tests and hosts use ``Preview`` and ``Watcher``
directly. Layering: this package reads the sources and runs the writers, as build does; only
the CLI imports it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from scormkit.preview.builder import PREVIEW_TARGETS, Build, compile_course, default_target
from scormkit.preview.server import HOST, PortInUse, Preview
from scormkit.preview.watcher import Watcher

__all__ = ["HOST", "PREVIEW_TARGETS", "Build", "PortInUse", "Preview", "Watcher",
           "compile_course", "default_target", "serve"]


def serve(source: Path, target: str, *, port: int = 8000, open_browser: bool = True,
          on_build: Callable[[Build], None] | None = None,
          on_ready: Callable[[str], None] | None = None,
          stop: threading.Event | None = None) -> None:
    """Build, serve and watch until *stop* is set or Ctrl-C (KeyboardInterrupt, which
    propagates after everything is closed: the caller decides what to print).

    *on_build* is called with each build (the first one too), *on_ready* with the URL once
    the server listens. Raises PortInUse before anything else is started."""
    preview = Preview(source, target, port=port)
    report = on_build or (lambda _build: None)
    preview.start()  # the port first: a port in use is said before any build
    watcher = None
    try:
        report(preview.rebuild())
        watcher = Watcher(source, lambda _paths: report(preview.rebuild()))
        if on_ready:
            on_ready(preview.url)
        if open_browser:
            import webbrowser

            # In a thread: some browsers' launchers block until the browser exits.
            threading.Thread(target=webbrowser.open, args=(preview.url,), daemon=True).start()
        stop = stop or threading.Event()
        while not stop.wait(0.5):  # short waits: Ctrl-C is seen at once on every platform
            pass
    finally:
        if watcher is not None:
            watcher.stop()
        preview.close()
