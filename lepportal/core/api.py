"""What every endpoint of the API (/api/v1/) shares: the one permission class, the error body,
the JSON parser's limits, pagination, throttles, conditional GETs and the schema's error
responses.

One truth for permissions: ``RulesPermission`` asks django-rules the very permissions the pages
ask (``request.user.has_perm(perm, obj)``). Anything whose existence is private answers 404 to
whoever may not see it, as the pages do; querysets are filtered to what the user may see, and
list pages are checked item by item against the same rules as a second line of defence.

Every error has one body: ``{"error": {"code": ..., "message": ..., "fields": {...}}}``."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import rules
from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.http import http_date, parse_etags, parse_http_date_safe, quote_etag
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from .exceptions import ApplicationError

logger = logging.getLogger(__name__)

NUL_MESSAGE = "Null characters are not allowed."


# Permissions ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """One django-rules permission an operation needs.

    ``on`` says what it is checked against: ``"object"`` the object the view fetched (through
    ``view.get_permission_target(obj)``, the object itself by default), ``"parent"`` what
    ``view.get_permission_parent()`` returns (the consultation whose responses are listed), or
    ``"none"`` no object. ``hide``: a refusal is a 404, so that nobody learns what exists;
    otherwise anonymous callers get a 401 and signed-in ones a 403."""

    perm: str
    on: Literal["object", "parent", "none"] = "object"
    hide: bool = True


# Readable by anyone: no rule to pass.
PUBLIC: tuple[Rule, ...] = ()


@rules.predicate
def _is_signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


rules.set_perm("api.signed_in", _is_signed_in)
# Only for people who have signed in: anonymous callers get a 401 naming the way to sign in.
SIGNED_IN = Rule("api.signed_in", on="none", hide=False)


class RulesPermission(BasePermission):
    """The API's only permission class. A view declares, per HTTP method, the rules an
    operation needs in ``permission_rules`` (HEAD and OPTIONS follow GET). A method the view
    does not mention is refused: forgetting to declare a rule never opens an endpoint."""

    def _rules(self, request: Request, view: Any) -> Sequence[Rule] | None:
        declared: Mapping[str, Sequence[Rule]] = getattr(view, "permission_rules", {})
        method = "GET" if request.method in {"HEAD", "OPTIONS"} else request.method
        return declared.get(method or "")

    def has_permission(self, request: Request, view: Any) -> bool:
        if not hasattr(view, (request.method or "").lower()):
            return True  # the view does not answer this method: DRF says 405
        rules = self._rules(request, view)
        if rules is None:
            return False
        for rule in rules:
            if rule.on == "parent":
                _decide(request, rule, view.get_permission_parent())
            elif rule.on == "none":
                _decide(request, rule, None)
        return True

    def has_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
        for rule in self._rules(request, view) or ():
            if rule.on == "object":
                target = getattr(view, "get_permission_target", lambda o: o)(obj)
                _decide(request, rule, target)
        return True


def _decide(request: Request, rule: Rule, target: Any) -> None:
    if request.user.has_perm(rule.perm, target):
        return
    if rule.hide:
        raise exceptions.NotFound()
    if not request.user.is_authenticated:
        raise exceptions.NotAuthenticated()
    raise exceptions.PermissionDenied()


def visible_items(request: Request, perm: str, items: Iterable[Any]) -> list[Any]:
    """Items of a page that ``perm`` lets the user see. The queryset should already have left
    out everything else; anything dropped here is a bug worth hearing about."""
    kept = [item for item in items if request.user.has_perm(perm, item)]
    items = list(items)
    if len(kept) != len(items):
        logger.error("The %s queryset let through items the rules refuse.", perm)
    return kept


class VisibleListMixin:
    """A list whose page is checked item by item against ``item_perm`` after the queryset's
    filter: the rules remain the one truth even if a queryset filter drifts from them."""

    item_perm: str = ""

    def paginate_queryset(self, queryset: Any) -> list[Any] | None:
        page = super().paginate_queryset(queryset)  # type: ignore[misc]
        if page is None or not self.item_perm:
            return page
        return visible_items(self.request, self.item_perm, page)  # type: ignore[attr-defined]


# Input ---------------------------------------------------------------------------------------


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "too_large"


def _find_nul(data: Any) -> str | None:
    """The dotted path of the first string (or key) holding a NUL character, or None. Walks
    iteratively so that deeply nested input cannot exhaust the stack."""
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                return path or "non_field_errors"
        elif isinstance(value, dict):
            for key, item in value.items():
                child = f"{path}.{key}" if path else str(key)
                if "\x00" in str(key):
                    return path or "non_field_errors"
                stack.append((child, item))
        elif isinstance(value, list):
            stack.extend(
                (f"{path}.{index}" if path else str(index), item)
                for index, item in enumerate(value)
            )
    return None


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


class LimitedJSONParser(JSONParser):
    """JSON with the site's limits: bodies above ``DATA_UPLOAD_MAX_MEMORY_SIZE`` are a 413,
    malformed JSON (NaN and Infinity included) a 400, and a NUL character in any string or key
    a 400 naming the field: a NUL cannot be stored in PostgreSQL text and is never meant."""

    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read(limit + 1) if limit is not None else stream.read()
        if limit is not None and len(raw) > limit:
            raise RequestTooLarge()
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            data = json.loads(raw.decode(encoding), parse_constant=_refuse_constant)
        except (ValueError, RecursionError) as error:
            raise exceptions.ParseError(f"The body is not valid JSON: {error}") from error
        where = _find_nul(data)
        if where is not None:
            raise exceptions.ValidationError({where: [NUL_MESSAGE]})
        return data


class StrictSerializer(serializers.Serializer):
    """A write serializer that refuses fields it does not know, rather than silently ignoring
    a misspelt one."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise exceptions.ValidationError(
                    {name: ["This field is not known."] for name in unknown}
                )
        return super().to_internal_value(data)


# Pagination and throttles --------------------------------------------------------------------


class PagePagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 100


class _RateFromSettings:
    """Read the rate on each request (DRF reads it once at import), so that settings decide."""

    scope: str

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonymousThrottle(_RateFromSettings, AnonRateThrottle):
    pass


class UserThrottle(_RateFromSettings, UserRateThrottle):
    pass


# Errors --------------------------------------------------------------------------------------


def error_body(code: str, message: str, fields: Mapping[str, list[str]] | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": dict(fields or {})}}


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """{"answers.0.question": ["..."]} from DRF's nested error detail."""
    if isinstance(detail, Mapping):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = str(key) if not prefix else f"{prefix}.{key}"
            flat.update(_flatten(value, name))
        return flat
    if isinstance(detail, list):
        if all(not isinstance(item, Mapping | list) for item in detail):
            return {prefix or api_settings.NON_FIELD_ERRORS_KEY: [str(item) for item in detail]}
        flat = {}
        for index, item in enumerate(detail):
            if item:
                flat.update(_flatten(item, f"{prefix}.{index}" if prefix else str(index)))
        return flat
    return {prefix or api_settings.NON_FIELD_ERRORS_KEY: [str(detail)]}


def _validation_message(fields: Mapping[str, list[str]]) -> str:
    if not fields:
        return "The request is not valid."
    name, messages = next(iter(fields.items()))
    first = messages[0] if messages else "Not valid."
    if name == api_settings.NON_FIELD_ERRORS_KEY:
        return f"The request is not valid: {first}"
    return f"The request is not valid: {name}: {first}"


def exception_handler(exc: Exception, context: Mapping[str, Any]) -> Response | None:
    """Every refusal as ``{"error": {"code", "message", "fields"}}`` with its status: rule
    violations from services (ApplicationError), validation, parsing, authentication,
    permission, throttling, and bodies over the size limit."""
    # Imported here: rest_framework.views reads the settings that name this module.
    from rest_framework.views import exception_handler as drf_exception_handler
    from rest_framework.views import set_rollback

    if isinstance(exc, ApplicationError):
        set_rollback()
        return Response(error_body(exc.code, exc.message), status=exc.status)
    if isinstance(exc, Http404):
        # The same words whatever was missing: nothing about what exists leaks out.
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        exc = RequestTooLarge()
    elif isinstance(exc, SuspiciousOperation):
        exc = exceptions.ParseError("The request could not be read.")
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        response.data = error_body("invalid", _validation_message(fields), fields)
        return response
    detail = getattr(exc, "detail", None)
    code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
    response.data = error_body(str(code), str(detail) if detail is not None else str(exc))
    return response


def api_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Any address under /api/v1/ that names no endpoint (or an id of the wrong shape)."""
    return JsonResponse(error_body("not_found", "There is nothing at this address."), status=404)


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="A stable code, such as `not_found` or `invalid`.")
    message = serializers.CharField(help_text="What went wrong, in words for people.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="For invalid input: the messages by field (nested fields dotted, such as "
        "`answers.0.question`).",
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


ERROR_DESCRIPTIONS = {
    400: "The request is not valid: malformed JSON, a wrong type, an unknown field, a value "
    "too long, a NUL character or a broken rule. Nothing was changed.",
    401: "Authentication is needed, or the token given is not valid.",
    403: "Signed in but not allowed (or, with a session, the CSRF token is missing).",
    404: "Not found, or not visible to you.",
    409: "Refused in the current state (for example the consultation is not open).",
    413: "The request body is larger than the site accepts. Nothing was changed.",
    415: "Send the body as `application/json`.",
    429: "Too many requests: wait for the number of seconds in `Retry-After`.",
    503: "A service the operation needs (such as the task queue) is unavailable: try later.",
}
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _schema_class() -> type:
    """The schema class, made on first use: drf-spectacular imports DRF's views, which read the
    settings that name this module, so it cannot be imported while this module loads."""
    from drf_spectacular.openapi import AutoSchema

    class ApiAutoSchema(AutoSchema):
        """Documents every operation's error responses with the one error body: 401, 404 and 429
        everywhere; 400 for lists (filters) and bodies; 403 where a rule refuses visibly or a
        session write may lack its CSRF token; 413 and 415 for bodies; plus what a view declares in
        ``error_codes`` (such as 409)."""

        def _error_codes(self) -> set[int]:
            codes = {401, 404, 429}
            if self.method in WRITE_METHODS:
                codes |= {400, 403, 413, 415}
            elif self._is_list_view():
                codes.add(400)
            declared: Mapping[str, Sequence[Rule]] = getattr(self.view, "permission_rules", {})
            if any(not rule.hide for rule in declared.get(self.method, ())):
                codes.add(403)
            codes |= set(getattr(self.view, "error_codes", {}).get(self.method, ()))
            return codes

        def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
            responses = super()._get_response_bodies(direction)
            for code in sorted(self._error_codes()):
                responses.setdefault(
                    str(code),
                    self._get_response_for_code(
                        OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS[code]),
                        str(code),
                        direction=direction,
                    ),
                )
            return responses

    return ApiAutoSchema


def __getattr__(name: str) -> Any:
    if name == "ApiAutoSchema":
        schema_class = _schema_class()
        globals()["ApiAutoSchema"] = schema_class
        return schema_class
    raise AttributeError(name)


# Conditional GET -----------------------------------------------------------------------------


def entity_tag(*parts: object) -> str:
    """A strong entity tag for a representation that depends only on ``parts``."""
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()[:32]
    return quote_etag(digest)


def not_modified(request: Request, *, etag: str, last_modified: datetime) -> bool:
    """Whether the client's copy is current (If-None-Match first, else If-Modified-Since)."""
    meta = request.META
    wanted = parse_etags(meta.get("HTTP_IF_NONE_MATCH", ""))
    if wanted:
        bare = etag.removeprefix("W/")
        return "*" in wanted or any(tag.removeprefix("W/") == bare for tag in wanted)
    since = parse_http_date_safe(meta.get("HTTP_IF_MODIFIED_SINCE", ""))
    return since is not None and int(last_modified.timestamp()) <= since


def conditional(request: Request, *, etag: str, last_modified: datetime, build: Any) -> Response:
    """A 304 when the client's copy is current, else ``build()``; both carry the validators."""
    if not_modified(request, etag=etag, last_modified=last_modified):
        response = Response(status=status.HTTP_304_NOT_MODIFIED)
    else:
        response = build()
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified.timestamp())
    return response


def schema_generation(view: Any) -> bool:
    """True while drf-spectacular inspects a view (it has no URL arguments to look up)."""
    return bool(getattr(view, "swagger_fake_view", False))


def pk_or_none(value: Any) -> int | None:
    """An id from a query string, or None when it is not a positive number of sane size."""
    text = str(value or "")
    return int(text) if text.isdigit() and len(text) <= 18 else None
