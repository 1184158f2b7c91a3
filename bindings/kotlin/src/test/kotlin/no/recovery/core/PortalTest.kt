package no.recovery.core

import java.nio.file.Path
import java.time.LocalDate
import java.util.UUID
import java.util.concurrent.Callable
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir

/** The toolbox scenario of issue 6, through the generated Kotlin bindings and the real library. */
class PortalTest {
    @TempDir
    lateinit var dir: Path

    private lateinit var portal: Portal
    private lateinit var anna: String

    private val today: String = LocalDate.now().toString()
    private val yesterday: String = LocalDate.now().minusDays(1).toString()

    @BeforeEach
    fun openPortal() {
        portal = Portal.open(dir.resolve("recovery.sqlite").toString())
        anna = portal.register(NewPerson(role = Role.SERVICE_USER, displayName = "Anna")).id
    }

    @AfterEach
    fun closePortal() {
        portal.close()
    }

    private fun goal(domain: String, title: String, owner: String = anna): GoalItem =
        portal.addGoal(owner, NewGoal(domain = domain, title = title))

    @Test
    fun aServiceUserBuildsAPlanAcrossDomainsAndSeesItOnHome() {
        val domains = portal.domains(anna)
        assertEquals(6, domains.size)
        val housing = domains.first { it.label.en == "Housing" }.domain
        val social = domains.first { it.label.en == "Social life" }.domain
        assertEquals("catalogue:housing", housing)

        val garden = portal.addDomain(anna, "Garden")
        val gardenRef = "own:${garden.id}"

        portal.setWhatMatters(anna, "My daughter, and having a place of my own.")
        portal.addStatus(
            anna,
            NewStatus(domain = housing, now = "Living with my parents.", hinders = "Waiting lists.", rating = 4),
        )
        val flat = portal.addGoal(
            anna,
            NewGoal(domain = housing, title = "Find a flat of my own", why = "Room for my daughter", targetDate = "2031-06-01"),
        )
        val call = portal.addActivity(anna, NewActivity(goal = flat.id, title = "Call the housing office", due = today))
        portal.addActivity(anna, NewActivity(goal = flat.id, title = "Visit two flats"))
        val friends = goal(social, "See friends every week")
        portal.addActivity(anna, NewActivity(goal = friends.id, title = "Coffee with Kari"))
        goal(gardenRef, "Grow tomatoes")

        val completion = portal.completeActivity(anna, call.id, yesterday, "They put me on the list.")
        assertEquals(yesterday, completion.content.on)
        portal.addMedication(anna, Medication(name = "Sertraline", status = MedicationStatus.ACTIVE, dose = "50 mg", prescribed = true))
        portal.addNetworkPerson(
            anna,
            NetworkPerson(label = "Sister", relation = Relation.FAMILY, closeness = 1, support = listOf(SupportKind.EMOTIONAL, SupportKind.CRISIS)),
        )
        portal.setCrisisPlan(anna, CrisisPlan(warningSigns = "Not sleeping", contacts = "My sister"))
        portal.completeExercise(anna, "mindfulness", today)
        portal.addDiaryEntry(anna, DiaryEntry(day = today, text = "A good day."))
        val sleep = portal.addMeasure(anna, Measure(name = "Hours of sleep", kind = MeasureKind.Number(unit = "hours")))
        portal.registerValue(anna, sleep.id, yesterday, MeasureValue.Number(6.5))
        portal.registerValue(anna, sleep.id, today, MeasureValue.Number(7.0))

        val home = portal.home(anna)
        assertEquals(anna, home.person.id)
        assertEquals("My daughter, and having a place of my own.", home.whatMatters?.content?.text)
        assertEquals(7, home.domains.size)
        val housingOverview = home.domains.first { it.domain.domain == housing }
        assertEquals(4, housingOverview.latestStatus?.content?.rating)
        assertEquals(listOf("Find a flat of my own"), housingOverview.goals.map { it.goal.content.title })
        assertEquals(
            listOf("Call the housing office", "Visit two flats"),
            housingOverview.goals.single().activities.map { it.content.title },
        )
        assertEquals("Grow tomatoes", home.domains.first { it.domain.domain == gardenRef }.goals.single().goal.content.title)
        assertEquals(3, home.domains.sumOf { it.goals.size })
        assertEquals(listOf("Sertraline"), home.medications.map { it.content.name })
        assertEquals(listOf(SupportKind.EMOTIONAL, SupportKind.CRISIS), home.network.single().content.support)
        assertEquals("Not sleeping", home.crisisPlan?.content?.warningSigns)
        assertEquals(listOf(call.id), home.recentCompletions.map { it.content.activity })
        assertEquals("mindfulness", home.recentExercises.single().content.exercise)
        assertEquals("A good day.", home.recentDiary.single().content.text)
        val sleepOverview = home.measures.single()
        assertEquals(listOf(today, yesterday), sleepOverview.recent.map { it.content.day })
        assertEquals(MeasureValue.Number(7.0), sleepOverview.recent.first().content.value)
    }

    @Test
    fun editsAndRemovalsAreKeptInTheHistory() {
        val flat = goal("catalogue:housing", "Find a flat")
        val edited = portal.editGoal(
            anna,
            flat.id,
            GoalEdit(
                title = "Find a flat near school",
                why = "",
                targetDate = null,
                lifecycle = GoalLifecycle.COMPLETED,
                achievement = GoalAchievement.ACHIEVED,
            ),
        )
        assertEquals(2u, edited.version)
        portal.removeItem(anna, flat.id)

        val history = portal.history(anna, flat.id)
        assertEquals(listOf(1u, 2u, 3u), history.map { it.version })
        assertEquals(listOf(false, false, true), history.map { it.removed })
        assertTrue(history.all { it.kind == ItemKind.GOAL })
        val first = history.first().body as ItemBody.Goal
        assertEquals("Find a flat", first.content.title)
        assertEquals(GoalLifecycle.ACTIVE, first.content.lifecycle)
        assertEquals(GoalAchievement.ACHIEVED, (history[1].body as ItemBody.Goal).content.achievement)
        assertTrue(portal.goals(anna).isEmpty())
        assertTrue(portal.home(anna).domains.all { it.goals.isEmpty() })
    }

    @Test
    fun anEmptyTitleIsRefusedNamingTheFieldAndChangesNothing() {
        val error = assertThrows<RecoveryException.Invalid> { goal("catalogue:housing", "   ") }
        assertEquals("goal.title", error.field)
        assertEquals(Problem.Empty, error.problem)
        assertTrue(portal.goals(anna).isEmpty())

        val long = assertThrows<RecoveryException.Invalid> { goal("catalogue:housing", "x".repeat(201)) }
        assertEquals(Problem.TooLong(max = 200u, actual = 201u), long.problem)
    }

    @Test
    fun anotherUsersItemIsDenied() {
        val ola = portal.register(NewPerson(role = Role.SERVICE_USER, displayName = "Ola")).id
        val olasGoal = goal("catalogue:finances", "Pay off debt", owner = ola)
        val error = assertThrows<RecoveryException.PermissionDenied> { portal.activities(anna, olasGoal.id) }
        assertEquals(DenyReason.WRONG_ROLE, error.reason)
        assertThrows<RecoveryException.PermissionDenied> { portal.removeItem(anna, olasGoal.id) }
        assertEquals(1, portal.goals(ola).size)
    }

    @Test
    fun anUnknownIdIsNotFoundAndAnUnknownActorIsRefused() {
        val missing = UUID.randomUUID().toString()
        val notFound = assertThrows<RecoveryException.NotFound> {
            portal.addActivity(anna, NewActivity(goal = missing, title = "Anything"))
        }
        assertEquals("goal", notFound.kind)
        assertEquals(missing, notFound.id)

        val nobody = UUID.randomUUID().toString()
        val unknown = assertThrows<RecoveryException.UnknownActor> { portal.home(nobody) }
        assertEquals(nobody, unknown.id)
    }

    @Test
    fun malformedIdsDatesAndNumbersAreInvalidNotCrashes() {
        val badActor = assertThrows<RecoveryException.Invalid> { portal.home("not-an-id") }
        assertEquals("actor", badActor.field)
        assertEquals(Problem.MalformedId, badActor.problem)

        val badGoal = assertThrows<RecoveryException.Invalid> {
            portal.addActivity(anna, NewActivity(goal = "42", title = "Anything"))
        }
        assertEquals("activity.goal", badGoal.field)
        assertEquals(Problem.MalformedId, badGoal.problem)

        val badDate = assertThrows<RecoveryException.Invalid> { portal.addDiaryEntry(anna, DiaryEntry(day = "31.12.2024", text = "x")) }
        assertEquals("diary.day", badDate.field)
        assertEquals(Problem.MalformedDate, badDate.problem)

        val badDomain = assertThrows<RecoveryException.Invalid> { goal("housing", "Find a flat") }
        assertEquals(Problem.MalformedDomain, badDomain.problem)

        val rating = assertThrows<RecoveryException.Invalid> {
            portal.addStatus(anna, NewStatus(domain = "catalogue:housing", now = "ok", rating = Int.MAX_VALUE))
        }
        assertEquals("status.rating", rating.field)
        assertEquals(Problem.OutOfRange(min = 1, max = 10), rating.problem)

        val sleep = portal.addMeasure(anna, Measure(name = "Sleep", kind = MeasureKind.Number(unit = "")))
        val nan = assertThrows<RecoveryException.Invalid> { portal.registerValue(anna, sleep.id, today, MeasureValue.Number(Double.NaN)) }
        assertEquals(Problem.NotFinite, nan.problem)
        assertTrue(portal.registrations(anna, sleep.id).isEmpty())
    }

    @Test
    fun aRejectedLifecycleChangeIsAnInvalidTransition() {
        val flat = goal("catalogue:housing", "Find a flat")
        val error = assertThrows<RecoveryException.InvalidTransition> {
            portal.editGoal(anna, flat.id, GoalEdit(title = "Find a flat", why = "", targetDate = null, lifecycle = GoalLifecycle.PROPOSED, achievement = null))
        }
        assertEquals("goal", error.kind)
        assertEquals("active", error.fromState)
        assertEquals("proposed", error.toState)
    }

    @Test
    fun theDefaultConfigIsTheCoresAndDataOutlivesTheObject() {
        assertEquals(defaultConfig(), PortalConfig())
        val flat = goal("catalogue:housing", "Find a flat")
        portal.close()
        portal = Portal.open(dir.resolve("recovery.sqlite").toString(), PortalConfig(titleLimit = 20u))
        assertEquals(listOf(flat.id), portal.goals(anna).map { it.id })
        val tooLong = assertThrows<RecoveryException.Invalid> { goal("catalogue:housing", "x".repeat(21)) }
        assertEquals(Problem.TooLong(max = 20u, actual = 21u), tooLong.problem)
    }

    @Test
    fun aFileThatIsNotADatabaseIsAStorageErrorOfItsOwnKind() {
        val notes = dir.resolve("notes.txt").toFile()
        notes.writeText("This is not a database, and it must stay as it is.\n".repeat(200))
        val before = notes.readBytes()
        val error = assertThrows<RecoveryException.Storage> {
            Portal.open(notes.path).use { it.register(NewPerson(role = Role.SERVICE_USER, displayName = "Anna")) }
        }
        assertEquals(StorageKind.NOT_A_DATABASE, error.kind)
        assertTrue(before.contentEquals(notes.readBytes()))
    }

    @Test
    fun eightThreadsAddingFiftyActivitiesEachLoseNothing() {
        val goals = (1..8).map { goal("catalogue:social-life", "Goal $it") }
        val pool = Executors.newFixedThreadPool(8)
        try {
            val futures = goals.map { g ->
                pool.submit(Callable { (1..50).map { n -> portal.addActivity(anna, NewActivity(goal = g.id, title = "Step $n")).id } })
            }
            val ids = futures.flatMap { it.get(120, TimeUnit.SECONDS) }
            assertEquals(400, ids.toSet().size)
        } finally {
            pool.shutdown()
        }
        for (g in goals) {
            assertEquals(50, portal.activities(anna, g.id).size)
        }
        assertEquals(400, portal.home(anna).domains.sumOf { d -> d.goals.sumOf { it.activities.size } })
    }

    @Test
    fun theExerciseCatalogueAndAReadOfOnesOwnAccount() {
        assertEquals(listOf("sleep-hygiene", "mindfulness", "strengths-mapping"), portal.exercises().map { it.key })
        val me = portal.me(anna)
        assertEquals("Anna", me.displayName)
        assertEquals(Role.SERVICE_USER, me.role)
        assertNull(me.provider)
        assertNotNull(me.registeredAt)
        val unknownExercise = assertThrows<RecoveryException.Invalid> { portal.completeExercise(anna, "juggling", today) }
        assertEquals("exercise_completion.exercise", unknownExercise.field)
        assertEquals(Problem.Unknown, unknownExercise.problem)
    }
}
