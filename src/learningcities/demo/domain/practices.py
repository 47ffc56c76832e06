# ruff: noqa: RUF001 (Arabic and Chinese texts: their digits and punctuation are meant)
"""The demo library: a few sample good practices, one in each of the platform's languages.

Built on the demo network (``learningcities load-demo``) and the demo accounts
(``learningcities create-demo-accounts``), so that a newcomer opening the
library finds practices to search, filter and read in every language, and the
demo coordinator finds one of their own city (with a French translation).

Every practice is marked ``is_sample`` (the pages label it "Sample content")
and says in its own words that it is an illustration: the programmes, figures
and people are invented and claim nothing about the real city they are filed
under. Each is written through ``practices.domain.practices.import_practice``,
so it has its revision, facets and search entry as any published practice.

Cities: for each language, the first current member (by name) of the first
country of a short list where the language is spoken; a language with no such
member in the register is left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from learningcities.accounts.domain.errors import AccountsError
from learningcities.accounts.domain.organisations import create_organisation
from learningcities.accounts.enums import OrganisationKind, Role
from learningcities.accounts.models import Organisation
from learningcities.common.translated import source_digest
from learningcities.demo.domain.accounts import DEMO_DOMAIN, _demo_city
from learningcities.demo.domain.calls import FRAMEWORK_FILE
from learningcities.frameworks.interfaces.yaml_files import SHIPPED_DIR, load_framework_file
from learningcities.frameworks.models import Area, Criterion, Framework
from learningcities.network.domain.queries.directory import current_member_filter
from learningcities.network.models import City
from learningcities.practices.domain.errors import PracticeError
from learningcities.practices.domain.practices import import_practice, refresh_public_copy
from learningcities.practices.models import Cluster, Practice

KEY_FEATURES = "key-features"


@dataclass(frozen=True)
class SamplePractice:
    """The texts and tags of one sample practice (texts in ``language``, never translated)."""

    language: str
    countries: tuple[str, ...]  # where the language is spoken, first choice first
    title: str
    summary: str
    body: str
    results: str
    area_positions: tuple[
        int, ...
    ]  # which areas of the framework (by order), and their first feature
    sdgs: tuple[int, ...]
    clusters: tuple[str, ...]
    target_groups: tuple[str, ...]
    started_year: int
    ended_year: int | None
    indicators: tuple[tuple[str, str, str, int], ...]  # name, value, unit, year
    translations: dict = field(default_factory=dict)  # {language: {field: text}}


SAMPLES: tuple[SamplePractice, ...] = (
    SamplePractice(
        language="en",
        countries=("GB", "IE", "AU", "CA", "IN", "KE", "NG", "ZA", "PH"),
        title="Sample practice: learning neighbourhoods in public libraries",
        summary=(
            "Illustrative sample content for the demo. It shows how a city might describe a "
            "programme that turns public libraries into neighbourhood learning hubs; it does "
            "not describe an actual programme of this city."
        ),
        body=(
            "*This is sample content: the programme, figures and people below are invented "
            "to show what a practice in the library looks like.*\n\n"
            "## What the city set out to do\n\n"
            "Open the public libraries in the evening for free courses run by residents: "
            "digital skills, languages, cooking and repair workshops.\n\n"
            "## How it worked\n\n"
            "- A small grant for each neighbourhood group that runs a course.\n"
            "- Volunteers trained as learning guides.\n"
            "- One shared calendar of courses, online and on paper."
        ),
        results=(
            "Illustrative figures: about 1,200 participants a year, two in three of them new "
            "to adult learning."
        ),
        area_positions=(0, 2),
        sdgs=(4, 11),
        clusters=("equity",),
        target_groups=("adults", "everyone"),
        started_year=2021,
        ended_year=None,
        indicators=(("Participants (illustrative)", "1200", "people", 2024),),
    ),
    SamplePractice(
        language="fr",
        countries=("FR", "BE", "CA", "CI", "SN", "CM", "BJ", "TG", "GA", "GN", "MA", "TN"),
        title="Exemple de pratique : des cafés de l'apprentissage dans les quartiers",
        summary=(
            "Contenu d'exemple pour la démonstration. Il montre comment une ville pourrait "
            "décrire des rencontres d'apprentissage entre voisins ; il ne décrit pas un "
            "programme réel de cette ville."
        ),
        body=(
            "*Contenu d'exemple : le programme, les chiffres et les personnes ci-dessous sont "
            "inventés pour montrer à quoi ressemble une pratique de la bibliothèque.*\n\n"
            "## Objectif\n\n"
            "Réunir chaque mois des habitants de tous âges autour d'un savoir à partager : "
            "écriture, numérique, jardinage, réparation.\n\n"
            "## Déroulement\n\n"
            "- Des lieux de quartier prêtés gratuitement (centres sociaux, médiathèques).\n"
            "- Des bénévoles formés à l'animation.\n"
            "- Une attention particulière aux personnes âgées isolées."
        ),
        results=(
            "Chiffres fictifs : environ 40 rencontres par an et 600 participants, dont un "
            "tiers de plus de 65 ans."
        ),
        area_positions=(1,),
        sdgs=(4, 10),
        clusters=("equity", "health"),
        target_groups=("older_people", "everyone"),
        started_year=2019,
        ended_year=2024,
        indicators=(("Rencontres (fictif)", "40", "par an", 2023),),
    ),
    SamplePractice(
        language="es",
        countries=("ES", "MX", "CO", "AR", "CL", "PE", "EC", "BO", "PY", "VE", "NI"),
        title="Práctica de ejemplo: aulas abiertas para la alfabetización digital",
        summary=(
            "Contenido de ejemplo para la demostración. Muestra cómo una ciudad podría "
            "describir talleres de alfabetización digital para personas adultas; no describe "
            "un programa real de esta ciudad."
        ),
        body=(
            "*Contenido de ejemplo: el programa, las cifras y las personas que aparecen aquí "
            "son inventados para mostrar cómo se ve una práctica en la biblioteca.*\n\n"
            "## Propósito\n\n"
            "Acompañar a las personas adultas que nunca han usado un ordenador en sus "
            "gestiones cotidianas: citas médicas, trámites y comunicación con la familia.\n\n"
            "## Cómo funciona\n\n"
            "- Talleres gratuitos en centros cívicos y bibliotecas.\n"
            "- Jóvenes voluntarios como tutores, con formación previa.\n"
            "- Materiales en lectura fácil."
        ),
        results=(
            "Cifras ilustrativas: unas 900 personas formadas al año; el 70 % dice sentirse "
            "más autónoma."
        ),
        area_positions=(2,),
        sdgs=(4, 9, 10),
        clusters=("literacy",),
        target_groups=("adults", "older_people", "low_literacy"),
        started_year=2022,
        ended_year=None,
        indicators=(("Personas formadas (ilustrativo)", "900", "personas", 2024),),
    ),
    SamplePractice(
        language="ar",
        countries=("EG", "MA", "JO", "SA", "AE", "TN", "QA", "OM", "BH", "IQ", "LB"),
        title="ممارسة نموذجية: مراكز تعلّم مجتمعية للنساء",
        summary=(
            "محتوى نموذجي لأغراض العرض التوضيحي. يبيّن كيف يمكن لمدينة أن تصف برنامجاً لمحو "
            "الأمية وتعليم المهارات للنساء في الأحياء؛ ولا يصف برنامجاً حقيقياً لهذه المدينة."
        ),
        body=(
            "*هذا محتوى نموذجي: البرنامج والأرقام والأشخاص الواردون هنا من وحي الخيال، لبيان "
            "شكل الممارسة في المكتبة.*\n\n"
            "## الهدف\n\n"
            "توفير دروس مسائية في القراءة والكتابة والحساب والمهارات الرقمية للنساء في "
            "الأحياء، قريباً من بيوتهن.\n\n"
            "## طريقة العمل\n\n"
            "- صفوف صغيرة في المدارس والمراكز الشبابية بعد انتهاء الدوام.\n"
            "- ميسّرات من الحي تلقّين تدريباً قصيراً.\n"
            "- حضانة للأطفال أثناء الدروس."
        ),
        results="أرقام توضيحية: نحو ٥٠٠ مشاركة في السنة، أتمّت ثلاثة أرباعهن الدورة.",
        area_positions=(0,),
        sdgs=(4, 5),
        clusters=("literacy", "equity"),
        target_groups=("women_girls", "low_literacy"),
        started_year=2020,
        ended_year=None,
        indicators=(("المشاركات (توضيحي)", "500", "مشاركة", 2024),),
    ),
    SamplePractice(
        language="zh-hans",
        countries=("CN",),
        title="示例实践：社区终身学习积分",
        summary=(
            "用于演示的示例内容。它展示一座城市可以如何描述一项鼓励居民终身学习的积分项目；"
            "它并不描述该城市的真实项目。"
        ),
        body=(
            "*这是示例内容：以下项目、数据和人物均为虚构，仅用于展示实践库中的一项实践。*\n\n"
            "## 目标\n\n"
            "鼓励各年龄段的居民参加社区课程、读书会和志愿服务，把学习变成日常习惯。\n\n"
            "## 做法\n\n"
            "- 居民每参加一次学习活动即可获得积分。\n"
            "- 积分可兑换图书馆服务或文化活动门票。\n"
            "- 社区学习中心每季度公布课程表。"
        ),
        results="示意数据：每年约三千名居民参与，其中四成为六十岁以上的老年人。",
        area_positions=(1, 3),
        sdgs=(4, 3),
        clusters=("planning",),
        target_groups=("everyone", "older_people"),
        started_year=2018,
        ended_year=None,
        indicators=(("参与居民（示意）", "3000", "人", 2024),),
    ),
    SamplePractice(
        language="ru",
        countries=("RU", "BY", "KZ", "KG", "TJ", "UZ", "TM"),
        title="Пример практики: школа наставников для молодёжи",
        summary=(
            "Пример содержания для демонстрации. Показывает, как город мог бы описать "
            "программу наставничества для молодых людей; не описывает реальную программу "
            "этого города."
        ),
        body=(
            "*Это пример: программа, цифры и люди ниже вымышлены и показывают, как выглядит "
            "практика в библиотеке.*\n\n"
            "## Цель\n\n"
            "Помочь молодым людям, которые не учатся и не работают, найти свой путь: "
            "профессию, курсы, волонтёрство.\n\n"
            "## Как это работает\n\n"
            "- Опытные специалисты становятся наставниками на полгода.\n"
            "- Встречи раз в неделю в библиотеках и молодёжных центрах.\n"
            "- Итоговый проект каждого участника."
        ),
        results=(
            "Условные цифры: около 150 пар «наставник — участник» в год; две трети участников "
            "нашли работу или продолжили учёбу."
        ),
        area_positions=(2, 4),
        sdgs=(4, 8),
        clusters=("entrepreneurship",),
        target_groups=("youth", "unemployed"),
        started_year=2023,
        ended_year=None,
        indicators=(("Пары наставников (условно)", "150", "пар", 2024),),
    ),
    SamplePractice(
        language="vi",
        countries=("VN",),
        title="Thực hành mẫu: tủ sách cộng đồng và câu lạc bộ đọc",
        summary=(
            "Nội dung mẫu dùng để minh hoạ. Nội dung cho thấy một thành phố có thể mô tả "
            "chương trình tủ sách và câu lạc bộ đọc ở các khu dân cư như thế nào; đây không "
            "phải là chương trình thực tế của thành phố này."
        ),
        body=(
            "*Đây là nội dung mẫu: chương trình, số liệu và con người dưới đây đều là hư cấu, "
            "nhằm minh hoạ một thực hành trong thư viện.*\n\n"
            "## Mục tiêu\n\n"
            "Khuyến khích thói quen đọc sách ở mọi lứa tuổi, nhất là trẻ em và người cao "
            "tuổi.\n\n"
            "## Cách thực hiện\n\n"
            "- Tủ sách đặt tại nhà văn hoá của từng khu phố.\n"
            "- Câu lạc bộ đọc họp mỗi tháng, do tình nguyện viên điều phối.\n"
            "- Sách được quyên góp và luân chuyển giữa các khu phố."
        ),
        results=("Số liệu minh hoạ: khoảng 2.000 lượt mượn sách mỗi năm và 25 câu lạc bộ đọc."),
        area_positions=(3,),
        sdgs=(4, 11),
        clusters=("literacy", "gced"),
        target_groups=("children", "families", "older_people"),
        started_year=2020,
        ended_year=None,
        indicators=(("Lượt mượn sách (minh hoạ)", "2000", "lượt", 2024),),
    ),
)

# The demo coordinator's own sample practice, in English with a French translation.
COORDINATOR_SAMPLE = SamplePractice(
    language="en",
    countries=(),
    title="Sample practice: learning together across generations",
    summary=(
        "Illustrative sample content for the demo, written as a city might: older and younger "
        "residents teach each other. It does not describe an actual programme of this city."
    ),
    body=(
        "*This is sample content: the programme, figures and people below are invented.*\n\n"
        "## The idea\n\n"
        "Pair secondary-school pupils with older residents: the pupils teach smartphones and "
        "online services, the older residents teach a craft, a recipe or local history.\n\n"
        "## How it ran\n\n"
        "- Weekly sessions in schools and day centres.\n"
        "- Teachers and volunteers as facilitators.\n"
        "- A closing exhibition of what each pair made."
    ),
    results="Illustrative figures: 80 pairs in the first year; 9 in 10 would take part again.",
    area_positions=(0, 1),
    sdgs=(4, 10, 17),
    clusters=("equity", "health"),
    target_groups=("youth", "older_people"),
    started_year=2022,
    ended_year=None,
    indicators=(("Pairs (illustrative)", "80", "pairs", 2023),),
    translations={
        "fr": {
            "title": "Exemple de pratique : apprendre ensemble entre générations",
            "summary": (
                "Contenu d'exemple pour la démonstration, écrit comme une ville pourrait le "
                "faire : jeunes et aînés s'enseignent mutuellement. Il ne décrit pas un "
                "programme réel de cette ville."
            ),
        }
    },
)


@dataclass(frozen=True)
class DemoPractices:
    """What ``ensure_demo_practices`` found or made."""

    practices: list[Practice]
    created: int
    missing_languages: list[str]  # no current member city of a fitting country

    @property
    def changed(self) -> bool:
        return self.created > 0


def _framework() -> Framework:
    framework = Framework.objects.filter(code=KEY_FEATURES).order_by("-loaded_at", "-pk").first()
    if framework is None:
        framework = load_framework_file(SHIPPED_DIR / FRAMEWORK_FILE).framework
    return framework


def _city_organisation(city: City) -> Organisation:
    return Organisation.objects.filter(
        kind=OrganisationKind.CITY, city=city
    ).first() or create_organisation(kind=OrganisationKind.CITY, city=city, actor=None)


def _coordinator_organisation() -> Organisation | None:
    """Return the demo coordinator's city organisation (as ``ensure_demo_accounts`` chose it)."""
    found = Organisation.objects.filter(
        kind=OrganisationKind.CITY,
        affiliations__user__email=f"coordinator@{DEMO_DOMAIN}",
        affiliations__role=Role.COORDINATOR,
    ).first()
    if found is not None:
        return found
    try:
        return _city_organisation(_demo_city())
    except AccountsError:
        return None


def _member_city(countries: tuple[str, ...], members, exclude: set[int]) -> City | None:
    for code in countries:
        city = (
            members.filter(country_id=code).exclude(pk__in=exclude).order_by("name", "pk").first()
        )
        if city is not None:
            return city
    return None


def _tags(sample: SamplePractice, framework: Framework) -> dict:
    areas = list(
        Area.objects.filter(section__framework=framework).order_by("section__order", "order")
    )
    chosen = [areas[position % len(areas)] for position in sample.area_positions] if areas else []
    features = []
    for area in chosen:
        feature = Criterion.objects.filter(framework=framework, area=area).order_by("order").first()
        if feature is not None:
            features.append(feature)
    return {
        "framework": framework,
        "areas": chosen,
        "features": features,
        "clusters": list(Cluster.objects.filter(code__in=sample.clusters)),
        "sdgs": list(sample.sdgs),
        "target_groups": list(sample.target_groups),
    }


def _existing(city: City, sample: SamplePractice) -> Practice | None:
    return Practice.objects.filter(
        city=city, is_sample=True, language=sample.language, title=sample.title
    ).first()


def _publish(organisation: Organisation, sample: SamplePractice, framework: Framework) -> Practice:
    data = {
        "title": sample.title,
        "summary": sample.summary,
        "body": sample.body,
        "results": sample.results,
        "language": sample.language,
        "started_year": sample.started_year,
        "ended_year": sample.ended_year,
        "indicators": [
            {"name": name, "value": Decimal(value), "unit": unit, "year": year}
            for name, value, unit, year in sample.indicators
        ],
        **_tags(sample, framework),
    }
    practice = import_practice(organisation, data=data, is_sample=True)
    if sample.translations:
        with transaction.atomic():
            practice.translations = {
                language: {
                    name: {"text": text, "source": source_digest(getattr(practice, name))}
                    for name, text in fields.items()
                }
                for language, fields in sample.translations.items()
            }
            practice.save(update_fields=["translations"])
            refresh_public_copy(practice)
    return practice


def ensure_demo_practices() -> DemoPractices:
    """Publish the sample practices that are missing; change nothing that is in place.

    One sample practice per entry of ``SAMPLES`` (one per language), filed
    under the first current member city of a fitting country (a language
    without one is left out and listed), and ``COORDINATOR_SAMPLE`` under the
    demo coordinator's city when there is one. A practice counts as in place
    when its city has a sample practice of that title and language. Effects,
    each only when missing: the city's organisation; the practice, published
    through ``import_practice`` (``is_sample``) with its revision, activity
    entry, facets and search entry; the coordinator's one's French
    translation. Raises PracticeError (code ``production``) in production.
    """
    if getattr(settings, "PRODUCTION", False):
        raise PracticeError(
            _("Sample practices are never loaded in production (LC_PRODUCTION is set)."),
            code="production",
        )
    framework = _framework()
    members = City.objects.filter(current_member_filter(timezone.localdate()), is_synthetic=False)
    coordinator = _coordinator_organisation()
    plan: list[tuple[City, SamplePractice]] = []
    if coordinator is not None:
        plan.append((coordinator.city, COORDINATOR_SAMPLE))
    taken = {coordinator.city_id} if coordinator is not None else set()
    missing = []
    for sample in SAMPLES:
        city = _member_city(sample.countries, members, taken)
        if city is None:
            missing.append(sample.language)
            continue
        taken.add(city.pk)
        plan.append((city, sample))

    practices, created = [], 0
    for city, sample in plan:
        practice = _existing(city, sample)
        if practice is None:
            practice = _publish(_city_organisation(city), sample, framework)
            created += 1
        practices.append(practice)
    return DemoPractices(practices=practices, created=created, missing_languages=missing)
