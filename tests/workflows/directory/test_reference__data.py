"""Reference data as data: 514 regions with their provinces and zones, 6 x 3 dimensions.

The shipped region list loads into the database once (``Programme.load_shipped`` is idempotent) and
regions are found by code or name with suggestions for near misses; the dimension set is read
from YAML (a different edition is a different file), its labels are per language (Indonesian
element names, the programme's "Smart ..." dimension names in both), names are found by code,
label or alias, and ``check_tag`` names the valid choices.
Database tests run on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from config import language
from engine import InvalidInputError, NotFoundError
from interfaces.bootstrap import initialise
from workflows.directory import regions
from workflows.directory.models import Province, Region
from workflows.directory.reference import TagProblem, load_dimensions, shipped_regions

SHIPPED = load_dimensions()


def test_the_shipped_region_list() -> None:
    regions = shipped_regions()
    assert len(regions) == 514
    assert len({r.code for r in regions}) == 514
    assert all(re.fullmatch(r"\d{2}\.\d{2}", r.code) for r in regions)
    assert all(r.code.startswith(r.province_code + ".") for r in regions)
    assert {r.kind for r in regions} == {"kabupaten", "kota"}
    assert sum(r.kind == "kota" for r in regions) == 98
    assert len({r.province_code for r in regions}) == 38
    by_code = {r.code: r for r in regions}
    assert (by_code["64.71"].name, by_code["64.71"].kind, by_code["64.71"].province) == (
        "Kota Balikpapan", "kota", "Kalimantan Timur")
    assert (by_code["94.04"].name, by_code["94.04"].province) == (
        "Kabupaten Mimika", "Papua Tengah")


def test_init_loads_regions_once(prog: Any) -> None:
    with prog.db.read() as session:
        regions = session.execute(select(func.count()).select_from(Region)).scalar_one()
        provinces = session.execute(select(func.count()).select_from(Province)).scalar_one()
    assert (regions, provinces) == (514, 38)
    again = initialise(prog)
    assert (again.regions_added, again.definitions_published) == (0, [])
    with prog.db.read() as session:
        assert session.execute(select(func.count()).select_from(Region)).scalar_one() == 514
        assert prog.engine.definition_versions(session, "master_plan") == [4]


def test_regions_are_found_by_code_or_name(prog: Any) -> None:
    with prog.db.read() as session:
        assert regions.find_region(session, " 62.02 ").name == "Kabupaten Kotawaringin Timur"
        found = regions.find_region(session, "kabupaten BANGGAI")
        assert (found.code, found.zone, found.tz, found.province_code) == (
            "72.01", "WITA", "Asia/Makassar", "72")
        with pytest.raises(NotFoundError, match=r"^unknown region “Kabupaten Mimka”; did you "
                                                r"mean Kabupaten Mimika"):
            regions.find_region(session, "Kabupaten Mimka")
        with pytest.raises(NotFoundError, match=r"^unknown region “Gotham”; check the "
                                                r"region's name or its Kemendagri code"):
            regions.find_region(session, "Gotham")


def test_the_shipped_dimensions_are_six_by_three() -> None:
    assert [d.code for d in SHIPPED.dimensions] == [
        "governance", "branding", "economy", "society", "living", "environment"]
    assert all(len(d.elements) == 3 for d in SHIPPED.dimensions)
    assert [e.code for e in SHIPPED.get("living").elements] == [  # type: ignore[union-attr]
        "harmony", "health", "mobility"]
    assert str(SHIPPED.get("governance").label) == "Smart Governance"  # type: ignore[union-attr]
    assert SHIPPED.get("smart_city") is None


def test_labels_are_in_the_readers_language_dimensions_keep_the_programmes_names() -> None:
    with language.using("id"):
        assert [str(d.label) for d in SHIPPED.dimensions] == [
            "Smart Governance", "Smart Branding", "Smart Economy", "Smart Society",
            "Smart Living", "Smart Environment"]
        assert [str(e.label) for d in SHIPPED.dimensions for e in d.elements] == [
            "Pelayanan publik", "Birokrasi", "Kebijakan publik", "Pariwisata", "Bisnis",
            "Wajah kota", "Industri", "Kesejahteraan", "Transaksi keuangan", "Masyarakat",
            "Ekosistem belajar", "Keamanan", "Harmoni (tata ruang dan lingkungan)",
            "Kesehatan", "Mobilitas", "Perlindungan lingkungan", "Pengelolaan sampah",
            "Energi"]
        assert SHIPPED.labels("living", "health") == ("Smart Living", "Kesehatan")
        assert f"{SHIPPED.get('environment').elements[1].label}" == (  # type: ignore[union-attr]
            "Pengelolaan sampah")
    with language.using("en"):
        assert SHIPPED.labels("living", "health") == ("Smart Living", "Health")
        assert SHIPPED.labels("old_dimension", "x") == ("old_dimension", "x")


def test_names_are_found_by_code_label_in_either_language_or_alias() -> None:
    for dimension, element in [("governance", "public_service"),
                               ("Smart Governance", "Pelayanan Publik"),
                               ("smart-governance", "PUBLIC SERVICE"), ("", "pelayanan_publik")]:
        dim, el = SHIPPED.find(dimension, element)
        assert (dim.code, el.code) == ("governance", "public_service")
    assert [x.code for x in SHIPPED.find("Smart People", "Keamanan")] == ["society", "security"]
    with pytest.raises(TagProblem) as other:
        SHIPPED.find("Smart Governance", "Kesehatan")
    assert other.value.field == "element"
    assert str(other.value) == (
        "“Kesehatan” is an element of Smart Living, not of Smart Governance: pick an element "
        "of Smart Governance (Public service, Bureaucracy, Public policy), or change the "
        "dimension to Smart Living")
    with pytest.raises(TagProblem) as unknown:
        SHIPPED.find("Smart Ekonomi", "Industri")
    assert unknown.value.field == "dimension"
    with language.using("id"), pytest.raises(TagProblem) as missing:
        SHIPPED.find("economy", "")
    assert str(missing.value) == "elemen belum dipilih: pilih salah satu elemen dimensinya"


def test_check_tag_names_the_valid_choices() -> None:
    assert SHIPPED.check_tag("environment", "waste") is None
    assert SHIPPED.check_tag("environment", "health") == (
        "“health” is not an element of environment; "
        "pick one of: environmental_protection, waste, energy")
    assert SHIPPED.check_tag("ekonomi", "industry") == (
        "unknown dimension “ekonomi”; "
        "pick one of: governance, branding, economy, society, living, environment")
    with language.using("id"):
        assert SHIPPED.check_tag("environment", "health") == (
            "“health” bukan elemen environment; "
            "pilih salah satu: environmental_protection, waste, energy")


def test_another_edition_is_another_file(tmp_path: Path) -> None:
    path = tmp_path / "edisi-2027.yaml"
    path.write_text("dimensions:\n  - code: tata_kelola\n    label: Tata Kelola\n    elements:\n"
                    "      - {code: layanan_publik, label: Layanan Publik}\n", encoding="utf-8")
    edition = load_dimensions(path)  # labels as plain text, as files had them before: id
    assert [d.code for d in edition.dimensions] == ["tata_kelola"]
    with language.using("en"):  # no English given: the Indonesian
        assert edition.labels("tata_kelola", "layanan_publik") == ("Tata Kelola",
                                                                   "Layanan Publik")
    assert edition.check_tag("governance", "public_service") == (
        "unknown dimension “governance”; pick one of: tata_kelola")


@pytest.mark.parametrize(("text", "fragment"), [
    pytest.param("dimensions:\n  - code: gov\n    label: {en: Governance}\n    elements:\n"
                 "      - {code: a, label: A}\n", "not a valid dimensions file",
                 id="label-without-id"),
    pytest.param("dimensions: []\n", "not a valid dimensions file: 1 validation error",
                 id="no-dimensions"),
    pytest.param("dimensions:\n  - code: Smart Gov\n    label: X\n    elements:\n"
                 "      - {code: a, label: A}\n", "not a valid dimensions file", id="bad-code"),
    pytest.param("dimensions:\n  - code: gov\n    label: X\n    elements: []\n",
                 "not a valid dimensions file", id="no-elements"),
    pytest.param("dimensions: [\n", "not a valid dimensions file", id="bad-yaml"),
])
def test_a_bad_dimensions_file_is_refused(tmp_path: Path, text: str, fragment: str) -> None:
    path = tmp_path / "dims.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidInputError) as caught:
        load_dimensions(path)
    assert str(caught.value).startswith(f"{path}: {fragment}")


def test_a_missing_dimensions_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match=r"not a valid dimensions file: \[Errno 2\] "
                                                r"No such file or directory"):
        load_dimensions(tmp_path / "missing.yaml")
