"""One `nianbao check FILE` process, start to exit: wall time and CPU (median, p95) and peak RSS,
against its floor measured in the same run: a Python process that imports only the engine and its
renderer, reads the same file, checks it and prints the review (what the command cannot do
without). The runs alternate (floor, command, floor, command…), so a busy moment of the machine
weighs on both alike.

    .venv/bin/python bench/bench_cli.py [--runs 20] [FILE]   # default: the first sample as .docx

Also prints the command's slowest imports (``python -X importtime``), for where the rest goes.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, percentile

from fixtures.docx_builder import build_docx, content_from_sample, find_samples_dir

PYTHON = sys.executable
FLOOR = (
    "import sys\n"
    "from nianbao.validators.engine import check_bytes\n"
    "from nianbao.validators.render import render_text\n"
    "path = sys.argv[1]\n"
    "result = check_bytes(open(path, 'rb').read(), path)\n"
    "print(render_text(result))\n"
)


def timed(argv: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak RSS (MB) of one process."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    _, _, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = 0  # reaped above
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def line(label: str, walls: list[float], cpus: list[float]) -> str:
    return (f"  {label:<22} wall median {statistics.median(walls) * 1000:6.0f} ms  p95 {percentile(walls, 0.95) * 1000:6.0f} ms"
            f"   CPU median {statistics.median(cpus) * 1000:6.0f} ms  p95 {percentile(cpus, 0.95) * 1000:6.0f} ms")


UNUSED = ("nianbao.storage", "sqlite_utils", "numpy", "telegram", "aiohttp", "openpyxl", "matplotlib", "PIL")


def slowest_imports(argv: list[str], top: int = 8) -> list[str]:
    """The command's slowest imports, and which of the modules it does not need it imported."""
    done = subprocess.run([PYTHON, "-X", "importtime", *argv[1:]], capture_output=True, text=True, cwd=ROOT)
    rows, names = [], set()
    for row in done.stderr.splitlines():
        found = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( +)(\S+)", row)
        if found:
            names.add(found[4])
            if len(found[3]) <= 3:  # imported by the command itself, not by another module
                rows.append((int(found[2]), found[4]))
    lines = [f"    {us / 1000:6.1f} ms  {name}" for us, name in sorted(rows, reverse=True)[:top]]
    unused = [name for name in UNUSED if name in names]
    return lines + [f"  modules it does not use, imported: {', '.join(unused) or 'none'}"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("file", nargs="?")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        if args.file:
            path = Path(args.file).resolve()
        else:
            sample = sorted(find_samples_dir().glob("*.txt"))[0]
            path = Path(folder) / "年报.docx"
            path.write_bytes(build_docx(content_from_sample(sample.read_text(encoding="utf-8"), sample.name)))
        command = [PYTHON, "-m", "nianbao.cli", "check", str(path)]
        floor = [PYTHON, "-c", FLOOR, str(path)]
        for argv in (command, floor):  # warm the page cache and the .pyc files
            timed(argv)
        runs: dict[str, tuple[list[float], list[float]]] = {"floor": ([], []), "command": ([], [])}
        peaks: dict[str, list[float]] = {"floor": [], "command": []}
        for _ in range(args.runs):
            for label, argv in (("floor", floor), ("command", command)):
                wall, cpu, peak = timed(argv)
                runs[label][0].append(wall), runs[label][1].append(cpu), peaks[label].append(peak)
        print(f"nianbao check {path.name} ({path.stat().st_size // 1024} KB), {args.runs} runs each, CPUs={len(os.sched_getaffinity(0))}")
        print(line("floor (engine only)", *runs["floor"]))
        print(line("nianbao check", *runs["command"]))
        ratio = statistics.median(runs["command"][0]) / statistics.median(runs["floor"][0])
        print(f"  ratio to the floor (median wall): {ratio:.2f}x;  peak RSS {max(peaks['command']):.0f} MB (floor {max(peaks['floor']):.0f} MB)")
        print("  the command's slowest imports (cumulative):")
        print("\n".join(slowest_imports(command)))


if __name__ == "__main__":
    main()
