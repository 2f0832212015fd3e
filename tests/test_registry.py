"""The catalog reads torch's schedulers from the installed torch: nothing torch exports is missing."""

from __future__ import annotations

import inspect

import pytest
from torch.optim import lr_scheduler

from lrviz.errors import LrvizError
from lrviz.catalog import find, load
from lrviz.catalog.sources.torch_source import ALIASES as TORCH_ALIASES
from lrviz.catalog.sources.torch_source import schedulers as torch_entries


def resolve(name):
    return load(find(name))


def exported_scheduler_classes() -> set[str]:
    return {
        name for name in lr_scheduler.__all__
        if inspect.isclass(getattr(lr_scheduler, name))
        and issubclass(getattr(lr_scheduler, name), lr_scheduler.LRScheduler)
        and getattr(lr_scheduler, name) is not lr_scheduler.LRScheduler
    }


def test_every_exported_scheduler_is_known():
    assert exported_scheduler_classes() == set(torch_entries())
    assert len(torch_entries()) >= 15


@pytest.mark.parametrize("name", sorted(exported_scheduler_classes()))
def test_arguments_match_the_installed_signature(name):
    cls = getattr(lr_scheduler, name)
    params = inspect.signature(cls).parameters
    entry = torch_entries()[name]
    expected = [p for p in params if p not in ("optimizer", "verbose")]
    assert [a.name for a in entry.args] == expected
    for arg in entry.args:
        assert arg.default == params[arg.name].default


@pytest.mark.parametrize(("alias", "target"), sorted(TORCH_ALIASES.items()))
def test_aliases_name_real_classes(alias, target):
    assert resolve(alias).target is getattr(lr_scheduler, target)


@pytest.mark.parametrize("spelling", ["CosineAnnealingLR", "cosineannealinglr", "COSINEANNEALINGLR", " cosine "])
def test_names_are_case_insensitive(spelling):
    assert resolve(spelling).target is lr_scheduler.CosineAnnealingLR


def test_unknown_name_suggests_the_closest():
    with pytest.raises(LrvizError, match="did you mean 'multistep'"):
        resolve("multstep")
