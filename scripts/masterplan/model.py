"""The typed model of a masterplan, and the one declaration of its content contract.

Each dataclass below is both the Python type the build works with and the schema of a
YAML file or front matter: :mod:`masterplan.read.schema` reads the annotations and field
metadata to check input, and the contributor guide renders its field tables from them.
Fields marked ``derived`` are filled by the loader, never written by contributors.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any, Literal

from .source import Yaml

DIMENSION_KEYS = ("governance", "branding", "economy", "living", "society", "environment")
PREFIXES = {
    "governance": "GOV",
    "branding": "BRA",
    "economy": "ECO",
    "living": "LIV",
    "society": "SOC",
    "environment": "ENV",
}
RegionKind = Literal["kabupaten", "kota"]
PartnerKind = Literal["akademisi", "bisnis", "komunitas", "media", "pemerintah"]
Horizon = Literal["quick-win", "short", "medium", "long"]
Source = Literal["APBD", "APBN", "DAK", "CSR", "KPBU", "hibah", "swasta", "desa"]
Status = Literal["planned", "ongoing", "done", "delayed", "cancelled"]
Rating = Literal["baik", "sedang", "kurang"]
Direction = Literal["up", "down"]
Phase = Literal["murni", "perubahan"]
Frequency = Literal["tahunan", "semesteran", "triwulanan", "bulanan"]

SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"
PROGRAM_ID = r"^[A-Z]{3}-[0-9]{1,4}$"
GITHUB_HANDLE = r"^@[A-Za-z0-9][A-Za-z0-9-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?$"
#: A sub-kegiatan of the regional nomenclature (Permendagri 90/2019 and its Kepmendagri
#: updates): urusan, bidang, program, kegiatan (two parts), sub-kegiatan, as
#: ``1.02.02.2.01.0001``. Regional finance systems write the kegiatan's first part with two
#: digits (``1.02.02.02.01.0001``): the same code (:func:`canonical_code`). ``X`` stands in
#: the urusan and bidang of the supporting programmes (``X.XX.01.2.01.0001``).
SUB_ACTIVITY = r"^[0-9X]\.[0-9X]{2}\.[0-9]{2}\.0?[0-9]\.[0-9]{2}\.[0-9]{4}$"
#: A git tag the engine creates or reads (an edition, a closed year): lower-case letters,
#: digits, dots and hyphens, starting with a letter or digit; nothing git, a shell or a
#: workflow log reads specially, and never option-like.
GIT_TAG = r"^[a-z0-9][a-z0-9.-]{0,99}$"
#: A code of the nomenclature at any level: urusan ``1``, bidang ``1.02``, program
#: ``1.02.02``, kegiatan ``1.02.02.2.01``, sub-kegiatan ``1.02.02.2.01.0001``.
NOMENCLATURE_CODE = r"^[0-9X](\.[0-9X]{2}(\.[0-9]{2}(\.0?[0-9]\.[0-9]{2}(\.[0-9]{4})?)?)?)?$"
#: Levels of the nomenclature, by the number of dot-separated parts of a code.
NOMENCLATURE_LEVELS = {1: "urusan", 2: "bidang urusan", 3: "program", 5: "kegiatan", 6: "sub-kegiatan"}

#: Years a plan, a programme or a budget line may name.
FIRST_YEAR, LAST_YEAR = 2000, 2100
#: Statuses that must say why in ``status_note``.
NOTE_REQUIRED = ("delayed", "cancelled")
#: Days without a change after which a running programme asks to be updated.
STALE_AFTER_DAYS = 180
#: Scores of the national evaluation run from 0 to 4.
SCORE_MAX = 4

#: Largest magnitude of any number in the plan, Rp1.000 triliun as a budget line. A
#: bigger value is a typo (or an attack), and would overflow charts and number formats;
#: a number field that declares no bounds of its own is held to this one.
NUMBER_LIMIT = 10**15
#: The smallest size a number other than zero may have: no plan measures in millionths,
#: and a ratio to a tinier target (capaian) would overflow to infinity.
NUMBER_SMALLEST = 1e-6


def spec(
    doc: str,
    *,
    default: Any = ...,
    pattern: str | None = None,
    minimum: int | None = None,
    maximum: int | None = None,
    not_before: str | None = None,
    example: Any = None,
    derived: bool = False,
) -> Any:
    """Declare a schema field: its Indonesian description and its constraints.

    A field without ``default`` is required. Mutable defaults are given as ``[]`` or
    ``{}`` and copied per instance. ``pattern`` must match the whole text; ``minimum``
    and ``maximum`` bound a number, or each value of a year mapping; ``not_before``
    names a sibling year field this one may not precede.
    """
    meta = {
        "doc": doc,
        "pattern": pattern,
        "minimum": minimum,
        "maximum": maximum,
        "not_before": not_before,
        "example": example,
        "derived": derived,
    }
    if default is ...:
        return field(metadata=meta)
    if isinstance(default, list | dict | set):
        return field(default_factory=lambda: type(default)(), metadata=meta)
    return field(default=default, metadata=meta)


@dataclass
class Element:
    """One of the national guideline's 18 elements; three per dimension."""

    key: str = spec("Kunci elemen, huruf kecil dan tanda hubung.", pattern=SLUG, example="kesehatan")
    name: str = spec("Nama elemen.", example="Kesehatan")
    name_en: str = spec("Nama elemen dalam bahasa Inggris.", example="Health")


@dataclass
class Dimension:
    """A Smart City dimension, as listed in ``data/dimensions.yml``."""

    key: str = spec("Kunci dimensi: governance, branding, economy, living, society, environment.")
    prefix: str = spec("Prefiks kode program: GOV, BRA, ECO, LIV, SOC, ENV.")
    name: str = spec("Nama dimensi dalam bahasa Indonesia.", example="Kehidupan Cerdas")
    name_en: str = spec("Nama dimensi dalam bahasa Inggris.", example="Smart Living")
    description: str = spec("Uraian singkat cakupan dimensi.")
    elements: list[Element] = spec("Tepat tiga elemen dimensi ini.")


@dataclass
class Opd:
    """A regional agency (organisasi perangkat daerah), from ``data/opd.yml``."""

    key: str = spec("Kunci OPD yang dipakai di halaman program.", pattern=SLUG, example="diskominfo")
    name: str = spec("Nama lengkap OPD.", example="Dinas Komunikasi dan Informatika")
    short: str = spec("Singkatan yang lazim.", example="Diskominfo")
    team: str = spec(
        "Tim GitHub OPD yang meninjau program yang dipimpinnya (CODEOWNERS).",
        default="",
        pattern=GITHUB_HANDLE,
        example="@organisasi/diskominfo",
    )


@dataclass
class RpjmdGoal:
    """An RPJMD goal (tujuan) that programmes align with."""

    key: str = spec("Kunci tujuan.", pattern=SLUG, example="tujuan-1-1")
    name: str = spec("Rumusan tujuan.")


@dataclass
class RpjmdMission:
    """An RPJMD mission (misi) with its goals, from ``data/rpjmd.yml``."""

    key: str = spec("Kunci misi.", pattern=SLUG, example="misi-1")
    name: str = spec("Rumusan misi.")
    goals: list[RpjmdGoal] = spec("Tujuan-tujuan misi ini.", default=[])


@dataclass
class Period:
    """The plan period in years, normally five, aligned with the RPJMD."""

    start: int = spec("Tahun awal.", minimum=FIRST_YEAR, maximum=LAST_YEAR, example=2025)
    end: int = spec(
        "Tahun akhir, tidak sebelum tahun awal.",
        minimum=FIRST_YEAR,
        maximum=LAST_YEAR,
        not_before="start",
        example=2029,
    )

    @property
    def years(self) -> list[int]:
        return list(range(self.start, self.end + 1))


@dataclass
class Member:
    """A member of a governance body, named by position or by name."""

    name: str = spec("Nama atau jabatan.", example="Kepala Diskominfo")
    role: str = spec("Peran dalam lembaga.", example="Ketua")


@dataclass
class GovernanceBody:
    """A Smart City governance body: Dewan Smart City, Tim Pelaksana."""

    body: str = spec("Nama lembaga.", example="Dewan Smart City")
    description: str = spec("Tugas lembaga.", default="")
    members: list[Member] = spec("Anggota dan perannya.", default=[])


@dataclass
class BimtekStage:
    """One stage of the masterplan's technical guidance (Bimtek) history."""

    date: datetime.date = spec("Tanggal (TTTT-BB-HH).", example="2024-06-24")
    stage: str = spec("Tahap.", example="Bimtek Tahap I")
    output: str = spec("Apa yang dihasilkan tahap ini.")


@dataclass
class Edition:
    """An edition of the plan adopted by a Perbup or Perwali, kept as a git tag."""

    name: str = spec("Nama edisi.", example="Edisi Perbup 2025")
    legal_basis: str = spec("Dasar hukum.", example="Peraturan Bupati Wonosobo Nomor 12 Tahun 2025")
    date: datetime.date = spec("Tanggal penetapan (TTTT-BB-HH).", example="2025-06-30")
    ref: str = spec("Tag git edisi ini.", pattern=GIT_TAG, example="edisi-2025-06-30")


@dataclass
class ClosedYear:
    """A reported year, closed at a git tag: later changes to its actuals and spending are
    corrections, recorded openly."""

    year: int = spec("Tahun yang ditutup.", minimum=FIRST_YEAR, maximum=LAST_YEAR, example=2025)
    date: datetime.date = spec("Tanggal penutupan (TTTT-BB-HH).", example="2026-03-31")
    ref: str = spec("Tag git saat tahun ditutup.", pattern=GIT_TAG, example="tahun-2025-ditutup")


def canonical_code(code: str) -> str:
    """A nomenclature code in the decree's shape: a two-digit first part of the kegiatan
    (``1.02.02.02.01.0001``, from regional systems) is written with one (``…02.2.01…``)."""
    parts = code.split(".")
    if len(parts) >= 5 and len(parts[3]) == 2 and parts[3].startswith("0"):
        parts[3] = parts[3][1]
    return ".".join(parts)


@dataclass
class PlanInfo:
    """The plan as a whole, from ``data/plan.yml``."""

    region: str = spec("Nama daerah.", example="Kabupaten Wonosobo")
    region_kind: RegionKind = spec("Jenis daerah.")
    period: Period = spec("Periode rencana induk, selaras dengan RPJMD.")
    vision: str = spec("Visi daerah.")
    missions: list[str] = spec("Misi daerah.")
    governance: list[GovernanceBody] = spec("Lembaga tata kelola Smart City.", default=[])
    bimtek: list[BimtekStage] = spec("Riwayat tahapan Bimtek penyusunan masterplan.", default=[])
    contact: str = spec(
        "Narahubung rencana untuk warga (halaman selain program).",
        default="",
        example="Diskominfo Kabupaten Wonosobo",
    )
    maintainers: list[str] = spec(
        "Tim atau akun GitHub pengelola rencana: pemilik data/ dan halaman dimensi.",
        default=[],
        example=["@organisasi/diskominfo"],
    )
    data_producer: str = spec(
        "Produsen data terbuka (Satu Data Indonesia); bawaan: nama daerah.",
        default="",
        example="Bappeda Kabupaten Wonosobo",
    )
    data_custodian: str = spec(
        "Walidata yang menerbitkan data terbuka.", default="", example="Diskominfo Kabupaten Wonosobo"
    )
    data_license: str = spec("Lisensi data terbuka.", default="CC-BY-4.0", example="CC-BY-4.0")
    illustration: bool = spec(
        "`true` bila isi rencana hanyalah contoh; setiap halaman lalu ditandai ilustrasi.",
        default=False,
    )
    as_of: datetime.date | None = spec(
        "Tanggal acuan pemantauan (TTTT-BB-HH): realisasi dan anggaran sesudahnya dianggap masa depan. "
        "Bawaan: tanggal situs dibangun.",
        default=None,
        example="2026-01-31",
    )
    nomenclature: str = spec(
        "Keputusan yang diikuti tabel nomenklatur data/nomenclature.csv.",
        default="",
        example="Kepmendagri 050-5889 Tahun 2021",
    )
    region_code: str = spec(
        "Kode wilayah Kemendagri.", default="", pattern=r"^[0-9]{2}(\.[0-9]{2})?$", example="33.07"
    )
    editions: list[Edition] = spec(
        "Edisi yang ditetapkan dengan Perbup/Perwali, dicatat oleh `masterplan edition`.", default=[]
    )
    closed_years: list[ClosedYear] = spec(
        "Tahun laporan yang ditutup, dicatat oleh `masterplan close-year`.", default=[]
    )
    stale_after_days: int = spec(
        "Program berjalan yang tidak diubah selama sekian hari ditandai perlu diperbarui.",
        default=STALE_AFTER_DAYS,
        minimum=1,
        maximum=3650,
        example=STALE_AFTER_DAYS,
    )

    @property
    def closed(self) -> tuple[int, ...]:
        """The years closed so far."""
        return tuple(c.year for c in self.closed_years)

    @property
    def edition(self) -> Edition | None:
        """The edition in force: the latest adopted one."""
        return max(self.editions, key=lambda e: e.date, default=None)


@dataclass
class Partner:
    """A non-government partner (pentahelix) of a programme."""

    name: str = spec("Nama mitra.", example="Universitas Sains Al-Qur'an")
    kind: PartnerKind = spec("Jenis mitra.")


@dataclass
class BudgetLine:
    """Indicative budget of a programme for one year and one funding source."""

    year: int = spec("Tahun anggaran.", minimum=FIRST_YEAR, maximum=LAST_YEAR, example=2025)
    amount: int = spec(
        "Jumlah dalam rupiah, bilangan bulat tanpa titik.",
        minimum=0,
        maximum=NUMBER_LIMIT,
        example=350000000,
    )
    source: Source = spec("Sumber dana.")


@dataclass
class SpendingLine:
    """Realized spending (realisasi anggaran) of a programme for one year and source."""

    year: int = spec(
        "Tahun anggaran, di dalam tahun program dan tidak di masa depan.",
        minimum=FIRST_YEAR,
        maximum=LAST_YEAR,
        example=2025,
    )
    amount: int = spec(
        "Jumlah yang terealisasi dalam rupiah, bilangan bulat tanpa titik.",
        minimum=0,
        maximum=NUMBER_LIMIT,
        example=310000000,
    )
    source: Source = spec("Sumber dana, sama dengan pada `budget`.")
    quarter: int | None = spec(
        "Triwulan (1 sampai 4) bila realisasi dilaporkan per triwulan; tanpa isian ini baris "
        "berlaku untuk setahun.",
        default=None,
        minimum=1,
        maximum=4,
        example=2,
    )


def quarter_of(day: datetime.date) -> int:
    """The quarter (triwulan) of the year a day falls in, 1 to 4."""
    return (day.month - 1) // 3 + 1


@dataclass
class Allocation:
    """The APBD allocation (pagu) of a programme for one year, source and phase."""

    year: int = spec("Tahun anggaran.", minimum=FIRST_YEAR, maximum=LAST_YEAR, example=2026)
    source: Source = spec("Sumber dana.")
    phase: Phase = spec("Tahap APBD: `murni` atau `perubahan`.")
    amount: int = spec(
        "Pagu dalam rupiah, bilangan bulat tanpa titik.", minimum=0, maximum=NUMBER_LIMIT, example=300000000
    )


@dataclass
class Correction:
    """An open change to a closed year's actual or spending: what it was, what it is, why."""

    year: int = spec("Tahun yang sudah ditutup.", minimum=FIRST_YEAR, maximum=LAST_YEAR, example=2025)
    field: str = spec(
        "Yang dikoreksi: `spending.<SUMBER>` untuk realisasi anggaran satu sumber dana, atau nama "
        "indikator untuk realisasinya (pesan validator menuliskannya).",
        example="spending.APBD",
    )
    old: float = spec(
        "Nilai saat tahun ditutup.", minimum=-NUMBER_LIMIT, maximum=NUMBER_LIMIT, example=310000000
    )
    new: float = spec("Nilai sekarang.", minimum=-NUMBER_LIMIT, maximum=NUMBER_LIMIT, example=325000000)
    reason: str = spec("Alasan koreksi.", example="Realisasi triwulan IV terlambat dicatat SIPD.")
    date: datetime.date = spec("Tanggal koreksi (TTTT-BB-HH).", example="2026-04-15")


@dataclass
class Indicator:
    """A performance indicator with its baseline and yearly targets."""

    name: str = spec("Nama indikator.")
    unit: str = spec("Satuan.", example="persen")
    baseline: float = spec("Nilai awal (angka).", minimum=-NUMBER_LIMIT, maximum=NUMBER_LIMIT, example=0)
    targets: dict[int, float] = spec(
        "Target per tahun, mis. `{2025: 20, 2026: 60}`.",
        default={},
        minimum=-NUMBER_LIMIT,
        maximum=NUMBER_LIMIT,
    )
    actuals: dict[int, float] = spec(
        "Realisasi (nilai terukur) di akhir setiap tahun yang sudah berjalan, mis. `{2025: 18}`.",
        default={},
        minimum=-NUMBER_LIMIT,
        maximum=NUMBER_LIMIT,
    )
    direction: Direction = spec(
        "Arah yang lebih baik: `up` (naik) bila makin tinggi makin baik, `down` (turun) bila "
        "makin rendah makin baik (mis. angka stunting).",
        default="up",
    )
    definition: str = spec("Definisi indikator (metadata Satu Data Indonesia).", default="")
    formula: str = spec("Rumus perhitungan.", default="", example="jumlah desa terlayani ÷ jumlah desa × 100")
    frequency: Frequency | None = spec("Frekuensi pengukuran.", default=None)
    producer: str = spec("Kunci OPD produsen data indikator.", default="", example="diskominfo")
    code: str = spec("Kode indikator dalam daftar indikator daerah.", default="", example="IKD-LIV-01")

    @property
    def better_down(self) -> bool:
        return self.direction == "down"


@dataclass
class Program:
    """A Smart City programme: one page under ``docs/program/<dimensi>/``."""

    id: str = spec(
        "Kode unik `<PREFIKS>-<nomor>`, prefiks sesuai dimensi folder.",
        pattern=PROGRAM_ID,
        example="LIV-03",
    )
    title: str = spec("Judul program.")
    element: str = spec("Kunci elemen dari dimensi program ini.", example="mobilitas-transportasi")
    lead: str = spec("Tepat satu kunci OPD pengampu.", example="dishub")
    horizon: Horizon = spec("Jangka waktu: quick-win, short, medium, long.")
    start_year: int = spec(
        "Tahun mulai, di dalam periode rencana.", minimum=FIRST_YEAR, maximum=LAST_YEAR, example=2025
    )
    end_year: int = spec(
        "Tahun selesai, di dalam periode rencana.", minimum=FIRST_YEAR, maximum=LAST_YEAR, example=2026
    )
    status: Status = spec("Status pelaksanaan.")
    support: list[str] = spec("Kunci OPD pendukung.", default=[], example=["dinsos", "diskominfo"])
    sub_activities: list[str] = spec(
        "Kode sub-kegiatan nomenklatur yang membiayai program ini.",
        default=[],
        pattern=SUB_ACTIVITY,
        example=["1.02.02.2.01.0001"],
    )
    shared_sub_activities: bool = spec(
        "`true` bila sub-kegiatannya dipakai bersama program lain (keduanya menyatakannya).",
        default=False,
    )
    partners: list[Partner] = spec("Mitra non-pemerintah dan pemerintah lain.", default=[])
    budget: list[BudgetLine] = spec("Anggaran indikatif per tahun dan sumber dana.", default=[])
    allocations: list[Allocation] = spec(
        "Pagu APBD per tahun, sumber dana dan tahap (murni, perubahan).", default=[]
    )
    spending: list[SpendingLine] = spec(
        "Realisasi anggaran per tahun dan sumber dana (tahun yang sudah berjalan).", default=[]
    )
    indicators: list[Indicator] = spec("Indikator kinerja dan targetnya.", default=[])
    rpjmd: list[str] = spec("Kunci misi atau tujuan RPJMD yang didukung.", default=[])
    progress: int = spec("Progres dalam persen, 0 sampai 100.", default=0, minimum=0, maximum=100)
    status_note: str = spec(
        "Keterangan singkat status; wajib bila status `delayed` (tertunda) atau `cancelled` "
        "(dibatalkan).",
        default="",
        example="Lelang ulang karena penyedia mundur.",
    )
    review_by: datetime.date | None = spec(
        "Tanggal (TTTT-BB-HH) paling lambat OPD pengampu memastikan halaman ini masih benar.",
        default=None,
        example="2026-06-30",
    )
    corrections: list[Correction] = spec(
        "Koreksi terbuka atas realisasi tahun yang sudah ditutup.", default=[]
    )

    dimension: str = spec("Dimensi, dari nama folder.", default="", derived=True)
    path: str = spec("Lokasi berkas relatif terhadap repositori.", default="", derived=True)
    body: str = spec("Narasi program.", default="", derived=True)
    body_line: int = spec("Baris berkas tempat narasi dimulai.", default=1, derived=True)
    meta: Yaml | None = spec("Front matter apa adanya, dengan nomor barisnya.", default=None, derived=True)
    invalid: set[str] = spec("Isian yang salah; aturan antarberkas melewatinya.", default=set(), derived=True)

    @property
    def quick_win(self) -> bool:
        return self.horizon == "quick-win"

    @property
    def counted(self) -> bool:
        """Whether the plan counts this programme in its totals (money, serapan, capaian,
        what needs updating): every one but a cancelled one, which stays listed."""
        return self.status != "cancelled"

    @property
    def total_budget(self) -> int:
        return sum(line.amount for line in self.budget)

    @property
    def total_spending(self) -> int:
        return sum(line.amount for line in self.spending)

    @property
    def years(self) -> list[int]:
        return list(range(self.start_year, self.end_year + 1))


@dataclass
class ReadinessItem:
    """Readiness of one aspect, rated baik, sedang or kurang."""

    rating: Rating = spec("Penilaian: baik, sedang, kurang.")
    notes: str = spec("Catatan penilaian.", default="")


@dataclass
class Readiness:
    """Readiness of the region for a dimension (struktur, infrastruktur, suprastruktur)."""

    struktur: ReadinessItem = spec("Kesiapan kelembagaan dan SDM.")
    infrastruktur: ReadinessItem = spec("Kesiapan sarana dan prasarana.")
    suprastruktur: ReadinessItem = spec("Kesiapan regulasi dan kebijakan.")


@dataclass
class Swot:
    """SWOT analysis of a dimension."""

    strengths: list[str] = spec("Kekuatan.", default=[])
    weaknesses: list[str] = spec("Kelemahan.", default=[])
    opportunities: list[str] = spec("Peluang.", default=[])
    threats: list[str] = spec("Ancaman.", default=[])


@dataclass
class DimensionPage:
    """Front matter of ``docs/dimensi/<dimensi>/index.md``."""

    swot: Swot = spec("Analisis SWOT.")
    readiness: Readiness = spec("Analisis kesiapan.")
    strategy: list[str] = spec("Strategi dimensi.", default=[])

    dimension: str = spec("Dimensi, dari nama folder.", default="", derived=True)
    path: str = spec("Lokasi berkas relatif terhadap repositori.", default="", derived=True)
    body: str = spec("Narasi dimensi.", default="", derived=True)
    body_line: int = spec("Baris berkas tempat narasi dimulai.", default=1, derived=True)
    meta: Yaml | None = spec("Front matter apa adanya, dengan nomor barisnya.", default=None, derived=True)


@dataclass
class EvaluationParts:
    """The five parts of the national evaluation, each scored 0 to 4."""

    baseline: float = spec("Nilai bagian baseline.", minimum=0, maximum=SCORE_MAX, example=2.5)
    output: float = spec("Nilai bagian output.", minimum=0, maximum=SCORE_MAX, example=2.1)
    outcome: float = spec("Nilai bagian outcome.", minimum=0, maximum=SCORE_MAX, example=1.8)
    impact: float = spec("Nilai bagian impact.", minimum=0, maximum=SCORE_MAX, example=1.5)
    quick_win: float = spec("Nilai bagian quick win.", minimum=0, maximum=SCORE_MAX, example=3.0)


@dataclass
class Recommendation:
    """A recommendation of the evaluators, answered by programmes."""

    key: str = spec("Kunci rekomendasi, unik di berkas ini.", pattern=SLUG, example="rek-2025-01")
    text: str = spec("Isi rekomendasi.")
    dimension: str = spec("Kunci dimensi yang dituju, bila ada.", default="", example="living")
    programs: list[str] = spec(
        "Kode program yang menjawab rekomendasi ini.", default=[], example=["LIV-03", "GOV-02"]
    )


@dataclass
class Evaluation:
    """One result of the national evaluation, from ``data/evaluations.yml``."""

    year: int = spec("Tahun yang dievaluasi.", minimum=FIRST_YEAR, maximum=LAST_YEAR, example=2025)
    date: datetime.date = spec("Tanggal hasil evaluasi (TTTT-BB-HH).", example="2025-11-20")
    assessor: str = spec("Penilai.", example="Tim Evaluasi Gerakan Menuju 100 Smart City")
    index: float = spec("Indeks keseluruhan, 0 sampai 4.", minimum=0, maximum=SCORE_MAX, example=2.4)
    parts: EvaluationParts = spec("Nilai kelima bagian evaluasi.")
    dimensions: dict[str, float] = spec(
        "Nilai per dimensi, kunci dimensi ke angka 0 sampai 4, mis. `{living: 2.5}`.",
        default={},
        minimum=0,
        maximum=SCORE_MAX,
    )
    recommendations: list[Recommendation] = spec("Rekomendasi penilai.", default=[])

    item: int = spec("Urutan dalam berkas, dari 0.", default=0, derived=True)


@dataclass
class Masterplan:
    """The whole plan, loaded once per build and shared by every view."""

    info: PlanInfo
    dimensions: list[Dimension]
    opds: list[Opd]
    rpjmd: list[RpjmdMission]
    programs: list[Program]
    pages: dict[str, DimensionPage]
    """Dimension pages by dimension key."""
    evaluations: list[Evaluation] = field(default_factory=list)
    """National evaluation results, oldest first."""
    nomenclature: dict[str, str] | None = None
    """``data/nomenclature.csv`` as {canonical code: name}; ``None`` without the file."""

    @property
    def as_of(self) -> datetime.date:
        """The reference date of monitoring: ``plan.yml: as_of``, else today."""
        return self.info.as_of or datetime.date.today()

    def dimension(self, key: str) -> Dimension | None:
        return next((d for d in self.dimensions if d.key == key), None)

    def opd(self, key: str) -> Opd | None:
        return next((o for o in self.opds if o.key == key), None)

    def element(self, key: str) -> Element | None:
        return next((e for d in self.dimensions for e in d.elements if e.key == key), None)

    def program(self, id_: str) -> Program | None:
        return next((p for p in self.programs if p.id == id_), None)

    def programs_of(self, dimension: str) -> list[Program]:
        return [p for p in self.programs if p.dimension == dimension]

    def rpjmd_name(self, key: str) -> str | None:
        for mission in self.rpjmd:
            if mission.key == key:
                return mission.name
            for goal in mission.goals:
                if goal.key == key:
                    return goal.name
        return None

    @property
    def rpjmd_keys(self) -> list[str]:
        return [k for m in self.rpjmd for k in (m.key, *(g.key for g in m.goals))]

    @property
    def counted_programs(self) -> list[Program]:
        """The programmes whose money and indicators count in every total: all but the
        cancelled ones, which stay listed (with their note) and say they are left out."""
        return [p for p in self.programs if p.counted]

    @property
    def total_budget(self) -> int:
        """The plan's indicative budget: that of the programmes it still counts."""
        return sum(p.total_budget for p in self.counted_programs)

    @property
    def involved_opds(self) -> list[Opd]:
        """OPDs that lead or support at least one programme, in data order."""
        keys = {p.lead for p in self.programs} | {s for p in self.programs for s in p.support}
        return [o for o in self.opds if o.key in keys]
