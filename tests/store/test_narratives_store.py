"""Narratives kept in the store: defined, found, renamed, merged, deleted; migration 5."""

from __future__ import annotations

import sqlite3

import pytest

from dashboard.contract import NarrativeFilter
from dashboard.store import open_store
from dashboard.store.db import migrate
from dashboard.store.migrations import MIGRATIONS
from dashboard.store.narratives import (
    delete_narrative,
    keep_found,
    list_narratives,
    merge_narratives,
    rename_narrative,
    resolve,
    save_narrative,
)
from dashboard.text.narratives import NarrativeError


@pytest.fixture
def store(tmp_path):
    return open_store(tmp_path)


HUAWEI = NarrativeFilter("Huawei", ("huawei", "5g"))
TAX = NarrativeFilter("Apple tax", ("apple", "tax"))


def test_save_and_list_in_order_per_dataset(store):
    save_narrative(store, "ds", HUAWEI)
    save_narrative(store, "ds", NarrativeFilter(" Apple  tax", ("Apple", "TAX", "apple")))  # cleaned as it is kept
    save_narrative(store, "other", NarrativeFilter("Huawei", ("telecom",)))
    assert list_narratives(store, "ds") == [HUAWEI, TAX]
    assert list_narratives(store, "other") == [NarrativeFilter("Huawei", ("telecom",))]
    assert list_narratives(None, "ds") == [] and list_narratives(store, "") == []


def test_save_refuses_a_name_kept_unless_replacing(store):
    save_narrative(store, "ds", HUAWEI)
    with pytest.raises(NarrativeError, match="exists already"):
        save_narrative(store, "ds", NarrativeFilter("Huawei", ("x",)))
    save_narrative(store, "ds", NarrativeFilter("Huawei", ("x",)), replace=True)
    assert list_narratives(store, "ds") == [NarrativeFilter("Huawei", ("x",))]


def test_hostile_keywords_are_kept_as_they_are(store):
    hostile = NarrativeFilter("'; DROP TABLE narratives; --", ("100%", "a_b", "back\\slash", 'say "no"', "o'brien", "x|y"))
    save_narrative(store, "ds", hostile)
    assert list_narratives(store, "ds") == [hostile]


def test_rename_keeps_keywords_and_refuses_clashes(store):
    save_narrative(store, "ds", HUAWEI)
    save_narrative(store, "ds", TAX)
    assert rename_narrative(store, "ds", "Huawei", "UK and Huawei") == NarrativeFilter("UK and Huawei", HUAWEI.keywords)
    with pytest.raises(NarrativeError, match="exists already"):
        rename_narrative(store, "ds", "Apple tax", "UK and Huawei")
    with pytest.raises(NarrativeError, match="no narrative"):
        rename_narrative(store, "ds", "nope", "x")
    assert [n.name for n in list_narratives(store, "ds")] == ["UK and Huawei", "Apple tax"]


def test_merge_is_the_union_in_place_of_the_merged(store):
    save_narrative(store, "ds", HUAWEI)
    save_narrative(store, "ds", TAX)
    save_narrative(store, "ds", NarrativeFilter("Vaccine", ("vaccine",)))
    merged = merge_narratives(store, "ds", ["Huawei", "Apple tax"], "Tech")
    assert merged == NarrativeFilter("Tech", ("huawei", "5g", "apple", "tax"))
    assert list_narratives(store, "ds") == [NarrativeFilter("Vaccine", ("vaccine",)), merged]
    with pytest.raises(NarrativeError, match="exists already"):
        save_narrative(store, "ds", NarrativeFilter("x", ("y",)))
        merge_narratives(store, "ds", ["Tech", "x"], "Vaccine")
    # merging may reuse one of the merged names
    assert merge_narratives(store, "ds", ["Tech", "x"], "Tech").keywords[-1] == "y"
    with pytest.raises(NarrativeError, match="no narrative"):
        merge_narratives(store, "ds", ["Tech", "gone"], "z")


def test_keep_found_adds_only_new_names_and_delete(store):
    save_narrative(store, "ds", HUAWEI)
    found = [NarrativeFilter("Huawei", ("other",)), NarrativeFilter("vaccine / shares", ("vaccine", "shares"))]
    assert keep_found(store, "ds", found) == 1
    assert list_narratives(store, "ds") == [HUAWEI, found[1]]  # a kept one is never overwritten
    assert delete_narrative(store, "ds", "Huawei") is True
    assert delete_narrative(store, "ds", "Huawei") is False
    assert resolve(store, "ds", ["vaccine / shares", "nope"]) == ([found[1]], ["nope"])


def test_migration_from_version_4_keeps_existing_data(tmp_path):
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    assert migrate(conn, MIGRATIONS[:4]) == 4
    conn.execute("INSERT INTO notes (dataset, date, actor, text, author, created) VALUES ('ds', '2020-07-01T00:00', NULL, "
                 "'kept', NULL, '2020-07-01T00:00:00')")
    conn.execute("INSERT INTO tone_labels VALUES ('ds', 'k', 'a text', 'negative', '2020-07-01T00:00:00')")
    conn.close()
    store = open_store(path)
    assert store.version == len(MIGRATIONS) == 5
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT text FROM notes").fetchall() == [("kept",)]
    assert conn.execute("SELECT label FROM tone_labels").fetchall() == [("negative",)]
    conn.close()
    save_narrative(store, "ds", HUAWEI)
    assert list_narratives(store, "ds") == [HUAWEI]
