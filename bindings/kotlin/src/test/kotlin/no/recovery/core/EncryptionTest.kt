package no.recovery.core

import java.nio.file.Path
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir

/**
 * Encryption at rest through the generated Kotlin bindings (the library is built with the
 * `sqlcipher` feature): the right key opens, a wrong key or an unencrypted file is a storage
 * error of its own kind, a key of the wrong length is invalid, and rekeying keeps every row.
 */
class EncryptionTest {
    @TempDir
    lateinit var dir: Path

    private val key = ByteArray(32) { it.toByte() }
    private val newKey = ByteArray(32) { (100 + it).toByte() }
    private val canary = "Canary 7f3a: I want a flat of my own"

    private fun db(): String = dir.resolve("encrypted.sqlite").toString()

    /** Anna and one goal in an encrypted portal, closed again: Anna's id and the goal's. */
    private fun fill(path: String, key: ByteArray): Pair<String, String> =
        Portal.openEncrypted(path, key.copyOf()).use { portal ->
            val anna = portal.register(NewPerson(role = Role.SERVICE_USER, displayName = "Anna")).id
            val goal = portal.addGoal(anna, NewGoal(domain = "catalogue:housing", title = canary)).id
            anna to goal
        }

    private fun titles(portal: Portal, anna: String): List<String> = portal.goals(anna).map { it.content.title }

    @Test
    fun theRightKeyReopensWhatWasWrittenAndTheFileDoesNotShowIt() {
        val (anna, _) = fill(db(), key)
        val bytes = dir.resolve("encrypted.sqlite").toFile().readBytes()
        assertFalse(String(bytes, Charsets.ISO_8859_1).contains(canary))
        Portal.openEncrypted(db(), key.copyOf()).use { assertEquals(listOf(canary), titles(it, anna)) }
    }

    @Test
    fun aWrongKeyIsAWrongKeyStorageErrorAndLeavesTheFile() {
        fill(db(), key)
        val file = dir.resolve("encrypted.sqlite").toFile()
        val before = file.readBytes()
        val error = assertThrows<RecoveryException.Storage> { Portal.openEncrypted(db(), ByteArray(32)) }
        assertEquals(StorageKind.WRONG_KEY, error.kind)
        assertTrue(before.contentEquals(file.readBytes()))
        // Without a key, the encrypted file is not a database at all.
        val plain = assertThrows<RecoveryException.Storage> { Portal.open(db()) }
        assertEquals(StorageKind.NOT_A_DATABASE, plain.kind)
    }

    @Test
    fun aKeyOfTheWrongLengthIsInvalidOnKey() {
        for (length in listOf(0, 16, 31, 33, 64)) {
            val error = assertThrows<RecoveryException.Invalid> { Portal.openEncrypted(db(), ByteArray(length)) }
            assertEquals("key", error.field)
            assertTrue(error.problem is Problem.Inconsistent, "length $length: ${error.problem}")
        }
        Portal.openEncrypted(db(), key.copyOf()).use { portal ->
            val rekey = assertThrows<RecoveryException.Invalid> { portal.rekey(ByteArray(5)) }
            assertEquals("key", rekey.field)
        }
    }

    @Test
    fun rekeyingKeepsEveryRowAndOnlyTheNewKeyOpensIt() {
        val (anna, goal) = fill(db(), key)
        Portal.openEncrypted(db(), key.copyOf()).use { portal ->
            portal.rekey(newKey.copyOf())
            // The open portal goes on under the new key.
            assertEquals(listOf(goal), portal.goals(anna).map { it.id })
        }
        val old = assertThrows<RecoveryException.Storage> { Portal.openEncrypted(db(), key.copyOf()) }
        assertEquals(StorageKind.WRONG_KEY, old.kind)
        Portal.openEncrypted(db(), newKey.copyOf()).use { assertEquals(listOf(canary), titles(it, anna)) }
    }

    @Test
    fun anUnencryptedFileIsNotEncryptedWhetherOpenedOrRekeyed() {
        val path = dir.resolve("plain.sqlite").toString()
        Portal.open(path).use { plain ->
            plain.register(NewPerson(role = Role.SERVICE_USER, displayName = "Anna"))
            val rekey = assertThrows<RecoveryException.Storage> { plain.rekey(key.copyOf()) }
            assertEquals(StorageKind.NOT_ENCRYPTED, rekey.kind)
        }
        val opened = assertThrows<RecoveryException.Storage> { Portal.openEncrypted(path, key.copyOf()) }
        assertEquals(StorageKind.NOT_ENCRYPTED, opened.kind)
    }
}
