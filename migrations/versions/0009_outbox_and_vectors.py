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
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('failed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_outbox_message_failed_at'), ['failed_at'], unique=False)

    # Vectors written before this revision name no encoder: they count as made by another
    # one, and are computed again by the background refresh or the next synthesis.
    with op.batch_alter_table('comment_vector', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('encoder', sa.String(length=120), nullable=False, server_default='')
        )
        batch_op.create_index(batch_op.f('ix_comment_vector_encoder'), ['encoder'], unique=False)


def downgrade():
    with op.batch_alter_table('comment_vector', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comment_vector_encoder'))
        batch_op.drop_column('encoder')

    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_message_failed_at'))
        batch_op.drop_column('failed_at')
        batch_op.drop_column('claimed_at')
        batch_op.drop_column('next_attempt_at')
