from django.urls import path

from casebase.suggestions import views

urlpatterns = [
    path("suggestions/privacy/", views.privacy, name="suggestions-privacy"),
    path(
        "suggestions/correction/for/<slug:slug>/",
        views.start_correction,
        name="suggestion-correction-start",
    ),
    path("suggestions/<str:kind>/", views.start, name="suggestion-start"),
    path("suggestions/<str:kind>/check/", views.check, name="suggestion-check"),
    path("suggestions/<str:kind>/sent/", views.sent, name="suggestion-sent"),
    path("suggestions/<str:kind>/<slug:step>/", views.question, name="suggestion-question"),
]
