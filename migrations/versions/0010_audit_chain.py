"""The audit trail sealed: each line's chain, and the head row that orders new lines.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 08:00:00

"""
import hashlib
import json
from datetime import UTC

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def _content(row) -> str:
    # The canonical text of a line as app/services/accounts/audit.py writes it at this revision.
    at = row.at if row.at.tzinfo else row.at.replace(tzinfo=UTC)
    details = row.details if isinstance(row.details, dict) else json.loads(row.details or "{}")
    return json.dumps(
        [row.actor_id, row.action, row.object_type, row.object_id, details, row.ip,
         at.astimezone(UTC).isoformat(timespec="microseconds")],
        sort_keys=True, ensure_ascii=True, default=str,
    )


def upgrade():
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('chain', sa.String(length=64), nullable=False, server_default=''))
        batch_op.create_index(batch_op.f('ix_audit_event_action'), ['action'], unique=False)
    op.create_table(
        'audit_chain_head',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('chain', sa.String(length=64), nullable=False),
        sa.Column('lines', sa.Integer(), nullable=False),
        sa.Column('anchor', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_chain_head')),
    )
    # Seal the lines written before the chain existed, oldest first.
    connection = op.get_bind()
    rows = connection.execute(sa.text(
        "SELECT id, actor_id, action, object_type, object_id, details, ip, at "
        "FROM audit_event ORDER BY id"
    ))
    chain, lines = "", 0
    for row in rows.fetchall():
        chain = hashlib.sha256(f"{chain}\n{_content(row)}".encode()).hexdigest()
        lines += 1
        connection.execute(
            sa.text("UPDATE audit_event SET chain = :chain WHERE id = :id"),
            {"chain": chain, "id": row.id},
        )
    connection.execute(
        sa.text("INSERT INTO audit_chain_head (id, chain, lines, anchor) VALUES (1, :chain, :lines, '')"),
        {"chain": chain, "lines": lines},
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.alter_column('chain', server_default=None)


def downgrade():
    op.drop_table('audit_chain_head')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_action'))
        batch_op.drop_column('chain')
