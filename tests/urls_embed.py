"""URLs for testing the embed opt-out before the real embed views exist."""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import path

from roi_site.security import embeddable


def plain(request):
    return HttpResponse("plain")


@embeddable(["https:"])
def embedded(request):
    return HttpResponse("embedded")


urlpatterns = [path("plain/", plain), path("embedded/", embedded)]
