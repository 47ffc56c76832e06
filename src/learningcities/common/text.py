"""Text helpers shared by search, matching and identity of names."""

import re
import unicodedata

# Letters that NFKD does not decompose into a base letter plus a mark.
_SPECIAL = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "Æ": "ae",
        "ø": "o",
        "Ø": "o",
        "œ": "oe",
        "Œ": "oe",
        "đ": "d",
        "Đ": "d",
        "ł": "l",
        "Ł": "l",
        "\u0131": "i",  # dotless i
        "þ": "th",
        "ð": "d",
        "ħ": "h",
        "ŀ": "l",
        "\u02bb": "",  # modifier letter turned comma (okina)
        "\u02bc": "",  # modifier letter apostrophe
        "\u2019": "",  # right single quotation mark
        "'": "",
        "`": "",
    }
)
_NON_WORD = re.compile(r"[^0-9a-z\u0080-\uffff]+")


def fold(text: str) -> str:
    """Return ``text`` lower-cased, without diacritics, with punctuation as single spaces.

    ``fold("Sơn La") == fold("son-la") == "son la"``; scripts without a Latin
    transliteration (Hangul, Han, Arabic) are kept as they are, lower-cased.
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.casefold().translate(_SPECIAL)
    return _NON_WORD.sub(" ", text).strip()
