"""No route answers a server error, whatever is put in its path, query string or form.

Every route of `app.url_map`, as every role, gets generated bad values: numbers beyond 64
bits, digits that are not ASCII (`²`, `٣`), impossible and far-off dates, control
characters, very long text and random Unicode. Each must answer a page, a redirect, a 4xx
or a field error. The examples per route are few, so the whole walk stays short.
"""

import io
import os
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wtforms.fields.core import UnboundField

from app.forms import BaseForm
from tests.accounts.route_world import ROLES, _variables, build_world, path_for

# Examples per route and role; BAD_INPUT_EXAMPLES=50 makes a deeper run.
EXAMPLES = int(os.environ.get("BAD_INPUT_EXAMPLES", "3"))

NASTY = [
    "",
    " ",
    "²",
    "٣",
    "１２",
    "-1",
    "0",
    "9" * 30,
    str(2**63),
    str(2**64),
    "1e309",
    "nan",
    "9999-12-31",
    "0001-01-01",
    "10000-01-01",
    "2026-02-30",
    "9999-12-31T23:59",
    "\x00",
    "a\x00b",
    "\x1b[2J",
    "\u202e",
    "<script>alert(1)</script>",
    "%00",
    "../../etc/passwd",
    "x" * 20_000,
    "en",
    "zz",
    "support",
    "csv",
]
BROADCAST = ["²", "9999-12-31"]
# Query arguments some route reads; any other name is ignored by every route alike.
QUERY_NAMES = [
    "version", "page", "a", "b", "theme", "question", "option", "paragraph", "stance",
    "group", "duplicate", "ids", "kind", "region", "language", "next", "since", "until",
    "organisation", "person", "consultation", "action", "format", "section", "submitted_from",
    "submitted_to", "lang",
]  # fmt: skip

bad_text = st.one_of(
    st.sampled_from(NASTY),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=40),
)


def form_field_names() -> set[str]:
    """The name of every field of every form of the app."""
    names, pending = set(), list(BaseForm.__subclasses__())
    while pending:
        form = pending.pop()
        pending.extend(form.__subclasses__())
        for klass in form.__mro__:
            names.update(k for k, v in vars(klass).items() if isinstance(v, UnboundField))
    return names


def dynamic_field_names(app) -> list[str]:
    """Fields the submission and translation pages read by name, for the world's objects."""
    from app.extensions import db
    from app.models import Paragraph, Question, Section

    names = ["general_comment", "general_language", "next", "organisation_id"]
    for paragraph_id in db.session.scalars(db.select(Paragraph.id)):
        for prefix in ("stance", "comment", "amendment", "language", "keep", "paragraph"):
            names.append(f"{prefix}-{paragraph_id}")
    for question_id in db.session.scalars(db.select(Question.id)):
        names += [f"question-{question_id}", f"keep-q{question_id}"]
    for section_id in db.session.scalars(db.select(Section.id)):
        names += [f"heading-{section_id}", f"intro-{section_id}"]
    return names


def files() -> st.SearchStrategy:
    return st.tuples(
        st.binary(max_size=300).map(io.BytesIO),
        st.sampled_from(["draft.docx", "feedback.xlsx", "feedback.csv", "draft.txt", "x.exe"]),
    )


def send(client, path: str, **kwargs) -> int:
    """The status of a request, its body read to the end (a streamed export runs whole)."""
    response = client.open(path, **kwargs)
    try:
        response.get_data()
        return response.status_code
    finally:
        response.close()


def walk_route(client, rule, method: str, values: dict, field_names: list[str]) -> None:
    """Send EXAMPLES requests with bad values to one route; fail on any 5xx."""
    variables = [name for _, name in _variables(rule)]

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        # Half the time the path names the world's real objects, so the bad query and form
        # reach the code behind the route rather than a 404.
        overrides=st.one_of(
            st.just({}),
            st.dictionaries(
                st.sampled_from(variables or ["-"]),
                bad_text.map(lambda v: quote(v, safe="")),
                min_size=1,
            ),
        ),
        query=st.dictionaries(st.sampled_from(QUERY_NAMES), bad_text, min_size=1, max_size=4),
        form=st.dictionaries(
            st.sampled_from(field_names),
            st.one_of(bad_text, st.lists(bad_text, max_size=3)),
            min_size=1,
            max_size=8,
        ),
        upload=st.one_of(st.none(), files()),
    )
    def walk(overrides, query, form, upload):
        data = dict(form)
        if upload is not None:
            data["file"] = upload
        path = path_for(rule, values, **{k: v for k, v in overrides.items() if v})
        status = send(
            client, path, method=method, query_string=query, data=data if method == "POST" else None
        )
        assert status < 500, f"{status}: {method} {path}"

    walk()
    # Then every field and argument at once with the values that most often broke a route.
    path = path_for(rule, values)
    for value in BROADCAST:
        status = send(
            client,
            path,
            method=method,
            query_string=dict.fromkeys(QUERY_NAMES, value),
            data=dict.fromkeys(field_names, value) if method == "POST" else None,
        )
        assert status < 500, f"{status}: {method} {path} {value!r}"


@pytest.mark.parametrize("role", ROLES)
def test_no_route_answers_a_server_error_to_bad_input(app, client, auth, users, organisation, role):
    from tests.accounts.test_access import ordered

    values = build_world(users, organisation)
    if role != "anonymous":
        auth.login(users[role].email)
    field_names = sorted(form_field_names() | set(dynamic_field_names(app)))
    for rule, method in ordered(app):
        walk_route(client, rule, method, values, field_names)


def test_far_off_dates_in_the_export_filter_are_field_errors(client, auth, users, organisation):
    values = build_world(users, organisation)
    auth.login(users["staff"].email)
    for day in ("9999-12-31", "0001-01-01"):
        response = client.post(
            f"/exports/consultations/{values['slug']}/feedback",
            data={"file_format": "csv", "submitted_to": day},
        )
        assert response.status_code in (200, 422)
        assert "Use a date between 2000 and 2999." in response.get_data(as_text=True)


def test_unicode_digits_and_huge_ids_in_paths_are_not_found(client, auth, users, organisation):
    values = build_world(users, organisation)
    auth.login(users["council"].email)
    for bad in ("²", "٣", "１", str(2**63), "9" * 40):
        path = f"/consultations/{values['slug']}/submissions/{quote(bad)}"
        assert client.get(path).status_code == 404
        assert (
            client.get(f"/consultations/{values['slug']}?version={quote(bad)}").status_code == 200
        )


def test_unicode_digits_in_an_answer_are_a_field_error(client, auth, users, organisation):
    from app.extensions import db
    from app.models import Question

    values = build_world(users, organisation)
    auth.login(users["partner"].email)
    for question in db.session.scalars(db.select(Question)):
        for bad in ("²", "٣", "9" * 30, "a\x00b"):
            response = client.post(
                f"/consultations/{values['slug']}/respond/questions",
                data={f"question-{question.id}": bad, "lock_version": "1"},
            )
            assert response.status_code == 422, (question.kind, bad)


def test_numbers_in_query_strings_are_ascii_and_within_64_bits():
    from app.utils import page_number, query_int

    assert [query_int(v) for v in ("0", "7", " 12 ", str(2**63 - 1))] == [0, 7, 12, 2**63 - 1]
    for bad in ("²", "٣", "１", "-1", "1e3", str(2**63), ""):
        with pytest.raises(ValueError):
            query_int(bad)
    with pytest.raises(ValueError):
        page_number("1000001")


def test_a_section_filter_of_unicode_digits_is_a_field_error(client, auth, users, organisation):
    values = build_world(users, organisation)
    auth.login(users["staff"].email)
    for section in ("²", "٣", "9" * 30):
        response = client.post(
            f"/exports/consultations/{values['slug']}/feedback",
            data={"file_format": "csv", "section": section},
        )
        assert response.status_code in (200, 422)
        assert "The draft has no section" in response.get_data(as_text=True)
