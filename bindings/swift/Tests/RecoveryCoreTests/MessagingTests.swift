// Secure messaging and the change feed in Swift, mirroring MessagingTest.kt and
// test_messaging.py. Not compiled on the project's machines (no Swift toolchain); see
// bindings/README.md.
import Foundation
import XCTest

@testable import RecoveryCore

final class MessagingTests: XCTestCase {
    var dir: URL!
    var portal: Portal!
    var anna: String!
    var nurse: String!
    var membership: String!

    func provider(_ name: String) throws -> String {
        let details = ProviderDetails(profession: .mentalHealthNurse, organisation: "Oslo DPS")
        return try portal.register(person: NewPerson(role: .provider, displayName: name, provider: details)).id
    }

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        portal = try Portal.open(path: dir.appendingPathComponent("recovery.sqlite").path)
        anna = try portal.register(person: NewPerson(role: .serviceUser, displayName: "Anna")).id
        nurse = try provider("Nina")
        let invited = try portal.invite(actor: anna, provider: nurse)
        membership = try portal.acceptInvitation(actor: nurse, membership: invited.id).id
    }

    override func tearDownWithError() throws {
        portal = nil
        try FileManager.default.removeItem(at: dir)
    }

    func startWithMedications() throws -> Started {
        _ = try portal.addMedication(actor: anna, medication: Medication(name: "Sertraline", status: .active))
        let message = NewMessage(body: "My current list", attachments: [.medications])
        return try portal.startConversation(
            actor: anna, new: NewConversation(others: [nurse], subject: "Before Tuesday", message: message))
    }

    func testTheProviderReadsTheMessageAndItsSnapshotWithNothingShared() throws {
        let started = try startWithMedications()
        XCTAssertEqual(started.conversation.providers.map { $0.provider }, [nurse])
        let info = started.message.attachments[0]
        XCTAssertEqual(info.kind, .medications)
        XCTAssertNil(info.source)

        let page = try portal.messages(actor: nurse, conversation: started.conversation.id)
        XCTAssertEqual(page.messages.map { $0.body }, ["My current list"])
        XCTAssertTrue(page.conversation.canPost)
        XCTAssertNil(page.next)
        guard case let .medications(medications) = try portal.attachment(actor: nurse, attachment: info.id).snapshot else {
            return XCTFail("not a medication list")
        }
        XCTAssertEqual(medications.map { $0.content.name }, ["Sertraline"])

        // The snapshot was readable; the live medication list still is not.
        XCTAssertThrowsError(try portal.view(actor: nurse, owner: anna, scope: .medications)) { error in
            guard case let RecoveryError.PermissionDenied(reason) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(reason, .notShared)
        }
    }

    func testUnreadCountsFallWhenReadAndRiseWithAReply() throws {
        let conversation = try startWithMedications().conversation.id
        XCTAssertEqual(try portal.unreadCounts(actor: nurse).total, 1)
        XCTAssertEqual(try portal.unreadCounts(actor: nurse).conversations.map { $0.conversation }, [conversation])
        XCTAssertEqual(try portal.unreadCounts(actor: anna).total, 0)

        XCTAssertEqual(try portal.markRead(actor: nurse, conversation: conversation, through: 1), 0)
        XCTAssertEqual(try portal.unreadCounts(actor: nurse).total, 0)
        XCTAssertEqual(try portal.inbox(actor: nurse).unreadTotal, 0)

        let reply = try portal.sendMessage(actor: nurse, conversation: conversation, message: NewMessage(body: "Thanks, see you Tuesday"))
        XCTAssertEqual(reply.seq, 2)
        XCTAssertEqual(try portal.unreadCounts(actor: anna).total, 1)
        XCTAssertEqual(try portal.inbox(actor: anna).conversations.map { $0.unread }, [1])

        XCTAssertThrowsError(try portal.markRead(actor: anna, conversation: conversation, through: 3)) { error in
            guard case let RecoveryError.Invalid(field, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(field, "read.through")
        }
    }

    func testASyncLoopSeesEachMessageOnceAndRefusesAnotherPersonsCursor() throws {
        let first = try portal.changesSince(actor: nurse)
        XCTAssertEqual(first.changes, [])
        XCTAssertFalse(first.more)

        let conversation = try startWithMedications().conversation.id
        let second = try portal.changesSince(actor: nurse, cursor: first.cursor)
        XCTAssertEqual(second.changes.count, 1)
        guard case let .messageSent(sent) = second.changes[0] else { return XCTFail("not a message") }
        XCTAssertEqual(sent.body, "My current list")

        let third = try portal.changesSince(actor: nurse, cursor: second.cursor)
        XCTAssertEqual(third.changes, [])

        _ = try portal.sendMessage(actor: anna, conversation: conversation, message: NewMessage(body: "One more thing"))
        let fourth = try portal.changesSince(actor: nurse, cursor: third.cursor)
        let seqs: [UInt64] = fourth.changes.compactMap { change in
            if case let .messageSent(message) = change { return message.seq }
            return nil
        }
        XCTAssertEqual(seqs, [2])

        XCTAssertThrowsError(try portal.changesSince(actor: anna, cursor: fourth.cursor)) { error in
            guard case let RecoveryError.InvalidCursor(problem) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(problem, .notOurs)
        }
        XCTAssertThrowsError(try portal.changesSince(actor: nurse, cursor: "not a cursor")) { error in
            guard case let RecoveryError.InvalidCursor(problem) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(problem, .malformed)
        }
    }

    func testMessagingOutsideTheTeamOrWithAnotherPersonsItemsIsRefused() throws {
        let stranger = try provider("Ola")
        XCTAssertThrowsError(try portal.startConversation(
            actor: anna, new: NewConversation(others: [stranger], message: NewMessage(body: "Hello")))) { error in
            guard case let RecoveryError.NotInCareTeam(provider) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(provider, stranger)
        }
        XCTAssertEqual(try portal.inbox(actor: anna).conversations.count, 0)

        let attached = NewMessage(body: "Hi", attachments: [.medications])
        XCTAssertThrowsError(try portal.startConversation(
            actor: nurse, new: NewConversation(others: [anna], message: attached))) { error in
            guard case let RecoveryError.Invalid(_, problem) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(problem, .notOwned)
        }

        let conversation = try startWithMedications().conversation.id
        _ = try portal.endMembership(actor: anna, membership: membership)
        XCTAssertThrowsError(try portal.sendMessage(actor: anna, conversation: conversation, message: NewMessage(body: "Are you there?"))) { error in
            guard case let RecoveryError.ConversationClosed(closed) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(closed, conversation)
        }
        XCTAssertEqual(try portal.messages(actor: anna, conversation: conversation).messages.map { $0.seq }, [1])
    }
}
