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


class CompressedHandler(QuietHandler):
    """As a static host serves a book with precompressed copies (sinosoviet.book.compress):
    NAME.br or NAME.gz in place of NAME, when the browser accepts that encoding; and over kept-alive
    connections (HTTP/1.1), as a host does, not one connection per file."""

    protocol_version = "HTTP/1.1"

    def send_head(self):
        path = Path(self.translate_path(self.path))
        accepted = {part.split(";")[0].strip() for part in self.headers.get("Accept-Encoding", "").split(",")}
        if path.is_file():
            for encoding, suffix in (("br", ".br"), ("gzip", ".gz")):
                copy = path.with_name(path.name + suffix)
                if encoding in accepted and copy.is_file():
                    body = copy.open("rb")
                    self.send_response(200)
                    self.send_header("Content-Type", self.guess_type(str(path)))
                    self.send_header("Content-Encoding", encoding)
                    self.send_header("Content-Length", str(copy.stat().st_size))
                    self.send_header("Vary", "Accept-Encoding")
                    self.end_headers()
                    return body
        return super().send_head()


class LoopbackServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # a browser closed mid-transfer (we stop it once the charts have drawn)


def serve(directory: Path, compressed: bool = False) -> LoopbackServer:
    """Serve a directory on a free loopback port from a background thread; call shutdown() after.
    `compressed`: serve the precompressed copies where there are any, as a static host would."""
    handler = CompressedHandler if compressed else QuietHandler
    server = LoopbackServer(("127.0.0.1", 0), functools.partial(handler, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def chromium_path() -> str:
    path = shutil.which("chromium")
    if not path:
        raise RuntimeError("Debian's chromium is not installed: `make chromium` installs it")
    return path


def launch(playwright):
    return playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
