"""Audit actions in the reader's words; an action without a label shows its code."""

from app.lazy_text import lazy_gettext as _l

ACTION_LABELS = {
    "auth.login": _l("Signed in"),
    "auth.login_failed": _l("Sign-in failed"),
    "auth.throttled": _l("Sign-in throttled"),
    "auth.locked": _l("Account locked after failed sign-ins"),
    "auth.logout": _l("Signed out"),
    "auth.reset_requested": _l("Password reset asked for"),
    "auth.reset_completed": _l("Password reset"),
    "auth.invite_completed": _l("Invitation accepted"),
    "auth.password_changed": _l("Password changed"),
    "auth.signed_out_everywhere": _l("Signed out everywhere"),
    "auth.second_factor_enabled": _l("Second factor set up"),
    "auth.second_factor_failed": _l("Wrong second-factor code"),
    "auth.recovery_code_used": _l("Recovery code used"),
    "user.second_factor_reset": _l("Second factor reset by an administrator"),
    "access.refused": _l("Access refused"),
    "audit.exported": _l("Audit trail exported"),
    "consultation.created": _l("Consultation created"),
    "consultation.updated": _l("Consultation details edited"),
    "consultation.opened": _l("Consultation opened"),
    "consultation.closed": _l("Consultation closed"),
    "consultation.archived": _l("Consultation archived"),
    "decisions.published": _l("Decisions published"),
    "decisions.unpublished": _l("Decisions withdrawn from publication"),
    "feedback.exported": _l("Feedback exported"),
    "feedback.imported": _l("Feedback imported"),
    "feedback.hidden": _l("Text hidden by moderation"),
    "feedback.unhidden": _l("Hidden text shown again"),
    "organisation.saved": _l("Organisation saved"),
    "privacy.accepted": _l("Privacy notice accepted"),
    "privacy.published": _l("Privacy notice published"),
    "question.deleted": _l("Question deleted"),
    "question.saved": _l("Question saved"),
    "retention.purged": _l("Data kept past its time removed"),
    "submission.read": _l("Submission read"),
    "submission.submitted": _l("Submission sent"),
    "submission.withdrawn": _l("Submission withdrawn"),
    "synthesis.released": _l("Synthesis released"),
    "synthesis.requested": _l("Synthesis asked for"),
    "synthesis.retried": _l("Synthesis started again"),
    "token.created": _l("API token created"),
    "token.revoked": _l("API token revoked"),
    "user.disabled": _l("Account disabled"),
    "user.enabled": _l("Account enabled"),
    "user.invite": _l("Person invited"),
    "user.role_changed": _l("Role changed"),
    "user.erasure_requested": _l("Erasure asked for"),
    "user.erasure_cancelled": _l("Erasure request withdrawn"),
    "user.erased": _l("Person erased"),
    "user.data_downloaded": _l("Own data downloaded"),
}


def action_label(action: str) -> str:
    """The action in the reader's language, or its code when it has no label yet."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action
