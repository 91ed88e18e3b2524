"""Security pieces the settings refer to."""

import time

from django.conf import settings
from django.contrib.auth import logout

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
