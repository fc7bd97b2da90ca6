"""Organisations taking part in consultations."""

import sqlalchemy as sa

from app.extensions import db
from app.lazy_text import lazy_gettext as _l
from app.models import Organisation, User
from app.services.accounts import access, audit
from app.services.errors import Conflict, DomainError, NotFound
from app.vocabulary import ORGANISATION_KINDS, REGIONS


def list_all(reader: User | None) -> list[Organisation]:
    """The organisations `reader` may read: every one for staff, their own for a partner."""
    everyone = db.session.scalars(sa.select(Organisation).order_by(Organisation.name))
    return [o for o in everyone if access.can(reader, "organisation.read", o)]


def get(reader: User | None, organisation_id: int) -> Organisation:
    """One organisation, if `reader` may read it."""
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound(_l("This organisation does not exist."))
    access.require(reader, "organisation.read", organisation)
    return organisation


def members(reader: User | None, organisation: Organisation) -> list[User]:
    """The people of an organisation, for those who may read it."""
    access.require(reader, "organisation.read", organisation)
    return list(db.session.scalars(organisation.members.select().order_by(User.name)))


def save(
    actor: User,
    name: str,
    kind: str,
    region: str,
    country: str,
    verified: bool = False,
    organisation_id: int | None = None,
    ip: str | None = None,
) -> Organisation:
    """Create an organisation, or update the one with `organisation_id`."""
    access.require(actor, "organisation.manage")
    name, country = name.strip(), country.strip().upper()
    if not name:
        raise DomainError(_l("Give the organisation a name."), field="name")
    if kind not in ORGANISATION_KINDS:
        raise DomainError(_l("Choose a kind of organisation."), field="kind")
    if region not in REGIONS:
        raise DomainError(_l("Choose a region."), field="region")
    if country and (len(country) != 2 or not country.isalpha()):
        raise DomainError(_l("Choose a country."), field="country")
    same_name = db.session.scalar(
        sa.select(Organisation).where(sa.func.lower(Organisation.name) == name.lower())
    )
    if same_name is not None and same_name.id != organisation_id:
        raise Conflict(_l("An organisation with this name already exists."), field="name")
    organisation = get(actor, organisation_id) if organisation_id else Organisation()
    if organisation.erased_at is not None:  # its name must not come back
        raise Conflict(_l("This organisation is erased."), field="name")
    organisation.name, organisation.kind, organisation.region = name, kind, region
    organisation.country, organisation.verified = country, verified
    db.session.add(organisation)
    db.session.flush()
    audit.record(actor, "organisation.saved", organisation, ip=ip, name=name)
    db.session.commit()
    return organisation
