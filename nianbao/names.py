"""Agency names as reports, file names and people write them: one set of rules for every place that
matches a written name to another (S104, the history import, the roster and ``Store.find_agency``),
and the file names we send and take (the suffixes of drafts in a folder)."""

from __future__ import annotations

import unicodedata

import difflib
import re

_WHITESPACE = re.compile(r"[\s\u3000\u00a0\u2000-\u200b\ufeff]+")


def squash(text: str) -> str:
    """NFKC-normalise and drop every kind of white space (names and labels are broken anywhere)."""
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", text))


# Files in a folder that are tried as reports (`nianbao check`/`summary`/`history import` FOLDER);
# anything else there is named as skipped. A file named on its own is always tried.
TEXT_SUFFIXES = frozenset({".txt", ".md", ".text"})
DRAFT_SUFFIXES = TEXT_SUFFIXES | {".docx", ".doc", ".wps", ".rtf", ".odt", ".pdf", ".html", ".htm", ".mht", ".mhtml"}


def stray_text(file_name: str, error_code: str | None) -> bool:
    """A text file in a folder (a README.md) in which the engine found nothing of a report (its
    ``not_a_report``: no title, section headings or tables): skipped as not a report, like an
    image, rather than counted as a draft that could not be read."""
    return file_name.lower().endswith(tuple(TEXT_SUFFIXES)) and error_code == "not_a_report"


_GOVERNMENT_SUFFIX = re.compile(r"(人民政府|政府|街道办事处|办事处)$")
_REGION_PREFIX = re.compile(r"^.*?[省市州盟县区旗](?!场)(?=..)")  # 市场监督管理局 is not a city
_SHORT_REGION_PREFIX = re.compile(r"^.{1,8}?(省|自治区|地区|市|自治州|州|盟|县|自治县|区|旗)(?=.{2,})")
_REPORT_WORDS = re.compile(r"政府信息公开(工作)?(年度)?报告|年度报告|年报|草稿|定稿|终稿|[-_（）()\s]+")
_YEARS = re.compile(r"(19|20)\d{2}\s*(年度|年)?")
SIMILAR_ENOUGH = 0.75  # difflib ratio of two names' cores taken as the same agency


def clean_name(name: str) -> str:
    """A name as typed into the roster or a command: trimmed, inner white space (U+3000 too) one space."""
    return " ".join(str(name).split())


def split_name(name: str) -> tuple[str, str]:
    """(region, core): 文水县刘胡兰镇 → (文水县, 刘胡兰镇); 刘胡兰镇人民政府 → ("", 刘胡兰镇)."""
    core = _GOVERNMENT_SUFFIX.sub("", squash(name))
    region = ""
    while (match := _REGION_PREFIX.match(core)) and len(core) - match.end() >= 2:
        region, core = region + match.group(0), core[match.end() :]
    return region, core


def distinctive(name: str) -> bool:
    """Whether a name is more than a generic word (人民政府, 政府, 办事处): "淮安市人民政府"
    without 淮安市 names every government."""
    return bool(_GOVERNMENT_SUFFIX.sub("", squash(name)))


def same_agency(written: str, bound: str) -> bool:
    """Whether a report's agency name is the bound agency's, as people shorten names (S104)."""
    (written_region, written), (bound_region, bound) = split_name(written), split_name(bound)
    if written_region and bound_region and not (written_region in bound_region or bound_region in written_region):
        return False  # the same department of another county: copied
    return written in bound or bound in written or difflib.SequenceMatcher(None, written, bound).ratio() >= SIMILAR_ENOUGH


def name_variants(text: str) -> list[str]:
    """Ways a report or its file may write an agency's name, to look it up in the roster:
    "文水县刘胡兰镇人民政府" → itself, without "人民政府", and without the region prefixes
    ("刘胡兰镇人民政府", "刘胡兰镇"); never a bare generic word ("淮安市人民政府" stops at "淮安市")."""
    variants: list[str] = []
    current = _YEARS.sub("", _REPORT_WORDS.sub("", text)).strip()
    while current and current not in variants and distinctive(current):
        variants.append(current)
        shorter = current.removesuffix("人民政府") if current.endswith("人民政府") else current.removesuffix("政府")
        if len(shorter) >= 2 and shorter not in variants:
            variants.append(shorter)
        current = _SHORT_REGION_PREFIX.sub("", current, count=1)
    return variants


MAX_FILE_NAME = 120


def clean_file_name(name: str | None, default: str) -> str:
    """A sender's file name as we keep and show it, from any face: no control or invisible format
    characters (CR, LF, NUL, the right-to-left override U+202E, zero-width spaces), spaces
    collapsed, at most ``MAX_FILE_NAME`` characters (the end kept: it has the suffix)."""
    text = "".join(" " if c in "\t\r\n" else c for c in str(name or "") if c in "\t\r\n" or unicodedata.category(c)[0] != "C")
    text = " ".join(text.split())
    return text[-MAX_FILE_NAME:] or default


def safe_file_name(name: str, default: str = "") -> str:
    """A file name for a document we send: letters, digits and a few marks only (never the sender's)."""
    return "".join(c for c in name if c.isalnum() or c in "-_（）()")[:60] or default


# a stored draft's suffix, from its content (``validators.readers.sniff``): the sender's name is not trusted
DRAFT_SUFFIX = {"docx": ".docx", "pdf": ".pdf", "ole": ".doc", "rtf": ".rtf", "odt": ".odt", "html": ".html", "mhtml": ".mht", "image": ".jpg", "text": ".txt"}
