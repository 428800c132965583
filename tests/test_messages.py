"""nianbao.messages holds every user-facing string of the chat, the draft pipeline and the
``nianbao`` command (issue #12): code says ``say.NAME``, and a Chinese string constant anywhere
else in those packages is either vocabulary on the allow-list below or a message to move."""

from __future__ import annotations

import ast
import importlib
import re
import subprocess
import sys
from pathlib import Path

from nianbao import messages as say

ROOT = Path(__file__).resolve().parents[1]
SCANNED = ("nianbao/bot", "nianbao/drafts", "nianbao/usecases", "nianbao/cli")
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")  # ideographs, 。「」，：
ARGPARSE = {"add_commands"}  # each CLI module's parsers: their help is the command's own registry

# Chinese the code MATCHES against (what people type, what a report contains) or declares as a
# registry, not what it says: by module, the top-level names (assignments or functions) that may
# hold it ("*": the whole module). Keep it small; a message goes to nianbao/messages.
VOCABULARY: dict[str, set[str]] = {
    # the command registry: each command's Chinese summary and usage, shown in the menu, /help and
    # docs/commands.md; kept with the command by design
    "nianbao/usecases/chat/registry.py": {"*"},
    # what people type instead of a command: 「帮助」, 「截止日期是哪天？」, 「2023年」, 「邀请码 …」
    "nianbao/usecases/chat/asks.py": {"HELP_WORDS", "DEADLINE_WORDS", "_YEAR", "_CODE", "quick_intent"},
    # words and section numbers that tell a pasted part of a report from a whole one
    "nianbao/usecases/fragments.py": {"REPORT_WORDS", "TITLE_WORDS", "START_SECTIONS", "END_SECTIONS"},
    "nianbao/usecases/intake.py": {"REPORT_MARKERS"},  # a paste is a report when it has one
    "nianbao/usecases/scope.py": {"SEPARATOR", "GOVERNMENT"},
    "nianbao/usecases/chat/published.py": {"CAPTION_WORD"},  # a file captioned 「发布稿」 is the published copy  # region paths and a region's government
    "nianbao/usecases/chat/__init__.py": {"EXPLANATION", "DETAILS"},  # staff's 「说明 3 …」, 「详情 3」
    "nianbao/cli/main.py": {"build_parser"},  # the nianbao command's description and --config
    **{f"nianbao/cli/{name}.py": ARGPARSE for name in ("bot", "check", "ops", "records", "roster", "web")},
}


def _docstrings(tree: ast.AST) -> set[int]:
    nodes = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    return {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, nodes) and node.body and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant) and isinstance(node.body[0].value.value, str)
    }  # fmt: skip


def _names(statement: ast.stmt) -> set[str]:
    """The top-level names a module statement defines."""
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {statement.name}
    targets = statement.targets if isinstance(statement, ast.Assign) else [getattr(statement, "target", None)]
    return {n.id for t in targets if t is not None for n in ast.walk(t) if isinstance(n, ast.Name)}


def chinese_constants(source: str) -> list[tuple[int, set[str], str]]:
    """(line, names of the enclosing top-level statement, text) of each string constant with
    Chinese in it, docstrings aside (comments are not in the tree)."""
    tree = ast.parse(source)
    docstrings = _docstrings(tree)
    found = []
    for statement in tree.body:
        for node in ast.walk(statement):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                if CJK.search(node.value):
                    found.append((node.lineno, _names(statement), node.value))
    return found


def _modules():
    for package in SCANNED:
        for path in sorted((ROOT / package).rglob("*.py")):
            yield path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")


def violations(module: str, source: str) -> list[str]:
    allowed = VOCABULARY.get(module, set())
    if "*" in allowed:
        return []
    return [f"{module}:{line}: {text!r}" for line, names, text in chinese_constants(source) if not names & allowed]


def test_no_user_facing_chinese_outside_messages():
    found = [problem for module, source in _modules() for problem in violations(module, source)]
    assert not found, "Chinese strings outside nianbao/messages (move them there, say.NAME):\n" + "\n".join(found)


def test_the_scan_catches_a_message_put_back_into_a_handler():
    handler = (ROOT / "nianbao/usecases/chat/members.py").read_text(encoding="utf-8")
    assert not violations("nianbao/usecases/chat/members.py", handler)
    broken = handler.replace("turn.say(say.AUDIT_EMPTY)", 'turn.say("还没有操作记录。")')
    assert broken != handler
    [problem] = violations("nianbao/usecases/chat/members.py", broken)
    assert problem.endswith("'还没有操作记录。'")
    in_fstring = handler.replace("say.REMOVE_USAGE", 'f"用法：{turn.args}"')
    assert len(violations("nianbao/usecases/chat/members.py", in_fstring)) == 1
    # vocabulary is allowed by name, not by module: a message beside it is still caught
    asks = (ROOT / "nianbao/usecases/chat/asks.py").read_text(encoding="utf-8")
    assert violations("nianbao/usecases/chat/asks.py", asks + '\nLATE = "请稍后再试。"\n')


def test_the_vocabulary_allow_list_names_only_what_holds_chinese():
    """An entry that no longer holds Chinese (moved, renamed) is dropped, so the list stays small."""
    sources = dict(_modules())
    for module, allowed in VOCABULARY.items():
        assert module in sources, module
        holding = {name for _, names, _ in chinese_constants(sources[module]) for name in names}
        assert allowed == {"*"} or allowed <= holding, (module, allowed - holding)


def test_every_name_of_every_messages_module_is_a_name_of_the_package():
    package = ROOT / "nianbao/messages"
    assert {p.stem for p in package.glob("*.py")} == {"__init__", *say.MODULES}
    seen: dict[str, str] = {}
    for module_name in say.MODULES:
        module = importlib.import_module(f"nianbao.messages.{module_name}")
        tree = ast.parse((package / f"{module_name}.py").read_text(encoding="utf-8"))
        defined = {name for statement in tree.body for name in _names(statement) if not name.startswith("_")}
        assert defined - {"__all__"} <= set(module.__all__), (module_name, defined - set(module.__all__))
        for name in module.__all__:
            assert name not in seen, f"{name} in both {seen.get(name)} and {module_name}"
            seen[name] = module_name
            assert getattr(say, name) is getattr(module, name)
    assert "escape" in seen and "split_message" in seen


def test_messages_modules_stay_small():
    for path in (ROOT / "nianbao/messages").glob("*.py"):
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 300, path.name


def test_the_command_line_prints_without_loading_the_engine():
    """``say.NAME`` imports only the module that has it; the console's lines import nothing."""
    probe = (
        "import sys; from nianbao import messages as say; say.NO_FILES_TO_CHECK; say.unreachable('s', 'd', 1); "
        "print(sorted(m for m in sys.modules if m.startswith(('nianbao.validators', 'nianbao.storage', 'nianbao.messages.'))))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT).stdout
    assert out.strip() == "['nianbao.messages.console']"
