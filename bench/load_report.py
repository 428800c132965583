"""What ``bench_load.py`` checks and prints once its burst is over: each draft's reply found and
timed, the database's rows compared with what was sent, and the goals."""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections import Counter

from common import percentile
from load_plan import Draft, Run, marked_up_name
from load_watch import ProcessSampler

STATUS_LIMIT = 1.0  # /status must be answered (text) within this many seconds during the burst


# ---------------------------------------------------------------- checking and reporting


def attribute_replies(run: Run) -> list[str]:
    """Give each draft its reply times; return what does not add up."""
    problems = []
    by_user: dict[int, list[Draft]] = {}
    for draft in run.drafts:
        by_user.setdefault(draft.user_id, []).append(draft)
    for user, drafts in by_user.items():
        named = {  # an answer that names its draft: the drafts by that name, the time it sets, what it is
            "unreadable": ({d.file_name: d for d in drafts}, "replied_at", "无法审核 for"),
            "document": ({marked_up_name(d.file_name): d for d in drafts}, "marked_up_at", "document"),
        }
        reviews = []
        for arrival in run.arrivals[user]:
            if arrival.kind == "review":
                reviews.append(arrival)
            elif arrival.kind in named:
                by_name, stamp, what = named[arrival.kind]
                draft = by_name.get(arrival.name)
                if draft is None or getattr(draft, stamp) is not None:
                    problems.append(f"user {user}: unexpected or repeated {what} {arrival.name!r}")
                else:
                    setattr(draft, stamp, arrival.at)
            elif arrival.kind != "continuation":
                problems.append(f"user {user}: unexpected message {arrival.text[:80]!r}")
        waiting = [d for d in drafts if d.replied_at is None]
        if len(reviews) != len(waiting):
            problems.append(f"user {user}: {len(reviews)} review(s) for {len(waiting)} draft(s) not answered 无法审核")
        for draft, arrival in zip(waiting, reviews):
            draft.replied_at = arrival.at
    return problems


def check_database(run: Run) -> tuple[list[str], dict]:
    problems = []
    burst = {d.update_id: d for d in run.drafts}
    rows = [s for s in run.submissions if s["update_id"] in burst]
    stray = len([s for s in run.submissions if s["update_id"] not in run.lone_updates]) - len(rows)
    counted = Counter(s["update_id"] for s in rows)
    duplicated = sum(n - 1 for n in counted.values())
    missing = [u for u in burst if u not in counted]
    if len(rows) != len(burst) or duplicated or missing or stray:
        problems.append(f"submissions: {len(rows)} rows for {len(burst)} drafts, {len(missing)} missing, {duplicated} duplicated, {stray} not from the burst")
    for row in rows:
        draft = burst[row["update_id"]]
        if row["user_id"] != draft.user_id or row["file_name"] != draft.file_name:
            problems.append(f"update {row['update_id']}: stored as {row['user_id']}/{row['file_name']!r}, sent as {draft.user_id}/{draft.file_name!r}")
        if bool(row["parsed"]) != draft.kind.readable:
            problems.append(f"update {row['update_id']} ({draft.file_name}): parsed={bool(row['parsed'])}, expected {draft.kind.readable}")
        wants_marked_up = bool(row["parsed"]) and row["input_format"] == "docx" and row["issues"] > 0
        if wants_marked_up != (draft.marked_up_at is not None):
            problems.append(f"update {row['update_id']} ({draft.file_name}): marked-up .docx {'missing' if wants_marked_up else 'not expected'}")
    states = Counter(run.inbox[u]["state"] if u in run.inbox else "not journalled" for u in burst)
    if set(states) != {"answered"}:
        problems.append(f"inbox states of the burst: {dict(states)}")
    retried = sum(1 for u in burst if u in run.inbox and run.inbox[u]["attempts"] > 1)
    return problems, {"rows": len(rows), "distinct": len(counted), "duplicated": duplicated, "missing": len(missing),
                      "states": dict(states), "retried": retried}


def spread(values: list[float]) -> str:
    if not values:
        return "-"
    return f"p50 {percentile(values, 0.5):6.2f} s   p95 {percentile(values, 0.95):6.2f} s   max {max(values):6.2f} s   (n={len(values)})"


def mb(size: float) -> str:
    return f"{size / 2**20:7.1f} MB"


def goal(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def report(args, run: Run, sampler: ProcessSampler, started: float, *, brief: bool = False) -> tuple[int, dict]:
    """Print the run's figures (``brief``: its goals only) and what does not add up: (exit
    status, the figures the goals are about)."""
    failures = attribute_replies(run)
    db_problems, db = check_database(run)
    failures += db_problems

    answered = [d for d in run.drafts if d.replied_at is not None]
    wall = run.burst_end - run.burst_start
    latencies = [d.latency for d in answered]
    report_latencies = [d.latency for d in answered if d.kind.is_report]
    bad_latencies = [d.latency for d in answered if not d.kind.is_report]
    marked_up = [d.marked_up_at - d.sent_at for d in run.drafts if d.marked_up_at is not None]
    unreadable = sum(1 for d in answered if not d.kind.readable)
    kinds = Counter(d.kind.name for d in run.drafts)
    texts = [p.text_latency for p in run.probes if p.text_latency is not None]
    photos = [p.photo_latency for p in run.probes if p.photo_latency is not None]

    for draft in run.drafts:
        if draft.replied_at is None:
            failures.append(f"{draft.file_name} (update {draft.update_id}, user {draft.user_id}): no answer")
    if not run.probes and run.burst_end - run.burst_start > args.status_first + 0.5:
        failures.append("no /status was sent during the burst")  # (a burst over before the first is due needs none)
    for probe in run.probes:
        if probe.text_latency is None or probe.photo_latency is None:
            failures.append(f"/status at {probe.sent_at:.1f} s: text {probe.text_latency}, photo {probe.photo_latency} (no complete answer)")
        elif probe.text_latency >= STATUS_LIMIT:
            failures.append(f"/status at {probe.sent_at:.1f} s: text after {probe.text_latency:.2f} s (limit {STATUS_LIMIT:.0f} s)")

    cpus = len(os.sched_getaffinity(0))
    floor_wall = run.floor_cpu / cpus
    per_draft = run.bot_cpu / len(run.drafts) * 1000
    p95 = percentile(latencies, 0.95) if latencies else float("inf")
    lag_max = max(run.lag) if run.lag else 0.0
    lone = statistics.median(run.lone) if run.lone else float("inf")
    left = max(0.25, cpus - run.others_cpu / wall) if wall > 0 else cpus  # cores the other processes left us
    left_bot = max(0.25, left - run.server_cpu / wall) if wall > 0 else cpus  # ... and the simulated Telegram
    figures = {
        "wall": wall / floor_wall, "p95": p95 / floor_wall, "bot_ms": per_draft, "lag_ms": lag_max * 1000, "lone_s": lone,
        "lost": db["missing"], "duplicated": db["duplicated"],
    }
    if brief:
        print(f"  burst: wall {wall:.2f} s = {figures['wall']:.2f}x the floor ({floor_wall:.2f} s), first reply p95 {figures['p95']:.2f}x,"
              f" bot CPU {per_draft:.1f} ms a draft, loop lag max {figures['lag_ms']:.0f} ms, lone draft {lone * 1000:.0f} ms,"
              f" lost {db['missing']}, duplicated {db['duplicated']}")
        return _failed(failures), figures
    print(f"nianbao load benchmark: {len(run.drafts)} drafts from {len(set(d.user_id for d in run.drafts))} agencies in one burst, "
          f"check_workers={args.workers}, CPUs={cpus} (os.cpu_count()={os.cpu_count()}), python {sys.version.split()[0]}")
    print("  mix: " + ", ".join(f"{name} {n}" for name, n in sorted(kinds.items())))
    print("  (the bot in its own process, its checks in its worker processes; the Bot API server and the simulated users here)")
    status_lines = [
        f"at {p.sent_at:5.1f} s ({p.answered_before:3d} answered): text "
        + (f"{p.text_latency * 1000:5.0f} ms" if p.text_latency is not None else "  none")
        + f" ({p.text_parts} part{'s' if p.text_parts != 1 else ''}), chart "
        + (f"{p.photo_latency * 1000:5.0f} ms" if p.photo_latency is not None else "none")
        for p in run.probes
    ]
    rows = [
        ("drafts answered / sent", f"{len(answered)} / {len(run.drafts)}  ({len(answered) - unreadable} reviews, {unreadable} 无法审核, {len(marked_up)} marked-up .docx)"),
        ("uploads queued in", f"{run.queued_in * 1000:7.0f} ms"),
        ("floor (check + 批注版 + write, CPU)", f"{run.floor_cpu:7.2f} s  = {run.floor_cpu / len(run.drafts) * 1000:.1f} ms a draft; / {cpus} CPUs = {floor_wall:.2f} s"
                                                 f"  (before the bot {run.floors[0]:.2f} s, after {run.floors[1]:.2f} s)"),
        ("wall time (first upload -> last reply)", f"{wall:7.2f} s  ({wall / floor_wall:.2f}x the floor)"),
        ("throughput", f"{len(answered) / wall if wall > 0 else 0:7.1f} drafts/s"),
        ("upload -> first reply, all", spread(latencies) + f"   p95 = {p95 / floor_wall:.2f}x the floor"),
        ("  real reports", spread(report_latencies)),
        ("  bad files", spread(bad_latencies)),
        ("upload -> marked-up .docx", spread(marked_up)),
        ("a lone draft on the idle bot", (f"median {lone * 1000:.0f} ms, max {max(run.lone) * 1000:.0f} ms (n={len(run.lone)}: "
                                          + ", ".join(f"{x * 1000:.0f}" for x in run.lone) + f"); bot CPU {run.lone_cpu * 1000:.1f} ms each")
         if run.lone else "-"),
        ("/status during the burst, max", (f"text {max(texts) * 1000:.0f} ms, chart {max(photos) * 1000:.0f} ms" if texts and photos else "-")
         + (f"  ({'all' if texts and max(texts) < STATUS_LIMIT and len(texts) == len(run.probes) else 'NOT all'} text replies < {STATUS_LIMIT:.0f} s)"
            if run.probes else "  (none: the burst was over before the first was due)")),
        *((" ", line) for line in status_lines),
        ("/status before the burst (idle)", f"text {run.idle_status.text_latency * 1000:.0f} ms, chart {run.idle_status.photo_latency * 1000:.0f} ms"
         if run.idle_status and run.idle_status.text_latency is not None else "-"),
        ("submissions for the burst", f"{db['rows']} rows, {db['distinct']} distinct update_ids (expected {len(run.drafts)}; {db['missing']} missing, {db['duplicated']} duplicated)"),
        ("inbox states of the burst", f"{db['states']}  ({db['retried']} needed more than one attempt)"),
        ("updates left unconfirmed on the server", f"{run.pending_updates}"),
        ("peak RSS during the burst, bot process", f"{mb(sampler.peak_main)}  (before the burst {mb(run.rss_before).strip()})"),
        ("  descendants summed", f"{mb(sampler.peak_children_sum)}  (largest one {mb(sampler.peak_child).strip()}; up to {sampler.most_children} processes)"),
        ("  bot + descendants summed", f"{mb(sampler.peak_total)}  (PSS, shared pages counted once: {mb(sampler.peak_pss_total).strip()})"),
        ("CPU during the burst, bot process", f"{run.bot_cpu:7.2f} s  ({run.bot_cpu / wall if wall > 0 else 0:.2f} cores; {per_draft:.1f} ms a draft)"),
        ("  by thread", ", ".join(f"{name} {seconds:.2f} s" for name, seconds in run.threads.items())),
        ("CPU during the burst, check workers", f"{run.workers_cpu:7.2f} s  ({run.workers_cpu / wall if wall > 0 else 0:.2f} cores)"),
        ("CPU, Bot API server + users (bench)", f"{run.server_cpu:7.2f} s  ({run.server_cpu / wall if wall > 0 else 0:.2f} cores)"),
        ("CPU during the burst, other processes", f"{run.others_cpu:7.2f} s  ({run.others_cpu / wall if wall > 0 else 0:.2f} cores; the machine is shared if this is not ~0)"),
        ("  the floor on the CPU left to the bench", f"{run.floor_cpu / left:7.2f} s  ({left:.2f} cores left; wall {wall / (run.floor_cpu / left):.2f}x this floor)"),
        ("  ... and left to the bot (the Bot API server's, which is Telegram's, out too)",
         f"{run.floor_cpu / left_bot:7.2f} s  ({left_bot:.2f} cores left; wall {wall / (run.floor_cpu / left_bot):.2f}x this floor)"),
        ("bot's event-loop lag (10 ms timer)", f"p50 {percentile(run.lag, 0.5) * 1000:.1f} ms, p99 {percentile(run.lag, 0.99) * 1000:.1f} ms, max {lag_max * 1000:.0f} ms" if run.lag else "-"),
        ("  the bot's garbage collections", ", ".join(f"{g}: {c['n']} (longest {c['max_ms']} ms, {c['total_ms']} ms in all)"
                                                      for g, c in run.collections.items() if g.startswith("gen"))
         + f"; {run.collections['tracked']['n']} objects tracked, {run.collections['tracked']['frozen']} frozen"),
        ("bot warnings/errors logged", f"{sum(run.logged.values())}"),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"  {name:<{width}}  {value}")
    for line, count in run.logged.most_common(5):
        print(f"    {count:4d} x {line}")
    print("  goals:")
    print(f"    wall <= 2x the floor: {wall / floor_wall:.2f}x {goal(wall <= 2 * floor_wall)};"
          f"  bot CPU <= 8 ms a draft: {per_draft:.1f} ms {goal(per_draft <= 8)};"
          f"  first reply p95 <= 2.5x the floor: {p95 / floor_wall:.2f}x {goal(p95 <= 2.5 * floor_wall)};")
    print(f"    loop lag <= 100 ms: max {lag_max * 1000:.0f} ms {goal(lag_max <= 0.1)};"
          f"  lone draft <= 0.3 s: median {lone:.2f} s {goal(lone <= 0.3)};"
          f"  lost {db['missing']}, duplicated {db['duplicated']} {goal(not db['missing'] and not db['duplicated'])}")
    print(f"  {'total script time':<{width}}  {time.perf_counter() - started:7.2f} s")
    return _failed(failures), figures


def _failed(failures: list[str]) -> int:
    if not failures:
        return 0
    print(f"FAILED ({len(failures)}):", file=sys.stderr)
    for failure in failures[:25]:
        print(f"  {failure}", file=sys.stderr)
    return 1


def summary(runs: list[dict]) -> None:
    """The goals over several bursts: median, min and max of each figure."""
    def spread_of(key: str, unit: str = "x") -> str:
        values = sorted(run[key] for run in runs)
        return f"median {statistics.median(values):.2f}{unit} (min {values[0]:.2f}{unit}, max {values[-1]:.2f}{unit})"

    wall, p95, bot = (statistics.median(run[key] for run in runs) for key in ("wall", "p95", "bot_ms"))
    lag, lone = max(run["lag_ms"] for run in runs), statistics.median(run["lone_s"] for run in runs)
    lost, duplicated = sum(run["lost"] for run in runs), sum(run["duplicated"] for run in runs)
    print(f"over {len(runs)} bursts (each against the floor measured in its own run):")
    print(f"  wall / floor          {spread_of('wall')}")
    print(f"  first reply p95 / floor {spread_of('p95')}")
    print(f"  bot CPU a draft       {spread_of('bot_ms', ' ms')}")
    print("  goals (medians; loop lag: the largest):")
    print(f"    wall <= 2x the floor: {wall:.2f}x {goal(wall <= 2)};  bot CPU <= 8 ms a draft: {bot:.1f} ms {goal(bot <= 8)};"
          f"  first reply p95 <= 2.5x the floor: {p95:.2f}x {goal(p95 <= 2.5)};")
    print(f"    loop lag <= 100 ms: max {lag:.0f} ms {goal(lag <= 100)};  lone draft <= 0.3 s: median {lone:.2f} s {goal(lone <= 0.3)};"
          f"  lost {lost}, duplicated {duplicated} {goal(not lost and not duplicated)}")
