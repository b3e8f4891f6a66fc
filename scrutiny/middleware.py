"""One guard for request input, in front of every view.

``RequestInputGuard`` refuses, with the portal's own 400 page (JSON under ``/api/``), any
request whose path, query string or form fields carry characters no page can need (NUL and
other control characters) or values longer than any field of the portal can hold, before a
view or the database sees them. PostgreSQL rejects NUL in text outright (a 500 before this
guard), and control characters cannot be written into XML feeds or PDFs.

It also answers a wrong HTTP method with 405 before ``CsrfViewMiddleware`` answers it with
the CSRF 403 page: a POST to a public page is not a forged request, it is a request the page
does not take. Allowed methods come from the view itself:

- a class-based view: the handlers it defines (what ``View.dispatch`` would allow);
- a function view decorated with ``require_http_methods`` / ``require_POST`` /
  ``require_GET`` / ``require_safe`` (found through the ``__wrapped__`` chain), or one
  marked with :func:`allow_methods`;
- any other function view is a public page, which only reads: GET, HEAD and OPTIONS.

The signed-in areas (``PRIVATE_PREFIXES``) are left to their views: there a refused POST
without a CSRF token is a deny like the sign-in redirect, and ``View.dispatch`` or the
method decorators answer 405 after the permission check. ``/api/`` is left to the API's own
method and CORS handling.

``OPTIONS`` outside ``/api/`` is answered by the guard itself: 200, ``Allow`` and an empty
body. A bare 405 from ``require_POST`` / ``require_http_methods`` (empty body) is replaced by
the portal's 405 page.

Cookies are not refused: a cookie with a control character is dropped from the request
(it can only be stale or forged), so a visitor is never locked out by their own browser.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotAllowed
from django.template.loader import render_to_string

from scrutiny.errors import bad_request, is_api_path

# Any C0 control character or DEL: never in a path or a query string.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# In form fields tab, line feed and carriage return are ordinary text.
_FORM_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# Signed-in areas: function views there may take POST without declaring it.
PRIVATE_PREFIXES = ("/officer/", "/accounts/", "/my/", "/django-admin/")
READ_METHODS = ("GET", "HEAD", "OPTIONS")

DEFAULT_LIMITS = {
    # Longer than any slug or id in the URL conf, shorter than gunicorn's request line.
    "path": 1024,
    # A search query, a filter value, a page number: nothing near this long.
    "query_value": 1000,
    "query_key": 100,
    # A whole minute or report section pasted into one box fits easily.
    "form_value": 200_000,
    "form_key": 200,
    "cookie_value": 4096,
}


def _council_name() -> str:
    from scrutiny.council import current_council  # the council row: imported when a 405 is made

    return current_council().name


def allow_methods(*methods: str) -> Callable:
    """Mark a function view with the HTTP methods it takes (for views that check
    ``request.method`` themselves instead of using ``require_http_methods``)."""

    def decorate(view):
        view.allowed_methods = tuple(m.upper() for m in methods)
        return view

    return decorate


def declared_methods(view) -> tuple[str, ...] | None:
    """The methods ``view`` declares it takes, or None if it declares nothing."""
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        names = [m for m in view_class.http_method_names if hasattr(view_class, m)]
        if "get" in names and "head" not in names:
            names.append("head")
        return tuple(m.upper() for m in names)
    seen: set[int] = set()
    func = view
    while func is not None and id(func) not in seen:
        seen.add(id(func))
        marked = getattr(func, "allowed_methods", None)
        if marked:
            return tuple(marked)
        # django.views.decorators.http.require_http_methods keeps the list in its closure.
        code = getattr(func, "__code__", None)
        if code is not None and func.__closure__ and "request_method_list" in code.co_freevars:
            cell = func.__closure__[code.co_freevars.index("request_method_list")]
            return tuple(m.upper() for m in cell.cell_contents)
        func = getattr(func, "__wrapped__", None)
    return None


def allowed_methods(view) -> tuple[str, ...]:
    """What a public view takes: what it declares, else only reading."""
    declared = declared_methods(view)
    return READ_METHODS if declared is None else declared


def _too_long_or_control(
    items: Iterable[tuple[str, str]], pattern: re.Pattern, key_max: int, value_max: int
) -> str | None:
    for key, value in items:
        if len(key) > key_max or pattern.search(key):
            return "A field name in the request is too long or contains a control character."
        if not isinstance(value, str):
            continue
        if pattern.search(value):
            return (
                f"The value of “{key[:40]}” contains a control character (such as a NUL "
                "byte), which cannot be stored. Remove it and try again."
            )
        if len(value) > value_max:
            return (
                f"The value of “{key[:40]}” is too long ({len(value):,} characters; at most "
                f"{value_max:,})."
            )
    return None


class RequestInputGuard:
    def __init__(self, get_response):
        self.get_response = get_response
        self.limits = {**DEFAULT_LIMITS, **getattr(settings, "INPUT_GUARD_LIMITS", {})}

    def __call__(self, request):
        self._drop_bad_cookies(request)
        problem = self.problem(request)
        if problem:
            return bad_request(request, message=problem)
        response = self.get_response(request)
        if (
            isinstance(response, HttpResponseNotAllowed)
            and not response.content
            and not is_api_path(request.path)
        ):
            # A bare 405 from require_POST / require_http_methods (in the signed-in areas,
            # after the permission check): the portal's 405 page instead of an empty body.
            allowed = [m.strip() for m in response.get("Allow", "").split(",") if m.strip()]
            return not_allowed(request, allowed, status_from=response)
        return response

    def _drop_bad_cookies(self, request) -> None:
        limit = self.limits["cookie_value"]
        for name in [
            n for n, v in request.COOKIES.items() if _CONTROL.search(n + v) or len(v) > limit
        ]:
            del request.COOKIES[name]

    def problem(self, request) -> str | None:
        """What is wrong with the request's input, in words for the person who sent it."""
        limits = self.limits
        path = request.path
        if _CONTROL.search(path):
            return "The web address contains a control character (such as a NUL byte)."
        if len(path) > limits["path"]:
            return f"The web address is too long (at most {limits['path']:,} characters)."
        problem = _too_long_or_control(
            request.GET.items(), _CONTROL, limits["query_key"], limits["query_value"]
        )
        if problem:
            return problem.replace("The value of", "The search parameter")
        if request.method in ("POST", "PUT", "PATCH") and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            lists = request.POST.lists()
            items = ((key, value) for key, values in lists for value in values)
            problem = _too_long_or_control(
                items, _FORM_CONTROL, limits["form_key"], limits["form_value"]
            )
            if problem:
                return problem
            for upload in request.FILES.values():
                if _CONTROL.search(upload.name or ""):
                    return "The name of the uploaded file contains a control character."
        return None

    def process_view(self, request, view_func, view_args, view_kwargs):
        """OPTIONS is answered here (outside /api/, which has its own preflight): 200, the
        view's methods in ``Allow`` and no body (a function view would otherwise answer it
        with the whole page or PDF). Then 405 for a method the view does not take, before
        the CSRF check answers 403."""
        if is_api_path(request.path):
            return None
        if request.method == "OPTIONS":
            return options_response(allowed_methods(view_func))
        if request.path.startswith(PRIVATE_PREFIXES):
            return None
        allowed = allowed_methods(view_func)
        if request.method in allowed:
            return None
        return not_allowed(request, allowed)


def options_response(allowed: Iterable[str]) -> HttpResponse:
    methods = list(dict.fromkeys(allowed))
    if "OPTIONS" not in methods:
        methods.append("OPTIONS")
    response = HttpResponse(status=200)
    response["Allow"] = ", ".join(methods)
    response["Content-Length"] = "0"
    return response


def not_allowed(request, allowed: Iterable[str], status_from=None) -> HttpResponseNotAllowed:
    """The portal's 405 page: what the address takes, in words."""
    allowed = list(allowed)
    response = HttpResponseNotAllowed(allowed)
    if status_from is not None:
        for name, value in status_from.items():
            if name.lower() not in ("content-type", "content-length"):
                response[name] = value
        # The view's 405 was logged already; do not log the page that replaces it again.
        response._has_been_logged = getattr(status_from, "_has_been_logged", False)
    response.content = render_to_string(
        "405.html",
        {
            "title": "This page cannot do that",
            "method": request.method,
            "readable": "GET" in allowed,
            "council_name": _council_name(),
        },
    )
    response["Content-Type"] = "text/html; charset=utf-8"
    return response
