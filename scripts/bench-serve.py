#!/usr/bin/env python3
"""Serve latency: time from a file save to the reload message on the
live-reload channel of `offboard-site serve`.

Usage:
    scripts/bench-serve.py SITE_ROOT [--edits 20] [--binary target/release/offboard-site]
                           [--page content/some/page.md] [--kind body|title|weight|when] [--pause 0.2]

The site (site.toml, content/, themes/, static/) is copied to a temporary
folder first: the original is never touched. Each edit rewrites one page the way an editor saves it (the whole
file, at once) and waits for `event: reload` on `/__offboard/events`; the
clock starts after the file is closed and stops when the event arrives, so
it includes the watcher's quiet period, the rebuild and the announcement.
`--kind body` appends a paragraph (the common case: the page's own HTML
changes); `--kind title` changes the title (its neighbours, its section and
the navigation change too); `--kind weight` changes the weight (the page may
move: the whole site is rendered again); `--kind when` sets the page's
`when` to one answer and then the other of a question `bench` (added to the
copy's `site.toml` when it declares no questions): on a section, every step
under it changes condition. `--pause` is the time between edits: after a
pause of more than 0.3 s, serve rebuilds the search index in the background,
so a longer pause measures saves that compete with that job. Prints the
median and the spread.

This is a benchmark, not a test: figures depend on the machine.
"""
import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time


def start_serve(binary, root):
    process = subprocess.Popen(
        [binary, "serve", "--port", "0", "--root", root],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    log = []
    address = {}
    ready = threading.Event()

    def read():
        for line in process.stderr:
            log.append(line)
            match = re.search(r"at http://([^/\s]+)/", line)
            if match and not ready.is_set():
                address["value"] = match.group(1)
                ready.set()

    threading.Thread(target=read, daemon=True).start()
    if not ready.wait(600):
        process.kill()
        sys.exit("serve did not start:\n" + "".join(log))
    return process, address["value"], log


class Events:
    """A minimal reader of the server-sent events stream."""

    def __init__(self, address):
        host, port = address.rsplit(":", 1)
        self.sock = socket.create_connection((host, int(port)), timeout=120)
        self.sock.sendall(
            f"GET /__offboard/events HTTP/1.1\r\nHost: {address}\r\n\r\n".encode()
        )
        self.buffer = ""
        self.wait_for("hello")

    def wait_for(self, name):
        while True:
            while "\n\n" in self.buffer:
                frame, self.buffer = self.buffer.split("\n\n", 1)
                if f"event: {name}" in frame.splitlines():
                    return frame
            chunk = self.sock.recv(65536)
            if not chunk:
                sys.exit("the event stream closed")
            self.buffer += chunk.decode("utf-8", "replace")


def pick_page(root):
    """A page (not a section) somewhere in the middle of the site."""
    pages = []
    for folder, _, files in os.walk(os.path.join(root, "content")):
        pages += [os.path.join(folder, f) for f in files if f.endswith(".md") and f != "_index.md"]
    pages.sort()
    return pages[len(pages) // 2]


def add_question(config):
    """Declares the question `bench` (answers `a`, `b`) that `--kind when`
    edits use, unless the site declares questions already."""
    with open(config, encoding="utf-8") as f:
        text = f.read()
    if "[[questions]]" in text:
        return
    with open(config, "a", encoding="utf-8") as f:
        f.write(
            '\n[[questions]]\nid = "bench"\nlabel = "Benchmark question"\n'
            'answers = [{ id = "a", label = "A" }, { id = "b", label = "B" }]\n'
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site")
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--binary", default="target/release/offboard-site")
    parser.add_argument("--page", help="page to edit, relative to the site root")
    parser.add_argument("--kind", choices=["body", "title", "weight", "when"], default="body")
    parser.add_argument("--pause", type=float, default=0.2, help="seconds between edits")
    args = parser.parse_args()

    binary = os.path.abspath(args.binary)
    work = tempfile.mkdtemp(prefix="offboard-bench-serve-")
    try:
        root = os.path.join(work, "site")
        os.makedirs(root)
        shutil.copy(os.path.join(args.site, "site.toml"), root)
        for folder in ("content", "themes", "static"):
            if os.path.isdir(os.path.join(args.site, folder)):
                shutil.copytree(os.path.join(args.site, folder), os.path.join(root, folder))
        if args.kind == "when":
            add_question(os.path.join(root, "site.toml"))
        started = time.perf_counter()
        process, address, log = start_serve(binary, root)
        print(f"serve ready in {time.perf_counter() - started:.2f} s at {address}", file=sys.stderr)
        try:
            events = Events(address)
            page = os.path.join(root, args.page) if args.page else pick_page(root)
            with open(page, encoding="utf-8") as f:
                original = f.read()
            timings = []
            for edit in range(args.edits):
                if args.kind == "body":
                    text = original + f"\nBenchmark edit {edit}.\n"
                elif args.kind == "title":
                    text = re.sub(r'^title = "(.*)"$', rf'title = "\1 (edit {edit})"', original, count=1, flags=re.M)
                elif args.kind == "when":
                    answer = "ab"[edit % 2]
                    text = re.sub(r'^(title = ".*")$', rf'\1\nwhen = {{ bench = "{answer}" }}', original, count=1, flags=re.M)
                else:
                    text = re.sub(r"^weight = (\d+)$", rf"weight = \g<1>{edit}", original, count=1, flags=re.M)
                with open(page, "w", encoding="utf-8") as f:
                    f.write(text)
                saved = time.perf_counter()
                events.wait_for("reload")
                timings.append((time.perf_counter() - saved) * 1000)
                time.sleep(args.pause)
            timings.sort()
            print(f"site: {args.site}")
            print(f"page: {os.path.relpath(page, root)} ({args.kind} edits, {args.pause} s apart)")
            print(
                f"save → reload: median {statistics.median(timings):.1f} ms, "
                f"min {timings[0]:.1f} ms, max {timings[-1]:.1f} ms "
                f"over {len(timings)} edits"
            )
            rebuilds = [line.strip() for line in log if "rebuilt" in line]
            if rebuilds:
                print("last rebuild as serve reported it: " + rebuilds[-1])
            if os.environ.get("OFFBOARD_SITE_TIMINGS"):
                # The phases of the last edits (see src/timings.rs).
                print("".join(log[-12:]), end="")
        finally:
            process.terminate()
            process.wait(10)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
