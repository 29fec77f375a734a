"""The report, opened in headless Chromium: every image loads and the console stays clean.

Chromium (Debian's ``chromium``) is installed by ``.ci/run`` when missing; locally the test
skips without it. The page under test is a copy of ``index.html`` in the report folder
(so relative links resolve the same) with one script added first in ``<head>``: it records
every error event (a failed image or script, a JavaScript exception) and, once the page
has loaded, writes each image's ``naturalWidth`` into the DOM that ``--dump-dom`` prints.
"""

import json
import re
import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("matplotlib")
from PIL import Image  # noqa: E402

from skgenre.report import write_report  # noqa: E402

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
GENRES = ["Action", "Comedy", "Drama", "Horror"]

PROBE = """<script>
window.__errors = [];
window.addEventListener("error", function (event) {
  var target = event.target || {};
  window.__errors.push(target.src ? "failed to load " + target.src : String(event.message));
}, true);
window.addEventListener("load", function () {
  var images = Array.from(document.images).map(function (img) {
    return {src: img.getAttribute("src"), complete: img.complete, width: img.naturalWidth};
  });
  var out = document.createElement("pre");
  out.id = "probe";
  out.textContent = JSON.stringify({images: images, errors: window.__errors});
  document.body.appendChild(out);
});
</script>"""


def _browser():
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    pytest.skip("headless Chromium not found (apt-get install chromium; .ci/run does)")


def _open(browser, page, profile):
    """Load ``page`` headless; return the probe's findings and Chromium's console lines."""
    result = subprocess.run(
        [
            browser, "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-first-run", f"--user-data-dir={profile}", "--enable-logging=stderr",
            "--v=0", "--virtual-time-budget=5000", "--dump-dom", page.as_uri(),
        ],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    found = re.search(r'<pre id="probe">(.*?)</pre>', result.stdout, flags=re.S)
    assert found, "the page did not finish loading:\n" + result.stdout[-2000:]
    probe = json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    console = [line for line in result.stderr.splitlines() if "CONSOLE" in line]
    return probe, console


def _report(folder, movies_with_posters=True):
    rng = np.random.default_rng(3)
    n = 24
    Y = (rng.random((n, 4)) < 0.4).astype(int)
    Y[0] = 1
    text = np.clip(Y * 0.4 + rng.random(Y.shape) * 0.6, 0, 1)
    fusion = np.clip(Y * 0.6 + rng.random(Y.shape) * 0.4, 0, 1)
    posters = []
    for i in range(n):
        path = folder / "media" / f"p{i}.png"
        if movies_with_posters and i % 2:
            path.parent.mkdir(exist_ok=True)
            Image.new("RGB", (40, 60), (i * 9 % 255, 90, 150)).save(path)
            posters.append(str(path))
        else:
            posters.append("")
    movies = pd.DataFrame({
        "title": [f"Movie {i}" for i in range(n)],
        "plot": ["" if i % 3 == 0 else "A hero's story. " * 5 for i in range(n)],
        "poster": posters,
    })
    return write_report(
        folder / "report", Y_true=Y, probas={"text": text, "poster": text[::-1], "fusion": fusion},
        genre_names=GENRES, movies=movies, n_examples=6,
        explanations=[{"text": f"words of movie {i}"} for i in range(n)],
    )


def test_report_loads_every_image_without_console_error(tmp_path):
    browser = _browser()
    index = _report(tmp_path)
    page = index.with_name("_browser_check.html")
    html = index.read_text(encoding="utf-8")
    page.write_text(html.replace("<head>", "<head>" + PROBE, 1), encoding="utf-8")

    probe, console = _open(browser, page, tmp_path / "profile")

    sources = sorted(img["src"] for img in probe["images"])
    assert sources == sorted(re.findall(r'<img[^>]* src="([^"]+)"', html))
    assert any(src.startswith("posters/") for src in sources)  # thumbnails are shown
    assert len(sources) >= 4
    for img in probe["images"]:
        assert img["complete"] and img["width"] > 0, img
    assert probe["errors"] == []
    assert console == []


def test_browser_check_sees_a_broken_image_and_a_console_error(tmp_path):
    """The checks above can fail: a missing figure, and a script logging an error."""
    browser = _browser()
    index = _report(tmp_path)
    (index.parent / "pr_micro.png").unlink()
    page = index.with_name("_browser_check.html")
    html = index.read_text(encoding="utf-8").replace("<head>", "<head>" + PROBE, 1)
    html = html.replace("</main>", '<script>console.error("broken on purpose")</script></main>')
    page.write_text(html, encoding="utf-8")

    probe, console = _open(browser, page, tmp_path / "profile")

    broken = [img["src"] for img in probe["images"] if img["width"] == 0]
    assert broken == ["pr_micro.png"]
    assert any("pr_micro.png" in error for error in probe["errors"])
    assert any("broken on purpose" in line for line in console)
