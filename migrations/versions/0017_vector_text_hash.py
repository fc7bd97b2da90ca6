"""Stored sentence vectors found by their text: identical texts are encoded once.

Revision ID: 0017
Revises: 0014
Create Date: 2026-12-06 09:50:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('comment_vector', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comment_vector_text_hash'), ['text_hash'], unique=False)


def downgrade():
    with op.batch_alter_table('comment_vector', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comment_vector_text_hash'))
