package io.pairdb.cli.bench;

import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.pairdb.cli.CommandFailure;
import io.pairdb.cli.CommonOptions;
import io.pairdb.cli.CoordinatorChannels;
import io.pairdb.cli.CoordinatorConnection;
import io.pairdb.cli.Endpoint;
import io.pairdb.cli.ExitCodes;
import io.pairdb.cli.Host;
import io.pairdb.cli.ServerErrors;
import io.pairdb.proto.admin.v1.AdminServiceGrpc;
import io.pairdb.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.pairdb.proto.admin.v1.CreateTenantRequest;
import io.pairdb.proto.admin.v1.GetTenantRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Runs one load plan against the coordinator the common options name, and prints its report. */
final class BenchRunner {

    private static final long CHANNEL_SHUTDOWN_SECONDS = 5;
    /** The least time the tenant check (and creation) before a run gets. */
    private static final Duration SET_UP_TIMEOUT = Duration.ofSeconds(10);

    private final CommonOptions options;
    private final CoordinatorConnection connection;
    private final Host host;

    BenchRunner(CommonOptions options, CoordinatorConnection connection, Host host) {
        this.options = options;
        this.connection = connection;
        this.host = host;
    }

    /** @return the exit code: success when every measured request succeeded */
    int run(LoadPlan plan, LoadOptions load) throws InterruptedException {
        if (load.adminAddress == null) {
            checkTenant(options.admin(), plan.tenant(), load.createTenant, load.replicationFactor);
        } else {
            options.coordinator(); // opens the invocation's channel to --addr, so the endpoint is known
            Endpoint main = connection.endpoint().orElseThrow();
            ManagedChannel admin = CoordinatorChannels.builder(new Endpoint(load.adminAddress, main.transport(), main.token(),
                    main.timeout())).userAgent("pairdb-admin-bench").build();
            try {
                checkTenant(AdminServiceGrpc.newBlockingStub(admin), plan.tenant(), load.createTenant,
                        load.replicationFactor);
            } finally {
                close(List.of(admin));
            }
        }
        // The admin call above opened the invocation's channel, so the endpoint is known.
        Endpoint endpoint = connection.endpoint().orElseThrow();
        Optional<LatencyLog> latencyLog = Optional.ofNullable(load.latencyLog).map(LatencyLog::to);
        List<ManagedChannel> channels = open(endpoint, plan.channels());
        LoadGenerator.Result result;
        Instant startedAt = Instant.now();
        try (Progress progress = load.noProgress ? Progress.silent() : Progress.to(host.err())) {
            result = new LoadGenerator(plan, channels, endpoint, progress, latencyLog).run();
        } finally {
            close(channels);
            latencyLog.ifPresent(LatencyLog::close);
        }
        BenchReport report = BenchReport.of(plan, endpoint.address().toString(), result, startedAt);
        options.print(report, BenchReportText.render(report));
        if (report.errors() > 0) {
            host.err().println("error: " + report.errors() + " of " + (report.ops() + report.errors())
                    + " measured requests failed (see the errors by status)");
            host.err().flush();
            return ExitCodes.SERVER_ERROR;
        }
        return ExitCodes.OK;
    }

    /**
     * The tenant must exist, unless asked to create it. A target without the admin API (the
     * baseline proxy, which has no tenants) is not checked.
     */
    private void checkTenant(AdminServiceBlockingStub admin, String tenant, boolean create, Integer replicationFactor) {
        // --timeout is the load's per-call deadline, which may be short on purpose (--overload-deadline
        // 500ms); the set-up, which also connects, gets at least SET_UP_TIMEOUT on a busy machine
        Deadline given = admin.getCallOptions().getDeadline();
        if (given == null || given.timeRemaining(TimeUnit.MILLISECONDS) < SET_UP_TIMEOUT.toMillis()) {
            admin = admin.withDeadlineAfter(SET_UP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
        try {
            admin.getTenant(GetTenantRequest.newBuilder().setTenantId(tenant).build());
        } catch (StatusRuntimeException e) {
            switch (e.getStatus().getCode()) {
                case UNIMPLEMENTED -> {
                }
                case NOT_FOUND -> {
                    if (!create) {
                        throw CommandFailure.server("tenant '" + tenant + "' does not exist; create it with `pairdb-admin tenant create "
                                + tenant + " --rf 3`, or pass --create-tenant");
                    }
                    createTenant(admin, tenant, replicationFactor);
                }
                case PERMISSION_DENIED -> {
                    if (ServerErrors.reason(e).filter("ADMIN_PORT_ONLY"::equals).isPresent()) {
                        throw CommandFailure.server(e.getStatus().getDescription() + ": give bench that port with"
                                + " --admin-addr HOST:PORT; the load still goes to --addr");
                    }
                    throw e;
                }
                default -> throw e;
            }
        }
    }

    private static void createTenant(AdminServiceBlockingStub admin, String tenant, Integer replicationFactor) {
        try {
            admin.createTenant(CreateTenantRequest.newBuilder()
                    .setTenantId(tenant)
                    .setReplicationFactor(replicationFactor == null ? 0 : replicationFactor)
                    .build());
        } catch (StatusRuntimeException e) {
            // another bench created it meanwhile: what was wanted
            if (e.getStatus().getCode() != Status.Code.ALREADY_EXISTS) {
                throw e;
            }
        }
    }

    /** Separate channels are separate connections, so requests spread over several event loops at both ends. */
    private static List<ManagedChannel> open(Endpoint endpoint, int count) {
        List<ManagedChannel> channels = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            channels.add(CoordinatorChannels.builder(endpoint)
                    // the callbacks only record and release a permit: no need to hop to another thread
                    .directExecutor()
                    // a failed request is counted, never retried: retry support costs every call
                    .disableRetry()
                    .userAgent("pairdb-admin-bench")
                    .build());
        }
        return channels;
    }

    private static void close(List<ManagedChannel> channels) throws InterruptedException {
        channels.forEach(ManagedChannel::shutdownNow);
        for (ManagedChannel channel : channels) {
            channel.awaitTermination(CHANNEL_SHUTDOWN_SECONDS, TimeUnit.SECONDS);
        }
    }
}
