"""Encryption at rest through the installed Python package (the library is built with the
`sqlcipher` feature): the right key opens, a wrong key or an unencrypted file is a storage error
of its own kind, a key of the wrong length is invalid, and rekeying keeps every row."""

import pytest

from recovery_core import (
    NewGoal,
    NewPerson,
    Portal,
    Problem,
    RecoveryError,
    Role,
    StorageKind,
)

KEY = bytes(range(32))
NEW_KEY = bytes(range(100, 132))
CANARY = "Canary 7f3a: I want a flat of my own"


@pytest.fixture
def db(tmp_path):
    return str(tmp_path / "encrypted.sqlite")


def fill(path, key):
    """Anna and one goal in an encrypted portal, closed again; returns Anna's id and the goal's."""
    portal = Portal.open_encrypted(path, key)
    anna = portal.register(NewPerson(role=Role.SERVICE_USER, display_name="Anna")).id
    goal = portal.add_goal(anna, NewGoal(domain="catalogue:housing", title=CANARY)).id
    del portal
    return anna, goal


def titles(portal, anna):
    return [g.content.title for g in portal.goals(anna)]


def test_the_right_key_reopens_what_was_written_and_the_file_does_not_show_it(db):
    anna, _ = fill(db, KEY)
    with open(db, "rb") as f:
        assert CANARY.encode() not in f.read()
    reopened = Portal.open_encrypted(db, KEY)
    assert titles(reopened, anna) == [CANARY]


def test_a_wrong_key_is_a_wrong_key_storage_error_and_leaves_the_file(db):
    fill(db, KEY)
    with open(db, "rb") as f:
        before = f.read()
    with pytest.raises(RecoveryError.Storage) as error:
        Portal.open_encrypted(db, bytes(32))
    assert error.value.kind == StorageKind.WRONG_KEY
    with open(db, "rb") as f:
        assert f.read() == before
    # Without a key, the encrypted file is not a database at all.
    with pytest.raises(RecoveryError.Storage) as plain:
        Portal.open(db)
    assert plain.value.kind == StorageKind.NOT_A_DATABASE


def test_a_key_of_the_wrong_length_is_invalid_on_key(db):
    for length in (0, 16, 31, 33, 64):
        with pytest.raises(RecoveryError.Invalid) as error:
            Portal.open_encrypted(db, bytes(length))
        assert error.value.field == "key"
        assert isinstance(error.value.problem, Problem.INCONSISTENT)
    portal = Portal.open_encrypted(db, KEY)
    with pytest.raises(RecoveryError.Invalid) as rekey:
        portal.rekey(b"short")
    assert rekey.value.field == "key"


def test_rekeying_keeps_every_row_and_only_the_new_key_opens_it(db):
    anna, goal = fill(db, KEY)
    portal = Portal.open_encrypted(db, KEY)
    portal.rekey(NEW_KEY)
    # The open portal goes on under the new key.
    assert [g.id for g in portal.goals(anna)] == [goal]
    del portal
    with pytest.raises(RecoveryError.Storage) as old:
        Portal.open_encrypted(db, KEY)
    assert old.value.kind == StorageKind.WRONG_KEY
    reopened = Portal.open_encrypted(db, NEW_KEY)
    assert titles(reopened, anna) == [CANARY]


def test_an_unencrypted_file_is_not_encrypted_whether_opened_or_rekeyed(tmp_path):
    path = str(tmp_path / "plain.sqlite")
    plain = Portal.open(path)
    plain.register(NewPerson(role=Role.SERVICE_USER, display_name="Anna"))
    with pytest.raises(RecoveryError.Storage) as rekey:
        plain.rekey(KEY)
    assert rekey.value.kind == StorageKind.NOT_ENCRYPTED
    del plain
    with pytest.raises(RecoveryError.Storage) as opened:
        Portal.open_encrypted(path, KEY)
    assert opened.value.kind == StorageKind.NOT_ENCRYPTED
