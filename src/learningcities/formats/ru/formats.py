# ruff: noqa: RUF001, RUF003 (Russian text: its г is the Cyrillic letter)
# «6 декабря 2026 г.», «6 декабря 2026 г., 14:02».
DATE_FORMAT = "j E Y г."
SHORT_DATE_FORMAT = "j E Y г."
DATETIME_FORMAT = "j E Y г., H:i"
SHORT_DATETIME_FORMAT = "j E Y г., H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j E"
YEAR_MONTH_FORMAT = "F Y г."
