package io.pairdb.cli.auth;

import io.micronaut.context.annotation.Prototype;
import io.pairdb.cli.CommonOptions;
import io.pairdb.proto.admin.v1.ChangeGrantsRequest;
import java.util.List;
import picocli.CommandLine.Command;

@Prototype
@Command(name = "ungrant", description = "Takes permissions from an API key; every coordinator applies it within seconds.")
final class UngrantCommand extends GrantsChangeCommand {

    UngrantCommand(CommonOptions options) {
        super(options);
    }

    @Override
    void change(ChangeGrantsRequest.Builder request, List<String> permissions) {
        request.addAllRemove(permissions);
    }
}
