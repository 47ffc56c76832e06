# « 6 déc. 2026 », « 6 déc. 2026 à 14:02 » : le mois en lettres, heures sur 24.
DATE_FORMAT = "j N Y"
SHORT_DATE_FORMAT = "j N Y"
DATETIME_FORMAT = "j N Y à H:i"
SHORT_DATETIME_FORMAT = "j N Y à H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j N"
YEAR_MONTH_FORMAT = "F Y"
