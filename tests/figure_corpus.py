"""Schedules people really write, as figures: long specs, peers with every argument, sweeps, overlays,
side layouts, momentum, metrics, param groups. Each case: (traces, make_figure options)."""

from __future__ import annotations

import importlib.util

import lrviz
from lrviz.simulation.record import simulate_spec
from lrviz.spec import ScheduleSpec, parse_inline
from lrviz.spec.sweep import expand, parse_sweep

WARMUP_COSINE = ("sequential:schedulers=[linear(start_factor=0.001,total_iters=500),"
                 "cosine(T_max=9500,eta_min=1e-6)],milestones=[500]")
TIMM_COSINE = ("timm:cosine:t_initial=30,lr_min=1e-6,cycle_mul=1.0,cycle_decay=0.5,cycle_limit=3,warmup_t=5,"
               "warmup_lr_init=1e-5,warmup_prefix=False,t_in_epochs=True,k_decay=1.0")
HF_MIN_LR = "hf:cosine_with_min_lr:num_warmup_steps=300,num_training_steps=3000,num_cycles=0.5,min_lr_rate=0.1"
HF_WSD = ("hf:warmup_stable_decay:num_warmup_steps=200,num_decay_steps=600,num_training_steps=2000,"
          "min_lr_ratio=0.05,decay_type=cosine")
ONECYCLE = ("onecycle:max_lr=3.0,total_steps=10000,div_factor=30,final_div_factor=1000,pct_start=0.45,"
            "anneal_strategy=linear,three_phase=True,base_momentum=0.85,max_momentum=0.95")
SEED_003_LOSSES = "[9,8,7,7,7,7,7,6,6,6,6,6,6,5,5,5,5,5,5,5]"
HAS_TIMM = importlib.util.find_spec("timm") is not None
HAS_HF = importlib.util.find_spec("transformers") is not None


def sweep(spec: str, *sweeps: str, steps: int = 100, lr: float = 0.1) -> list:
    specs = expand([ScheduleSpec(parse_inline(spec), label=spec, steps=steps, lr=lr)], [parse_sweep(s) for s in sweeps])
    return [simulate_spec(s) for s in specs]


def groups() -> list:
    spec = ScheduleSpec(parse_inline("cosine:T_max=50,eta_min=1e-4"), label="backbone and head", steps=60,
                        optimizer="adamw", param_groups=[{"lr": 1e-3}, {"lr": 1e-4}])
    return [simulate_spec(spec)]


def cases() -> dict[str, tuple[list, dict]]:
    """name -> (traces, make_figure options); the peers' cases only when the peer is installed."""
    long_specs = [WARMUP_COSINE, "cosine:T_max=10000,eta_min=1e-6", "sgdr:T_0=1000,T_mult=2,eta_min=1e-6",
                  "multistep:milestones=[3000,6000,9000],gamma=0.1"]
    found = {
        "warmup-cosine": ([lrviz.simulate(WARMUP_COSINE, steps=10000, lr=3e-4)], {}),
        "warmup-cosine-markers": ([lrviz.simulate(WARMUP_COSINE, steps=10000, lr=3e-4)], {"markers": True}),
        "overlay-issue": ([lrviz.simulate(WARMUP_COSINE, steps=10000, lr=3e-4),
                           lrviz.simulate("cosine:T_max=10000", steps=10000, lr=3e-4)], {"layout": "overlay"}),
        "side-issue": ([lrviz.simulate(WARMUP_COSINE, steps=10000, lr=3e-4),
                        lrviz.simulate("cosine:T_max=10000", steps=10000, lr=3e-4)], {"layout": "side"}),
        "overlay-long": ([lrviz.simulate(s, steps=10000, lr=3e-4) for s in long_specs], {"layout": "overlay"}),
        "side-long": ([lrviz.simulate(s, steps=10000, lr=3e-4) for s in long_specs], {"layout": "side"}),
        "sweep-6": (sweep("step:step_size=10", "gamma=0.1,0.5,0.9", "step_size=10,25"), {}),
        "sweep-12": (sweep("cosine:eta_min=0", "T_max=10,20,50,100", "lr=0.1,0.05,0.01"), {}),
        "onecycle-momentum": ([lrviz.simulate(ONECYCLE)], {"momentum": True, "markers": True}),
        "plateau-metrics": ([lrviz.simulate(f"plateau:factor=0.1,patience=3,metrics={SEED_003_LOSSES}", lr=10)],
                            {"metrics": True, "log": True}),
        "groups": (groups(), {}),
        "sgdr-markers-log": ([lrviz.simulate("sgdr:T_0=10,T_mult=2,eta_min=1e-5", steps=150, lr=0.05)],
                             {"markers": True, "log": True}),
        "long-label": ([lrviz.simulate("exp:gamma=0.97", steps=80, label="an exponential decay named by someone "
                                       "who likes to write very long labels for their runs, " * 2)], {}),
        "small": ([lrviz.simulate(WARMUP_COSINE, steps=10000, lr=3e-4),
                   lrviz.simulate("cosine:T_max=10000", steps=10000, lr=3e-4)], {"size": (3.3, 2.5), "dpi": 200}),
    }
    per_epoch = ScheduleSpec(parse_inline("multistep:milestones=[30,60,80],gamma=0.1"),
                             label="per epoch, shown per step", steps=90, interval="epoch", steps_per_epoch=390)
    found["epochs-top-axis"] = ([simulate_spec(per_epoch)], {"unit": "step", "markers": True})
    found["side-momentum"] = ([lrviz.simulate("onecycle:max_lr=0.1,total_steps=200"),
                               lrviz.simulate("cyclic:base_lr=0.01,max_lr=0.1,step_size_up=25", steps=200)],
                              {"layout": "side", "momentum": True})
    resumed = WARMUP_COSINE.replace("milestones=[500]", "milestones=[500],last_epoch=99")
    found["resumed-zoomed"] = ([lrviz.simulate(resumed, steps=5000, lr=3e-4)], {"markers": True, "x_range": (300, 900)})
    if HAS_TIMM:
        found["timm-all-args"] = ([lrviz.simulate(TIMM_COSINE, lr=1e-3)], {"markers": True})
    if HAS_HF:
        found["hf-all-args"] = ([lrviz.simulate(HF_MIN_LR, lr=3e-4), lrviz.simulate(HF_WSD, lr=3e-4, steps=3000)],
                                {"layout": "overlay", "markers": True})
    return found
