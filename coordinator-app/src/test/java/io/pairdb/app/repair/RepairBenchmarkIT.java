package io.pairdb.app.repair;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.pairdb.adapters.storage.GrpcStorageRanges;
import io.pairdb.core.port.StorageRanges;
import io.pairdb.core.repair.RangeRepairOutcome;
import io.pairdb.core.repair.RepairRange;
import io.pairdb.core.repair.RepairReport;
import io.pairdb.core.repair.RepairSettings;
import io.pairdb.core.ring.Token;
import io.pairdb.core.ring.TokenRange;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.version.VectorClock;
import io.pairdb.core.version.Version;
import io.pairdb.storage.server.StoredEntry;
import io.pairdb.storage.server.StoredVersion;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * How much anti-entropy moves and how long it takes: a range of 100 000 keys on three replicas,
 * 1 % of them divergent on one replica, repaired with several fan-outs and leaf sizes. Prints the figures;
 * asserts only that the repair converged. Run by {@code bench/repair.sh}, never by the CI.
 */
@EnabledIfSystemProperty(named = "pairdb.bench.repair", matches = "true")
class RepairBenchmarkIT {
    private static final int KEYS = Integer.getInteger("pairdb.bench.repair.keys", 100_000);
    private static final int VALUE_BYTES = 100;

    @Test
    void printsBytesMovedAgainstAFullCopyAndTheTimeForOneRange() {
        System.out.printf("repair benchmark: %d keys, %d-byte values, 3 replicas, 1 %% of keys divergent on one replica%n",
                KEYS, VALUE_BYTES);
        for (int[] shape : new int[][] {{16, 8}, {16, 32}, {16, 128}, {4, 8}, {4, 32}}) {
            int fanOut = shape[0];
            long leafKeys = shape[1];
            try (Replicas replicas = new Replicas(3); GrpcStorageRanges ranges = new GrpcStorageRanges()) {
                long fullCopy = load(replicas);
                RepairSettings settings = new RepairSettings(fanOut, leafKeys, 16, Duration.ofSeconds(30), 500);
                long divergent = replicas.divergentKeys();
                long started = System.nanoTime();
                RangeRepairOutcome outcome = new RepairRange(ranges, settings)
                        .repair(Replicas.TENANT, new TokenRange(Token.MIN, Token.MIN), replicas.nodes(), false);
                Duration took = Duration.ofNanos(System.nanoTime() - started);
                RepairReport r = outcome.report();
                assertThat(replicas.divergentKeys()).isZero();
                System.out.printf("  fan-out %2d, leaf %3d keys: %d divergent before, %d after; %s; moved %,d bytes (%,d read, %,d written)"
                                + " = %.2f %% of a full copy (%,d bytes); %d sub-ranges compared, %d leaves, %d keys compared%n",
                        fanOut, leafKeys, divergent, replicas.divergentKeys(), took, r.bytesMoved(), r.bytesRead(), r.bytesWritten(),
                        100.0 * r.bytesMoved() / fullCopy, fullCopy, r.rangesCompared(), r.leavesDiffered(), r.keysCompared());
            }
        }
    }

    /** Loads every key into every replica's store directly, one replica missing 1 % of them; answers a full copy's size. */
    private static long load(Replicas replicas) {
        byte[] value = new byte[VALUE_BYTES];
        Arrays.fill(value, (byte) 'x');
        long fullCopy = 0;
        for (int i = 0; i < KEYS; i++) {
            String key = "key-" + i;
            long token = Token.forKey(Replicas.TENANT.value(), key).value();
            VectorClock clock = VectorClock.of("c1", 1);
            StoredEntry entry = new StoredEntry(Replicas.TENANT.value(), key, token,
                    StoredVersion.value(ByteString.copyFrom(value), clock, 1));
            for (int r = 0; r < 3; r++) {
                if (r == 2 && i % 100 == 0) {
                    continue;
                }
                replicas.emulator(r).store().apply(entry);
            }
            fullCopy += new StorageRanges.Entry(new TenantId(Replicas.TENANT.value()), key, new Token(token),
                    Version.of(value, clock, 1)).approximateBytes();
        }
        return fullCopy;
    }
}
