"""Agency names as reports, file names and people write them: one set of rules for every place
that matches a written name to the roster."""

from __future__ import annotations

import re

_REGION_PREFIX = re.compile(r"^.{1,8}?(省|自治区|地区|市|自治州|州|盟|县|自治县|区|旗)(?=.{2,})")
_REPORT_WORDS = re.compile(r"政府信息公开(工作)?(年度)?报告|年度报告|年报|草稿|定稿|终稿|[-_（）()\s]+")
_YEARS = re.compile(r"(19|20)\d{2}\s*(年度|年)?")


def name_variants(text: str) -> list[str]:
    """Ways a report may write an agency's name: "文水县刘胡兰镇人民政府" → itself, without
    "人民政府", and without the region prefixes ("刘胡兰镇人民政府", "刘胡兰镇")."""
    variants: list[str] = []
    current = _YEARS.sub("", _REPORT_WORDS.sub("", text)).strip()
    while current and current not in variants:
        variants.append(current)
        shorter = current.removesuffix("人民政府") if current.endswith("人民政府") else current.removesuffix("政府")
        if len(shorter) >= 2 and shorter not in variants:
            variants.append(shorter)
        current = _REGION_PREFIX.sub("", current, count=1)
    return variants


def safe_file_name(name: str, default: str = "") -> str:
    """A file name for a document we send: letters, digits and a few marks only (never the sender's)."""
    return "".join(c for c in name if c.isalnum() or c in "-_（）()")[:60] or default


# a stored draft's suffix, from its content (``validators.readers.sniff``): the sender's name is not trusted
DRAFT_SUFFIX = {"docx": ".docx", "pdf": ".pdf", "ole": ".doc", "rtf": ".rtf", "image": ".jpg", "text": ".txt"}
