"""Signing in: only staff reach the admin, guessing is locked out, sessions end."""

import time

import pytest
from django.contrib import admin
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

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


@pytest.mark.parametrize("weak", ["password123", "casebase", "12345678901234", "short1!"])
def test_weak_passwords_are_refused(weak):
    with pytest.raises(ValidationError):
        validate_password(weak)
