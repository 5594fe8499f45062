from __future__ import annotations

from django.contrib import admin
from django.urls import path

from calculator import api, views
from roi_site import health, throttle

urlpatterns = [
    path("", views.calculator, name="calculator"),
    path("api/v1/calculate", api.calculate, name="api-calculate"),
    path("api/v1/openapi.json", api.openapi_json, name="api-openapi"),
    path("healthz", health.healthz, name="healthz"),
    # Before admin.site.urls, so this wrapped login answers /admin/login/.
    path("admin/login/", throttle.throttle_logins(admin.site.login)),
    path("admin/", admin.site.urls),
]
