import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QColor, QImage

from annotate.labels import load_label_set


def test_screenshots_show_highlighted_articles_in_light_and_dark(tmp_path):
    script = Path(__file__).with_name("screenshots.py")
    run = subprocess.run([sys.executable, str(script), str(tmp_path)], capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    tints = {QColor(label.colour).rgb() for label in load_label_set()}
    for name in ("light", "dark"):
        image = QImage(str(tmp_path / f"window-{name}.png"))
        assert image.width() >= 1200
        row = image.height() // 6  # a line of the article, under the toolbar
        middle = range(image.width() // 4, image.width() * 3 // 4, 2)
        tinted = sum(1 for x in middle if image.pixel(x, row) in tints)
        background = QColor(image.pixel(image.width() // 2, image.height() - 40))
        assert tinted > 0, f"no highlighted span on row {row} of the {name} window"
        assert (background.lightness() > 128) == (name == "light")
    for name in ("review", "adjudication", "figures"):
        assert QImage(str(tmp_path / f"window-{name}.png")).width() >= 1200
