"""Every service that reads or changes stored data asks `access` itself, or says why not.

A public function of `app/services` that touches `db.session` must take the actor and
reach `access.require` / `access.can` (directly, or through a service function that does),
or be listed below with the reason it needs no rule of its own. A new service that does
neither fails this test; so does an entry here that is no longer true.
"""

import ast
from pathlib import Path

SERVICES = Path(__file__).resolve().parents[2] / "app" / "services"

WORKER = "runs in a worker or beat, from an id that a checked action queued"
OWN_ACCOUNT = "acts on the signed-in person's own account only"
BEFORE_SIGN_IN = "signing in, resetting a password or reading a token: there is no actor yet"
STEP = "a step of a service that asked access first"
OPERATOR = "run by the operator's `flask` command on the server"

NEEDS_NO_RULE = {
    "accounts.access.is_invited": "part of the rules themselves",
    "accounts.access.quotes_consented": "part of the rules themselves",
    "accounts.access.note_invitation": "part of the rules themselves (what a loader read)",
    "accounts.audit.record": STEP,
    "accounts.privacy.current": "the notice in force is public",
    "accounts.privacy.needs_consent": OWN_ACCOUNT,
    "accounts.privacy.accept": OWN_ACCOUNT,
    "accounts.refusals.record_refusal": "writes the trail line of a refused request",
    "accounts.audit.verify": OPERATOR,
    "accounts.audit.erased_people": STEP + " (the trail's page and CSV)",
    "accounts.links.issue": WORKER,
    "accounts.second_factor.start_enrolment": OWN_ACCOUNT,
    "accounts.second_factor.confirm_enrolment": OWN_ACCOUNT,
    "accounts.second_factor.verify": BEFORE_SIGN_IN,
    "accounts.second_factor.remaining_recovery_codes": OWN_ACCOUNT,
    "accounts.erasure.request_erasure": OWN_ACCOUNT,
    "accounts.erasure.cancel_request": OWN_ACCOUNT,
    "accounts.my_data.collect": WORKER + " (the person's own My data job)",
    "accounts.erasure.pseudonymise": STEP + " (erase, and the retention purge)",
    "accounts.signin.authenticate": BEFORE_SIGN_IN,
    "accounts.signin.session_account": BEFORE_SIGN_IN + " (the account a session names)",
    "accounts.signin.record_sign_in": OWN_ACCOUNT,
    "accounts.signin.still_signing_in": BEFORE_SIGN_IN,
    "accounts.signin.revoke_api_tokens": OWN_ACCOUNT,
    "accounts.signin.sign_out": OWN_ACCOUNT,
    "accounts.signin.sign_out_everywhere": OWN_ACCOUNT,
    "accounts.signin.change_password": OWN_ACCOUNT,
    "accounts.tokens.create": OWN_ACCOUNT,
    "accounts.tokens.list_for": OWN_ACCOUNT,
    "accounts.tokens.revoke": OWN_ACCOUNT,
    "accounts.tokens.user_for": BEFORE_SIGN_IN,
    "accounts.users.find_by_email": BEFORE_SIGN_IN,
    "accounts.users.redeem_token": BEFORE_SIGN_IN,
    "accounts.users.set_password_with_token": BEFORE_SIGN_IN,
    "accounts.users.request_password_reset": BEFORE_SIGN_IN,
    "accounts.users.update_preferences": OWN_ACCOUNT,
    "consultations.lifecycle.get_by_slug": STEP + " (a look-up by address)",
    "consultations.lifecycle.paragraph_counts": STEP + " (the staff dashboard)",
    "consultations.lifecycle.check_slug": STEP + " (checks an address is free)",
    "consultations.reading.sections": STEP + " (pages that read the consultation first)",
    "demo.seed": OPERATOR,
    "retention.plan": OPERATOR + " (`flask retention run --dry-run`)",
    "retention.run": WORKER + " (and `flask retention run`)",
    "exports.feedback_rows.feedback_rows": STEP + " (export_rows and export jobs)",
    "exports.feedback_rows.count_rows": STEP + " (export jobs)",
    "exports.jobs.delete_all_of": STEP + " (erasure)",
    "exports.jobs.check_active_jobs": STEP + " (starting an export or My data)",
    "exports.jobs.enqueue": STEP + " (starting an export or My data)",
    "exports.jobs.fail": WORKER,
    "exports.jobs.give_up": WORKER,
    "exports.jobs.list_own": OWN_ACCOUNT,
    "exports.jobs.purge_expired": WORKER,
    "feedback.editing.submission_of": STEP + " (saving and submitting)",
    "feedback.editing.start_submission": STEP + " (saving and submitting)",
    "feedback.editing.bump": STEP + " (saving and submitting)",
    "feedback.editing.retrying": STEP + " (saving and submitting)",
    "feedback.editing.read_latest_revision": STEP + " (saving and submitting)",
    "feedback.editing.record_save": STEP + " (saving and submitting)",
    "feedback.editing.add_revision": STEP + " (saving and submitting)",
    "feedback.attachments.extract_text": WORKER,
    "feedback.attachments.texts_for_synthesis": WORKER + " (the synthesis reads submitted files)",
    "feedback.followup.add_invitation": STEP + " (invite_organisations)",
    "feedback.followup.invite_missing": STEP + " (feedback imports)",
    "feedback.moderation.active": STEP + " (the moderation page and `hide`)",
    "feedback.moderation.hidden_parts_of": WORKER + " (the synthesis leaves hidden texts out)",
    "feedback.moderation.without_hidden": WORKER + " (the synthesis leaves hidden texts out)",
    "feedback.saving.consultation_to_write": STEP + " (the save services)",
    "feedback.saving.section_to_write": STEP + " (the save services)",
    "feedback.saving.section_to_save": STEP + " (the save services)",
    "loading.as_loaded": STEP + " (makes the object of a row a checked read found)",
    "feedback.paragraph_writes.write_save": STEP + " (saving paragraphs)",
    "feedback.progress.of_submission": STEP + " (the partner's pages, after their access rule)",
    "feedback.submissions.section_outline": STEP + " (the partner's section form)",
    "mail.context.to_plain": WORKER,
    "mail.delivery.queue_email": STEP,
    "mail.delivery.deliver": WORKER,
    "mail.delivery.compose": WORKER,
    "mail.outbox.enqueue": STEP,
    "mail.outbox.relay": WORKER,
    "mail.outbox.relay_pending": WORKER,
    "mail.outbox.claim": WORKER,
    "mail.outbox.mark_done": WORKER,
    "mail.outbox.record_failure": WORKER,
    "mail.outbox.purge_finished": WORKER,
    "notifications.digest.send_digests": WORKER,
    "notifications.digest.purge_old": WORKER,
    "notifications.events.notify": STEP,
    "notifications.events.tell_once": STEP,
    "notifications.events.members_of": STEP,
    "notifications.events.consultation_opened": STEP + " (opening, inviting, and beat's sweep)",
    "notifications.events.synthesis_released": STEP + " (releasing a synthesis)",
    "notifications.preferences.choices_of": OWN_ACCOUNT,
    "notifications.preferences.deliveries": STEP,
    "notifications.preferences.save": OWN_ACCOUNT,
    "notifications.preferences.from_token": BEFORE_SIGN_IN + " (an unsubscribe link)",
    "notifications.preferences.unsubscribe": "the signed link stands for its person (RFC 8058)",
    "notifications.sweeps.remind_deadlines": WORKER,
    "notifications.sweeps.announce_openings": WORKER,
    "notifications.sweeps.tell_colleagues": WORKER,
    "reports.decisions.decision_counts": STEP + " (counts only, on pages that asked)",
    "synthesis.compute.section_items": WORKER,
    "synthesis.compute.run_section": WORKER,
    "synthesis.compute.run_merge": WORKER,
    "synthesis.drilldown.filtered_counts": STEP + " (counts only, on pages that asked)",
    "synthesis.merge.merge_result": WORKER,
    "synthesis.merge.submission_organisations": WORKER,
    "synthesis.merge.paragraph_comments": WORKER,
    "synthesis.merge.participation": WORKER,
    "synthesis.merge.question_results": WORKER,
    "synthesis.merge.changes": WORKER,
    "synthesis.general.general_comments": WORKER,
    "synthesis.review.decisions_of": STEP + " (pages and reports of a synthesis read by `get`)",
    "synthesis.runs.watermark": WORKER,
    "synthesis.runs.dispatch": WORKER,
    "synthesis.runs.sweep": WORKER,
    "synthesis.runs.beat": WORKER,
    "synthesis.runs.store_part": WORKER,
    "synthesis.runs.part_done": WORKER,
    "synthesis.runs.finish": WORKER,
    "synthesis.runs.fail": WORKER,
    "synthesis.vectors.vector_matrix": WORKER,
    "synthesis.sql_lists.upsert": WORKER + " (stores the vectors a batch computed)",
    "synthesis.sql_lists.binary_rows": WORKER + " (reads the stored vectors a synthesis uses)",
    "synthesis.sentence_vectors.sentence_matrix": WORKER,
    "synthesis.sentence_vectors.embed_comment_sentences": WORKER,
    "synthesis.theme_register.entries": WORKER,
    "synthesis.theme_register.carry_over": WORKER,
    "synthesis.theme_register.remember": WORKER,
    "synthesis.vectors.embed_submission": WORKER,
    "synthesis.vectors.ensure": WORKER,
    "synthesis.vector_jobs.queue_for_submissions": STEP + " (submit and import queue them)",
    "synthesis.vector_jobs.run_batch": WORKER,
    "synthesis.vector_jobs.pending": WORKER + " (and `runs.dispatch`)",
    "synthesis.vector_jobs.progress": STEP + " (counts only, on the staff syntheses page)",
    "synthesis.runs.after_vectors": WORKER,
    "synthesis.vectors.status": STEP + " (counts only, on the staff syntheses page)",
    "synthesis.vectors.refresh_stale": WORKER,
    "synthesis.vectors.purge_orphans": WORKER,
}


def service_modules() -> dict[str, ast.Module]:
    return {
        ".".join(p.relative_to(SERVICES).with_suffix("").parts): ast.parse(p.read_text())
        for p in SERVICES.rglob("*.py")
        if p.name != "__init__.py"
    }


def imported_names(module: ast.Module) -> dict[str, str]:
    """Local name -> service path ("feedback.editing" or "feedback.editing.require_open_for")."""
    names = {}
    for node in module.body:
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("app.services"):
            base = node.module.removeprefix("app.services").lstrip(".")
            for alias in node.names:
                names[alias.asname or alias.name] = f"{base}.{alias.name}".lstrip(".")
    return names


def called(function: ast.FunctionDef, local: dict[str, str], module: str) -> set[str]:
    """Service functions a function calls, as service paths."""
    found = set()
    for node in ast.walk(function):
        if not isinstance(node, ast.Call):
            continue
        if isinstance(node.func, ast.Name):
            found.add(local.get(node.func.id, f"{module}.{node.func.id}"))
        elif isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name):
            owner = local.get(node.func.value.id)
            if owner:
                found.add(f"{owner}.{node.func.attr}")
    return found


def functions() -> dict[str, tuple[ast.FunctionDef, set[str]]]:
    found = {}
    for name, module in service_modules().items():
        local = imported_names(module)
        for node in module.body:
            if isinstance(node, ast.FunctionDef):
                found[f"{name}.{node.name}"] = (node, called(node, local, name))
    return found


def asking_access(everything) -> set[str]:
    """Functions that reach access.require / access.can, through any chain of service calls."""
    asking = {
        name
        for name, (node, _) in everything.items()
        if "access.require" in ast.unparse(node) or "access.can" in ast.unparse(node)
    }
    asking |= {"accounts.access.require", "accounts.access.can"}
    while True:
        more = {n for n, (_, calls) in everything.items() if n not in asking and calls & asking}
        if not more:
            return asking
        asking |= more


def test_every_service_that_touches_data_asks_access_or_says_why_not():
    everything = functions()
    asking = asking_access(everything)
    unexplained = sorted(
        name
        for name, (node, _) in everything.items()
        if not node.name.startswith("_")
        and "db.session" in ast.unparse(node)
        and name not in asking
        and name not in NEEDS_NO_RULE
    )
    assert unexplained == []


def test_the_reasons_listed_are_still_true():
    everything = functions()
    asking = asking_access(everything)
    stale = sorted(name for name in NEEDS_NO_RULE if name not in everything or name in asking)
    assert stale == []


def test_services_named_in_the_review_take_the_actor():
    everything = functions()
    asking = asking_access(everything)
    for name in (
        "accounts.users.list_users",
        "accounts.organisations.list_all",
        "accounts.organisations.get",
        "accounts.organisations.members",
        "feedback.followup.response_table",
        "exports.feedback_rows.export_rows",
        "synthesis.drilldown.feedback_page",
        "synthesis.drilldown.select_answers",
        "synthesis.review.notes_on",
    ):
        assert name in asking, name
