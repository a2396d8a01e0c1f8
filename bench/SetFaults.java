import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.pairdb.proto.emulator.v1.EmulatorControlGrpc;
import io.pairdb.proto.emulator.v1.Faults;
import java.util.concurrent.TimeUnit;

/**
 * Replaces the faults of one storage-node emulator (its SetFaults call) for bench/run.sh:
 * {@code SetFaults HOST:PORT DELAY_MS STALL_PROBABILITY STALL_MS}. Prints the faults now in force.
 */
public class SetFaults {
    public static void main(String[] args) throws InterruptedException {
        if (args.length != 4) {
            System.err.println("usage: SetFaults HOST:PORT DELAY_MS STALL_PROBABILITY STALL_MS");
            System.exit(2);
        }
        ManagedChannel channel = Grpc.newChannelBuilder(args[0], InsecureChannelCredentials.create()).build();
        try {
            Faults now = EmulatorControlGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .setFaults(Faults.newBuilder().setDelayMs(Long.parseLong(args[1]))
                            .setStallProbability(Double.parseDouble(args[2])).setStallMs(Long.parseLong(args[3]))
                            .build());
            System.out.println("delay_ms=" + now.getDelayMs() + " stall_probability=" + now.getStallProbability()
                    + " stall_ms=" + now.getStallMs());
        } finally {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }
}
