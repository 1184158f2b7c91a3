package no.recovery.core

import java.nio.file.Path
import java.time.Instant
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir

/** Care teams, sharing, proposals, comments and the access log, through the Kotlin bindings. */
class CareTeamTest {
    @TempDir
    lateinit var dir: Path

    private lateinit var portal: Portal
    private lateinit var anna: String
    private lateinit var nurse: String
    private val housing = Scope.Domain(domain = "catalogue:housing")

    @BeforeEach
    fun openPortal() {
        portal = Portal.open(dir.resolve("recovery.sqlite").toString())
        anna = portal.register(NewPerson(role = Role.SERVICE_USER, displayName = "Anna")).id
        nurse = portal.register(
            NewPerson(
                role = Role.PROVIDER,
                displayName = "Nina",
                provider = ProviderDetails(profession = Profession.MENTAL_HEALTH_NURSE, organisation = "Oslo DPS"),
            ),
        ).id
    }

    @AfterEach
    fun closePortal() {
        portal.close()
    }

    private fun joinTeam(): Membership {
        val invited = portal.invite(anna, nurse)
        assertEquals(TeamStatus.PROPOSED, invited.status)
        return portal.acceptInvitation(nurse, invited.id)
    }

    @Test
    fun aProviderSeesOnlyWhatIsSharedAndEveryLookIsLogged() {
        val membership = joinTeam()
        assertEquals(TeamStatus.ACTIVE, membership.status)
        portal.addGoal(anna, NewGoal(domain = "catalogue:housing", title = "Find a flat"))
        portal.addMedication(anna, Medication(name = "Sertraline", status = MedicationStatus.ACTIVE))

        val grant = portal.share(anna, nurse, housing, Sharing(level = Level.VIEW))
        assertEquals(Level.VIEW, grant?.level)
        assertEquals(listOf(nurse), portal.careTeam(anna).map { it.provider.id })
        assertEquals(listOf(housing), portal.caseload(nurse).single().grants.map { it.scope })

        val view = portal.view(nurse, anna, housing) as ScopeView.Domain
        assertEquals(listOf("Find a flat"), view.goals.map { it.goal.content.title })

        val denied = assertThrows<RecoveryException.PermissionDenied> { portal.view(nurse, anna, Scope.Medications) }
        assertEquals(DenyReason.NOT_SHARED, denied.reason)

        val log = portal.accessLog(anna)
        val outcomes = log.entries.filter { it.event.action == AccessAction.VIEW }.map { it.event.outcome }
        assertEquals(listOf(Outcome.Denied(DenyReason.NOT_SHARED), Outcome.Allowed), outcomes)
        assertTrue(log.entries.all { it.hash.length == 64 })
        val report = portal.verifyAccessLog()
        assertNull(report.firstBreak)
        assertTrue(report.entries >= 5u)
    }

    @Test
    fun aProposalBecomesTheUsersGoalOnlyWhenAccepted() {
        joinTeam()
        portal.share(anna, nurse, housing, Sharing(level = Level.SUGGEST))
        val proposal = portal.proposeGoal(nurse, anna, NewGoal(domain = "catalogue:housing", title = "Apply for housing benefit"))
        assertEquals(ProposalStatus.PENDING, proposal.status)
        assertEquals(listOf(proposal.id), portal.proposals(anna, ProposalStatus.PENDING).map { it.id })
        assertTrue(portal.goals(anna).isEmpty())

        val accepted = portal.decideProposal(anna, proposal.id, true)
        assertEquals(ProposalStatus.ACCEPTED, accepted.status)
        val goal = portal.goals(anna).single()
        assertEquals(accepted.acceptedAs, goal.id)
        assertEquals(nurse, goal.content.authoredBy)

        val comment = portal.comment(nurse, goal.id, "Bring your tax return.")
        assertEquals(listOf(comment.id), portal.comments(anna, goal.id).map { it.id })
    }

    @Test
    fun endingTheTeamRevokesEverythingAtOnce() {
        val membership = joinTeam()
        portal.share(anna, nurse, housing, Sharing(level = Level.VIEW))
        val ended = portal.endMembership(anna, membership.id)
        assertEquals(TeamStatus.INACTIVE, ended.status)
        assertEquals(anna, ended.endedBy)
        assertNotNull(ended.endedAt)
        val denied = assertThrows<RecoveryException.PermissionDenied> { portal.view(nurse, anna, housing) }
        assertEquals(DenyReason.NO_CARE_TEAM, denied.reason)
    }

    @Test
    fun teamCallsRefuseBadInputWithTypedErrors() {
        val notProvider = portal.register(NewPerson(role = Role.SERVICE_USER, displayName = "Ola")).id
        val wrongRole = assertThrows<RecoveryException.Invalid> { portal.invite(anna, notProvider) }
        assertEquals("invitation.provider", wrongRole.field)
        assertEquals(Problem.WrongRole(expected = "provider"), wrongRole.problem)

        val malformed = assertThrows<RecoveryException.Invalid> { portal.invite(anna, "nina") }
        assertEquals("provider", malformed.field)
        assertEquals(Problem.MalformedId, malformed.problem)

        val badScope = assertThrows<RecoveryException.Invalid> { portal.share(anna, nurse, Scope.Domain(domain = "housing"), Sharing(level = Level.VIEW)) }
        assertEquals("scope.domain", badScope.field)

        val beyondTime = assertThrows<RecoveryException.Invalid> {
            portal.share(anna, nurse, housing, Sharing(level = Level.VIEW, expiresAt = Instant.MAX))
        }
        assertEquals("grant.expires_at", beyondTime.field)
        assertEquals(Problem.ImplausibleDate, beyondTime.problem)

        val outsider = assertThrows<RecoveryException.NotInCareTeam> { portal.share(anna, nurse, housing, Sharing(level = Level.VIEW)) }
        assertEquals(nurse, outsider.provider)
    }
}
