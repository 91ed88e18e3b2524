"""One error shape for everything under /api/: RFC 9457 problem details, `application/problem+json`.

Two doors lead here. Errors a DRF view raises (a bad filter value, no such record, a write
method, an Accept header it cannot satisfy) come through `exception_handler`, DRF's
EXCEPTION_HANDLER. Errors Django answers before or after any view (no URL matches, a bad Host
header, a crash) come through the root URLconf's handler400/404/500 below, which answer a
problem under /api/ and leave every other path to Django's own handlers and the site's HTML
error pages.
"""

from http import HTTPStatus

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.encoding import escape_uri_path
from django.views import defaults
from rest_framework import exceptions, serializers, views
from rest_framework.request import Request
from rest_framework.settings import api_settings

CONTENT_TYPE = "application/problem+json"
DESCRIPTION = "/api/openapi.json"
KEPT_HEADERS = ("Retry-After", "WWW-Authenticate")  # what DRF's own handler may set


def problem(request: HttpRequest, status: int, detail: str, **extensions) -> JsonResponse:
    """The one place a problem is built. Its type is `about:blank`: the status code says what
    kind of problem it is, so the title is the code's phrase, and `detail` says what to do."""
    body = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": escape_uri_path(request.path),
        **extensions,
    }
    return JsonResponse(body, status=status, content_type=CONTENT_TYPE)


class ProblemSerializer(serializers.Serializer):
    """Problem details (RFC 9457, `application/problem+json`): how the API answers every error."""

    type = serializers.CharField(help_text="`about:blank`: the status code says what it is.")
    title = serializers.CharField(help_text="The status code's phrase, such as `Not Found`.")
    status = serializers.IntegerField(help_text="The HTTP status code.")
    detail = serializers.CharField(help_text="What is wrong, and what to do about it.")
    instance = serializers.CharField(help_text="The path of the request.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="On a 400 about the query: each parameter at fault, with its messages.",
    )


def invalid_parameters(request: HttpRequest, errors: dict) -> JsonResponse:
    """A 400 naming each query parameter at fault, with its messages in `errors` too."""
    errors = {name: [str(message) for message in messages] for name, messages in errors.items()}
    faults = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in errors.items())
    detail = f"Some query parameters are not valid. {faults}"
    # A form's messages may end without a full stop (the like-mine form's, as GOV.UK writes them).
    return problem(request, 400, detail if detail.endswith(".") else f"{detail}.", errors=errors)


def is_api(request: HttpRequest) -> bool:
    return request.path_info == "/api" or request.path_info.startswith("/api/")


# --- DRF's door -------------------------------------------------------------------------------


def exception_handler(exc: Exception, context: dict) -> HttpResponse | None:
    """DRF's own handler decides the status (and rolls back); this answers it as a problem."""
    response = views.exception_handler(exc, context)
    if response is None:
        return None  # not a refusal but a fault: Django logs it and calls handler500
    request = context["request"]
    if isinstance(exc, exceptions.ValidationError) and isinstance(exc.detail, dict):
        answer = invalid_parameters(request, exc.detail)
    else:
        answer = problem(request, response.status_code, explain(exc, request, response.data))
    for name in KEPT_HEADERS:
        if name in response:
            answer[name] = response[name]
    return answer


def explain(exc: Exception, request: Request, data: dict | list) -> str:
    """DRF's message, or a sentence that says what to do instead where DRF's says only no."""
    if isinstance(exc, exceptions.MethodNotAllowed):
        return f"The API is read-only: {request.method} is not allowed. Read it with GET."
    if isinstance(exc, exceptions.NotAcceptable):
        return "The API answers only in JSON: send Accept: application/json, or no Accept header."
    wanted = request.query_params.get(api_settings.URL_FORMAT_OVERRIDE)
    if isinstance(exc, Http404) and wanted:  # DRF's bare 404 for a format it has no renderer of
        return f"There is no format {wanted!r}: the API answers only in JSON. Leave out format=."
    return data["detail"] if isinstance(data, dict) else " ".join(data)


# --- Django's door: the root URLconf's handlers -----------------------------------------------


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not is_api(request):
        return defaults.bad_request(request, exception)
    return problem(
        request,
        400,
        "The request was refused as malformed: check the address, the Host header and the "
        "number of parameters.",
    )


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not is_api(request):
        return defaults.page_not_found(request, exception)
    return problem(
        request,
        404,
        f"No API endpoint answers at this address. The endpoints, and the form of a slug "
        f"(letters, digits, hyphens and underscores), are described at {DESCRIPTION}.",
    )


def server_error(request: HttpRequest) -> HttpResponse:
    if not is_api(request):
        return defaults.server_error(request)
    return problem(
        request,
        500,
        "Something went wrong on our side and it has been logged. Try again later; if it "
        "keeps happening, tell us the instance and the time.",
    )
