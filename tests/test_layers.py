"""Dependencies point one way (docs/architecture.md): reex <- articles <- tracker <- partners <-
web; a lower layer that must tell a higher one something sends a signal or writes an outbox row,
and never imports it, not even inside a function. The import-linter contract in pyproject.toml
says so; running it here makes the README's test command fail on an upward import too."""

from pathlib import Path

from importlinter.api import read_configuration
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[1]
CONFIG = str(ROOT / "pyproject.toml")


def test_no_module_imports_a_layer_above_its_own(capsys):
    status = lint_imports(config_filename=CONFIG, no_cache=True, no_logo=True)
    assert status == 0, capsys.readouterr().out


def test_the_contract_names_every_layer_in_order():
    """Weakening the contract is a change to this test too, not a quiet edit of the config."""
    configuration = read_configuration(config_filename=CONFIG)
    (contract,) = configuration["contracts_options"]
    assert contract["type"] == "layers"
    assert contract["layers"] == ["web", "partners", "tracker", "articles", "reex"]
    assert set(configuration["session_options"]["root_packages"]) == set(contract["layers"])
