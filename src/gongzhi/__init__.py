"""Gongzhi (共治): the shared working platform of grassroots social governance."""

from .celery import app as celery_app

__all__ = ["celery_app"]
