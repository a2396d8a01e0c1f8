package io.pairdb.cli.bench;

import io.micronaut.context.annotation.Prototype;
import io.pairdb.cli.CommandFailure;
import io.pairdb.cli.CoordinatorAddress;
import io.pairdb.cli.ExitCodes;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

@Prototype
@Command(name = "baseline-proxy",
        description = {
            "Serves the data-plane API as a bare fan-out to storage nodes, the reference `bench` compares a "
            + "coordinator with: a write reads one node (or takes the causal context) and writes every node, "
            + "a read reads every node; each answers once the consistency level's count of nodes has (2 of 3 "
            + "at quorum). No tenants, ring, idempotency, hints or repair. Runs until SIGTERM or SIGINT.",
        })
final class BaselineProxyCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--port", paramLabel = "PORT", required = true, description = "Port to listen on; 0 picks a free one.")
    private int port;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    private String host;

    @Option(names = "--nodes", paramLabel = "HOST:PORT", required = true, split = ",", converter = CoordinatorAddress.Converter.class,
            description = "The storage nodes, comma-separated; every one is a replica of every key.")
    private List<CoordinatorAddress> nodes;

    private final CountDownLatch stopRequested = new CountDownLatch(1);

    @Override
    public Integer call() throws InterruptedException {
        LoadOptions.require(spec, port >= 0 && port <= 65_535, "--port must be between 0 and 65535, not " + port);
        BaselineProxy proxy;
        try {
            proxy = BaselineProxy.start(new InetSocketAddress(host, port), nodes);
        } catch (IOException e) {
            throw CommandFailure.local("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        try (proxy) {
            // Handled rather than left to the JVM, so a stop is graceful and exits 0 as supervisors expect.
            Signal.handle(new Signal("TERM"), signal -> stopRequested.countDown());
            Signal.handle(new Signal("INT"), signal -> stopRequested.countDown());
            PrintWriter out = spec.commandLine().getOut();
            out.printf("pairdb baseline proxy ready on %s:%d, fanning out to %s%n", host, proxy.port(),
                    nodes.stream().map(CoordinatorAddress::toString).collect(Collectors.joining(",")));
            out.flush();
            stopRequested.await();
        }
        return ExitCodes.OK;
    }
}
