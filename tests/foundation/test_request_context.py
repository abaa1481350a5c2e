import logging


def test_every_response_carries_a_request_id(anonymous_client, db):
    response = anonymous_client.get("/healthz")
    assert len(response["X-Request-ID"]) == 32


def test_a_plain_caller_request_id_is_kept(anonymous_client, db):
    response = anonymous_client.get("/healthz", HTTP_X_REQUEST_ID="ehr-1234.abc")
    assert response["X-Request-ID"] == "ehr-1234.abc"


def test_an_unsafe_caller_request_id_is_replaced(anonymous_client, db):
    response = anonymous_client.get("/healthz", HTTP_X_REQUEST_ID="bad id\nwith newline")
    assert response["X-Request-ID"] != "bad id\nwith newline"
    assert len(response["X-Request-ID"]) == 32


def test_each_request_logs_one_line_with_its_request_id(anonymous_client, db, caplog):
    with caplog.at_level(logging.INFO, logger="screening.request"):
        response = anonymous_client.get("/healthz")
    lines = [r for r in caplog.records if r.name == "screening.request"]
    assert len(lines) == 1
    assert "status=200" in lines[0].getMessage()
    assert response["X-Request-ID"]
