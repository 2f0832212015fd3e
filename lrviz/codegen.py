"""``lrviz code``: a short runnable snippet building the same optimizer and scheduler in plain torch.

It is what you paste into a training script: the imports, the param groups, the optimizer, the
scheduler (nested ones written inline, an ``lr_lambda`` expression as a Python lambda), and the
loop in training order, ``optimizer.step()`` then ``scheduler.step()``. Its ``lrs`` list holds
exactly what ``lrviz table`` prints (per iteration for a schedule stepped per epoch). timm's
schedulers are imported from ``timm.scheduler`` and stepped as timm's ``train.py`` steps them
(``step_update`` after every update, ``step(epoch + 1)`` after every epoch).

>>> from lrviz.spec import specs_from_tokens
>>> print(python_code(specs_from_tokens(["step:step_size=2,gamma=0.5"])[0].with_overrides(steps=4)))
import torch
from torch.optim import lr_scheduler
<BLANKLINE>
params = [torch.nn.Parameter(torch.zeros(1))]  # your model.parameters()
optimizer = torch.optim.SGD(params, lr=0.1)
scheduler = lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)
<BLANKLINE>
lrs = []  # the lr of each param group at each step
for step in range(4):
    lrs.append([group["lr"] for group in optimizer.param_groups])
    # ... forward pass, loss.backward() ...
    optimizer.step()
    scheduler.step()
"""

from __future__ import annotations

import ast
import math
from dataclasses import dataclass, field
from pathlib import Path

from .errors import LrvizError
from .spec import ScheduleSpec, SchedulerSpec

INDENT = "    "


@dataclass
class _Imports:
    """The import lines a snippet needs, in the order first needed."""

    lines: list[str] = field(default_factory=lambda: ["import torch"])

    def need(self, line: str) -> None:
        if line not in self.lines:
            self.lines.append(line)


def python_code(spec: ScheduleSpec) -> str:
    """The snippet for ``spec`` (see the module doc); an LrvizError where plain torch cannot say it."""
    from .plan.run import with_spec_warmup
    from .simulation.build import OPTIMIZERS, make_optimizer
    from .simulation.record import simulate_spec

    if spec.training is not None:
        raise LrvizError("lrviz code writes a plain training loop; a training plan's runner steps the scheduler "
                         "itself: leave the plan out", field="runner")
    if spec.interval == "fraction":
        raise LrvizError("lrviz code does not write interval fraction's loop yet", field="interval")
    spec = with_spec_warmup(spec)
    trace = simulate_spec(spec)  # validates everything, and gives the rows, metrics and first step
    stepped_by_timm = _loaded(spec.scheduler).drive is not None
    imports = _Imports()
    # nested schedulers are built on a throwaway optimizer while their arguments are converted
    scheduler = _scheduler_call(spec.scheduler, imports, make_optimizer(spec))
    optimizer_args = "".join(f", {k}={_literal(v, imports)}" for k, v in spec.optimizer_args.items())
    body = [
        *_params(spec),
        f"optimizer = torch.optim.{OPTIMIZERS[spec.optimizer.lower()]}(params, lr={spec.lr!r}{optimizer_args})",
        f"scheduler = {scheduler}",
        "",
        *(_timm_loop(spec, trace.steps) if stepped_by_timm else _loop(spec, trace)),
    ]
    return "\n".join([*imports.lines, "", *body])


def _loaded(scheduler: SchedulerSpec):
    from .catalog import find, load

    return load(find(scheduler.type))


def _scheduler_call(scheduler: SchedulerSpec, imports: _Imports, optimizer) -> str:
    """``lr_scheduler.CosineAnnealingLR(optimizer, T_max=20)``, children written inline."""
    from .catalog.arguments import child_specs
    from .simulation.build import convert_args

    loaded = _loaded(scheduler)
    kwargs = convert_args(loaded, scheduler.args, optimizer)
    parts = ["optimizer" if _takes_optimizer_first(loaded.target) else "optimizer=optimizer"]
    for key, value in kwargs.items():
        hint = loaded.arg(key).type
        if _is_scheduler(value) or (isinstance(value, list) and value and all(map(_is_scheduler, value))):
            children = child_specs(scheduler.args[key], hint.startswith("list"), key)
            if isinstance(children, list):
                inner = ",\n".join(_indent(_scheduler_call(c, imports, optimizer)) for c in children)
                parts.append(f"{key}=[\n{inner},\n]")
            else:
                parts.append(f"{key}={_scheduler_call(children, imports, optimizer)}")
        else:
            parts.append(f"{key}={_literal(value, imports)}")
    return f"{_callee(loaded, scheduler.type, imports)}({', '.join(parts)})"


def _takes_optimizer_first(target) -> bool:
    """Most schedulers take ``optimizer`` first; ChainedScheduler takes ``schedulers`` first."""
    import inspect

    try:
        return next(iter(inspect.signature(target).parameters), None) == "optimizer"
    except (TypeError, ValueError):
        return False


def _is_scheduler(value) -> bool:
    return hasattr(value, "optimizer") and hasattr(value, "step")


def _indent(text: str) -> str:
    return "\n".join(INDENT + line for line in text.splitlines())


def _callee(loaded, written: str, imports: _Imports) -> str:
    """How the snippet names the scheduler class or function, importing it."""
    target = loaded.target
    if loaded.facts.source == "torch":
        imports.need("from torch.optim import lr_scheduler")
        return f"lr_scheduler.{target.__name__}"
    if loaded.facts.source == "custom":
        return _user_object(written, imports)
    if loaded.facts.source == "timm":  # every class lrviz knows is exported there
        imports.need(f"from timm.scheduler import {target.__name__}")
        return target.__name__
    imports.need(f"from {target.__module__} import {target.__name__}")
    return target.__name__


def _user_object(reference: str, imports: _Imports) -> str:
    """``path/to/file.py:Name`` or ``package.module:Name`` imported as plain Python would."""
    source, _, name = reference.strip().rpartition(":")
    if source.endswith(".py"):
        path = Path(source)
        imports.need("import sys")
        imports.need(f"sys.path.insert(0, {str(path.parent.resolve())!r})")
        source = path.stem
    imports.need(f"from {source} import {name}")
    return name


def _literal(value, imports: _Imports) -> str:
    """Python source for an argument value, exactly (floats round-trip through repr)."""
    from .expr import Expression

    if isinstance(value, Expression):
        return _lambda(value.text, imports)
    if isinstance(value, (list, tuple)):
        items = ", ".join(_literal(v, imports) for v in value)
        return f"[{items}]" if isinstance(value, list) else f"({items}{',' if len(value) == 1 else ''})"
    if callable(value):
        module = getattr(value, "__module__", "") or ""
        if module.startswith("lrviz_user_"):
            raise LrvizError(f"lrviz code cannot name {value.__name__} from a file loaded by path; "
                             f"import it as package.module:{value.__name__} instead")
        imports.need(f"from {module} import {value.__name__}")
        return value.__name__
    if isinstance(value, float) and not math.isfinite(value):
        return f"float({str(value)!r})"  # inf and nan have no literal: float('inf') is what they are
    if value is None or isinstance(value, (bool, int, float, str)):
        return repr(value)
    raise LrvizError(f"lrviz code cannot write the value {value!r} as Python")


def _lambda(text: str, imports: _Imports) -> str:
    """An lr_lambda expression as a Python lambda, math functions qualified.

    >>> _lambda("min(1, (step + 1) / 5) * cos(pi * step)", _Imports())
    'lambda step: min(1, (step + 1) / 5) * math.cos(math.pi * step)'
    """
    from .expr import CONSTANTS, FUNCTIONS

    tree = ast.parse(text.strip(), mode="eval")
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    variable = "step" if "step" in names and "epoch" not in names else "epoch"
    from_math = {n for n, (function, *_) in FUNCTIONS.items() if getattr(math, n, None) is function} | set(CONSTANTS)

    class Qualify(ast.NodeTransformer):
        def visit_Name(self, node):
            if node.id in ("epoch", "step"):
                return ast.copy_location(ast.Name(variable, ast.Load()), node)
            if node.id in from_math:
                imports.need("import math")
                return ast.copy_location(ast.Attribute(ast.Name("math", ast.Load()), node.id, ast.Load()), node)
            return node

    return f"lambda {variable}: {ast.unparse(Qualify().visit(tree))}"


def _params(spec: ScheduleSpec) -> list[str]:
    """The param groups, with what resuming needs (``initial_lr``, ...) as lrviz sets it up."""
    groups = [dict(g) for g in spec.param_groups] or [{}]
    for group, extra in zip(groups, _resume_entries(spec)):
        group.update({k: v for k, v in extra.items() if k not in group})
    if groups == [{}]:
        return ["params = [torch.nn.Parameter(torch.zeros(1))]  # your model.parameters()"]
    lines = ["params = [  # one dict per param group: put your parameters in each"]
    for group in groups:
        keys = "".join(f", {k!r}: {v!r}" for k, v in group.items())
        lines.append(f'{INDENT}{{"params": [torch.nn.Parameter(torch.zeros(1))]{keys}}},')
    return [*lines, "]"]


def _resume_entries(spec: ScheduleSpec) -> list[dict]:
    """What lrviz adds to each group to resume at ``last_epoch=K`` (empty dicts when not resuming)."""
    from .simulation.build import make_optimizer, prepare_resume, resume_epoch

    groups = len(spec.param_groups) or 1
    if resume_epoch(spec.scheduler) is None:
        return [{}] * groups
    optimizer = make_optimizer(spec)
    before = [dict(g) for g in optimizer.param_groups]
    prepare_resume(spec.scheduler, optimizer, lambda: make_optimizer(spec))
    return [{k: v for k, v in after.items() if k not in old} for old, after in zip(before, optimizer.param_groups)]


def _loop(spec: ScheduleSpec, trace) -> list[str]:
    """The training loop: the lr read at the top of each step, then optimizer.step(), scheduler.step()."""
    counter = "epoch" if spec.interval == "epoch" else "step"
    rows = f"range({trace.start}, {trace.start + trace.steps})" if trace.start else f"range({trace.steps})"
    lines = ["lrs = []  # the lr of each param group at each step", f"for {counter} in {rows}:"]
    step_call = "scheduler.step()"
    if trace.metrics is not None:
        from pprint import pformat

        values = [*trace.metrics.tolist(), *(trace.metrics.tolist()[-1:] or [0.0])]
        lines = ["# the metric each step ends with (what lrviz fed; in training, your validation loss)",
                 f"metrics = {pformat(values, width=100, compact=True)}",
                 lines[0], f"for i, {counter} in enumerate({rows}):"]
        step_call = "scheduler.step(metrics[i])"
    record = 'lrs.append([group["lr"] for group in optimizer.param_groups])'
    train = [record, "# ... forward pass, loss.backward() ...", "optimizer.step()"]
    if spec.interval == "epoch":
        body = [f"for batch in range({spec.steps_per_epoch or 1}):", *(INDENT + line for line in train),
                f"{step_call}  # once per epoch"]
    else:
        body = [*train, step_call]
    return [*lines, *(INDENT + line for line in body)]


def _timm_loop(spec: ScheduleSpec, rows: int) -> list[str]:
    """timm's train.py loop, as lrviz.peers.timm steps it: ``step_update(num_updates)`` after every
    update, ``step(epoch + 1)`` after every epoch of ``steps_per_epoch`` updates. A row is an update,
    or an epoch with ``interval: epoch``: ``lrs`` then holds the lr at the start of each epoch."""
    per_epoch = spec.steps_per_epoch or 1
    lines = [f"steps_per_epoch = {per_epoch}  # updates (batches) per epoch"]
    metric = update_metric = ""
    if spec.metrics is not None:
        from pprint import pformat

        from .simulation.metrics import metric_source

        values = metric_source(spec.metrics).values(rows - 1)
        lines += ["# the metric each row ends with (what lrviz fed; in training, your validation loss)",
                  f"metrics = {pformat([*values, *(values[-1:] or [0.0])], width=100, compact=True)}"]
        index = "epoch" if spec.interval == "epoch" else "num_updates - 1"
        metric, update_metric = f", metrics[{index}]", f", metric=metrics[{index}]"
    record = 'lrs.append([group["lr"] for group in optimizer.param_groups])'
    update = ["# ... forward pass, loss.backward() ...", "optimizer.step()", "num_updates += 1",
              f"scheduler.step_update(num_updates=num_updates{update_metric})"]
    if spec.interval == "epoch":
        lines += ["lrs = []  # the lr of each param group at the start of each epoch", "num_updates = 0",
                  f"for epoch in range({rows}):", INDENT + record, INDENT + "for batch in range(steps_per_epoch):",
                  *(2 * INDENT + line for line in update)]
    else:
        epochs = -(-rows // per_epoch)
        stop = [] if rows % per_epoch == 0 else [f"if num_updates == {rows}:  # the table's last row is done", INDENT + "break"]
        lines += ["lrs = []  # the lr of each param group at each update", "num_updates = 0",
                  f"for epoch in range({epochs}):", INDENT + "for batch in range(steps_per_epoch):",
                  *(2 * INDENT + line for line in [*stop, record, *update])]
    return [*lines, INDENT + f"scheduler.step(epoch + 1{metric})  # once per epoch"]
