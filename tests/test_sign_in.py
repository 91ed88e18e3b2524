"""Signing in: only staff reach the admin, guessing is locked out, sessions end."""

import importlib.util
import os
import time
from types import ModuleType

import pytest
from axes import helpers
from axes.models import AccessAttempt, AccessLog
from django.contrib import admin
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.urls import reverse

import casebase.settings
from casebase.security import SIGNED_IN_AT

pytestmark = pytest.mark.django_db
PASSWORD = "a long editor password"


def admin_urls() -> list[str]:
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        opts = model._meta
        urls += [
            reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
            reverse(f"admin:{opts.app_label}_{opts.model_name}_add"),
        ]
    return urls


def test_every_admin_page_sends_the_anonymous_to_sign_in(client):
    for url in admin_urls():
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/"), url


def test_a_signed_in_reader_who_is_not_staff_is_refused(client, django_user_model):
    reader = django_user_model.objects.create_user("reader", password=PASSWORD)
    client.force_login(reader)
    for url in admin_urls():
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], url


def sign_in(client, username: str, password: str, address: str = "10.0.0.1"):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


def test_repeated_failures_lock_the_username_at_that_address(client, editor):
    for _ in range(4):
        assert sign_in(client, "editor", "wrong").status_code == 200  # the form says try again
    assert sign_in(client, "editor", "wrong").status_code == 429  # the fifth failure locks
    locked = sign_in(client, "editor", PASSWORD)  # even the right password, for now
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.content.decode()
    # Another address, or another username, is not locked out by these failures.
    assert sign_in(client, "editor", PASSWORD, address="10.0.0.2").status_code == 302


def test_a_successful_sign_in_resets_the_count(client, editor):
    for _ in range(4):
        sign_in(client, "editor", "wrong")
    assert sign_in(client, "editor", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        sign_in(client, "editor", "wrong")
    assert sign_in(client, "editor", PASSWORD).status_code == 302


def test_an_idle_session_expires_after_thirty_minutes(editor_client, settings):
    editor_client.get(reverse("admin:index"))
    assert editor_client.session.get_expiry_age() == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST, "each request restarts the idle clock"


def test_a_session_ends_after_ten_hours_however_active(editor_client):
    assert editor_client.get(reverse("admin:index")).status_code == 200
    session = editor_client.session
    session[SIGNED_IN_AT] = time.time() - 10 * 3600 - 1
    session.save()
    response = editor_client.get(reverse("admin:index"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


# --- Behind a proxy: the lockout counts the client, not the proxy ---------------------------------

PROXY = "127.0.0.1"  # what REMOTE_ADDR holds behind a reverse proxy on the same machine
CLIENT_A = "203.0.113.10"
CLIENT_B = "198.51.100.20"


def settings_with(monkeypatch, **env: str) -> ModuleType:
    """casebase/settings.py as it reads in this environment, loaded apart from the settings
    the tests run with (which are already made)."""
    for name in [name for name in os.environ if name.startswith("DJANGO_")]:
        monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("settings_under_test", casebase.settings.__file__)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def use_axes_settings(settings, configured: ModuleType) -> None:
    """Axes reads its settings on each request (axes.conf sets defaults on django.conf.settings
    once), so overriding them through pytest-django's fixture is what a request sees."""
    for name in dir(configured):
        if name.startswith(("AXES_", "IPWARE_")):
            setattr(settings, name, getattr(configured, name))


@pytest.fixture
def behind_one_proxy(settings, monkeypatch):
    use_axes_settings(settings, settings_with(monkeypatch, DJANGO_PROXY_COUNT="1"))


@pytest.fixture
def without_a_proxy(settings, monkeypatch):
    use_axes_settings(settings, settings_with(monkeypatch))


def sign_in_through(client, forwarded_for: str, password: str, address: str = PROXY):
    """A sign-in as a proxy forwards it: the proxy appends the address it saw to
    X-Forwarded-For, after whatever the client itself sent."""
    return client.post(
        reverse("admin:login"),
        {"username": "editor", "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def test_the_proxy_count_setting_tells_axes_where_the_client_address_is(monkeypatch):
    direct = settings_with(monkeypatch)
    assert direct.AXES_IPWARE_PROXY_COUNT is None
    assert direct.AXES_IPWARE_META_PRECEDENCE_ORDER == ["REMOTE_ADDR"]
    proxied = settings_with(monkeypatch, DJANGO_PROXY_COUNT="1")
    assert proxied.AXES_IPWARE_PROXY_COUNT == 0  # ipware counts the proxies named in the header
    assert proxied.AXES_IPWARE_PROXY_ORDER == "left-most"
    assert proxied.AXES_IPWARE_META_PRECEDENCE_ORDER == ["HTTP_X_FORWARDED_FOR"]
    assert proxied.IPWARE_STRICT is False
    assert settings_with(monkeypatch, DJANGO_PROXY_COUNT="2").AXES_IPWARE_PROXY_COUNT == 1


def test_a_negative_proxy_count_is_an_error_not_a_guess(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="DJANGO_PROXY_COUNT"):
        settings_with(monkeypatch, DJANGO_PROXY_COUNT="-1")


def test_axes_has_ipware_to_read_the_forwarded_address():
    assert helpers.IPWARE_INSTALLED, "without it axes ignores the AXES_IPWARE_* settings"


def test_behind_a_proxy_failures_lock_out_the_client_not_the_proxy(
    client, editor, behind_one_proxy
):
    for _ in range(4):
        assert sign_in_through(client, CLIENT_A, "wrong").status_code == 200
    assert sign_in_through(client, CLIENT_A, "wrong").status_code == 429
    assert sign_in_through(client, CLIENT_A, PASSWORD).status_code == 429
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [CLIENT_A]
    # Another client through the same proxy signs in with the right password.
    assert sign_in_through(client, CLIENT_B, PASSWORD).status_code == 302
    assert list(AccessLog.objects.values_list("ip_address", flat=True)) == [CLIENT_B]


def test_behind_a_proxy_an_address_the_client_sends_itself_is_not_believed(
    client, editor, behind_one_proxy
):
    # Client A puts B's address first; the proxy appends A's real one after it.
    for _ in range(5):
        sign_in_through(client, f"{CLIENT_B}, {CLIENT_A}", "wrong")
    assert sign_in_through(client, f"{CLIENT_B}, {CLIENT_A}", PASSWORD).status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {CLIENT_A}
    assert sign_in_through(client, CLIENT_B, PASSWORD).status_code == 302


@pytest.mark.parametrize(
    "forwarded_for",
    [
        f"not-an-address, {CLIENT_A}",  # nonsense the client wrote before the proxy's entry
        f"unknown, {CLIENT_B}, {CLIENT_A}",
        f"{CLIENT_A}",
    ],
)
def test_behind_a_proxy_what_the_client_wrote_cannot_put_failures_on_the_proxy(
    client, editor, behind_one_proxy, forwarded_for
):
    for _ in range(5):
        sign_in_through(client, forwarded_for, "wrong")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {CLIENT_A}
    assert sign_in_through(client, CLIENT_B, PASSWORD).status_code == 302


def test_behind_a_public_proxy_a_private_client_is_still_the_client(
    client, editor, behind_one_proxy
):
    office, proxy = "10.1.2.3", "8.8.4.4"  # an intranet behind a proxy with a public address
    for _ in range(5):
        sign_in_through(client, office, "wrong", address=proxy)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {office}
    assert sign_in_through(client, "10.1.2.4", PASSWORD, address=proxy).status_code == 302


def test_behind_two_proxies_the_client_is_the_one_the_outer_proxy_saw(
    client, editor, settings, monkeypatch
):
    use_axes_settings(settings, settings_with(monkeypatch, DJANGO_PROXY_COUNT="2"))
    outer = "10.0.0.5"  # the outer proxy appended A; the inner one appended the outer's address
    for _ in range(5):
        sign_in_through(client, f"{CLIENT_B}, {CLIENT_A}, {outer}", "wrong")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {CLIENT_A}
    assert sign_in_through(client, f"{CLIENT_B}, {outer}", PASSWORD).status_code == 302


def test_without_a_proxy_a_forged_header_neither_unlocks_nor_moves_the_lockout(
    client, editor, without_a_proxy
):
    for number in range(5):
        sign_in_through(client, f"192.0.2.{number}", "wrong", address=CLIENT_A)
    assert sign_in_through(client, CLIENT_B, PASSWORD, address=CLIENT_A).status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {CLIENT_A}
    # The addresses it forged, and B's, are not locked out.
    assert sign_in_through(client, CLIENT_A, PASSWORD, address=CLIENT_B).status_code == 302
    assert sign_in(client, "editor", PASSWORD, address="192.0.2.0").status_code == 302


@pytest.mark.parametrize("weak", ["password123", "casebase", "12345678901234", "short1!"])
def test_weak_passwords_are_refused(weak):
    with pytest.raises(ValidationError):
        validate_password(weak)
