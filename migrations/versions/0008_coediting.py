"""Co-editing: who last changed each answer and the general comment.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 07:00:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('updated_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            'fk_answer_updated_by_id_user', 'user', ['updated_by_id'], ['id']
        )
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('general_updated_at', sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column('general_updated_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            'fk_submission_general_updated_by_id_user', 'user', ['general_updated_by_id'], ['id']
        )
    # Until now only the submission knew who last saved: the best guess for existing rows.
    submission = sa.table(
        'submission',
        sa.column('id', sa.Integer()),
        sa.column('updated_at', sa.DateTime(timezone=True)),
        sa.column('updated_by_id', sa.Integer()),
        sa.column('general_changed_at_version', sa.Integer()),
        sa.column('general_updated_at', sa.DateTime(timezone=True)),
        sa.column('general_updated_by_id', sa.Integer()),
    )
    answer = sa.table(
        'answer',
        sa.column('submission_id', sa.Integer()),
        sa.column('updated_at', sa.DateTime(timezone=True)),
        sa.column('updated_by_id', sa.Integer()),
    )
    op.execute(
        submission.update()
        .where(submission.c.general_changed_at_version > 0)
        .values(
            general_updated_at=submission.c.updated_at,
            general_updated_by_id=submission.c.updated_by_id,
        )
    )

    def owner(column):
        """The column of the answer's submission, as a correlated subquery."""
        return (
            sa.select(column).where(submission.c.id == answer.c.submission_id).scalar_subquery()
        )

    op.execute(
        answer.update().values(
            updated_at=owner(submission.c.updated_at),
            updated_by_id=owner(submission.c.updated_by_id),
        )
    )


def downgrade():
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.drop_constraint('fk_submission_general_updated_by_id_user', type_='foreignkey')
        batch_op.drop_column('general_updated_by_id')
        batch_op.drop_column('general_updated_at')
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.drop_constraint('fk_answer_updated_by_id_user', type_='foreignkey')
        batch_op.drop_column('updated_by_id')
        batch_op.drop_column('updated_at')
