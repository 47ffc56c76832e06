"""Benchmark events: a registration burst, check-in at the desks, and the public schedule.

Runs on PostgreSQL in the production-like setting of bench/soak.py (a Redis
cache, ``LC_TASKS=database`` with one ``learningcities db_worker``), against
one `learningcities serve` (granian, 2 workers, 4 threads each) on loopback:

1. Builds a database of its own (``--database-url``, dropped and created
   again): the countries, an event (planned) with a public observer category
   of ``--capacity`` places (automatic approval, outside the quotas) and a
   staff category, a venue with rooms, the programme (the demo programme
   builder, ``demo.domain.event_programme.ensure_demo_programme``, when it
   is there; else a programme of three days made here), and ``--desks``
   secretariat members with a TOTP authenticator (the second-factor
   middleware asks it of them); everything through the platform's domain
   functions, in a `learningcities shell -c` script.
2. Registration burst: opens registration (``move_event``), then
   ``--delegates`` people arrive at random moments spread over the first
   ``--burst`` seconds (open loop: an arrival does not wait for another's
   answer); each opens the public self-registration form
   (``events:register-self``) and posts it with the CSRF token its first
   page set, as a browser does. A registration is a 302 to its personal
   link. Afterwards the database must show exactly min(delegates, capacity)
   holding a place and the category's ``places_taken`` equal to that: 0
   oversold; the rest on the waiting list.
3. Check-in: the people of the staff category are registered (through the
   domain) so that ``--delegates`` badges are confirmed; ``--desks`` desks,
   each logged in as its own secretariat member (sessions made by
   ``force_login``, as bench/calls.py does), check them in, paced evenly
   over ``--duration`` seconds: scan the badge (the desk page searched by
   the badge code), press "Check in" (the POST of ``events:desk-check-in``),
   and get the desk page the redirect leads to. Afterwards every badge must
   be checked in exactly once (one check-in entry in the activity log).
4. The public schedule (``events:programme``, served to visitors from the
   cache) against the hello-world view (``/-/health``) on the same server,
   with wrk, as bench/run.py measures; the home page (the register's page,
   cached the same way) beside them for comparison.

The results replace the section between ``<!-- events-benchmark -->`` and
``<!-- /events-benchmark -->`` of docs/benchmarks.md (bench/run.py keeps it).
It exits non-zero on any error answer, any oversold place or any badge not
checked in exactly once; a missed latency target is reported, not an error.

    .venv/bin/python bench/events.py                      # 1,200 delegates, 4 desks, 600 s
    .venv/bin/python bench/events.py --delegates 120 --duration 20 --burst 10 \\
        --wrk-duration 2 --rounds 1 --no-write            # a quick look (under a minute of load)

Needs PostgreSQL (default postgres://postgres@127.0.0.1:5432/bench_events, a
database the script may drop), Redis (default redis://127.0.0.1:6379/12, a
database number it may flush), wrk, and the `redis` package.
"""

import argparse
import collections
import datetime as dt
import json
import os
import platform
import random
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import psycopg
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import (  # bench/ is not a package: run.py and soak.py are imported by path
    LC,
    ROOT,
    ensure_wrk,
    free_port,
    median_figures,
    wait_until_up,
    write_section,
    wrk_run,
)
from soak import (
    check_redis_client,
    jobs_since,
    percentile,
    recreate_database,
    run,
    running,
    shell,
)

START, END = "<!-- events-benchmark -->", "<!-- /events-benchmark -->"
SLUG = "bench-conference"
DESK_MARK = "bench-desk-"
TARGET_REGISTER_P99_MS = 1000.0
TARGET_CHECK_IN_P99_MS = 200.0
TARGET_RATIO = 0.5
WHOLE_BADGE = "desk: a whole badge (the three, in sequence)"
HOME_LABEL = "home page (for comparison)"

BUILD_SCRIPT = """
import datetime as dt
import json
import os
from zoneinfo import ZoneInfo
from django.utils import timezone
from learningcities.accounts.domain.organisations import add_affiliation, create_organisation
from learningcities.accounts.domain.users import activate_totp, create_user
from learningcities.accounts.enums import OrganisationKind, Role
from learningcities.demo.domain.synthetic_call import synthetic_totp_secret
from learningcities.events.domain.events import add_room, add_venue, create_category, create_event
from learningcities.events.domain.programme import create_presentation, create_session
from learningcities.events.enums import Approval, CategoryKind, EventKind, SessionKind

env = os.environ
secretariat = create_organisation(kind=OrganisationKind.SECRETARIAT,
                                  name='UIL secretariat (events benchmark)', actor=None)
for number in range(1, int(env['BENCH_DESKS']) + 1):
    person = create_user(env['BENCH_DESK_MARK'] + f'{number}@example.org', password=None,
                         name=f'Desk {number} (benchmark)')
    add_affiliation(secretariat, user=person, role=Role.SECRETARIAT, actor=None)
    activate_totp(person, secret=synthetic_totp_secret(number))
starts_on = timezone.localdate() + dt.timedelta(days=60)
event = create_event(
    actor=None, organisers=[secretariat], kind=EventKind.CONFERENCE, slug=env['BENCH_SLUG'],
    title='International Conference on Learning Cities (benchmark)',
    theme='Learning cities for all generations', language='en', starts_on=starts_on,
    ends_on=starts_on + dt.timedelta(days=2), time_zone='Europe/Paris',
    languages=['en', 'fr'], interpretation=['es', 'ar'])
observers = create_category(
    event, actor=None, kind=CategoryKind.OBSERVER, name='Observer', language='en',
    approval=Approval.AUTOMATIC, capacity=int(env['BENCH_CAPACITY']), is_open_to_public=True,
    counts_in_quotas=False, order=0)
staff = create_category(
    event, actor=None, kind=CategoryKind.STAFF, name='Staff', language='en',
    approval=Approval.AUTOMATIC, capacity=None, is_open_to_public=False,
    counts_in_quotas=False, order=1)
venue = add_venue(event, actor=None, name='Conference centre', address='1 Harbour Street')
rooms = [add_room(venue, actor=None, name=name, capacity=seats)
         for name, seats in (('Plenary hall', 600), ('Room A', 80), ('Room B', 80),
                             ('Room C', 60))]
try:
    from learningcities.demo.domain.event_programme import ensure_demo_programme
except ImportError:
    ensure_demo_programme = None
if ensure_demo_programme is not None:
    ensure_demo_programme(event)
    builder = '`demo.domain.event_programme.ensure_demo_programme`'
else:
    builder = 'bench/events.py (the demo programme builder was missing)'
    zone = ZoneInfo(event.time_zone)
    for day in range(3):
        for slot, hour in enumerate((9, 11, 14, 16)):
            begin = dt.datetime.combine(starts_on + dt.timedelta(days=day), dt.time(hour),
                                        tzinfo=zone)
            for track in range(1 if slot == 0 else 2):
                create_session(event, actor=None, language='en', starts_at=begin,
                               ends_at=begin + dt.timedelta(minutes=90),
                               kind=SessionKind.PLENARY if slot == 0 else SessionKind.PARALLEL,
                               title=f'Day {day + 1}, session {slot + 1}.{track + 1}',
                               room=rooms[track + (slot > 0)],
                               capacity=None if slot == 0 else 80)
# Three presentations in each parallel session and forum, as a conference has.
talks = 0
for session in event.sessions.filter(kind__in=[SessionKind.PARALLEL, SessionKind.THEMATIC_FORUM,
                                               SessionKind.REGIONAL_FORUM]):
    for order in range(3):
        create_presentation(session, actor=None, order=order,
                            title=f'{session.title}: city experience {order + 1}')
        talks += 1
titles = list(event.sessions.order_by('starts_at', 'pk').values_list('title', flat=True)[:1])
print('BUILT ' + json.dumps({'observers': observers.pk, 'staff': staff.pk,
                             'sessions': event.sessions.count(), 'presentations': talks,
                             'first_session': titles,
                             'builder': builder}))
"""

OPEN_SCRIPT = """
import json
import os
from django.core.cache import cache
from django.utils import timezone
from learningcities.events.domain.events import move_event
from learningcities.events.enums import EventStatus
from learningcities.events.models import Event
cache.clear()  # the cache's own Redis database only (FLUSHDB)
event = Event.objects.get(slug=os.environ['BENCH_SLUG'])
move_event(event, EventStatus.REGISTRATION_OPEN, actor=None)
print('OPENED ' + json.dumps({'at': timezone.now().isoformat()}))
"""

BURST_CHECK_SCRIPT = """
import json
import os
from django.db.models import Count
from learningcities.events.enums import HOLDS_PLACE
from learningcities.events.models import ParticipantCategory, Registration
category = ParticipantCategory.objects.get(pk=int(os.environ['BENCH_CATEGORY']))
registrations = Registration.objects.filter(category=category)
by_status = dict(registrations.values_list('status').annotate(n=Count('pk')).order_by())
emails = registrations.values('email').annotate(n=Count('pk')).filter(n__gt=1).count()
print('CHECKED ' + json.dumps({
    'capacity': category.capacity, 'places_taken': category.places_taken,
    'holding': registrations.filter(status__in=HOLDS_PLACE).count(),
    'registrations': registrations.count(), 'by_status': by_status,
    'duplicate_emails': emails}))
"""

CHECKIN_PREPARE_SCRIPT = """
import json
import os
from django.conf import settings
from django.test import Client
from learningcities.accounts.models import User
from learningcities.events.domain.registrations import Participant, register_participant
from learningcities.events.enums import RegistrationStatus
from learningcities.events.models import Event, ParticipantCategory
from learningcities.network.models import Country
event = Event.objects.get(slug=os.environ['BENCH_SLUG'])
staff = ParticipantCategory.objects.get(pk=int(os.environ['BENCH_STAFF']))
france = Country.objects.get(code='FR')
for number in range(int(os.environ['BENCH_EXTRA'])):
    register_participant(staff, actor=None, participant=Participant(
        name=f'Staff member {number + 1}', email=f'bench-staff-{number + 1}@example.org',
        country=france, city_name='Paris', language='fr'))
badges = list(event.registrations.filter(status=RegistrationStatus.CONFIRMED)
              .order_by('pk').values_list('pk', 'badge_code'))
sessions = []
for person in User.objects.filter(email__startswith=os.environ['BENCH_DESK_MARK']).order_by('pk'):
    client = Client()
    client.force_login(person)
    sessions.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
print('PREPARED ' + json.dumps({'badges': badges, 'sessions': sessions}))
"""

CHECKIN_VERIFY_SCRIPT = """
import json
import os
from collections import Counter
from learningcities.common.models.activity import ActivityLogEntry
from learningcities.events.models import Event
event = Event.objects.get(slug=os.environ['BENCH_SLUG'])
badges = [pk for pk, _code in json.loads(open(os.environ['BENCH_BADGES']).read())]
rows = dict(event.registrations.filter(pk__in=badges).values_list('pk', 'checked_in_at'))
entries = Counter(int(pk) for pk in ActivityLogEntry.objects.filter(
    action='events.registration.check_in', object_id__in=[str(pk) for pk in badges]
).values_list('object_id', flat=True))
desks = Counter(event.registrations.filter(pk__in=badges).values_list('check_in_desk', flat=True))
print('VERIFIED ' + json.dumps({
    'badges': len(badges),
    'checked_in': sum(1 for pk in badges if rows.get(pk) is not None),
    'exactly_once': sum(1 for pk in badges if rows.get(pk) is not None and entries[pk] == 1),
    'more_than_once': sum(1 for pk in badges if entries[pk] > 1),
    'by_desk': dict(sorted(desks.items()))}))
"""

# What one request of each kind costs the server: CPU time in one process (Django's test
# client, no other load from this script) and the queries it runs.
COST_SCRIPT = """
import json
import os
import time
from django.db import connection
from django.test import Client
from learningcities.accounts.models import User
from learningcities.events.domain.checkin import undo_check_in
from learningcities.events.models import Event
from learningcities.events.domain.revision import bump_programme_revision
event = Event.objects.get(slug=os.environ['BENCH_SLUG'])
category = event.categories.get(pk=int(os.environ['BENCH_CATEGORY']))
visitor = Client(HTTP_HOST='127.0.0.1')
member = User.objects.filter(email__startswith=os.environ['BENCH_DESK_MARK']).order_by('pk')[0]
desk = Client(HTTP_HOST='127.0.0.1')
desk.force_login(member)
desk.get(f'/workspace/events/{event.slug}/desk/', {'desk': 'Desk C'})
person = event.registrations.filter(status='confirmed').order_by('pk')[0]
form = f'/events/{event.slug}/register/as/{category.pk}/'
numbers = iter(range(1, 1000))

def register():
    visitor.cookies.clear()
    number = next(numbers)
    return visitor.post(form, {'p-name': f'Cost {number}', 'p-email': f'cost-{number}@example.org',
                               'p-country': 'FR', 'p-city_name': 'Lille', 'p-language': 'fr'})

def check_in():
    return desk.post(f'/workspace/events/{event.slug}/desk/{person.pk}/check-in/',
                     {'desk': 'Desk C', 'q': person.badge_code})

kinds = [
    ('hello-world view', lambda: visitor.get('/-/health')),
    ('GET the form', lambda: visitor.get(form)),
    ('POST the registration', register),
    ('desk: scan the badge', lambda: desk.get(f'/workspace/events/{event.slug}/desk/',
                                              {'q': person.badge_code})),
    ('desk: check in (POST)', check_in),
    ('public schedule', lambda: visitor.get(f'/events/{event.slug}/programme/')),
    ('public schedule, drawn (not from the cache)', lambda: visitor.get(
        f'/events/{event.slug}/programme/')),
    ('home page (for comparison)', lambda: visitor.get('/')),
]
out = []
for label, call in kinds:
    call()
    cpu, queries = [], []
    for _ in range(int(os.environ['BENCH_COST_REPEAT'])):
        count = [0]
        def counted(execute, sql, params, many, context, count=count):
            count[0] += 1
            return execute(sql, params, many, context)
        if label.startswith('public schedule, drawn'):
            bump_programme_revision(event.pk)
        if label == 'desk: check in (POST)':
            person.refresh_from_db()
            if person.checked_in_at:
                undo_check_in(person, actor=member)
        with connection.execute_wrapper(counted):
            started = time.process_time()
            response = call()
            cpu.append((time.process_time() - started) * 1000)
        queries.append(count[0])
    out.append({'kind': label, 'status': response.status_code, 'cpu': sorted(cpu)[len(cpu) // 2],
                'queries': max(queries), 'bytes': len(response.content)})
print('COST ' + json.dumps(out))
"""

# Names in the scripts the platform serves; each delegate gets one with a number.
GIVEN = ("Amina", "Nguyễn Thị", "王", "María", "Jean", "Анна", "محمد", "Kwame", "Siobhán", "Yuki")
FAMILY = ("Diallo", "Lan", "伟", "García", "Dupont", "Иванова", "العلي", "Mensah", "Ní Bhriain")
COUNTRIES = ("FR", "ES", "DE", "CN", "VN", "EG", "MA", "BR", "MX", "KE", "IN", "KR", "JP", "RU")
COUNTRIES += ("CA", "NG", "ID", "TR", "CO", "GH", "IE", "JO", "PE", "SN")
CITIES = ("Lille", "Sevilla", "Leipzig", "Hangzhou", "Huế", "Aswan", "Chefchaouen", "Contagem")
LANGUAGES = ("en", "fr", "es", "ar", "zh-hans", "ru", "vi")


class Timings:
    """Latencies (ms) and failures by kind of request, from many threads."""

    def __init__(self):
        self.latencies: dict[str, list[float]] = collections.defaultdict(list)
        self.failures: dict[str, list[str]] = collections.defaultdict(list)
        self.lock = threading.Lock()

    def timed(self, kind: str, call, ok) -> requests.Response | None:
        """Run ``call()`` (a request), record its time; return the response if ``ok`` of it."""
        started = time.perf_counter()
        failure = response = None
        try:
            response = call()
            response.content  # noqa: B018 - the body is read inside the timing
            if not ok(response):
                failure = f"{kind}: {response.status_code}"
        except requests.RequestException as error:
            failure = f"{kind}: {type(error).__name__}"
        milliseconds = (time.perf_counter() - started) * 1000
        with self.lock:
            self.latencies[kind].append(milliseconds)
            if failure:
                self.failures[kind].append(failure)
        return None if failure else response

    def add(self, kind: str, milliseconds: float) -> None:
        with self.lock:
            self.latencies[kind].append(milliseconds)

    def row(self, kind: str) -> dict:
        ordered = sorted(self.latencies[kind])
        return {
            "kind": kind,
            "requests": len(ordered),
            "errors": len(self.failures[kind]),
            "p50": percentile(ordered, 0.50),
            "p95": percentile(ordered, 0.95),
            "p99": percentile(ordered, 0.99),
            "max": ordered[-1] if ordered else 0.0,
        }


# --- 2. the registration burst ----------------------------------------------------------


def register_one(base: str, path: str, number: int, timings: Timings, rng: random.Random):
    """One delegate: open the public form, post it; True if registered (302 to the link)."""
    http = requests.Session()
    form = timings.timed(
        "GET the form", lambda: http.get(base + path, timeout=60), lambda r: r.status_code == 200
    )
    if form is None:
        return False
    data = {
        "csrfmiddlewaretoken": http.cookies.get("csrftoken", ""),
        "p-name": f"{rng.choice(GIVEN)} {rng.choice(FAMILY)} {number}",
        "p-email": f"delegate-{number}@example.org",
        "p-country": rng.choice(COUNTRIES),
        "p-city_name": rng.choice(CITIES),
        "p-language": rng.choice(LANGUAGES),
    }
    answer = timings.timed(
        "POST the registration",
        lambda: http.post(base + path, data=data, allow_redirects=False, timeout=60),
        lambda r: r.status_code == 302 and "/registrations/link/" in r.headers.get("Location", ""),
    )
    return answer is not None


def burst(base: str, options, data: dict, timings: Timings) -> dict:
    """Send ``--delegates`` registrations arriving over ``--burst`` seconds; return figures."""
    rng = random.Random(options.seed)
    arrivals = collections.deque(
        enumerate(sorted(rng.uniform(0, options.burst) for _ in range(options.delegates)), 1)
    )
    path = f"/events/{SLUG}/register/as/{data['observers']}/"
    lock = threading.Lock()
    lateness: list[float] = []
    finished: list[float] = []
    registered = [0]
    started = time.monotonic()

    def client() -> None:
        person_rng = random.Random()
        while True:
            with lock:
                if not arrivals:
                    return
                number, at = arrivals.popleft()
            delay = started + at - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            person_rng.seed(f"{options.seed}-{number}")
            ok = register_one(base, path, number, timings, person_rng)
            with lock:
                lateness.append(max(0.0, -delay))
                finished.append(time.monotonic() - started)
                registered[0] += ok

    threads = [threading.Thread(target=client) for _ in range(options.clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {
        "registered": registered[0],
        "last_answer": max(finished, default=0.0),
        "late_p99": percentile(sorted(lateness), 0.99),
        "late_max": max(lateness, default=0.0),
    }


# --- 3. check-in at the desks -----------------------------------------------------------


def desk(base: str, number: int, session: str, badges, plan, timings: Timings, stop_at):
    """One desk: name itself, then for each badge at its planned time scan, check in, follow."""
    http = requests.Session()
    http.cookies.set("sessionid", session)
    page = f"/workspace/events/{SLUG}/desk/"
    name = f"Desk {number}"
    opened = timings.timed(
        "desk: open the desk page",
        lambda: http.get(base + page, params={"desk": name}, allow_redirects=False, timeout=60),
        lambda r: r.status_code == 200 and name in r.text,
    )
    if opened is None:
        return
    for (pk, code), at in zip(badges, plan, strict=True):
        delay = at - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        if time.monotonic() > stop_at:
            timings.failures["desk: not reached in time"].append(code)
            continue
        action = f"{page}{pk}/check-in/"
        began = time.perf_counter()
        scanned = timings.timed(
            "desk: scan the badge",
            lambda code=code: http.get(
                base + page, params={"q": code}, allow_redirects=False, timeout=60
            ),
            lambda r, action=action: r.status_code == 200 and action in r.text,
        )
        if scanned is None:
            continue
        token = http.cookies.get("csrftoken", "")
        checked = timings.timed(
            "desk: check in (POST)",
            lambda action=action, code=code, token=token: http.post(
                base + action,
                data={"csrfmiddlewaretoken": token, "desk": name, "q": code},
                allow_redirects=False,
                timeout=60,
            ),
            lambda r: r.status_code == 302,
        )
        if checked is None:
            continue
        location = urllib.parse.urljoin(base + action, checked.headers["Location"])
        after = timings.timed(
            "desk: the page after",
            lambda location=location: http.get(location, allow_redirects=False, timeout=60),
            lambda r: r.status_code == 200,
        )
        if after is not None:
            timings.add(WHOLE_BADGE, (time.perf_counter() - began) * 1000)


def check_in_all(base: str, options, prepared: dict, timings: Timings) -> float:
    """Share the badges among the desks, pace them over ``--duration`` s; return the seconds."""
    badges = list(prepared["badges"])
    random.Random(options.seed).shuffle(badges)
    sessions = prepared["sessions"][: options.desks]
    shares = [badges[n :: len(sessions)] for n in range(len(sessions))]
    interval = options.duration / max(1, max(len(share) for share in shares))
    started = time.monotonic() + 2  # the desks open their page first
    threads = []
    for number, (session, share) in enumerate(zip(sessions, shares, strict=True), 1):
        offset = interval * (number - 1) / len(sessions)
        plan = [started + offset + interval * n for n in range(len(share))]
        threads.append(
            threading.Thread(
                target=desk,
                args=(base, number, session, share, plan, timings, started + 3 * options.duration),
            )
        )
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.monotonic() - started


# --- 4. the public schedule -------------------------------------------------------------


def schedule(base: str, wrk: str, options, data: dict) -> list[tuple[str, str, dict]]:
    """Drive the hello-world view and the schedule with wrk; return the median figures."""
    programme = f"/events/{SLUG}/programme/"
    page = requests.get(base + programme, timeout=60)
    expected = data["first_session"][0] if data["first_session"] else ""
    if page.status_code != 200 or expected not in page.text:
        raise SystemExit(f"{programme} answered {page.status_code}, not the schedule")
    targets = [
        ("hello-world view", "/-/health"),
        ("public schedule", programme),
        (HOME_LABEL, "/"),
    ]
    wrk_options = {"connections": options.connections, "threads": options.wrk_threads}
    for _label, path in targets:
        wrk_run(wrk, base + path, duration=2, **wrk_options)  # warm-up
    rounds: dict[str, list[dict]] = {path: [] for _label, path in targets}
    for number in range(1, options.rounds + 1):
        for label, path in targets:
            figures = wrk_run(wrk, base + path, duration=options.wrk_duration, **wrk_options)
            rounds[path].append(figures)
            print(
                f"round {number}: {label:18} {figures['rps']:9.0f} req/s  "
                f"p99 {figures['p99_ms']:8.1f} ms  non-2xx {figures['non2xx']}"
            )
    return [(label, path, median_figures(rounds[path])) for label, path in targets]


# --- the run ----------------------------------------------------------------------------


def environment(options) -> dict:
    data_dir = Path(options.data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    return {
        **os.environ,
        "LC_DATA_DIR": str(data_dir),
        "LC_DEBUG": "0",
        "LC_DATABASE_URL": options.database_url,
        "LC_CACHE_URL": options.cache_url,
        "LC_TASKS": "database",
        # A mail transport, so that each registration's mail is a sending job for the
        # db_worker (without one the outbox holds it); console: printed into the log.
        "LC_EMAIL_URL": "console://",
        "DJANGO_SETTINGS_MODULE": "learningcities.settings",
        "BENCH_SLUG": SLUG,
        "BENCH_DESKS": str(options.desks),
        "BENCH_DESK_MARK": DESK_MARK,
        "BENCH_CAPACITY": str(options.capacity),
    }


def build(env: dict, options) -> tuple[dict, float]:
    started = time.monotonic()
    print(f"--- building {options.database_url}")
    recreate_database(options.database_url)
    run([LC, "migrate", "--no-input"], env)
    run([LC, "collectstatic", "--no-input", "--verbosity", "0"], env)
    run([LC, "sync-countries"], env)
    data = json.loads(shell(BUILD_SCRIPT, env, "BUILT"))
    return data, time.monotonic() - started


def wait_for_jobs(url: str, since: dt.datetime, timeout: float) -> float | None:
    """Wait until no job queued since ``since`` is waiting or running; return the seconds."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        with psycopg.connect(url) as connection:
            left = connection.execute(
                "SELECT count(*) FROM django_tasks_database_dbtaskresult "
                "WHERE enqueued_at >= %s AND status IN ('READY', 'RUNNING')",
                [since],
            ).fetchone()[0]
        if not left:
            return time.monotonic() - started
        time.sleep(1)
    return None


def main() -> None:
    options = parse_options()
    wrk = ensure_wrk()
    env = environment(options)
    check_redis_client(env)
    data, build_seconds = build(env, options)
    with psycopg.connect(options.database_url) as connection:
        postgres = connection.execute("SHOW server_version").fetchone()[0].split()[0]
    run_id = dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M%S")
    log = Path(options.data_dir) / f"server-{run_id}.log"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    serve = [LC, "serve", "--port", str(port), "--workers", str(options.workers)]
    serve += ["--threads", str(options.threads)]
    worker = [LC, "db_worker", "--worker-id", f"bench-events-{run_id}"]
    report: dict = {"build_seconds": build_seconds, "postgres": postgres, "data": data}
    report["load_start"] = os.getloadavg()
    with running(serve, env, log), running(worker, env, log):
        wait_until_up(f"{base}/-/health")
        opened = dt.datetime.fromisoformat(json.loads(shell(OPEN_SCRIPT, env, "OPENED"))["at"])
        print(f"--- registration open; {options.delegates} delegates over {options.burst} s")
        burst_timings = Timings()
        burst_started = dt.datetime.now(dt.UTC)
        report["burst"] = burst(base, options, data, burst_timings)
        report["burst"]["after_opening"] = (burst_started - opened).total_seconds()
        report["burst_timings"] = burst_timings
        check_env = {**env, "BENCH_CATEGORY": str(data["observers"])}
        report["places"] = json.loads(shell(BURST_CHECK_SCRIPT, check_env, "CHECKED"))
        report["jobs_burst"] = jobs_since(options.database_url, opened)
        report["jobs_drained"] = wait_for_jobs(options.database_url, opened, 300)
        print(f"burst: {report['burst']}; places: {report['places']}")

        extra = max(0, options.delegates - report["places"]["holding"])
        prepare_env = {**env, "BENCH_STAFF": str(data["staff"]), "BENCH_EXTRA": str(extra)}
        prepared = json.loads(shell(CHECKIN_PREPARE_SCRIPT, prepare_env, "PREPARED"))
        report["extra"] = extra
        print(
            f"--- check-in: {len(prepared['badges'])} badges, {options.desks} desks, "
            f"{options.duration} s"
        )
        desk_timings = Timings()
        report["check_in_seconds"] = check_in_all(base, options, prepared, desk_timings)
        report["desk_timings"] = desk_timings
        badges_path = Path(options.data_dir) / f"badges-{run_id}.json"
        badges_path.write_text(json.dumps(prepared["badges"]), encoding="utf-8")
        verify_env = {**env, "BENCH_BADGES": str(badges_path)}
        report["check_in"] = json.loads(shell(CHECKIN_VERIFY_SCRIPT, verify_env, "VERIFIED"))
        print(f"check-in: {report['check_in']}")

        print("--- the public schedule against the hello-world view")
        report["schedule"] = schedule(base, wrk, options, data)
    report["load_end"] = os.getloadavg()
    cost_env = {**env, "BENCH_CATEGORY": str(data["observers"]), "BENCH_COST_REPEAT": "11"}
    report["cost"] = json.loads(shell(COST_SCRIPT, cost_env, "COST"))
    report["date"] = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    section = render_section(report, options)
    print()
    print(section)
    if not options.no_write:
        write_section(Path(options.output), section, START, END)
        print(f"written to {options.output}")
    problems = failures(report, options)
    for target in missed_targets(report):
        print(f"TARGET NOT MET: {target}")
    if problems:
        raise SystemExit("events benchmark failed: " + "; ".join(problems))


def parse_options():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        default="postgres://postgres@127.0.0.1:5432/bench_events",
        help="PostgreSQL; dropped and built again",
    )
    parser.add_argument(
        "--cache-url",
        default="redis://127.0.0.1:6379/12",
        help="Redis; this database number is flushed",
    )
    parser.add_argument(
        "--data-dir",
        default=str(ROOT / "var" / "bench-events"),
        help="LC_DATA_DIR of the server, with its log (var/bench-events)",
    )
    parser.add_argument("--delegates", type=int, default=1200, help="(1200)")
    parser.add_argument(
        "--capacity", type=int, help="observer places (default: five sixths of the delegates)"
    )
    parser.add_argument("--burst", type=float, default=60, help="seconds of arrivals (60)")
    parser.add_argument("--clients", type=int, default=64, help="client threads of the burst")
    parser.add_argument("--desks", type=int, default=4, help="(4)")
    parser.add_argument("--duration", type=float, default=600, help="seconds of check-in (600)")
    parser.add_argument("--wrk-duration", type=int, default=8, help="seconds per URL and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="granian workers (2)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (4)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmarks.md"))
    parser.add_argument("--no-write", action="store_true", help="print only")
    options = parser.parse_args()
    if options.capacity is None:
        options.capacity = options.delegates * 5 // 6
    return options


def failures(report: dict, options) -> list[str]:
    """What makes the run fail: error answers, oversold places, badges not checked in once."""
    problems = []
    for name in ("burst_timings", "desk_timings"):
        count = sum(len(found) for found in report[name].failures.values())
        if count:
            problems.append(f"{count} failed requests ({name.split('_')[0]})")
    places = report["places"]
    holding = min(report["burst"]["registered"], places["capacity"])
    if places["holding"] != holding or places["places_taken"] != holding:
        problems.append(f"places: {places}")
    check = report["check_in"]
    if check["exactly_once"] != check["badges"] or check["badges"] != options.delegates:
        problems.append(f"check-in: {check}")
    return problems


def missed_targets(report: dict) -> list[str]:
    missed = []
    post = report["burst_timings"].row("POST the registration")
    if post["p99"] >= TARGET_REGISTER_P99_MS:
        missed.append(f"registration p99 {post['p99']:.0f} ms (target < 1 s)")
    check = report["desk_timings"].row("desk: check in (POST)")
    if check["p99"] >= TARGET_CHECK_IN_P99_MS:
        missed.append(f"check-in p99 {check['p99']:.0f} ms (target < 200 ms)")
    hello, page = (f["rps"] for _label, _path, f in report["schedule"][:2])
    if page / hello < TARGET_RATIO:
        missed.append(f"schedule ratio {page / hello:.2f} (target >= {TARGET_RATIO})")
    return missed


def _latency_table(timings: Timings, kinds: list[str]) -> list[str]:
    lines = [
        "| requests | count | errors | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|--:|--:|--:|--:|--:|--:|",
    ]
    for row in [timings.row(kind) for kind in kinds]:
        lines.append(
            f"| {row['kind']} | {row['requests']:,} | {row['errors']} | {row['p50']:.1f} | "
            f"{row['p95']:.1f} | {row['p99']:.1f} | {row['max']:.0f} |"
        )
    return lines


def _verdict(met: bool) -> str:
    return "met" if met else "**not met**"


def render_section(report: dict, options) -> str:
    data, places, figures = report["data"], report["places"], report["burst"]
    burst_timings, desk_timings = report["burst_timings"], report["desk_timings"]
    post = burst_timings.row("POST the registration")
    burst_errors = sum(len(found) for found in burst_timings.failures.values())
    holding = min(figures["registered"], places["capacity"])
    oversold = max(0, places["holding"] - places["capacity"])
    lines = [
        "## Events: a registration burst, check-in at the desks, the public schedule",
        "",
        "Figures from one run of `bench/events.py` on PostgreSQL in the production-like "
        "setting, all against one server.",
        "",
        f"- date: {report['date']}",
        f"- data: an event with a public observer category of {places['capacity']:,} places "
        "(automatic approval) and a staff category, a programme of "
        f"{data['sessions']} sessions (built by {data['builder']}) with "
        f"{data['presentations']} presentations added to its parallel sessions and forums, "
        f"{options.desks} "
        f"secretariat members with TOTP at the desks; PostgreSQL {report['postgres']}; "
        f"built in {report['build_seconds']:.0f} s",
        f"- server: `learningcities serve` (granian WSGI, {options.workers} workers, "
        f"{options.threads} threads each) and one `learningcities db_worker`, "
        "`LC_TASKS=database`, cache in Redis, loopback",
        f"- machine: {os.cpu_count()} cores shared by the server, PostgreSQL, Redis, the "
        f"load generator (a busier machine shows in the load average), "
        f"Python {platform.python_version()}, "
        f"{platform.system()} {platform.machine()}; load average "
        f"{report['load_start'][0]:.1f} at the start, {report['load_end'][0]:.1f} at the end",
        "",
        f"### Registration burst: {options.delegates:,} delegates in the first {options.burst:g} s",
        "",
        f"Registration opened (`move_event`), and {figures['after_opening']:.1f} s later the "
        f"delegates began to arrive, at random moments spread over {options.burst:g} s "
        f"(open loop, up to {options.clients} at once, from threads of one Python process): "
        "each opened the public form (`events:register-self`) and posted it with the CSRF "
        "token its first page set; a registration is a 302 to its personal link.",
        "",
        *_latency_table(burst_timings, ["GET the form", "POST the registration"]),
        "",
        f"Registered: {figures['registered']:,} of {options.delegates:,}; errors: "
        f"{burst_errors} (anything but a 200 for the form or a 302 for the registration)"
        + (
            ": " + "; ".join(sorted({f for v in burst_timings.failures.values() for f in v})[:5])
            if burst_errors
            else ""
        )
        + f". The last answer came {figures['last_answer']:.1f} s after the first arrival; "
        f"arrivals started late by {figures['late_p99']:.1f} s at the 99th percentile "
        f"(at most {figures['late_max']:.1f} s) for want of a free client thread (all "
        f"{options.clients} waiting for answers).",
        "",
        f"Places checked in the database afterwards: {places['holding']:,} registrations "
        f"hold a place (expected {holding:,}), the category's places taken "
        f"{places['places_taken']:,}, statuses "
        + ", ".join(f"{status} {count:,}" for status, count in sorted(places["by_status"].items()))
        + f"; {oversold} oversold"
        + (
            f", {places['duplicate_emails']} e-mail addresses registered twice"
            if places["duplicate_emails"]
            else ""
        )
        + ". Background jobs queued since the opening (the sending of each registration's "
        "mail, run by the db_worker; the mail transport prints into the log): "
        + (", ".join(f"{n:,} {s.lower()}" for s, n in report["jobs_burst"].items()) or "none")
        + " when the last answer came; "
        + (
            "none was waiting then."
            if report["jobs_drained"] is not None and report["jobs_drained"] < 1
            else f"the last ran {report['jobs_drained']:.0f} s later."
            if report["jobs_drained"] is not None
            else "some were still waiting 300 s later."
        ),
        "",
        f"Targets: 0 errors ({_verdict(burst_errors == 0)}), 0 oversold "
        f"({_verdict(oversold == 0 and places['holding'] == holding)}), p99 of the "
        f"registration under 1 s ({post['p99']:.0f} ms: "
        f"{_verdict(post['p99'] < TARGET_REGISTER_P99_MS)}).",
    ]
    lines += render_check_in(report, options, desk_timings)
    lines += render_schedule(report, options)
    lines += render_cost(report, options)
    lines += render_summary(report)
    return "\n".join(lines) + "\n"


def render_summary(report: dict) -> list[str]:
    """One line per target of issue 16, met or not, with this run's figure."""
    post = report["burst_timings"].row("POST the registration")
    check = report["desk_timings"].row("desk: check in (POST)")
    hello, page = (f["rps"] for _label, _path, f in report["schedule"][:2])
    places = report["places"]
    errors = sum(len(found) for found in report["burst_timings"].failures.values())
    oversold = max(0, places["holding"] - places["capacity"])
    return [
        "",
        "### Targets of this run",
        "",
        f"- registration burst: 0 errors ({errors}: {_verdict(errors == 0)}), 0 places "
        f"oversold ({oversold}: {_verdict(oversold == 0)}), p99 under 1 s "
        f"({post['p99']:.0f} ms: {_verdict(post['p99'] < TARGET_REGISTER_P99_MS)})",
        f"- check-in: p99 under 200 ms ({check['p99']:.0f} ms: "
        f"{_verdict(check['p99'] < TARGET_CHECK_IN_P99_MS)})",
        f"- public schedule: at least {TARGET_RATIO} of the hello-world view "
        f"({page / hello:.2f}: {_verdict(page / hello >= TARGET_RATIO)})",
    ]


def render_check_in(report: dict, options, timings: Timings) -> list[str]:
    check = report["check_in"]
    kinds = ["desk: scan the badge", "desk: check in (POST)", "desk: the page after"]
    post = timings.row("desk: check in (POST)")
    errors = sum(len(found) for found in timings.failures.values())
    compressed = options.duration != 600
    return [
        "",
        f"### Check-in: {check['badges']:,} badges from {options.desks} desks in "
        f"{options.duration:g} s",
        "",
        f"The {check['badges']:,} confirmed people ({places_note(report)}) shared among "
        f"{options.desks} desks, each logged in as its own secretariat member and checking "
        f"its badges in at an even pace (all desks together "
        f"{check['badges'] / options.duration:.1f} badges a second"
        + (", the 10 minutes of the target compressed" if compressed else "")
        + f"; the check-in took {report['check_in_seconds']:.0f} s): scan the badge (the "
        "desk page searched by the badge code), press \u201cCheck in\u201d (the POST), get "
        "the desk page the redirect leads to.",
        "",
        *_latency_table(timings, [*kinds, WHOLE_BADGE]),
        "",
        f"Checked afterwards in the database: {check['checked_in']:,} of "
        f"{check['badges']:,} badges checked in, {check['exactly_once']:,} exactly once "
        f"(one check-in in the activity log), {check['more_than_once']} more than once; "
        "by desk: "
        + ", ".join(f"{name or '(none)'} {count:,}" for name, count in check["by_desk"].items())
        + f". Errors: {errors}"
        + (
            " (" + "; ".join(sorted({f for v in timings.failures.values() for f in v})[:5]) + ")"
            if errors
            else ""
        )
        + ".",
        "",
        f"Target: p99 of the check-in under 200 ms ({post['p99']:.0f} ms: "
        f"{_verdict(post['p99'] < TARGET_CHECK_IN_P99_MS)}).",
    ]


def places_note(report: dict) -> str:
    holding = report["places"]["holding"]
    return f"{holding:,} observers of the burst and {report['extra']:,} staff registered after it"


def render_schedule(report: dict, options) -> list[str]:
    results = report["schedule"]
    hello = results[0][2]
    lines = [
        "",
        "### The public schedule against the hello-world view",
        "",
        f"wrk, {options.wrk_threads} threads, {options.connections} connections, "
        f"{options.wrk_duration} s per URL in each of {options.rounds} rounds after a 2 s "
        "warm-up, on the same server after the check-in; figures are medians over the "
        "rounds.",
        "",
        "| what | URL | req/s | ratio to hello-world | p50 ms | p99 ms | errors | req/s by round |",
        "|---|---|--:|--:|--:|--:|--:|---|",
    ]
    for label, path, f in results:
        errors = f["non2xx"] + (1 if f["socket_errors"] else 0)
        lines.append(
            f"| {label} | `{path}` | {f['rps']:,.0f} | {f['rps'] / hello['rps']:.2f} | "
            f"{f['p50_ms']:.1f} | {f['p99_ms']:.1f} | {errors} | "
            f"{' / '.join(f'{x:,.0f}' for x in f['rps_all'])} |"
        )
    ratio = results[1][2]["rps"] / hello["rps"]
    home = results[2][2]["rps"] / hello["rps"]
    lines += [
        "",
        "A visitor who is not logged in gets the schedule from the cache (Redis, and a "
        "memo in each process), keyed by the event's programme revision and the "
        "register's. Each process keeps both revisions in memory until PostgreSQL "
        "notifies a change (a trigger on the revision tables, `common/changes.py`), so "
        "a cached page costs no query; the in-process figures below (Django's test "
        "client, which does not listen) still count the one query that reads them. The "
        "home page is the register's page cached the same way, measured here as a "
        f"reference ({home:.2f} of the hello-world view).",
        "",
        f"Target: the schedule at {TARGET_RATIO} of the hello-world view or more "
        f"({ratio:.2f}: {_verdict(ratio >= TARGET_RATIO)}).",
    ]
    return lines


def render_cost(report: dict, options) -> list[str]:
    budget = (os.cpu_count() or 1) * options.burst / options.delegates * 1000
    lines = [
        "",
        "### What one request costs the server",
        "",
        "Measured after the load, with the server stopped: each request made 11 times in one "
        "process through Django's test client (the whole middleware stack, no HTTP server); "
        "the median CPU time and the queries it ran. On the "
        f"{os.cpu_count()} cores of this machine, {options.delegates:,} delegates in "
        f"{options.burst:g} s leave at most {budget:.0f} ms of CPU per delegate (the form "
        "and the registration) for everything, PostgreSQL and the db_worker included.",
        "",
        "| request | status | CPU ms | queries | bytes |",
        "|---|--:|--:|--:|--:|",
    ]
    for row in report["cost"]:
        lines.append(
            f"| {row['kind']} | {row['status']} | {row['cpu']:.1f} | {row['queries']} | "
            f"{row['bytes']:,} |"
        )
    return lines


if __name__ == "__main__":
    main()
