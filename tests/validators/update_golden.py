"""Rewrite the golden output of the five samples and print what changed (a unified diff), to be
reviewed before it is committed:

    .venv/bin/python -m tests.validators.update_golden      (from the repository root)

Exit status 0 when nothing changed, 1 when a file was rewritten."""

from __future__ import annotations

import difflib
import sys
from pathlib import Path

_TESTS = Path(__file__).resolve().parents[1]
for folder in (_TESTS, _TESTS / "validators"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from fixtures.docx_builder import find_samples_dir  # noqa: E402
from golden import NAMES, golden_file, golden_output, golden_text, sample_path  # noqa: E402

from nianbao.validators.engine import check_bytes  # noqa: E402


def main() -> int:
    samples = find_samples_dir()
    if not samples.is_dir():
        print(f"sample reports not found in {samples} (set NIANBAO_SAMPLES)", file=sys.stderr)
        return 2
    changed = 0
    for name in NAMES:
        path = sample_path(samples, name)
        new = golden_text(golden_output(check_bytes(path.read_bytes(), path.name)))
        target = golden_file(name)
        old = target.read_text(encoding="utf-8") if target.exists() else ""
        if new == old:
            continue
        changed += 1
        relative = target.relative_to(_TESTS.parent)
        sys.stdout.writelines(difflib.unified_diff(
            old.splitlines(keepends=True), new.splitlines(keepends=True), f"a/{relative}", f"b/{relative}"))
        target.write_text(new, encoding="utf-8")
    print(f"{changed} golden file(s) rewritten" if changed else "golden files unchanged", file=sys.stderr)
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
