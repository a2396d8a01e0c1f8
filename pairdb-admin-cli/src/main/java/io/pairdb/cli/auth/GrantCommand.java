package io.pairdb.cli.auth;

import io.micronaut.context.annotation.Prototype;
import io.pairdb.cli.CommonOptions;
import io.pairdb.proto.admin.v1.ChangeGrantsRequest;
import java.util.List;
import picocli.CommandLine.Command;

@Prototype
@Command(name = "grant", description = "Gives an API key permissions; every coordinator applies them within seconds.")
final class GrantCommand extends GrantsChangeCommand {

    GrantCommand(CommonOptions options) {
        super(options);
    }

    @Override
    void change(ChangeGrantsRequest.Builder request, List<String> permissions) {
        request.addAllAdd(permissions);
    }
}
