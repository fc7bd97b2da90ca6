"""`flask` commands for the secretariat's scripts, one module per command group.

Commands call services with the command-line actor and report what a user can cause
(`errors.reports_errors`) as one line and exit status 1, never a traceback.
"""

from flask import Flask


def init_app(app: Flask) -> None:
    from app.cli.audit import audit_cli
    from app.cli.consultation import consultation_cli
    from app.cli.feedback import feedback_cli
    from app.cli.maintenance import seed_demo_command, translate_cli
    from app.cli.retention import retention_cli
    from app.cli.synthesis import synthesis_cli, synthesize_command
    from app.cli.vectors import vectors_cli

    app.cli.add_command(consultation_cli)
    app.cli.add_command(feedback_cli)
    app.cli.add_command(synthesize_command)
    app.cli.add_command(synthesis_cli)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(translate_cli)
    app.cli.add_command(vectors_cli)
    app.cli.add_command(audit_cli)
    app.cli.add_command(retention_cli)
