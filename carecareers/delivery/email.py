"""Send email through the SMTP server in SMTP_URL (smtp://, or smtps:// for implicit TLS)."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from urllib.parse import unquote, urlsplit

from carecareers.delivery.errors import AddressDead, MessageRejected, TryLater
from carecareers.models import OutboxMessage

TIMEOUT_SECONDS = 30.0


class SmtpUrlInvalid(ValueError):
    """SMTP_URL is not smtp://[user:password@]host[:port] or smtps://..."""


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    implicit_tls: bool
    username: str | None = None
    password: str | None = None


def parse_smtp_url(url: str) -> SmtpServer:
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise SmtpUrlInvalid("SMTP_URL must look like smtp://user:password@host:587 "
                             "or smtps://host:465")
    implicit = parts.scheme == "smtps"
    return SmtpServer(
        host=parts.hostname, port=parts.port or (465 if implicit else 25), implicit_tls=implicit,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None)


def build_email(message: OutboxMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.address
    email["Subject"] = message.subject
    email["Date"] = formatdate(localtime=False)
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    email["Message-ID"] = make_msgid(domain=domain)
    for name, value in (message.headers or {}).items():
        email[name] = value
    email.set_content(message.body)
    return email


class EmailSender:
    """One SMTP connection per batch: `send` opens it when needed, `close` ends it."""

    channel = "email"

    def __init__(self, smtp_url: str, sender: str) -> None:
        self.server = parse_smtp_url(smtp_url)
        self.sender = sender
        self._smtp: smtplib.SMTP | None = None

    def send(self, message: OutboxMessage) -> None:
        email = build_email(message, self.sender)
        try:
            self._connection().send_message(email)
        except smtplib.SMTPRecipientsRefused as exc:
            self.close()
            raise _refused(exc) from exc
        except smtplib.SMTPResponseException as exc:
            self.close()
            if exc.smtp_code >= 500 and isinstance(exc, smtplib.SMTPDataError):
                raise MessageRejected(f"the server refused the message ({exc.smtp_code})") from exc
            raise TryLater(f"the SMTP server answered {exc.smtp_code}") from exc
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            raise TryLater(f"the SMTP server did not answer: {type(exc).__name__}") from exc

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                self._smtp.close()
            self._smtp = None

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is None:
            self._smtp = self._connect()
        return self._smtp

    def _connect(self) -> smtplib.SMTP:
        server = self.server
        if server.implicit_tls:
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(server.host, server.port,
                                                  timeout=TIMEOUT_SECONDS,
                                                  context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(server.host, server.port, timeout=TIMEOUT_SECONDS)
            smtp.ehlo()
            if smtp.has_extn("starttls"):
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
        if server.username:
            smtp.login(server.username, server.password or "")
        return smtp


def _refused(exc: smtplib.SMTPRecipientsRefused) -> Exception:
    codes = [code for code, _ in exc.recipients.values()]
    if codes and all(code >= 500 for code in codes):
        return AddressDead(f"the mailbox was refused ({codes[0]})")
    return TryLater(f"the recipient was deferred ({codes[0] if codes else 'no code'})")
