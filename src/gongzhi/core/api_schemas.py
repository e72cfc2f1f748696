"""Schemas shared by every API router: the page envelope, the error body, list parameters."""

from typing import Generic, TypeVar

from ninja import Schema
from pydantic import Field

from .paging import KeysetPaginator
from .strings import CleanStr

T = TypeVar("T")


class ErrorDetail(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] = {}


class ErrorOut(Schema):
    error: ErrorDetail


class PageOut(Schema, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(
        None, description="Pass as `cursor` to get the next page; null on the last page."
    )


class PageParams(Schema):
    cursor: CleanStr | None = Field(None, max_length=2000)
    limit: int = Field(50, ge=1, le=200)


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def paginate(queryset, params: PageParams, *, ordering=("id",), name=None):
    page = KeysetPaginator(queryset, ordering, page_size=params.limit, name=name).page(params.cursor)
    return {"items": page.items, "next_cursor": page.next_cursor}
