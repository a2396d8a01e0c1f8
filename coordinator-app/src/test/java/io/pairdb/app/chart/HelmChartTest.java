package io.pairdb.app.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;

/**
 * Lints and renders {@code charts/pairdb-coordinator} with Helm embedded as a native library
 * (helm-java), and checks the objects a cluster would receive.
 */
class HelmChartTest {
    private static final Path CHART = OperationsArtifacts.CHART;
    private static final String RELEASE = "prod";
    private static final String NAMESPACE = "pairdb";
    private static final String FULLNAME = "prod-pairdb-coordinator";
    // Helm's client-only default (v1.20) is below the chart's kubeVersion constraint.
    private static final String KUBE_VERSION = "1.30.0";
    private static final String PG_PASSWORD = "s3cr3t-pg-value";
    private static final String REDIS_PASSWORD = "s3cr3t-redis-value";
    private static final String ADMIN_TOKEN_SECRET = "pairdb-admin-token";

    /*
     * helm-java's template command prints the release manifest without the hook manifests
     * (manusa/helm-java#416), which is where the migration Job and the test Pod live. The tests
     * render a copy of the chart in which the hook annotation has another key, so Helm keeps those
     * objects in the manifest, and put the key back in the output: what is asserted on is what
     * `helm template` prints.
     */
    private static final String HOOK_ANNOTATION = "helm.sh/hook:";
    private static final String HOOK_STAND_IN = "test.pairdb.io/hook-kept-in-manifest:";

    /** One alert per problem the issue lists (repair and throttling alerts come with their metrics). */
    private static final List<String> ALERTS = List.of("PairDBStorageNodeDown", "PairDBQuorumFailures",
            "PairDBLatencyHigh", "PairDBHintBacklogGrowing", "PairDBHintsNearTTL", "PairDBHintsDropped",
            "PairDBTopologyChangeStuck", "PairDBTopologyChangeFailed", "PairDBRingEpochDivergence",
            "PairDBCleanupSkippedRepeatedly", "PairDBPostgresUnavailable", "PairDBRedisUnavailable",
            "PairDBReadinessFlapping", "PairDBRepairOverdue");

    private static final List<String> RECOMMENDED_LABELS = List.of(
            "app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/version",
            "app.kubernetes.io/component", "app.kubernetes.io/part-of", "app.kubernetes.io/managed-by",
            "helm.sh/chart");

    @TempDir
    static Path work;

    private static Path chartWithHooksInManifest;
    private static Path productionValues;
    private static Rendered defaults;
    private static Rendered production;

    @BeforeAll
    static void renderTheChart() throws IOException, URISyntaxException {
        assertThat(CHART.resolve("Chart.yaml")).as("chart, relative to the coordinator-app module").exists();
        productionValues = Path.of(Objects.requireNonNull(
                HelmChartTest.class.getResource("/chart/values-production.yaml")).toURI());
        chartWithHooksInManifest = copyChart(work.resolve("hooks-in-manifest"),
                template -> template.replace(HOOK_ANNOTATION, HOOK_STAND_IN));
        defaults = render(t -> required(t));
        production = render(t -> t.withValuesFile(productionValues));
    }

    @Test
    void theChartLintsStrictlyWithItsDefaultValues() {
        LintResult result = new Helm(CHART).lint().strict().call();

        assertThat(result.isFailed()).as("lint failed: %s", result.getMessages()).isFalse();
        assertThat(result.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
    }

    @Test
    void theChartLintsStrictlyWithTheProductionValues() throws IOException {
        // helm-java's lint takes no values file: lint a copy whose values.yaml is the merged result.
        Map<String, Object> merged = deepMerge(loadYaml(CHART.resolve("values.yaml")), loadYaml(productionValues));
        Path chart = copyChart(work.resolve("lint-production"), UnaryOperator.identity());
        Files.writeString(chart.resolve("values.yaml"), new Yaml().dump(merged));

        LintResult result = new Helm(chart).lint().strict().call();

        assertThat(result.isFailed()).as("lint failed: %s", result.getMessages()).isFalse();
        assertThat(result.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
    }

    @Test
    void theDeploymentProbesTheHealthEndpointsOnTheManagementPort() {
        Map<String, Object> container = defaults.coordinatorContainer();

        assertThat(list(container, "ports")).containsExactlyInAnyOrder(
                Map.of("name", "grpc", "containerPort", 50051, "protocol", "TCP"),
                Map.of("name", "http", "containerPort", 8080, "protocol", "TCP"));
        assertThat(at(container, "livenessProbe", "httpGet")).isEqualTo(Map.of("path", "/health/liveness", "port", "http"));
        assertThat(at(container, "readinessProbe", "httpGet")).isEqualTo(Map.of("path", "/health/readiness", "port", "http"));
        assertThat(at(container, "startupProbe", "httpGet")).isEqualTo(Map.of("path", "/health/liveness", "port", "http"));
        assertThat(at(defaults.one("ConfigMap", FULLNAME), "data", "MICRONAUT_SERVER_PORT")).isEqualTo("8080");
    }

    @Test
    void theCoordinatorRunsAsNonRootOnAReadOnlyRootFilesystem() {
        Map<String, Object> pod = defaults.podSpec("Deployment", FULLNAME);
        Map<String, Object> container = defaults.coordinatorContainer();

        assertThat(map(pod, "securityContext")).containsEntry("runAsNonRoot", true).containsEntry("runAsUser", 10001);
        assertThat(map(container, "securityContext"))
                .containsEntry("runAsNonRoot", true)
                .containsEntry("runAsUser", 10001)
                .containsEntry("readOnlyRootFilesystem", true)
                .containsEntry("allowPrivilegeEscalation", false)
                .containsEntry("capabilities", Map.of("drop", List.of("ALL")))
                .containsEntry("seccompProfile", Map.of("type", "RuntimeDefault"));
        assertThat(list(container, "volumeMounts")).contains(Map.of("name", "tmp", "mountPath", "/tmp"));
        assertThat(list(pod, "volumes")).anySatisfy(v -> assertThat(v).containsEntry("name", "tmp").containsKey("emptyDir"));
        assertThat(pod).containsEntry("terminationGracePeriodSeconds", 45)
                .containsEntry("enableServiceLinks", false)
                .containsEntry("serviceAccountName", FULLNAME);
    }

    @Test
    void podsLeaseTheirCoordinatorIdInsteadOfTakingTheirPodName() {
        // pod names change on every rollout; an id per pod name would add an entry to every clock each time
        assertThat(list(defaults.coordinatorContainer(), "env"))
                .noneSatisfy(e -> assertThat(e.get("name")).isEqualTo("PAIRDB_COORDINATOR_NODE_ID"));
    }

    @Test
    void theConfigMapCarriesTheCoordinatorSettingsAndTheMigrationJobOwnsMigrations() {
        Map<String, Object> data = map(defaults.one("ConfigMap", FULLNAME), "data");

        assertThat(data).containsEntry("MICRONAUT_ENVIRONMENTS", "k8s")
                .containsEntry("GRPC_SERVER_PORT", "50051")
                .containsEntry("DATABASE_URL", "jdbc:postgresql://postgresql:5432/pairdb")
                .containsEntry("DATABASE_USER", "pairdb")
                .containsEntry("REDIS_URI", "redis://redis-master:6379")
                .containsEntry("PAIRDB_MIGRATE_ON_START", "false")
                .containsEntry("PAIRDB_COORDINATOR_DEFAULT_CONSISTENCY", "quorum")
                .containsEntry("PAIRDB_COORDINATOR_MAX_VALUE_BYTES", "1048576")
                .containsEntry("PAIRDB_TENANTS_DEFAULT_REPLICATION_FACTOR", "3")
                .containsEntry("PAIRDB_LIMITS_MAX_REQUESTS_IN_FLIGHT", "1000")
                .containsEntry("PAIRDB_LIMITS_MAX_REQUEST_BYTES_IN_FLIGHT", "67108864")
                .containsEntry("PAIRDB_LIMITS_OVERLOAD_RETRY_AFTER", "200ms")
                .containsEntry("PAIRDB_LIMITS_DEADLINE_WAIT_SHARE", "0.5")
                .containsEntry("PAIRDB_LIMITS_MAX_INBOUND_METADATA_BYTES", "8192")
                .containsEntry("PAIRDB_LIMITS_MAX_CONCURRENT_CALLS_PER_CONNECTION", "200")
                .containsEntry("PAIRDB_LIMITS_MAX_CONNECTION_AGE", "30m")
                .containsEntry("PAIRDB_LIMITS_MAX_CONNECTION_AGE_GRACE", "1m")
                .containsEntry("PAIRDB_LIMITS_MAX_CONNECTION_IDLE", "15m")
                .containsEntry("PAIRDB_LIMITS_PERMIT_KEEP_ALIVE_TIME", "20s")
                .containsEntry("PAIRDB_LIMITS_HANDSHAKE_TIMEOUT", "10s")
                .containsEntry("PAIRDB_LIMITS_MAX_RESET_STREAMS_PER_WINDOW", "20000")
                .containsEntry("PAIRDB_LIMITS_RESET_STREAMS_WINDOW", "10s")
                // one JSON object per log line for the cluster's log collector; text stays the default outside the chart
                .containsEntry("PAIRDB_LOG_FORMAT", "json")
                .containsEntry("PAIRDB_LOG_MAX_LINES_PER_SECOND", "20")
                .containsKeys("PAIRDB_COORDINATOR_WRITE_TIMEOUT", "PAIRDB_COORDINATOR_READ_TIMEOUT",
                        "PAIRDB_COORDINATOR_IDEMPOTENCY_TTL", "PAIRDB_COORDINATOR_REPAIR_ASYNC",
                        "PAIRDB_COORDINATOR_MAX_REPAIRS_IN_FLIGHT", "PAIRDB_COORDINATOR_MAX_CLOCK_ENTRIES",
                        "PAIRDB_TENANTS_MAX_REPLICATION_FACTOR", "PAIRDB_TENANTS_CACHE_TTL",
                        "PAIRDB_TOPOLOGY_REFRESH_INTERVAL", "PAIRDB_REDIS_TIMEOUT", "PAIRDB_SHUTDOWN_GRACE_PERIOD",
                        "PAIRDB_HEALTH_CHECK_TIMEOUT", "PAIRDB_HEALTH_MIN_RING_NODES",
                        "DATASOURCES_DEFAULT_MAXIMUM_POOL_SIZE", "MICRONAUT_SERVER_PORT");
        assertThat(list(defaults.coordinatorContainer(), "envFrom"))
                .contains(Map.of("configMapRef", Map.of("name", FULLNAME)));
    }

    @Test
    void theResetFloodProtectionIsSetFromItsValues() {
        Rendered rendered = render(t -> required(t)
                .set("config.limits.maxResetStreamsPerWindow", "50")
                .set("config.limits.resetStreamsWindow", "1m"));

        assertThat(map(rendered.one("ConfigMap", FULLNAME), "data"))
                .containsEntry("PAIRDB_LIMITS_MAX_RESET_STREAMS_PER_WINDOW", "50")
                .containsEntry("PAIRDB_LIMITS_RESET_STREAMS_WINDOW", "1m");
    }

    @Test
    void theDeadlineWaitShareIsSetFromItsValue() {
        Rendered rendered = render(t -> required(t).set("config.limits.deadlineWaitShare", "0.25"));

        assertThat(map(rendered.one("ConfigMap", FULLNAME), "data"))
                .containsEntry("PAIRDB_LIMITS_DEADLINE_WAIT_SHARE", "0.25");
    }

    @ParameterizedTest
    @ValueSource(strings = {"10ms", "250ms", "10000000ns", "1s", "2m", "PT1S", "PT0.5S"})
    void anAnswerRateWindowOfAtLeastTenMillisecondsIsAccepted(String window) {
        Rendered rendered = render(t -> required(t).set("config.limits.answerRateWindow", window));

        assertThat(map(rendered.one("ConfigMap", FULLNAME), "data"))
                .containsEntry("PAIRDB_LIMITS_ANSWER_RATE_WINDOW", window);
    }

    @Test
    void aConfigurationChangeRollsThePods() {
        Rendered changed = render(t -> required(t).set("config.writeTimeout", "2s"));

        assertThat(checksum(changed)).isNotBlank().isNotEqualTo(checksum(defaults));
    }

    @Test
    void passwordsGivenAsValuesAppearOnlyBase64EncodedInsideSecrets() {
        Rendered rendered = render(t -> required(t)
                .set("redis.auth.password", REDIS_PASSWORD));

        for (String password : List.of(PG_PASSWORD, REDIS_PASSWORD)) {
            String encoded = Base64.getEncoder().encodeToString(password.getBytes(StandardCharsets.UTF_8));
            assertThat(rendered.text()).doesNotContain(password);
            for (Map<String, Object> object : rendered.objects()) {
                if (!"Secret".equals(object.get("kind"))) {
                    assertThat(new Yaml().dump(object)).as("%s %s", object.get("kind"), name(object))
                            .doesNotContain(password).doesNotContain(encoded);
                }
            }
            assertThat(rendered.all("Secret")).anySatisfy(s -> assertThat(map(s, "data")).containsValue(encoded));
        }
        Map<String, Object> container = rendered.coordinatorContainer();
        assertThat(env(container, "DATABASE_PASSWORD")).doesNotContainKey("value");
        assertThat(env(container, "REDIS_PASSWORD")).doesNotContainKey("value");
        assertThat(rendered.secretValue(secretKeyRef(container, "DATABASE_PASSWORD"))).isEqualTo(PG_PASSWORD);
        assertThat(rendered.secretValue(secretKeyRef(container, "REDIS_PASSWORD"))).isEqualTo(REDIS_PASSWORD);
        assertThat(rendered.secretValue(secretKeyRef(rendered.migrationContainer(), "DATABASE_PASSWORD")))
                .isEqualTo(PG_PASSWORD);
    }

    @Test
    void withExistingSecretsNoSecretIsRenderedAndThePodsReferToThem() {
        Map<String, Object> container = production.coordinatorContainer();

        assertThat(production.all("Secret")).isEmpty();
        assertThat(secretKeyRef(container, "DATABASE_PASSWORD"))
                .isEqualTo(Map.of("name", "pairdb-pg-credentials", "key", "password"));
        assertThat(secretKeyRef(container, "REDIS_PASSWORD"))
                .isEqualTo(Map.of("name", "pairdb-redis-credentials", "key", "redis-password"));
        assertThat(secretKeyRef(production.migrationContainer(), "DATABASE_PASSWORD"))
                .isEqualTo(Map.of("name", "pairdb-pg-credentials", "key", "password"));
    }

    @Test
    void withoutARedisPasswordThePodsGetNoRedisPasswordVariable() {
        assertThat(list(defaults.coordinatorContainer(), "env"))
                .noneSatisfy(e -> assertThat(e).containsEntry("name", "REDIS_PASSWORD"));
    }

    @Test
    void theClientServiceCarriesGrpcOnlyAndTheManagementPortHasAServiceOfItsOwn() {
        Map<String, Object> service = defaults.one("Service", FULLNAME);
        Map<String, Object> management = defaults.one("Service", FULLNAME + "-management");

        assertThat(at(service, "spec", "type")).isEqualTo("ClusterIP");
        assertThat(list(service, "spec", "ports")).containsExactly(
                Map.of("name", "grpc", "port", 50051, "targetPort", "grpc", "protocol", "TCP", "appProtocol", "grpc"));
        assertThat(at(management, "spec", "type")).isEqualTo("ClusterIP");
        assertThat(list(management, "spec", "ports")).containsExactly(
                Map.of("name", "http", "port", 8080, "targetPort", "http", "protocol", "TCP", "appProtocol", "http"));
        assertThat(at(management, "spec", "selector")).isEqualTo(at(service, "spec", "selector"));
        assertThat(defaults.all("Service")).extracting(HelmChartTest::name)
                .containsExactlyInAnyOrder(FULLNAME, FULLNAME + "-management");
        assertThat(at(service, "spec", "selector"))
                .isEqualTo(at(defaults.one("Deployment", FULLNAME), "spec", "selector", "matchLabels"));
        assertThat(map(service, "spec", "selector")).containsEntry("app.kubernetes.io/component", "coordinator");
        assertThat(labels(defaults.one("Job", FULLNAME + "-migrate"), "spec", "template"))
                .as("the migration pod must not become a Service endpoint")
                .containsEntry("app.kubernetes.io/component", "migration");
    }

    @Test
    void anAutoscalerAndADisruptionBudgetAreOnByDefault() {
        Map<String, Object> deployment = defaults.one("Deployment", FULLNAME);
        Map<String, Object> hpa = defaults.one("HorizontalPodAutoscaler", FULLNAME);
        Map<String, Object> pdb = defaults.one("PodDisruptionBudget", FULLNAME);

        assertThat(map(deployment, "spec")).doesNotContainKey("replicas");
        assertThat(hpa.get("apiVersion")).isEqualTo("autoscaling/v2");
        assertThat(map(hpa, "spec")).containsEntry("minReplicas", 2).containsEntry("maxReplicas", 10)
                .containsEntry("scaleTargetRef", Map.of("apiVersion", "apps/v1", "kind", "Deployment", "name", FULLNAME));
        assertThat(list(hpa, "spec", "metrics")).containsExactly(Map.of("type", "Resource", "resource",
                Map.of("name", "cpu", "target", Map.of("type", "Utilization", "averageUtilization", 70))));
        assertThat(pdb.get("apiVersion")).isEqualTo("policy/v1");
        assertThat(map(pdb, "spec")).containsEntry("maxUnavailable", 1)
                .containsEntry("selector", at(deployment, "spec", "selector"));
    }

    @Test
    void theServiceMonitorAndTheNetworkPolicyAreOffByDefault() {
        assertThat(defaults.all("ServiceMonitor")).isEmpty();
        assertThat(defaults.all("NetworkPolicy")).isEmpty();
    }

    @Test
    void thePrometheusRuleAndTheDashboardAreOffByDefault() {
        assertThat(defaults.all("PrometheusRule")).isEmpty();
        assertThat(defaults.all("ConfigMap")).extracting(HelmChartTest::name).containsExactly(FULLNAME);
    }

    @Test
    void theRulesAlertOnEveryProblemOfTheRunbooksWithASeveritySummaryAndAnExistingPage() throws IOException {
        List<OperationsArtifacts.Alert> alerts = OperationsArtifacts.alerts(production.text());

        assertThat(alerts).extracting(OperationsArtifacts.Alert::name).containsExactlyInAnyOrderElementsOf(ALERTS);
        String base = "https://github.com/pairdb/pairdb-coordinator/blob/main/docs/runbooks/";
        List<String> pages = new ArrayList<>();
        for (OperationsArtifacts.Alert alert : alerts) {
            assertThat(alert.severity()).as(alert.name()).isIn("critical", "warning");
            assertThat(alert.summary()).as(alert.name()).isNotBlank();
            assertThat(alert.runbookUrl()).as(alert.name()).startsWith(base).endsWith(".md");
            String page = alert.runbookUrl().substring(base.length());
            Path file = OperationsArtifacts.RUNBOOKS.resolve(page);
            assertThat(file).as("runbook of %s", alert.name()).isRegularFile();
            assertThat(Files.readString(file)).as(page).startsWith("# " + alert.name() + "\n")
                    .contains("\n## What it means\n", "\n## How to confirm\n", "\n## What to do\n",
                            "\n## What not to do\n", "pairdb-admin ");
            assertThat(PromQl.metricNames(alert.expr())).as(alert.name()).isNotEmpty();
            pages.add(page);
        }
        try (Stream<Path> files = Files.list(OperationsArtifacts.RUNBOOKS)) {
            assertThat(files.map(f -> f.getFileName().toString()).filter(f -> !f.equals("README.md")))
                    .as("every runbook belongs to an alert").containsExactlyInAnyOrderElementsOf(pages);
        }
        assertThat(labels(production.one("PrometheusRule", FULLNAME))).containsEntry("release", "kube-prometheus-stack");
    }

    @Test
    void everyRuleReadsOnlyThisReleasesCoordinatorsAndCarriesTheExtraLabels() {
        Map<String, Object> rule = production.one("PrometheusRule", FULLNAME);
        for (Map<String, Object> group : list(rule, "spec", "groups")) {
            for (Map<String, Object> alert : list(group, "rules")) {
                assertThat(map(alert, "labels")).as("%s", alert.get("alert")).containsEntry("team", "storage");
                assertThat(PromQl.selectors((String) alert.get("expr"))).as("%s", alert.get("alert"))
                        .allSatisfy(s -> assertThat(s.matchers())
                                .startsWith("namespace=\"" + NAMESPACE + "\",job=\"" + FULLNAME + "\""));
            }
        }

        List<OperationsArtifacts.Alert> custom = OperationsArtifacts.alerts(OperationsArtifacts.render(t -> t
                .set("prometheusRule.selector", "job=\"pairdb\",cluster=\"eu1\"")
                .set("prometheusRule.runbookBaseUrl", "https://wiki.example.com/pairdb/")));
        assertThat(custom).allSatisfy(a -> {
            assertThat(PromQl.selectors(a.expr())).allSatisfy(s -> assertThat(s.matchers())
                    .startsWith("job=\"pairdb\",cluster=\"eu1\""));
            assertThat(a.runbookUrl()).matches("https://wiki\\.example\\.com/pairdb/[a-z-]+\\.md");
        });
    }

    @Test
    void theDashboardShipsAsAConfigMapForGrafanasSidecar() throws IOException {
        Map<String, Object> configMap = production.one("ConfigMap", FULLNAME + "-dashboard");

        assertThat(labels(configMap)).containsEntry("grafana_dashboard", "1");
        assertThat(annotations(configMap)).containsEntry("grafana_folder", "PairDB");
        String json = (String) at(configMap, "data", "pairdb-coordinator.json");
        assertThat(json).isEqualTo(Files.readString(OperationsArtifacts.DASHBOARD).strip());
        JsonNode dashboard = new ObjectMapper().readTree(json);
        assertThat(dashboard.path("title").asText()).isEqualTo("PairDB coordinator");
        List<String> expressions = OperationsArtifacts.dashboardExpressions(dashboard);
        assertThat(expressions).hasSizeGreaterThan(20);
        Set<String> metrics = new TreeSet<>();
        expressions.forEach(e -> metrics.addAll(PromQl.metricNames(e)));
        assertThat(metrics).as("request rate, errors, latency, replica calls, nodes, hints, changes, cleanup")
                .contains("coordinator_requests_total", "coordinator_request_duration_seconds_bucket",
                        "coordinator_replica_call_duration_seconds_bucket", "coordinator_storage_nodes",
                        "coordinator_hints_pending", "coordinator_topology_changes_in_flight",
                        "coordinator_cleanup_ranges_due");
    }

    @Test
    void theProductionValuesPinTheReplicasAndEnableMonitoringAndTheNetworkPolicy() {
        Map<String, Object> deployment = production.one("Deployment", FULLNAME);
        Map<String, Object> monitor = production.one("ServiceMonitor", FULLNAME);
        Map<String, Object> policy = production.one("NetworkPolicy", FULLNAME);

        assertThat(at(deployment, "spec", "replicas")).isEqualTo(3);
        assertThat(production.all("HorizontalPodAutoscaler")).isEmpty();
        assertThat(map(production.one("PodDisruptionBudget", FULLNAME), "spec")).containsEntry("minAvailable", 2)
                .doesNotContainKey("maxUnavailable");
        assertThat(map(production.coordinatorContainer(), "resources"))
                .isEqualTo(Map.of("requests", Map.of("cpu", "1", "memory", "2Gi"), "limits", Map.of("cpu", "4", "memory", "2Gi")));
        assertThat(list(production.podSpec("Deployment", FULLNAME), "topologySpreadConstraints")).hasSize(2)
                .allSatisfy(c -> assertThat(at(c, "labelSelector", "matchLabels"))
                        .isEqualTo(at(deployment, "spec", "selector", "matchLabels")));

        assertThat(monitor.get("apiVersion")).isEqualTo("monitoring.coreos.com/v1");
        assertThat(labels(monitor)).containsEntry("release", "kube-prometheus-stack");
        assertThat(list(monitor, "spec", "endpoints")).singleElement()
                .satisfies(e -> assertThat(e).containsEntry("port", "http").containsEntry("path", "/prometheus"));
        // the job label stays the full name, which the alert rules select on
        assertThat(map(monitor, "spec")).containsEntry("jobLabel", "pairdb.io/job");
        assertThat(labels(production.one("Service", FULLNAME + "-management"))).containsEntry("pairdb.io/job", FULLNAME);
        assertThat(map(monitor, "spec", "selector", "matchLabels")).as("the management Service, the only one with http")
                .isEqualTo(Map.copyOf(labels(production.one("Service", FULLNAME + "-management"))).entrySet().stream()
                        .filter(e -> Set.of("app.kubernetes.io/name", "app.kubernetes.io/instance",
                                "app.kubernetes.io/component").contains(e.getKey()))
                        .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));

        assertThat(at(policy, "spec", "podSelector", "matchLabels")).isEqualTo(at(deployment, "spec", "selector", "matchLabels"));
        assertThat(strings(policy, "spec", "policyTypes")).containsExactly("Ingress", "Egress");
        List<Map<String, Object>> egress = list(policy, "spec", "egress");
        assertThat(egress).anySatisfy(rule -> assertThat(list(rule, "ports")).containsExactly(Map.of("port", 5432, "protocol", "TCP")))
                .anySatisfy(rule -> assertThat(list(rule, "ports")).containsExactly(Map.of("port", 6380, "protocol", "TCP")))
                .anySatisfy(rule -> assertThat(list(rule, "ports")).containsExactly(Map.of("port", 7001, "protocol", "TCP")))
                .anySatisfy(rule -> assertThat(list(rule, "ports")).contains(Map.of("port", 53, "protocol", "UDP")))
                .allSatisfy(rule -> assertThat(rule).containsKey("to"));
        assertThat(list(policy, "spec", "ingress")).anySatisfy(rule -> assertThat(list(rule, "ports"))
                .containsExactly(Map.of("port", "grpc", "protocol", "TCP")));
    }

    @Test
    void theMigrationJobRunsTheMigrateModeBeforeInstallAndUpgrade() {
        Map<String, Object> job = defaults.one("Job", FULLNAME + "-migrate");
        Map<String, Object> container = defaults.migrationContainer();

        assertThat(annotations(job)).containsEntry("helm.sh/hook", "pre-install,pre-upgrade")
                .containsKey("helm.sh/hook-weight")
                .containsEntry("helm.sh/hook-delete-policy", "before-hook-creation,hook-succeeded");
        assertThat(map(job, "spec")).containsKey("backoffLimit");
        assertThat(container.get("args")).isEqualTo(List.of("--migrate"));
        assertThat(container.get("image")).isEqualTo(defaults.coordinatorContainer().get("image"))
                .isEqualTo("ghcr.io/pairdb/pairdb-coordinator:0.1.0");
        assertThat(container.get("securityContext")).isEqualTo(defaults.coordinatorContainer().get("securityContext"));
        assertThat(env(container, "DATABASE_URL")).containsEntry("value", "jdbc:postgresql://postgresql:5432/pairdb");
        assertThat(env(container, "DATABASE_USER")).containsEntry("value", "pairdb");

        // A pre-install hook runs before the release's own Secret exists: its Secret must be a hook created earlier.
        String secret = (String) secretKeyRef(container, "DATABASE_PASSWORD").get("name");
        Map<String, Object> hookSecret = defaults.one("Secret", secret);
        assertThat(annotations(hookSecret)).containsEntry("helm.sh/hook", "pre-install,pre-upgrade");
        assertThat(Integer.parseInt((String) annotations(hookSecret).get("helm.sh/hook-weight")))
                .isLessThan(Integer.parseInt((String) annotations(job).get("helm.sh/hook-weight")));
    }

    @Test
    void withoutTheMigrationJobEachPodMigratesAtStartUp() {
        Rendered rendered = render(t -> required(t).set("migration.enabled", false));

        assertThat(rendered.all("Job")).isEmpty();
        assertThat(rendered.all("Secret")).singleElement().satisfies(s -> assertThat(annotations(s)).isEmpty());
        assertThat(at(rendered.one("ConfigMap", FULLNAME), "data", "PAIRDB_MIGRATE_ON_START")).isEqualTo("true");
    }

    @Test
    void aNetworkPolicyWithoutStorageNodePeersStillLetsTheCoordinatorReachItsStorageNodesOnTheirPortOnly() {
        Rendered rendered = render(t -> required(t).set("networkPolicy.enabled", true));

        assertThat(list(rendered.one("NetworkPolicy", FULLNAME), "spec", "egress"))
                .contains(Map.of("ports", List.of(Map.of("port", 7000, "protocol", "TCP"))));
    }

    @Test
    void storageNodesMayBeAddedAtInClusterNamesUnlessTheValuesSayOtherwise() {
        assertThat(at(defaults.one("ConfigMap", FULLNAME), "data", "PAIRDB_STORAGE_NODES_ALLOWED_ADDRESSES"))
                .isEqualTo(".svc.cluster.local");
        Rendered rendered = render(t -> required(t)
                .set("storageNodes.allowedAddresses[0]", "10.0.0.0/8").set("storageNodes.allowedAddresses[1]", ".nodes.example")
                .set("redis.auth.username", "pairdb"));
        assertThat(at(rendered.one("ConfigMap", FULLNAME), "data", "PAIRDB_STORAGE_NODES_ALLOWED_ADDRESSES"))
                .isEqualTo("10.0.0.0/8,.nodes.example");
        assertThat(at(rendered.one("ConfigMap", FULLNAME), "data", "PAIRDB_REDIS_USERNAME")).isEqualTo("pairdb");
    }

    @Test
    void noNetworkPolicyRendersARuleThatAllowsEverything() {
        String peer = "[0].ipBlock.cidr";
        for (boolean nodePorts : new boolean[] {false, true}) {
            for (boolean nodePeers : new boolean[] {false, true}) {
                for (boolean otherPeers : new boolean[] {false, true}) {
                    Rendered rendered = render(t -> {
                        TemplateCommand c = required(t).set("networkPolicy.enabled", true);
                        if (nodePorts) {
                            c = c.set("networkPolicy.egress.storageNodes.ports[0]", 7100);
                        }
                        if (nodePeers) {
                            c = c.set("networkPolicy.egress.storageNodes.to" + peer, "10.0.0.0/8");
                        }
                        if (otherPeers) {
                            c = c.set("networkPolicy.egress.dns.to" + peer, "10.0.0.0/8")
                                    .set("networkPolicy.egress.postgresql.to" + peer, "10.0.0.0/8")
                                    .set("networkPolicy.egress.redis.to" + peer, "10.0.0.0/8");
                        }
                        return c;
                    });
                    Map<String, Object> spec = map(rendered.one("NetworkPolicy", FULLNAME), "spec");
                    String combination = "storage ports " + nodePorts + ", storage peers " + nodePeers + ", other peers " + otherPeers;
                    assertThat(list(spec, "egress")).as(combination)
                            .allSatisfy(rule -> assertThat(rule).as(combination).containsKey("ports"));
                    assertThat(list(spec, "ingress")).as(combination)
                            .allSatisfy(rule -> assertThat(rule).as(combination).containsKey("ports"));
                    assertThat(strings(spec, "policyTypes")).as(combination).containsExactly("Ingress", "Egress");
                }
            }
        }
    }

    @Test
    void helmTestChecksThatTheServiceIsReady() {
        List<Map<String, Object>> testPods = defaults.all("Pod").stream()
                .filter(p -> "test".equals(annotations(p).get("helm.sh/hook"))).toList();

        assertThat(testPods).singleElement().satisfies(pod -> {
            Map<String, Object> container = list(pod, "spec", "containers").getFirst();
            assertThat((String) container.get("image")).startsWith("busybox:");
            assertThat(strings(container, "command")).contains("wget")
                    .contains("http://" + FULLNAME + "-management:8080/health/readiness");
        });
    }

    @Test
    void everyObjectCarriesTheRecommendedLabels() {
        for (Rendered rendered : List.of(defaults, production)) {
            assertThat(rendered.objects()).hasSizeGreaterThanOrEqualTo(8).allSatisfy(object ->
                    assertThat(labels(object)).as("%s %s", object.get("kind"), name(object))
                            .containsKeys(RECOMMENDED_LABELS.toArray(String[]::new))
                            .containsEntry("app.kubernetes.io/instance", RELEASE)
                            .containsEntry("app.kubernetes.io/part-of", "pairdb")
                            .containsEntry("app.kubernetes.io/managed-by", "Helm"));
        }
        assertThat(labels(defaults.one("Deployment", FULLNAME), "spec", "template"))
                .containsKeys(RECOMMENDED_LABELS.toArray(String[]::new));
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
        "replicaCount, 0, /replicaCount",
        "config.defaultConsistency, most, /config/defaultConsistency",
        "service.ports.grpc, 70000, /service/ports/grpc",
        "image.pullPolicy, Sometimes, /image/pullPolicy",
        "prometheusRule.thresholds.hintAgeOfTtl, 2, /prometheusRule/thresholds/hintAgeOfTtl",
        "prometheusRule.selector, job, /prometheusRule/selector",
        "security.authentication, maybe, /security/authentication",
        "security.tls.clientCertificates, sometimes, /security/tls/clientCertificates",
        "config.limits.resetStreamsWindow, 1500ms, /config/limits/resetStreamsWindow",
        "config.limits.maxResetStreamsPerWindow, 0, /config/limits/maxResetStreamsPerWindow",
        "config.limits.deadlineWaitShare, 0, /config/limits/deadlineWaitShare",
        "config.limits.deadlineWaitShare, 1.5, /config/limits/deadlineWaitShare",
        "config.limits.deadlineWaitShare, half, /config/limits/deadlineWaitShare",
        "config.maxRepairsInFlight, 0, /config/maxRepairsInFlight",
        "config.maxValueBytes, 5242880, /config/maxValueBytes",
        "config.idempotencyTtl, 0s, /config/idempotencyTtl",
        "config.limits.overloadRetryAfter, 0s, /config/limits/overloadRetryAfter",
        "config.limits.answerRateWindow, 0ms, /config/limits/answerRateWindow",
        "config.limits.answerRateWindow, 9ms, /config/limits/answerRateWindow",
        "config.limits.answerRateWindow, 9999999ns, /config/limits/answerRateWindow",
        "config.limits.maxConnectionAge, 0s, /config/limits/maxConnectionAge",
        "config.limits.maxConnectionAgeGrace, 0s, /config/limits/maxConnectionAgeGrace",
        "config.limits.maxConnectionIdle, 0s, /config/limits/maxConnectionIdle",
        "config.limits.permitKeepAliveTime, 0s, /config/limits/permitKeepAliveTime",
        "config.health.checkTimeout, 0s, /config/health/checkTimeout",
        "config.topologyRefreshInterval, 0ms, /config/topologyRefreshInterval",
        "config.writeTimeout, PT0S, /config/writeTimeout",
    })
    void theSchemaRejectsAnInvalidValue(String key, String value, String pointer) {
        assertThatThrownBy(() -> render(t -> required(t).set(key, value)))
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining(pointer);
    }

    @Test
    void renderingWithoutPostgresCredentialsFailsWithAClearMessage() {
        assertThatThrownBy(() -> render(UnaryOperator.identity()))
                .hasMessageContaining("PostgreSQL credentials are missing")
                .hasMessageContaining("postgresql.auth.existingSecret")
                .hasMessageContaining("postgresql.auth.password");
    }

    @Test
    void withoutAnAdminCredentialRenderingFailsWithAClearMessage() {
        assertThatThrownBy(() -> render(t -> t.set("postgresql.auth.password", PG_PASSWORD)))
                .hasMessageContaining("no admin credential")
                .hasMessageContaining("security.bootstrapAdmin.existingSecret")
                .hasMessageContaining("security.authentication=off");
        assertThatThrownBy(() -> render(t -> required(t).set("security.tls.clientCertificates", "require")))
                .hasMessageContaining("security.tls.clientCertificates needs security.tls.enabled");
        assertThatThrownBy(() -> render(t -> required(t).set("security.tls.enabled", true)))
                .hasMessageContaining("security.tls.enabled needs security.tls.existingSecret");
        // an identity is an admin credential only with cluster:admin, and only where client certificates are asked for
        UnaryOperator<TemplateCommand> mutualTls = t -> t.set("postgresql.auth.password", PG_PASSWORD)
                .set("security.tls.enabled", true).set("security.tls.existingSecret", "coordinator-tls")
                .set("security.tls.clientCertificates", "require");
        assertThatThrownBy(() -> render(t -> mutualTls.apply(t).set("security.identities[0]",
                "spiffe://pairdb/app=tenant:acme:write")))
                .hasMessageContaining("no admin credential");
        assertThatThrownBy(() -> render(t -> t.set("postgresql.auth.password", PG_PASSWORD)
                .set("security.identities[0]", "spiffe://pairdb/ops=cluster:admin")))
                .hasMessageContaining("no admin credential");
        assertThat(render(t -> mutualTls.apply(t).set("security.identities[0]",
                "spiffe://pairdb/ops=tenant:acme:read cluster:admin")).one("ConfigMap", FULLNAME)).isNotNull();
    }

    @Test
    void theBootstrapTokenAndTheCertificatesComeFromSecretsMountedAsWholeDirectories() {
        Map<String, Object> data = map(production.one("ConfigMap", FULLNAME), "data");
        assertThat(data).containsEntry("PAIRDB_SECURITY_AUTHENTICATION", "required")
                .containsEntry("PAIRDB_SECURITY_BOOTSTRAP_TOKEN_FILE", "/etc/pairdb/bootstrap/token")
                .containsEntry("PAIRDB_SECURITY_TLS_CERT_FILE", "/etc/pairdb/tls/tls.crt")
                .containsEntry("PAIRDB_SECURITY_TLS_KEY_FILE", "/etc/pairdb/tls/tls.key")
                .containsEntry("PAIRDB_SECURITY_TLS_CLIENT_CA_FILE", "/etc/pairdb/client-ca/ca.crt")
                .containsEntry("PAIRDB_SECURITY_TLS_CLIENT_CERTIFICATES", "optional")
                .containsEntry("PAIRDB_SECURITY_IDENTITIES", "spiffe://pairdb/ops=cluster:admin,spiffe://pairdb/grafana=cluster:read");
        Map<String, Object> pod = production.podSpec("Deployment", FULLNAME);
        assertThat(list(pod, "volumes")).contains(
                Map.of("name", "bootstrap-token", "secret", Map.of("secretName", "pairdb-admin-token", "defaultMode", 256,
                        "items", List.of(Map.of("key", "token", "path", "token")))),
                Map.of("name", "tls", "secret", Map.of("secretName", "pairdb-coordinator-tls", "defaultMode", 256,
                        "items", List.of(Map.of("key", "tls.crt", "path", "tls.crt"), Map.of("key", "tls.key", "path", "tls.key")))),
                Map.of("name", "client-ca", "secret", Map.of("secretName", "pairdb-coordinator-tls", "defaultMode", 292,
                        "items", List.of(Map.of("key", "ca.crt", "path", "ca.crt")))));
        // no subPath: the kubelet refreshes a whole-directory mount when cert-manager renews the Secret
        assertThat(list(production.coordinatorContainer(), "volumeMounts")).allSatisfy(m -> assertThat(m).doesNotContainKey("subPath"))
                .extracting(m -> m.get("mountPath"))
                .contains("/etc/pairdb/bootstrap", "/etc/pairdb/tls", "/etc/pairdb/client-ca");
        assertThat(production.text()).doesNotContain("BEGIN");
    }

    @Test
    void theCasOfPostgresRedisAndTheStorageNodesAndTheStorageNodeClientCertificateComeFromSecrets() {
        String databaseUrl = "jdbc:postgresql://pairdb-pg-rw.databases.svc:5432/pairdb?ApplicationName=pairdb"
                + "&sslmode=verify-full&sslrootcert=/etc/pairdb/postgresql-ca/ca.crt";
        assertThat(map(production.one("ConfigMap", FULLNAME), "data")).containsEntry("DATABASE_URL", databaseUrl)
                .containsEntry("PAIRDB_REDIS_CA_FILE", "/etc/pairdb/redis-ca/ca.crt")
                .containsEntry("PAIRDB_REDIS_USERNAME", "pairdb-coordinator")
                .containsEntry("PAIRDB_STORAGE_NODES_TLS_CA_FILE", "/etc/pairdb/storage-nodes-ca/ca.crt")
                .containsEntry("PAIRDB_STORAGE_NODES_TLS_CERT_FILE", "/etc/pairdb/storage-nodes-client/tls.crt")
                .containsEntry("PAIRDB_STORAGE_NODES_TLS_KEY_FILE", "/etc/pairdb/storage-nodes-client/tls.key")
                .containsEntry("PAIRDB_STORAGE_NODES_TLS_REFRESH_INTERVAL", "1m");
        assertThat(list(production.podSpec("Deployment", FULLNAME), "volumes")).contains(
                Map.of("name", "postgresql-ca", "secret", Map.of("secretName", "pairdb-pg-ca", "defaultMode", 292,
                        "items", List.of(Map.of("key", "ca.crt", "path", "ca.crt")))),
                Map.of("name", "redis-ca", "secret", Map.of("secretName", "pairdb-redis-ca", "defaultMode", 292,
                        "items", List.of(Map.of("key", "ca.pem", "path", "ca.crt")))),
                // no caSecret: the CA cert-manager put beside the client certificate
                Map.of("name", "storage-nodes-ca", "secret", Map.of("secretName", "pairdb-coordinator-storage-client",
                        "defaultMode", 292, "items", List.of(Map.of("key", "ca.crt", "path", "ca.crt")))),
                Map.of("name", "storage-nodes-client", "secret", Map.of("secretName", "pairdb-coordinator-storage-client",
                        "defaultMode", 256, "items", List.of(Map.of("key", "tls.crt", "path", "tls.crt"),
                                Map.of("key", "tls.key", "path", "tls.key")))));
        assertThat(list(production.coordinatorContainer(), "volumeMounts")).allSatisfy(m -> assertThat(m).doesNotContainKey("subPath"))
                .extracting(m -> m.get("mountPath"))
                .contains("/etc/pairdb/postgresql-ca", "/etc/pairdb/redis-ca", "/etc/pairdb/storage-nodes-ca",
                        "/etc/pairdb/storage-nodes-client");

        // the migration Job verifies PostgreSQL as the pods do, and mounts nothing else
        assertThat(env(production.migrationContainer(), "DATABASE_URL")).containsEntry("value", databaseUrl);
        assertThat(list(production.migrationContainer(), "volumeMounts")).extracting(m -> m.get("mountPath"))
                .containsExactly("/tmp", "/etc/pairdb/postgresql-ca");
        assertThat(list(production.podSpec("Job", FULLNAME + "-migrate"), "volumes")).extracting(v -> v.get("name"))
                .containsExactly("tmp", "postgresql-ca");

        Rendered withACaSecret = render(t -> required(t).set("storageNodes.tls.enabled", true)
                .set("storageNodes.tls.caSecret", "pairdb-storage-ca"));
        assertThat(map(withACaSecret.one("ConfigMap", FULLNAME), "data")).containsKey("PAIRDB_STORAGE_NODES_TLS_CA_FILE")
                .doesNotContainKey("PAIRDB_STORAGE_NODES_TLS_CERT_FILE");
        assertThat(list(withACaSecret.podSpec("Deployment", FULLNAME), "volumes")).extracting(v -> v.get("name"))
                .contains("storage-nodes-ca").doesNotContain("storage-nodes-client", "postgresql-ca", "redis-ca");
    }

    @Test
    void withoutTransportTlsValuesThePodsGetTheUrlsAsGivenAndNoCaFiles() {
        Map<String, Object> data = map(defaults.one("ConfigMap", FULLNAME), "data");
        assertThat(data).containsEntry("DATABASE_URL", "jdbc:postgresql://postgresql:5432/pairdb")
                .doesNotContainKeys("PAIRDB_REDIS_CA_FILE", "PAIRDB_STORAGE_NODES_TLS_CA_FILE",
                        "PAIRDB_STORAGE_NODES_TLS_CERT_FILE", "PAIRDB_STORAGE_NODES_TLS_KEY_FILE");
        assertThat(list(defaults.podSpec("Deployment", FULLNAME), "volumes")).extracting(v -> v.get("name"))
                .doesNotContain("postgresql-ca", "redis-ca", "storage-nodes-ca", "storage-nodes-client");
        assertThat(list(defaults.podSpec("Job", FULLNAME + "-migrate"), "volumes")).extracting(v -> v.get("name"))
                .containsExactly("tmp");
    }

    @Test
    void transportTlsValuesThatCannotWorkAreRefusedWithAClearMessage() {
        assertThatThrownBy(() -> render(t -> required(t).set("postgresql.tls.caSecret", "pg-ca")
                .set("postgresql.url", "jdbc:postgresql://db:5432/pairdb?sslmode=require")))
                .hasMessageContaining("remove sslmode and sslrootcert from postgresql.url");
        assertThatThrownBy(() -> render(t -> required(t).set("redis.tls.caSecret", "redis-ca")))
                .hasMessageContaining("redis.tls.caSecret needs a rediss:// redis.uri");
        assertThatThrownBy(() -> render(t -> required(t).set("storageNodes.tls.enabled", true)))
                .hasMessageContaining("storageNodes.tls.enabled needs storageNodes.tls.caSecret");
        assertThatThrownBy(() -> render(t -> required(t).set("storageNodes.tls.clientCertificateSecret", "client")))
                .hasMessageContaining("need storageNodes.tls.enabled");
    }

    @Test
    void theAdminPortHasAServiceOfItsOwnAndItsOwnNetworkPolicyRule() {
        Map<String, Object> admin = production.one("Service", FULLNAME + "-admin");
        assertThat(list(admin, "spec", "ports")).containsExactly(
                Map.of("name", "admin", "port", 50052, "targetPort", "admin", "protocol", "TCP", "appProtocol", "grpc"));
        assertThat(labels(admin)).containsEntry("app.kubernetes.io/component", "admin");
        assertThat(list(production.coordinatorContainer(), "ports"))
                .contains(Map.of("name", "admin", "containerPort", 50052, "protocol", "TCP"));
        assertThat(map(production.one("ConfigMap", FULLNAME), "data")).containsEntry("PAIRDB_SECURITY_ADMIN_PORT", "50052");
        assertThat(list(production.one("Service", FULLNAME), "spec", "ports")).extracting(p -> p.get("name"))
                .containsExactly("grpc");
        assertThat(list(production.one("NetworkPolicy", FULLNAME), "spec", "ingress")).anySatisfy(rule -> {
            assertThat(list(rule, "ports")).containsExactly(Map.of("port", "admin", "protocol", "TCP"));
            assertThat(list(rule, "from")).isNotEmpty();
        });
        assertThat(defaults.all("Service")).extracting(HelmChartTest::name).doesNotContain(FULLNAME + "-admin");
    }

    @Test
    void aRedisUriCarryingAPasswordIsRefused() {
        assertThatThrownBy(() -> render(t -> required(t)
                .set("redis.uri", "redis://:" + REDIS_PASSWORD + "@redis-master:6379")))
                .hasMessageContaining("redis.uri must not carry credentials");
    }

    // --- rendering -------------------------------------------------------------------------------

    /** The values every install must give: PostgreSQL credentials and the first admin credential. */
    private static TemplateCommand required(TemplateCommand t) {
        return t.set("postgresql.auth.password", PG_PASSWORD).set("security.bootstrapAdmin.existingSecret", ADMIN_TOKEN_SECRET);
    }

    private static Rendered render(UnaryOperator<TemplateCommand> values) {
        TemplateCommand command = new Helm(chartWithHooksInManifest).template()
                .withName(RELEASE).withNamespace(NAMESPACE).withKubeVersion(KUBE_VERSION);
        String text = values.apply(command).call().replace(HOOK_STAND_IN, HOOK_ANNOTATION);
        List<Map<String, Object>> objects = new ArrayList<>();
        for (Object document : new Yaml().loadAll(text)) {
            if (document != null) {
                objects.add(cast(document));
            }
        }
        return new Rendered(text, objects);
    }

    private record Rendered(String text, List<Map<String, Object>> objects) {
        List<Map<String, Object>> all(String kind) {
            return objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
        }

        Map<String, Object> one(String kind, String name) {
            List<Map<String, Object>> found = all(kind).stream().filter(o -> name.equals(name(o))).toList();
            assertThat(found).as("%s %s", kind, name).hasSize(1);
            return found.getFirst();
        }

        Map<String, Object> podSpec(String kind, String name) {
            return map(one(kind, name), "spec", "template", "spec");
        }

        Map<String, Object> coordinatorContainer() {
            return container(podSpec("Deployment", FULLNAME), "coordinator");
        }

        Map<String, Object> migrationContainer() {
            return container(podSpec("Job", FULLNAME + "-migrate"), "migrate");
        }

        String secretValue(Map<String, Object> secretKeyRef) {
            String encoded = (String) at(one("Secret", (String) secretKeyRef.get("name")), "data", (String) secretKeyRef.get("key"));
            assertThat(encoded).as("secret key %s", secretKeyRef).isNotNull();
            return new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        }
    }

    private static Map<String, Object> container(Map<String, Object> podSpec, String name) {
        List<Map<String, Object>> containers = list(podSpec, "containers");
        return containers.stream().filter(c -> name.equals(c.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no container " + name + " in " + containers));
    }

    private static Map<String, Object> env(Map<String, Object> container, String name) {
        List<Map<String, Object>> env = list(container, "env");
        return env.stream().filter(e -> name.equals(e.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no env " + name + " in " + env));
    }

    private static Map<String, Object> secretKeyRef(Map<String, Object> container, String envName) {
        return map(env(container, envName), "valueFrom", "secretKeyRef");
    }

    private static String checksum(Rendered rendered) {
        return (String) annotations(map(rendered.one("Deployment", FULLNAME), "spec", "template")).get("checksum/config");
    }

    private static String name(Map<String, Object> object) {
        return (String) at(object, "metadata", "name");
    }

    private static Map<String, Object> labels(Map<String, Object> object, String... pathToObject) {
        return map(map(object, pathToObject), "metadata", "labels");
    }

    private static Map<String, Object> annotations(Map<String, Object> object) {
        Map<String, Object> annotations = cast(at(object, "metadata", "annotations"));
        return annotations == null ? Map.of() : annotations;
    }

    // --- YAML navigation -------------------------------------------------------------------------

    private static Object at(Object root, String... path) {
        Object node = root;
        for (String key : path) {
            if (!(node instanceof Map<?, ?> m)) {
                return null;
            }
            node = m.get(key);
        }
        return node;
    }

    private static Map<String, Object> map(Object root, String... path) {
        Object node = at(root, path);
        assertThat(node).as("map at %s", String.join(".", path)).isInstanceOf(Map.class);
        return cast(node);
    }

    private static List<Map<String, Object>> list(Object root, String... path) {
        Object node = at(root, path);
        assertThat(node).as("list at %s", String.join(".", path)).isInstanceOf(List.class);
        return cast(node);
    }

    private static List<String> strings(Object root, String... path) {
        Object node = at(root, path);
        assertThat(node).as("list at %s", String.join(".", path)).isInstanceOf(List.class);
        return cast(node);
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object o) {
        return (T) o;
    }

    // --- chart copies ----------------------------------------------------------------------------

    private static Path copyChart(Path target, UnaryOperator<String> templateRewrite) {
        try (Stream<Path> files = Files.walk(CHART)) {
            for (Path source : files.toList()) {
                Path destination = target.resolve(CHART.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(destination);
                } else if (CHART.relativize(source).startsWith("templates")) {
                    Files.writeString(destination, templateRewrite.apply(Files.readString(source)));
                } else {
                    Files.copy(source, destination);
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Object> loadYaml(Path file) throws IOException {
        return new Yaml().load(Files.readString(file));
    }

    /** Helm's merge of a values file over the chart's values: maps merge key by key, anything else is replaced. */
    private static Map<String, Object> deepMerge(Map<String, Object> base, Map<String, Object> override) {
        Map<String, Object> merged = new LinkedHashMap<>(base);
        override.forEach((key, value) -> {
            if (value instanceof Map<?, ?> overrideMap && merged.get(key) instanceof Map<?, ?> baseMap) {
                merged.put(key, deepMerge(cast(baseMap), cast(overrideMap)));
            } else {
                merged.put(key, value);
            }
        });
        return merged;
    }
}
