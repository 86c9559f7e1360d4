// The editor's modules follow the house rules (STYLE.md): type-checked JSDoc, named exports,
// modules under ~400 lines, pure state modules without the DOM, every relative import present.
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const JS = resolve(dirname(fileURLToPath(import.meta.url)), "../../frontend/static/js");
const ENTRY = join(JS, "editor", "editor_page.js");
const IMPORT = /^\s*(?:import|export)\s[^;]*?\sfrom\s+"(\.{1,2}\/[^"]+)"/gm;

/** Every module reachable from the editor page through relative imports. */
function modules() {
  const seen = new Set();
  const todo = [ENTRY];
  while (todo.length) {
    const file = todo.pop();
    if (seen.has(file)) continue;
    assert.ok(existsSync(file), `${relative(JS, file)} is imported but does not exist`);
    seen.add(file);
    for (const match of readFileSync(file, "utf8").matchAll(IMPORT)) todo.push(resolve(dirname(file), match[1]));
  }
  return [...seen].sort();
}

test("the editor page loads every editor module, and the review screen's viewer and state", () => {
  const names = new Set(modules().map((file) => relative(JS, file)));
  for (const file of readdirSync(join(JS, "editor", "state"))) assert.ok(names.has(`editor/state/${file}`), `editor/state/${file} is not used`);
  for (const file of readdirSync(join(JS, "editor", "ui"))) assert.ok(names.has(`editor/ui/${file}`), `editor/ui/${file} is not used`);
  for (const reused of ["viewer/deep_zoom_ui.js", "viewer/overlay_ui.js", "state/zoom.js", "state/store.js", "state/review_state.js"]) {
    assert.ok(names.has(reused), `${reused} is not reused`);
  }
});

test("every editor module is type-checked, uses named exports and stays under 400 lines", () => {
  for (const file of modules().filter((name) => name.includes(`${join(JS, "editor")}`))) {
    const name = relative(JS, file);
    const text = readFileSync(file, "utf8");
    assert.ok(text.startsWith("// @ts-check\n"), `${name} must start with // @ts-check`);
    assert.ok(!text.includes("export default"), `${name}: use named exports`);
    assert.ok(text.split("\n").length <= 400, `${name} is past 400 lines: split it by noun`);
    if (name.startsWith("editor/state/")) {
      const dom = /(?<![.\w$])(?:document|window|localStorage)\.[A-Za-z_$]|\bHTMLElement\b|(?<![.\w$])fetch\s*\(/;
      assert.ok(!dom.test(text), `${name} is a pure module: no DOM`);
    }
  }
});
