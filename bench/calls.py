"""Benchmark the calls pages with a big call against the hello-world view on the same server.

Builds a database of its own under var/bench-calls: a synthetic network
(`generate-network --cities 2000`) and a synthetic membership call on the
key-features framework (`generate-call --submissions 1000`: 1,000 submissions x
42 answers). Starts `learningcities serve` (granian, 2 workers) on loopback
and drives, with wrk and a session cookie, the hello-world view, a reference
page (the endorser's queue of a country with nothing waiting: what every
logged-in workspace page costs), the secretariat's call dashboard
(calls:secretariat-call; its first page, and page 2 of the submitted ones) and
the endorser's queue (calls:endorsement-queue) of the country with the most
applications waiting. Each figure is the median of its rounds, with its
ratio to the hello-world view; every response must be a 200. The table replaces the section between
`<!-- calls-benchmark -->` and `<!-- /calls-benchmark -->` of docs/benchmarks.md
(appended the first time; bench/run.py keeps the section when it rewrites the file).

Logging in: the sessions are created in the database by Django's test client
(`force_login`, in a `learningcities shell -c` one-liner), which is what a
completed login leaves behind. The secretariat member has a TOTP
authenticator, so the two-factor middleware lets the session through; the
allauth login flow itself (password, then the RFC 6238 code) is covered by
tests/accounts/test_mfa.py. Each session is checked with one request (a 200
showing the page, not a redirect to the login) before the load starts.

    make bench                                   # runs bench/run.py, then this
    .venv/bin/python bench/calls.py --submissions 50 --cities 200 --duration 2   # a quick look
"""

import argparse
import datetime as dt
import http.client
import http.cookies
import json
import os
import platform
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import (  # bench/ is not a package: run.py is imported by path
    LC,
    ROOT,
    ensure_wrk,
    fresh_installation,
    median_figures,
    parse_wrk,
    run,
    serving,
    write_section,
)

START, END = "<!-- calls-benchmark -->", "<!-- /calls-benchmark -->"
TARGET_RATIO = 0.2
# A logged-in workspace page with nothing listed: what every page of the
# workspace pays before showing anything (session, person, the page frame;
# roles and second factor come from the session's snapshot); the calls pages
# cannot be much faster than this.
REFERENCE_LABEL = "reference: the queue with nothing waiting"

SESSIONS_SCRIPT = """
import json
from django.conf import settings
from django.test import Client
from django.urls import reverse
from learningcities.accounts.domain.organisations import add_affiliation, create_organisation
from learningcities.accounts.domain.users import create_user
from learningcities.accounts.enums import OrganisationKind, Role
from learningcities.accounts.models import Organisation, User
from learningcities.calls.models import Call, Submission
from learningcities.network.models import Country
call = Call.objects.order_by('-pk').first()
out = {'dashboard': reverse('calls:secretariat-call', args=[call.pk]),
       'queue': reverse('calls:endorsement-queue'), 'title': call.title}
# The reference page: the same queue for the endorser of a country with nothing waiting.
applied = Submission.objects.values_list('country_id', flat=True)
taken = Organisation.objects.filter(kind=OrganisationKind.NATIONAL_COMMISSION).values_list(
    'country_id', flat=True)
idle = Country.objects.exclude(code__in=applied).exclude(code__in=taken).order_by('code').first()
commission = create_organisation(kind=OrganisationKind.NATIONAL_COMMISSION,
                                 name=f'National Commission of {idle.code} (bench)', country=idle,
                                 actor=None)
idle_endorser = create_user('bench-idle-endorser@example.org', password=None, name='Idle endorser')
add_affiliation(commission, user=idle_endorser, role=Role.ENDORSER, actor=None)
synthetic = User.objects.order_by('pk')
people = {
    'secretariat': synthetic.filter(email__startswith='synthetic-secretariat-').first(),
    'endorser': synthetic.filter(email__startswith='synthetic-endorser-').first(),
    'idle': idle_endorser,
}
for key, person in people.items():
    client = Client()
    client.force_login(person)
    out[key] = client.cookies[settings.SESSION_COOKIE_NAME].value
print('SESSIONS ' + json.dumps(out))
"""


def get(base: str, path: str, session: str) -> tuple[int, str, str]:
    """GET ``path`` with a session cookie, without following redirects.

    Returns the status, the body and the Cookie header a browser would send
    from then on: the session and the cookies the page set (CSRF, the
    version of the session's data).
    """
    address = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=60)
    try:
        connection.request("GET", path, headers={"Cookie": f"sessionid={session}"})
        response = connection.getresponse()
        cookies = http.cookies.SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookies.load(header)
        sent = {"sessionid": session} if session else {}
        sent.update((name, morsel.value) for name, morsel in cookies.items() if morsel.value)
        body = response.read().decode("utf-8", "replace")
        return response.status, body, "; ".join(f"{name}={value}" for name, value in sent.items())
    finally:
        connection.close()


def wrk_cookie(wrk: str, url: str, cookie: str, *, duration: int, options) -> dict:
    """Run wrk on ``url`` sending the Cookie header ``cookie``; return parse_wrk's figures."""
    args = [wrk, f"-t{options.threads}", f"-c{options.connections}", f"-d{duration}s"]
    if cookie:
        args += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(
        [*args, "--latency", url], check=True, text=True, capture_output=True
    ).stdout
    return parse_wrk(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cities", type=int, default=2000)
    parser.add_argument("--submissions", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--duration", type=int, default=8, help="seconds per URL and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="granian workers")
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmarks.md"))
    parser.add_argument("--no-write", action="store_true", help="print only")
    options = parser.parse_args()

    wrk = ensure_wrk()
    _data_dir, env = fresh_installation("bench-calls")

    print(
        f"--- building a synthetic call: {options.submissions} submissions from a network of "
        f"{options.cities} cities"
    )
    started = time.monotonic()
    run([LC, "migrate", "--no-input"], env)
    run([LC, "collectstatic", "--no-input", "--verbosity", "0"], env)
    seed = str(options.seed)
    run([LC, "generate-network", "--cities", str(options.cities), "--seed", seed], env)
    generated = run(
        [LC, "generate-call", "--submissions", str(options.submissions), "--seed", seed], env
    )
    print(generated.stdout.strip().splitlines()[0])
    build_seconds = time.monotonic() - started
    shell = run([LC, "shell", "-c", SESSIONS_SCRIPT], env).stdout
    sessions = json.loads(shell.split("SESSIONS ", 1)[1].splitlines()[0])

    with serving(env, workers=options.workers) as base:
        dashboard, queue = sessions["dashboard"], sessions["queue"]
        targets = [
            ("hello-world view", "/-/health", "", None),
            (REFERENCE_LABEL, queue, sessions["idle"], "No application is waiting"),
            ("call dashboard (secretariat)", dashboard, sessions["secretariat"], sessions["title"]),
            (
                "call dashboard, submitted, page 2",
                f"{dashboard}?state=submitted&page=2",
                sessions["secretariat"],
                sessions["title"],
            ),
            (
                "endorsement queue (endorser)",
                queue,
                sessions["endorser"],
                '<table class="endorsement-queue">',
            ),
        ]
        # Each session is checked once; its first page sets the CSRF cookie,
        # which the browser then sends with the session's on every request.
        checked = [targets[0][:3]]
        for label, path, session, expected in targets[1:]:
            status, body, cookie = get(base, path, session)
            if status != 200 or expected not in body:
                raise SystemExit(f"{label}: {path} answered {status}, not the page; login failed")
            checked.append((label, path, cookie))
        targets = checked
        for _label, path, cookie in targets:
            wrk_cookie(wrk, base + path, cookie, duration=2, options=options)  # warm-up
        # Keyed by label: the reference page and the busy queue share a URL.
        rounds: dict[str, list[dict]] = {label: [] for label, _path, _cookie in targets}
        load_before = os.getloadavg()
        for number in range(1, options.rounds + 1):
            for label, path, cookie in targets:
                figures = wrk_cookie(
                    wrk, base + path, cookie, duration=options.duration, options=options
                )
                rounds[label].append(figures)
                print(
                    f"round {number}: {label:30} {figures['rps']:9.0f} req/s  "
                    f"p99 {figures['p99_ms']:8.1f} ms  non-2xx {figures['non2xx']}"
                )
        results = [(label, path, median_figures(rounds[label])) for label, path, _c in targets]
        options.load = (load_before, os.getloadavg())

    section = render_section(results, options, build_seconds)
    print()
    print(section)
    if not options.no_write:
        write_section(Path(options.output), section, START, END)
        print(f"written to {options.output}")
    hello = results[0][2]["rps"]
    failures = [r for r in results if r[2]["non2xx"]]
    slow = [r for r in results[2:] if r[2]["rps"] / hello < TARGET_RATIO]
    if slow:
        # A missed target is a finding for the table, not a broken run.
        print(f"TARGET NOT MET ({TARGET_RATIO} of hello-world): {', '.join(r[0] for r in slow)}")
    if failures:
        raise SystemExit("calls benchmark got error answers: see the table")


def render_section(results, options, build_seconds: float) -> str:
    hello = results[0][2]
    lines = [
        "## Calls: a call with 1,000 submissions"
        if options.submissions == 1000
        else f"## Calls: a call with {options.submissions:,} submissions",
        "",
        "Figures from one run of `bench/calls.py` (run by `make bench` after bench/run.py), "
        "with each page's ratio to the hello-world view measured on the same server in the "
        "same run.",
        "",
        f"- date: {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- data: synthetic network of {options.cities:,} cities, a membership call on the "
        f"key-features framework with {options.submissions:,} submissions x 42 answers "
        f"(seed {options.seed}), SQLite; built in {build_seconds:.0f} s",
        "- sessions: a secretariat member (with TOTP), the endorser of the country with the "
        "most applications waiting, and an endorser of a country with none (the reference "
        "page), logged in by sessions created in the database (`force_login`)",
        f"- server: `learningcities serve` (granian WSGI, {options.workers} workers), loopback",
        f"- load: wrk, {options.threads} threads, {options.connections} connections, "
        f"{options.duration} s per URL in each of {options.rounds} rounds after a 2 s "
        "warm-up; figures are medians over the rounds",
        f"- machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.machine()} (load generator on the same cores); "
        f"load average {options.load[0][0]:.1f} before the measured rounds, "
        f"{options.load[1][0]:.1f} after",
        "",
        "| what | URL | req/s | ratio to hello-world | p50 ms | p99 ms | errors | req/s by round |",
        "|---|---|--:|--:|--:|--:|--:|---|",
    ]
    for label, path, f in results:
        errors = f["non2xx"] + (1 if f["socket_errors"] else 0)
        lines.append(
            f"| {label} | `{path}` | {f['rps']:,.0f} | {f['rps'] / hello['rps']:.3f} | "
            f"{f['p50_ms']:.1f} | {f['p99_ms']:.1f} | {errors} | "
            f"{' / '.join(f'{x:,.0f}' for x in f['rps_all'])} |"
        )
    reference = results[1][2]["rps"]
    pages = results[2:]
    worst = min(f["rps"] / hello["rps"] for _l, _p, f in pages)
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
        f"Lowest ratio of the calls pages: {worst:.3f} (target: {TARGET_RATIO} or more"
        + ("; met)." if worst >= TARGET_RATIO else "; **not met**).")
        + f" The reference page reaches {reference / hello['rps']:.3f}: it is the endorsement "
        "queue of a country with nothing waiting, so it pays only what every logged-in "
        "workspace page pays (the session and the person, whose roles, second factor and "
        "countries come from the session's snapshot; the page frame with its menus) and the "
        "queue's own reads (the revisions keying its cached list). Relative to it, "
        + ", ".join(f"{label} reaches {f['rps'] / reference:.2f}" for label, _p, f in pages)
        + ".",
        "",
        "Both pages read a constant number of queries whatever the number of submissions "
        "and pages (tests/calls/test_views_secretariat.py, test_views_endorsement.py, "
        "test_synthetic_call.py). What a request of them costs, served from the cache: "
        "the session and the person, each read by one SELECT whose SQL the ORM compiled "
        "once per process (common/prepared.py: building a query costs the ORM several times "
        "what SQLite takes to run it); the person's roles, second factor and the countries "
        "they endorse for come from a snapshot in the session, trusted while the person's "
        "access version (bumped by every change of their affiliations, organisations or "
        "authenticators) is unchanged; then the revisions that key the page. The dashboard "
        "is the same for every member of the secretariat and the queue for every endorser "
        "of the same countries: each page, its frame included (the person's name and CSRF "
        "token are put in on the way out; a page with a message waiting is drawn afresh), "
        "is drawn once and cached under the call's (or all calls') revision and the "
        "register's, read on every request (so a decision shows on the next request, in "
        "every process), and until the next endorsement deadline passes; each process keeps "
        "the pages it served last in memory in front of the shared cache (their keys carry "
        "the revisions, so they cannot be stale). The dashboard then costs 4 queries "
        "(session, person, the call's key columns, register revision) and the queue 4 "
        "(session, person, calls' revisions, register revision). Both lists are paginated "
        "(25 a page, filters kept in the links) and read only the columns they show, never "
        "the answers. The browser's requests carry the CSRF cookie its first page set, as "
        "a browser's do.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
