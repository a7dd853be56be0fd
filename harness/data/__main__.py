"""``python -m harness.data``: the ``harness data`` commands without the main CLI."""

from harness.cli._data import data_app

if __name__ == "__main__":
    data_app(prog_name="python -m harness.data")
