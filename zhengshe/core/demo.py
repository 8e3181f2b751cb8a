"""``zhengshe demo``: builds the demo county; each app may add a ``demo.build(ctx)`` step.

Apps register their builders in ``DEMO_STEPS`` order below; each receives a ``DemoContext`` with the
random generator (fixed seed: the demo is the same every time), the county and the demo users.
"""

from __future__ import annotations

import importlib
import random
from dataclasses import dataclass, field

# Apps whose ``demo.build(ctx)`` runs after the foundation, in this order (missing modules are skipped).
DEMO_STEPS = ["organizations", "catalog", "agreements", "evaluation", "projects"]


@dataclass
class DemoContext:
    rng: random.Random
    county: object
    users: dict = field(default_factory=dict)  # username → User
    log: list = field(default_factory=list)

    def say(self, line: str) -> None:
        self.log.append(line)


def run_app_steps(ctx: DemoContext) -> None:
    for app in DEMO_STEPS:
        try:
            module = importlib.import_module(f"zhengshe.{app}.demo")
        except ModuleNotFoundError as exc:
            if exc.name == f"zhengshe.{app}.demo":
                continue
            raise
        if hasattr(module, "build"):
            module.build(ctx)
