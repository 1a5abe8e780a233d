"""The ``masterplan`` command. Library errors become user messages only here."""

from __future__ import annotations

import argparse
import datetime
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn, TextIO

from ..build.site import check_kept
from ..check.validate import Report
from ..outputs import book, codeowners, evaluation_pack, evaluation_pack_files, exports
from ..problems import Problem, plain
from ..read import revision
from ..views import Views
from . import adopt, bench, cycle, finance, importer, plandiff, remind, scaffold, sitecheck, upgrade

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


#: argparse's most common messages, for staff who read Indonesian.
_ARGPARSE_MESSAGES = {
    "unrecognized arguments: ": "argumen tidak dikenal: ",
    "the following arguments are required: ": "argumen wajib belum diberikan: ",
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        for english, indonesian in _ARGPARSE_MESSAGES.items():
            message = message.replace(english, indonesian)
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: penggunaan salah: {plain(message)}\n")


def _usage_error(command: str, message: str) -> int:
    sys.stderr.write(f"masterplan {command}: {plain(message)}\n")
    return EXIT_USAGE


def find_root(start: Path) -> Path | None:
    """The repository root: the nearest folder upwards holding ``mkdocs.yml``."""
    for folder in (start, *start.parents):
        if (folder / "mkdocs.yml").is_file() and (folder / "data").is_dir():
            return folder
    return None


def cmd_validate(args: argparse.Namespace, out: TextIO) -> int:
    """Periksa seluruh rencana induk dan laporkan setiap masalah sekaligus.

    Contoh: masterplan validate
            masterplan validate --root ../masterplan-kota-lain --format github

    Keluar 0 bila bersih, 1 bila ada masalah, 2 bila perintah salah. Tidak pernah
    menulis berkas.
    """
    report = check_kept(args.root)
    github = args.format == "github" or (args.format is None and os.environ.get("GITHUB_ACTIONS") == "true")
    write_text(report, out)
    if github:
        for problem in report.problems:
            out.write(github_annotation(problem) + "\n")
    return EXIT_OK if report.ok else EXIT_PROBLEMS


def write_problems(problems: list[Problem], out: TextIO) -> None:
    """One block a problem: where, code, key, message, then the fix."""
    for p in problems:
        key = f" {plain(p.key)}:" if p.key else ""
        out.write(f"{plain(p.where)}: [{p.code}]{key} {plain(p.message)}\n")
        if p.hint:
            out.write(f"  Perbaikan: {plain(p.hint)}\n")


def write_text(report: Report, out: TextIO) -> None:
    """The human report: one block a problem, then a summary line."""
    write_problems(report.problems, out)
    if report.problems:
        files = len({p.file for p in report.problems})
        out.write(f"\n{len(report.problems)} masalah di {files} berkas ({report.files} berkas diperiksa).\n")
        return
    plan = report.plan
    assert plan is not None  # no problems means every data file loaded
    out.write(
        f"Rencana induk valid: {report.files} berkas diperiksa, {len(plan.programs)} program, "
        f"{len(plan.dimensions)} dimensi, {len(plan.opds)} OPD.\n"
    )


def github_annotation(p: Problem) -> str:
    """A GitHub Actions workflow command that marks the problem on the changed line.

    Contributor text is escaped as the runner unescapes it, so it stays on this one
    line and inside its field; ``##[`` gets a zero-width space as in :func:`plain`.
    """

    def data(text: str) -> str:
        text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return text.replace("##[", "##\u200b[")

    def prop(text: str) -> str:
        return data(text).replace(":", "%3A").replace(",", "%2C")

    where = f"file={prop(p.file)}" + (f",line={p.line}" if p.line else "")
    message = p.message + (f" Perbaikan: {p.hint}" if p.hint else "")
    return f"::error {where},title={prop(p.code)}::{data(message)}"


def cmd_bench(args: argparse.Namespace, out: TextIO) -> int:
    """Ukur waktu build rencana sintetis dibanding build Material polos.

    Contoh: masterplan bench --programs 1000 --programs 4000 --opds 40

    Membuat rencana sintetis (N program, M OPD) di folder sementara, membangunnya dengan
    situs ini (dengan cache kosong, lalu lagi dengan cache yang ditinggalkan build
    pertama) dan dengan Material polos atas halaman yang sama, lalu melaporkan median
    waktu, rasio, waktu per tahap build dan memori puncak; juga waktu build ulang
    `scripts/serve` setelah satu program disunting, dan waktu validasi (proses baru
    dengan cache kosong dan terisi, dan pemeriksaan kedua dalam proses yang sama). Cache
    bench berada di folder sementaranya, tidak menyentuh ~/.cache. Angka dilaporkan,
    tidak diuji: mesin bersama itu bising.
    Dengan --hostile: waktu validasi satu halaman berisi pola jahat hingga 1 MB.
    """
    if args.hostile:
        out.write(bench.hostile_report(bench.hostile(args.root)))
        return EXIT_OK
    try:
        measures = bench.run(args.root, args.programs or [1000], opds=args.opds, repeat=args.repeat)
    except bench.BenchError as err:
        sys.stderr.write(f"masterplan bench: {err}\n")
        return EXIT_PROBLEMS
    out.write(bench.report(measures))
    return EXIT_OK


def cmd_new(args: argparse.Namespace, out: TextIO) -> int:
    """Buat halaman program atau OPD baru dari templat, tanpa menimpa berkas apa pun.

    Contoh: masterplan new program --dimension living --element kesehatan --lead dinkes \\
                --title "Layanan Ambulans Desa" --support dinsos
            masterplan new opd --key dlh --name "Dinas Lingkungan Hidup" --short DLH

    Program baru mendapat kode berikutnya yang belum dipakai di dimensinya; path
    berkasnya dicetak. Kunci yang tidak dikenal ditolak dengan pesan validator.
    """
    try:
        if args.kind == "program":
            request = scaffold.NewProgram(
                dimension=args.dimension,
                element=args.element,
                lead=args.lead,
                title=args.title,
                support=tuple(args.support or ()),
            )
            path = scaffold.new_program(args.root, request)
            out.write(f"{path.relative_to(args.root).as_posix()}\n")
        else:
            scaffold.new_opd(args.root, key=args.key, name=args.name, short=args.short)
            out.write(f"OPD `{args.key}` ditambahkan ke data/opd.yml.\n")
    except scaffold.ScaffoldError as err:
        write_problems(err.problems, out)
        return EXIT_PROBLEMS
    return EXIT_OK


def cmd_diff(args: argparse.Namespace, out: TextIO) -> int:
    """Tampilkan apa yang diubah sebuah perubahan pada rencana, dalam Markdown.

    Contoh: masterplan diff origin/main HEAD

    Membandingkan dua revisi git: program baru, dihapus, dipindahkan; isian yang berubah
    (lama → baru); selisih anggaran per dimensi, OPD dan tahun; masalah validasi baru.
    """
    try:
        base = plandiff.load_revision(args.root, args.base)
        head = plandiff.load_revision(args.root, args.head)
    except plandiff.DiffError as err:
        return _usage_error("diff", str(err))
    out.write(plandiff.render(plandiff.compare(base, head, base_name=args.base, head_name=args.head)))
    return EXIT_OK


def cmd_codeowners(args: argparse.Namespace, out: TextIO) -> int:
    """Tulis .github/CODEOWNERS dari tim OPD pengampu setiap program.

    Contoh: masterplan codeowners
            masterplan codeowners --check   (keluar 1 bila berkas belum mutakhir)
    """
    report = check_kept(args.root)
    if report.plan is None:
        write_text(report, out)
        return EXIT_PROBLEMS
    text = codeowners.generate(report.plan)
    path = args.root / codeowners.PATH
    current = path.read_text(encoding="utf-8") if path.is_file() else ""
    if args.check:
        if current != text:
            out.write(f"{codeowners.PATH} belum mutakhir: jalankan `masterplan codeowners`.\n")
            return EXIT_PROBLEMS
        out.write(f"{codeowners.PATH} mutakhir.\n")
        return EXIT_OK
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    out.write(f"{codeowners.PATH} ditulis ({text.count(chr(10))} baris).\n")
    return EXIT_OK


def _plan_or_problems(args: argparse.Namespace, out: TextIO) -> Report | None:
    ref = getattr(args, "ref", None)
    if ref:
        report = _plan_at(args.root, ref, out)
        if report is None:
            return None
    else:
        report = check_kept(args.root)
    if report.plan is None or report.problems:
        write_text(report, out)
        return None
    return report


def _plan_at(root: Path, ref: str, out: TextIO) -> Report | None:
    """The plan as it was at ``ref`` (an edition's tag): its reference date, when it sets
    none, is the commit's date, so a rebuild gives the same bytes on any day."""
    try:
        commit = revision.resolve_revision(root, ref)
        report = plandiff.load_revision(root, commit)
        if report.plan is not None and report.plan.info.as_of is None:
            report.plan.info.as_of = revision.commit_date(root, commit)
    except revision.DiffError as err:
        out.write(plain(str(err)) + "\n")
        return None
    return report


def _not_a_folder(command: str, path: Path, example: str) -> int:
    return _usage_error(
        command,
        f"{path} adalah berkas, bukan folder; berkas itu tidak ditimpa. "
        f"Beri --out sebuah folder (baru atau yang sudah ada), mis. --out {example}.",
    )


def cmd_export(args: argparse.Namespace, out: TextIO) -> int:
    """Tulis data terbuka (CSV, JSON, datapackage.json) ke sebuah folder.

    Contoh: masterplan export --out data-terbuka

    Berkasnya sama dengan yang diterbitkan situs di /data/. Rencana harus valid lebih dulu.
    Dengan --ref TAG (mis. edisi-2025-06-30) data terbuka dibangun dari rencana pada tag
    itu; dibangun dua kali, hasilnya sama persis.
    """
    if args.out.exists() and not args.out.is_dir():
        return _not_a_folder("export", args.out, "data-terbuka")
    report = _plan_or_problems(args, out)
    if report is None or report.plan is None:
        return EXIT_PROBLEMS
    files = exports.export(report.plan)
    try:
        exports.write(files, args.out)
    except OSError as err:
        return _usage_error("export", f"tidak dapat menulis ke {args.out}: {err.strerror or err}.")
    for name, data in files.items():
        out.write(f"{args.out / name} ({len(data):,} bita)\n".replace(",", "."))
    return EXIT_OK


def cmd_pdf(args: argparse.Namespace, out: TextIO) -> int:
    """Cetak edisi buku rencana induk ke PDF (sampul, daftar isi, versi di setiap halaman).

    Contoh: masterplan pdf --out masterplan.pdf
            masterplan pdf --ref edisi-2025-06-30 --out edisi-2025.pdf

    Dengan --ref TAG edisi cetak dibangun dari rencana pada tag itu (mis. edisi yang
    ditetapkan), dengan versi commit tag itu di setiap halaman.
    """
    if args.out.is_dir():
        return _usage_error("pdf", f"{args.out} adalah folder; beri path berkas PDF, mis. --out rencana.pdf.")
    if not args.out.parent.is_dir():
        return _usage_error(
            "pdf",
            f"folder {args.out.parent} tidak ada. Buat folder itu lebih dulu, "
            "atau beri --out di folder yang sudah ada.",
        )
    report = _plan_or_problems(args, out)
    if report is None or report.plan is None:
        return EXIT_PROBLEMS
    try:
        commit = revision.resolve_revision(args.root, args.ref) if args.ref else "HEAD"
        pages = book.write_pdf(report, Views(report.plan), args.root, args.out, commit)
    except OSError as err:
        return _usage_error("pdf", f"tidak dapat menulis ke {args.out}: {err.strerror or err}.")
    out.write(f"{args.out} ({pages} halaman)\n")
    return EXIT_OK


def cmd_evaluation_pack(args: argparse.Namespace, out: TextIO) -> int:
    """Susun paket bukti untuk evaluasi Gerakan Menuju 100 Smart City satu tahun (XLSX dan PDF).

    Contoh: masterplan evaluation-pack 2025 --out paket-evaluasi

    Menulis paket-evaluasi-TAHUN.xlsx dan paket-evaluasi-TAHUN.pdf ke folder --out (dibuat
    bila belum ada): ringkasan per dimensi, lalu setiap program dengan OPD pengampu,
    sub-kegiatan, status, indikator (target, realisasi dan capaian tahun itu), indikasi,
    pagu dan realisasi anggaran tahun itu, rekomendasi evaluasi sebelumnya yang dijawabnya,
    dan tautan ke halamannya serta riwayat perubahannya (alamat dari mkdocs.yml: site_url,
    repo_url atau extra.repository). Angkanya sama dengan halaman situs dan data terbuka.
    TAHUN harus di dalam periode rencana dan tidak sesudah tahun tanggal acuan; rencana
    harus valid lebih dulu.
    """
    if not (args.year.isascii() and args.year.isdigit() and len(args.year) == 4):
        return _usage_error("evaluation-pack", f"TAHUN {args.year!r} bukan tahun; beri mis. 2025.")
    if args.out.exists() and not args.out.is_dir():
        return _not_a_folder("evaluation-pack", args.out, "paket-evaluasi")
    report = _plan_or_problems(args, out)
    if report is None or report.plan is None:
        return EXIT_PROBLEMS
    year = int(args.year)
    refusal = evaluation_pack.year_refusal(report.plan, year)
    if refusal:
        return _usage_error("evaluation-pack", refusal)
    links = evaluation_pack.read_links(args.root / "mkdocs.yml")
    pack = evaluation_pack.build(report.plan, year, links)
    try:
        workbook, pdf, pages = evaluation_pack_files.write(pack, args.out, args.root, book.version(args.root))
    except OSError as err:
        return _usage_error("evaluation-pack", f"tidak dapat menulis ke {args.out}: {err.strerror or err}.")
    out.write(f"{workbook} ({pack.programs} program)\n{pdf} ({pages} halaman)\n")
    if not links.site_url:
        out.write("Catatan: mkdocs.yml tidak memuat site_url; kolom Halaman program kosong.\n")
    if not links.repository:
        out.write(
            "Catatan: mkdocs.yml tidak memuat repo_url atau extra.repository; "
            "kolom Riwayat perubahan kosong.\n"
        )
    return EXIT_OK


def _site_url(config: Path) -> str | None:
    """``site_url`` of mkdocs.yml (the one reader of the site's addresses); None when it
    is absent or unreadable (the build has read and reported it already)."""
    return evaluation_pack.read_links(config).site_url or None


def cmd_check(args: argparse.Namespace, out: TextIO) -> int:
    """Periksa rencana induk daerah ini dari ujung ke ujung, seperti CI.

    Contoh: masterplan check

    Berurutan: validasi seluruh berkas; build situs dengan --strict ke folder sementara;
    setiap tautan dan sumber internal menunjuk berkas yang ada; tidak ada halaman yang
    memuat apa pun dari host lain; .github/CODEOWNERS mutakhir; anggaran dan realisasi
    di data terbuka sama dengan total tiap program dan total rencana. Keluar 0 bila
    semuanya lolos, 1 bila tidak. Tidak mengubah berkas repositori.
    """
    report = check_kept(args.root)
    if not report.ok or report.plan is None:
        write_text(report, out)
        out.write("Pemeriksaan berhenti: perbaiki masalah di atas dulu (masterplan validate).\n")
        return EXIT_PROBLEMS
    out.write(f"1. Validasi: bersih ({len(report.plan.programs)} program).\n")
    with tempfile.TemporaryDirectory(prefix="masterplan-check-") as tmp:
        site = Path(tmp) / "site"
        cmd = [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "-f",
            str(args.root / "mkdocs.yml"),
            "-d",
            str(site),
        ]
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
        built = subprocess.run(cmd, cwd=args.root, capture_output=True, text=True, env=env, check=False)
        if built.returncode != 0:
            out.write("2. Build --strict: GAGAL\n")
            for line in (built.stderr or built.stdout).splitlines()[-30:]:
                out.write(f"  {plain(line)}\n")
            return EXIT_PROBLEMS
        pages = len(list(site.rglob("*.html")))
        out.write(f"2. Build --strict: berhasil ({pages} halaman).\n")
        site_url = _site_url(args.root / "mkdocs.yml")
        findings = sitecheck.check_pages(site, site_url=site_url if isinstance(site_url, str) else "")
        money = sitecheck.check_money(site, report.plan)
    owners = args.root / codeowners.PATH
    if owners.is_file() and owners.read_text(encoding="utf-8") != codeowners.generate(report.plan):
        stale = "belum mutakhir: jalankan `masterplan codeowners`"
        findings.append(sitecheck.Finding(codeowners.PATH, stale))
    for title, items in (
        ("3. Tautan, sumber dan CODEOWNERS", findings),
        ("4. Anggaran dan realisasi", money),
    ):
        if items:
            out.write(f"{title}: {len(items)} masalah\n")
            for f in items[:50]:
                out.write(f"  {plain(f.page)}: {plain(f.message)}\n")
        else:
            out.write(f"{title}: cocok.\n")
    if findings or money:
        return EXIT_PROBLEMS
    unwritten = sitecheck.placeholders(args.root, report.plan)
    if unwritten:
        out.write(f"5. Isi yang belum ditulis: {len(unwritten)} peringatan\n")
        for f in unwritten[:50]:
            out.write(f"  {plain(f.page)}: {plain(f.message)}\n")
        out.write("Rencana induk belum siap terbit: ganti teks templat di atas dengan isi rencana daerah.\n")
        return EXIT_OK
    out.write("5. Isi yang belum ditulis: tidak ada.\n")
    out.write("Rencana induk siap terbit.\n")
    return EXIT_OK


ADOPT_QUESTIONS = {
    "region": "Nama daerah (mis. Kabupaten Wonosobo): ",
    "kind": "Jenis daerah (kabupaten/kota): ",
    "start": "Tahun awal periode RPJMD (mis. 2025): ",
    "end": "Tahun akhir periode RPJMD (mis. 2029): ",
    "repository": "Alamat repositori GitHub (mis. https://github.com/pemkab-contoh/masterplan): ",
}


def cmd_adopt(args: argparse.Namespace, out: TextIO) -> int:
    """Jadikan repositori ini rencana induk daerah Anda: hapus isi contoh, sisakan rencana kosong yang valid.

    Contoh: masterplan adopt --region "Kota Magelang" --kind kota --start 2025 --end 2029 \\
              --repository https://github.com/pemkot-magelang/masterplan

    Tanpa flag, perintah menanyakannya satu per satu. Program, OPD, RPJMD, evaluasi dan
    analisis contoh dihapus; taksonomi nasional (data/dimensions.yml) tetap; mkdocs.yml
    dan .github/CODEOWNERS diperbarui. Menolak berjalan bila ada perubahan yang belum
    di-commit, jadi `git checkout . && git clean -fd` selalu membatalkannya.
    """
    values = {name: getattr(args, name) for name in ADOPT_QUESTIONS}
    missing = [name for name, value in values.items() if value is None]
    if missing and not sys.stdin.isatty():
        flags = ", ".join(f"--{name}" for name in missing)
        return _usage_error("adopt", f"beri {flags} (atau jalankan di terminal untuk ditanya).")
    for name in missing:
        values[name] = input(ADOPT_QUESTIONS[name]).strip()
    try:
        region = adopt.Region(
            name=str(values["region"]),
            kind=str(values["kind"]).lower(),
            start=int(values["start"]),
            end=int(values["end"]),
            repository=str(values["repository"]).rstrip("/"),
        )
    except ValueError:
        return _usage_error("adopt", "--start dan --end harus tahun, mis. 2025.")
    try:
        changed = adopt.adopt(args.root, region)
    except adopt.AdoptError as err:
        return _usage_error("adopt", str(err))
    report = check_kept(args.root)
    out.write(f"{len(changed)} berkas diubah atau dihapus.\n")
    write_text(report, out)
    out.write("\n" + adopt.next_steps(region))
    return EXIT_OK if report.ok else EXIT_PROBLEMS


def cmd_upgrade(args: argparse.Namespace, out: TextIO) -> int:
    """Ambil versi mesin yang lebih baru dari upstream tanpa menyentuh rencana daerah Anda.

    Contoh: masterplan upgrade --from https://github.com/<upstream>/masterplan
            masterplan upgrade --from ../masterplan-upstream --ref v0.2.0

    Berkas mesin (scripts/, macros/, tests/, .github/workflows/, berkas alat) diganti
    dengan milik upstream pada tag rilis (bawaan: tag vX.Y.Z terbaru); data/, docs/,
    mkdocs.yml dan .github/CODEOWNERS tidak pernah ditimpa. Lalu mesin baru menjalankan
    migrasi isi yang dinyatakan rilisnya (mis. isian yang berganti nama) dan memvalidasi
    rencana. Hasilnya siap ditinjau (git diff --cached) dan di-commit. Menolak berjalan
    bila ada perubahan yang belum di-commit.
    """
    try:
        result = upgrade.upgrade(args.root, args.source, args.ref)
    except upgrade.UpgradeError as err:
        return _usage_error("upgrade", str(err))
    out.write(f"Mesin diperbarui: {result.old} → {result.new} ({plain(result.ref)}).\n")
    out.write(
        f"  {len(result.changed)} berkas mesin diubah, {len(result.added)} ditambah, "
        f"{len(result.removed)} dihapus; data/, docs/ dan mkdocs.yml tidak disentuh.\n"
    )
    lines = result.migrations.splitlines()
    out.write("Migrasi isi: " + ("tidak ada.\n" if not lines else "\n"))
    for line in lines:
        out.write(f"  {plain(line)}\n")
    validated = upgrade.validate_with_new_engine(args.root)
    out.write("Validasi dengan mesin baru:\n" + validated.stdout)
    out.write("Tinjau (git status, git diff --cached), jalankan scripts/test, lalu commit.\n")
    return EXIT_OK if validated.returncode == 0 else EXIT_PROBLEMS


def cmd_import(args: argparse.Namespace, out: TextIO) -> int:
    """Masukkan tabel dari luar ke rencana: `nomenclature` (nomenklatur) atau `finance` (pagu, realisasi).

    Contoh: masterplan import nomenclature nomenklatur-2025.csv
            masterplan import finance realisasi-2026.xlsx --dry-run

    nomenclature: membaca CSV (pemisah `,` atau `;`, judul kolom mis. `Kode` dan `Uraian`)
    dan menulis data/nomenclature.csv dengan kode berbentuk keputusan (1.02.02.2.01.0001).

    finance: membaca ekspor aplikasi keuangan daerah per sub-kegiatan (CSV atau XLSX) dan
    menulis `allocations` (pagu murni dan perubahan) dan `spending` (realisasi) di halaman
    program yang mencantumkan kodenya di `sub_activities`. Realisasi per triwulan adalah
    belanja triwulan itu saja, bukan jumlah sampai triwulan itu.

    Bila ada satu baris yang salah, tidak ada yang ditulis; setiap baris yang salah
    disebutkan.
    """
    if args.kind == "finance":
        return _import_finance(args, out)
    try:
        result = importer.import_nomenclature(args.root, args.file)
    except importer.ImportRefused as err:
        _refused(err, out)
        return EXIT_PROBLEMS
    if result.changed:
        out.write(f"data/nomenclature.csv ditulis: {result.rows} kode.\n")
    else:
        out.write(f"data/nomenclature.csv sudah sama ({result.rows} kode); tidak ada yang diubah.\n")
    return EXIT_OK


def _refused(err: importer.ImportRefused, out: TextIO) -> None:
    for line in err.lines:
        out.write(plain(line) + "\n")
    out.write("Tidak ada berkas yang diubah.\n")


def _import_finance(args: argparse.Namespace, out: TextIO) -> int:
    if args.file.suffix.lower() not in finance.SUFFIXES:
        return _usage_error(
            "import finance",
            f"{args.file.name}: hanya CSV atau XLSX yang dibaca; simpan ekspornya sebagai .csv atau .xlsx.",
        )
    try:
        result = finance.import_finance(args.root, args.file, dry_run=args.dry_run)
    except importer.ImportRefused as err:
        _refused(err, out)
        return EXIT_PROBLEMS
    # Each programme in the plan diff's own sentences (masterplan diff).
    for program, rows in result.changes:
        out.write(f"{plain(program.id)} {plain(program.title)} ({plain(program.path)})\n")
        for label, old, new in rows:
            out.write(f"  - {plain(label)}: {plain(old)} → {plain(new)}\n")
    if result.unmatched:
        out.write("Kode sub-kegiatan yang tidak dicantumkan program mana pun (baris dilewati):\n")
        for line, code in result.unmatched:
            out.write(f"  {plain(args.file.name)}:{line}: {code}\n")
    if not result.changes:
        out.write("Tidak ada yang diubah: halaman program sudah memuat angka berkas ini.\n")
    elif result.written:
        out.write(f"{len(result.changes)} program diubah.\n")
    else:
        out.write(f"{len(result.changes)} program akan diubah; --dry-run: tidak ada berkas yang ditulis.\n")
    return EXIT_OK


def cmd_remind(args: argparse.Namespace, out: TextIO) -> int:
    """Ingatkan setiap OPD pengampu apa yang perlu dikerjakan pada programnya.

    Contoh: masterplan remind
            masterplan remind --github   (alur kerja mingguan: satu isu per OPD)

    Per OPD pengampu, pada tanggal acuan (as_of di data/plan.yml): program yang lewat
    tanggal tinjau (review_by); program tertunda yang halamannya tidak diubah selama
    stale_after_days hari; program berjalan yang halamannya tidak diubah selama itu;
    realisasi indikator yang belum diisi untuk tahun yang sudah lewat; koreksi sejak
    penutupan tahun terakhir yang belum ditinjau Dewan. Program yang dibatalkan tidak
    pernah diingatkan. Tanggal perubahan halaman diambil dari riwayat git.

    Dengan --github: satu isu terbuka per OPD berjudul "Pengingat: <nama OPD>" (label
    pengingat) dibuka, diperbarui bila daftarnya berubah, dan ditutup bila daftarnya
    kosong; tidak pernah ada isu ganda atau komentar. Memakai GITHUB_TOKEN,
    GITHUB_REPOSITORY dan GITHUB_API_URL dari lingkungan (diisi GitHub Actions).
    """
    github = None
    if args.github:
        try:
            github = remind.GitHub.from_env(os.environ)
        except remind.GitHubError as err:
            sys.stderr.write(f"masterplan remind: {plain(str(err))}\n")
            return EXIT_PROBLEMS
    report = _plan_or_problems(args, out)
    if report is None or report.plan is None:
        return EXIT_PROBLEMS
    plan = report.plan
    lists = remind.reminders(plan, remind.last_changes(args.root, plan))
    remind.write_text(plan, lists, out)
    if github is not None:
        config = args.root / "mkdocs.yml"
        site = remind.site_base(_site_url(config))
        try:
            remind.sync(github, plan, lists, site, out)
        except remind.GitHubError as err:
            sys.stderr.write(f"masterplan remind: {plain(str(err))}\n")
            return EXIT_PROBLEMS
    return EXIT_OK


def cmd_close_year(args: argparse.Namespace, out: TextIO) -> int:
    """Tutup tahun laporan: realisasinya sesudah ini hanya berubah lewat koreksi terbuka.

    Contoh: masterplan close-year 2025

    Mencatat {year, date, ref} di data/plan.yml (`closed_years`), meng-commit-nya dan
    membuat tag `tahun-2025-ditutup`. Sesudahnya validator membandingkan realisasi indikator
    dan anggaran tahun itu dengan nilainya di tag: perubahan tanpa butir `corrections` yang
    sesuai ditolak (`closed-year-changed`). Ditolak bila ada perubahan yang belum di-commit,
    tag sudah ada, tahun belum berakhir atau rencana belum valid. Kirim tag ke GitHub:
    git push origin main tahun-2025-ditutup
    """
    try:
        tag = cycle.close_year(args.root, args.year, datetime.date.today())
    except cycle.CycleError as err:
        out.write(plain(str(err)) + "\nTidak ada yang diubah.\n")
        return EXIT_PROBLEMS
    out.write(f"Tahun {args.year} ditutup: commit dan tag {tag} dibuat.\n")
    out.write(f"Kirim ke GitHub: git push origin HEAD {tag}\n")
    return EXIT_OK


def cmd_edition(args: argparse.Namespace, out: TextIO) -> int:
    """Catat edisi rencana yang ditetapkan dengan Perbup/Perwali.

    Contoh: masterplan edition --name "Edisi Perbup 2025" \\
              --legal-basis "Peraturan Bupati Wonosobo Nomor 12 Tahun 2025" --date 2025-06-30

    Mencatat edisi di data/plan.yml (`editions`), meng-commit-nya dan membuat tag
    `edisi-2025-06-30`. Situs menampilkan edisi terakhir di kaki setiap halaman dan di
    /tentang/, beserta halaman perubahan sejak ditetapkan. Ditolak bila ada perubahan yang
    belum di-commit, tag sudah ada, tanggal belum terjadi atau rencana belum valid.
    """
    try:
        date = datetime.date.fromisoformat(args.date)
    except ValueError:
        return _usage_error("edition", f"--date {args.date!r} bukan tanggal TTTT-BB-HH.")
    try:
        tag = cycle.record_edition(args.root, args.name, args.legal_basis, date, datetime.date.today())
    except cycle.CycleError as err:
        out.write(plain(str(err)) + "\nTidak ada yang diubah.\n")
        return EXIT_PROBLEMS
    out.write(f"Edisi dicatat: commit dan tag {tag} dibuat.\n")
    out.write(f"Kirim ke GitHub: git push origin HEAD {tag}\n")
    return EXIT_OK


COMMANDS = {
    "validate": cmd_validate,
    "adopt": cmd_adopt,
    "upgrade": cmd_upgrade,
    "check": cmd_check,
    "export": cmd_export,
    "pdf": cmd_pdf,
    "evaluation-pack": cmd_evaluation_pack,
    "new": cmd_new,
    "diff": cmd_diff,
    "codeowners": cmd_codeowners,
    "bench": cmd_bench,
    "import": cmd_import,
    "remind": cmd_remind,
    "close-year": cmd_close_year,
    "edition": cmd_edition,
}


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="masterplan", description="Alat rencana induk Smart City.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name, func in COMMANDS.items():
        doc = func.__doc__ or ""
        cmd = sub.add_parser(
            name,
            help=doc.splitlines()[0],
            description=doc,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        cmd.add_argument(
            "--root",
            type=Path,
            default=None,
            help="folder repositori (bawaan: dicari dari folder saat ini ke atas)",
        )
        if name == "new":
            kinds = cmd.add_subparsers(dest="kind", required=True, parser_class=_Parser)
            program = kinds.add_parser("program", help="halaman program baru")
            program.add_argument("--dimension", required=True, help="kunci dimensi, mis. living")
            program.add_argument("--element", required=True, help="kunci elemen dimensi itu")
            program.add_argument("--lead", required=True, help="kunci OPD pengampu")
            program.add_argument("--title", required=True, help="judul program")
            program.add_argument("--support", action="append", help="kunci OPD pendukung (berulang)")
            opd = kinds.add_parser("opd", help="OPD baru di data/opd.yml")
            opd.add_argument("--key", required=True, help="kunci OPD, mis. dinkes")
            opd.add_argument("--name", required=True, help="nama lengkap OPD")
            opd.add_argument("--short", required=True, help="singkatan OPD")
            for kind in (program, opd):
                # SUPPRESS: without the flag, keep the value given before the sub-command.
                kind.add_argument("--root", type=Path, default=argparse.SUPPRESS, help=argparse.SUPPRESS)
        if name == "import":
            what = cmd.add_subparsers(dest="kind", required=True, parser_class=_Parser)
            table = what.add_parser(
                "nomenclature", help="tabel nomenklatur daerah (CSV) ke data/nomenclature.csv"
            )
            table.add_argument("file", type=Path, help="berkas CSV dari Bappeda atau BPKAD")
            money = what.add_parser(
                "finance",
                help="pagu dan realisasi per sub-kegiatan (CSV atau XLSX) ke halaman program",
                description=finance.HELP,
                formatter_class=argparse.RawDescriptionHelpFormatter,
            )
            money.add_argument("file", type=Path, help="ekspor aplikasi keuangan daerah (.csv atau .xlsx)")
            money.add_argument(
                "--dry-run", action="store_true", help="tampilkan perubahannya saja, jangan menulis berkas"
            )
            for kind in (table, money):
                kind.add_argument("--root", type=Path, default=argparse.SUPPRESS, help=argparse.SUPPRESS)
        if name in ("export", "pdf"):
            cmd.add_argument("--out", type=Path, required=True, help="folder (export) atau berkas PDF tujuan")
        if name in ("export", "pdf"):
            cmd.add_argument(
                "--ref", default=None, help="tag atau commit, mis. edisi-2025-06-30 (bawaan: isi sekarang)"
            )
        if name == "evaluation-pack":
            cmd.add_argument("year", metavar="TAHUN", help="tahun yang dievaluasi, mis. 2025")
            cmd.add_argument("--out", type=Path, required=True, help="folder tujuan (dibuat bila belum ada)")
        if name == "remind":
            cmd.add_argument(
                "--github", action="store_true", help="buka, perbarui atau tutup satu isu pengingat per OPD"
            )
        if name == "codeowners":
            cmd.add_argument("--check", action="store_true", help="hanya periksa, jangan menulis")
        if name == "close-year":
            cmd.add_argument("year", type=int, help="tahun yang ditutup, mis. 2025")
        if name == "edition":
            cmd.add_argument("--name", required=True, help='nama edisi, mis. "Edisi Perbup 2025"')
            cmd.add_argument("--legal-basis", required=True, help="dasar hukum (nomor Perbup/Perwali)")
            cmd.add_argument("--date", required=True, help="tanggal penetapan, TTTT-BB-HH")
        if name == "diff":
            cmd.add_argument("base", help="revisi dasar, mis. origin/main")
            cmd.add_argument("head", help="revisi perubahan, mis. HEAD")
        if name == "bench":
            cmd.add_argument("--programs", type=int, action="append", help="jumlah program (berulang)")
            cmd.add_argument("--opds", type=int, default=40, help="jumlah OPD (bawaan 40)")
            cmd.add_argument("--repeat", type=int, default=3, help="ulangan per ukuran (bawaan 3)")
            cmd.add_argument("--hostile", action="store_true", help="ukur validasi halaman jahat 1 MB")
        if name == "upgrade":
            cmd.add_argument("--from", dest="source", required=True, help="remote git atau folder upstream")
            cmd.add_argument("--ref", default=None, help="tag rilis, mis. v0.2.0 (bawaan: yang terbaru)")
        if name == "adopt":
            cmd.add_argument("--region", help='nama daerah, mis. "Kota Magelang"')
            cmd.add_argument("--kind", help="kabupaten atau kota")
            cmd.add_argument("--start", help="tahun awal periode RPJMD")
            cmd.add_argument("--end", help="tahun akhir periode RPJMD")
            cmd.add_argument("--repository", help="alamat repositori GitHub")
        if name == "validate":
            cmd.add_argument(
                "--format",
                choices=["text", "github"],
                default=None,
                help="github: tambahkan anotasi GitHub Actions (otomatis di GitHub Actions)",
            )
    return parser


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    """Entry point of the ``masterplan`` command; returns the exit code."""
    out = out or sys.stdout
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.root is None:
        args.root = find_root(Path.cwd())
        if args.root is None:
            sys.stderr.write(
                "masterplan: folder repositori tidak ditemukan (tidak ada mkdocs.yml dan data/ "
                "di folder ini atau di atasnya). Jalankan dari dalam repositori, atau beri --root.\n"
            )
            return EXIT_USAGE
    elif not (args.root / "data").is_dir():
        sys.stderr.write(f"masterplan: {args.root} bukan repositori rencana induk (tidak ada data/).\n")
        return EXIT_USAGE
    return int(COMMANDS[args.command](args, out))


if __name__ == "__main__":
    sys.exit(main())
