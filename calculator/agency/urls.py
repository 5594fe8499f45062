from __future__ import annotations

from django.urls import path

from . import views

app_name = "agency"

urlpatterns = [
    path("", views.home, name="dashboard"),
    path("profiles/new/", views.profile_create, name="profile-new"),
    path("profiles/<slug:slug>/", views.profile_edit, name="profile"),
    path("profiles/<slug:slug>/delete/", views.profile_delete, name="profile-delete"),
    path("profiles/<slug:slug>/secret/", views.secret_rotate, name="secret"),
    path("profiles/<slug:slug>/leads/", views.leads, name="leads"),
    path("profiles/<slug:slug>/leads.csv", views.leads_csv, name="leads-csv"),
    path("profiles/<slug:slug>/leads/<int:pk>/delete/", views.lead_delete, name="lead-delete"),
    path(
        "profiles/<slug:slug>/deliveries/<int:pk>/retry/",
        views.delivery_retry,
        name="delivery-retry",
    ),
]
