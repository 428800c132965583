"""The golden output of the five samples: tables and issues as a whole, so that any change of
behaviour is seen and reviewed. `test_samples.py` only compares; `update_golden.py` rewrites the
files and prints what changed."""

from __future__ import annotations

import json
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent / "golden"
NAMES = ["000", "001", "002", "003", "004"]
ISSUE_FIELDS = ("code", "severity", "table", "row", "column", "section", "expected", "found", "places")


def sample_path(samples_dir: Path, prefix: str) -> Path:
    return next(samples_dir.glob(f"{prefix}_*.txt"))


def golden_output(result) -> dict:
    """What is kept of a CheckResult: the tables found and every issue's place and values."""
    return {
        "tables": result.report.tables_json(),
        "issues": [{k: i.json_dict()[k] for k in ISSUE_FIELDS} for i in result.issues],
    }


def golden_text(output: dict) -> str:
    return json.dumps(output, ensure_ascii=False, indent=1) + "\n"


def golden_file(name: str) -> Path:
    return GOLDEN / f"{name}.json"
