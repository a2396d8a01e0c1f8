package io.pairdb.adapters.grpc;

import com.google.protobuf.MessageLite;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.core.order.Ordered;
import io.pairdb.core.limits.DeadlineAdmission;
import io.pairdb.core.limits.DeadlineAdmission.Verdict;
import io.pairdb.core.limits.LoadBound;
import io.pairdb.core.limits.LoadBound.Admission;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sheds the calls a coordinator has no room for: a call that would pass the {@link LoadBound}
 * (requests in flight, or the bytes of their request messages) is answered at once with
 * {@code RESOURCE_EXHAUSTED}, reason {@code OVERLOADED} and a {@code RetryInfo}, before
 * authentication, storage or database work. The request bound is checked when the call starts,
 * the byte bound when its request message arrives, both before the handler sees anything. A call
 * holds its share until it is answered; a call its client cancels holds it until the handler,
 * whose work goes on, answers, unless the handler did not have the request yet. Calls to the
 * exempt services (health) are never counted nor shed, so probes stay answerable under overload.
 *
 * <p>With a {@link DeadlineAdmission}, a call within the bound is shed too (limit {@code deadline})
 * when the calls in flight ahead of it take longer to be answered at the recent rate than the share
 * of its remaining deadline the admission allows: it would most likely end
 * {@code DEADLINE_EXCEEDED} after taking its share of the machine from calls that can still meet
 * theirs. Calls without a deadline are never shed for it.
 *
 * <p>Metrics: {@code coordinator_requests_shed_total{operation,limit}},
 * {@code coordinator_requests_in_flight} and {@code coordinator_request_bytes_in_flight}.
 */
public final class LoadShedding implements ServerInterceptor, Ordered {
    /** The ErrorInfo reason of a shed call. */
    public static final String OVERLOADED = "OVERLOADED";
    // after the request log (order 0), so that shed calls are logged; before security (100), which may read PostgreSQL
    private static final int ORDER = 50;

    private final LoadBound bound;
    private final DeadlineAdmission deadlines;
    private final Duration retryAfter;
    private final Set<String> exemptServices;
    private final MeterRegistry registry;

    /**
     * @param deadlines      judges whether a call can still meet its deadline; {@code null}: calls are
     *                       not shed for their deadline
     * @param retryAfter     the delay the {@code RetryInfo} of a shed call suggests
     * @param exemptServices gRPC service names whose calls are never counted nor shed
     */
    public LoadShedding(LoadBound bound, DeadlineAdmission deadlines, Duration retryAfter, Set<String> exemptServices,
                        MeterRegistry registry) {
        this.bound = Objects.requireNonNull(bound, "bound");
        this.deadlines = deadlines;
        this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
        this.exemptServices = Set.copyOf(exemptServices);
        this.registry = Objects.requireNonNull(registry, "registry");
        Gauge.builder("coordinator.requests.in.flight", bound, LoadBound::requestsInFlight)
                .description("Calls accepted by this coordinator and not yet answered (health calls not counted)")
                .register(registry);
        Gauge.builder("coordinator.request.bytes.in.flight", bound, LoadBound::bytesInFlight)
                // no base unit: Prometheus would name it ..._in_flight_bytes, not the documented name
                .description("Bytes of the request messages of the calls in flight").register(registry);
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                      ServerCallHandler<Q, R> next) {
        if (exemptServices.contains(call.getMethodDescriptor().getServiceName())) {
            return next.startCall(call, headers);
        }
        if (bound.admitRequest() instanceof Admission.Refused refused) {
            return refuse(call, shed(call, refused));
        }
        Optional<Verdict.TooLate> late = tooLate();
        if (late.isPresent()) {
            bound.releaseRequest();
            return refuse(call, shed(call, late.get()));
        }
        Share share = new Share();
        ServerCall<Q, R> counted = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                share.release(status.getCode() != Status.Code.DEADLINE_EXCEEDED
                        && status.getCode() != Status.Code.CANCELLED);
                super.close(status, trailers);
            }
        };
        // A unary handler answers (closes the call) even after its client went away; a streaming one may not.
        boolean answersAfterCancel = call.getMethodDescriptor().getType().serverSendsOneMessage();
        ServerCall.Listener<Q> listener;
        try {
            listener = next.startCall(counted, headers);
        } catch (RuntimeException e) {
            share.release(false);
            throw e;
        }
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
            private boolean refused;

            @Override
            public void onMessage(Q message) {
                if (refused) {
                    return;
                }
                long size = message instanceof MessageLite m ? m.getSerializedSize() : 0;
                if (bound.admitBytes(size) instanceof Admission.Refused tooMuch) {
                    refused = true;
                    StatusRuntimeException error = shed(call, tooMuch);
                    counted.close(error.getStatus(), error.getTrailers());
                    return;
                }
                share.holdBytes(size);
                super.onMessage(message);
            }

            @Override
            public void onHalfClose() {
                if (!refused) {
                    share.working = answersAfterCancel;
                    try {
                        super.onHalfClose();
                    } catch (RuntimeException | Error e) {
                        share.working = false;
                        throw e;
                    }
                }
            }

            @Override
            public void onCancel() {
                // The client went away (its deadline passed, or it cancelled). If the handler has the request, its
                // work goes on (storage calls are not cancelled with the client's call), so the call keeps its place
                // until the handler answers: otherwise a client resetting its calls as fast as it makes them would
                // have the coordinator work on any number of them at once (HTTP/2 "rapid reset").
                share.cancelled = true;
                if (!share.working) {
                    share.release(false);
                }
                super.onCancel();
            }

            @Override
            public void onComplete() {
                share.release(true);
                super.onComplete();
            }
        };
    }

    /** Why the call about to start, admitted by the bound, would most likely miss its deadline, if it would. */
    private Optional<Verdict.TooLate> tooLate() {
        Deadline deadline = Context.current().getDeadline();
        if (deadlines == null || deadline == null) {
            return Optional.empty();
        }
        // the calls ahead: those in flight besides this one, which the bound has just counted
        return deadlines.judge(bound.requestsInFlight() - 1L, deadline.timeRemaining(TimeUnit.NANOSECONDS),
                System.nanoTime()) instanceof Verdict.TooLate late ? Optional.of(late) : Optional.empty();
    }

    private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, StatusRuntimeException error) {
        call.close(error.getStatus(), error.getTrailers());
        return new ServerCall.Listener<>() {
        };
    }

    private StatusRuntimeException shed(ServerCall<?, ?> call, Admission.Refused refused) {
        String limit = refused.limit().name().toLowerCase(Locale.ROOT);
        String what = refused.limit() == LoadBound.Limit.REQUESTS ? "requests" : "request bytes";
        return shed(call, limit, "the coordinator is overloaded (" + refused.inFlight() + " " + what
                + " in flight, at most " + refused.max() + ")");
    }

    private StatusRuntimeException shed(ServerCall<?, ?> call, Verdict.TooLate late) {
        String left = late.mayWait().equals(late.remaining())
                ? late.remaining().toMillis() + " ms left of its deadline"
                : late.mayWait().toMillis() + " ms it may wait of the " + late.remaining().toMillis() + " ms left of its deadline";
        String why = late.expectedWait()
                .map(w -> "the " + late.callsAhead() + " calls ahead of this one take about " + w.toMillis()
                        + " ms to be answered at the recent rate, longer than the " + left)
                .orElse("none of the calls that ended lately was answered in time, so the " + late.callsAhead()
                        + " calls ahead of this one are not expected to be within the " + left);
        return shed(call, "deadline", "the coordinator is overloaded: " + why);
    }

    private StatusRuntimeException shed(ServerCall<?, ?> call, String limit, String why) {
        Counter.builder("coordinator.requests.shed")
                .description("Calls answered RESOURCE_EXHAUSTED/OVERLOADED because the coordinator had no room for them")
                .tag("operation", call.getMethodDescriptor().getBareMethodName())
                .tag("limit", limit)
                .register(registry).increment();
        return GrpcErrors.retryLater(Status.Code.RESOURCE_EXHAUSTED, OVERLOADED,
                why + "; retry after " + retryAfter.toMillis() + " ms, or on another coordinator",
                Map.of("limit", limit), retryAfter);
    }

    /**
     * What one call holds of the bound; given back once: when the call is answered or completes, or when its client
     * cancels it before the handler has its request.
     */
    private final class Share {
        private final AtomicBoolean released = new AtomicBoolean();
        private final AtomicLong bytes = new AtomicLong();
        /** The handler has the request and will answer the call, cancelled or not. */
        private volatile boolean working;
        /** The client cancelled the call: an answer after that was not in time for it. */
        private volatile boolean cancelled;

        void holdBytes(long size) {
            bytes.addAndGet(size);
            if (released.get()) {
                // the call ended while its message was being admitted
                bound.releaseBytes(bytes.getAndSet(0));
            }
        }

        /** @param inTime whether the call was answered before its deadline passed (or it had none) */
        void release(boolean inTime) {
            if (released.compareAndSet(false, true)) {
                bound.releaseRequest();
                if (deadlines != null) {
                    deadlines.ended(System.nanoTime(), inTime && !cancelled);
                }
                bound.releaseBytes(bytes.getAndSet(0));
            }
        }
    }
}
