"""The legal catalog an administrator keeps current: its rules, the service that applies
them, the migration that turned instruments into records, and the seeded rows."""

from __future__ import annotations

import dataclasses
import json
from datetime import date

import pytest
from alembic import command
from sqlalchemy import text

from app.db import Database, open_database
from app.db.engine import make_engine
from app.db.migrate import HEAD_REVISION, alembic_config, current_revision
from app.domain import legal
from app.domain.events import EventInput
from app.domain.labels import PartyKind, SanctionForm
from app.domain.legal import AuthorityLimit, InstrumentInput, ProvisionInput, Validity
from app.errors import NotAllowed, UserError, ValidationError
from app.resources import resource_path
from app.services import audit, cases, events, legal_basis
from app.services.actor import Actor
from app.services.audit import AuditAction
from tests.conftest import TODAY, make_case

ND174 = "NĐ 174/2026/NĐ-CP"
ND174_1A = "Điểm a Khoản 1 Điều 95 NĐ 174/2026/NĐ-CP"


def _instrument_id(db: Database, citation: str = ND174) -> int:
    return next(i.id for i in legal_basis.catalog(db).instruments if i.citation == citation)


def _provision(instrument_id: int | None, **changes: object) -> ProvisionInput:
    values: dict[str, object] = {
        "instrument_id": instrument_id, "article": "199", "clause": "1", "point": "a",
        "description": "Hành vi thử nghiệm", "group_codes": ("KH",),
        "fine_min": 10_000_000, "fine_max": 20_000_000, "stated_for": PartyKind.ORGANISATION,
        "other_party_factor": 0.5, "remedies": ("Buộc gỡ bỏ", " ", "buộc gỡ bỏ"),
        "valid_from": date(2026, 7, 1)}
    values.update(changes)
    return ProvisionInput(**values)  # type: ignore[arg-type]


def _fields(error: pytest.ExceptionInfo[ValidationError]) -> dict[str, str]:
    return {p.field: p.message for p in error.value.problems}


# The rules, without a database --------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"valid_to": date(2026, 6, 30)}, "valid_to", "trước ngày có hiệu lực 01/07/2026"),
        ({"fine_min": 30_000_000}, "fine_max", "nhỏ hơn mức thấp nhất 30.000.000 đồng"),
        ({"fine_max": None}, "fine_max", "cả mức thấp nhất và mức cao nhất"),
        ({"fine_min": 0}, "fine_min", "lớn hơn 0"),
        ({"group_codes": ("KH", "XX")}, "group_codes", "Không có nhóm hành vi XX"),
        ({"group_codes": ()}, "group_codes", "ít nhất một nhóm"),
        ({"stated_for": None}, "stated_for", "cá nhân hay tổ chức"),
        ({"other_party_factor": 0.0}, "other_party_factor", "lớn hơn 0"),
        ({"description": "  "}, "description", "Cần nhập «Mô tả hành vi»"),
        ({"clause": ""}, "clause", "Có điểm thì cần khoản"),
        ({"instrument_id": None}, "instrument_id", "Chọn văn bản"),
        ({"article": "12345678901"}, "article", "tối đa 10 ký tự"),
    ],
)
def test_a_provision_that_breaks_a_rule_is_refused_on_its_field(
        changes: dict[str, object], field: str, words: str) -> None:
    with pytest.raises(ValidationError) as error:
        legal.check_provision(dataclasses.replace(_provision(1), **changes))
    assert words in _fields(error)[field]


def test_a_provision_is_stored_clean() -> None:
    checked = legal.check_provision(_provision(1, group_codes=("KH", "TE", "KH"), point=" g "))
    assert checked.group_codes == ("KH", "TE")
    assert checked.remedies == ("Buộc gỡ bỏ",)  # blank and repeated lines dropped
    assert checked.point == "g"
    bare = legal.check_provision(_provision(1, fine_min=None, fine_max=None))
    assert (bare.stated_for, bare.other_party_factor) == (None, None)  # no range, no party


def test_an_instrument_and_a_limit_that_break_a_rule_are_refused() -> None:
    with pytest.raises(ValidationError) as error:
        legal.check_instrument(InstrumentInput(" ", valid_from=date(2026, 7, 1),
                                               valid_to=date(2026, 1, 1)))
    assert set(_fields(error)) == {"citation", "valid_to"}
    with pytest.raises(ValidationError) as limit_error:
        legal.check_limit(AuthorityLimit("", PartyKind.PERSON, 0, "Điều 1"))
    assert set(_fields(limit_error)) == {"authority", "max_fine"}


def test_the_limit_in_force_on_a_day() -> None:
    old = AuthorityLimit(legal.COMMUNE_CHAIRMAN, PartyKind.PERSON, 5_000_000, "cũ",
                         valid_to=date(2026, 6, 30))
    new = AuthorityLimit(legal.COMMUNE_CHAIRMAN, PartyKind.PERSON, 50_000_000, "mới",
                         valid_from=date(2026, 7, 1))
    org = dataclasses.replace(new, party=PartyKind.ORGANISATION, max_fine=100_000_000)
    limits = [old, new, org]
    chairman = "chủ tịch ủy ban nhân dân cấp xã"  # typed another way
    assert legal.limit_on(limits, chairman, PartyKind.PERSON, date(2026, 6, 30)) == old
    assert legal.limit_on(limits, chairman, PartyKind.PERSON, date(2026, 7, 1)) == new
    assert legal.limit_on(limits, chairman, PartyKind.ORGANISATION, date(2026, 6, 1)) is None
    assert legal.overlapping_limit(dataclasses.replace(new, valid_from=date(2026, 6, 1)),
                                   [old, org]) == old


def test_validity_overlaps_with_open_ends() -> None:
    july = Validity(date(2026, 7, 1), None)
    assert july.overlaps(Validity(None, date(2026, 7, 1)))
    assert not july.overlaps(Validity(None, date(2026, 6, 30)))
    assert Validity(None, None).overlaps(july)


# The service ----------------------------------------------------------------------------------


def test_an_administrator_adds_a_provision_that_is_proposed_and_audited(
        db: Database, admin: Actor) -> None:
    added = legal_basis.add_provision(db, admin, _provision(_instrument_id(db)))
    assert added.citation == "Điểm a Khoản 1 Điều 199 NĐ 174/2026/NĐ-CP"
    assert added.fine_range(PartyKind.PERSON) == (5_000_000, 10_000_000)
    proposed = legal_basis.proposals(db, date(2026, 8, 1), "KH")
    assert proposed[0].group_codes == ("KH",) and added in proposed
    assert added not in legal_basis.proposals(db, date(2026, 6, 30), "KH")
    with db.read() as session:
        [row] = audit.entries(session, action=AuditAction.LEGAL_BASIS_CHANGE)
    assert row.detail["op"] == "add"
    assert "description" in row.detail["changed"]
    assert "description" not in row.detail["values"]  # the log keeps no free text
    assert row.detail["values"]["fine_min"] == [None, 10_000_000]


def test_the_catalog_refuses_a_duplicate_over_overlapping_dates(
        db: Database, admin: Actor) -> None:
    nd174 = _instrument_id(db)
    with pytest.raises(ValidationError) as error:
        legal_basis.add_provision(db, admin, _provision(nd174, article="95", clause="1",
                                                        point="A", valid_from=date(2027, 1, 1)))
    assert "Điểm a Khoản 1 Điều 95 NĐ 174/2026/NĐ-CP đã có trong danh mục với hiệu lực từ " \
           "01/07/2026" in _fields(error)["point"]
    # Once the old one is ended, the amended text can follow it.
    old = next(p for p in legal_basis.all_provisions(db) if p.citation == ND174_1A)
    legal_basis.end_provision(db, admin, old.id, date(2026, 12, 31))
    legal_basis.add_provision(db, admin, _provision(nd174, article="95", clause="1", point="a",
                                                    valid_from=date(2027, 1, 1)))
    with pytest.raises(ValidationError) as twice:
        legal_basis.add_instrument(db, admin, InstrumentInput("nđ 174/2026/nđ-cp"))
    assert "Văn bản NĐ 174/2026/NĐ-CP đã có" in _fields(twice)["citation"]
    with pytest.raises(ValidationError):
        legal_basis.add_limit(db, admin, AuthorityLimit(
            legal.COMMUNE_CHAIRMAN, PartyKind.PERSON, 1, "Điều 1", valid_from=date(2027, 1, 1)))


def test_a_provision_stays_within_its_instruments_validity(db: Database, admin: Actor) -> None:
    with pytest.raises(ValidationError) as early:
        legal_basis.add_provision(db, admin, _provision(_instrument_id(db), valid_from=None))
    assert "NĐ 174/2026/NĐ-CP chỉ có hiệu lực từ ngày 01/07/2026" in _fields(early)["valid_from"]
    nd15 = _instrument_id(db, "NĐ 15/2020/NĐ-CP (sửa đổi bởi NĐ 14/2022/NĐ-CP)")
    with pytest.raises(ValidationError) as late:
        legal_basis.add_provision(db, admin, _provision(nd15, valid_from=None))
    assert "hết hiệu lực sau ngày 30/06/2026" in _fields(late)["valid_to"]


def test_only_an_administrator_changes_the_catalog(db: Database, officer: Actor) -> None:
    with pytest.raises(NotAllowed):
        legal_basis.add_instrument(db, officer, InstrumentInput("NĐ 1/2027/NĐ-CP"))


def _cite_in_a_voided_sanction(db: Database, officer: Actor, provision_id: int) -> None:
    case = cases.create_case(db, officer, make_case(offender_name="Trần Văn Bình"), today=TODAY)
    detail = events.add_event(db, officer, case.id, EventInput(
        "XP", date(2026, 10, 10), sanction_form=SanctionForm.WARNING,
        legal_basis_ids=(provision_id,)), today=TODAY)
    events.void_event(db, officer, detail.events[0].id, "Ghi nhầm")


def test_a_provision_a_sanction_cites_is_ended_never_deleted(
        db: Database, admin: Actor, officer: Actor) -> None:
    used = next(p for p in legal_basis.all_provisions(db) if p.citation == ND174_1A)
    _cite_in_a_voided_sanction(db, officer, used.id)  # voided still counts
    with pytest.raises(UserError, match="đã được dùng trong quyết định xử phạt"):
        legal_basis.delete_provision(db, admin, used.id)
    with pytest.raises(UserError, match="có điều khoản đã được dùng"):
        legal_basis.delete_instrument(db, admin, used.instrument_id)
    with pytest.raises(ValidationError, match="trước ngày có hiệu lực"):
        legal_basis.end_provision(db, admin, used.id, date(2026, 6, 1))
    ended = legal_basis.end_provision(db, admin, used.id, date(2026, 12, 31))
    assert ended.valid_to == date(2026, 12, 31)
    assert used.id in legal_basis.catalog(db).used
    unused = legal_basis.add_provision(db, admin, _provision(used.instrument_id))
    legal_basis.delete_provision(db, admin, unused.id)
    assert unused.id not in {p.id for p in legal_basis.all_provisions(db)}


def test_ending_an_instrument_ends_its_provisions_in_force(db: Database, admin: Actor) -> None:
    nd174 = _instrument_id(db)
    legal_basis.end_instrument(db, admin, nd174, date(2027, 6, 30))
    ended = [p for p in legal_basis.all_provisions(db) if p.instrument_id == nd174]
    assert ended and {p.valid_to for p in ended} == {date(2027, 6, 30)}
    added = legal_basis.add_instrument(db, admin, InstrumentInput(
        "NĐ 1/2027/NĐ-CP", "Nghị định thử"))
    legal_basis.add_provision(db, admin, _provision(added.id, valid_from=date(2027, 7, 1)))
    with pytest.raises(ValidationError, match="chỉ có hiệu lực từ ngày 01/07/2027"):
        legal_basis.end_instrument(db, admin, added.id, date(2027, 6, 30))
    legal_basis.delete_instrument(db, admin, added.id)  # with its unused provision
    assert added.id not in {i.id for i in legal_basis.catalog(db).instruments}


# The seed and the migration -----------------------------------------------------------------


def test_the_seed_file_passes_the_catalogs_own_rules() -> None:
    shipped = json.loads(resource_path("seed", "legal_bases.json").read_text(encoding="utf-8"))
    citations = [i["citation"] for i in shipped["instruments"]]
    for row in shipped["instruments"]:
        legal.check_instrument(InstrumentInput(row["citation"], row["title"]))
    for row in shipped["provisions"]:
        assert row["instrument"] in citations
        if row["fine_min"] is not None:  # an instrument cited without a fine needs no range
            legal.check_provision(ProvisionInput(
                1, row["article"] or "", row["clause"] or "", row["point"] or "",
                row["description"], tuple(row["groups"]), row["fine_min"], row["fine_max"],
                PartyKind(row["stated_for"]), row["other_party_factor"]))
    for row in shipped["authority_limits"]:
        legal.check_limit(AuthorityLimit(row["authority"], PartyKind(row["party"]),
                                         row["max_fine"], row["basis"]))


@pytest.mark.sqlite_only("an older version's SQLite folder")
def test_an_older_folder_gets_instruments_and_limits_and_keeps_ids_and_edits(
        db: Database, admin: Actor, officer: Actor) -> None:
    """An encrypted folder of the version before (0008): its provisions keep their ids, the
    sanctions that cite them their basis, and an office's edit its text."""
    shipped_before = [p for p in legal_basis.all_provisions(db) if p.article != "96"]
    for added in legal_basis.all_provisions(db):
        if added.article == "96":  # shipped from this version on: missing in older folders
            legal_basis.delete_provision(db, admin, added.id)
    before = {p.id: p.citation for p in shipped_before}
    cited = next(i for i, c in before.items() if c == ND174_1A)
    _cite_in_a_voided_sanction(db, officer, cited)
    paths, data_key = db.paths, db.data_key
    db.dispose()
    engine = make_engine(paths.database, data_key)
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0008")
        conn.execute(text("UPDATE legal_provisions SET description = 'Sửa của văn phòng' "
                          "WHERE id = :id"), {"id": cited})
    engine.dispose()
    again = open_database(paths)
    again.unlock(data_key)
    try:
        assert current_revision(again.engine) == HEAD_REVISION
        found = legal_basis.catalog(again)
        # The rows of 0008 keep their ids; the provisions shipped since follow them.
        kept = {p.id: p.citation for p in found.provisions if p.id in before}
        assert kept == before
        assert [p.citation for p in found.provisions if p.id not in before] == [
            f"Điểm {point} Khoản 3 Điều 96 NĐ 174/2026/NĐ-CP" for point in "gmn"]
        assert found.used == {cited}
        assert next(p for p in found.provisions if p.id == cited).description \
            == "Sửa của văn phòng"
        nd15 = next(i for i in found.instruments if i.citation.startswith("NĐ 15/2020"))
        assert nd15.valid_to == date(2026, 6, 30) and "bưu chính" in nd15.title
        assert len(found.instruments) == len({p.instrument_id for p in found.provisions})
        assert {(lim.limit.party, lim.limit.max_fine, lim.limit.to_confirm)
                for lim in found.limits} == {
            (PartyKind.PERSON, 50_000_000, False), (PartyKind.ORGANISATION, 100_000_000, False),
            (PartyKind.PERSON, 5_000_000, True), (PartyKind.ORGANISATION, 10_000_000, True)}
    finally:
        again.dispose()
