"""Benchmark the jury: automatic assignment and synthetic scoring of a 1,000-submission call.

Builds a database of its own under var/bench-reviews: a synthetic network
(`generate-network --cities 2000`), a synthetic call (`generate-call
--submissions 1000`: 1,000 submissions x 42 answers) whose submissions are all
made eligible, and a synthetic jury of 60 jurors from the five regions
(`generate_jury`, max load 60). Then, in this process:

- `auto_assign` (k = 3: 3,000 reviews for 3,600 places), three times from
  empty (assignments deleted, submissions back to eligible), median reported;
  once more with the submissions already in review, which leaves out the
  1,000 calls of the one transition function and so shows the solver and the
  bulk writes alone;
- `generate_scores`: a submitted review for each of the 3,000 assignments,
  126,000 scores;
- `measure_ranking(...)`: the slot for the aggregation time and the ranking
  page's req/s (see its docstring).

The section between `<!-- reviews-benchmark -->` and `<!-- /reviews-benchmark -->`
of docs/benchmarks.md is replaced (appended the first time).

    make bench                                  # runs bench/run.py, bench/calls.py, then this
    .venv/bin/python bench/reviews.py --no-write  # print only
"""

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import (  # bench/ is not a package
    LC,
    ROOT,
    fresh_installation,
    run,
    write_section,
)

START, END = "<!-- reviews-benchmark -->", "<!-- /reviews-benchmark -->"


def setup_django(env: dict) -> None:
    """Point this process at the benchmark installation and start Django."""
    os.environ.update({key: env[key] for key in ("LC_DATA_DIR", "LC_DEBUG")})
    os.environ.pop("LC_DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "learningcities.settings"
    import django

    django.setup()


def reset_assignments(panel, *, state: str) -> None:
    """Delete the panel's assignments and put every submission of its call in ``state``."""
    from learningcities.calls.models import Submission
    from learningcities.reviews.models import Assignment

    Assignment.objects.filter(panel=panel).delete()
    Submission.objects.filter(call=panel.call).update(state=state)


def measure_assignment(panel, secretary, *, rounds: int) -> dict:
    """Time ``auto_assign`` from empty: ``rounds`` times from eligible, once from in review."""
    from learningcities.calls.enums import SubmissionState
    from learningcities.reviews.domain.assignments import auto_assign

    seconds = []
    report = None
    for _round in range(rounds):
        reset_assignments(panel, state=SubmissionState.ELIGIBLE)
        started = time.perf_counter()
        report = auto_assign(panel, actor=secretary)
        seconds.append(time.perf_counter() - started)
        print(f"auto_assign from eligible: {seconds[-1]:.2f} s ({report.summary()})")
    reset_assignments(panel, state=SubmissionState.IN_REVIEW)
    started = time.perf_counter()
    solver_report = auto_assign(panel, actor=secretary)
    solver_seconds = time.perf_counter() - started
    print(f"auto_assign already in review: {solver_seconds:.2f} s")
    loads = [load.load for load in solver_report.loads]
    return {
        "median": statistics.median(seconds),
        "all": seconds,
        "in_review": solver_seconds,
        "report": report,
        "created": solver_report.created,
        "short": len(solver_report.short),
        "load_min": min(loads),
        "load_max": max(loads),
    }


def measure_scores(panel) -> dict:
    from learningcities.demo.domain.synthetic_jury import generate_scores

    started = time.perf_counter()
    count = generate_scores(panel, seed=1)
    seconds = time.perf_counter() - started
    print(f"generate_scores: {count} scores in {seconds:.2f} s")
    return {"scores": count, "seconds": seconds}


def measure_ranking(panel, *, env: dict, options) -> list[tuple[str, str]]:
    """Time the aggregation from fresh and the ranking page's req/s against hello-world.

    Called once the 3,000 reviews (126,000 scores) are submitted, in this
    process (Django set up on the benchmark installation, whose environment
    is ``env``). ``ensure_aggregates`` runs ``options.rounds`` times with the
    panel's aggregates deleted first (median reported), then once more with
    them fresh (the check every ranking request makes). The ranking page's
    queries are counted in-process on its first and last page (they must be
    equal); then `learningcities serve` is started and wrk drives the
    hello-world view and the ranking page with a secretariat session, as
    bench/calls.py does; every answer must be a 200.
    """

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from calls import get, wrk_cookie  # bench/calls.py, imported by path
    from learningcities.accounts.models import User
    from learningcities.reviews.domain.aggregation import ensure_aggregates
    from learningcities.reviews.models import Panel, ReviewAggregate
    from run import ensure_wrk, median_figures, serving

    rows: list[tuple[str, str]] = []
    seconds = []
    for _round in range(options.rounds):
        # From nothing: no stored row, and the panel's figures marked stale.
        ReviewAggregate.objects.filter(panel=panel).delete()
        Panel.objects.filter(pk=panel.pk).update(aggregated_revision=0)
        fresh = Panel.objects.get(pk=panel.pk)
        started = time.perf_counter()
        ensure_aggregates(fresh)
        seconds.append(time.perf_counter() - started)
        print(f"ensure_aggregates from nothing: {seconds[-1]:.2f} s")
    fresh = Panel.objects.get(pk=panel.pk)  # a request reads its panel with the call anyway
    started = time.perf_counter()
    ensure_aggregates(fresh)
    check_ms = (time.perf_counter() - started) * 1000
    aggregates = ReviewAggregate.objects.filter(panel=panel).count()
    rows.append(
        (
            f"aggregation of {aggregates:,} submissions from fresh (median of "
            f"{options.rounds}: {' / '.join(f'{s:.2f}' for s in seconds)})",
            f"{statistics.median(seconds):.2f} s",
        )
    )
    rows.append(("aggregation check when fresh (every ranking request)", f"{check_ms:.3f} ms"))

    secretary = (
        User.objects.filter(email__startswith="synthetic-secretariat-").order_by("pk").first()
    )
    client = Client(HTTP_HOST="127.0.0.1")  # a host the installation allows
    client.force_login(secretary)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    path = reverse("reviews:ranking", kwargs={"call_pk": panel.call_id})
    counts = []
    for page in ("1", str(-(-aggregates // 50))):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, {"page": page})
        if response.status_code != 200:
            raise SystemExit(f"ranking page {page} answered {response.status_code}")
        counts.append(len(queries))
    rows.append(("ranking page, queries (first page / last page)", " / ".join(map(str, counts))))

    wrk = ensure_wrk()
    with serving(env, workers=options.workers) as base:
        # ``get`` answers the Cookie header a browser sends from then on (session and CSRF).
        status, body, header = get(base, path, cookie)
        if status != 200 or "Krippendorff" not in body:
            raise SystemExit(f"ranking: {path} answered {status}, not the page; login failed")
        targets = [("hello-world", "/-/health", ""), ("ranking", path, header)]
        for _label, target, session in targets:
            wrk_cookie(wrk, base + target, session, duration=2, options=options)  # warm-up
        rounds: dict[str, list[dict]] = {label: [] for label, _t, _s in targets}
        for number in range(1, options.rounds + 1):
            for label, target, session in targets:
                figures = wrk_cookie(
                    wrk, base + target, session, duration=options.duration, options=options
                )
                rounds[label].append(figures)
                print(
                    f"round {number}: {label:12} {figures['rps']:9.0f} req/s  "
                    f"p99 {figures['p99_ms']:8.1f} ms  non-2xx {figures['non2xx']}"
                )
    hello = median_figures(rounds["hello-world"])
    ranking = median_figures(rounds["ranking"])
    if ranking["non2xx"] or hello["non2xx"]:
        raise SystemExit("ranking benchmark got error answers")
    rows.append(("hello-world view, req/s", f"{hello['rps']:,.0f}"))
    rows.append(
        (
            "ranking page (secretariat, 50 rows), req/s (ratio to hello-world); p99",
            f"{ranking['rps']:,.0f} ({ranking['rps'] / hello['rps']:.2f}); "
            f"{ranking['p99_ms']:.0f} ms",
        )
    )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cities", type=int, default=2000)
    parser.add_argument("--submissions", type=int, default=1000)
    parser.add_argument("--jurors", type=int, default=60)
    parser.add_argument("--max-load", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3, help="auto_assign runs from empty")
    parser.add_argument("--duration", type=int, default=8, help="seconds per URL and round")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="granian workers")
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmarks.md"))
    parser.add_argument("--no-write", action="store_true", help="print only")
    options = parser.parse_args()

    _data_dir, env = fresh_installation("bench-reviews")
    print(
        f"--- building a synthetic call: {options.submissions} submissions from a network of "
        f"{options.cities} cities"
    )
    started = time.monotonic()
    seed = str(options.seed)
    run([LC, "migrate", "--no-input"], env)
    run([LC, "collectstatic", "--no-input", "--verbosity", "0"], env)
    run([LC, "generate-network", "--cities", str(options.cities), "--seed", seed], env)
    run([LC, "generate-call", "--submissions", str(options.submissions), "--seed", seed], env)
    setup_django(env)

    from learningcities.accounts.enums import Role
    from learningcities.accounts.models import User
    from learningcities.calls.models import Call
    from learningcities.demo.domain.synthetic_jury import generate_jury, open_call_for_review

    call = Call.objects.order_by("-pk").first()
    open_call_for_review(call)
    panel = generate_jury(call, jurors=options.jurors, seed=options.seed, max_load=options.max_load)
    secretary = User.objects.filter(affiliations__role=Role.SECRETARIAT).order_by("pk").first()
    build_seconds = time.monotonic() - started

    assignment = measure_assignment(panel, secretary, rounds=options.rounds)
    scores = measure_scores(panel)
    ranking = measure_ranking(panel, env=env, options=options)

    section = render_section(options, call, build_seconds, assignment, scores, ranking)
    print()
    print(section)
    if not options.no_write:
        write_section(Path(options.output), section, START, END)
        print(f"written to {options.output}")


def render_section(options, call, build_seconds, assignment, scores, ranking) -> str:
    k = call.min_reviews
    report = assignment["report"]
    lines = [
        "## Jury: 1,000 submissions, 60 jurors, k = 3",
        "",
        "Figures from one run of `bench/reviews.py` (run by `make bench` after bench/calls.py), "
        "in-process on SQLite.",
        "",
        f"- date: {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- data: synthetic network of {options.cities:,} cities; a membership call with "
        f"{options.submissions:,} submissions x 42 answers, all eligible (seed {options.seed}); "
        f"{options.jurors} synthetic jurors from the five regions, a few with residence or work "
        f"ties; k = {k}, max load {options.max_load} ({k * options.submissions:,} reviews for "
        f"{options.jurors * options.max_load:,} places); built in {build_seconds:.0f} s",
        f"- machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.machine()}",
        "",
        "| what | figure |",
        "|---|--:|",
        f"| automatic assignment from eligible (median of {options.rounds} runs from empty) | "
        f"{assignment['median']:.1f} s ({' / '.join(f'{s:.1f}' for s in assignment['all'])}) |",
        "| automatic assignment, submissions already in review | "
        f"{assignment['in_review']:.1f} s |",
        f"| reviews assigned / missing | {report.assigned:,} / "
        f"{report.required - report.assigned:,} |",
        "| juror loads (lowest to highest) | "
        f"{assignment['load_min']} to {assignment['load_max']} |",
        f"| synthetic scoring ({scores['scores']:,} scores) | {scores['seconds']:.1f} s |",
    ]
    lines += [f"| {what} | {figure} |" for what, figure in ranking]
    lines += [
        "",
        "The run from eligible includes moving each of the 1,000 submissions to “in review” "
        "through `calls.domain.transitions.transition` (a transition row, activity entry and "
        "notice each); the second figure is the min-cost flow (OR-Tools) and the bulk writes "
        "alone.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
