"""WSGI entry point; refuses to start with an unsafe production configuration."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")

from gongzhi.startup import check_safe_to_serve  # noqa: E402

check_safe_to_serve()
application = get_wsgi_application()
