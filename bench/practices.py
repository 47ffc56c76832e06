# ruff: noqa: RUF001 (word lists in Russian and Chinese: their letters and commas are meant)
"""Benchmark the library of good practices: 100,000 practices, search, similar practices, pages.

Builds a database of its own: SQLite in a temporary data folder by default, or
PostgreSQL with ``--database-url`` (a database the script may drop; it is
dropped and created again). In it: a synthetic network
(``generate-network``), the key-features framework (its shipped file), a city
organisation for each of ``--cities-with-practices`` current synthetic
members, and ``--practices`` synthetic published practices (``is_synthetic``)
in the platform's seven languages, with texts drawn from word lists of each
language (diacritics in French, Spanish and Vietnamese; Arabic, Chinese and
Russian scripts) and tags: Key Features areas and features, goals, clusters,
target groups, years, and countries and regions through their cities. The
practices, their relations and their facet rows (``PracticeFacet``, the values
``practices.domain.facets`` would write) are inserted in bulk, straight into
the tables, in a ``learningcities shell -c`` script: writing 100,000 through
the domain would take hours and measure nothing of interest here. Then it
times ``learningcities index-practices`` (the index built from scratch).

Measured, against `learningcities serve` (granian, 2 workers) on loopback:

(a) search: ``--searches`` sequential visitor requests of the library with a
    text query and two facets (``/practices/?q=...&<facet>=...&<facet>=...``),
    each URL different (so no page comes from the cache); the words and facet
    values are taken from random practices, so that most searches find
    something, as people's do. p50/p95/p99; target p95 under 50 ms. The same
    searches are also timed in-process (``search_practices`` alone).
(b) similar practices: ``similar_practices`` timed in-process over
    ``--similar`` random practices; target p95 under 50 ms.
(c) the library page (``/practices/``) and a practice page
    (``/practices/<pk>/``) with wrk against the hello-world view
    (``/-/health``) on the same server; target ratio 0.5 or more.

The results replace the section between ``<!-- practices-benchmark -->`` and
``<!-- /practices-benchmark -->`` of docs/benchmarks.md (appended the first
time). A missed target is reported, not an error; error answers are.

    .venv/bin/python bench/practices.py                                  # SQLite, 100,000
    .venv/bin/python bench/practices.py \\
        --database-url postgres://postgres@127.0.0.1:5432/bench_practices   # PostgreSQL
    .venv/bin/python bench/practices.py --practices 2000 --no-write     # a quick look
"""

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import (  # bench/ is not a package: run.py and soak.py are imported by path
    LC,
    ROOT,
    ensure_wrk,
    median_figures,
    run,
    serving,
    write_section,
    wrk_run,
)

START, END = "<!-- practices-benchmark -->", "<!-- /practices-benchmark -->"
TARGET_SEARCH_P95_MS = 50.0
TARGET_SIMILAR_P95_MS = 50.0
TARGET_RATIO = 0.5

# Words of each language: (content words, function words). Texts are drawn from
# them; queries from the content words (the function words are too common to be
# asked for alone).
WORDS = {
    "en": (
        "learning city library festival literacy adults community education lifelong skills "
        "digital inclusion migrants women youth neighbourhood volunteers teachers school "
        "university museum garden health wellbeing climate sustainability citizenship "
        "entrepreneurship employment training workshop reading numeracy families elderly "
        "partnership monitoring evaluation indicators participation culture heritage sports "
        "nutrition water energy recycling mentoring apprenticeship coding makerspace radio",
        "the of and for with in to a by on through across from their our every new local",
    ),
    "fr": (
        "apprentissage ville bibliothèque fête alphabétisation adultes communauté éducation "
        "compétences numérique inclusion migrants femmes jeunes quartier bénévoles "
        "enseignants école université musée jardin santé bien-être climat durabilité "
        "citoyenneté entrepreneuriat emploi formation atelier lecture familles aînés "
        "partenariat évaluation indicateurs participation culture patrimoine médiathèque "
        "réussite égalité accès télétravail sécurité alimentation énergie éco-citoyen",
        "le la les des du de et pour avec dans sur par une un leurs nos chaque nouvelle",
    ),
    "es": (
        "aprendizaje ciudad biblioteca festival alfabetización adultos comunidad educación "
        "habilidades digital inclusión migrantes mujeres jóvenes barrio voluntarios "
        "docentes escuela universidad museo huerto salud bienestar clima sostenibilidad "
        "ciudadanía emprendimiento empleo formación taller lectura familias mayores "
        "alianza evaluación indicadores participación cultura patrimonio niños niñas "
        "tecnología acompañamiento rehabilitación energía reciclaje",
        "el la los las de del y para con en por una un sus nuestras cada nueva",
    ),
    "ar": (
        "التعلم المدينة المكتبة مهرجان محو الأمية الكبار المجتمع التعليم المهارات الرقمية "
        "الإدماج المهاجرين النساء الشباب الحي المتطوعين المعلمين المدرسة الجامعة المتحف "
        "الحديقة الصحة الرفاه المناخ الاستدامة المواطنة ريادة الأعمال التوظيف التدريب "
        "ورشة القراءة الأسر المسنين الشراكة التقييم المؤشرات المشاركة الثقافة التراث "
        "الأطفال الفتيات الطاقة",
        "في من إلى على مع عن و ل هذه التي الذي كل",
    ),
    "zh-hans": (
        "学习型城市 图书馆 学习节 扫盲 成人教育 社区 终身学习 技能 数字素养 包容 移民 妇女 "
        "青年 街道 志愿者 教师 学校 大学 博物馆 花园 健康 福祉 气候 可持续发展 公民教育 "
        "创业 就业 培训 工作坊 阅读 家庭 老年人 伙伴关系 监测 评估 指标 参与 文化 遗产 "
        "社区学院 老年大学 职业教育 读书会 学习积分",
        "的 和 与 在 为 通过",
    ),
    "ru": (
        "обучение город библиотека фестиваль грамотность взрослые сообщество образование "
        "навыки цифровой инклюзия мигранты женщины молодёжь район волонтёры учителя "
        "школа университет музей сад здоровье благополучие климат устойчивость "
        "гражданственность предпринимательство занятость подготовка мастерская чтение "
        "семьи пожилые партнёрство мониторинг оценка показатели участие культура наследие "
        "наставничество профориентация",
        "и в на для с по из о через каждый новый наши их",
    ),
    "vi": (
        "học tập thành phố thư viện lễ hội xoá mù chữ người lớn cộng đồng giáo dục kỹ năng "
        "số hoá hoà nhập người di cư phụ nữ thanh niên khu phố tình nguyện viên giáo viên "
        "trường học đại học bảo tàng vườn sức khoẻ an sinh khí hậu bền vững công dân khởi "
        "nghiệp việc làm đào tạo hội thảo đọc sách gia đình người cao tuổi đối tác giám sát "
        "đánh giá chỉ số tham gia văn hoá di sản",
        "và của cho với trong các những mỗi mới tại",
    ),
}
LANGUAGES = tuple(WORDS)
HEADINGS = {
    "en": ("Aims", "What was done", "Results"),
    "fr": ("Objectifs", "Déroulement", "Résultats"),
    "es": ("Objetivos", "Desarrollo", "Resultados"),
    "ar": ("الأهداف", "ما تم إنجازه", "النتائج"),
    "zh-hans": ("目标", "做法", "成效"),
    "ru": ("Цели", "Что сделано", "Результаты"),
    "vi": ("Mục tiêu", "Cách thực hiện", "Kết quả"),
}

BUILD_SCRIPT = r"""
import datetime as dt, json, os, random, time
from django.db import connection, transaction
from django.utils import timezone
from learningcities.accounts.domain.organisations import create_organisation
from learningcities.accounts.enums import OrganisationKind
from learningcities.accounts.models import Organisation
from learningcities.demo.domain.calls import FRAMEWORK_FILE
from learningcities.frameworks.interfaces.yaml_files import SHIPPED_DIR, load_framework_file
from learningcities.frameworks.models import Area, Criterion, Framework
from learningcities.network.domain.queries.directory import current_member_filter
from learningcities.network.models import City
from learningcities.practices.domain.facets import MAX_YEARS
from learningcities.practices.domain.revision import bump_practices_revision
from learningcities.practices.enums import FacetKind, PracticeStatus, TargetGroup
from learningcities.practices.models import Cluster, Practice, PracticeFacet

started = time.monotonic()
rng = random.Random(int(os.environ['BENCH_SEED']))
words = json.loads(os.environ['BENCH_WORDS'])
headings = json.loads(os.environ['BENCH_HEADINGS'])
total = int(os.environ['BENCH_PRACTICES'])
framework = Framework.objects.filter(code='key-features').order_by('-loaded_at', '-pk').first()
if framework is None:
    framework = load_framework_file(SHIPPED_DIR / FRAMEWORK_FILE).framework
areas = list(Area.objects.filter(section__framework=framework))
features_of = {area.pk: [c.pk for c in Criterion.objects.filter(framework=framework, area=area)]
               for area in areas}
clusters = list(Cluster.objects.values_list('pk', 'code'))
cities = list(City.objects.filter(current_member_filter(timezone.localdate()), is_synthetic=True)
              .select_related('country').order_by('pk')[:int(os.environ['BENCH_CITIES'])])
organisations = {}
with transaction.atomic():
    for city in cities:
        organisations[city.pk] = (Organisation.objects.filter(kind=OrganisationKind.CITY, city=city)
                                  .values_list('pk', flat=True).first()
                                  or create_organisation(kind=OrganisationKind.CITY, city=city,
                                                         actor=None).pk)
groups = TargetGroup.values
this_year = timezone.localdate().year

SYLLABLES = ('ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'to', 'vi', 'da', 'ber', 'tal', 'mon', 'zu')


def name():
    # A made-up name (a project, a place, a partner): the rare words of real texts.
    made = ''.join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
    return made[:1].upper() + made[1:]


def word(content, function):
    roll = rng.random()
    if roll < 0.05:
        return name()
    return rng.choice(content) if roll < 0.72 else rng.choice(function)


def sentence(language, low, high):
    content, function = words[language]
    picked = [word(content, function) for _ in range(rng.randint(low, high))]
    if language == 'zh-hans':
        return ''.join(w + rng.choice('、，、') for w in picked[:-1]) + picked[-1] + '。'
    text = ' '.join(picked)
    return text[:1].upper() + text[1:] + '.'

def texts(language):
    title = sentence(language, 4, 9).rstrip('.。')
    summary = ' '.join(sentence(language, 8, 16) for _ in range(2))
    aims, done, results = headings[language]
    body = (f'## {aims}\n\n' + ' '.join(sentence(language, 8, 18) for _ in range(3))
            + f'\n\n## {done}\n\n'
            + '\n'.join('- ' + sentence(language, 5, 10) for _ in range(3))
            + '\n\n' + ' '.join(sentence(language, 8, 18) for _ in range(3)))
    return title, summary, body, ' '.join(sentence(language, 6, 12) for _ in range(2))

languages = list(words)
now = timezone.now()
batch = 5000
made = 0
AreaLink = Practice.areas.through
FeatureLink = Practice.features.through
ClusterLink = Practice.clusters.through
facet_table = PracticeFacet._meta.db_table
while made < total:
    size = min(batch, total - made)
    rows, tags = [], []
    for index in range(size):
        language = languages[(made + index) % len(languages)]
        city = rng.choice(cities)
        title, summary, body, results = texts(language)
        started_year = rng.randint(2008, this_year)
        ended_year = rng.choice([None, None, min(this_year, started_year + rng.randint(0, 6))])
        sdgs = sorted(rng.sample(range(1, 18), rng.randint(1, 3)))
        target_groups = sorted(rng.sample(groups, rng.randint(1, 2)))
        chosen_areas = rng.sample(areas, rng.randint(1, 2)) if areas else []
        chosen_features = [rng.choice(features_of[a.pk]) for a in chosen_areas if features_of[a.pk]]
        chosen_clusters = rng.sample(clusters, rng.randint(1, 2))
        rows.append(Practice(
            city_id=city.pk, organisation_id=organisations[city.pk], title=title[:200],
            summary=summary[:1000], body=body, results=results, language=language,
            framework=framework, sdgs=sdgs, target_groups=target_groups,
            started_year=started_year, ended_year=ended_year, publication_consent=True,
            status=PracticeStatus.PUBLISHED, is_synthetic=True,
            published_at=now - dt.timedelta(minutes=rng.randint(0, 60 * 24 * 365 * 8)),
        ))
        facets = {(FacetKind.COUNTRY, city.country.code), (FacetKind.LANGUAGE, language)}
        if city.country.region:
            facets.add((FacetKind.REGION, city.country.region))
        facets.update((FacetKind.AREA, str(a.pk)) for a in chosen_areas)
        facets.update((FacetKind.FEATURE, str(f)) for f in chosen_features)
        facets.update((FacetKind.SDG, str(g)) for g in sdgs)
        facets.update((FacetKind.CLUSTER, code) for _pk, code in chosen_clusters)
        facets.update((FacetKind.TARGET_GROUP, g) for g in target_groups)
        last = min(ended_year or max(started_year, this_year), started_year + MAX_YEARS - 1)
        facets.update((FacetKind.YEAR, str(y)) for y in range(started_year, last + 1))
        tags.append((chosen_areas, chosen_features, chosen_clusters, facets))
    with transaction.atomic():
        created = Practice.objects.bulk_create(rows)
        AreaLink.objects.bulk_create(
            [AreaLink(practice_id=p.pk, area_id=a.pk)
             for p, t in zip(created, tags) for a in t[0]], batch_size=10000)
        FeatureLink.objects.bulk_create(
            [FeatureLink(practice_id=p.pk, criterion_id=f)
             for p, t in zip(created, tags) for f in set(t[1])], batch_size=10000)
        ClusterLink.objects.bulk_create(
            [ClusterLink(practice_id=p.pk, cluster_id=c)
             for p, t in zip(created, tags) for c, _code in t[2]], batch_size=10000)
        values = [(p.pk, kind, value) for p, t in zip(created, tags) for kind, value in t[3]]
        if connection.vendor == 'postgresql':
            copy_sql = f'COPY {facet_table} (practice_id, kind, value) FROM STDIN'
            with connection.connection.cursor() as cursor, cursor.copy(copy_sql) as copy:
                    for row in values:
                        copy.write_row(row)
        else:
            with connection.cursor() as cursor:
                cursor.executemany(
                    f'INSERT INTO {facet_table} (practice_id, kind, value) VALUES (%s, %s, %s)',
                    values)
    made += size
with transaction.atomic():
    bump_practices_revision()
print('BUILT ' + json.dumps({
    'practices': Practice.objects.filter(is_synthetic=True).count(),
    'facets': PracticeFacet.objects.count(),
    'cities': len(cities),
    'countries': len({c.country_id for c in cities}),
    'seconds': time.monotonic() - started,
}))
"""

# Queries drawn from random practices: one or two of its content words (the last
# sometimes cut to a prefix) and two of its facet values, of two different kinds.
QUERIES_SCRIPT = r"""
import json, os, random
from learningcities.practices.domain.search import split_words
from learningcities.practices.models import Practice, PracticeFacet
rng = random.Random(int(os.environ['BENCH_SEED']) + 1)
words = json.loads(os.environ['BENCH_WORDS'])
wanted = int(os.environ['BENCH_SEARCHES'])
top = Practice.objects.order_by('-pk').values_list('pk', flat=True).first()
queries, seen = [], set()
kinds = ['region', 'country', 'area', 'feature', 'sdg', 'cluster', 'language', 'year',
         'target_group']
while len(queries) < wanted:
    practice = Practice.objects.filter(pk__lte=rng.randint(1, top)).order_by('-pk').first()
    content = set(words[practice.language][0])
    candidates = [w for w in split_words(practice.title + ' ' + practice.summary)
                  if w in content and len(w) >= 3] or [w for w in content if len(w) >= 3][:5]
    picked = rng.sample(candidates, min(len(candidates), rng.choice((1, 1, 2))))
    if rng.random() < 0.25 and len(picked[-1]) >= 6:
        picked[-1] = picked[-1][: max(4, len(picked[-1]) - 3)]
    facets = dict(PracticeFacet.objects.filter(practice=practice).values_list('kind', 'value'))
    pair = rng.sample([k for k in kinds if k in facets], 2)
    query = {'q': ' '.join(picked), pair[0]: facets[pair[0]], pair[1]: facets[pair[1]]}
    key = json.dumps(query, sort_keys=True)
    if key not in seen:
        seen.add(key)
        queries.append(query)
pages = [Practice.objects.filter(pk__lte=rng.randint(1, top)).order_by('-pk').values_list(
    'pk', flat=True).first() for _ in range(1)]
print('QUERIES ' + json.dumps({'queries': queries, 'practice': pages[0]}))
"""

# In-process timings: similar practices over random practices, and the same
# searches as through HTTP (search_practices alone, no page).
INPROCESS_SCRIPT = r"""
import json, os, random, time
from django.db import connection
from learningcities.practices.models import Practice
from learningcities.practices.domain import search
try:
    from learningcities.practices.domain.search import similar_practices
except ImportError:
    from learningcities.practices.domain.similar import similar_practices
rng = random.Random(int(os.environ['BENCH_SEED']) + 2)
queries = json.loads(open(os.environ['BENCH_QUERIES'], encoding='utf-8').read())
top = Practice.objects.order_by('-pk').values_list('pk', flat=True).first()
picked = []
while len(picked) < int(os.environ['BENCH_SIMILAR']):
    found = Practice.objects.filter(pk__lte=rng.randint(1, top), is_synthetic=True).order_by(
        '-pk').select_related('city__country').first()
    if found is not None:
        picked.append(found)
for practice in picked[:5]:  # warm-up: first queries, compiled SQL
    similar_practices(practice)
budget = float(os.environ['BENCH_BUDGET'])
similar_ms, similar_found = [], []
stop = time.monotonic() + budget
for practice in picked:
    if time.monotonic() > stop:
        break
    started = time.perf_counter()
    found = similar_practices(practice)
    similar_ms.append((time.perf_counter() - started) * 1000)
    similar_found.append(len(found))
search_ms, totals = [], []
for query in queries[:5]:
    search.search_practices(query['q'], filters={k: [v] for k, v in query.items() if k != 'q'})
stop = time.monotonic() + budget
for query in queries:
    if time.monotonic() > stop:
        break
    filters = {k: [v] for k, v in query.items() if k != 'q'}
    started = time.perf_counter()
    result = search.search_practices(query['q'], filters=filters, per_page=20)
    search_ms.append((time.perf_counter() - started) * 1000)
    totals.append(result.total)
print('INPROCESS ' + json.dumps({'similar_ms': similar_ms, 'similar_found': similar_found,
                                 'search_ms': search_ms, 'totals': totals}))
"""


def percentile(values: list[float], share: float) -> float:
    """Return the nearest-rank percentile ``share`` (0-1) of ``values``."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def spread(values: list[float]) -> dict:
    return {
        "n": len(values),
        "p50": percentile(values, 0.50),
        "p95": percentile(values, 0.95),
        "p99": percentile(values, 0.99),
        "max": max(values, default=0.0),
        "mean": statistics.fmean(values) if values else 0.0,
    }


def shell(script: str, env: dict, marker: str) -> str:
    """Run ``script`` in `learningcities shell` and return what it printed after ``marker``."""
    try:
        output = run([LC, "shell", "-c", script], env).stdout
    except subprocess.CalledProcessError as error:
        raise SystemExit(f"the shell script failed:\n{error.stderr[-3000:]}") from None
    return output.split(marker + " ", 1)[1].splitlines()[0]


def environment(options) -> dict:
    data_dir = Path(options.data_dir or tempfile.mkdtemp(prefix="bench-practices-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    options.data_dir = str(data_dir)
    env = {
        **os.environ,
        "LC_DATA_DIR": str(data_dir),
        "LC_DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "learningcities.settings",
        "BENCH_SEED": str(options.seed),
        "BENCH_WORDS": json.dumps(
            {
                language: (content.split(), function.split())
                for language, (content, function) in WORDS.items()
            },
            ensure_ascii=False,
        ),
        "BENCH_HEADINGS": json.dumps(HEADINGS, ensure_ascii=False),
    }
    env.pop("LC_DATABASE_URL", None)
    if options.database_url:
        env["LC_DATABASE_URL"] = options.database_url
    return env


def build(env: dict, options) -> dict:
    """Build the database from empty; return what it holds and the seconds each step took."""
    started = time.monotonic()
    if options.database_url:
        from soak import recreate_database  # needs psycopg: only for PostgreSQL

        print(f"--- building {options.database_url}")
        recreate_database(options.database_url)
    else:
        print(f"--- building SQLite in {options.data_dir}")
    run([LC, "migrate", "--no-input"], env)
    run([LC, "collectstatic", "--no-input", "--verbosity", "0"], env)
    seed = str(options.seed)
    run([LC, "generate-network", "--cities", str(options.cities), "--seed", seed], env)
    network_seconds = time.monotonic() - started
    print(f"--- {options.practices:,} practices")
    build_env = {
        **env,
        "BENCH_PRACTICES": str(options.practices),
        "BENCH_CITIES": str(options.cities_with_practices),
    }
    data = json.loads(shell(BUILD_SCRIPT, build_env, "BUILT"))
    print(f"built: {data}")
    print("--- learningcities index-practices")
    indexing = time.monotonic()
    out = run([LC, "index-practices"], env).stdout.strip()
    data["index_wall_seconds"] = time.monotonic() - indexing
    data["index_output"] = out
    print(out)
    if options.database_url:
        # Statistics of the new index for similar_practices (pg_stats); autovacuum
        # would gather them in its own time.
        analyse = time.monotonic()
        run(
            [
                LC,
                "shell",
                "-c",
                "from django.db import connection\n"
                "connection.cursor().execute('ANALYZE practices_search')",
            ],
            env,
        )
        data["analyse_seconds"] = time.monotonic() - analyse
    data["network_seconds"] = network_seconds
    data["build_seconds"] = time.monotonic() - started
    (Path(options.data_dir) / "build.json").write_text(json.dumps(data), encoding="utf-8")
    return data


def timed_searches(
    base: str, queries: list[dict], budget: float = 3600
) -> tuple[list[float], list[str]]:
    """GET each search page once, in sequence, for ``budget`` seconds at most.

    Returns the times (ms) and any problems.
    """
    session = requests.Session()
    times, problems = [], []
    stop = time.monotonic() + budget
    for query in queries:
        if time.monotonic() > stop:
            break
        url = f"{base}/practices/?{urllib.parse.urlencode(query)}"
        started = time.perf_counter()
        response = session.get(url, timeout=60)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            problems.append(f"{url}: {response.status_code}")
    return times, problems


def measure(env: dict, options, wrk: str, queries: list[dict], practice: int) -> dict:
    report: dict = {}
    with serving(env, workers=options.workers) as base:
        # Warm-up: each worker's first requests (imports, compiled queries).
        warm = [{"q": query["q"]} for query in queries[:20]]
        timed_searches(base, warm)
        print(f"--- (a) {len(queries)} searches, one after another")
        times, problems = timed_searches(base, queries, options.budget)
        report["search_http"] = spread(times)
        report["search_problems"] = problems
        print(f"search over HTTP: {report['search_http']}")

        print("--- (c) pages with wrk")
        targets = [
            ("hello-world view", "/-/health"),
            ("library page", "/practices/"),
            ("a practice's page", f"/practices/{practice}/"),
        ]
        for _label, path in targets:
            response = requests.get(base + path, timeout=60)
            if response.status_code != 200:
                raise SystemExit(f"{path} answered {response.status_code}")
            wrk_run(
                wrk,
                base + path,
                duration=2,
                connections=options.connections,
                threads=options.threads,
            )  # warm-up
        rounds: dict[str, list[dict]] = {path: [] for _label, path in targets}
        report["load_before"] = os.getloadavg()
        for number in range(1, options.rounds + 1):
            for label, path in targets:
                figures = wrk_run(
                    wrk,
                    base + path,
                    duration=options.duration,
                    connections=options.connections,
                    threads=options.threads,
                )
                rounds[path].append(figures)
                print(
                    f"round {number}: {label:20} {figures['rps']:9.0f} req/s  "
                    f"p99 {figures['p99_ms']:8.1f} ms  non-2xx {figures['non2xx']}"
                )
        report["load_after"] = os.getloadavg()
        report["pages"] = [(label, path, median_figures(rounds[path])) for label, path in targets]
    return report


def main() -> None:
    options = parse_options()
    wrk = ensure_wrk()
    env = environment(options)
    if options.reuse:
        # The database of an earlier run with the same options, and the figures of its build.
        data = json.loads((Path(options.data_dir) / "build.json").read_text(encoding="utf-8"))
    else:
        data = build(env, options)
    env["BENCH_SEARCHES"] = str(options.searches)
    found = json.loads(shell(QUERIES_SCRIPT, env, "QUERIES"))
    queries, practice = found["queries"], found["practice"]
    queries_path = Path(options.data_dir) / "queries.json"
    queries_path.write_text(json.dumps(queries, ensure_ascii=False), encoding="utf-8")

    print(f"--- (b) similar practices over {options.similar} practices; searches in-process")
    inprocess_env = {
        **env,
        "BENCH_QUERIES": str(queries_path),
        "BENCH_SIMILAR": str(options.similar),
        "BENCH_BUDGET": str(options.budget),
    }
    inprocess = json.loads(shell(INPROCESS_SCRIPT, inprocess_env, "INPROCESS"))
    report = measure(env, options, wrk, queries, practice)
    report["data"] = data
    report["similar"] = spread(inprocess["similar_ms"])
    report["similar_found"] = spread([float(n) for n in inprocess["similar_found"]])
    report["search_inprocess"] = spread(inprocess["search_ms"])
    totals = inprocess["totals"]
    report["search_totals"] = {
        "zero": sum(1 for total in totals if not total),
        "median": statistics.median(totals) if totals else 0,
        "max": max(totals, default=0),
    }
    report["queries"] = queries[:3]
    report["date"] = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    report["database"] = database_description(options)
    section = render_section(report, options)
    print()
    print(section)
    if not options.no_write:
        write_engine_section(Path(options.output), section, options)
        print(f"written to {options.output}")
    for target in missed_targets(report):
        print(f"TARGET NOT MET: {target}")
    errors = report["search_problems"] + [
        f"{label}: {f['non2xx']} non-2xx" for label, _path, f in report["pages"] if f["non2xx"]
    ]
    if errors:
        raise SystemExit("practices benchmark got error answers: " + "; ".join(errors[:5]))


def write_engine_section(path: Path, section: str, options) -> None:
    """Put ``section`` in the practices section, replacing the last run on the same database.

    The section holds one part per database (SQLite, PostgreSQL), each between
    markers of its own, so a run on one keeps the other's figures.
    """
    engine = "postgresql" if options.database_url else "sqlite"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    current = text.split(START, 1)[1].split(END, 1)[0] if START in text and END in text else ""
    parts = {}
    for name in ("sqlite", "postgresql"):
        begin, finish = f"<!-- practices-{name} -->", f"<!-- /practices-{name} -->"
        if begin in current and finish in current:
            parts[name] = current.split(begin, 1)[1].split(finish, 1)[0].strip("\n")
    parts[engine] = section.strip("\n")
    block = "\n\n".join(
        f"<!-- practices-{name} -->\n{parts[name]}\n<!-- /practices-{name} -->"
        for name in ("sqlite", "postgresql")
        if name in parts
    )
    write_section(path, block, START, END)


def database_description(options) -> str:
    if not options.database_url:
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version} (a file in a temporary data folder)"
    import psycopg

    with psycopg.connect(options.database_url) as connection:
        version = connection.execute("SHOW server_version").fetchone()[0].split()[0]
    return f"PostgreSQL {version}"


def parse_options():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--practices", type=int, default=100_000, help="(100,000)")
    parser.add_argument(
        "--database-url",
        help="PostgreSQL (dropped and built again); default: SQLite in a temporary folder",
    )
    parser.add_argument("--data-dir", help="LC_DATA_DIR (default: a new temporary folder)")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure the database an earlier run built in --data-dir (its build.json)",
    )
    parser.add_argument("--cities", type=int, default=2000, help="synthetic network (2,000)")
    parser.add_argument(
        "--cities-with-practices", type=int, default=1000, help="cities the practices are of"
    )
    parser.add_argument("--searches", type=int, default=500, help="(a): sequential searches")
    parser.add_argument("--similar", type=int, default=200, help="(b): practices (200)")
    parser.add_argument(
        "--budget",
        type=float,
        default=300,
        help="most seconds for each of the timed loops of (a) and (b); fewer are timed then",
    )
    parser.add_argument("--duration", type=int, default=8, help="(c): seconds per URL and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="granian workers")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmarks.md"))
    parser.add_argument("--no-write", action="store_true", help="print only")
    return parser.parse_args()


def missed_targets(report: dict) -> list[str]:
    missed = []
    if report["search_http"]["p95"] >= TARGET_SEARCH_P95_MS:
        missed.append(f"search p95 {report['search_http']['p95']:.1f} ms")
    if report["similar"]["p95"] >= TARGET_SIMILAR_P95_MS:
        missed.append(f"similar practices p95 {report['similar']['p95']:.1f} ms")
    hello = report["pages"][0][2]["rps"]
    for label, _path, figures in report["pages"][1:]:
        if figures["rps"] / hello < TARGET_RATIO:
            missed.append(f"{label}: ratio {figures['rps'] / hello:.3f}")
    return missed


def _verdict(met: bool) -> str:
    return "met" if met else "**not met**"


def render_section(report: dict, options) -> str:
    data = report["data"]
    search_http, search_local = report["search_http"], report["search_inprocess"]
    similar = report["similar"]
    hello = report["pages"][0][2]
    totals = report["search_totals"]
    engine = "PostgreSQL" if options.database_url else "SQLite"
    lines = [
        f"## Practices: a library of {data['practices']:,} practices ({engine})",
        "",
        "Figures from one run of `bench/practices.py`.",
        "",
        f"- date: {report['date']}",
        f"- database: {report['database']}",
        f"- data: synthetic network of {options.cities:,} cities; {data['practices']:,} "
        f"synthetic published practices of {data['cities']:,} cities in {data['countries']} "
        "countries, an equal share in each of the seven languages, texts drawn from word "
        f"lists of each language, {data['facets']:,} facet rows (seed {options.seed}); "
        f"inserted in bulk in {data['seconds']:.0f} s"
        + (f", whole build {data['build_seconds']:.0f} s" if "build_seconds" in data else ""),
        "- search index built from scratch by `learningcities index-practices`: "
        + (
            f"{data['index_wall_seconds']:.1f} s wall clock "
            if "index_wall_seconds" in data
            else ""
        )
        + f"(the command says: “{data['index_output']}”)"
        + (
            f"; then `ANALYZE practices_search` {data['analyse_seconds']:.1f} s"
            if "analyse_seconds" in data
            else ""
        ),
        f"- server: `learningcities serve` (granian WSGI, {options.workers} workers), loopback; "
        f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.machine()} (client on the same cores)",
        "",
        "| measure | n | p50 ms | p95 ms | p99 ms | max ms | target | |",
        "|---|--:|--:|--:|--:|--:|---|---|",
        _row(
            "(a) search page, text + two facets (HTTP)",
            search_http,
            f"p95 < {TARGET_SEARCH_P95_MS:.0f} ms",
            _verdict(search_http["p95"] < TARGET_SEARCH_P95_MS),
        ),
        _row("(a) the same searches in-process (`search_practices`)", search_local, "", ""),
        _row(
            "(b) `similar_practices` in-process",
            similar,
            f"p95 < {TARGET_SIMILAR_P95_MS:.0f} ms",
            _verdict(similar["p95"] < TARGET_SIMILAR_P95_MS),
        ),
        "",
        f"Searches: {search_http['n']} different URLs in sequence (none from the page cache), "
        "each one or two words of a random practice's title or summary (the last one cut to a "
        "prefix in a quarter of them) and two of its facet values of different kinds, e.g. "
        + ", ".join(f"`{urllib.parse.urlencode(q)}`" for q in report["queries"][:2])
        + f". Results: median {totals['median']:,}, most {totals['max']:,}, "
        f"{totals['zero']} with none. Similar practices: {similar['n']} random practices, "
        f"{report['similar_found']['mean']:.1f} found on average.",
        "",
        f"(c) pages with wrk ({options.threads} threads, {options.connections} connections, "
        f"{options.duration} s per URL in each of {options.rounds} rounds after a 2 s warm-up; "
        f"medians over the rounds; load average {report['load_before'][0]:.1f} before, "
        f"{report['load_after'][0]:.1f} after):",
        "",
        "| what | URL | req/s | ratio to hello-world | p50 ms | p99 ms | errors |",
        "|---|---|--:|--:|--:|--:|--:|",
    ]
    for label, path, f in report["pages"]:
        errors = f["non2xx"] + (1 if f["socket_errors"] else 0)
        lines.append(
            f"| {label} | `{path}` | {f['rps']:,.0f} | {f['rps'] / hello['rps']:.3f} | "
            f"{f['p50_ms']:.1f} | {f['p99_ms']:.1f} | {errors} |"
        )
    worst = min(f["rps"] / hello["rps"] for _l, _p, f in report["pages"][1:])
    lines += [
        "",
        f"Lowest ratio of the library's pages: {worst:.3f} (target: {TARGET_RATIO} or more; "
        f"{_verdict(worst >= TARGET_RATIO)}). Visitors get both pages from the page cache, "
        "keyed by the library's revision.",
    ]
    return "\n".join(lines)


def _row(label: str, figures: dict, target: str, verdict: str) -> str:
    return (
        f"| {label} | {figures['n']} | {figures['p50']:.1f} | {figures['p95']:.1f} | "
        f"{figures['p99']:.1f} | {figures['max']:.1f} | {target} | {verdict} |"
    )


if __name__ == "__main__":
    main()
