"""Bench-only URLs: the product's URL patterns unchanged, plus the baseline views under /__bench__/.

The baseline is the floor of the same stack (gunicorn, the whole middleware chain, the same database
with a persistent connection): a bare Django view that does one INSERT, and one that does one SELECT.
"""

import json
import os

from django.db import connection
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from gongzhi.urls import urlpatterns as product_urlpatterns

TABLE = "bench_baseline_insert"


@csrf_exempt
def insert(request):
    """POST a small JSON body; one INSERT of it into the bench table (autocommit, like a bare view)."""
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        return JsonResponse({"error": "not JSON"}, status=400)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (title, body) VALUES (%s, %s) RETURNING id",  # noqa: S608 - constant name
            [str(data.get("title", ""))[:120], json.dumps(data, ensure_ascii=False)],
        )
        new_id = cursor.fetchone()[0]
    return JsonResponse({"id": new_id}, status=201)


def ping(request):
    """GET: one trivial SELECT and a tiny JSON answer (the page-latency floor)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return JsonResponse({"ok": True, "pid": os.getpid()})


urlpatterns = [
    path("__bench__/insert/", insert),
    path("__bench__/ping/", ping),
    *product_urlpatterns,
]
