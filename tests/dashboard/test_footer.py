"""The footer names the data version and says the data is illustrative only
where it is the demo data: imported data is real and must not be called
made up."""

from __future__ import annotations

from pathlib import Path

import flask
import pytest

from core.data import ingest
from core.data.store import Store
from tests.conftest import demo_files


def _footer(db: Path, lang: str = "nb") -> str:
    """The footer's text as the filter callback writes it, for ``db``."""
    from dashboard.data import STORE_KEY
    from dashboard.layout import _data_version

    app = flask.Flask(__name__)
    app.config[STORE_KEY] = Store(db)
    with app.test_request_context("/"):
        return _data_version(lang)


@pytest.mark.parametrize(
    ("lang", "version", "sentence"),
    [
        ("nb", "Dataversjon 1, publisert ", "Demodataene er illustrative."),
        ("nn", "Dataversjon 1, publisert ", "Demodataa er illustrerande."),
        ("en", "Data version 1, published ", "The demo data are illustrative."),
    ],
)
def test_the_demo_data_is_called_illustrative(
    db: Path, lang: str, version: str, sentence: str
) -> None:
    text = _footer(db, lang)
    assert text.startswith(version)
    assert text.endswith(f" · {sentence}")


def test_imported_data_is_not_called_illustrative(tmp_path: Path) -> None:
    db = tmp_path / "data" / "dekomp.duckdb"
    ingest.import_files(db, demo_files(), description="import fra fylkesmannen")
    text = _footer(db)
    assert text.startswith("Dataversjon 1, publisert ")
    assert "illustrative" not in text and "·" not in text
