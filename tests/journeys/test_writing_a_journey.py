"""The guide's complete example plays and passes against the embedded reference
integration, and its own invariant reaches the result."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from harness.journeys import INVARIANTS, Session, SessionOptions

GUIDE = Path(__file__).parents[2] / "docs" / "writing-a-journey.md"


def test_guide_example_plays() -> None:
    [code] = re.findall(r"```python\n(.*?)```", GUIDE.read_text(), re.S)
    ns: dict[str, Any] = {}
    exec(compile(code, str(GUIDE), "exec"), ns)
    spec = ns["TWO_INSTALMENTS"]
    # the example is no landscape journey: no peripherals (WireMock) to start
    with Session(SessionOptions(seed=3, peripherals=False)) as session:
        result = session.play(spec)
    assert result.ok, "\n".join(result.failures)
    names = [i.name for i in result.invariants]
    assert names == [*INVARIANTS, "the customer's two payments are recorded"]
    assert any(s.name.startswith("customer pays") for s in result.steps)
