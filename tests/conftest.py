"""Shared fixtures: the real sample reports (text), the same reports as real Word files, and the
blank national template.

``sample_texts`` and ``sample_docx`` are keyed by the sample's file stem
(``"004_bc1ee5809545282b"``). The samples live in ``/work/shared/samples`` (``../shared/samples``
from the repository); set ``NIANBAO_SAMPLES`` / ``NIANBAO_TEMPLATE_DOCX`` to use other copies.
Tests that need them are skipped when they are not there.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

_TESTS = Path(__file__).resolve().parent
if str(_TESTS) not in sys.path:  # `from fixtures.docx_builder import …` in any test module
    sys.path.insert(0, str(_TESTS))

from fixtures.docx_builder import build_docx, content_from_sample, find_samples_dir, find_template  # noqa: E402


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    path = find_samples_dir()
    if not path.is_dir() or not any(path.glob("*.txt")):
        pytest.skip(f"sample reports not found in {path}")
    return path


@pytest.fixture(scope="session")
def sample_texts(samples_dir: Path) -> dict[str, str]:
    """name (file stem) -> the sample's text."""
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(samples_dir.glob("*.txt"))}


@pytest.fixture(scope="session")
def template_path() -> Path:
    path = find_template()
    if not path.exists():
        pytest.skip(f"template_2021_wps.docx not found at {path}")
    return path


@pytest.fixture(scope="session")
def sample_docx(sample_texts: dict[str, str], template_path: Path) -> dict[str, bytes]:
    """name -> the sample as a real .docx (built once per session from the template)."""
    return {name: build_docx(content_from_sample(text, f"{name}.txt"), template=template_path) for name, text in sample_texts.items()}
