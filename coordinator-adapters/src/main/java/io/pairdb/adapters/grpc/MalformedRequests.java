package io.pairdb.adapters.grpc;

import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.StatusRuntimeException;
import io.micronaut.core.order.Ordered;
import java.io.InputStream;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests whose bytes are not a valid message of the RPC's request type (bad wire format,
 * invalid UTF-8 in a string field, nesting past protobuf's recursion limit) are answered
 * {@code INVALID_ARGUMENT}, reason {@code MALFORMED_REQUEST}. gRPC itself would answer them
 * {@code UNKNOWN} ("Application error processing RPC"), as if the coordinator had failed.
 *
 * <p>Two halves: {@link #lenient} rebuilds a service so that a request that does not parse
 * arrives as {@code null} instead of an exception, and this interceptor answers such a call.
 * It must see each message before any interceptor that reads it ({@link #ORDER}: after the
 * request log, which only keeps it, before load shedding and call security).
 */
public final class MalformedRequests implements ServerInterceptor, Ordered {
    /** Between the request log (0), which logs the answer, and load shedding (50). */
    public static final int ORDER = 10;
    private static final Logger LOG = LoggerFactory.getLogger(MalformedRequests.class);

    /** {@code service} with request marshallers that give {@code null} for bytes that do not parse. */
    public static ServerServiceDefinition lenient(ServerServiceDefinition service) {
        // a service descriptor must hold the very method descriptors its definition binds
        List<ServerMethodDefinition<?, ?>> methods = service.getMethods().stream()
                .<ServerMethodDefinition<?, ?>>map(MalformedRequests::lenient).toList();
        ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(service.getServiceDescriptor().getName())
                .setSchemaDescriptor(service.getServiceDescriptor().getSchemaDescriptor());
        methods.forEach(m -> descriptor.addMethod(m.getMethodDescriptor()));
        ServerServiceDefinition.Builder builder = ServerServiceDefinition.builder(descriptor.build());
        methods.forEach(builder::addMethod);
        return builder.build();
    }

    private static <Q, R> ServerMethodDefinition<Q, R> lenient(ServerMethodDefinition<Q, R> definition) {
        MethodDescriptor<Q, R> method = definition.getMethodDescriptor();
        MethodDescriptor.Marshaller<Q> strict = method.getRequestMarshaller();
        MethodDescriptor.Marshaller<Q> tolerant = new MethodDescriptor.Marshaller<>() {
            @Override
            public InputStream stream(Q value) {
                return strict.stream(value);
            }

            @Override
            public Q parse(InputStream stream) {
                try {
                    return strict.parse(stream);
                } catch (RuntimeException e) {
                    LOG.debug("a {} request does not parse: {}", method.getFullMethodName(), e.getMessage());
                    return null;
                }
            }
        };
        return ServerMethodDefinition.create(method.toBuilder(tolerant, method.getResponseMarshaller()).build(),
                definition.getServerCallHandler());
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                      ServerCallHandler<Q, R> next) {
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {
            private boolean refused;

            @Override
            public void onMessage(Q message) {
                if (refused) {
                    return;
                }
                if (message == null) {
                    refused = true;
                    StatusRuntimeException error = GrpcErrors.invalid("MALFORMED_REQUEST", "the request is not a valid "
                            + call.getMethodDescriptor().getFullMethodName() + " request message (protobuf wire format, "
                            + "UTF-8 strings, at most 100 levels of nesting)");
                    call.close(error.getStatus(), error.getTrailers());
                    return;
                }
                super.onMessage(message);
            }

            @Override
            public void onHalfClose() {
                if (!refused) {
                    super.onHalfClose();
                }
            }
        };
    }
}
