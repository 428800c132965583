"""The app menu (自定义菜单), made from the command registry: the commands that need no argument,
the members' under one button and the supervisors' under another (a WeCom menu is the same for
everyone in the app; a staff member who opens 督导 is told it is for supervisors). A click arrives
as an event whose key is ``cmd:<name>``, answered as the typed command."""

from __future__ import annotations

from ..roles import Rank
from ..usecases.chat.registry import commands_for
from .texts import MENU_GROUPS, MENU_LABELS

KEY_PREFIX = "cmd:"
MOST_BUTTONS, MOST_SUB_BUTTONS = 3, 5  # WeCom's limits
TOP_BYTES, SUB_BYTES = 16, 40


def _no_argument(command) -> bool:
    return not command.agency and (not command.usage or command.usage.startswith("["))


def menu_commands() -> dict[str, list[str]]:
    """The commands of each button, in the registry's order."""
    member = [c.name for c in commands_for(Rank.MEMBER) if _no_argument(c) and c.name in MENU_LABELS]
    supervisor = [c.name for c in commands_for(Rank.SUPERVISOR, exactly=True) if _no_argument(c) and c.name in MENU_LABELS]
    groups = {"member": member[:MOST_SUB_BUTTONS], "supervisor": supervisor[:MOST_SUB_BUTTONS]}
    rest = member[MOST_SUB_BUTTONS:] + supervisor[MOST_SUB_BUTTONS:]
    if rest:
        groups["more"] = rest[:MOST_SUB_BUTTONS]
    return groups


def app_menu() -> dict:
    """The body of ``menu/create``."""
    buttons = []
    for group, names in menu_commands().items():
        sub = [{"type": "click", "name": MENU_LABELS[name], "key": KEY_PREFIX + name} for name in names]
        buttons.append({"name": MENU_GROUPS[group], "sub_button": sub})
    return {"button": buttons[:MOST_BUTTONS]}


def command_of(key: str) -> str | None:
    """The command a menu click means."""
    return key[len(KEY_PREFIX):] if key.startswith(KEY_PREFIX) else None
