"""Unit tests for serverless.rest_api.lambda_package (deterministic Lambda zips)."""

import base64
import hashlib
import io
import os
import shutil
import stat
import zipfile
from unittest.mock import patch

import pytest
from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.testing import patch_module_args

from ansible_collections.serverless.rest_api.plugins.modules import lambda_package

TREE = {
    "items_api/__init__.py": b'"""Items API."""\n',
    "items_api/handler.py": b"def handle(event, context):\n    return {}\n",
    "items_api/store.py": b"TABLE = 'items'\n" * 40,
    "items_api/data/names.txt": "Zürich\n".encode("utf-8"),
    "items_api/__pycache__/handler.cpython-312.pyc": b"\x00\x01compiled",
    "items_api/stale.pyc": b"\x00\x02compiled",
    "items_api/old.pyo": b"\x00\x03compiled",
    ".env": b"API_KEY=not-for-the-package\n",
    ".git/config": b"[core]\n",
    "items_api/.hidden": b"hidden\n",
}
PACKED = [
    "items_api/__init__.py",
    "items_api/data/names.txt",
    "items_api/handler.py",
    "items_api/store.py",
]


class Exited(Exception):
    """Raised by the patched exit_json; carries the result."""

    def __init__(self, result):
        super().__init__(result.get("msg"))
        self.result = result


class Failed(Exited):
    """Raised by the patched fail_json; carries the result."""


def _exit_json(*args, **kwargs):
    raise Exited(kwargs)


def _fail_json(*args, **kwargs):
    raise Failed(kwargs)


def run(check_mode=False, diff=False, **params):
    """Run the module's main() with params; return the result dict of exit_json."""
    args = dict(params)
    if check_mode:
        args["_ansible_check_mode"] = True
    if diff:
        args["_ansible_diff"] = True
    with patch_module_args(args), \
            patch.object(AnsibleModule, "exit_json", side_effect=_exit_json), \
            patch.object(AnsibleModule, "fail_json", side_effect=_fail_json):
        with pytest.raises(Exited) as raised:
            lambda_package.main()
    return raised.value


def ok(**params):
    outcome = run(**params)
    assert not isinstance(outcome, Failed), outcome.result
    return outcome.result


def failed(**params):
    outcome = run(**params)
    assert isinstance(outcome, Failed), outcome.result
    return outcome.result["msg"]


def write_tree(root, files, order=None, mtime=None, mode=None):
    """Create files under root, in the given order, with the given mtime and mode."""
    for relative in order or sorted(files):
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(files[relative])
        if mode is not None:
            path.chmod(mode)
        if mtime is not None:
            os.utime(path, (mtime, mtime))
    return root


def b64_sha256(data):
    return base64.b64encode(hashlib.sha256(data).digest()).decode("ascii")


@pytest.fixture
def src(tmp_path):
    return write_tree(tmp_path / "src", TREE)


@pytest.fixture
def dest(tmp_path):
    (tmp_path / "build").mkdir()
    return tmp_path / "build" / "items_api.zip"


# ---- determinism --------------------------------------------------------------------------

def test_same_tree_at_other_times_modes_and_order_gives_identical_bytes(tmp_path):
    # given two copies of one tree, written in opposite orders, ten years apart, with
    # different permissions
    first = write_tree(tmp_path / "a", TREE, mtime=1_000_000_000, mode=0o600)
    second = write_tree(tmp_path / "b", TREE, order=sorted(TREE, reverse=True),
                        mtime=1_315_000_000, mode=0o755)
    (tmp_path / "out").mkdir()
    # when each is packaged
    one = ok(src=str(first), dest=str(tmp_path / "out" / "a.zip"))
    two = ok(src=str(second), dest=str(tmp_path / "out" / "b.zip"))
    # then the archives are byte for byte the same
    assert (tmp_path / "out" / "a.zip").read_bytes() == (tmp_path / "out" / "b.zip").read_bytes()
    assert one["sha256"] == two["sha256"]
    assert one["code_sha256"] == two["code_sha256"]


def test_rebuild_after_touching_every_file_changes_nothing(src, dest):
    # given a package built once
    first = ok(src=str(src), dest=str(dest))
    written = dest.stat()
    # when every source file gets a new mtime and the package is built again
    for path in src.rglob("*"):
        os.utime(path, (2_000_000_000, 2_000_000_000))
    second = ok(src=str(src), dest=str(dest))
    # then the result is unchanged and dest was not rewritten
    assert first["changed"] is True
    assert second["changed"] is False
    assert second["code_sha256"] == first["code_sha256"]
    assert (dest.stat().st_ino, dest.stat().st_mtime_ns) == (written.st_ino, written.st_mtime_ns)


def test_a_content_change_changes_code_sha256(src, dest):
    # given a package built from the tree
    before = ok(src=str(src), dest=str(dest))
    # when one byte of one file changes and the package is built again
    (src / "items_api" / "handler.py").write_bytes(
        b"def handle(event, context):\n    return []\n"
    )
    after = ok(src=str(src), dest=str(dest))
    # then it is rewritten with a new hash, which matches the new bytes
    assert after["changed"] is True
    assert after["code_sha256"] != before["code_sha256"]
    assert after["sha256"] != before["sha256"]
    assert after["code_sha256"] == b64_sha256(dest.read_bytes())


def test_a_renamed_file_changes_code_sha256(src, dest):
    # given a package built from the tree
    before = ok(src=str(src), dest=str(dest))
    # when a file is renamed without changing its content
    (src / "items_api" / "store.py").rename(src / "items_api" / "storage.py")
    after = ok(src=str(src), dest=str(dest))
    # then the hash changes and the file list shows the new name
    assert after["code_sha256"] != before["code_sha256"]
    assert "items_api/storage.py" in after["files"]
    assert "items_api/store.py" not in after["files"]


# ---- archive layout -----------------------------------------------------------------------

def test_archive_entries_are_sorted_fixed_and_deflated(src, dest):
    # given the tree packaged with the default exclude
    result = ok(src=str(src), dest=str(dest))
    # when the archive is opened
    with zipfile.ZipFile(dest) as archive:
        infos = archive.infolist()
        contents = {info.filename: archive.read(info) for info in infos}
        assert archive.testzip() is None
    # then it holds only the packed files, sorted, with no directory entries
    assert [info.filename for info in infos] == PACKED
    assert result["files"] == PACKED
    # and every entry has the fixed time, Unix mode 0644 and DEFLATE
    for info in infos:
        assert info.date_time == (1980, 1, 1, 0, 0, 0)
        assert info.create_system == 3
        assert info.external_attr >> 16 == stat.S_IFREG | 0o644
        assert info.compress_type == zipfile.ZIP_DEFLATED
        assert not info.is_dir()
    # and the contents are the files' bytes
    assert contents == {name: TREE[name] for name in PACKED}


def test_entries_are_sorted_by_full_path_not_by_walk_order(tmp_path, dest):
    # given names where a directory walk and a sort of whole paths disagree
    # ('-' and '.' sort before '/')
    root = write_tree(tmp_path / "src", {"pkg/a/b.py": b"1", "pkg/a.py": b"2", "pkg-x.py": b"3"})
    # when the tree is packaged
    result = ok(src=str(root), dest=str(dest))
    # then entries follow the sorted paths
    assert result["files"] == ["pkg-x.py", "pkg/a.py", "pkg/a/b.py"]
    assert zipfile.ZipFile(dest).namelist() == result["files"]


def test_result_reports_path_size_and_both_hash_forms(src, dest):
    # given the tree
    # when it is packaged
    result = ok(src=str(src), dest=str(dest))
    # then the facts describe the written file
    data = dest.read_bytes()
    assert result["path"] == str(dest)
    assert result["size"] == len(data)
    assert result["sha256"] == hashlib.sha256(data).hexdigest()
    assert result["code_sha256"] == b64_sha256(data)
    assert base64.b64decode(result["code_sha256"]).hex() == result["sha256"]


def test_custom_exclude_replaces_the_default_and_matches_paths(src, dest):
    # given patterns by component and by relative path
    exclude = ["__pycache__", "*.py[co]", ".*", "data/*", "*/store.py"]
    # when the tree is packaged with them
    result = ok(src=str(src), dest=str(dest), exclude=exclude)
    # then a pattern with '/' matched the whole path, others any component
    assert result["files"] == ["items_api/__init__.py", "items_api/data/names.txt",
                               "items_api/handler.py"]


def test_empty_exclude_packs_everything(src, dest):
    # given no exclude patterns at all
    # when the tree is packaged
    result = ok(src=str(src), dest=str(dest), exclude=[])
    # then hidden files and caches are packed too
    assert result["files"] == sorted(TREE)


def test_symbolic_links_are_packed_as_their_targets(tmp_path, src, dest):
    # given a file link and a directory link to content outside src
    outside = write_tree(tmp_path / "shared", {"common/util.py": b"X = 1\n"})
    (src / "items_api" / "util.py").symlink_to(outside / "common" / "util.py")
    (src / "common").symlink_to(outside / "common")
    # when the tree is packaged
    result = ok(src=str(src), dest=str(dest))
    # then both are regular entries with the target's bytes
    assert "items_api/util.py" in result["files"]
    assert "common/util.py" in result["files"]
    with zipfile.ZipFile(dest) as archive:
        assert archive.read("items_api/util.py") == b"X = 1\n"
        assert archive.getinfo("common/util.py").external_attr >> 16 == stat.S_IFREG | 0o644


def test_dest_inside_src_is_never_packed_into_itself(src):
    # given dest inside src with a name the default exclude does not cover
    dest = src / "items_api.zip"
    # when the package is built twice
    first = ok(src=str(src), dest=str(dest))
    second = ok(src=str(src), dest=str(dest))
    # then the archive does not hold itself and the second run changes nothing
    assert "items_api.zip" not in first["files"]
    assert second["changed"] is False


def test_nfd_names_are_stored_nfc(tmp_path, dest):
    # given a file whose name is in decomposed form, as some file systems store it
    root = write_tree(tmp_path / "src", {"cafe\u0301.py": b"x = 1\n"})
    # when it is packaged
    result = ok(src=str(root), dest=str(dest))
    # then the archive uses the composed name
    assert result["files"] == ["caf\u00e9.py"]


# ---- writing, check mode, diff ------------------------------------------------------------

def test_check_mode_with_no_dest_reports_a_change_and_writes_nothing(src, dest):
    # given no archive yet
    # when the module runs in check mode
    result = ok(src=str(src), dest=str(dest), check_mode=True)
    # then it predicts the change with the real facts but writes nothing
    assert result["changed"] is True
    assert not dest.exists()
    assert os.listdir(dest.parent) == []
    assert result["files"] == PACKED
    real = ok(src=str(src), dest=str(dest))
    assert result["code_sha256"] == real["code_sha256"]


def test_check_mode_leaves_an_outdated_dest_alone(src, dest):
    # given an archive from older sources
    ok(src=str(src), dest=str(dest))
    old = dest.read_bytes()
    (src / "items_api" / "handler.py").write_bytes(b"# changed\n")
    # when the module runs in check mode
    result = ok(src=str(src), dest=str(dest), check_mode=True)
    # then it reports the change and the file keeps its old bytes
    assert result["changed"] is True
    assert dest.read_bytes() == old
    assert result["code_sha256"] != b64_sha256(old)


def test_check_mode_with_current_dest_reports_no_change(src, dest):
    # given an archive that matches the sources
    ok(src=str(src), dest=str(dest))
    # when the module runs in check mode
    result = ok(src=str(src), dest=str(dest), check_mode=True)
    # then nothing would change
    assert result["changed"] is False


def test_diff_for_a_new_archive(src, dest):
    # given no archive yet
    # when the module runs with diff
    result = ok(src=str(src), dest=str(dest), diff=True)
    # then before is empty and after holds the new hash and files
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"] == {"sha256": result["sha256"], "files": PACKED}


def test_diff_for_an_update_shows_both_hashes_and_file_lists(src, dest):
    # given an archive, then a new file in the tree
    before = ok(src=str(src), dest=str(dest))
    (src / "items_api" / "errors.py").write_bytes(b"class Error(Exception):\n    pass\n")
    # when the module runs with diff in check mode
    result = ok(src=str(src), dest=str(dest), diff=True, check_mode=True)
    # then the diff shows the old and new hash and file lists
    assert result["diff"]["before"] == {"sha256": before["sha256"], "files": PACKED}
    assert result["diff"]["after"] == {
        "sha256": result["sha256"],
        "files": sorted(PACKED + ["items_api/errors.py"]),
    }
    assert result["diff"]["before_header"] == result["diff"]["after_header"] == str(dest)


def test_diff_without_change_is_equal(src, dest):
    # given a current archive
    ok(src=str(src), dest=str(dest))
    # when the module runs with diff
    result = ok(src=str(src), dest=str(dest), diff=True)
    # then before and after are the same
    assert result["changed"] is False
    assert result["diff"]["before"] == result["diff"]["after"]


def test_a_dest_that_is_not_a_zip_is_replaced(src, dest):
    # given a file at dest that is not an archive
    dest.write_bytes(b"not a zip")
    dest.chmod(0o640)
    # when the module runs with diff
    result = ok(src=str(src), dest=str(dest), diff=True)
    # then it is replaced, keeping its mode, and the diff shows no old file list
    assert result["changed"] is True
    assert result["diff"]["before"] == {"sha256": hashlib.sha256(b"not a zip").hexdigest(),
                                        "files": None}
    assert zipfile.ZipFile(dest).namelist() == PACKED
    assert stat.S_IMODE(dest.stat().st_mode) == 0o640
    assert [p.name for p in dest.parent.iterdir()] == ["items_api.zip"]


# ---- errors -------------------------------------------------------------------------------

def test_src_that_does_not_exist_fails(tmp_path, dest):
    # given a src path with nothing there
    missing = tmp_path / "missing"
    # when the module runs
    # then it fails naming the path
    assert failed(src=str(missing), dest=str(dest)) == (
        f"src {missing} does not exist; give a directory"
    )


def test_src_that_is_a_file_fails(src, dest):
    # given a src that is a file
    path = src / "items_api" / "handler.py"
    # when the module runs
    # then it fails saying a directory is needed
    assert failed(src=str(path), dest=str(dest)) == (
        f"src {path} is not a directory; give a directory"
    )


def test_dest_in_a_missing_directory_fails(tmp_path, src):
    # given a dest whose directory does not exist
    dest = tmp_path / "nowhere" / "pkg.zip"
    # when the module runs
    # then it fails naming the directory, and creates nothing
    assert failed(src=str(src), dest=str(dest)) == (
        f"the directory of dest, {tmp_path / 'nowhere'}, does not exist; create it first"
    )
    assert not (tmp_path / "nowhere").exists()


def test_dest_that_is_a_directory_fails(src, dest):
    # given a directory where the zip should go
    dest.mkdir()
    # when the module runs
    # then it fails saying so
    assert failed(src=str(src), dest=str(dest)) == (
        f"dest {dest} is a directory; give the path of the zip file to write"
    )


def test_nothing_left_to_package_fails(tmp_path, dest):
    # given a tree with only excluded files
    root = write_tree(tmp_path / "src", {"a.pyc": b"x", ".hidden/b.py": b"y"})
    # when the module runs
    message = failed(src=str(root), dest=str(dest))
    # then it fails instead of writing an empty archive
    assert message.startswith(f"src {root} has no files to package once exclude")
    assert not dest.exists()


@pytest.mark.parametrize("pattern", ["", "/tests", "tests/"])
def test_unusable_exclude_patterns_fail(src, dest, pattern):
    # given a pattern that can never match a relative path
    # when the module runs
    message = failed(src=str(src), dest=str(dest), exclude=[pattern])
    # then it fails naming the pattern
    if pattern:
        assert message.startswith(f"exclude pattern {pattern!r} starts or ends with '/'")
    else:
        assert message == "exclude has an empty pattern; remove it"


def test_broken_symbolic_link_fails(src, dest):
    # given a link to nothing
    link = src / "items_api" / "gone.py"
    link.symlink_to(src / "nothing.py")
    # when the module runs
    # then it fails naming it
    assert failed(src=str(src), dest=str(dest)) == f"{link} is a symbolic link that points nowhere"


def test_directory_loop_fails(src, dest):
    # given a link from inside the tree back to its root
    loop = src / "items_api" / "loop"
    loop.symlink_to(src)
    # when the module runs
    # then it fails instead of recursing forever
    assert failed(src=str(src), dest=str(dest)) == (
        f"{loop} leads back to a directory above it (a loop)"
    )


def test_special_file_fails_unless_excluded(src, dest):
    # given a FIFO in the tree
    fifo = src / "items_api" / "pipe"
    os.mkfifo(fifo)
    # when the module runs
    # then it fails naming it, and succeeds once it is excluded
    assert failed(src=str(src), dest=str(dest)) == (
        f"{fifo} is not a regular file or directory (FIFO, socket or device); exclude it"
    )
    result = ok(src=str(src), dest=str(dest), exclude=lambda_package.DEFAULT_EXCLUDE + ["pipe"])
    assert result["files"] == PACKED


def test_write_failure_fails_and_leaves_no_temporary_file(src, dest):
    # given a destination directory the module cannot write to
    if os.geteuid() == 0:
        # root ignores directory permissions; make the atomic move itself fail instead
        with patch.object(AnsibleModule, "atomic_move", side_effect=OSError(13, "denied")):
            message = failed(src=str(src), dest=str(dest))
    else:
        dest.parent.chmod(0o500)
        try:
            message = failed(src=str(src), dest=str(dest))
        finally:
            dest.parent.chmod(0o700)
    # then it fails naming dest and leaves nothing behind
    assert message.startswith(f"Failed to write package {dest}:")
    assert os.listdir(dest.parent) == []


def test_copied_tree_builds_the_same_archive_as_the_build_function(tmp_path, src):
    # given the tree copied elsewhere with copy2 (which keeps times) and copy (which doesn't)
    kept = tmp_path / "kept"
    fresh = tmp_path / "fresh"
    shutil.copytree(src, kept, copy_function=shutil.copy2)
    shutil.copytree(src, fresh, copy_function=shutil.copy)
    # when both are built with the module's own functions
    patterns = lambda_package.DEFAULT_EXCLUDE
    one = lambda_package.build_zip(lambda_package.collect_files(str(kept), patterns))
    two = lambda_package.build_zip(lambda_package.collect_files(str(fresh), patterns))
    # then the bytes are identical and a valid zip
    assert one == two
    assert zipfile.ZipFile(io.BytesIO(one)).namelist() == PACKED
