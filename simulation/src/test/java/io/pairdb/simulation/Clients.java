package io.pairdb.simulation;

import io.pairdb.core.PairDbException;
import io.pairdb.core.read.ReadCommand;
import io.pairdb.core.read.ReadOutcome;
import io.pairdb.core.replication.ConsistencyLevel;
import io.pairdb.core.tenant.TenantId;
import io.pairdb.core.version.VectorClock;
import io.pairdb.core.write.WriteCommand;
import io.pairdb.core.write.WriteOutcome;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.random.RandomGenerator;

/**
 * The workload: clients that each run one operation at a time against a coordinator of their
 * choice — unique keys written once, a few hot keys written and deleted concurrently through
 * different coordinators, reads at every consistency level, with and without causal context and
 * idempotency keys (a failed write with a key is retried with the same key). Every attempt goes
 * into the {@link History}.
 */
final class Clients {
    /** A logical operation, as the client means it; each attempt of it is one {@link History.Op}. */
    private record Request(int logical, History.Kind kind, History.Key key, byte[] value, ConsistencyLevel consistency,
                           Optional<String> idempotencyKey, Optional<VectorClock> causalContext) {
    }

    private record InFlight(Client client, Request request, History.Op op, SimCoordinator coordinator) {
    }

    private final World world;
    private final Kernel kernel;
    private final SimConfig config;
    private final RandomGenerator random;
    private final List<Client> clients = new ArrayList<>();
    private final Map<Integer, InFlight> inFlight = new LinkedHashMap<>();
    private final List<History.Key> written = new ArrayList<>();
    private long stopAt;
    private int uniqueKeys;
    private int collisions;

    Clients(World world, RandomGenerator random) {
        this.world = world;
        this.kernel = world.kernel();
        this.config = world.config();
        this.random = random;
    }

    void start(long stopAtMicros) {
        this.stopAt = stopAtMicros;
        for (int i = 1; i <= config.clients; i++) {
            Client c = new Client("client" + i);
            clients.add(c);
            kernel.after(random.nextLong(Kernel.toMicros(config.thinkTime) + 1), kernel.world, c.name, c::next);
        }
    }

    /** Operations in flight (their answers may still come). */
    int inFlight() {
        return inFlight.size();
    }

    /** The coordinator's process died: its clients see the connection reset. */
    void coordinatorCrashed(SimCoordinator coordinator) {
        for (InFlight f : List.copyOf(inFlight.values())) {
            if (f.coordinator() == coordinator) {
                finish(f, History.Outcome.INDETERMINATE, "connection reset: the coordinator crashed");
            }
        }
    }

    private final class Client {
        private final String name;
        private final Map<History.Key, VectorClock> lastRead = new HashMap<>();

        Client(String name) {
            this.name = name;
        }

        void next() {
            if (kernel.now() >= stopAt) {
                return;
            }
            send(this, choose(), 1);
        }

        void later() {
            kernel.after(1 + random.nextLong(Kernel.toMicros(config.thinkTime) * 2), kernel.world, name, this::next);
        }

        private Request choose() {
            double total = config.uniqueWrites + config.hotWrites + config.deletes + config.reads;
            double pick = random.nextDouble() * total;
            int logical = world.history().ops().size() + 1;
            TenantId tenant = new TenantId(config.tenants.get(random.nextInt(config.tenants.size())).id());
            byte[] value = ("v" + logical).getBytes(StandardCharsets.UTF_8);
            if (pick < config.uniqueWrites) {
                if (random.nextDouble() < config.collidingIdempotencyKeys) {
                    return collidingPair(tenant, value);
                }
                History.Key key = new History.Key(tenant, "u" + (++uniqueKeys));
                written.add(key);
                return new Request(0, History.Kind.PUT, key, value, writeLevel(), idempotencyKey(logical),
                        Optional.empty());
            }
            pick -= config.uniqueWrites;
            if (pick < config.hotWrites + config.deletes) {
                History.Key key = new History.Key(tenant, "h" + random.nextInt(config.hotKeys));
                boolean delete = pick >= config.hotWrites;
                Optional<VectorClock> context = random.nextDouble() < config.causalContext
                        ? Optional.ofNullable(lastRead.get(key)) : Optional.empty();
                return new Request(0, delete ? History.Kind.DELETE : History.Kind.PUT, key, delete ? null : value,
                        writeLevel(), idempotencyKey(logical), context);
            }
            History.Key key = !written.isEmpty() && random.nextBoolean()
                    ? written.get(random.nextInt(written.size()))
                    : new History.Key(tenant, "h" + random.nextInt(config.hotKeys));
            return new Request(0, History.Kind.GET, key, null, readLevel(), Optional.empty(), Optional.empty());
        }

        /**
         * Two writes whose idempotency records would share a storage key if its parts were joined
         * ambiguously: key {@code cN:a} with idempotency key {@code b}, then key {@code cN} with
         * {@code a:b}, the same value — two different requests.
         */
        private Request collidingPair(TenantId tenant, byte[] value) {
            int n = ++collisions;
            History.Key first = new History.Key(tenant, "c" + n + ":a");
            History.Key second = new History.Key(tenant, "c" + n);
            written.add(first);
            written.add(second);
            Request then = new Request(0, History.Kind.PUT, second, value, ConsistencyLevel.QUORUM, Optional.of("a:b"),
                    Optional.empty());
            pendingCollision.put(this, then);
            return new Request(0, History.Kind.PUT, first, value, ConsistencyLevel.QUORUM, Optional.of("b"),
                    Optional.empty());
        }
    }

    /** The second write of a colliding pair, sent once the first has completed. */
    private final Map<Client, Request> pendingCollision = new HashMap<>();

    private ConsistencyLevel writeLevel() {
        int pick = random.nextInt(10);
        return pick < 2 ? ConsistencyLevel.ONE : pick < 8 ? ConsistencyLevel.QUORUM : ConsistencyLevel.ALL;
    }

    private ConsistencyLevel readLevel() {
        int pick = random.nextInt(10);
        return pick < 3 ? ConsistencyLevel.ONE : pick < 8 ? ConsistencyLevel.QUORUM : ConsistencyLevel.ALL;
    }

    private Optional<String> idempotencyKey(int logical) {
        return random.nextDouble() < config.clientIdempotencyKeys ? Optional.of("k" + logical) : Optional.empty();
    }

    private void send(Client client, Request request, int attempt) {
        SimCoordinator coordinator = world.coordinators().get(random.nextInt(world.coordinators().size()));
        History.Op op = world.history().invoke(request.logical(), attempt, client.name, coordinator.endpoint,
                request.kind(), request.key(), request.value(), request.consistency(), request.idempotencyKey(),
                request.causalContext(), kernel.now());
        Request logical = request.logical() == 0 ? withLogical(request, op.logical) : request;
        InFlight f = new InFlight(client, logical, op, coordinator);
        var process = coordinator.serving();
        if (process.isEmpty()) {
            inFlight.put(op.id, f);
            finish(f, History.Outcome.FAILED, "connection refused");
            return;
        }
        inFlight.put(op.id, f);
        var p = process.get();
        kernel.after(world.network().delay(), p.owner, "request #" + op.id, () -> {
            op.servedEpoch = p.servedEpoch();
            CompletableFuture<?> answer = switch (logical.kind()) {
                case GET -> p.read(new ReadCommand(logical.key().tenant(), logical.key().key(), logical.consistency(),
                        Optional.empty()));
                case PUT, DELETE -> p.write(new WriteCommand(logical.key().tenant(), logical.key().key(),
                        Optional.ofNullable(logical.value()), logical.consistency(), logical.idempotencyKey(),
                        logical.causalContext(), Optional.empty()));
            };
            answer.whenComplete((outcome, error) -> kernel.after(world.network().delay(), kernel.world,
                    "answer #" + op.id, () -> answered(f, outcome, error)));
        });
        kernel.after(config.clientTimeout, kernel.world, "client timeout #" + op.id, () -> finish(f,
                History.Outcome.INDETERMINATE, "no answer within " + config.clientTimeout.toSeconds() + " s"));
    }

    private static Request withLogical(Request r, int logical) {
        return new Request(logical, r.kind(), r.key(), r.value(), r.consistency(), r.idempotencyKey(), r.causalContext());
    }

    private void answered(InFlight f, Object outcome, Throwable error) {
        History.Op op = f.op();
        if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            op.serverOutcome = "Partial";
            if (cause instanceof PairDbException) {
                // the application answers UNAVAILABLE: the write may have reached replicas, the read did not answer
                finish(f, op.kind == History.Kind.GET ? History.Outcome.FAILED : History.Outcome.INDETERMINATE,
                        "UNAVAILABLE: " + cause.getMessage());
            } else {
                kernel.unexpected(f.coordinator().endpoint + ": request #" + op.id + " failed with " + Trace.describe(cause));
                finish(f, History.Outcome.INDETERMINATE, "INTERNAL: " + cause);
            }
            return;
        }
        record(op, outcome);
        if (op.kind != History.Kind.GET && op.idempotencyKey.isPresent() && random.nextDouble() < config.answerLoss) {
            // the connection broke after the coordinator answered: the client cannot tell what happened
            finish(f, History.Outcome.INDETERMINATE, "the answer (" + outcome + ") was lost on its way to the client");
            return;
        }
        switch (outcome) {
            case WriteOutcome.Written w -> {
                op.clock = w.response().clock();
                op.timestampMs = w.response().timestampMs();
                op.answeredKey = w.response().key();
                finish(f, History.Outcome.OK, "written " + op.clock + " ts=" + op.timestampMs);
            }
            case WriteOutcome.Duplicate d -> {
                op.clock = d.response().clock();
                op.timestampMs = d.response().timestampMs();
                op.answeredKey = d.response().key();
                op.duplicate = true;
                finish(f, History.Outcome.OK, "duplicate of " + op.answeredKey + " " + op.clock);
            }
            case WriteOutcome.QuorumNotReached q -> finish(f, History.Outcome.INDETERMINATE, q.toString());
            case WriteOutcome.TimedOut t -> finish(f, History.Outcome.INDETERMINATE, t.toString());
            case WriteOutcome w -> finish(f, History.Outcome.FAILED, w.toString());
            case ReadOutcome.Found found -> {
                op.read = Optional.of(found.version());
                f.client().lastRead.put(op.key, found.version().clock());
                finish(f, History.Outcome.OK, "found " + found.version());
            }
            case ReadOutcome.NotFound n -> finish(f, History.Outcome.OK, "not found");
            case ReadOutcome r -> finish(f, History.Outcome.FAILED, r.toString());
            default -> throw new IllegalStateException("unknown outcome " + outcome);
        }
    }

    /** What the coordinator did with the attempt, kept even when the client no longer waits for it. */
    private static void record(History.Op op, Object outcome) {
        switch (outcome) {
            case WriteOutcome.Written w -> {
                op.serverOutcome = "Written";
                op.serverClock = w.response().clock();
            }
            case WriteOutcome.Duplicate d -> {
                op.serverOutcome = "Duplicate";
                op.serverClock = d.response().clock();
            }
            case WriteOutcome.QuorumNotReached q -> op.serverOutcome = "Partial";
            case WriteOutcome.TimedOut t -> op.serverOutcome = "Partial";
            case WriteOutcome w -> op.serverOutcome = "Failed";
            default -> op.serverOutcome = "Read";
        }
    }

    private void finish(InFlight f, History.Outcome outcome, String detail) {
        if (inFlight.remove(f.op().id) == null) {
            return;
        }
        History.Op op = f.op();
        op.completedAt = kernel.now();
        op.outcome = outcome;
        op.detail = detail;
        world.trace().line(op.client, op.toString());
        Request request = f.request();
        long firstAttempt = world.history().ops().get(op.logical - 1).invokedAt;
        // exponential backoff with jitter: 0.5 s, 1 s, 2 s, ... 8 s
        long backoff = 500_000L << Math.min(op.attempt - 1, 4);
        long retryAt = kernel.now() + backoff / 2 + random.nextLong(backoff);
        boolean retry = outcome != History.Outcome.OK && request.kind() != History.Kind.GET
                && request.idempotencyKey().isPresent() && op.attempt <= config.maxRetries
                && !detail.startsWith("IdempotencyConflict")
                && retryAt < firstAttempt + Kernel.toMicros(config.retryWindow);
        Client client = f.client();
        if (retry) {
            kernel.at(retryAt, kernel.world, client.name + " retry", () -> send(client, request, op.attempt + 1));
            return;
        }
        Request collision = pendingCollision.remove(client);
        if (collision != null) {
            kernel.after(1000, kernel.world, client.name, () -> send(client, collision, 1));
            return;
        }
        client.later();
    }
}
