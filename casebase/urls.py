from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Casebase editors"
admin.site.site_title = "Casebase"
admin.site.index_title = "Knowledge base"
admin.site.enable_nav_sidebar = False  # lists need the width; the index lists every model

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("casebase.api.urls")),  # /api/..., catalogue exports, the dataset
    path("", include("casebase.site.urls")),
]
