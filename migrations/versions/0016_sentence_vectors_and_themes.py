"""Sentence vectors for theme finding, and the themes a consultation keeps across syntheses.

Revision ID: 0016
Revises: 0011
Create Date: 2026-12-06 10:10:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')

# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'sentence_vector',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('text_hash', sa.String(length=32), nullable=False),
        sa.Column('vector', sa.LargeBinary(), nullable=False),
        sa.Column('encoder', sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sentence_vector')),
        sa.UniqueConstraint('text_hash', name=op.f('uq_sentence_vector_text_hash')),
    )
    op.create_table(
        'consultation_theme',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('consultation_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('name', JSON_TYPE, nullable=False),
        sa.Column('named_by_staff', sa.Boolean(), nullable=False),
        sa.Column('feedback_ids', JSON_TYPE, nullable=False),
        sa.Column('origin', sa.String(length=16), nullable=False),
        sa.Column('split_from', sa.Integer(), nullable=True),
        sa.Column('retired', sa.Boolean(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['consultation_id'], ['consultation.id'],
            name=op.f('fk_consultation_theme_consultation_id_consultation'),
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_theme')),
        sa.UniqueConstraint(
            'consultation_id', 'number', name=op.f('uq_consultation_theme_consultation_id')
        ),
    )
    with op.batch_alter_table('consultation_theme', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_consultation_theme_consultation_id'), ['consultation_id'], unique=False
        )


def downgrade():
    with op.batch_alter_table('consultation_theme', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultation_theme_consultation_id'))
    op.drop_table('consultation_theme')
    op.drop_table('sentence_vector')
