package no.recovery.core

import java.nio.file.Path
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
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
}
