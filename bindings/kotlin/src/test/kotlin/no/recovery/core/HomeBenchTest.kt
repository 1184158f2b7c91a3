package no.recovery.core

import java.io.File
import java.nio.file.Path
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Tag
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir

/**
 * The dashboard call from Kotlin, on the shape of bindings/benches/home.rs. Tagged `bench`: the
 * normal suite excludes it; bindings/bench.sh runs it alone and reads the figure it writes to
 * the file named by the system property `bench.out`.
 */
@Tag("bench")
class HomeBenchTest {
    @TempDir
    lateinit var dir: Path

    @Test
    fun homeFromKotlin() {
        Portal.open(dir.resolve("bench.sqlite").toString()).use { portal ->
            val anna = portal.register(NewPerson(role = Role.SERVICE_USER, displayName = "Anna")).id
            portal.addDomain(anna, "Garden")
            val domains = portal.domains(anna).map { it.domain }
            assertEquals(7, domains.size)
            for (g in 0 until 20) {
                val goal = portal.addGoal(anna, NewGoal(domain = domains[g % domains.size], title = "Goal $g"))
                for (a in 0 until 5) portal.addActivity(anna, NewActivity(goal = goal.id, title = "Activity $a"))
            }
            assertEquals(100, portal.home(anna).domains.sumOf { d -> d.goals.sumOf { it.activities.size } })

            // Warm up the JIT, then take the median of five rounds' mean.
            repeat(2_000) { portal.home(anna) }
            val rounds = (1..5).map {
                val calls = 1_000
                val start = System.nanoTime()
                repeat(calls) { portal.home(anna) }
                (System.nanoTime() - start) / 1_000.0 / calls
            }.sorted()
            val micros = rounds[2]
            println("kotlin home: %.1f µs per call (rounds: %s)".format(micros, rounds.joinToString { "%.1f".format(it) }))
            System.getProperty("bench.out")?.takeIf { it.isNotEmpty() }?.let { File(it).writeText("%.3f\n".format(micros)) }
        }
    }
}
