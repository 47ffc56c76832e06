"""One unambiguous date style per language (settings.FORMAT_MODULE_PATH).

Django's own formats write 12/06/2026 in English and 06/12/2026 in French: the same
characters for two different days. Every date here names its month ("6 Dec 2026",
"6 déc. 2026") and times use 24 hours. Attributes not set here (numbers, input
formats) are Django's for the language.
"""
