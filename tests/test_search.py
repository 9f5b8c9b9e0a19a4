"""Search ignoring case and diacritics, filters in SQL, repeat offenders."""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import select

from app.db import Database, open_database
from app.db.migrate import alembic_config
from app.domain.events import EventInput
from app.domain.labels import CaseStatus, ClosingResult
from app.models import Case
from app.paths import DataPaths
from app.services import accounts, cases, events, setup
from app.services.actor import Actor
from app.services.search import (
    CaseQuery,
    SortKey,
    count_cases,
    find_repeat_offenders,
    search_case_ids,
)
from app.text import fold
from tests.conftest import (
    ADMIN_PASSWORD,
    SERVER,
    TODAY,
    _server_admin,
    _server_database,
    make_case,
)


@pytest.fixture
def register(db: Database, officer: Actor) -> dict[str, int]:
    made = {
        "duc": cases.create_case(db, officer, make_case(
            offender_name="Nguyễn Văn Đức", account="Đức Nguyễn", detected_on=date(2026, 9, 1),
            summary="Bình luận xúc phạm 100% cán bộ_ấp", group_code="DD"), today=TODAY),
        "duc_nfd": cases.create_case(db, officer, make_case(
            offender_name=unicodedata.normalize("NFD", "Nguyễn Văn Đức"),
            account="Trang khác", url="https://m.facebook.com/trangkhac/posts/9",
            detected_on=date(2026, 10, 1)), today=TODAY),
        "other": cases.create_case(db, officer, make_case(
            account="Chợ online Tân Hòa", url="http://facebook.com/chotanhoa",
            detected_on=date(2026, 11, 1), platform_code="TT"), today=TODAY),
    }
    events.add_event(db, officer, made["other"].id,
                     EventInput("KT", date(2026, 11, 2), closing_result=ClosingResult.HANDLED),
                     today=TODAY)
    return {key: detail.id for key, detail in made.items()}


@pytest.mark.parametrize("typed", ["nguyen van duc", "NGUYỄN VĂN ĐỨC", "đức",
                                   unicodedata.normalize("NFD", "Văn Đức"), "duc nguyen"])
def test_search_ignores_case_diacritics_and_unicode_form(
    db: Database, register: dict[str, int], typed: str
) -> None:
    found = search_case_ids(db, CaseQuery(text=typed))
    assert set(found) == {register["duc"], register["duc_nfd"]}


def test_wildcards_typed_by_the_user_are_literal(db: Database, register: dict[str, int]) -> None:
    assert search_case_ids(db, CaseQuery(text="100%")) == [register["duc"]]
    assert search_case_ids(db, CaseQuery(text="bo_ap")) == [register["duc"]]
    assert search_case_ids(db, CaseQuery(text="%")) == [register["duc"]]
    assert search_case_ids(db, CaseQuery(text="' OR 1=1 --")) == []


def test_filters_and_sorting(db: Database, register: dict[str, int]) -> None:
    assert search_case_ids(db, CaseQuery(status=CaseStatus.CLOSED)) == [register["other"]]
    assert count_cases(db, CaseQuery(status=CaseStatus.OPEN)) == 2
    assert search_case_ids(db, CaseQuery(platform_code="TT")) == [register["other"]]
    assert search_case_ids(db, CaseQuery(group_code="DD")) == [register["duc"]]
    assert search_case_ids(db, CaseQuery(identified=False)) == [register["other"]]
    assert search_case_ids(db, CaseQuery(detected_from=date(2026, 9, 15),
                                         detected_to=date(2026, 10, 31))) == [register["duc_nfd"]]
    oldest_first = search_case_ids(db, CaseQuery(sort=SortKey.DETECTED, descending=False))
    assert oldest_first == [register["duc"], register["duc_nfd"], register["other"]]


def test_deleted_cases_are_found_only_in_the_bin(db: Database, leader: Actor,
                                                 register: dict[str, int]) -> None:
    cases.delete_case(db, leader, register["other"], "trùng")
    assert register["other"] not in search_case_ids(db, CaseQuery())
    assert search_case_ids(db, CaseQuery(deleted=True)) == [register["other"]]


def test_words_find_live_and_deleted_cases_in_every_order(db: Database, leader: Actor,
                                                          register: dict[str, int]) -> None:
    # Live cases are matched through each sort's index, deleted ones by their ids: the
    # same cases either way, in the order the list without words has them.
    cases.delete_case(db, leader, register["duc_nfd"], "trùng")
    for key in SortKey:
        for descending in (False, True):
            listed = search_case_ids(db, CaseQuery(sort=key, descending=descending))
            found = search_case_ids(db, CaseQuery(text="facebook", sort=key,
                                                  descending=descending))
            assert found == [i for i in listed if i in {register["duc"], register["other"]}]
            assert search_case_ids(db, CaseQuery(text="tan hoa", sort=key,
                                                 descending=descending)) == [register["other"]]
    for text in ("facebook", "nguyen van duc", "trang khac"):
        assert search_case_ids(db, CaseQuery(text=text, deleted=True)) == [
            register["duc_nfd"]]
    assert search_case_ids(db, CaseQuery(text="trang khac")) == []
    assert count_cases(db, CaseQuery(text="facebook")) == 2


def test_repeat_offender_by_account_url_or_name(db: Database, register: dict[str, int]) -> None:
    by_name = find_repeat_offenders(db, account=None, url=None, offender_name="nguyen van duc",
                                    exclude_case_id=register["duc"])
    assert [m.case_id for m in by_name] == [register["duc_nfd"]]
    by_url = find_repeat_offenders(db, account=None,
                                   url="https://www.facebook.com/trangkhac/posts/9/",
                                   offender_name=None)
    assert [(m.case_id, m.matched_on) for m in by_url] == [(register["duc_nfd"], "url")]
    by_account = find_repeat_offenders(db, account="@cho online tan hoa", url=None,
                                       offender_name=None)
    assert [m.case_id for m in by_account] == [register["other"]]


def test_rows_come_back_in_the_order_asked(db: Database, register: dict[str, int]) -> None:
    from app.services.search import fetch_rows

    ids = [register["other"], register["duc"]]
    rows = fetch_rows(db, ids)
    assert [r.id for r in rows] == ids
    assert rows[0].status is CaseStatus.CLOSED and rows[1].status is CaseStatus.OPEN


def test_short_and_long_words_and_edits_reach_the_index(db: Database, officer: Actor,
                                                        register: dict[str, int]) -> None:
    # Two letters are matched without the trigram index, three with it: same answer.
    assert set(search_case_ids(db, CaseQuery(text="du"))) >= {register["duc"]}
    assert set(search_case_ids(db, CaseQuery(text="đức"))) == {register["duc"],
                                                                register["duc_nfd"]}
    detail = cases.get_case(db, officer, register["other"])
    import dataclasses

    cases.update_case(db, officer, detail.id,
                      dataclasses.replace(detail.data, summary="Livestream bán thuốc giả"),
                      expected_version=detail.version, today=TODAY)
    assert search_case_ids(db, CaseQuery(text="thuoc gia")) == [register["other"]]
    assert search_case_ids(db, CaseQuery(text="bat coc tre em tai cho")) == [
        register["duc_nfd"]]


def test_two_letter_words_find_the_cases_whose_keys_hold_them(db: Database, officer: Actor,
                                                              leader: Actor) -> None:
    # Two letters are looked up through the index's trigrams that hold them, wherever they
    # stand in a key: at its start, inside, or last after a letter outside ASCII (the only
    # trigram holding "du" in "… chê €du" is "€du"). The cases and their order must be
    # those of the keys themselves, live and deleted, in every sort.
    summaries = ["Du lịch trái phép qua biên giới", "Bình luận chê €du",
                 "Quảng cáo ăn dù bỏ trốn", "Không liên quan", "Bán hàng giá 5€"]
    made = [cases.create_case(db, officer, make_case(
        summary=summary, account=f"Trang {n}", detected_on=date(2026, 9, n + 1)),
        today=TODAY).id for n, summary in enumerate(summaries)]
    cases.delete_case(db, leader, made[2], "trùng")
    with db.read() as session:
        keys = {case_id: key for case_id, key in session.execute(
            select(Case.id, Case.search_key))}
    assert keys[made[1]].endswith("€du")
    for deleted in (False, True):
        for sort in (SortKey.DETECTED, SortKey.ACCOUNT):
            listed = search_case_ids(db, CaseQuery(deleted=deleted, sort=sort))
            for typed in ("du", "DÙ", "€d", "5€", "vv", "zz", "du 5€", "du lich"):
                words = fold(typed).split()
                expected = [i for i in listed if all(w in keys[i] for w in words)]
                query = CaseQuery(text=typed, deleted=deleted, sort=sort)
                assert search_case_ids(db, query) == expected, (typed, deleted, sort)
                assert count_cases(db, query) == len(expected)
    assert search_case_ids(db, CaseQuery(text="du")) == [made[1], made[0]]


def test_names_and_places_sort_in_vietnamese_order(db: Database, officer: Actor) -> None:
    """The issue: by code points "Khu phố 1" came before "Ấp…" and "Đ" after every letter."""
    _check_vietnamese_order(db, _record_for_sorting(db, officer))


def _record_for_sorting(db: Database, officer: Actor) -> dict[str, int]:
    """Five cases; each one's id under its area, account and offender."""
    recorded = [("Khu phố 10", "Trang Đông Hòa", "Nguyễn Văn Bình"),
                ("Ấp Tân Hòa", "@dương.minh", "Trần Thị An"),
                ("Khu phố 2", "Ánh Dương", "Lê Đức"),
                ("Đông Hòa", "Zalo Ấp Bắc", "Phạm Văn Dũng"),
                ("Dương Minh Châu", "ăn vặt", "Hồ An")]
    ids = {}
    for area, account, offender in recorded:
        made = cases.create_case(db, officer, make_case(area=area, account=account,
                                                        offender_name=offender), today=TODAY)
        ids[area] = ids[account] = ids[offender] = made.id
    return ids


def _check_vietnamese_order(db: Database, ids: dict[str, int]) -> None:
    def order(key: SortKey) -> list[int]:
        return search_case_ids(db, CaseQuery(sort=key, descending=False))

    assert order(SortKey.AREA) == [ids[a] for a in (
        "Ấp Tân Hòa", "Dương Minh Châu", "Đông Hòa", "Khu phố 2", "Khu phố 10")]
    assert order(SortKey.ACCOUNT) == [ids[a] for a in (
        "Ánh Dương", "ăn vặt", "@dương.minh", "Trang Đông Hòa", "Zalo Ấp Bắc")]
    # People by given name, then the rest.
    assert order(SortKey.OFFENDER) == [ids[o] for o in (
        "Hồ An", "Trần Thị An", "Nguyễn Văn Bình", "Phạm Văn Dũng", "Lê Đức")]
    assert search_case_ids(db, CaseQuery(sort=SortKey.AREA)) == list(reversed(order(
        SortKey.AREA)))


@pytest.fixture
def vietnamese_server(db: Database, tmp_path: Path) -> Iterator[DataPaths]:
    """A new database on the server whose locale is Vietnamese (ICU's, PostgreSQL 15 and
    later), as an office's server may have: its text compares as that language does."""
    name = f"sovipham_vi_{uuid.uuid4().hex}"
    _server_admin(f"CREATE DATABASE {name} TEMPLATE template0 LOCALE 'C.UTF-8' "
                  "LOCALE_PROVIDER icu ICU_LOCALE 'vi'")
    try:
        yield DataPaths(tmp_path / "may-chu-vi", _server_database(name))
    finally:
        _server_admin(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.mark.skipif(SERVER is None, reason="a server database's own locale")
def test_names_sort_in_vietnamese_order_on_a_server_of_any_locale(
        vietnamese_server: DataPaths) -> None:
    """The collation keys compare by code point: a server whose locale ignores their
    separators put «Zalo Ấp Bắc» first. A register of an earlier version on such a
    server sorts right once upgraded (migration 0023), its rows as they were."""
    db = setup.init_data_folder(vietnamese_server, "admin", ADMIN_PASSWORD)
    try:
        ids = _record_for_sorting(db, accounts.authenticate(db, "admin", ADMIN_PASSWORD))
        _check_vietnamese_order(db, ids)
        with db.engine.begin() as conn:  # as an earlier version left it
            config = alembic_config()
            config.attributes["connection"] = conn
            command.downgrade(config, "0022")
    finally:
        db.dispose()
    db = open_database(vietnamese_server)
    try:
        accounts.authenticate(db, "admin", ADMIN_PASSWORD)  # upgrades it
        _check_vietnamese_order(db, ids)
    finally:
        db.dispose()
