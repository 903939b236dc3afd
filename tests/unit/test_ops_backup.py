"""Backups and restores of a data directory, without a hub: real SQLite and PostgreSQL, real
git, real pg_dump/pg_restore.

The round trip through a running hub is in ``tests/hub/test_ops.py``.
"""

import json
import os
import shutil
import threading
from pathlib import Path

import pytest
from sqlalchemy import inspect, literal_column, select, table

from moiety.core import audit, comments, reactions, threads
from moiety.core.events import record_event
from moiety.core.notifications import mark_read
from moiety.core.posts import create_post
from moiety.core.projects import create_project
from moiety.core.repo import create_demo_project, git, snapshot
from moiety.core.repo.lock import writer_lock
from moiety.core.thread_anchors import Anchor, FileAnchors
from moiety.core.watches import add_watch
from moiety.ops.backup import create_backup
from moiety.ops.errors import OpsError
from moiety.ops.layout import DataLayout
from moiety.ops.restore import restore_backup
from moiety.store import Database, Event, upgrade
from moiety.store.discussion import Notification

AUTHOR = ("Ana", "ana@users.moiety.invalid")
MEMBERS = {"ana", "bob", "lee"}
NOTEBOOK = FileAnchors(
    "notebooks/explore.ipynb", True, "notebook", "c0ffee", [{"id": "c1", "hash": "h"}]
)


def make_deployment(data_dir: Path, db_url: str | None = None) -> DataLayout:
    """A data directory as a hub leaves it: service DB with rows in every table, hub DB, a
    project repository with two snapshots and work not yet snapshotted, secrets."""
    data_dir.mkdir(parents=True)
    layout = layout_of(data_dir, db_url)
    upgrade(layout.service_db_url)
    with Database(layout.service_db_url) as db, db.session.begin() as session:
        fill_service_db(session)
    make_hub_db(data_dir / "jupyterhub.sqlite")
    root = create_demo_project(layout.projects_root, "egfr-sar").path
    (root / "notes.md").write_text("first\n")
    snapshot(root, "Notes", *AUTHOR)
    git.run(root, ["tag", "v1"])
    git.run(root, ["branch", "side"])
    (root / "notes.md").write_text("first\nsecond, not yet snapshotted\n")
    (root / "new.txt").write_text("a new file\n")
    (root / "data" / "README.md").unlink()
    (root / ".ipynb_checkpoints").mkdir(exist_ok=True)
    (data_dir / "jupyterhub_cookie_secret").write_bytes(os.urandom(32))
    (data_dir / "moiety_cookie_secret").write_text(os.urandom(32).hex())
    return layout


def fill_service_db(session) -> None:
    """Projects and their teams, posts with tags, mentions and reactions, a file event with
    folders, watches, a thread with an edited, a deleted and a reacted-to comment, resolved;
    notifications read and unread; the audit trail and the membership it last saw."""
    create_project(session, slug="egfr-sar", title="EGFR", teams=["kinase"], created_by="lee")
    create_project(
        session, slug="neuro-sar", title="Neuro", teams=["kinase", "neuro"], created_by="lee"
    )
    add_watch(session, user="lee", project="egfr-sar")
    add_watch(session, user="bob", project="egfr-sar", path="notebooks/")
    posts = [
        create_post(
            session, project="egfr-sar", body=f"post {i} #sar @bob", actor="ana", members=MEMBERS
        )
        for i in range(3)
    ]
    for user, emoji in (("bob", "👍"), ("lee", "🎉")):
        reactions.add_reaction(
            session, event_id=posts[0].id, user=user, emoji=emoji, visible={"egfr-sar"}
        )
    record_event(
        session,
        kind="file.saved",
        project="egfr-sar",
        actor="bob",
        summary="saved notebooks/explore.ipynb",
        path="notebooks/explore.ipynb",
        data={"count": 2},
        key="file.saved:notebooks/explore.ipynb:1",
    )
    opened = threads.open_thread(
        session,
        project="egfr-sar",
        file=NOTEBOOK,
        anchor=Anchor(cell_id="c1"),
        body="this pIC50 looks off @bob\n```smiles\nCCO ethanol\n```",
        actor="ana",
        members=MEMBERS,
    )
    thread_id, visible = opened.thread.id, {"egfr-sar"}
    answer = threads.reply(
        session, thread_id=thread_id, body="draft", actor="bob", members=MEMBERS, visible=visible
    )
    comments.edit_comment(
        session, answer.comment, actor="bob", body="checked: fine #qc", members=MEMBERS
    )
    gone = threads.reply(
        session,
        thread_id=thread_id,
        body="wrong thread",
        actor="ana",
        members=MEMBERS,
        visible=visible,
    )
    comments.delete_comment(session, gone.comment, actor="lee", moderator=True)
    comments.add_reaction(session, opened.comment, user="bob", emoji="👍")
    threads.set_state(session, thread_id=thread_id, state="resolved", actor="lee", visible=visible)
    bobs = session.scalars(select(Notification.id).where(Notification.user == "bob")).all()
    assert mark_read(session, "bob", ids=bobs[:1]) == 1
    assert len(bobs) > 1, "bob keeps unread notifications too"
    before = {("kinase", "member", "ana"), ("kinase", "member", "bob"), ("kinase", "lead", "lee")}
    audit.record_membership(session, frozenset(before))
    audit.record_membership(session, frozenset(before - {("kinase", "member", "bob")}))


def service_tables(url: str) -> dict[str, list[dict]]:
    """Every row (column -> value) of every table of a service DB, and where its ids go on
    from (SQLite's ``sqlite_sequence``, PostgreSQL's sequences): what a round trip must keep.
    The hub round trip in ``tests/hub/test_ops.py`` uses it too."""
    with Database(url) as db, db.engine.connect() as connection:
        names = inspect(connection).get_table_names()
        everything = select(literal_column("*"))
        found = {
            name: sorted(
                (row._asdict() for row in connection.execute(everything.select_from(table(name)))),
                key=repr,
            )
            for name in names
        }
        if connection.dialect.name == "sqlite":
            query = "SELECT name, seq FROM sqlite_sequence ORDER BY name"
        else:
            query = (
                "SELECT sequencename, last_value FROM pg_sequences "
                "WHERE schemaname = current_schema() ORDER BY sequencename"
            )
        found["(sequences)"] = [row._asdict() for row in connection.exec_driver_sql(query)]
    return found


def assert_service_db_round_trip(source_url: str, target_url: str, manifest: dict) -> None:
    before = service_tables(source_url)
    empty = sorted(name for name, rows in before.items() if not rows)
    assert not empty, f"the test should put rows in every table; empty: {empty}"
    assert {"threads", "comments", "notifications", "audit_memberships"} <= before.keys()
    assert manifest["service_db"]["rows"] == {
        name: len(rows) for name, rows in before.items() if name != "(sequences)"
    }
    assert service_tables(target_url) == before


def assert_same_repository(source: Path, target: Path) -> None:
    """Refs, HEAD, every file of the working copy (snapshotted or not), and git's view of the
    uncommitted work."""
    assert refs(target) == refs(source)
    assert (
        git.run(target, ["symbolic-ref", "HEAD"]).stdout
        == git.run(source, ["symbolic-ref", "HEAD"]).stdout
    )
    assert files(target) == files(source)
    assert (
        git.run(target, ["status", "--porcelain"]).stdout
        == git.run(source, ["status", "--porcelain"]).stdout
    )


def layout_of(data_dir: Path, db_url: str | None = None) -> DataLayout:
    return DataLayout(
        data_dir=data_dir,
        service_db_url=db_url or f"sqlite:///{data_dir / 'moiety.sqlite'}",
        hub_db_url=f"sqlite:///{data_dir / 'jupyterhub.sqlite'}",
    )


def make_hub_db(path: Path) -> None:
    import sqlite3

    connection = sqlite3.connect(path)
    with connection:
        connection.execute("CREATE TABLE alembic_version (version_num TEXT)")
        connection.execute("INSERT INTO alembic_version VALUES ('hub-rev')")
        connection.execute("CREATE TABLE users (name TEXT)")
        connection.executemany("INSERT INTO users VALUES (?)", [("ana",), ("project-egfr-sar",)])
    connection.close()


def events(url: str) -> list[tuple]:
    with Database(url) as db, db.session() as session:
        rows = session.scalars(select(Event).order_by(Event.id)).all()
        return [(e.id, e.kind, e.project, e.actor, e.summary, e.data) for e in rows]


def files(root: Path) -> dict[str, bytes]:
    """Every file of a working copy but git's own and what git ignores."""
    listed = git.run(root, ["ls-files", "-z", "--cached", "--others", "--exclude-standard"])
    return {
        path: (root / path).read_bytes()
        for path in git.split_z(listed.stdout)
        if (root / path).is_file()
    }


def refs(root: Path) -> str:
    return git.run(root, ["show-ref", "--head"]).stdout.decode()


def test_a_backup_restores_databases_repositories_and_uncommitted_work(tmp_path):
    layout = make_deployment(tmp_path / "data")
    source = layout.projects_root / "egfr-sar"
    lines = []
    manifest = create_backup(tmp_path / "backup", layout, report=lines.append)

    assert manifest["service_db"]["events"] == len(events(layout.service_db_url))
    assert manifest["service_db"]["projects"] == ["egfr-sar", "neuro-sar"]
    assert manifest["hub_db"]["revision"] == "hub-rev"
    [project] = manifest["projects"]
    assert project["head"] == git.head_commit(source)
    assert project["head_ref"] == "refs/heads/main"
    assert set(project["refs"]) == {"refs/heads/main", "refs/heads/side", "refs/tags/v1"}
    assert project["changed"] == ["new.txt", "notes.md"]
    assert project["deleted"] == ["data/README.md"]
    assert any(line.startswith("project egfr-sar: HEAD") for line in lines)
    on_disk = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert on_disk == manifest
    assert oct((tmp_path / "backup" / "files" / "moiety_cookie_secret").stat().st_mode)[-3:] == (
        "600"
    )

    restored = layout_of(tmp_path / "restored")
    restore_backup(tmp_path / "backup", restored)
    target = restored.projects_root / "egfr-sar"
    assert_service_db_round_trip(layout.service_db_url, restored.service_db_url, manifest)
    assert_same_repository(source, target)
    for name in ("jupyterhub_cookie_secret", "moiety_cookie_secret"):
        assert (restored.data_dir / name).read_bytes() == (layout.data_dir / name).read_bytes()
    import sqlite3

    hub = sqlite3.connect(restored.data_dir / "jupyterhub.sqlite")
    assert hub.execute("SELECT name FROM users ORDER BY name").fetchall() == [
        ("ana",),
        ("project-egfr-sar",),
    ]
    hub.close()


def test_the_bundle_waits_for_a_snapshot_in_progress(tmp_path):
    """A writer holds the repository's lock from before the backup starts: the bundle is taken
    only after it committed, so it has the commit (never half of it)."""
    layout = make_deployment(tmp_path / "data")
    root = layout.projects_root / "egfr-sar"
    holding, release = threading.Event(), threading.Event()
    committed = {}

    def writer():
        with writer_lock(root):
            holding.set()
            release.wait(60)
            (root / "late.md").write_text("committed while the backup waited\n")
            from moiety.core.repo.snapshot import commit_working_copy

            result = commit_working_copy(root, b"Late\n", git.identity_env(*AUTHOR), None)
            committed["commit"] = result.commit

    thread = threading.Thread(target=writer)
    thread.start()
    assert holding.wait(30)
    backup = {}
    backup_thread = threading.Thread(
        target=lambda: backup.update(create_backup(tmp_path / "backup", layout))
    )
    backup_thread.start()
    release.set()
    thread.join(60)
    backup_thread.join(120)
    assert backup["projects"][0]["head"] == committed["commit"]


def test_refusals_say_what_to_do(tmp_path):
    layout = make_deployment(tmp_path / "data")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    with pytest.raises(OpsError, match="not empty: give a new folder"):
        create_backup(tmp_path / "full", layout)
    with pytest.raises(OpsError, match=r"data directory .* does not exist"):
        create_backup(tmp_path / "b0", layout_of(tmp_path / "nowhere"))
    assert not (tmp_path / "b0").exists()

    create_backup(tmp_path / "backup", layout)
    with pytest.raises(OpsError, match="is not empty: restore only into a new or empty"):
        restore_backup(tmp_path / "backup", layout)
    with pytest.raises(OpsError, match=r"no manifest.json"):
        restore_backup(tmp_path / "full", layout_of(tmp_path / "r1"))

    bundle = tmp_path / "backup" / "projects" / "egfr-sar.bundle"
    bundle.write_bytes(bundle.read_bytes()[:-10])
    with pytest.raises(OpsError, match="does not match its checksum"):
        restore_backup(tmp_path / "backup", layout_of(tmp_path / "r2"))
    assert not (tmp_path / "r2").exists()


def test_a_restore_that_would_lose_rows_says_which_table(tmp_path):
    """The manifest records the rows of every table; a restored DB that holds fewer (here a
    backup copy changed after the fact, checksums updated) is refused and removed."""
    import sqlite3

    from moiety.ops import manifest as manifests

    layout = make_deployment(tmp_path / "data")
    backup = tmp_path / "backup"
    create_backup(backup, layout)
    copy = backup / "service-db" / "moiety.sqlite"
    connection = sqlite3.connect(copy)
    with connection:
        connection.execute("DELETE FROM comment_reactions")
    connection.close()
    manifest = json.loads((backup / "manifest.json").read_text())
    manifest["service_db"].update(manifests.describe(backup, copy))
    manifests.write(backup, manifest)
    with pytest.raises(
        OpsError,
        match=r"does not hold what the backup recorded: rows of comment_reactions 0; the "
        r"backup recorded comment_reactions 1\.",
    ):
        restore_backup(backup, layout_of(tmp_path / "restored"))
    assert not (tmp_path / "restored").exists()


def test_a_failed_backup_leaves_nothing_behind(tmp_path):
    layout = make_deployment(tmp_path / "data")
    (layout.data_dir / "jupyterhub.sqlite").unlink()
    with pytest.raises(OpsError, match=r"no SQLite database at .*jupyterhub.sqlite"):
        create_backup(tmp_path / "backup", layout)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]


@pytest.mark.postgres
def test_postgresql_service_db_round_trip(tmp_path, postgres_databases):
    source_url = postgres_databases.url(postgres_databases.create("ops_source"))
    layout = make_deployment(tmp_path / "data", source_url)
    manifest = create_backup(tmp_path / "backup", layout)
    assert manifest["service_db"]["kind"] == "postgresql"
    assert manifest["service_db"]["file"] == "service-db/moiety.pgdump"
    assert manifest["service_db"]["events"] == len(events(source_url))
    assert manifest["source"]["service_db"] == source_url

    target_url = postgres_databases.url(postgres_databases.create("ops_target"))
    restored = layout_of(tmp_path / "restored", target_url)
    restore_backup(tmp_path / "backup", restored)
    assert_service_db_round_trip(source_url, target_url, manifest)
    assert_same_repository(layout.projects_root / "egfr-sar", restored.projects_root / "egfr-sar")
    # The restored database works: the service can add to it with the same ids onwards.
    with Database(target_url) as db, db.session.begin() as session:
        post = create_post(session, project="egfr-sar", body="after", actor="ana", members={"ana"})
    assert post.id == manifest["service_db"]["last_event_id"] + 1

    with pytest.raises(OpsError, match="is not empty: restore only into an empty database"):
        restore_backup(tmp_path / "backup", layout_of(tmp_path / "again", target_url))
    with pytest.raises(OpsError, match=r"holds a postgresql service DB but .* is sqlite"):
        restore_backup(tmp_path / "backup", layout_of(tmp_path / "sqlite"))


@pytest.mark.postgres
def test_missing_pg_dump_is_explained(tmp_path, postgres_databases, monkeypatch):
    url = postgres_databases.url(postgres_databases.create("ops_nodump"))
    layout = make_deployment(tmp_path / "data", url)
    only_git = tmp_path / "only-git"
    only_git.mkdir()
    (only_git / "git").symlink_to(shutil.which("git"))
    monkeypatch.setenv("PATH", str(only_git))
    with pytest.raises(OpsError, match=r"pg_dump is not installed.*postgresql-client"):
        create_backup(tmp_path / "backup", layout)
    assert not (tmp_path / "backup").exists()


def test_passwords_stay_off_command_lines_and_out_of_manifests():
    from moiety.ops.layout import shown
    from moiety.ops.postgres import libpq

    url = "postgresql+psycopg://moiety:s3cret@db.example:6543/moiety?sslmode=require"
    conninfo, env = libpq(url)
    assert "s3cret" not in conninfo
    assert "sslmode=require" in conninfo
    assert "dbname=moiety" in conninfo
    assert env["PGPASSWORD"] == "s3cret"
    assert "s3cret" not in shown(url)


def test_a_restore_may_go_into_a_folder_holding_only_empty_mount_points(tmp_path):
    """On Kubernetes the data directory holds the (empty) projects volume's mount point. A
    restore that fails half-way (here: a tar that reaches outside the project) empties it
    again and leaves the mount point."""
    import io
    import tarfile

    from moiety.ops import manifest as manifests

    layout = make_deployment(tmp_path / "data")
    backup = tmp_path / "backup"
    create_backup(backup, layout)
    target = layout_of(tmp_path / "pod")
    target.projects_root.mkdir(parents=True)

    good = (backup / "projects" / "egfr-sar.worktree.tar").read_bytes()
    evil = backup / "projects" / "egfr-sar.worktree.tar"
    with tarfile.open(evil, "w") as tar:
        info = tarfile.TarInfo("../../escaped.txt")
        info.size = 4
        tar.addfile(info, io.BytesIO(b"evil"))
    manifest = json.loads((backup / "manifest.json").read_text())
    manifest["projects"][0]["worktree"] = manifests.describe(backup, evil)
    manifests.write(backup, manifest)
    with pytest.raises(OpsError, match="holds an unsafe entry"):
        restore_backup(backup, target)
    assert list(target.data_dir.iterdir()) == [target.projects_root]
    assert not any(target.projects_root.iterdir())
    assert not list(tmp_path.rglob("escaped.txt"))

    evil.write_bytes(good)
    manifest["projects"][0]["worktree"] = manifests.describe(backup, evil)
    manifests.write(backup, manifest)
    restore_backup(backup, target)
    assert git.head_commit(target.projects_root / "egfr-sar") is not None
