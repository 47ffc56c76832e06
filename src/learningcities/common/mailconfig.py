"""Parse ``LC_EMAIL_URL`` into a Django ``MAILERS`` entry (imported by settings.py).

Accepted forms::

    smtp://user:password@host:587?tls=1       STARTTLS (``tls=1``) or plain
    smtps://user:password@host:465            implicit TLS
    console://                                print messages (development)

User name and password are URL-decoded (``%40`` for ``@``). Query options:
``tls``, ``ssl``, ``timeout`` (seconds, default 30).
"""

from urllib.parse import SplitResult, parse_qs, unquote, urlsplit

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE_BACKEND = "django.core.mail.backends.console.EmailBackend"
_TRUE = {"1", "true", "yes", "on"}


class EmailURLError(ValueError):
    """LC_EMAIL_URL cannot be understood; the message says why."""


def parse_email_url(url: str) -> dict | None:
    """Return the mailer for ``url``: ``{"BACKEND": ..., "OPTIONS": {...}}``.

    ``None`` when ``url`` is empty: no transport, nothing is sent.
    """
    url = (url or "").strip()
    if not url:
        return None
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "console":
        return {"BACKEND": CONSOLE_BACKEND}
    if scheme not in {"smtp", "smtps"}:
        raise EmailURLError(
            f"LC_EMAIL_URL: unknown scheme {scheme!r}; use smtp://, smtps:// or console://"
        )
    if not parts.hostname:
        raise EmailURLError(
            "LC_EMAIL_URL: no host name, e.g. smtp://user:pass@mail.example.org:587"
        )
    return {"BACKEND": SMTP_BACKEND, "OPTIONS": _smtp_options(parts, scheme)}


def _default_port(*, use_ssl: bool, use_tls: bool) -> int:
    return 465 if use_ssl else 587 if use_tls else 25


def _smtp_options(parts: SplitResult, scheme: str) -> dict:
    """Return the SMTP backend's options for an smtp:// or smtps:// URL."""
    options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    use_ssl = scheme == "smtps" or options.get("ssl", "").lower() in _TRUE
    use_tls = not use_ssl and options.get("tls", "").lower() in _TRUE
    try:
        port = parts.port or _default_port(use_ssl=use_ssl, use_tls=use_tls)
        timeout = int(options.get("timeout", "30"))
    except ValueError as exc:
        raise EmailURLError(f"LC_EMAIL_URL: {exc}") from exc
    return {
        "host": parts.hostname,
        "port": port,
        "username": unquote(parts.username or ""),
        "password": unquote(parts.password or ""),
        "use_tls": use_tls,
        "use_ssl": use_ssl,
        "timeout": timeout,
    }
