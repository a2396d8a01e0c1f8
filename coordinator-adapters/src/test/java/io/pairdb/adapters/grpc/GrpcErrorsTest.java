package io.pairdb.adapters.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.pairdb.proto.testing.ErrorReasons;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Errors quote what the client sent, cut, so that their trailers stay far below a client's 8 KiB limit. */
class GrpcErrorsTest {

    @Test
    void aMessageQuotingAHugeInputIsCutAndSaysSo() {
        String id = "r".repeat(100_000);
        StatusRuntimeException e = GrpcErrors.error(Status.Code.NOT_FOUND, "REPAIR_RUN_NOT_FOUND",
                "there is no repair run '" + id + "'", Map.of("run", id));

        assertThat(e.getStatus().getDescription()).hasSize(GrpcErrors.MAX_MESSAGE_CHARS)
                .startsWith("there is no repair run 'rrr").endsWith("... (cut from 100025 characters)");
        ErrorInfo info = ErrorReasons.errorInfo(e);
        assertThat(info.getReason()).isEqualTo("REPAIR_RUN_NOT_FOUND");
        assertThat(info.getMetadataMap().get("run")).hasSize(GrpcErrors.MAX_METADATA_CHARS);
        assertThat(e.getTrailers().toString().length()).as("trailers").isLessThan(8192);
    }

    @Test
    void shortMessagesAreLeftAlone() {
        assertThat(GrpcErrors.invalid("INVALID_KEY", "key must not be empty").getStatus().getDescription())
                .isEqualTo("key must not be empty");
    }
}
