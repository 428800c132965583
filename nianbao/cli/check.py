"""`nianbao check` (one draft, several, or a folder; text or JSON; a marked-up copy; last year's
report for the year-to-year rules) and `nianbao rules` (the rule catalogue)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .. import messages as say
from ..levels import LEVEL_WORDS
from .inputs import expand_paths, level_argument, os_problem, skipped_as_stray

if TYPE_CHECKING:  # the engine is imported when a command needs it: `nianbao invite` starts faster
    from ..validators.engine import CheckResult


def _check_file(path: Path, args, *, annotate: bool = False) -> tuple[CheckResult, bytes | None]:
    """The check of one file and, with ``annotate``, its 批注版 (or clean copy) made on the tree
    the check read, in the same pass."""
    from ..validators.engine import CheckResult, check_bytes

    try:
        data = path.read_bytes()
    except OSError as exc:
        from ..validators.document import ReadError

        result = CheckResult(str(path), "", 0, "missing")
        result.error = ReadError("unreadable_file", say.cannot_open_file(path, os_problem(exc)))
        return result, None
    options = dict(
        level=args.level, deadline=args.deadline, government_deadline=args.government_deadline, expected_year=args.year, previous=_previous(args)
    )
    if annotate:
        from ..validators.annotate import check_and_annotate

        return check_and_annotate(data, str(path), **options)
    return check_bytes(data, str(path), **options), None


def _previous(args):
    """``--previous FILE``: last year's report, for the year-to-year rules (read once)."""
    if not getattr(args, "previous", None):
        return None
    if not hasattr(args, "_previous_report"):
        from ..validators.engine import check_bytes
        from ..validators.prior import PriorReport

        try:
            result = check_bytes(Path(args.previous).read_bytes(), args.previous)
        except OSError as exc:
            print(say.previous_cannot_open(args.previous, os_problem(exc)), file=sys.stderr)
            raise SystemExit(2) from None
        if result.report is None or result.report.year is None:
            print(say.previous_unreadable(args.previous), file=sys.stderr)
            raise SystemExit(2)
        args._previous_report = PriorReport.from_report(result.report, source=say.previous_source(result.report.year, Path(args.previous).name))
    return args._previous_report


def _previous_year_notice(result: CheckResult, args) -> None:
    previous = getattr(args, "_previous_report", None)
    if previous is not None and result.report is not None and result.report.year and not previous.precedes(result.report.year):
        print(say.previous_other_year(previous.year, result.report.year), file=sys.stderr)


def _save_annotated(result: CheckResult, marked: bytes | None, target: str) -> None:
    from ..validators.annotate import CONVERTED_FORMATS, is_clean_copy

    if marked is not None and is_clean_copy(result):  # a returned 批注版 with every issue fixed
        Path(target).write_bytes(marked)
        print(say.clean_copy_saved(target), file=sys.stderr)
    elif marked is not None:
        Path(target).write_bytes(marked)
        print(say.annotated_saved(target, len(result.issues)), file=sys.stderr)
        if result.input_format in CONVERTED_FORMATS:
            print(say.converted_annotated(result.input_format), file=sys.stderr)
    else:
        nothing_to_mark = result.error is None and not result.issues
        print(say.NOT_ANNOTATED_NO_ISSUES if nothing_to_mark else say.NOT_ANNOTATED_NOT_DOCX, file=sys.stderr)


def _same_file(one: Path, other: Path) -> bool:
    """Whether two paths name one file: the same inode when both exist (hard and symbolic links),
    else the same path once resolved."""
    try:
        return os.path.samefile(one, other)
    except OSError:
        return one.resolve() == other.resolve()


def _annotate_overwrites_input(args, files: list[Path]) -> bool:
    """``--annotate OUT`` naming a draft of the run (or ``--previous``): it would be overwritten."""
    target = Path(args.annotate)
    inputs = [*files, *([Path(args.previous)] if args.previous else [])]
    clash = next((path for path in inputs if _same_file(target, path)), None)
    if clash is not None:
        print(say.annotate_over_input(args.annotate, clash), file=sys.stderr)
    return clash is not None


def cmd_check(args) -> int:
    from ..validators.render import render_text, result_json, summary_line

    in_folders: set[Path] = set()
    files = expand_paths(args.files, in_folders)
    if not files:
        print(say.NO_FILES_TO_CHECK, file=sys.stderr)
        return 2
    worst = 0
    single = len(files) == 1
    if args.annotate and not single:
        print(say.ANNOTATE_ONE_FILE, file=sys.stderr)
        return 2
    if args.annotate and _annotate_overwrites_input(args, files):
        return 2
    checked = 0
    for path in files:
        result, marked = _check_file(path, args, annotate=bool(args.annotate))
        if skipped_as_stray(path, result.error and result.error.code, in_folders):
            continue
        checked += 1
        _previous_year_notice(result, args)
        worst = max(worst, result.exit_code())
        if args.annotate:
            _save_annotated(result, marked, args.annotate)
        if args.json:
            if result.error and single:
                print(summary_line(result), file=sys.stderr)
            print(json.dumps(result_json(result), ensure_ascii=False, indent=2 if single and args.pretty else None))
        elif single:
            print(render_text(result, hints=not args.no_hints)) if result.error is None else print(summary_line(result), file=sys.stderr)
        else:
            print(f"{path.name}\t{summary_line(result)}")
    if not checked:
        print(say.NO_FILES_TO_CHECK, file=sys.stderr)
        return 2
    return worst


def cmd_rules(args) -> int:
    from ..validators.rules.catalog import rules_markdown, rules_table_text

    if args.markdown:
        sys.stdout.write(rules_markdown())
    else:
        print(rules_table_text())
    return 0


def _date(text: str) -> dt.date:
    try:
        return dt.datetime.strptime(text.replace("/", "-"), "%Y-%m-%d").date()
    except ValueError:
        raise argparse.ArgumentTypeError(say.bad_date(text)) from None


def add_commands(sub) -> None:
    check = sub.add_parser("check", help="审核一份或多份报告（.docx、.doc、.wps、.odt、.rtf、PDF 或文本），也可以是文件夹")
    check.add_argument("files", nargs="+", metavar="FILE", help="报告文件（.docx、.doc、.wps、.odt、.rtf、PDF 或文本）或文件夹")
    check.add_argument("--json", action="store_true", help="输出 JSON（多个文件时每行一个 JSON 对象）")
    check.add_argument("--pretty", action="store_true", help="单个文件的 JSON 缩进输出")
    check.add_argument(
        "--level", type=level_argument, metavar="LEVEL", help=f"机关层级：{LEVEL_WORDS}（或 township 等英文值；默认根据机关名称判断）"
    )
    check.add_argument("--deadline", type=_date, help="报送截止日期 YYYY-MM-DD（默认次年 1 月 31 日）")
    check.add_argument(
        "--government-deadline", type=_date, help="县级以上人民政府本级报告的公布截止日期 YYYY-MM-DD（默认次年 3 月 31 日）"
    )
    check.add_argument("--year", type=int, help="正在审核的报告年度（报告年度不同时报错）")
    check.add_argument("--no-hints", action="store_true", help="不显示修改建议")
    check.add_argument("--annotate", metavar="OUT.docx", help="另存一份批注版：每条意见作为 Word 批注加在对应单元格、行或段落旁")
    check.add_argument("--previous", metavar="FILE", help="上一年度的报告，用于跨年度核对（上年结转、现行有效件数等）")
    check.set_defaults(func=cmd_check)

    rules = sub.add_parser("rules", help="列出全部审核规则")
    rules.add_argument("--markdown", action="store_true", help="输出规则目录（docs/rules.md）")
    rules.set_defaults(func=cmd_rules)
