"""The save path on PostgreSQL, where a save's writes are one statement: the same tests as
on SQLite (the lock, the history, the statements), and the whole autosave request in three
statements from the session cookie to the JSON answer."""

import pytest

from tests.feedback.test_save_path import (
    colleague,
    consultation,
    test_a_save_that_lost_the_race_writes_nothing,
    test_a_submitted_submission_saved_again_is_a_draft_with_its_history,
    test_autosaves_of_one_paragraph_by_one_person_are_one_history_entry,
    test_saving_one_paragraph_reads_once_and_writes_in_one_statement_on_postgresql,
)
from tests.web.test_bounded_queries import (
    test_an_autosave_request_runs_three_statements_from_cookie_to_answer_on_postgresql,
)

# Collected here again, against the PostgreSQL app below.
__all__ = [
    "colleague",
    "consultation",
    "test_a_save_that_lost_the_race_writes_nothing",
    "test_a_submitted_submission_saved_again_is_a_draft_with_its_history",
    "test_an_autosave_request_runs_three_statements_from_cookie_to_answer_on_postgresql",
    "test_autosaves_of_one_paragraph_by_one_person_are_one_history_entry",
    "test_saving_one_paragraph_reads_once_and_writes_in_one_statement_on_postgresql",
]


@pytest.fixture
def app(fresh_postgres_app):
    return fresh_postgres_app
