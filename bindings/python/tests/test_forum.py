"""The peer-support forum and its moderation, through the Python package."""

import pytest

from datetime import timedelta

from recovery_core import (
    Editor,
    ForumReason,
    ModerationAction,
    ModeratorEdit,
    ModeratorNote,
    NewFlag,
    NewPerson,
    NewThread,
    Portal,
    PostStatus,
    RecoveryError,
    Role,
)


@pytest.fixture
def portal(tmp_path):
    return Portal.open(str(tmp_path / "recovery.sqlite"))


def member(portal, name, pseudonym):
    person = portal.register(NewPerson(role=Role.SERVICE_USER, display_name=name)).id
    portal.join_forum(person, pseudonym)
    return person


def test_a_post_flagged_by_three_members_is_hidden_until_a_moderator_approves_it(portal):
    moderator = portal.register(NewPerson(role=Role.MODERATOR, display_name="Mona")).id
    author = member(portal, "Anna", "Quiet Heron")
    flaggers = [
        member(portal, "Ola", "Blue Lantern"),
        member(portal, "Kari", "Morning Walker"),
        member(portal, "Per", "River Stone"),
    ]

    new = NewThread(category="introductions", title="Hello all", body="New here, glad to find you.")
    started = portal.start_thread(author, new)
    opening = started.posted.post.id
    assert started.posted.held
    assert portal.approve_post(moderator, opening).status == PostStatus.VISIBLE
    # Once one post is approved, the author's posts are seen without review.
    replied = portal.reply(author, started.thread.id, "Anyone else who walks in the mornings?")
    assert not replied.held
    post = replied.post.id

    for flagger in flaggers:
        portal.flag_post(flagger, post, NewFlag(reason=ForumReason.SPAM))
    [hidden] = [p for p in portal.thread_page(flaggers[0], started.thread.id).posts if p.id == post]
    assert (hidden.status, hidden.body) == (PostStatus.HIDDEN, None)
    [queued] = portal.review_queue(moderator).items
    assert (queued.post.id, queued.flaggers) == (post, 3)

    assert portal.approve_post(moderator, post).status == PostStatus.VISIBLE
    shown = portal.thread_page(flaggers[0], started.thread.id).posts
    assert [p.body for p in shown] == [
        "New here, glad to find you.",
        "Anyone else who walks in the mornings?",
    ]
    assert portal.review_queue(moderator).items == []

    why = ModeratorNote(reason=ForumReason.HARASSMENT)
    suspension = portal.suspend_member(moderator, started.posted.post.author, why)
    assert suspension.until is not None
    with pytest.raises(RecoveryError.Suspended):
        portal.reply(author, started.thread.id, "Still here")
    with pytest.raises(RecoveryError.PermissionDenied):
        portal.approve_post(author, post)


def moderator_of(portal):
    return portal.register(NewPerson(role=Role.MODERATOR, display_name="Mona")).id


def approved_thread(portal, moderator, author, title="Sleep"):
    """A thread whose opening post is visible: a moderator approves it if it was held."""
    new = NewThread(category="everyday-life", title=title, body="How do you sleep?")
    started = portal.start_thread(author, new)
    if started.posted.held:
        portal.approve_post(moderator, started.posted.post.id)
    return started


def test_categories_and_threads_are_listed_newest_activity_first(portal):
    moderator = moderator_of(portal)
    author = member(portal, "Anna", "Quiet Heron")
    reader = member(portal, "Ola", "Blue Lantern")
    keys = [c.key for c in portal.forum_categories()]
    assert "introductions" in keys and "everyday-life" in keys
    older = approved_thread(portal, moderator, author, "Sleep")
    newer = approved_thread(portal, moderator, author, "Walks")
    portal.reply(author, older.thread.id, "Still awake at three.")

    listed = portal.threads(reader)
    assert [t.id for t in listed.threads] == [older.thread.id, newer.thread.id]
    assert listed.next is None
    first = portal.threads(reader, limit=1)
    assert [t.title for t in first.threads] == ["Sleep"]
    rest = portal.threads(reader, before=first.next, limit=1)
    assert [t.title for t in rest.threads] == ["Walks"]
    assert portal.threads(reader, category="introductions").threads == []
    with pytest.raises(RecoveryError.Invalid):
        portal.threads(reader, category="no-such-category")


def test_an_edit_keeps_the_earlier_text_for_moderators_only(portal):
    moderator = moderator_of(portal)
    author = member(portal, "Anna", "Quiet Heron")
    started = approved_thread(portal, moderator, author)
    post = portal.reply(author, started.thread.id, "I sleep badly.").post.id

    edited = portal.edit_post(author, post, "I sleep badly most nights.")
    assert (edited.post.body, edited.held) == ("I sleep badly most nights.", False)
    assert edited.post.edited_at is not None
    [first] = portal.post_history(moderator, post)
    assert (first.version, first.body, first.replaced_by) == (1, "I sleep badly.", Editor.AUTHOR())
    with pytest.raises(RecoveryError.PermissionDenied):
        portal.post_history(author, post)

    why = ModeratorNote(reason=ForumReason.PERSONAL_INFORMATION, note="Removed a name")
    shown = portal.moderate_post(moderator, post, ModeratorEdit(body="I sleep badly.", note=why))
    assert (shown.body, shown.moderator_edit.note) == ("I sleep badly.", "Removed a name")
    history = portal.post_history(moderator, post)
    assert [v.body for v in history] == ["I sleep badly.", "I sleep badly most nights."]
    assert history[1].replaced_by == Editor.MODERATOR(person=moderator)
    with pytest.raises(RecoveryError.Invalid):
        portal.moderate_post(moderator, post, ModeratorEdit(body="x", title="New title", note=why))


def test_a_deleted_post_leaves_a_tombstone_and_no_history(portal):
    moderator = moderator_of(portal)
    author = member(portal, "Anna", "Quiet Heron")
    reader = member(portal, "Ola", "Blue Lantern")
    started = approved_thread(portal, moderator, author)
    post = portal.reply(author, started.thread.id, "Something I regret writing.").post.id
    portal.edit_post(author, post, "Something I regret.")
    with pytest.raises(RecoveryError.PermissionDenied):
        portal.delete_post(reader, post)

    deleted = portal.delete_post(author, post)
    assert (deleted.status, deleted.body) == (PostStatus.DELETED, None)
    [tombstone] = [p for p in portal.thread_page(reader, started.thread.id).posts if p.id == post]
    assert (tombstone.status, tombstone.body, tombstone.pseudonym) == (PostStatus.DELETED, None, "Quiet Heron")
    assert portal.post_history(moderator, post) == []
    with pytest.raises(RecoveryError.InvalidTransition):
        portal.edit_post(author, post, "Back again")


def test_a_locked_thread_refuses_replies_until_unlocked(portal):
    moderator = moderator_of(portal)
    author = member(portal, "Anna", "Quiet Heron")
    started = approved_thread(portal, moderator, author)
    thread = started.thread.id

    locked = portal.lock_thread(moderator, thread, ModeratorNote(reason=ForumReason.OFF_TOPIC))
    assert locked.locked
    with pytest.raises(RecoveryError.ThreadLocked):
        portal.reply(author, thread, "One more thing")
    assert not portal.reply(moderator_member(portal, moderator), thread, "Closing this one.").held
    with pytest.raises(RecoveryError.InvalidTransition):
        portal.lock_thread(moderator, thread, ModeratorNote(reason=ForumReason.OFF_TOPIC))

    assert not portal.unlock_thread(moderator, thread).locked
    assert portal.reply(author, thread, "One more thing").post.body == "One more thing"
    actions = portal.member_record(moderator, started.posted.post.author).actions
    assert [a.action for a in actions] == [
        ModerationAction.APPROVE(),
        ModerationAction.LOCK(),
        ModerationAction.UNLOCK(),
    ]
    assert actions[1].reason == ForumReason.OFF_TOPIC


def moderator_member(portal, moderator):
    """The moderator joins the forum too, to post under a pseudonym."""
    portal.join_forum(moderator, "Harbour Light")
    return moderator


def test_warnings_and_the_suspension_ladder_with_a_lift_between(portal):
    moderator = moderator_of(portal)
    author = member(portal, "Anna", "Quiet Heron")
    started = approved_thread(portal, moderator, author)
    who = started.posted.post.author
    why = ModeratorNote(reason=ForumReason.HARASSMENT, note="Please be kind")

    warned = portal.warn_member(moderator, who, why)
    assert (warned.warnings, warned.suspensions, warned.suspension) == (1, 0, None)
    first = portal.suspend_member(moderator, who, why)
    assert first.until - first._from == timedelta(days=14)
    with pytest.raises(RecoveryError.Suspended):
        portal.reply(author, started.thread.id, "Hello?")
    with pytest.raises(RecoveryError.InvalidTransition):
        portal.suspend_member(moderator, who, why)

    lifted = portal.lift_suspension(moderator, who, "Talked it through")
    assert (lifted.suspension, lifted.suspensions) == (None, 1)
    assert not portal.reply(author, started.thread.id, "Thank you.").held
    with pytest.raises(RecoveryError.InvalidTransition):
        portal.lift_suspension(moderator, who)
    second = portal.suspend_member(moderator, who, why)
    assert second.until - second._from == timedelta(days=30)

    record = portal.member_record(moderator, who)
    assert (record.pseudonym, record.warnings, record.suspensions) == ("Quiet Heron", 1, 2)
    approve, warn, suspend, lift, again = [a.action for a in record.actions]
    assert (approve, warn, lift) == (ModerationAction.APPROVE(), ModerationAction.WARN(), ModerationAction.LIFT())
    assert suspend == ModerationAction.SUSPEND(until=first.until)
    assert again == ModerationAction.SUSPEND(until=second.until)
    with pytest.raises(RecoveryError.PermissionDenied):
        portal.warn_member(author, who, why)
