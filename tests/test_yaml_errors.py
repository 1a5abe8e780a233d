"""YAML syntax errors as OPD staff read them: in Indonesian, on the line to fix."""

from __future__ import annotations

import pytest

from masterplan.source import SourceError, parse_yaml

CASES = [
    # (what staff wrote, the line reported, words of the message)
    ('id: ECO-01\ntitle: "Platform UMKM\nlead: x\n', 2, "tanda kutip yang dibuka di baris ini tidak ditutup"),
    ("id: ECO-01\ntitle: 'Platform UMKM\nlead: x\n", 2, "tanda kutip yang dibuka di baris ini tidak ditutup"),
    # The open quote runs on to the next quote, lines below, where the parser fails.
    ('id: 1\ntitle: "Alat\nlead: dishub\npartners:\n  - {name: "Komunitas", kind: k}\n', 2, "sampai baris 5"),
    ("id: ECO-01\ntitle: Platform: UMKM\n", 2, "titik dua (`:`) yang tidak diharapkan"),
    ("id: ECO-01\n\ttitle: x\n", 2, "memakai tab"),
    ("a: 1\n\tb: 2\n", 2, "memakai tab"),
    # A legitimate quote over two lines is not blamed for a tab below it.
    ('title: "Baris satu\n  baris dua"\n\tlead: x\n', 3, "memakai tab"),
    ("a:\n  b: 1\n c: 2\n", 3, "tidak sejajar dengan kunci di atasnya"),
    ("support: [a, b\nlead: x\n", 2, "daftar `[` yang dibuka di baris 1 tidak ditutup"),
    ("a: {b: 1\nc: 2\n", 2, "kurung kurawal `{` yang dibuka di baris 1"),
    ("id: ECO-01\njust text\nlead: x\n", 2, "bukan pasangan `kunci: nilai`"),
    ("a: *x\n", 1, "diawali `*`"),
    ("title: @abc\n", 1, "tidak boleh mengawali teks YAML"),
    ("a: 1\n---\nb: 2\n", 2, "baris `---` kedua"),
]


@pytest.mark.parametrize(("text", "line", "words"), CASES, ids=[c[2][:40] for c in CASES])
def test_a_syntax_error_names_the_line_to_fix_in_indonesian(text: str, line: int, words: str) -> None:
    with pytest.raises(SourceError) as caught:
        parse_yaml(text)
    error = caught.value
    assert (error.code, error.line) == ("yaml-syntax", line), error.message
    assert words in error.message
    assert error.message.startswith("YAML tidak dapat dibaca: ")
    # None of the parser's English.
    assert not any(word in error.message for word in ("found", "while", "expected", "scanning"))
    assert error.hint


def test_an_error_the_table_does_not_know_still_has_a_line_and_a_hint() -> None:
    with pytest.raises(SourceError) as caught:
        parse_yaml("a: [1, 2]]\n")
    assert caught.value.line == 1 and caught.value.hint


def test_a_yaml_tag_is_a_coded_problem_on_its_line_never_a_crash() -> None:
    """Tags reach constructors that crash on odd input (`!!bool maybe`: KeyError,
    `!!int ''`: IndexError) or would run code (`!!python/...`): every one is refused."""
    for text in ("a: !!python/name:os.system x\n", "a: 1\nb: !!bool maybe\n", "a: 1\nb: !!int ''\n"):
        with pytest.raises(SourceError) as caught:
            parse_yaml(text)
        assert caught.value.code == "yaml-tag", text
        assert caught.value.line == text.count("\n"), text
        assert "tag YAML `!!" in caught.value.message
