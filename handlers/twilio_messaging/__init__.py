"""WhatsApp and SMS through Twilio: `/webhooks/twilio/messaging` (signed), replies from the outbox
through the REST API, delivery reports at `/webhooks/twilio/messaging/status`.

Settings: TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_MESSAGING_FROM (SMS), TWILIO_WHATSAPP_FROM,
SANAD_PUBLIC_URL, SANAD_SMS_MAX_SEGMENTS, SANAD_WHATSAPP_TEMPLATE_<NAME>[_<LANG>]. See
docs/channels.md.
"""

from handlers.twilio_messaging.adapter import TwilioMessagingAdapter, create
from handlers.twilio_messaging.segments import segments, sms_parts

__all__ = ["TwilioMessagingAdapter", "create", "segments", "sms_parts"]
