"""`fivefold manifest teams` writes an uploadable Teams app package."""

from __future__ import annotations

import json
import struct
import zipfile
import zlib

from typer.testing import CliRunner

from app import cli
from tests.teams.card_validator import ensure_installed, validate_manifest

APP_ID = "6f1c7a9e-3b2d-4c5e-8f90-0a1b2c3d4e5f"


def png_size_and_pixels(data: bytes) -> tuple[int, int, bytes]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height, depth, colour = struct.unpack(">IIBB", data[16:26])
    assert (depth, colour) == (8, 6)
    position, idat = 8, b""
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        crc = struct.unpack(">I", data[position + 8 + length : position + 12 + length])[0]
        assert zlib.crc32(kind + body) & 0xFFFFFFFF == crc
        if kind == b"IDAT":
            idat += body
        position += 12 + length
    return width, height, zlib.decompress(idat)


def test_manifest_teams_writes_a_valid_package(tmp_path):
    out = tmp_path / "fivefold.zip"
    result = CliRunner().invoke(
        cli,
        [
            "manifest",
            "teams",
            "--app-id",
            APP_ID,
            "--url",
            "https://ff.example.com/",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as package:
        assert sorted(package.namelist()) == ["color.png", "manifest.json", "outline.png", "pl.json", "uk.json"]
        manifest = json.loads(package.read("manifest.json"))
        localizations = {language: json.loads(package.read(f"{language}.json")) for language in ("pl", "uk")}
        color = png_size_and_pixels(package.read("color.png"))
        outline = png_size_and_pixels(package.read("outline.png"))
    bot = manifest["bots"][0]
    assert manifest["id"] == bot["botId"] == APP_ID
    assert bot["scopes"] == ["personal", "team", "groupChat"]
    titles = [c["title"] for c in bot["commandLists"][0]["commands"]]
    assert titles == ["kudos", "stats", "leaderboard", "ambassador", "story", "help"]
    assert manifest["validDomains"] == ["ff.example.com"]
    (extension,) = manifest["composeExtensions"]
    assert extension["botId"] == APP_ID
    (action,) = extension["commands"]
    assert (action["id"], action["type"], action["context"], action["fetchTask"]) == (
        "giveKudos", "action", ["message"], True
    )
    node = ensure_installed()
    assert validate_manifest(node, manifest, localizations) == {"manifest": [], "pl": [], "uk": []}
    assert localizations["pl"]["composeExtensions[0].commands[0].title"] == "Daj kudos"
    assert localizations["uk"]["description.short"].endswith("у Teams.")
    assert color[:2] == (192, 192)
    assert outline[:2] == (32, 32)
    rows = outline[2]
    pixels = {rows[r * 129 + 1 + c * 4 : r * 129 + 5 + c * 4] for r in range(32) for c in range(32)}
    assert pixels == {b"\xff\xff\xff\xff", b"\x00\x00\x00\x00"}  # white on transparent only


def test_manifest_teams_refuses_a_bad_app_id(tmp_path):
    result = CliRunner().invoke(
        cli,
        [
            "manifest",
            "teams",
            "--app-id",
            "nope",
            "--url",
            "https://x.example",
            "--out",
            str(tmp_path / "z"),
        ],
    )
    assert result.exit_code == 2


def test_the_manifest_validator_catches_schema_errors():
    from adapters.teams.manifest import teams_manifest

    manifest = teams_manifest(APP_ID, "https://ff.example.com/")
    manifest["composeExtensions"][0]["commands"][0]["title"] = "x" * 40  # Teams allows 32
    errors = validate_manifest(ensure_installed(), manifest, {"pl": {"name.short": "y" * 40}})
    assert errors["manifest"] and errors["pl"]
