package io.pairdb.cli.auth;

import io.micronaut.context.annotation.Prototype;
import io.pairdb.cli.CommonOptions;
import io.pairdb.proto.admin.v1.WhoAmIRequest;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Prototype
@Command(name = "whoami", description = "Who the coordinator takes you for, and what you may do.")
final class WhoAmICommand implements Callable<Integer> {

    private final CommonOptions options;

    WhoAmICommand(CommonOptions options) {
        this.options = options;
    }

    /** The JSON document of {@code auth whoami}. */
    record Caller(String principal, String label, List<String> grants) {
    }

    @Override
    public Integer call() {
        var me = options.auth().whoAmI(WhoAmIRequest.getDefaultInstance());
        Caller caller = new Caller(me.getPrincipal(), me.getLabel(), List.copyOf(me.getGrantsList()));
        return options.print(caller, "PRINCIPAL  " + caller.principal() + (caller.label().isEmpty() ? "" : " (" + caller.label() + ")")
                + "\nGRANTS     " + (caller.grants().isEmpty() ? "(none)" : String.join(" ", caller.grants())));
    }
}
