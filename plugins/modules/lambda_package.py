#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: lambda_package
short_description: Build a reproducible AWS Lambda deployment zip from a local directory
version_added: 0.1.0
description:
  - Packs every regular file under O(src) into the zip archive O(dest) so that the same
    files always give the same bytes, whatever their timestamps, permissions, owner or the
    order the file system lists them in. The SHA-256 of the archive therefore changes only
    when the content or the names of the files change, and it is what Lambda reports as
    C(CodeSha256) once the archive is uploaded.
  - The archive is built in memory and compared with the file already at O(dest). O(dest) is
    replaced, atomically, only when the bytes differ; otherwise nothing is written and the
    module reports C(changed=false).
  - "The module reads and writes files on the host it runs on. Run it on the control node,
    with C(delegate_to: localhost) on the task or C(connection: local) on the play, so that
    the package is built from the checkout and lands where the deploying module reads it."
  - It makes no AWS call.
options:
  src:
    description:
      - Directory whose contents are packed. Paths in the archive are relative to it, so
        for a handler C(items_api.handler.handle) point O(src) at the directory that holds
        the C(items_api) package.
    type: path
    required: true
  dest:
    description:
      - Path of the zip archive to write. Its directory must exist.
      - When O(dest) lies inside O(src) it is never packed into itself.
    type: path
    required: true
  exclude:
    description:
      - Shell-style patterns (C(*), C(?), C([seq])) of paths to leave out, matched case
        sensitively.
      - A pattern without C(/) is matched against every component of a file's path
        relative to O(src), so V(__pycache__) leaves out every directory of that name with
        all it holds, and V(*.pyc) every such file at any depth.
      - A pattern with C(/) is matched against the whole relative path, for example
        V(tests/*); C(*) then also matches C(/).
      - Patterns must not be empty, start or end with C(/).
      - The default leaves out byte-code caches and hidden files and directories. Giving
        the option replaces the default, so repeat its patterns if you still want them.
    type: list
    elements: str
    default: ["__pycache__", "*.pyc", "*.pyo", ".*"]
attributes:
  check_mode:
    support: full
    description: Builds the archive and reports whether O(dest) would change, writing nothing.
  diff_mode:
    support: full
    description: Returns the SHA-256 and the file list of O(dest) before and after.
  platform:
    support: full
    platforms: posix
notes:
  - Every entry is stamped 1980-01-01 00:00:00 (the earliest time a zip can hold), marked as
    made on Unix with mode 0644, and compressed with DEFLATE at level 9; entries are sorted
    by path. Directory entries are not written (Lambda creates directories as it unpacks),
    so an empty directory is not packaged.
  - Execute bits are not kept. That suits Python handlers; a custom runtime's C(bootstrap)
    needs a packager that keeps them.
  - The compressed bytes come from the DEFLATE library Python is linked against (zlib on
    most systems). A Python linked against zlib-ng or another compressor, as some Linux
    distributions ship, can produce different bytes, and so a different C(code_sha256), for
    the same files. Build on control nodes whose Python uses the same library.
  - Symbolic links are followed and packed as the files or directories they point to. A
    link that points nowhere, a directory loop, or a special file (FIFO, socket, device)
    that is not excluded makes the module fail.
  - Names are stored as UTF-8 in Unicode normalisation form C, so a checkout on a file
    system that decomposes accents gives the same archive. Two files whose names differ
    only in that form make the module fail.
  - When O(dest) is replaced it keeps the owner and mode of the file it replaces; a new file
    gets the default mode for the user and umask.
author:
  - Items API platform team
"""

EXAMPLES = r"""
- name: Ensure the items API package is built from the checkout
  serverless.rest_api.lambda_package:
    src: "{{ playbook_dir }}/../lambda"
    dest: "{{ playbook_dir }}/../build/items_api.zip"
  delegate_to: localhost
  register: items_package

- name: Ensure the function runs that package
  serverless.rest_api.lambda_function:
    name: items-api-dev
    zip_file: "{{ items_package.path }}"
    runtime: python3.12
    handler: items_api.handler.handle
    role: arn:aws:iam::123456789012:role/items-api-dev-lambda
  delegate_to: localhost

- name: Ensure a package without tests and type stubs is built
  serverless.rest_api.lambda_package:
    src: "{{ playbook_dir }}/../lambda"
    dest: "{{ playbook_dir }}/../build/items_api.zip"
    exclude: ["__pycache__", "*.pyc", "*.pyo", ".*", "tests", "*.pyi"]
  delegate_to: localhost
"""

RETURN = r"""
path:
  description: Absolute path of the archive (not written in check mode).
  returned: always
  type: str
  sample: /home/deploy/items-api/build/items_api.zip
size:
  description: Size of the archive in bytes.
  returned: always
  type: int
  sample: 7342
sha256:
  description: SHA-256 of the archive as 64 hexadecimal digits.
  returned: always
  type: str
  sample: 5ad36a7f2a06e5b9e4b4f6e7d3e0a9c1c2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d7
code_sha256:
  description:
    - SHA-256 of the archive as the base64 text of the digest, the form Lambda reports as
      C(CodeSha256) for a function running this package.
  returned: always
  type: str
  sample: WtNqfyoG5bnktPbn0+CpwcLx4NnIt6b15NPCsaD56Nc=
files:
  description: Paths of the packed files, in archive order.
  returned: always
  type: list
  elements: str
  sample: ["items_api/__init__.py", "items_api/handler.py"]
"""

import base64
import fnmatch
import hashlib
import io
import os
import stat
import tempfile
import unicodedata
import zipfile

from ansible.module_utils.basic import AnsibleModule

DEFAULT_EXCLUDE = ["__pycache__", "*.pyc", "*.pyo", ".*"]
FIXED_DATE_TIME = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o644
COMPRESS_LEVEL = 9
# Host system recorded in each entry: 3 is Unix, which also makes the mode bits meaningful.
CREATE_SYSTEM_UNIX = 3


class PackageError(Exception):
    """The source tree or the destination cannot be packaged as asked."""


def check_patterns(patterns):
    """Refuse patterns that can never match a path relative to src."""
    for pattern in patterns:
        if not pattern:
            raise PackageError("exclude has an empty pattern; remove it")
        if pattern.startswith("/") or pattern.endswith("/"):
            raise PackageError(
                f"exclude pattern {pattern!r} starts or ends with '/'; patterns are matched "
                "against paths relative to src, for example 'tests' or 'tests/*'"
            )


def is_excluded(relative_path, patterns):
    """True when a pattern matches the relative POSIX path or any of its components."""
    parts = relative_path.split("/")
    for pattern in patterns:
        if "/" in pattern:
            if fnmatch.fnmatchcase(relative_path, pattern):
                return True
        elif any(fnmatch.fnmatchcase(part, pattern) for part in parts):
            return True
    return False


def _archive_name(relative_path):
    name = unicodedata.normalize("NFC", relative_path)
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        raise PackageError(
            f"{relative_path.encode('utf-8', 'surrogateescape')!r} is not a UTF-8 file name; "
            "rename it or exclude it"
        ) from None
    return name


def collect_files(src, patterns, skip=None):
    """Sorted list of (archive name, absolute path) of the regular files under src.

    skip is a real path never to pack (the destination archive itself).
    """
    found = {}

    def walk(directory, relative_dir, ancestors):
        with os.scandir(directory) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
        for entry in entries:
            relative = f"{relative_dir}{entry.name}"
            if is_excluded(relative, patterns):
                continue
            try:
                info = os.stat(entry.path)
            except FileNotFoundError:
                raise PackageError(f"{entry.path} is a symbolic link that points nowhere") from None
            if stat.S_ISDIR(info.st_mode):
                identity = (info.st_dev, info.st_ino)
                if identity in ancestors:
                    raise PackageError(f"{entry.path} leads back to a directory above it (a loop)")
                walk(entry.path, f"{relative}/", ancestors | {identity})
            elif stat.S_ISREG(info.st_mode):
                if skip is not None and os.path.realpath(entry.path) == skip:
                    continue
                name = _archive_name(relative)
                if name in found:
                    raise PackageError(
                        f"{found[name]} and {entry.path} get the same name {name!r} in the "
                        "archive (they differ only in Unicode normalisation)"
                    )
                found[name] = entry.path
            else:
                raise PackageError(
                    f"{entry.path} is not a regular file or directory (FIFO, socket or "
                    "device); exclude it"
                )

    root = os.stat(src)
    walk(src, "", frozenset({(root.st_dev, root.st_ino)}))
    return sorted(found.items())


def build_zip(files):
    """The archive bytes for (archive name, path) pairs, in the order given."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED,
                         compresslevel=COMPRESS_LEVEL) as archive:
        for name, path in files:
            info = zipfile.ZipInfo(name, date_time=FIXED_DATE_TIME)
            info.create_system = CREATE_SYSTEM_UNIX
            info.external_attr = (stat.S_IFREG | FILE_MODE) << 16
            with open(path, "rb") as handle:
                data = handle.read()
            archive.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED,
                             compresslevel=COMPRESS_LEVEL)
    return buffer.getvalue()


def code_sha256(data):
    """Base64 of the SHA-256 digest: Lambda's CodeSha256 for a package of these bytes."""
    return base64.b64encode(hashlib.sha256(data).digest()).decode("ascii")


def archive_names(data):
    """Entry names of zip bytes, or None when the bytes are not a zip archive."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, ValueError, EOFError):
        return None


def read_existing(dest):
    """Bytes of the file at dest, or None when there is none."""
    if os.path.isdir(dest):
        raise PackageError(f"dest {dest} is a directory; give the path of the zip file to write")
    try:
        with open(dest, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise PackageError(f"cannot read dest {dest}: {error.strerror}") from None


def write_atomically(module, dest, data):
    """Write data next to dest, then move it over dest in one step."""
    fd, temporary = tempfile.mkstemp(
        dir=os.path.dirname(dest), prefix=f".{os.path.basename(dest)}.", suffix=".tmp"
    )
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        module.atomic_move(temporary, dest)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def check_paths(src, dest):
    if not os.path.exists(src):
        raise PackageError(f"src {src} does not exist; give a directory")
    if not os.path.isdir(src):
        raise PackageError(f"src {src} is not a directory; give a directory")
    parent = os.path.dirname(dest)
    if not os.path.isdir(parent):
        raise PackageError(f"the directory of dest, {parent}, does not exist; create it first")


def _state(data, files):
    return {"sha256": hashlib.sha256(data).hexdigest(), "files": files}


def run_module(module):
    """Build the package, compare it with dest and write it when it differs."""
    src = os.path.abspath(module.params["src"])
    dest = os.path.abspath(module.params["dest"])
    patterns = module.params["exclude"]
    try:
        check_patterns(patterns)
        check_paths(src, dest)
        files = collect_files(src, patterns, skip=os.path.realpath(dest))
        if not files:
            raise PackageError(
                f"src {src} has no files to package once exclude {patterns} is applied"
            )
        data = build_zip(files)
        current = read_existing(dest)
    except PackageError as error:
        module.fail_json(msg=str(error))
    except OSError as error:
        module.fail_json(msg=f"Failed to package {src}: {error}")

    names = [name for name, _ in files]
    changed = current != data
    if changed and not module.check_mode:
        try:
            write_atomically(module, dest, data)
        except OSError as error:
            module.fail_json(msg=f"Failed to write package {dest}: {error}")

    result = {
        "changed": changed,
        "path": dest,
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "code_sha256": code_sha256(data),
        "files": names,
    }
    if module._diff:
        before = {} if current is None else _state(current, archive_names(current))
        result["diff"] = {
            "before": before,
            "after": _state(data, names),
            "before_header": dest,
            "after_header": dest,
        }
    module.exit_json(**result)


def main():
    module = AnsibleModule(
        argument_spec={
            "src": {"type": "path", "required": True},
            "dest": {"type": "path", "required": True},
            "exclude": {"type": "list", "elements": "str", "default": list(DEFAULT_EXCLUDE)},
        },
        supports_check_mode=True,
    )
    run_module(module)


if __name__ == "__main__":
    main()
