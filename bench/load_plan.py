"""The burst of ``bench_load.py``: what the simulated users send (the samples as .docx and .txt,
and files the bot cannot review), how it is spread over the agencies, and what a run records."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field

from common import FIRST_STAFF
from load_watch import Arrival

from fixtures.docx_builder import build_docx, content_from_sample, find_samples_dir  # noqa: E402
from fixtures.hostile import MB, zip_bomb  # noqa: E402

REPORT_SHARE = 0.6  # the rest are bad files
MARKED_UP_SUFFIX = "_审核批注.docx"


# ---------------------------------------------------------------- what the users send

@dataclass(frozen=True)
class Kind:
    """One kind of file in the mix."""

    label: str  # start of the file name
    suffix: str
    data: bytes
    readable: bool  # read as a report (a review with counts); otherwise answered "无法审核"
    is_report: bool  # a real report (else a bad file)

    @property
    def name(self) -> str:
        return f"{self.label}{self.suffix}"


@dataclass
class Draft:
    user_id: int
    file_name: str
    kind: Kind
    sent_at: float = 0.0
    update_id: int = 0
    replied_at: float | None = None  # the first reply: the review, or "无法审核"
    marked_up_at: float | None = None  # the marked-up .docx after a .docx review, if any

    @property
    def latency(self) -> float | None:
        return None if self.replied_at is None else self.replied_at - self.sent_at


def report_kinds() -> list[Kind]:
    """Every sample as a real .docx and as a .txt upload."""
    samples = sorted(find_samples_dir().glob("*.txt"))
    if not samples:
        raise SystemExit(f"no samples in {find_samples_dir()}")
    kinds = []
    for number, path in enumerate(samples, start=1):
        text = path.read_text(encoding="utf-8")
        kinds.append(Kind(f"年报{number}", ".docx", build_docx(content_from_sample(text, path.name)), readable=True, is_report=True))
        kinds.append(Kind(f"年报{number}", ".txt", path.read_bytes(), readable=True, is_report=True))
    return kinds


def bad_file_kinds(a_docx: bytes, rng: random.Random) -> list[Kind]:
    """Files the bot cannot review; each must still get a clear "无法审核" answer."""
    cjk_noise = "".join(chr(rng.randint(0x4E00, 0x9FA5)) if rng.random() > 0.05 else "\n" for _ in range(3000))
    files = [
        ("随机字节", ".docx", rng.randbytes(20_000)),
        ("截断", ".docx", a_docx[: len(a_docx) // 2]),
        ("乱码", ".txt", cjk_noise.encode("utf-8")),
        ("空白", ".txt", b" \n\n\t  \n"),
        ("照片", ".png", b"\x89PNG\r\n\x1a\n" + rng.randbytes(3_000)),
        ("加密", ".docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + rng.randbytes(4_000)),
        ("压缩炸弹", ".docx", zip_bomb(100 * MB)),
    ]
    return [Kind(label, suffix, data, readable=False, is_report=False) for label, suffix, data in files]


def plan_burst(drafts: int, users: list[int], reports: list[Kind], bad_files: list[Kind], rng: random.Random) -> list[Draft]:
    """``drafts`` drafts over ``users`` (as even as possible), in rounds, the kinds shuffled."""
    report_count = round(drafts * REPORT_SHARE)
    kinds = [reports[i % len(reports)] for i in range(report_count)]
    kinds += [bad_files[i % len(bad_files)] for i in range(drafts - report_count)]
    rng.shuffle(kinds)
    per_user = {user: drafts // len(users) + (1 if i < drafts % len(users) else 0) for i, user in enumerate(users)}
    slots = [(round_, user) for round_ in range(max(per_user.values())) for user in users if round_ < per_user[user]]
    return [
        Draft(user, f"{kind.label}-{user - FIRST_STAFF + 1:03d}-{round_ + 1}{kind.suffix}", kind)
        for (round_, user), kind in zip(slots, kinds)
    ]


def marked_up_name(file_name: str) -> str:
    """The name of the marked-up .docx the bot sends back (``handlers._send_marked_up``); our
    file names only use characters that ``safe_file_name`` keeps."""
    return file_name.rsplit(".", 1)[0] + MARKED_UP_SUFFIX


# ---------------------------------------------------------------- the run


@dataclass
class StatusProbe:
    sent_at: float  # seconds into the burst
    answered_before: int  # drafts answered when /status was sent
    text_latency: float | None = None
    photo_latency: float | None = None
    text_parts: int = 0


# No repr: asyncio.run puts its main task in a SIGINT handler and, restoring the handler on the
# way out, Python 3.11's signal.getsignal formats that task with its result (~0.3 s for a Run).
@dataclass(repr=False)
class Run:
    drafts: list[Draft]
    probes: list[StatusProbe]
    idle_status: StatusProbe | None  # a /status before the burst
    lone: list[float]  # a lone draft on the idle bot: seconds from upload to first reply
    lone_cpu: float  # the bot's CPU seconds a lone draft (the 0.2 s between two lone drafts included)
    floor_cpu: float  # seconds of CPU the burst's drafts cannot do without (see the module's doc)
    floors: tuple[float, float]  # ... measured before the bot started and after it stopped (floor_cpu: their mean)
    arrivals: dict[int, list[Arrival]]  # from the start of the burst
    queued_in: float  # seconds to queue every upload
    burst_start: float
    burst_end: float  # the last message of the burst seen
    bot_cpu: float  # seconds of CPU during the burst: the bot's process (its loop and its threads)
    workers_cpu: float  # its descendants (the check workers)
    server_cpu: float  # this process: the Bot API server, the simulated users, the monitor
    others_cpu: float  # used by processes outside the bench (anything else running on the machine)
    lag: list[float]  # the bot's event loop, during the burst
    logged: Counter[str]  # the bot's warnings and errors
    threads: dict[str, float]  # the bot's CPU by kind of thread
    collections: dict  # the bot's garbage collections during the burst, by generation
    rss_before: int
    pending_updates: int
    lone_updates: set[int] = field(default_factory=set)
    submissions: list[dict] = field(default_factory=list)
    inbox: dict[int, dict] = field(default_factory=dict)
