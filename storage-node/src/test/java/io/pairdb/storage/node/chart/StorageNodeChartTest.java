package io.pairdb.storage.node.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.yaml.snakeyaml.Yaml;

/**
 * Lints and renders {@code charts/pairdb-storage-node} with Helm embedded as a native library
 * (helm-java), and checks the objects a cluster would receive.
 */
class StorageNodeChartTest {
    private static final Path CHART = Path.of("..", "charts", "pairdb-storage-node");
    private static final String FULLNAME = "prod-pairdb-storage-node";
    private static final String HEADLESS = FULLNAME + "-headless";
    // Helm's client-only default (v1.20) is below the chart's kubeVersion constraint.
    private static final String KUBE_VERSION = "1.30.0";

    private final Rendered defaults = render(UnaryOperator.identity());

    @Test
    void theChartLintsStrictly() {
        LintResult result = new Helm(CHART).lint().strict().call();

        assertThat(result.isFailed()).as("lint failed: %s", result.getMessages()).isFalse();
        assertThat(result.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
    }

    @Test
    void eachNodeIsAPodOfAStatefulSetWithAVolumeOfItsOwnKeptWhenPodsGo() {
        Map<String, Object> set = defaults.one("StatefulSet", FULLNAME);

        assertThat(at(set, "spec", "replicas")).isEqualTo(3);
        assertThat(at(set, "spec", "serviceName")).isEqualTo(HEADLESS);
        assertThat(map(set, "spec", "persistentVolumeClaimRetentionPolicy"))
                .isEqualTo(Map.of("whenDeleted", "Retain", "whenScaled", "Retain"));
        Map<String, Object> claim = list(set, "spec", "volumeClaimTemplates").getFirst();
        assertThat(at(claim, "metadata", "name")).isEqualTo("data");
        assertThat(at(claim, "spec", "resources", "requests", "storage")).isEqualTo("50Gi");
        assertThat(list(container(), "volumeMounts"))
                .contains(Map.of("name", "data", "mountPath", "/data"), Map.of("name", "tmp", "mountPath", "/tmp"));
    }

    @Test
    void eachPodIsTheNodeNamedAfterItKeepingItsDataOnItsVolume() {
        List<String> args = strings(container(), "args");

        assertThat(args).contains("--data-dir=/data/node", "--node-id=$(POD_NAME)", "--host=0.0.0.0", "--port=7000",
                "--sync=periodic", "--sync-interval=1s", "--cache-size=512MiB", "--min-free-disk=1GiB",
                "--tombstone-gc-grace=10d");
        assertThat(list(container(), "env")).anySatisfy(e -> assertThat(e).containsEntry("name", "POD_NAME")
                .containsEntry("valueFrom", Map.of("fieldRef", Map.of("fieldPath", "metadata.name"))));
    }

    @Test
    void aHeadlessServiceGivesEveryPodTheStableNameItIsRegisteredUnder() {
        Map<String, Object> service = defaults.one("Service", HEADLESS);

        assertThat(at(service, "spec", "clusterIP")).isEqualTo("None");
        assertThat(at(service, "spec", "publishNotReadyAddresses")).isEqualTo(true);
        assertThat(list(service, "spec", "ports")).containsExactly(
                Map.of("name", "grpc", "port", 7000, "targetPort", "grpc", "protocol", "TCP", "appProtocol", "grpc"));
        assertThat(at(service, "spec", "selector"))
                .isEqualTo(at(defaults.one("StatefulSet", FULLNAME), "spec", "selector", "matchLabels"));
    }

    @Test
    void probesAskTheNodesGrpcHealthService() {
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            assertThat(at(container(), probe, "grpc")).as(probe).isEqualTo(Map.of("port", 7000));
        }
    }

    @Test
    void theNodeRunsAsNonRootOnAReadOnlyRootFilesystemWithLimits() {
        Map<String, Object> pod = map(defaults.one("StatefulSet", FULLNAME), "spec", "template", "spec");

        assertThat(map(pod, "securityContext")).containsEntry("runAsNonRoot", true).containsEntry("fsGroup", 10001);
        assertThat(map(container(), "securityContext"))
                .containsEntry("runAsNonRoot", true)
                .containsEntry("readOnlyRootFilesystem", true)
                .containsEntry("allowPrivilegeEscalation", false)
                .containsEntry("capabilities", Map.of("drop", List.of("ALL")));
        assertThat(list(pod, "volumes")).anySatisfy(v -> assertThat(v).containsEntry("name", "tmp").containsKey("emptyDir"));
        assertThat(map(container(), "resources")).containsKeys("requests", "limits");
        assertThat(pod).containsEntry("automountServiceAccountToken", false).containsEntry("terminationGracePeriodSeconds", 30);
    }

    @Test
    void aDisruptionBudgetLetsOneNodeGoAtATimeAndPodsSpreadOverHosts() {
        Map<String, Object> pdb = defaults.one("PodDisruptionBudget", FULLNAME);
        Map<String, Object> pod = map(defaults.one("StatefulSet", FULLNAME), "spec", "template", "spec");

        assertThat(map(pdb, "spec")).containsEntry("maxUnavailable", 1)
                .containsEntry("selector", at(defaults.one("StatefulSet", FULLNAME), "spec", "selector"));
        List<?> preferred = (List<?>) at(pod, "affinity", "podAntiAffinity", "preferredDuringSchedulingIgnoredDuringExecution");
        assertThat(preferred).hasSize(1);
        assertThat(at(preferred.get(0), "podAffinityTerm", "topologyKey")).isEqualTo("kubernetes.io/hostname");
        assertThat(at(preferred.get(0), "podAffinityTerm", "labelSelector", "matchLabels"))
                .isEqualTo(at(defaults.one("StatefulSet", FULLNAME), "spec", "selector", "matchLabels"));
    }

    @Test
    void settingsReachTheNodesCommandLine() {
        Rendered rendered = render(t -> t.set("config.sync", "always").set("config.cacheSize", "2GiB")
                .set("replicaCount", 5).set("port", 7100));

        assertThat(strings(rendered.container(), "args")).contains("--sync=always", "--cache-size=2GiB", "--port=7100");
        assertThat(at(rendered.one("StatefulSet", FULLNAME), "spec", "replicas")).isEqualTo(5);
    }

    @Test
    void tlsFromSecretsReachesTheCommandLineAndTheProbesFallBackToTcp() {
        Rendered rendered = render(t -> t.set("tls.secretName", "node-tls").set("tls.clientCaSecretName", "coordinator-ca"));
        Map<String, Object> pod = map(rendered.one("StatefulSet", FULLNAME), "spec", "template", "spec");

        assertThat(strings(rendered.container(), "args")).contains("--tls-cert=/etc/pairdb/tls/tls.crt",
                "--tls-key=/etc/pairdb/tls/tls.key", "--tls-client-ca=/etc/pairdb/client-ca/ca.crt",
                "--tls-refresh-interval=1m");
        assertThat(list(pod, "volumes")).anySatisfy(v -> assertThat(at(v, "secret", "secretName")).isEqualTo("node-tls"))
                .anySatisfy(v -> assertThat(at(v, "secret", "secretName")).isEqualTo("coordinator-ca"));
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            assertThat(at(rendered.container(), probe, "tcpSocket")).as(probe).isEqualTo(Map.of("port", 7000));
            assertThat(at(rendered.container(), probe, "grpc")).as(probe).isNull();
        }
        assertThat(strings(defaults.container(), "args")).noneMatch(a -> a.startsWith("--tls"));
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
        "config.sync, sometimes, /config/sync",
        "config.cacheSize, lots, /config/cacheSize",
        "config.tombstoneGcGrace, forever, /config/tombstoneGcGrace",
        "replicaCount, 0, /replicaCount",
    })
    void theSchemaRejectsAnInvalidValue(String key, String value, String pointer) {
        assertThatThrownBy(() -> render(t -> t.set(key, value)))
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining(pointer);
    }

    @Test
    void everyObjectCarriesTheRecommendedLabels() {
        assertThat(defaults.objects()).hasSize(4).allSatisfy(object -> assertThat(map(object, "metadata", "labels"))
                .containsKeys("app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/version",
                        "app.kubernetes.io/component", "app.kubernetes.io/part-of", "helm.sh/chart")
                .containsEntry("app.kubernetes.io/managed-by", "Helm"));
    }

    private Map<String, Object> container() {
        return defaults.container();
    }

    // --- rendering and YAML navigation ------------------------------------------------------------

    private static Rendered render(UnaryOperator<TemplateCommand> values) {
        TemplateCommand command = new Helm(CHART).template().withName("prod").withNamespace("pairdb")
                .withKubeVersion(KUBE_VERSION);
        List<Map<String, Object>> objects = new ArrayList<>();
        for (Object document : new Yaml().loadAll(values.apply(command).call())) {
            if (document != null) {
                objects.add(cast(document));
            }
        }
        return new Rendered(objects);
    }

    private record Rendered(List<Map<String, Object>> objects) {
        Map<String, Object> one(String kind, String name) {
            List<Map<String, Object>> found = objects.stream()
                    .filter(o -> kind.equals(o.get("kind")) && name.equals(at(o, "metadata", "name"))).toList();
            assertThat(found).as("%s %s", kind, name).hasSize(1);
            return found.getFirst();
        }

        Map<String, Object> container() {
            return list(one("StatefulSet", FULLNAME), "spec", "template", "spec", "containers").getFirst();
        }
    }

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
        return cast(list(root, path));
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object o) {
        return (T) o;
    }
}
