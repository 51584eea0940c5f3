#!/usr/bin/env python3
"""Time fieldbook's rebuild after a one-page edit in serve mode.

    python3 bench/serve_edit.py --bin target/release/fieldbook --root SITE --out DIR --page ID
                                [--runs 5] [--json FILE]

Starts `fieldbook serve` on 127.0.0.1 (a free port), waits for the first build, then `--runs` times
(after `--warmup` untimed edits, default 1): appends a unique marker word to the first paragraph of
content/pages/ID.md (written to a dot file, which serve ignores, and renamed over the page, as
editors save), and polls http://127.0.0.1:PORT/ID/ every 5 ms until the served page holds the
marker. Reports the milliseconds from the moment the rename returned to the first response holding
the marker (median and each run), the rebuild times serve printed, and serve's peak RSS (VmHWM).
Between edits it waits until serve has reported the rebuild, so builds never overlap. The page file
is restored when serve has been stopped. Stdlib only; every request goes to 127.0.0.1 and every
loop is bounded (300 s).
"""

import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request

POLL_S = 0.005
TIMEOUT_S = 300.0


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.read().decode("utf-8", "replace")
    except OSError:
        return ""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--root", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--page", required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1, help="untimed edits first")
    ap.add_argument("--json")
    a = ap.parse_args()

    path = os.path.join(a.root, "content", "pages", a.page + ".md")
    with open(path, encoding="utf-8") as f:
        original = f.read()
    port = free_port()
    proc = subprocess.Popen(
        [a.bin, "serve", "--root", a.root, "--port", str(port), "--out", a.out],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=dict(os.environ, NO_COLOR="1"),
    )
    lines = []
    served = threading.Event()
    cond = threading.Condition()
    rebuilds = []
    previews = []

    def reader():
        for line in proc.stdout:
            line = line.rstrip("\n")
            with cond:
                lines.append(line)
                m = re.match(r"rebuilt in (\d+) ms", line)
                if m:
                    rebuilds.append(int(m.group(1)))
                m = re.match(r"previewed in (\d+) ms", line)
                if m:
                    previews.append(int(m.group(1)))
                cond.notify_all()
            if line.startswith("serving "):
                served.set()

    threading.Thread(target=reader, daemon=True).start()
    t_start = time.perf_counter()
    if not served.wait(TIMEOUT_S):
        proc.kill()
        sys.exit("serve did not start within %.0f s; output: %s" % (TIMEOUT_S, lines))
    startup_s = time.perf_counter() - t_start
    initial = next((l for l in lines if l.startswith("built in")), "")
    url = "http://127.0.0.1:%d/%s/" % (port, a.page)
    if a.page not in fetch(url) and "<html" not in fetch(url).lower():
        proc.kill()
        sys.exit("serve does not answer %s" % url)

    def edit(k):
        marker = "fbbenchmarker%dx%d" % (os.getpid(), k + 100)
        # The marker ends the first paragraph of the body (after the front matter).
        head, sep, body = original.partition("\n---\n")
        first_end = body.index(".\n")
        text = head + sep + body[:first_end] + " " + marker + body[first_end:]
        with cond:
            seen = len(rebuilds)
        # Written whole and renamed over the page, as editors save (serve ignores dot files).
        tmp = os.path.join(os.path.dirname(path), "." + os.path.basename(path) + ".bench")
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
        t0 = time.perf_counter()
        deadline = t0 + TIMEOUT_S
        while time.perf_counter() < deadline:
            if marker in fetch(url):
                ms = (time.perf_counter() - t0) * 1000.0
                break
            time.sleep(POLL_S)
        else:
            proc.kill()
            sys.exit("marker not served within %.0f s" % TIMEOUT_S)
        # Let serve finish reporting this rebuild (and settle) before the next edit.
        with cond:
            cond.wait_for(lambda: len(rebuilds) > seen, timeout=TIMEOUT_S)
            extra.append(len(rebuilds) - seen - 1)
        time.sleep(0.3)
        return ms

    extra = []  # rebuilds beyond one per edit (should stay 0)

    try:
        for k in range(a.warmup):
            edit(-1 - k)  # not counted
        times = [edit(k) for k in range(1, a.runs + 1)]
        hwm = 0
        try:
            with open("/proc/%d/status" % proc.pid) as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        hwm = int(line.split()[1])
        except OSError:
            pass
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        with open(path, "w", encoding="utf-8") as f:
            f.write(original)
    result = {
        "page": a.page,
        "runs_ms": [round(t, 1) for t in times],
        "median_ms": round(statistics.median(times), 1),
        "serve_rebuild_ms": rebuilds[-a.runs :],
        "serve_preview_ms": previews[-a.runs :],
        "extra_rebuilds": sum(extra),
        "startup_s": round(startup_s, 2),
        "initial_build": initial,
        "serve_peak_rss_kb": hwm,
        "serve_lines": [l for l in lines if l.startswith(("built", "rebuilt", "previewed"))],
    }
    text = json.dumps(result, indent=1)
    if a.json:
        with open(a.json, "w") as f:
            f.write(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
