"""The national evaluation results: index, parts, dimensions and recommendations."""

from __future__ import annotations

from dataclasses import dataclass, fields

from markupsafe import Markup

from .. import fmt
from ..html import charts
from ..model import SCORE_MAX, Evaluation, Program, Recommendation
from .base import ViewBase

#: The five parts of the national evaluation, as its reports name them.
PARTS = {
    "baseline": "Baseline",
    "output": "Output",
    "outcome": "Outcome",
    "impact": "Impact",
    "quick_win": "Quick win",
}
#: The last bar of every score chart: the top of the scale, drawn as an outline (CSS), so
#: bars read against 4 and not against the highest score (bar_chart scales to its largest).
FULL_SCALE = "Skala penuh"
#: Where evaluation results are recorded (named on the page while there is none).
EVALUATIONS_FILE = "data/evaluations.yml"


def score(value: float) -> str:
    return fmt.number(value)


@dataclass(frozen=True)
class Answered:
    """A recommendation with the programmes that answer it; ``unknown`` are ids the plan
    does not have (the validator reports them, the page shows them as text)."""

    recommendation: Recommendation
    programs: list[Program]
    unknown: list[str]

    @property
    def unanswered(self) -> bool:
        return not self.programs


@dataclass(frozen=True)
class ScoreRow:
    """One line of a score table: its label, link and score in the latest and previous year."""

    label: str
    url: str
    latest: float | None
    previous: float | None


class EvaluationViews(ViewBase):
    """The evaluation page."""

    def answered(self, evaluation: Evaluation) -> list[Answered]:
        by_id = {p.id: p for p in self.plan.programs}
        return [
            Answered(
                rec,
                [by_id[i] for i in rec.programs if i in by_id],
                [i for i in rec.programs if i not in by_id],
            )
            for rec in evaluation.recommendations
        ]

    def evaluation(self, base: str) -> str:
        """Index over the years, the latest year's parts and dimensions, recommendations."""
        evaluations = self.plan.evaluations
        if not evaluations:
            return self.defer(
                self.render_template("evaluation.html", base, latest=None, source=EVALUATIONS_FILE)
            )
        latest = evaluations[-1]
        previous = evaluations[-2] if len(evaluations) > 1 else None
        parts = [
            ScoreRow(
                PARTS[f.name],
                "",
                getattr(latest.parts, f.name),
                getattr(previous.parts, f.name) if previous else None,
            )
            for f in fields(latest.parts)
        ]
        known = {d.key: d for d in self.plan.dimensions}
        # Plan order; a key the plan does not know (the validator reports it) goes last.
        keys = [k for k in known if k in latest.dimensions or (previous and k in previous.dimensions)]
        keys += [k for k in latest.dimensions if k not in known]
        dimensions = [
            ScoreRow(
                known[k].name_en if k in known else k,
                f"dimensi/{k}/" if k in known else "",
                latest.dimensions.get(k),
                previous.dimensions.get(k) if previous else None,
            )
            for k in keys
        ]
        return self.defer(
            self.render_template(
                "evaluation.html",
                base,
                evaluations=evaluations,
                latest=latest,
                previous=previous,
                parts=parts,
                dimensions=dimensions,
                recommendations=[(e, self.answered(e)) for e in reversed(evaluations)],
                dimension_names={d.key: d.name_en for d in self.plan.dimensions},
                score=score,
                source=EVALUATIONS_FILE,
                chart_index=self._score_chart(
                    [(str(e.year), e.index) for e in evaluations],
                    "Indeks evaluasi per tahun",
                    "evaluasi-indeks",
                ),
                chart_parts=self._score_chart(
                    [(row.label, row.latest) for row in parts if row.latest is not None],
                    f"Nilai lima bagian evaluasi {latest.year}",
                    "evaluasi-bagian",
                ),
                chart_dimensions=self._score_chart(
                    [(row.label, row.latest) for row in dimensions if row.latest is not None],
                    f"Nilai per dimensi {latest.year}",
                    "evaluasi-dimensi",
                ),
            )
        )

    def _score_chart(self, items: list[tuple[str, float]], title: str, table_id: str) -> Markup:
        return charts.bar_chart(
            [*items, (FULL_SCALE, SCORE_MAX)], title=title, describedby=table_id, value_text=score
        )
