"""Screenshots of the pages for the docs: python scripts/screenshots.py [--out docs/screenshots].

Starts its own server on a free loopback port with a throw-away SQLite database and media folder
(migrate + demo data), signs in as the demo users in Debian's Chromium through Playwright, writes
PNG files (1280x800 viewport) and stops the server, also when something fails:

    login.png           the sign-in page
    home-reviewer.png   a reviewer's home page
    uploads.png         the manager's upload form
    uploads-report.png  the report after uploading a good pair and a pair whose mask has the wrong size
    api-docs.png        Swagger UI at /api/docs/, or, when it stays blank (its scripts come from a CDN
    api-schema.png      that may be out of reach), the schema at /api/schema/ instead
    queue.png           the reviewer's queue
    review-black.png    the review screen on the black backdrop (halos and bleed show)
    review-white.png    on white (lost detail shows), zoomed in, side by side with the original, flagging
    grid.png            the grid of cutouts waiting for review, two of them selected
    retouch.png         the retoucher's "My work" with the reviewer's pins and notes
    dashboard.png       the manager's dashboard
    editor-pen.png      the repair editor: a pen path round the reviewer's pin, its anchors and handles
    editor-channel.png  a lassoed channel-mask region: R, G, B side by side, histogram and Levels
    editor-refine.png   Refine's sliders and a Refine Edge brush stroke, previewed live
    editor-autofix.png  an auto-fix proposal (applied by the reviewer, flagged, claimed) in the editor:
                        its ops listed, their regions drawn, one bleed fix (a refine in a box) selected
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import cv2
import numpy as np
from playwright.sync_api import Browser, Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 800}
DEMO_LOGINS = {
    "reviewer": "reviewer-demo-1",
    "retoucher": "retoucher-demo-1",
    "manager": "manager-demo-1",
}
SERVER_START_SECONDS = 60
SWAGGER_WAIT_MS = 8_000


# --- upload files ------------------------------------------------------------------------------


def ring_geometry(width: int, height: int, view: str) -> tuple[tuple[int, int], tuple[int, int], int]:
    """Center, ellipse axes and band thickness of the ring: round from the front, flat from the side."""
    center = (width // 2, height // 2 + height // 16)
    radius = min(width, height) // 4
    axes = (radius, radius) if view == "front" else (int(radius * 1.2), radius // 3)
    return center, axes, max(4, radius // 5)


def ring_bgr(width: int, height: int, view: str) -> np.ndarray:
    """A gold ring with a small stone on a light grey background (BGR, as OpenCV draws)."""
    image = np.full((height, width, 3), 232, np.uint8)
    center, axes, band = ring_geometry(width, height, view)
    cv2.ellipse(image, center, axes, 0, 0, 360, (40, 150, 205), thickness=band, lineType=cv2.LINE_AA)
    inner = (axes[0] - band // 3, axes[1] - band // 3)
    cv2.ellipse(image, center, inner, 0, 0, 360, (90, 200, 240), thickness=2, lineType=cv2.LINE_AA)
    stone = (center[0], center[1] - axes[1] - band)
    cv2.circle(image, stone, band, (250, 245, 240), thickness=-1, lineType=cv2.LINE_AA)
    rng = np.random.default_rng(9 if view == "front" else 10)
    noise = rng.integers(-2, 3, image.shape)
    return np.clip(image.astype(np.int16) + noise, 0, 255).astype(np.uint8)


def ring_mask(width: int, height: int, view: str) -> np.ndarray:
    """The AI remover's mask of :func:`ring_bgr`'s ring and stone (255 inside, 0 outside)."""
    mask = np.zeros((height, width), np.uint8)
    center, axes, band = ring_geometry(width, height, view)
    cv2.ellipse(mask, center, axes, 0, 0, 360, 255, thickness=band + 2, lineType=cv2.LINE_AA)
    stone = (center[0], center[1] - axes[1] - band)
    cv2.circle(mask, stone, band + 1, 255, thickness=-1, lineType=cv2.LINE_AA)
    return mask


def jpeg(bgr: np.ndarray) -> bytes:
    ok, data = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, 92])
    if not ok:
        raise RuntimeError("OpenCV could not encode the JPEG")
    return data.tobytes()


def png(mask: np.ndarray) -> bytes:
    ok, data = cv2.imencode(".png", mask)
    if not ok:
        raise RuntimeError("OpenCV could not encode the PNG")
    return data.tobytes()


def upload_files() -> list[dict]:
    """RING9_front (a matching pair) and RING9_side (its mask is half the size: refused)."""
    width, height = 640, 480
    return [
        {"name": "RING9_front.jpg", "mimeType": "image/jpeg", "buffer": jpeg(ring_bgr(width, height, "front"))},
        {"name": "RING9_front_mask.png", "mimeType": "image/png", "buffer": png(ring_mask(width, height, "front"))},
        {"name": "RING9_side.jpg", "mimeType": "image/jpeg", "buffer": jpeg(ring_bgr(width, height, "side"))},
        {
            "name": "RING9_side_mask.png",
            "mimeType": "image/png",
            "buffer": png(ring_mask(width // 2, height // 2, "side")),
        },
    ]


# --- the server --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(workdir: Path) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("JEWELREVIEW_STORAGE", "JEWELREVIEW_TASK_BACKEND", "DJANGO_ENV", "DEBUG", "ALLOWED_HOSTS"):
        env.pop(name, None)
    (workdir / "media").mkdir()
    (workdir / "static").mkdir()
    env.update(
        DATABASE_URL=f"sqlite:///{workdir / 'db.sqlite3'}",
        MEDIA_ROOT=str(workdir / "media"),
        STATIC_ROOT=str(workdir / "static"),
        PYTHONUNBUFFERED="1",
    )
    return env


def manage(env: dict[str, str], *args: str) -> None:
    command = [sys.executable, "manage.py", *args]
    result = subprocess.run(command, check=False, cwd=REPO, env=env, capture_output=True, text=True)
    sys.stdout.write(result.stdout)
    if result.returncode != 0:
        sys.stderr.write(result.stderr)
        raise RuntimeError(f"manage.py {' '.join(args)} failed with exit code {result.returncode}")


def wait_healthy(base_url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with code {server.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{base_url}/healthz", timeout=2) as response:
                if response.status == 200 and json.load(response).get("status") == "ok":
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError, ValueError):
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{base_url}/healthz did not answer within {SERVER_START_SECONDS} s:\n{log.read_text()[-3000:]}")


def server_stop(server: subprocess.Popen) -> None:
    if server.poll() is not None:
        return
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)


def server_problems(log: Path) -> list[str]:
    """The server log's warnings and errors (404s, 500s, tracebacks), for the summary."""
    markers = ("Not Found:", "Forbidden", "Bad Request", "Internal Server Error", "Traceback", "Error")
    return [line for line in log.read_text(errors="replace").splitlines() if any(m in line for m in markers)]


@contextmanager
def demo_server(workdir: Path):
    """Yield the base URL of a migrated, demo-loaded server; stop it on the way out."""
    env = server_env(workdir)
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "demo")
    port = free_port()
    log = workdir / "runserver.log"
    with log.open("w") as log_file:
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=REPO,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        try:
            base_url = f"http://127.0.0.1:{port}"
            wait_healthy(base_url, server, log)
            print(f"server up at {base_url} (pid {server.pid})")
            yield base_url
        finally:
            server_stop(server)
            print(f"server stopped (exit code {server.returncode})")
            for line in server_problems(log):
                print(f"server log: {line}")


# --- the browser -------------------------------------------------------------------------------


def watch(page: Page, problems: list[str]) -> Page:
    """Record console errors, page errors, failed requests and HTTP errors of ``page``."""
    page.on("console", lambda msg: msg.type == "error" and problems.append(f"console: {msg.text}"))
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on("requestfailed", lambda req: problems.append(f"failed: {req.url} ({req.failure})"))
    page.on("response", lambda resp: resp.status >= 400 and problems.append(f"HTTP {resp.status}: {resp.url}"))
    return page


def new_page(browser: Browser, problems: list[str]) -> Page:
    context = browser.new_context(viewport=VIEWPORT)
    return watch(context.new_page(), problems)


def sign_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_LOGINS[username])
    with page.expect_navigation():
        page.click("form.stacked-form button[type=submit]")
    if page.url.startswith(f"{base_url}/login/"):
        raise RuntimeError(f"signing in as {username} failed; still on {page.url}")


def shoot(page: Page, out: Path, name: str, *, full_page: bool = True) -> None:
    path = out / name
    page.screenshot(path=str(path), full_page=full_page)
    print(f"wrote {path.relative_to(REPO) if path.is_relative_to(REPO) else path}")


def swagger_rendered(page: Page) -> bool:
    try:
        page.wait_for_selector(".swagger-ui .info .title", timeout=SWAGGER_WAIT_MS)
    except PlaywrightTimeout:
        return False
    return True


def viewer_ready(page: Page) -> None:
    """Wait until the review screen's viewer shows the photo and its tiles stopped loading."""
    page.wait_for_function("() => /%/.test(document.getElementById('zoom-readout').textContent)")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(800)  # the viewer's last spring animation


def take_review_screenshots(browser: Browser, base_url: str, out: Path, problems: list[str]) -> None:
    """queue.png, review-black.png and review-white.png (a reviewer)."""
    reviewer = new_page(browser, problems)
    sign_in(reviewer, base_url, "reviewer")
    reviewer.goto(f"{base_url}/queue/")
    shoot(reviewer, out, "queue.png")
    # The demo's ring with a stone (the zoom below aims at its setting), wherever the queue's
    # risk order puts it.
    with reviewer.expect_navigation():
        reviewer.get_by_role("link", name="DEV-003 · front").click()
    viewer_ready(reviewer)
    reviewer.click("#backdrops label:has(input[value=black])")
    viewer_ready(reviewer)
    shoot(reviewer, out, "review-black.png", full_page=False)
    reviewer.click("#backdrops label:has(input[value=white])")
    reviewer.click("#compare-modes label:has(input[value=side])")
    viewer_ready(reviewer)
    box = reviewer.locator("#viewer-main").bounding_box()
    if box:
        # Zoom into the setting of the right-hand ring's stone, then pin it with a click.
        stone = (box["x"] + box["width"] * 0.62, box["y"] + box["height"] * 0.3)
        reviewer.mouse.move(*stone)
        for _ in range(8):
            reviewer.mouse.wheel(0, -240)
            reviewer.wait_for_timeout(250)
        viewer_ready(reviewer)
        reviewer.keyboard.press("f")
        reviewer.mouse.click(stone[0] + 12, stone[1] + 40)
    reviewer.select_option("#flag-reason", "clipped_prong")
    reviewer.fill("#flag-note", "The stone's prongs are cut off")
    viewer_ready(reviewer)
    shoot(reviewer, out, "review-white.png", full_page=False)


def take_work_screenshots(browser: Browser, base_url: str, out: Path, problems: list[str]) -> None:
    """grid.png (a reviewer), retouch.png (the retoucher), dashboard.png (the manager)."""
    reviewer = new_page(browser, problems)
    sign_in(reviewer, base_url, "reviewer")
    reviewer.goto(f"{base_url}/grid/")
    reviewer.wait_for_load_state("networkidle")
    tiles = reviewer.locator(".tile-image")
    for index in range(min(2, tiles.count())):
        tiles.nth(index).click()
    shoot(reviewer, out, "grid.png")

    retoucher = new_page(browser, problems)
    sign_in(retoucher, base_url, "retoucher")
    retoucher.goto(f"{base_url}/retouch/")
    retoucher.wait_for_load_state("networkidle")
    shoot(retoucher, out, "retouch.png")

    manager = new_page(browser, problems)
    sign_in(manager, base_url, "manager")
    manager.goto(f"{base_url}/dashboard/")
    shoot(manager, out, "dashboard.png")


def editor_ready(page: Page) -> None:
    """Wait until the editor's viewer shows the photo and a preview of the recipe has arrived."""
    page.wait_for_function("() => /^Preview \\d+ ms/.test(document.getElementById('preview-readout').textContent)")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(800)


def editor_focus(page: Page, kind: str, zoom: int, used: list[dict]) -> tuple[dict, callable]:
    """Centre the editor on the first detected region of ``kind`` away from the ``used`` ones, at
    ``zoom`` (x 100 %): its box and a function from image pixels to screen points."""
    config = page.evaluate("() => JSON.parse(document.getElementById('editor-config').textContent)")
    detections = config["detections"]

    def apart(box: dict) -> bool:
        return all(
            box["x1"] < u["x0"] or box["x0"] > u["x1"] or box["y1"] < u["y0"] or box["y0"] > u["y1"] for u in used
        )

    index = next((i for i, d in enumerate(detections) if d["kind"] == kind and apart(d["box"])), 0)
    used.append(detections[index]["box"])
    page.locator("details.detections").evaluate("details => { details.open = true; }")
    page.locator(f"button[data-detection='{index}']").scroll_into_view_if_needed()
    page.click(f"button[data-detection='{index}']")
    page.wait_for_timeout(900)
    page.select_option("#zoom-level", str(zoom))
    page.wait_for_timeout(1200)
    page.locator(".editor-panel").evaluate("panel => { panel.scrollTop = 0; }")
    box = detections[index]["box"]
    centre = ((box["x0"] + box["x1"]) / 2, (box["y0"] + box["y1"]) / 2)
    viewer = page.locator("#viewer-main").bounding_box() or {"x": 0, "y": 0, "width": 0, "height": 0}

    def screen(x: float, y: float) -> tuple[float, float]:
        return (viewer["x"] + viewer["width"] / 2 + (x - centre[0]) * zoom,
                viewer["y"] + viewer["height"] / 2 + (y - centre[1]) * zoom)

    return box, screen


def take_editor_screenshots(browser: Browser, base_url: str, out: Path, problems: list[str]) -> None:
    """editor-pen.png, editor-channel.png and editor-refine.png (the retoucher, on the photo they
    claimed), each at one of the regions detection found."""
    retoucher = new_page(browser, problems)
    sign_in(retoucher, base_url, "retoucher")
    retoucher.goto(f"{base_url}/retouch/")
    retoucher.click("a:has-text('Open in editor')")
    editor_ready(retoucher)
    if retoucher.locator("button[data-detection]").count() == 0:
        problems.append("the claimed photo has no detected regions: no editor screenshots")
        return
    retoucher.uncheck("#show-detections")  # the regions' outlines would hide the drawing
    used: list[dict] = []
    # Pen: round a clipped part (clicks, a drag for a curve), closed; the smooth anchor selected.
    box, screen = editor_focus(retoucher, "clipped", 4, used)
    x0, y0, x1, y1 = box["x0"] - 4, box["y0"] - 4, box["x1"] + 4, box["y1"] + 4
    retoucher.mouse.click(*screen(x0, y0))
    retoucher.mouse.click(*screen(x1, y0))
    retoucher.mouse.move(*screen(x1 + 2, (y0 + y1) / 2))
    retoucher.mouse.down()
    retoucher.mouse.move(*screen(x1 + 4, (y0 + y1) / 2 + 12), steps=6)
    retoucher.mouse.up()
    retoucher.mouse.click(*screen(x1, y1))
    retoucher.mouse.click(*screen(x0, y1))
    retoucher.mouse.click(*screen(x0, y0))
    retoucher.mouse.click(*screen(x1 + 2, (y0 + y1) / 2))
    editor_ready(retoucher)
    shoot(retoucher, out, "editor-pen.png", full_page=False)
    # Channel mask: lasso round a region where thin detail was lost; the panel shows R, G and B.
    retoucher.keyboard.press("c")
    box, screen = editor_focus(retoucher, "thin_loss", 2, used)
    x0, y0, x1, y1 = box["x0"] - 6, box["y0"] - 6, box["x1"] + 6, box["y1"] + 6
    retoucher.mouse.move(*screen(x0, y0))
    retoucher.mouse.down()
    for x, y in ((x1, y0 - 2), (x1 + 2, y1), (x0 - 2, y1 + 1), (x0, y0 + 4)):
        retoucher.mouse.move(*screen(x, y), steps=10)
    retoucher.mouse.up()
    retoucher.wait_for_selector(".channel-pick.is-best")
    editor_ready(retoucher)
    shoot(retoucher, out, "editor-channel.png", full_page=False)
    # Refine: Contrast and Shift Edge against bleed, and a Refine Edge brush stroke along an edge.
    retoucher.keyboard.press("r")
    box, screen = editor_focus(retoucher, "bleed", 4, used)
    for slider, value in (("#refine-contrast", "60"), ("#refine-shift", "40")):
        retoucher.locator(slider).fill(value)
        retoucher.locator(slider).dispatch_event("change")
    retoucher.mouse.move(*screen(box["x0"], box["y0"]))
    retoucher.mouse.down()
    retoucher.mouse.move(*screen(box["x1"], box["y1"]), steps=12)
    retoucher.mouse.up()
    retoucher.mouse.move(*screen(box["x1"] + 10, box["y1"] + 10))
    editor_ready(retoucher)
    shoot(retoucher, out, "editor-refine.png", full_page=False)


def take_autofix_screenshot(browser: Browser, base_url: str, out: Path, problems: list[str]) -> None:
    """editor-autofix.png: the reviewer applies auto-fix to the next photo of the queue and flags
    the result; the retoucher claims it and opens the proposal in the editor, where a bleed fix
    (a refine op limited to a box) is selected in the recipe and shown at 200 %."""
    reviewer = new_page(browser, problems)
    sign_in(reviewer, base_url, "reviewer")
    reviewer.goto(f"{base_url}/queue/")
    with reviewer.expect_navigation():
        reviewer.click("form.queue-next-form button[type=submit]")
    viewer_ready(reviewer)
    match = re.search(r"/photos/(\d+)/review/", reviewer.url)
    if not match or reviewer.locator("#autofix[aria-disabled=true]").count():
        problems.append(f"no photo to auto-fix at {reviewer.url}: no editor-autofix.png")
        return
    photo_id = int(match.group(1))
    with reviewer.expect_navigation(timeout=120_000):  # the page reloads once the revision rendered
        reviewer.click("#autofix")
    viewer_ready(reviewer)
    reviewer.keyboard.press("f")
    reviewer.select_option("#flag-reason", "opacity_bleed")
    reviewer.fill("#flag-note", "Auto-fix left a soft edge on the band; check the bleed fixes")
    with reviewer.expect_navigation():
        reviewer.click("#flag-send")

    retoucher = new_page(browser, problems)
    sign_in(retoucher, base_url, "retoucher")
    retoucher.goto(f"{base_url}/retouch/")
    with retoucher.expect_navigation():
        retoucher.click(f"form[action$='/retouch/{photo_id}/claim/'] button[type=submit]")
    retoucher.goto(f"{base_url}/photos/{photo_id}/edit/")
    editor_ready(retoucher)
    retoucher.uncheck("#show-detections")  # the ops' own regions are the subject here
    region = retoucher.locator(".editor-shapes path.shape-refine").first
    numbers = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", region.get_attribute("d") or "")]
    op_id = region.get_attribute("data-op")
    if len(numbers) < 4 or not op_id:
        problems.append("the auto-fix proposal has no refine op in a region: no editor-autofix.png")
        return
    x0, y0, x1, y1 = min(numbers[0::2]), min(numbers[1::2]), max(numbers[0::2]), max(numbers[1::2])
    config = retoucher.evaluate("() => JSON.parse(document.getElementById('editor-config').textContent)")
    centres = [((d["box"]["x0"] + d["box"]["x1"]) / 2, (d["box"]["y0"] + d["box"]["y1"]) / 2) for d in config["detections"]]
    inside = [i for i, (cx, cy) in enumerate(centres) if x0 <= cx <= x1 and y0 <= cy <= y1]
    if inside:
        retoucher.locator("details.detections").evaluate("details => { details.open = true; }")
        retoucher.click(f"button[data-detection='{inside[0]}']")
        retoucher.wait_for_timeout(900)
        retoucher.select_option("#zoom-level", "2")
        retoucher.wait_for_timeout(1200)
    retoucher.click(f"#op-list button[data-action=select][data-op='{op_id}']")
    retoucher.locator(".editor-panel").evaluate("panel => { panel.scrollTop = 0; }")
    editor_ready(retoucher)
    shoot(retoucher, out, "editor-autofix.png", full_page=False)


def take_screenshots(base_url: str, out: Path) -> list[str]:
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            anonymous = new_page(browser, problems)
            anonymous.goto(f"{base_url}/login/")
            shoot(anonymous, out, "login.png")

            reviewer = new_page(browser, problems)
            sign_in(reviewer, base_url, "reviewer")
            reviewer.goto(f"{base_url}/home/")
            shoot(reviewer, out, "home-reviewer.png")
            take_review_screenshots(browser, base_url, out, problems)

            manager = new_page(browser, problems)
            sign_in(manager, base_url, "manager")
            manager.goto(f"{base_url}/uploads/")
            shoot(manager, out, "uploads.png")

            manager.set_input_files("#id_files", upload_files())
            manager.fill("#id_batch", "Screenshots")
            with manager.expect_navigation():
                manager.click("form.stacked-form button[type=submit]")
            manager.wait_for_selector(".import-report")
            shoot(manager, out, "uploads-report.png")

            manager.goto(f"{base_url}/api/docs/", wait_until="domcontentloaded")
            if swagger_rendered(manager):
                (out / "api-schema.png").unlink(missing_ok=True)
                shoot(manager, out, "api-docs.png", full_page=False)
            else:
                problems.append("/api/docs/ stayed blank (Swagger UI did not load): screenshot of /api/schema/ instead")
                manager.goto(f"{base_url}/api/schema/?format=json")
                (out / "api-docs.png").unlink(missing_ok=True)
                shoot(manager, out, "api-schema.png", full_page=False)
            take_work_screenshots(browser, base_url, out, problems)
            take_editor_screenshots(browser, base_url, out, problems)
            take_autofix_screenshot(browser, base_url, out, problems)
        finally:
            browser.close()
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots", help="folder for the PNG files")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is missing: install Debian's chromium package.", file=sys.stderr)
        return 2
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="jewelreview-screenshots-") as tmp, demo_server(Path(tmp)) as base_url:
        problems = take_screenshots(base_url, out)
    for problem in problems:
        print(f"note: {problem}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
