from django.db import DatabaseError


def test_healthz_answers_without_credentials(anonymous_client):
    response = anonymous_client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_reports_the_database(anonymous_client, db):
    response = anonymous_client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["database"]["ok"] is True
    assert response.json()["database"]["vendor"] in {"sqlite", "postgresql"}


class UnreachableDatabase:
    vendor = "postgresql"

    def cursor(self):
        raise DatabaseError("connection refused")


def test_readyz_answers_503_when_the_database_is_unreachable(anonymous_client, db, monkeypatch):
    monkeypatch.setattr("config.health.connection", UnreachableDatabase())
    response = anonymous_client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["database"]["ok"] is False
