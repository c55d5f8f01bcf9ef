"""Email to staff (invitations, password resets, listings due for review), when SMTP is configured.

Without SMTP nothing is sent and callers show the link to an administrator to pass on instead. Email
bodies carry links and listing names only; they are never logged.
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from portal.settings import Settings

log = logging.getLogger(__name__)


def configured(settings: Settings) -> bool:
    return bool(settings.smtp_host)


def send(settings: Settings, to: str, subject: str, body: str) -> bool:
    """True when the message was handed to the mail server; False when email is off or the server failed."""
    if not configured(settings):
        return False
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = settings.smtp_from, to, subject
    message.set_content(body)
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as server:
            if settings.smtp_starttls:
                server.starttls()
            if settings.smtp_user:
                server.login(settings.smtp_user, settings.smtp_password)
            server.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        log.warning("email not sent: %s", type(error).__name__)
        return False
    return True
