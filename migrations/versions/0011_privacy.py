"""Moderation: texts staff hid from public view, with the reason and who showed them again;
erasure: when a person asked for it and when their account was erased; the privacy notice's
versions and the version each person accepted.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 08:15:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'moderation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('submission_id', sa.Integer(), nullable=False),
        sa.Column('part', sa.String(length=16), nullable=False),
        sa.Column('target_id', sa.Integer(), nullable=False),
        sa.Column('reason', sa.String(length=32), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('hidden_by_id', sa.Integer(), nullable=True),
        sa.Column('hidden_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('shown_by_id', sa.Integer(), nullable=True),
        sa.Column('shown_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['submission_id'], ['submission.id'],
                                name=op.f('fk_moderation_submission_id_submission')),
        sa.ForeignKeyConstraint(['hidden_by_id'], ['user.id'],
                                name=op.f('fk_moderation_hidden_by_id_user')),
        sa.ForeignKeyConstraint(['shown_by_id'], ['user.id'],
                                name=op.f('fk_moderation_shown_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_moderation')),
    )
    with op.batch_alter_table('moderation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_moderation_submission_id'), ['submission_id'], unique=False)
        batch_op.create_index('ix_moderation_part_target', ['part', 'target_id'], unique=False)
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erasure_requested_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('privacy_version', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('privacy_accepted_at', sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        'privacy_notice',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('text', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
        sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('published_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['published_by_id'], ['user.id'],
                                name=op.f('fk_privacy_notice_published_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_privacy_notice')),
        sa.UniqueConstraint('version', name=op.f('uq_privacy_notice_version')),
    )


def downgrade():
    op.drop_table('privacy_notice')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('privacy_accepted_at')
        batch_op.drop_column('privacy_version')
        batch_op.drop_column('erased_at')
        batch_op.drop_column('erasure_requested_at')
    with op.batch_alter_table('moderation', schema=None) as batch_op:
        batch_op.drop_index('ix_moderation_part_target')
        batch_op.drop_index(batch_op.f('ix_moderation_submission_id'))
    op.drop_table('moderation')
