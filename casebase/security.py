"""Security pieces the settings refer to."""

import logging
import time

from django.conf import settings
from django.contrib.auth import logout
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

from casebase.api import problems

logger = logging.getLogger(__name__)

SIGNED_IN_AT = "casebase_signed_in_at"


class AbsoluteSessionTimeoutMiddleware:
    """Signs a user out once their session is older than SESSION_ABSOLUTE_AGE, however active
    they are: a stolen or forgotten session cannot live for ever. (The idle timeout is
    SESSION_COOKIE_AGE renewed on every request.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            started = request.session.setdefault(SIGNED_IN_AT, time.time())
            if time.time() - started > settings.SESSION_ABSOLUTE_AGE:
                logout(request)
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """When the database cannot be reached, readers get a plain 503 page with Retry-After, not
    a traceback or a 500. Django opens a new connection on the next request, so the site
    recovers by itself when the database returns."""

    RETRY_AFTER_SECONDS = 30

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        # The message tells a lost server from a locked SQLite file; it goes to the log only.
        logger.error(
            "Database unavailable on %s: %s: %s",
            request.path,
            exception.__class__.__name__,
            str(exception).strip(),
        )
        if problems.is_api(request):
            response = problems.problem(
                request,
                503,
                "The database cannot be reached just now. "
                f"Try again in {self.RETRY_AFTER_SECONDS} seconds.",
            )
        else:
            response = HttpResponse(
                render_to_string("503.html"), status=503, content_type="text/html; charset=utf-8"
            )
        response["Retry-After"] = str(self.RETRY_AFTER_SECONDS)
        return response


class PermissionsPolicyMiddleware:
    """Adds the Permissions-Policy header to every response Django makes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
