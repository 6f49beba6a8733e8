"""Serving a built book on loopback and starting Debian's headless Chromium, for the print
edition, the benchmark and the tests."""
from __future__ import annotations

import functools
import http.server
import shutil
import threading
from pathlib import Path

# Without the background-networking flags Chromium keeps trying hosts this machine cannot reach.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class LoopbackServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # a browser closed mid-transfer (we stop it once the charts have drawn)


def serve(directory: Path) -> LoopbackServer:
    """Serve a directory on a free loopback port from a background thread; call shutdown() after."""
    server = LoopbackServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def chromium_path() -> str:
    path = shutil.which("chromium")
    if not path:
        raise RuntimeError("Debian's chromium is not installed: `make chromium` installs it")
    return path


def launch(playwright):
    return playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
