"""Reading the feed: order, visibility, every filter, limits, the live stream's catch-up."""

import pytest

from moiety.core.events import record_event
from moiety.core.feed import (
    FeedFilter,
    InvalidFeedQuery,
    events_after,
    latest_event_id,
    parse_last_event_id,
    parse_limit,
    read_feed,
)
from moiety.core.projects import create_project

EVENTS = [
    # project, kind, actor, path, tags
    ("alpha", "file.saved", "ana", "notebooks/a.ipynb", ["egfr"]),
    ("beta", "post.created", "bob", None, ["egfr", "potency"]),
    ("alpha", "file.created", "bob", "notebooks/sub/b.ipynb", []),
    ("gamma", "file.saved", "ana", "notebooks/a.ipynb", ["egfr"]),
    ("alpha", "file.saved", "ana", "notebooks.txt", []),
    ("beta", "snapshot.created", "carol", "data/assay.csv", ["potency"]),
    ("alpha", "file.saved", "carol", "notebooks2/c.ipynb", []),
    ("alpha", "file.renamed", "ana", "data-old/x.csv", []),
    ("beta", "file.saved", "bob", "a_b/%x.csv", []),
    ("alpha", "file.saved", "ana", "Notebooks/d.ipynb", []),
]


@pytest.fixture
def feed(db_session):
    """Ten events in alpha, beta, gamma; returns their ids in recording order."""
    for slug in ("alpha", "beta", "gamma"):
        create_project(db_session, slug=slug, title=slug, teams=["kinase"], created_by="lee")
    ids = []
    for project, kind, actor, path, tags in EVENTS:
        event = record_event(
            db_session,
            kind=kind,
            project=project,
            actor=actor,
            summary=f"{actor} {kind}",
            path=path,
            tags=tags,
        )
        ids.append(event.id)
    db_session.commit()
    return ids


def ids_of(page):
    return [item["id"] for item in page["items"]]


def expected(ids, keep):
    return [i for i, row in reversed(list(zip(ids, EVENTS, strict=True))) if keep(*row)]


ALL = {"alpha", "beta", "gamma"}


def read(session, visible=ALL, **filters):
    return read_feed(session, visible, FeedFilter(**filters), limit=200)


def test_newest_first_across_visible_projects(db_session, feed):
    page = read(db_session)
    assert ids_of(page) == sorted(ids_of(page), reverse=True)
    assert set(ids_of(page)) >= set(feed)
    assert page["next"] is None


def test_only_visible_projects(db_session, feed):
    page = read(db_session, {"beta", "gamma"})
    want = expected(feed, lambda p, *_: p in {"beta", "gamma"})
    assert ids_of(page) == [*want, 3, 2]  # and the two projects' project.created
    assert {item["project"] for item in page["items"]} == {"beta", "gamma"}
    assert read_feed(db_session, set())["items"] == []


def test_project_filter_within_visible(db_session, feed):
    page = read(db_session, projects=frozenset({"beta"}))
    assert ids_of(page) == [*expected(feed, lambda p, *_: p == "beta"), 2]
    page = read(db_session, {"alpha"}, projects=frozenset({"beta", "gamma"}))
    assert ids_of(page) == []


def test_actor_filter(db_session, feed):
    assert ids_of(read(db_session, actor="carol")) == expected(
        feed, lambda p, k, a, *_: a == "carol"
    )


def test_kind_filter_repeatable(db_session, feed):
    kinds = frozenset({"file.created", "file.renamed"})
    page = read(db_session, kinds=kinds)
    assert ids_of(page) == expected(feed, lambda p, k, *_: k in kinds)
    assert len(ids_of(page)) == 2


def test_tag_filter_any_case_with_or_without_hash(db_session, feed):
    want = expected(feed, lambda *row: "potency" in row[4])
    assert ids_of(read(db_session, tag="potency")) == want
    assert ids_of(read(db_session, tag="#Potency")) == want
    assert ids_of(read(db_session, {"alpha", "gamma"}, tag="egfr")) == [feed[3], feed[0]]


def test_path_exact(db_session, feed):
    page = read(db_session, path="notebooks/a.ipynb")
    assert ids_of(page) == [feed[3], feed[0]]


@pytest.mark.parametrize(
    ("folder", "matches"),
    [
        ("notebooks/", {"notebooks/a.ipynb", "notebooks/sub/b.ipynb"}),
        ("notebooks/sub/", {"notebooks/sub/b.ipynb"}),
        ("data/", {"data/assay.csv"}),
        ("a_b/", {"a_b/%x.csv"}),
        ("a%b/", set()),
        ("Notebooks/", {"Notebooks/d.ipynb"}),
        ("notebooks/a.ipynb/", set()),
        ("otebooks/", set()),
    ],
)
def test_path_folder_prefix(db_session, feed, folder, matches):
    page = read(db_session, path=folder)
    assert {item["path"] for item in page["items"]} == matches
    assert ids_of(page) == expected(feed, lambda *row: row[3] in matches)


def test_filters_combine(db_session, feed):
    page = read(db_session, actor="ana", kinds=frozenset({"file.saved"}), path="notebooks/")
    assert ids_of(page) == [feed[3], feed[0]]
    page = read(db_session, {"alpha"}, actor="ana", tag="egfr", path="notebooks/")
    assert ids_of(page) == [feed[0]]


def test_items_have_the_api_shape(db_session, feed):
    item = read(db_session, tag="potency")["items"][-1]
    assert item["kind"] == "post.created"
    assert item["tags"] == ["egfr", "potency"]
    assert item["reactions"] == []
    assert "path" not in item


@pytest.mark.parametrize("bad", [0, 201, "0", "abc", "1.5", "-3", True, ""])
def test_limit_out_of_range(db_session, feed, bad):
    with pytest.raises(InvalidFeedQuery, match="from 1 to 200"):
        read_feed(db_session, ALL, limit=bad)


def test_limit_default_and_bounds(db_session, feed):
    assert parse_limit(None) == 50
    assert parse_limit("200") == 200
    assert len(read_feed(db_session, ALL, limit="1")["items"]) == 1


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"kind": ["file.saved", "file.exploded"]}, "Unknown event kind 'file.exploded'"),
        ({"tag": ["1x"]}, "is not a tag"),
        ({"path": ["/"]}, "must name a file"),
        ({"actor": ["ana", "bob"]}, "'actor' at most once"),
        ({"actor": [""]}, "must name a user"),
    ],
)
def test_bad_filters(arguments, message):
    with pytest.raises(InvalidFeedQuery, match=message):
        FeedFilter.from_arguments(arguments)


def test_filters_from_query_arguments(db_session, feed):
    filters = FeedFilter.from_arguments(
        {"project": ["alpha", "beta"], "kind": ["file.saved"], "actor": ["ana"], "limit": ["5"]}
    )
    assert filters == FeedFilter(
        projects=frozenset({"alpha", "beta"}), kinds=frozenset({"file.saved"}), actor="ana"
    )
    assert ids_of(read_feed(db_session, ALL, filters)) == [feed[9], feed[4], feed[0]]


def test_events_after_oldest_first_with_filters(db_session, feed):
    after = events_after(db_session, ALL, feed[4])
    assert [item["id"] for item in after] == feed[5:]
    after = events_after(db_session, {"beta"}, feed[1], FeedFilter(actor="bob"))
    assert [item["id"] for item in after] == [feed[8]]
    assert [i["id"] for i in events_after(db_session, ALL, 0, limit=2)] == [1, 2]
    assert events_after(db_session, ALL, feed[-1]) == []
    assert events_after(db_session, set(), 0) == []


def test_latest_event_id_and_last_event_id(db_session, feed):
    assert latest_event_id(db_session) == feed[-1]
    assert parse_last_event_id(None) == 0
    assert parse_last_event_id("42") == 42
    for bad in ("-1", "x", "1e3", "٣", "9" * 19):
        with pytest.raises(InvalidFeedQuery, match="Last-Event-ID"):
            parse_last_event_id(bad)
