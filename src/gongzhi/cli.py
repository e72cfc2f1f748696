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
            "  gongzhi report orgs --area CODE (--year Y | --as-of D) [--compare-to D]\n"
            "                 --format json|pdf|xlsx [--out FILE]   the social-organization report\n"
            "  gongzhi open311-key create --name NAME    a new Open311 API key\n"
            "  gongzhi backup [--output FILE]            back up the database\n"
            "  gongzhi restore FILE [--into URL] --yes   restore a backup\n"
            "  gongzhi manage COMMAND ...                 any Django management command\n"
        )
        return 0
    if argv[0] == "manage":
        argv = argv[1:]
    execute_from_command_line(["gongzhi", *argv])
    return 0


if __name__ == "__main__":
    sys.exit(main())
