"""Every sentence the web desk shows that is not in a template, and what its commands say."""

import errno
import os

INVITE_ERRORS = {
    "unknown": "邀请码无效，请核对后重新输入（不区分大小写）。",
    "used": (
        "这个邀请码已经使用过了，每个邀请码只能用一次。用它登录过的人，请输入当时页面上显示的个人登录码（12 位，如 ABCD-EFGH-JKLM）；"
        "忘记了，请同单位的同事登录后在本单位页面的「本单位人员」中为您生成新的，或向县政务公开办索取。"
    ),
    "expired": "这个邀请码已过期（或已换成新的邀请码），请向县政务公开办重新索取。",
}
PERSONAL_CODE_UNKNOWN = (
    "个人登录码不对，或已经换成了新的。请核对后重新输入（不区分大小写，横线可以不输）；"
    "忘记了，请同单位的同事登录后在「本单位人员」中为您生成新的，或向县政务公开办索取。"
)
NAME_NEEDED = "还没有填写姓名：请填写您的姓名（记录中写谁上传、谁确认），再按“下一步”。"
NAME_TOO_LONG = "姓名太长了，请不超过 20 个字。"
MAX_NAME = 20
LINK_ERRORS = {
    "unknown": "这个登录链接无效。",
    "used": "这个登录链接已经用过了，每个链接只能使用一次。",
    "expired": "这个登录链接已过期（有效期 10 分钟）。",
}
LINK_AGAIN = "请在机器人中重新发送 /web 获取新链接，或请管理员在服务器上运行 nianbao web-login 用户ID。"
NOT_A_MEMBER = "这个账号还没有绑定单位或督导员身份，无法登录网页。"
TOO_MANY_TRIES = "尝试次数过多，请 {seconds} 秒后再试。"
SIGNED_OUT = "您已退出登录。"
EMPTY_CODE = "请输入邀请码或个人登录码。"
ACCEPT_NEEDS_REASON = "还没有填写理由：确认一项问题需要写明理由（例如“经核实，该单位本年无行政许可事项”），填写后再按“确认”。"
EXPLAIN_NEEDS_TEXT = "还没有填写说明的内容：写明原因（例如“本年机构改革，申请量下降”）后再按“提交说明”。"
NOTHING_UPLOADED = "还没有选择文件，也没有粘贴文字：请选择要上传的报告文件（.docx、.doc/.wps、PDF），或把报告全文粘贴到下面的文本框中，再按“提交审核”。"
EMPTY_FILE = "上传的文件是空的（0 字节），请检查后重新选择文件。"
PASTE_TOO_SHORT = "粘贴的内容不像一份完整的年度报告。请粘贴报告全文（包括标题、六个部分和三张统计表），或上传 Word 文件。"


def not_started(host: str, port: int, error: OSError) -> str:
    """``nianbao web`` (or the desk beside ``serve``) could not listen on its address."""
    if error.errno == errno.EADDRINUSE:
        return f"网页版未启动（{host}:{port} 端口被占用：可设置 NIANBAO_WEB_PORT 换一个端口，或先停止占用它的程序）。"
    if error.errno == errno.EADDRNOTAVAIL:
        return f"网页版未启动（本机没有 {host} 这个地址：可设置 NIANBAO_WEB_HOST，例如 127.0.0.1 或 0.0.0.0）。"
    if error.errno == errno.EACCES:
        return f"网页版未启动（没有权限使用 {port} 端口，1024 以下的端口需要管理员权限：可设置 NIANBAO_WEB_PORT）。"
    reason = os.strerror(error.errno) if error.errno else str(error)
    return f"网页版未启动（无法在 {host}:{port} 上监听：{reason}；可设置 NIANBAO_WEB_HOST / NIANBAO_WEB_PORT）。"


def new_code_for_you(by: str, when) -> str:
    """What a person is told when someone else made them a new personal sign-in code."""
    return (
        f"{by} 于 {when:%Y-%m-%d %H:%M} 为您生成了新的网页版个人登录码，原来的个人登录码已作废。"
        "如果不是您请他生成的，请马上联系县政务公开办。"
    )


def configured_unnamed(user_id: int, role: str) -> str:
    """A supervisor or admin of the configuration alone: their name is kept by the database."""
    return f"您是配置文件中的督导员或管理员，姓名请管理员在服务器上登记：nianbao members add {user_id} --role {role} --name 姓名。"


LOGIN_LINK_FOLLOWS = "一次性登录链接（10 分钟内有效，只能使用一次）："


def cannot_log_in(user_id: int) -> str:
    """``nianbao web-login USER_ID`` for someone who is neither staff nor a supervisor: both ways in."""
    return (
        f"用户 {user_id} 还不是工作人员、督导员或管理员，不能登录网页。两种办法：\n"
        f"1. 督导员：先登记，nianbao members add {user_id} --role supervisor --name 李四（可加 --region 地区 限定范围），"
        "记在数据库里，正在运行的网页版不用重启；再运行本命令得到登录链接。\n"
        "2. 不用用户 ID：nianbao invite --role supervisor 生成督导员邀请码，他在网页版的登录页输入即可登录（不需要 Telegram），"
        "第一次登录时填写姓名并得到个人登录码。\n"
        "工作人员：nianbao invite 机关名称 生成本单位的邀请码，在网页版的登录页输入。"
    )
