"""pytest fixtures: one FleepServer test server for the session, emptied before each test."""

import pytest

from fleep_server import FleepServer, FleepUser


@pytest.fixture(scope="session")
def fleep_server(tmp_path_factory):
    """One server for the whole session, stopped at its end."""
    server = FleepServer(tmp_path_factory.mktemp("fleep") / "server.log").start()
    yield server
    server.stop()


@pytest.fixture
def fleep(fleep_server):
    """The session's server, emptied before each test."""
    fleep_server.reset()
    return fleep_server


@pytest.fixture
def user(fleep):
    """user(email) makes an account and returns a FleepUser logged in as it."""

    def make(email, display_name=None):
        fleep.create_account(email, display_name)
        return FleepUser(fleep.url, email)

    return make
