import json
import struct
import zlib

import pytest

from casebook.core.library import attachments
from casebook.core.library.search import Filters
from casebook.errors import AttachmentError, NotFound, PermissionDenied, UsageError


def _png_with_text(secret: str) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"tEXt", b"Comment\x00" + secret.encode())
        + chunk(b"IDAT", idat)
        + chunk(b"IEND", b"")
    )


def post(profile, net, **kw):
    defaults = {
        "title": "Syncope in a 34-year-old runner",
        "fields": {"presentation": "Collapsed at mile 20.", "question": "HCM or vasovagal?"},
        "body": "ECG attached. **Brief** loss of consciousness.",
        "tags": ["Cardiology", "sports medicine"],
        "specialty": "Cardiology",
    }
    return profile.library.post_case(net, **{**defaults, **kw})


def test_post_and_show_a_case(alice, network):
    case_id = post(alice, network)
    case = alice.queries.case(case_id)
    assert case.summary.title == "Syncope in a 34-year-old runner"
    assert case.summary.tags == ["cardiology", "sports-medicine"]
    assert case.summary.status == "open"
    assert case.summary.author_name == "Dr. Alice Moreau"
    assert case.fields["question"] == "HCM or vasovagal?"
    assert case.body.startswith("ECG attached.")
    listed = alice.queries.list_cases(Filters(net=network))
    assert [c.id for c in listed] == [case_id]


def test_threaded_discussion_endorsements_and_outcome(make_profile, alice, network):
    case_id = post(alice, network)
    first = alice.library.comment(case_id, "Consider HCM; get an echo.")
    reply = alice.library.reply(first, "And a Holter monitor.")
    nested = alice.library.reply(reply, "Agreed.")
    second = alice.library.comment(case_id, "Check family history.")
    alice.library.add_outcome(case_id, "Echo: septum 19 mm. HCM confirmed.")
    alice.library.set_status(case_id, "resolved")
    case = alice.queries.case(case_id)
    order = [(c.id, c.depth) for c in case.discussion]
    assert order[:4] == [(first, 0), (reply, 1), (nested, 2), (second, 0)]
    assert case.discussion[-1].kind == "outcome"
    assert case.summary.status == "resolved"
    assert case.summary.comments == 5
    with pytest.raises(PermissionDenied):
        alice.library.endorse(first)


def test_edits_keep_history(alice, network):
    case_id = post(alice, network)
    alice.library.edit_case(case_id, title="Exertional syncope", tags=["hcm"])
    alice.library.edit_case(case_id, body="New body")
    case = alice.queries.case(case_id)
    assert case.summary.title == "Exertional syncope"
    assert case.summary.tags == ["hcm"]
    assert case.body == "New body"
    assert case.fields["presentation"] == "Collapsed at mile 20."
    assert len(case.revisions) == 3
    assert case.revisions[0]["changes"]["title"] == "Syncope in a 34-year-old runner"
    assert case.revisions[1]["changes"] == {"tags": ["hcm"], "title": "Exertional syncope"}
    comment = alice.library.comment(case_id, "first version")
    alice.library.edit_comment(comment, "second version")
    discussion = alice.queries.case(case_id).discussion
    assert discussion[0].body == "second version" and discussion[0].revisions == 2
    assert alice.queries.count_cases(Filters(tag="sports-medicine")) == 0
    assert alice.queries.count_cases(Filters(tag="hcm")) == 1


def test_bad_input_is_refused_before_anything_is_written(alice, network):
    count = alice.db.scalar("SELECT count(*) FROM events")
    with pytest.raises(UsageError, match="title"):
        post(alice, network, title="   ")
    with pytest.raises(UsageError, match="tag"):
        post(alice, network, tags=["bad tag!"])
    with pytest.raises(UsageError):
        alice.library.comment(post(alice, network), "   ")
    with pytest.raises(NotFound):
        alice.library.comment(b"\x00" * 32, "hello")
    with pytest.raises(UsageError, match="Nothing to change"):
        alice.library.edit_case(alice.library.case(alice.queries.list_cases(Filters())[0].id.hex()))
    assert alice.db.scalar("SELECT count(*) FROM events") == count + 1  # only the valid post


def test_attachment_is_content_addressed_and_stripped(alice, network, tmp_path):
    secret = "Patient John Q. Sample DOB 1970-01-01"
    path = tmp_path / "..%2F..%2Fetc%2Fpasswd.png"
    path.write_bytes(_png_with_text(secret))
    item = attachments.prepare(path)
    assert secret.encode() not in item.data
    assert item.removed and item.mime == "image/png"
    case_id = post(alice, network, files=[item])
    stored = alice.queries.case(case_id).attachments[0]
    assert stored["hash"] == item.hash.hex()
    assert "/" not in stored["name"] and "\\" not in stored["name"]
    assert attachments.read(alice.db, item.hash) == item.data
    # the same bytes twice are stored once
    post(alice, network, files=[attachments.prepare_bytes("copy.png", item.data)])
    assert alice.db.scalar("SELECT count(*) FROM blobs") == 1


@pytest.mark.parametrize(
    "name, expected",
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Windows\\system32\\evil.dll", "evil.dll"),
        ("/absolute/path.txt", "path.txt"),
        ("CON", "attachment_CON"),
        ("nul.txt", "attachment_nul.txt"),
        ("..", "attachment"),
        ("a\x00b\nc.txt", "a_b_c.txt"),
    ],
)
def test_names_never_become_paths(name, expected):
    assert attachments.display_name(name) == expected


def test_oversized_attachment_is_refused(alice, network, tmp_path):
    big = tmp_path / "scan.pdf"
    with big.open("wb") as handle:
        handle.truncate(attachments.MAX_ATTACHMENT_BYTES + 1)
    with pytest.raises(AttachmentError, match="limited to"):
        attachments.prepare(big)
    assert alice.db.scalar("SELECT count(*) FROM blobs") == 0


def test_tampered_blob_is_detected(alice, network):
    item = attachments.prepare_bytes("note.txt", b"plain text attachment")
    post(alice, network, files=[item])
    alice.db.execute("UPDATE blob_chunks SET data = ? WHERE hash = ?", (b"evil", item.hash))
    with pytest.raises(Exception, match="damaged"):
        attachments.read(alice.db, item.hash)


def test_several_networks_are_separate(alice, network):
    other = alice.library.create_network("Neurology Forum", alice.name)
    post(alice, network, title="Heart case")
    post(alice, other, title="Brain case")
    titles = {c.title for c in alice.queries.list_cases(Filters(net=other))}
    assert titles == {"Brain case"}
    assert alice.library.network("neuro") == other
    assert {n["name"] for n in alice.queries.networks()} == {"Cardiology Circle", "Neurology Forum"}
    assert json.loads(alice.db.scalar("SELECT tags FROM cases LIMIT 1"))
