from __future__ import annotations

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from calculator import views
from calculator.agency import capture, embed_assets
from calculator.api import views as api
from calculator.embeds import builder, oembed
from calculator.embeds import views as embeds
from calculator.http import errors, health, throttle
from calculator.sharing import views as sharing

# Language-neutral addresses: machines' files, the API, the embed (which takes
# lang=) and the admin.
urlpatterns = [
    path("robots.txt", views.robots_txt, name="robots"),
    path("sitemap.xml", views.sitemap_xml, name="sitemap"),
    path(".well-known/security.txt", views.security_txt, name="security-txt"),
    path("favicon.ico", views.favicon_ico, name="favicon"),
    path("api/v1/calculate", api.calculate, name="api-calculate"),
    path("api/v1/openapi.json", api.openapi_json, name="api-openapi"),
    path("api/v1/links", api.links, name="api-links"),
    path("healthz", health.healthz, name="healthz"),
    # Before admin.site.urls, so this wrapped login answers /admin/login/.
    path("admin/login/", throttle.throttle_logins(admin.site.login), name="admin-login"),
    path("embed/", embeds.embed_view, name="embed"),
    # The address of the calculator's embed that blogs already use: the same
    # view, so the same frame policy, caching and cookie-free answers.
    path("embed/server-side-roi-calculator", embeds.embed_view, name="embed-alias"),
    path("embed/theme.css", embeds.theme_css, name="embed-theme"),
    path("embed.js", embeds.embed_js, name="embed-js"),
    path("oembed", oembed.oembed, name="oembed"),
    path("admin/", admin.site.urls),
    # English has no prefix; /en/… sends a visitor to its bare address.
    path("en/", views.english_prefix),
    path("en/<path:rest>", views.english_prefix),
]

# Pages people read: English at the bare address, /de/, /fr/ and /es/ for the
# others. A result's card, CSV, share and short links follow its language.
urlpatterns += i18n_patterns(
    path("", views.calculator, name="calculator"),
    path("method/", views.method, name="method"),
    path("export.csv", sharing.export_csv, name="export-csv"),
    path("card.png", sharing.card_png, name="card"),
    path("s/<str:code>/", sharing.short_link, name="short-link"),
    path("share/<str:network>/", sharing.share, name="share"),
    path("embed/builder/", builder.builder, name="embed-builder"),
    path("agency/", include("calculator.agency.urls")),
    # An agency signs in, and is emailed, in the language it reads the site in.
    path("accounts/", include("allauth.urls")),
    prefix_default_language=False,
)

# After the builder, which a profile's slug must not shadow. A profile's embed
# shows the agency's lead form: given here, as the agency is built on the embed.
urlpatterns += [
    path(
        "embed/<slug:slug>/",
        embeds.embed_view,
        {"lead_form": capture.lead_context},
        name="embed-profile",
    ),
    path("embed/<slug:slug>/lead/", capture.capture, name="embed-lead"),
    path("embed/<slug:slug>/logo.png", embed_assets.logo, name="embed-logo"),
    path("embed/<slug:slug>/link/", embeds.embed_link, name="embed-link"),
    path(
        "embed/<slug:slug>/logo-dark.png", embed_assets.logo, {"dark": True}, name="embed-logo-dark"
    ),
]

handler400 = errors.bad_request
handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error
