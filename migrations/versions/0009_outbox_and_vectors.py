"""The outbox and stored vectors: publication bookkeeping, the encoder that made each vector.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 07:00:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
