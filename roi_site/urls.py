from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from calculator import api, embed_views, views
from calculator.agency import capture, embed_assets
from roi_site import errors, health, throttle

urlpatterns = [
    path("", views.calculator, name="calculator"),
    path("method/", views.method, name="method"),
    path("export.csv", views.export_csv, name="export-csv"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("sitemap.xml", views.sitemap_xml, name="sitemap"),
    path(".well-known/security.txt", views.security_txt, name="security-txt"),
    path("favicon.ico", views.favicon_ico, name="favicon"),
    path("api/v1/calculate", api.calculate, name="api-calculate"),
    path("api/v1/openapi.json", api.openapi_json, name="api-openapi"),
    path("api/v1/links", api.links, name="api-links"),
    path("card.png", views.card_png, name="card"),
    path("s/<str:code>/", views.short_link, name="short-link"),
    path("share/<str:network>/", views.share, name="share"),
    path("healthz", health.healthz, name="healthz"),
    # Before admin.site.urls, so this wrapped login answers /admin/login/.
    path("admin/login/", throttle.throttle_logins(admin.site.login), name="admin-login"),
    path("embed/", embed_views.embed_view, name="embed"),
    path("embed/builder/", embed_views.builder, name="embed-builder"),
    path("embed/theme.css", embed_views.theme_css, name="embed-theme"),
    path("embed/<slug:slug>/", embed_views.embed_view, name="embed-profile"),
    path("embed/<slug:slug>/lead/", capture.capture, name="embed-lead"),
    path("embed/<slug:slug>/logo.png", embed_assets.logo, name="embed-logo"),
    path("embed.js", embed_views.embed_js, name="embed-js"),
    path("oembed", embed_views.oembed, name="oembed"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("agency/", include("calculator.agency.urls")),
]

handler400 = errors.bad_request
handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error
