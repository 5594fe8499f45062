"""Views that put per-visitor values in a response, to test that none is cached publicly."""

from __future__ import annotations

from django.http import HttpResponse
from django.middleware.csp import get_nonce
from django.middleware.csrf import get_token
from django.urls import path

from calculator.http.caching import cacheable


@cacheable()
def pure(request):
    return HttpResponse("the same for everyone")


@cacheable()
def with_csrf_token(request):
    return HttpResponse(f"<input name=csrfmiddlewaretoken value={get_token(request)}>")


@cacheable()
def with_nonce(request):
    return HttpResponse(f"<script nonce={get_nonce(request)}></script>")


@cacheable()
def with_cookie(request):
    response = HttpResponse("hello")
    response.set_cookie("seen", "1")
    return response


@cacheable()
def with_session(request):
    return HttpResponse(f"visits: {request.session.get('visits', 0)}")


urlpatterns = [
    path("pure/", pure),
    path("csrf/", with_csrf_token),
    path("nonce/", with_nonce),
    path("cookie/", with_cookie),
    path("session/", with_session),
]
