"""Benchmark progress reports: 10,000 cities x 5 cycles x 42 answers, rates, progress, synthesis.

Builds two installations of its own (SQLite under /work/benchdata/reports-*
by default, or PostgreSQL with ``--database-url``, a database the script may
drop and create again; the small one then uses ``<name>_small``):

- the big one: a synthetic network (``generate-network --cities 10000``) and
  five synthetic reporting cycles on the shipped progress-report
  questionnaire (``generate-reports --cycles 5 --every-city``: every member
  city reports in every cycle, each finished report with 42
  self-assessments, 12 narratives and 8 indicators);
- the small one: the same on a network of ``--synthesis-cities`` (460, whose
  latest cycle has at least 425 reports), for the synthesis PDF and for the
  query counts at a second size.

Measured, against `learningcities serve` (granian, 2 workers) on loopback,
with wrk: the hello-world view (``/-/health``), the public reporting rates of
the latest cycle (``reports:rates-cycle``), and a city's progress page
(``reports:progress``) of a city with a report in each cycle, as its
coordinator and as a secretariat member (with TOTP), logged in by sessions
created in the database (``force_login``), as bench/calls.py does. Target:
each page at 0.2 of the hello-world view or more. The synthesis PDF of the
small installation's latest cycle (``reports:synthesis-pdf``): the first
request and the median of the next ones; target under 30 s. The query count
of each page (drawn afresh after the cache is cleared, then served again),
in-process with Django's test client, at both sizes: constant when they are
equal.

A page that answers anything but a 200 (the placeholders raise 404 until the
views land) is reported as not ready, not measured.

The results replace the section of the database between
``<!-- reports-benchmark-sqlite -->`` and ``<!-- /reports-benchmark-sqlite -->``
(or ``-postgresql``) of docs/benchmarks.md (appended the first time).

    .venv/bin/python bench/reports.py                                 # SQLite
    .venv/bin/python bench/reports.py --reuse                         # measure again
    .venv/bin/python bench/reports.py \\
        --database-url postgres://postgres@127.0.0.1:5432/bench_reports   # PostgreSQL
    .venv/bin/python bench/reports.py --cities 500 --duration 2 --no-write   # a quick look
"""

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

from calls import get, wrk_cookie  # bench/ is not a package: imported by path
from run import LC, ROOT, ensure_wrk, median_figures, run, serving, write_section

# One section per database, each between its markers.
MARKERS = {
    "sqlite": ("<!-- reports-benchmark-sqlite -->", "<!-- /reports-benchmark-sqlite -->"),
    "postgresql": (
        "<!-- reports-benchmark-postgresql -->",
        "<!-- /reports-benchmark-postgresql -->",
    ),
}
TARGET_RATIO = 0.2
TARGET_SYNTHESIS_SECONDS = 30.0
BENCH_DATA = Path("/work/benchdata")

# Sessions and paths: a coordinator of the city with the most reports, a
# secretariat member with TOTP; the latest cycle's public pages.
SESSIONS_SCRIPT = """
import base64, json
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.db.models import Count
from django.test import Client
from django.urls import reverse
from learningcities.accounts.domain.organisations import add_affiliation, create_organisation
from learningcities.accounts.domain.users import activate_totp, create_user
from learningcities.accounts.enums import OrganisationKind, Role
from learningcities.accounts.models import Organisation, User
from learningcities.network.models import City
from learningcities.reports.models import ProgressReport, ReportAnswer, ReportingCycle
latest = ReportingCycle.objects.order_by('-due_at').first()
row = (ProgressReport.objects.filter(cycle__is_synthetic=True).values('city_id')
       .annotate(n=Count('pk')).order_by('-n', 'city_id').first())
city = City.objects.select_related('country').get(pk=row['city_id'])
def person(email, name):
    return User.objects.filter(email=email).first() or create_user(email, password=None, name=name)
organisation = Organisation.objects.filter(city=city).first() or create_organisation(
    kind=OrganisationKind.CITY, name=city.name, city=city, country=city.country, actor=None)
coordinator = person('bench-coordinator@example.org', 'Bench coordinator')
add_affiliation(organisation, user=coordinator, role=Role.COORDINATOR, actor=None)
secretariat_org = Organisation.objects.filter(kind=OrganisationKind.SECRETARIAT).first() or (
    create_organisation(kind=OrganisationKind.SECRETARIAT, name='Secretariat (bench)', actor=None))
secretary = person('bench-secretariat@example.org', 'Bench secretariat member')
add_affiliation(secretariat_org, user=secretary, role=Role.SECRETARIAT, actor=None)
if not Authenticator.objects.filter(user=secretary).exists():
    activate_totp(secretary, secret=base64.b32encode(b'bench-reports-secret').decode())
out = {
    'cycle': latest.code, 'cycle_reports': latest.reports.count(),
    'cycles': ReportingCycle.objects.count(), 'reports': ProgressReport.objects.count(),
    'answers': ReportAnswer.objects.count(), 'city': city.name, 'city_reports': row['n'],
    'rates': reverse('reports:rates-cycle', kwargs={'code': latest.code}),
    'progress': reverse('reports:progress', kwargs={'city_id': city.pk}),
    'synthesis': reverse('reports:synthesis-pdf', kwargs={'code': latest.code}),
}
for key, user in (('coordinator', coordinator), ('secretariat', secretary)):
    client = Client()
    client.force_login(user)
    out['session_' + key] = client.cookies[settings.SESSION_COOKIE_NAME].value
print('SESSIONS ' + json.dumps(out))
"""

# Queries of each page in-process: drawn afresh (cache cleared), then again.
COUNT_SCRIPT = """
import json, os
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from learningcities.accounts.models import User
paths = json.loads(os.environ['BENCH_PATHS'])
out = {}
for key, path, email in paths:
    client = Client()
    if email:
        client.force_login(User.objects.get(email=email))
    cache.clear()
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            status = client.get(path).status_code
        counts.append((status, len(queries)))
    out[key] = counts
print('COUNTS ' + json.dumps(out))
"""


def shell(script: str, env: dict, marker: str) -> dict:
    try:
        output = run([LC, "shell", "-c", script], env).stdout
    except subprocess.CalledProcessError as error:
        raise SystemExit(f"the shell script failed:\n{error.stderr[-3000:]}") from None
    return json.loads(output.split(marker + " ", 1)[1].splitlines()[0])


def environment(data_dir: Path, database_url: str | None) -> dict:
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "LC_DATA_DIR": str(data_dir),
        "LC_DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "learningcities.settings",
    }
    env.pop("LC_DATABASE_URL", None)
    if database_url:
        env["LC_DATABASE_URL"] = database_url
    return env


def build(env: dict, *, cities: int, options, database_url: str | None) -> dict:
    """Build an installation from empty; return the seconds each step took."""
    data_dir = Path(env["LC_DATA_DIR"])
    if database_url:
        from soak import recreate_database  # needs psycopg: only for PostgreSQL

        recreate_database(database_url)
    else:
        for path in data_dir.glob("db.sqlite3*"):
            path.unlink()
    print(f"--- building {cities:,} cities x {options.cycles} cycles in {data_dir}")
    started = time.monotonic()
    run([LC, "migrate", "--no-input"], env)
    run([LC, "collectstatic", "--no-input", "--verbosity", "0"], env)
    seed = str(options.seed)
    run([LC, "generate-network", "--cities", str(cities), "--seed", seed], env)
    network = time.monotonic()
    out = run(
        [LC, "generate-reports", "--cycles", str(options.cycles), "--seed", seed, "--every-city"],
        env,
    ).stdout.strip()
    print(out)
    figures = {
        "cities": cities,
        "network_seconds": network - started,
        "reports_seconds": time.monotonic() - network,
        "generated": out.splitlines()[0],
    }
    (data_dir / "build.json").write_text(json.dumps(figures), encoding="utf-8")
    return figures


def reused(env: dict) -> dict:
    """Return the figures of an earlier build, its schema brought up to this code's."""
    path = Path(env["LC_DATA_DIR"]) / "build.json"
    if not path.exists():
        raise SystemExit(f"--reuse: no earlier build in {path.parent}")
    run([LC, "migrate", "--no-input"], env)
    return json.loads(path.read_text(encoding="utf-8"))


def counts(env: dict, sessions: dict) -> dict:
    paths = [
        ("rates", sessions["rates"], ""),
        ("progress (coordinator)", sessions["progress"], "bench-coordinator@example.org"),
    ]
    return shell(COUNT_SCRIPT, {**env, "BENCH_PATHS": json.dumps(paths)}, "COUNTS")


def measure_pages(env: dict, sessions: dict, options, wrk: str) -> dict:
    """wrk each ready page against the hello-world view; return the figures and the not ready."""
    pages = [
        ("public reporting rates, latest cycle", sessions["rates"], "", None),
        ("progress page (coordinator)", sessions["progress"], sessions["session_coordinator"], 1),
        ("progress page (secretariat)", sessions["progress"], sessions["session_secretariat"], 1),
    ]
    with serving(env, workers=options.workers) as base:
        targets, missing = [("hello-world view", "/-/health", "")], []
        for label, path, session, _logged in pages:
            status, _body, cookie = get(base, path, session) if session else get(base, path, "")
            if status != 200:
                missing.append((label, path, status))
                continue
            targets.append((label, path, cookie if session else ""))
        for _label, path, cookie in targets:
            wrk_cookie(wrk, base + path, cookie, duration=2, options=options)  # warm-up
        rounds: dict[str, list[dict]] = {label: [] for label, _p, _c in targets}
        load_before = os.getloadavg()
        for number in range(1, options.rounds + 1):
            for label, path, cookie in targets:
                figures = wrk_cookie(
                    wrk, base + path, cookie, duration=options.duration, options=options
                )
                rounds[label].append(figures)
                print(
                    f"round {number}: {label:40} {figures['rps']:9.0f} req/s  "
                    f"p99 {figures['p99_ms']:8.1f} ms  non-2xx {figures['non2xx']}"
                )
        results = [(label, path, median_figures(rounds[label])) for label, path, _c in targets]
        load = (load_before[0], os.getloadavg()[0])
    return {"results": results, "missing": missing, "load": load}


def measure_synthesis(env: dict, sessions: dict, options) -> dict:
    """Time the synthesis PDF of the latest cycle: the first request, then the next ones."""
    with serving(env, workers=options.workers) as base:
        url = base + sessions["synthesis"]
        times, status, size = [], None, 0
        for _ in range(1 + options.synthesis_repeats):
            started = time.monotonic()
            response = requests.get(url, timeout=600)
            times.append(time.monotonic() - started)
            status = response.status_code
            if status != 200 or not response.content.startswith(b"%PDF"):
                return {"status": status, "ready": False}
            size = len(response.content)
    return {
        "ready": True,
        "status": status,
        "first": times[0],
        "next": statistics.median(times[1:]) if times[1:] else None,
        "all": times,
        "bytes": size,
    }


def database_description(database_url: str | None) -> str:
    if not database_url:
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    import psycopg

    with psycopg.connect(database_url) as connection:
        version = connection.execute("SHOW server_version").fetchone()[0].split()[0]
    return f"PostgreSQL {version}"


def small_url(database_url: str | None) -> str | None:
    if not database_url:
        return None
    parts = urllib.parse.urlsplit(database_url)
    return urllib.parse.urlunsplit(parts._replace(path=parts.path.rstrip("/") + "_small"))


def parse_options():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cities", type=int, default=10_000, help="(10,000)")
    parser.add_argument("--cycles", type=int, default=5, help="(5)")
    parser.add_argument(
        "--synthesis-cities",
        type=int,
        default=460,
        help="the small installation's network (460: its latest cycle has 425 reports or more)",
    )
    parser.add_argument("--synthesis-repeats", type=int, default=2, help="after the first (2)")
    parser.add_argument("--database-url", help="PostgreSQL (dropped and built again)")
    parser.add_argument("--data-dir", help="the big installation's LC_DATA_DIR")
    parser.add_argument(
        "--reuse", action="store_true", help="measure the earlier builds again (build the missing)"
    )
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
    engine = "postgresql" if options.database_url else "sqlite"
    big_dir = Path(options.data_dir or BENCH_DATA / f"reports-{engine}")
    small_dir = big_dir.with_name(big_dir.name + "-small")
    small_db = small_url(options.database_url)
    big_env = environment(big_dir, options.database_url)
    small_env = environment(small_dir, small_db)
    installations = (
        (big_env, options.cities, options.database_url),
        (small_env, options.synthesis_cities, small_db),
    )
    big_build, small_build = (
        reused(env)
        if options.reuse and (Path(env["LC_DATA_DIR"]) / "build.json").exists()
        else build(env, cities=cities, options=options, database_url=url)
        for env, cities, url in installations
    )
    big = shell(SESSIONS_SCRIPT, big_env, "SESSIONS")
    small = shell(SESSIONS_SCRIPT, small_env, "SESSIONS")
    print(f"big: {big['reports']:,} reports, {big['answers']:,} answers; small: {small}")

    report = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "database": database_description(options.database_url),
        "big": big,
        "small": small,
        "big_build": big_build,
        "small_build": small_build,
        "counts_big": counts(big_env, big),
        "counts_small": counts(small_env, small),
    }
    print(f"queries: big {report['counts_big']}, small {report['counts_small']}")
    report["pages"] = measure_pages(big_env, big, options, wrk)
    report["synthesis"] = measure_synthesis(small_env, small, options)
    print(f"synthesis: {report['synthesis']}")

    section = render_section(report, options)
    print()
    print(section)
    if not options.no_write:
        write_section(Path(options.output), section, *MARKERS[engine])
        print(f"written to {options.output}")
    missed = missed_targets(report)
    if missed:
        # A missed target is a finding for the table, not a broken run.
        print("TARGETS NOT MET: " + "; ".join(missed))


def missed_targets(report: dict) -> list[str]:
    missed = []
    results = report["pages"]["results"]
    hello = results[0][2]["rps"]
    for label, _path, figures in results[1:]:
        if figures["rps"] / hello < TARGET_RATIO:
            missed.append(f"{label}: ratio {figures['rps'] / hello:.3f}")
    synthesis = report["synthesis"]
    if synthesis["ready"] and synthesis["first"] >= TARGET_SYNTHESIS_SECONDS:
        missed.append(f"synthesis PDF {synthesis['first']:.1f} s")
    return missed


def _verdict(met: bool) -> str:
    return "met" if met else "**not met**"


def _count_rows(report: dict) -> list[str]:
    rows = []
    for key in report["counts_big"]:
        big, small = report["counts_big"][key], report["counts_small"][key]
        if big[0][0] != 200:
            rows.append(f"| {key} | not ready (answers {big[0][0]}) | | | |")
            continue
        constant = [b[1] for b in big] == [s[1] for s in small]
        rows.append(
            f"| {key} | {big[0][1]} / {big[1][1]} | {small[0][1]} / {small[1][1]} | "
            + ("constant" if constant else "**differ**")
            + " |"
        )
    return rows


def render_section(report: dict, options) -> str:
    big, small, pages = report["big"], report["small"], report["pages"]
    build, synthesis = report["big_build"], report["synthesis"]
    lines = [
        f"## Progress reports: {options.cities:,} cities x {options.cycles} cycles "
        f"({report['database'].split()[0]})",
        "",
        "Figures from one run of `bench/reports.py"
        + (" --reuse" if options.reuse else "")
        + "`, with each page's ratio to the hello-world view measured on the same server in "
        "the same run.",
        "",
        f"- date: {report['date']}",
        f"- database: {report['database']}",
        f"- data: synthetic network of {options.cities:,} cities, {big['cycles']} synthetic "
        f"reporting cycles on the progress-report questionnaire, every member city reporting "
        f"in every cycle (`generate-reports --every-city`, seed {options.seed}): "
        f"{big['reports']:,} reports, {big['answers']:,} answers (a finished report: 42 "
        "self-assessments, 12 narratives, 8 indicators; one never finished: its 42 "
        f"self-assessments); the latest cycle `{big['cycle']}` has {big['cycle_reports']:,} "
        f"reports; network built in {build['network_seconds']:.0f} s, the reports in "
        f"{build['reports_seconds']:.0f} s",
        f"- sessions: the coordinator of {big['city']} ({big['city_reports']} reports) and a "
        "secretariat member (with TOTP), logged in by sessions created in the database "
        "(`force_login`)",
        f"- server: `learningcities serve` (granian WSGI, {options.workers} workers), loopback",
        f"- load: wrk, {options.threads} threads, {options.connections} connections, "
        f"{options.duration} s per URL in each of {options.rounds} rounds after a 2 s "
        "warm-up; figures are medians over the rounds",
        f"- machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.machine()} (load generator on the same cores); "
        f"load average {pages['load'][0]:.1f} before the measured rounds, "
        f"{pages['load'][1]:.1f} after",
        "",
        "| what | URL | req/s | ratio to hello-world | p50 ms | p99 ms | errors | req/s by round |",
        "|---|---|--:|--:|--:|--:|--:|---|",
    ]
    results = pages["results"]
    hello = results[0][2]["rps"]
    for label, path, f in results:
        errors = f["non2xx"] + (1 if f["socket_errors"] else 0)
        lines.append(
            f"| {label} | `{path}` | {f['rps']:,.0f} | {f['rps'] / hello:.3f} | "
            f"{f['p50_ms']:.1f} | {f['p99_ms']:.1f} | {errors} | "
            f"{' / '.join(f'{x:,.0f}' for x in f['rps_all'])} |"
        )
    for label, path, status in pages["missing"]:
        lines.append(f"| {label} | `{path}` | not ready: it answered {status} | | | | | |")
    lines += [
        "",
        "Errors are non-2xx responses plus 1 for any round with socket errors (wrk counts a "
        "response slower than 2 s as a timeout): "
        + (
            "; ".join(
                f"{label}: {f['socket_errors']}" for label, _p, f in results if f["socket_errors"]
            )
            or "none"
        )
        + ".",
        "",
    ]
    if results[1:]:
        worst = min(f["rps"] / hello for _l, _p, f in results[1:])
        lines.append(
            f"Lowest ratio of the reports pages: {worst:.3f} (target: {TARGET_RATIO} or more; "
            f"{_verdict(worst >= TARGET_RATIO)})."
        )
    if pages["missing"]:
        lines.append(
            "Not measured: "
            + ", ".join(label for label, _p, _s in pages["missing"])
            + " (the page was not in place when this run was made)."
        )
    lines += [
        "",
        f"Queries per request, in-process (Django's test client), drawn afresh after the "
        f"cache was cleared / asked again, at {options.cities:,} cities "
        f"({big['reports']:,} reports) and at {options.synthesis_cities:,} cities "
        f"({small['reports']:,} reports):",
        "",
        f"| page | queries at {options.cities:,} cities | at {options.synthesis_cities:,} "
        "cities | |",
        "|---|--:|--:|---|",
        *_count_rows(report),
        "",
    ]
    if synthesis["ready"]:
        lines.append(
            f"Synthesis PDF of `{small['cycle']}` ({small['cycle_reports']:,} reports, "
            f"{synthesis['bytes']:,} bytes): first request {synthesis['first']:.1f} s, then "
            + " / ".join(f"{t:.1f}" for t in synthesis["all"][1:])
            + f" s (target: under {TARGET_SYNTHESIS_SECONDS:.0f} s; "
            f"{_verdict(synthesis['first'] < TARGET_SYNTHESIS_SECONDS)})."
        )
    else:
        lines.append(
            f"Synthesis PDF of `{small['cycle']}` ({small['cycle_reports']:,} reports): not "
            f"ready (it answered {synthesis['status']}); not measured."
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
