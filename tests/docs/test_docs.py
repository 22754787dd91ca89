"""The README says what the code does: first lines, settings table, commands."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from jixiao.service.cli import build_parser
from jixiao.service.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_starts_with_the_two_commands() -> None:
    first = [line.split("#")[0].strip() for line in README.splitlines()[:2]]
    assert first == ["make run", "make test"]


def _settings_table() -> dict[str, tuple[str, str]]:
    section = README.split("## Settings", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        m = re.match(r"\|\s*`(JIXIAO_[A-Z_]+)`\s*\|\s*(.*?)\s*\|\s*(.*?)\s*\|$", line)
        if m:
            rows[m.group(1)] = (m.group(2), m.group(3))
    return rows


def test_settings_table_matches_the_settings_class() -> None:
    table = _settings_table()
    fields = Settings.model_fields
    assert set(table) == {f"JIXIAO_{name.upper()}" for name in fields}
    for name, field in fields.items():
        default, meaning = table[f"JIXIAO_{name.upper()}"]
        expected = "(unset)" if field.default is None else f"`{field.default}`"
        if field.default == "":
            expected = "(empty)"
        assert default == expected, name
        assert meaning == field.description, name


def test_readme_names_every_cli_command() -> None:
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    assert commands
    for command in commands:
        assert f"jixiao {command}" in README, command


def _yaml_blocks() -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", README, re.DOTALL)


def test_readme_ci_snippets_are_yaml_whose_jixiao_commands_parse() -> None:
    blocks = _yaml_blocks()
    assert len(blocks) == 4  # GitHub Actions, GitLab CI, pre-commit, Prometheus
    commands = []
    for block in blocks:
        yaml.safe_load(block)
        commands += re.findall(r"jixiao (validate [^\n>]*)", block)
    assert len(commands) == 2
    for command in commands:
        args = build_parser().parse_args(command.split())
        assert args.format in ("github", "junit")
    (pre_commit,) = (yaml.safe_load(b) for b in blocks if "repos:" in b)
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert pre_commit["repos"][0]["hooks"][0]["id"] == hooks[0]["id"]
    (prometheus,) = (yaml.safe_load(b) for b in blocks if "scrape_configs:" in b)
    assert prometheus["scrape_configs"][0]["metrics_path"] == "/metrics"


def test_readme_validate_line_names_every_format() -> None:
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    validate = commands["validate"]
    formats = next(a for a in validate._actions if a.dest == "format").choices
    assert f"[--format {'|'.join(formats)}]" in README
    for fmt in ("text", "junit", "github", "sarif"):
        assert f"| `{fmt}` |" in README, fmt


def test_security_md_is_linked_and_names_only_real_settings() -> None:
    security = (ROOT / "SECURITY.md").read_text(encoding="utf-8")
    assert "(SECURITY.md)" in README
    named = set(re.findall(r"JIXIAO_[A-Z_]+", security))
    assert named and named <= {f"JIXIAO_{name.upper()}" for name in Settings.model_fields}
    for door in ("JIXIAO_ALLOW_EXTERNAL", "JIXIAO_JSONLD_CONTEXT_HOSTS", "JIXIAO_CORS_ORIGINS"):
        assert door in security
