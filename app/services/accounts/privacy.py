"""The privacy notice: administrators publish versions; each person accepts the one in force.

A new version asks everyone again. The version and time a person accepted are kept on the
account, and each acceptance and publication is an audit line.
"""

import sqlalchemy as sa

from app.extensions import db
from app.lazy_text import lazy_gettext as _l
from app.models import PrivacyNotice, User
from app.models.common import utcnow
from app.services.accounts import access, audit
from app.services.errors import Conflict, DomainError
from app.vocabulary import LANGUAGES

TEXT_MAX = 20_000


class NoticeInvalid(DomainError):
    """A language's text is missing or too long; `field` is the language."""


def current() -> PrivacyNotice | None:
    """The notice in force (the highest version), or None before the first is published."""
    return db.session.scalar(
        sa.select(PrivacyNotice).order_by(PrivacyNotice.version.desc()).limit(1)
    )


def needs_consent(user: User | None) -> bool:
    """Whether the signed-in person has yet to accept the notice in force."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    notice = current()
    return notice is not None and user.privacy_version != notice.version


def accept(user: User, version: int, ip: str | None = None) -> None:
    """The person accepts the notice they read; a notice replaced meanwhile is refused."""
    notice = current()
    if notice is None or notice.version != version:
        raise Conflict(_l("The notice changed while you read it: read the new version."))
    user.privacy_version, user.privacy_accepted_at = notice.version, utcnow()
    audit.record(user, "privacy.accepted", user, ip=ip, version=notice.version)
    db.session.commit()


def publish(admin: User, texts: dict[str, str], ip: str | None = None) -> PrivacyNotice:
    """Publish a new version in the three languages; everyone is asked to accept it."""
    access.require(admin, "privacy.manage")
    cleaned = {language: (texts.get(language) or "").strip() for language in LANGUAGES}
    for language, text in cleaned.items():
        if not text:
            raise NoticeInvalid(_l("Write the notice in this language too."), field=language)
        if len(text) > TEXT_MAX:
            raise NoticeInvalid(_l("Keep the notice under 20,000 characters."), field=language)
    latest = current()
    notice = PrivacyNotice(
        version=(latest.version if latest else 0) + 1,
        text=cleaned,
        published_at=utcnow(),
        published_by_id=admin.id,
    )
    db.session.add(notice)
    db.session.flush()
    audit.record(admin, "privacy.published", notice, ip=ip, version=notice.version)
    db.session.commit()
    return notice


# The text an administrator starts from before the first version is published.
FIRST_DRAFT = {
    "en": (
        "The UCLG Policy Council secretariat keeps your name, email, organisation and role to "
        "let you take part in its consultations, and what you write on your organisation's "
        "behalf to prepare the Council's syntheses. Sign-ins and actions are recorded in an "
        "audit trail to protect the consultations. Nothing is sold or shared outside the "
        "secretariat and the Council, except the syntheses the Council publishes. Each kind "
        "of data is kept for a set time, then removed. From My account you may download your "
        "data or ask for your account to be erased; write to the secretariat with any question."
    ),
    "fr": (
        "Le secrétariat du Conseil politique de CGLU conserve vos nom, adresse électronique, "
        "organisation et rôle pour vous permettre de participer à ses consultations, ainsi que "
        "ce que vous écrivez au nom de votre organisation pour préparer les synthèses du "
        "Conseil. Les connexions et les actions sont consignées dans un journal d'audit pour "
        "protéger les consultations. Rien n'est vendu ni communiqué en dehors du secrétariat "
        "et du Conseil, hormis les synthèses que le Conseil publie. Chaque type de données est "
        "conservé pendant une durée fixée, puis supprimé. Depuis Mon compte, vous pouvez "
        "télécharger vos données ou demander l'effacement de votre compte ; écrivez au "
        "secrétariat pour toute question."
    ),
    "es": (
        "La secretaría del Consejo Político de CGLU conserva su nombre, correo electrónico, "
        "organización y función para que pueda participar en sus consultas, así como lo que "
        "escribe en nombre de su organización para preparar las síntesis del Consejo. Los "
        "inicios de sesión y las acciones quedan registrados en un registro de auditoría para "
        "proteger las consultas. No se vende ni se comparte nada fuera de la secretaría y del "
        "Consejo, salvo las síntesis que el Consejo publica. Cada tipo de dato se conserva "
        "durante un plazo fijado y después se elimina. Desde Mi cuenta puede descargar sus "
        "datos o solicitar el borrado de su cuenta; escriba a la secretaría si tiene preguntas."
    ),
}
