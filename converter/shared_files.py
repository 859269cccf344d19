"""Files every package holds with the same bytes (its schema copies), made as hard links to the ones of the package
this process wrote last instead of being written again: creating a file costs the kernel an inode, several times what
a link costs, and the schema copies are half of a package's files.

A link is made only to a file whose device, inode, size and modification time are still those recorded when this
process wrote it, with the same bytes to write; anything else (a file changed, replaced or removed, a file system
without hard links or across devices, a file at its link limit) writes the file anew, which then serves the next
packages. The packages thus share these files' inodes (and disk blocks): the bytes are the same as written copies.
"""

from __future__ import annotations

import os
from pathlib import Path

Fingerprint = tuple[int, int, int, int]


def _fingerprint(status: os.stat_result) -> Fingerprint:
    return status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns


class SharedFiles:
    """The shared files of the last package written (relative path → the bytes written and their fingerprint)."""

    def __init__(self) -> None:
        self.package: Path | None = None
        self.files: dict[str, tuple[bytes, Fingerprint]] = {}
        self.pending: dict[str, tuple[bytes, Fingerprint]] = {}

    def begin(self) -> None:
        """A new package is about to be written."""
        self.pending = {}

    def link(self, relative: str, data: bytes, folder_fd: int) -> bool:
        """Make `relative` below the folder open as `folder_fd` a link to the same file of the last package, if it
        still holds `data` as written; False (nothing made) otherwise."""
        known = self.files.get(relative)
        if self.package is None or known is None or known[0] != data:
            return False
        source = os.path.join(self.package, relative)
        try:
            if _fingerprint(os.stat(source, follow_symlinks=False)) != known[1]:
                return False
            os.link(source, relative, dst_dir_fd=folder_fd, follow_symlinks=False)
        except OSError:
            return False
        self.pending[relative] = known
        return True

    def wrote(self, relative: str, data: bytes, fd: int) -> None:
        """`relative` was written anew (`data`, on the open descriptor `fd`): a source for the next packages."""
        self.pending[relative] = (data, _fingerprint(os.fstat(fd)))

    def landed(self, package: Path) -> None:
        """The package is in place: its shared files are the sources of the next package's links."""
        self.package, self.files, self.pending = package, self.pending, {}
