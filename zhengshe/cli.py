"""The ``zhengshe`` console script: Django's management commands under our name.

``zhengshe demo``, ``zhengshe audit verify``, ``zhengshe migrate`` … all go through here.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")
    from django.core.management import execute_from_command_line

    argv = sys.argv[:]
    # `zhengshe audit verify` reads better than `zhengshe audit_verify`.
    if len(argv) >= 3 and argv[1] == "audit" and not argv[2].startswith("-"):
        argv = [argv[0], f"audit_{argv[2]}", *argv[3:]]
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
