"""The toolbox scenario of issue 6, through the installed Python package and the real library."""

import datetime
import threading
import uuid

import pytest

from recovery_core import (
    CrisisPlan,
    DenyReason,
    DiaryEntry,
    GoalAchievement,
    GoalEdit,
    GoalLifecycle,
    ItemBody,
    ItemKind,
    Measure,
    MeasureKind,
    MeasureValue,
    Medication,
    MedicationStatus,
    NetworkPerson,
    NewActivity,
    NewGoal,
    NewPerson,
    NewStatus,
    Portal,
    PortalConfig,
    Problem,
    RecoveryError,
    Relation,
    Role,
    StorageKind,
    SupportKind,
    default_config,
)

TODAY = datetime.date.today().isoformat()
YESTERDAY = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()


@pytest.fixture
def db(tmp_path):
    return str(tmp_path / "recovery.sqlite")


@pytest.fixture
def portal(db):
    return Portal.open(db)


@pytest.fixture
def anna(portal):
    return portal.register(NewPerson(role=Role.SERVICE_USER, display_name="Anna")).id


def add_goal(portal, owner, domain, title):
    return portal.add_goal(owner, NewGoal(domain=domain, title=title))


def test_a_service_user_builds_a_plan_across_domains_and_sees_it_on_home(portal, anna):
    domains = portal.domains(anna)
    assert len(domains) == 6
    housing = next(d.domain for d in domains if d.label.en == "Housing")
    social = next(d.domain for d in domains if d.label.en == "Social life")
    assert housing == "catalogue:housing"
    garden = portal.add_domain(anna, "Garden")
    garden_ref = f"own:{garden.id}"

    portal.set_what_matters(anna, "My daughter, and having a place of my own.")
    portal.add_status(
        anna,
        NewStatus(domain=housing, now="Living with my parents.", hinders="Waiting lists.", rating=4),
    )
    flat = portal.add_goal(
        anna,
        NewGoal(domain=housing, title="Find a flat of my own", why="Room for my daughter", target_date="2031-06-01"),
    )
    call = portal.add_activity(anna, NewActivity(goal=flat.id, title="Call the housing office", due=TODAY))
    portal.add_activity(anna, NewActivity(goal=flat.id, title="Visit two flats"))
    friends = add_goal(portal, anna, social, "See friends every week")
    portal.add_activity(anna, NewActivity(goal=friends.id, title="Coffee with Kari"))
    add_goal(portal, anna, garden_ref, "Grow tomatoes")

    completion = portal.complete_activity(anna, call.id, YESTERDAY, "They put me on the list.")
    assert completion.content.on == YESTERDAY
    portal.add_medication(
        anna, Medication(name="Sertraline", status=MedicationStatus.ACTIVE, dose="50 mg", prescribed=True)
    )
    portal.add_network_person(
        anna,
        NetworkPerson(
            label="Sister", relation=Relation.FAMILY, closeness=1, support=[SupportKind.EMOTIONAL, SupportKind.CRISIS]
        ),
    )
    portal.set_crisis_plan(anna, CrisisPlan(warning_signs="Not sleeping", contacts="My sister"))
    portal.complete_exercise(anna, "mindfulness", TODAY)
    portal.add_diary_entry(anna, DiaryEntry(day=TODAY, text="A good day."))
    sleep = portal.add_measure(anna, Measure(name="Hours of sleep", kind=MeasureKind.NUMBER(unit="hours")))
    portal.register_value(anna, sleep.id, YESTERDAY, MeasureValue.NUMBER(value=6.5))
    portal.register_value(anna, sleep.id, TODAY, MeasureValue.NUMBER(value=7.0))

    home = portal.home(anna)
    assert home.person.id == anna
    assert home.what_matters.content.text == "My daughter, and having a place of my own."
    assert len(home.domains) == 7
    housing_overview = next(d for d in home.domains if d.domain.domain == housing)
    assert housing_overview.latest_status.content.rating == 4
    assert [g.goal.content.title for g in housing_overview.goals] == ["Find a flat of my own"]
    assert [a.content.title for a in housing_overview.goals[0].activities] == [
        "Call the housing office",
        "Visit two flats",
    ]
    garden_overview = next(d for d in home.domains if d.domain.domain == garden_ref)
    assert garden_overview.goals[0].goal.content.title == "Grow tomatoes"
    assert sum(len(d.goals) for d in home.domains) == 3
    assert [m.content.name for m in home.medications] == ["Sertraline"]
    assert home.network[0].content.support == [SupportKind.EMOTIONAL, SupportKind.CRISIS]
    assert home.crisis_plan.content.warning_signs == "Not sleeping"
    assert [c.content.activity for c in home.recent_completions] == [call.id]
    assert home.recent_exercises[0].content.exercise == "mindfulness"
    assert home.recent_diary[0].content.text == "A good day."
    (sleep_overview,) = home.measures
    assert [r.content.day for r in sleep_overview.recent] == [TODAY, YESTERDAY]
    assert sleep_overview.recent[0].content.value == MeasureValue.NUMBER(value=7.0)


def test_edits_and_removals_are_kept_in_the_history(portal, anna):
    flat = add_goal(portal, anna, "catalogue:housing", "Find a flat")
    edited = portal.edit_goal(
        anna,
        flat.id,
        GoalEdit(
            title="Find a flat near school",
            why="",
            target_date=None,
            lifecycle=GoalLifecycle.COMPLETED,
            achievement=GoalAchievement.ACHIEVED,
        ),
    )
    assert edited.version == 2
    portal.remove_item(anna, flat.id)

    history = portal.history(anna, flat.id)
    assert [v.version for v in history] == [1, 2, 3]
    assert [v.removed for v in history] == [False, False, True]
    assert all(v.kind == ItemKind.GOAL for v in history)
    assert isinstance(history[0].body, ItemBody.GOAL)
    assert history[0].body.content.title == "Find a flat"
    assert history[1].body.content.achievement == GoalAchievement.ACHIEVED
    assert isinstance(history[0].created_at, datetime.datetime)
    assert portal.goals(anna) == []
    assert all(d.goals == [] for d in portal.home(anna).domains)


def test_an_empty_title_is_refused_naming_the_field_and_changes_nothing(portal, anna):
    with pytest.raises(RecoveryError.Invalid) as error:
        add_goal(portal, anna, "catalogue:housing", "   ")
    assert error.value.field == "goal.title"
    assert error.value.problem == Problem.EMPTY()
    assert isinstance(error.value, RecoveryError)
    assert portal.goals(anna) == []

    with pytest.raises(RecoveryError.Invalid) as too_long:
        add_goal(portal, anna, "catalogue:housing", "x" * 201)
    assert too_long.value.problem == Problem.TOO_LONG(max=200, actual=201)


def test_another_users_item_is_denied(portal, anna):
    ola = portal.register(NewPerson(role=Role.SERVICE_USER, display_name="Ola")).id
    olas_goal = add_goal(portal, ola, "catalogue:finances", "Pay off debt")
    with pytest.raises(RecoveryError.PermissionDenied) as error:
        portal.activities(anna, olas_goal.id)
    assert error.value.reason == DenyReason.WRONG_ROLE
    with pytest.raises(RecoveryError.PermissionDenied):
        portal.remove_item(anna, olas_goal.id)
    assert len(portal.goals(ola)) == 1


def test_an_unknown_id_is_not_found_and_an_unknown_actor_is_refused(portal, anna):
    missing = str(uuid.uuid4())
    with pytest.raises(RecoveryError.NotFound) as error:
        portal.add_activity(anna, NewActivity(goal=missing, title="Anything"))
    assert (error.value.kind, error.value.id) == ("goal", missing)

    nobody = str(uuid.uuid4())
    with pytest.raises(RecoveryError.UnknownActor) as unknown:
        portal.home(nobody)
    assert unknown.value.id == nobody


def test_malformed_ids_dates_and_numbers_are_invalid_not_crashes(portal, anna):
    with pytest.raises(RecoveryError.Invalid) as bad_actor:
        portal.home("not-an-id")
    assert (bad_actor.value.field, bad_actor.value.problem) == ("actor", Problem.MALFORMED_ID())

    with pytest.raises(RecoveryError.Invalid) as bad_goal:
        portal.add_activity(anna, NewActivity(goal="42", title="Anything"))
    assert (bad_goal.value.field, bad_goal.value.problem) == ("activity.goal", Problem.MALFORMED_ID())

    with pytest.raises(RecoveryError.Invalid) as bad_date:
        portal.add_diary_entry(anna, DiaryEntry(day="31.12.2024", text="x"))
    assert (bad_date.value.field, bad_date.value.problem) == ("diary.day", Problem.MALFORMED_DATE())

    with pytest.raises(RecoveryError.Invalid) as bad_domain:
        add_goal(portal, anna, "housing", "Find a flat")
    assert bad_domain.value.problem == Problem.MALFORMED_DOMAIN()

    with pytest.raises(RecoveryError.Invalid) as rating:
        portal.add_status(anna, NewStatus(domain="catalogue:housing", now="ok", rating=2**31 - 1))
    assert (rating.value.field, rating.value.problem) == ("status.rating", Problem.OUT_OF_RANGE(min=1, max=10))

    # Python checks the range of a 32-bit argument itself, before the call.
    with pytest.raises((ValueError, OverflowError, TypeError)):
        portal.add_status(anna, NewStatus(domain="catalogue:housing", now="ok", rating=2**40))

    sleep = portal.add_measure(anna, Measure(name="Sleep", kind=MeasureKind.NUMBER(unit="")))
    with pytest.raises(RecoveryError.Invalid) as nan:
        portal.register_value(anna, sleep.id, TODAY, MeasureValue.NUMBER(value=float("nan")))
    assert nan.value.problem == Problem.NOT_FINITE()
    assert portal.registrations(anna, sleep.id) == []


def test_a_rejected_lifecycle_change_is_an_invalid_transition(portal, anna):
    flat = add_goal(portal, anna, "catalogue:housing", "Find a flat")
    with pytest.raises(RecoveryError.InvalidTransition) as error:
        portal.edit_goal(
            anna,
            flat.id,
            GoalEdit(title="Find a flat", why="", target_date=None, lifecycle=GoalLifecycle.PROPOSED, achievement=None),
        )
    assert (error.value.kind, error.value.from_state, error.value.to_state) == ("goal", "active", "proposed")


def test_the_default_config_is_the_cores_and_data_outlives_the_object(db, portal, anna):
    assert PortalConfig() == default_config()
    flat = add_goal(portal, anna, "catalogue:housing", "Find a flat")
    del portal
    reopened = Portal.open(db, PortalConfig(title_limit=20))
    assert [g.id for g in reopened.goals(anna)] == [flat.id]
    with pytest.raises(RecoveryError.Invalid) as too_long:
        add_goal(reopened, anna, "catalogue:housing", "x" * 21)
    assert too_long.value.problem == Problem.TOO_LONG(max=20, actual=21)


def test_a_file_that_is_not_a_database_is_a_storage_error_of_its_own_kind(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("This is not a database, and it must stay as it is.\n" * 200)
    before = notes.read_bytes()
    with pytest.raises(RecoveryError.Storage) as error:
        Portal.open(str(notes)).register(NewPerson(role=Role.SERVICE_USER, display_name="Anna"))
    assert error.value.kind == StorageKind.NOT_A_DATABASE
    assert notes.read_bytes() == before


def test_eight_threads_adding_fifty_activities_each_lose_nothing(portal, anna):
    goals = [add_goal(portal, anna, "catalogue:social-life", f"Goal {n}") for n in range(8)]
    ids = [[] for _ in goals]
    errors = []

    def work(index, goal):
        try:
            for n in range(50):
                ids[index].append(portal.add_activity(anna, NewActivity(goal=goal.id, title=f"Step {n}")).id)
        except Exception as e:  # collected and asserted below; a thread's exception is otherwise lost
            errors.append(e)

    threads = [threading.Thread(target=work, args=(i, g)) for i, g in enumerate(goals)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert len({i for batch in ids for i in batch}) == 400
    for goal in goals:
        assert len(portal.activities(anna, goal.id)) == 50
    assert sum(len(g.activities) for d in portal.home(anna).domains for g in d.goals) == 400


def test_the_exercise_catalogue_and_a_read_of_ones_own_account(portal, anna):
    assert [e.key for e in portal.exercises()] == ["sleep-hygiene", "mindfulness", "strengths-mapping"]
    me = portal.me(anna)
    assert (me.display_name, me.role, me.provider) == ("Anna", Role.SERVICE_USER, None)
    assert isinstance(me.registered_at, datetime.datetime)
    with pytest.raises(RecoveryError.Invalid) as error:
        portal.complete_exercise(anna, "juggling", TODAY)
    assert (error.value.field, error.value.problem) == ("exercise_completion.exercise", Problem.UNKNOWN())
