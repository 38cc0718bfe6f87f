"""The golden-file helper: writes a missing file locally, never in CI."""

from __future__ import annotations

import pytest

from tests.golden import UPDATE, as_json, assert_golden


def test_in_ci_a_missing_golden_file_fails_and_nothing_is_written(tmp_path, monkeypatch):
    monkeypatch.setenv("CI", "true")
    monkeypatch.setenv(UPDATE, "1")  # not even an explicit update writes in CI
    path = tmp_path / "card.json"
    with pytest.raises(pytest.fail.Exception, match="missing; in CI golden files are never written"):
        assert_golden(path, as_json({"a": 1}))
    assert not path.exists()


def test_in_ci_a_changed_rendering_fails_and_the_file_is_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("CI", "true")
    monkeypatch.setenv(UPDATE, "1")
    path = tmp_path / "card.json"
    path.write_text(as_json({"a": 1}), encoding="utf-8")
    with pytest.raises(AssertionError, match=r"card\.json changed"):
        assert_golden(path, as_json({"a": 2}))
    assert path.read_text(encoding="utf-8") == as_json({"a": 1})


def test_locally_a_missing_file_is_written_then_compared(tmp_path, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv(UPDATE, raising=False)
    path = tmp_path / "sub" / "card.json"
    assert_golden(path, as_json({"é": [1, 2]}))
    assert path.read_text(encoding="utf-8") == '{\n  "é": [\n    1,\n    2\n  ]\n}\n'
    with pytest.raises(AssertionError):
        assert_golden(path, as_json({"é": [1]}))


@pytest.mark.parametrize("value", ["false", "0", ""])
def test_ci_unset_or_false_counts_as_local(tmp_path, monkeypatch, value):
    monkeypatch.setenv("CI", value)
    assert_golden(tmp_path / "x.json", "{}\n")
    assert (tmp_path / "x.json").exists()
