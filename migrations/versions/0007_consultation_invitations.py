"""Consultation invitations: which organisations may submit.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 07:00:00

"""

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("consultation_invitation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("invited_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_consultation_invitation_invited_by_id_user", "user", ["invited_by_id"], ["id"]
        )
    # Only invited organisations may submit from now on: those that already wrote a
    # submission were let in before the rule, so they keep their place.
    op.execute(
        """
        INSERT INTO consultation_invitation (consultation_id, organisation_id, invited_at)
        SELECT s.consultation_id, s.organisation_id, MIN(s.created_at)
        FROM submission s
        WHERE NOT EXISTS (
            SELECT 1 FROM consultation_invitation i
            WHERE i.consultation_id = s.consultation_id
              AND i.organisation_id = s.organisation_id
        )
        GROUP BY s.consultation_id, s.organisation_id
        """
    )


def downgrade():
    with op.batch_alter_table("consultation_invitation", schema=None) as batch_op:
        batch_op.drop_constraint(
            "fk_consultation_invitation_invited_by_id_user", type_="foreignkey"
        )
        batch_op.drop_column("invited_by_id")
