"""Load and soak: public browsing, 100 cities saving drafts before a deadline, jurors scoring.

Runs on PostgreSQL, in the production-like setting (a Redis cache,
``LC_TASKS=database`` with one ``db_worker``), for 5 minutes by default:

1. Builds a database (``--database-url``; dropped and created again unless
   ``--reuse`` finds one built before): a synthetic network of 10,000 cities
   (`generate-network`), a synthetic call whose submissions are made eligible
   and reviewed by a synthetic jury of 20 jurors (`generate-call`,
   `generate-jury --eligible`, then `auto_assign`; the jurors get a TOTP
   authenticator, which the second-factor middleware asks of them), and 100
   more member cities, each with its city organisation and a coordinator.
2. Starts `learningcities serve` (granian, 2 workers) and one
   `learningcities db_worker`; flushes the cache (its Redis database only);
   logs in every coordinator and juror (sessions created in the database by
   Django's test client, `force_login`, as bench/calls.py does); opens a
   membership call that closes 2 minutes after the load will end and starts
   the 100 cities' draft applications to it.
3. For ``--duration`` seconds drives the server from threads of this process
   (`requests`), each virtual user paced at its own interval (so the offered
   rate is fixed and the achieved rate shows whether the server kept up):
   10 visitors browsing the public pages (home, directory with and without a
   search, city and country pages, map data, stats API), a page a second; the
   100 coordinators, arriving one by one, opening their application and then
   saving a draft field every 10 s through the real autosave endpoint
   (``X-Autosave: 1`` and the CSRF token, as ``lc/js/autosave.js`` posts them:
   one save in flight per person), each value unique, every acknowledged
   (204) save recorded with its time; the 20 jurors saving a score and its
   comment every 5 s through the review page's autosave, likewise recorded.
4. Samples the resident memory (VmRSS) of each granian worker and of the
   db_worker every few seconds.
5. After the load, with the server stopped, checks that the database holds
   the last acknowledged value of every (application, field) and every
   juror's last acknowledged score and comment.

It prints the requests by kind (count, errors, p50/p95/p99 latency, offered
and achieved rate), the memory of each process (start, after the warm-up,
end, max, growth after the warm-up) and the check, and writes them between
`<!-- soak-benchmark -->` and `<!-- /soak-benchmark -->` in docs/benchmarks.md.
It exits non-zero on any failed request (an unexpected status or no answer)
or any lost save.

    make soak                                           # 10,000 cities, 300 s
    .venv/bin/python bench/soak.py --cities 500 --duration 30 --no-write   # a quick look
    .venv/bin/python bench/soak.py --reuse              # keep the database built before

Needs a PostgreSQL server (default postgres://postgres@127.0.0.1:5432/lc_soak,
a database the script may drop) and a Redis server (default
redis://127.0.0.1:6379/11, a database number it may flush), and the `redis`
Python package in the environment that runs the server.
"""

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import requests
from psycopg import sql

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import (  # bench/ is not a package
    LC,
    ROOT,
    free_port,
    wait_until_up,
    write_section,
)

START, END = "<!-- soak-benchmark -->", "<!-- /soak-benchmark -->"
COORDINATOR_MARK = "soak-coordinator-"
# The deadline falls this long after the end of the load: every save is in the last minutes.
DEADLINE_AFTER_LOAD = dt.timedelta(minutes=2)

BUILD_SCRIPT = """
import os
from learningcities.accounts.domain.organisations import add_affiliation, create_organisation
from learningcities.accounts.domain.users import activate_totp, create_user
from learningcities.accounts.enums import OrganisationKind, Role
from learningcities.accounts.models import User
from learningcities.demo.domain.synthetic_call import synthetic_totp_secret
from learningcities.network.enums import MembershipStatus
from learningcities.network.models import City
from learningcities.reviews.domain.assignments import auto_assign
from learningcities.reviews.models import Panel
seed, saving = int(os.environ['SOAK_SEED']), int(os.environ['SOAK_SAVING'])
panel = Panel.objects.select_related('organisation').order_by('-pk').first()
secretary = User.objects.get(email=f'synthetic-secretariat-{seed}@example.org')
report = auto_assign(panel, actor=secretary)
jurors = User.objects.filter(affiliations__organisation=panel.organisation,
                             affiliations__role=Role.JUROR).order_by('pk')
for juror in jurors:
    activate_totp(juror, secret=synthetic_totp_secret(seed))
cities = list(City.objects.filter(is_synthetic=True, memberships__status=MembershipStatus.ACTIVE,
                                  organisation__isnull=True).distinct().order_by('pk')[:saving])
if len(cities) < saving:
    raise SystemExit(f'only {len(cities)} member cities are left for the drafts: add --cities')
for city in cities:
    organisation = create_organisation(kind=OrganisationKind.CITY, city=city, actor=None)
    person = create_user(os.environ['SOAK_MARK'] + f'{city.pk}@example.org', password=None,
                         name=f'Coordinator of {city.name} (soak)')
    add_affiliation(organisation, user=person, role=Role.COORDINATOR, actor=None)
print('BUILT ' + report.summary())
"""

PREPARE_SCRIPT = """
import datetime as dt
import json
import os
import random
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from learningcities.accounts.enums import Role
from learningcities.accounts.models import Organisation, User
from learningcities.calls.domain.calls import create_call
from learningcities.calls.domain.submissions import start_submission
from learningcities.demo.domain.synthetic_call import FRAMEWORK
from learningcities.calls.enums import CallKind
from learningcities.frameworks.enums import AnswerType
from learningcities.frameworks.models import Criterion, Framework
from learningcities.network.enums import MembershipStatus
from learningcities.network.models import City, Country
from learningcities.reviews.models import Assignment, Panel

cache.clear()  # the cache's own Redis database only (FLUSHDB)
rng = random.Random(int(os.environ['SOAK_SEED']))

def session_of(person):
    client = Client()
    client.force_login(person)
    return client.cookies[settings.SESSION_COOKIE_NAME].value

out = {'coordinators': [], 'jurors': []}
framework = Framework.objects.get(code=FRAMEWORK[0], version=FRAMEWORK[1])
texts = list(Criterion.objects.filter(framework=framework, answer_type=AnswerType.TEXT)
             .select_related('area__section').order_by('order', 'pk')[:3])
out['answers'] = [{'code': c.code, 'section': c.area.section.code} for c in texts]
panel = Panel.objects.select_related('call').order_by('-pk').first()
out['scale'] = [panel.score_min, panel.score_max]
out['criteria'] = list(Criterion.objects.filter(framework_id=panel.call.framework_id)
                       .order_by('order', 'pk').values_list('pk', flat=True))
by_juror = {}
for juror_id, submission_id in (Assignment.objects.filter(panel=panel)
                                .order_by('juror_id', 'submission_id')
                                .values_list('juror_id', 'submission_id')):
    by_juror.setdefault(juror_id, []).append(submission_id)
for person in User.objects.filter(pk__in=by_juror).order_by('pk'):
    out['jurors'].append({'juror': person.pk, 'submissions': by_juror[person.pk],
                          'session': session_of(person)})
members = City.objects.filter(memberships__status=MembershipStatus.ACTIVE).distinct()
ids = list(members.values_list('pk', flat=True))
out['cities'] = rng.sample(ids, min(500, len(ids)))
names = list(members.filter(pk__in=out['cities'][:100]).values_list('name', flat=True))
out['searches'] = sorted({name[:4] for name in names})
out['countries'] = sorted(Country.objects.filter(
    cities__memberships__status=MembershipStatus.ACTIVE).distinct().values_list('code', flat=True))
out['network'] = City.objects.filter(is_synthetic=True).count()
out['jury_submissions'] = panel.call.submissions.count()
coordinators = list(User.objects.filter(email__startswith=os.environ['SOAK_MARK'],
                                        affiliations__role=Role.COORDINATOR).order_by('pk'))
sessions = [session_of(person) for person in coordinators]

# Last, so that the load starts right after: the call, its deadline counted from now.
deadline = timezone.now() + dt.timedelta(seconds=float(os.environ['SOAK_UNTIL_DEADLINE']))
call = create_call(actor=None, title='Soak call ' + os.environ['SOAK_RUN'],
                   kind=CallKind.MEMBERSHIP, framework=framework,
                   opens_at=timezone.now() - dt.timedelta(days=1), closes_at=deadline,
                   quota_per_country=3)
out['call'], out['deadline'] = call.pk, deadline.isoformat()
for person, session in zip(coordinators, sessions):
    organisation = Organisation.objects.select_related('city').get(
        affiliations__user=person, affiliations__role=Role.COORDINATOR)
    submission = start_submission(call, city=organisation.city, actor=person)
    out['coordinators'].append({'submission': submission.pk, 'session': session})
print('PREPARED ' + json.dumps(out))
"""

VERIFY_SCRIPT = """
import json
import os
from learningcities.calls.models import Answer, Submission
from learningcities.reviews.models import Score
expected = json.loads(open(os.environ['SOAK_EXPECTED'], encoding='utf-8').read())
lost = []
profile = {}
for submission, name, value in expected['profile']:
    profile.setdefault(submission, {})[name] = value
fields = sorted({name for values in profile.values() for name in values})
for row in Submission.objects.filter(pk__in=profile).values('pk', *fields):
    for name, value in profile.pop(row['pk']).items():
        if row[name] != value:
            lost.append(['profile', row['pk'], name, value, row[name]])
lost += [['profile', pk, name, value, None] for pk, values in profile.items()
         for name, value in values.items()]
held = {(s, code): text for s, code, text in Answer.objects.filter(
    submission_id__in={row[0] for row in expected['answers']}).values_list(
    'submission_id', 'criterion__code', 'text_value')}
for submission, code, value in expected['answers']:
    if held.get((submission, code)) != value:
        lost.append(['answer', submission, code, value, held.get((submission, code))])
scores = {(s, j, c): [v, comment] for s, j, c, v, comment in Score.objects.filter(
    review__assignment__juror_id__in={row[1] for row in expected['scores']}).values_list(
    'review__assignment__submission_id', 'review__assignment__juror_id', 'criterion_id',
    'value', 'comment')}
for submission, juror, criterion, value, comment in expected['scores']:
    if scores.get((submission, juror, criterion)) != [value, comment]:
        lost.append(['score', submission, juror, criterion, value, comment,
                     scores.get((submission, juror, criterion))])
print('VERIFIED ' + json.dumps(lost))
"""

WORDS = ("learning", "city", "lifelong", "community", "library", "skills", "evening", "youth")


@dataclass
class Results:
    """What every virtual user did: latencies and failures by kind, and acknowledged saves."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    failures: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    offered: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    # Every acknowledged save, in the order of the acknowledgements:
    # (UTC time, "profile" | "answer", application, field, value) or
    # (UTC time, "score", application, juror, criterion, score, comment).
    acknowledged: list[tuple] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def acknowledge(self, *save) -> None:
        with self.lock:
            self.acknowledged.append((dt.datetime.now(dt.UTC).isoformat(), *save))

    def last_saved(self) -> dict[str, list]:
        """Return the last acknowledged value of each field and score, for VERIFY_SCRIPT."""
        last: dict[tuple, list] = {}
        for _at, what, *save in self.acknowledged:
            if what == "score":
                last[(what, *save[:3])] = save
            else:
                last[(what, *save[:2])] = save
        return {
            name: [save for key, save in last.items() if key[0] == what]
            for name, what in (("profile", "profile"), ("answers", "answer"), ("scores", "score"))
        }

    def record(self, kind: str, milliseconds: float, failure: str | None) -> None:
        with self.lock:
            self.latencies[kind].append(milliseconds)
            if failure:
                self.failures[kind].append(failure)


class VirtualUser:
    """One person's HTTP session (cookies, a kept-alive connection) recording every request."""

    def __init__(self, base: str, results: Results, session_id: str | None = None):
        self.base = base
        self.results = results
        self.http = requests.Session()
        if session_id:
            self.http.cookies.set("sessionid", session_id)

    def request(self, kind: str, method: str, path: str, ok: Callable[[int], bool], **kwargs):
        """Send one request (no redirects followed); return the response if ``ok`` its status."""
        started = time.perf_counter()
        failure = response = None
        try:
            response = self.http.request(
                method, self.base + path, allow_redirects=False, timeout=30, **kwargs
            )
            response.content  # noqa: B018 - the body is read inside the timing
            if not ok(response.status_code):
                failure = f"{method} {path}: {response.status_code}"
        except requests.RequestException as error:
            failure = f"{method} {path}: {type(error).__name__}"
        self.results.record(kind, (time.perf_counter() - started) * 1000, failure)
        return None if failure else response

    def autosave(self, kind: str, path: str, data: dict) -> bool:
        """POST ``data`` as lc/js/autosave.js does; tell whether it was saved (204)."""
        token = self.http.cookies.get("csrftoken", "")
        response = self.request(
            kind,
            "POST",
            path,
            lambda status: status == 204,
            data={"csrfmiddlewaretoken": token, **data},
            headers={"X-Autosave": "1", "X-CSRFToken": token},
        )
        return response is not None


def paced(stop: threading.Event, interval: float, rng: random.Random, action) -> None:
    """Call ``action`` about every ``interval`` seconds (jittered) until ``stop`` is set.

    The next start is planned from the previous plan, not from when the request
    ended, so the offered rate holds; a user that falls behind starts at once
    (no burst to catch up).
    """
    next_at = time.monotonic() + rng.uniform(0, interval)
    while not stop.wait(max(0.0, next_at - time.monotonic())):
        action()
        next_at = max(next_at + interval * rng.uniform(0.5, 1.5), time.monotonic())


def visitor(base, results, stop, options, data, number: int) -> None:
    """Browse the public pages: mostly city pages and the directory, some API and map data."""
    rng = random.Random(f"visitor-{number}")
    user = VirtualUser(base, results)

    def browse() -> None:
        choice = rng.choices(
            ("home", "directory", "search", "city", "country", "map", "stats"),
            weights=(10, 10, 15, 30, 15, 5, 15),
        )[0]
        path = {
            "home": lambda: "/",
            "directory": lambda: f"/cities/?page={rng.randint(1, 20)}",
            "search": lambda: (
                "/cities/?" + urllib.parse.urlencode({"q": rng.choice(data["searches"])})
            ),
            "city": lambda: f"/cities/{rng.choice(data['cities'])}/",
            "country": lambda: f"/countries/{rng.choice(data['countries'])}/",
            "map": lambda: "/map/members.geojson",
            "stats": lambda: "/api/v1/network/stats",
        }[choice]()
        user.request(f"visitor: {choice}", "GET", path, lambda status: 200 <= status < 400)

    paced(stop, options.visitor_interval, rng, browse)


def coordinator(base, results, stop, options, data, entry: dict, number: int) -> None:
    """Open the application's profile, then save one field at a time with a new value each."""
    rng = random.Random(f"coordinator-{number}")
    user = VirtualUser(base, results, entry["session"])
    submission = entry["submission"]
    profile = f"/applications/{submission}/profile/"
    if stop.wait(rng.uniform(0, options.coordinator_interval)):  # people arrive one by one
        return
    page = user.request("coordinator: open the profile", "GET", profile, lambda s: s == 200)
    if page is None:
        return
    targets = [("profile", name, profile) for name in ("motivation", "implementation")]
    targets += [("profile", name, profile) for name in ("contact_name", "contact_phone")]
    targets += [
        ("answer", answer["code"], f"/applications/{submission}/section/{answer['section']}/")
        for answer in data["answers"]
    ]
    count = 0

    def save() -> None:
        nonlocal count
        count += 1
        where, name, path = rng.choice(targets)
        mark = f"{options.run} {submission}/{name} #{count}"
        if name in ("motivation", "implementation") or where == "answer":
            value = f"Soak {mark}: " + " ".join(
                rng.choice(WORDS) for _ in range(rng.randint(20, 80))
            )
        elif name == "contact_phone":
            value = f"+41 {submission % 1000:03d} {count:06d}"
            mark = value
        else:
            value = f"Coordinator {mark}"
        post_name = name if where == "profile" else f"answer-{name}"
        if user.autosave("coordinator: autosave a draft field", path, {post_name: value}):
            results.acknowledge(where, submission, name, value)

    paced(stop, options.coordinator_interval, rng, save)


def juror(base, results, stop, options, data, entry: dict, number: int) -> None:
    """Open the first review, then score the assigned applications criterion by criterion."""
    rng = random.Random(f"juror-{number}")
    user = VirtualUser(base, results, entry["session"])
    submissions, criteria = entry["submissions"], data["criteria"]
    low, high = data["scale"]
    first = f"/jury/submissions/{submissions[0]}/"
    if stop.wait(rng.uniform(0, options.juror_interval)):  # people arrive one by one
        return
    if user.request("juror: open a review", "GET", first, lambda s: s == 200) is None:
        return
    count = 0

    def score() -> None:
        nonlocal count
        submission = submissions[count // len(criteria) % len(submissions)]
        criterion = criteria[count % len(criteria)]
        count += 1
        value = rng.randint(low, high)
        comment = f"Soak {options.run} juror {entry['juror']} #{count}"
        data = {f"score-{criterion}": str(value), f"comment-{criterion}": comment}
        if user.autosave("juror: autosave a score", f"/jury/submissions/{submission}/", data):
            results.acknowledge("score", submission, entry["juror"], criterion, value, comment)

    paced(stop, options.juror_interval, rng, score)


def process_tree(pid: int) -> list[int]:
    """Return the ids of the descendants of ``pid`` (read from /proc)."""
    parents: dict[int, list[int]] = defaultdict(list)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name may hold spaces: the fields after its closing parenthesis are fixed.
        parents[int(stat.rsplit(")", 1)[1].split()[1])].append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        children = parents.get(todo.pop(), [])
        found += children
        todo += children
    return sorted(found)


def rss_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def sample_memory(processes: dict[str, int], samples: dict, stop: threading.Event, every: float):
    """Every ``every`` seconds until ``stop``, append (seconds, KiB) to each process's samples."""
    started = time.monotonic()
    while True:
        now = time.monotonic() - started
        for label, pid in processes.items():
            kib = rss_kib(pid)
            if kib is not None:
                samples[label].append((now, kib))
        if stop.wait(every):
            break


@contextlib.contextmanager
def running(args: list[str], env: dict, log: Path) -> Iterator[subprocess.Popen]:
    """Run ``args`` in a session of its own, output to ``log``; stop the session after."""
    with log.open("ab") as output:
        process = subprocess.Popen(
            args, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield process
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def recreate_database(url: str) -> None:
    """Drop the database of ``url`` if it exists and create it empty."""
    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def is_built(url: str, saving: int) -> bool:
    """Tell whether the database of ``url`` holds a soak installation for ``saving`` cities."""
    try:
        with psycopg.connect(url) as connection:
            found = connection.execute(
                "SELECT count(*) FROM accounts_user WHERE email LIKE %s", [COORDINATOR_MARK + "%"]
            ).fetchone()[0]
    except psycopg.Error:
        return False
    return found >= saving


def run(args: list[str], env: dict) -> subprocess.CompletedProcess:
    """Run a command of the installation; on failure stop with what it said."""
    done = subprocess.run(args, env=env, text=True, capture_output=True, check=False)
    if done.returncode:
        raise SystemExit(
            f"{' '.join(args[:2])} failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}"
        )
    return done


def shell(script: str, env: dict, marker: str) -> str:
    """Run ``script`` in `learningcities shell` and return what it printed after ``marker``."""
    output = run([LC, "shell", "-c", script], env).stdout
    return output.split(marker + " ", 1)[1].splitlines()[0]


def build(env: dict, options) -> float:
    """Build the soak database from empty; return the seconds it took."""
    started = time.monotonic()
    seed = str(options.seed)
    print(f"--- building the database: {options.cities:,} cities, a jury, 100 coordinators")
    recreate_database(options.database_url)
    run([LC, "migrate", "--no-input"], env)
    run([LC, "collectstatic", "--no-input", "--verbosity", "0"], env)
    run([LC, "generate-network", "--cities", str(options.cities), "--seed", seed], env)
    run([LC, "generate-call", "--submissions", str(options.jury_submissions), "--seed", seed], env)
    jury = [LC, "generate-jury", "--jurors", str(options.jurors), "--seed", seed, "--eligible"]
    print(run(jury, env).stdout.strip())
    build_env = {**env, "SOAK_SEED": seed, "SOAK_SAVING": "100", "SOAK_MARK": COORDINATOR_MARK}
    print(shell(BUILD_SCRIPT, build_env, "BUILT"))
    return time.monotonic() - started


def percentile(ordered: list[float], share: float) -> float:
    """Return the nearest-rank percentile ``share`` (0-1) of the sorted ``ordered``."""
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def jobs_since(url: str, since: dt.datetime) -> dict[str, int]:
    """Return how many background jobs were queued since ``since``, by status."""
    with psycopg.connect(url) as connection:
        rows = connection.execute(
            "SELECT status, count(*) FROM django_tasks_database_dbtaskresult "
            "WHERE enqueued_at >= %s GROUP BY status ORDER BY status",
            [since],
        ).fetchall()
    return dict(rows)


def summarise(results: Results, seconds: float) -> list[dict]:
    """Return a row per group of users (then its kinds of request) and the overall row last."""
    rows = []
    everything: list[float] = []
    for group in ("visitor", "coordinator", "juror"):
        kinds = sorted(kind for kind in results.latencies if kind.startswith(group + ":"))
        merged = sorted(ms for kind in kinds for ms in results.latencies[kind])
        everything += merged
        errors = sum(len(results.failures[kind]) for kind in kinds)
        rows.append(_row(group + "s", merged, errors, seconds, results.offered[group]))
        rows += [
            _row(
                kind,
                sorted(results.latencies[kind]),
                len(results.failures[kind]),
                seconds,
                None,
            )
            for kind in kinds
        ]
    errors = sum(len(found) for found in results.failures.values())
    rows.append(_row("all", sorted(everything), errors, seconds, sum(results.offered.values())))
    return rows


def _row(kind: str, ordered: list[float], errors: int, seconds: float, offered) -> dict:
    return {
        "kind": kind,
        "requests": len(ordered),
        "errors": errors,
        "p50": percentile(ordered, 0.50),
        "p95": percentile(ordered, 0.95),
        "p99": percentile(ordered, 0.99),
        "max": ordered[-1] if ordered else 0.0,
        "rate": len(ordered) / seconds,
        "offered": offered,
    }


def memory_rows(samples: dict, warm_up: float) -> list[dict]:
    """Return each process's RSS figures; growth and trend count from the end of the warm-up."""
    rows = []
    for label, points in samples.items():
        if not points:
            continue
        after = next((kib for at, kib in points if at >= warm_up), points[-1][1])
        end = points[-1][1]
        settled = [(at / 60, kib / 1024) for at, kib in points if at >= warm_up]
        trend = 0.0
        if len(settled) >= 3 and len({minute for minute, _mib in settled}) > 1:
            trend = statistics.linear_regression(*zip(*settled, strict=True)).slope
        rows.append(
            {
                "process": label,
                "start": points[0][1],
                "warm": after,
                "end": end,
                "max": max(kib for _at, kib in points),
                "growth": (end - after) / after * 100,
                "trend": trend,
                "samples": len(points),
            }
        )
    return rows


def render_section(report: dict, options) -> str:
    mib = 1024
    lines = [
        f"## Soak: {report['network']:,} cities, drafts before a deadline, jurors scoring",
        "",
        "Figures from one run of `make soak` (bench/soak.py): mixed load for "
        f"{options.duration} s on PostgreSQL in the production-like setting. The absolute "
        "figures depend on the machine; errors and lost saves must be zero on any.",
        "",
        f"- date: {report['date']}",
        f"- data: synthetic network of {report['network']:,} cities (seed {options.seed}), "
        f"PostgreSQL {report['postgres']}; a synthetic call of {report['jury_submissions']} "
        f"submissions in review by {report['jurors']} jurors ({report['assignments']} "
        f"assignments); {report['coordinators']} cities with a coordinator and a draft to a "
        "membership call closing "
        f"{report['deadline_gap']:.0f} s after the load ended; built in "
        + (f"{report['build_seconds']:.0f} s" if report["build_seconds"] else "an earlier run"),
        f"- server: `learningcities serve` (granian WSGI, {options.workers} workers, "
        f"{options.threads} threads each) and one `learningcities db_worker`, "
        "`LC_TASKS=database`, cache in Redis, loopback",
        f"- load: {options.visitors} visitors (a page every {options.visitor_interval:g} s), "
        f"{report['coordinators']} coordinators (a draft field saved every "
        f"{options.coordinator_interval:g} s), {report['jurors']} jurors (a score and "
        f"comment every {options.juror_interval:g} s), each paced at that interval "
        "(jittered ±50%), from threads of one Python process (which used "
        f"{report['cpu']:.0f} CPU-seconds); the offered rate is that pace, the opening of "
        "each form once at arrival comes on top; requests and latencies counted from the "
        f"start, memory growth from the end of a {report['warm_up']:.0f} s warm-up",
        f"- machine: {os.cpu_count()} cores shared by the server, PostgreSQL, Redis and the "
        f"load generator, Python {platform.python_version()}, {platform.system()} "
        f"{platform.machine()}; load average {report['load'][0]:.1f} before, "
        f"{report['load'][1]:.1f} at the end",
        "",
        "| requests | count | errors | p50 ms | p95 ms | p99 ms | max ms | achieved req/s "
        "| offered req/s |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for row in report["rows"]:
        offered = "" if row["offered"] is None else f"{row['offered']:.1f}"
        name = row["kind"] if ":" in row["kind"] else f"**{row['kind']}**"
        lines.append(
            f"| {name} | {row['requests']:,} | {row['errors']} | {row['p50']:.1f} | "
            f"{row['p95']:.1f} | {row['p99']:.1f} | {row['max']:.0f} | {row['rate']:.1f} | "
            f"{offered} |"
        )
    total = report["rows"][-1]
    lines += [
        "",
        f"Error rate: {total['errors']} of {total['requests']:,} requests"
        + (f" ({total['errors'] / total['requests']:.3%})." if total["requests"] else ".")
        + (
            " Failures: " + "; ".join(report["failure_examples"]) + "."
            if report["failure_examples"]
            else ""
        ),
        "",
        "Background jobs queued during the load (run by the db_worker): "
        + (
            ", ".join(f"{count} {status.lower()}" for status, count in report["jobs"].items())
            or "none (saving drafts and scores queues none)"
        )
        + ".",
        "",
        "| process | RSS at start MiB | after warm-up MiB | at end MiB | max MiB "
        "| growth after warm-up | trend after warm-up MiB/min |",
        "|---|--:|--:|--:|--:|--:|--:|",
    ]
    for row in report["memory"]:
        lines.append(
            f"| {row['process']} | {row['start'] / mib:.1f} | {row['warm'] / mib:.1f} | "
            f"{row['end'] / mib:.1f} | {row['max'] / mib:.1f} | {row['growth']:+.1f}% | "
            f"{row['trend']:+.2f} |"
        )
    lines += [
        "",
        f"Memory sampled every {options.sample_every:g} s (VmRSS from /proc of each granian "
        "worker process and of the db_worker); the trend is the least-squares slope of the "
        "samples after the warm-up.",
    ]
    check = report["check"]
    lines += [
        "",
        f"Saves: {check['saves']:,} acknowledged (204); checked afterwards, with the server "
        f"stopped, against the database: the last acknowledged value of "
        f"{check['profile']:,} (application, profile field) and {check['answers']:,} "
        f"(application, answer) pairs and {check['scores']:,} jurors' scores with their "
        f"comments: {check['lost']} lost"
        + (" (correct)." if not check["lost"] else " (**WRONG**)."),
        "",
    ]
    return "\n".join(lines)


def installation(options) -> dict:
    """Return the environment of the soak installation (data folder var/soak)."""
    data_dir = ROOT / "var" / "soak"
    data_dir.mkdir(parents=True, exist_ok=True)
    return {
        **os.environ,
        "LC_DATA_DIR": str(data_dir),
        "LC_DEBUG": "0",
        "LC_DATABASE_URL": options.database_url,
        "LC_CACHE_URL": options.cache_url,
        "LC_TASKS": "database",
        "DJANGO_SETTINGS_MODULE": "learningcities.settings",
    }


def check_redis_client(env: dict) -> None:
    """Stop with a clear message when the server's Python cannot talk to Redis."""
    found = subprocess.run(
        [sys.executable, "-c", "import redis"], env=env, capture_output=True, check=False
    )
    if found.returncode:
        raise SystemExit(
            "LC_CACHE_URL is a Redis URL but the `redis` package is not installed in this "
            "environment: install it (uv pip install redis) and run again"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        default="postgres://postgres@127.0.0.1:5432/lc_soak",
        help="PostgreSQL; dropped and built again unless --reuse finds it built",
    )
    parser.add_argument(
        "--cache-url",
        default="redis://127.0.0.1:6379/11",
        help="Redis; this database number is flushed",
    )
    parser.add_argument("--reuse", action="store_true", help="keep a database built before")
    parser.add_argument("--cities", type=int, default=10_000, help="synthetic network (10000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jury-submissions", type=int, default=200, help="in review (200)")
    parser.add_argument("--jurors", type=int, default=20, help="(20)")
    parser.add_argument("--duration", type=int, default=300, help="seconds of load (300)")
    parser.add_argument(
        "--warm-up",
        type=float,
        help="seconds before memory growth counts (a fifth of the duration, at most 60)",
    )
    parser.add_argument("--workers", type=int, default=2, help="granian workers (2)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (4)")
    parser.add_argument("--visitors", type=int, default=10, help="(10)")
    parser.add_argument("--visitor-interval", type=float, default=1.0, help="seconds (1)")
    parser.add_argument("--coordinator-interval", type=float, default=10.0, help="seconds (10)")
    parser.add_argument("--juror-interval", type=float, default=5.0, help="seconds (5)")
    parser.add_argument("--sample-every", type=float, default=5.0, help="memory, seconds (5)")
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmarks.md"))
    parser.add_argument("--no-write", action="store_true", help="print only")
    options = parser.parse_args()
    options.run = dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M%S")
    warm_up = options.warm_up if options.warm_up is not None else min(60, options.duration / 5)

    env = installation(options)
    check_redis_client(env)
    build_seconds = 0.0
    if options.reuse and is_built(options.database_url, 100):
        print("--- reusing the database built before")
        run([LC, "migrate", "--no-input"], env)
    else:
        build_seconds = build(env, options)

    with psycopg.connect(options.database_url) as connection:
        postgres = connection.execute("SHOW server_version").fetchone()[0].split()[0]
    log = ROOT / "var" / "soak" / f"server-{options.run}.log"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    serve = [LC, "serve", "--port", str(port), "--workers", str(options.workers)]
    serve += ["--threads", str(options.threads)]
    worker = [LC, "db_worker", "--worker-id", f"soak-{options.run}"]
    results = Results()
    load_before = os.getloadavg()
    with running(serve, env, log) as server, running(worker, env, log) as db_worker:
        wait_until_up(f"{base}/-/health")
        # With the server up, so the load starts as soon as the call is open.
        prepare_env = {
            **env,
            "SOAK_SEED": str(options.seed),
            "SOAK_RUN": options.run,
            "SOAK_MARK": COORDINATOR_MARK,
            "SOAK_UNTIL_DEADLINE": str(options.duration + DEADLINE_AFTER_LOAD.total_seconds()),
        }
        data = json.loads(shell(PREPARE_SCRIPT, prepare_env, "PREPARED"))
        deadline = dt.datetime.fromisoformat(data["deadline"])
        results.offered["visitor"] = options.visitors / options.visitor_interval
        results.offered["coordinator"] = len(data["coordinators"]) / options.coordinator_interval
        results.offered["juror"] = len(data["jurors"]) / options.juror_interval
        print(
            f"--- load for {options.duration} s: {options.visitors} visitors, "
            f"{len(data['coordinators'])} coordinators, {len(data['jurors'])} jurors "
            f"(deadline {deadline:%H:%M:%S} UTC); server log {log.relative_to(ROOT)}"
        )
        processes = {
            f"granian worker {n}": pid for n, pid in enumerate(process_tree(server.pid), 1)
        }
        processes["db_worker"] = db_worker.pid
        samples: dict[str, list] = defaultdict(list)
        stop, sampler_stop = threading.Event(), threading.Event()
        sampler = threading.Thread(
            target=sample_memory, args=(processes, samples, sampler_stop, options.sample_every)
        )
        sampler.start()
        users = [
            threading.Thread(target=visitor, args=(base, results, stop, options, data, n))
            for n in range(options.visitors)
        ]
        users += [
            threading.Thread(target=coordinator, args=(base, results, stop, options, data, e, n))
            for n, e in enumerate(data["coordinators"])
        ]
        users += [
            threading.Thread(target=juror, args=(base, results, stop, options, data, e, n))
            for n, e in enumerate(data["jurors"])
        ]
        cpu_before = time.process_time()
        load_started = dt.datetime.now(dt.UTC)
        started = time.monotonic()
        for thread in users:
            thread.start()
        time.sleep(options.duration)
        stop.set()
        for thread in users:
            thread.join()
        seconds = time.monotonic() - started
        load_ended = dt.datetime.now(dt.UTC)
        cpu_after = time.process_time()
        load_after = os.getloadavg()
        sampler_stop.set()
        sampler.join()

    expected = results.last_saved()
    expected_path = ROOT / "var" / "soak" / f"saved-{options.run}.json"
    expected_path.write_text(
        json.dumps({**expected, "acknowledged": results.acknowledged}), encoding="utf-8"
    )
    lost = json.loads(
        shell(VERIFY_SCRIPT, {**env, "SOAK_EXPECTED": str(expected_path)}, "VERIFIED")
    )

    failures = [f for found in results.failures.values() for f in found]
    report = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "postgres": postgres,
        "build_seconds": build_seconds,
        "jurors": len(data["jurors"]),
        "network": data["network"],
        "jury_submissions": data["jury_submissions"],
        "cpu": cpu_after - cpu_before,
        "jobs": jobs_since(options.database_url, load_started),
        "deadline_gap": (deadline - load_ended).total_seconds(),
        "assignments": sum(len(entry["submissions"]) for entry in data["jurors"]),
        "coordinators": len(data["coordinators"]),
        "warm_up": warm_up,
        "load": (load_before[0], load_after[0]),
        "rows": summarise(results, seconds),
        "failure_examples": sorted(set(failures))[:5],
        "memory": memory_rows(samples, warm_up),
        "check": {
            "saves": len(results.acknowledged),
            "profile": len(expected["profile"]),
            "answers": len(expected["answers"]),
            "scores": len(expected["scores"]),
            "lost": len(lost),
        },
    }
    section = render_section(report, options)
    print()
    print(section)
    for item in lost[:20]:
        print("LOST", item)
    if not options.no_write:
        write_section(Path(options.output), section, START, END)
        print(f"written to {options.output}")
    if failures or lost:
        raise SystemExit(f"soak failed: {len(failures)} failed requests, {len(lost)} lost saves")


if __name__ == "__main__":
    main()
