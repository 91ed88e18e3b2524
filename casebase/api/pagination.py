"""Pages of the API's lists, with page numbers that say what is wrong with them."""

from django.core.paginator import EmptyPage, PageNotAnInteger
from django.core.paginator import Paginator as DjangoPaginator
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError


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
