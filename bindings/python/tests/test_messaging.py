"""Secure messaging and the change feed, through the Python package."""

import pytest

from recovery_core import (
    Attach,
    Change,
    CursorProblem,
    DenyReason,
    Medication,
    MedicationStatus,
    NewConversation,
    NewMessage,
    NewPerson,
    Portal,
    Problem,
    Profession,
    ProviderDetails,
    RecoveryError,
    Role,
    Scope,
    Snapshot,
    SnapshotKind,
)


@pytest.fixture
def portal(tmp_path):
    return Portal.open(str(tmp_path / "recovery.sqlite"))


@pytest.fixture
def anna(portal):
    return portal.register(NewPerson(role=Role.SERVICE_USER, display_name="Anna")).id


def register_provider(portal, name):
    details = ProviderDetails(profession=Profession.MENTAL_HEALTH_NURSE, organisation="Oslo DPS")
    return portal.register(NewPerson(role=Role.PROVIDER, display_name=name, provider=details)).id


@pytest.fixture
def nurse(portal):
    return register_provider(portal, "Nina")


@pytest.fixture
def membership(portal, anna, nurse):
    return portal.accept_invitation(nurse, portal.invite(anna, nurse).id)


def start_with_medications(portal, anna, nurse):
    portal.add_medication(anna, Medication(name="Sertraline", status=MedicationStatus.ACTIVE))
    message = NewMessage(body="My current list", attachments=[Attach.MEDICATIONS()])
    return portal.start_conversation(
        anna, NewConversation(others=[nurse], subject="Before Tuesday", message=message)
    )


def test_the_provider_reads_the_message_and_its_snapshot_with_nothing_shared(
    portal, anna, nurse, membership
):
    started = start_with_medications(portal, anna, nurse)
    assert [p.provider for p in started.conversation.providers] == [nurse]
    [info] = started.message.attachments
    assert info.kind == SnapshotKind.MEDICATIONS
    assert info.source is None

    page = portal.messages(nurse, started.conversation.id)
    assert [m.body for m in page.messages] == ["My current list"]
    assert page.conversation.can_post
    assert page.next is None
    snapshot = portal.attachment(nurse, info.id).snapshot
    assert isinstance(snapshot, Snapshot.MEDICATIONS)
    assert [m.content.name for m in snapshot.medications] == ["Sertraline"]

    # The snapshot was readable; the live medication list still is not.
    with pytest.raises(RecoveryError.PermissionDenied) as denied:
        portal.view(nurse, anna, Scope.MEDICATIONS())
    assert denied.value.reason == DenyReason.NOT_SHARED


def test_unread_counts_fall_when_read_and_rise_with_a_reply(portal, anna, nurse, membership):
    conversation = start_with_medications(portal, anna, nurse).conversation.id
    counts = portal.unread_counts(nurse)
    assert (counts.total, [c.conversation for c in counts.conversations]) == (1, [conversation])
    assert portal.unread_counts(anna).total == 0

    assert portal.mark_read(nurse, conversation, 1) == 0
    assert portal.unread_counts(nurse).total == 0
    assert portal.inbox(nurse).unread_total == 0

    reply = portal.send_message(nurse, conversation, NewMessage(body="Thanks, see you Tuesday"))
    assert reply.seq == 2
    assert portal.unread_counts(anna).total == 1
    assert [c.unread for c in portal.inbox(anna).conversations] == [1]

    with pytest.raises(RecoveryError.Invalid) as too_far:
        portal.mark_read(anna, conversation, 3)
    assert too_far.value.field == "read.through"


def test_a_sync_loop_sees_each_message_once_and_refuses_another_persons_cursor(
    portal, anna, nurse, membership
):
    first = portal.changes_since(nurse)
    assert (first.changes, first.more) == ([], False)

    conversation = start_with_medications(portal, anna, nurse).conversation.id
    second = portal.changes_since(nurse, first.cursor)
    [sent] = second.changes
    assert isinstance(sent, Change.MESSAGE_SENT)
    assert sent.message.body == "My current list"

    third = portal.changes_since(nurse, second.cursor)
    assert third.changes == []

    portal.send_message(anna, conversation, NewMessage(body="One more thing"))
    fourth = portal.changes_since(nurse, third.cursor)
    assert [c.message.seq for c in fourth.changes] == [2]

    with pytest.raises(RecoveryError.InvalidCursor) as refused:
        portal.changes_since(anna, fourth.cursor)
    assert refused.value.problem == CursorProblem.NOT_OURS
    with pytest.raises(RecoveryError.InvalidCursor) as malformed:
        portal.changes_since(nurse, "not a cursor")
    assert malformed.value.problem == CursorProblem.MALFORMED


def test_messaging_outside_the_team_or_with_another_persons_items_is_refused(
    portal, anna, nurse, membership
):
    stranger = register_provider(portal, "Ola")
    with pytest.raises(RecoveryError.NotInCareTeam) as outside:
        portal.start_conversation(
            anna, NewConversation(others=[stranger], message=NewMessage(body="Hello"))
        )
    assert outside.value.provider == stranger
    assert portal.inbox(anna).conversations == []

    with pytest.raises(RecoveryError.Invalid) as not_owned:
        message = NewMessage(body="Hi", attachments=[Attach.MEDICATIONS()])
        portal.start_conversation(nurse, NewConversation(others=[anna], message=message))
    assert not_owned.value.problem == Problem.NOT_OWNED()

    conversation = start_with_medications(portal, anna, nurse).conversation.id
    portal.end_membership(anna, membership.id)
    with pytest.raises(RecoveryError.ConversationClosed) as closed:
        portal.send_message(anna, conversation, NewMessage(body="Are you there?"))
    assert closed.value.conversation == conversation
    assert [m.seq for m in portal.messages(anna, conversation).messages] == [1]
