"""Publication with consent: the choice each organisation made for its submission, the
choice a consultation's submit form offers first, and when staff published the feedback.

Submissions sent before this existed were sent without being asked: they are not published.

Revision ID: 0014
Revises: 0011
Create Date: 2026-12-06 09:45:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('consultation', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('publication_default', sa.String(length=16), nullable=False,
                      server_default='none')
        )
        batch_op.add_column(
            sa.Column('feedback_published_at', sa.DateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('publication', sa.String(length=16), nullable=False, server_default='none')
        )


def downgrade():
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.drop_column('publication')
    with op.batch_alter_table('consultation', schema=None) as batch_op:
        batch_op.drop_column('feedback_published_at')
        batch_op.drop_column('publication_default')
