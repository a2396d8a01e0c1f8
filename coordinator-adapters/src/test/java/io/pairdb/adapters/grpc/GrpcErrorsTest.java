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

        assertThat(e.getStatus().getDescription()).hasSize(GrpcErrors.MAX_MESSAGE_BYTES)
                .startsWith("there is no repair run 'rrr").endsWith("... (cut from 100025 characters)");
        ErrorInfo info = ErrorReasons.errorInfo(e);
        assertThat(info.getReason()).isEqualTo("REPAIR_RUN_NOT_FOUND");
        assertThat(info.getMetadataMap().get("run")).hasSize(GrpcErrors.MAX_METADATA_BYTES);
        assertThat(e.getTrailers().toString().length()).as("trailers").isLessThan(8192);
    }

    @Test
    void aMessageQuotingHugeNonAsciiInputIsCutByTheBytesItTakesPercentEncoded() {
        String id = "\u754c".repeat(4096) + "\uD83D\uDE00";
        StatusRuntimeException e = GrpcErrors.error(Status.Code.INVALID_ARGUMENT, "INVALID_CONSISTENCY",
                "unknown consistency '" + id + "'", Map.of("given", id));

        String message = e.getStatus().getDescription();
        assertThat(GrpcErrors.encodedLength(message)).isLessThanOrEqualTo(GrpcErrors.MAX_MESSAGE_BYTES)
                .isGreaterThan(GrpcErrors.MAX_MESSAGE_BYTES - 9);
        assertThat(message).startsWith("unknown consistency '\u754c\u754c").endsWith("... (cut from 4120 characters)");
        assertThat(GrpcErrors.encodedLength(ErrorReasons.errorInfo(e).getMetadataMap().get("given")))
                .isLessThanOrEqualTo(GrpcErrors.MAX_METADATA_BYTES);
        assertThat(GrpcErrors.encodedLength("a~%\n\u00e9\u754c\uD83D\uDE00")).isEqualTo(1 + 3 + 3 + 3 + 6 + 9 + 12);
        // a character is never split: the last one kept is whole
        String emoji = GrpcErrors.cut("\uD83D\uDE00".repeat(100), 60);
        assertThat(emoji).startsWith("\uD83D\uDE00").endsWith("\uDE00... (cut from 200 characters)");
        assertThat(emoji.codePoints().noneMatch(cp -> cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE)).as("no half character").isTrue();
    }

    @Test
    void shortMessagesAreLeftAlone() {
        assertThat(GrpcErrors.invalid("INVALID_KEY", "key must not be empty").getStatus().getDescription())
                .isEqualTo("key must not be empty");
    }
}
