"""The one place that decides who may do what. Anything not granted here is refused."""

from collections.abc import Callable

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.lazy_text import lazy_gettext as _l
from app.models import (
    Consultation,
    ConsultationInvitation,
    ExportJob,
    Organisation,
    Submission,
    Synthesis,
    User,
)
from app.services.errors import Forbidden

STAFF_ROLES = frozenset({"staff", "admin"})
PUBLIC_PHASES = frozenset({"upcoming", "open", "closed", "archived"})
RELEASED = frozenset({"council", "public"})


def _role(user: User | None) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return "anonymous"
    return user.role


def _is_staff(user: User | None, target: object = None) -> bool:
    return _role(user) in STAFF_ROLES


def _is_admin(user: User | None, target: object = None) -> bool:
    return _role(user) == "admin"


def _can_read_consultation(user: User | None, consultation: Consultation) -> bool:
    return consultation.phase() in PUBLIC_PHASES or _is_staff(user)


def _can_read_organisation(user: User | None, organisation: Organisation) -> bool:
    if _is_staff(user):
        return True
    return _role(user) == "partner" and user.organisation_id == organisation.id


def is_invited(organisation_id: int | None, consultation: Consultation) -> bool:
    """Whether the organisation was invited to answer the consultation."""
    if organisation_id is None or consultation.id is None:
        return False
    found = db.session.scalar(
        sa.select(ConsultationInvitation.id)
        .where(
            ConsultationInvitation.consultation_id == consultation.id,
            ConsultationInvitation.organisation_id == organisation_id,
        )
        .limit(1)
    )
    return found is not None


def _can_write_submission(user: User | None, consultation: Consultation) -> bool:
    """Partners of invited organisations write their submission; the service checks the phase."""
    return (
        _role(user) == "partner"
        and user.organisation_id is not None
        and consultation.phase() in PUBLIC_PHASES
        and is_invited(user.organisation_id, consultation)
    )


def _may_ask_invitation(user: User | None, consultation: Consultation) -> bool:
    """Readers who could take part but are not invited are told how to ask for an invitation."""
    return (
        _role(user) in {"anonymous", "visitor", "partner"}
        and consultation.phase() in {"upcoming", "open"}
        and not _can_write_submission(user, consultation)
    )


def _is_partner(user: User | None, target: object = None) -> bool:
    return _role(user) == "partner" and user.organisation_id is not None


def _is_council(user: User | None, target: object = None) -> bool:
    return _role(user) == "council"


def _can_read_submission(user: User | None, submission: Submission) -> bool:
    if _role(user) in STAFF_ROLES | {"council"}:
        return True
    return _role(user) == "partner" and user.organisation_id == submission.organisation_id


def _can_read_all_submissions(user: User | None, target: object = None) -> bool:
    return _role(user) in STAFF_ROLES | {"council"}


def _can_read_synthesis(user: User | None, synthesis: Synthesis) -> bool:
    """Staff read every synthesis; the Council those released to it; everyone the public ones
    whose organisations all allowed their feedback to be published with their name."""
    if _is_staff(user):
        return True
    if synthesis.status != "done":
        return False
    if _role(user) == "council":
        return synthesis.released_to in RELEASED
    return synthesis.released_to == "public" and quotes_consented(synthesis)


def quotes_consented(synthesis: Synthesis) -> bool:
    """Whether every organisation a synthesis read allowed its feedback to be published with
    its name: only then may anyone read the synthesis, which quotes them and names them. A
    choice changed after the release takes the synthesis back from the public at once."""
    ids = (synthesis.watermark or {}).get("submission_ids", [])
    if not ids:
        return True
    withheld = db.session.scalar(
        sa.select(Submission.id)
        .where(Submission.id.in_(ids), Submission.publication != "named")
        .limit(1)
    )
    return withheld is None


def _can_review_synthesis(user: User | None, synthesis: Synthesis) -> bool:
    """Council members note and decide on what was released to them; admins too."""
    return _role(user) in {"council", "admin"} and _can_read_synthesis(user, synthesis)


def _can_read_decisions(user: User | None, synthesis: Synthesis) -> bool:
    """Who reads the Council's decisions on a synthesis ("You said, we did").

    Staff always, and the Council whenever it may read the synthesis it decides on. Once
    staff publish the decisions, every partner reads them: the network sees what became of
    its proposals. Visitors and anonymous readers read them only when the synthesis itself
    is public too, since the report repeats the proposed wordings and names who sent them.
    """
    if _is_staff(user):
        return True
    if synthesis.status != "done" or not _can_read_consultation(user, synthesis.consultation):
        return False
    if _role(user) == "council" and _can_read_synthesis(user, synthesis):
        return True
    # Taking a synthesis back from its readers takes its published decisions back too.
    if synthesis.decisions_published_at is None or synthesis.released_to not in RELEASED:
        return False
    if _role(user) in {"partner", "council"}:
        return True
    return synthesis.released_to == "public" and quotes_consented(synthesis)


def _can_export_feedback(user: User | None, consultation: Consultation) -> bool:
    """Whoever reads every submission may take them away as a file."""
    return _can_read_all_submissions(user) and _can_read_consultation(user, consultation)


def _can_read_published_feedback(user: User | None, consultation: Consultation) -> bool:
    """Everyone reads the feedback staff published after the deadline (what each organisation
    allowed of it); staff read it before too, to see what publishing would show."""
    if _is_staff(user):
        return True
    return consultation.feedback_published_at is not None and consultation.phase() in {
        "closed",
        "archived",
    }


def _is_requester(user: User | None, job: ExportJob) -> bool:
    """An export's file is its requester's alone, whatever the role of anyone else."""
    return _role(user) != "anonymous" and job.requested_by_id == user.id


def _is_signed_in(user: User | None, target: object = None) -> bool:
    """What concerns only the person themselves (My data): anyone signed in, for themselves."""
    return _role(user) != "anonymous"


def _can_invite_role(user: User | None, role: str) -> bool:
    """Staff bring in partners, council members and visitors; only admins create staff."""
    if _is_admin(user):
        return True
    return _is_staff(user) and role in {"visitor", "partner", "council"}


RULES: dict[str, Callable[[User | None, object], bool]] = {
    "consultation.read": _can_read_consultation,
    "consultation.manage": _is_staff,
    "organisation.read": _can_read_organisation,
    "organisation.manage": _is_staff,
    "organisation.erase": _is_admin,
    "user.invite": _can_invite_role,
    "user.list": _is_staff,
    "user.manage": _is_admin,
    "user.erase": _is_admin,
    "privacy.manage": _is_admin,
    "staff.area": _is_staff,
    "outbox.manage": _is_staff,
    "partner.home": _is_partner,
    "council.home": _is_council,
    "submission.write": _can_write_submission,
    "submission.read": _can_read_submission,
    "invitation.ask": _may_ask_invitation,
    "submission.read_all": _can_read_all_submissions,
    "feedback.import": _is_staff,
    "synthesis.run": _is_staff,
    "synthesis.read": _can_read_synthesis,
    "synthesis.review": _can_review_synthesis,
    "decisions.publish": _is_staff,
    "decisions.read": _can_read_decisions,
    "feedback.follow": _is_staff,
    "feedback.moderate": _is_staff,
    "feedback.publish": _is_staff,
    "feedback.read_published": _can_read_published_feedback,
    "audit.read": _is_staff,
    "export.feedback": _can_export_feedback,
    "export.read": _is_requester,
    "account.own_data": _is_signed_in,
}


def can(user: User | None, action: str, target: object = None) -> bool:
    """Whether `user` may do `action` (on `target`); unknown actions are refused."""
    rule = RULES.get(action)
    if rule is None:
        return False
    try:
        return bool(rule(user, target))
    except (AttributeError, TypeError):
        return False  # a target of the wrong kind never grants anything


def require(user: User | None, action: str, target: object = None) -> None:
    """Raise Forbidden unless `user` may do `action`, saying how to get in where there is a way."""
    if can(user, action, target):
        return
    if action == "submission.write" and can(user, "invitation.ask", target):
        raise Forbidden(invitation_advice())
    raise Forbidden(_l("You do not have permission to do this."))


def invitation_advice() -> str:
    """What someone who is not invited reads: who to write to for an invitation."""
    return _l(
        "Only invited organisations can send feedback on this consultation. To ask for an "
        "invitation, write to the secretariat at %(email)s.",
        email=current_app.config["SECRETARIAT_EMAIL"],
    )


class CommandLineActor:
    """The operator running `flask` commands on the server: trusted like an administrator."""

    id = None
    role = "admin"
    name = "command line"
    email = ""
    locale = None
    is_authenticated = True


COMMAND_LINE = CommandLineActor()
