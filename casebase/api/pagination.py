"""Pages of the API's lists, with page numbers that say what is wrong with them."""

from django.core.paginator import EmptyPage, PageNotAnInteger
from django.core.paginator import Paginator as DjangoPaginator
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from casebase.site import likeness


class Paginator(DjangoPaginator):
    """A page number that is not a number is bad input (400, named as the `page` parameter);
    a number with no page is not found (404, naming the last page). DRF answers both with a
    bare 404 "Invalid page."."""

    def validate_number(self, number) -> int:
        try:
            return super().validate_number(number)
        except PageNotAnInteger:
            raise ValidationError({"page": [f"Enter a whole number, not {number!r}."]}) from None
        except EmptyPage:
            raise NotFound(
                f"There is no page {number} of this list: the last is page {self.num_pages}."
            ) from None


class PageNumberPagination(pagination.PageNumberPagination):
    django_paginator_class = Paginator


class PeerPagination(PageNumberPagination):
    """The nearest case studies ten a page, as /like-mine/ shows them, with how many could be
    compared at all (`compared`); `count` is how many are listed, the nearest 100 at most."""

    page_size = likeness.PAGE_SIZE

    def paginate_queryset(self, queryset, request, view=None):
        self.compared = queryset.compared
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data) -> Response:
        response = super().get_paginated_response(data)
        response.data = {"count": response.data["count"], "compared": self.compared} | dict(
            response.data
        )
        return response

    def get_paginated_response_schema(self, schema: dict) -> dict:
        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"] = {
            "count": paginated["properties"]["count"],
            "compared": {
                "type": "integer",
                "description": "How many case studies' organisations could be compared at all.",
            },
            **paginated["properties"],
        }
        paginated["required"] = [*paginated["required"], "compared"]
        return paginated
