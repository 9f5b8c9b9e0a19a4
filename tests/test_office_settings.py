"""The office's settings: unit names and signers kept as typed, the report's two issuers,
and settings saved by an earlier version still loading."""

from __future__ import annotations

import dataclasses
import json

import pytest

from app.db import Database
from app.domain.office import Issuer, OfficeSettings
from app.errors import UserError
from app.models import Setting
from app.reports import document
from app.services import settings
from app.services.actor import Actor

COMMITTEE = OfficeSettings(
    managing_body="ỦY BAN NHÂN DÂN\nXÃ MINH TÂN",
    managing_body_in_sentence="Ủy ban nhân dân xã Minh Tân",
    unit_name="PHÒNG VĂN HÓA - XÃ HỘI", unit_in_sentence="Phòng Văn hóa - Xã hội",
    issuer=Issuer.COMMITTEE, committee_signer_name="Nguyễn Văn Bình")


def test_each_issuer_brings_its_own_heading_symbol_and_signer() -> None:
    committee = COMMITTEE.report_issuer
    assert (committee.above, committee.heading, committee.in_sentence) == (
        "", "ỦY BAN NHÂN DÂN\nXÃ MINH TÂN", "Ủy ban nhân dân xã Minh Tân")
    assert document.number_line(committee, "12") == "Số: 12/BC-UBND"
    assert committee.signer_lines == ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")
    assert committee.signer_name == "Nguyễn Văn Bình"
    unit = COMMITTEE.issuer_details(Issuer.UNIT)
    assert (unit.above, unit.heading, unit.in_sentence) == (
        "ỦY BAN NHÂN DÂN\nXÃ MINH TÂN", "PHÒNG VĂN HÓA - XÃ HỘI", "Phòng Văn hóa - Xã hội")
    assert unit.signer_lines == ("KT. TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG")


def test_a_name_not_typed_for_sentences_is_its_heading_never_re_cased() -> None:
    office = OfficeSettings(unit_name="PHÒNG VĂN HÓA -\nXÃ HỘI", managing_body="Ủy ban Xã")
    assert office.report_issuer.in_sentence == "PHÒNG VĂN HÓA - XÃ HỘI"
    assert office.issuer_details(Issuer.COMMITTEE).in_sentence == "Ủy ban Xã"


def test_a_signer_block_holds_at_most_three_lines() -> None:
    OfficeSettings(committee_signer=("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH",
                                     "PHÓ CHỦ TỊCH")).validate()
    with pytest.raises(UserError) as refused:
        OfficeSettings(unit_signer=("KT. TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG", "Ký", "Tên")
                       ).validate()
    assert refused.value.field == "unit_signer" and "tối đa 3 dòng" in refused.value.message


@pytest.mark.parametrize(("typed", "printed"), [
    (["Sở Văn hóa, Thể thao và Du lịch tỉnh Tây Ninh;"],
     ["Kính gửi: Sở Văn hóa, Thể thao và Du lịch tỉnh Tây Ninh."]),
    (["Sở Văn hóa, Thể thao và Du lịch tỉnh Tây Ninh;;", "- Công an tỉnh Tây Ninh.", "  "],
     ["Kính gửi:", "- Sở Văn hóa, Thể thao và Du lịch tỉnh Tây Ninh;",
      "- Công an tỉnh Tây Ninh."]),
    ([], []),
])
def test_addressees_are_laid_out_and_punctuated_once(typed: list[str],
                                                     printed: list[str]) -> None:
    assert document.addressed(typed) == printed


def test_recipients_end_with_one_mark_each() -> None:
    assert document.listed(["Như trên;", "Chủ tịch, các PCT UBND xã,", "Lưu: VT, VHXH."]) == [
        "- Như trên;", "- Chủ tịch, các PCT UBND xã;", "- Lưu: VT, VHXH."]


def test_settings_saved_by_the_earlier_version_still_load(db: Database, admin: Actor) -> None:
    old = {"managing_body": "UBND XÃ MINH TÂN", "unit_name": "PHÒNG VĂN HÓA - XÃ HỘI",
           "document_symbol": "BC-VHXH", "signer_authority": "KT. TRƯỞNG PHÒNG",
           "signer_title": "PHÓ TRƯỞNG PHÒNG", "signer_name": "Trần Văn Minh",
           "addressees": ["Sở Văn hóa, Thể thao và Du lịch tỉnh"],
           "recipients": ["Như trên;", "Lưu: VT, VHXH."], "idle_lock_minutes": 15}
    with db.write() as session:
        session.get(Setting, settings.OFFICE_KEY).value = json.dumps(old, ensure_ascii=False)
    office = settings.load_office(db)
    issuer = office.report_issuer
    assert office.issuer is Issuer.UNIT and office.idle_lock_minutes == 15
    assert (issuer.above, issuer.heading, issuer.document_symbol) == (
        "UBND XÃ MINH TÂN", "PHÒNG VĂN HÓA - XÃ HỘI", "BC-VHXH")
    assert issuer.signer_lines == ("KT. TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG")
    assert issuer.signer_name == "Trần Văn Minh"
    # Saved again, it keeps what it loaded under the new names.
    settings.save_office(db, admin, office)
    assert settings.load_office(db) == office


def test_an_issuer_this_version_does_not_know_falls_back_to_the_unit() -> None:
    assert OfficeSettings.from_json({"issuer": "tinh"}).issuer is Issuer.UNIT
    assert OfficeSettings.from_json({"issuer": "committee"}).issuer is Issuer.COMMITTEE


def test_the_chairmans_signature_is_his_own_and_round_trips(db: Database, admin: Actor) -> None:
    assert OfficeSettings().issuer_details(Issuer.CHAIRMAN).signer_lines == (
        "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")
    office = dataclasses.replace(COMMITTEE, chairman_signer=("CHỦ TỊCH",),
                                 chairman_signer_name="Lê Văn Chủ")
    settings.save_office(db, admin, office)
    loaded = settings.load_office(db)
    assert loaded == office
    chairman = loaded.issuer_details(Issuer.CHAIRMAN)
    assert (chairman.heading, chairman.signer_lines, chairman.signer_name) == (
        "ỦY BAN NHÂN DÂN\nXÃ MINH TÂN", ("CHỦ TỊCH",), "Lê Văn Chủ")
    with pytest.raises(UserError) as refused:
        dataclasses.replace(office, chairman_signer=("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")
                            ).validate()
    assert refused.value.field == "chairman_signer" and "Điều 13" in refused.value.message


def test_the_report_is_never_issued_as_the_chairmans() -> None:
    assert OfficeSettings.from_json({"issuer": "chairman"}).issuer is Issuer.UNIT
    with pytest.raises(UserError):
        OfficeSettings(issuer=Issuer.CHAIRMAN).validate()
