"""Django's mail API writes into the outbox (the ``default`` mailer).

Mail sent by libraries (allauth's verification and password-reset messages,
Django's error mails) is then stored, shown and retried like the platform's own
notifications. The real transport (the ``transport`` mailer) is used only by
``common.domain.outbox.send_message``.
"""

from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction


class OutboxEmailBackend(BaseEmailBackend):
    """Store each message in the outbox; the outbox sends it after commit."""

    def send_messages(self, email_messages) -> int:
        from .domain.outbox import queue_email

        count = 0
        for email in email_messages:
            html_body = next(
                (
                    content
                    for content, mimetype in getattr(email, "alternatives", [])
                    if mimetype == "text/html"
                ),
                "",
            )
            if email.attachments:
                # The outbox stores text only; losing an attachment silently
                # would break "nothing is lost".
                raise ValueError("The outbox does not store attachments.")
            with transaction.atomic():
                queue_email(
                    recipients=email.recipients(),
                    subject=email.subject,
                    body=email.body,
                    html_body=html_body,
                    # Mail that libraries send (password reset, address
                    # confirmation) carries a personal link.
                    sensitive=True,
                )
            count += 1
        return count
