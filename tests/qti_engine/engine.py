"""A real QTI engine for the tests: @citolab/qti-components 7.27 in headless Chromium scores
QTI 3.0 items with their own response processing; @citolab/qti-convert turns QTI 2.1 items
into QTI 3.0 first (the 1EdTech 2.x-to-3.0 stylesheet, not our QTI 3.0 writer, so that a
QTI 2.1 item is scored as the QTI 2.1 package writes it).

Both are pinned test-only devDependencies in package.json (npm ci installs them); neither is
shipped nor copied. The page (engine.html) and node_modules are served on 127.0.0.1; any
other request fails the test (the engine must work offline, response processing templates
included).
"""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import subprocess
import threading
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
COMPONENTS = ROOT / "node_modules" / "@citolab" / "qti-components" / "dist" / "index.js"
CONVERT = ROOT / "node_modules" / "@citolab" / "qti-convert"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def missing() -> str | None:
    """Why the engine cannot run here, or None."""
    if not COMPONENTS.is_file() or not CONVERT.is_dir():
        return f"@citolab/qti-components or @citolab/qti-convert missing: run `npm ci` in {ROOT}"
    if not Path(CHROMIUM).is_file():
        return f"{CHROMIUM} is missing"
    if shutil.which("node") is None:
        return "node is missing"
    return None


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base's name
        pass


class QtiEngine:
    """Start with `start()`, score with `score(xml, responses)`, end with `stop()`."""

    def __init__(self) -> None:
        self.outside: list[str] = []
        """Requests to anything but the local server (must stay empty)."""
        self.errors: list[str] = []
        """JavaScript errors on the page."""

    def start(self, playwright: Any) -> QtiEngine:
        """Start on *playwright*, the run's one sync driver; on failure nothing is left running."""
        try:
            return self._start(playwright)
        except BaseException:
            self.stop()
            raise

    def _start(self, playwright: Any) -> QtiEngine:
        handler = functools.partial(_Quiet, directory=str(ROOT))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.converter = subprocess.Popen(
            ["node", str(HERE / "convert.mjs")], cwd=ROOT, stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, text=True, encoding="utf-8")
        self.browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                                       args=CHROMIUM_ARGS)
        self.page = self.browser.new_page()

        def route(route: Any) -> None:
            if route.request.url.startswith(base):
                route.continue_()
            else:
                self.outside.append(route.request.url)
                route.abort()

        self.page.route("**/*", route)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.goto(f"{base}/tests/qti_engine/engine.html")
        self.page.wait_for_function("window.engineReady === true", timeout=30_000)
        return self

    def stop(self) -> None:
        """Stop whatever was started (also after a failed start)."""
        browser = getattr(self, "browser", None)
        if browser is not None:
            browser.close()
        converter = getattr(self, "converter", None)
        if converter is not None:
            if converter.stdin is not None:
                converter.stdin.close()
            try:
                converter.wait(timeout=30)
            except subprocess.TimeoutExpired:
                converter.kill()
                converter.wait()
            if converter.stdout is not None:
                converter.stdout.close()
        server = getattr(self, "server", None)
        if server is not None:
            server.shutdown()
            server.server_close()

    def upgrade(self, qti21: str) -> str:
        """A QTI 2.1 document as QTI 3.0, by @citolab/qti-convert."""
        assert self.converter.stdin is not None and self.converter.stdout is not None
        self.converter.stdin.write(json.dumps(qti21) + "\n")
        self.converter.stdin.flush()
        answer = json.loads(self.converter.stdout.readline())
        if "error" in answer:
            raise RuntimeError(f"qti-convert failed: {answer['error']}")
        return str(answer["xml"])

    def shuffled(self, qti30: str) -> list[list[str]]:
        """The identifiers of each choice set after the player shuffled the item once."""
        return list(self.page.evaluate("(xml) => window.shuffledSets(xml)", qti30))

    def score(self, qti30: str, responses: dict[str, Any]) -> dict[str, float | None]:
        """The outcomes SCORE and MAXSCORE after the item's response processing ran on
        *responses* (response identifier -> value, as qti-components takes it)."""
        result = self.page.evaluate("([xml, responses]) => window.scoreItem(xml, responses)",
                                    [qti30, responses])
        return dict(result)
