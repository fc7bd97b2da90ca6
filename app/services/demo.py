"""Demo data for a newcomer's first look: organisations, one account per role, a consultation."""

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from app import demo as demo_content
from app.extensions import db
from app.lazy_text import lazy_gettext as _l
from app.models import (
    Consultation,
    ConsultationInvitation,
    DocumentVersion,
    Organisation,
    Paragraph,
    Question,
    Section,
    User,
)
from app.models.common import utcnow
from app.services.accounts.passwords import hash_password
from app.services.errors import DomainError

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - published in the README, demo data only
# The demo staff and admin accounts' second factor (TOTP key, base32), printed by seed-demo.
DEMO_TOTP_SECRET = "AGORADEMOSECONDFACTORKEYFORSTAFF"  # noqa: S105 - demo data only

DEMO_ACCOUNTS = [
    # email, name, role, organisation
    ("admin@example.org", "Amara Diallo", "admin", None),
    ("staff@example.org", "Sofía Herrera", "staff", None),
    ("council@example.org", "Jean-Marc Lefèvre", "council", None),
    ("partner@unicef.example.org", "Grace Mwangi", "partner", "UNICEF"),
    (
        "partner@righttothecity.example.org",
        "Lucas Pereira",
        "partner",
        "Right to the City Platform",
    ),
    ("partner@fao.example.org", "Giulia Romano", "partner", "FAO"),
]


def seed() -> dict[str, int]:
    """Create whatever demo data is missing; running it twice changes nothing."""
    if not current_app.config["DEMO_DATA_ALLOWED"]:
        raise DomainError(_l("Demo data is refused with production settings."))
    created = {
        "organisations": _seed_organisations(),
        "accounts": _seed_accounts(),
        "consultations": _seed_consultation(),
    }
    created["invitations"] = _seed_invitations()
    db.session.commit()
    return created


def _seed_organisations() -> int:
    existing = set(db.session.scalars(sa.select(Organisation.name)))
    missing = [o for o in demo_content.organisations() if o["name"] not in existing]
    db.session.add_all(Organisation(**o, verified=True) for o in missing)
    db.session.flush()
    return len(missing)


def _seed_accounts() -> int:
    count = _seed_new_accounts()
    _give_demo_second_factor()
    return count


def _give_demo_second_factor() -> None:
    """Demo staff and admin need a second factor; theirs is a key published for the demo."""
    demo_emails = [
        email for email, _name, role, _org in DEMO_ACCOUNTS if role in ("staff", "admin")
    ]
    for user in db.session.scalars(sa.select(User).where(User.email.in_(demo_emails))):
        if user.totp_enabled_at is None:
            user.totp_secret = DEMO_TOTP_SECRET
            user.totp_enabled_at = utcnow()


def _seed_new_accounts() -> int:
    existing = set(db.session.scalars(sa.select(User.email)))
    organisations = {o.name: o for o in db.session.scalars(sa.select(Organisation))}
    password_hash = None
    count = 0
    for email, name, role, organisation in DEMO_ACCOUNTS:
        if email in existing:
            continue
        password_hash = password_hash or hash_password(DEMO_PASSWORD)
        db.session.add(
            User(
                email=email,
                name=name,
                role=role,
                password_hash=password_hash,
                organisation=organisations.get(organisation) if organisation else None,
            )
        )
        count += 1
    return count


def _seed_consultation() -> int:
    data = demo_content.consultation()
    if db.session.scalar(sa.select(Consultation.id).where(Consultation.slug == data["slug"])):
        return 0
    now = utcnow()
    # A round deadline a month away, as the secretariat would set it.
    deadline = (now + timedelta(days=30)).replace(hour=23, minute=59, second=0, microsecond=0)
    consultation = Consultation(
        slug=data["slug"],
        title=data["title"],
        summary=data["summary"],
        council=data["council"],
        original_language=data["original_language"],
        status="open",
        opens_at=now - timedelta(days=3),
        closes_at=deadline,
    )
    version = DocumentVersion(number=1, published_at=consultation.opens_at, change_note="")
    for position, section_data in enumerate(data["sections"]):
        section = Section(
            position=position,
            heading=section_data["heading"],
            intro=section_data.get("intro") or {},
        )
        section.paragraphs = [
            Paragraph(number=p["number"], position=i, text=p["text"])
            for i, p in enumerate(section_data["paragraphs"])
        ]
        version.sections.append(section)
    consultation.versions.append(version)
    consultation.questions = [
        Question(
            position=i,
            kind=q["kind"],
            prompt=q["prompt"],
            options=q["options"],
            required=q["required"],
        )
        for i, q in enumerate(data["questions"])
    ]
    db.session.add(consultation)
    return 1


def _seed_invitations() -> int:
    """Invite the demo organisations to the demo consultation, so their partners can answer."""
    db.session.flush()
    slug = demo_content.consultation()["slug"]
    consultation_id = db.session.scalar(sa.select(Consultation.id).where(Consultation.slug == slug))
    names = [o["name"] for o in demo_content.organisations()]
    invited = set(
        db.session.scalars(
            sa.select(ConsultationInvitation.organisation_id).where(
                ConsultationInvitation.consultation_id == consultation_id
            )
        )
    )
    missing = [
        organisation_id
        for organisation_id in db.session.scalars(
            sa.select(Organisation.id).where(Organisation.name.in_(names))
        )
        if organisation_id not in invited
    ]
    db.session.add_all(
        ConsultationInvitation(consultation_id=consultation_id, organisation_id=oid)
        for oid in missing
    )
    return len(missing)
