"""Rebuild on every change of the course sources, with watchfiles (the operating system's
file events through the Rust `notify` library: inotify, FSEvents, ReadDirectoryChangesW),
not a polling loop of our own.

Changes are debounced by watchfiles (a burst of writes, as an editor's save or a `git
checkout` makes, is one rebuild). What cannot be a source is ignored: watchfiles' default
list (.git, editor swap and backup files, caches) and the output folders a course folder
often holds (dist/, node_modules/), so that a `scormkit build` beside the preview does not
trigger rebuilds.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

IGNORED_DIRS = ("dist", "node_modules", "build", "__pycache__")
READY_MS = 300


def watch(source: Path, on_change: Callable[[set[str]], None], stop: threading.Event,
          ready: threading.Event | None = None) -> None:
    """Call *on_change* with the changed paths after each burst of changes under *source*,
    until *stop* is set (checked every few tens of milliseconds). *ready* is set once the
    operating system watches the folder (a change before that could be missed). Blocks:
    run it in a thread."""
    import watchfiles

    class Filter(watchfiles.DefaultFilter):
        ignore_dirs = (*watchfiles.DefaultFilter.ignore_dirs, *IGNORED_DIRS)

    # yield_on_timeout: an empty set every READY_MS while nothing changes; the first one
    # says the watch is in place (watchfiles sets it up before it waits).
    for changes in watchfiles.watch(source, watch_filter=Filter(), stop_event=stop,
                                    raise_interrupt=False, rust_timeout=READY_MS,
                                    yield_on_timeout=True):
        if stop.is_set():
            break
        if ready is not None:
            ready.set()
        if changes:
            on_change({path for _change, path in changes})


class Watcher:
    """watch() in a daemon thread: ``Watcher(source, on_change)``, ``wait_ready()``,
    ``stop()``."""

    def __init__(self, source: Path, on_change: Callable[[set[str]], None]) -> None:
        self.ready = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=watch,
                                        args=(source, on_change, self._stop, self.ready),
                                        name="scormkit-preview-watch", daemon=True)
        self._thread.start()

    def wait_ready(self, timeout: float = 10.0) -> bool:
        return self.ready.wait(timeout)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
