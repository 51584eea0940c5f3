#!/usr/bin/env python3
"""The fieldbook build benchmark (issue 8). Run it through `bash bench/run.sh`, which installs the
tools and builds fieldbook first; see BENCHMARKS.md.

For every size N it generates the corpus (bench/gen.py), builds each site once under
`/usr/bin/time -v` (peak RSS, and a check that every tool wrote N pages holding the same text),
times cold full builds with hyperfine (the output folder, and Hugo's cache, moved aside before every
run and deleted when the run is over; see TRASH), and times fieldbook's rebuild after a one-page edit in serve mode (bench/serve_edit.py).
Hugo is timed alone and followed by the Pagefind CLI (issue 21: Hugo builds no search index). It also
times `fieldbook build` on the repository's own site, cold and after a one-page edit, and the load of
one list file of 1,000 and 8,000 entities (a step quadratic in the items shows there). Results go to bench/work/results.md
(the Markdown printed at the end) and bench/work/results.json. Stdlib only.
"""

import argparse
import datetime
import glob
import json
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH)

# The targets of issue 21: like for like, fieldbook with its search index against Hugo followed by the
# Pagefind CLI, and fieldbook with `search = false` against Hugo alone.
TARGETS = {
    "pagefind_ratio_10000": 3.0,  # fieldbook >= 3x Hugo + Pagefind's pages/s at 10,000 (with search)
    "hugo_ratio_10000": 3.0,  # fieldbook (search off) >= 3x Hugo's at 10,000
    "mdbook_ratio_1000": 10.0,  # fieldbook >= 10x mdBook's at 1,000 (both with search)
    "rss_mb_10000": 1000.0,  # peak RSS at 10,000 with search
    "rss_mb_10000_nosearch": 400.0,  # and with search off
    "repo_ms": 100.0,  # the repo's site, cold
    "repo_edit_ms": 50.0,  # the repo's site, `build` after a one-page edit
    "edit_ms_10000": 50.0,  # serve: the edited page served, at 10,000
    "entities_load_ratio": 16.0,  # load at 8,000 entities over load at 1,000 (linear: about 8)
}

# Like for like: which fieldbook row each other tool is compared with.
FIELDBOOK_ROW = {
    "hugo + pagefind": "fieldbook",
    "hugo": "fieldbook (search off)",
    "mdbook": "fieldbook",
    "mdbook (search off)": "fieldbook (search off)",
}


def log(msg):
    print("[bench %s] %s" % (time.strftime("%H:%M:%S"), msg), flush=True)


def run(cmd, **kw):
    return subprocess.run(cmd, text=True, capture_output=True, **kw)


def first_line(cmd):
    try:
        out = run(cmd)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    except (OSError, IndexError):
        return "?"


def machine():
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal:"):
                mem = "%.1f GiB" % (int(line.split()[1]) / 1024 / 1024)
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "memory": mem,
        "cpu": cpu,
        "os": first_line(["sh", "-c", ". /etc/os-release && echo $PRETTY_NAME"]),
        "kernel": platform.release(),
        "loadavg_at_start": " ".join(open("/proc/loadavg").read().split()[:3]),
    }


# Output folders are moved into TRASH before a build and deleted only when the run is over. On ext4
# without a journal (this machine's disk), creating files within a minute or more of deleting many
# makes the inode allocator skip every recently deleted inode (`recently_deleted` and
# `find_inode_bit` were a third of the samples of a 1,000-page build run right after `rm -rf` of
# its output): the system time of such a build was 3.8 s instead of 0.35 s. Moving the folder
# aside times a build into an empty folder, for every tool alike.
TRASH = None


def set_aside(*paths):
    """Moves each existing path into a new folder under TRASH (nothing is deleted)."""
    dest = tempfile.mkdtemp(dir=TRASH)
    for i, p in enumerate(paths):
        if os.path.lexists(p):
            os.rename(p, os.path.join(dest, "%d-%s" % (i, os.path.basename(p))))


def set_aside_command(*paths):
    """The same as a shell command, for hyperfine's --prepare."""
    moves = " ".join(
        "if [ -e {p} ]; then mv {p} \"$d\"/{i}-{b}; fi;".format(
            p=shlex.quote(p), i=i, b=shlex.quote(os.path.basename(p)))
        for i, p in enumerate(paths))
    return "d=$(mktemp -d %s/run.XXXXXX) && { %s }" % (shlex.quote(TRASH), moves)


def rss_run(cmd, out_dir, log_path, env=None, caches=()):
    """One cold build under /usr/bin/time -v: (peak RSS in MB, wall s, stdout, ok). `caches` are
    set aside with the output folder (fieldbook's memo, like Hugo's cache)."""
    set_aside(out_dir, *caches)
    t0 = time.perf_counter()
    p = run(["/usr/bin/time", "-v"] + cmd, env=env)
    wall = time.perf_counter() - t0
    with open(log_path, "w") as f:
        f.write("$ %s\n--- stdout\n%s\n--- stderr\n%s" % (shlex.join(cmd), p.stdout, p.stderr))
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr)
    rss = int(m.group(1)) / 1024 if m else None
    return rss, wall, p.stdout, p.returncode == 0


def hyperfine(cmd, prepare, runs, json_path, log_path, env=None, warmup=1):
    hf = [
        "hyperfine", "--style", "basic", "--warmup", str(warmup), "--runs", str(runs),
        "--prepare", prepare, "--export-json", json_path, shlex.join(cmd),
    ]
    p = run(hf, env=env)
    with open(log_path, "w") as f:
        f.write("$ %s\n%s\n%s" % (shlex.join(hf), p.stdout, p.stderr))
    if p.returncode != 0:
        return None
    r = json.load(open(json_path))["results"][0]
    return {
        "median": r["median"],
        "mean": r["mean"],
        "stddev": r.get("stddev"),
        "min": r["min"],
        "max": r["max"],
        "times": r["times"],
        "json": json_path,
    }


def sample_sentences(corpus, n, count=3):
    """Plain sentences (no links or citations) from a few pages, to find in every tool's output."""
    picks = []
    for idx in sorted({1, max(1, n // 2), n}):
        pid = "p-%05d" % idx
        text = open(os.path.join(corpus, "fieldbook", "content", "pages", pid + ".md")).read()
        body = text.split("\n---\n", 1)[1]
        sentences = [
            s.strip() + "."
            for s in re.split(r"\.\s", body)
            if re.fullmatch(r"[A-Z][a-z0-9 ]{20,}", s.strip())
        ]
        picks.append((pid, sentences[:count]))
    return picks


def verify(tool, out_dir, n, picks):
    """Counts the N pages a tool wrote and finds the sample sentences in them."""
    if tool == "fieldbook" or tool == "hugo":
        pages = glob.glob(os.path.join(out_dir, "p-*", "index.html"))
        path_of = lambda pid: os.path.join(out_dir, pid, "index.html")  # noqa: E731
    else:
        pages = glob.glob(os.path.join(out_dir, "p-*.html"))
        path_of = lambda pid: os.path.join(out_dir, pid + ".html")  # noqa: E731
    missing = []
    for pid, sentences in picks:
        try:
            html = open(path_of(pid), encoding="utf-8").read()
        except OSError:
            missing.append(pid)
            continue
        html = re.sub(r"\s+", " ", html)
        missing += ["%s: %s" % (pid, s) for s in sentences if s not in html]
    problems = []
    if len(pages) != n:
        problems.append("%d pages written, expected %d" % (len(pages), n))
    if missing:
        problems.append("text not found: %s" % "; ".join(missing[:3]))
    return len(pages), problems


def cpu_s(hf):
    """Mean user + system seconds of the hyperfine runs."""
    try:
        r = json.load(open(hf["json"]))["results"][0]
        return fmt_s(r["user"] + r["system"])
    except (KeyError, OSError, ValueError):
        return "?"


def fmt_s(x):
    return "%.3f" % x if x < 10 else "%.2f" % x


def find_pagefind():
    """The Pagefind CLI that `npm install --prefix bench/.tools pagefind@VERSION` put there (run.sh
    does): the platform package's binary itself, as `npx pagefind` runs it, without Node's start."""
    found = sorted(p for p in glob.glob(os.path.join(BENCH, ".tools", "node_modules", "@pagefind", "*", "bin", "pagefind*"))
                   if os.access(p, os.X_OK) and not p.endswith(".sha256"))
    return found[0] if found else None


def repo_edit(fb, site, work, logs, stage, problems):
    """`fieldbook build` of a copy of the site into its existing output after appending a sentence
    to one page (the first in content/pages/), hyperfine 1+10 runs: what an editor or CI pays for
    a one-page edit."""
    t0 = time.perf_counter()
    copy = os.path.join(work, "repo-edit")
    set_aside(copy)
    os.makedirs(copy)
    for name in ("book.toml", "content", "templates", "static"):
        src = os.path.join(site, name)
        if os.path.isdir(src):
            shutil.copytree(src, os.path.join(copy, name))
        elif os.path.exists(src):
            shutil.copy(src, os.path.join(copy, name))
    pages = sorted(glob.glob(os.path.join(copy, "content", "pages", "*.md")))
    out = os.path.join(work, "out-repo-edit")
    cmd = [fb, "build", "--root", copy, "--out", out]
    first = run(cmd)
    if first.returncode != 0 or not pages:
        problems.append("repo site edit: the first build failed: %s" % (first.stderr or first.stdout)[-300:])
        return None
    # A new sentence each run (hyperfine's --prepare), at the end of the page's text.
    prepare = "printf '\\n\\nEdited in run %%s.\\n' \"$(date +%%s%%N)\" >> %s" % shlex.quote(pages[0])
    hf = hyperfine(cmd, prepare, 10, os.path.join(work, "repo-edit.json"), os.path.join(logs, "repo-edit.log"))
    stage("repo site: build after a one-page edit (1 + hyperfine 1+10)", t0)
    if hf is None:
        problems.append("repo site edit: hyperfine failed; see %s" % os.path.join(logs, "repo-edit.log"))
        return None
    run(["sh", "-c", prepare])
    last = run(cmd)
    return {"page": os.path.basename(pages[0]), "median_ms": hf["median"] * 1000,
            "min_ms": hf["min"] * 1000, "max_ms": hf["max"] * 1000, "summary": last.stdout.strip()}


def stage_ms(summary, name):
    """A stage's milliseconds from fieldbook's summary line (`[load 44.0, validate ...]`)."""
    m = re.search(r"[\[ ]%s ([0-9.]+)" % name, summary)
    return float(m.group(1)) if m else None


def entity_scaling(fb, counts, work, logs, site, stage, problems):
    """One list file of E entities (100 pages, gen.py --entities E): fieldbook's load stage and
    the whole build, so a step that grows faster than the list shows (it was quadratic before
    issue 21: 0.5 s at 1,000 entities, 29.6 s at 8,000)."""
    rows = []
    for e in counts:
        t0 = time.perf_counter()
        corpus = os.path.join(work, "corpus-entities-%d" % e)
        g = run([sys.executable, os.path.join(BENCH, "gen.py"), "100", corpus, "--entities", str(e)])
        if g.returncode != 0:
            sys.exit("gen.py failed: %s" % g.stderr)
        for d in ("templates", "static"):
            if os.path.isdir(os.path.join(site, d)):
                shutil.copytree(os.path.join(site, d), os.path.join(corpus, "fieldbook", d))
        out = os.path.join(work, "out-entities-%d" % e)
        cmd = [fb, "build", "--root", os.path.join(corpus, "fieldbook"), "--out", out]
        log("%d entities: three builds" % e)
        runs = []
        for i in range(3):
            rss, wall, stdout, ok = rss_run(cmd, out, os.path.join(logs, "entities-%d-%d.log" % (e, i)),
                                            caches=[os.path.join(corpus, "fieldbook", ".fieldbook-cache")])
            if not ok:
                problems.append("%d entities: build failed; see %s" % (e, os.path.join(logs, "entities-%d-%d.log" % (e, i))))
                break
            runs.append({"wall": wall, "rss": rss, "load_ms": stage_ms(stdout, "load"), "summary": stdout.strip()})
        set_aside(out)
        stage("%d entities: generate and 3 builds" % e, t0)
        if len(runs) == 3:
            rows.append({"entities": e, "runs": runs,
                         "load_ms": statistics.median(r["load_ms"] or 0 for r in runs),
                         "wall": statistics.median(r["wall"] for r in runs),
                         "rss": max(r["rss"] or 0 for r in runs)})
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", default="100,1000,10000")
    ap.add_argument("--mdbook-10k", action="store_true", help="also time mdBook at 10,000 pages (many minutes)")
    ap.add_argument("--mdbook-search-off", action="store_true",
                    help="also time mdBook with search disabled (at the sizes mdBook runs)")
    ap.add_argument("--fieldbook", default=os.path.join(REPO, "target", "release", "fieldbook"))
    ap.add_argument("--mdbook", default=os.path.join(BENCH, ".tools", "bin", "mdbook"))
    ap.add_argument("--hugo", default="hugo")
    ap.add_argument("--pagefind", default=None,
                    help="the Pagefind CLI run after Hugo (default: the npm package's binary in bench/.tools)")
    ap.add_argument("--serve-runs", type=int, default=5, help="timed edits per size (at most 3 at 10,000)")
    ap.add_argument("--work", default=os.path.join(BENCH, "work"))
    ap.add_argument("--command", default="bash bench/run.sh", help="the command line to print")
    ap.add_argument("--label", help="where the fieldbook binary was built from (default: git describe of the repo)")
    ap.add_argument("--site", default=REPO,
                    help="fieldbook site whose templates/ and static/ the corpora use and whose cold build is timed")
    ap.add_argument("--entities", default="1000,8000",
                    help="entity counts of the entity-list row (100 pages each; empty to skip)")
    ap.add_argument("--report-only", action="store_true",
                    help="print the report of the last run again (from bench/work/results.json)")
    a = ap.parse_args()
    if a.report_only:
        work = os.path.abspath(a.work)
        saved = json.load(open(os.path.join(work, "results.json")))
        for b in saved["builds"]:
            if b["hf"] and "json" not in b["hf"]:
                name = b["tool"].split()[0] + ("-nosearch" if "search off" in b["tool"] else
                                               "-pagefind" if "pagefind" in b["tool"] else "")
                b["hf"]["json"] = os.path.join(
                    work, "repo-site.json" if b["size"] == 0 else "%d-%s.json" % (b["size"], name))
        print(render(saved["info"], saved["builds"], saved["edits"], saved["stages"], saved["problems"],
                     saved.get("extra", {})))
        return

    sizes = [int(s) for s in a.sizes.split(",") if s]
    work = os.path.abspath(a.work)
    logs = os.path.join(work, "logs")
    os.makedirs(logs, exist_ok=True)
    global TRASH
    TRASH = os.path.join(work, "trash")
    shutil.rmtree(TRASH, ignore_errors=True)
    os.makedirs(TRASH)
    fb = os.path.abspath(a.fieldbook)
    mdbook = os.path.abspath(a.mdbook) if os.sep in a.mdbook else shutil.which(a.mdbook)
    hugo = shutil.which(a.hugo) or a.hugo
    pagefind = a.pagefind or find_pagefind()
    started = time.perf_counter()
    info = {
        "date": run(["date"]).stdout.strip(),
        "command": a.command,
        "machine": machine(),
        "versions": {
            "fieldbook": first_line([fb, "--version"]) + " (" + (a.label or "git " + first_line(
                ["git", "-C", REPO, "describe", "--always", "--dirty"])) + ")",
            "hugo": first_line([hugo, "version"]),
            "mdbook": first_line([mdbook, "--version"]),
            "pagefind": first_line([pagefind, "--version"]) if pagefind else "pagefind not found",
            "hyperfine": first_line(["hyperfine", "--version"]),
        },
    }
    log("machine: %s" % info["machine"])
    stages = []  # (stage, seconds)
    builds = []  # rows of the cold-build table
    edits = []
    problems = []

    def stage(name, t0):
        stages.append((name, time.perf_counter() - t0))

    # The repository's own site.
    t0 = time.perf_counter()
    site_out = os.path.join(work, "out-repo-site")
    site = os.path.abspath(a.site)
    cmd = [fb, "build", "--root", site, "--out", site_out]
    # Cold: without the memo the last build into the same folder saved (warm builds are timed by
    # repo_edit).
    site_cache = os.path.join(site, ".fieldbook-cache")
    rss, _, stdout, ok = rss_run(cmd, site_out, os.path.join(logs, "repo-site-time.log"), caches=[site_cache])
    if ok:
        hf = hyperfine(cmd, set_aside_command(site_out, site_cache), 10, os.path.join(work, "repo-site.json"),
                       os.path.join(logs, "repo-site-hyperfine.log"))
        pages = len(glob.glob(os.path.join(site, "content", "pages", "*.md")))
        builds.append({"n": "repo site (%d pages)" % pages, "size": 0, "tool": "fieldbook", "hf": hf,
                       "rss": rss, "pages": pages, "summary": stdout.strip()})
    else:
        problems.append("fieldbook build of the repo site failed; see %s" % os.path.join(logs, "repo-site-time.log"))
    stage("repo site: fieldbook build (1 + hyperfine 1+10)", t0)

    for n in sizes:
        corpus = os.path.join(work, "corpus-%d" % n)
        t0 = time.perf_counter()
        g = run([sys.executable, os.path.join(BENCH, "gen.py"), str(n), corpus])
        if g.returncode != 0:
            sys.exit("gen.py failed: %s" % g.stderr)
        log(g.stdout.strip())
        for d in ("templates", "static"):
            if os.path.isdir(os.path.join(site, d)):  # the site's overrides of the built-in theme
                shutil.copytree(os.path.join(site, d), os.path.join(corpus, "fieldbook", d))
        stage("N=%d: generate corpus" % n, t0)
        picks = sample_sentences(corpus, n)
        # At 10,000: 3 runs and no hyperfine warm-up (the /usr/bin/time -v build just before warms
        # the file cache); serve gets no warm-up edit (its first build warms it).
        runs, warmup = (3, 0) if n >= 10000 else (5, 1)
        # fieldbook also without its search index (`search = false`): Hugo builds none, so that row
        # is the like-for-like comparison; the targets use the default build.
        nosearch = os.path.join(corpus, "fieldbook-nosearch")
        shutil.copytree(os.path.join(corpus, "fieldbook"), nosearch)
        with open(os.path.join(nosearch, "book.toml"), "a") as f:
            f.write("search = false\n")
        tools = [("fieldbook", None), ("fieldbook", "search off"), ("hugo", None)]
        if pagefind:
            tools.append(("hugo", "pagefind"))
        if n < 10000 or a.mdbook_10k:
            tools.append(("mdbook", None))
            if a.mdbook_search_off:
                tools.append(("mdbook", "search off"))
        for tool, variant in tools:
            suffix = {None: "", "search off": "-nosearch", "pagefind": "-pagefind"}[variant]
            out = os.path.join(work, "out-%d-%s%s" % (n, tool, suffix))
            env = None
            caches = []
            if tool == "fieldbook":
                root = nosearch if variant else os.path.join(corpus, "fieldbook")
                cmd = [fb, "build", "--root", root, "--out", out]
                # Cold: fieldbook's memo (saved for the next build into `out`) set aside too.
                caches = [os.path.join(root, ".fieldbook-cache")]
                prepare = set_aside_command(out, *caches)
            elif tool == "hugo":
                cache = os.path.join(work, "hugo-cache-%d" % n)
                cmd = [hugo, "--quiet", "--source", os.path.join(corpus, "hugo"), "--destination", out,
                       "--cacheDir", cache, "--ignoreCache"]
                prepare = set_aside_command(out, cache, os.path.join(corpus, "hugo", "resources"))
                if variant == "pagefind":
                    # Hugo builds no search index: its users run the Pagefind CLI on its output.
                    cmd = ["sh", "-c", "%s && %s --site %s --quiet" % (
                        shlex.join(cmd), shlex.quote(pagefind), shlex.quote(out))]
            else:
                cmd = [mdbook, "build", os.path.join(corpus, "mdbook"), "--dest-dir", out]
                prepare = set_aside_command(out)
                if variant:
                    env = dict(os.environ, MDBOOK_OUTPUT__HTML__SEARCH__ENABLE="false")
            name = {None: tool, "pagefind": "hugo + pagefind"}.get(variant, "%s (%s)" % (tool, variant))
            slug = "%d-%s%s" % (n, tool, suffix)
            log("N=%d %s: one build under /usr/bin/time -v" % (n, name))
            t0 = time.perf_counter()
            rss, wall, stdout, ok = rss_run(cmd, out, os.path.join(logs, slug + "-time.log"), env=env, caches=caches)
            stage("N=%d: %s, build under time -v (%.1f s)" % (n, name, wall), t0)
            if not ok:
                problems.append("N=%d %s: build failed; see %s" % (n, name, os.path.join(logs, slug + "-time.log")))
                continue
            count, bad = verify(tool, out, n, picks)
            if variant == "search off" and (os.path.exists(os.path.join(out, "searchindex.js"))
                                            or os.path.exists(os.path.join(out, "pagefind"))):
                bad.append("search index written although search is off")
            if variant == "pagefind" and not os.path.exists(os.path.join(out, "pagefind", "pagefind-entry.json")):
                bad.append("no Pagefind index written")
            problems += ["N=%d %s: %s" % (n, name, b) for b in bad]
            log("N=%d %s: hyperfine --warmup %d --runs %d" % (n, name, warmup, runs))
            t0 = time.perf_counter()
            hf = hyperfine(cmd, prepare, runs, os.path.join(work, slug + ".json"),
                           os.path.join(logs, slug + "-hyperfine.log"), env=env, warmup=warmup)
            stage("N=%d: %s, hyperfine %d+%d runs" % (n, name, warmup, runs), t0)
            if hf is None:
                problems.append("N=%d %s: hyperfine failed; see %s" % (n, name, os.path.join(logs, slug + "-hyperfine.log")))
                continue
            log("N=%d %s: median %.3f s" % (n, name, hf["median"]))
            builds.append({"n": "%d" % n, "size": n, "tool": name, "hf": hf, "rss": rss, "pages": count,
                           "summary": stdout.strip() if tool == "fieldbook" else ""})
        # fieldbook serve: one-page edit.
        serve_runs = a.serve_runs if n < 10000 else min(a.serve_runs, 3)
        log("N=%d fieldbook serve: one-page edit x%d" % (n, serve_runs))
        t0 = time.perf_counter()
        serve_out = os.path.join(work, "serve-%d" % n)
        set_aside(serve_out)
        jpath = os.path.join(work, "%d-serve-edit.json" % n)
        p = run([sys.executable, os.path.join(BENCH, "serve_edit.py"), "--bin", fb, "--root",
                 os.path.join(corpus, "fieldbook"), "--out", serve_out, "--page", "p-%05d" % max(1, n // 2),
                 "--runs", str(serve_runs), "--warmup", str(warmup), "--json", jpath])
        with open(os.path.join(logs, "%d-serve-edit.log" % n), "w") as f:
            f.write(p.stdout + p.stderr)
        stage("N=%d: fieldbook serve, start + %d edits" % (n, serve_runs + warmup), t0)
        if p.returncode == 0:
            e = json.load(open(jpath))
            e["n"] = n
            edits.append(e)
            log("N=%d serve edit: median %.0f ms" % (n, e["median_ms"]))
        else:
            problems.append("N=%d serve edit failed: %s" % (n, (p.stderr or p.stdout).strip()[-300:]))
        set_aside(serve_out, *glob.glob(os.path.join(work, "out-%d-*" % n)))

    extra = {
        "entities": entity_scaling(fb, [int(e) for e in a.entities.split(",") if e], work, logs, site, stage,
                                   problems),
        "repo_edit": repo_edit(fb, site, work, logs, stage, problems),
    }

    info["total_s"] = time.perf_counter() - started
    shutil.rmtree(TRASH, ignore_errors=True)
    report = render(info, builds, edits, stages, problems, extra)
    with open(os.path.join(work, "results.md"), "w") as f:
        f.write(report)
    with open(os.path.join(work, "results.json"), "w") as f:
        json.dump({"info": info, "builds": builds, "edits": edits, "stages": stages, "problems": problems,
                   "extra": extra}, f, indent=1)
    print()
    print(report)


def render(info, builds, edits, stages, problems, extra):
    m = info["machine"]
    v = info["versions"]
    out = []
    w = out.append
    w("## Results")
    w("")
    w("- date: %s" % info["date"])
    w("- command: `%s`" % info["command"])
    w("- machine: %s CPUs (nproc), %s memory, CPU `%s`, %s, kernel %s; load average at start %s"
      % (m["nproc"], m["memory"], m["cpu"], m["os"], m["kernel"], m["loadavg_at_start"]))
    w("- versions: %s" % "; ".join(v[k] for k in ("fieldbook", "hugo", "pagefind", "mdbook", "hyperfine") if k in v))
    w("")
    w("### Cold full builds")
    w("")
    w("Median of hyperfine runs (after 1 warm-up run, none at 10,000; output folder moved aside, not deleted, before each run); peak RSS from one")
    w("separate `/usr/bin/time -v` run. Pages/s = content pages / median. The last column is fieldbook's")
    w("pages/s divided by this tool's, at the same N in the same run, like for like: fieldbook with its search")
    w("index against Hugo + Pagefind and mdBook (both build one), fieldbook with `search = false` against Hugo")
    w("alone (and mdBook with search off). Hugo + Pagefind is one command, `sh -c 'hugo ... && pagefind --site OUT'`.")
    w("")
    w("CPU s is the mean user + system time of the runs (hyperfine), less sensitive to a busy machine.")
    w("")
    w("| N pages | tool | median s | min-max s | runs | CPU s | pages/s | peak RSS MB | fieldbook speed-up |")
    w("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    rate = {(b["n"], b["tool"]): b["pages"] / b["hf"]["median"] for b in builds if b["hf"]}
    ratios = {}
    for b in builds:
        hf = b["hf"]
        if not hf:
            continue
        own = rate[(b["n"], b["tool"])]
        against = (b["n"], FIELDBOOK_ROW.get(b["tool"], ""))
        if b["tool"].startswith("fieldbook"):
            speed = "-"
        elif against in rate:
            ratios[(b["n"], b["tool"])] = rate[against] / own
            speed = "%.2fx (%s)" % (ratios[(b["n"], b["tool"])], against[1])
        else:
            speed = "n/a"
        w("| %s | %s | %s | %s-%s | %d | %s | %.0f | %s | %s |" % (
            b["n"], b["tool"], fmt_s(hf["median"]), fmt_s(hf["min"]), fmt_s(hf["max"]), len(hf["times"]),
            cpu_s(hf), own,
            "%.0f" % b["rss"] if b["rss"] is not None else "?", speed))
    w("")
    w("Every ratio of the run (fieldbook's pages/s over the other tool's, same N):")
    w("")
    for (n, tool), r in sorted(rate.items(), key=lambda kv: (int(kv[0][0]) if kv[0][0].isdigit() else 0, kv[0][1])):
        if tool.startswith("fieldbook"):
            continue
        pairs = ["%s %.2fx" % (f, rate[(n, f)] / r) for f in ("fieldbook", "fieldbook (search off)") if (n, f) in rate]
        if pairs:
            w("- N = %s, against %s: %s" % (n, tool, ", ".join(pairs)))
    w("")
    w("### fieldbook serve: one-page edit")
    w("")
    w("Milliseconds from the write of one page's file to the first HTTP response of that page holding the")
    w("new text (polled every 5 ms on 127.0.0.1); one untimed warm-up edit first (none at 10,000), then the runs listed.")
    w("")
    w("Serve first shows the edited page alone (its own \"previewed in\" time), then rebuilds everything the")
    w("edit affects (\"rebuilt in\"); the page is served after the preview.")
    w("")
    w("| N pages | median ms | runs ms | serve's own preview ms | serve's own rebuild ms | serve peak RSS MB |")
    w("| ---: | ---: | --- | --- | --- | ---: |")
    edit_by_n = {}
    for e in edits:
        edit_by_n[e["n"]] = e
        w("| %d | %.0f | %s | %s | %s | %.0f |" % (e["n"], e["median_ms"], ", ".join("%.0f" % t for t in e["runs_ms"]),
                                              ", ".join(str(t) for t in e.get("serve_preview_ms", [])) or "-",
                                              ", ".join(str(t) for t in e["serve_rebuild_ms"]),
                                              e["serve_peak_rss_kb"] / 1024))
    entities = extra.get("entities") or []
    if entities:
        w("")
        w("### Entity lists")
        w("")
        w("One list file of E entities and 100 pages (`gen.py 100 DIR --entities E`), three cold builds each:")
        w("the median of fieldbook's own load-stage time and of the wall time, and the highest peak RSS.")
        w("A step that rescans the list per item shows here (before issue 21: 0.5 s of load at 1,000, 29.6 s at 8,000).")
        w("")
        w("| entities | load ms (median) | load ms (runs) | build s (median) | peak RSS MB |")
        w("| ---: | ---: | --- | ---: | ---: |")
        for r in entities:
            w("| %d | %.1f | %s | %s | %.0f |" % (r["entities"], r["load_ms"],
                                              ", ".join("%.1f" % (x["load_ms"] or 0) for x in r["runs"]),
                                              fmt_s(r["wall"]), r["rss"]))
    repo_edit = extra.get("repo_edit")
    if repo_edit:
        w("")
        w("### The repo site: `build` after a one-page edit")
        w("")
        w("A copy of the site built into its existing output, then a sentence appended to `%s` before each of"
          % repo_edit["page"])
        w("hyperfine's runs (1 warm-up, 10 runs): median %.0f ms (%.0f-%.0f). Summary line of such a build:"
          % (repo_edit["median_ms"], repo_edit["min_ms"], repo_edit["max_ms"]))
        w("`%s`" % (repo_edit["summary"].splitlines() or [""])[-1])
    w("")
    w("### Targets (issue 21)")
    w("")
    w("| target | measured | met |")
    w("| --- | --- | --- |")

    def row(name, value, limit, lower_is_better, unit):
        if value is None:
            w("| %s | not measured | - |" % name)
        else:
            ok = value < limit if lower_is_better else value >= limit
            w("| %s | %s%s | %s |" % (name, ("%.2f" % value) if value < 100 else ("%.0f" % value), unit,
                                        "yes" if ok else "no"))

    def fieldbook_at(n, tool):
        return next((b for b in builds if b["size"] == n and b["tool"] == tool and b["hf"]), None)

    row(">= 3x Hugo + Pagefind's pages/s at 10,000 (with search)", ratios.get(("10000", "hugo + pagefind")),
        TARGETS["pagefind_ratio_10000"], False, "x")
    row(">= 3x Hugo's pages/s at 10,000 (search off)", ratios.get(("10000", "hugo")), TARGETS["hugo_ratio_10000"],
        False, "x")
    row(">= 10x mdBook's pages/s at 1,000 (both with search)", ratios.get(("1000", "mdbook")),
        TARGETS["mdbook_ratio_1000"], False, "x")
    b = fieldbook_at(10000, "fieldbook")
    row("peak RSS < 1 GB at 10,000 (with search)", b["rss"] if b else None, TARGETS["rss_mb_10000"], True, " MB")
    b = fieldbook_at(10000, "fieldbook (search off)")
    row("peak RSS < 400 MB at 10,000 (search off)", b["rss"] if b else None, TARGETS["rss_mb_10000_nosearch"], True,
        " MB")
    repo = next((b for b in builds if b["size"] == 0 and b["hf"]), None)
    row("repo site cold build < 100 ms", repo["hf"]["median"] * 1000 if repo else None, TARGETS["repo_ms"], True,
        " ms")
    row("repo site `build` after a one-page edit < 50 ms", repo_edit["median_ms"] if repo_edit else None,
        TARGETS["repo_edit_ms"], True, " ms")
    e = edit_by_n.get(10000)
    row("one-page edit served < 50 ms at 10,000", e["median_ms"] if e else None, TARGETS["edit_ms_10000"], True,
        " ms")
    by_e = {r["entities"]: r["load_ms"] for r in entities}
    row("entity lists linear: load at 8,000 entities < 16x load at 1,000",
        by_e[8000] / by_e[1000] if by_e.get(1000) and 8000 in by_e else None, TARGETS["entities_load_ratio"], True,
        "x")
    w("")
    w("### fieldbook's own summary line (the `/usr/bin/time -v` build)")
    w("")
    for b in builds:
        if b["tool"].startswith("fieldbook") and b.get("summary"):
            w("- %s%s: `%s`" % (b["n"], b["tool"][len("fieldbook"):], b["summary"].splitlines()[-1]))
    w("")
    w("### Stage times")
    w("")
    w("| stage | seconds |")
    w("| --- | ---: |")
    for name, s in stages:
        w("| %s | %.1f |" % (name, s))
    w("| total | %.1f |" % info["total_s"])
    if problems:
        w("")
        w("### Problems")
        w("")
        for p in problems:
            w("- %s" % p)
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    main()
