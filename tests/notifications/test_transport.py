"""The outbound guard: https only in production, no private/loopback/link-local addresses
(resolved, not by name), the connection pinned to the address checked, timeouts, no redirects."""

import socket

import pytest

from notifications.transport import Refused, check_url, post


@pytest.fixture
def public_only(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = False


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8500/hook",
        "http://localhost:8500/hook",
        "http://[::1]:8500/hook",
        "http://10.1.2.3/hook",
        "http://192.168.0.10/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:127.0.0.1]/hook",
        "http://0.0.0.0/hook",
    ],
)
def test_private_loopback_and_link_local_addresses_are_refused(public_only, url):
    with pytest.raises(Refused):
        check_url(url)


def test_a_name_that_resolves_to_a_private_address_is_refused(public_only, monkeypatch):
    real = socket.getaddrinfo

    def resolve(host, *args, **kwargs):
        if host == "innocent.example.org":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", 443))]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)

    with pytest.raises(Refused, match="private"):
        check_url("https://innocent.example.org/hook")


def test_plain_http_is_refused_when_https_is_required(settings):
    settings.WEBHOOK_REQUIRE_HTTPS = True

    with pytest.raises(Refused, match="https"):
        check_url("http://hooks.example.org/")


def test_credentials_in_the_url_are_refused():
    with pytest.raises(Refused, match="credentials"):
        check_url("http://user:pass@127.0.0.1:8500/")


def test_the_connection_goes_to_the_address_that_was_checked(receiver, monkeypatch):
    """DNS rebinding: a second lookup of the name would answer otherwise (here: fail); the
    request still reaches the address checked, with the name in its Host header."""
    port = receiver.server.server_address[1]
    real = socket.getaddrinfo
    lookups = []

    def resolve(host, *args, **kwargs):
        if host == "rebinding.test":
            lookups.append(host)
            if len(lookups) > 1:
                raise socket.gaierror("the name now points elsewhere")
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)

    answer = post(f"http://rebinding.test:{port}/hook", b"{}", {})

    assert answer.ok, answer
    assert lookups == ["rebinding.test"]
    (request,) = receiver.wait_for(1)
    assert request.headers["host"] == f"rebinding.test:{port}"


def test_a_redirect_is_not_followed(receiver):
    receiver.statuses = [302]

    answer = post(receiver.url, b"{}", {})

    assert not answer.ok
    assert answer.status == 302
    assert "redirect" in answer.error
    assert len(receiver.wait_for(1)) == 1


def test_a_receiver_slower_than_the_timeout_is_a_failed_attempt(receiver, settings):
    settings.WEBHOOK_TIMEOUT = 1
    receiver.delay = 1.5

    answer = post(receiver.url, b"{}", {})

    assert not answer.ok
    assert answer.status is None
    assert "timed out" in answer.error.lower()


def test_an_error_status_is_a_failed_attempt_with_its_status(receiver):
    receiver.statuses = [500]

    answer = post(receiver.url, b"{}", {})

    assert (answer.ok, answer.status) == (False, 500)
