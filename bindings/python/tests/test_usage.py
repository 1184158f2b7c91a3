"""The usage log and the researcher's report, through the Python package."""

from datetime import datetime, timedelta, timezone

import pytest

from recovery_core import (
    DenyReason,
    NewGoal,
    NewPerson,
    Portal,
    Problem,
    RecoveryError,
    Role,
)

KEY = b"a python export key of 32 bytes!"


@pytest.fixture
def portal(tmp_path):
    return Portal.open(str(tmp_path / "recovery.sqlite"))


def period():
    now = datetime.now(timezone.utc)
    return now - timedelta(days=1), now + timedelta(days=1)


def test_a_researcher_reads_visits_postings_and_involvement(portal):
    anna = portal.register(NewPerson(role=Role.SERVICE_USER, display_name="Anna")).id
    rita = portal.register(NewPerson(role=Role.RESEARCHER, display_name="Rita")).id
    portal.record_visit(anna, "forum")
    portal.record_visit(anna, "toolbox.goals")
    portal.add_goal(anna, NewGoal(domain="catalogue:housing", title="Find a flat of my own"))

    start, end = period()
    report = portal.usage_report(rita, start, end, KEY)
    rows = {(m.module, m.role): (m.visits, m.people, m.postings) for m in report.total.modules}
    assert rows[("forum", Role.SERVICE_USER)] == (1, 1, 0)
    assert rows[("toolbox.goals", Role.SERVICE_USER)] == (1, 1, 1)
    assert report.total.involvement.service_users == 1
    assert report.total.involvement.with_own_goal == 1
    assert report.total.involvement.own_goal_share == 1.0
    assert len(report.months) >= 1
    assert report.csv.startswith("period,section,module,role,team,measure,value\n")
    assert "Find a flat" not in report.csv and "Anna" not in report.csv and anna not in report.csv


def test_refusals_are_typed(portal):
    anna = portal.register(NewPerson(role=Role.SERVICE_USER, display_name="Anna")).id
    rita = portal.register(NewPerson(role=Role.RESEARCHER, display_name="Rita")).id
    start, end = period()
    with pytest.raises(RecoveryError.PermissionDenied) as denied:
        portal.usage_report(anna, start, end, KEY)
    assert denied.value.reason == DenyReason.WRONG_ROLE
    with pytest.raises(RecoveryError.Invalid) as inverted:
        portal.usage_report(rita, end, start, KEY)
    assert inverted.value.field == "period"
    with pytest.raises(RecoveryError.Invalid) as no_key:
        portal.usage_report(rita, start, end, b"")
    assert (no_key.value.field, no_key.value.problem) == ("export_key", Problem.EMPTY())
    with pytest.raises(RecoveryError.Invalid) as unknown:
        portal.record_visit(anna, "toolbox.secrets")
    assert (unknown.value.field, unknown.value.problem) == ("module", Problem.UNKNOWN())
