package no.recovery.core

import java.nio.file.Path
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir

/** Secure messaging and the change feed, through the Kotlin bindings. */
class MessagingTest {
    @TempDir
    lateinit var dir: Path

    private lateinit var portal: Portal
    private lateinit var anna: String
    private lateinit var nurse: String
    private lateinit var membership: String

    private fun provider(name: String): String = portal.register(
        NewPerson(
            role = Role.PROVIDER,
            displayName = name,
            provider = ProviderDetails(profession = Profession.MENTAL_HEALTH_NURSE, organisation = "Oslo DPS"),
        ),
    ).id

    @BeforeEach
    fun openPortal() {
        portal = Portal.open(dir.resolve("recovery.sqlite").toString())
        anna = portal.register(NewPerson(role = Role.SERVICE_USER, displayName = "Anna")).id
        nurse = provider("Nina")
        membership = portal.acceptInvitation(nurse, portal.invite(anna, nurse).id).id
    }

    @AfterEach
    fun closePortal() {
        portal.close()
    }

    private fun startWithMedications(): Started {
        portal.addMedication(anna, Medication(name = "Sertraline", status = MedicationStatus.ACTIVE))
        return portal.startConversation(
            anna,
            NewConversation(
                others = listOf(nurse),
                subject = "Before Tuesday",
                message = NewMessage(body = "My current list", attachments = listOf(Attach.Medications)),
            ),
        )
    }

    @Test
    fun theProviderReadsTheMessageAndItsSnapshotWithNothingShared() {
        val started = startWithMedications()
        assertEquals(listOf(nurse), started.conversation.providers.map { it.provider })
        val info = started.message.attachments.single()
        assertEquals(SnapshotKind.MEDICATIONS, info.kind)
        assertNull(info.source)

        val page = portal.messages(nurse, started.conversation.id)
        assertEquals(listOf("My current list"), page.messages.map { it.body })
        assertTrue(page.conversation.canPost)
        assertNull(page.next)
        val snapshot = portal.attachment(nurse, info.id).snapshot as Snapshot.Medications
        assertEquals(listOf("Sertraline"), snapshot.medications.map { it.content.name })

        // The snapshot was readable; the live medication list still is not.
        val denied = assertThrows<RecoveryException.PermissionDenied> { portal.view(nurse, anna, Scope.Medications) }
        assertEquals(DenyReason.NOT_SHARED, denied.reason)
    }

    @Test
    fun unreadCountsFallWhenReadAndRiseWithAReply() {
        val conversation = startWithMedications().conversation.id
        assertEquals(1uL, portal.unreadCounts(nurse).total)
        assertEquals(listOf(conversation), portal.unreadCounts(nurse).conversations.map { it.conversation })
        assertEquals(0uL, portal.unreadCounts(anna).total)

        assertEquals(0uL, portal.markRead(nurse, conversation, 1uL))
        assertEquals(0uL, portal.unreadCounts(nurse).total)
        assertEquals(0uL, portal.inbox(nurse).unreadTotal)

        val reply = portal.sendMessage(nurse, conversation, NewMessage(body = "Thanks, see you Tuesday"))
        assertEquals(2uL, reply.seq)
        assertEquals(1uL, portal.unreadCounts(anna).total)
        assertEquals(listOf(1uL), portal.inbox(anna).conversations.map { it.unread })

        val tooFar = assertThrows<RecoveryException.Invalid> { portal.markRead(anna, conversation, 3uL) }
        assertEquals("read.through", tooFar.field)
    }

    @Test
    fun aSyncLoopSeesEachMessageOnceAndRefusesAnotherPersonsCursor() {
        val first = portal.changesSince(nurse, null)
        assertEquals(emptyList<Change>(), first.changes)
        assertFalse(first.more)

        val conversation = startWithMedications().conversation.id
        val second = portal.changesSince(nurse, first.cursor)
        val sent = second.changes.single() as Change.MessageSent
        assertEquals("My current list", sent.message.body)

        val third = portal.changesSince(nurse, second.cursor)
        assertEquals(emptyList<Change>(), third.changes)

        portal.sendMessage(anna, conversation, NewMessage(body = "One more thing"))
        val fourth = portal.changesSince(nurse, third.cursor)
        assertEquals(listOf(2uL), fourth.changes.map { (it as Change.MessageSent).message.seq })

        val refused = assertThrows<RecoveryException.InvalidCursor> { portal.changesSince(anna, fourth.cursor) }
        assertEquals(CursorProblem.NOT_OURS, refused.problem)
        val malformed = assertThrows<RecoveryException.InvalidCursor> { portal.changesSince(nurse, "not a cursor") }
        assertEquals(CursorProblem.MALFORMED, malformed.problem)
    }

    @Test
    fun messagingOutsideTheTeamOrWithAnotherPersonsItemsIsRefused() {
        val stranger = provider("Ola")
        val outside = assertThrows<RecoveryException.NotInCareTeam> {
            portal.startConversation(anna, NewConversation(others = listOf(stranger), message = NewMessage(body = "Hello")))
        }
        assertEquals(stranger, outside.provider)
        assertEquals(0uL, portal.inbox(anna).conversations.size.toULong())

        val notOwned = assertThrows<RecoveryException.Invalid> {
            portal.startConversation(
                nurse,
                NewConversation(others = listOf(anna), message = NewMessage(body = "Hi", attachments = listOf(Attach.Medications))),
            )
        }
        assertEquals(Problem.NotOwned, notOwned.problem)

        val conversation = startWithMedications().conversation.id
        portal.endMembership(anna, membership)
        val closed = assertThrows<RecoveryException.ConversationClosed> {
            portal.sendMessage(anna, conversation, NewMessage(body = "Are you there?"))
        }
        assertEquals(conversation, closed.conversation)
        assertEquals(listOf(1uL), portal.messages(anna, conversation).messages.map { it.seq })
    }
}
