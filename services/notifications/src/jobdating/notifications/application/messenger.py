"""A due message made concrete: its content rendered for its channel (an e-mail with its calendar
invitation, or an SMS), then handed to that channel. Queues, checks and outcomes are the dispatcher's."""

from __future__ import annotations

from dataclasses import dataclass

from jobdating.contracts.queries import Contact
from jobdating.notifications.application.content import Content
from jobdating.notifications.application.ports import (
    CalendarWriter,
    Email,
    EmailChannel,
    Renderer,
    SendResult,
    Sms,
    SmsChannel,
)
from jobdating.notifications.application.queries_deliveries import Delivery
from jobdating.notifications.domain.calendar import invitation_for


@dataclass(frozen=True, kw_only=True)
class Messenger:
    """Renders a message for its channel and sends it through the service's e-mail or SMS channel."""

    renderer: Renderer
    calendar: CalendarWriter
    email: EmailChannel
    sms: SmsChannel
    mail_from: str

    @property
    def mail_domain(self) -> str:
        """The domain of the Message-IDs this instance gives its e-mails."""
        return self.mail_from.rpartition("@")[2] or "jobdating.invalid"

    def compose(self, d: Delivery, contact: Contact, content: Content) -> Email | Sms:
        """The e-mail (with its calendar invitation) or the SMS that says `content` to `contact`."""
        rendered = self.renderer.render(d.kind, d.channel, content.context)
        if d.channel == "sms":
            assert contact.phone is not None  # checked by rules.after_contact
            return Sms(to=contact.phone, text=rendered.text, idempotency_key=d.notification_id)
        assert contact.email is not None  # checked by rules.after_contact
        invitation = invitation_for(content.entries)
        return Email(
            to=contact.email,
            subject=rendered.subject,
            text=rendered.text,
            message_id=f"<{d.notification_id}@{self.mail_domain}>",
            headers={
                "X-Jobdating-Notification": d.notification_id,
                "X-Jobdating-Kind": d.kind,
                "X-Jobdating-Cause": d.cause_event_id,
            },
            calendar=self.calendar.write(invitation, self.mail_from) if invitation else None,
            calendar_method=invitation.method if invitation else None,
        )

    async def send(self, message: Email | Sms) -> SendResult:
        """Hand `message` to its channel."""
        if isinstance(message, Email):
            return await self.email.send(message)
        return await self.sms.send(message)
