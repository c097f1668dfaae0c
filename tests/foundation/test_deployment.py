"""No Docker engine runs here: check that the compose file parses and runs modules that exist."""

import importlib.util
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
SERVICES = {"db", "redis", "web", "worker", "beat"}


def _compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _command_words(service) -> list[str]:
    command = service.get("command", [])
    return command if isinstance(command, list) else command.replace("&&", " ").split()


def test_compose_has_the_production_services():
    compose = _compose()

    assert set(compose["services"]) == SERVICES
    assert compose["services"]["beat"]["deploy"]["replicas"] == 1


def test_every_module_the_compose_file_runs_exists():
    compose = _compose()
    named = []
    for name in ("web", "worker", "beat"):
        words = _command_words(compose["services"][name])
        for i, word in enumerate(words):
            if word == "-A":
                named.append(words[i + 1])
            elif ":" in word and word.split(":")[0].startswith("sconet"):
                module, attribute = word.split(":")
                named.append(module)
                assert hasattr(importlib.import_module(module), attribute), word
            elif word == "manage.py":
                assert (ROOT / "manage.py").is_file()
    assert named, "aucun module nommé dans docker-compose.yml"
    for module in named:
        assert importlib.util.find_spec(module) is not None, module


def test_every_variable_the_settings_read_is_documented():
    settings_source = (ROOT / "sconet" / "settings.py").read_text()
    documented = (ROOT / ".env.example").read_text()

    for variable in set(re.findall(r'env(?:\.\w+)?\("([A-Z_]+)"', settings_source)):
        assert variable in documented, variable
