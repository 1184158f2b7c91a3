"""The peer-support forum and its moderation, through the Python package."""

import pytest

from recovery_core import (
    ForumReason,
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
