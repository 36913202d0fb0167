"""Which renderer renders an edition (:func:`analysis.render.renderers.choose`), and what the
build records of it. The renderings themselves: ``tests/build/test_quarto_render.py``."""

from __future__ import annotations

import pickle

import pytest

from analysis.core.errors import UsageError
from analysis.render import quarto, renderers


@pytest.fixture
def fake_quarto(monkeypatch, tmp_path):
    """A ``quarto`` that says its version; ``fake_quarto(v)`` changes it."""
    fake = tmp_path / "quarto"

    def version(number: str):
        fake.write_text(f"#!/bin/sh\necho {number}\n", encoding="utf-8")
        fake.chmod(0o755)
        quarto.forget()
        return fake

    monkeypatch.setenv(quarto.ENV_PATH, str(version("1.9.17")))
    yield version
    quarto.forget()


def test_renderer_choice(fake_quarto):
    chosen = renderers.choose(None)
    assert chosen.name == "builtin" and "1.9.18" in chosen.reason          # too old: said why
    fake_quarto("1.10.18")
    chosen = renderers.choose(None)
    assert isinstance(chosen, renderers.QuartoRenderer)
    assert (chosen.name, chosen.version, chosen.label) == ("quarto", "1.10.18", "quarto 1.10.18")
    assert chosen.title == "Quarto 1.10.18" and chosen.reason.startswith("trouvé : ")
    assert renderers.choose("quarto").reason.startswith("demandé par --renderer quarto")
    builtin = renderers.choose("builtin")
    assert isinstance(builtin, renderers.BuiltinRenderer)
    assert (builtin.name, builtin.label, builtin.title) == ("builtin", "builtin", "intégré (pandoc + typst)")


def test_an_unknown_renderer_is_refused():
    with pytest.raises(UsageError, match="(?s)--renderer word : rendu inconnu.*quarto ou builtin"):
        renderers.choose("word")


def test_the_label_is_what_the_render_key_hashed_before():
    """The manifests of earlier builds recorded these labels: their render keys stay valid."""
    assert renderers.BuiltinRenderer("").label == "builtin"
    assert renderers.QuartoRenderer("", "/opt/quarto/bin/quarto", "1.9.18").label == "quarto 1.9.18"


@pytest.mark.parametrize("renderer", [renderers.BuiltinRenderer("demandé par --renderer builtin"),
                                      renderers.QuartoRenderer("trouvé : /q", "/q", "1.9.18")])
def test_a_renderer_goes_to_a_worker_whole(renderer):
    """The batch pickles the renderer into its workers' tasks."""
    again = pickle.loads(pickle.dumps(renderer))
    assert again == renderer and (again.name, again.label, again.reason) == (renderer.name, renderer.label,
                                                                              renderer.reason)
