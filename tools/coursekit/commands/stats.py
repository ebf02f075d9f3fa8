"""coursekit stats"""

from __future__ import annotations

import json
import math
from pathlib import Path

import click

from coursekit.commands.common import handle_errors, source_option

SHORT = {"single-choice": "single", "multiple-choice": "multi", "dropdown": "drop", "numerical": "num", "text": "text"}


@click.command("stats")
@source_option
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@handle_errors()
def command(source: Path, as_json: bool) -> None:
    """Print per section: prose words, units, figures and questions, and an effort estimate.

    Words are those learners read in text components (not problems or code).
    Effort = words / 120 per minute + 1.5 min per question + 10 min per discussion.
    """
    from coursekit import cache
    from coursekit.build import load_checked
    from coursekit.stats import (
        MINUTES_PER_DISCUSSION,
        MINUTES_PER_QUESTION,
        READING_WPM,
        course_stats,
        effort_hours,
    )

    with cache.opened(source):
        course, _ = load_checked(source)
    stats = course_stats(course)
    hours = effort_hours(stats)
    if as_json:
        click.echo(json.dumps({"sections": [s.to_json() for s in stats], "effort_hours": round(hours, 1),
                               "effort_rule": {"reading_wpm": READING_WPM,
                                               "minutes_per_question": MINUTES_PER_QUESTION,
                                               "minutes_per_discussion": MINUTES_PER_DISCUSSION}},
                              ensure_ascii=False, indent=2))
        return
    header = f"{'section':<48} {'words':>6} {'units':>5} {'figs':>4} {'quest':>5}  questions by type"
    click.echo(header)
    click.echo("-" * len(header))
    for s in stats:
        kinds = ", ".join(f"{SHORT.get(k, k)} {n}" for k, n in sorted(s.questions.items()))
        extra = f"; graded {s.graded_questions}" if s.graded_questions else ""
        extra += f"; discussions {s.discussions}" if s.discussions else ""
        extra += "".join(f"; {t} {n}" for t, n in sorted(s.other_blocks.items()))
        title = s.title if len(s.title) <= 48 else s.title[:45] + "..."
        click.echo(f"{title:<48} {s.words:>6} {s.units:>5} {s.figures:>4} {s.question_count:>5}  {kinds}{extra}")
    click.echo("-" * len(header))
    total_words = sum(s.words for s in stats)
    click.echo(f"{'total':<48} {total_words:>6} {sum(s.units for s in stats):>5} "
               f"{sum(s.figures for s in stats):>4} {sum(s.question_count for s in stats):>5}")
    click.echo(f"\nEstimated effort: {hours:.1f} h (about {math.ceil(hours)} h): reading at {READING_WPM} words/min, "
               f"{MINUTES_PER_QUESTION} min per question, {MINUTES_PER_DISCUSSION} min per discussion.")
