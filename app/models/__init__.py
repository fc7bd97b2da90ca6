"""The data model; importing this package registers every table with SQLAlchemy."""

from app.models.attachment import Attachment
from app.models.audit import AuditChainHead, AuditEvent
from app.models.consultation import (
    Consultation,
    DocumentVersion,
    Paragraph,
    Question,
    Section,
)
from app.models.export import ExportJob
from app.models.feedback import (
    Answer,
    ConsultationInvitation,
    ParagraphFeedback,
    Submission,
    SubmissionRevision,
)
from app.models.moderation import Moderation
from app.models.notification import Notification, NotificationPreference
from app.models.organisation import Organisation
from app.models.outbox import OutboxMessage
from app.models.privacy import PrivacyNotice
from app.models.synthesis import (
    AmendmentDecision,
    ApiToken,
    CommentVector,
    CouncilNote,
    Synthesis,
    SynthesisPart,
)
from app.models.themes import ConsultationTheme, SentenceVector
from app.models.user import AccountToken, RecoveryCode, User

__all__ = [
    "AccountToken",
    "Attachment",
    "AmendmentDecision",
    "ApiToken",
    "CommentVector",
    "CouncilNote",
    "ExportJob",
    "Synthesis",
    "SynthesisPart",
    "Answer",
    "ConsultationInvitation",
    "ParagraphFeedback",
    "Submission",
    "SubmissionRevision",
    "AuditChainHead",
    "AuditEvent",
    "Consultation",
    "DocumentVersion",
    "Moderation",
    "Notification",
    "NotificationPreference",
    "Organisation",
    "OutboxMessage",
    "Paragraph",
    "PrivacyNotice",
    "Question",
    "RecoveryCode",
    "Section",
    "User",
    "ConsultationTheme",
    "SentenceVector",
]
