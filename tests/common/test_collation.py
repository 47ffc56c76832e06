"""Names sort as each interface language expects (common/collation.py)."""

import threading

import pytest
from django.utils import translation

from learningcities.common.collation import sort_key, sorted_by


def collate(names: list[str], language: str) -> list[str]:
    return sorted(names, key=sort_key(language))


def test_sort_key_keeps_accented_names_beside_their_letter():
    names = ["Zagreb", "Évora", "Espoo", "Oslo", "Örebro"]

    assert collate(names, "en") == ["Espoo", "Évora", "Örebro", "Oslo", "Zagreb"]
    assert collate(names, "fr") == ["Espoo", "Évora", "Örebro", "Oslo", "Zagreb"]


def test_sort_key_spanish_puts_enye_after_n():
    names = ["Oaxaca", "Ñuñoa", "Nuevo León", "Natal"]

    assert collate(names, "es") == ["Natal", "Nuevo León", "Ñuñoa", "Oaxaca"]


def test_sort_key_vietnamese_letters_follow_their_base_letter():
    names = ["Đà Nẵng", "Dĩ An", "Cần Thơ", "Cao Lãnh", "Sa Đéc"]

    assert collate(names, "vi") == ["Cao Lãnh", "Cần Thơ", "Dĩ An", "Đà Nẵng", "Sa Đéc"]
    # Without the Vietnamese tailoring, â is "a" with an accent: Cần before Cao.
    assert collate(names, "en")[:2] == ["Cần Thơ", "Cao Lãnh"]


def test_sort_key_chinese_follows_pinyin():
    # Āgēntíng, Bāxī, Déguó, Fǎguó, Rìběn, Yuènán, Zhōngguó.
    names = ["中国", "越南", "日本", "法国", "德国", "巴西", "阿根廷"]

    assert collate(names, "zh-hans") == ["阿根廷", "巴西", "德国", "法国", "日本", "越南", "中国"]


def test_sort_key_russian_puts_yo_beside_ye():
    names = ["Ярославль", "Ёлка", "Жуковский", "Елец", "Абакан"]

    assert collate(names, "ru") == ["Абакан", "Елец", "Ёлка", "Жуковский", "Ярославль"]


def test_sort_key_arabic_ignores_short_vowel_marks():
    # Code points put "عُمان" (with a damma) after every other name beginning with ع.
    names = ["عنابة", "عُمان", "عكا", "الأردن"]

    assert collate(names, "ar") == ["الأردن", "عكا", "عُمان", "عنابة"]


def test_sort_key_defaults_to_the_active_language():
    names = ["Ñuñoa", "Oaxaca", "Nuevo León"]

    with translation.override("es"):
        assert sorted(names, key=sort_key()) == ["Nuevo León", "Ñuñoa", "Oaxaca"]


@pytest.mark.parametrize("language", ["en", "vi"])
def test_sorted_by_orders_items_by_their_name(language):
    items = [{"name": "Đà Nẵng"}, {"name": "Dĩ An"}, {"name": "Cần Thơ"}]

    result = sorted_by(items, lambda item: item["name"], language=language)

    assert [item["name"] for item in result] == collate([i["name"] for i in items], language)


def test_sort_key_gives_each_thread_its_own_collator():
    keys = {}

    def read_key():
        keys[threading.get_ident()] = sort_key("vi")

    thread = threading.Thread(target=read_key)
    thread.start()
    thread.join()
    here = sort_key("vi")

    (other,) = keys.values()
    assert other.__self__ is not here.__self__
    assert other("Đà Nẵng") == here("Đà Nẵng")
