"""HQ saves a composed programme written as definition text: the way to save what
the row table cannot hold, such as the worked 天津瞪羚 example's "any 2 of these"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from keqi.core.models import AuditEvent
from keqi.criteria.models import ProgrammeDefinition
from keqi.criteria.tests.helpers import client_for

pytestmark = pytest.mark.django_db
URL = "/criteria/programmes/tj_dengling/compose/text/"
DOC = Path(__file__).resolve().parents[3] / "docs" / "adding-a-programme.md"


def worked_example() -> str:
    text = DOC.read_text(encoding="utf-8")
    found = re.search(r"```yaml\n(.*?)```", text, re.S)
    assert found is not None
    return found.group(1)


def test_hq_saves_the_worked_example_with_its_any_k_group(hq) -> None:  # type: ignore[no-untyped-def]
    data = {"definition": worked_example(), "reason": "按文件录入（门槛待核）"}
    response = client_for(hq).post(URL, data)
    assert response.status_code == 302
    row = ProgrammeDefinition.objects.get(key="tj_dengling")
    groups = [c for c in row.definition["conditions"] if c["type"] == "any_k"]
    assert groups and groups[0]["k"] == 2 and len(groups[0]["conditions"]) == 3
    assert row.definition["effective_from"] == "2021-07-09"
    assert AuditEvent.objects.filter(action="criteria.programme_save").exists()
    page = client_for(hq).get("/criteria/programmes/tj_dengling/").content.decode()
    assert "以下至少2项" in page


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("key: [unclosed", "格式有误"),
        ("- just\n- a list\n", "应含有 version"),
        (
            "version: '1'\neffective_from: 2021-01-01\nconditions:\n  - type: nonsense\n",
            "",
        ),
    ],
)
def test_a_bad_definition_is_refused_in_chinese_and_nothing_is_stored(
    hq,
    text: str,
    says: str,  # type: ignore[no-untyped-def]
) -> None:
    response = client_for(hq).post(URL, {"definition": text, "reason": "试"})
    page = response.content.decode()
    assert response.status_code == 400 and "未保存，请修改以下问题" in page
    assert says in page
    assert not ProgrammeDefinition.objects.exists()


@pytest.mark.parametrize("who", ["town_a", "member", "leader"])
def test_only_hq_may_save_definition_text(who: str, request) -> None:  # type: ignore[no-untyped-def]
    user = request.getfixturevalue(who)
    data = {"definition": worked_example(), "reason": "试"}
    assert client_for(user).post(URL, data).status_code == 403
    assert not ProgrammeDefinition.objects.exists()
