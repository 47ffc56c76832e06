"""Benchmark the API's list endpoints and conditional requests at 10,000 cities, 100,000 practices.

Builds (or, with ``--reuse``, reuses) the database of ``bench/practices.py``
with 10,000 synthetic cities by default: SQLite in a data folder of its own,
or PostgreSQL with ``--database-url``. Starts ``learningcities serve``
(granian, 2 workers) on loopback with the API's rate limit in place (set so
high that no request is refused, so its cost is measured) and drives with wrk:

- the hello-world view (``/-/health``, the reference of the other benchmarks);
- the public list endpoints: cities, countries, cohorts, practices (plain and
  with a filter), events and outcome documents;
- the same lists of cities and practices with ``If-None-Match`` naming their
  ETag: each answer is a 304.

Targets (issue 19): every list endpoint at 0.5 or more of the hello-world
view; a conditional request that matches at 0.8 or more. The table replaces
the section between ``<!-- opendata-benchmark -->`` and
``<!-- /opendata-benchmark -->`` of docs/benchmarks.md. A missed target is
reported, not an error; error answers are.

    .venv/bin/python bench/opendata.py --data-dir /tmp/bench-opendata          # build, measure
    .venv/bin/python bench/opendata.py --data-dir /tmp/bench-opendata --reuse  # measure again
"""

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

from practices import build, database_description, environment, shell  # bench/ is not a package
from run import (
    ROOT,
    ensure_wrk,
    median_figures,
    parse_wrk,
    serving,
    write_section,
)

START, END = "<!-- opendata-benchmark -->", "<!-- /opendata-benchmark -->"
EVENTS, OUTCOMES = 300, 150

# Public events (not synthetic: the lists leave those out) hosted by the network's
# cities, one adopted outcome document for every other one, each endorsed by 5 cities.
# Added once: a database that has them already is left as it is.
EVENTS_SCRIPT = f"""
import datetime as dt, json, random
from learningcities.events.models import Event, OutcomeDocument, OutcomeEndorsement
from learningcities.network.models import City
if not Event.objects.filter(slug__startswith="bench-").exists():
    rng = random.Random(7)
    cities = list(City.objects.order_by("pk").values_list("pk", flat=True)[:2000])
    kinds = ["conference", "members_meeting", "regional_meeting", "cluster_meeting", "webinar"]
    events = Event.objects.bulk_create(
        Event(
            kind=kinds[n % len(kinds)],
            slug=f"bench-{{n}}",
            title=f"Learning cities meeting {{n}}",
            theme="Learning for all",
            status="held",
            time_zone="Europe/Paris",
            starts_on=dt.date(2015, 1, 1) + dt.timedelta(days=10 * n),
            ends_on=dt.date(2015, 1, 3) + dt.timedelta(days=10 * n),
            language="en",
            languages=["en", "fr"],
            host_city_id=rng.choice(cities),
        )
        for n in range({EVENTS})
    )
    outcomes = OutcomeDocument.objects.bulk_create(
        OutcomeDocument(
            event=event,
            title=f"Declaration {{n}}",
            summary="The cities commit to learning for all.",
            status="adopted",
            adopted_on=event.ends_on,
        )
        for n, event in enumerate(events[::2][:{OUTCOMES}])
    )
    OutcomeEndorsement.objects.bulk_create(
        OutcomeEndorsement(outcome=o, city_id=c, endorsed_on=o.adopted_on)
        for o in outcomes
        for c in rng.sample(cities, 5)
    )
print("EVENTS " + json.dumps({{
    "events": Event.objects.filter(is_synthetic=False).count(),
    "outcomes": OutcomeDocument.objects.filter(status="adopted").count(),
}}))
"""
LIST_TARGET, CONDITIONAL_TARGET = 0.5, 0.8

TARGETS = [
    ("hello-world view", "/-/health", False),
    ("cities", "/api/v1/cities", False),
    ("cities of one country", "/api/v1/cities?country=VN", False),
    ("countries", "/api/v1/countries", False),
    ("cohorts", "/api/v1/cohorts", False),
    ("practices", "/api/v1/practices", False),
    ("practices on goal 4", "/api/v1/practices?sdg=4", False),
    ("events", "/api/v1/events", False),
    ("outcome documents", "/api/v1/outcomes", False),
    ("cities, If-None-Match", "/api/v1/cities", True),
    ("practices, If-None-Match", "/api/v1/practices", True),
    ("cities, through the stack", "/api/v1/cities", None),
]
# A session cookie (of no session): the request runs the whole stack.
THROUGH_THE_STACK = {"Cookie": "sessionid=bench-no-such-session"}


def wrk_run(wrk: str, url: str, options, *, duration: int, headers: dict) -> dict:
    args = [wrk, f"-t{options.threads}", f"-c{options.connections}", f"-d{duration}s", "--latency"]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    out = subprocess.run([*args, url], check=True, text=True, capture_output=True).stdout
    return parse_wrk(out)


def measure(env: dict, options, wrk: str) -> dict:
    report: dict = {}
    with serving(env, workers=options.workers) as base:
        headers: dict[str, dict] = {}
        for label, path, conditional in TARGETS:
            response = requests.get(base + path, timeout=120)
            if response.status_code != 200:
                raise SystemExit(f"{path} answered {response.status_code}")
            headers[label] = {}
            if conditional is None:
                headers[label] = THROUGH_THE_STACK
            if conditional:
                etag = response.headers["ETag"]
                again = requests.get(base + path, headers={"If-None-Match": etag}, timeout=60)
                if again.status_code != 304:
                    raise SystemExit(f"{path} with its ETag answered {again.status_code}")
                headers[label] = {"If-None-Match": etag}
            wrk_run(wrk, base + path, options, duration=2, headers=headers[label])  # warm-up
        rounds: dict[str, list[dict]] = {label: [] for label, _p, _c in TARGETS}
        report["load_before"] = os.getloadavg()
        for number in range(1, options.rounds + 1):
            for label, path, _conditional in TARGETS:
                figures = wrk_run(
                    wrk, base + path, options, duration=options.duration, headers=headers[label]
                )
                rounds[label].append(figures)
                print(
                    f"round {number}: {label:28} {figures['rps']:9.0f} req/s  "
                    f"p99 {figures['p99_ms']:8.1f} ms  non-2xx {figures['non2xx']}"
                )
        report["load_after"] = os.getloadavg()
        report["rows"] = [
            (label, path, conditional, median_figures(rounds[label]))
            for label, path, conditional in TARGETS
        ]
    return report


def render_section(report: dict, options) -> str:
    hello = report["rows"][0][3]
    data = report["data"]
    lines = [
        "## Open data: the API's lists and conditional requests",
        "",
        f"Figures from one run of `bench/opendata.py` on {report['date']}, "
        f"{report['database']}, {options.workers} granian workers, wrk with "
        f"{options.connections} connections and {options.threads} threads, "
        f"{options.duration} s per URL and round, the median of {options.rounds} rounds; "
        f"{platform.machine()}, {os.cpu_count()} CPUs, load average "
        f"{report['load_before'][0]:.2f} before and {report['load_after'][0]:.2f} after. "
        f"Data: a synthetic network of {options.cities:,} cities and "
        f"{data.get('practices', options.practices):,} published practices "
        f"(`bench/practices.py`'s build), {data.get('events', 0):,} events and "
        f"{data.get('outcomes', 0):,} adopted outcome documents. The API's rate limit "
        "is on, set high enough that nothing is refused, so its counting is in the "
        "figures. Ratios are to the hello-world view (`/-/health`) in the same run, which "
        "runs the whole middleware stack. A list's first request draws it and caches it "
        "under its revision (`network/interfaces/api_cache.py`); the process keeps that "
        "answer, and a visitor asking again, without a session or a token, is answered "
        "from it before the stack runs while the revision holds (`common/api_http.py`): "
        "that is why the lists outpace the hello-world view. The row marked *through the "
        "stack* sends a session cookie, so it runs every middleware and the view, which "
        "serves the cached body; it has no target.",
        "",
        "| what | URL | req/s | ratio | p50 ms | p99 ms | target | met |",
        "|---|---|--:|--:|--:|--:|--:|---|",
    ]
    for label, path, conditional, figures in report["rows"]:
        ratio = figures["rps"] / hello["rps"]
        if label == "hello-world view" or conditional is None:
            target, met = "", ""
        else:
            wanted = CONDITIONAL_TARGET if conditional else LIST_TARGET
            target, met = f"{wanted:.1f}", "yes" if ratio >= wanted else "**no**"
        lines.append(
            f"| {label} | `{path}` | {figures['rps']:,.0f} | {ratio:.2f} | "
            f"{figures['p50_ms']:.1f} | {figures['p99_ms']:.1f} | {target} | {met} |"
        )
    return "\n".join(lines) + "\n"


def missed(report: dict) -> list[str]:
    hello = report["rows"][0][3]["rps"]
    out = []
    for label, _path, conditional, figures in report["rows"][1:]:
        if conditional is None:
            continue
        wanted = CONDITIONAL_TARGET if conditional else LIST_TARGET
        if figures["rps"] / hello < wanted:
            out.append(f"{label}: {figures['rps'] / hello:.2f} < {wanted}")
    return out


def parse_options():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cities", type=int, default=10_000, help="synthetic network (10,000)")
    parser.add_argument("--practices", type=int, default=100_000, help="(100,000)")
    parser.add_argument(
        "--cities-with-practices", type=int, default=1000, help="cities that write them (1,000)"
    )
    parser.add_argument("--data-dir", help="LC_DATA_DIR (default: a new temporary folder)")
    parser.add_argument("--database-url", help="postgres://... (default: SQLite)")
    parser.add_argument("--reuse", action="store_true", help="the database of an earlier run")
    parser.add_argument("--duration", type=int, default=8, help="seconds per URL and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="granian workers")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmarks.md"))
    parser.add_argument("--no-write", action="store_true", help="print only")
    return parser.parse_args()


def main() -> None:
    options = parse_options()
    wrk = ensure_wrk()
    env = environment(options)
    # Counted like any client's, never refused: the limit's cost is in the figures.
    env["LC_API_RATE_LIMIT"] = "1000000000/60"
    if options.reuse:
        data = json.loads((Path(options.data_dir) / "build.json").read_text(encoding="utf-8"))
    else:
        data = build(env, options)
    data.update(json.loads(shell(EVENTS_SCRIPT, env, "EVENTS")))
    report = measure(env, options, wrk)
    report["data"] = data
    report["date"] = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    report["database"] = database_description(options)
    section = render_section(report, options)
    print()
    print(section)
    if not options.no_write:
        write_section(Path(options.output), section, START, END)
        print(f"written to {options.output}")
    for target in missed(report):
        print(f"TARGET NOT MET: {target}")
    errors = [
        f"{label}: {figures['non2xx']} non-2xx"
        for label, _path, _conditional, figures in report["rows"]
        if figures["non2xx"]
    ]
    if errors:
        raise SystemExit("open data benchmark got error answers: " + "; ".join(errors))


if __name__ == "__main__":
    main()
