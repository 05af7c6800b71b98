"""The README's examples of the test toolkit that are test modules (```python blocks of its pytest
fixtures section) pass in a pytest run of their own, as a user's suite would run them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"


def section(heading: str) -> str:
    """The README's text from ``heading`` to the next heading of the same or a higher level."""
    text = README.read_text(encoding="utf-8")
    start = text.index(heading + "\n")
    level = heading.split(" ")[0]
    prefixes = ["#" * size for size in range(1, len(level) + 1)]
    ends = [text.find("\n" + prefix + " ", start + 1) for prefix in prefixes]
    end = min([found for found in ends if found != -1], default=len(text))
    return text[start:end]


def python_blocks(text: str) -> list[str]:
    return [block[: block.index("\n```")] for block in text.split("```python\n")[1:]]


def test_the_pytest_fixture_examples_pass_as_a_user_suite(tmp_path: Path) -> None:
    """Every test the pytest fixtures section shows passes, the Hypothesis one with its default health
    checks."""
    for module in ("boto3", "hypothesis", "moto"):
        pytest.importorskip(module)
    blocks = python_blocks(section("### pytest fixtures"))
    assert len(blocks) == 3
    for number, block in enumerate(blocks):
        (tmp_path / f"test_readme_{number}.py").write_text(block, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly", str(tmp_path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout
