// The toolbox scenario of issue 6 in Swift, mirroring bindings/kotlin and bindings/python.
// Not compiled on the project's machines (no Swift toolchain); see bindings/README.md.
import Foundation
import XCTest

@testable import RecoveryCore

final class PortalTests: XCTestCase {
    var dir: URL!
    var portal: Portal!
    var anna: String!

    let today = PortalTests.day(0)
    let yesterday = PortalTests.day(-1)

    static func day(_ offset: Int) -> String {
        let formatter = DateFormatter()
        formatter.calendar = Calendar(identifier: .gregorian)
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: Date().addingTimeInterval(Double(offset) * 86_400))
    }

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        portal = try Portal.open(path: dir.appendingPathComponent("recovery.sqlite").path)
        anna = try portal.register(person: NewPerson(role: .serviceUser, displayName: "Anna")).id
    }

    override func tearDownWithError() throws {
        portal = nil
        try FileManager.default.removeItem(at: dir)
    }

    func goal(_ domain: String, _ title: String, owner: String? = nil) throws -> GoalItem {
        try portal.addGoal(actor: owner ?? anna, goal: NewGoal(domain: domain, title: title))
    }

    func testAServiceUserBuildsAPlanAcrossDomainsAndSeesItOnHome() throws {
        let domains = try portal.domains(actor: anna)
        XCTAssertEqual(domains.count, 6)
        let housing = domains.first { $0.label.en == "Housing" }!.domain
        XCTAssertEqual(housing, "catalogue:housing")

        _ = try portal.setWhatMatters(actor: anna, text: "My daughter, and having a place of my own.")
        _ = try portal.addStatus(actor: anna, status: NewStatus(domain: housing, now: "Living with my parents.", rating: 4))
        let flat = try portal.addGoal(actor: anna, goal: NewGoal(domain: housing, title: "Find a flat of my own", targetDate: "2031-06-01"))
        let call = try portal.addActivity(actor: anna, activity: NewActivity(goal: flat.id, title: "Call the housing office", due: today))
        _ = try portal.completeActivity(actor: anna, activity: call.id, on: yesterday)
        _ = try portal.addMedication(actor: anna, medication: Medication(name: "Sertraline", status: .active, dose: "50 mg", prescribed: true))
        _ = try portal.setCrisisPlan(actor: anna, plan: CrisisPlan(warningSigns: "Not sleeping"))
        _ = try portal.addDiaryEntry(actor: anna, entry: DiaryEntry(day: today, text: "A good day."))
        let sleep = try portal.addMeasure(actor: anna, measure: Measure(name: "Hours of sleep", kind: .number(unit: "hours")))
        _ = try portal.registerValue(actor: anna, measure: sleep.id, day: today, value: .number(value: 7.0))

        let home = try portal.home(actor: anna)
        XCTAssertEqual(home.person.id, anna)
        let overview = home.domains.first { $0.domain.domain == housing }!
        XCTAssertEqual(overview.latestStatus?.content.rating, 4)
        XCTAssertEqual(overview.goals.map { $0.goal.content.title }, ["Find a flat of my own"])
        XCTAssertEqual(overview.goals.first?.activities.map { $0.content.title }, ["Call the housing office"])
        XCTAssertEqual(home.recentCompletions.map { $0.content.activity }, [call.id])
        XCTAssertEqual(home.medications.map { $0.content.name }, ["Sertraline"])
        XCTAssertEqual(home.measures.first?.recent.first?.content.value, .number(value: 7.0))
    }

    func testEditsAndRemovalsAreKeptInTheHistory() throws {
        let flat = try goal("catalogue:housing", "Find a flat")
        _ = try portal.editGoal(actor: anna, goal: flat.id, edit: GoalEdit(title: "Find a flat near school", why: "", targetDate: nil, lifecycle: .completed, achievement: .achieved))
        try portal.removeItem(actor: anna, item: flat.id)
        let history = try portal.history(actor: anna, item: flat.id)
        XCTAssertEqual(history.map { $0.version }, [1, 2, 3])
        XCTAssertEqual(history.map { $0.removed }, [false, false, true])
        guard case let .goal(content) = history[0].body else { return XCTFail("not a goal") }
        XCTAssertEqual(content.title, "Find a flat")
        XCTAssertTrue(try portal.goals(actor: anna).isEmpty)
    }

    func testAnEmptyTitleIsRefusedNamingTheField() throws {
        XCTAssertThrowsError(try goal("catalogue:housing", "  ")) { error in
            guard case let RecoveryError.Invalid(field, problem) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(field, "goal.title")
            XCTAssertEqual(problem, .empty)
        }
        XCTAssertTrue(try portal.goals(actor: anna).isEmpty)
    }

    func testAnotherUsersItemIsDenied() throws {
        let ola = try portal.register(person: NewPerson(role: .serviceUser, displayName: "Ola")).id
        let olasGoal = try goal("catalogue:finances", "Pay off debt", owner: ola)
        XCTAssertThrowsError(try portal.activities(actor: anna, goal: olasGoal.id)) { error in
            guard case let RecoveryError.PermissionDenied(reason) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(reason, .wrongRole)
        }
    }

    func testUnknownAndMalformedIds() throws {
        let missing = UUID().uuidString.lowercased()
        XCTAssertThrowsError(try portal.addActivity(actor: anna, activity: NewActivity(goal: missing, title: "Anything"))) { error in
            guard case let RecoveryError.NotFound(kind, id) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(kind, "goal")
            XCTAssertEqual(id, missing)
        }
        XCTAssertThrowsError(try portal.home(actor: "not-an-id")) { error in
            guard case let RecoveryError.Invalid(field, problem) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(field, "actor")
            XCTAssertEqual(problem, .malformedId)
        }
        XCTAssertThrowsError(try portal.addDiaryEntry(actor: anna, entry: DiaryEntry(day: "31.12.2024", text: "x"))) { error in
            guard case let RecoveryError.Invalid(field, problem) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(field, "diary.day")
            XCTAssertEqual(problem, .malformedDate)
        }
    }

    func testEightThreadsAddingFiftyActivitiesEachLoseNothing() throws {
        let goals = try (1...8).map { try goal("catalogue:social-life", "Goal \($0)") }
        let failures = NSLock()
        var errors: [Error] = []
        DispatchQueue.concurrentPerform(iterations: 8) { index in
            for n in 1...50 {
                do {
                    _ = try portal.addActivity(actor: anna, activity: NewActivity(goal: goals[index].id, title: "Step \(n)"))
                } catch {
                    failures.lock()
                    errors.append(error)
                    failures.unlock()
                }
            }
        }
        XCTAssertTrue(errors.isEmpty, "\(errors)")
        for g in goals {
            XCTAssertEqual(try portal.activities(actor: anna, goal: g.id).count, 50)
        }
    }

    func testAProviderSeesOnlyWhatIsShared() throws {
        let details = ProviderDetails(profession: .mentalHealthNurse, organisation: "Oslo DPS")
        let nurse = try portal.register(person: NewPerson(role: .provider, displayName: "Nina", provider: details)).id
        let invited = try portal.invite(actor: anna, provider: nurse)
        _ = try portal.acceptInvitation(actor: nurse, membership: invited.id)
        _ = try goal("catalogue:housing", "Find a flat")
        let housing = Scope.domain(domain: "catalogue:housing")
        _ = try portal.share(actor: anna, provider: nurse, scope: housing, sharing: Sharing(level: .view))

        guard case let .domain(_, _, goals) = try portal.view(actor: nurse, owner: anna, scope: housing) else {
            return XCTFail("not a domain view")
        }
        XCTAssertEqual(goals.map { $0.goal.content.title }, ["Find a flat"])
        XCTAssertThrowsError(try portal.view(actor: nurse, owner: anna, scope: .medications)) { error in
            guard case let RecoveryError.PermissionDenied(reason) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(reason, .notShared)
        }
        XCTAssertNil(try portal.verifyAccessLog().firstBreak)
    }
}
