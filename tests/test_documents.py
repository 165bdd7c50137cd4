"""Tests for the loader: files, folders, stdin, JSONL, encodings, binary and bad input."""

from __future__ import annotations

import gzip
import io
import os
import zipfile
from pathlib import Path

import pytest

from claimscope import documents
from claimscope.documents import (
    Document,
    LoadError,
    binary_kind,
    decode_bytes,
    display_path,
    documents_from_bytes,
    html_to_text,
    iter_documents,
    media_type_of,
)

ARTICLE = "Acupuncture reduced pain by 30% in 120 patients (Smith et al., 2019).\n"


def load(*paths: Path | str, max_bytes: int = documents.DEFAULT_MAX_BYTES) -> list:
    return list(iter_documents([str(p) for p in paths], max_bytes=max_bytes))


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", "hello")
    return buffer.getvalue()


# --- folders -------------------------------------------------------------------------------


def test_folder_is_walked_recursively_in_sorted_order_skipping_hidden(tmp_path):
    for name in ["b.txt", "a.md", "sub/c.txt", "sub/deeper/d.htm", "A.txt"]:
        write(tmp_path / name, "<p>x</p>" if name.endswith(".htm") else ARTICLE)
    write(tmp_path / ".hidden.txt", ARTICLE)
    write(tmp_path / ".git" / "config.txt", ARTICLE)
    write(tmp_path / "sub" / ".secret" / "e.txt", ARTICLE)
    loaded = load(tmp_path)
    names = [Path(item.path).relative_to(tmp_path).as_posix() for item in loaded]
    assert names == ["A.txt", "a.md", "b.txt", "sub/c.txt", "sub/deeper/d.htm"]
    assert all(isinstance(item, Document) for item in loaded)


def test_a_hidden_file_named_explicitly_is_read(tmp_path):
    hidden = write(tmp_path / ".notes.txt", ARTICLE)
    [document] = load(hidden)
    assert document.text == ARTICLE


def test_directory_symlink_loop_is_reported_once_and_not_followed(tmp_path):
    folder = tmp_path / "folder"
    write(folder / "a.txt", ARTICLE)
    (folder / "self").symlink_to(".", target_is_directory=True)
    (folder / "up").symlink_to("..", target_is_directory=True)
    loaded = load(folder)
    documents_ = [item for item in loaded if isinstance(item, Document)]
    errors = [item for item in loaded if isinstance(item, LoadError)]
    # "up" leads to tmp_path, whose "folder" is the loop; "self" is the loop itself.
    assert [d.path for d in documents_] == [str(folder / "a.txt")] * 1
    assert {str(e) for e in errors} == {
        f"{folder / 'self'}: directory symlink loop, not followed",
        f"{folder / 'up' / 'folder'}: directory symlink loop, not followed",
    }


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda p: None, "no such file or directory"),
        (lambda p: p.symlink_to(p.parent / "nowhere"), "broken symbolic link"),
        (lambda p: p.symlink_to(p), "cannot open (Too many levels of symbolic links)"),
    ],
    ids=["missing", "broken-link", "link-loop"],
)
def test_unopenable_paths_become_load_errors(tmp_path, make, reason):
    path = tmp_path / "thing.txt"
    make(path)
    assert load(path) == [LoadError(str(path), reason)]


def test_unreadable_file_is_a_load_error(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("running as root: chmod 000 does not stop root from reading")
    path = write(tmp_path / "locked.txt", ARTICLE)
    path.chmod(0)
    try:
        assert load(path) == [LoadError(str(path), "cannot read (Permission denied)")]
    finally:
        path.chmod(0o644)


def test_non_utf8_file_name_is_shown_with_a_replacement_character(tmp_path):
    raw = os.fsencode(tmp_path) + b"/caf\xe9.txt"
    with open(raw, "wb") as stream:
        stream.write(ARTICLE.encode())
    [document] = load(tmp_path)
    assert document.path == str(tmp_path / "caf\ufffd.txt")
    assert document.text == ARTICLE
    assert display_path("caf\udce9.txt") == "caf\ufffd.txt"


# --- sizes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "limit", "reason"),
    [
        (101, 100, "file is 101 bytes, over the size limit of 100 bytes"),
        (3000, 2048, "file is 2.9 KB, over the size limit of 2.0 KB"),
        (3 * 1024 * 1024, 2 * 1024 * 1024, "file is 3.0 MB, over the size limit of 2.0 MB"),
    ],
)
def test_file_over_max_bytes_is_skipped_with_its_size(tmp_path, size, limit, reason):
    path = write(tmp_path / "big.txt", b"a" * size)
    assert load(path, max_bytes=limit) == [
        LoadError(str(path), f"{reason} (raise it with --max-bytes)")
    ]


def test_file_at_max_bytes_is_read(tmp_path):
    path = write(tmp_path / "exact.txt", b"a" * 100)
    [document] = load(path, max_bytes=100)
    assert document.text == "a" * 100


@pytest.mark.parametrize(
    ("size", "limit", "expected"),
    [
        (40, 100, "a" * 40),  # grew from 3 bytes at stat time: read whole
        (  # grew past the limit: reading stops a byte over it, which the reason reports
            150,
            100,
            "file is 101 bytes, over the size limit of 100 bytes (raise it with --max-bytes)",
        ),
    ],
)
def test_file_that_grew_since_stat_is_read_to_the_limit(
    tmp_path, monkeypatch, size, limit, expected
):
    path = write(tmp_path / "growing.txt", b"a" * size)
    real_stat = os.stat

    def stale_stat(name, *args, **kwargs):  # the size the file had a moment ago
        info = real_stat(name, *args, **kwargs)
        return os.stat_result((*info[:6], 3, *info[7:]))

    monkeypatch.setattr(documents.os, "stat", stale_stat)
    [item] = load(path, max_bytes=limit)
    assert (item.text if isinstance(item, Document) else item.reason) == expected


# --- stdin ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "media_type", "text"),
    [
        (ARTICLE.encode(), "text/plain", ARTICLE),
        (b"\xef\xbb\xbfLine one\r\nLine two", "text/plain", "Line one\r\nLine two"),
        (
            b"<html><body><article><p>"
            + ARTICLE.strip().encode()
            + b"</p></article></body></html>",
            "text/html",
            ARTICLE.strip(),
        ),
        (
            b"\xef\xbb\xbf\n <html><body><span>%s</span></body></html>" % ARTICLE.strip().encode(),
            "text/html",
            ARTICLE.strip(),
        ),
    ],
    ids=["text", "bom-crlf", "html", "bom-html"],
)
def test_dash_reads_stdin(monkeypatch, data, media_type, text):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))
    [document] = load("-")
    assert (document.path, document.id, document.media_type, document.text) == (
        "-",
        "-",
        media_type,
        text,
    )


def test_stdin_over_max_bytes_is_a_load_error(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"a" * 50)))
    assert load("-", max_bytes=10) == [LoadError("-", "input is over the size limit of 10 bytes")]


# --- formats -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "media_type"),
    [
        ("a.txt", "text/plain"),
        ("a.md", "text/markdown"),
        ("a.html", "text/html"),
        ("a.HTM", "text/html"),
        ("a.jsonl", "application/jsonl"),
        ("README", "text/plain"),
        ("a.csv", "text/plain"),
    ],
)
def test_media_type_from_extension(name, media_type):
    assert media_type_of(Path(name)) == media_type


@pytest.mark.parametrize("name", ["a.txt", "a.md"])
def test_text_is_kept_exactly_crlf_and_all(tmp_path, name):
    text = "# Title\r\n\r\nAcupuncture reduced pain.\r\nSecond line\rold mac\n\tTabbed  spaces \n"
    [document] = load(write(tmp_path / name, text))
    assert document.text == text
    assert document.notes == ()


def test_html_gives_its_article_text_and_drops_scripts(tmp_path):
    html = (
        "<html><head><title>T</title><script>var secret = 1;</script></head><body>"
        "<nav>Home | About</nav><article><h1>Acupuncture and pain</h1>"
        f"<p>{ARTICLE.strip()}</p><p>Another paragraph about 12 patients.</p></article>"
        "</body></html>"
    )
    [document] = load(write(tmp_path / "page.html", html))
    assert document.media_type == "text/html"
    assert ARTICLE.strip() in document.text
    assert "Another paragraph about 12 patients." in document.text
    assert "secret" not in document.text
    assert document.sha256 == Document("x", "x", document.text).sha256


def test_jsonl_one_document_per_line_with_ids(tmp_path):
    lines = [
        '{"id": "first", "text": "Pain fell by 30%."}',
        "",
        '{"text": "No id here."}',
        '{"id": 7, "text": "Line\\r\\nbreaks\\u2028kept."}',
    ]
    path = write(tmp_path / "docs.jsonl", "\n".join(lines) + "\n")
    loaded = load(path)
    assert [(d.id, d.path, d.text) for d in loaded] == [
        ("first", str(path), "Pain fell by 30%."),
        (f"{path}:3", str(path), "No id here."),
        ("7", str(path), "Line\r\nbreaks\u2028kept."),
    ]


def test_jsonl_raw_line_separator_inside_a_string_does_not_split_the_line(tmp_path):
    # U+2028 and U+0085 may stand unescaped in JSON; str.splitlines would cut there.
    path = write(tmp_path / "docs.jsonl", '{"id": "a", "text": "one\u2028two\x85three"}\r\n')
    [document] = load(path)
    assert document.text == "one\u2028two\x85three"


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("{bad", "invalid JSON (Expecting property name enclosed in double quotes)"),
        ("[1, 2]", "a JSONL line must be an object with a 'text' field"),
        ('{"id": "x"}', "missing or non-string 'text' field"),
        ('{"id": "x", "text": 5}', "missing or non-string 'text' field"),
    ],
)
def test_jsonl_bad_line_is_reported_as_path_line_and_others_kept(tmp_path, line, reason):
    content = f'{{"id": "a", "text": "A."}}\n{line}\n{{"id": "c", "text": "C."}}\n'
    path = write(tmp_path / "docs.jsonl", content)
    loaded = load(path)
    assert loaded[1] == LoadError(f"{path}:2", reason)
    assert [(d.id, d.text) for d in (loaded[0], loaded[2])] == [("a", "A."), ("c", "C.")]


def test_jsonl_lone_surrogates_become_replacement_characters_keeping_offsets(tmp_path):
    path = write(tmp_path / "docs.jsonl", '{"id": "a\\udc00", "text": "x\\ud800y 30%"}\n')
    [document] = load(path)
    assert (document.id, document.text) == ("a\ufffd", "x\ufffdy 30%")
    assert document.notes == ("lone surrogate code points replaced with U+FFFD",)


# --- encodings -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (b"\xef\xbb\xbfHello\r\n", "Hello\r\n"),
        ("Hello ✓ 😀\r\n".encode("utf-16"), "Hello ✓ 😀\r\n"),
        (b"\xfe\xff" + "Hi é".encode("utf-16-be"), "Hi é"),
        (b"\xff\xfe\x00\x00" + "Hi 😀".encode("utf-32-le"), "Hi 😀"),
        ("naïve café – 😀".encode(), "naïve café – 😀"),
    ],
    ids=["utf8-bom", "utf16-bom", "utf16be-bom", "utf32le-bom", "utf8"],
)
def test_bom_is_removed_and_text_decoded_exactly(data, text):
    assert decode_bytes(data) == (text, ())


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        ("Café patients’ pain fell by 30% — naïve “quoted” text.", "cp1252"),
        ("Über 40% der Patienten in München berichteten Schmerzen. Ça va très bien, señor.",
         "latin-1"),
        ("Les patients âgés de 65 ans ou plus ont signalé une amélioration à 12 semaines.",
         "cp1252"),
    ],
)  # fmt: skip
def test_undecodable_utf8_falls_back_to_the_detected_encoding(tmp_path, text, codec):
    [document] = load(write(tmp_path / "legacy.txt", text.encode(codec)))
    assert document.text == text
    assert document.notes == ("not valid UTF-8; decoded as cp1252",)


def test_cyrillic_legacy_text_is_not_forced_to_cp1252():
    text = "Исследование показало, что боль уменьшилась на 30% у пациентов с артритом."
    decoded, notes = decode_bytes(text.encode("cp1251"))
    assert decoded == text
    assert notes[0].startswith("not valid UTF-8; decoded as ")
    assert "cp1252" not in notes[0]


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "PNG image"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF document"),
        (zip_bytes(), "ZIP archive"),
        (gzip.compress(b"hello world"), "gzip archive"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG image"),
        (b"MZ\x90\x00\x03\x00\x00\x00", "Windows executable"),
        (bytes(range(32)) * 10, "unrecognised binary data"),
    ],
    ids=["png", "pdf", "zip", "gzip", "jpeg", "exe", "controls"],
)
def test_binary_files_are_rejected_with_a_reason(tmp_path, data, kind):
    path = write(tmp_path / "article.txt", data)
    assert binary_kind(data) == kind
    assert load(path) == [LoadError(str(path), f"binary file ({kind}), not text")]


@pytest.mark.parametrize(
    "text",
    [
        "MZ is the postcode area for Manchester.",
        "BZh, said the bee.",
        "RIFF raffle: 12 tickets.",
        "Pain\x00 fell\x07 by\x1b 30%\x0c here.",
    ],
)
def test_text_that_merely_looks_binary_is_read(text):
    assert binary_kind(text.encode()) is None
    assert decode_bytes(text.encode()) == (text, ())


def test_empty_file_is_a_document_with_a_note(tmp_path):
    [document] = load(write(tmp_path / "empty.txt", b""))
    assert (document.text, document.notes) == ("", ("empty document, no claims",))


# --- HTML ----------------------------------------------------------------------------------


def test_html_nested_deeper_than_lxml_can_parse_falls_back_to_visible_text():
    body = "<div>" * 5000 + "<p>Acupuncture reduced pain by 30%.</p>" + "</div>" * 5000
    text, notes = html_to_text(f"<html><body>{body}<script>x()</script></body></html>")
    assert text == "Acupuncture reduced pain by 30%."
    assert notes == (
        "HTML nested 5003 levels deep, over the parser's limit of 255; used all visible text",
    )


def test_html_fragment_without_main_text_falls_back_to_visible_text():
    text, notes = html_to_text("<span>Acupuncture reduced pain by 30%.</span>")
    assert text == "Acupuncture reduced pain by 30%."
    assert notes == ("no main article text found (e.g. an HTML fragment); used all visible text",)


def test_html_with_nul_and_control_characters_is_parsed():
    html = "<p>A\x00b Acupuncture reduced pain\x07 by 30% in 120 patients.</p><style>p{}</style>"
    text, _ = html_to_text(html)
    assert text == "Ab Acupuncture reduced pain by 30% in 120 patients."


@pytest.mark.parametrize(
    "html", ["", "<html><head><script>alert(1)</script></head><body></body></html>"]
)
def test_html_without_text_is_a_load_error(html):
    [error] = documents_from_bytes(html.encode(), "page.html", "text/html")
    assert error == LoadError("page.html", "no text found in the HTML")


def test_html_is_parsed_from_a_string_and_nothing_is_fetched(monkeypatch):
    import socket

    import trafilatura

    calls: list = []
    real_extract = trafilatura.extract

    def spy(content, *args, **kwargs):
        calls.append(content)
        return real_extract(content, *args, **kwargs)

    def no_network(*args, **kwargs):
        raise AssertionError("claimscope opened a network socket")

    monkeypatch.setattr(trafilatura, "extract", spy)
    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    html = (
        '<html><head><link rel="stylesheet" href="http://example.com/a.css">'
        '<script src="http://example.com/a.js"></script><script>fetch("http://x")</script>'
        '</head><body><article><img src="http://example.com/a.png">'
        '<iframe src="http://example.com/frame"></iframe>'
        f"<p>{ARTICLE.strip()}</p></article></body></html>"
    )
    text, _ = html_to_text(html)
    assert ARTICLE.strip() in text
    assert "fetch" not in text
    assert len(calls) == 1 and isinstance(calls[0], str)


def test_jsonl_duplicate_ids_are_renamed_so_record_ids_stay_unique():
    data = b'{"id": "a", "text": "one"}\n{"id": "a", "text": "two"}\n{"id": "b", "text": "x"}\n'
    documents = list(documents_from_bytes(data, "c.jsonl", "application/jsonl"))
    assert [d.id for d in documents] == ["a", "c.jsonl:2", "b"]
    assert documents[1].notes == ("duplicate id 'a', named c.jsonl:2 instead",)
    assert documents[1].text == "two"
