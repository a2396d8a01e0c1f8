package io.pairdb.core.write;

import static io.pairdb.core.replication.ConsistencyLevel.QUORUM;
import static io.pairdb.core.testing.CoordinatorHarness.TENANT;
import static io.pairdb.core.testing.CoordinatorHarness.await;
import static io.pairdb.core.testing.CoordinatorHarness.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pairdb.core.idempotency.StoredResponse;
import io.pairdb.core.testing.CoordinatorHarness;
import io.pairdb.core.testing.FakeStorageNodes.Kind;
import io.pairdb.core.testing.GatedHintStore;
import io.pairdb.core.testing.GatedTenantStore;
import io.pairdb.core.testing.VirtualThreadScheduler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every wait on the write path ends by the request's deadline: slow (not failing) hint and tenant
 * stores do not hold the answer back, and a retry while or after the first request runs gets
 * REQUEST_IN_PROGRESS or the first answer — never a second application.
 */
class CoordinateWriteDeadlineTest {
    /** Long enough that a retry sent once the first request waits on the hint store arrives before its deadline, on a busy machine. */
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(3);

    private CoordinatorHarness h;
    private final List<Runnable> toOpen = new ArrayList<>();

    @AfterEach
    void openGatesAndStop() {
        toOpen.forEach(Runnable::run);
        if (h != null) {
            h.close();
        }
    }

    private GatedHintStore gatedHints;

    private GatedHintStore gated(GatedHintStore store) {
        gatedHints = store;
        toOpen.add(store::open);
        return store;
    }

    private static WriteCommand put(String key, String value) {
        return WriteCommand.put(TENANT, key, value.getBytes(StandardCharsets.UTF_8), QUORUM);
    }

    /** Where a future ended, normally or not, within a bound that fails the test if it never does. */
    private static Object ending(CompletableFuture<?> future) {
        try {
            return future.handle((value, error) -> error != null ? error : value).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the request did not end within 10 s", e);
        }
    }

    @Test
    void aSlowHintStoreDoesNotHoldTheAnswerPastTheDeadlineAndRetriesNeverApplyTwice() {
        h = CoordinatorHarness.builder().settings(CoordinatorHarness.withTimeouts(WRITE_TIMEOUT))
                .hints(memory -> gated(new GatedHintStore(memory).closed())).build();
        h.createTenant(3);
        h.markDown(node(3));
        WriteCommand command = put("k", "v1").withIdempotencyKey("req-1");

        CompletableFuture<WriteOutcome> first = h.writes().execute(command);
        await().atMost(Duration.ofSeconds(10)).until(() -> gatedHints.started() > 0);
        WriteOutcome during = h.write(command);
        Object answer = ending(first);

        assertThat(during).isEqualTo(new WriteOutcome.InFlight("req-1"));
        assertThat(answer).as("answered by its consistency level at the deadline").isInstanceOf(WriteOutcome.Written.class);
        assertThat(h.events().hintStoreFailures).as("a hint not stored by the deadline is a failure").hasValue(1);
        StoredResponse response = ((WriteOutcome.Written) answer).response();
        assertThat(h.write(command)).as("a retry after the answer").isEqualTo(new WriteOutcome.Duplicate(response));
        assertThat(h.storage().calls(Kind.WRITE)).as("applied once, on the two live replicas").hasSize(2);
    }

    @Test
    void aSlowTenantStoreDoesNotHoldTheAnswerPastTheDeadlineAndNothingIsWrittenLate() {
        CoordinatorHarness.Builder builder = CoordinatorHarness.builder();
        GatedTenantStore tenants = new GatedTenantStore(builder.ring());
        // long enough that the second request is sure to arrive while the first still waits, on a busy machine
        h = builder.settings(CoordinatorHarness.withTimeouts(Duration.ofSeconds(3))).tenantStore(tenants).build();
        h.createTenant(3);
        tenants.close();
        toOpen.add(tenants::open);
        WriteCommand command = put("k", "v1").withIdempotencyKey("req-1");

        CompletableFuture<WriteOutcome> first = h.writes().execute(command);
        await().atMost(Duration.ofSeconds(10)).until(() -> tenants.waiting() > 0);
        WriteOutcome during = h.write(command);
        Object answer = ending(first);

        assertThat(during).isEqualTo(new WriteOutcome.InFlight("req-1"));
        assertThat(answer).as("the deadline ends the wait for the tenant").isNotInstanceOf(WriteOutcome.Written.class);
        tenants.open();
        await().atMost(Duration.ofSeconds(10)).until(() -> tenants.waiting() == 0);
        assertThat(h.storage().calls()).as("the late tenant does not start the write after its deadline").isEmpty();

        assertThat(h.write(command)).as("the first failed and released its key, so a retry runs")
                .isInstanceOf(WriteOutcome.Written.class);
        assertThat(h.storage().calls(Kind.WRITE)).as("applied once").hasSize(3);
    }

    @Test
    void aWriteWhoseDeadlineHasPassedSendsNothingToTheStorageNodes() {
        h = CoordinatorHarness.builder().build();
        h.createTenant(3);

        Object outcome = ending(h.writes().execute(put("k", "v1").withClientDeadline(Duration.ZERO)));

        assertThat(outcome).isNotInstanceOf(WriteOutcome.Written.class);
        assertThat(h.storage().calls()).isEmpty();
    }

    @Test
    void concurrentHintStoresAreBoundedAndTheRefusedOnesAreCounted() {
        h = CoordinatorHarness.builder().settings(CoordinatorHarness.withTimeouts(Duration.ofSeconds(2)))
                .scheduler(VirtualThreadScheduler::new)
                .hints(memory -> gated(new GatedHintStore(memory).closed())).build();
        GatedHintStore slow = gatedHints;
        h.createTenant(3);
        h.markDown(node(3));
        int writes = 300;
        int bound = 256;

        List<CompletableFuture<WriteOutcome>> outcomes = new ArrayList<>();
        for (int i = 0; i < writes; i++) {
            outcomes.add(h.writes().execute(put("key-" + i, "v")));
        }
        await().atMost(Duration.ofSeconds(20))
                .until(() -> slow.started() + h.events().hintStoresRefused.get() >= writes);

        assertThat(slow.mostRunningAtOnce()).as("hint stores running at once").isLessThanOrEqualTo(bound);
        assertThat(h.events().hintStoresRefused).hasValue(writes - bound);
        outcomes.forEach(o -> assertThat(ending(o)).isInstanceOf(WriteOutcome.Written.class));
    }
}
