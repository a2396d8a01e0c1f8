package io.pairdb.app;

import com.google.protobuf.Any;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.rpc.ErrorInfo;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import io.micronaut.context.annotation.Value;
import io.pairdb.adapters.runtime.LogBudget;
import io.pairdb.adapters.runtime.LogText;
import io.pairdb.app.config.ConfigurationError;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * One structured log line for every gRPC call that ends in an error status: the service and
 * method (so the v1 services and the original gateway's {@code proto.CoordinatorService}, which
 * share method names, are told apart), the status code, the {@code ErrorInfo} reason, the duration, and the tenant and key when the
 * request has them (escaped and cut, see {@link LogText}, as is the status description). Never the value. Errors the client caused are logged at INFO (a missing key at DEBUG), the others at
 * WARN. At most {@code pairdb.log.max-lines-per-second} INFO and WARN lines a second (see {@link LogBudget}): under overload
 * calls fail by the thousand a second, and the request metrics count every one. Also counts the calls in flight, for
 * the shutdown log.
 */
@Singleton
public class RequestLog implements ServerInterceptor {
    private static final Logger LOG = LoggerFactory.getLogger(RequestLog.class);
    private static final Set<Status.Code> CLIENT_ERRORS = EnumSet.of(Status.Code.CANCELLED, Status.Code.INVALID_ARGUMENT,
            Status.Code.NOT_FOUND, Status.Code.ALREADY_EXISTS, Status.Code.FAILED_PRECONDITION, Status.Code.ABORTED,
            Status.Code.OUT_OF_RANGE, Status.Code.RESOURCE_EXHAUSTED);

    private final AtomicInteger inFlight = new AtomicInteger();
    private final LogBudget budget;

    public RequestLog() {
        this(LogBudget.DEFAULT_LINES_PER_SECOND);
    }

    @Inject
    public RequestLog(@Value("${pairdb.log.max-lines-per-second:" + LogBudget.DEFAULT_LINES_PER_SECOND + "}")
                      long linesPerSecond) {
        this.budget = logBudget(linesPerSecond);
    }

    /** A budget of {@code pairdb.log.max-lines-per-second}, or a clear error when the setting is not at least 1. */
    public static LogBudget logBudget(long linesPerSecond) {
        if (linesPerSecond < 1) {
            throw new ConfigurationError("pairdb.log.max-lines-per-second", "must be at least 1, was " + linesPerSecond);
        }
        return new LogBudget(linesPerSecond);
    }

    /** Calls accepted and not yet answered or cancelled. */
    public int inFlight() {
        return inFlight.get();
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        long started = System.nanoTime();
        MethodDescriptor<Q, R> method = call.getMethodDescriptor();
        AtomicBoolean finished = new AtomicBoolean();
        Runnable done = () -> {
            if (finished.compareAndSet(false, true)) {
                inFlight.decrementAndGet();
            }
        };
        inFlight.incrementAndGet();
        RequestFields fields = new RequestFields();
        ServerCall<Q, R> logged = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                try {
                    if (!status.isOk()) {
                        log(method, status, trailers, fields, (System.nanoTime() - started) / 1_000_000);
                    }
                } finally {
                    done.run();
                    super.close(status, trailers);
                }
            }
        };
        ServerCall.Listener<Q> listener;
        try {
            listener = next.startCall(logged, headers);
        } catch (RuntimeException e) {
            done.run();
            throw e;
        }
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onMessage(Q message) {
                fields.capture(message);
                super.onMessage(message);
            }

            @Override
            public void onCancel() {
                done.run();
                super.onCancel();
            }

            @Override
            public void onComplete() {
                done.run();
                super.onComplete();
            }
        };
    }

    private void log(MethodDescriptor<?, ?> method, Status status, Metadata trailers, RequestFields fields,
                     long millis) {
        String reason = reason(status, trailers);
        // a read of a key that is not there is an ordinary answer, not worth a line at INFO
        Level level = "KEY_NOT_FOUND".equals(reason) ? Level.DEBUG
                : CLIENT_ERRORS.contains(status.getCode()) ? Level.INFO : Level.WARN;
        if (!LOG.isEnabledForLevel(level)) {
            return;
        }
        // DEBUG is asked for on purpose, line by line: only the lines written by default have a budget
        long leftOut = 0;
        if (level != Level.DEBUG) {
            var admitted = budget.admit();
            if (admitted.isEmpty()) {
                return;
            }
            leftOut = admitted.getAsLong();
        }
        var line = LOG.atLevel(level)
                .addKeyValue("event", "request_failed")
                .addKeyValue("service", method.getServiceName())
                .addKeyValue("operation", method.getBareMethodName())
                .addKeyValue("status", status.getCode().name())
                .addKeyValue("reason", reason)
                .addKeyValue("duration_ms", millis);
        String tenant = fields.tenant();
        String key = fields.key();
        if (tenant != null) {
            line = line.addKeyValue("tenant", tenant);
        }
        if (key != null) {
            line = line.addKeyValue("key", key);
        }
        if (leftOut > 0) {
            line = line.addKeyValue("lines_left_out", leftOut);
        }
        line.log("{} failed: {} {} after {} ms{}: {}{}", method.getFullMethodName(), status.getCode(), reason, millis,
                fields, LogText.message(status.getDescription()), LogBudget.leftOutNote(leftOut));
    }

    private static String reason(Status status, Metadata trailers) {
        com.google.rpc.Status details = StatusProto.fromStatusAndTrailers(status, trailers);
        for (Any any : details.getDetailsList()) {
            if (any.is(ErrorInfo.class)) {
                try {
                    return any.unpack(ErrorInfo.class).getReason();
                } catch (InvalidProtocolBufferException e) {
                    return "UNREADABLE_ERROR_INFO";
                }
            }
        }
        return "NONE";
    }

    /**
     * The request of a call, kept as it is; its tenant and key are read by field name (so admin
     * requests that have them show them too) only when a failure is logged.
     */
    private static final class RequestFields {
        private volatile Object request;

        void capture(Object message) {
            request = message;
        }

        String tenant() {
            return request instanceof Message m ? stringField(m, "tenant_id") : null;
        }

        String key() {
            return request instanceof Message m ? stringField(m, "key") : null;
        }

        private static String stringField(Message message, String name) {
            FieldDescriptor field = message.getDescriptorForType().findFieldByName(name);
            if (field == null || field.getJavaType() != FieldDescriptor.JavaType.STRING || field.isRepeated()) {
                return null;
            }
            String value = (String) message.getField(field);
            // chosen by the client: escaped and cut, so it can neither forge a line nor flood the log
            return value.isEmpty() ? null : LogText.identifier(value);
        }

        @Override
        public String toString() {
            String tenant = tenant();
            String key = key();
            if (tenant == null && key == null) {
                return "";
            }
            return " (" + (tenant != null ? tenant : "-") + (key != null ? "/" + key : "") + ")";
        }
    }
}
