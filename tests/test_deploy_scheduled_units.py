"""The shipped units that run publish_scheduled every minute (deploy/cron/, deploy/systemd/; docs/operations.md)."""

import configparser
import subprocess
from pathlib import Path

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"


def test_the_cron_line_runs_the_command_every_minute_as_a_named_user():
    lines = (DEPLOY / "cron" / "thaw-publish-scheduled").read_text().splitlines()
    [job] = [line for line in lines if line and not line.startswith("#") and "=" not in line.split()[0]]
    minute, hour, day, month, weekday, user, command = job.split(maxsplit=6)
    assert (minute, hour, day, month, weekday, user) == ("*", "*", "*", "*", "*", "thaw")
    assert command.endswith("manage.py publish_scheduled")
    assert subprocess.run(["sh", "-n", "-c", command], check=False).returncode == 0


def unit(name):
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(DEPLOY / "systemd" / name)
    return parser


def test_the_systemd_timer_starts_the_service_every_minute_and_catches_up_after_downtime():
    timer = unit("thaw-publish-scheduled.timer")
    assert timer["Timer"]["OnCalendar"] == "*-*-* *:*:00"
    assert timer["Timer"]["Persistent"] == "true"
    service = unit("thaw-publish-scheduled.service")
    assert service["Service"]["Type"] == "oneshot"
    assert service["Service"]["ExecStart"].endswith("python manage.py publish_scheduled")
