package no.recovery.core

import java.nio.file.Path
import java.time.Duration
import java.time.Instant
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir

/** The usage log and the researcher's report, through the Kotlin bindings. */
class UsageTest {
    @TempDir
    lateinit var dir: Path

    private lateinit var portal: Portal
    private lateinit var anna: String
    private lateinit var rita: String
    private val key = "a kotlin export key of 32 bytes!".toByteArray()
    private val start = Instant.now().minus(Duration.ofDays(1))
    private val end = Instant.now().plus(Duration.ofDays(1))

    @BeforeEach
    fun openPortal() {
        portal = Portal.open(dir.resolve("recovery.sqlite").toString())
        anna = portal.register(NewPerson(role = Role.SERVICE_USER, displayName = "Anna")).id
        rita = portal.register(NewPerson(role = Role.RESEARCHER, displayName = "Rita")).id
    }

    @AfterEach
    fun closePortal() {
        portal.close()
    }

    @Test
    fun aResearcherReadsVisitsPostingsAndInvolvement() {
        portal.recordVisit(anna, "forum")
        portal.recordVisit(anna, "toolbox.goals")
        portal.addGoal(anna, NewGoal(domain = "catalogue:housing", title = "Find a flat of my own"))

        val report = portal.usageReport(rita, start, end, key)
        val rows = report.total.modules.associate { (it.module to it.role) to Triple(it.visits, it.people, it.postings) }
        assertEquals(Triple(1uL, 1uL, 0uL), rows["forum" to Role.SERVICE_USER])
        assertEquals(Triple(1uL, 1uL, 1uL), rows["toolbox.goals" to Role.SERVICE_USER])
        assertEquals(1uL, report.total.involvement.withOwnGoal)
        assertEquals(1.0, report.total.involvement.ownGoalShare)
        assertTrue(report.csv.startsWith("period,section,module,role,team,measure,value\n"))
        assertFalse(report.csv.contains("Find a flat") || report.csv.contains("Anna") || report.csv.contains(anna))
    }

    @Test
    fun refusalsAreTyped() {
        val denied = assertThrows<RecoveryException.PermissionDenied> { portal.usageReport(anna, start, end, key) }
        assertEquals(DenyReason.WRONG_ROLE, denied.reason)
        val inverted = assertThrows<RecoveryException.Invalid> { portal.usageReport(rita, end, start, key) }
        assertEquals("period", inverted.field)
        val short = assertThrows<RecoveryException.Invalid> { portal.usageReport(rita, start, end, ByteArray(8)) }
        assertEquals("export_key", short.field)
        val unknown = assertThrows<RecoveryException.Invalid> { portal.recordVisit(anna, "toolbox.secrets") }
        assertEquals("module", unknown.field)
        assertEquals(Problem.Unknown, unknown.problem)
    }
}
