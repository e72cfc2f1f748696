"""The `gongzhi` console script: serve, migrate, demo, createadmin, sweep, and Django's commands."""

import os
import sys


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")
    from django.core.management import execute_from_command_line

    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(
            "gongzhi — 共治 platform\n\n"
            "  gongzhi serve [--port N] [--workers N]   serve the site (gunicorn)\n"
            "  gongzhi migrate                            apply database migrations\n"
            "  gongzhi demo [--dataset NAME] [--wipe]    load or refresh demo data\n"
            "  gongzhi createadmin USERNAME               create a superuser\n"
            "  gongzhi sweep                              periodic jobs (deadlines, reminders, rollups)\n"
            "  gongzhi rotate-keys                        re-encrypt personal data with the newest key\n"
            "  gongzhi import KIND FILE [--dry-run]       import a file\n"
            "  gongzhi manage COMMAND ...                 any Django management command\n"
        )
        return 0
    if argv[0] == "manage":
        argv = argv[1:]
    execute_from_command_line(["gongzhi", *argv])
    return 0


if __name__ == "__main__":
    sys.exit(main())
