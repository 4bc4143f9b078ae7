"""The shell writes every image the app uploads (a digest's burn-up charts) to followthrough-shell-files/ in the
current directory and prints the path, so a newcomer can look at the chart."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bot.shell import Shell
from bot.simulator.local import LocalBot

SCRIPT = """/milestone add Launch on 2026-12-18 owner @alice
/deliverable add Homepage for M-1 owner @bob approver @dana
/action add @bob Draft the wireframes by 2026-11-25 for D-1
/action add @carol Pick the fonts by 2026-11-27 for D-1
/digest weekly monday 09:00
/action export
/digest now
"""


def test_the_shell_writes_a_digests_chart_and_prints_where(
    bot: LocalBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    shell = Shell(bot, out)
    for line in SCRIPT.splitlines(keepends=True):
        shell.handle(line)
    bot.api.wait_for("files.completeUploadExternal", count=2)
    bot.settle()
    chart = tmp_path / "followthrough-shell-files" / "M-1-burnup.png"
    assert chart.read_bytes().startswith(b"\x89PNG")
    assert "📈 file: M-1 burn-up (open followthrough-shell-files/M-1-burnup.png)" in out.getvalue()
    assert [p.name for p in chart.parent.iterdir()] == ["M-1-burnup.png"]  # the CSV of /action export is no image
