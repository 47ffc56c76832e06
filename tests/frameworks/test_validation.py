import os
import subprocess
import sys
import textwrap

import pytest
import yaml

from learningcities.frameworks.domain.errors import FrameworkInvalid
from learningcities.frameworks.domain.loading import load_framework
from learningcities.frameworks.enums import AnswerType
from learningcities.frameworks.models import Framework

from .helpers import framework_rows, refused_load, run_load, small_document

pytestmark = pytest.mark.django_db

CRITERION = "sections[0].areas[0].criteria[0]"

# The answer types, as the error lists them (a new type joins the list).
TYPES = ", ".join(AnswerType.values)


def problems_of(data) -> list[str]:
    with pytest.raises(FrameworkInvalid) as excinfo:
        load_framework(data)
    return [str(problem) for problem in excinfo.value.problems]


def write_yaml(tmp_path, text: str, name="framework.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


SMALL_YAML = """
    code: test-framework
    version: "1.0"
    name: Test framework
    sections:
      - code: "1"
        title: First section
        areas:
          - code: "1.1"
            title: First area
            criteria:
              - code: "1.1.1"
                title: A question
                answer_type: text
                word_limit: 200
              - code: "1.1.2"
                title: Another question
                answer_type: rating
"""


def test_load_framework_missing_key_named_with_path():
    data = small_document()
    del data["sections"][0]["areas"][0]["criteria"][0]["answer_type"]

    assert problems_of(data) == [f"{CRITERION}.answer_type: missing"]


def test_load_framework_wrong_answer_type_named_with_choices():
    data = small_document()
    data["sections"][0]["areas"][1]["criteria"][0]["answer_type"] = "essay"

    assert problems_of(data) == [
        f"sections[0].areas[1].criteria[0].answer_type: must be one of {TYPES}"
    ]


def test_load_framework_duplicate_criterion_code_names_first_location():
    data = small_document()
    data["sections"][1]["areas"][0]["criteria"][0]["code"] = "1.1.2"

    assert problems_of(data) == [
        "sections[1].areas[0].criteria[0].code: duplicate code 1.1.2 "
        "(also at sections[0].areas[0].criteria[1])"
    ]


@pytest.mark.parametrize("limit", [0, -5, "many", 2.5, True])
def test_load_framework_bad_word_limit_refused(limit):
    data = small_document()
    data["sections"][0]["areas"][0]["criteria"][0]["word_limit"] = limit

    assert problems_of(data) == [f"{CRITERION}.word_limit: word_limit must be a positive integer"]


def test_load_framework_unknown_key_suggests_close_name():
    data = small_document()
    data["sections"][0]["areas"][0]["criteria"][0]["wordlimit"] = 100

    assert problems_of(data) == [
        f"{CRITERION}.wordlimit: unknown key 'wordlimit' (did you mean 'word_limit'?)"
    ]


def test_load_framework_unknown_key_far_from_any_lists_allowed_keys():
    data = small_document()
    data["colour"] = "blue"

    assert problems_of(data) == [
        "colour: unknown key 'colour' (allowed: code, version, name, language, description, "
        "is_official_wording, source, notes, sections)"
    ]


def test_load_framework_carries_from_too_long_refused():
    data = small_document()
    data["sections"][0]["areas"][0]["criteria"][1]["carries_from"] = "1.1.2." + "9" * 15

    assert problems_of(data) == [
        "sections[0].areas[0].criteria[1].carries_from: must be at most 20 characters long"
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (1.1, 'must be text: write it in quotes, such as carries_from: "1.1", so YAML keeps it '
         "as written"),
        ("1.1 2", "may contain only letters, digits, dots, hyphens and underscores"),
        (["1.1"], "must be text"),
    ],
)  # fmt: skip
def test_load_framework_bad_carries_from_refused(value, message):
    data = small_document()
    data["sections"][1]["areas"][0]["criteria"][0]["carries_from"] = value

    assert problems_of(data) == [f"sections[1].areas[0].criteria[0].carries_from: {message}"]


def test_load_framework_command_carries_from_problem_names_line(tmp_path):
    path = write_yaml(
        tmp_path,
        SMALL_YAML.replace(
            "answer_type: rating", "answer_type: rating\n                carries_from: " + "x" * 21
        ),
    )

    _message, err = refused_load(path)

    assert err == (
        f"{path}: line 18: sections[0].areas[0].criteria[1].carries_from: "
        "must be at most 20 characters long\n"
    )


def test_load_framework_rating_min_not_below_max_refused():
    data = small_document()
    data["sections"][0]["areas"][0]["criteria"][1]["scale"] = {"min": 5, "max": 5}

    assert problems_of(data) == [
        "sections[0].areas[0].criteria[1].scale.min: rating min must be below max"
    ]


def test_load_framework_rating_levels_must_match_scale():
    data = small_document()
    data["sections"][0]["areas"][0]["criteria"][1]["scale"]["levels"] = ["Low", "High"]

    assert problems_of(data) == [
        "sections[0].areas[0].criteria[1].scale.levels: must list 3 descriptors, one for each "
        "point from 1 to 3; found 2"
    ]


def test_load_framework_setting_of_other_answer_type_refused():
    data = small_document()
    data["sections"][0]["areas"][1]["criteria"][0]["word_limit"] = 100

    assert problems_of(data) == [
        "sections[0].areas[1].criteria[0].word_limit: applies to text answers only"
    ]


def test_load_framework_bad_file_kind_and_weight_refused():
    data = small_document()
    data["sections"][1]["areas"][0]["criteria"][0]["file_kinds"] = ["pdf", "video"]
    data["sections"][1]["areas"][0]["criteria"][0]["weight"] = 0

    assert problems_of(data) == [
        "sections[1].areas[0].criteria[0].weight: weight must be a positive number up to 999.999",
        "sections[1].areas[0].criteria[0].file_kinds[1]: must be one of pdf, image, office",
    ]


def test_load_framework_not_a_mapping_refused():
    assert problems_of(["a", "list"]) == ["(document): must be a mapping of keys to values"]


def test_load_framework_empty_sections_refused():
    data = small_document()
    data["sections"] = []

    assert problems_of(data) == ["sections: must not be empty"]


def test_load_framework_every_problem_reported_at_once():
    data = small_document()
    del data["name"]
    data["sections"][0]["areas"][0]["criteria"][0]["answer_type"] = "essay"
    data["sections"][0]["areas"][0]["titel"] = "typo"

    assert problems_of(data) == [
        "name: missing",
        "sections[0].areas[0].titel: unknown key 'titel' (did you mean 'title'?)",
        f"{CRITERION}.answer_type: must be one of {TYPES}",
    ]


def test_load_framework_command_valid_file_loads(tmp_path):
    path = write_yaml(tmp_path, SMALL_YAML)

    out, err = run_load(path)

    assert out.strip() == (
        "test-framework 1.0: loaded (1 sections, 1 areas, 2 criteria, 0 indicators)."
    )
    assert err == ""
    criterion = Framework.objects.get(code="test-framework").criteria.get(code="1.1.2")
    assert (criterion.rating_min, criterion.rating_max) == (1, 5)


def test_load_framework_command_second_run_reports_unchanged(tmp_path):
    path = write_yaml(tmp_path, SMALL_YAML)
    run_load(path)
    before = framework_rows()

    out, _err = run_load(path)

    assert out.strip() == "test-framework 1.0: unchanged (already loaded with this content)."
    assert framework_rows() == before


def test_load_framework_command_dry_run_writes_nothing(tmp_path):
    path = write_yaml(tmp_path, SMALL_YAML)
    before = framework_rows()

    out, _err = run_load(path, "--dry-run")

    assert out.strip() == (
        "Dry run, nothing written: would load test-framework 1.0 "
        "(1 sections, 1 areas, 2 criteria, 0 indicators)."
    )
    assert framework_rows() == before


def test_load_framework_command_changed_content_same_version_refused(tmp_path):
    run_load(write_yaml(tmp_path, SMALL_YAML))
    changed = write_yaml(tmp_path, SMALL_YAML.replace("A question", "Reworded"), "v1b.yaml")

    message, _err = refused_load(changed)

    assert message == (
        f"{changed}: refused: test-framework version 1.0 already loaded with different "
        "content; give the new content a new version; nothing was loaded."
    )


def test_load_framework_command_syntax_error_names_line_and_column(tmp_path):
    path = write_yaml(tmp_path, SMALL_YAML.replace("title: First area", "title: [First area"))

    message, err = refused_load(path)

    assert message == f"{path}: refused, 1 problem(s); nothing was loaded."
    assert err == (
        f"{path}: line 10, column 17: YAML syntax error: expected ',' or ']', but got ':' "
        "(while parsing a flow sequence)\n"
    )


def test_load_framework_command_schema_error_names_line_and_path(tmp_path):
    path = write_yaml(tmp_path, SMALL_YAML.replace("answer_type: rating", "answer_type: stars"))

    _message, err = refused_load(path)

    assert err == (
        f"{path}: line 17: sections[0].areas[0].criteria[1].answer_type: must be one of {TYPES}\n"
    )


def test_load_framework_command_missing_key_names_line_of_parent(tmp_path):
    path = write_yaml(tmp_path, SMALL_YAML.replace("        title: First section\n", ""))

    _message, err = refused_load(path)

    assert err == f"{path}: line 5: sections[0].title: missing\n"


def test_load_framework_command_duplicate_yaml_key_refused(tmp_path):
    path = write_yaml(
        tmp_path,
        SMALL_YAML.replace("word_limit: 200", "word_limit: 200\n                word_limit: 300"),
    )

    _message, err = refused_load(path)

    assert err == (
        f"{path}: line 15: {CRITERION}.word_limit: duplicate key 'word_limit' (also on line 14)\n"
    )


def test_load_framework_command_unquoted_decimal_code_explained(tmp_path):
    path = write_yaml(tmp_path, SMALL_YAML.replace('code: "1.1"', "code: 1.1"))

    _message, err = refused_load(path)

    assert err == (
        f"{path}: line 8: sections[0].areas[0].code: must be text: write it in quotes, such as "
        'code: "1.1", so YAML keeps it as written\n'
    )


def test_load_framework_command_not_utf8_refused(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("name: Küche\n".encode("latin-1"))

    _message, err = refused_load(path)

    assert err == f"{path}: not UTF-8 text (byte 7 cannot be read)\n"


def test_load_framework_command_needs_file_or_shipped():
    message, _err = refused_load()

    assert message == "Give either a framework file or --shipped."


def test_load_framework_command_shipped_reports_unchanged():
    out, _err = run_load("--shipped")

    assert out.splitlines() == [
        "key-features 2013-short: unchanged (already loaded with this content).",
        "learning-city-award 2024: unchanged (already loaded with this content).",
        "learning-city-award 2024.2: unchanged (already loaded with this content).",
        "progress-report 2026: unchanged (already loaded with this content).",
    ]


def test_load_framework_console_script_exit_status_and_stderr(tmp_path):
    path = write_yaml(tmp_path, "code: x\nsections: [\n")
    env = {**os.environ, "LC_DATA_DIR": str(tmp_path / "var")}

    completed = subprocess.run(
        [sys.executable, "-m", "learningcities", "load-framework", str(path)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )

    assert completed.returncode == 1
    assert f"{path}: line 3, column 1: YAML syntax error: " in completed.stderr
    assert "refused, 1 problem(s); nothing was loaded." in completed.stderr
    assert completed.stdout == ""


def test_shipped_files_are_safe_yaml_with_own_wording_marked():
    from learningcities.frameworks.interfaces.yaml_files import SHIPPED_DIR, SHIPPED_FILES

    for name in SHIPPED_FILES:
        data = yaml.safe_load((SHIPPED_DIR / name).read_text(encoding="utf-8"))
        assert data["is_official_wording"] is False
        assert "can be loaded as another version" in " ".join(data["notes"].split())
