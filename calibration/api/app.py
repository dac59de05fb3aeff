"""The HTTP API: django-ninja, at /api/v1/, with its OpenAPI schema (/api/v1/openapi.json)
and the rendered docs (/api/v1/docs, Swagger UI served from our own static files).

Every endpoint needs a personal token (auth.py) and acts within the token's organization.
Refusals are JSON: 401 without a usable token, 403 for a write an observer's token may not
make, 404 for anything outside the organization, 400 with the fields at fault, 409 for a
conflict, 429 past the token's rate limit.
"""

from django.core.exceptions import PermissionDenied
from ninja import NinjaAPI
from ninja.errors import Throttled, ValidationError

from . import reads, writes  # noqa: F401 (they register their endpoints on the router)
from .auth import TokenAuth
from .routes import router

api = NinjaAPI(
    title="Calibrate API",
    version="1",
    description=(
        "Read initiatives, constraints, bet sheets and calibration; update a leading "
        "indicator or an initiative's dates. Authenticate with a personal token "
        "(Settings → API tokens) as `Authorization: Bearer <token>`. Writes send the "
        "`version` they read: a stale one is merged as the pages merge it, or refused with "
        "409 when someone changed the same field."
    ),
    auth=TokenAuth(),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
api.add_router("/", router)


@api.exception_handler(PermissionDenied)
def refused(request, exc):
    return api.create_response(request, {"detail": str(exc) or "Forbidden."}, status=403)


@api.exception_handler(Throttled)
def throttled(request, exc):
    response = api.create_response(
        request, {"detail": "Too many requests for this token: wait, then try again."}, status=429
    )
    response["Retry-After"] = str(exc.wait or 60)
    return response


@api.exception_handler(ValidationError)
def bad_request(request, exc):
    """400 with the fields at fault ({"errors": {"status": ["…"]}}), not ninja's 422."""
    errors = {}
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ())]
        if location[:1] == ["body"]:
            location = location[2:] or location[1:]  # ["body", "payload", "status"]
        name = ".".join(location[-1:]) or "non_field_errors"
        errors.setdefault(name, []).append(str(error.get("msg", "Not valid.")))
    return api.create_response(
        request, {"detail": "The request is not valid.", "errors": errors}, status=400
    )
