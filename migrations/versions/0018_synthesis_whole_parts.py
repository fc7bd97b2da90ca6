"""Synthesis parts of the whole consultation (themes, questions) beside the sections' parts.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 15:30:00

"""

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('synthesis_part', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name', sa.String(length=40), nullable=True))
    # The parts kept so far are sections': named after their section.
    op.execute("UPDATE synthesis_part SET name = 'section:' || CAST(section_id AS VARCHAR(20))")
    with op.batch_alter_table('synthesis_part', schema=None) as batch_op:
        batch_op.alter_column('name', existing_type=sa.String(length=40), nullable=False)
        batch_op.alter_column('section_id', existing_type=sa.Integer(), nullable=True)
        batch_op.drop_constraint(batch_op.f('uq_synthesis_part_synthesis_id'), type_='unique')
        batch_op.create_unique_constraint(
            batch_op.f('uq_synthesis_part_synthesis_id'), ['synthesis_id', 'name']
        )


def downgrade():
    # Parts that are not a section's have no place in the older table.
    op.execute("DELETE FROM synthesis_part WHERE section_id IS NULL")
    with op.batch_alter_table('synthesis_part', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_synthesis_part_synthesis_id'), type_='unique')
        batch_op.create_unique_constraint(
            batch_op.f('uq_synthesis_part_synthesis_id'), ['synthesis_id', 'section_id']
        )
        batch_op.alter_column('section_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('name')
