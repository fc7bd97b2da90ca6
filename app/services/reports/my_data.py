"""My data as a file: a ZIP holding the JSON document and a readable PDF of the same, in the
person's language and time zone."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from flask_babel import _, force_locale

from app.i18n import country_name, language_name, reader_timezone
from app.models import User
from app.models.feedback import SUBMISSION_STATUSES
from app.models.user import ROLES
from app.services.accounts import my_data
from app.services.accounts.audit_labels import action_label
from app.services.notifications.kinds import DELIVERIES, KINDS, kinds_for
from app.services.reports.pdf import moment, render_pdf, user_text
from app.vocabulary import ORGANISATION_KINDS, REGIONS, STANCE_LABELS

JSON_NAME = "my-agora-data.json"
PDF_NAME = "my-agora-data.pdf"
Progress = Callable[..., None]


def write_archive(user: User, language: str, target: Path, progress: Progress) -> None:
    """Collect the person's data once, then write it as JSON and as a PDF into one ZIP."""
    progress(0, None, percent=5)
    document = my_data.collect(user)
    progress(0, None, percent=30)
    with force_locale(language), reader_timezone(user.timezone):
        pdf = render_pdf("my_data.typ", pdf_data(document, language))
    progress(0, None, percent=90)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        text = json.dumps(document, ensure_ascii=False, indent=2, default=str)
        archive.writestr(JSON_NAME, text)
        archive.writestr(PDF_NAME, pdf)


def _when(value: str | None) -> str:
    return moment(datetime.fromisoformat(value)) if value else "—"


def _label(labels: dict, code: str | None) -> str:
    return str(labels.get(code, code)) if code else "—"


def pdf_data(document: dict[str, Any], language: str) -> dict[str, Any]:
    """What the template lays out, every word but the person's own in `language`."""
    account = document["account"]
    name = account["name"]
    return {
        "lang": language,
        "doc_title": _("My data on Agora") + f" — {name}",
        "title": _("My data on Agora"),
        "name": user_text(name),
        "intro": _(
            "Everything the platform holds about you on %(date)s. The file %(json)s beside this"
            " one holds the same data, for a program to read.",
            date=_when(document["generated_at"]),
            json=JSON_NAME,
        ),
        "headings": {
            "account": _("Account"),
            "organisation": _("Organisation"),
            "submissions": _("Submissions you sent"),
            "edits": _("Your edits"),
            "files": _("Files you attached"),
            "emails": _("Emails you receive"),
            "tokens": _("Personal API tokens"),
            "audit": _("The audit trail about you"),
        },
        "account": _account_facts(account),
        "organisation": _organisation_facts(document["organisation"]),
        "submissions": [_submission(s, language) for s in document["submissions_sent"]],
        "edits": _edits(document["edits"]),
        "files": _files(document["files_attached"]),
        "emails": _emails(document["email_choices"], account["role"]),
        "tokens": _tokens(document["api_tokens"]),
        "audit": _audit(document["audit_lines"]),
        "labels": {
            "none": _("None"),
            "comment": _("Comment"),
            "amendment": _("Proposed wording"),
            "general": _("General comment"),
            "answers": _("Answers to the Council's questions"),
        },
    }


def _account_facts(account: dict[str, Any]) -> list[list[Any]]:
    privacy = account["privacy_notice_version"]
    return [
        [_("Name"), user_text(account["name"])],
        [_("Email"), user_text(account["email"])],
        [_("Role"), _label(ROLES, account["role"])],
        [_("Language"), language_name(account["language"]) if account["language"] else "—"],
        [_("Time zone"), account["time_zone"] or "—"],
        [_("Account created"), _when(account["created_at"])],
        [_("Last sign-in"), _when(account["last_sign_in_at"])],
        [_("Second factor"), _("Yes") if account["second_factor"] else _("No")],
        [
            _("Privacy notice accepted"),
            _(
                "version %(version)s, %(date)s",
                version=privacy,
                date=_when(account["privacy_notice_accepted_at"]),
            )
            if privacy
            else "—",
        ],
        [_("Erasure asked for"), _when(account["erasure_requested_at"])],
    ]


def _organisation_facts(organisation: dict[str, Any] | None) -> list[list[Any]]:
    if organisation is None:
        return []
    return [
        [_("Name"), user_text(organisation["name"])],
        [_("Kind"), _label(ORGANISATION_KINDS, organisation["kind"])],
        [_("Region"), _label(REGIONS, organisation["region"])],
        [_("Country"), country_name(organisation["country"]) or "—"],
    ]


def _submission(sent: dict[str, Any], language: str) -> dict[str, Any]:
    titles = sent.get("consultation_title") or {}
    title = titles.get(language) or next(iter(titles.values()), sent["consultation"])
    return {
        "title": user_text(title),
        "facts": _(
            "%(status)s, %(date)s",
            status=_label(SUBMISSION_STATUSES, sent["status"]),
            date=_when(sent["submitted_at"]),
        ),
        "paragraphs": [
            {
                "heading": _(
                    "Paragraph %(number)s: %(stance)s",
                    number=item["paragraph"],
                    stance=_label(STANCE_LABELS, item["stance"]),
                )
                if item["stance"]
                else _("Paragraph %(number)s", number=item["paragraph"]),
                "comment": user_text(item["comment"], item.get("language"))
                if item["comment"]
                else None,
                "amendment": user_text(item["amendment"]) if item["amendment"] else None,
            }
            for item in sent["paragraphs"]
        ],
        "answers": [
            [_prompt(answer, language), user_text(_value(answer))] for answer in sent["answers"]
        ],
        "general": user_text(sent["general_comment"], sent.get("general_comment_language"))
        if sent["general_comment"]
        else None,
    }


def _prompt(answer: dict[str, Any], language: str) -> dict[str, Any]:
    """The question in the reader's language where it has it, else in the one it has."""
    prompts = answer.get("prompt") or {}
    if prompts.get(language):
        return user_text(prompts[language])
    for other, text in prompts.items():
        if text:
            return user_text(text, other)
    return user_text(_("Question %(number)s", number=answer["question"]))


def _value(answer: dict[str, Any]) -> str:
    value = answer["value"]
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


def _edits(edits: list[dict[str, Any]]) -> dict[str, Any]:
    actions = {
        "saved": _("Saved"),
        "submitted": _("Submitted"),
        "withdrawn": _("Withdrawn"),
        "imported": _("Imported"),
    }
    return {
        "header": [_("When"), _("Consultation"), _("Action"), _("What changed")],
        "rows": [
            [
                _when(edit["at"]),
                user_text(edit["consultation"]),
                _label(actions, edit["action"]),
                ", ".join(_changed_part(part) for part in edit["changed"]) or "—",
            ]
            for edit in edits
        ],
    }


def _changed_part(part: dict[str, Any]) -> str:
    """A part of a submission an edit changed, in words."""
    if "paragraph" in part:
        return _("paragraph %(number)s", number=part["paragraph"])
    if "question" in part:
        return _("question %(number)s", number=part["question"])
    return _("general comment") if "general_comment" in part else str(part.get("key", ""))


def _files(files: list[dict[str, Any]]) -> dict[str, Any]:
    """Each file with its SHA-256, which tells it apart from any other copy."""
    return {
        "header": [_("File"), _("Consultation"), _("Attached"), _("SHA-256")],
        "rows": [
            [
                user_text(f["filename"]),
                user_text(f["consultation"]),
                _when(f["uploaded_at"]),
                # Cut into four so that the cell can wrap: 64 digits do not fit one line.
                " ".join(f["sha256"][i : i + 16] for i in range(0, 64, 16)),
            ]
            for f in files
        ],
    }


def _emails(choices: dict[str, str], role: str | None) -> dict[str, Any]:
    """Every kind of email that concerns the person, as chosen or by default."""
    return {
        "header": [_("Event"), _("Delivery")],
        "rows": [
            [
                str(KINDS[kind].label),
                str(DELIVERIES[choices[kind]])
                if kind in choices
                else _("%(delivery)s (default)", delivery=DELIVERIES[KINDS[kind].default]),
            ]
            for kind in kinds_for(role)
        ],
    }


def _tokens(tokens: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "header": [_("Name"), _("Created"), _("Expires"), _("Last used"), _("Revoked")],
        "rows": [
            [
                user_text(t["name"]),
                _when(t["created_at"]),
                _when(t["expires_at"]),
                _when(t["last_used_at"]),
                _when(t["revoked_at"]),
            ]
            for t in tokens
        ],
    }


def _audit(lines: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "header": [_("When"), _("Action"), _("Address")],
        "rows": [
            [_when(line["at"]), action_label(line["action"]), line["ip"] or "—"] for line in lines
        ],
    }
