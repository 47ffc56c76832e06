# "6 thg 12, 2026", "14:02 6 thg 12, 2026" (CLDR's medium forms).
DATE_FORMAT = r"j \t\h\g n, Y"
SHORT_DATE_FORMAT = r"j \t\h\g n, Y"
DATETIME_FORMAT = r"H:i j \t\h\g n, Y"
SHORT_DATETIME_FORMAT = r"H:i j \t\h\g n, Y"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = r"j \t\h\g n"
YEAR_MONTH_FORMAT = r"\t\h\á\n\g n \n\ă\m Y"
# CLDR: "12.345,6".
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
