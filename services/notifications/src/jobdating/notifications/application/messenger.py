"""A due message made concrete: its content rendered for its channel (an e-mail with its calendar
invitation, an SMS, or for a landline the same message read aloud in a voice call), then handed to that
channel. Queues, checks and outcomes are the dispatcher's; which line a phone message takes is
`domain.reach`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jobdating.contracts.queries import Contact
from jobdating.notifications.application.content import Content
from jobdating.notifications.application.ports import (
    CalendarWriter,
    Email,
    EmailChannel,
    RenderedText,
    Renderer,
    RenderingPool,
    SendResult,
    Sms,
    SmsChannel,
    VoiceCall,
    VoiceChannel,
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
    voice: VoiceChannel | None = None
    # Where the templates run when not on the event loop (the service's worker processes).
    pool: RenderingPool | None = None

    @property
    def mail_domain(self) -> str:
        """The domain of the Message-IDs this instance gives its e-mails."""
        return self.mail_from.rpartition("@")[2] or "jobdating.invalid"

    async def compose(
        self, d: Delivery, contact: Contact, content: Content, *, by_voice: bool = False
    ) -> Email | Sms | VoiceCall:
        """The e-mail (with its calendar invitation), the SMS or, `by_voice`, the call that says `content`
        to `contact`. A call keeps the SMS's idempotency key: it is the same message on another line."""
        if by_voice:
            assert contact.phone is not None  # checked by rules.after_contact
            spoken = await self._render(d.kind, "voice", content.context)
            return VoiceCall(to=contact.phone, text=spoken.text, idempotency_key=d.notification_id)
        rendered = await self._render(d.kind, d.channel, content.context)
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

    async def _render(self, kind: str, channel: str, context: Mapping[str, Any]) -> RenderedText:
        if self.pool is not None:
            return await self.pool.render(kind, channel, context)
        return self.renderer.render(kind, channel, context)

    async def send(self, message: Email | Sms | VoiceCall) -> SendResult:
        """Hand `message` to its channel."""
        if isinstance(message, Email):
            return await self.email.send(message)
        if isinstance(message, VoiceCall):
            assert self.voice is not None  # only composed when a voice channel is configured
            return await self.voice.call(message)
        return await self.sms.send(message)
