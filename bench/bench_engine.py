"""Parse + check time per report for the samples as .docx and as text, the real published
reports of ../shared/real/outside in their text forms (and the 淮安 PDF's text as pdftotext gives
it, when pdftotext is installed) and as the published web pages (.html), and peak RSS.

    python bench/bench_engine.py [--rounds 50] [--clock cpu]

``--clock cpu`` times the process's CPU (time.process_time) instead of the wall clock: on a shared,
busy machine it compares two versions of the engine without the other processes' noise.

Also prints two baselines for the .docx figures: unzip + XML parse of word/document.xml alone
(the floor: every .docx figure is also given as a ratio to it), and the naive python-docx
``row.cells`` read of the tables (what the reader avoids). The check with its 批注版 (what a
worker does for a .docx with issues) is a ratio to the same floor; random Chinese text and a
page of one label repeated (what a hostile sender might try) are ratios to the real reports'
text of the same size.
"""

from __future__ import annotations

import argparse
import random
import io
import resource
import shutil
import statistics
import subprocess
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from fixtures.docx_builder import build_docx, content_from_sample, find_samples_dir  # noqa: E402
from lxml import etree  # noqa: E402

from nianbao.validators.annotate import check_and_annotate  # noqa: E402
from nianbao.validators.engine import check_bytes  # noqa: E402


CLOCK = time.perf_counter


def timings(function, payloads: list[bytes], rounds: int) -> list[float]:
    for payload in payloads:  # warm up imports and caches
        function(payload)
    times = []
    for _ in range(rounds):
        for payload in payloads:
            start = CLOCK()
            function(payload)
            times.append((CLOCK() - start) * 1000)
    return times


def describe(name: str, times: list[float], floor: list[float] | None = None, floor_name: str = "the floor") -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    ratio = f"   {statistics.median(times) / statistics.median(floor):4.2f}× {floor_name}" if floor else ""
    return f"{name:<34} n={len(times):<5} median {statistics.median(times):7.2f} ms   p95 {p95:7.2f} ms{ratio}"


def not_reports(texts: list[bytes]) -> tuple[list[bytes], list[bytes]]:
    """Random Chinese text, and one label of table three over and over, each as long as a real
    report (lines of random length, as pasted text has)."""
    rng = random.Random(2024)
    randoms, repeated = [], []
    for text in texts:
        length = len(text.decode("utf-8"))
        randoms.append("".join("\n" if rng.random() < 0.05 else chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(length)).encode("utf-8"))
        line = "（三）不予公开\t"
        repeated.append((line * (length // len(line))).encode("utf-8"))
    return randoms, repeated


def unzip_and_parse(data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        etree.fromstring(archive.read("word/document.xml"))


def naive_python_docx(data: bytes) -> None:
    import docx

    document = docx.Document(io.BytesIO(data))
    for table in document.tables:
        for row in table.rows:
            [cell.text for cell in row.cells]


def outside_texts() -> list[bytes]:
    """The outside reports' text forms, and the PDF's text plain and -layout."""
    real = ROOT.parent / "shared" / "real"
    texts = [path.read_bytes() for path in sorted((real / "outside").glob("*.txt"))]
    pdf = real / "szfgs2024.pdf"
    if shutil.which("pdftotext") and pdf.exists():
        for options in ([], ["-layout"]):
            texts.append(subprocess.run(["pdftotext", *options, str(pdf), "-"], check=True, capture_output=True).stdout)
    return texts


def outside_pages() -> list[bytes]:
    """The outside reports as their agencies published them: saved web pages."""
    return [path.read_bytes() for path in sorted((ROOT.parent / "shared" / "real" / "outside" / "src").glob("*.htm*"))]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall")
    args = parser.parse_args()
    global CLOCK
    CLOCK = time.process_time if args.clock == "cpu" else time.perf_counter
    samples = sorted(find_samples_dir().glob("*.txt"))
    texts = [path.read_bytes() for path in samples]
    docx_files = [build_docx(content_from_sample(path.read_text(encoding="utf-8"), path.name)) for path in samples]
    split = [build_docx(content_from_sample(path.read_text(encoding="utf-8"), path.name), split_table3=3, extra_tables=True) for path in samples]
    print(f"{len(samples)} sample reports, {args.rounds} rounds each, one process, {args.clock} clock, python {sys.version.split()[0]}")
    rss_before = peak_rss_mb()
    real_text = timings(lambda d: check_bytes(d, "r.txt"), texts, args.rounds)
    print(describe("text: parse + check", real_text))
    randoms, repeated = not_reports(texts)
    print(describe("random Chinese text (same sizes)", timings(lambda d: check_bytes(d, "r.txt"), randoms, args.rounds), real_text, "a real report"))
    print(describe("one label repeated (same sizes)", timings(lambda d: check_bytes(d, "r.txt"), repeated, args.rounds), real_text, "a real report"))
    outside = outside_texts()
    if outside:
        print(describe(f"outside reports: {len(outside)} text forms", timings(lambda d: check_bytes(d, "r.txt"), outside, args.rounds)))
    pages = outside_pages()
    if pages:
        print(describe(f"outside reports: {len(pages)} web pages", timings(lambda d: check_bytes(d, "r.html"), pages, args.rounds)))
    floor = timings(unzip_and_parse, docx_files, args.rounds)
    print(describe("floor: unzip + XML parse", floor))
    print(describe(".docx: parse + check", timings(lambda d: check_bytes(d, "r.docx"), docx_files, args.rounds), floor))
    print(describe(".docx: check + 批注版", timings(lambda d: check_and_annotate(d, "r.docx"), docx_files, args.rounds), floor))
    split_floor = timings(unzip_and_parse, split, args.rounds)
    print(describe(".docx split in 3 + extra tables", timings(lambda d: check_bytes(d, "r.docx"), split, args.rounds), split_floor, "its floor"))
    print(describe("baseline: python-docx row.cells", timings(naive_python_docx, docx_files, max(5, args.rounds // 5)), floor))
    print(f"peak RSS {peak_rss_mb():.1f} MB (after loading samples and imports: {rss_before:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
