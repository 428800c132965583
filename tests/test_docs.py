"""Documentation generated from the code stays in step with it."""

from pathlib import Path

from nianbao.validators.rules import all_rules
from nianbao.validators.rules.catalog import rules_markdown

ROOT = Path(__file__).resolve().parents[1]


def test_rules_catalogue_is_generated_from_the_registry():
    committed = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == rules_markdown(), "docs/rules.md is stale: run `nianbao rules --markdown > docs/rules.md`"


def test_every_rule_is_documented_with_message_and_hint():
    for item in all_rules():
        assert item.summary and item.message and item.hint and item.explanation, item.code
        assert item.code[0] in "STCALYXH" and item.code[1:].isdigit()


def test_command_reference_is_generated_from_the_registry():
    from nianbao.usecases.chat.registry import commands_markdown

    committed = (ROOT / "docs" / "commands.md").read_text(encoding="utf-8")
    assert committed == commands_markdown(), "docs/commands.md is stale: run `python -m nianbao.usecases.chat.registry > docs/commands.md`"


def test_every_command_is_declared_with_a_summary_and_has_a_handler():
    from nianbao.usecases.chat.county import ANSWERS
    from nianbao.usecases.chat.registry import COMMANDS

    assert set(ANSWERS) == {c.name for c in COMMANDS}  # every chat face answers every command through these
    for command in COMMANDS:
        assert command.summary and command.name.isascii() and command.name.islower(), command.name


def test_the_docs_tell_an_office_without_telegram_how_to_use_the_web_desk():
    """The desk exists (no longer "being built"), and both languages say how to sign in without Telegram."""
    deploy = (ROOT / "deploy" / "README.md").read_text(encoding="utf-8")
    chinese, english = deploy.split('<a id="english"></a>', 1)
    assert "正在开发中" not in chinese and "being built" not in english
    for text in (chinese, english, (ROOT / "README.md").read_text(encoding="utf-8")):
        for words in ("nianbao web", "nianbao web-login", "NIANBAO_SUPERVISORS", "nianbao invite --role supervisor"):
            assert words in text, words
    quick_start = (ROOT / "README.md").read_text(encoding="utf-8").split("## 快速上手（中文）")[1].split("\n## ")[0]
    assert "网页" in quick_start and "nianbao web" in quick_start
