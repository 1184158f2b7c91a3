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

    func moderator() throws -> String {
        try portal.register(person: NewPerson(role: .moderator, displayName: "Mona")).id
    }

    /// A thread whose opening post is visible: a moderator approves it if it was held.
    func approvedThread(_ moderator: String, _ author: String, _ title: String = "Sleep") throws -> StartedThread {
        let started = try portal.startThread(
            actor: author, new: NewThread(category: "everyday-life", title: title, body: "How do you sleep?"))
        if started.posted.held {
            _ = try portal.approvePost(actor: moderator, post: started.posted.post.id)
        }
        return started
    }

    func testCategoriesAndThreadsAreListedNewestActivityFirst() throws {
        let moderator = try moderator()
        let author = try member("Anna", "Quiet Heron")
        let reader = try member("Ola", "Blue Lantern")
        let keys = portal.forumCategories().map { $0.key }
        XCTAssertTrue(keys.contains("introductions") && keys.contains("everyday-life"))
        let older = try approvedThread(moderator, author, "Sleep")
        let newer = try approvedThread(moderator, author, "Walks")
        _ = try portal.reply(actor: author, thread: older.thread.id, body: "Still awake at three.")

        let listed = try portal.threads(actor: reader)
        XCTAssertEqual(listed.threads.map { $0.id }, [older.thread.id, newer.thread.id])
        XCTAssertNil(listed.next)
        let first = try portal.threads(actor: reader, limit: 1)
        XCTAssertEqual(first.threads.map { $0.title }, ["Sleep"])
        XCTAssertEqual(try portal.threads(actor: reader, before: first.next, limit: 1).threads.map { $0.title }, ["Walks"])
        XCTAssertEqual(try portal.threads(actor: reader, category: "introductions").threads, [])
        XCTAssertThrowsError(try portal.threads(actor: reader, category: "no-such-category")) { error in
            guard case RecoveryError.Invalid = error else { return XCTFail("\(error)") }
        }
    }

    func testAnEditKeepsTheEarlierTextForModeratorsOnly() throws {
        let moderator = try moderator()
        let author = try member("Anna", "Quiet Heron")
        let started = try approvedThread(moderator, author)
        let post = try portal.reply(actor: author, thread: started.thread.id, body: "I sleep badly.").post.id

        let edited = try portal.editPost(actor: author, post: post, body: "I sleep badly most nights.")
        XCTAssertEqual(edited.post.body, "I sleep badly most nights.")
        XCTAssertNotNil(edited.post.editedAt)
        let before = try portal.postHistory(actor: moderator, post: post)
        XCTAssertEqual(before.map { $0.body }, ["I sleep badly."])
        XCTAssertEqual(before.first?.replacedBy, .author)
        XCTAssertThrowsError(try portal.postHistory(actor: author, post: post)) { error in
            guard case RecoveryError.PermissionDenied = error else { return XCTFail("\(error)") }
        }

        let why = ModeratorNote(reason: .personalInformation, note: "Removed a name")
        let shown = try portal.moderatePost(actor: moderator, post: post, edit: ModeratorEdit(body: "I sleep badly.", note: why))
        XCTAssertEqual(shown.moderatorEdit?.note, "Removed a name")
        let history = try portal.postHistory(actor: moderator, post: post)
        XCTAssertEqual(history.map { $0.body }, ["I sleep badly.", "I sleep badly most nights."])
        XCTAssertEqual(history.last?.replacedBy, .moderator(person: moderator))
    }

    func testADeletedPostLeavesATombstoneAndNoHistory() throws {
        let moderator = try moderator()
        let author = try member("Anna", "Quiet Heron")
        let reader = try member("Ola", "Blue Lantern")
        let started = try approvedThread(moderator, author)
        let post = try portal.reply(actor: author, thread: started.thread.id, body: "Something I regret writing.").post.id
        _ = try portal.editPost(actor: author, post: post, body: "Something I regret.")

        let deleted = try portal.deletePost(actor: author, post: post)
        XCTAssertEqual(deleted.status, .deleted)
        XCTAssertNil(deleted.body)
        let tombstone = try portal.threadPage(actor: reader, thread: started.thread.id).posts.first { $0.id == post }!
        XCTAssertEqual(tombstone.status, .deleted)
        XCTAssertNil(tombstone.body)
        XCTAssertEqual(try portal.postHistory(actor: moderator, post: post), [])
        XCTAssertThrowsError(try portal.editPost(actor: author, post: post, body: "Back again")) { error in
            guard case RecoveryError.InvalidTransition = error else { return XCTFail("\(error)") }
        }
    }

    func testALockedThreadRefusesRepliesUntilUnlocked() throws {
        let moderator = try moderator()
        let author = try member("Anna", "Quiet Heron")
        let thread = try approvedThread(moderator, author).thread.id

        XCTAssertTrue(try portal.lockThread(actor: moderator, thread: thread, why: ModeratorNote(reason: .offTopic)).locked)
        XCTAssertThrowsError(try portal.reply(actor: author, thread: thread, body: "One more thing")) { error in
            guard case RecoveryError.ThreadLocked = error else { return XCTFail("\(error)") }
        }
        XCTAssertFalse(try portal.unlockThread(actor: moderator, thread: thread).locked)
        XCTAssertEqual(try portal.reply(actor: author, thread: thread, body: "One more thing").post.body, "One more thing")
    }

    func testWarningsAndTheSuspensionLadderWithALiftBetween() throws {
        let moderator = try moderator()
        let author = try member("Anna", "Quiet Heron")
        let started = try approvedThread(moderator, author)
        let who = started.posted.post.author
        let why = ModeratorNote(reason: .harassment, note: "Please be kind")

        XCTAssertEqual(try portal.warnMember(actor: moderator, member: who, why: why).warnings, 1)
        let first = try portal.suspendMember(actor: moderator, member: who, why: why)
        XCTAssertEqual(first.until?.timeIntervalSince(first.from), 14 * 24 * 3600)
        let lifted = try portal.liftSuspension(actor: moderator, member: who, note: "Talked it through")
        XCTAssertNil(lifted.suspension)
        XCTAssertFalse(try portal.reply(actor: author, thread: started.thread.id, body: "Thank you.").held)
        let second = try portal.suspendMember(actor: moderator, member: who, why: why)
        XCTAssertEqual(second.until?.timeIntervalSince(second.from), 30 * 24 * 3600)
        XCTAssertEqual(try portal.memberRecord(actor: moderator, member: who).suspensions, 2)
    }
}
