package io.pairdb.app;

import static io.pairdb.proto.testing.ErrorReasons.reason;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.WireFormat;
import com.google.rpc.ErrorInfo;
import io.grpc.BindableService;
import io.grpc.CallOptions;
import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoMethodDescriptorSupplier;
import io.grpc.stub.ClientCalls;
import io.pairdb.proto.admin.v1.CreateTenantRequest;
import io.pairdb.proto.admin.v1.DescribeRingRequest;
import io.pairdb.proto.admin.v1.ListChangesRequest;
import io.pairdb.proto.coordinator.v1.ReadKeyValueRequest;
import io.pairdb.proto.coordinator.v1.WriteKeyValueRequest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Fuzzes every unary RPC of every pairdb gRPC service the coordinator binds (data, admin, auth,
 * the gateway's): requests are built from the services' own protobuf descriptors, so a new RPC is
 * fuzzed without touching this test. Field values are random and boundary strings (empty, huge,
 * NUL, control characters, invalid UTF-8), huge repeated fields, deep nesting, unknown fields,
 * wrong wire types and plain random bytes, all sent as raw bytes so that nothing on the client
 * side cleans them up. Every answer must be OK or a status other than INTERNAL and UNKNOWN that
 * carries an {@code ErrorInfo} reason; afterwards the coordinator serves a normal write and read.
 * One coordinator (dev mode: embedded PostgreSQL, Redis, three storage nodes) serves all tries.
 */
class FuzzIT {
    /** grpc.server.max-inbound-message-size; gRPC itself refuses larger messages, without an ErrorInfo (README). */
    private static final int MAX_MESSAGE = 4 * 1024 * 1024;
    private static final MethodDescriptor.Marshaller<byte[]> RAW = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    /** The tenant of the write and read after fuzzing, made before it. */
    private static final String AFTER_FUZZING = "after-fuzzing";
    /** Each node's positions on the ring (dev mode's {@code --vnodes}). */
    private static final int VIRTUAL_NODES = 8;
    private static InProcessCoordinator coordinator;
    private static List<Rpc> rpcs;
    private static final Map<String, LongAdder> OUTCOMES = new ConcurrentHashMap<>();
    private static final Map<String, LongAdder> CALLS_PER_RPC = new ConcurrentHashMap<>();
    private static final Map<String, LongAdder> NANOS_PER_RPC = new ConcurrentHashMap<>();
    private static final AtomicLong SENT = new AtomicLong();

    /** One RPC as the fuzzer sends it: raw bytes in and out, and the request's protobuf type. */
    record Rpc(MethodDescriptor<byte[], byte[]> method, Descriptor input) {
        @Override
        public String toString() {
            return method.getFullMethodName();
        }
    }

    /** How a request is malformed. */
    enum Shape {
        FIELDS, BOUNDARY_FIELDS, UNKNOWN_FIELDS, INVALID_UTF8, WRONG_WIRE_TYPES, RANDOM_BYTES, DEEP_NESTING,
        HUGE_REPEATED, OVERSIZED, EMPTY
    }

    @BeforeContainer
    static void start() {
        // a small ring: a fuzzed Repair that is valid compares every range of every tenant (fuzzed
        // CreateTenant calls add some) before it answers, which at 150 vnodes a node took most of the run
        // and no reset-flood guard: the fuzzer sends thousands of calls, oversized ones among them, over one
        // connection, and the client resets a stream the server answered before it was sent whole; a fast run
        // resets more than a real client should be allowed to, and was closed with GOAWAY ENHANCE_YOUR_CALM
        // mid-fuzz when the default was 200 per 30 s. The guard has tests of its own (LimitsIT)
        coordinator = InProcessCoordinator.withVirtualNodes(3, VIRTUAL_NODES,
                Map.of("pairdb.limits.max-reset-streams-per-window", 1_000_000));
        assertThat(coordinator.admin().describeRing(DescribeRingRequest.getDefaultInstance()).getRangesCount())
                .as("the ring's positions").isEqualTo(3 * VIRTUAL_NODES);
        rpcs = rpcsOf(coordinator.context.getBeansOfType(BindableService.class).stream()
                .map(BindableService::bindService).toList());
        assertThat(rpcs).extracting(Rpc::toString)
                .as("the data and admin APIs are among the fuzzed services")
                .contains("pairdb.coordinator.v1.CoordinatorService/WriteKeyValue",
                        "pairdb.admin.v1.AdminService/AddStorageNode");
        // made now, under a name the fuzzer never sends: fuzzed calls may start a node change, and no
        // tenant is created while one is in flight (README "Topology changes")
        coordinator.admin().createTenant(CreateTenantRequest.newBuilder().setTenantId(AFTER_FUZZING)
                .setReplicationFactor(1).build());
    }

    /**
     * The unary RPCs of every pairdb service; a streaming RPC fails the test, so that nothing the
     * coordinator serves goes unfuzzed without someone noticing.
     */
    static List<Rpc> rpcsOf(List<ServerServiceDefinition> services) {
        List<Rpc> found = new ArrayList<>();
        for (ServerServiceDefinition service : services) {
            String name = service.getServiceDescriptor().getName();
            if (name.startsWith("grpc.")) {
                continue; // health and reflection: gRPC's own services
            }
            for (ServerMethodDefinition<?, ?> definition : service.getMethods()) {
                MethodDescriptor<?, ?> method = definition.getMethodDescriptor();
                assertThat(method.getType()).as("%s is not unary, so this fuzzer cannot send it",
                        method.getFullMethodName()).isEqualTo(MethodDescriptor.MethodType.UNARY);
                assertThat(method.getSchemaDescriptor()).as("%s has no protobuf descriptor", method.getFullMethodName())
                        .isInstanceOf(ProtoMethodDescriptorSupplier.class);
                Descriptor input = ((ProtoMethodDescriptorSupplier) method.getSchemaDescriptor()).getMethodDescriptor()
                        .getInputType();
                found.add(new Rpc(MethodDescriptor.newBuilder(RAW, RAW).setType(MethodDescriptor.MethodType.UNARY)
                        .setFullMethodName(method.getFullMethodName()).build(), input));
            }
        }
        found.sort(Comparator.comparing(Rpc::toString));
        return List.copyOf(found);
    }

    @AfterContainer
    static void afterwardsTheCoordinatorServesAndTheFiguresArePrinted() {
        if (coordinator == null) {
            return;
        }
        try {
            System.out.println("FuzzIT: " + SENT.get() + " requests over " + rpcs.size() + " RPCs; answers seen:");
            new TreeMap<>(OUTCOMES).forEach((outcome, n) -> System.out.println("  " + outcome + ": " + n.sum()));
            System.out.println("FuzzIT: where the time went (the five slowest RPCs in all):");
            NANOS_PER_RPC.entrySet().stream().sorted(Comparator.comparingLong(e -> -e.getValue().sum())).limit(5)
                    .forEach(e -> System.out.printf("  %s: %d calls, %.1f s%n", e.getKey(),
                            CALLS_PER_RPC.getOrDefault(e.getKey(), new LongAdder()).sum(), e.getValue().sum() / 1e9));
            assertThat(rpcs).as("every RPC was fuzzed").allSatisfy(rpc ->
                    assertThat(CALLS_PER_RPC.getOrDefault(rpc.toString(), new LongAdder()).sum()).as(rpc.toString())
                            .isPositive());
            // the fuzzed admin calls that succeeded may have changed the default tenant and the ring (an RF
            // change, a node removal) as any operator may: the normal write and read go to a tenant the
            // fuzzer never names
            System.out.println("FuzzIT: changes after fuzzing: " + coordinator.admin().listChanges(
                    ListChangesRequest.newBuilder().build()).getChangesList().stream()
                    .map(c -> c.getChangeId() + " " + c.getStatus()).toList());
            assertThat(coordinator.data().writeKeyValue(WriteKeyValueRequest.newBuilder().setTenantId(AFTER_FUZZING)
                    .setKey("k").setValue(ByteString.copyFromUtf8("still-serving")).build()).getSuccess())
                    .isTrue();
            assertThat(coordinator.data().readKeyValue(ReadKeyValueRequest.newBuilder().setTenantId(AFTER_FUZZING)
                    .setKey("k").build()).getValue().toStringUtf8()).isEqualTo("still-serving");
        } finally {
            coordinator.close();
        }
    }

    // tries: pairdb.fuzz.tries (10 000 in a build, coordinator-app/pom.xml)
    @Property(shrinking = ShrinkingMode.BOUNDED)
    void everyAnswerIsADocumentedStatusWithAReason(@ForAll("rpc") int rpcIndex, @ForAll Shape shape,
                                                   @ForAll("strings") List<String> strings, @ForAll long seed) {
        Rpc rpc = rpcs.get(rpcIndex % rpcs.size());
        byte[] request = request(rpc.input(), shape, strings, new Random(seed));
        CALLS_PER_RPC.computeIfAbsent(rpc.toString(), k -> new LongAdder()).increment();
        SENT.incrementAndGet();
        sendTimed(rpc, request);
    }

    /**
     * The fuzzer's first find (seed -4782943165482039723, try 3: AddStorageNode, 27 bytes): bytes that
     * are not a valid request message were answered UNKNOWN "Application error processing RPC".
     */
    @Example
    void requestsThatDoNotParseAreInvalidArgumentMalformedRequest() {
        Rpc addNode = rpcNamed("pairdb.admin.v1.AdminService/AddStorageNode");
        Rpc write = rpcNamed("pairdb.coordinator.v1.CoordinatorService/WriteKeyValue");
        List<byte[]> malformed = List.of(
                invalidUtf8(addNode.input(), new Random(1)),
                new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF},
                deepGroups(150));
        for (Rpc rpc : List.of(addNode, write)) {
            for (byte[] request : malformed) {
                StatusRuntimeException refused = org.assertj.core.api.Assertions.catchThrowableOfType(
                        StatusRuntimeException.class, () -> ClientCalls.blockingUnaryCall(coordinator.channel,
                                rpc.method(), CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), request));
                assertThat(refused).as(rpc.toString()).isNotNull();
                assertThat(refused.getStatus().getCode()).as(refused.getStatus().toString())
                        .isEqualTo(Status.Code.INVALID_ARGUMENT);
                assertThat(reason(refused)).isEqualTo("MALFORMED_REQUEST");
            }
        }
    }

    /**
     * The fuzzer's second find (seed -2663373560193151231, ListRepairRuns, 4099 bytes): answers quoted
     * what the client sent, so a huge field made trailers larger than the client accepts (8 KiB) and
     * the client saw INTERNAL "Header size exceeded max allowed size" instead of the answer.
     */
    @Example
    void everyRpcAnswersHugeStringsInEveryFieldWithAReason() {
        for (Rpc rpc : rpcs) {
            for (int size : List.of(4096, 60_000)) {
                String huge = "h".repeat(size);
                DynamicMessage.Builder request = DynamicMessage.newBuilder(rpc.input());
                for (FieldDescriptor field : rpc.input().getFields()) {
                    if (field.getJavaType() == FieldDescriptor.JavaType.STRING && !field.isRepeated()) {
                        request.setField(field, huge);
                    }
                }
                assertAnswerIsDocumented(rpc, request.build().toByteArray());
            }
        }
    }

    /**
     * Answers cut what they quote at 1 024 characters, but a character outside printable ASCII is up to 9
     * bytes of a header once percent-encoded: 4 096 CJK characters in the one field an answer quoted (the
     * others well-formed, so that field's check is what answers) made trailers larger than the client
     * accepts, and the client saw INTERNAL.
     */
    @Example
    void everyRpcAnswersAHugeNonAsciiStringInAnyOneFieldWithAReason() {
        String huge = "\u754c".repeat(4096);
        for (Rpc rpc : rpcs) {
            List<FieldDescriptor> strings = rpc.input().getFields().stream()
                    .filter(f -> f.getJavaType() == FieldDescriptor.JavaType.STRING && !f.isRepeated()).toList();
            for (FieldDescriptor field : strings) {
                DynamicMessage.Builder request = DynamicMessage.newBuilder(rpc.input());
                for (FieldDescriptor other : strings) {
                    request.setField(other, other == field ? huge : "default");
                }
                assertAnswerIsDocumented(rpc, request.build().toByteArray());
            }
        }
    }

    /**
     * The fuzzer's third find (CI, CreateApiKey, 33 bytes): a valid_for of the most negative seconds
     * and nanos passed the range check (their absolute values are negative too) and overflowed, INTERNAL.
     * Every duration and timestamp of every request is sent at those extremes, beside fields that are
     * otherwise well-formed, so that the check of the duration is what answers.
     */
    @Example
    void everyRpcAnswersTheMostNegativeDurationsAndTimestampsWithAReason() {
        for (Rpc rpc : rpcs) {
            for (long[] extreme : new long[][] {{Long.MIN_VALUE, -1}, {Long.MIN_VALUE, Integer.MIN_VALUE},
                    {0, Integer.MIN_VALUE}, {Long.MAX_VALUE, Integer.MAX_VALUE}}) {
                DynamicMessage.Builder request = DynamicMessage.newBuilder(rpc.input());
                for (FieldDescriptor field : rpc.input().getFields()) {
                    if (field.getJavaType() == FieldDescriptor.JavaType.STRING && !field.isRepeated()) {
                        request.setField(field, "fuzz-extremes");
                    } else if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !field.isRepeated()
                            && List.of("google.protobuf.Duration", "google.protobuf.Timestamp")
                            .contains(field.getMessageType().getFullName())) {
                        Descriptor type = field.getMessageType();
                        request.setField(field, DynamicMessage.newBuilder(type)
                                .setField(type.findFieldByName("seconds"), extreme[0])
                                .setField(type.findFieldByName("nanos"), (int) extreme[1]).build());
                    }
                }
                assertAnswerIsDocumented(rpc, request.build().toByteArray());
            }
        }
    }

    /**
     * The fuzzer's fourth find (CI, ListRepairRuns): a run_id with a NUL character went to PostgreSQL,
     * which refused it, and the client was told the metadata store was unavailable. Bad input is the
     * client's to fix, never a dependency failure: every string field of every RPC is sent with a NUL.
     */
    @Example
    void aNulInAnyStringIsTheClientsErrorNotAnUnavailableStore() {
        for (Rpc rpc : rpcs) {
            DynamicMessage.Builder request = DynamicMessage.newBuilder(rpc.input());
            for (FieldDescriptor field : rpc.input().getFields()) {
                if (field.getJavaType() == FieldDescriptor.JavaType.STRING && !field.isRepeated()) {
                    request.setField(field, "nul\u0000here");
                }
            }
            StatusRuntimeException refused = org.assertj.core.api.Assertions.catchThrowableOfType(
                    StatusRuntimeException.class, () -> ClientCalls.blockingUnaryCall(coordinator.channel,
                            rpc.method(), CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS),
                            request.build().toByteArray()));
            if (refused != null) {
                assertThat(refused.getStatus().getCode()).as(rpc + " answered " + refused.getStatus())
                        .isNotIn(Status.Code.UNAVAILABLE, Status.Code.INTERNAL, Status.Code.UNKNOWN);
            }
            if (rpc.toString().endsWith("/ListRepairRuns")) {
                assertThat(refused).as("ListRepairRuns with a NUL in its run id").isNotNull();
                assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            }
        }
    }

    private static Rpc rpcNamed(String name) {
        return rpcs.stream().filter(r -> r.toString().equals(name)).findFirst().orElseThrow();
    }

    static void assertAnswerIsDocumented(Rpc rpc, byte[] request) {
        String outcome;
        try {
            ClientCalls.blockingUnaryCall(coordinator.channel, rpc.method(),
                    CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), request);
            outcome = "OK";
        } catch (StatusRuntimeException e) {
            Status status = e.getStatus();
            String what = rpc + " (" + request.length + " bytes) answered " + status;
            assertThat(status.getCode()).as(what).isNotIn(Status.Code.INTERNAL, Status.Code.UNKNOWN);
            if (request.length > MAX_MESSAGE && status.getCode() == Status.Code.RESOURCE_EXHAUSTED) {
                outcome = "RESOURCE_EXHAUSTED (gRPC: message larger than grpc.server.max-inbound-message-size)";
            } else {
                String reason = reason(e);
                assertThat(reason).as(what + " without an ErrorInfo reason").isNotNull();
                outcome = status.getCode() + "/" + reason;
            }
        }
        OUTCOMES.computeIfAbsent(outcome, k -> new LongAdder()).increment();
    }

    /** {@link #assertAnswerIsDocumented}, timed per RPC. */
    private static void sendTimed(Rpc rpc, byte[] request) {
        long start = System.nanoTime();
        try {
            assertAnswerIsDocumented(rpc, request);
        } finally {
            NANOS_PER_RPC.computeIfAbsent(rpc.toString(), k -> new LongAdder()).add(System.nanoTime() - start);
        }
    }

    @Provide
    Arbitrary<Integer> rpc() {
        return Arbitraries.integers().between(0, 10_000);
    }

    /** The pool field values are taken from: boundary strings, control characters, names that exist. */
    @Provide
    Arbitrary<List<String>> strings() {
        Arbitrary<String> s = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, Arbitraries.of("default", "n1", "node-1", "storage-1", "k", "127.0.0.1",
                        "localhost", "admin", "*", "..", "/", "%s%n", "${jndi:x}")),
                net.jqwik.api.Tuple.of(3, Arbitraries.of("", " ", "\u0000", "a\u0000b", "\r\n", "line\nforged INFO",
                        "\u001b[31mred", "\t", "\uFFFF", "\u202Eevil", "é", "🙂")),
                net.jqwik.api.Tuple.of(3, Arbitraries.strings().withCharRange('\u0000', '\uD7FF').ofMaxLength(40)),
                net.jqwik.api.Tuple.of(2, Arbitraries.strings().withCharRange('\u0000', '\u001f').ofMaxLength(20)),
                net.jqwik.api.Tuple.of(2, Arbitraries.of(63, 64, 65, 128, 253, 254, 255, 256, 1024, 1025, 4096, 65_536)
                        .map("k"::repeat)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(100_000, 400_000).map("h"::repeat)));
        return s.list().ofMinSize(1).ofMaxSize(6);
    }

    /** The bytes of one request of {@code type}, malformed as {@code shape} says. */
    static byte[] request(Descriptor type, Shape shape, List<String> strings, Random random) {
        return switch (shape) {
            case EMPTY -> new byte[0];
            case FIELDS -> message(type, strings, random, 0, false).toByteArray();
            case BOUNDARY_FIELDS -> message(type, strings, random, 0, true).toByteArray();
            case UNKNOWN_FIELDS -> concat(message(type, strings, random, 0, false).toByteArray(), unknownFields(random));
            case INVALID_UTF8 -> concat(message(type, strings, random, 0, false).toByteArray(), invalidUtf8(type, random));
            case WRONG_WIRE_TYPES -> wrongWireTypes(type, random);
            case RANDOM_BYTES -> {
                byte[] bytes = new byte[random.nextInt(2048)];
                random.nextBytes(bytes);
                yield bytes;
            }
            case DEEP_NESTING -> deepNesting(type, random);
            case HUGE_REPEATED -> hugeRepeated(type, strings, random);
            // rare on purpose: each is more than 4 MiB on the wire
            case OVERSIZED -> random.nextInt(20) == 0 ? oversized(random) : deepNesting(type, random);
        };
    }

    private static DynamicMessage message(Descriptor type, List<String> strings, Random random, int depth,
                                          boolean boundaries) {
        DynamicMessage.Builder builder = DynamicMessage.newBuilder(type);
        for (FieldDescriptor field : type.getFields()) {
            if (random.nextInt(4) == 0 || (field.getRealContainingOneof() != null && random.nextBoolean())) {
                continue;
            }
            if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && depth > 4) {
                continue;
            }
            if (field.isMapField() || field.isRepeated()) {
                int n = random.nextInt(4);
                for (int i = 0; i < n; i++) {
                    builder.addRepeatedField(field, value(field, strings, random, depth, boundaries));
                }
            } else {
                builder.setField(field, value(field, strings, random, depth, boundaries));
            }
        }
        return builder.build();
    }

    private static Object value(FieldDescriptor field, List<String> strings, Random random, int depth,
                                boolean boundaries) {
        return switch (field.getJavaType()) {
            case STRING -> strings.get(random.nextInt(strings.size()));
            case BYTE_STRING -> {
                String s = strings.get(random.nextInt(strings.size()));
                yield random.nextBoolean() ? ByteString.copyFromUtf8(s) : randomBytes(random, s.length());
            }
            case INT -> boundaries ? pick(random, 0, -1, 1, Integer.MIN_VALUE, Integer.MAX_VALUE, 1000, 1001)
                    : random.nextInt(2000) - 100;
            case LONG -> boundaries ? pick(random, 0L, -1L, Long.MIN_VALUE, Long.MAX_VALUE, 1L)
                    : (long) random.nextInt(2000) - 100;
            case FLOAT -> boundaries ? pick(random, Float.NaN, Float.NEGATIVE_INFINITY, -0f, Float.MAX_VALUE) : random.nextFloat();
            case DOUBLE -> boundaries ? pick(random, Double.NaN, Double.POSITIVE_INFINITY, -0d, Double.MIN_VALUE)
                    : random.nextDouble();
            case BOOLEAN -> random.nextBoolean();
            case ENUM -> field.getEnumType().isClosed() || random.nextBoolean()
                    ? field.getEnumType().getValues().get(random.nextInt(field.getEnumType().getValues().size()))
                    : field.getEnumType().findValueByNumberCreatingIfUnknown(
                            boundaries ? pick(random, -1, 999, Integer.MAX_VALUE) : random.nextInt(50));
            case MESSAGE -> message(field.getMessageType(), strings, random, depth + 1, boundaries);
        };
    }

    @SafeVarargs
    private static <T> T pick(Random random, T... values) {
        return values[random.nextInt(values.length)];
    }

    private static ByteString randomBytes(Random random, int length) {
        byte[] bytes = new byte[Math.min(length, 100_000)];
        random.nextBytes(bytes);
        return ByteString.copyFrom(bytes);
    }

    /** Fields the schema does not have, of every wire type, one with invalid UTF-8 inside. */
    private static byte[] unknownFields(Random random) {
        return write(out -> {
            int base = 1000 + random.nextInt(100_000);
            out.writeUInt64(base, random.nextLong());
            out.writeFixed32(base + 1, random.nextInt());
            out.writeFixed64(base + 2, random.nextLong());
            out.writeByteArray(base + 3, new byte[] {(byte) 0xC3, 0x28, (byte) 0xFF, 0});
            out.writeTag(base + 4, WireFormat.WIRETYPE_START_GROUP);
            out.writeUInt32(1, 7);
            out.writeTag(base + 4, WireFormat.WIRETYPE_END_GROUP);
        });
    }

    /** A string field carrying bytes that are not UTF-8 (a parse error in proto3), or bytes fields with such bytes. */
    private static byte[] invalidUtf8(Descriptor type, Random random) {
        List<FieldDescriptor> strings = type.getFields().stream()
                .filter(f -> f.getType() == FieldDescriptor.Type.STRING).toList();
        byte[] bad = {(byte) 0xC3, 0x28, (byte) 0xA0, (byte) 0xA1, (byte) 0xF0, (byte) 0x9F, 0x00, (byte) 0xFF};
        int number = strings.isEmpty() ? 1 + random.nextInt(20) : strings.get(random.nextInt(strings.size())).getNumber();
        return write(out -> out.writeByteArray(number, bad));
    }

    /** Every field of the schema written with a wire type other than its own. */
    private static byte[] wrongWireTypes(Descriptor type, Random random) {
        return write(out -> {
            for (FieldDescriptor field : type.getFields()) {
                int number = field.getNumber();
                switch (random.nextInt(4)) {
                    case 0 -> out.writeByteArray(number, new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
                    case 1 -> out.writeFixed64(number, random.nextLong());
                    case 2 -> out.writeFixed32(number, random.nextInt());
                    default -> out.writeUInt64(number, -1L);
                }
            }
        });
    }

    /** 200 levels of nesting: through a message field where the schema has one, else through groups. */
    private static byte[] deepNesting(Descriptor type, Random random) {
        FieldDescriptor nested = type.getFields().stream()
                .filter(f -> f.getJavaType() == FieldDescriptor.JavaType.MESSAGE).findFirst().orElse(null);
        int levels = 50 + random.nextInt(200);
        if (nested != null && random.nextBoolean()) {
            byte[] inner = new byte[0];
            for (int i = 0; i < levels; i++) {
                byte[] current = inner;
                inner = write(out -> out.writeByteArray(nested.getNumber(), current));
            }
            return inner;
        }
        return deepGroups(levels);
    }

    /** Groups of an unknown field inside each other, {@code levels} deep (protobuf stops parsing at 100). */
    private static byte[] deepGroups(int levels) {
        return write(out -> {
            for (int i = 0; i < levels; i++) {
                out.writeTag(9000, WireFormat.WIRETYPE_START_GROUP);
            }
            for (int i = 0; i < levels; i++) {
                out.writeTag(9000, WireFormat.WIRETYPE_END_GROUP);
            }
        });
    }

    /** A repeated field of the schema (or an unknown one) with 10 000 to 40 000 elements. */
    private static byte[] hugeRepeated(Descriptor type, List<String> strings, Random random) {
        FieldDescriptor repeated = type.getFields().stream().filter(FieldDescriptor::isRepeated).findFirst().orElse(null);
        int n = 10_000 + random.nextInt(30_000);
        if (repeated != null && repeated.getJavaType() == FieldDescriptor.JavaType.STRING) {
            return write(out -> {
                for (int i = 0; i < n; i++) {
                    out.writeString(repeated.getNumber(), strings.get(i % strings.size()).length() > 1000 ? "x" : strings.get(i % strings.size()));
                }
            });
        }
        int number = repeated != null ? repeated.getNumber() : 7000;
        return write(out -> {
            for (int i = 0; i < n; i++) {
                out.writeByteArray(number, new byte[0]);
            }
        });
    }

    private static byte[] oversized(Random random) {
        byte[] payload = new byte[MAX_MESSAGE + 1 + random.nextInt(1024)];
        return write(out -> out.writeByteArray(8000, payload));
    }

    private interface Writing {
        void to(CodedOutputStream out) throws IOException;
    }

    private static byte[] write(Writing writing) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        try {
            writing.to(out);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
