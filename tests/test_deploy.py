"""The systemd unit shipped in deploy/: what it promises in the threat model."""

from __future__ import annotations

import configparser
from pathlib import Path

UNIT = Path(__file__).resolve().parents[1] / "deploy" / "nianbao.service"


def service_section() -> dict[str, str]:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read_string(UNIT.read_text(encoding="utf-8"))
    return dict(parser["Service"])


def test_files_the_bot_creates_are_private_to_it():
    assert service_section().get("UMask") == "0077"
