"""`nianbao doctor`: whether everything the office configured is there (see nianbao.ops.doctor);
each chat face's own probe is handed in from here (the doctor imports no other face)."""

from __future__ import annotations

from .. import messages as say


def cmd_doctor(args) -> int:
    from ..bot.reach import probe
    from ..config import load_config
    from ..ops.doctor import run_checks
    from ..wecom.doctor import probe as wecom_probe

    config = load_config(args.config)
    checks = run_checks(config, args.config, libreoffice=not args.no_libreoffice, probe=probe, wecom_probe=wecom_probe)
    for check in checks:
        print(check.line())
    failed = [c for c in checks if c.required and not c.ok]
    print(say.DOCTOR_ALL_GOOD if not failed else say.doctor_failed(len(failed)))
    return 1 if failed else 0


def add_commands(sub) -> None:
    doctor = sub.add_parser(
        "doctor",
        help="检查运行环境：配置、网页版（能否打开登录页）、配置了的 Telegram / 企业微信、数据库、草稿文件夹和占用空间、LibreOffice、中文字体",
    )
    doctor.add_argument("--no-libreoffice", action="store_true", help="不检查 LibreOffice")
    doctor.set_defaults(func=cmd_doctor)
