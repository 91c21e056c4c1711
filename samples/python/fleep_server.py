"""A FleepServer test server (`--ephemeral`) as a process, and a Fleep session over plain HTTP.

The server command comes from FLEEP_SERVER_COMMAND (split like a shell would), e.g.
`fleep-server --ephemeral` for the installed .NET tool; by default the repository's built server:
`dotnet run --no-build --project <repo>/src/FleepServer -- --ephemeral`.
"""

import os
import pathlib
import queue
import shlex
import signal
import subprocess
import threading
import time

import requests

REPOSITORY = pathlib.Path(__file__).resolve().parents[2]
DEFAULT_COMMAND = ["dotnet", "run", "--no-build", "--project", str(REPOSITORY / "src" / "FleepServer"), "--", "--ephemeral"]
READY_PREFIX = "FLEEP_READY "
START_TIMEOUT = 120  # seconds: the first start makes a PostgreSQL cluster and migrates it
STOP_TIMEOUT = 10
TEST_PASSWORD = "fleep-test-password"  # what /_test/account gives an account made without a password


def server_command():
    configured = os.environ.get("FLEEP_SERVER_COMMAND", "").strip()
    return shlex.split(configured) if configured else DEFAULT_COMMAND


class FleepServer:
    """One `--ephemeral` server process: its standard output's first line is `FLEEP_READY <url>`;
    its log (standard error) goes to a file. SIGTERM stops it and deletes its database."""

    def __init__(self, log_path, command=None):
        self.command = command or server_command()
        self.log_path = pathlib.Path(log_path)
        self.process = None
        self.url = None

    def start(self):
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(self.command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log, text=True)
        lines = queue.Queue()
        threading.Thread(target=lambda: lines.put(self.process.stdout.readline()), daemon=True).start()
        try:
            line = lines.get(timeout=START_TIMEOUT)
        except queue.Empty:
            self.kill()
            raise RuntimeError(f"no {READY_PREFIX.strip()} line within {START_TIMEOUT} s from {self.command}\n{self.log_tail()}")
        if not line.startswith(READY_PREFIX):
            self.kill()
            raise RuntimeError(f"the first line of {self.command} was {line!r}, not {READY_PREFIX}<url>\n{self.log_tail()}")
        self.url = line[len(READY_PREFIX):].strip().rstrip("/")
        return self

    def stop(self):
        """SIGTERM, then waits up to STOP_TIMEOUT seconds; returns how long the process took to exit."""
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.kill()
            raise
        finally:
            self.process.stdout.close()
        return time.monotonic() - started

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def reset(self):
        """POST /_test/reset: every account, conversation, message, session and hook is gone."""
        requests.post(f"{self.url}/_test/reset", json={}, timeout=30).raise_for_status()

    def create_account(self, email, display_name=None):
        """POST /_test/account: an active account, whatever the registration settings."""
        answer = requests.post(f"{self.url}/_test/account", json={"email": email, "display_name": display_name}, timeout=30)
        answer.raise_for_status()
        return answer.json()

    def log_tail(self, lines=30):
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


class FleepUser:
    """A logged-in Fleep session as any client keeps it: the token_id cookie (in the requests
    Session) plus the ticket in every JSON body."""

    def __init__(self, url, email, password=TEST_PASSWORD):
        self.url = url
        self.http = requests.Session()
        login = self.http.post(f"{url}/api/account/login", json={"email": email, "password": password}, timeout=30)
        login.raise_for_status()
        assert "token_id" in self.http.cookies, "the login answer sets the token_id cookie"
        self.ticket = login.json()["ticket"]
        self.account_id = login.json()["account_id"]
        self.email = email

    def post(self, path, timeout=90, **body):
        """POSTs body (with the ticket) to path; returns the JSON answer, raises FleepError on an error answer."""
        answer = self.http.post(f"{self.url}/{path}", json={**body, "ticket": self.ticket}, timeout=timeout)
        if answer.status_code != 200:
            raise FleepError(path, answer)
        return answer.json()


class FleepError(Exception):
    def __init__(self, path, answer):
        try:
            self.error_id = answer.json().get("error_id")
        except ValueError:
            self.error_id = None
        self.status_code = answer.status_code
        super().__init__(f"{path} answered {answer.status_code} {self.error_id}: {answer.text[:500]}")
