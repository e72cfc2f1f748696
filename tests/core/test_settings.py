"""Settings come from the environment: database engine options, persistent connections, the CLI."""

import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection


@pytest.mark.django_db
def test_database_connections_are_persistent():
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] > 0


@pytest.mark.django_db
@pytest.mark.skipif(settings.IS_POSTGRES, reason="SQLite pragmas")
def test_sqlite_runs_with_immediate_transactions_and_foreign_keys():
    assert settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1


def test_sqlite_file_databases_use_write_ahead_logging(tmp_path):
    db = tmp_path / "wal.sqlite3"
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='gongzhi.settings'; django.setup();"
        "from django.db import connection; c=connection.cursor(); c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])"
    )
    env = {"DATABASE_URL": f"sqlite:///{db}", "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "wal"


def test_the_cli_prints_its_commands():
    out = subprocess.run(
        [sys.executable, "-m", "gongzhi.cli", "--help"], capture_output=True, text=True, check=True
    )
    for command in ("serve", "migrate", "demo", "createadmin", "sweep", "manage"):
        assert command in out.stdout


def test_the_cli_runs_django_commands_through_manage(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "gongzhi.cli", "manage", "check", "--deploy", "--fail-level", "CRITICAL"],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "GONGZHI_VAR_DIR": str(tmp_path)},
    )
    assert out.returncode == 0, out.stderr


def test_serving_refuses_production_mode_with_the_default_secret():
    code = "import os; os.environ['DEBUG']='false'; os.environ.pop('SECRET_KEY', None); import gongzhi.wsgi"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"}
    )
    assert out.returncode != 0
    assert "Refusing to start" in out.stderr


@pytest.mark.django_db
@pytest.mark.pg_only
def test_postgresql_sessions_are_named_utf8_and_health_checked():
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    with connection.cursor() as cursor:
        cursor.execute("SHOW application_name")
        assert cursor.fetchone()[0] == "gongzhi"
        cursor.execute("SHOW server_encoding")
        assert cursor.fetchone()[0] == "UTF8"
        cursor.execute("SHOW default_transaction_isolation")
        assert cursor.fetchone()[0] == "read committed"  # the conditional updates assume it


@pytest.mark.django_db
@pytest.mark.pg_only
def test_postgresql_sessions_run_without_jit():
    # The planner over-estimates the grouped rollup reads; compiling them cost more than running them.
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def printed_by(code: str) -> str:
    """What a fresh Python process running `code` prints, with a bare environment (settings read anew)."""
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
        check=True,
    )
    return out.stdout.strip()


def test_postgresql_session_options_can_be_turned_off_for_a_pooler():
    code = (
        "import os; os.environ['DATABASE_URL']='postgres://u@127.0.0.1:5432/x';"
        "os.environ['GONGZHI_PG_OPTIONS']='';"
        "from gongzhi import settings as s; print('options' in s.DATABASES['default']['OPTIONS'])"
    )
    assert printed_by(code) == "False"


@pytest.mark.parametrize(
    ("redis_url", "engine"),
    [
        ("redis://127.0.0.1:6379/9", "django.contrib.sessions.backends.cached_db"),
        # A per-process cache would keep a signed-out session alive in the other processes.
        ("", "django.contrib.sessions.backends.db"),
    ],
)
def test_sessions_go_through_the_cache_only_when_it_is_shared(redis_url, engine):
    code = (
        f"import os; os.environ['REDIS_URL']={redis_url!r};"
        "from django.conf import global_settings as g; from gongzhi import settings as s;"
        "print(getattr(s, 'SESSION_ENGINE', g.SESSION_ENGINE))"
    )
    assert printed_by(code) == engine
