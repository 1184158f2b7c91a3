"""Care teams, sharing, proposals, comments and the access log, through the Python package."""

import pytest

from recovery_core import (
    AccessAction,
    DenyReason,
    Level,
    Medication,
    MedicationStatus,
    NewGoal,
    NewPerson,
    Outcome,
    Portal,
    Problem,
    Profession,
    ProposalStatus,
    ProviderDetails,
    RecoveryError,
    Role,
    Scope,
    ScopeView,
    Sharing,
    TeamStatus,
)

HOUSING = Scope.DOMAIN(domain="catalogue:housing")


@pytest.fixture
def portal(tmp_path):
    return Portal.open(str(tmp_path / "recovery.sqlite"))


@pytest.fixture
def anna(portal):
    return portal.register(NewPerson(role=Role.SERVICE_USER, display_name="Anna")).id


@pytest.fixture
def nurse(portal):
    details = ProviderDetails(profession=Profession.MENTAL_HEALTH_NURSE, organisation="Oslo DPS")
    return portal.register(NewPerson(role=Role.PROVIDER, display_name="Nina", provider=details)).id


@pytest.fixture
def membership(portal, anna, nurse):
    invited = portal.invite(anna, nurse)
    assert invited.status == TeamStatus.PROPOSED
    return portal.accept_invitation(nurse, invited.id)


def test_a_provider_sees_only_what_is_shared_and_every_look_is_logged(portal, anna, nurse, membership):
    assert membership.status == TeamStatus.ACTIVE
    portal.add_goal(anna, NewGoal(domain="catalogue:housing", title="Find a flat"))
    portal.add_medication(anna, Medication(name="Sertraline", status=MedicationStatus.ACTIVE))

    grant = portal.share(anna, nurse, HOUSING, Sharing(level=Level.VIEW))
    assert grant.level == Level.VIEW
    assert [m.provider.id for m in portal.care_team(anna)] == [nurse]
    assert [g.scope for g in portal.caseload(nurse)[0].grants] == [HOUSING]

    view = portal.view(nurse, anna, HOUSING)
    assert isinstance(view, ScopeView.DOMAIN)
    assert [g.goal.content.title for g in view.goals] == ["Find a flat"]

    with pytest.raises(RecoveryError.PermissionDenied) as denied:
        portal.view(nurse, anna, Scope.MEDICATIONS())
    assert denied.value.reason == DenyReason.NOT_SHARED

    log = portal.access_log(anna)
    outcomes = [e.event.outcome for e in log.entries if e.event.action == AccessAction.VIEW]
    assert outcomes == [Outcome.DENIED(reason=DenyReason.NOT_SHARED), Outcome.ALLOWED()]
    assert all(len(e.hash) == 64 for e in log.entries)
    report = portal.verify_access_log()
    assert report.first_break is None
    assert report.entries >= 5


def test_a_proposal_becomes_the_users_goal_only_when_accepted(portal, anna, nurse, membership):
    portal.share(anna, nurse, HOUSING, Sharing(level=Level.SUGGEST))
    proposal = portal.propose_goal(nurse, anna, NewGoal(domain="catalogue:housing", title="Apply for housing benefit"))
    assert proposal.status == ProposalStatus.PENDING
    assert [p.id for p in portal.proposals(anna, ProposalStatus.PENDING)] == [proposal.id]
    assert portal.goals(anna) == []

    accepted = portal.decide_proposal(anna, proposal.id, True)
    assert accepted.status == ProposalStatus.ACCEPTED
    (goal,) = portal.goals(anna)
    assert accepted.accepted_as == goal.id
    assert goal.content.authored_by == nurse

    comment = portal.comment(nurse, goal.id, "Bring your tax return.")
    assert [c.id for c in portal.comments(anna, goal.id)] == [comment.id]


def test_ending_the_team_revokes_everything_at_once(portal, anna, nurse, membership):
    portal.share(anna, nurse, HOUSING, Sharing(level=Level.VIEW))
    ended = portal.end_membership(anna, membership.id)
    assert ended.status == TeamStatus.INACTIVE
    assert ended.ended_by == anna
    assert ended.ended_at is not None
    with pytest.raises(RecoveryError.PermissionDenied) as denied:
        portal.view(nurse, anna, HOUSING)
    assert denied.value.reason == DenyReason.NO_CARE_TEAM


def test_team_calls_refuse_bad_input_with_typed_errors(portal, anna, nurse):
    ola = portal.register(NewPerson(role=Role.SERVICE_USER, display_name="Ola")).id
    with pytest.raises(RecoveryError.Invalid) as wrong_role:
        portal.invite(anna, ola)
    assert (wrong_role.value.field, wrong_role.value.problem) == (
        "invitation.provider",
        Problem.WRONG_ROLE(expected="provider"),
    )

    with pytest.raises(RecoveryError.Invalid) as malformed:
        portal.invite(anna, "nina")
    assert (malformed.value.field, malformed.value.problem) == ("provider", Problem.MALFORMED_ID())

    with pytest.raises(RecoveryError.Invalid) as bad_scope:
        portal.share(anna, nurse, Scope.DOMAIN(domain="housing"), Sharing(level=Level.VIEW))
    assert bad_scope.value.field == "scope.domain"

    with pytest.raises(RecoveryError.NotInCareTeam) as outsider:
        portal.share(anna, nurse, HOUSING, Sharing(level=Level.VIEW))
    assert outsider.value.provider == nurse
