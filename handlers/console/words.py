"""The console's own words, translated like everything else (`make messages` extracts them).

Templates read them as `w.<name>`; the page's script gets the few it needs as JSON.
"""

from __future__ import annotations

from bot.domain import Text
from bot.render import Renderer

WORDS: dict[str, Text] = {
    # frame
    "title": Text("console.title", "Sanad — counsellors' console"),
    "nav_queue": Text("console.nav.queue", "Queue"),
    "nav_supervision": Text("console.nav.supervision", "Supervision"),
    "nav_counsellors": Text("console.nav.counsellors", "Counsellors"),
    "sign_out": Text("console.sign_out", "Sign out"),
    "on_duty": Text("console.duty.on", "On duty"),
    "off_duty": Text("console.duty.off", "Off duty"),
    "go_on_duty": Text("console.duty.go_on", "Go on duty"),
    "go_off_duty": Text("console.duty.go_off", "Go off duty"),
    "enable_alerts": Text("console.alerts.enable", "Turn on sound and notifications"),
    "alerts_on": Text("console.alerts.on", "Sound and notifications are on."),
    "language_label": Text("console.language", "Language"),
    "change": Text("console.change", "Change"),
    # signing in
    "sign_in_title": Text("console.sign_in.title", "Counsellors: sign in"),
    "name": Text("console.sign_in.name", "Name"),
    "password": Text("console.sign_in.password", "Password"),
    "sign_in": Text("console.sign_in.button", "Sign in"),
    "login_failed": Text("console.sign_in.failed", "The name or the password is wrong."),
    "login_limited": Text(
        "console.sign_in.limited", "Too many attempts. Wait a quarter of an hour, then try again."
    ),
    "signed_out": Text("console.sign_in.signed_out", "You are signed out."),
    "confidential": Text(
        "console.confidential",
        "Everything here is confidential: do not copy it outside the console.",
    ),
    # the queue
    "mine": Text("console.queue.mine", "With me"),
    "waiting_yours": Text("console.queue.waiting_yours", "Waiting — in your languages"),
    "waiting_all": Text("console.queue.waiting_all", "Waiting"),
    "waiting_other": Text("console.queue.waiting_other", "Waiting — other languages"),
    "colleagues": Text("console.queue.colleagues", "With colleagues"),
    "nobody_waiting": Text("console.queue.nobody_waiting", "Nobody is waiting."),
    "none_mine": Text("console.queue.none_mine", "You have no conversation open."),
    "col_priority": Text("console.col.priority", "Priority"),
    "col_language": Text("console.col.language", "Language"),
    "col_waiting": Text("console.col.waiting", "Waiting for"),
    "col_reason": Text("console.col.reason", "Reason"),
    "col_channel": Text("console.col.channel", "Channel"),
    "col_counsellor": Text("console.col.counsellor", "Counsellor"),
    "take": Text("console.take", "Take it"),
    "open": Text("console.open", "Open"),
    "unknown_language": Text("console.unknown_language", "not known yet"),
    # priorities and reasons
    "priority_critical": Text("console.priority.critical", "Critical"),
    "priority_elevated": Text("console.priority.elevated", "Elevated"),
    "priority_normal": Text("console.priority.normal", "Normal"),
    "reason_critical_risk": Text("console.reason.critical_risk", "Danger now"),
    "reason_elevated_risk": Text("console.reason.elevated_risk", "Distress"),
    "reason_talk_to_human": Text("console.reason.talk_to_human", "Asked for a person"),
    "reason_voicemail": Text("console.reason.voicemail", "Voicemail: call back"),
    "reason_checkins_missed": Text("console.reason.checkins_missed", "Check-ins missed"),
    # alerts
    "alert_title": Text("console.alert.title", "Critical: someone may be in danger"),
    "alert_body": Text(
        "console.alert.body", "A critical conversation is waiting at the top of the queue."
    ),
    "transferred_to_you": Text(
        "console.alert.transferred", "A colleague passed a conversation to you."
    ),
    "dismiss": Text("console.dismiss", "Dismiss"),
    # a conversation
    "back": Text("console.back", "Back to the queue"),
    "person": Text("console.from.person", "Person"),
    "bot": Text("console.from.bot", "Sanad"),
    "note": Text("console.from.note", "Internal note"),
    "waiting_nobody": Text("console.case.nobody", "Nobody has this conversation yet."),
    "with_counsellor": Text("console.case.with", "With {name}"),
    "closed_outcome": Text("console.case.closed", "Closed: {outcome}"),
    "earlier": Text("console.case.earlier", "Earlier requests from this person: {count}"),
    "reply_placeholder": Text("console.reply.placeholder", "Write to the person…"),
    "send": Text("console.reply.send", "Send"),
    "canned": Text("console.canned", "Canned replies"),
    "canned_choose": Text("console.canned.choose", "Insert a canned reply…"),
    "note_placeholder": Text(
        "console.note.placeholder", "Internal note (never sent to the person)…"
    ),
    "add_note": Text("console.note.add", "Add the note"),
    "release": Text("console.release", "Put back in the queue"),
    "transfer": Text("console.transfer", "Pass to a colleague"),
    "transfer_button": Text("console.transfer.button", "Pass"),
    "close": Text("console.close", "Close and hand back to Sanad"),
    "outcome_label": Text("console.outcome", "Outcome"),
    "outcome_information": Text("console.outcome.information", "Information given"),
    "outcome_referral": Text("console.outcome.referral", "Referred to a service of the directory"),
    "outcome_follow_up": Text("console.outcome.follow_up", "Follow-up needed"),
    "reveal": Text("console.reveal", "Show the number to call back"),
    "number": Text("console.reveal.number", "Number to call back: {number}"),
    "voicemail": Text("console.media.recording", "Voicemail"),
    "attachment": Text(
        "console.media.attachment", "Attachment ({kind}): it cannot be played here."
    ),
    "media_failed": Text(
        "console.media.failed",
        "The recording could not be fetched from the provider; try again later.",
    ),
    "previous_conversation": Text("console.case.previous", "Earlier conversation"),
    "claimed_ok": Text("console.done.claimed", "The conversation is yours: the person was told."),
    "closed_ok": Text(
        "console.done.closed", "Closed; the person was told and Sanad takes over again."
    ),
    "released_ok": Text("console.done.released", "The conversation is back in the queue."),
    "transferred_ok": Text("console.done.transferred", "The conversation was passed to {name}."),
    # check-ins
    "checkins": Text("console.checkins.title", "Check-ins"),
    "checkins_plan": Text("console.checkins.plan", "Every {days} days · {status}"),
    "checkins_trend": Text(
        "console.checkins.trend",
        "Score of the last check-ins (higher means more distress; {offer} and over: a "
        "counsellor was offered)",
    ),
    "checkin_plan_active": Text("console.checkins.active", "active"),
    "checkin_plan_paused": Text("console.checkins.paused", "paused"),
    "checkin_plan_stopped": Text("console.checkins.stopped", "stopped"),
    "checkin_open": Text("console.checkins.status.open", "sent, waiting for answers"),
    "checkin_reminded": Text("console.checkins.status.reminded", "reminded"),
    "checkin_completed": Text("console.checkins.status.completed", "answered"),
    "checkin_missed": Text("console.checkins.status.missed", "missed"),
    "checkin_skipped": Text("console.checkins.status.skipped", "skipped"),
    "checkin_outcome_fine": Text("console.checkins.outcome.fine", "fine"),
    "checkin_outcome_offer": Text("console.checkins.outcome.offer", "a counsellor was offered"),
    "checkin_outcome_critical": Text(
        "console.checkins.outcome.critical", "danger: critical ticket"
    ),
    "checkin_flagged": Text("console.checkins.flagged", "{count} worrying free-text answer(s)"),
    "checkin_score": Text("console.checkins.score", "score {score}"),
    # supervision
    "supervision": Text("console.sup.title", "Supervision"),
    "queue_length": Text("console.sup.queue_length", "Waiting now"),
    "longest_wait": Text("console.sup.longest_wait", "Longest wait"),
    "in_progress": Text("console.sup.in_progress", "With a counsellor"),
    "online": Text("console.sup.online", "Counsellors online"),
    "nobody_online": Text("console.sup.nobody_online", "Nobody is on duty."),
    "outcomes_30": Text("console.sup.outcomes", "Closed in the last 30 days, by outcome"),
    "served_fast": Text("console.sup.served_fast", "Taken within 5 minutes (last 7 days)"),
    "open_now": Text("console.sup.open_now", "Open conversations"),
    # accounts
    "counsellors": Text("console.admin.title", "Counsellors"),
    "add_counsellor": Text("console.admin.add", "Add a counsellor"),
    "role_label": Text("console.admin.role", "Role"),
    "languages": Text("console.admin.languages", "Languages (e.g. fr,ar)"),
    "role_counsellor": Text("console.role.counsellor", "Counsellor"),
    "role_supervisor": Text("console.role.supervisor", "Supervisor"),
    "role_admin": Text("console.role.admin", "Administrator"),
    "active": Text("console.admin.active", "Active"),
    "deactivated": Text("console.admin.deactivated", "Deactivated"),
    "activate": Text("console.admin.activate", "Activate"),
    "deactivate": Text("console.admin.deactivate", "Deactivate"),
    "added": Text("console.admin.added", "{name} can now sign in."),
    # refusals
    "csrf": Text("console.refused.csrf", "This form has expired: reload the page and try again."),
    "supervisors_only": Text("console.refused.supervisors", "This page is for supervisors."),
    "admins_only": Text("console.refused.admins", "This page is for administrators."),
}


class Words:
    """The words in one language: `w.take`, `w.format("number", number=…)`, `w.reason(slug)`."""

    def __init__(self, renderer: Renderer, language: str) -> None:
        self._renderer, self.language = renderer, language
        self._all = {name: renderer.text(text, language) for name, text in WORDS.items()}

    def __getattr__(self, name: str) -> str:
        try:
            return self._all[name]
        except KeyError:
            raise AttributeError(name) from None

    def format(self, key: str, /, **params: object) -> str:
        return self._renderer.text(WORDS[key].with_params(**params), self.language)

    def text(self, text: Text) -> str:
        return self._renderer.text(text, self.language)

    def reason(self, slug: str) -> str:
        """A ticket's reason: named for the four the engine uses, else the flow's topic."""
        return self._all.get("reason_" + slug) or slug.replace("_", " ").capitalize()

    def priority(self, slug: str) -> str:
        return self._all.get("priority_" + slug, slug)

    def outcome(self, slug: str | None) -> str:
        return self._all.get(f"outcome_{slug}", slug or "")

    def role(self, slug: str) -> str:
        return self._all.get("role_" + slug, slug)

    def checkin(self, kind: str, slug: str | None) -> str:
        """A check-in's status, outcome or plan status in words."""
        return self._all.get(f"{kind}_{slug}", slug or "")

    def for_script(self) -> dict[str, str]:
        names = ("alert_title", "alert_body", "transferred_to_you", "alerts_on", "dismiss")
        return {name: self._all[name] for name in names}
