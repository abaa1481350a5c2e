"""Standard Webhooks signatures, checked by independent implementations."""

import base64

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from notifications.signing import new_secret, signed_headers
from tests.notifications.helpers import hmac_verify

BODY = b'{"type":"flag.raised","data":{"flag":{"id":1}}}'


def headers_now(secret: str, body: bytes = BODY) -> dict[str, str]:
    import time

    return signed_headers(secret, "msg_abc", int(time.time()), body)


def test_a_signature_verifies_with_the_standardwebhooks_library():
    secret = new_secret()

    assert Webhook(secret).verify(BODY, headers_now(secret)) == {
        "type": "flag.raised",
        "data": {"flag": {"id": 1}},
    }


def test_a_signature_verifies_with_a_few_lines_of_hmac():
    secret = new_secret()

    assert hmac_verify(secret, headers_now(secret), BODY)


def test_a_changed_body_does_not_verify():
    secret = new_secret()
    headers = headers_now(secret)

    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(BODY.replace(b"1", b"2"), headers)


def test_another_secret_does_not_verify():
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(BODY, headers_now(new_secret()))


def test_a_secret_is_whsec_and_32_random_bytes():
    first, second = new_secret(), new_secret()

    assert first.startswith("whsec_")
    assert len(base64.b64decode(first.removeprefix("whsec_"))) == 32
    assert first != second
