// The usage log and the researcher's report in Swift, mirroring UsageTest.kt and
// test_usage.py. Not compiled on the project's machines (no Swift toolchain); see
// bindings/README.md.
import Foundation
import XCTest

@testable import RecoveryCore

final class UsageTests: XCTestCase {
    var dir: URL!
    var portal: Portal!
    var anna: String!
    var rita: String!
    let key = Data("a swift export key of 32 bytes!!".utf8)
    let start = Date().addingTimeInterval(-86_400)
    let end = Date().addingTimeInterval(86_400)

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        portal = try Portal.open(path: dir.appendingPathComponent("recovery.sqlite").path)
        anna = try portal.register(person: NewPerson(role: .serviceUser, displayName: "Anna")).id
        rita = try portal.register(person: NewPerson(role: .researcher, displayName: "Rita")).id
    }

    override func tearDownWithError() throws {
        portal = nil
        try FileManager.default.removeItem(at: dir)
    }

    func testAResearcherReadsVisitsPostingsAndInvolvement() throws {
        try portal.recordVisit(actor: anna, module: "forum")
        try portal.recordVisit(actor: anna, module: "toolbox.goals")
        _ = try portal.addGoal(actor: anna, goal: NewGoal(domain: "catalogue:housing", title: "Find a flat of my own"))

        let report = try portal.usageReport(actor: rita, start: start, end: end, exportKey: key)
        let forum = report.total.modules.first { $0.module == "forum" && $0.role == .serviceUser }
        XCTAssertEqual(forum?.visits, 1)
        XCTAssertEqual(forum?.postings, 0)
        let goals = report.total.modules.first { $0.module == "toolbox.goals" && $0.role == .serviceUser }
        XCTAssertEqual(goals?.postings, 1)
        XCTAssertEqual(report.total.involvement.withOwnGoal, 1)
        XCTAssertTrue(report.csv.hasPrefix("period,section,module,role,team,measure,value\n"))
        XCTAssertFalse(report.csv.contains("Find a flat") || report.csv.contains("Anna") || report.csv.contains(anna))
    }

    func testRefusalsAreTyped() throws {
        XCTAssertThrowsError(try portal.usageReport(actor: anna, start: start, end: end, exportKey: key)) { error in
            guard case let RecoveryError.PermissionDenied(reason) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(reason, .wrongRole)
        }
        XCTAssertThrowsError(try portal.usageReport(actor: rita, start: end, end: start, exportKey: key)) { error in
            guard case let RecoveryError.Invalid(field, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(field, "period")
        }
        XCTAssertThrowsError(try portal.recordVisit(actor: anna, module: "toolbox.secrets")) { error in
            guard case let RecoveryError.Invalid(field, problem) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(field, "module")
            XCTAssertEqual(problem, .unknown)
        }
    }
}
