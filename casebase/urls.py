from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Casebase editors"
admin.site.site_title = "Casebase"
admin.site.index_title = "Knowledge base"
admin.site.enable_nav_sidebar = False  # lists need the width; the index lists every model

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("casebase.api.urls")),  # /api/..., catalogue exports, the dataset
    path("", include("casebase.suggestions.urls")),  # readers' suggestions, never cached
    path("", include("casebase.site.urls")),
]

# Under /api/ these answer problem details (JSON); elsewhere Django's own, with the site's pages.
handler400 = "casebase.api.problems.bad_request"
handler404 = "casebase.api.problems.page_not_found"
handler500 = "casebase.api.problems.server_error"
