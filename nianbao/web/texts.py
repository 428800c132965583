"""Every sentence the web desk shows that is not in a template, and what its commands say."""

import errno
import os

INVITE_ERRORS = {
    "unknown": "邀请码无效，请核对后重新输入（不区分大小写）。",
    "used": "这个邀请码已经使用过了。每个邀请码只能用一次，请向县政务公开办重新索取。",
    "expired": "这个邀请码已过期，请向县政务公开办重新索取。",
}
LINK_ERRORS = {
    "unknown": "这个登录链接无效。",
    "used": "这个登录链接已经用过了，每个链接只能使用一次。",
    "expired": "这个登录链接已过期（有效期 10 分钟）。",
}
LINK_AGAIN = "请在机器人中重新发送 /web 获取新链接，或请管理员在服务器上运行 nianbao web-login 用户ID。"
NOT_A_MEMBER = "这个账号还没有绑定单位或督导员身份，无法登录网页。"
TOO_MANY_TRIES = "尝试次数过多，请 {seconds} 秒后再试。"
SIGNED_OUT = "您已退出登录。"
EMPTY_CODE = "请输入邀请码。"
ACCEPT_NEEDS_REASON = "确认一项问题需要写明理由（例如“经核实，该单位本年无行政许可事项”）。请返回填写后再提交。"
EXPLAIN_NEEDS_TEXT = "请写明说明的内容后再提交。"
NOTHING_UPLOADED = "请选择要上传的报告文件，或把报告全文粘贴到文本框中。"
EMPTY_FILE = "上传的文件是空的，请检查后重新上传。"
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


LOGIN_LINK_FOLLOWS = "一次性登录链接（10 分钟内有效，只能使用一次）："


def cannot_log_in(user_id: int) -> str:
    """``nianbao web-login USER_ID`` for someone who is neither staff nor a supervisor: how to fix it."""
    return (
        f"用户 {user_id} 还不是工作人员、督导员或管理员，不能登录网页。\n"
        f"督导员：把 {user_id} 加进环境变量 NIANBAO_SUPERVISORS（或配置文件 [people] supervisors，逗号分隔），"
        "网页版（nianbao web 或 serve）也要用同样的设置重新启动，再运行本命令；或者用 nianbao invite --role supervisor 生成督导员邀请码，在网页版的登录页输入即可登录，"
        "不需要 Telegram。\n"
        "工作人员：用 nianbao invite 机关名称 生成本单位的邀请码，在网页版的登录页输入。"
    )
