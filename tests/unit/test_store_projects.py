"""The projects registry: creating, reading, listing by slugs and by teams."""

import threading

import pytest
from sqlalchemy import select

from moiety.core.projects import (
    InvalidProject,
    ProjectExists,
    ProjectNotFound,
    all_slugs,
    create_project,
    get_project,
    projects_by_slugs,
    projects_of_teams,
    serialize_project,
    slugs_of_teams,
)
from moiety.core.slugs import InvalidSlug
from moiety.store import Event


def make(session, slug, teams=("kinase",), **extra):
    values = {"title": slug.title(), "created_by": "lee"} | extra
    return create_project(session, slug=slug, teams=list(teams), **values)


def test_create_and_serialize(db_session):
    make(
        db_session,
        "egfr-sar",
        teams=["kinase", "chem-core", "kinase"],
        title="  EGFR SAR  ",
        description="Series 4 follow-up",
        template="medchem",
    )
    db_session.commit()
    db_session.expunge_all()
    item = serialize_project(get_project(db_session, "egfr-sar"))
    assert item == {
        "slug": "egfr-sar",
        "title": "EGFR SAR",
        "description": "Series 4 follow-up",
        "teams": ["chem-core", "kinase"],
        "created_at": item["created_at"],
        "created_by": "lee",
        "template": "medchem",
    }
    assert item["created_at"].endswith("Z")


def test_creation_is_recorded_in_the_feed(db_session):
    make(db_session, "egfr-sar", teams=["kinase"])
    event = db_session.scalars(select(Event)).one()
    assert (event.kind, event.project, event.actor) == ("project.created", "egfr-sar", "lee")
    assert event.data["teams"] == ["kinase"]


def test_duplicates_are_refused_clearly(db_session):
    make(db_session, "egfr-sar")
    db_session.commit()
    with pytest.raises(ProjectExists, match="'egfr-sar' already exists"):
        make(db_session, "egfr-sar", teams=["other"])
    db_session.rollback()
    db_session.expunge_all()
    with pytest.raises(ProjectExists):
        make(db_session, "egfr-sar")
    db_session.rollback()
    assert get_project(db_session, "egfr-sar").team_names == ["kinase"]


def test_racing_creations_of_one_slug(database):
    start = threading.Barrier(2)
    outcomes = []

    def create():
        with database.session() as session:
            start.wait()
            try:
                make(session, "contested")
                session.commit()
                outcomes.append("created")
            except ProjectExists:
                outcomes.append("exists")

    threads = [threading.Thread(target=create) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["created", "exists"]


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        ({"slug": "Bad Slug"}, InvalidSlug, "not a valid project slug"),
        ({"teams": []}, InvalidProject, "at least one team"),
        ({"teams": "kinase"}, InvalidProject, "list of team names"),
        ({"teams": ["ok", " padded"]}, InvalidProject, "not a team name"),
        ({"teams": ["ok", None]}, InvalidProject, "not a team name"),
        ({"teams": ["tab\tbed"]}, InvalidProject, "not a team name"),
        ({"title": "   "}, InvalidProject, "needs a title"),
        ({"title": None}, InvalidProject, "title must be text"),
        ({"title": "t" * 201}, InvalidProject, "longer than 200"),
        ({"description": "d" * 2001}, InvalidProject, "longer than 2000"),
        ({"created_by": ""}, InvalidProject, "needs a creator"),
    ],
)
def test_invalid_projects(db_session, changes, error, message):
    values = {"slug": "good", "title": "Good", "teams": ["kinase"], "created_by": "lee"}
    with pytest.raises(error, match=message):
        create_project(db_session, **(values | changes))
    assert all_slugs(db_session) == set()


def test_get_unknown_project(db_session):
    with pytest.raises(ProjectNotFound, match="no project 'ghost'"):
        get_project(db_session, "ghost")


def test_listing_by_slugs_and_by_teams(db_session):
    make(db_session, "alpha", teams=["kinase"])
    make(db_session, "beta", teams=["kinase", "gpcr"])
    make(db_session, "gamma", teams=["gpcr"])
    make(db_session, "delta", teams=["admin-only"])
    db_session.commit()

    def slugs(projects):
        return [p.slug for p in projects]

    assert slugs(projects_by_slugs(db_session, ["gamma", "alpha", "ghost"])) == ["alpha", "gamma"]
    assert slugs(projects_of_teams(db_session, ["kinase"])) == ["alpha", "beta"]
    assert slugs(projects_of_teams(db_session, ["kinase", "gpcr"])) == ["alpha", "beta", "gamma"]
    assert projects_of_teams(db_session, []) == []
    assert slugs_of_teams(db_session, ["gpcr"]) == {"beta", "gamma"}
    assert slugs_of_teams(db_session, ["nobody"]) == set()
    assert all_slugs(db_session) == {"alpha", "beta", "gamma", "delta"}
