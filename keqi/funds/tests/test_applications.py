"""Award applications are one per enterprise, rule, year and certificate number:
written differently or posted twenty times at once, the number makes one award."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from keqi.core.testing import at_once, make_enterprise, persona
from keqi.funds import awards as flow
from keqi.funds.awards import award_apply, award_reject, evidence_key
from keqi.funds.models import Award, AwardRule, AwardSource, AwardStatus
from keqi.funds.tests.helpers import M, client_for, rule
from keqi.registry.models import Enterprise

NUMBER = "津科项〔2019〕12号 ABC-1"


def _project_rule() -> AwardRule:
    return rule(
        name="科技项目扶持",
        award_type="project",
        trigger_kind="",
        first_time_only=False,
        amount=M("30000"),
    )


def _apply(firm: Enterprise, r: AwardRule, number: str, actor: Any) -> Award:
    return award_apply(
        enterprise=firm,
        rule=r,
        year=2019,
        evidence={
            "evidence_number": number,
            "evidence_date": dt.date(2019, 5, 6),
            "evidence_note": "市级科技计划项目立项",
        },
        actor=actor,
    )


@pytest.mark.parametrize(
    "written",
    [
        "津科项〔2019〕12号 abc-1",  # case
        "津科项〔２０１９〕１２号 ＡＢＣ－１",  # full-width digits, letters, hyphen
        "  津科项〔2019〕12号 ABC-1\u3000",  # spaces, ideographic space
    ],
)
@pytest.mark.django_db
def test_the_same_number_written_differently_is_refused_as_a_duplicate(
    written: str, town_a
) -> None:
    r, firm = _project_rule(), make_enterprise("dakoutun")
    _apply(firm, r, NUMBER, town_a)
    with pytest.raises(ValidationError, match="已有相同的申请.*不能重复申请"):
        _apply(firm, r, written, town_a)
    assert Award.objects.filter(rule=r).count() == 1


def test_the_comparison_key_folds_width_case_and_spaces() -> None:
    assert evidence_key(" ＧＲ２０１９１２０００１０１\u3000") == "gr201912000101"
    assert evidence_key("ABC-1") == evidence_key("ａｂｃ－１") == "abc-1"


@pytest.mark.django_db
def test_the_number_as_typed_is_kept_for_the_notice(town_a) -> None:
    r, firm = _project_rule(), make_enterprise("dakoutun")
    award = _apply(firm, r, " ＡＢＣ－１ ", town_a)
    assert award.evidence_number == "ＡＢＣ－１" and award.evidence_key == "abc-1"


@pytest.mark.django_db
def test_a_rejected_application_may_be_entered_again(town_a, hq) -> None:
    r, firm = _project_rule(), make_enterprise("dakoutun")
    first = _apply(firm, r, NUMBER, town_a)
    award_reject(award=first, reason="材料不全，请补正后重新申请", actor=hq)
    again = _apply(firm, r, NUMBER.lower(), town_a)
    assert again.status == AwardStatus.CANDIDATE
    with pytest.raises(ValidationError, match="不能重复申请"):
        _apply(firm, r, NUMBER, town_a)


@pytest.mark.django_db
def test_another_enterprise_or_number_is_not_a_duplicate(town_a) -> None:
    r = _project_rule()
    one, two = make_enterprise("dakoutun"), make_enterprise("dakoutun")
    _apply(one, r, NUMBER, town_a)
    _apply(two, r, NUMBER, town_a)
    _apply(one, r, "津科项〔2019〕13号", town_a)
    assert Award.objects.filter(rule=r).count() == 3


@pytest.mark.django_db
def test_the_database_refuses_a_second_live_application_written_around_the_service(
    town_a,
) -> None:
    r, firm = _project_rule(), make_enterprise("dakoutun")
    award = _apply(firm, r, NUMBER, town_a)
    twin = {
        f.attname: getattr(award, f.attname)
        for f in Award._meta.concrete_fields
        if f.attname != "id"
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        Award.objects.create(**twin)


@pytest.mark.django_db
def test_a_twin_that_slips_past_the_check_gets_the_chinese_message(
    town_a, monkeypatch
) -> None:
    """What the loser of a race sees: the check found nothing, the index refused."""
    r, firm = _project_rule(), make_enterprise("dakoutun")
    _apply(firm, r, NUMBER, town_a)
    monkeypatch.setattr(flow, "_duplicate_of", lambda *a: None)
    with pytest.raises(ValidationError, match="已有相同的申请"):
        _apply(firm, r, "ＡＢＣ".join(NUMBER.split("ABC")), town_a)
    assert Award.objects.filter(rule=r).count() == 1


@pytest.mark.django_db
def test_the_apply_page_shows_the_duplicate_in_chinese(town_a) -> None:
    r, firm = _project_rule(), make_enterprise("dakoutun")
    _apply(firm, r, NUMBER, town_a)
    response = client_for(town_a).post(
        "/funds/awards/apply/",
        {
            "uscc": firm.uscc,
            "rule": r.pk,
            "year": "2019",
            "evidence_number": "津科项〔２０１９〕１２号 abc-1",
            "evidence_date": "2019-05-06",
            "evidence_note": "再次提交",
        },
    )
    assert response.status_code == 200
    assert "已有相同的申请" in response.content.decode()
    assert Award.objects.filter(rule=r).count() == 1


PARALLEL = 20


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite admits one writer at a time (the shared in-memory test database "
    "refuses a second one outright), so the race needs PostgreSQL; on SQLite the "
    "unique index is proven by the two tests above",
)
@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_posts_of_one_application_make_one_award() -> None:
    town_a = persona("town_a")
    r, firm = _project_rule(), make_enterprise("dakoutun")
    form = {
        "uscc": firm.uscc,
        "rule": r.pk,
        "year": "2019",
        "evidence_number": NUMBER,
        "evidence_date": "2019-05-06",
        "evidence_note": "市级科技计划项目立项",
    }
    clients = [client_for(town_a) for _ in range(PARALLEL)]
    results = at_once(
        [lambda c=c: c.post("/funds/awards/apply/", form) for c in clients]
    )
    awards = Award.objects.filter(rule=r, source=AwardSource.APPLICATION)
    assert awards.count() == 1
    # One redirect to the new award; every other post is the form with the error.
    statuses = sorted(response.status_code for response in results)
    assert statuses == [200] * (PARALLEL - 1) + [302]
    refused = [x for x in results if x.status_code == 200]
    assert all("已有相同的申请" in x.content.decode() for x in refused)
