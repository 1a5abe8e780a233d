"""Reading contributor files: bytes to text, front matter to data, with line numbers.

Everything here turns a broken file into a :class:`SourceError` with a code and a line,
never into a traceback: OPD staff edit these files in a web editor, often on Windows.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from frontmatter.default_handlers import YAMLHandler
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

#: A page or data file larger than this is not something a person wrote by hand.
MAX_BYTES = 1_000_000

#: Path of a value inside a YAML document: keys and list indexes.
KeyPath = tuple[Any, ...]

# libyaml's parser is ~10x faster than the pure-Python one and gives the same nodes and
# marks; a 1,000-programme plan is parsed in every build.
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR = "tag:yaml.org,2002:str"

#: A plain scalar's tag depends only on its text (``yes`` is a boolean, ``2025`` an int):
#: PyYAML finds it by trying regular expressions, in Python, for every key and value, a
#: fifth of the parse. Keys and values repeat across pages, so each text is tried once.
_RESOLVED: dict[tuple[Any, str, tuple[bool, bool]], str] = {}
_RESOLVED_MAX = 50_000
_RESOLVED_LONGEST = 100


class _Loader(_Base):  # type: ignore[misc,valid-type]
    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if not isinstance(value, str) or len(value) > _RESOLVED_LONGEST:
            return super().resolve(kind, value, implicit)
        key = (kind, value, implicit)
        tag = _RESOLVED.get(key)
        if tag is None:
            tag = super().resolve(kind, value, implicit)
            if len(_RESOLVED) >= _RESOLVED_MAX:
                _RESOLVED.clear()  # bounded: a long `mkdocs serve` reads many versions
            _RESOLVED[key] = tag
        return tag


_BOUNDARY = YAMLHandler.FM_BOUNDARY
assert _BOUNDARY is not None


class SourceError(Exception):
    """A file that cannot be read as intended; carries a problem code and a line."""

    def __init__(self, code: str, message: str, *, line: int | None = None, hint: str = ""):
        super().__init__(message)
        self.code = code
        self.message = message
        self.line = line
        self.hint = hint


@dataclass
class Yaml:
    """A parsed YAML document with the line of every key and list item."""

    data: Any
    lines: dict[KeyPath, int] = field(default_factory=dict)
    duplicates: list[tuple[KeyPath, int, int]] = field(default_factory=list)
    """Keys written twice in one mapping, at any depth: the path, the line of the later
    (whose value YAML keeps) and of the first."""
    digest: bytes = field(default=b"", compare=False, repr=False)
    """For a page's front matter, a digest of the page's path, whole text and how it was
    read: what is worked out from the page alone is kept under it (see :mod:`masterplan.memo`)."""

    def line(self, path: KeyPath) -> int | None:
        """Line of ``path``, or of its nearest ancestor that has one."""
        while True:
            if path in self.lines:
                return self.lines[path]
            if not path:
                return None
            path = path[:-1]


@dataclass
class Page:
    """A Markdown page split into front matter and body."""

    meta: Yaml
    body: str
    body_line: int
    """File line on which ``body`` starts, so body problems can point at a line."""


def read_text(path: str | Path) -> str:
    """Read a file as UTF-8, accepting a BOM and CRLF line endings (Windows editors)."""
    with open(path, "rb") as file:
        raw = file.read()
    if not raw.strip():
        raise SourceError(
            "empty-file", "Berkas kosong.", hint="Isi berkas sesuai contoh di panduan kontributor."
        )
    if len(raw) > MAX_BYTES:
        raise SourceError(
            "file-too-large",
            f"Berkas berukuran {len(raw):,} bita, melebihi batas {MAX_BYTES:,} bita.".replace(",", "."),
            hint="Pecah isinya menjadi beberapa halaman, atau hapus isi yang tidak sengaja tertempel.",
        )
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        raise SourceError(
            "encoding",
            f"Berkas bukan teks UTF-8 (bita 0x{raw[err.start]:02x} tidak sah).",
            line=line,
            hint="Simpan ulang berkas sebagai UTF-8 (di Notepad: Simpan Sebagai > Encoding: UTF-8).",
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


#: No plan file nests deeper than this; libyaml, a C parser, recurses once per level and
#: crashes the process (a segmentation fault, not an exception) some 50,000 levels down.
MAX_YAML_DEPTH = 100
#: Nor is any longer than this, in lines or flow items: reading every node with its line
#: costs about 15 microseconds, and a 1 MB file must be checked well under a second.
MAX_YAML_LINES = 10_000
_FLOW = re.compile(r"[\[\]{}]")


def _too_deep(text: str) -> bool:
    """Whether ``text`` may nest past :data:`MAX_YAML_DEPTH` (an over-estimate: brackets
    inside quotes count too; no real plan file comes near)."""
    if text.count("[") + text.count("{") > MAX_YAML_DEPTH:
        depth = 0
        for match in _FLOW.finditer(text):
            depth += 1 if match.group() in "[{" else -1
            if depth > MAX_YAML_DEPTH:
                return True
    # Block nesting shows as leading spaces and dashes: "- - - - x" or deep indentation.
    return any(len(line) - len(line.lstrip(" -\t")) > 4 * MAX_YAML_DEPTH for line in text.split("\n"))


class _Tree:
    """Turns composed YAML nodes into values, noting the line of every key and item.

    A class, not a closure: a closure that calls itself is a reference cycle, which kept
    every node alive until the cycle collector ran (see :func:`validate.check`)."""

    def __init__(self, loader: Any, result: Yaml, first_line: int):
        self.loader, self.result, self.first_line = loader, result, first_line
        self.lines = result.lines
        self.seen: set[int] = set()

    def line_of(self, node: Node) -> int:
        return int(node.start_mark.line) + self.first_line

    def build(self, node: Node, path: KeyPath) -> Any:
        # Aliases make one node appear twice; expanding them is the "billion laughs"
        # attack, and staff never need them, so refuse them outright.
        if id(node) in self.seen:
            raise SourceError(
                "yaml-syntax",
                "Alias YAML (`*nama`) tidak didukung.",
                line=self.result.line(path),
                hint="Tulis nilainya secara lengkap, tanpa `&anchor` dan `*alias`.",
            )
        self.seen.add(id(node))
        if path not in self.lines:
            self.lines[path] = self.line_of(node)
        if node.tag != _STR and node.tag != _implicit_tag(self.loader, node):
            raise SourceError(
                "yaml-tag",
                f"Nilai ini diberi tag YAML `{_shown_tag(node.tag)}`, yang tidak dipakai rencana ini.",
                line=self.line_of(node),
                hint="Hapus tagnya (kata yang diawali `!`) dan tulis nilainya apa adanya; beri tanda "
                "kutip bila nilainya memang teks.",
            )
        if isinstance(node, MappingNode):
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, ScalarNode):
                    raise SourceError(
                        "yaml-syntax", "Kunci YAML harus berupa teks.", line=self.line_of(key_node)
                    )
                # Text keys as SafeConstructor returns them, without its dispatch.
                key = (
                    key_node.value
                    if key_node.tag == _STR
                    else self.loader.construct_object(key_node, deep=True)
                )
                at, line = path + (key,), self.line_of(key_node)
                if key in out:
                    self.result.duplicates.append((at, line, self.lines.get(at, line)))
                self.lines[at] = line
                out[key] = self.build(value_node, at)
                # The value may start on a later line; a problem about the key points at the key.
                self.lines[at] = line
            return out
        if isinstance(node, SequenceNode):
            return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        if node.tag == _STR:
            # What SafeConstructor returns for text, without its dispatch: most scalars
            # are text, and a 4,000-programme plan has a quarter of a million of them.
            return node.value
        try:
            return self.loader.construct_object(node, deep=True)
        except (ValueError, TypeError, OverflowError) as err:
            if isinstance(err, ValueError) and "digits" in str(err):
                # Python refuses to read integers of thousands of digits (a DoS guard).
                raise SourceError(
                    "bad-value",
                    "Angka ini terlalu panjang (ribuan digit) untuk dibaca.",
                    line=self.line_of(node),
                    hint="Tulis angka yang sebenarnya; anggaran ditulis dalam rupiah penuh, mis. 350000000.",
                ) from None
            # A value that parses but does not exist, such as the date 2024-13-45.
            raise SourceError(
                "yaml-syntax",
                f"Nilai YAML tidak sah: {err}.",
                line=self.line_of(node),
                hint="Periksa tanggal (TTTT-BB-HH yang benar-benar ada) dan angka; beri tanda "
                "kutip bila nilainya memang teks.",
            ) from None


_DEFAULT_TAGS: dict[type, str] = {MappingNode: "tag:yaml.org,2002:map", SequenceNode: "tag:yaml.org,2002:seq"}


def _implicit_tag(loader: Any, node: Node) -> str:
    """The tag YAML gives ``node`` when none is written (``2025``: int, ``"2025"``: text):
    any other tag was written explicitly (``!!bool maybe``). Tagged values reach
    constructors that crash on odd input, and staff never need them."""
    if isinstance(node, ScalarNode):
        plain = not node.style  # libyaml marks a plain scalar "", PyYAML None
        return str(loader.resolve(ScalarNode, node.value, (plain, not plain)))
    return _DEFAULT_TAGS[type(node)]


def _shown_tag(tag: str) -> str:
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag


_CLOSE_QUOTE = "Tutup teks dengan tanda kutip yang sama (`\"` atau `'`) di akhir nilainya."

#: The syntax errors staff make, as the parser (libyaml) describes them: what it was
#: reading, what it found; then what to tell them, in their words, and where: "start"
#: is the line where the thing it was reading began (the opening quote), "found" the
#: line where it gave up (for an unclosed quote, the end of the file). ``{start}`` in a
#: message is the line where it began. The first match wins.
_SYNTAX_ERRORS: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "while scanning a quoted scalar",
        "",
        "tanda kutip yang dibuka di baris ini tidak ditutup",
        _CLOSE_QUOTE,
        "start",
    ),
    (
        "",
        "mapping values are not allowed",
        "ada titik dua (`:`) yang tidak diharapkan di baris ini",
        'Beri tanda kutip pada teks yang memuat `: `, mis. `title: "Program: UMKM"`; bila ini kunci '
        "baru, samakan indentasinya dengan kunci di atasnya.",
        "found",
    ),
    (
        "",
        "found a tab character",
        "baris ini memakai tab",
        "Gunakan spasi untuk indentasi, bukan tab.",
        "found",
    ),
    (
        "while scanning a simple key",
        "could not find expected ':'",
        "baris ini bukan pasangan `kunci: nilai` (titik dua tidak ada)",
        "Tulis `kunci: nilai`; bila baris ini lanjutan nilai di atasnya, beri tanda kutip pada "
        "seluruh nilai itu.",
        "start",
    ),
    (
        "while parsing a flow sequence",
        "",
        "daftar `[` yang dibuka di baris {start} tidak ditutup dengan `]`, atau butirnya tidak "
        "dipisahkan koma",
        "Tulis daftar dalam satu baris, mis. `support: [bappeda, diskominfo]`.",
        "found",
    ),
    (
        "while parsing a flow mapping",
        "",
        "kurung kurawal `{{` yang dibuka di baris {start} tidak ditutup dengan `}}`, atau isinya "
        "tidak dipisahkan koma",
        "Tulis pasangan dalam kurung kurawal dipisah koma, mis. `{tahun: 2025, nilai: 100}`.",
        "found",
    ),
    (
        "while parsing a block mapping",
        "did not find expected key",
        "baris ini tidak sejajar dengan kunci di atasnya, atau ada teks setelah tanda kutip penutup",
        "Samakan indentasi dengan kunci lain pada tingkat yang sama (spasi, bukan tab); bila "
        "nilainya diberi tanda kutip, seluruh nilai harus di dalam kutip.",
        "found",
    ),
    (
        "",
        "found undefined alias",
        "nilai yang diawali `*` dibaca YAML sebagai rujukan (alias)",
        'Beri tanda kutip pada nilainya, mis. `catatan: "*wajib"`.',
        "found",
    ),
    (
        "while scanning for the next token",
        "found character that cannot start any token",
        "nilai di baris ini diawali karakter yang tidak boleh mengawali teks YAML "
        "(seperti `@`, `` ` `` atau `%`)",
        'Beri tanda kutip pada nilainya, mis. `akun: "@diskominfo"`.',
        "found",
    ),
    (
        "",
        "could not determine a constructor",
        "nilai yang diawali `!` dibaca YAML sebagai tag",
        'Beri tanda kutip pada nilainya, mis. `catatan: "!penting"`.',
        "found",
    ),
    (
        "",
        "but found another document",
        "ada baris `---` kedua; satu berkas YAML hanya berisi satu dokumen",
        "Hapus baris `---` itu.",
        "found",
    ),
)


def _quote_run_on(text: str, found: Any) -> Any:
    """Where the quoted text that ends on the line of ``found`` (the parser's error
    mark), just before it, starts, when that is on an earlier line; else ``None``. Read
    with the parser's own scanner, only once the parser has failed."""
    last = None
    with contextlib.suppress(yaml.YAMLError):
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if token.end_mark.index > found.index:
                break
            if isinstance(token, yaml.ScalarToken):
                last = token
    if last is None or last.style not in ('"', "'") or last.end_mark.line != found.line:
        return None
    return last.start_mark if last.start_mark.line < last.end_mark.line else None


def _syntax_error(err: yaml.MarkedYAMLError, text: str, first_line: int) -> SourceError:
    """``err`` as staff can act on it: in Indonesian, on the line to fix."""
    context, problem = err.context or "", err.problem or ""
    start = err.context_mark or err.problem_mark
    found = err.problem_mark or err.context_mark

    def line(mark: Any) -> int | None:
        return int(mark.line) + first_line if mark is not None else None

    quoting = context.startswith("while scanning a quoted scalar")  # left open to the end
    opened = _quote_run_on(text, found) if found is not None and not quoting else None
    if opened is not None:
        # A quote left open runs on to the next quote, lines below: the error shows there.
        return SourceError(
            "yaml-syntax",
            f"YAML tidak dapat dibaca: tanda kutip yang dibuka di baris ini tidak ditutup (teksnya "
            f"berlanjut sampai baris {line(found)}).",
            line=line(opened),
            hint=_CLOSE_QUOTE,
        )

    if found is not None and text[found.index : found.index + 1] == "\t":
        problem = "found a tab character"  # libyaml does not always name it
    for reading, finding, message, hint, where in _SYNTAX_ERRORS:
        if context.startswith(reading) and problem.startswith(finding):
            return SourceError(
                "yaml-syntax",
                "YAML tidak dapat dibaca: " + message.format(start=line(start)) + ".",
                line=line(start if where == "start" else found),
                hint=hint,
            )
    return SourceError(
        "yaml-syntax",
        f"YAML tidak dapat dibaca (pesan pengurai: {problem or context}).",
        line=line(found),
        hint="Periksa indentasi (spasi, bukan tab), titik dua setelah kunci, dan tanda "
        "kutip pada teks yang memuat `:` atau `#`.",
    )


def parse_yaml(text: str, *, first_line: int = 1) -> Yaml:
    """Parse one YAML document, recording the file line of every key and list item.

    ``first_line`` is the file line on which ``text`` starts (front matter starts on 1
    when the opening ``---`` line is included in the text).
    """
    lines, items = text.count("\n"), text.count(",")
    if lines > MAX_YAML_LINES or items > MAX_YAML_LINES:
        raise SourceError(
            "file-too-large",
            f"YAML berisi {max(lines, items):,} baris atau butir, melebihi batas {MAX_YAML_LINES:,}.".replace(
                ",", "."
            ),
            hint="Data rencana dan front matter cukup ratusan baris; hapus isi yang tidak sengaja tertempel.",
        )
    if _too_deep(text):
        raise SourceError(
            "yaml-syntax",
            "YAML terlalu dalam bersarang.",
            hint="Setiap isian cukup bersarang beberapa tingkat; periksa kurung `[` `{` dan "
            "tanda `- ` yang tertempel berulang.",
        )
    loader = _Loader(text)
    result = Yaml(data=None)

    try:
        node = loader.get_single_node()
        result.data = None if node is None else _Tree(loader, result, first_line).build(node, ())
    except yaml.MarkedYAMLError as err:
        raise _syntax_error(err, text, first_line) from None
    except yaml.YAMLError as err:
        raise SourceError("yaml-syntax", f"YAML tidak dapat dibaca: {err}.") from None
    except RecursionError:
        raise SourceError("yaml-syntax", "YAML terlalu dalam bersarang.") from None
    except (ValueError, TypeError, OverflowError) as err:
        # The constructors raise these for values that parse but do not exist, such as
        # the date 2024-13-45 or `!!int x`.
        raise SourceError(
            "yaml-syntax",
            f"Nilai YAML tidak sah: {err}.",
            hint="Periksa tanggal (TTTT-BB-HH yang benar-benar ada) dan angka; beri tanda kutip "
            "bila nilainya memang teks.",
        ) from None
    finally:
        loader.dispose()
    return result


def read_yaml(path: Path) -> Yaml:
    """Read a data file (``data/*.yml``)."""
    return parse_yaml(read_text(path))


def split_page(text: str) -> Page:
    """Split a Markdown page into its YAML front matter and body."""
    first = _BOUNDARY.match(text)
    if first is None:
        raise SourceError(
            "frontmatter-missing",
            "Halaman tidak diawali front matter.",
            line=1,
            hint="Baris pertama harus `---`, diikuti isian YAML, lalu `---` lagi sebelum narasi.",
        )
    closing = _BOUNDARY.search(text, first.end())
    if closing is None:
        raise SourceError(
            "frontmatter-unclosed",
            "Front matter dibuka dengan `---` di baris 1 tetapi tidak pernah ditutup.",
            line=1,
            hint="Tambahkan baris `---` setelah isian terakhir front matter, sebelum narasi.",
        )
    # The boundary pattern may swallow trailing blank lines, so count lines from the
    # match positions rather than from the split pieces.
    meta_line = text.count("\n", 0, first.end()) + 1
    meta = parse_yaml(text[first.end() : closing.start()], first_line=meta_line)
    if meta.data is None:
        meta.data = {}
    body_start = closing.end()
    return Page(meta=meta, body=text[body_start:], body_line=text.count("\n", 0, body_start) + 1)


def read_page(path: Path) -> Page:
    """Read a Markdown page with front matter."""
    return split_page(read_text(path))
