"""Every kind of response carries the security headers, the CSP with a fresh nonce."""

import re

import pytest

pytestmark = pytest.mark.django_db

RESPONSES = [
    "/",
    "/case-studies/?q=leadership",
    "/case-studies/leeds-teaching-hospitals/",
    "/no-such-page/",  # 404
    "/case-studies/export.csv?sector=education",
    "/api/case-studies/",
    "/api/openapi.json",
    "/feeds/case-studies.atom",
    "/sitemap.xml",
    "/healthz",
    "/admin/login/",
]


@pytest.mark.parametrize("url", RESPONSES)
def test_every_response_carries_the_security_headers(client, url):
    response = client.get(url)
    assert response.status_code in {200, 404}
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


def test_the_page_script_carries_the_nonce_of_its_response(client):
    response = client.get("/")
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    assert f'nonce="{nonce}"' in response.content.decode()
    again = client.get("/")
    assert nonce not in again["Content-Security-Policy"], "a new nonce for every response"


def test_a_server_error_page_carries_them_too(client, monkeypatch):
    from casebase.site import views

    monkeypatch.setattr(views.HomeView, "get_context_data", lambda *a, **k: 1 / 0)
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 500
    assert "default-src 'self'" in response["Content-Security-Policy"]
