package io.pairdb.app.chart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.yaml.snakeyaml.Yaml;

/**
 * What the chart ships for on-call engineers, read the way Prometheus and Grafana get it: the
 * alerts of the PrometheusRule as {@code helm template} renders it, and the expressions of the
 * dashboard's panels. Paths are relative to the coordinator-app module.
 */
public final class OperationsArtifacts {
    public static final Path CHART = Path.of("..", "charts", "pairdb-coordinator");
    public static final Path RUNBOOKS = Path.of("..", "docs", "runbooks");
    public static final Path DASHBOARD = CHART.resolve("dashboards").resolve("pairdb-coordinator.json");
    private static final String KUBE_VERSION = "1.30.0";

    /** One alerting rule as rendered. */
    public record Alert(String name, String expr, String severity, String summary, String runbookUrl) {
    }

    private OperationsArtifacts() {
    }

    /** Renders the chart with the rules enabled and {@code values} on top. */
    public static String render(UnaryOperator<TemplateCommand> values) {
        TemplateCommand command = new Helm(CHART).template().withName("prod").withNamespace("pairdb")
                .withKubeVersion(KUBE_VERSION).set("postgresql.auth.password", "unused")
                .set("security.bootstrapAdmin.existingSecret", "unused")
                .set("prometheusRule.enabled", true);
        return values.apply(command).call();
    }

    /** Every object of a rendered manifest. */
    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> objects(String manifest) {
        List<Map<String, Object>> objects = new ArrayList<>();
        for (Object document : new Yaml().loadAll(manifest)) {
            if (document != null) {
                objects.add((Map<String, Object>) document);
            }
        }
        return objects;
    }

    /** The alerts of the one PrometheusRule in the manifest. */
    @SuppressWarnings("unchecked")
    public static List<Alert> alerts(String manifest) {
        List<Map<String, Object>> rules = objects(manifest).stream()
                .filter(o -> "PrometheusRule".equals(o.get("kind"))).toList();
        if (rules.size() != 1) {
            throw new AssertionError("expected one PrometheusRule, found " + rules.size());
        }
        List<Alert> alerts = new ArrayList<>();
        Map<String, Object> spec = (Map<String, Object>) rules.getFirst().get("spec");
        for (Map<String, Object> group : (List<Map<String, Object>>) spec.get("groups")) {
            for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                Map<String, Object> labels = (Map<String, Object>) rule.getOrDefault("labels", Map.of());
                Map<String, Object> annotations = (Map<String, Object>) rule.getOrDefault("annotations", Map.of());
                alerts.add(new Alert((String) rule.get("alert"), (String) rule.get("expr"), (String) labels.get("severity"),
                        (String) annotations.get("summary"), (String) annotations.get("runbook_url")));
            }
        }
        return alerts;
    }

    /** The alerts with the chart's default values. */
    public static List<Alert> defaultAlerts() {
        return alerts(render(UnaryOperator.identity()));
    }

    /** The dashboard as shipped. */
    public static JsonNode dashboard() {
        try {
            return new ObjectMapper().readTree(Files.readString(DASHBOARD));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every query of every panel of the dashboard. */
    public static List<String> dashboardExpressions(JsonNode dashboard) {
        List<String> expressions = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                expressions.add(target.path("expr").asText());
            }
        }
        return expressions;
    }

    /** Every metric the default alerts and the dashboard read. */
    public static Set<String> metricsUsed() {
        Set<String> names = new TreeSet<>();
        defaultAlerts().forEach(a -> names.addAll(PromQl.metricNames(a.expr())));
        dashboardExpressions(dashboard()).forEach(e -> names.addAll(PromQl.metricNames(e)));
        return names;
    }
}
