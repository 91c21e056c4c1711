"""SIGTERM stops a test server promptly, and it stops answering."""

import pytest
import requests

from fleep_server import STOP_TIMEOUT, FleepServer


def test_sigterm_stops_the_server(tmp_path):
    server = FleepServer(tmp_path / "server.log").start()
    try:
        assert requests.get(f"{server.url}/health/ready", timeout=10).status_code == 200
    except BaseException:
        server.kill()
        raise

    took = server.stop()

    assert took < STOP_TIMEOUT
    assert server.process.returncode == 0, server.log_tail()
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{server.url}/health/ready", timeout=5)
