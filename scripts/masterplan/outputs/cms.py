"""The web form at ``/admin/`` (Decap CMS): its configuration, made from the model.

OPD staff who have never used Git edit a programme in a form; saving opens a pull
request (``publish_mode: editorial_workflow``), so CI validates it, the plan diff is posted
and CODEOWNERS asks the lead OPD. Nothing here is written by hand for a region: the
collections, fields, required flags, choices and patterns all come from the dataclasses in
:mod:`masterplan.model` and the plan's own data (its OPDs, elements and RPJMD keys), and the
form writes pages with the same layout as ``masterplan new program`` (:mod:`layout`).

Decap's JavaScript comes from the npm registry (``node_modules/decap-cms``, pinned by
package-lock.json) and is copied into the site: the public pages never load it, and the
form requests nothing from another host but the GitHub API it edits.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import re
import shutil
import typing
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

import yaml

from .. import fmt
from ..check import rules
from ..check.validate import rule_context as validate_rule_context
from ..model import DIMENSION_KEYS, PREFIXES, Masterplan, Opd, Program, RpjmdMission
from ..read.files import PROGRAM_DIR
from ..read.loader import OPD_FILE, RPJMD_FILE
from ..read.schema import _hints, is_required, optional, pattern_hint, schema_fields
from . import layout, npm_files

ASSETS = Path(__file__).parent / "admin"
#: The project that holds this engine (scripts/masterplan/..): its node_modules serves a
#: plan built elsewhere (a test's temporary copy) too.
ENGINE_ROOT = Path(__file__).resolve().parents[3]
#: What Decap publishes in its npm package: the main bundle and the chunks it loads lazily.
DECAP = "node_modules/decap-cms/dist"
YAML_LIB = "node_modules/yaml/browser/dist"
#: The form's own files (admin/), published beside npm's.
OWN_FILES = (
    "index.html",
    "masterplan-cms.js",
    "layout.js",
    "numbers.js",
    "rules.js",
    "locale-id.js",
    "preview.css",
)

#: Labels of coded values, where the site already has them.
CHOICE_LABELS: dict[str, dict[str, str]] = {
    "horizon": fmt.HORIZON,
    "status": fmt.STATUS,
    "kind": fmt.PARTNER_KIND,
    "direction": {"up": "Makin tinggi makin baik", "down": "Makin rendah makin baik"},
}


class Unavailable(Exception):
    """Decap's files are not installed (``npm ci`` has not run)."""


def repo_slug(repository: str) -> str:
    """``https://github.com/org/repo`` -> ``org/repo``; empty when it is not a GitHub repo."""
    m = re.fullmatch(r"https://github\.com/([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+?)(?:\.git)?/?", repository)
    return f"{m.group(1)}/{m.group(2)}" if m else ""


def _choices(plan: Masterplan, dimension: str) -> dict[str, list[dict[str, str]]]:
    """The keys a field may name, from the plan: what the validator accepts, no more."""
    opds = [{"label": f"{o.short} – {o.name}", "value": o.key} for o in plan.opds]
    dim = plan.dimension(dimension)
    elements = [{"label": e.name, "value": e.key} for e in dim.elements] if dim else []
    rpjmd = []
    for m in plan.rpjmd:
        rpjmd.append({"label": f"{m.key}: {m.name}", "value": m.key})
        rpjmd += [{"label": f"{g.key}: {g.name}", "value": g.key} for g in m.goals]
    out = {"element": elements, "lead": opds, "support": opds, "rpjmd": rpjmd, "producer": opds}
    if plan.nomenclature is not None:
        # The sub-kegiatan of the region's table, found by code or by name.
        out["sub_activities"] = [
            {"label": f"{code} {name}", "value": code}
            for code, name in plan.nomenclature.items()
            if code.count(".") == 5
        ]
    return out


def _pattern(regex: str, example: object) -> list[str]:
    """Decap's check of a field's form, with the validator's words (an example, no regex)."""
    return [regex, pattern_hint(example, regex)]


def fields(cls: type, plan: Masterplan, *, refs: dict[str, list[dict[str, str]]]) -> list[dict[str, Any]]:
    """Decap fields of a dataclass: one per schema field, in the layout's order."""
    hints = _hints(cls)
    period = plan.info.period
    out = []
    for f in schema_fields(cls):
        tp = optional(hints[f.name])
        field: dict[str, Any] = {
            "label": fmt.FIELDS[f.name],
            "name": f.name,
            "hint": f.metadata["doc"].replace("`", ""),
            "required": is_required(f),
        }
        field.update(_widget(f, tp, plan, refs))
        if f.name.endswith("year") and field.get("widget") == "number":
            field["min"], field["max"] = period.start, period.end
        if field.get("widget") == "rupiah":  # the file's rule (no dots) is not the form's
            field["hint"] = field["hint"].replace(
                ", bilangan bulat tanpa titik.", ", mis. 1.500.000.000 (boleh dengan titik ribuan)."
            )
        if not is_required(f) and f.default is not dataclasses.MISSING and f.default not in ("", None):
            field["default"] = f.default
        out.append(field)
    return out


def _widget(f: dataclasses.Field[Any], tp: Any, plan: Masterplan, refs: dict[str, Any]) -> dict[str, Any]:
    origin = get_origin(tp)
    meta = f.metadata
    if f.name in refs:
        return {"widget": "select", "options": refs[f.name], "multiple": origin is list}
    if origin is Literal:
        labels = CHOICE_LABELS.get(f.name, {})
        return {
            "widget": "select",
            "options": [{"label": labels.get(v, v), "value": v} for v in get_args(tp)],
        }
    if origin is list:
        (item,) = get_args(tp)
        if dataclasses.is_dataclass(item):
            sub = fields(typing.cast(type, item), plan, refs=refs)
            summary = " · ".join("{{fields." + s["name"] + "}}" for s in sub[:3])
            # An explicit empty default: without it Decap starts a list whose items have
            # defaults (an indicator's direction) with one blank item.
            # Short records (a budget line) open with their fields shown; an indicator,
            # which holds lists of its own, opens folded to its summary.
            flat = not any(s["widget"] == "list" for s in sub)
            return {"widget": "list", "fields": sub, "summary": summary, "default": [], "collapsed": not flat}
        each: dict[str, Any] = {"label": fmt.FIELDS[f.name], "name": f.name, "widget": "string"}
        if meta.get("pattern"):  # each code of the list (sub_activities)
            example = meta.get("example")
            each["pattern"] = _pattern(meta["pattern"], example[0] if isinstance(example, list) else example)
        return {"widget": "list", "field": each}
    if origin is dict:
        # A year mapping (targets: {2025: 10}) is a list of year/value rows in the form;
        # the writer turns it back into a mapping (layout.js).
        period = plan.info.period
        return {
            "widget": "list",
            "summary": "{{fields.year}}: {{fields.value}}",
            "default": [],
            "collapsed": False,
            "fields": [
                {
                    "label": fmt.FIELDS["year"],
                    "name": "year",
                    "widget": "number",
                    "value_type": "int",
                    "min": period.start,
                    "max": period.end,
                },
                {"label": fmt.FIELDS["value"], "name": "value", "widget": "angka"},
            ],
        }
    if tp is int:
        # Amounts are typed as Indonesians write them (1.500.000.000, Rp 1.500.000.000):
        # the form's own "rupiah" widget (admin/masterplan-cms.js) reads them exactly.
        out: dict[str, Any] = (
            {"widget": "rupiah"} if f.name == "amount" else {"widget": "number", "value_type": "int"}
        )
        for key in ("minimum", "maximum"):
            if meta.get(key) is not None:
                out[key[:3]] = meta[key]
        return out
    if tp is float:
        return {"widget": "angka"}  # a decimal comma, 82,5 (admin/masterplan-cms.js)
    if tp is bool:
        return {"widget": "boolean"}
    if tp is datetime.date:
        return {
            "widget": "datetime",
            "date_format": "YYYY-MM-DD",
            "time_format": False,
            "format": "YYYY-MM-DD",
        }
    widget: dict[str, Any] = {"widget": "text" if f.name == "status_note" else "string"}
    if meta.get("pattern"):
        widget["pattern"] = _pattern(meta["pattern"], meta.get("example"))
    return widget


def _program_collection(plan: Masterplan, dimension: str) -> dict[str, Any]:
    dim = plan.dimension(dimension)
    name = f"{dim.name} ({dim.name_en})" if dim else dimension
    program_fields = fields(Program, plan, refs=_choices(plan, dimension))
    # A new programme starts as `masterplan new program` starts it.
    starting = layout.starting_values(plan, dimension)
    for f in program_fields:
        if f["name"] in starting:
            f["default"] = starting[f["name"]]
        if f["name"] == "id":
            f["pattern"] = _pattern(f"^{PREFIXES[dimension]}-[0-9]{{1,4}}$", f"{PREFIXES[dimension]}-01")
    by_name = {f["name"]: f for f in program_fields}
    ordered = [by_name[k.name] for k in layout.PROGRAM]
    ordered.append(
        {
            "label": "Narasi",
            "name": "body",
            "widget": "markdown",
            # Raw: the rich editor rewrites Markdown it did not write; what a person typed
            # is saved as typed.
            "modes": ["raw"],
            "default": layout.BODY,
            "hint": "Latar belakang, tujuan, keluaran dan manfaat, dalam Markdown.",
        }
    )
    return {
        "name": f"program-{dimension}",
        "label": f"Program {name}",
        "label_singular": "Program",
        "folder": f"{PROGRAM_DIR}/{dimension}",
        "extension": "md",
        "format": "masterplan-program",
        "create": True,
        "delete": False,
        "slug": "{{slug}}",
        "identifier_field": "title",
        "summary": "{{id}} · {{title}}",
        "sortable_fields": ["id", "title"],
        "fields": ordered,
    }


def _data_collection(plan: Masterplan, path: str, label: str, cls: type, item: str) -> dict[str, Any]:
    """A data file that is a list of records: its own collection, for its own writer."""
    name = Path(path).stem
    return {
        "name": name,
        "label": label,
        "format": f"masterplan-{name}",
        "extension": "yml",
        "delete": False,
        "files": [
            {
                "label": label,
                "name": name,
                "file": path,
                "fields": [
                    # The file's opening comment, kept as it was.
                    {
                        "label": "Keterangan di awal berkas",
                        "name": "header",
                        "widget": "hidden",
                        "required": False,
                    },
                    {
                        "label": label,
                        "name": "items",
                        "widget": "list",
                        "label_singular": item,
                        "summary": "{{fields.key}} · {{fields.name}}",
                        "fields": fields(cls, plan, refs={}),
                    },
                ],
            }
        ],
    }


#: Sign-in settings a region may give in mkdocs.yml (``extra: cms:``), and what each must
#: look like: the address of its OAuth proxy, the proxy's path, the GitHub scope asked for.
AUTH_SETTINGS = {
    "base_url": re.compile(r"https://[A-Za-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._~/-]*)?"),
    "auth_endpoint": re.compile(r"[A-Za-z0-9._~/-]+"),
    "auth_scope": re.compile(r"public_repo|repo"),
}


def auth_settings(settings: Any) -> tuple[dict[str, str], list[str]]:
    """The sign-in settings that are well formed, and a message for each that is not."""
    good: dict[str, str] = {}
    bad: list[str] = []
    if not isinstance(settings, dict):
        return good, ([] if settings in (None, "") else ["extra.cms di mkdocs.yml harus berupa pemetaan."])
    for key, value in settings.items():
        rule = AUTH_SETTINGS.get(str(key))
        if rule is None:
            bad.append(f"extra.cms.{key} tidak dikenal (yang dikenal: {', '.join(AUTH_SETTINGS)}).")
        elif not isinstance(value, str) or not rule.fullmatch(value):
            bad.append(f"extra.cms.{key} tidak sah: {value!r}.")
        else:
            good[str(key)] = value
    return good, bad


def config(
    plan: Masterplan, *, repository: str = "", site_url: str = "", auth: dict[str, str] | None = None
) -> dict[str, Any]:
    """The whole ``admin/config.yml``. Sign-in (an OAuth proxy the region runs) comes from
    ``auth`` (mkdocs.yml ``extra: cms:``); the contributor guide explains how to set it up.
    Without a scope, the form asks GitHub for the least it needs on a public repository."""
    backend: dict[str, Any] = {
        "name": "github",
        "repo": repo_slug(repository),
        "branch": "main",
        "auth_scope": "public_repo",
        **(auth or {}),
        "commit_messages": {
            "create": "Program baru: {{slug}} ({{collection}})",
            "update": "Ubah {{collection}}: {{slug}}",
            "delete": "Hapus {{collection}}: {{slug}}",
            "uploadMedia": "Unggah {{path}}",
            "deleteMedia": "Hapus {{path}}",
        },
    }
    out: dict[str, Any] = {
        "backend": backend,
        "publish_mode": "editorial_workflow",
        # Only used when the form is opened on this machine (decap-server, for tests and
        # for trying a change locally); Decap ignores it on any other host.
        "local_backend": {"url": "http://127.0.0.1:8081/api/v1", "allowed_hosts": ["127.0.0.1", "localhost"]},
        "locale": "id",
        "media_folder": "docs/assets/unggahan",
        "public_folder": "/assets/unggahan",
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
        "collections": [
            *(_program_collection(plan, d) for d in DIMENSION_KEYS),
            _data_collection(plan, OPD_FILE, "OPD", Opd, "OPD"),
            _data_collection(plan, RPJMD_FILE, "Misi dan tujuan RPJMD", RpjmdMission, "Misi"),
        ],
    }
    if site_url:
        out["site_url"] = out["display_url"] = site_url
    return out


def rule_context(plan: Masterplan) -> dict[str, Any]:
    """What the form's rules (admin/rules.js) need from the plan: the validator's
    :class:`~masterplan.check.rules.Context`, as JSON, and the labels the form shows."""
    ctx = validate_rule_context(plan, plan.programs)
    opds = {o.key: o.short for o in plan.opds}
    return {
        "period": list(ctx.period),
        "as_of": ctx.as_of.isoformat(),
        "ids": dict(ctx.ids),
        "next_ids": dict(ctx.next_ids),
        "codes": dict(ctx.codes),
        "closed_years": list(ctx.closed_years),
        "fields": fmt.FIELDS,
        "labels": {"status": fmt.STATUS, "horizon": fmt.HORIZON, "lead": opds, "support": opds},
    }


def layouts(plan: Masterplan, styles: list[str] | None = None) -> dict[str, Any]:
    """What the form's scripts need: the writer's layout (:mod:`layout`), the year
    mappings, the labels of coded values, the validator's rules between fields with what
    they need from the plan, and the site's style sheets for the preview."""
    return {
        "rules": rules.table(),
        "context": rule_context(plan),
        "program": layout.as_config(layout.PROGRAM),
        "opd": layout.as_config(layout.OPD),
        "rpjmd": layout.as_config(layout.RPJMD),
        "years": sorted(_year_fields()),
        "labels": {"status": fmt.STATUS, "horizon": fmt.HORIZON},
        "collections": [f"program-{d}" for d in DIMENSION_KEYS],
        "styles": styles or [],
    }


def _year_fields() -> set[str]:
    """Fields that are year mappings (``targets``): rows in the form, a mapping in the file."""
    names = set()
    for cls, _ in layout.DESCRIBES:
        for f in schema_fields(cls):
            tp = optional(_hints(cls)[f.name])
            if get_origin(tp) is dict and get_args(tp)[0] is int:
                names.add(f.name)
    return names


DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _sync(copies: dict[str, Path], folder: Path, *, keep: set[str]) -> None:
    """Make ``folder`` hold exactly ``copies`` (relative name: source) plus ``keep``.

    A file already there with the source's size and time is left alone: `mkdocs serve`
    writes into the same folder on every rebuild, and copying Decap's 6.4 MB again cost
    each one 0.3 s."""
    for name, source in copies.items():
        target = folder / name
        stat = source.stat()
        if target.is_file() and not target.is_symlink():
            mine = target.stat()
            if (mine.st_size, mine.st_mtime_ns) == (stat.st_size, stat.st_mtime_ns):
                continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.unlink(missing_ok=True)
        # A copy, never a hard link: whatever later writes to the site (a test, a deploy
        # step) must not write through to node_modules or the engine's own files.
        shutil.copy2(source, target)
    wanted = set(copies) | keep
    for path in sorted(folder.rglob("*"), reverse=True):  # files before their folders
        name = path.relative_to(folder).as_posix()
        if path.is_dir() and not path.is_symlink():
            if not any(w.startswith(name + "/") for w in wanted):
                shutil.rmtree(path)
        elif name not in wanted:
            path.unlink()


def write(
    plan: Masterplan,
    out: Path,
    *,
    root: Path,
    repository: str = "",
    site_url: str = "",
    extra_css: tuple[str, ...] = (),
    auth: dict[str, str] | None = None,
) -> None:
    """Write ``/admin/`` into the built site ``out``: the page, its config, the scripts."""
    home = next((r for r in (root, ENGINE_ROOT) if (r / DECAP / "decap-cms.js").is_file()), None)
    if home is None or not (home / YAML_LIB).is_dir():
        raise Unavailable(f"{DECAP} atau {YAML_LIB} tidak ada: jalankan `npm ci` (scripts/bootstrap).")
    decap, yaml_lib = home / DECAP, home / YAML_LIB
    admin = out / "admin"
    # The main bundle and its lazily loaded chunks (not the source maps, not the copies
    # under the old name cms.js), the yaml library, our own files.
    copies = {f.name: f for f in decap.iterdir() if f.name.endswith("decap-cms.js")}
    copies |= {f"yaml/{f.relative_to(yaml_lib).as_posix()}": f for f in yaml_lib.rglob("*") if f.is_file()}
    # Staff sign in to GitHub on this page: publish npm's files only when they are the
    # ones package-lock.json pins (npm_files.Mismatch stops the build).
    try:
        npm_files.verify(home, "decap-cms", [f for f in copies.values() if decap in f.parents])
        npm_files.verify(home, "yaml", [f for f in copies.values() if yaml_lib in f.parents])
    except npm_files.Unverified as err:
        raise Unavailable(str(err)) from None
    for name in OWN_FILES:
        copies[name] = ASSETS / name
    _sync(copies, admin, keep={"config.yml", "layout.json"})
    # libyaml's emitter: the same text as yaml.safe_dump, ten times sooner (a test
    # compares them).
    text = yaml.dump(
        config(plan, repository=repository, site_url=site_url, auth=auth),
        Dumper=DUMPER,
        allow_unicode=True,
        sort_keys=False,
    )
    (admin / "config.yml").write_text(
        "# Dibuat dari model oleh masterplan.outputs.cms; jangan disunting.\n" + text, "utf-8"
    )
    # The preview wears the site's own style sheets (Material's names carry a hash).
    styles = sorted(f"../{p.relative_to(out).as_posix()}" for p in out.glob("assets/stylesheets/*.css"))
    styles += [f"../{css}" for css in extra_css] + ["preview.css"]
    text = json.dumps(layouts(plan, styles), ensure_ascii=False, indent=1)
    (admin / "layout.json").write_text(text, "utf-8")
