"""What only the WeCom face says (chat HTML, like the shared messages; ``render`` turns it into
WeCom text). Everything else it says is the shared chat's (``nianbao.messages``)."""

from __future__ import annotations

# the app menu (自定义菜单): a top-level button's name at most 16 bytes, a sub-button's 40
MENU_GROUPS = {"member": "报送", "supervisor": "督导", "more": "更多"}
MENU_LABELS = {
    "history": "本单位记录",
    "template": "空白模板",
    "rules": "审核规则",
    "help": "使用说明",
    "whoami": "我的账号",
    "web": "网页版登录",
    "status": "报送情况",
    "overdue": "未通过单位",
    "summary": "汇总统计表",
    "export": "导出CSV",
    "audit": "操作记录",
}

BIND_WORD = "绑定"  # 「绑定 邀请码」 binds, as /start 邀请码 does

FILE_TOO_LARGE_FOR_WECOM = "文件「{name}」有 {size:.1f} MB，超过企业微信 {limit:.0f} MB 的上限，无法在这里发送。"
FILE_ON_THE_WEB = "请在网页版下载（一次性登录链接，{minutes} 分钟内有效）：<a href=\"{link}\">打开网页版</a>"
FILE_WEB_OFF = "请联系县政务公开办从网页版或命令行取得这个文件。"
WECOM_ACCOUNT = "企业微信账号：<code>{user}</code>（管理员可以用它 /promote 或 /remove）"
FILE_FETCH_FAILED = "抱歉，没能从企业微信取得您发送的文件「{name}」，请再发送一次。"
NOT_A_USER = "没有找到企业微信账号「{user}」。请写对方的账号（企业微信管理后台“通讯录”中的账号），或数字用户编号。"

# the log, in the operator's two languages
LOG_CALLBACK_REFUSED = "企业微信回调被拒绝（%s）/ WeCom callback refused (%s)"
LOG_API_ERROR = "企业微信接口 %s 返回错误 %s：%s / WeCom API %s answered %s: %s"
LOG_UNTRUSTED_IP = (
    "企业微信拒绝了本服务器的地址（60020）：请在应用的“企业可信IP”中加入服务器的出口 IP"
    " / WeCom refused this server's address (60020): add its outgoing IP to the app's trusted IPs"
)
LOG_STARTED = "企业微信已启动：回调地址 %s，应用 %s / WeCom face started: callback %s, agent %s"
LOG_NO_WEB = (
    "网页版已关闭（NIANBAO_WEB=off）：企业微信回调由本服务在 %s 上提供"
    " / the web desk is off: the WeCom callback is served on %s by this face"
)
