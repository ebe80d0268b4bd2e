"""The README's quickstart runs as written."""

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_quickstart_runs(capsys):
    text = README.read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks, "README has no python quickstart"
    namespace: dict = {}
    exec(compile(blocks[0], str(README), "exec"), namespace)  # noqa: S102
    model = namespace["model"]
    assert 0.0 <= float(model.threshold_) <= 1.0
    assert "Sensitivity" in capsys.readouterr().out


def test_readme_test_command_is_what_ci_runs():
    ci = (README.parent / ".ci" / "run").read_text()
    commands = re.findall(r"```bash\n(.*?)```", README.read_text(), flags=re.S)
    test_command = next(c.strip() for c in commands if "pytest" in c)
    assert test_command in ci
