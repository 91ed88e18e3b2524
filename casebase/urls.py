from django.contrib import admin
from django.urls import path

admin.site.site_header = "Casebase editors"
admin.site.site_title = "Casebase"
admin.site.index_title = "Knowledge base"
admin.site.enable_nav_sidebar = False  # lists need the width; the index lists every model
admin.site.site_url = None  # no "View site" link until the public pages exist

urlpatterns = [
    path("admin/", admin.site.urls),
]
