"""What a figure says in words: short readable names of schedules, the settings line, the full spec.

Nothing here draws or measures (lrviz.render.fit does); these are plain strings from the spec.

>>> from lrviz.spec import parse_inline
>>> describe(parse_inline("sequential:schedulers=[linear(start_factor=0.001,total_iters=500),"
...                       "cosine(T_max=9500,eta_min=1e-6)],milestones=[500]"))
'linear warmup 500 -> cosine 9500'
>>> describe(parse_inline("timm:cosine:t_initial=30,cycle_limit=3,cycle_decay=0.5,warmup_t=5"))
'warmup 5 -> timm:cosine 30, 3 cycles, decay 0.5'
>>> describe(parse_inline("multistep:milestones=[30,60,90],gamma=0.1"))
'step ×0.1 at 30/60/90'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from .names import shared_prefix

#: per family: the words of its name, then phrases shown when the spec gives every argument they name
WORDS = {
    "lambda": ("lambda", "{lr_lambda}"),
    "multiplicative": ("multiplicative", "{lr_lambda}"),
    "step": ("step", "×{gamma}", "every {step_size}"),
    "multistep": ("step", "×{gamma}", "at {milestones}"),
    "constant": ("constant", "×{factor}", "for {total_iters}"),
    "linear": ("linear", "×{start_factor} to ×{end_factor}", "over {total_iters}"),
    "exp": ("exp", "×{gamma}"),
    "cosine": ("cosine", "{T_max}"),
    "plateau": ("plateau", "×{factor}", "patience {patience}"),
    "cyclic": ("cyclic", "{base_lr} to {max_lr}", "{mode}"),
    "sgdr": ("cosine warm restarts", "every {T_0},", "period ×{T_mult}"),
    "onecycle": ("one-cycle", "to {max_lr}"),
    "poly": ("poly", "power {power}", "over {total_iters}"),
    "timm:cosine": ("timm:cosine", "{t_initial},", "{cycle_limit} cycles,", "decay {cycle_decay}"),
    "timm:tanh": ("timm:tanh", "{t_initial},", "{cycle_limit} cycles,", "decay {cycle_decay}"),
    "timm:poly": ("timm:poly", "{t_initial},", "{cycle_limit} cycles,", "decay {cycle_decay}"),
    "timm:step": ("timm:step", "×{decay_rate}", "every {decay_t}"),
    "timm:multistep": ("timm:step", "×{decay_rate}", "at {decay_t}"),
}
#: arguments that name a warmup length, shown as a "warmup N ->" prefix
WARMUP_KEYS = ("warmup_t", "num_warmup_steps", "warmup_steps", "warmup_epochs")
#: the argument naming a total length (Hugging Face's), shown after a name that shows nothing else
TOTAL_KEY = "num_training_steps"
OPTIMIZERS = {"sgd": "SGD", "adam": "Adam", "adamw": "AdamW"}
#: a label longer than this is replaced by its short description where a name is wanted (legends, panels)
LONG_LABEL = 40


def family(name: str) -> str:
    """The alias of a scheduler name: ``CosineAnnealingLR`` -> ``cosine``; peers and unknown names as written.

    >>> family("CosineAnnealingLR"), family("cos"), family("hf:cosine"), family("my.mod:MyLR")
    ('cosine', 'cosine', 'hf:cosine', 'my.mod:MyLR')
    """
    from ..catalog.sources.torch_source import ALIASES

    first_alias = {}
    for alias, class_name in ALIASES.items():
        first_alias.setdefault(class_name.lower(), alias)
    lower = name.lower()
    class_name = ALIASES[lower].lower() if lower in ALIASES else lower
    return first_alias.get(class_name, lower if lower in WORDS else name)


def show_value(value) -> str:
    """A compact text of an argument value: ``30/60/90`` for a list, a function's name, short strings.

    >>> show_value([30, 60, 90]), show_value(1e-05), show_value(abs), show_value("0.95 ** epoch // 3 + 1")
    ('30/60/90', '1e-05', 'abs', '0.95 ** epoch // 3 + 1')
    """
    if isinstance(value, (list, tuple)):
        return "/".join(show_value(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    if callable(value):
        return getattr(value, "__name__", type(value).__name__)
    text = str(value)
    return text if len(text) <= 24 else text[:23] + "…"


def _scheduler(node):
    """A nested scheduler (SchedulerSpec, ``name(k=v)`` text or YAML mapping) as a SchedulerSpec, or None."""
    from ..errors import LrvizError
    from ..spec import SchedulerSpec, parse_call

    if isinstance(node, SchedulerSpec):
        return node
    if isinstance(node, dict) and "type" in node:
        return SchedulerSpec(str(node["type"]), {k: v for k, v in node.items() if k != "type"})
    try:
        return parse_call(node) if isinstance(node, str) else None
    except LrvizError:
        return None


def _children(spec) -> list:
    nested = spec.args.get("schedulers")
    children = [_scheduler(n) for n in nested] if isinstance(nested, (list, tuple)) else []
    return children if children and None not in children else []


def _rising(spec) -> bool:
    """Does this LinearLR / ConstantLR start below the base lr (a warmup)? torch's defaults when not given."""
    try:
        if family(spec.type) == "linear":
            return float(spec.args.get("start_factor", 1 / 3)) < float(spec.args.get("end_factor", 1.0))
        return family(spec.type) == "constant" and float(spec.args.get("factor", 1 / 3)) < 1
    except (TypeError, ValueError):
        return False


def describe(spec, first: bool = True) -> str:
    """A short readable name of a SchedulerSpec: its family and the arguments that shape it.

    ``first``: the scheduler comes first in a SequentialLR (a rising LinearLR there is a warmup).
    """
    name = family(spec.type)
    children = _children(spec)
    if children and name in ("sequential", "chained"):
        joiner = " -> " if name == "sequential" else " + "
        return joiner.join(describe(child, first=i == 0) for i, child in enumerate(children))
    args = spec.args
    if first and name in ("linear", "constant") and _rising(spec) and "total_iters" in args:
        return f"{name} warmup {show_value(args['total_iters'])}"
    words = list(WORDS.get(name, (name,)))
    phrases = [words[0]] + [p.format(**{k: show_value(v) for k, v in args.items()}) for p in words[1:]
                            if all(key in args for key in _fields(p))]
    if len(phrases) == 1 and TOTAL_KEY in args:
        phrases.append(f"{show_value(args[TOTAL_KEY])} steps")
    text = " ".join(phrases).rstrip(",")
    warmup = next((args[k] for k in WARMUP_KEYS if args.get(k)), None)
    return f"warmup {show_value(warmup)} -> {text}" if warmup is not None else text


def _fields(phrase: str) -> list[str]:
    import string

    return [f for _, f, _, _ in string.Formatter().parse(phrase) if f]


def full_text(trace) -> str:
    """The whole scheduler call, nested schedulers with their own arguments (the call text drops them).

    >>> import numpy as np
    >>> from lrviz.trace import Trace
    >>> from lrviz.spec import ScheduleSpec, parse_inline
    >>> spec = ScheduleSpec(parse_inline("sequential:schedulers=[linear(total_iters=5),cosine(T_max=9)],"
    ...                                  "milestones=[5]"), "x")
    >>> call = "SequentialLR(schedulers=[LinearLR, CosineAnnealingLR], milestones=[5])"
    >>> full_text(Trace("x", np.zeros((1, 2)), title=call, spec=spec))
    'SequentialLR(schedulers=[LinearLR(total_iters=5), CosineAnnealingLR(T_max=9)], milestones=[5])'
    """
    spec = trace.spec.scheduler if trace.spec is not None else None
    children = _children(spec) if spec is not None else []
    if not children or "[" not in trace.title:
        return trace.title or trace.label
    import re

    found = re.search(r"\[([A-Za-z_]\w*(?:, [A-Za-z_]\w*)*)\]", trace.title)  # the list of class names
    if found is None:
        return trace.title
    calls = [f"{name.strip()}({', '.join(f'{k}={_plain(v)}' for k, v in child.args.items())})"
             for name, child in zip(found.group(1).split(","), children)]
    return f"{trace.title[:found.start()]}[{', '.join(calls)}]{trace.title[found.end():]}"


def _plain(value) -> str:
    """An argument as a call shows it: lists in brackets, a function by its name."""
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_plain(v) for v in value) + "]"
    if callable(value):
        return getattr(value, "__name__", type(value).__name__)
    return str(value)


def is_default_label(spec) -> bool:
    """Is the label just the spec's inline text (so a short description may stand for it)?"""
    from ..errors import LrvizError
    from ..spec import parse_inline

    try:
        parsed = parse_inline(spec.label)
    except LrvizError:
        return False
    parsed.args.pop("metrics", None)  # fed to step(), not to the scheduler (lrviz.spec.with_metrics)
    return parsed == spec.scheduler


def display_label(trace) -> str:
    """The name of a trace in a legend or panel: its label, or the short description of a long inline one."""
    if trace.spec is not None and len(trace.label) > LONG_LABEL and is_default_label(trace.spec):
        return describe(trace.spec.scheduler)
    return trace.label


def optimizer_text(spec) -> str:
    """The optimizer as the user set it: its name, arguments, and base lr (per param group).

    >>> from lrviz.spec import ScheduleSpec, parse_inline
    >>> optimizer_text(ScheduleSpec(parse_inline("cosine"), "c", lr=3e-4, optimizer="adamw"))
    'AdamW · lr 0.0003'
    >>> optimizer_text(ScheduleSpec(parse_inline("cosine"), "c", optimizer_args={"momentum": 0.9},
    ...                             param_groups=[{"lr": 0.1}, {}]))
    'SGD(momentum=0.9) · lr 0.1 / 0.1'
    """
    name = OPTIMIZERS.get(spec.optimizer.lower(), spec.optimizer)
    if spec.optimizer_args:
        name += "(" + ", ".join(f"{k}={_plain(v)}" for k, v in spec.optimizer_args.items()) + ")"
    lrs = [group.get("lr", spec.lr) for group in spec.param_groups] or [spec.lr]
    return f"{name} · lr " + " / ".join(f"{float(lr):g}" for lr in lrs)


def settings_text(traces: Sequence) -> str:
    """What every trace shares of optimizer, base lr and length, joined by ``·`` (empty when nothing is)."""
    parts = []
    optimizers = {optimizer_text(t.spec) for t in traces if t.spec is not None}
    if len(optimizers) == 1 and all(t.spec is not None for t in traces):
        parts.append(optimizers.pop())
    lengths = {(t.start, t.steps, t.unit) for t in traces}
    if len(lengths) == 1:
        start, steps, unit = lengths.pop()
        parts.append(f"{steps:,} {unit}s" + (f" from {start:,}" if start else ""))
    return " · ".join(parts)


@dataclass
class Words:
    """The texts of one figure, before they are fitted to its size.

    ``titles``: the title, best first (the next one is used when one does not fit); ``footer``: full
    specs to show in small type (a line equal to the title used is left out); ``labels``: per trace,
    its name in a legend or panel; ``description``: every full spec, for the file's metadata.
    """

    titles: list[str]
    subtitle: str
    footer: list[str]
    labels: list[str]
    description: str


def _short_inline(text: str) -> str:
    """An inline spec text shortened to its description when it is long and parses, else as it is."""
    from ..errors import LrvizError
    from ..spec import parse_inline

    if len(text) <= LONG_LABEL:
        return text
    try:
        return describe(parse_inline(text))
    except LrvizError:
        return text


def figure_words(traces: Sequence, title: str | None = None, side: bool = False) -> Words:
    """Every text a figure of ``traces`` shows; ``title``: the user's ('' for none, None for lrviz's);
    ``side``: one panel per trace, each titled with its label (no title repeats them)."""
    full = [full_text(t) for t in traces]
    settings = settings_text(traces)
    if len(traces) == 1:
        trace, spec = traces[0], traces[0].spec
        short = describe(spec.scheduler) if spec is not None else trace.label
        if spec is None or is_default_label(spec):
            titles, labels, subtitle = [full[0], short], [short], settings
        else:  # a named schedule: what it does is the title, its name goes with the settings
            titles, labels, subtitle = [short], [trace.label], " · ".join(p for p in (trace.label, settings) if p)
        footer = full
    else:
        labels = [display_label(t) for t in traces]
        shared = shared_prefix([t.label for t in traces])
        if shared and all(len(t.label) > len(shared) for t in traces):
            labels = [t.label[len(shared):].strip() for t in traces]
            titles = [_short_inline(shared)]
            footer = [shared] if titles[0] != shared else []
        else:
            # one title naming them all when it fits; three or more are named by the legend
            titles = [] if side else [" vs ".join(labels)] + ([""] if len(traces) > 2 else [])
            footer = [f"{name}: {text}" for name, t, text in zip(labels, traces, full) if name != t.label]
        if len(set(labels)) < len(labels):  # shortened names that collide: the labels themselves
            labels = [t.label for t in traces]
        subtitle = settings
    footer = [*footer, *dict.fromkeys(note for t in traces for note in t.notes)]  # e.g. why a cosine rises again
    description = "\n".join(f"{t.label}: {text}" if len(traces) > 1 else text for t, text in zip(traces, full))
    if title is not None:
        titles = [title] if title else []
    if title == "":
        subtitle, footer = "", []
    return Words(titles, subtitle, footer, labels, description)
