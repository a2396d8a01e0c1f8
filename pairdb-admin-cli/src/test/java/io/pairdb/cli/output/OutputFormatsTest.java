package io.pairdb.cli.output;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutputFormatsTest {
    record Range(String startExclusive, List<String> replicaNodeIds, Long estimatedKeys) {
    }

    record Document(long ringEpoch, Instant createdAt, List<Range> ranges) {
    }

    private static final Document DOCUMENT = new Document(7, Instant.parse("2026-01-02T03:04:05Z"),
            List.of(new Range("18446744073709551615", List.of("n1", "n2"), null)));

    @Test
    public void jsonAndYamlCarryTheSameSnakeCaseDocument() throws Exception {
        JsonNode json = new ObjectMapper().readTree(Json.write(DOCUMENT));
        JsonNode yaml = new YAMLMapper().readTree(Json.yaml(DOCUMENT));

        assertThat(yaml).isEqualTo(json);
        assertThat(json.get("ring_epoch").asLong()).isEqualTo(7);
        assertThat(json.get("created_at").asText()).isEqualTo("2026-01-02T03:04:05Z");
        JsonNode range = json.get("ranges").get(0);
        assertThat(range.get("start_exclusive").asText()).as("unsigned tokens stay exact").isEqualTo("18446744073709551615");
        assertThat(range.get("replica_node_ids")).hasSize(2);
        assertThat(range.has("estimated_keys")).as("absent values are written as null").isTrue();
        assertThat(range.get("estimated_keys").isNull()).isTrue();
    }

    @Test
    public void yamlIsPlainBlockYaml() {
        assertThat(Json.yaml(DOCUMENT)).startsWith("---\nring_epoch: 7\n").contains("- n1\n");
    }
}
