"""Safe paths and no option injection: user strings never leave the project or become options."""

import os
import subprocess

import pytest

from moiety.core.repo import (
    WORKING,
    InvalidRevision,
    UnsafePath,
    changed_paths,
    diff,
    history,
    read_file_at,
    restore,
    safe_relpath,
    snapshot,
)

AUTHOR = ("Ada Lovelace", "ada@users.moiety.invalid")


def git(root, *args):
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True).stdout


@pytest.fixture
def projects(tmp_path):
    """Two sibling projects whose names share a prefix, the first with one commit."""
    root = tmp_path / "egfr"
    sibling = tmp_path / "egfr-sar2"
    for folder in (root, sibling):
        folder.mkdir()
        git(folder, "init", "-q", "-b", "main")
    (sibling / "secret.txt").write_text("sibling secret\n")
    (root / "a.txt").write_text("a\n")
    snapshot(root, "first", *AUTHOR)
    return root.resolve(), sibling.resolve()


def outside_listing(tmp_path):
    return sorted(
        str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if ".git" not in p.parts
    )


@pytest.mark.parametrize(
    ("user_path", "reason"),
    [
        ("../x", "'..'"),
        ("a/../../x", "'..'"),
        ("/etc/passwd", "absolute"),
        ("../egfr-sar2/secret.txt", "'..'"),
        (".git/config", ".git"),
        ("sub/.GIT/config", ".git"),
        ("a\0b", "NUL"),
        ("", "empty"),
        ("./", "empty"),
        (None, "text"),
    ],
)
def test_unsafe_paths_are_refused(projects, user_path, reason):
    root, _ = projects
    with pytest.raises(UnsafePath, match=reason):
        safe_relpath(root, user_path)


def test_symlink_escapes_are_refused_comparing_components_not_prefixes(projects):
    root, sibling = projects
    os.symlink(sibling, root / "shared-prefix")
    os.symlink("/etc", root / "etc")
    os.symlink(".git", root / "g")
    for path in ("shared-prefix/secret.txt", "etc/passwd", "g/config"):
        with pytest.raises(UnsafePath, match="leads"):
            safe_relpath(root, path)
    for call in (
        lambda: read_file_at(root, "shared-prefix/secret.txt"),
        lambda: diff(root, "shared-prefix/secret.txt", "HEAD", WORKING),
        lambda: snapshot(root, "steal", *AUTHOR, paths=["shared-prefix/secret.txt"]),
        lambda: history(root, "etc/passwd"),
    ):
        with pytest.raises(UnsafePath):
            call()


def test_safe_paths_are_normalized(projects):
    root, _ = projects
    (root / "notebooks").mkdir()
    os.symlink("notebooks", root / "nb-link")
    assert safe_relpath(root, "./notebooks//explore.ipynb") == "notebooks/explore.ipynb"
    assert safe_relpath(root, "nb-link/x.ipynb") == "nb-link/x.ipynb"
    assert safe_relpath(root, "-rf") == "-rf"


def test_a_symlinked_folder_inside_the_project_is_not_followed_by_snapshots(projects, tmp_path):
    root, sibling = projects
    os.symlink(sibling, root / "linked")
    result = snapshot(root, "link", *AUTHOR)
    assert result.added == ["linked"]
    assert git(root, "ls-tree", "-r", "--name-only", "HEAD").split() == [b"a.txt", b"linked"]


@pytest.mark.parametrize("rev", ["--output=OUT", "-p", "--help", "-", "HEAD\n--all", "nope"])
def test_option_like_revisions_are_refused_and_write_nothing(projects, tmp_path, rev):
    root, _ = projects
    rev = rev.replace("OUT", str(tmp_path / "pwned"))
    before = outside_listing(tmp_path)
    for call in (
        lambda: read_file_at(root, "a.txt", rev),
        lambda: diff(root, "a.txt", rev, "HEAD"),
        lambda: diff(root, "a.txt", "HEAD", rev),
        lambda: changed_paths(root, rev, "HEAD"),
        lambda: restore(root, "a.txt", rev, *AUTHOR),
    ):
        with pytest.raises(InvalidRevision):
            call()
    assert outside_listing(tmp_path) == before


def test_files_named_like_options_work_as_paths(projects):
    root, _ = projects
    for name in ("-rf", "--help", "--output=x"):
        (root / name).write_text(f"{name} v1\n")
    first = snapshot(root, "dashes", *AUTHOR, paths=["-rf", "--help", "--output=x"])
    assert first.added == ["--help", "--output=x", "-rf"]
    (root / "-rf").write_text("-rf v2\n")
    second = snapshot(root, "edit", *AUTHOR, paths=["-rf"])
    assert second.modified == ["-rf"]
    assert read_file_at(root, "-rf", first.commit) == b"-rf v1\n"
    assert [c.commit for c in history(root, "-rf")] == [second.commit, first.commit]
    assert "+-rf v2" in diff(root, "-rf", first.commit, "HEAD")["diff"]
    restored = restore(root, "-rf", first.commit, *AUTHOR)
    assert (root / "-rf").read_text() == "-rf v1\n"
    assert restored.modified == ["-rf"]
    assert (root / "a.txt").read_text() == "a\n"


def test_glob_and_magic_characters_in_paths_are_literal(projects):
    root, _ = projects
    (root / "b.txt").write_text("b\n")
    (root / "*.txt").write_text("star\n")
    (root / ":(top)x").write_text("magic\n")
    snapshot(root, "others", *AUTHOR, paths=["b.txt"])
    star = snapshot(root, "star", *AUTHOR, paths=["*.txt"])
    magic = snapshot(root, "magic", *AUTHOR, paths=[":(top)x"])
    assert star.added == ["*.txt"]
    assert [c.commit for c in history(root, "*.txt")] == [star.commit]
    assert [c.commit for c in history(root, ":(top)x")] == [magic.commit]


@pytest.mark.parametrize("message", ["--amend", "-m injected", "-F /etc/passwd", "-"])
def test_messages_starting_with_a_dash_are_stored_as_they_are(projects, message):
    root, _ = projects
    (root / "a.txt").write_text(f"{message}\n")
    result = snapshot(root, message, *AUTHOR)
    assert git(root, "log", "-1", "--format=%B", result.commit).decode().strip() == message
    assert history(root, limit=1)[0].message == message
