// The peer-support forum in Swift, mirroring ForumTest.kt and test_forum.py. Not compiled on
// the project's machines (no Swift toolchain); see bindings/README.md.
import Foundation
import XCTest

@testable import RecoveryCore

final class ForumTests: XCTestCase {
    var dir: URL!
    var portal: Portal!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        portal = try Portal.open(path: dir.appendingPathComponent("recovery.sqlite").path)
    }

    override func tearDownWithError() throws {
        portal = nil
        try FileManager.default.removeItem(at: dir)
    }

    func member(_ name: String, _ pseudonym: String) throws -> String {
        let id = try portal.register(person: NewPerson(role: .serviceUser, displayName: name)).id
        _ = try portal.joinForum(actor: id, pseudonym: pseudonym)
        return id
    }

    func testAPostFlaggedByThreeMembersIsHiddenUntilAModeratorApprovesIt() throws {
        let moderator = try portal.register(person: NewPerson(role: .moderator, displayName: "Mona")).id
        let author = try member("Anna", "Quiet Heron")
        let flaggers = try [member("Ola", "Blue Lantern"), member("Kari", "Morning Walker"), member("Per", "River Stone")]

        let started = try portal.startThread(
            actor: author, new: NewThread(category: "introductions", title: "Hello all", body: "New here, glad to find you."))
        XCTAssertTrue(started.posted.held)
        XCTAssertEqual(try portal.approvePost(actor: moderator, post: started.posted.post.id).status, .visible)
        // Once one post is approved, the author's posts are seen without review.
        let replied = try portal.reply(actor: author, thread: started.thread.id, body: "Anyone else who walks in the mornings?")
        XCTAssertFalse(replied.held)
        let post = replied.post.id

        for flagger in flaggers {
            try portal.flagPost(actor: flagger, post: post, flag: NewFlag(reason: .spam))
        }
        let hidden = try portal.threadPage(actor: flaggers[0], thread: started.thread.id).posts.first { $0.id == post }!
        XCTAssertEqual(hidden.status, .hidden)
        XCTAssertNil(hidden.body)
        let queue = try portal.reviewQueue(actor: moderator).items
        XCTAssertEqual(queue.map { $0.post.id }, [post])
        XCTAssertEqual(queue.first?.flaggers, 3)

        XCTAssertEqual(try portal.approvePost(actor: moderator, post: post).status, .visible)
        let shown = try portal.threadPage(actor: flaggers[0], thread: started.thread.id).posts
        XCTAssertEqual(shown.map { $0.body }, ["New here, glad to find you.", "Anyone else who walks in the mornings?"])
        XCTAssertEqual(try portal.reviewQueue(actor: moderator).items, [])

        let suspension = try portal.suspendMember(
            actor: moderator, member: started.posted.post.author, why: ModeratorNote(reason: .harassment))
        XCTAssertNotNil(suspension.until)
        XCTAssertThrowsError(try portal.reply(actor: author, thread: started.thread.id, body: "Still here")) { error in
            guard case RecoveryError.Suspended = error else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try portal.approvePost(actor: author, post: post)) { error in
            guard case RecoveryError.PermissionDenied = error else { return XCTFail("\(error)") }
        }
    }
}
