"""Virus scanners for the tests: LC_VIRUS_SCANNER points at one of these."""


def refuse_everything(file):
    return False, "Eicar-Test-Signature FOUND"


def accept_everything(file):
    file.read()
    return True, "OK (test scanner)"


def broken_scanner(file):
    raise ConnectionError("clamd is not running")
