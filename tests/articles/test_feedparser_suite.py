"""feedparser's own test feeds through ``parse_feed``: never a crash, never a hang, and the same
entries from both parsers wherever the fast path takes a document.

The feeds (about 2,200 documents: encodings, ill-formed markup, every RSS and Atom variant,
sanitizer attacks) come from feedparser's source distribution, downloaded at test time for the
installed version and read from the archive in memory; nothing of it is kept. Two worker processes
parse them, so a document that hangs (or kills its process) fails the test by name after
``TIME_LIMIT`` seconds instead of stalling the run. On the 2-core development machine the whole
test takes 6-8 s: 3-4 s for the download, 2 s for the 2,242 documents (each parsed once, and again
with feedparser alone wherever the fast path took it).
"""

import importlib.metadata
import multiprocessing
import re
import subprocess
import sys
import tarfile

import pytest

from articles import fastparse
from articles.parsing import FEEDPARSER, FeedParseError, parse_feed
from articles.safety import UnsafeDocument

pytestmark = pytest.mark.registry

TIME_LIMIT = 10.0  # seconds per document; the slowest takes about 0.1 s
URL = "https://feeds.example.org/feed/"
# The suite's HTTP tests give their headers in the leading comment, as its runner reads them.
_CONTENT_TYPE = re.compile(rb"^\s*Header:\s*Content-type:\s*(.+?)\s*$", re.I | re.M)


def _reading(body: bytes, content_type: str, parser: str):
    parsed = parse_feed(body, url=URL, content_type=content_type, parser=parser)
    return parsed.parser, (
        parsed.title,
        parsed.site_url,
        parsed.dropped,
        [entry.__dict__ for entry in parsed.entries],
    )


def parse_one(document: tuple[str, bytes]) -> tuple[str, str, bool | None]:
    """(name, what happened, whether feedparser read the same) for one document; runs in a
    worker process."""
    name, body = document
    found = _CONTENT_TYPE.search(body[:2048])
    content_type = found.group(1).decode("latin-1") if found else ""
    try:
        taken, reading = _reading(body, content_type, "auto")
    except (FeedParseError, UnsafeDocument) as exc:
        return name, type(exc).__name__, None
    except Exception as exc:  # noqa: BLE001 - the crash is the finding
        return name, f"crash: {type(exc).__name__}: {exc}", None
    if taken != fastparse.NAME:
        return name, taken, None
    return name, taken, _reading(body, content_type, FEEDPARSER)[1] == reading


@pytest.fixture(scope="module")
def suite_documents(tmp_path_factory) -> list[tuple[str, bytes]]:
    version = importlib.metadata.version("feedparser")
    target = tmp_path_factory.mktemp("feedparser-sdist")
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    command = [*pip, "download", "--no-binary", ":all:", "--no-deps", "--dest", str(target),
               f"feedparser=={version}"]  # fmt: skip
    try:
        subprocess.run(command, check=True, capture_output=True, timeout=180)
    except (subprocess.SubprocessError, OSError) as exc:
        pytest.skip(f"cannot download feedparser {version}'s source distribution: {exc}")
    (archive,) = target.glob("feedparser-*.tar.gz")
    documents = []
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            parts = member.name.split("/")
            if member.isfile() and len(parts) > 2 and parts[1] == "tests":
                if member.name.endswith(".xml"):
                    documents.append(("/".join(parts[2:]), tar.extractfile(member).read()))
    return sorted(documents)


def test_feedparser_test_feeds_never_crash_never_hang_and_read_the_same(suite_documents):
    assert len(suite_documents) >= 2000
    outcomes: dict[str, list[str]] = {}
    crashes, different = [], []
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        results = pool.imap(parse_one, suite_documents, chunksize=1)
        for name, _body in suite_documents:
            try:
                done, outcome, same = results.next(timeout=TIME_LIMIT)
            except multiprocessing.TimeoutError:
                pool.terminate()
                pytest.fail(f"{name} took more than {TIME_LIMIT} s to parse")
            assert done == name
            if outcome.startswith("crash"):
                crashes.append((name, outcome))
            outcomes.setdefault(outcome.split(":")[0], []).append(name)
            if same is False:
                different.append(name)
    assert not crashes, crashes
    assert not different, different
    # The fast path did read a good share of them, and compared equal on each.
    assert len(outcomes.get(fastparse.NAME, [])) >= 400, {k: len(v) for k, v in outcomes.items()}
    assert len(outcomes.get(FEEDPARSER, [])) >= 1000
