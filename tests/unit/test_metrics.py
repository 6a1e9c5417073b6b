from __future__ import annotations

import math

import pytest

from api.metrics import (
    CONTENT_TYPE,
    Counter,
    Gauge,
    Histogram,
    HttpMetrics,
    MimMetrics,
    Registry,
    escape_label_value,
    format_value,
)


def test_an_unlabelled_counter_renders_help_type_and_its_value() -> None:
    registry = Registry()
    counter = registry.counter("mim_proef_total", "Proeven.")

    counter.inc()
    counter.inc(2)

    assert registry.render() == (
        "# HELP mim_proef_total Proeven.\n# TYPE mim_proef_total counter\nmim_proef_total 3.0\n"
    )


def test_an_unlabelled_metric_is_rendered_at_zero_before_any_update() -> None:
    registry = Registry()
    registry.gauge("mim_wachtend", "Wachtend.")

    assert registry.render().splitlines()[-1] == "mim_wachtend 0.0"


def test_a_labelled_counter_renders_one_sample_per_label_set() -> None:
    counter = Counter("mim_overgangen_total", "Overgangen.", ("van", "naar"))

    counter.labels(van="intake", naar="afgewezen").inc()
    counter.labels(naar="afgewezen", van="intake").inc()
    counter.labels(van="aangemeld", naar="intake").inc()

    assert list(counter.samples()) == [
        'mim_overgangen_total{van="intake",naar="afgewezen"} 2.0',
        'mim_overgangen_total{van="aangemeld",naar="intake"} 1.0',
    ]


def test_a_labelled_metric_without_samples_renders_only_its_header() -> None:
    registry = Registry()
    registry.counter("mim_afleveringen_total", "Afleveringen.", ("uitkomst",))

    assert registry.render() == (
        "# HELP mim_afleveringen_total Afleveringen.\n# TYPE mim_afleveringen_total counter\n"
    )


def test_label_values_escape_backslash_quote_and_newline() -> None:
    counter = Counter("mim_x_total", "X.", ("route",))

    counter.labels(route='a\\b"c\nd').inc()

    assert escape_label_value('a\\b"c\nd') == 'a\\\\b\\"c\\nd'
    assert list(counter.samples()) == ['mim_x_total{route="a\\\\b\\"c\\nd"} 1.0']


def test_help_text_escapes_backslash_and_newline() -> None:
    counter = Counter("mim_x_total", "regel\\een\ntwee")

    assert next(counter.header()) == "# HELP mim_x_total regel\\\\een\\ntwee"


def test_a_counter_refuses_to_go_down() -> None:
    counter = Counter("mim_x_total", "X.")

    with pytest.raises(ValueError, match="stijgen"):
        counter.inc(-1)


@pytest.mark.parametrize("labels", [{}, {"route": "/v1"}, {"methode": "GET", "extra": "x"}])
def test_labels_must_match_the_declared_names_exactly(labels: dict[str, str]) -> None:
    counter = Counter("mim_x_total", "X.", ("methode",))

    with pytest.raises(ValueError, match="verwacht labels"):
        counter.labels(**labels)


def test_a_labelled_metric_cannot_be_updated_without_labels() -> None:
    gauge = Gauge("mim_x", "X.", ("taak",))

    with pytest.raises(ValueError, match="labels"):
        gauge.set(1)


@pytest.mark.parametrize("name", ["1abc", "mim-x", "mim x", ""])
def test_an_invalid_metric_name_is_refused(name: str) -> None:
    with pytest.raises(ValueError, match="metriek-naam"):
        Counter(name, "X.")


@pytest.mark.parametrize("label", ["le", "__x", "a-b"])
def test_a_reserved_or_invalid_label_name_is_refused(label: str) -> None:
    with pytest.raises(ValueError, match="labelnaam"):
        Histogram("mim_x", "X.", (label,))


def test_a_name_can_be_registered_only_once() -> None:
    registry = Registry()
    registry.counter("mim_x_total", "X.")

    with pytest.raises(ValueError, match="bestaat al"):
        registry.counter("mim_x_total", "X.")


def test_a_gauge_can_be_set_raised_and_lowered() -> None:
    gauge = Gauge("mim_taak_laatste_succes_timestamp_seconds", "T.", ("taak",))

    gauge.labels(taak="leeftijdsgrens").set(1_767_225_600)
    gauge.labels(taak="relay").inc(5)
    gauge.labels(taak="relay").dec(2)

    assert list(gauge.samples()) == [
        'mim_taak_laatste_succes_timestamp_seconds{taak="leeftijdsgrens"} 1767225600.0',
        'mim_taak_laatste_succes_timestamp_seconds{taak="relay"} 3.0',
    ]


def test_a_histogram_renders_cumulative_buckets_sum_and_count() -> None:
    histogram = Histogram("mim_duur_seconds", "Duur.", ("route",), buckets=(0.1, 1.0))
    child = histogram.labels(route="/v1/x")

    for value in (0.05, 0.1, 0.5, 3.0):
        child.observe(value)

    assert list(histogram.samples()) == [
        'mim_duur_seconds_bucket{route="/v1/x",le="0.1"} 2.0',
        'mim_duur_seconds_bucket{route="/v1/x",le="1.0"} 3.0',
        'mim_duur_seconds_bucket{route="/v1/x",le="+Inf"} 4.0',
        'mim_duur_seconds_sum{route="/v1/x"} 3.65',
        'mim_duur_seconds_count{route="/v1/x"} 4.0',
    ]


def test_an_unlabelled_histogram_observes_directly() -> None:
    histogram = Histogram("mim_duur_seconds", "Duur.", buckets=(1.0,))

    histogram.observe(2.0)

    assert 'mim_duur_seconds_bucket{le="1.0"} 0.0' in list(histogram.samples())
    assert 'mim_duur_seconds_bucket{le="+Inf"} 1.0' in list(histogram.samples())
    assert "# TYPE mim_duur_seconds histogram" in list(histogram.header())


@pytest.mark.parametrize(
    ("value", "text"), [(math.inf, "+Inf"), (-math.inf, "-Inf"), (math.nan, "NaN"), (2, "2.0")]
)
def test_values_are_formatted_as_prometheus_expects(value: float, text: str) -> None:
    assert format_value(value) == text


def test_http_metrics_count_and_time_per_method_route_and_status() -> None:
    registry = Registry()
    http = HttpMetrics(registry)

    http.record("GET", "/v1/trajecten/{traject_id}", 200, 0.02)
    http.record("GET", "/v1/trajecten/{traject_id}", 200, 0.03)
    http.record("POST", "/v1/verwijzingen", 201, 0.2)

    rendered = registry.render()
    assert (
        'mim_http_requests_total{methode="GET",route="/v1/trajecten/{traject_id}",status="200"} 2.0'
        in rendered
    )
    assert (
        'mim_http_request_duration_seconds_count{methode="POST",route="/v1/verwijzingen"} 1.0'
        in rendered
    )
    assert http.requests.value(methode="POST", route="/v1/verwijzingen", status="201") == 1


def test_mim_metrics_expose_every_contract_metric_with_its_type() -> None:
    metrics = MimMetrics()
    metrics.verwijzingen_ontvangen.inc()
    metrics.outbox_wachtend.set(4)
    metrics.overgangen.labels(van="intake", naar="wacht_op_match").inc()
    metrics.afleveringen.labels(uitkomst="afgeleverd").inc()
    metrics.afleveringen_dood.set(1)
    metrics.taak_laatste_succes.labels(taak="bewaartermijnen").set(1_767_225_600)

    types = {
        line.split()[2]: line.split()[3]
        for line in metrics.render().splitlines()
        if line.startswith("# TYPE")
    }
    assert types == {
        "mim_http_requests_total": "counter",
        "mim_http_request_duration_seconds": "histogram",
        "mim_verwijzingen_ontvangen_total": "counter",
        "mim_outbox_wachtend": "gauge",
        "mim_overgangen_total": "counter",
        "mim_afleveringen_total": "counter",
        "mim_afleveringen_dood": "gauge",
        "mim_afleveringen_wachtend": "gauge",  # issue 6, additive to §18
        "mim_outbox_vertraging_seconden": "gauge",  # issue 6, additive to §18
        "mim_taak_laatste_succes_timestamp_seconds": "gauge",
    }
    assert 'mim_overgangen_total{van="intake",naar="wacht_op_match"} 1.0' in metrics.render()
    assert "version=0.0.4" in CONTENT_TYPE


def test_two_mim_metrics_do_not_share_values() -> None:
    first, second = MimMetrics(), MimMetrics()

    first.verwijzingen_ontvangen.inc()

    assert first.verwijzingen_ontvangen.value() == 1
    assert second.verwijzingen_ontvangen.value() == 0
