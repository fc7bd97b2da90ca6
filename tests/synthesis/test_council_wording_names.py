"""Two proposed wordings on one paragraph: every field, button and error says which wording."""

import re

from sqlalchemy.orm.attributes import flag_modified

from tests.synthesis.test_council_pages import base, release, world  # noqa: F401  (world: a fixture)


def two_wordings(db, synthesis) -> None:
    paragraph = next(p for p in synthesis.result["paragraphs"] if p["amendment_groups"])
    second = dict(paragraph["amendment_groups"][0], key="b" * 40, text="Another wording.")
    paragraph["amendment_groups"].append(second)
    flag_modified(synthesis, "result")
    db.session.commit()
    return paragraph["number"]


def test_each_wordings_controls_and_errors_name_the_wording(
    client,
    auth,
    users,
    db,
    world,  # noqa: F811
):
    number = two_wordings(db, world["synthesis"])
    release(db, world["synthesis"], "council")
    auth.login(users["council"].email)
    path = f"{base(world)}/paragraphs/{number}"
    page = client.get(path).get_data(as_text=True)
    for index in (1, 2):
        assert f"Reason for the decision on wording {index}</label>" in page
        assert f'value="Record the decision on wording {index}"' in page
    labels = re.findall(r'<label class="form-check-label" for="[^"]+">(.*?)</label>', page)
    assert len(labels) == len(set(labels)) > 0

    response = client.post(f"{path}/groups/{'b' * 40}", data={"g1-decision": "accept"})
    assert "Reason for the decision on wording 2:" in response.get_data(as_text=True)
