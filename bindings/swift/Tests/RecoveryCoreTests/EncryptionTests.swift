// Encryption at rest in Swift, mirroring bindings/kotlin and bindings/python (the library is
// built with the `sqlcipher` feature). Not compiled on the project's machines (no Swift
// toolchain); see bindings/README.md.
import Foundation
import XCTest

@testable import RecoveryCore

final class EncryptionTests: XCTestCase {
    var dir: URL!

    let key = Data((0..<32).map { UInt8($0) })
    let newKey = Data((100..<132).map { UInt8($0) })
    let canary = "Canary 7f3a: I want a flat of my own"

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(at: dir)
    }

    var db: String { dir.appendingPathComponent("encrypted.sqlite").path }

    /// Anna and one goal in an encrypted portal, closed again: Anna's id and the goal's.
    func fill(_ key: Data) throws -> (String, String) {
        let portal = try Portal.openEncrypted(path: db, key: key)
        let anna = try portal.register(person: NewPerson(role: .serviceUser, displayName: "Anna")).id
        let goal = try portal.addGoal(actor: anna, goal: NewGoal(domain: "catalogue:housing", title: canary)).id
        return (anna, goal)
    }

    func storageKind(_ error: Error) -> StorageKind? {
        guard case let RecoveryError.Storage(kind, _) = error else { return nil }
        return kind
    }

    func testTheRightKeyReopensWhatWasWrittenAndTheFileDoesNotShowIt() throws {
        let (anna, _) = try fill(key)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: db))
        XCTAssertNil(bytes.range(of: Data(canary.utf8)))
        let reopened = try Portal.openEncrypted(path: db, key: key)
        XCTAssertEqual(try reopened.goals(actor: anna).map { $0.content.title }, [canary])
    }

    func testAWrongKeyIsAWrongKeyStorageErrorAndLeavesTheFile() throws {
        _ = try fill(key)
        let before = try Data(contentsOf: URL(fileURLWithPath: db))
        XCTAssertThrowsError(try Portal.openEncrypted(path: db, key: Data(count: 32))) { error in
            XCTAssertEqual(self.storageKind(error), .wrongKey, "\(error)")
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: db)), before)
        // Without a key, the encrypted file is not a database at all.
        XCTAssertThrowsError(try Portal.open(path: db)) { error in
            XCTAssertEqual(self.storageKind(error), .notADatabase, "\(error)")
        }
    }

    func testAKeyOfTheWrongLengthIsInvalidOnKey() throws {
        for length in [0, 16, 31, 33, 64] {
            XCTAssertThrowsError(try Portal.openEncrypted(path: db, key: Data(count: length))) { error in
                guard case let RecoveryError.Invalid(field, problem) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(field, "key")
                guard case .inconsistent = problem else { return XCTFail("length \(length): \(problem)") }
            }
        }
        let portal = try Portal.openEncrypted(path: db, key: key)
        XCTAssertThrowsError(try portal.rekey(key: Data(count: 5))) { error in
            guard case let RecoveryError.Invalid(field, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(field, "key")
        }
    }

    func testRekeyingKeepsEveryRowAndOnlyTheNewKeyOpensIt() throws {
        let (anna, goal) = try fill(key)
        do {
            let portal = try Portal.openEncrypted(path: db, key: key)
            try portal.rekey(key: newKey)
            // The open portal goes on under the new key.
            XCTAssertEqual(try portal.goals(actor: anna).map { $0.id }, [goal])
        }
        XCTAssertThrowsError(try Portal.openEncrypted(path: db, key: key)) { error in
            XCTAssertEqual(self.storageKind(error), .wrongKey, "\(error)")
        }
        let reopened = try Portal.openEncrypted(path: db, key: newKey)
        XCTAssertEqual(try reopened.goals(actor: anna).map { $0.content.title }, [canary])
    }

    func testAnUnencryptedFileIsNotEncryptedWhetherOpenedOrRekeyed() throws {
        let path = dir.appendingPathComponent("plain.sqlite").path
        do {
            let plain = try Portal.open(path: path)
            _ = try plain.register(person: NewPerson(role: .serviceUser, displayName: "Anna"))
            XCTAssertThrowsError(try plain.rekey(key: key)) { error in
                XCTAssertEqual(self.storageKind(error), .notEncrypted, "\(error)")
            }
        }
        XCTAssertThrowsError(try Portal.openEncrypted(path: path, key: key)) { error in
            XCTAssertEqual(self.storageKind(error), .notEncrypted, "\(error)")
        }
    }
}
