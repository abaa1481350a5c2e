import yaml
from openapi_spec_validator import validate


def test_schema_is_a_valid_openapi_3_document(anonymous_client, db):
    response = anonymous_client.get("/api/schema/")
    assert response.status_code == 200
    document = yaml.safe_load(response.content)
    assert document["openapi"].startswith("3.")
    validate(document)


def test_schema_declares_bearer_authentication(anonymous_client, db):
    document = yaml.safe_load(anonymous_client.get("/api/schema/").content)
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_swagger_ui_is_served(anonymous_client, db):
    response = anonymous_client.get("/api/docs/")
    assert response.status_code == 200
    assert b"swagger" in response.content.lower()
