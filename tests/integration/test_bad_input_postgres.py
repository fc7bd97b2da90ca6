"""The bad-input walk on PostgreSQL, which refuses what SQLite lets through (NUL in text,
integers beyond 64 bits): no route may turn that refusal into a server error."""

import pytest

from tests.accounts.route_world import build_world
from tests.accounts.test_access import ordered
from tests.web import test_bad_input as walk

POSTGRES_BROADCAST = ["a\x00b", str(2**64), "²", "9999-12-31"]


@pytest.fixture
def app(fresh_postgres_app):
    return fresh_postgres_app


@pytest.mark.parametrize("role", ["anonymous", "partner", "council", "staff"])
def test_no_route_answers_a_server_error_to_bad_input_on_postgresql(
    app, client, auth, users, organisation, role, monkeypatch
):
    monkeypatch.setattr(walk, "BROADCAST", POSTGRES_BROADCAST)
    values = build_world(users, organisation)
    if role != "anonymous":
        auth.login(users[role].email)
    field_names = sorted(walk.form_field_names() | set(walk.dynamic_field_names(app)))
    for rule, method in ordered(app):
        walk.walk_route(client, rule, method, values, field_names)
