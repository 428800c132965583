"""What the county's IT person reads at the server (plain text, imports nothing): invite codes as
the faces that are configured take them (the web desk's sign-in page, Telegram, 企业微信), what
happens to earlier codes, ``nianbao web-login``'s hints, and the doctor's verdict."""

from __future__ import annotations

__all__ = [
    "DOCTOR_ALL_GOOD", "INVITES_OUT_NEEDED", "NO_AGENCIES_TO_INVITE", "NO_WAY_IN", "doctor_failed",
    "earlier_invites_kept", "earlier_invites_revoked", "invite_issued", "invite_ways", "invites_no_database",
    "invites_saved", "local_web_address", "no_bot_username", "web_login_unnamed", "ways_line",
]  # fmt: skip

DOCTOR_ALL_GOOD = "一切正常：配置的各项服务都可以使用。"
INVITES_OUT_NEEDED = "请用 --out 邀请码.xlsx（或 .csv）指定保存邀请码的文件。"
NO_AGENCIES_TO_INVITE = "名单中没有需要邀请码的机关。"
NO_WAY_IN = (
    "邀请码没有地方可用：网页版已关闭（NIANBAO_WEB=off），也没有配置 Telegram（TELEGRAM_BOT_TOKEN，或用 --bot 机器人用户名）"
    "或企业微信（NIANBAO_WECOM_*）。请先打开其中一种。"
)


def doctor_failed(count: int) -> str:
    return f"有 {count} 项需要处理（见 ✗）。"


def invite_ways(
    code: str, *, web_url: str | None = None, bot: str | None = None, chat: bool = False, wecom: bool = False,
    supervisor: bool = False,
) -> list[str]:
    """How this code is used, one line per face that is configured: ``web_url`` the desk's sign-in
    page, ``bot`` Telegram's bot username (a t.me link), ``chat`` Telegram without a known username,
    ``wecom`` the 企业微信 app."""
    ways = []
    if web_url:
        first = "" if supervisor else "；第一次登录时填写姓名，记下页面上显示的个人登录码，以后用它登录"
        ways.append(f"网页版：用浏览器打开 {web_url} ，在登录页输入邀请码 {code}{first}")
    if bot:
        name = bot.lstrip("@")
        ways.append(f"Telegram：打开 https://t.me/{name}?start={code} ，点“开始/START”；或给机器人 @{name} 发送 /start {code}")
    elif chat:
        ways.append(f"Telegram：给机器人发送 /start {code}")
    if wecom:
        ways.append(f"企业微信：在工作台打开年报审核应用，发送“绑定 {code}”")
    return ways


def ways_line(ways: list[str]) -> str:
    return "\n".join(f"  {way}" for way in ways)


def invite_issued(code: str, days: int, ways: list[str]) -> str:
    return f"邀请码 {code}（{days} 天内有效，只能使用一次）。使用方法：\n" + ways_line(ways)


def invites_saved(count: int, days: int, out, ways: list[str]) -> str:
    return (
        f"已为 {count} 个机关生成邀请码（{days} 天内有效，每个只能使用一次）：{out}\n"
        "表中每一行写明该机关的使用方法，例如：\n" + ways_line(ways)
    )


def earlier_invites_kept(agencies: int, codes: int, last) -> str:
    """Codes made before this run, still unused and valid: they keep working (``last``: when the
    last of them expires)."""
    return (
        f"注意：其中 {agencies} 个机关还有以前生成、尚未使用的邀请码共 {codes} 个，仍然有效（最晚到 {last:%Y-%m-%d}）："
        "这些机关现在各有不止一个可用的邀请码。要作废旧码、只留新码，请加 --replace 重新运行"
        "（会再生成一批新码）；不处理的话，旧码到期自动失效。"
    )


def earlier_invites_revoked(agencies: int, codes: int) -> str:
    return (
        f"已作废 {agencies} 个机关以前生成、尚未使用的邀请码共 {codes} 个（输入时会提示已过期）；"
        "已经使用过的邀请码和已登录、已绑定的人不受影响。"
    )


def local_web_address(url: str) -> str:
    return (
        f"注意：网页版地址是 {url}，只有服务器本机能打开。请把环境变量 NIANBAO_WEB_URL（或配置文件 [web] url）"
        "设为各机关在浏览器中打开的地址（例如 https://nianbao.example.gov.cn），再生成邀请码。"
    )


def no_bot_username(detail: str) -> str:
    return (
        f"无法从 Telegram 得到机器人的用户名（{detail}）：请用 --bot 机器人用户名 指定；"
        "不用 Telegram 时，去掉 TELEGRAM_BOT_TOKEN 即可只生成网页版的使用方法。"
    )


def invites_no_database(database) -> str:
    return f"找不到数据库「{database}」：先用 nianbao agencies import 名单.csv 导入名单。"


def web_login_unnamed(user_id: int) -> str:
    return (
        f"提示：用户 {user_id} 还没有姓名，记录中会显示为“用户 {user_id}”。"
        f"可运行 nianbao members add {user_id} --role supervisor --name 姓名 登记姓名。"
    )
