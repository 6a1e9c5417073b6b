"""A small Prometheus registry (text exposition format 0.0.4), without a client library.

The service runs one event loop per process, so no locks; every update is a plain dict write.
Label values must be bounded (route templates, states, outcomes): never ids or personal data.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Final

CONTENT_TYPE: Final = "text/plain; version=0.0.4; charset=utf-8"

# prometheus/client_python's defaults: 5 ms to 10 s suits HTTP latencies.
DEFAULT_BUCKETS: Final[tuple[float, ...]] = (
    0.005,
    0.01,
    0.025,
    0.05,
    0.075,
    0.1,
    0.25,
    0.5,
    0.75,
    1.0,
    2.5,
    5.0,
    7.5,
    10.0,
)

_METRIC_NAME = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")
_LABEL_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")

LabelValues = tuple[str, ...]


def format_value(value: float) -> str:
    """Go's float formatting as Prometheus expects it: `+Inf`, `-Inf`, `NaN`, else repr."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return repr(float(value))


def escape_label_value(value: str) -> str:
    return value.replace("\\", r"\\").replace("\n", r"\n").replace('"', r"\"")


def _escape_help(text: str) -> str:
    return text.replace("\\", r"\\").replace("\n", r"\n")


def _label_text(names: Sequence[str], values: Sequence[str]) -> str:
    if not names:
        return ""
    pairs = ",".join(
        f'{name}="{escape_label_value(value)}"' for name, value in zip(names, values, strict=True)
    )
    return "{" + pairs + "}"


class _Metric:
    """Common part: name, help text, label names, and one child per label-value tuple."""

    kind: str = "untyped"

    def __init__(self, name: str, help: str, labelnames: Sequence[str] = ()) -> None:
        if not _METRIC_NAME.match(name):
            raise ValueError(f"ongeldige metriek-naam: {name!r}")
        for label in labelnames:
            if not _LABEL_NAME.match(label) or label.startswith("__") or label == "le":
                raise ValueError(f"ongeldige labelnaam: {label!r}")
        self.name = name
        self.help = help
        self.labelnames: tuple[str, ...] = tuple(labelnames)

    def _key(self, kv: dict[str, str]) -> LabelValues:
        if set(kv) != set(self.labelnames):
            raise ValueError(
                f"{self.name} verwacht labels {sorted(self.labelnames)}, kreeg {sorted(kv)}"
            )
        return tuple(str(kv[name]) for name in self.labelnames)

    def _check_unlabelled(self) -> None:
        if self.labelnames:
            raise ValueError(f"{self.name} heeft labels: gebruik .labels(...)")

    def header(self) -> Iterator[str]:
        yield f"# HELP {self.name} {_escape_help(self.help)}"
        yield f"# TYPE {self.name} {self.kind}"

    def samples(self) -> Iterator[str]:
        raise NotImplementedError

    def render(self) -> Iterator[str]:
        yield from self.header()
        yield from self.samples()


class _ValueChild:
    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value = 0.0


class CounterChild(_ValueChild):
    __slots__ = ()

    def inc(self, amount: float = 1.0) -> None:
        if amount < 0:
            raise ValueError("een teller kan alleen stijgen")
        self.value += amount


class GaugeChild(_ValueChild):
    __slots__ = ()

    def set(self, value: float) -> None:
        self.value = float(value)

    def inc(self, amount: float = 1.0) -> None:
        self.value += amount

    def dec(self, amount: float = 1.0) -> None:
        self.value -= amount


class Counter(_Metric):
    kind = "counter"

    def __init__(self, name: str, help: str, labelnames: Sequence[str] = ()) -> None:
        super().__init__(name, help, labelnames)
        self._children: dict[LabelValues, CounterChild] = {}
        if not self.labelnames:
            self._children[()] = CounterChild()

    def labels(self, **kv: str) -> CounterChild:
        key = self._key(kv)
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = CounterChild()
        return child

    def inc(self, amount: float = 1.0) -> None:
        self._check_unlabelled()
        self._children[()].inc(amount)

    def value(self, **kv: str) -> float:
        """The current value (0 for a label set never seen); for tests and health checks."""
        child = self._children.get(self._key(kv))
        return child.value if child is not None else 0.0

    def samples(self) -> Iterator[str]:
        for key, child in self._children.items():
            yield f"{self.name}{_label_text(self.labelnames, key)} {format_value(child.value)}"


class Gauge(_Metric):
    kind = "gauge"

    def __init__(self, name: str, help: str, labelnames: Sequence[str] = ()) -> None:
        super().__init__(name, help, labelnames)
        self._children: dict[LabelValues, GaugeChild] = {}
        if not self.labelnames:
            self._children[()] = GaugeChild()

    def labels(self, **kv: str) -> GaugeChild:
        key = self._key(kv)
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = GaugeChild()
        return child

    def set(self, value: float) -> None:
        self._check_unlabelled()
        self._children[()].set(value)

    def inc(self, amount: float = 1.0) -> None:
        self._check_unlabelled()
        self._children[()].inc(amount)

    def dec(self, amount: float = 1.0) -> None:
        self._check_unlabelled()
        self._children[()].dec(amount)

    def value(self, **kv: str) -> float:
        child = self._children.get(self._key(kv))
        return child.value if child is not None else 0.0

    def samples(self) -> Iterator[str]:
        for key, child in self._children.items():
            yield f"{self.name}{_label_text(self.labelnames, key)} {format_value(child.value)}"


class HistogramChild:
    __slots__ = ("_upper_bounds", "bucket_counts", "count", "sum")

    def __init__(self, upper_bounds: tuple[float, ...]) -> None:
        self._upper_bounds = upper_bounds
        # per bucket, not cumulative; the last one is +Inf
        self.bucket_counts = [0] * len(upper_bounds)
        self.count = 0
        self.sum = 0.0

    def observe(self, value: float) -> None:
        for index, bound in enumerate(self._upper_bounds):
            if value <= bound:
                self.bucket_counts[index] += 1
                break
        self.count += 1
        self.sum += value

    def cumulative(self) -> Iterator[tuple[float, int]]:
        running = 0
        for bound, count in zip(self._upper_bounds, self.bucket_counts, strict=True):
            running += count
            yield bound, running


class Histogram(_Metric):
    kind = "histogram"

    def __init__(
        self,
        name: str,
        help: str,
        labelnames: Sequence[str] = (),
        *,
        buckets: Iterable[float] = DEFAULT_BUCKETS,
    ) -> None:
        super().__init__(name, help, labelnames)
        bounds = sorted(float(b) for b in buckets)
        if not bounds or len(set(bounds)) != len(bounds):
            raise ValueError("emmers moeten uniek en niet leeg zijn")
        if bounds[-1] != math.inf:
            bounds.append(math.inf)
        self.upper_bounds: tuple[float, ...] = tuple(bounds)
        self._children: dict[LabelValues, HistogramChild] = {}
        if not self.labelnames:
            self._children[()] = HistogramChild(self.upper_bounds)

    def labels(self, **kv: str) -> HistogramChild:
        key = self._key(kv)
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = HistogramChild(self.upper_bounds)
        return child

    def observe(self, value: float) -> None:
        self._check_unlabelled()
        self._children[()].observe(value)

    def samples(self) -> Iterator[str]:
        bucket_names = (*self.labelnames, "le")
        for key, child in self._children.items():
            for bound, running in child.cumulative():
                labels = _label_text(bucket_names, (*key, format_value(bound)))
                yield f"{self.name}_bucket{labels} {format_value(running)}"
            labels = _label_text(self.labelnames, key)
            yield f"{self.name}_sum{labels} {format_value(child.sum)}"
            yield f"{self.name}_count{labels} {format_value(child.count)}"


class Registry:
    """Holds metrics in registration order and renders them as one exposition text."""

    def __init__(self) -> None:
        self._metrics: dict[str, _Metric] = {}

    def register(self, metric: _Metric) -> None:
        if metric.name in self._metrics:
            raise ValueError(f"metriek {metric.name} bestaat al")
        self._metrics[metric.name] = metric

    def counter(self, name: str, help: str, labelnames: Sequence[str] = ()) -> Counter:
        metric = Counter(name, help, labelnames)
        self.register(metric)
        return metric

    def gauge(self, name: str, help: str, labelnames: Sequence[str] = ()) -> Gauge:
        metric = Gauge(name, help, labelnames)
        self.register(metric)
        return metric

    def histogram(
        self,
        name: str,
        help: str,
        labelnames: Sequence[str] = (),
        *,
        buckets: Iterable[float] = DEFAULT_BUCKETS,
    ) -> Histogram:
        metric = Histogram(name, help, labelnames, buckets=buckets)
        self.register(metric)
        return metric

    def render(self) -> str:
        lines = [line for metric in self._metrics.values() for line in metric.render()]
        return "\n".join(lines) + "\n" if lines else ""


class HttpMetrics:
    """Request count and latency per method, route template and status."""

    def __init__(self, registry: Registry) -> None:
        self.requests = registry.counter(
            "mim_http_requests_total",
            "HTTP-verzoeken per methode, route-sjabloon en status.",
            ("methode", "route", "status"),
        )
        self.duration = registry.histogram(
            "mim_http_request_duration_seconds",
            "Duur van HTTP-verzoeken in seconden per methode en route-sjabloon.",
            ("methode", "route"),
        )

    def record(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(methode=method, route=route, status=str(status)).inc()
        self.duration.labels(methode=method, route=route).observe(seconds)


@dataclass
class MimMetrics:
    """Every metric of CONTRACT §18 in one registry; `create_app` builds one per app."""

    registry: Registry = field(default_factory=Registry)
    http: HttpMetrics = field(init=False)
    verwijzingen_ontvangen: Counter = field(init=False)
    outbox_wachtend: Gauge = field(init=False)
    overgangen: Counter = field(init=False)
    afleveringen: Counter = field(init=False)
    afleveringen_dood: Gauge = field(init=False)
    afleveringen_wachtend: Gauge = field(init=False)
    outbox_vertraging: Gauge = field(init=False)
    taak_laatste_succes: Gauge = field(init=False)

    def __post_init__(self) -> None:
        registry = self.registry
        self.http = HttpMetrics(registry)
        self.verwijzingen_ontvangen = registry.counter(
            "mim_verwijzingen_ontvangen_total", "Ontvangen verwijzingen (nieuw aangemaakt)."
        )
        self.outbox_wachtend = registry.gauge(
            "mim_outbox_wachtend", "Gebeurtenissen in de outbox die nog niet zijn verwerkt."
        )
        self.overgangen = registry.counter(
            "mim_overgangen_total", "Statusovergangen van trajecten.", ("van", "naar")
        )
        self.afleveringen = registry.counter(
            "mim_afleveringen_total", "Webhook-afleverpogingen per uitkomst.", ("uitkomst",)
        )
        self.afleveringen_dood = registry.gauge(
            "mim_afleveringen_dood", "Afleveringen met status dood (opgegeven na 9 pogingen)."
        )
        self.afleveringen_wachtend = registry.gauge(
            "mim_afleveringen_wachtend",
            "Afleveringen met status gepland of mislukt (nog een poging te gaan).",
        )
        self.outbox_vertraging = registry.gauge(
            "mim_outbox_vertraging_seconden",
            "Seconden dat de oudste niet-verdeelde gebeurtenis of de langst verschuldigde "
            "aflevering wacht; 0 zonder achterstand.",
        )
        self.taak_laatste_succes = registry.gauge(
            "mim_taak_laatste_succes_timestamp_seconds",
            "Unix-tijd van de laatste geslaagde run per periodieke taak.",
            ("taak",),
        )

    def render(self) -> str:
        return self.registry.render()

    def moved(self, from_state: str, to_state: str) -> None:
        """`mim_overgangen_total{van,naar}`: one per stored Overgang, whichever door."""
        self.overgangen.labels(van=from_state, naar=to_state).inc()
