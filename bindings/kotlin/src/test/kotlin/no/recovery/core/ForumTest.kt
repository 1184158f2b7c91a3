package no.recovery.core

import java.nio.file.Path
import java.time.Duration
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir

/** The peer-support forum and its moderation, through the Kotlin bindings. */
class ForumTest {
    @TempDir
    lateinit var dir: Path

    private lateinit var portal: Portal

    @BeforeEach
    fun openPortal() {
        portal = Portal.open(dir.resolve("recovery.sqlite").toString())
    }

    @AfterEach
    fun closePortal() {
        portal.close()
    }

    private fun member(name: String, pseudonym: String): String {
        val id = portal.register(NewPerson(role = Role.SERVICE_USER, displayName = name)).id
        portal.joinForum(id, pseudonym)
        return id
    }

    @Test
    fun aPostFlaggedByThreeMembersIsHiddenUntilAModeratorApprovesIt() {
        val moderator = portal.register(NewPerson(role = Role.MODERATOR, displayName = "Mona")).id
        val author = member("Anna", "Quiet Heron")
        val flaggers = listOf(member("Ola", "Blue Lantern"), member("Kari", "Morning Walker"), member("Per", "River Stone"))

        val started = portal.startThread(author, NewThread(category = "introductions", title = "Hello all", body = "New here, glad to find you."))
        val opening = started.posted.post.id
        assertTrue(started.posted.held)
        assertEquals(PostStatus.VISIBLE, portal.approvePost(moderator, opening).status)
        // Once one post is approved, the author's posts are seen without review.
        val replied = portal.reply(author, started.thread.id, "Anyone else who walks in the mornings?")
        assertEquals(false, replied.held)
        val post = replied.post.id

        for (flagger in flaggers) {
            portal.flagPost(flagger, post, NewFlag(reason = ForumReason.SPAM))
        }
        val hidden = portal.threadPage(flaggers[0], started.thread.id).posts.single { it.id == post }
        assertEquals(PostStatus.HIDDEN, hidden.status)
        assertNull(hidden.body)
        val queued = portal.reviewQueue(moderator).items.single()
        assertEquals(post, queued.post.id)
        assertEquals(3u, queued.flaggers)

        assertEquals(PostStatus.VISIBLE, portal.approvePost(moderator, post).status)
        val shown = portal.threadPage(flaggers[0], started.thread.id).posts
        assertEquals(listOf("New here, glad to find you.", "Anyone else who walks in the mornings?"), shown.map { it.body })
        assertEquals(emptyList<ReviewItem>(), portal.reviewQueue(moderator).items)

        val suspension = portal.suspendMember(moderator, started.posted.post.author, ModeratorNote(reason = ForumReason.HARASSMENT))
        assertTrue(suspension.until != null)
        assertThrows<RecoveryException.Suspended> { portal.reply(author, started.thread.id, "Still here") }
        assertThrows<RecoveryException.PermissionDenied> { portal.approvePost(author, post) }
    }

    private fun moderator(): String = portal.register(NewPerson(role = Role.MODERATOR, displayName = "Mona")).id

    /** A thread whose opening post is visible: a moderator approves it if it was held. */
    private fun approvedThread(moderator: String, author: String, title: String = "Sleep"): StartedThread {
        val started = portal.startThread(author, NewThread(category = "everyday-life", title = title, body = "How do you sleep?"))
        if (started.posted.held) portal.approvePost(moderator, started.posted.post.id)
        return started
    }

    @Test
    fun categoriesAndThreadsAreListedNewestActivityFirst() {
        val moderator = moderator()
        val author = member("Anna", "Quiet Heron")
        val reader = member("Ola", "Blue Lantern")
        assertTrue(portal.forumCategories().map { it.key }.containsAll(listOf("introductions", "everyday-life")))
        val older = approvedThread(moderator, author, "Sleep")
        val newer = approvedThread(moderator, author, "Walks")
        portal.reply(author, older.thread.id, "Still awake at three.")

        val listed = portal.threads(reader)
        assertEquals(listOf(older.thread.id, newer.thread.id), listed.threads.map { it.id })
        assertNull(listed.next)
        val first = portal.threads(reader, limit = 1u)
        assertEquals(listOf("Sleep"), first.threads.map { it.title })
        assertEquals(listOf("Walks"), portal.threads(reader, before = first.next, limit = 1u).threads.map { it.title })
        assertEquals(emptyList<ThreadSummary>(), portal.threads(reader, category = "introductions").threads)
        assertThrows<RecoveryException.Invalid> { portal.threads(reader, category = "no-such-category") }
    }

    @Test
    fun anEditKeepsTheEarlierTextForModeratorsOnly() {
        val moderator = moderator()
        val author = member("Anna", "Quiet Heron")
        val started = approvedThread(moderator, author)
        val post = portal.reply(author, started.thread.id, "I sleep badly.").post.id

        val edited = portal.editPost(author, post, "I sleep badly most nights.")
        assertEquals("I sleep badly most nights.", edited.post.body)
        assertTrue(edited.post.editedAt != null)
        val first = portal.postHistory(moderator, post).single()
        assertEquals("I sleep badly.", first.body)
        assertEquals(Editor.Author, first.replacedBy)
        assertThrows<RecoveryException.PermissionDenied> { portal.postHistory(author, post) }

        val why = ModeratorNote(reason = ForumReason.PERSONAL_INFORMATION, note = "Removed a name")
        val shown = portal.moderatePost(moderator, post, ModeratorEdit(body = "I sleep badly.", note = why))
        assertEquals("Removed a name", shown.moderatorEdit?.note)
        val history = portal.postHistory(moderator, post)
        assertEquals(listOf("I sleep badly.", "I sleep badly most nights."), history.map { it.body })
        assertEquals(Editor.Moderator(person = moderator), history[1].replacedBy)
    }

    @Test
    fun aDeletedPostLeavesATombstoneAndNoHistory() {
        val moderator = moderator()
        val author = member("Anna", "Quiet Heron")
        val reader = member("Ola", "Blue Lantern")
        val started = approvedThread(moderator, author)
        val post = portal.reply(author, started.thread.id, "Something I regret writing.").post.id
        portal.editPost(author, post, "Something I regret.")
        assertThrows<RecoveryException.PermissionDenied> { portal.deletePost(reader, post) }

        val deleted = portal.deletePost(author, post)
        assertEquals(PostStatus.DELETED, deleted.status)
        assertNull(deleted.body)
        val tombstone = portal.threadPage(reader, started.thread.id).posts.single { it.id == post }
        assertEquals(PostStatus.DELETED, tombstone.status)
        assertNull(tombstone.body)
        assertEquals(emptyList<PostVersion>(), portal.postHistory(moderator, post))
        assertThrows<RecoveryException.InvalidTransition> { portal.editPost(author, post, "Back again") }
    }

    @Test
    fun aLockedThreadRefusesRepliesUntilUnlocked() {
        val moderator = moderator()
        val author = member("Anna", "Quiet Heron")
        val thread = approvedThread(moderator, author).thread.id

        assertTrue(portal.lockThread(moderator, thread, ModeratorNote(reason = ForumReason.OFF_TOPIC)).locked)
        assertThrows<RecoveryException.ThreadLocked> { portal.reply(author, thread, "One more thing") }
        assertThrows<RecoveryException.InvalidTransition> {
            portal.lockThread(moderator, thread, ModeratorNote(reason = ForumReason.OFF_TOPIC))
        }

        assertFalse(portal.unlockThread(moderator, thread).locked)
        assertEquals("One more thing", portal.reply(author, thread, "One more thing").post.body)
    }

    @Test
    fun warningsAndTheSuspensionLadderWithALiftBetween() {
        val moderator = moderator()
        val author = member("Anna", "Quiet Heron")
        val started = approvedThread(moderator, author)
        val who = started.posted.post.author
        val why = ModeratorNote(reason = ForumReason.HARASSMENT, note = "Please be kind")

        assertEquals(1u, portal.warnMember(moderator, who, why).warnings)
        val first = portal.suspendMember(moderator, who, why)
        assertEquals(Duration.ofDays(14), Duration.between(first.from, first.until!!))
        assertThrows<RecoveryException.Suspended> { portal.reply(author, started.thread.id, "Hello?") }

        val lifted = portal.liftSuspension(moderator, who, "Talked it through")
        assertNull(lifted.suspension)
        assertFalse(portal.reply(author, started.thread.id, "Thank you.").held)
        assertThrows<RecoveryException.InvalidTransition> { portal.liftSuspension(moderator, who) }
        val second = portal.suspendMember(moderator, who, why)
        assertEquals(Duration.ofDays(30), Duration.between(second.from, second.until!!))

        val record = portal.memberRecord(moderator, who)
        assertEquals(2u, record.suspensions)
        assertEquals(
            listOf("Approve", "Warn", "Suspend", "Lift", "Suspend"),
            record.actions.map { it.action::class.simpleName },
        )
    }
}
