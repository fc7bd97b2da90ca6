"""A small world in which every route of the app has something real to answer about.

The access matrix and the bad-input walk both fill each route's path variables from here,
so that an allowed request reaches the code behind the route instead of stopping at a 404.
"""

from flask import Flask
from werkzeug.routing import Rule

from app.extensions import db
from app.models import ExportJob, Organisation, Synthesis
from app.models.common import utcnow
from tests.conftest import invite_organisations, make_user
from tests.helpers import make_consultation, make_submitted
from tests.synthesis.test_council_pages import build_result

ROLES = ("anonymous", "visitor", "partner", "council", "staff", "admin")


def build_world(users: dict, organisation: Organisation) -> dict[str, str]:
    """An open consultation UNICEF is invited to and answered, a synthesis released to the
    Council with published decisions, a staff export job, and a partner to manage; returns
    the value to put in each path variable name."""
    consultation = make_consultation()
    invite_organisations(db, consultation, organisation)
    paragraph = consultation.current_version.paragraphs[1]
    submission = make_submitted(
        consultation,
        organisation,
        [(paragraph, "amend", "Add children.", "Second, for every child.", "en")],
        {consultation.questions[0]: 4},
    )
    synthesis = Synthesis(
        consultation=consultation,
        number=1,
        status="done",
        progress=100,
        watermark={"submission_ids": [submission.id]},
        result=build_result(consultation, [submission]),
        finished_at=utcnow(),
        released_to="council",
        decisions_published_at=utcnow(),
    )
    job = ExportJob(
        public_id="a" * 32,
        requested_by=users["staff"],
        consultation=consultation,
        kind="feedback",
        file_format="csv",
    )
    managed = make_user(db, "managed@unicef.example.org", "partner", organisation)
    db.session.add_all([synthesis, job])
    db.session.commit()
    return {
        "slug": consultation.slug,
        "submission_id": str(submission.id),
        "number": "1",
        "position": "0",
        "paragraph": paragraph.number,
        "key": "a" * 40,
        "question_id": str(consultation.questions[0].id),
        "organisation_id": str(organisation.id),
        "user_id": str(managed.id),
        "token_id": "1",
        "message_id": "1",
        "moderation_id": "1",
        "public_id": job.public_id,
        "language": "fr",
        "token": "no-such-token",
        "filename": "css/app.css",
        "file_format": "csv",
    }


def routes(app: Flask) -> list[tuple[Rule, str]]:
    """Every (rule, method) the app answers, HEAD and OPTIONS aside, in a stable order."""
    found = []
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((rule, method))
    return sorted(found, key=lambda pair: (pair[0].rule, pair[1]))


def route_key(rule: Rule, method: str) -> str:
    """How the matrix names a route: `METHOD /path/<variables>`."""
    return f"{method} {rule.rule}"


def path_for(rule: Rule, values: dict[str, str], **overrides: str) -> str:
    """The rule's path with each variable taken from `values` (an `any()` takes its first)."""
    path = rule.rule
    for converter, name in _variables(rule):
        if name in overrides:
            value = overrides[name]
        elif converter.startswith("any("):
            value = converter[4:].split(",")[0].strip(" )")
        else:
            value = values[name]
        path = path.replace(f"<{converter}:{name}>" if converter else f"<{name}>", value)
    return path


def _variables(rule: Rule) -> list[tuple[str, str]]:
    """(converter text, name) of each variable of the rule, as written in it."""
    import re

    return [
        (m.group(1) or "", m.group(2))
        for m in re.finditer(r"<(?:([^:<>]+(?:\([^)]*\))?):)?([a-z_]+)>", rule.rule)
    ]
