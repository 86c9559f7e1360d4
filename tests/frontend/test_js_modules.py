"""The review screen's ES modules: the pure ones tested under Node (``node --test``, Node >= 20), and
the house rules checked on every module the page loads (STYLE.md: type-checked JSDoc, named
exports, pure state modules without the DOM, modules under ~400 lines)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent
JS = HERE.parent.parent / "frontend" / "static" / "js"
ENTRY = JS / "review" / "review_page.js"
IMPORT = re.compile(r'^\s*(?:import|export)\s[^;]*?\sfrom\s+"(\.{1,2}/[^"]+)"', re.M)


def test_pure_modules_pass_under_node():
    node = shutil.which("node")
    assert node, "node (>= 20) must be on PATH to test the front end's pure modules"
    files = sorted(str(path) for path in HERE.glob("*.test.mjs"))
    assert files, "no *.test.mjs files next to this test"
    result = subprocess.run([node, "--test", *files], cwd=HERE, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "# fail 0" in result.stdout


def modules_loaded_by(entry: Path) -> list[Path]:
    """Every module reachable from ``entry`` through relative imports (each must exist)."""
    seen: list[Path] = []
    todo = [entry]
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        assert module.is_file(), f"{module.relative_to(JS)} is imported but does not exist"
        seen.append(module)
        todo += [(module.parent / target).resolve() for target in IMPORT.findall(module.read_text())]
    return sorted(seen)


def test_the_review_page_modules_follow_the_house_rules():
    modules = modules_loaded_by(ENTRY)
    names = {str(module.relative_to(JS)) for module in modules}
    assert {"review/review_page.js", "viewer/deep_zoom_ui.js", "state/review_state.js", "state/zoom.js"} <= names
    for module in modules:
        name = module.relative_to(JS)
        text = module.read_text()
        assert text.startswith("// @ts-check\n"), f"{name} must start with // @ts-check"
        assert "export default" not in text, f"{name}: use named exports"
        assert len(text.splitlines()) <= 400, f"{name} is past 400 lines: split it by noun"
        if module.parent.name == "state":
            assert not re.search(r"\b(document|window|HTMLElement)\b", text), f"{name} is a pure module: no DOM"
