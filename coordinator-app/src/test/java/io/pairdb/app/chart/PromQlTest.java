package io.pairdb.app.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pairdb.app.chart.PromQl.Selector;
import org.junit.jupiter.api.Test;

class PromQlTest {
    @Test
    void findsTheMetricsOfARuleButNotItsFunctionsLabelsOrNumbers() {
        String expr = """
                histogram_quantile(0.99, sum by (le, operation) (rate(coordinator_request_duration_seconds_bucket{job="x"}[5m])))
                  > 0.5 and on () max without (to) (increase(coordinator_readiness_transitions_total[15m])) >= 1e-3
                  * scalar(max(coordinator_hints_ttl_seconds{job="a,b}",node=~"n[0-9]+"}))""";

        assertThat(PromQl.selectors(expr)).containsExactly(
                new Selector("coordinator_request_duration_seconds_bucket", "job=\"x\""),
                new Selector("coordinator_readiness_transitions_total", ""),
                new Selector("coordinator_hints_ttl_seconds", "job=\"a,b}\",node=~\"n[0-9]+\""));
    }

    @Test
    void grafanaVariablesInMatchersAndRangesAreSkipped() {
        assertThat(PromQl.metricNames("sum by (node) (rate(coordinator_hints_replayed_total{job=~\"$job\"}[$__rate_interval]))"))
                .containsExactly("coordinator_hints_replayed_total");
    }

    @Test
    void aMisspelledFunctionOrAnUnbalancedBracketFails() {
        assertThatThrownBy(() -> PromQl.selectors("histogram_quantil(0.9, x_bucket)"))
                .hasMessageContaining("unknown function 'histogram_quantil'");
        assertThatThrownBy(() -> PromQl.selectors("sum(rate(x[5m])")).hasMessageContaining("unbalanced");
        assertThatThrownBy(() -> PromQl.selectors("rate(x{job=\"a\"[5m])")).hasMessageContaining("unclosed");
    }
}
