"""A conversation between two accounts, through the same HTTP calls Fleep's clients make."""

import time

import pytest
import requests

from fleep_server import FleepError, FleepUser


def poll_for_message(user, horizon, conversation_id, text, timeout=10):
    """Polls on from horizon until a message of the conversation contains text; returns it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        answer = user.post("api/account/poll", event_horizon=horizon, wait=True)
        horizon = answer["event_horizon"]
        for record in answer.get("stream", []):
            if record.get("mk_rec_type") == "message" and record.get("conversation_id") == conversation_id and text in record.get("message", ""):
                return record
    raise AssertionError(f"no message {text!r} within {timeout} s")


def test_register_login_send_and_the_other_account_polls_it(fleep):
    fleep.create_account("alice@example.com", "Alice")
    fleep.create_account("bob@example.com", "Bob")
    alice = FleepUser(fleep.url, "alice@example.com")
    bob = FleepUser(fleep.url, "bob@example.com")
    # A poll from horizon 0 answers a snapshot and the horizon to go on from; what happens after
    # it comes in the next polls.
    horizon = bob.post("api/account/poll", event_horizon=0, wait=False)["event_horizon"]

    created = alice.post("api/conversation/create", topic="Release", emails="bob@example.com")
    conversation_id = created["header"]["conversation_id"]
    alice.post(f"api/message/send/{conversation_id}", message="Shipping 1.0 today")

    message = poll_for_message(bob, horizon, conversation_id, "Shipping 1.0 today")
    assert message["account_id"] == alice.account_id
    assert message["message"] == "<msg><p>Shipping 1.0 today</p></msg>"


def test_reset_forgets_accounts_and_sessions(fleep, user):
    carol = user("carol@example.com")
    carol.post("api/conversation/create", topic="Before the reset")

    fleep.reset()

    with pytest.raises(FleepError) as session_gone:
        carol.post("api/account/poll", event_horizon=0, wait=False)
    assert session_gone.value.error_id == "not_authenticated"
    login = requests.post(f"{fleep.url}/api/account/login", json={"email": "carol@example.com", "password": "fleep-test-password"}, timeout=30)
    assert login.status_code != 200
    # The address is free again.
    assert user("carol@example.com").account_id != carol.account_id


def test_the_same_addresses_in_every_test(user):
    # The fleep fixture resets the server before each test, so fixed addresses never collide.
    alice = user("alice@example.com")
    alice.post("api/conversation/create", topic="A test of its own")
